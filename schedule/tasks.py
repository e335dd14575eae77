from celery import shared_task

from schedule.services import copanelist_send_invitation, release_send_changes


@shared_task(name="schedule.send_copanelist_invitation")
def send_copanelist_invitation(panelist_id: int, token: str) -> int:
    """Mail a co-panelist their personal confirmation link. Returns mails sent."""
    return copanelist_send_invitation(panelist_id=panelist_id, token=token)


@shared_task(name="schedule.send_release_changes")
def send_release_changes(release_id: int) -> int:
    """Mail each panelist what a new release changed for them. Returns mails sent."""
    return release_send_changes(release_id=release_id)
