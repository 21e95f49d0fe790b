from decimal import Decimal

from django import forms, template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from qualipref.french import plural
from qualipref.widgets import select_markup

register = template.Library()


@register.filter
def percent(value, decimals=None):
    """51.5 -> "51,5 %" (French separators, no decimal when it is whole)."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 1
    return f"{number_format(value, decimal_pos=int(decimals), use_l10n=True)}\u00a0%"


@register.filter
def days(value):
    if value is None:
        return "—"
    value = Decimal(str(value))
    shown = number_format(value, decimal_pos=0 if value == value.to_integral_value() else 1, use_l10n=True)
    return f"{shown}\u00a0{plural(value, 'jour', 'jours')}"


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination and sorting keep filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_th(context, label, key, current=None):
    """A sortable column header: a link toggling ?sort=key / -key, with aria-sort."""
    current = current if current is not None else context.get("sort", "")
    ascending = current == key
    descending = current == f"-{key}"
    target = f"-{key}" if ascending else key
    aria = "ascending" if ascending else "descending" if descending else "none"
    arrow = " ▲" if ascending else " ▼" if descending else ""
    query = query_replace(context, sort=target, page=None)
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="?{}" class="link-dark">{}{}</a></th>',
        aria,
        query,
        label,
        arrow,
    )


@register.simple_tag
def absolute_url(name, *args, **kwargs):
    """`{% absolute_url "app:name" arg %}`: the page's address at the installation's public address
    (qualipref.links), for links printed or sent (e-mails, posters, examples to copy)."""
    from qualipref.links import absolute_reverse

    return absolute_reverse(name, *args, **kwargs)


def _control_class(widget) -> str:
    """The Bootstrap 5 class of a widget's control, as crispy-forms chooses it (every select, a yes/no
    select included, is a form-select)."""
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-control"


def _is_plain_select(widget) -> bool:
    return (
        isinstance(widget, forms.Select)
        and widget.template_name == "django/forms/widgets/select.html"
        and widget.option_template_name == "django/forms/widgets/select_option.html"
    )


def _select(field, attrs: dict) -> str:
    """A select (single or multiple, with option groups) as Django's widget templates write it
    (`BoundField.as_widget`, `Select.get_context`, `optgroups`), without a template per option
    (`qualipref.widgets.select_markup`): the registers' filter forms have five selects, some with a hundred
    options."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = widget.build_attrs(widget.attrs, attrs)
    if widget.allow_multiple_selected:
        attrs["multiple"] = True
    return select_markup(
        field.html_name,
        attrs,
        widget.format_value(field.value()),
        widget.choices,
        multiple=widget.allow_multiple_selected,
    )


@register.filter
def filter_fields(form):
    """A register's filter form in Bootstrap 5's markup (crispy-forms' markup for a plain form: label,
    control, error, help text), written in Python once: the registers render it on every page, and a
    template per field made it the costliest part of a register page."""
    parts = []
    if form.non_field_errors():
        items = format_html_join("", "<li>{}</li>", ((e,) for e in form.non_field_errors()))
        parts.append(
            format_html('<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>', items)
        )
    for field in form:
        if field.is_hidden:
            parts.append(str(field))
            continue
        widget = field.field.widget
        kind = type(widget).__name__.lower()
        attrs = {"class": " ".join(c for c in (widget.attrs.get("class"), kind, _control_class(widget)) if c)}
        described = [f"{field.auto_id}_helptext"] if field.help_text else []
        if field.errors:
            attrs["class"] += " is-invalid"
            attrs["aria-invalid"] = "true"
            described.append(f"{field.auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
        control = _select(field, attrs) if _is_plain_select(widget) else field.as_widget(attrs=attrs)
        errors = ""
        if field.errors:
            errors = format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                field.auto_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((i, field.auto_id, e) for i, e in enumerate(field.errors, 1)),
                ),
            )
        help_text = (
            # help texts are the developers' words, shown as Django and crispy-forms show them (not escaped)
            format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text)
            )
            if field.help_text
            else ""
        )
        check_box = kind == "checkboxinput"
        label = format_html(
            '<label for="{}" class="{}{}">{}{}</label>',
            field.id_for_label,
            "form-check-label" if check_box else "form-label",
            " requiredField" if field.field.required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if field.field.required else "",
        )
        if check_box:  # the box before its label, in a form-check
            parts.append(
                format_html(
                    '<div class="mb-3"><div id="div_{}" class="form-check">{}{}{}{}</div></div>',
                    field.auto_id,
                    control,
                    label,
                    errors,
                    help_text,
                )
            )
        else:
            parts.append(
                format_html(
                    '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
                    field.auto_id,
                    label,
                    control,
                    errors,
                    help_text,
                )
            )
    return mark_safe("\n".join(str(p) for p in parts))
