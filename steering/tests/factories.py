import datetime as dt

import factory

from steering.models import (
    Agent,
    Committee,
    CommitteeMember,
    CrisisExercise,
    Deadline,
    Decision,
    Document,
    Meeting,
    PressRelease,
    Training,
)
from tests.factories import UserFactory  # noqa: F401


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Comité {n}")
    kind = Committee.Kind.STEERING


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Personne extérieure {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of its committee's département."""

    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    department = factory.SelfAttribute("committee.department")
    held_on = factory.Sequence(lambda n: dt.date(2015, 1, 1) + dt.timedelta(days=n))
    agenda = "1. Suivi des plans d'actions"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    department = factory.SelfAttribute("meeting.department")
    text = factory.Sequence(lambda n: f"Décision {n}")


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline

    title = factory.Sequence(lambda n: f"Échéance {n}")
    kind = Deadline.Kind.COPIL
    frequency = Deadline.Frequency.MONTHLY
    starts_on = dt.date(2016, 1, 12)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Fiche de procédure {n}")
    kind = Document.Kind.PROCEDURE


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    last_name = factory.Sequence(lambda n: f"Agent{n}")
    first_name = "Camille"
    reception_duties = True
    took_post_on = dt.date(2012, 1, 1)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    agent = factory.SubFactory(AgentFactory)
    topic = Training.Topic.RECEPTION
    trained_on = dt.date(2015, 3, 10)


class PressReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressRelease

    issued_on = dt.date(2015, 8, 10)
    event = factory.Sequence(lambda n: f"Événement {n}")
    channel = "Communiqué de presse"


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisExercise

    held_on = dt.date(2015, 3, 26)
    scenario = factory.Sequence(lambda n: f"Scénario {n}")
