"""Every write of the steering app: validated (full_clean), atomic, recorded with who did it."""

from __future__ import annotations

import datetime as dt
import secrets

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualipref.attachments.validators import validate_upload
from referential.params import CURRENT, parameter_value

from . import recurrence, training_rules
from .models import (
    Agent,
    CalendarFeedToken,
    Committee,
    CommitteeMember,
    Deadline,
    DeadlineCompletion,
    Decision,
    Document,
    DocumentReview,
    DocumentVersion,
    Meeting,
    Training,
)

NOT_AN_OCCURRENCE = "Cette date n'est pas une occurrence de l'échéance."
REVIEW_IN_FUTURE = "Une revue ne peut pas être enregistrée à une date à venir."
REVIEW_OF_WITHDRAWN = "Un document retiré n'est plus revu : remettez-le en projet d'abord."
REVIEW_ALREADY = "Une revue de ce document est déjà enregistrée à cette date."
FUTURE_OCCURRENCE_DONE = "Une occurrence à venir ne peut pas être marquée comme faite."
VERSION_FILE_REQUIRED = (
    "Joignez le fichier de cette version : une version sans fichier n'est pas enregistrée."
)
MEMBER_USER_OR_NAME = "Choisissez un utilisateur ou saisissez le nom d'une personne extérieure."
MEMBER_ALREADY = "Cette personne est déjà membre du comité."
DEFAULT_TRAINING_YEARS = 4


def _save(obj, by):
    """full_clean then save, recording `by` in the row's history."""
    obj.full_clean()
    obj._history_user = by
    obj.save()
    return obj


# ---- committees, meetings, decisions -------------------------------------------------------------------


@transaction.atomic
def committee_save(*, committee: Committee, by) -> Committee:
    return _save(committee, by)


@transaction.atomic
def member_add(
    *, committee: Committee, by, user=None, name: str = "", organisation: str = "", role: str = ""
):
    if user is None and not name.strip():
        raise ValidationError(MEMBER_USER_OR_NAME)
    if user is not None and committee.members.filter(user=user).exists():
        raise ValidationError(MEMBER_ALREADY)
    member = CommitteeMember(
        committee=committee, user=user, name=name.strip(), organisation=organisation, role=role
    )
    return _save(member, by)


@transaction.atomic
def member_remove(*, member: CommitteeMember, by) -> None:
    member._history_user = by
    member.delete()


@transaction.atomic
def meeting_save(*, meeting: Meeting, by, attendees=None) -> Meeting:
    """Create or change a meeting; its département is its committee's. Minutes only once held."""
    meeting.department_id = meeting.committee.department_id
    _save(meeting, by)
    if attendees is not None:
        meeting.attendees.set([m for m in attendees if m.committee_id == meeting.committee_id])
    return meeting


@transaction.atomic
def decision_save(*, decision: Decision, by) -> Decision:
    decision.department_id = decision.meeting.department_id
    return _save(decision, by)


# ---- calendar ------------------------------------------------------------------------------------------


@transaction.atomic
def deadline_save(*, deadline: Deadline, by) -> Deadline:
    if deadline.frequency == Deadline.Frequency.ONCE:
        deadline.until = None
    return _save(deadline, by)


@transaction.atomic
def occurrence_mark_done(
    *, deadline: Deadline, occurrence_on: dt.date, by, note: str = "", today: dt.date | None = None
) -> DeadlineCompletion:
    today = today or timezone.localdate()
    found = recurrence.occurrences(
        **deadline.occurrence_rule, window_start=occurrence_on, window_end=occurrence_on
    )
    if not any(o.starts_on == occurrence_on for o in found):
        raise ValidationError(NOT_AN_OCCURRENCE)
    if occurrence_on > today:
        raise ValidationError(FUTURE_OCCURRENCE_DONE)
    completion, _ = DeadlineCompletion.objects.get_or_create(
        deadline=deadline,
        occurrence_on=occurrence_on,
        defaults={"done_on": today, "done_by": by, "note": note},
    )
    return completion


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def feed_token_regenerate(*, user) -> CalendarFeedToken:
    """A new secret for the user's feed: the previous address stops working at once."""
    token, created = CalendarFeedToken.objects.get_or_create(user=user, defaults={"token": _new_token()})
    if not created:
        token.token = _new_token()
        token.save(update_fields=["token", "updated_at"])
    return token


@transaction.atomic
def feed_token_revoke(*, user) -> None:
    CalendarFeedToken.objects.filter(user=user).delete()


# ---- documents -----------------------------------------------------------------------------------------


@transaction.atomic
def document_save(*, document: Document, by) -> Document:
    return _save(document, by)


