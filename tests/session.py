"""The test session's machinery (a pytest plugin loaded by the root conftest):

- the clock: `QUALIPREF_TEST_TODAY` moves the whole session (time-machine, ticking) to a moment read as
  Europe/Paris local time; the run's header prints it;
- one broker queue per test process, so that a worker's Celery thread never takes another's tasks;
- the demo data, built once per run by the first test process that needs it (the others wait for it,
  then copy it: a database copy takes a second, a build twenty), each process on its own copy: modules
  marked `pytest.mark.demo` run against it, each test in a transaction rolled back as usual; the browser
  tests (transactional: the live server reads committed rows) get a fresh copy of it before each test.
"""

import datetime as dt
import fcntl
import io
import os
import re
import shutil
import tempfile
import zoneinfo
from contextlib import contextmanager
from pathlib import Path

import pytest

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CLOCK_VARIABLE = "QUALIPREF_TEST_TODAY"
CLOCK_FORMAT = "AAAA-MM-JJ ou AAAA-MM-JJTHH:MM (heure de Paris), par exemple 2027-01-05 ou 2027-03-28T02:30"
DEFAULT_HOUR = dt.time(10, 0)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---- the clock ---------------------------------------------------------------------------------------


def parse_test_clock(value: str) -> dt.datetime:
    """The moment named by QUALIPREF_TEST_TODAY, as an aware Europe/Paris datetime (10:00 for a date)."""
    value = value.strip()
    try:
        if "T" in value or " " in value:
            moment = dt.datetime.fromisoformat(value)
        else:
            moment = dt.datetime.combine(dt.date.fromisoformat(value), DEFAULT_HOUR)
    except ValueError:
        raise pytest.UsageError(
            f"{CLOCK_VARIABLE}={value!r} n'est pas une date lisible : format attendu {CLOCK_FORMAT}."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    # Normalised through UTC: a local time that does not exist (02:30 on the spring change) becomes the
    # instant it names in the offset before the change, printed in the offset in force then.
    return moment.astimezone(dt.UTC).astimezone(PARIS)


def pytest_configure(config):
    config.addinivalue_line("markers", "demo: the module runs against the demo data, built once per session")
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if value:
        import time_machine

        moment = parse_test_clock(value)
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.stash[_clock_key] = (moment, traveller)
    else:
        config.stash[_clock_key] = (dt.datetime.now(PARIS).replace(microsecond=0), None)
    _one_broker_queue_per_process()
    _sqlite_test_database_in_a_file(config)
    _no_persistent_connections()
    _flush_by_delete()


def pytest_sessionfinish(session):
    """The run's demo database goes with the run (dropped by the main process, after every worker)."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    marker = config._tmp_path_factory.getbasetemp() / SHARED_MARKER
    if marker.exists():
        from pytest_django.plugin import blocking_manager_key

        with config.stash[blocking_manager_key].unblock():
            drop_database(marker.read_text())
        marker.unlink()


def pytest_unconfigure(config):
    _moment, traveller = config.stash.get(_clock_key, (None, None))
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    moment, _traveller = config.stash[_clock_key]
    return f"test clock: {moment.isoformat()}"


_clock_key = pytest.StashKey()


# ---- one broker queue per test process -------------------------------------------------------------------


def _one_broker_queue_per_process():
    """Each test process (an xdist worker, or a second run beside this one) sends and consumes its tasks
    on a queue of its own, so that its Celery thread never runs another process's tasks on its database."""
    from django.conf import settings

    queue = f"qualipref-tests-{os.getpid()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    from qualipref.celery import app

    app.conf.task_default_queue = queue


# ---- databases -------------------------------------------------------------------------------------------


def _no_persistent_connections():
    """Every thread (the live server's, the Celery worker's) closes its connection after each request or
    task: a connection kept alive would keep reading the database a previous test used."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


def _flush_by_delete():
    """After each transactional test (browser tests, concurrency tests) Django empties every table. On
    PostgreSQL it does so with one TRUNCATE of the ~130 tables, which makes a new file per table and costs
    seconds (1.5 s to 5 s here); the few rows such a test leaves go with a DELETE per table in a tenth of
    a second. Same end state — every table empty, sequences untouched (Django's flush without
    `reset_sequences`) — inside the one transaction Django's flush opens, foreign keys checked at its end."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};" for t in tables
        ]
        return ["SET CONSTRAINTS ALL DEFERRED;", *deletes]

    DatabaseOperations.sql_flush = sql_flush


