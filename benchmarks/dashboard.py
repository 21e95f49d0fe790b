"""Benchmark of the steering committee's dashboard (run on demand, not in `make test`).

    .venv/bin/python benchmarks/dashboard.py [--departments 100] [--years 10] [--runs 30]

Builds, in a dedicated PostgreSQL database (qp_bench_dashboard, created if missing; set
BENCH_DATABASE_URL to use another), 100 départements × 5 sites × 30 indicators × 10 years of monthly
measurements (1.8 million rows, bulk inserts), then times, in the same run and the same process, the
dashboard of one département against a trivial logged-in page (the home page), as a committee member.
Goal: the dashboard within 2× the trivial page. Data are kept between runs (generation is skipped
when already there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qp_bench_dashboard"


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")
    name = url.rsplit("/", 1)[1]
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(departments: int, years: int, sites_per: int = 5, indicators_per: int = 30):
    from django.db import transaction

    from indicators.models import Indicator, Measurement, Target
    from sites.models import Department, Entity, Membership, Site, User

    if Department.objects.filter(code__startswith="B").count() >= departments:
        print("Données déjà présentes : génération sautée.")
        return
    start = time.perf_counter()
    last = dt.date.today().replace(day=1)
    months = []
    month = dt.date(last.year - years, last.month, 1)
    while month < last or month == last:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    months = months[-years * 12 :]
    for d in range(departments):
        with transaction.atomic():
            department, _ = Department.objects.get_or_create(
                code=f"B{d:02d}", defaults={"name": f"Département {d}"}
            )
            if Site.objects.filter(entity__department=department).exists():
                continue
            prefecture = Entity.objects.create(
                department=department, code="prefecture", name=f"Préfecture {d}", kind="prefecture", order=1
            )
            entities = [prefecture] + [
                Entity.objects.create(
                    department=department,
                    code=f"sp-{i}",
                    name=f"Sous-préfecture {d}-{i}",
                    kind="subprefecture",
                    order=i + 2,
                )
                for i in range(sites_per - 2)
            ]
            sites = [
                Site.objects.create(
                    entity=prefecture, code=f"b{d}-prefecture-{i}", name=f"Préfecture {d} site {i}", order=i
                )
                for i in range(2)
            ] + [Site.objects.create(entity=e, code=f"b{d}-{e.code}", name=e.name) for e in entities[1:]]
            assert len(sites) == sites_per
            indicators = Indicator.objects.bulk_create(
                [
                    Indicator(
                        department=department,
                        code=f"indicateur-{n}",
                        name=f"Indicateur {n}",
                        order=n,
                        unit="percent",
                        direction="higher" if n % 3 else "lower",
                        min_value=0,
                        max_value=100,
                    )
                    for n in range(indicators_per)
                ]  # fmt: skip
            )
            Target.objects.bulk_create(
                [
                    Target(indicator=i, entity=e, year=year, value=Decimal(70 + (i.order % 20)))
                    for i in indicators
                    for e in entities
                    for year in (months[0].year, months[0].year + years // 2)
                ]
            )
        if d % 10 == 0:
            print(f"  département {d + 1}/{departments} ({time.perf_counter() - start:.0f} s)")
    # Measurements: one INSERT … SELECT over indicators × sites × months (1.8 million rows in seconds).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO indicators_measurement
                (created_at, updated_at, indicator_id, site_id, period, value, source, comment)
            SELECT now(), now(), i.id, s.id, m.month::date,
                   50 + (i."order" * 7 + s.id * 3 + m.n) %% 50, 'api', ''
            FROM indicators_indicator i
            JOIN sites_entity e ON e.department_id = i.department_id
            JOIN sites_site s ON s.entity_id = e.id
            CROSS JOIN (
                SELECT generate_series(%s::date, %s::date, interval '1 month') AS month,
                       generate_series(1, %s) AS n
            ) m
            JOIN sites_department d ON d.id = i.department_id AND d.code LIKE 'B%%'
            ON CONFLICT DO NOTHING
            """,
            [months[0], months[-1], len(months)],
        )
    first = Department.objects.get(code="B00")
    user, _ = User.objects.get_or_create(username="bench.copil", defaults={"first_name": "Comité"})
    Membership.objects.get_or_create(user=user, role="committee", department=first)
    print(f"Génération : {time.perf_counter() - start:.0f} s, {Measurement.objects.count()} mesures.")


