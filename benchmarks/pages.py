"""The main pages against Django's floor, with N requests in the country (issue 22).

Usage (run on demand, not part of the tests):

    .venv/bin/python benchmarks/pages.py --n 100000          # builds qp_pages_100000 once, then measures
    .venv/bin/python benchmarks/pages.py --n 1000000         # builds qp_pages_1000000 once (~5 min)
    .venv/bin/python benchmarks/pages.py --n 1000000 --rounds 15 --json /tmp/after-1m.json
    .venv/bin/python benchmarks/pages.py --n 100000 --rebuild  # drop and build again

Data (kept between runs, one database per size, `--db` for another name): the demo (`load_demo`: the
Bouches-du-Rhône (13) and Vaucluse (84) with a realistic year of everything: audits, surveys, action
plans, indicators with their monthly measurements, committees, documents, trainings, publications) and
98 benchmark départements × 2 entities × 2 sites (398 sites in 100 départements), one quality manager per
département and one agent per site; then N requests loaded with COPY (no history rows), 1 % per
département (so the measured quality manager's register holds N/100), received from 2015 to last month,
about 97 % answered and closed, 2 % open and not due, 1,000 open and due; then VACUUM ANALYZE.

Measured: each main page as `qualite` (the demo's quality manager of the 13), three of them as `admin` too
(the platform's administrator: the whole country), public pages anonymous,
through Django's test client with the production settings (DEBUG off) on PostgreSQL; medians of
`--rounds` interleaved rounds with the floor (benchmarks/floor.py) in one process; the ratio to the floor
and the SQL query count of one call. A page read again with nothing written since is kept
(`sites.versions.kept_page`): `--after-write` measures each page just after a write on the 13 (the
département's counter bumped before each call, untimed), i.e. computed, as the first view after any write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import install_floor, interleaved, print_table  # noqa: E402
from national import build_departments  # noqa: E402

BENCH_DEPARTMENTS = 98
DUE = 1000
KINDS = ["complaint"] * 6 + ["suggestion", "letter", "email", "elected_request"]
DEADLINES = {"complaint": 15, "suggestion": 15, "letter": 21, "email": 7, "elected_request": 12}
USER = "qualite"
ADMINISTRATOR = "admin"
# Two searches a user types: words of a subject (every synthetic subject starts with "Objet": a word in
# every row, the worst case for an index) and a reference number. Both match requests of the
# measured département at 100,000 and at 1,000,000 (its requests are those with i % 100 == 0).
SEARCH = "Objet 1200"
SEARCH_NUMBER = "00001200"


def database_exists(db: str, host: str) -> bool:
    out = subprocess.run(
        ["psql", "-h", host, "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "1"


def setup(db: str, host: str) -> None:
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@{host}:5432/{db}",
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

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def build_organisation():
    """98 benchmark départements beside the demo's two: (site id, département code, agent id) per site."""
    build_departments([f"B{i + 1:02d}" for i in range(BENCH_DEPARTMENTS)])


def department_sites():
    """{département code: [(site id, agent id or None)]} for every département (demo ones included)."""
    from sites.models import Membership, Site

    agent_of_site = dict(
        Membership.objects.filter(site__isnull=False).order_by("pk").values_list("site_id", "user_id")
    )
    result: dict[str, list] = {}
    for site_id, code in Site.objects.order_by("pk").values_list("pk", "entity__department__code"):
        result.setdefault(code, []).append((site_id, agent_of_site.get(site_id)))
    return result


