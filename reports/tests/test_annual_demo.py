"""Last year's annual report of the demo is complete: every section has figures, whatever the day the demo
is loaded (here, the session's clock; `tests/test_demo_current.py` loads it on 1 January at 00:30)."""

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
