"""The embedded SQLite database (the default of `make run`): integers it cannot store are compared, not
raised.

SQLite stores integers on 64 bits, and Python's sqlite3 raises OverflowError when asked to bind a larger
one — so `?site=9223372036854775808` or such a value posted for a related row answered 500 on SQLite,
where PostgreSQL compares it and finds no row (the filter is then ignored, the form says the choice is
not valid). Bound as text, SQLite compares it as a number with the same result: no row."""

import sqlite3

SQLITE_MIN, SQLITE_MAX = -(2**63), 2**63 - 1


def _bind_int(value: int):
    return value if SQLITE_MIN <= value <= SQLITE_MAX else str(value)


def install() -> None:
    # An adapter for int makes sqlite3 consult adapters for every parameter: registered only on SQLite.
    sqlite3.register_adapter(int, _bind_int)