def generate(n: int) -> float:
    """COPY n requests, 1 % per département; returns seconds."""
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Correspondence

    table = Correspondence._meta.db_table
    by_department = department_sites()
    codes = sorted(by_department)
    rng = random.Random(42)
    today = timezone.localdate()
    start = dt.date(2015, 1, 1)
    span = (today - dt.timedelta(days=40) - start).days
    now = timezone.now()
    open_not_due = n // 50
    columns = (
        "created_at, updated_at, site_id, reference, kind, channel, received_on, subject, description, "
        "requester_name, requester_contact, assigned_to_id, status, acknowledged_on, answered_on, answer, "
        "closed_on, deadline_days, deadline_kind, deadline_pauses, due_on, answer_days, answered_on_time"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for i in range(n):
            code = codes[i % len(codes)]
            sites = by_department[code]
            site_id, agent_id = sites[(i // len(codes)) % len(sites)]
            kind = KINDS[i % len(KINDS)]
            days = DEADLINES[kind]
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
            copy.write_row(
                (
                    now,
                    now,
                    site_id,
                    f"B-{code}-{i:08d}",
                    kind,
                    "post",
                    received,
                    f"Objet {i}",
                    "Description",
                    f"Usager {i}",
                    "usager@exemple.fr",
                    agent_id,
                    status,
                    ack,
                    answered,
                    answer,
                    closed,
                    days,
                    "calendar",
                    True,
                    received + dt.timedelta(days=days),
                    answer_days,
                    on_time,
                )
            )
    return time.perf_counter() - t0


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def build(db: str, host: str, n: int) -> None:
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", force=True, stdout=quiet)
    print(f"  migrate + demo: {time.perf_counter() - t0:.0f} s", flush=True)
    build_organisation()
    seconds = generate(n)
    print(f"  COPY {n:,} requests: {seconds:.0f} s", flush=True)
    t0 = time.perf_counter()
    vacuum()
    print(f"  VACUUM ANALYZE: {time.perf_counter() - t0:.0f} s", flush=True)


def migrate_if_needed() -> None:
    """A reused database gets the migrations added since it was built (new indexes), then ANALYZE."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        vacuum()
        print(f"  new migrations applied and analysed: {time.perf_counter() - t0:.0f} s", flush=True)


def pages():
    """(name → (client, url)) of the main pages, for the demo's quality manager of the 13."""
    from django.test import Client
    from django.urls import reverse

    from actionplans.models import Action
    from audits.models import Audit, Finding
    from complaints.models import Correspondence
    from indicators.models import Indicator
    from publication.models import Snapshot
    from sites.access import visible
    from sites.models import User
    from steering.models import Agent, Document, Meeting
    from surveys.models import Campaign

    user = User.objects.get(username=USER)
    client = Client()
    client.force_login(user)
    public = Client()

    def first(model, **filters):
        obj = visible(user, model.objects).filter(**filters).order_by("-pk").first()
        if obj is None:
            raise RuntimeError(f"no {model.__name__} in the scope of {USER}")
        return obj

    request_obj = first(Correspondence, reference__startswith="B-")
    snapshot = (
        Snapshot.objects.filter(site__entity__department__code="13", status="published")
        .order_by("-pk")
        .select_related("site")
        .first()
    )
    logged = {
        "home": "/",
        "complaints register": reverse("complaints:correspondence_list"),
        "complaints search": reverse("complaints:correspondence_list") + "?q=" + SEARCH.replace(" ", "+"),
        "complaints search (number)": reverse("complaints:correspondence_list") + "?q=" + SEARCH_NUMBER,
        "complaints overdue": reverse("complaints:correspondence_list") + "?deadline=overdue",
        "complaints page 40": reverse("complaints:correspondence_list") + "?page=40",
        "audits register": reverse("audits:audit_list"),
        "findings register": reverse("audits:finding_list"),
        "surveys register": reverse("surveys:campaign_list"),
        "actions register": reverse("actionplans:action_list"),
        "indicators register": reverse("indicators:indicator_list"),
        "measurements register": reverse("indicators:measurement_list"),
        "meetings register": reverse("steering:meeting_list"),
        "documents register": reverse("steering:document_list"),
        "trainings register": reverse("steering:training_list"),
        "complaint detail": request_obj.get_absolute_url(),
        "audit detail": reverse("audits:audit_detail", args=[first(Audit).pk]),
        "finding detail": reverse("audits:finding_detail", args=[first(Finding).pk]),
        "campaign detail": reverse("surveys:campaign_detail", args=[first(Campaign).pk]),
        "action detail": reverse("actionplans:action_detail", args=[first(Action).pk]),
        "meeting detail": reverse("steering:meeting_detail", args=[first(Meeting).pk]),
        "document detail": reverse("steering:document_detail", args=[first(Document).pk]),
        "agent detail": reverse("steering:agent_detail", args=[first(Agent).pk]),
        "committee dashboard": reverse("dashboard:index"),
        "indicator page": reverse("indicators:indicator_detail", args=[first(Indicator).pk]),
    }
    result = {name: (client, url) for name, url in logged.items()}
    # The platform's administrator (superuser): the same pages over the whole country (100 départements).
    administrator = Client()
    administrator.force_login(User.objects.get(username=ADMINISTRATOR))
    for name in ("home", "complaints register", "committee dashboard"):
        result[f"{name} (administrator)"] = (administrator, logged[name])
    if snapshot is not None:
        result["public site page"] = (public, reverse("publication:site", args=[snapshot.site.code]))
        csv_url = reverse("publication:data_csv", args=[snapshot.site.code])
        result["open-data export (csv)"] = (public, csv_url)
    return client, result


def markdown(small: str, large: str) -> str:
    """The README's table from two `--json` files (100,000 and 1,000,000 requests)."""
    a, b = json.loads(Path(small).read_text()), json.loads(Path(large).read_text())
    lines = [
        f"| page | {a['n']:,} requests | {b['n']:,} requests | growth | CPU ratio (1M) | queries |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in b["results"].items():
        first = a["results"].get(name)
        if first is None:
            continue
        queries = (
            str(row["queries"])
            if row["queries"] == first["queries"]
            else f"{first['queries']} / {row['queries']}"
        )
        if name == "floor":
            cells = (
                f"{first['median_ms']:.1f} ms | {row['median_ms']:.1f} ms | | {row.get('cpu_ms', '–')} ms CPU"
            )
        else:
            growth = row["ratio"] / first["ratio"]
            cpu = f"{row['cpu_ratio']:.1f}×" if "cpu_ratio" in row else ""
            cells = f"{first['ratio']:.1f}× | {row['ratio']:.1f}× | {growth:.2f}× | {cpu}"
        lines.append(f"| {name} | {cells} | {queries} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", nargs=2, metavar=("SMALL_JSON", "LARGE_JSON"), help="print the table")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", help="database name (default qp_pages_<n>)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="drop the database and build it again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", help="comma-separated page names to time (with the floor)")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="each page just after a write on the 13 (its counter bumped, untimed): computed, not kept",
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(*args.markdown))
        return
    db = args.db or f"qp_pages_{args.n}"

    fresh = args.rebuild or not database_exists(db, args.host)
    if fresh:
        subprocess.run(["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", args.host, "-U", "postgres", db], check=True)
    setup(db, args.host)
    if fresh:
        print(f"building {db} with {args.n:,} requests", flush=True)
        build(db, args.host, args.n)
    else:
        migrate_if_needed()
    if args.build_only:
        return

    from complaints.models import Correspondence

    install_floor()
    floor_client, entries = pages()
    if args.only:
        wanted = set(args.only.split(","))
        entries = {k: v for k, v in entries.items() if k in wanted}
    total = Correspondence.objects.count()
    mine = Correspondence.objects.filter(site__entity__department__code="13").count()
    before_page = None
    if args.after_write:
        from qualipref import versions
        from sites.models import Department

        measured = Department.objects.get(code="13").pk
        before_page = lambda: versions.bump([measured])  # noqa: E731  (what committing a write there does)
    t0 = time.perf_counter()
    results = interleaved(entries, floor_client=floor_client, rounds=args.rounds, before_page=before_page)
    load = os.getloadavg()
    print_table(
        results,
        title=(
            f"{db}: {total:,} requests in the country, {mine:,} in the 13; user {USER}; "
            f"{args.rounds} rounds in {time.perf_counter() - t0:.0f} s; load average {load[0]:.1f}; "
            f"{'each page just after a write on the 13; ' if args.after_write else ''}"
            f"{dt.date.today()} on {platform.node()} ({os.cpu_count()} CPUs)"
        ),
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"n": total, "db": db, "load": load, "results": results}, indent=1)
        )


if __name__ == "__main__":
    main()
