"""Figures cached until a write changes them: a counter per département (`DataVersion`), in the database.

- **Every write is seen**: an execute wrapper on each database connection (`install`, on
  `connection_created`) notes every statement that writes (INSERT, UPDATE, DELETE, MERGE, TRUNCATE,
  COPY): the models' saves and deletes, `QuerySet.update`, bulk writes and raw cursors alike, so no app
  has to remember to signal its writes. Not counted: the sessions, django-axes' login records, a login's
  `last_login`, the periodic tasks' last runs and the counters themselves (`IGNORED`), which nothing kept
  reads.
- **Attributed to the départements the writer may write** (`writes_for`): for a signed-in request, the
  départements of the user's memberships (`sites.versions.WritesMiddleware`), as the access rule lets
  nobody write elsewhere; for a public form, its site's département. A write made outside such a context
  (a Celery task, a management command, a superuser, an anonymous request) counts for every département
  (the counter of id 0, part of every stamp).
- **Bumped once per transaction, after it commits** (`transaction.on_commit`), in one short statement (the
  rows in the same order every time): no lock on the counters is held while the transaction runs, so
  writers never wait for each other on them and no upload blocks a département's writers. A statement run
  outside a transaction (autocommit) bumps right after it. A reader that reads the stamp between a commit
  and its bump computes from the committed data and stores it under the old stamp, which later readers no
  longer ask for. Inside a test's own transaction (never committed), the counters are bumped at once. (A
  process that dies between a commit and its bump leaves the kept values of that write's départements
  until their next write or the next day.)
- `stamp(department_ids)`: the sum of these départements' counters and of the counter 0 (one query): it
  grows with every write that may change their figures. Within `reading()` (a request), read once per set
  of départements until a write; a query that reads départements anyway may read their counters with them
  (`counters`, `remember`: the user's scope and a public site do).
- `cached_parts(key, department_ids, compute)`: a value made of one part per département, each part cached
  under its own département's stamp (a write in one département computes its part only).
- `cached(key, department_ids, compute)`: `compute()` stored in Django's cache under the key, the day and
  the stamp; read back while no write has happened. The key names everything else the value depends on
  (the user, the page's options…): a cached value is never shared by users who may read different data
  (callers put the user's id in the key, or their scope: `sites.versions.kept`, `shared`). The cache may be
  the process's own (the default): the stamp, read from the database, is the same for every process.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

from .models import DataVersion, JobRun

TIMEOUT = 6 * 3600
EVERY_DEPARTMENT = 0
TABLE = DataVersion._meta.db_table

# Tables whose writes change nothing a page keeps: the sessions, django-axes' records of logins, the
# counters, and the periodic tasks' last runs (written every minute by Celery beat's tasks, shown to the
# platform's administrator on the home page beside what it keeps).
IGNORED = frozenset({"django_session", TABLE, JobRun._meta.db_table})
IGNORED_PREFIXES = ("axes_",)
_WRITE = re.compile(
    r"""\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|COPY)\s+"?([\w.]+)"?""",
    re.IGNORECASE,
)
_LAST_LOGIN = re.compile(r'\s*UPDATE\s+"?\w+"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.IGNORECASE)

# The stamps read during a request (`reading`), by set of départements: read once, until a write.
_stamps: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "qualipref_versions_stamps", default=None
)

# Who writes: a callable returning the département ids the current writer may write, or None (every one).
_writer: contextvars.ContextVar[Callable[[], Iterable[int] | None] | None] = contextvars.ContextVar(
    "qualipref_versions_writer", default=None
)


@contextmanager
def writes_for(departments: Callable[[], Iterable[int] | None] | Iterable[int] | None):
    """The writes made inside count for these départements (a callable is called at the first write)."""
    token = _writer.set(departments if callable(departments) else (lambda: departments))
    try:
        yield
    finally:
        _writer.reset(token)


@contextmanager
def reading():
    """Inside (a request: `sites.versions.WritesMiddleware`), a stamp is read once per set of départements
    until a write: the page's kept values (the menu's badges, the page) share one query."""
    token = _stamps.set({})
    try:
        yield
    finally:
        _stamps.reset(token)


def _forget_stamps() -> None:
    memo = _stamps.get()
    if memo:
        memo.clear()


def _departments() -> frozenset[int]:
    resolve = _writer.get()
    ids = resolve() if resolve is not None else None
    ids = frozenset(int(i) for i in ids) if ids is not None else frozenset()
    return ids or frozenset({EVERY_DEPARTMENT})


def written_table(sql: str) -> str | None:
    """The table a statement writes, or None when it writes nothing that a figure reads."""
    head = sql[:200]
    match = _WRITE.match(head)
    if match is None:
        return None
    table = match.group(1).rsplit(".", 1)[-1].lower()
    if table in IGNORED or table.startswith(IGNORED_PREFIXES) or _LAST_LOGIN.match(head):
        return None
    return table


def bump(department_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """One more write on these départements (0: every département), one statement, rows in order."""
    rows = [(int(d),) for d in sorted(set(department_ids))]
    if not rows:
        return
    _forget_stamps()
    with connections[using].cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} AS v (department_id, version) VALUES (%s, 1) "
            "ON CONFLICT (department_id) DO UPDATE SET version = v.version + 1",
            rows,
        )


class _Pending:
    """The départements a transaction has written, bumped after its commit."""

    def __init__(self, using: str):
        self.using = using
        self.departments: set[int] = set()

    def __call__(self):
        bump(self.departments, self.using)


def _in_test_transaction(connection) -> bool:
    blocks = connection.atomic_blocks
    return bool(blocks) and getattr(blocks[0], "_from_testcase", False)


def _note_write(connection, departments: frozenset[int]) -> None:
    _forget_stamps()
    if not connection.in_atomic_block or _in_test_transaction(connection):
        bump(departments, connection.alias)
        return
    # One callback per transaction: the one registered earlier, unless a rolled-back savepoint dropped it.
    pending = getattr(connection, "_qualipref_pending", None)
    if pending is None or not any(func is pending for _, func, _ in connection.run_on_commit):
        pending = _Pending(connection.alias)
        connection._qualipref_pending = pending
        transaction.on_commit(pending, using=connection.alias)
    pending.departments |= departments


class _Watcher:
    # Paused while migrations run: the counters' table may not exist yet, and no figure is cached then.
    paused = False

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not _Watcher.paused and written_table(sql) is not None:
            _note_write(self.connection, _departments())
        return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch this connection's writes (once per connection object)."""
    if not any(isinstance(w, _Watcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watcher(connection))


def _pause(**kwargs):
    _Watcher.paused = True


def _resume(**kwargs):
    _Watcher.paused = False


def connect() -> None:
    connection_created.connect(install, dispatch_uid="qualipref.versions.install")
    for connection in connections.all(initialized_only=True):  # any opened before this app was ready
        if connection.connection is not None:
            install(connection=connection)
    pre_migrate.connect(_pause, dispatch_uid="qualipref.versions.pause")
    post_migrate.connect(_resume, dispatch_uid="qualipref.versions.resume")


def stamp(department_ids: Iterable[int]) -> int:
    """The sum of the counters of these départements and of every département's (one query)."""
    from django.db.models import Sum

    ids = tuple(sorted({EVERY_DEPARTMENT, *(int(d) for d in department_ids)}))
    memo = _stamps.get()
    if memo is not None and ids in memo:
        return memo[ids]
    total = DataVersion.objects.filter(department_id__in=ids).aggregate(s=Sum("version"))["s"] or 0
    if memo is not None:
        memo[ids] = total
    return total


def stamps(department_ids: Iterable[int]) -> dict[int, int]:
    """Each département's own stamp (its counter and the counter 0: `stamp([d])`), for all of them in one
    query."""
    ids = sorted({int(d) for d in department_ids} - {EVERY_DEPARTMENT})
    counters = dict(
        DataVersion.objects.filter(department_id__in=[EVERY_DEPARTMENT, *ids]).values_list(
            "department_id", "version"
        )
    )
    every = counters.get(EVERY_DEPARTMENT, 0)
    return {d: every + counters.get(d, 0) for d in ids}


def _counter_sql(department: str) -> str:
    return f"(SELECT COALESCE(MAX(v.version), 0) FROM {TABLE} v WHERE v.department_id = {department})"


def counters(department_column: str) -> dict:
    """The annotations `data_counter` (the counter of the département in `department_column`, 0 when it has
    none) and `data_counter_every` (the counter 0), for a query that reads département ids anyway (the
    user's memberships, a public site): its stamp then costs no query of its own (`remember`)."""
    from django.db.models.expressions import RawSQL

    return {
        "data_counter": RawSQL(_counter_sql(department_column), ()),
        "data_counter_every": RawSQL(_counter_sql(str(EVERY_DEPARTMENT)), ()),
    }


def remember(counters: dict[int, int], every: int) -> None:
    """The stamp of these départements from their counters read by another query (`counters`), and of
    the counter 0, for the rest of the request (`reading`): `stamp` reads it there."""
    memo = _stamps.get()
    if memo is not None:
        ids = tuple(sorted({EVERY_DEPARTMENT, *(int(d) for d in counters)}))
        memo[ids] = every + sum(v for d, v in counters.items() if int(d) != EVERY_DEPARTMENT)


def cached(key: str, department_ids: Iterable[int], compute: Callable, *, today=None, timeout: int = TIMEOUT):
    """`compute()`, kept until a write on these départements (or the day) changes: see the module; at most
    `timeout` seconds in the cache (a value under an old stamp is never read again: it only waits to go)."""
    department_ids = sorted({int(d) for d in department_ids})
    today = today or timezone.localdate()
    version = stamp(department_ids)
    full_key = f"qp:v:{_digest(f'{key}|{department_ids}|{today.isoformat()}')}:{version}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def cached_parts(
    key: str, department_ids: Iterable[int], compute: Callable, *, today=None, timeout: int = TIMEOUT
) -> dict:
    """`{département id: part}` of a value made of one part per département (a register's figures over
    several départements, added up by the caller): each part kept until a write on its own département (or
    on every one), so that a write in one département computes that département's part again, not the
    others'. `compute(ids)` returns the parts of the départements not kept, `{id: part}` for each of them.
    Two queries' worth when every part is kept: the stamps (one query) and one read of the cache."""
    today = today or timezone.localdate()
    versions = stamps(department_ids)
    keys = {d: f"qp:v:{_digest(f'{key}|part {d}|{today.isoformat()}')}:{v}" for d, v in versions.items()}
    found = cache.get_many(list(keys.values()))
    parts = {d: found[k] for d, k in keys.items() if k in found}
    missing = [d for d in keys if d not in parts]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[d]: computed[d] for d in missing}, timeout)
        parts.update((d, computed[d]) for d in missing)
    return parts


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
