"""Changing referential through the app: preview, then apply in one transaction; the past is kept."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referential.crosswalk import load_crosswalk
from referential.loader import DEFAULT_FILE, SPPLUS_FILE, load_referential
from referential.models import LabelScope, Module

pytestmark = pytest.mark.django_db


@pytest.fixture
def referentials(org):
    old = load_referential(DEFAULT_FILE).referential
    new = load_referential(SPPLUS_FILE).referential
    load_crosswalk()
    for entity, numbers in ((org.prefecture, [1, 4, 7]), (org.arles_entity, [1, 4])):
        for n in numbers:
            LabelScope.objects.create(
                entity=entity,
                module=Module.objects.get(referential=old, number=n),
                status=LabelScope.Status.LABELLED,
                awarded_on=dt.date(2015, 11, 27),
                valid_until=dt.date(2018, 11, 26),
            )
    return old, new


def test_the_preview_shows_what_changes_and_changes_nothing(client, quality_manager, org, referentials):
    _old, new = referentials
    client.force_login(quality_manager)
    before = list(LabelScope.objects.values_list("pk", "ended_on"))
    page = client.get(
        reverse("referential:switch"), {"entite": org.prefecture.pk, "vers": new.pk}
    ).content.decode()
    assert "Ce qui change" in page
    assert "SP8" in page  # new: no Qualipref 2.0 equivalent
    assert "E2 – Accueillir de manière courtoise et attentive" in page
    assert list(LabelScope.objects.values_list("pk", "ended_on")) == before


def test_applying_moves_the_entity_and_keeps_its_history(client, quality_manager, org, referentials):
    old, new = referentials
    client.force_login(quality_manager)
    response = client.post(reverse("referential:switch"), {"entite": org.prefecture.pk, "vers": new.pk})
    assert response.status_code == 302
    today = timezone.localdate()
    current = LabelScope.objects.filter(entity=org.prefecture).current(today)
    assert [(s.module.referential_id, s.status) for s in current] == [(new.pk, "preparing")]
    ended = LabelScope.objects.filter(entity=org.prefecture, module__referential=old)
    assert sorted(ended.values_list("ended_on", flat=True)) == [today] * 3
    # Arles was not chosen: unchanged.
    assert LabelScope.objects.filter(entity=org.arles_entity).current(today).count() == 2


def test_a_switch_to_the_same_referential_is_refused_in_french(client, quality_manager, org, referentials):
    old, _new = referentials
    client.force_login(quality_manager)
    before = list(LabelScope.objects.values_list("pk", "ended_on", "status"))
    response = client.post(reverse("referential:switch"), {"entite": "toutes", "vers": old.pk})
    assert response.status_code == 400
    assert "travaille déjà sous" in response.content.decode()
    assert list(LabelScope.objects.values_list("pk", "ended_on", "status")) == before


def test_a_referential_without_a_mandatory_module_would_leave_the_entity_without_one(
    client, quality_manager, org, referentials
):
    _old, new = referentials
    Module.objects.filter(referential=new).update(mandatory=False)
    client.force_login(quality_manager)
    response = client.post(reverse("referential:switch"), {"entite": org.prefecture.pk, "vers": new.pk})
    assert response.status_code == 400
    assert "resterait sans référentiel" in response.content.decode()
    assert LabelScope.objects.filter(entity=org.prefecture).current(timezone.localdate()).count() == 3


def test_only_the_quality_manager_switches_and_outsiders_get_404(
    client, arles_referent, quality_manager, org, referentials
):
    _old, new = referentials
    client.force_login(arles_referent)
    assert client.get(reverse("referential:switch")).status_code == 403
    client.force_login(quality_manager)
    response = client.post(reverse("referential:switch"), {"entite": org.vaucluse_entity.pk, "vers": new.pk})
    assert response.status_code == 404
