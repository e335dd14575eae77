"""Schedule test data. Create inside ``tenant_context(tenant)``."""

import factory

from schedule.models import Panelist, Room, Speaker, Submission, Track
from tests.factories.event import EventFactory


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")
    colour = "#047857"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 100
    position = factory.Sequence(lambda n: n)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    email = factory.Sequence(lambda n: f"speaker{n}@example.org")
    name = factory.Sequence(lambda n: f"Speaker {n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    description = "What it is about."
    duration = 60
    status = Submission.Status.ACCEPTED


def on_panel(submission: Submission, speaker: Speaker, **kwargs) -> Panelist:
    values = {"status": Panelist.Status.CONFIRMED, "is_submitter": True} | kwargs
    return Panelist.objects.create(submission=submission, speaker=speaker, **values)
