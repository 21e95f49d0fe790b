"""axe-core in a real browser: the pages to check and how to check them (shared by the accessibility tests).

axe-core comes from the npm package pinned in package.json, vendored at static/vendor/axe-core and read
from disk. It is injected with `context.add_init_script(path=...)`: Playwright hands the script to the
browser through the DevTools protocol (Page.addScriptToEvaluateOnNewDocument), which the page's
Content-Security-Policy does not govern, so the check keeps working under a CSP without 'unsafe-inline'
(an inline <script> tag, as `page.add_script_tag(content=...)` would insert, would be blocked).
"""

import contextlib
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}
PASSWORD = "qualipref2015"

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => {
      const d = (n.any[0] || {}).data;
      const c = d && d.contrastRatio ? ` (${d.fgColor} on ${d.bgColor}: ${d.contrastRatio}:1)` : '';
      return n.target.join(' ') + c;
    }),
  }));
}"""


def _first(queryset):
    obj = queryset.order_by("pk").first()
    assert obj is not None, f"the demo data has no {queryset.model.__name__}"
    return obj


def public_pages():
    """The pages anyone reaches without logging in."""
    from sites.models import Department, Site
    from surveys.models import SurveyUnit

    site = _first(Site.objects.filter(code="istres"))
    unit = _first(SurveyUnit.objects.filter(campaign__status="open").select_related("site"))
    return [
        ("connexion", reverse("login")),
        ("résultats publiés", reverse("publication:index")),
        ("données ouvertes", reverse("publication:open_data")),
        (
            "résultats d'un département",
            reverse("publication:department", args=[_first(Department.objects).code]),
        ),
        ("résultats d'un site", reverse("publication:site", args=[site.code])),
        ("formulaire de réclamation", reverse("complaints_public:request_form", args=[site.code])),
        ("questionnaire : choix du service", reverse("surveys_public:start", args=["saint-sebastien"])),
        ("questionnaire", reverse("surveys_public:questionnaire", args=[unit.site.code, unit.code])),
    ]


def internal_pages():
    """Home, every list page, one detail page of each main object, the dashboard and the main forms."""
    from actionplans.models import Action, ActionPlan
    from audits.models import Audit, Finding
    from complaints.models import Correspondence
    from indicators.models import Indicator
    from publication.models import Snapshot
    from referential.models import Referential
    from sites.models import Entity, Site
    from steering.models import Agent, Committee, Deadline, Decision, Document, Meeting, PressRelease
    from surveys.models import Campaign, SurveyUnit

    audit = _first(Audit.objects)
    self_assessment = _first(Audit.objects.filter(kind=Audit.Kind.SELF_ASSESSMENT))
    finding = _first(Finding.objects.filter(audit__isnull=False))
    campaign = _first(Campaign.objects.filter(status="open"))
    entity = _first(Entity.objects)
    pages = [
        ("accueil", reverse("home")),
        # lists
        ("organisation", reverse("sites:organisation")),
        ("référentiel", reverse("referential:index")),
        ("correspondances entre référentiels", reverse("referential:crosswalk")),
        ("audits", reverse("audits:audit_list")),
        ("constats", reverse("audits:finding_list")),
        ("préparation du label", reverse("audits:readiness")),
        ("enquêtes", reverse("surveys:campaign_list")),
        ("réclamations", reverse("complaints:correspondence_list")),
        ("modèles de réponse", reverse("complaints:model_answer_list")),
        ("actions", reverse("actionplans:action_list")),
        ("tableau des actions", reverse("actionplans:action_board")),
        ("mes actions", reverse("actionplans:my_actions")),
        ("boucle d'amélioration", reverse("actionplans:loop")),
        ("plans d'actions", reverse("actionplans:plan_list")),
        ("indicateurs", reverse("indicators:indicator_list")),
        ("mesures", reverse("indicators:measurement_list")),
        ("clients de l'API", reverse("indicators:api_client_list")),
        ("comités", reverse("steering:committee_list")),
        ("réunions", reverse("steering:meeting_list")),
        ("calendrier", reverse("steering:calendar")),
        ("calendrier en liste", reverse("steering:calendar_list")),
        ("abonnement au calendrier", reverse("steering:feed_settings")),
        ("documents", reverse("steering:document_list")),
        ("formations", reverse("steering:training_list")),
        ("registres", reverse("steering:register_list")),
        ("registre des communiqués", reverse("steering:register_entries", args=["communiques"])),
        ("publications", reverse("publication_admin:snapshot_list")),
        ("tableau de bord du COPIL", reverse("dashboard:index")),
        ("dossiers du COPIL", reverse("dashboard:pack_list")),
        ("bilan annuel", reverse("reports:index")),
        # details
        ("site", reverse("sites:site_detail", args=[_first(Site.objects).code])),
        ("entité", reverse("sites:entity_detail", args=[entity.pk])),
        ("détail du référentiel", reverse("referential:detail", args=[_first(Referential.objects).pk])),
        ("audit", reverse("audits:audit_detail", args=[audit.pk])),
        ("grille d'auto-évaluation", reverse("audits:checklist", args=[self_assessment.pk])),
        ("constat", reverse("audits:finding_detail", args=[finding.pk])),
        ("préparation d'une entité", reverse("audits:readiness_entity", args=[entity.pk])),
        ("comparaison des cycles", reverse("audits:cycle_comparison", args=[entity.pk])),
        ("campagne d'enquête", reverse("surveys:campaign_detail", args=[campaign.pk])),
        ("résultats par critère", reverse("surveys:campaign_criteria", args=[campaign.pk])),
        ("graphiques d'enquête", reverse("surveys:campaign_charts", args=[campaign.pk])),
        ("comparaison d'enquêtes", reverse("surveys:campaign_comparison", args=[campaign.pk])),
        ("saisie des résultats", reverse("surveys:campaign_results", args=[campaign.pk])),
        ("unité d'enquête", reverse("surveys:unit_detail", args=[_first(SurveyUnit.objects).pk])),
        (
            "réclamation",
            reverse("complaints:correspondence_detail", args=[_first(Correspondence.objects).pk]),
        ),
        ("plan d'actions", reverse("actionplans:plan_detail", args=[_first(ActionPlan.objects).pk])),
        ("action", reverse("actionplans:action_detail", args=[_first(Action.objects).pk])),
        ("indicateur", reverse("indicators:indicator_detail", args=[_first(Indicator.objects).pk])),
        ("comité", reverse("steering:committee_detail", args=[_first(Committee.objects).pk])),
        ("réunion", reverse("steering:meeting_detail", args=[_first(Meeting.objects).pk])),
        ("décision", reverse("steering:decision_detail", args=[_first(Decision.objects).pk])),
        ("échéance", reverse("steering:deadline_detail", args=[_first(Deadline.objects).pk])),
        ("document", reverse("steering:document_detail", args=[_first(Document.objects).pk])),
        ("agent formé", reverse("steering:agent_detail", args=[_first(Agent.objects).pk])),
        (
            "communiqué du registre",
            reverse("steering:register_detail", args=["communiques", _first(PressRelease.objects).pk]),
        ),
        (
            "modification du référentiel",
            reverse(
                "referential:edit", args=[_first(Referential.objects.filter(code="services-publics-plus")).pk]
            ),
        ),
        (
            "publication préparée",
            reverse("publication_admin:snapshot_detail", args=[_first(Snapshot.objects).pk]),
        ),
        # forms
        ("nouvelle réclamation", reverse("complaints:correspondence_create")),
        ("nouvel audit", reverse("audits:audit_create")),
        ("nouveau constat", reverse("audits:finding_create", args=[audit.pk])),
        ("nouvelle campagne", reverse("surveys:campaign_create")),
        ("nouvelle action", reverse("actionplans:action_create")),
        ("nouvel indicateur", reverse("indicators:indicator_create")),
        ("saisie d'une mesure", reverse("indicators:measurement_create")),
        ("nouveau comité", reverse("steering:committee_create")),
        ("nouveau document", reverse("steering:document_create")),
        ("nouvelle échéance", reverse("steering:deadline_create")),
    ]
    return pages


def more_forms():
    """The other create and edit forms, where labels and error messages matter most."""
    from actionplans.models import ActionPlan
    from audits.models import Audit, Finding
    from complaints.models import Correspondence
    from indicators.models import Indicator
    from sites.models import Site
    from steering.models import Committee, Meeting
    from surveys.models import Campaign

    audit = _first(Audit.objects)
    finding = _first(Finding.objects.filter(audit__isnull=False))
    request = _first(Correspondence.objects.filter(status__in=["received", "in_progress"]))
    meeting = _first(Meeting.objects)
    return [
        ("modifier une réclamation", reverse("complaints:correspondence_edit", args=[request.pk])),
        ("répondre à une réclamation", reverse("complaints:correspondence_answer", args=[request.pk])),
        ("importer des réclamations", reverse("complaints:correspondence_import")),
        ("nouveau modèle de réponse", reverse("complaints:model_answer_create")),
        ("modifier un audit", reverse("audits:audit_edit", args=[audit.pk])),
        ("rapport d'audit", reverse("audits:audit_report_edit", args=[audit.pk])),
        ("modifier un constat", reverse("audits:finding_edit", args=[finding.pk])),
        ("fiche d'écart", reverse("audits:gap_sheet_edit", args=[finding.pk])),
        ("importer des constats", reverse("audits:findings_import", args=[audit.pk])),
        ("nouveau constat général", reverse("audits:general_finding_create")),
        ("modifier une campagne", reverse("surveys:campaign_update", args=[_first(Campaign.objects).pk])),
        ("nouvelle unité d'enquête", reverse("surveys:unit_create", args=[_first(Campaign.objects).pk])),
        ("importer des résultats", reverse("surveys:campaign_import", args=[_first(Campaign.objects).pk])),
        ("nouveau plan d'actions", reverse("actionplans:plan_create")),
        ("importer un plan", reverse("actionplans:plan_import", args=[_first(ActionPlan.objects).pk])),
        ("modifier un indicateur", reverse("indicators:indicator_edit", args=[_first(Indicator.objects).pk])),
        ("importer des mesures", reverse("indicators:measurement_import")),
        ("nouveau client de l'API", reverse("indicators:api_client_create")),
        ("nouvelle réunion", reverse("steering:meeting_create", args=[_first(Committee.objects).pk])),
        ("modifier une réunion", reverse("steering:meeting_update", args=[meeting.pk])),
        ("nouvel agent", reverse("steering:agent_create")),
        ("importer des formations", reverse("steering:training_import")),
        ("nouveau communiqué", reverse("steering:register_create", args=["communiques"])),
        ("modifier un site", reverse("sites:site_edit", args=[_first(Site.objects).code])),
        ("importer l'organisation", reverse("sites:organisation_import")),
        ("label et règles", reverse("setup:settings")),
        (
            "préparer une publication",
            reverse("publication_admin:snapshot_prepare", args=[_first(Site.objects).code]),
        ),
    ]


def login(page, base_url, username="qualite"):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")


def _settle(page):
    """A page whose parts load after it (htmx: `hx-trigger`) is checked once they are in. Nothing loads on
    scroll (no `revealed` / `intersect` trigger, no lazy image), so the page is not scrolled through."""
    if page.locator("[hx-trigger]").count():
        with contextlib.suppress(PlaywrightError):  # a page still polling is checked as it stands
            page.wait_for_load_state("networkidle", timeout=5000)


def check(page, label):
    """Run axe on the page as it stands; a readable paragraph if it has serious or critical violations."""
    assert page.evaluate("typeof axe") == "object", f"axe-core was not injected into {page.url}"
    violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING_IMPACTS]
    if not violations:
        return []
    lines = [f"{label} ({page.url}):"]
    for v in violations:
        targets = ", ".join(v["targets"][:6]) + (" …" if len(v["targets"]) > 6 else "")
        lines.append(f"  - {v['id']} [{v['impact']}] {v['help']} -> {targets}")
    return ["\n".join(lines)]


def axe_failures(page, base_url, pages):
    """Open each page and run axe on it; collect every failure so one run reports them all."""
    failures = []
    for label, path in pages:
        try:
            response = page.goto(f"{base_url}{path}")
        except PlaywrightError as exc:
            failures.append(f"{label} ({path}): not checked, {exc.message.splitlines()[0]}")
            continue
        if response is None or response.status != 200:
            failures.append(f"{label} ({path}): not checked, HTTP {response.status if response else '?'}")
            continue
        _settle(page)
        failures += check(page, label)
    return failures
