"""The actions' rows (`{% action_rows %}`), written in Python with the markup of the template they replace
(compared on the register, « Mes actions » and plans' pages of two personas)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from actionplans.models import ActionPlan

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db


def rows(actions):
    return Template("{% load actionplans %}{% action_rows actions %}").render(Context({"actions": actions}))


def test_each_row_says_late_due_soon_or_done_and_escapes_what_users_typed(org):
    today = timezone.localdate()
    plan = ActionPlanFactory(entity=org.arles_entity, year=today.year)
    late = ActionFactory(
        plan=plan, title="<script>x</script>", due_on=today - dt.timedelta(days=1), sites=[org.arles]
    )
    soon = ActionFactory(plan=plan, title="Afficher", due_on=today + dt.timedelta(days=3))
    done = ActionFactory(
        plan=plan,
        title="Fait",
        due_on=today - dt.timedelta(days=3),
        status="done",
        progress=100,
        completed_on=today - dt.timedelta(days=4),
    )
    html = rows([late, soon, done])
    first, second, third = html.split("</tr>")[:3]
    assert first.startswith('<tr class="table-danger">') and "&lt;script&gt;x&lt;/script&gt;" in first
    assert f'<span><a href="/actions/{late.pk}/" class="qp-clip"' in first
    assert "<span>Arles</span>" in first and "En retard</span>" in first
    assert '<td class="qp-date text-danger-emphasis fw-semibold" data-label="Échéance">' in first
    assert (
        second.startswith("\n<tr>\n")
        and "Échéance proche" in second
        and '<span class="text-body-secondary">Tous</span>' in second
    )
    assert "table-danger" not in third and "En retard" not in third and 'value="100"' in third
    # a closed plan's actions are archived: not late any more
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.CLOSED, approved_on=today)
    late.refresh_from_db()
    assert "table-danger" not in rows([late])
