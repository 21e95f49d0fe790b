"""The quality manager is prompted when a site's published results are older than a year (engagement 6)."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from publication.models import Snapshot
from publication.selectors import stale_publications

pytestmark = pytest.mark.django_db


def _published(site, end):
    start = end.replace(day=1) - relativedelta(months=11)
    return Snapshot.objects.create(
        site=site,
        period_start=start,
        period_end=end,
        period_label="douze mois",
        status=Snapshot.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def test_sites_with_old_or_no_results_are_listed_for_the_quality_manager(
    client, org, quality_manager, arles_referent
):
    today = timezone.localdate()
    _published(org.arles, today.replace(day=1) - dt.timedelta(days=1))
    _published(org.istres, dt.date(2015, 12, 31))
    stale = {s.code: s.last_period_end for s in stale_publications(quality_manager)}
    assert "arles" not in stale
    assert stale["istres"] == dt.date(2015, 12, 31)
    assert stale["peytral"] is None
    assert "avignon" not in stale  # another département
    client.force_login(quality_manager)
    page = client.get("/").content.decode()
    assert "Résultats publiés à rafraîchir" in page and "derniers chiffres jusqu'au 31 décembre 2015" in page
    client.force_login(arles_referent)
    assert "Résultats publiés à rafraîchir" not in client.get("/").content.decode()


def test_each_departement_reads_its_own_age_limit(org, administrator):
    """The age limit is the référentiel's parameter as each département sets it: Vaucluse allows two years,
    the Bouches-du-Rhône keeps the referential's one; the administrator sees both at once."""
    from referential.models import Parameter, Referential

    referential = Referential.objects.create(
        code="services-publics-plus", name="Services Publics+", version="1", valid_from=dt.date(2021, 1, 1)
    )
    Parameter.objects.create(
        referential=referential,
        key="results_max_age_months",
        label="Âge maximal",
        value_type="int",
        value="12",
    )
    Parameter.objects.create(
        referential=referential,
        department=org.vaucluse,
        key="results_max_age_months",
        label="Âge maximal",
        value_type="int",
        value="24",
    )
    eighteen_months_ago = timezone.localdate() - relativedelta(months=18)
    _published(org.arles, eighteen_months_ago)
    _published(org.avignon, eighteen_months_ago)
    stale = {s.code for s in stale_publications(administrator)}
    assert "arles" in stale
    assert "avignon" not in stale
