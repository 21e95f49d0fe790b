"""The annual report at scale: the whole PDF against WeasyPrint rendering the same pre-built HTML.

Usage (on demand, not part of the tests):

    .venv/bin/python benchmarks/annual_report.py                 # fresh qp_bench_reports, then measures
    .venv/bin/python benchmarks/annual_report.py --reuse         # measure again on the data already there
    .venv/bin/python benchmarks/annual_report.py --reuse --departments 13 --runs 5

It (re)creates a dedicated PostgreSQL database, loads the demo (département 13, year 2015), then adds a
large département "Benchmark" (code 97): 10 entities × 3 sites (30 sites) labelled on modules 1 and 4,
100,000 complaints received in 2015 (bulk inserted, no history rows), 2,000 actions (1,600 done in 2015
by module, site and communication, 400 planned for 2016), and 30 measured indicators with a target per
entity and 12 monthly values per site (10,800 measurements). Then, for each département-year:

- the context alone (SQL queries counted), the HTML, the whole PDF (context + HTML + WeasyPrint);
- WeasyPrint alone on the same pre-built HTML;
- the ratio whole / render alone (goal: ≤ 1.5) and the page count.
Medians of 3 runs.
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

from floor import FLOOR_URL, install_floor  # noqa: E402

BIG = "97"
ENTITIES, SITES_PER_ENTITY = 10, 3
COMPLAINTS, ACTIONS, INDICATORS = 100_000, 2_000, 30
YEAR = 2015


def setup(db: str, host: str, fresh: bool) -> None:
    if fresh:
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", db], check=True)
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@{host}:5432/{db}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        QUALIPREF_PUBLIC_URL="https://qualipref.example",
        CELERY_BROKER_URL="",
        DJANGO_SETTINGS_MODULE="qualipref.settings",
        DJANGO_MEDIA_ROOT=f"/tmp/{db}-media",
    )
    import django

    django.setup()
    from django.core.management import call_command

    if fresh:
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def build_big_department() -> None:
    from actionplans.models import Action, ActionPlan
    from complaints.models import Correspondence
    from indicators.models import Indicator, Measurement, Target
    from referential.models import LabelScope, Module
    from referential.selectors import current_referential
    from sites.models import Department, Entity, Site, User

    rng = random.Random(97)
    department, _ = Department.objects.get_or_create(code=BIG, defaults={"name": "Benchmark"})
    referential = current_referential()
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    entities = [
        Entity.objects.create(
            department=department,
            code=f"bench-{e}",
            name=f"Sous-préfecture de Banc-{e:02d}",
            short_name=f"Banc-{e:02d}",
            kind=Entity.Kind.SUBPREFECTURE,
            order=e,
        )
        for e in range(ENTITIES)
    ]
    sites = [
        Site.objects.create(
            entity=entity, code=f"bench-{entity.order}-{s}", name=f"Site {entity.order:02d}-{s}", order=s
        )
        for entity in entities
        for s in range(SITES_PER_ENTITY)
    ]
    for entity in entities:
        for number in (1, 4):
            LabelScope.objects.create(
                entity=entity,
                module=modules[number],
                status=LabelScope.Status.LABELLED,
                awarded_on=dt.date(YEAR, 11, 27),
                valid_until=dt.date(YEAR + 3, 11, 26),
            )
    print(f"  {len(entities)} entities, {len(sites)} sites")

    start = time.perf_counter()
    batch = []
    for i in range(COMPLAINTS):
        received = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        days = rng.randrange(0, 20)
        answered = received + dt.timedelta(days=days)
        batch.append(
            Correspondence(
                reference=f"REC-{BIG}-{YEAR}-{i:06d}",
                kind="complaint",
                site=sites[i % len(sites)],
                received_on=received,
                subject="Réclamation de test",
                status="closed",
                answered_on=answered,
                closed_on=answered,
                deadline_days=15,
                deadline_kind="calendar",
                due_on=received + dt.timedelta(days=15),
                answer_days=days,
                answered_on_time=days <= 15,
            )
        )
        if len(batch) == 5000:
            Correspondence.objects.bulk_create(batch)
            batch = []
    Correspondence.objects.bulk_create(batch)
    print(f"  {COMPLAINTS} complaints in {time.perf_counter() - start:.1f} s")

    owner, _ = User.objects.get_or_create(username="bench.owner", defaults={"first_name": "Banc"})
    plans = {}
    for entity in entities:
        for year in (YEAR, YEAR + 1):
            plans[(entity.pk, year)] = ActionPlan.objects.create(
                entity=entity, year=year, title=f"Plan {year}"
            )
    actions, links = [], []
    for i in range(ACTIONS):
        entity = entities[i % ENTITIES]
        planned = i % 5 == 4  # one in five is for next year
        category = ["compliance", "improvement", "improvement", "communication"][i % 4]
        due = dt.date(YEAR + (1 if planned else 0), 1 + i % 12, 15)
        actions.append(
            Action(
                entity=entity,
                plan=plans[(entity.pk, YEAR + (1 if planned else 0))],
                title=f"Action d'amélioration n° {i} : affichage, accueil et signalétique",
                owner=owner,
                category=category,
                module=modules[[1, 4][i % 2]] if category == "compliance" else None,
                origin_kind="free_text",
                origin_text=["Enquête de satisfaction", "Audit de labellisation", "Comité de pilotage"][
                    i % 3
                ],
                due_on=due,
                status="planned" if planned else "done",
                completed_on=None if planned else due,
                progress=0 if planned else 100,
            )
        )
    Action.objects.bulk_create(actions)
    site_of = {e.pk: [s for s in sites if s.entity_id == e.pk] for e in entities}
    for action in actions:
        if action.category == "improvement":
            links.append(
                Action.sites.through(action_id=action.pk, site_id=rng.choice(site_of[action.entity_id]).pk)
            )
    Action.sites.through.objects.bulk_create(links)
    print(f"  {ACTIONS} actions")

    indicators = [
        Indicator.objects.create(
            department=department,
            code=f"bench-{n}",
            name=f"Indicateur mesuré n° {n + 1}",
            unit="percent",
            direction="higher",
            order=n,
        )
        for n in range(INDICATORS)
    ]
    Target.objects.bulk_create(
        [
            Target(indicator=ind, entity=entity, year=YEAR, value=80)
            for ind in indicators
            for entity in entities
        ]
    )
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator=ind, site=site, period=dt.date(YEAR, month, 1), value=rng.randrange(50, 100)
            )
            for ind in indicators
            for site in sites
            for month in range(1, 13)
        ],
        batch_size=5000,
    )
    print(f"  {INDICATORS} indicators, {INDICATORS * len(sites) * 12} monthly values")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(code: str, runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.annual import annual_report_context
    from reports.annual.build import annual_report_file
    from reports.annual.pdf import annual_report_html, html_to_pdf
    from sites.models import Department, User

    department = Department.objects.get(code=code)
    context_times, html_times, whole_times, render_times, floor_times = [], [], [], [], []
    queries = pages = 0
    install_floor()
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).first() or User.objects.first())
    client.get(FLOOR_URL)
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(FLOOR_URL).status_code == 200  # the floor, in the same rounds (benchmarks/floor.py)
        floor_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            context = annual_report_context(department=department, year=YEAR)
        context_times.append(time.perf_counter() - start)
        queries = len(captured)
        start = time.perf_counter()
        html = annual_report_html(context)
        html_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        built = annual_report_file(department=department, year=YEAR)
        whole_times.append(time.perf_counter() - start)
        pages = built.page_count
        start = time.perf_counter()
        html_to_pdf(html)
        render_times.append(time.perf_counter() - start)
    whole, render = statistics.median(whole_times), statistics.median(render_times)
    floor = statistics.median(floor_times)
    return {
        "département": str(department),
        "floor_ms": floor * 1000,
        "context_floor_ratio": statistics.median(context_times) / floor,
        "whole_floor_ratio": whole / floor,
        "context_s": statistics.median(context_times),
        "queries": queries,
        "html_s": statistics.median(html_times),
        "whole_pdf_s": whole,
        "weasyprint_alone_s": render,
        "ratio": whole / render,
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="qp_bench_reports")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--reuse", action="store_true", help="measure on the data already there")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--departments", default=f"13,{BIG}", help="codes to measure, comma-separated")
    args = parser.parse_args()
    setup(args.db, args.host, fresh=not args.reuse)
    if not args.reuse:
        print("Building the large département…")
        build_big_department()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    header = ("département-year", "context", "queries", "html", "whole PDF", "render", "ratio", "pages")
    widths = (34, 9, 9, 8, 11, 9, 7, 7)
    cells = zip(header, widths, strict=True)
    print("".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(cells)))
    for code in args.departments.split(","):
        r = measure(code, args.runs)
        print(
            f"{r['département'] + ' ' + str(YEAR):<34}{r['context_s']:>8.2f}s{r['queries']:>9}"
            f"{r['html_s']:>7.2f}s"
            f"{r['whole_pdf_s']:>10.2f}s{r['weasyprint_alone_s']:>8.2f}s{r['ratio']:>7.2f}{r['pages']:>7}"
        )
        print(
            f"  against the floor ({r['floor_ms']:.1f} ms): context {r['context_floor_ratio']:.0f}×, "
            f"whole PDF {r['whole_floor_ratio']:.0f}×"
        )


if __name__ == "__main__":
    main()
