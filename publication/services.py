"""Writes of the publication app: prepare a draft, publish it, withdraw it, delete a draft."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import collect, periods
from .models import WORKFLOW, Snapshot, SnapshotFigure

NOTHING_TO_PUBLISH = (
    "Aucun chiffre n'est disponible pour ce site sur cette période : "
    "choisissez une autre période ou une autre enquête."
)
NO_FIGURE_CHOSEN = "Choisissez au moins un chiffre à publier."
ONLY_DRAFTS_DELETED = "Seul un brouillon peut être supprimé ; retirez plutôt la publication."
ONLY_DRAFTS_CHANGED = "Les chiffres d'une publication ne changent plus une fois publiée."


@transaction.atomic
def snapshot_prepare(
    *, site, start: dt.date, end: dt.date, families, campaign=None, note: str = "", by
) -> Snapshot:
    """A draft snapshot holding the figures computed now from the other apps' data (frozen rows)."""
    if end < start:
        raise ValidationError({"period_end": "La fin de la période doit suivre son début."})
    figures = collect.candidate_figures(site, campaign=campaign, start=start, end=end, families=families)
    if not figures:
        raise ValidationError(NOTHING_TO_PUBLISH)
    snapshot = Snapshot(
        site=site,
        period_start=start,
        period_end=end,
        period_label=periods.period_label(start, end),
        campaign=campaign,
        note=note,
        created_by=by,
    )
    snapshot.full_clean()
    snapshot._history_user = by
    snapshot.save()
    rows = []
    for order, data in enumerate(figures):
        row = SnapshotFigure(snapshot=snapshot, order=order, **data.__dict__)
        row.full_clean(exclude=["snapshot"])
        rows.append(row)
    SnapshotFigure.objects.bulk_create(rows)
    return snapshot


def _set_status(snapshot: Snapshot, target: str, *, by) -> None:
    WORKFLOW.check(snapshot.status, target)
    now = timezone.now()
    snapshot.status = target
    snapshot.status_changed_at, snapshot.status_changed_by = now, by
    if target == Snapshot.Status.PUBLISHED:
        snapshot.published_at, snapshot.published_by = now, by
    snapshot.full_clean()
    snapshot._history_user = by
    snapshot.save()


@transaction.atomic
def snapshot_publish(*, snapshot: Snapshot, figure_ids=None, by) -> Snapshot:
    """Publish a draft, keeping only the chosen figures (all when `figure_ids` is None);
    or publish again a withdrawn snapshot as it was."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.status == Snapshot.Status.DRAFT and figure_ids is not None:
        # ids come from checkboxes: anything but a plain integer is simply not a figure of this snapshot
        chosen = {int(i) for i in figure_ids if str(i).isascii() and str(i).isdigit() and len(str(i)) < 19}
        if not snapshot.figures.filter(pk__in=chosen).exists():
            raise ValidationError(NO_FIGURE_CHOSEN)
        snapshot.figures.exclude(pk__in=chosen).delete()
    elif not snapshot.figures.exists():
        raise ValidationError(NO_FIGURE_CHOSEN)
    _set_status(snapshot, Snapshot.Status.PUBLISHED, by=by)
    return snapshot


@transaction.atomic
def snapshot_withdraw(*, snapshot: Snapshot, by) -> Snapshot:
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    _set_status(snapshot, Snapshot.Status.WITHDRAWN, by=by)
    return snapshot


@transaction.atomic
def snapshot_delete(*, snapshot: Snapshot, by) -> None:
    if snapshot.status != Snapshot.Status.DRAFT:
        raise ValidationError(ONLY_DRAFTS_DELETED)
    snapshot._history_user = by
    snapshot.delete()
