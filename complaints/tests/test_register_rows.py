"""The requests register's rows (`{% register_rows %}`), written in Python with the markup of the template
they replace (compared on the benchmark's pages for three personas, filters and sorts included)."""

import datetime as dt

from django.template import Context, Template

from complaints.models import Correspondence, Kind, Status
from sites.models import ReceptionPoint, Site
from tests.factories import UserFactory


def render(rows):
    return Template("{% load register_rows %}{% register_rows rows %}").render(Context({"rows": rows}))


def request(**fields):
    row = Correspondence(
        pk=7,
        reference="REC-13-2015-0007",
        kind=Kind.COMPLAINT,
        status=Status.IN_PROGRESS,
        received_on=dt.date(2015, 3, 2),
        due_on=dt.date(2015, 3, 17),
        subject='Attente "très" longue <au guichet>',
        **fields,
    )
    row.site = Site(name="Arles & Tarascon")
    row.deadline_label, row.deadline_badge = "3 jours restants", "secondary"
    return row


def test_a_row_shows_the_request_escaped_with_its_deadline():
    html = render([request()])
    assert html.startswith("<tr>\n") and html.endswith("</tr>")
    assert '<a href="/complaints/7/">REC-13-2015-0007</a>' in html
    assert '<span class="small text-body-secondary fw-normal d-block">Réclamation</span>' in html
    assert '<td class="qp-date qp-wide" data-label="Reçue le">02/03/2015</td>' in html
    assert "<span>Arles &amp; Tarascon</span>" in html  # no reception point
    assert 'title="Attente &quot;très&quot; longue &lt;au guichet&gt;"' in html
    assert (
        '<span class="qp-date">17/03/2015</span> <span class="badge text-bg-secondary d-inline-block">'
        in html
    )
    assert '<td class="qp-wide small" data-label="Agent">—</td>' in html


def test_a_row_names_its_reception_point_and_its_agent(db):
    agent = UserFactory(username="agent.arles", first_name="Lucie", last_name="Martin")
    row = request(assigned_to=agent)
    row.reception_point = ReceptionPoint(name="Guichet <cartes grises>")
    html = render([row, request()])
    assert (
        'Arles &amp; Tarascon<span class="small text-body-secondary d-block">'
        "Guichet &lt;cartes grises&gt;</span>" in html
    )
    assert f'data-label="Agent">{agent}</td>' in html and html.count("<tr>") == 2
