"""Typed parameters: cast a stored string, and read the value in force for a département."""

from decimal import Decimal, InvalidOperation

from django.db.models import Q

TRUE_WORDS = {"true", "1", "yes", "oui", "vrai"}
FALSE_WORDS = {"false", "0", "no", "non", "faux"}


def cast_value(value_type: str, raw, choices: str = ""):
    """Cast `raw` to `value_type`; raise ValueError with a French message when it does not fit."""
    text = str(raw).strip()
    if value_type == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"« {text} » n'est pas un nombre entier.") from None
    if value_type == "decimal":
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"« {text} » n'est pas un nombre décimal.") from None
    if value_type == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(f"« {text} » n'est pas une valeur oui/non.")
    if value_type == "choice":
        allowed = [c.strip() for c in choices.split(",") if c.strip()]
        if allowed and text not in allowed:
            raise ValueError(f"« {text} » n'est pas parmi les valeurs possibles : {', '.join(allowed)}.")
        return text
    if value_type == "str":
        return text
    raise ValueError(f"Type de paramètre inconnu : « {value_type} ».")


def parameter_value(referential, key: str, *, department=None, default=None):
    """The value of `key` in force: the département's override, else the referential's default."""
    from .models import Parameter

    rows = {
        p.department_id: p
        for p in Parameter.objects.filter(referential=referential, key=key).filter(
            Q(department__isnull=True) | Q(department=department)
        )
    }
    row = rows.get(getattr(department, "pk", None)) or rows.get(None)
    if row is None:
        return default
    return cast_value(row.value_type, row.value, row.choices)