def _sqlite_test_database_in_a_file(config):
    """SQLite's test database in a file rather than in memory, so that it can be copied (the demo
    database) and read by the live server's threads like PostgreSQL's."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    folder = Path(tempfile.mkdtemp(prefix="qualipref-tests-"))
    database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    database.setdefault("OPTIONS", {}).setdefault("timeout", 30)


def _connection():
    from django.db import connection

    return connection


def copy_database(source: str, target: str) -> None:
    """`target` becomes a copy of `source` (dropped first if it exists). Nobody may use `source` meanwhile."""
    connection = _connection()
    connection.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            # A thread of the live server or of the Celery worker may still hold a connection to the
            # source, which PostgreSQL does not copy from while in use.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                [source],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            # FILE_COPY: a plain copy of the files, much faster than WAL_LOG for a database of this size.
            cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    else:
        shutil.copyfile(source, target)


def drop_database(name: str) -> None:
    connection = _connection()
    connection.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        Path(name).unlink(missing_ok=True)


def use_database(name: str) -> None:
    """The default connection (of every thread, from its next connection on) now uses database `name`."""
    connection = _connection()
    connection.close()
    connection.settings_dict["NAME"] = name


def _derived_name(base: str, suffix: str) -> str:
    connection = _connection()
    if connection.vendor == "postgresql":
        return f"{base}_{suffix}"
    path = Path(base)
    return str(path.with_name(f"{path.stem}_{suffix}{path.suffix}"))


@contextmanager
def _closed_connection_kept_on(name):
    previous = _connection().settings_dict["NAME"]
    use_database(name)
    try:
        yield
    finally:
        use_database(previous)


SHARED_MARKER = "demo-database"


def _shared_demo_name(main: str, shared: Path) -> str:
    """The run's one demo database, beside the processes' own (named without the `_gwN` of a process)."""
    if _connection().vendor == "postgresql":
        return re.sub(r"_gw\d+$", "", main) + "_demo_shared"
    return str(shared / "demo_shared.sqlite3")


@contextmanager
def _locked(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class DemoDatabase:
    def __init__(self, main: str, media: Path, shared: Path):
        self.main = main
        self.template = _derived_name(main, "demo")
        self.copies = []
        self.media = media
        self.shared = shared  # the folder every process of the run sees (the run's base temporary folder)
        self.loaded = False

    def fresh_copy(self) -> str:
        """A new copy of the demo database, under a name of its own: a thread of the live server may still
        hold a connection to the previous copy, which is left alone (dropped at the module's end)."""
        name = _derived_name(self.main, f"demo_copy{len(self.copies) + 1}")
        copy_database(self.template, name)
        self.copies.append(name)
        return name

    def drop_copies(self):
        for name in self.copies:
            drop_database(name)
        self.copies = []

    def load(self):
        """This process's demo database: a copy of the run's one, which the first process to get here
        builds (committed, in a copy of its empty test database) while the others wait."""
        from django.core.management import call_command
        from django.test import override_settings

        marker = self.shared / SHARED_MARKER
        media = self.shared / "demo-media"
        with _locked(self.shared / "demo.lock"):
            if not marker.exists():
                name = _shared_demo_name(self.main, self.shared)
                copy_database(self.main, name)
                with (
                    _closed_connection_kept_on(name),
                    override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS),
                ):
                    call_command("load_demo", stdout=io.StringIO())
                marker.write_text(name)
            copy_database(marker.read_text(), self.template)
            if media.exists():
                shutil.copytree(media, self.media, dirs_exist_ok=True)
        self.loaded = True

    @contextmanager
    def active(self):
        """The default connection on the demo database meanwhile (for a session-scoped fixture, set up
        before the module's own switch)."""
        if not self.loaded:
            self.load()
        with _closed_connection_kept_on(self.template):
            yield

    def drop(self):
        self.drop_copies()
        drop_database(self.template)


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo database of this session (worker), loaded on first use."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    demo = DemoDatabase(_connection().settings_dict["NAME"], tmp_path_factory.mktemp("demo-media"), shared)
    yield demo
    with django_db_blocker.unblock():
        demo.drop()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` are skipped, with the reason, on another database. A demo module is either
    wholly transactional (browser tests: a fresh copy before each test) or not at all (each test in a
    transaction on the shared demo database): a mix is refused."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(skip)
    modules = {}
    for item in items:
        if item.get_closest_marker("demo"):
            modules.setdefault(item.module.__name__, set()).add(_is_transactional(item))
    mixed = sorted(name for name, kinds in modules.items() if len(kinds) > 1)
    if mixed:
        raise pytest.UsageError(
            "Ces modules marqués `demo` mêlent tests transactionnels et non transactionnels ; "
            f"séparez-les : {', '.join(mixed)}"
        )


@pytest.fixture(scope="module", autouse=True)
def _demo_module(request):
    """A module marked `demo` runs on the demo database (or, when transactional, on a copy of it)."""
    if not request.node.get_closest_marker("demo"):
        yield None
        return
    demo = request.getfixturevalue("demo_database")
    blocker = request.getfixturevalue("django_db_blocker")
    transactional = any(
        _is_transactional(item) for item in request.session.items if item.module is request.module
    )
    with blocker.unblock():
        if not demo.loaded:
            demo.load()
        use_database(demo.template if not transactional else demo.main)
    yield demo
    with blocker.unblock():
        use_database(demo.main)
        if transactional:
            demo.drop_copies()


@pytest.fixture(autouse=True)
def _demo_test(request, _demo_module, _media_in_tmp, settings):
    """Before each test of a demo module: the demo's media folder; a fresh copy for a transactional test."""
    if _demo_module is None:
        yield
        return
    settings.MEDIA_ROOT = _demo_module.media
    if _is_transactional(request.node):
        with request.getfixturevalue("django_db_blocker").unblock():
            use_database(_demo_module.fresh_copy())
    yield


@pytest.fixture
def demo(_demo_module):
    """The demo data (for modules marked `demo`): the database is already there; this names it."""
    if _demo_module is None:
        pytest.fail("The `demo` fixture needs the module to be marked `pytest.mark.demo`.")
    return _demo_module
