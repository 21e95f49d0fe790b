"""`{% load human_dates %}`: `{{ day|human_date }}` (« dans 3 jours », « hier », « le 12 mars 2024 »),
`{{ day|human_date:"depuis" }}` (« depuis le 12 mars 2024 »), `{{ day|human_date:"echeance" }}`
(« en retard depuis hier », « échéance dans 3 jours »). Today is the project's clock (Europe/Paris).
The words are those of `qualipref.humandates`, also used by Python code (reminders, readiness)."""

from django import template

from qualipref.humandates import human_date as _human_date

register = template.Library()


@register.filter
def human_date(value, mode=""):
    return _human_date(value, mode)
