"""Benchmark of the steering committee's dashboard (run on demand, not in `make test`).

    .venv/bin/python benchmarks/dashboard.py [--departments 100] [--years 10] [--runs 30]

Builds, in a dedicated PostgreSQL database (qp_bench_dashboard, created if missing; set
BENCH_DATABASE_URL to use another), 100 départements × 5 sites × 30 indicators × 10 years of monthly
measurements (1.8 million rows, bulk inserts) plus the registers the side panels read (actions,
agents and trainings, complaints), then times, in the same run and the same process, the dashboard of
one département against a trivial logged-in page (the home page), as a committee member of that
département (its scope: 5 sites, 30 indicators) on the current month — cold first calls reported apart,
then warm rounds interleaving the pages. Goal: the dashboard within 2× the trivial page. Data are kept
between runs (generation is skipped when already there).
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import FLOOR_URL, install_floor  # noqa: E402

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


REGISTERS_SQL = [
    # One action plan per entity and year, closed after two years.
    """
    INSERT INTO actionplans_actionplan
        (created_at, updated_at, year, title, status, approved_on, approved_by_committee, notes, entity_id)
    SELECT now(), now(), y, 'Plan ' || y,
           CASE WHEN y < %(last_year)s - 2 THEN 'closed' ELSE 'approved' END, make_date(y, 1, 15),
           '', '', e.id
    FROM sites_entity e
    JOIN sites_department d ON d.id = e.department_id AND d.code LIKE 'B%%'
    CROSS JOIN generate_series(%(first_year)s, %(last_year)s) y
    ON CONFLICT DO NOTHING
    """,
    # 12 actions per plan, one due each month: done (on time or late), 1 in 20 cancelled, 1 in 10 of
    # those due in the last two years still open (overdue), planned when not yet due.
    """
    INSERT INTO actionplans_action
        (created_at, updated_at, title, description, category, origin_kind, origin_text, due_on, status,
         progress, completed_on, verification_note, cancel_reason, entity_id, owner_id, plan_id)
    SELECT now(), now(), 'Action ' || x.plan_id || '-' || x.n, '', 'improvement', 'free_text', '', x.due_on,
           x.status, 0,
           CASE WHEN x.status = 'done'
                THEN LEAST(current_date, x.due_on - 10 + ((x.plan_id + x.n) %% 15)::int) END,
           '', CASE WHEN x.status = 'cancelled' THEN 'Abandonnée' ELSE '' END,
           x.entity_id, %(owner)s, x.plan_id
    FROM (
        SELECT p.id AS plan_id, p.entity_id, n, make_date(p.year, n, 28) AS due_on,
               CASE WHEN make_date(p.year, n, 28) >= current_date THEN 'planned'
                    WHEN (p.id + n) %% 20 = 0 THEN 'cancelled'
                    WHEN (p.id + n) %% 10 = 1 AND make_date(p.year, n, 28) >= current_date - 730
                         THEN 'in_progress'
                    ELSE 'done' END AS status
        FROM actionplans_actionplan p
        JOIN sites_entity e ON e.id = p.entity_id
        JOIN sites_department d ON d.id = e.department_id AND d.code LIKE 'B%%'
        CROSS JOIN generate_series(1, 12) n
    ) x
    """,
    # Two actions in three name one site of their entity; the others are for the whole entity.
    """
    INSERT INTO actionplans_action_sites (action_id, site_id)
    SELECT a.id, min(s.id) FROM actionplans_action a JOIN sites_site s ON s.entity_id = a.entity_id
    WHERE a.id %% 3 <> 0 AND a.title LIKE 'Action %%'
    GROUP BY a.id
    """,
    # 10 agents per site (8 with reception duties), each with one reception training, some expired.
    """
    INSERT INTO steering_agent
        (created_at, updated_at, last_name, first_name, job_title, reception_duties, took_post_on, site_id)
    SELECT now(), now(), 'Agent ' || n, 'Prénom ' || n, '', n %% 5 <> 0, current_date - n * 400, s.id
    FROM sites_site s
    JOIN sites_entity e ON e.id = s.entity_id
    JOIN sites_department d ON d.id = e.department_id AND d.code LIKE 'B%%'
    CROSS JOIN generate_series(1, 10) n
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO steering_training (created_at, updated_at, topic, title, trained_on, provider, agent_id)
    SELECT now(), now(), 'reception', 'Accueil',
           GREATEST(a.took_post_on, current_date - ((a.id * 97) %% 2500)::int), '', a.id
    FROM steering_agent a WHERE a.last_name LIKE 'Agent %%'
    ON CONFLICT DO NOTHING
    """,
    # One request a week per site over the years: answered and closed (on time or late), except the last
    # five weeks' (open, the oldest of them overdue).
    """
    INSERT INTO complaints_correspondence
        (created_at, updated_at, site_id, reference, kind, channel, received_on, subject, description,
         requester_name, requester_contact, status, acknowledged_on, answered_on, answer, closed_on,
         deadline_days, deadline_kind, due_on, answer_days, answered_on_time)
    SELECT now(), now(), x.site_id, 'B-' || x.site_id || '-' || x.n, 'complaint', 'post', x.received, 'Objet',
           '', 'Usager', 'usager@exemple.fr',
           CASE WHEN x.open THEN 'in_progress' ELSE 'closed' END, x.received,
           CASE WHEN NOT x.open THEN x.received + x.days END,
           CASE WHEN x.open THEN '' ELSE 'Réponse envoyée.' END,
           CASE WHEN NOT x.open THEN x.received + x.days + 1 END,
           15, 'calendar', x.received + 15,
           CASE WHEN NOT x.open THEN x.days END,
           CASE WHEN NOT x.open THEN x.days <= 15 END
    FROM (
        SELECT s.id AS site_id, n, current_date - n * 7 - (s.id %% 7)::int AS received, n <= 5 AS open,
               ((n * 7 + s.id) %% 20)::int AS days
        FROM sites_site s
        JOIN sites_entity e ON e.id = s.entity_id
        JOIN sites_department d ON d.id = e.department_id AND d.code LIKE 'B%%'
        CROSS JOIN generate_series(1, %(weeks)s) n
    ) x
    ON CONFLICT DO NOTHING
    """,
]


def generate_registers(years: int):
    """The registers the dashboard's side panels read, in every département: action plans and actions,
    agents and their trainings, complaints (skipped when already there)."""
    from django.db import connection

    from actionplans.models import Action
    from complaints.models import Correspondence
    from sites.models import User
    from steering.models import Agent

    if Action.objects.filter(entity__department__code="B00").exists():
        return
    start = time.perf_counter()
    owner = User.objects.get(username="bench.copil")
    today = dt.date.today()
    params = {
        "first_year": today.year - years,
        "last_year": today.year,
        "owner": owner.pk,
        "weeks": years * 52,
    }
    with connection.cursor() as cursor:
        for sql in REGISTERS_SQL:
            cursor.execute(sql, params)
        for table in (
            "actionplans_action",
            "actionplans_action_sites",
            "steering_agent",
            "complaints_correspondence",
        ):
            cursor.execute(f"ANALYZE {table}")
    print(
        f"Registres : {Action.objects.count()} actions, {Agent.objects.count()} agents, "
        f"{Correspondence.objects.count()} demandes ({time.perf_counter() - start:.0f} s)."
    )


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
    generate_registers(args.years)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_measurement")
    client = Client()
    client.force_login(User.objects.get(username="bench.copil"))
    month = dt.date.today().replace(day=1).strftime("%Y-%m")
    indicator = Indicator.objects.filter(department__code="B00").order_by("order").first()
    entity_id = indicator.department.entities.order_by("order").first().pk
    install_floor()
    pages = {
        "plancher (vue « ok », benchmarks/floor.py)": FLOOR_URL,
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
            # The request itself empties the query log (request_started → reset_queries): emptied first, the
            # capture's start index is 0 and the count is right (it read 0 before).
            reset_queries()
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
    floor = "plancher (vue « ok », benchmarks/floor.py)"
    print(
        "\nRapport au plancher (médianes, à chaud) : "
        + " ; ".join(f"{label} {wall[label] / wall[floor]:.2f}×" for label in pages if label != floor)
    )
    print(
        "\nRapport tableau de bord / page triviale (médianes, à chaud) : "
        f"{wall[dashboard] / wall[trivial]:.2f}× (objectif ≤ 2×) ; sur les minima : "
        f"{best[dashboard] / best[trivial]:.2f}× ; sur le CPU Python : {cpu[dashboard] / cpu[trivial]:.2f}×"
    )


if __name__ == "__main__":
    main()
