"""`{% load register_rows %}{% register_rows page_obj %}`: the requests register's rows, written in Python
(issue 22): as template variables and filters, the 25 rows of a page cost 5.6 ms of CPU, more than the
rest of the page's own markup; the markup is the template's. Each row carries `deadline_label` and
`deadline_badge` (`complaints.views.deadline_state`)."""

from django import template
from django.utils.safestring import mark_safe

from qualipref.markup import esc

register = template.Library()


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _row(r) -> str:
    point = (
        f'<span class="small text-body-secondary d-block">{esc(r.reception_point.name)}</span>'
        if r.reception_point
        else ""
    )
    return (
        "<tr>\n"
        f'<td class="qp-main text-nowrap" data-label="Référence"><a href="{esc(r.get_absolute_url())}">'
        f"{esc(r.reference)}</a> "
        f'<span class="small text-body-secondary fw-normal d-block">{esc(r.get_kind_display())}</span></td>\n'
        f'<td class="qp-date qp-wide" data-label="Reçue le">{_day(r.received_on)}</td>\n'
        f'<td data-label="Site"><span>{esc(r.site.name)}{point}</span></td>\n'
        f'<td data-label="Objet"><span class="qp-clip" title="{esc(r.subject)}">{esc(r.subject)}</span>'
        "</td>\n"
        f'<td data-label="Statut">{esc(r.get_status_display())}</td>\n'
        f'<td data-label="Échéance"><span><span class="qp-date">{_day(r.due_on)}</span> '
        f'<span class="badge text-bg-{esc(r.deadline_badge)} d-inline-block">{esc(r.deadline_label)}</span>'
        "</span></td>\n"
        f'<td class="qp-wide small" data-label="Agent">{esc(r.assigned_to or "—")}</td>\n'
        "</tr>"
    )


@register.simple_tag
def register_rows(rows):
    return mark_safe("\n".join(_row(r) for r in rows))