def timed(client, pages: dict[str, str], runs: int) -> dict[str, dict]:
    """Each page's first call (cold: the process has served none of it yet, nor the pages listed after it),
    then `runs` rounds in which every page is called once in turn (warm), so that a load spike on the
    machine hits every page alike.
    Wall-clock time of the whole request, and the CPU time this process spent on it (Python: middleware,
    view, selectors, template; not PostgreSQL's own work), which other processes' load barely affects."""
    results = {label: {"wall": [], "cpu": []} for label in pages}
    client.get("/healthz")  # the process's own first request (imports, URL resolver) is nobody's page
    for label, url in pages.items():
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        results[label]["cold"] = time.perf_counter() - t
        results[label]["cold_cpu"] = time.process_time() - c
        assert response.status_code == 200, (url, response.status_code)
    for _ in range(runs):
        for label, url in pages.items():
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            results[label]["wall"].append(time.perf_counter() - t)
            results[label]["cpu"].append(time.process_time() - c)
            assert response.status_code == 200, (url, response.status_code)
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from indicators.models import Indicator, Measurement
    from sites.models import User

    generate(args.departments, args.years)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_measurement")
    client = Client()
    client.force_login(User.objects.get(username="bench.copil"))
    month = dt.date.today().replace(day=1).strftime("%Y-%m")
    indicator = Indicator.objects.filter(department__code="B00").order_by("order").first()
    entity_id = indicator.department.entities.order_by("order").first().pk
    pages = {
        "page triviale (accueil)": "/",
        "tableau de bord (mois courant)": f"/reports/dashboard/?month={month}",
        "tableau de bord (il y a 5 ans)": f"/reports/dashboard/?month={int(month[:4]) - 5}{month[4:]}",
        "courbe d'un indicateur (htmx)": f"/reports/dashboard/tendance/{indicator.pk}/{entity_id}/"
        f"?month={month}",
    }
    print(
        f"\n{Measurement.objects.count()} mesures, {Indicator.objects.count()} indicateurs ; "
        f"{args.runs} tours (chaque page appelée une fois par tour, à tour de rôle), médiane :"
    )
    with override_settings(DEBUG=False):
        results = timed(client, pages, args.runs)
        for label, url in pages.items():
            reset_queries()  # the log is a bounded deque, full after the generation: counts would read 0
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            r = results[label]
            median, best, cpu = (statistics.median(r["wall"]), min(r["wall"]), statistics.median(r["cpu"]))
            print(
                f"  {label:<34} {median * 1000:7.1f} ms (min {best * 1000:6.1f} ms ; "
                f"CPU Python {cpu * 1000:6.1f} ms ; 1er appel à froid {r['cold'] * 1000:6.1f} ms ; "
                f"{len(queries)} requêtes SQL)"
            )
    wall = {label: statistics.median(r["wall"]) for label, r in results.items()}
    cpu = {label: statistics.median(r["cpu"]) for label, r in results.items()}
    best = {label: min(r["wall"]) for label, r in results.items()}
    dashboard, trivial = "tableau de bord (mois courant)", "page triviale (accueil)"
    print(
        "\nRapport tableau de bord / page triviale (médianes, à chaud) : "
        f"{wall[dashboard] / wall[trivial]:.2f}× (objectif ≤ 2×) ; sur les minima : "
        f"{best[dashboard] / best[trivial]:.2f}× ; sur le CPU Python : {cpu[dashboard] / cpu[trivial]:.2f}×"
    )


if __name__ == "__main__":
    main()
