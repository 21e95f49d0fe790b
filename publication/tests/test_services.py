import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from publication import collect, services
from publication.models import Snapshot

from .conftest import PERIOD


def test_a_draft_freezes_the_figures_computed_from_the_sites_data(arles_draft):
    figures = {(f.indicator_code, f.scope_label): f for f in arles_draft.figures.all()}
    courtesy = figures[("satisfaction-courtoisie", "Arles – pré-accueil")]
    assert courtesy.value == Decimal("91.00")
    assert courtesy.previous_value == Decimal("80.00")
    assert "2014" in courtesy.previous_period_label
    on_time = figures[(collect.CODE_ON_TIME, "")]
    # 3 complaints answered in 2015 (9, 4 and 30 days): 2 within 15 days; the open one, past its due
    # date, counts as late (the one on-time rate): 2 ÷ 4.
    assert on_time.value == Decimal("50.00")
    assert on_time.basis == "2 sur 4 réclamations (3 répondues, 1 en retard sans réponse)"
    assert figures[(collect.CODE_MEAN_DAYS, "")].value == Decimal("14.30")
    assert arles_draft.status == Snapshot.Status.DRAFT
    assert arles_draft.period_label == "année 2015"


def test_publishing_keeps_only_the_chosen_figures(arles_draft, arles_referent):
    chosen = list(arles_draft.figures.filter(section="complaints").values_list("pk", flat=True))
    snapshot = services.snapshot_publish(snapshot=arles_draft, figure_ids=chosen, by=arles_referent)
    assert snapshot.status == Snapshot.Status.PUBLISHED
    assert snapshot.published_at is not None and snapshot.published_by == arles_referent
    assert sorted(snapshot.figures.values_list("pk", flat=True)) == sorted(chosen)


def test_publishing_nothing_is_refused_and_changes_nothing(arles_draft, arles_referent):
    count = arles_draft.figures.count()
    with pytest.raises(ValidationError, match="au moins un chiffre"):
        services.snapshot_publish(snapshot=arles_draft, figure_ids=[], by=arles_referent)
    arles_draft.refresh_from_db()
    assert arles_draft.status == Snapshot.Status.DRAFT
    assert arles_draft.figures.count() == count


def test_a_site_without_data_has_nothing_to_publish(org, referential, quality_manager):
    with pytest.raises(ValidationError, match="Aucun chiffre"):
        services.snapshot_prepare(
            site=org.istres, start=PERIOD[0], end=PERIOD[1], families=["complaints"], by=quality_manager
        )
    assert not Snapshot.objects.exists()


def test_a_reversed_period_is_refused(org, referential, quality_manager):
    with pytest.raises(ValidationError):
        services.snapshot_prepare(
            site=org.arles,
            start=dt.date(2015, 12, 31),
            end=dt.date(2015, 1, 1),
            families=["complaints"],
            by=quality_manager,
        )


def test_withdraw_then_publish_again(arles_published, arles_referent):
    withdrawn = services.snapshot_withdraw(snapshot=arles_published, by=arles_referent)
    assert withdrawn.status == Snapshot.Status.WITHDRAWN
    again = services.snapshot_publish(snapshot=withdrawn, by=arles_referent)
    assert again.status == Snapshot.Status.PUBLISHED


def test_a_draft_cannot_be_withdrawn_and_a_publication_cannot_be_deleted(arles_draft, arles_referent):
    with pytest.raises(ValidationError, match="Passage impossible"):
        services.snapshot_withdraw(snapshot=arles_draft, by=arles_referent)
    published = services.snapshot_publish(snapshot=arles_draft, by=arles_referent)
    with pytest.raises(ValidationError, match="Seul un brouillon"):
        services.snapshot_delete(snapshot=published, by=arles_referent)
    assert Snapshot.objects.filter(pk=published.pk).exists()


def test_a_draft_can_be_deleted(arles_draft, arles_referent):
    services.snapshot_delete(snapshot=arles_draft, by=arles_referent)
    assert not Snapshot.objects.exists()


def test_only_closed_or_published_campaigns_are_offered(org, arles_data):
    from surveys.models import Campaign

    from .factories import campaign, results

    open_one = campaign(org.bdr, 2016, status=Campaign.Status.OPEN)
    results(open_one, org.arles, {"courtoisie": 10})
    assert [c.year for c in collect.satisfaction_campaigns(org.arles)] == [2015, 2014]


def test_pick_up_rate_and_waiting_time_are_the_mean_of_the_measured_months(org, arles_data, quality_manager):
    from indicators.models import Indicator, Measurement

    pick_up = Indicator.objects.create(department=org.bdr, code="taux-decroche", name="Taux de décroché")
    waiting = Indicator.objects.create(
        department=org.bdr, code="attente-guichet", name="Temps d'attente au guichet", unit="minutes"
    )
    for month, value in ((3, 80), (4, 85)):
        Measurement.objects.create(
            indicator=pick_up, site=org.arles, period=dt.date(2015, month, 1), value=value
        )
    Measurement.objects.create(indicator=pick_up, site=org.arles, period=dt.date(2014, 5, 1), value=70)
    Measurement.objects.create(indicator=waiting, site=org.istres, period=dt.date(2015, 5, 1), value=12)
    snapshot = services.snapshot_prepare(
        site=org.arles, start=PERIOD[0], end=PERIOD[1], families=["phone", "waiting"], by=quality_manager
    )
    figure = snapshot.figures.get()  # no waiting time is measured in Arles
    assert figure.indicator_code == collect.CODE_PICK_UP
    assert figure.value == Decimal("82.50") and figure.unit == "%"
    assert figure.previous_value == Decimal("70.00") and figure.previous_period_label == "année 2014"
    assert figure.basis == "moyenne de 2 mois mesurés"
