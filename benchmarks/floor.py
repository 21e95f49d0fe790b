"""The floor every benchmark compares its pages with: a login-required view that returns "ok" (no
template, no query of ours), added for the benchmarks only, and the way pages are timed against it.

A page's cost is stated as a ratio to the floor measured in the same process, interleaved with it (each
round calls the floor, then every page once): a load spike on the shared machine hits the floor and the
pages alike, so the ratio is steadier than the milliseconds.

    from floor import FLOOR_URL, QueryCounter, install_floor, interleaved
    install_floor()                                   # after django.setup()
    rows = interleaved({"register": (client, "/complaints/")}, rounds=15, floor_client=client)
"""

from __future__ import annotations

import random
import statistics
import time

FLOOR_URL = "/__bench_floor__/"


def floor_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def install_floor() -> None:
    """Add the floor to the project's URLs (this process only: nothing is served in production)."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.urls import clear_url_caches, path
    from django.utils.module_loading import import_module
    from django.views.decorators.http import require_safe

    urls = import_module(settings.ROOT_URLCONF)
    if not any(getattr(p, "name", None) == "bench_floor" for p in urls.urlpatterns):
        view = require_safe(login_required(floor_view))
        urls.urlpatterns.insert(0, path(FLOOR_URL.strip("/") + "/", view, name="bench_floor"))
    clear_url_caches()


class QueryCounter:
    """Counts the SQL statements run (the test client's request_started signal clears
    connection.queries, so CaptureQueriesContext cannot be used around a request)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)

    def __len__(self):
        return self.count


def _call(client, url, cpu: list | None = None):
    t0, c0 = time.perf_counter(), time.process_time()
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    elapsed = (time.perf_counter() - t0) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - c0) * 1000)
    return response, elapsed


def interleaved(pages: dict, *, floor_client, rounds: int = 15, seed: int = 1, before_page=None) -> dict:
    """Time every page and the floor in `rounds` interleaved rounds (floor first, then the pages in a
    shuffled order); `pages` maps a name to (client, url). Returns {name: {median_ms, min_ms, ratio,
    queries, status}} with "floor" first. A page not answering 200 raises (the figures would lie).
    `before_page()`, when given, runs before each call of a page, untimed (a write, say)."""
    entries = {"floor": (floor_client, FLOOR_URL), **pages}
    queries = {}
    before_page = before_page or (lambda: None)
    for name, (client, url) in entries.items():  # warm-up, and one counted call
        _call(client, url)
        if name != "floor":
            before_page()
        with QueryCounter() as counter:
            response, _ = _call(client, url)
        if response.status_code != 200:
            raise RuntimeError(f"{name} {url}: HTTP {response.status_code}")
        queries[name] = len(counter)
    times = {name: [] for name in entries}
    cpu = {name: [] for name in entries}
    rng = random.Random(seed)
    names = list(pages)
    for _ in range(rounds):
        rng.shuffle(names)
        for name in ["floor", *names]:
            client, url = entries[name]
            if name != "floor":
                before_page()
            _, elapsed = _call(client, url, cpu[name])
            times[name].append(elapsed)
    floor = statistics.median(times["floor"])
    floor_cpu = statistics.median(cpu["floor"])
    return {
        name: {
            "url": entries[name][1],
            "median_ms": round(statistics.median(times[name]), 2),
            "min_ms": round(min(times[name]), 2),
            "ratio": round(statistics.median(times[name]) / floor, 2),
            # the Django process's CPU only (PostgreSQL's work is not in it): steadier on a loaded machine
            "cpu_ms": round(statistics.median(cpu[name]), 2),
            "cpu_ratio": round(statistics.median(cpu[name]) / floor_cpu, 2),
            "queries": queries[name],
        }
        for name in entries
    }


def floor_ratio(client, fn, *, rounds: int = 15) -> tuple[float, float, float]:
    """For a benchmark that times something else than a page (a function): (median ms of `fn`, median
    ms of the floor, ratio), interleaved in `rounds` rounds with the floor called by `client`."""
    install_floor()
    _call(client, FLOOR_URL)
    fn()
    floor_times, fn_times = [], []
    for _ in range(rounds):
        floor_times.append(_call(client, FLOOR_URL)[1])
        t0 = time.perf_counter()
        fn()
        fn_times.append((time.perf_counter() - t0) * 1000)
    floor, median = statistics.median(floor_times), statistics.median(fn_times)
    return median, floor, median / floor


def print_table(results: dict, *, title: str = "") -> None:
    if title:
        print(title)
    print(f"{'page':<28} {'median':>10} {'ratio':>8} {'CPU':>9} {'CPU ratio':>9} {'queries':>8}  url")
    for name, row in results.items():
        print(
            f"{name:<28} {row['median_ms']:>8.1f}ms {row['ratio']:>7.2f}× {row['cpu_ms']:>7.1f}ms "
            f"{row['cpu_ratio']:>8.2f}× {row['queries']:>8}  {row['url']}"
        )
