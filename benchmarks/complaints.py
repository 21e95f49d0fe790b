"""Complaints at national scale: N requests over 100 départements on PostgreSQL, then timings.

Usage (run on demand, not part of the tests):

    .venv/bin/python benchmarks/complaints.py --n 100000
    .venv/bin/python benchmarks/complaints.py --n 1000000 --db qp_bench

It (re)creates a dedicated database (default qp_bench on 127.0.0.1), builds 100 départements × 2
entities × 2 sites with one quality manager per département and one agent per site, loads the
requests with COPY (history rows are not generated: the register and figures do not read them),
makes exactly 1,000 of them due (due soon or overdue), and reports:

- the register page (/complaints/) for a département's quality manager: time and SQL query count,
  first page and a filtered one (overdue);
- the figures query (`correspondence_figures`) for one département and for the whole country;
- the reminder sweep (`due_notices` + recording the notices) with 1,000 due, and a second run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import QueryCounter, floor_ratio, install_floor, interleaved  # noqa: E402
from national import build_departments  # noqa: E402

DEPARTMENTS = 100
DUE = 1000
KINDS = ["complaint"] * 6 + ["suggestion", "letter", "email", "elected_request"]
DEADLINES = {"complaint": 15, "suggestion": 15, "letter": 21, "email": 7, "elected_request": 12}


def setup(db: str, host: str, fresh: bool) -> None:
    url = f"postgres://postgres@{host}:5432/{db}"
    if fresh:
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", db], check=True)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        QUALIPREF_PUBLIC_URL="https://qualipref.example",
        CELERY_BROKER_URL="",
        DJANGO_SETTINGS_MODULE="qualipref.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if fresh:
        try:
            call_command("migrate", verbosity=0)
        except Exception as exc:  # another app's unfinished migrations: build the tables from the models
            print(f"migrate failed ({exc.__class__.__name__}: {exc}); creating tables from models instead")
            subprocess.run(["dropdb", "-h", host, "-U", "postgres", db], check=True)
            subprocess.run(["createdb", "-h", host, "-U", "postgres", db], check=True)
            from django.db import connection

            connection.close()

            class NoMigrations(dict):
                def __contains__(self, item):
                    return True

                def __getitem__(self, item):
                    return None

            settings.MIGRATION_MODULES = NoMigrations()
            call_command("migrate", run_syncdb=True, verbosity=0)


def build_organisation():
    from referential.loader import DEFAULT_FILE, load_referential

    load_referential(DEFAULT_FILE)
    return build_departments([f"{i + 1:03d}" for i in range(DEPARTMENTS)])


def generate(n: int, sites, agent_of_site) -> float:
    """COPY n requests; returns seconds. About 97 % answered and closed, 2 % open and not due,
    exactly DUE open and due (within 3 days or overdue)."""
    from django.db import connection

    from complaints.models import Correspondence

    table = Correspondence._meta.db_table
    rng = random.Random(42)
    today = dt.date.today()
    start = dt.date(2015, 1, 1)
    span = (today - dt.timedelta(days=40) - start).days
    now = dt.datetime.now(dt.UTC)
    site_ids = [s.pk for s in sites]
    department_of_site = {s.pk: s.code.split("-")[2] for s in sites}
    open_not_due = n // 50
    columns = (
        "created_at, updated_at, site_id, reference, kind, channel, received_on, subject, description, "
        "requester_name, requester_contact, assigned_to_id, status, acknowledged_on, answered_on, answer, "
        "closed_on, deadline_days, deadline_kind, due_on, answer_days, answered_on_time"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for i in range(n):
                site_id = site_ids[i % len(site_ids)]
                kind = KINDS[i % len(KINDS)]
                days = DEADLINES[kind]
                reference = f"B-{department_of_site[site_id]}-{i:08d}"
                if i < DUE:
                    received = today - dt.timedelta(days=days + rng.randint(-3, 10))
                    status, ack, answered, closed, answer_days, on_time, answer = (
                        "received",
                        None,
                        None,
                        None,
                        None,
                        None,
                        "",
                    )
                elif i < DUE + open_not_due:
                    received = today - dt.timedelta(days=rng.randint(0, days - 4))
                    status, ack, answered, closed, answer_days, on_time, answer = (
                        "in_progress",
                        received,
                        None,
                        None,
                        None,
                        None,
                        "",
                    )
                else:
                    received = start + dt.timedelta(days=rng.randint(0, span))
                    answer_days = rng.randint(0, days + 5)
                    answered = received + dt.timedelta(days=answer_days)
                    closed = answered + dt.timedelta(days=1)
                    status, ack, on_time, answer = "closed", received, answer_days <= days, "Réponse envoyée."
                due = received + dt.timedelta(days=days)
                copy.write_row(
                    (
                        now,
                        now,
                        site_id,
                        reference,
                        kind,
                        "post",
                        received,
                        f"Objet {i}",
                        "Description",
                        f"Usager {i}",
                        "usager@exemple.fr",
                        agent_of_site[site_id],
                        status,
                        ack,
                        answered,
                        answer,
                        closed,
                        days,
                        "calendar",
                        due,
                        answer_days,
                        on_time,
                    )
                )
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - t0


def timed(fn, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), result


def measure(departments, sites) -> dict:
    from django.test import Client

    from complaints.figures import correspondence_figures
    from complaints.reminders import due_notices
    from qualipref.notifications.models import Notice
    from qualipref.notifications.services import notices_record
    from sites.models import User

    results = {}
    install_floor()
    client = Client()
    client.force_login(User.objects.get(username=f"qm-{departments[0].code}"))
    pages = {
        "register": (client, "/complaints/"),
        "register_overdue": (client, "/complaints/?deadline=overdue"),
        "register_search": (client, "/complaints/?q=Objet%201234&sort=due_on"),
    }
    timings = interleaved(pages, floor_client=client, rounds=15)
    floor_ms = timings["floor"]["median_ms"]
    for label, row in timings.items():
        results[label] = {k: row[k] for k in ("median_ms", "min_ms", "ratio", "queries")}

    department_sites = [s.pk for s in sites if s.entity.department_id == departments[0].pk]
    all_sites = [s.pk for s in sites]
    year = dt.date.today().year - 1
    for label, ids, group_by in [
        ("figures_department_by_site", department_sites, ("site",)),
        ("figures_department_by_month_kind", department_sites, ("month", "kind")),
        ("figures_national_by_entity", all_sites, ("entity",)),
    ]:

        def figures(ids=ids, g=group_by):
            return correspondence_figures(
                site_ids=ids, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), group_by=g
            )

        median, best, rows = timed(figures)
        _, _, ratio = floor_ratio(client, figures)
        results[label] = {
            "median_ms": round(median, 1),
            "min_ms": round(best, 1),
            "floor_ratio": round(ratio, 2),
            "rows": len(rows),
        }

    today = dt.date.today()
    Notice.objects.all().delete()
    for run in ("first", "second"):
        t0 = time.perf_counter()
        with QueryCounter() as ctx:
            specs = list(due_notices(today))
            notices_record(specs)
        elapsed = (time.perf_counter() - t0) * 1000
        results[f"reminder_sweep_{run}"] = {
            "ms": round(elapsed, 1),
            "floor_ratio": round(elapsed / floor_ms, 1),
            "queries": len(ctx),
            "specs": len(specs),
            "notices_stored": Notice.objects.count(),
            "requests_due": len({s.item.pk for s in specs}),
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", default="qp_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--reuse", action="store_true", help="measure only, on the data already there")
    args = parser.parse_args()

    t0 = time.perf_counter()
    setup(args.db, args.host, fresh=not args.reuse)
    if args.reuse:
        from sites.models import Department, Site

        departments = list(Department.objects.order_by("pk"))
        sites = list(Site.objects.select_related("entity").order_by("pk"))
        for name, values in measure(departments, sites).items():
            print(f"  {name:<36} " + ", ".join(f"{k}={v}" for k, v in values.items()))
        return
    departments, sites, agent_of_site = build_organisation()
    from sites.models import Site

    sites = list(Site.objects.select_related("entity").order_by("pk"))
    copy_seconds = generate(args.n, sites, agent_of_site)
    print(
        f"generated {args.n:,} requests in {copy_seconds:.1f} s "
        f"(setup total {time.perf_counter() - t0:.1f} s)"
    )
    for name, values in measure(departments, sites).items():
        print(f"  {name:<36} " + ", ".join(f"{k}={v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
