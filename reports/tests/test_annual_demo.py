"""Last year's annual report of the demo is complete: every section has figures, whatever the day the demo
is loaded (here, the session's clock; `tests/test_load_demo.py` rebuilds it on 1 January at 00:30)."""

import pytest
from django.utils import timezone

from sites.models import Department
from tests.annual_sections import assert_every_section_has_figures

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_last_years_report_of_the_demo_has_figures_in_every_section():
    year = timezone.localdate().year - 1
    context = assert_every_section_has_figures(Department.objects.get(code="13"), year)
    # last year is lived under Services Publics+: its report speaks of the eight engagements
    assert context["pilotage"]["referential"]["name"] == "Services Publics+"
    assert len(context["pilotage"]["referential"]["engagements"]) == 8


def test_last_years_label_table_gives_each_labelled_entity_its_next_audit_from_the_cycle():
    """Under Services Publics+ nobody types the next audit: the cycle computes it, as it stood at the end of
    the year (after the year's audits, not after this year's)."""
    from referential.cycles import next_audits
    from referential.models import LabelScope

    year = timezone.localdate().year - 1
    context = assert_every_section_has_figures(Department.objects.get(code="13"), year)
    rows = [r for r in context["label"]["entities"] if r["labelled"]]
    assert rows
    end = timezone.datetime(year, 12, 31).date()
    for row in rows:
        scopes = LabelScope.objects.filter(entity_id=row["entity_id"], started_on__lte=end).select_related(
            "module"
        )
        expected = min(a.date for a in next_audits(scopes, until=end).values() if a)
        assert row["next_audit_on"] == expected, row["entity_name"]
        assert row["next_audit_on"] > end  # still to come at the end of the year
