"""In a real browser: a quality manager records a non-conformity, writes its gap sheet and prints it."""

import datetime as dt
import os

import pytest

from audits import services
from audits.models import Finding, GapSheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")


def test_record_a_finding_and_print_its_gap_sheet(
    page,
    live_server,
    org,
    referential,
    module,
    quality_manager,
    tmp_path,
):
    audit = services.audit_create(
        entity=org.arles_entity,
        kind="internal",
        title="Audit interne Arles – juin 2015",
        referential=referential,
        start_on=dt.date(2015, 6, 18),
        end_on=dt.date(2015, 6, 18),
        modules=[module(1)],
        by=quality_manager,
    )
    login(page, live_server, quality_manager.username)
    page.goto(f"{live_server.url}{audit.get_absolute_url()}")
    page.get_by_role("link", name="Nouveau constat").first.click()
    page.get_by_label("Type").select_option(label="Non-conformité mineure")
    page.get_by_label("Module").select_option(label="Module 1 – Relation générale avec les usagers")
    page.get_by_label("Site").select_option(label="Arles")
    page.get_by_label("Intitulé").fill("Agents du pré-accueil sans badge nominatif")
    page.get_by_label("Description").fill("Aucun badge ni chevalet au pré-accueil le matin de l'audit.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_role("heading", name="Agents du pré-accueil sans badge nominatif").wait_for()
    assert page.get_by_text("Constat « Agents du pré-accueil sans badge nominatif » enregistré.").is_visible()

    page.get_by_role("link", name="Rédiger la fiche d'écart").click()
    assert page.get_by_label("Constat (ce qui a été observé)").input_value().startswith("Aucun badge")
    page.get_by_label("Analyse des causes").fill("Badges jamais commandés.")
    page.get_by_label("Correction immédiate").fill("Chevalets nominatifs posés le jour même.")
    page.get_by_role("button", name="Enregistrer la fiche d'écart").click()
    page.get_by_text("Fiche d'écart enregistrée.").wait_for()

    page.get_by_role("link", name="Fiche d'écart imprimable").click()
    sheet = page.get_by_role("article", name="Fiche d'écart")
    sheet.wait_for()  # the click only starts the navigation
    assert sheet.get_by_role("heading", name="Fiche d'écart n° 1 — Non-conformité mineure").is_visible()
    assert sheet.get_by_text("Badges jamais commandés.").is_visible()
    assert page.get_by_role("button", name="Imprimer").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Imprimer").is_visible()  # the print hides the buttons
    assert not page.get_by_role("navigation", name="Navigation principale").is_visible()
    pdf = tmp_path / "fiche.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 1000
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "gap_sheet_print.png"), full_page=True)

    finding = Finding.objects.get()
    assert finding.audit == audit and finding.site == org.arles
    assert GapSheet.objects.get(finding=finding).correction == "Chevalets nominatifs posés le jour même."
