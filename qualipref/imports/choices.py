"""Choice columns: a value typed in a spreadsheet is matched to one accepted value without regard to case,
accents, apostrophes and spacing; declared synonyms (data: a field, or a small mapping on the choices)
map other wordings, and nothing else does. An unknown value is refused with the list of accepted ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Past this many accepted values the message names the first ones and points to the template's sheet.
LISTED_IN_MESSAGE = 25
ACCEPTED_SHEET = "Valeurs acceptées"

UNKNOWN_VALUE = "Valeur « {value} » non reconnue. Valeurs acceptées : {accepted}."
AMBIGUOUS_VALUE = "Valeur « {value} » ambiguë : elle désigne {labels}. Précisez laquelle."


def normalise(text: Any) -> str:
    """Lower case, no accents, one space between words, straight apostrophes and dashes:
    « Accueil  des Personnes à mobilité » and "accueil des personnes a mobilite" compare equal."""
    text = "" if text is None else str(text)
    if isinstance(text, str):
        text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = re.sub(r"\s*-\s*", "-", stripped)
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def split_synonyms(text: str) -> tuple[str, ...]:
    """Synonyms typed one per line or separated by « ; » (how a synonyms field is entered)."""
    return tuple(w.strip() for w in re.split(r"[;\n]", text or "") if w.strip())


@dataclass(frozen=True)
class Choice:
    """One accepted value: what the row receives (`value`), its label, and the other wordings accepted
    (the code, a plural, declared synonyms)."""

    value: Any
    label: str
    synonyms: tuple[str, ...] = ()
    detail: str = ""  # shown next to the value in the « Valeurs acceptées » sheet


class Choices:
    """The accepted values of one column."""

    def __init__(self, choices: Iterable[Choice], *, unknown: str = UNKNOWN_VALUE):
        self.choices = list(choices)
        self.unknown = unknown  # "… « {value} » … {accepted}", e.g. "Site inconnu : « {value} »…"
        self._index: dict[str, list[Choice]] = {}
        for choice in self.choices:
            for word in (choice.label, *choice.synonyms):
                key = normalise(word)
                if key and choice not in self._index.setdefault(key, []):
                    self._index[key].append(choice)

    @classmethod
    def of(
        cls, text_choices, *, synonyms: dict | None = None, codes: bool = True, unknown: str = UNKNOWN_VALUE
    ) -> Choices:
        """From a Django TextChoices/IntegerChoices (or a list of (value, label)): each label, and its
        code unless `codes=False`; `synonyms` maps a value to extra accepted wordings."""
        pairs = text_choices.choices if hasattr(text_choices, "choices") else list(text_choices)
        synonyms = synonyms or {}
        return cls(
            [
                Choice(value, str(label), ((str(value),) if codes else ()) + tuple(synonyms.get(value, ())))
                for value, label in pairs
            ],
            unknown=unknown,
        )

    def __bool__(self):
        return bool(self.choices)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.choices]

    def accepted(self) -> str:
        labels = self.labels
        if not labels:
            return "aucune (rien n'est encore créé dans votre périmètre)"
        listed = ", ".join(f"« {label} »" for label in labels[:LISTED_IN_MESSAGE])
        if len(labels) > LISTED_IN_MESSAGE:
            listed += f"… ({len(labels)} en tout : voir la feuille « {ACCEPTED_SHEET} » du modèle)"
        return listed

    def match(self, raw) -> Any:
        """The value `raw` designates; ValidationError (French, with the accepted values) otherwise."""
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a number typed in a cell: 1.0 is "1"
        text = "" if raw is None else str(raw).strip()
        found = self._index.get(normalise(text), [])
        if len(found) == 1:
            return found[0].value
        if len(found) > 1:
            raise ValidationError(
                AMBIGUOUS_VALUE.format(value=text, labels=" ou ".join(f"« {c.label} »" for c in found)),
                code="ambiguous",
            )
        raise ValidationError(
            self.unknown.format(value=text, accepted=self.accepted()), code="invalid_choice"
        )


class ChoiceField(forms.Field):
    """A form field over `Choices`: an empty cell gives `default` (or the required error), any other text
    is matched (case, accents and spacing ignored; declared synonyms only)."""

    def __init__(self, choices: Choices | None = None, *, default=None, **kwargs):
        self.choices_set = choices if choices is not None else Choices([])
        self.default = default
        if default is not None:
            kwargs["required"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.default
        return self.choices_set.match(value)

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


def coded(objects: Iterable, *, unknown: str = UNKNOWN_VALUE, detail=None) -> Choices:
    """Choices over rows that have a `code` and a `name` (sites, units, indicators…): the code is the
    accepted value, the name another accepted wording."""
    return Choices(
        [
            Choice(
                obj, obj.code, (obj.name,) if getattr(obj, "name", "") else (), detail(obj) if detail else ""
            )
            for obj in objects
        ],
        unknown=unknown,
    )
