"""The rows of « À traiter » (`{% inbox_items %}`, qualipref.templatetags.inbox_items), written in Python
with the markup of the template they replace (compared on the demo's items of five personas)."""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone

from qualipref import inbox


def render(items, show_group=False):
    return Template("{% load inbox_items %}{% inbox_items items show_group=show %}").render(
        Context({"items": items, "show": show_group})
    )


def test_a_row_shows_its_level_link_kind_place_date_detail_and_action_escaped():
    today = timezone.localdate()
    item = inbox.DueItem(
        kind="request",
        kind_label="Réclamation",
        title="<b>Attente</b> & " + "x" * 100,
        url="/complaints/1/",
        level=inbox.LATE,
        due_on=today - dt.timedelta(days=1),
        action_url="/complaints/1/?a=1&b=2",
        action_label="Répondre",
        group="Arles & Tarascon",
        detail="« urgent »",
    )
    html = render([item], show_group=True)
    assert html.startswith(
        '<li class="list-group-item inbox-item d-flex flex-wrap align-items-center gap-2">'
    )
    assert f'<span class="badge text-bg-{item.badge}">{item.level_label}</span>' in html
    assert '<a class="fw-semibold" href="/complaints/1/">&lt;b&gt;Attente&lt;/b&gt; &amp; xxx' in html
    assert "x" * 90 not in html and "…</a>" in html  # 90 characters at most
    assert "Réclamation · Arles &amp; Tarascon · <time datetime=" in html
    assert f'<time datetime="{item.due_on.isoformat()}"' in html and "hier" in html
    assert "· « urgent »</div>" in html
    assert 'href="/complaints/1/?a=1&amp;b=2">Répondre</a>' in html
    # without show_group, no place; without a date nor an action, neither
    plain = inbox.DueItem(
        kind="finding", kind_label="Écart", title="Sans action", url="/f/1/", level=inbox.TODO
    )
    html = render([item, plain])
    assert "Arles" not in html and html.count("<li ") == 2
    assert html.endswith('<div class="small text-body-secondary">Écart</div>\n</div>\n\n</li>')
