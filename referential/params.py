"""Typed parameters: cast a stored string, and read the value in force for a département."""

from decimal import Decimal, InvalidOperation

from django.db.models import Q

from qualipref.sqlcache import SQLCache, as_date

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


def parameter_value(referential, key: str, *, department=None, default=None, on=None):
    """The value of `key` in force for `department` on `on` (today by default), in one query:
    the département's newest version of `referential` in force on that date (edited in the app,
    `referential.editing`), else the département's override, else the referential's default.

    A département's version passed as `referential` is read as it is (a report of its year)."""
    department_id = getattr(department, "pk", department)
    return parameter_values(referential, key, [department_id], default=default, on=on)[department_id]


# For `referential`: the published referential in force on the date asked (`current_referential`), read
# within the parameters' one query instead of by a query of its own.
CURRENT = "current"


def parameter_values(referential, key: str, department_ids, *, default=None, on=None) -> dict:
    """{département id: the value of `key` in force for it} (see `parameter_value`), in one query
    whatever the number of départements; `None` among the ids stands for the referential's own value.
    `referential` may be `CURRENT`: the published referential in force on `on`, in the same query."""
    return parameter_values_of_keys(referential, {key: default}, department_ids, on=on)[key]


def parameters_in_force(referential, defaults: dict, *, department=None, on=None) -> dict:
    """{key: its value in force for `department`} for each key of `defaults` (its default when no row
    gives it), in one query whatever the number of keys (see `parameter_value`)."""
    department_id = getattr(department, "pk", department)
    values = parameter_values_of_keys(referential, defaults, [department_id], on=on)
    return {key: by_department[department_id] for key, by_department in values.items()}


def parameter_values_of_keys(referential, defaults: dict, department_ids, *, on=None) -> dict:
    """{key: {département id: value in force}} for each key of `defaults` ({key: default}), in one query."""
    from django.utils import timezone

    department_ids = list(dict.fromkeys(department_ids))
    if referential is None:
        return {key: dict.fromkeys(department_ids, default) for key, default in defaults.items()}
    on = on or timezone.localdate()
    named = [d for d in department_ids if d is not None]
    rows = _parameter_rows(referential, tuple(defaults), tuple(named), on)
    return {
        key: _in_force(referential, [r for r in rows if r[7] == key], department_ids, default)
        for key, default in defaults.items()
    }


# The parameters' SQL, compiled once per process for each (referential, keys, départements, day)
# (qualipref.sqlcache): building and compiling its queryset (the referential in force as a subquery, the
# départements' versions) cost several times its run, on every page that reads a rule (a request's
# deadline, the trainings' validity, the publications' age, the reminders' horizon). Only the SQL is kept,
# never a value: the query runs each time, so an edited parameter shows at once. Everything the SQL depends
# on is in the key.
_COMPILED = SQLCache()


def _parameter_rows(referential, keys: tuple, named: tuple, on) -> list[tuple]:
    """(referential id, its valid_from, département id, value type, value, choices, referential's
    département, key) of the rows that may give `keys` for the départements `named` on `on`."""

    compiled = _COMPILED.get(
        (getattr(referential, "pk", referential), keys, named, on),
        lambda: _parameters_queryset(referential, keys, named, on),
    )
    # SQLite gives the date as text (the ORM's converters are not applied to a plain cursor's rows)
    return [(r[0], as_date(r[1]), *r[2:]) for r in compiled.rows()]


def _parameters_queryset(referential, keys, named, on):
    from .models import Parameter

    if referential == CURRENT:
        from .selectors import current_referential_id

        referential = current_referential_id(on)
    scope = Q(referential=referential) & (Q(department__isnull=True) | Q(department_id__in=named))
    if named:
        scope |= Q(
            referential__adapts=referential,
            referential__department_id__in=named,
            referential__valid_from__lte=on,
            department__isnull=True,
        )
    return Parameter.objects.filter(scope, key__in=list(keys)).values_list(
        "referential_id",
        "referential__valid_from",
        "department_id",
        "value_type",
        "value",
        "choices",
        "referential__department_id",
        "key",
    )


def _in_force(referential, rows, department_ids, default) -> dict:
    """{département id: value} from the rows of one key."""
    import datetime as dt

    from .models import Referential

    # the referential's own rows, by département (None: its default value); the others are the rows of the
    # départements' versions adapting it. The current referential (an expression) is a published one: its
    # rows are those of a referential without département.
    if isinstance(referential, Referential):
        own_rows = [r for r in rows if r[0] == referential.pk]
    else:
        own_rows = [r for r in rows if r[6] is None]
    own = {r[2]: r for r in own_rows}
    values = {}
    for department_id in department_ids:
        adapted = [
            r for r in rows if department_id is not None and r not in own_rows and r[6] == department_id
        ]
        if adapted:
            row = max(adapted, key=lambda r: (r[1] or dt.date.min, r[0]))
        else:
            row = own.get(department_id) or own.get(None)
        values[department_id] = default if row is None else cast_value(row[3], row[4], row[5])
    return values
