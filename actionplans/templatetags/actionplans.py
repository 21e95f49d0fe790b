from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from qualipref.markup import esc
from sites.access import WRITE, scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def can_write_actions(context):
    """Whether the current user may create actions (shows "Créer une action" on origin pages)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user and user.is_authenticated and scope_for(user).can(WRITE))


@register.inclusion_tag("actionplans/partials/status_badge.html")
def action_badge(action):
    return {"action": action}


@register.simple_tag
def origin_actions(origin):
    """An origin's actions with what the rows show (owner, plan) in one query."""
    from actionplans.selectors import actions_for_origin

    return actions_for_origin(origin)


@register.inclusion_tag("actionplans/partials/loop_panel.html", takes_context=True)
def loop_panel(context, entity=None):
    """The closing-the-loop panel for the current user (home page).

    Usage: `{% load actionplans %}{% loop_panel %}`."""
    from actionplans.selectors import loop_panel as panel

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"loop_empty": True, "loop_hidden": True}
    return panel(user, entity=entity)


def _action_row(action, today) -> str:
    """One row of `partials/action_rows.html` (the register, a plan's page, « Mes actions »)."""
    overdue, due_soon = action.is_overdue_on(today), action.is_due_soon_on(today)
    module = (
        f'<span class="d-block small text-body-secondary fw-normal">Module {esc(action.module.number)}</span>'
        if action.module
        else ""
    )
    sites = (
        ", ".join(esc(s.name) for s in action.sites.all()) or '<span class="text-body-secondary">Tous</span>'
    )
    badge = action.badge_on(today)
    flag = (
        ' <span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle" aria-hidden="true"></i> '
        "En retard</span>"
        if overdue
        else ' <span class="badge text-bg-warning">Échéance proche</span>'
        if due_soon
        else ""
    )
    title = esc(action.title)
    entity = esc(action.entity.short_name or action.entity.name)
    status = esc(action.get_status_display())
    row_class = ' class="table-danger"' if overdue else ""
    return (
        f"<tr{row_class}>\n"
        f'<td class="ap-title qp-main" data-label="Action"><span><a href="{esc(action.get_absolute_url())}" '
        f'class="qp-clip" title="{title}">{title}</a>{module}</span></td>\n'
        f'<td class="qp-wide" data-label="Entité">{entity}</td>\n'
        f'<td class="small" data-label="Sites"><span>{sites}</span></td>\n'
        f'<td class="small qp-wide" data-label="Origine">{esc(action.get_origin_kind_display())}</td>\n'
        f'<td class="small" data-label="Pilote">{esc(action.owner)}</td>\n'
        f'<td class="qp-date{" text-danger-emphasis fw-semibold" if overdue else ""}" data-label="Échéance">'
        f"{esc(date_format(action.due_on, 'j M Y'))}</td>\n"
        f'<td class="ap-progress qp-wide" data-label="Avancement"><progress class="ap-bar" max="100" '
        f'value="{action.progress}" aria-label="Avancement">{action.progress} %</progress> '
        f'<span class="small">{action.progress} %</span></td>\n'
        f'<td data-label="Statut"><span><span class="badge text-bg-{badge}">{status}</span>{flag}</span>'
        "</td>\n"
        "</tr>"
    )


@register.simple_tag
def action_rows(actions):
    """The rows of the actions' table, written in Python (issue 22): as template variables the 25 rows of a
    register page cost 8.3–9.3 ms of CPU (each asking the date of the day four times); the markup is the
    template's. The day is read once."""
    today = timezone.localdate()
    return mark_safe("\n".join(_action_row(action, today) for action in actions))
