"""`{% load inbox_tags %}`: `{{ inbox_badges|badge_for:url }}`, the count of a menu entry's late items."""

from django import template

register = template.Library()


@register.filter
def badge_for(badges, url):
    try:
        return badges.by_url.get(url, 0)
    except AttributeError:
        return 0
