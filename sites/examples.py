"""Neutral examples shown in help texts, import templates and format documentation: a fictional site,
so that no département's names or codes live in the code (the demo's are data, in `sites/demo.py`)."""

SITE_CODE = "centre-ville"
SITE_NAME = "Centre-ville"
DEPARTMENT_CODE = "00"
