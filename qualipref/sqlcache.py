"""SQL compiled once per process (issue 22).

Some readings run on every page, or on many, with a queryset whose building and compiling (the scope's
filters, subqueries, the referential in force) cost more than running it: the user's scope
(`sites.access`), the menu's badges (`reports.inbox`), the rules read from the referential
(`referential.params`). Their SQL, with its parameters, is kept per process under a key that names
everything the SQL depends on; the query itself runs every time, so no value is ever kept and no write has
anything to invalidate.

`compiled = CACHE.get(key, build)`: `build()` returns the queryset (and, optionally, something to keep
with its SQL: `(queryset, extra)`); `compiled.rows()` runs it (a plain cursor: the rows as the database
gives them, without the ORM's converters). `CACHE.get_all(key, build, n)`: `build()` returns n querysets
(the readings of one panel), each kept under the key and its position.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections


def as_date(value) -> dt.date | None:
    """A date column of `Compiled.rows()`: SQLite gives text to a plain cursor, PostgreSQL a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Compiled:
    sql: str | None  # None: the queryset cannot return rows (Django's EmptyResultSet), nothing runs
    params: tuple
    alias: str
    extra: Any = None

    def rows(self, params: tuple | None = None) -> list[tuple]:
        """The rows, with the SQL's own parameters or `params` in their place (same number, same order: a
        query compiled once for any user, with a placeholder value, and run with the user's)."""
        if params is not None and len(params) != len(self.params):
            raise ValueError(f"{len(self.params)} parameters expected, {len(params)} given")
        if self.sql is None:  # a queryset empty by construction (`filter(pk__in=[])`): nothing to run
            return []
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params if params is None else params)
            return cursor.fetchall()


class SQLCache:
    """A bounded map {key: Compiled}; emptied when full (keys hold a day: yesterday's go)."""

    def __init__(self, maxsize: int = 2048):
        self.maxsize = maxsize
        self._compiled: dict[tuple, Compiled] = {}

    def get(self, key: tuple, build) -> Compiled:
        compiled = self._compiled.get(key)
        if compiled is None:
            built = build()
            queryset, extra = built if isinstance(built, tuple) else (built, None)
            try:
                sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
            except EmptyResultSet:  # a user without any site to write on, say
                sql, params = None, ()
            if len(self._compiled) >= self.maxsize:
                self._compiled.clear()
            compiled = self._compiled[key] = Compiled(sql, tuple(params), queryset.db, extra)
        return compiled

    def get_all(self, key: tuple, build, count: int) -> list[Compiled]:
        """Several readings under one key: `build()` returns `count` querysets, built once on a miss."""
        built: list = []

        def part(index: int):
            if not built:
                built.extend(build())
            return built[index]

        return [self.get((*key, index), lambda index=index: part(index)) for index in range(count)]

    def clear(self) -> None:
        self._compiled.clear()

    def __len__(self) -> int:
        return len(self._compiled)
