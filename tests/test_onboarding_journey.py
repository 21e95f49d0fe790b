"""Issue 20, « Done when »: a préfecture adopts Qualipref on its own, in a browser, through the app's own
screens — never /admin/, never the shell.

The database is empty but for what an installation holds at its first start (migrations, the referential
`docker compose up` loads with `manage.py load_referential`) and the platform administrator (a
superuser). The administrator creates the département of the Hautes-Alpes and invites its quality manager;
she opens her account from the e-mailed link, logs in, creates two entities and three sites with the
organisation's forms, chooses the label, sets working-day deadlines on /parametres/, downloads the
register's import template and imports a year of requests built here, creates the year's users' survey
with a unit per site and imports its results from the campaign's template; then the committee dashboard
and the annual report (PDF, read back with pdftotext) must show the figures this test computes from its
own rows (tests/journey_data.py: due dates by the `holidays` library, not by the project's code).

The journey counts the screens (distinct pages) it goes through and the clicks it makes, and prints them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from tests import journey_data as data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")
PASSWORD = "Durance-Ecrins-7291"
SATISFACTION = "Satisfaction : "
ON_TIME = "Réclamations répondues dans le délai"
OVERDUE = "Demandes en retard"


class Journey:
    """The browser, counting what a person does: the screens (distinct pages) and the clicks; the fields
    typed or chosen and the addresses opened by hand (the login page, the e-mailed link) apart."""

    def __init__(self, browser_page, base: str):
        self.page, self.base = browser_page, base
        self.screens: list[str] = []
        self.clicks = self.fields = self.addresses = 0
        browser_page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            path = urlsplit(frame.url).path
            if path not in self.screens:
                self.screens.append(path)

    def open(self, url: str):
        self.addresses += 1
        self.page.goto(url if url.startswith("http") else self.base + url)

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def fill(self, locator, value):
        locator.fill(str(value))
        self.fields += 1

    def select(self, locator, **option):
        locator.select_option(**option)
        self.fields += 1

    def menu(self, section: str, entry: str):
        """A page of the main menu: the section, then the entry (two clicks)."""
        nav = self.page.get_by_role("navigation", name="Navigation principale")
        self.click(nav.get_by_role("button", name=section))
        self.click(nav.get_by_role("link", name=entry, exact=True))

    def download(self, locator) -> bytes:
        with self.page.expect_download() as info:
            self.click(locator)
        return Path(info.value.path()).read_bytes()

    def upload(self, locator, name: str, content: bytes):
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        locator.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
        self.fields += 1

    def shot(self, name: str):
        if not SCREENSHOTS:
            return
        for width, height in ((1366, 768), (390, 844)):
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.screenshot(
                path=os.path.join(SCREENSHOTS, f"journey-{name}-{width}.png"), full_page=True
            )
        self.page.set_viewport_size({"width": 1280, "height": 900})


def plain(text: str) -> str:
    """Non-breaking and thin spaces as plain spaces, runs of spaces as one."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def workbook(template: bytes, rows: list[list]) -> tuple[bytes, list[str]]:
    """The downloaded template with its example rows replaced by `rows` (what a person does in a
    spreadsheet: keep the headers and the « Valeurs acceptées » sheet, write their own lines)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    if sheet.max_row > 1:
        sheet.delete_rows(2, sheet.max_row - 1)
    for row in rows:
        sheet.append(row(headers) if callable(row) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), headers


def accepted(template: bytes, column: str) -> list[str]:
    sheet = load_workbook(io.BytesIO(template))["Valeurs acceptées"]
    return [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == column]


DASHBOARD_CELLS = """() => {
  // The committee's grid: one row per indicator, one cell per site (the month's value, or the last one).
  const out = {};
  for (const table of document.querySelectorAll("table.cgrid")) {
    const sites = [...table.querySelectorAll("thead th.cg-site")].map(th => th.innerText.trim());
    for (const tr of table.querySelectorAll("tbody tr")) {
      const link = tr.querySelector("th.cg-name a");
      if (!link) continue;
      const cells = [...tr.querySelectorAll("td.cg-cell")];
      sites.forEach((site, i) => {
        const td = cells.length === 1 ? cells[0] : cells[i];  // a département-wide row spans every site
        const value = td && td.querySelector(".cg-val");
        out[link.innerText.trim() + " | " + site] = value ? value.innerText.trim() : null;
      });
    }
  }
  return out;
}"""


def test_a_new_department_reaches_its_dashboard_and_annual_report_from_the_apps_screens(
    page,
    live_server,
    settings,
):
    today = timezone.localdate()
    year = today.year - 1  # a whole past year: every deadline of its rows has passed, whatever today is
    rows = data.requests_of(year)
    settings.PUBLIC_URL = live_server.url
    mail.outbox = []
    # What an installation holds before anybody logs in: the referential loaded at start
    # (docker-compose.yml: `manage.py load_referential`) and the platform administrator.
    call_command("load_referential", stdout=io.StringIO())
    f.UserFactory(username="plateforme", is_staff=True, is_superuser=True)
    j = Journey(page, live_server.url)
    page.set_default_timeout(
        120_000
    )  # the imports and the report run inside the request, on a shared machine

    # ---- 1. the platform administrator creates the département and invites its quality manager -------------
    j.open("/accounts/login/")
    j.fill(page.get_by_label("Nom d’utilisateur"), "plateforme")
    j.fill(page.get_by_label("Mot de passe"), "qualipref2015")
    j.click(page.get_by_role("button", name="Se connecter"))
    page.wait_for_url(f"{j.base}/")
    assert "créez un département" in page.locator("main").inner_text()
    nav = page.get_by_role("navigation", name="Navigation principale")
    j.click(nav.get_by_role("button", name=re.compile("plateforme|Camille")))
    j.click(nav.get_by_role("link", name="Départements"))
    j.click(page.get_by_role("link", name="Créer un département").first)
    j.fill(page.get_by_label("Code"), data.DEPARTMENT["code"])
    j.fill(page.locator("#id_name"), data.DEPARTMENT["name"])
    j.fill(page.get_by_label("Nom de la préfecture"), data.DEPARTMENT["prefecture"])
    j.select(page.get_by_label("Fuseau horaire"), value=data.DEPARTMENT["time_zone"])
    j.fill(
        page.get_by_label("Adresse électronique du (de la) chargé(e) de mission qualité"), data.QUALITY_EMAIL
    )
    j.click(page.get_by_role("button", name="Créer et envoyer l'invitation"))
    page.wait_for_url(f"**/departements/{data.DEPARTMENT['code']}/equipe/")
    j.click(nav.get_by_role("button", name=re.compile("plateforme|Camille")))
    j.click(page.get_by_role("button", name="Se déconnecter"))
    page.wait_for_load_state()

    # ---- 2. the quality manager opens her account from the e-mail, then logs in ----------------------------
    [invitation] = mail.outbox
    link = re.search(r"http://\S+/accounts/invitation/\S+/", invitation.body).group(0)
    j.open(link)
    j.fill(page.get_by_label("Prénom"), "Solène")
    j.fill(page.locator("#id_last_name"), "Qualité")
    j.fill(page.locator("#id_password1"), PASSWORD)
    j.fill(page.get_by_label("Confirmation du mot de passe"), PASSWORD)
    j.click(page.get_by_role("button", name="Ouvrir mon compte"))
    page.wait_for_url(f"{j.base}/")
    j.click(nav.get_by_role("button", name=re.compile("Solène")))
    j.click(page.get_by_role("button", name="Se déconnecter"))
    page.wait_for_load_state()
    j.open("/accounts/login/")
    j.fill(page.get_by_label("Nom d’utilisateur"), data.QUALITY_EMAIL)
    j.fill(page.get_by_label("Mot de passe"), PASSWORD)
    j.click(page.get_by_role("button", name="Se connecter"))
    page.wait_for_url(f"{j.base}/")
    page.get_by_role("heading", name="Mettre en place votre département").wait_for()
    # she is the one who sets the sites up: the home page does not send her to ask herself for one
    assert "Demandez à la chargée de mission qualité" not in page.locator("main").inner_text()
    j.shot("checklist")

    # ---- 3. the organisation: two entities, three sites, with the forms ------------------------------------
    j.menu("Pilotage", "Organisation et sites")
    crumbs = page.get_by_role("navigation", name="Fil d'Ariane")
    for code, name, kind in data.ENTITIES:
        j.click(page.get_by_role("link", name="Ajouter une entité", exact=True))
        j.fill(page.locator("#id_code"), code)
        j.fill(page.locator("#id_name"), name)
        j.select(page.locator("#id_kind"), label=kind)
        j.click(page.get_by_role("button", name="Enregistrer"))
        page.get_by_text(f"Entité « {name} » créée.").wait_for()
        sites = [s for s in data.SITES if s[2] == code]
        for n, (site_code, site_name, _entity, city) in enumerate(sites):
            if n:  # back to the entity's page, from the new site's breadcrumbs
                j.click(crumbs.get_by_role("link", name=name, exact=True))
            j.click(page.locator("main").get_by_role("link", name="Ajouter un site", exact=True))
            j.fill(page.locator("#id_code"), site_code)
            j.fill(page.locator("#id_name"), site_name)
            j.fill(page.locator("#id_city"), city)
            j.click(page.get_by_role("button", name="Enregistrer"))
            page.get_by_text(f"Site « {site_name} » créé avec le code « {site_code} ».").wait_for()
        j.click(crumbs.get_by_role("link", name="Organisation", exact=True))
    j.shot("organisation")
    organisation = page.locator("main").inner_text()
    assert not re.search(r"^\s*,", organisation, re.M), organisation  # a site with a city and no street
    codes = page.locator("code.site-code").all_inner_texts()
    assert sorted(codes) == sorted(s[0] for s in data.SITES)  # the codes every import needs, on the page

    # ---- 4. label and working-day deadlines on /parametres/ ------------------------------------------------
    j.click(crumbs.get_by_role("link", name="Accueil", exact=True))
    j.click(page.locator(".setup-checklist").get_by_role("link", name="Label"))
    j.click(page.get_by_role("button", name=re.compile("Enregistrer le label sous")))
    page.get_by_text("Label enregistré sous").wait_for()
    for kind, days in data.DEADLINES.items():
        label = data.KIND_LABELS[kind].lower()
        j.fill(page.get_by_label(f"Délai de réponse ({label})"), days)
        j.select(page.get_by_label(f"Décompte ({label})"), label="jours ouvrés")
    j.click(page.get_by_role("button", name="Enregistrer les délais"))
    page.get_by_text("Délais enregistrés").wait_for()
    j.shot("parametres")

    # ---- 5. a year of requests from the register's template ------------------------------------------------
    j.menu("Évaluation", "Réclamations et demandes")
    j.click(page.get_by_role("link", name="Importer un registre"))
    template = j.download(page.get_by_role("link", name="modèle Excel"))
    example = load_workbook(io.BytesIO(template)).worksheets[0]
    headers = [c.value for c in example[1]]
    example_row = dict(zip(headers, [c.value for c in example[2]], strict=False))
    assert example_row["Site (code)"] in {s[0] for s in data.SITES}  # the example is of her own scope
    assert example_row["Reçue le"].year == today.year  # …and of the current year
    content, _ = workbook(template, [lambda h, r=r: data.register_row(r, h) for r in rows])
    j.upload(page.get_by_label("Classeur Excel (.xlsx)"), f"registre-{year}.xlsx", content)
    j.click(page.get_by_role("button", name="Importer", exact=True))
    page.get_by_text(f"Import terminé : {len(rows)} demandes créées.").wait_for()

    # ---- 6. the year's users' survey: the campaign, a unit per site, the results' import -------------------
    j.menu("Évaluation", "Enquêtes de satisfaction")
    j.click(page.get_by_role("link", name="Nouvelle campagne").first)
    campaign_name = f"Enquête de satisfaction des usagers {year}"
    j.fill(page.locator("#id_name"), campaign_name)
    j.fill(page.locator("#id_year"), year)
    j.select(page.locator("#id_population"), label="Usagers")
    j.fill(page.locator("#id_starts_on"), f"{year}-05-15")
    j.fill(page.locator("#id_ends_on"), f"{year}-06-15")
    j.fill(page.locator("#id_respondents"), data.CONCERNED * len(data.SITES))
    j.click(page.get_by_role("button", name="Enregistrer", exact=True))
    page.get_by_text(f"Campagne « {campaign_name} » créée.").wait_for()
    campaign_url = page.url
    for _code, name, _entity, _city in data.SITES:
        j.click(page.get_by_role("link", name="Ajouter une unité").first)
        option = page.locator("#id_site option").filter(has_text=name)
        j.select(page.locator("#id_site"), value=option.get_attribute("value"))
        j.fill(page.locator("#id_name"), f"Unité {name}")
        j.click(page.get_by_role("button", name="Enregistrer", exact=True))
        page.get_by_text(f"Unité « Unité {name} » ajoutée.").wait_for()
        j.click(crumbs.get_by_role("link", name=campaign_name, exact=True))
        assert page.url == campaign_url
    j.click(page.get_by_role("link", name="Import Excel"))
    template = j.download(page.get_by_role("link", name="modèle Excel"))
    criteria = accepted(template, "Critère")
    assert len(criteria) == 7, criteria  # the default criteria of a users' survey
    satisfied = {code: data.satisfied_counts(i, len(criteria)) for i, (code, *_) in enumerate(data.SITES)}
    survey_rows = [
        [f"Unité {name}", label, 100 * n / data.CONCERNED, n, data.CONCERNED]
        for code, name, *_ in data.SITES
        for label, n in zip(criteria, satisfied[code], strict=True)
    ]
    content, headers = workbook(template, survey_rows)
    assert headers[:5] == ["Unité", "Critère", "Taux (%)", "Satisfaits", "Concernés"]
    j.upload(page.get_by_label("Classeur Excel (.xlsx)"), f"enquete-{year}.xlsx", content)
    j.click(page.get_by_role("button", name="Importer", exact=True))
    page.get_by_text(f"Import terminé : {len(survey_rows)} taux enregistrés.").wait_for()

    # ---- 7. the committee dashboard of December ------------------------------------------------------------
    j.menu("Indicateurs", "Tableau de bord du COPIL")
    j.fill(page.get_by_role("textbox", name="Mois"), f"{year}-12")
    j.click(page.get_by_role("button", name="Afficher"))
    page.wait_for_url(re.compile(rf"month={year}-12"))
    j.shot("tableau-de-bord")
    cells = {plain(k): plain(v) for k, v in page.evaluate(DASHBOARD_CELLS).items()}
    december = dt.date(year, 12, 1)
    expected = {}
    for code, name, *_ in data.SITES:
        expected[f"{ON_TIME} | {name}"] = data.fr_percent(
            data.latest_complaint_share(rows, code, december, today)
        )
        for label, n in zip(criteria, satisfied[code], strict=True):
            key = f"{SATISFACTION}{label[0].lower()}{label[1:]} | {name}"
            expected[key] = data.fr_percent(round(100 * n / data.CONCERNED, 1))
    shown = {key: cells.get(key) for key in expected}
    assert shown == expected, sorted(cells)
    # the « À décider » strip: the requests late today, per site (a site with none is not listed)
    card = page.locator(".cm-card").filter(has=page.get_by_role("heading", name=re.compile(OVERDUE)))
    late = dict(
        re.fullmatch(r"(.+) : (\d+)", li.strip()).groups() for li in card.locator("li").all_inner_texts()
    )
    expected_late = {
        name: str(n) for code, name, *_ in data.SITES if (n := data.overdue_now(rows, code, today))
    }
    assert late == expected_late

    # ---- 8. the annual report (PDF) ------------------------------------------------------------------------
    j.menu("Rapports", "Bilan annuel")
    j.select(page.get_by_label("Année"), value=str(year))
    j.click(page.get_by_label("PDF", exact=True))
    page.set_default_timeout(300_000)
    j.click(page.get_by_role("button", name="Générer le bilan"))
    filename = f"bilan-qualite-{data.DEPARTMENT['code']}-{year}.pdf"
    link = page.get_by_role("link", name=f"Télécharger {filename}")
    link.wait_for()
    text = plain(pdf_text(j.download(link)))
    if SCREENSHOTS:
        Path(SCREENSHOTS, f"journey-{filename}.txt").write_text(text)
    figures = data.annual_figures(rows, today)
    lines = {}
    for code, name, *_ in data.SITES:
        line = next((ln for ln in text.splitlines() if re.match(rf"{name} \d", ln.strip())), None)
        assert line is not None, f"no row for {name} in the report's complaints table:\n{text}"
        lines[code] = re.findall(r"—|\d+(?:,\d+)?(?: %)?", line.strip()[len(name) :])
    expected_lines = {
        code: [
            data.fr_number(figures[code][key])
            if key != "on_time_share"
            else data.fr_percent(figures[code][key])
            for key in (
                "complaints",
                "suggestions",
                "received",
                "answered",
                "on_time_share",
                "on_time_basis",
                "mean_answer_days",
                "max_answer_days",
            )
        ]
        for code, *_ in data.SITES
    }
    assert lines == expected_lines
    total = figures["total"]
    assert (
        f"Sur ces {total['complaints']} réclamations et {total['suggestions']} suggestions "
        f"({total['received']} demandes), {total['answered']} ont reçu une réponse, "
        f"dont {data.fr_percent(total['on_time_share'])} dans le délai"
    ) in " ".join(text.split())
    flat = " ".join(text.split())
    for code, name, *_ in data.SITES:
        rates = [data.fr_percent(round(100 * n / data.CONCERNED, 1)) for n in satisfied[code]]
        unit_line = next((ln for ln in text.splitlines() if re.match(rf"Unité {name} \d", ln.strip())), None)
        assert unit_line is not None, f"no survey row for {name}:\n{text}"
        assert re.findall(r"\d+(?:,\d+)? %", unit_line) == rates, unit_line
    assert campaign_name in flat
    # IV. the indicators: the on-time answers to complaints over the year per site, and the months at target
    lines = [ln.strip() for ln in text.splitlines()]
    header = next(ln for ln in lines if ln.startswith("Indicateur Cible "))  # the table of the year
    names = sorted((name for _code, name, *_ in data.SITES), key=header.index)  # its site columns, in order
    at = next(
        i
        for i, ln in enumerate(lines)
        if ln.startswith(ON_TIME.split(" dans")[0]) and i > lines.index(header)
    )
    target, *values = re.findall(r"\d+(?:,\d+)? %|—", lines[at])
    months = dict(zip(names, re.findall(r"(\d+) / (\d+) à la cible", lines[at + 1]), strict=False))
    for code, name, *_ in data.SITES:
        target_value = int(target.removesuffix(" %"))
        monthly = [v for v in data.monthly_complaint_shares(rows, code, year, today) if v is not None]
        shown = (values[names.index(name)], tuple(int(n) for n in months[name]))
        assert shown == (
            data.fr_percent(data.complaint_figures(rows, code, today)["on_time_share"]),
            (sum(1 for v in monthly if v >= target_value), len(monthly)),
        ), (name, lines[at], lines[at + 1])

    kinds = {resolve(path).view_name for path in j.screens}
    print(
        f"\nParcours (issue 20) : {len(j.screens)} écrans distincts ({len(kinds)} sortes de pages), "
        f"{j.clicks} clics, "
        f"{j.fields} champs saisis ou choisis, {j.addresses} adresses ouvertes à la main "
        f"(la page de connexion, le lien de l'invitation) ; {len(rows)} demandes et "
        f"{len(survey_rows)} taux importés.\nÉcrans : " + ", ".join(j.screens)
    )
    assert not [s for s in j.screens if s.startswith("/admin")]
