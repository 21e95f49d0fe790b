"""The label and rules settings page (referential, label scope, deadline rules with a live example) and
the home page's first-run checklist, seen by named personas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from complaints.deadline_rule import DeadlineRule, example_sentence
from complaints.models import Correspondence
from indicators.defaults import apply_default_indicators, default_codes
from indicators.models import Indicator, Target
from referential.loader import DEFAULT_FILE, SPPLUS_FILE, load_referential
from referential.models import LabelScope, Parameter
from tests.factories import make_correspondence

pytestmark = pytest.mark.django_db

URL = reverse("setup:settings")


@pytest.fixture
def spplus(org):
    load_referential(DEFAULT_FILE)
    return load_referential(SPPLUS_FILE).referential


def _rules_data(**overrides):
    data = {"section": "delais"}
    for kind, (days, days_kind) in complaint_services.DEFAULT_DEADLINE.items():
        data.update({f"{kind}-days": days, f"{kind}-days_kind": days_kind, f"{kind}-pauses": "oui"})
    data.update(overrides)
    return data


def _parameters():
    return sorted(Parameter.objects.filter(department__isnull=False).values_list("key", "value"))


# ---- the live example -------------------------------------------------------------------------------------


def test_the_live_example_counts_calendar_and_working_days_with_public_holidays():
    calendar = DeadlineRule("complaint", 15, "calendar")
    working = DeadlineRule("complaint", 15, "working")
    assert example_sentence(calendar) == (
        "Une réclamation reçue le vendredi 1er mai 2026 est à traiter au plus tard le samedi 16 mai 2026 "
        "(15 jours calendaires)."
    )
    # 8 May, Ascension (14 May) and Whit Monday (25 May) do not count
    assert example_sentence(working) == (
        "Une réclamation reçue le vendredi 1er mai 2026 est à traiter au plus tard le mercredi 27 mai 2026 "
        "(15 jours ouvrés)."
    )


def test_the_settings_page_shows_the_example_and_recomputes_it_live(client, quality_manager, spplus):
    client.force_login(quality_manager)
    html = client.get(URL).content.decode()
    assert (
        "Une réclamation reçue le vendredi 1er mai 2026 est à traiter au plus tard le samedi 16 mai 2026"
        in html
    )
    assert "reçues à partir de son enregistrement" in html
    response = client.get(
        reverse("setup:example"), _rules_data(**{"complaint-days_kind": "working"}) | {"section": ""}
    )
    assert response.status_code == 200
    assert "au plus tard le mercredi 27 mai 2026 (15 jours ouvrés)" in response.content.decode()
    response = client.get(reverse("setup:example"), _rules_data(**{"complaint-days": 0}))
    assert "Un délai se compte en jours, au moins 1." in response.content.decode()


# ---- the deadline rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, message",
    [(0, "Un délai se compte en jours, au moins 1."), (400, "ne peut pas dépasser 365 jours")],
)
def test_a_deadline_of_0_or_400_days_is_refused_and_nothing_changes(
    client, quality_manager, spplus, days, message
):
    client.force_login(quality_manager)
    before = _parameters()
    response = client.post(URL, _rules_data(**{"complaint-days": days}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _parameters() == before


def test_a_made_up_days_kind_is_refused(client, quality_manager, spplus):
    client.force_login(quality_manager)
    response = client.post(URL, _rules_data(**{"letter-days_kind": "lunar"}))
    assert response.status_code == 400
    assert "Choisissez jours calendaires ou jours ouvrés." in response.content.decode()
    assert _parameters() == []


def test_a_changed_rule_applies_to_requests_received_from_then_on_and_moves_no_deadline(
    client, quality_manager, spplus, org
):
    today = timezone.localdate()
    received = today - dt.timedelta(days=3)
    old = make_correspondence(org.arles, received_on=received)
    assert (old.deadline_days, old.deadline_kind) == (15, "calendar")
    due = old.due_on
    client.force_login(quality_manager)
    response = client.post(
        URL,
        _rules_data(**{"complaint-days": 10, "complaint-days_kind": "working", "complaint-pauses": "non"}),
    )
    assert response.status_code == 302
    assert complaint_services.deadline_rule_in_force(org.bdr, "complaint") == DeadlineRule(
        "complaint", 10, "working", False
    )
    # the request received before keeps its rule, even through a later change of status
    old = complaint_services.correspondence_transition(
        correspondence=old, to="in_progress", by=quality_manager
    )
    old.refresh_from_db()
    assert (old.deadline_days, old.deadline_kind, old.deadline_pauses, old.due_on) == (
        15,
        "calendar",
        True,
        due,
    )
    new = make_correspondence(org.arles, received_on=received, subject="Nouvelle")
    assert (new.deadline_days, new.deadline_kind, new.deadline_pauses) == (10, "working", False)
    # the other département keeps the referential's rule
    assert complaint_services.deadline_rule(org.vaucluse, "complaint") == (15, "calendar")
    # saving the same rules again changes nothing
    count = Parameter.history.count()
    client.post(
        URL,
        _rules_data(**{"complaint-days": 10, "complaint-days_kind": "working", "complaint-pauses": "non"}),
    )
    assert Parameter.history.count() == count


def test_a_rule_that_does_not_pause_ignores_the_wait_for_the_requester(client, quality_manager, spplus, org):
    client.force_login(quality_manager)
    client.post(URL, _rules_data(**{"complaint-pauses": "non"}))
    received = timezone.localdate() - dt.timedelta(days=10)
    correspondence = make_correspondence(org.arles, received_on=received)
    due = correspondence.due_on
    correspondence = complaint_services.correspondence_transition(
        correspondence=correspondence, to="waiting", by=quality_manager, on=received + dt.timedelta(days=1)
    )
    correspondence = complaint_services.correspondence_transition(
        correspondence=correspondence, to="in_progress", by=quality_manager
    )
    assert Correspondence.objects.get(pk=correspondence.pk).due_on == due


# ---- the label, and the default indicators ---------------------------------------------------------------


def test_choosing_the_referential_opens_the_label_and_creates_the_default_indicators(
    client, quality_manager, spplus, org
):
    client.force_login(quality_manager)
    html = client.get(URL).content.decode()
    assert f'<option value="{spplus.pk}" selected>' in html  # Services Publics+ by default
    response = client.post(URL, {"section": "label", "referentiel": spplus.pk})
    assert response.status_code == 302
    scopes = LabelScope.objects.filter(entity__department=org.bdr, ended_on__isnull=True)
    assert {s.module.referential_id for s in scopes} == {spplus.pk}
    assert scopes.count() == 4  # one mandatory module per entity
    indicators = Indicator.objects.filter(department=org.bdr)
    assert set(indicators.values_list("code", flat=True)) == set(default_codes())
    on_time = indicators.get(code="reclamations-dans-le-delai")
    assert on_time.engagement.code == "SP4"
    assert indicators.get(code="satisfaction-telephone").computed_param == "telephone"
    assert Target.objects.filter(indicator=on_time, site__isnull=True).count() == 4
    assert set(Target.objects.filter(indicator=on_time).values_list("year", "value")) == {(2023, 90)}
    counts = (Indicator.objects.count(), Target.objects.count(), LabelScope.objects.count())
    assert client.post(URL, {"section": "label", "referentiel": spplus.pk}).status_code == 302
    assert (Indicator.objects.count(), Target.objects.count(), LabelScope.objects.count()) == counts
    assert Indicator.objects.filter(department=org.vaucluse).count() == 0


def test_apply_default_indicators_is_idempotent_and_keeps_what_was_changed(spplus, org):
    first = apply_default_indicators(org.bdr, referential=spplus)
    assert first.indicators == len(default_codes()) and first.targets > 0
    Indicator.objects.filter(department=org.bdr, code="taux-decroche").update(name="Décroché (plateforme)")
    Target.objects.filter(indicator__code="taux-decroche", entity=org.arles_entity).update(value=70)
    again = apply_default_indicators(org.bdr, referential=spplus)
    assert (again.indicators, again.targets) == (0, 0)
    assert Indicator.objects.get(department=org.bdr, code="taux-decroche").name == "Décroché (plateforme)"
    assert Target.objects.get(indicator__code="taux-decroche", entity=org.arles_entity).value == 70


def test_the_indicator_form_offers_survey_criteria_from_a_list(client, quality_manager, spplus, org):
    client.force_login(quality_manager)
    html = client.get(reverse("indicators:indicator_create")).content.decode()
    assert '<select name="computed_param"' in html
    assert "Accueil téléphonique (telephone)" in html
    response = client.post(
        reverse("indicators:indicator_create"),
        {"code": "sat-x", "name": "X", "unit": "percent", "direction": "higher", "frequency": "monthly",
         "aggregation": "mean", "formula": "computed", "computed_code": "satisfaction",
         "computed_param": "accueil PMR", "order": 1, "active": "on"},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert not Indicator.objects.filter(code="sat-x").exists()


# ---- access ------------------------------------------------------------------------------------------------


def test_a_referent_may_not_change_the_label_or_the_rules(client, arles_referent, spplus, org):
    client.force_login(arles_referent)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _rules_data(**{"complaint-days": 10})).status_code == 403
    assert client.post(URL, {"section": "label", "referentiel": spplus.pk}).status_code == 403
    assert _parameters() == [] and not Indicator.objects.exists()


def test_an_outsider_gets_404_on_the_settings_of_another_departement(client, outsider, spplus, org):
    client.force_login(outsider)
    url = f"{URL}?departement={org.bdr.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, _rules_data(**{"complaint-days": 10})).status_code == 404
    assert client.get(reverse("setup:example") + f"?departement={org.bdr.pk}").status_code == 404
    assert _parameters() == []


# ---- the first-run checklist -------------------------------------------------------------------------------


def test_a_new_departement_sees_the_checklist_until_every_step_is_done(
    client, spplus, django_assert_max_num_queries
):
    from tests.factories import DepartmentFactory, EntityFactory, SiteFactory, persona

    gard = DepartmentFactory(code="30", name="Gard")
    manager = persona("qualite.gard", "quality_manager", gard)
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "Mettre en place votre département" in html
    assert html.count("À faire") == 5
    entity = EntityFactory(department=gard, code="prefecture-30")
    site = SiteFactory(entity=entity, code="nimes")
    assert client.get("/").content.decode().count("À faire") == 4
    persona("agent.nimes", "agent", gard, entity=entity, site=site)
    client.post(URL, {"section": "label", "referentiel": spplus.pk})
    client.post(URL, _rules_data())
    html = client.get("/").content.decode()
    assert html.count("À faire") == 1 and "Premières données" in html
    # the quality manager's home: 26 before issue 21's inbox and badges (see tests/test_pages.py)
    with django_assert_max_num_queries(32):
        client.get("/")
    make_correspondence(site, received_on=dt.date(2025, 3, 2))
    assert "Mettre en place votre département" not in client.get("/").content.decode()


def test_the_checklist_is_not_shown_to_a_referent(client, arles_referent):
    client.force_login(arles_referent)
    assert "Mettre en place votre département" not in client.get("/").content.decode()