@transaction.atomic
def document_set_status(*, document: Document, status: str, by) -> Document:
    """The one place a document's status changes (draft → in force → withdrawn…)."""
    Document.WORKFLOW.check(document.status, status)
    document.status = status
    return _save(document, by)


@transaction.atomic
@transaction.atomic
def document_review_done(
    *, document: Document, reviewed_on: dt.date, by, note: str = "", today: dt.date | None = None
) -> DocumentReview:
    """Record a review of `document` as done on `reviewed_on` by `by`, and move its next review by its
    periodicity (`review_months` after the review; none when the document has no periodicity)."""
    today = today or timezone.localdate()
    if reviewed_on > today:
        raise ValidationError(REVIEW_IN_FUTURE)
    if document.status == Document.Status.WITHDRAWN:
        raise ValidationError(REVIEW_OF_WITHDRAWN)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.reviews.filter(reviewed_on=reviewed_on).exists():
        raise ValidationError(REVIEW_ALREADY)
    next_on = reviewed_on + relativedelta(months=document.review_months) if document.review_months else None
    review = DocumentReview(
        document=document, reviewed_on=reviewed_on, reviewed_by=by, note=note, next_review_on=next_on
    )
    _save(review, by)
    document.review_on = next_on
    _save(document, by)
    return review


def document_version_add(
    *,
    document: Document,
    label: str,
    issued_on: dt.date,
    upload,
    by,
    author=None,
    changes: str = "",
    make_current: bool = True,
) -> DocumentVersion:
    if upload is None:
        raise ValidationError({"file": VERSION_FILE_REQUIRED})
    validate_upload(upload)
    version = DocumentVersion(
        document=document,
        label=label,
        issued_on=issued_on,
        author=author or by,
        original_name=upload.name[:255],
        changes=changes,
        is_current=False,
    )
    version.file.save(upload.name, upload, save=False)
    _save(version, by)
    if make_current:
        version_make_current(version=version, by=by)
    return version


@transaction.atomic
def version_make_current(*, version: DocumentVersion, by) -> DocumentVersion:
    # Two statements so that the partial unique index (one current version) never sees two.
    DocumentVersion.objects.filter(document_id=version.document_id, is_current=True).exclude(
        pk=version.pk
    ).update(is_current=False)
    version.is_current = True
    version._history_user = by
    version.save(update_fields=["is_current", "updated_at"])
    return version


# ---- agents and trainings ------------------------------------------------------------------------------


def training_validity_years(department=None) -> int:
    """The years a reception training stays valid for the département, in the referential in force (one
    query: the referential is read within the parameter's query)."""
    return int(
        parameter_value(
            CURRENT, "training_validity_years", department=department, default=DEFAULT_TRAINING_YEARS
        )
    )


def agent_refresh_due(agent: Agent, *, years: int | None = None) -> Agent:
    """Recompute the stored deadline of the agent's reception training (after any change)."""
    years = years or training_validity_years(agent.site.entity.department)
    dates = list(agent.trainings.filter(topic=Training.Topic.RECEPTION).values_list("trained_on", flat=True))
    due = training_rules.training_deadline(
        took_post_on=agent.took_post_on, reception_trainings=dates, years=years, on=dt.date.max
    )
    new = due if agent.reception_duties and agent.left_on is None else None
    if agent.training_due_on != new:
        Agent.objects.filter(pk=agent.pk).update(training_due_on=new)
        agent.training_due_on = new
    return agent


def agents_refresh_due(queryset=None) -> int:
    """Recompute every agent's deadline (after the validity parameter changed); returns the count."""
    count = 0
    for agent in (queryset or Agent.objects.all()).select_related("site__entity__department"):
        agent_refresh_due(agent)
        count += 1
    return count


@transaction.atomic
def agent_save(*, agent: Agent, by) -> Agent:
    _save(agent, by)
    return agent_refresh_due(agent)


@transaction.atomic
def training_add(
    *, agent: Agent, topic: str, trained_on: dt.date, by, provider: str = "", title: str = "", hours=None
) -> Training:
    training = Training(
        agent=agent, topic=topic, trained_on=trained_on, provider=provider, title=title, hours=hours
    )
    _save(training, by)
    agent_refresh_due(agent)
    return training


@transaction.atomic
def training_delete(*, training: Training, by) -> None:
    agent = training.agent
    training._history_user = by
    training.delete()
    agent_refresh_due(agent)


# ---- registers -----------------------------------------------------------------------------------------


@transaction.atomic
def register_entry_save(*, entry, by):
    """Press releases, exercises, newsletters, social-media counts, label events."""
    return _save(entry, by)


@transaction.atomic
def register_entry_delete(*, entry, by) -> None:
    entry._history_user = by
    entry.delete()
