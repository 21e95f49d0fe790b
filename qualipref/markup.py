"""Markup written in Python for the rows a page repeats (issue 22: a template per row, or a row of template
variables, cost more than the page's floor)."""

import html


def esc(value) -> str:
    """`value` escaped as Django's autoescaping does (`conditional_escape`: a safe string as it is), without
    its lazy-string wrapper, which cost more than the escaping on a page of rows."""
    return str(value) if hasattr(value, "__html__") else html.escape(str(value))
