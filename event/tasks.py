from celery import shared_task

from event.models import Event
from event.services import event_generate_properties
from tenant.current import current_schema


@shared_task(name="event.generate_properties")
def generate_event_properties(event_id: int) -> dict:
    """Recompute one event's derived data in the schema the task was queued from."""
    event = Event.objects.get(pk=event_id)
    result = event_generate_properties(event=event)
    return {"schema": current_schema(), "event_id": result.event_id, "days": len(result.days)}
