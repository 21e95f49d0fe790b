"""Every section of an annual report has figures: the check the demo's tests make on last year's report.

`assert_every_section_has_figures(department, year)` renders the report (the HTML the PDF is made from)
and checks that no section says it has no data, then compares the figures it prints with counts made
here, straight from the database (so that "has figures" means the year's rows, not any number)."""

from __future__ import annotations

import re

from actionplans.models import Action
from audits.models import Audit, Finding
from complaints.figures import REPORT_KINDS
from complaints.models import Correspondence
from indicators.models import Indicator, Measurement
from referential.models import LabelScope
from reports.annual.context import annual_report_context
from reports.annual.pdf import annual_report_html
from steering.models import DocumentVersion, Meeting, Newsletter
from surveys.models import Result

EMPTY = re.compile(r'<p class="empty">(.*?)</p>', re.S)


def assert_every_section_has_figures(department, year: int) -> dict:
    """Fails naming the empty sections, or a figure that differs from the database. Returns the context."""
    context = annual_report_context(department=department, year=year)
    html = annual_report_html(context)
    assert EMPTY.findall(html) == [], f"sections sans données dans le bilan {year}"
    assert "Aucune entité labellisée" not in html

    def count(queryset) -> int:
        n = queryset.count()
        assert n > 0, f"aucune ligne en {year} : {queryset.model.__name__}"
        return n

    pilotage = context["pilotage"]
    # I. Steering: the referential of the year, the meetings per kind of committee, the documents, the label
    assert pilotage["referential"] is not None
    held = {c["kind"]: c["meetings_held"] for c in pilotage["committees"]}
    for kind in ("steering", "users", "working_group"):
        meetings = Meeting.objects.filter(department=department, held_on__year=year, committee__kind=kind)
        assert held[kind] == count(meetings), kind
    versions = DocumentVersion.objects.filter(document__department=department, issued_on__year=year)
    assert len(pilotage["documents"]) == count(versions)
    assert pilotage["referents"]
    awarded = LabelScope.objects.filter(
        entity__department=department, status=LabelScope.Status.LABELLED, awarded_on__year=year
    )
    assert len({s.entity_id for s in awarded}) == count(awarded.values("entity").distinct())
    assert context["label"]["awards"] and context["label"]["labelled_count"] > 0
    kinds = {e["kind"] for e in pilotage["events"]}
    assert {"audit", "label"} <= kinds

    # II. Actions done in the year: by module, by site, communication
    done = Action.objects.filter(
        entity__department=department, status__in=Action.DONE_STATUSES, completed_on__year=year
    )
    actions = context["actions"]
    assert actions["count"] == count(done)
    assert actions["by_module"] and actions["by_site"] and actions["communication"]
    newsletters = Newsletter.objects.filter(department=department, published_on__year=year)
    printed = {f["label"].split(" ")[0]: f["value"] for f in context["communication"]["figures"]}
    assert printed.get("numéros", printed.get("numéro")) == count(newsletters)

    # III. Evaluation: survey rates, audits and their findings, complaints
    surveys = context["evaluation"]["surveys"]["campaigns"]
    rates = [r for c in surveys for u in c["units"] for r in u["rates"] if r is not None]
    results = Result.objects.filter(
        unit__campaign__department=department, unit__campaign__year=year, rate__isnull=False
    )
    assert len(rates) == count(results)
    audits = context["evaluation"]["audits"]
    of_year = Audit.objects.filter(entity__department=department, start_on__year=year).exclude(
        kind=Audit.Kind.SELF_ASSESSMENT
    )
    assert len(audits["audits"]) == count(of_year)
    findings = Finding.objects.filter(audit__in=of_year)
    assert sum(a["findings"] for a in audits["audits"]) == count(findings)
    assert audits["groups"] and audits["general"]
    requests = Correspondence.objects.filter(
        site__entity__department=department, received_on__year=year, kind__in=REPORT_KINDS
    )
    assert context["evaluation"]["complaints"]["total"]["received"] == count(requests)

    # IV. Indicators: each measured indicator has its twelve months on every site measured
    printed = {i["code"]: i for i in context["indicators"]}
    measured = Indicator.objects.filter(department=department, formula=Indicator.Formula.MEASURED)
    for indicator in measured:
        rows = Measurement.objects.filter(indicator=indicator, period__year=year)
        n = count(rows)
        values = [v for s in printed[indicator.code]["sites"] for v in s["values"] if v is not None]
        assert len(values) == n == 12 * rows.values("site").distinct().count(), indicator.code

    # V. Outlook: the actions planned for next year, the calendar's deadlines
    planned = Action.objects.filter(entity__department=department, plan__year=year + 1).exclude(
        status=Action.Status.CANCELLED
    )
    outlook = context["outlook"]
    assert sum(len(g["actions"]) for g in outlook["actions_by_entity"]) == count(planned)
    assert outlook["deadlines"]
    return context
