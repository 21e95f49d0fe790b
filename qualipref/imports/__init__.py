"""One way of importing a spreadsheet (see engine.py): declarations, choices, templates, pages."""

from .choices import Choice, ChoiceField, Choices, coded, normalise, split_synonyms
from .engine import ImportColumn, ImportContext, Importer, model_column, model_default, run
from .registry import get, register

__all__ = [
    "Choice",
    "ChoiceField",
    "Choices",
    "ImportColumn",
    "ImportContext",
    "Importer",
    "coded",
    "model_column",
    "model_default",
    "get",
    "normalise",
    "register",
    "run",
    "split_synonyms",
]
