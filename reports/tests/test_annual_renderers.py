"""The 2015 report rendered: the PDF's text (pdftotext), its print features, and the workbook's values."""

import re
import subprocess

import pytest

from reports.annual.typography import NBSP

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pdf_reads_the_seed_figures(demo_2015):
    text = _squash(demo_2015.text)
    assert "Bilan annuel de la démarche qualité" in text
    assert "Bouches-du-Rhône (13)" in text
    assert "Label Qualipref 2.0" in text and "4 entités labellisées" in text
    assert "Sur ces 44 réclamations" in text
    assert "100 % dans le délai de 15 jours calendaires" in text
    assert "942" in text and "tweets" in text
    assert "6 numéros de « Qualipref en 13 »" in text
    assert "51,5 %" in text  # Saint-Sébastien, cartes grises: opening hours
    assert "30 avril 2015" in text  # the users' committee
    assert "Perspectives 2016" in text
    assert "Aucune donnée" not in text  # every section has its data in the demo


def test_the_pdf_has_a_cover_a_table_of_contents_with_page_numbers_and_page_n_of_m(demo_2015):
    pages = demo_2015.text.split("\f")
    count = demo_2015.pdf.page_count
    assert len([p for p in pages if p.strip()]) == count
    assert "Page" not in pages[0]  # the cover has no footer
    assert "Sommaire" in pages[1]
    toc = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"(I+V?|IV|V) – .*?[. ]+(\d+)\s*$", pages[1], re.M)
    }
    assert set(toc) == {"I", "II", "III", "IV", "V"}
    assert list(toc.values()) == sorted(toc.values())
    # each section starts on the page the table of contents gives
    for number, page in toc.items():
        assert re.search(rf"^\s*{number} – ", pages[page - 1], re.M), (number, page)
    for index, page in enumerate(pages[1:count], start=2):
        assert f"Page {index} sur {count}" in page


def test_french_typography_no_line_starts_with_a_high_punctuation_mark(demo_2015):
    assert f"87{NBSP}%" in demo_2015.html
    assert f"Points forts{NBSP}:" in demo_2015.html
    assert f"30{NBSP}avril 2015" in demo_2015.html
    for line in demo_2015.text.splitlines():
        assert not line.strip().startswith(("%", ":", "?", "!", "»")), line


def test_charts_are_vector_images_and_fonts_are_set_on_html(demo_2015):
    assert demo_2015.html.count('src="data:image/svg+xml;base64,') >= 2
    assert 'font-family: "DejaVu Sans"' in demo_2015.html
    assert "break-inside: avoid" in demo_2015.html
    assert "target-counter(attr(href), page)" in demo_2015.html
    fonts = subprocess.run(
        ["pdffonts", "-"], input=demo_2015.pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "DejaVu-Sans" in fonts and "emb" in fonts


def test_the_workbook_has_one_sheet_per_table_with_numbers_as_numbers(demo_2015):
    book = demo_2015.workbook
    sheets = ["Synthèse", "Faits marquants", "Actions par site", "Enquête usagers", "Constats par entité"]
    sheets += ["Réclamations", "Indicateurs", "Perspectives 2016", "Échéances"]
    assert set(sheets) <= set(book.sheetnames)
    complaints = book["Réclamations"]
    # complaints and suggestions each in their own column (item 4 of issue 17), then their total
    assert [c.value for c in complaints[1]][:5] == ["Site", "Entité", "Réclamations", "Suggestions", "Total"]
    total = next(row for row in complaints.iter_rows(values_only=True) if row[0] == "Total")
    assert total[2] == 44 and isinstance(total[2], int)
    assert total[4] == 44 and total[8] == 100.0  # every 2015 request answered on time
    surveys = book["Enquête usagers"]
    assert [c.value for c in surveys[1]][:3] == ["Unité", "Site", "Accueil téléphonique (%)"]
    rows = {row[0]: row[2:] for row in surveys.iter_rows(min_row=2, values_only=True)}
    assert rows["Saint-Sébastien – cartes grises et permis"][3] == 51.5
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["tweets"] == 942
    events = book["Faits marquants"]
    assert events.cell(2, 1).number_format == "DD/MM/YYYY"


def test_part_iv_draws_the_indicators_with_data_as_small_multiples_on_few_pages(demo_2015):
    pages = demo_2015.text.split("\f")
    part_iv = [n for n, p in enumerate(pages) if "IV – Les indicateurs qualité" in p and "Sommaire" not in p]
    part_v = next(n for n, p in enumerate(pages) if re.search(r"^\s*V – Perspectives", p, re.M) and n > 1)
    # Ten pages of one chart each before; now the year's table, then two charts a row.
    assert part_v - part_iv[0] <= 4
    html = demo_2015.html.split('id="section-indicators"')[1].split('id="section-outlook"')[0]
    drawn = [
        i
        for i in demo_2015.context["indicators"]
        if len({v for s in i["sites"] for v in s["values"]} - {None}) > 1
    ]
    assert html.count('class="multiple"') == len(drawn)
    assert html.count("chart-image") == len(drawn)
    text = _squash("\n".join(pages[part_iv[0] : part_v]))
    assert "Les valeurs de l'année" in text and "Les courbes de l'année" in text
    # Flat all year (every complaint answered on time, no open non-conformity): said in words, not drawn.
    assert (
        "Valeur identique toute l'année" in text and "Non-conformités ouvertes : 0 chaque mois mesuré" in text
    )
    assert "Graphique : Non-conformités ouvertes" not in html
