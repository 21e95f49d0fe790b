from django import template

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
