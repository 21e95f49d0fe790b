"""Load: gunicorn with the production settings on PostgreSQL and a private Redis, 20 logged-in users.

Usage (run on demand, not part of the tests; traffic only to 127.0.0.1):

    .venv/bin/python benchmarks/load.py                       # fresh qp_ops_load, both phases
    .venv/bin/python benchmarks/load.py --users 20 --duration 60 --outage 20 --db qp_ops_load

It (re)creates a dedicated PostgreSQL database (migrate + load_demo + one more account per demo
account of département 13, so 20 distinct people), collects the static files, then starts on its own
ports: a private redis-server (broker and cache, with an append-only file, as in docker-compose.yml), a
Celery worker and beat, and gunicorn (DJANGO_DEBUG=false, secret key, ALLOWED_HOSTS=127.0.0.1, no HTTPS
redirect: the client sends `X-Forwarded-Proto: https`, which SECURE_PROXY_SSL_HEADER trusts, as a TLS
proxy would, and keeps the Secure cookies as a browser behind HTTPS does). Never touches the
machine's shared Redis.

Each virtual user logs in through the login form, then loops with a short think time: lists, a detail
page reached from a list, the dashboard, and forms (new complaint, new measurement) submitted with
the CSRF token and a unique marker. A scheduler asks for committee packs (queued Celery work).

Phase 1 "steady": `--duration` seconds. Phase 2 "outage": `--duration` seconds again; the reminder
task runs once, then the broker is stopped for `--outage` seconds (packs are asked and /healthz is
polled meanwhile), started again, and the reminder task runs a second time.

Goals (exit status 1 if one fails): no 5xx nor unanswered request; every accepted form (302) has its
marker in the database; the packs asked during the outage are all built once the broker is back;
/healthz says 503 during the outage, 200 otherwise; the second reminder run sends nothing already sent
(every notice is mailed exactly once). p50 / p95 per page kind and requests per second are printed.
"""

from __future__ import annotations

import argparse
import collections
import email
import email.header
import http.cookies
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import FLOOR_URL  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
PASSWORD = "qualipref2015"
DEMO_USERS = [
    "admin",
    "qualite",
    "referent.peytral",
    "referent.saint-sebastien",
    "referent.aix",
    "referent.arles",
    "referent.istres",
    "agent.istres",
    "copil",
    "auditeur",
]
LISTS = [
    "/",
    "/organisation/",
    "/referentiel/",
    "/audits/",
    "/surveys/",
    "/complaints/",
    "/actions/",
    "/indicators/",
    "/indicators/mesures/",
    "/steering/",
    "/reports/dossiers-copil/",
]
DASHBOARD = "/reports/dashboard/"
COMPLAINT_FORM = "/complaints/nouvelle/"
MEASUREMENT_FORM = "/indicators/mesures/saisir/"
PACKS = "/reports/dossiers-copil/"
NOT_DETAIL = re.compile(r"nouve|modifier|export|import|supprimer|statut|telecharger|\.xlsx|\.pdf|\.ics|[?#]")


# --------------------------------------------------------------------------------------------- client


class CookieKeeper:
    """The browser's cookies, Secure ones included: TLS is assumed to end at a proxy (the requests say
    so with X-Forwarded-Proto), so the client sends them back over the plain loopback connection as a
    browser behind HTTPS would. (requests' own jar would drop them: it sends Secure cookies over https
    only, and copies the jar's policy away on each request.)"""

    def __init__(self):
        self.values: dict[str, str] = {}

    def update(self, response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or not morsel.value:
                    self.values.pop(name, None)
                else:
                    self.values[name] = morsel.value

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.values.items())


@dataclass
class Sample:
    phase: str
    kind: str
    status: int  # 0: no answer (connection error, timeout)
    seconds: float
    at: float


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.phase = "warm-up"
        self.errors = collections.Counter()

    def add(self, kind, status, seconds):
        with self.lock:
            self.samples.append(Sample(self.phase, kind, status, seconds, time.monotonic()))


class Browser:
    def __init__(self, base: str, recorder: Recorder, timeout: float):
        self.base, self.recorder, self.timeout = base, recorder, timeout
        self.session = requests.Session()
        self.cookies = CookieKeeper()
        # One connection per request: no race with the server closing an idle keep-alive connection
        # (gunicorn: 2 s), which a browser would hide by retrying and which would count here as unanswered.
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "User-Agent": "qualipref-load", "Connection": "close"}
        )
        self.origin = "https://" + urlsplit(base).netloc

    def request(self, method, path, kind, data=None, follow=True):
        url = urljoin(self.base, path)
        headers = {"Cookie": self.cookies.header()}
        if method == "POST":
            headers.update(Origin=self.origin, Referer=self.origin + path)
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, url, data=data, headers=headers, allow_redirects=False, timeout=self.timeout
            )
        except requests.RequestException as exc:
            self.recorder.add(kind, 0, time.perf_counter() - started)
            with self.recorder.lock:
                self.recorder.errors[(kind, f"{exc.__class__.__name__}: {exc}"[:160])] += 1
            return None
        self.recorder.add(kind, response.status_code, time.perf_counter() - started)
        self.cookies.update(response)
        self.session.cookies.clear()
        if follow and response.status_code in (301, 302, 303) and "Location" in response.headers:
            location = urlsplit(response.headers["Location"])
            next_kind = "detail" if method == "POST" else kind
            return self.request(
                "GET", location.path + (f"?{location.query}" if location.query else ""), next_kind
            )
        return response

    def get(self, path, kind, follow=True):
        return self.request("GET", path, kind, follow=follow)

    def post(self, path, data, kind, follow=True):
        return self.request("POST", path, kind, data=data, follow=follow)


class FormParser(HTMLParser):
    """The fields of the page's forms: {action: {name: value or [options]}} with a field's current value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action"),
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                    "options": {},
                }
            )
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"][a["name"]] = a.get("value", "on")
                elif kind == "radio":
                    form["options"].setdefault(a["name"], []).append(a.get("value", ""))
            elif kind not in ("submit", "button", "file"):
                form["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            form["fields"].setdefault(self._select, "")
            form["options"][self._select] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form["options"][self._select].append(value)
            if "selected" in a:
                form["fields"][self._select] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            form["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def post_form_of(html: str, has_field: str) -> dict | None:
    parser = FormParser()
    parser.feed(html)
    return next((f for f in parser.forms if f["method"] == "post" and has_field in f["fields"]), None)


# ------------------------------------------------------------------------------------------- services


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {seconds} s")


class Services:
    """The processes this benchmark starts (and only those are stopped, by their own pid)."""

    def __init__(self, tmp: Path, env: dict, redis_port: int):
        self.tmp, self.env, self.redis_port = tmp, env, redis_port
        self.procs: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list] = {}
        self.restarts = collections.Counter()
        self.stopping = threading.Event()

    def supervise(self, names=("worker", "beat")):
        """Restart the worker or beat when it exits, as docker-compose's `restart: unless-stopped` or
        systemd's `Restart=always` would (kombu's Redis transport may crash the worker when the broker
        goes away while it holds reserved messages)."""

        def loop():
            while not self.stopping.wait(1):
                for name in names:
                    proc = self.procs.get(name)
                    if proc is not None and proc.poll() is not None and not self.stopping.is_set():
                        print(f"  {name} exited ({proc.returncode}): restarted", flush=True)
                        self.restarts[name] += 1
                        self._start(name, self.commands[name])

        threading.Thread(target=loop, daemon=True).start()

    def _start(self, name, cmd, env=None):
        self.commands[name] = cmd
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        self.procs[name] = subprocess.Popen(
            cmd, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_redis(self):
        self._start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.tmp),
                "--daemonize",
                "no",
            ],
        )
        wait_for_port(self.redis_port)

    def stop_redis(self):
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown"], capture_output=True)
        self.procs.pop("redis").wait(timeout=30)

    def start_app(self, port: int, workers: int, threads: int):
        self._start(
            "worker",
            [
                VENV_BIN / "celery",
                "-A",
                "qualipref",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        self._start(
            "beat",
            [
                VENV_BIN / "celery",
                "-A",
                "qualipref",
                "beat",
                "-l",
                "info",
                "-s",
                str(self.tmp / "celerybeat-schedule"),
            ],
        )
        self._start(
            "gunicorn",
            [
                VENV_BIN / "gunicorn",
                "floor_wsgi:application",  # the project's application plus the floor (benchmarks/floor.py)
                "--pythonpath",
                f"{ROOT},{ROOT / 'benchmarks'}",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--access-logfile",
                str(self.tmp / "access.log"),
                # the time each request spent in its worker (ms), without the wait for a free worker
                "--access-logformat",
                '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)s',
            ],
        )
        wait_for_port(port, 60)

    def stop_all(self):
        self.stopping.set()
        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------- data


def prepare(db: str, env: dict, fresh: bool) -> None:
    if fresh:
        subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-h", HOST, "-U", "postgres", db], check=True)
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [VENV_BIN / "python", "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    subprocess.run(
        [VENV_BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def add_second_accounts() -> list[str]:
    """One more person per demo account of département 13, with the same memberships (20 in all)."""
    from sites.models import Membership, User

    names = []
    for username in DEMO_USERS:
        original = User.objects.get(username=username)
        twin, created = User.objects.get_or_create(
            username=f"{username}.bis",
            defaults={
                "email": f"bis.{original.email}" if original.email else "",
                "is_staff": original.is_staff,
                "is_superuser": original.is_superuser,
                "first_name": original.first_name,
                "last_name": f"{original.last_name} (bis)",
            },
        )
        if created:
            twin.set_password(PASSWORD)
            twin.save()
            for m in Membership.objects.filter(user=original):
                m.pk, m.user = None, twin
                m.save()
        names.append(twin.username)
    return DEMO_USERS + names


# --------------------------------------------------------------------------------------------- users


@dataclass
class Written:
    kind: str
    marker: str


@dataclass
class Shared:
    run_id: str
    stop: threading.Event = field(default_factory=threading.Event)
    written: list[Written] = field(default_factory=list)
    rejected: collections.Counter = field(default_factory=collections.Counter)
    reasons: collections.Counter = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class VirtualUser(threading.Thread):
    def __init__(self, username, base, recorder, shared: Shared, think: float, seed: int, timeout: float):
        super().__init__(name=username, daemon=True)
        self.username, self.shared, self.think = username, shared, think
        self.browser = Browser(base, recorder, timeout)
        self.random = random.Random(seed)
        self.lists, self.forms, self.count = [], [], 0
        self.logged_in = False

    def login(self):
        page = self.browser.get("/accounts/login/", "login")
        form = page is not None and post_form_of(page.text, "username")
        if not form:
            return False
        data = {**form["fields"], "username": self.username, "password": PASSWORD}
        response = self.browser.post("/accounts/login/", data, "login", follow=False)
        return response is not None and response.status_code == 302

    def warm_up(self):
        """Log in and find which pages this person may open (a reader has no forms)."""
        self.logged_in = self.login()
        if not self.logged_in:
            return
        for path in [*LISTS, DASHBOARD]:
            response = self.browser.get(path, "warm-up", follow=False)
            if response is not None and response.status_code == 200:
                self.lists.append(path)
        for path in (COMPLAINT_FORM, MEASUREMENT_FORM):
            response = self.browser.get(path, "warm-up", follow=False)
            if response is not None and response.status_code == 200:
                self.forms.append(path)

    def marker(self) -> str:
        self.count += 1
        return f"LOAD-{self.shared.run_id}-{self.username}-{self.count}"

    def submit(self, path):
        page = self.browser.get(path, "form")
        if page is None or page.status_code != 200:
            return
        form = post_form_of(page.text, "subject" if path == COMPLAINT_FORM else "indicator")
        if form is None:
            return
        data, options, marker = dict(form["fields"]), form["options"], self.marker()
        pick = lambda name: self.random.choice([o for o in options.get(name, []) if o] or [""])  # noqa: E731
        if path == COMPLAINT_FORM:
            kind = "complaint"
            data.update(
                site=pick("site"),
                kind=pick("kind"),
                channel=pick("channel"),
                reception_point="",
                assigned_to="",
                subject=marker,
                requester_name="Usager de la charge",
                description=f"Demande créée par le test de charge ({marker}).",
            )
        else:
            kind = "measurement"
            month = self.random.randint(1, 12)
            data.update(
                indicator=pick("indicator"),
                site=pick("site"),
                period=f"2015-{month:02d}",
                value=str(self.random.randint(1, 5)),
                comment=marker,
            )
        response = self.browser.post(path, data, "submit", follow=False)
        if response is not None and response.status_code == 302:
            with self.shared.lock:
                self.shared.written.append(Written(kind, marker))
            location = urlsplit(response.headers["Location"]).path
            self.browser.get(location, "detail")
        elif response is not None and response.status_code == 200:
            errors = re.findall(
                r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)',
                response.text,
            )
            with self.shared.lock:
                self.shared.rejected[kind] += 1
                self.shared.reasons[(kind, " / ".join(e.strip() for e in errors)[:200])] += 1

    def browse_list_then_detail(self):
        path = self.random.choice([p for p in self.lists if p != DASHBOARD] or ["/"])
        response = self.browser.get(path, "list")
        if response is None or response.status_code != 200 or path == "/":
            return
        links = {
            href
            for href in re.findall(r'href="(/[^"]*)"', response.text)
            if href.startswith(path) and href != path and not NOT_DETAIL.search(href)
        }
        if links:
            self.pause()
            self.browser.get(self.random.choice(sorted(links)), "detail")

    def pause(self):
        self.shared.stop.wait(self.random.uniform(0.5, 1.5) * self.think)

    def run(self):
        if not self.logged_in:
            return
        while not self.shared.stop.is_set():
            roll = self.random.random()
            if roll < 0.2 and self.forms:
                self.submit(self.random.choice(self.forms))
            elif roll < 0.35 and DASHBOARD in self.lists:
                self.browser.get(DASHBOARD, "dashboard")
            else:
                self.browse_list_then_detail()
            self.pause()


# -------------------------------------------------------------------------------------------- checks


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def table(samples: list[Sample], seconds: float) -> str:
    by_kind = collections.defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    lines = [f"  {'kind':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses"]
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])) + ["ALL"]:
        rows = samples if kind == "ALL" else by_kind[kind]
        times = [s.seconds * 1000 for s in rows]
        statuses = collections.Counter(s.status for s in rows)
        lines.append(
            f"  {kind:<10} {len(rows):>8} {percentile(times, 50):>8.0f} {percentile(times, 95):>8.0f} "
            f"{max(times, default=0):>8.0f}  {dict(sorted(statuses.items()))}"
        )
    lines.append(f"  throughput: {len(samples) / seconds:.1f} requests/s over {seconds:.0f} s")
    return "\n".join(lines)


def mailed_notice_counts(mail_dir: Path) -> collections.Counter:
    """Per recipient, how many notices their digests listed (subject: "Qualipref : N échéances …")."""
    counts = collections.Counter()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.strip())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            counts[message["To"]] += int(re.search(r"(\d+) échéance", subject).group(1))
    return counts


def worker_succeeded(log: Path, task: str) -> int:
    return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", log.read_text(errors="replace")))


def wait_until(predicate, seconds: float, step: float = 1.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# ---------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="qp_ops_load")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database as it is (no drop/migrate/demo)"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds per phase")
    parser.add_argument("--outage", type=float, default=20, help="seconds without broker in phase 2")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between two clicks (s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--timeout", type=float, default=30, help="client timeout: no answer = failure")
    parser.add_argument("--resume-wait", type=float, default=240, help="seconds allowed for the packs after")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, mails)")
    parser.add_argument(
        "--steady-only",
        action="store_true",
        help="phase 1 only (pages and forms, no committee packs, no broker outage, no reminder runs)",
    )
    args = parser.parse_args()

    with socket.socket() as probe:
        if probe.connect_ex((HOST, args.redis_port)) == 0:
            sys.exit(f"port {args.redis_port} is in use: choose another --redis-port (never the shared 6379)")
    tmp = Path(tempfile.mkdtemp(prefix="qp-load-"))
    (tmp / "mail").mkdir()
    (tmp / "media").mkdir()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qualipref.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{args.db}",
        "CELERY_BROKER_URL": f"redis://{HOST}:{args.redis_port}/0",
        # the cache of docker-compose.yml (production): the private Redis, shared by the workers
        "CACHE_URL": f"rediscache://{HOST}:{args.redis_port}/1",
        "EMAIL_URL": f"filemail:///{tmp / 'mail'}",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "QUALIPREF_PUBLIC_URL": f"https://{HOST}:{port}",
    }
    os.environ.update(env)
    print(f"Preparing {args.db} (logs, mails and media in {tmp})…", flush=True)
    prepare(args.db, env, fresh=not args.reuse)

    import django

    django.setup()
    from complaints.models import Correspondence
    from indicators.models import Measurement
    from qualipref.celery import app as celery_app
    from qualipref.notifications.models import Notice
    from reports.models import ReportRun

    Notice.objects.all().delete()  # this database's own reminders: the check counts this run's only
    usernames = add_second_accounts()[: args.users]
    if len(usernames) < args.users:
        usernames = [usernames[i % len(usernames)] for i in range(args.users)]
    django.db.connection.close()

    services = Services(tmp, env, args.redis_port)
    failures: list[str] = []
    recorder, shared = Recorder(), Shared(run_id=secrets.token_hex(3))
    base = f"http://{HOST}:{port}"
    try:
        services.start_redis()
        services.start_app(port, args.workers, args.threads)
        services.supervise()
        print(f"gunicorn {args.workers}×{args.threads} on {base}, broker redis:{args.redis_port}", flush=True)
        users = [
            VirtualUser(u, base, recorder, shared, args.think, seed=i, timeout=args.timeout)
            for i, u in enumerate(usernames)
        ]
        for user in users:
            user.warm_up()
        logged = [u for u in users if u.logged_in]
        if len(logged) != len(users):
            failures.append(f"login failed for {[u.username for u in users if not u.logged_in]}")
        writers = sum(1 for u in logged if u.forms)
        print(f"{len(logged)} users logged in ({writers} may submit forms); first pass done", flush=True)
        manager = next(u for u in logged if u.username == "qualite").browser
        health = Browser(base, recorder, timeout=args.timeout)
        packs_asked = []

        def ask_pack(month):
            page = manager.get(PACKS, "form")
            form = page is not None and post_form_of(page.text, "month")
            response = form and manager.post(PACKS, {**form["fields"], "month": month}, "pack", follow=False)
            if response is not None and response is not False and response.status_code == 302:
                packs_asked.append(int(re.search(r"/(\d+)/", response.headers["Location"]).group(1)))

        def healthz(expected: int, label: str):
            started = time.perf_counter()
            response = health.get("/healthz", "healthz")
            took = time.perf_counter() - started
            status = response.status_code if response is not None else 0
            body = response.text if response is not None else ""
            print(f"  /healthz {label}: {status} in {took * 1000:.0f} ms {body}")
            if status != expected:
                failures.append(f"/healthz {label}: {status}, expected {expected}")

        # The floor (a login-required "ok", benchmarks/floor.py), asked once a second by one more logged-in
        # person during the run: the pages' p50 is stated as a ratio to it, under the same load.
        prober = VirtualUser("copil", base, recorder, shared, args.think, seed=99, timeout=args.timeout)
        prober.logged_in = prober.login()

        def probe_floor():
            while not shared.stop.is_set():
                prober.browser.get(FLOOR_URL, "floor")
                shared.stop.wait(1.0)

        # ---------------------------------------------------------------- phase 1: steady load
        recorder.phase = "steady"
        for user in logged:
            user.start()
        if prober.logged_in:
            threading.Thread(target=probe_floor, daemon=True).start()
        started = time.monotonic()
        if not args.steady_only:
            ask_pack("2015-03")
        shared.stop.wait(args.duration / 2)
        if not args.steady_only:
            ask_pack("2015-04")
        shared.stop.wait(max(0, started + args.duration - time.monotonic()))
        steady_seconds = time.monotonic() - started

        if args.steady_only:
            shared.stop.set()
            for user in logged:
                user.join(timeout=args.timeout + 5)
            outage_seconds, outage_started = 0.0, None
        else:
            # ---------------------------------------------------------------- phase 2: broker outage
            recorder.phase = "outage"
            phase2 = time.monotonic()
            log = tmp / "worker.log"
            task = "notifications.send_daily_reminders"
            celery_app.send_task(task)
            if not wait_until(lambda: worker_succeeded(log, task) >= 1, 60):
                failures.append("the first reminder run did not finish within 60 s")
            django.db.connection.close()
            notices_first = Notice.objects.count()
            mailed_first = mailed_notice_counts(tmp / "mail")
            print(
                f"  reminders, first run: {notices_first} notices, {sum(mailed_first.values())} mailed "
                f"in {len(mailed_first)} digests",
                flush=True,
            )
            healthz(200, "before the outage")
            shared.stop.wait(max(0, phase2 + (args.duration - args.outage) / 2 - time.monotonic()))
            services.stop_redis()
            outage_started = time.monotonic()
            print(f"  broker stopped at {outage_started - phase2:.0f} s of the phase", flush=True)

            def during_outage():  # on its own thread: the broker comes back on time however slow pages are
                healthz(503, "during the outage")
                for n, month in enumerate(("2015-05", "2015-06", "2015-07"), start=1):
                    ask_pack(month)
                    shared.stop.wait(max(0, outage_started + n * args.outage / 4 - time.monotonic()))
                healthz(503, "during the outage, later")

            activity = threading.Thread(target=during_outage, daemon=True)
            activity.start()
            shared.stop.wait(max(0, outage_started + args.outage - time.monotonic()))
            services.start_redis()
            print(f"  broker back after {time.monotonic() - outage_started:.0f} s", flush=True)
            activity.join()
            healthz(200, "after the outage")
            celery_app.send_task(task)
            shared.stop.wait(max(0, phase2 + args.duration - time.monotonic()))
            shared.stop.set()
            for user in logged:
                user.join(timeout=args.timeout + 5)
            outage_seconds = time.monotonic() - phase2

            # ---------------------------------------------------------------- after: queued work, reminders
            if not wait_until(lambda: worker_succeeded(log, task) >= 2, 60):
                failures.append("the second reminder run did not finish within 60 s of the broker's return")
            django.db.connection.close()
            finished = {ReportRun.Status.DONE, ReportRun.Status.FAILED}
            print(
                f"  waiting for the {len(packs_asked)} packs asked "
                "(beat re-sends those refused every minute)…",
                flush=True,
            )
            pending = ReportRun.objects.filter(pk__in=packs_asked).exclude(status__in=finished)
            wait_until(
                lambda: pending.count() == 0,
                args.resume_wait,
                2,
            )
            runs = list(ReportRun.objects.filter(pk__in=packs_asked).order_by("pk"))
            for run in runs:
                took = (
                    f"{(run.finished_at - run.created_at).total_seconds():.0f} s" if run.finished_at else "-"
                )
                print(f"    pack {run.params.get('month')}: {run.status}, finished {took} after being asked")
            if len(packs_asked) != 5:
                failures.append(f"{len(packs_asked)} packs accepted out of 5 asked")
            if any(run.status != ReportRun.Status.DONE for run in runs):
                failures.append("a pack was not built: " + ", ".join(f"{r.pk}={r.status}" for r in runs))

            notices = Notice.objects.count()
            unsent = Notice.objects.filter(sent_at__isnull=True).count()
            mailed = mailed_notice_counts(tmp / "mail")
            expected_mailed = collections.Counter(
                Notice.objects.filter(sent_at__isnull=False)
                .exclude(recipient__email="")
                .values_list("recipient__email", flat=True)
            )
            print(
                f"  reminders, after the second run: {notices} notices ({notices - notices_first} new), "
                f"{sum(mailed.values()) - sum(mailed_first.values())} more mailed, {unsent} unsent",
                flush=True,
            )
            if notices_first == 0:
                failures.append("the demo data gave no reminder: the reminder check proves nothing")
            if mailed != expected_mailed:
                failures.append(f"notices mailed {dict(mailed)} ≠ recorded once each {dict(expected_mailed)}")
            if unsent:
                failures.append(f"{unsent} notices recorded but never sent")

        # ---------------------------------------------------------------- report
        by_kind = collections.defaultdict(list)
        for w in shared.written:
            by_kind[w.kind].append(w.marker)
        found = set(
            Correspondence.objects.filter(subject__in=by_kind["complaint"]).values_list("subject", flat=True)
        )
        history = Measurement.history.model  # every version of a measurement, even overwritten ones
        found |= set(
            history.objects.filter(comment__in=by_kind["measurement"]).values_list("comment", flat=True)
        )
        lost = [w.marker for w in shared.written if w.marker not in found]
        samples = [s for s in recorder.samples if s.phase in ("steady", "outage")]
        print(f"\nPhase 1, steady ({len(logged)} users, {steady_seconds:.0f} s):")
        print(table([s for s in samples if s.phase == "steady"], steady_seconds))
        if not args.steady_only:
            print(f"\nPhase 2, broker stopped {args.outage:.0f} s ({outage_seconds:.0f} s):")
            print(table([s for s in samples if s.phase == "outage"], outage_seconds))
            outage_window = [s for s in samples if outage_started <= s.at <= outage_started + args.outage]
            print(f"\nDuring the outage itself ({len(outage_window)} requests):")
            print(table(outage_window, args.outage))
            print(f"\nBoth phases:\n{table(samples, steady_seconds + outage_seconds)}")
        steady = [
            s.seconds for s in samples if s.phase == "steady" and s.kind not in ("healthz", "pack", "floor")
        ]
        p50, p95 = percentile(steady, 50), percentile(steady, 95)
        floor = percentile([s.seconds for s in samples if s.phase == "steady" and s.kind == "floor"], 50)
        print(
            f"\nSteady phase, pages: {len(steady)} requests, {len(steady) / steady_seconds:.1f} requests/s, "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (p95 = {p95 / p50 if p50 else 0:.1f} × p50); "
            f"floor p50 {floor * 1000:.0f} ms (pages' p50 = {p50 / floor if floor else 0:.1f} × the floor)"
        )
        if p95 > 4 * p50:
            failures.append(f"steady phase: p95 {p95 * 1000:.0f} ms > 4 × p50 {p50 * 1000:.0f} ms")
        print(
            f"\nWrites accepted: {dict(collections.Counter(w.kind for w in shared.written))}, "
            f"found in the database: {len(shared.written) - len(lost)}, lost: {len(lost)}; "
            f"re-displayed with errors: {dict(shared.rejected)}"
        )
        for (kind, reason), n in shared.reasons.most_common(5):
            print(f"  re-displayed {kind} ×{n}: {reason}")
        refused = (tmp / "gunicorn.log").read_text(errors="replace").count("not queued, broker unavailable")
        print(f"Packs whose sending failed while the broker was down (sent again by beat): {refused}")
        if services.restarts:
            print(f"Processes restarted by the supervisor: {dict(services.restarts)}")
        for (kind, error), n in recorder.errors.most_common(5):
            print(f"  unanswered {kind} ×{n}: {error}")
        server_errors = [s for s in samples if (s.status >= 500 or s.status == 0) and s.kind != "healthz"]
        if server_errors:
            failures.append(
                f"{len(server_errors)} requests answered 5xx or not at all: "
                f"{collections.Counter((s.kind, s.status) for s in server_errors)}"
            )
        if lost:
            failures.append(f"{len(lost)} writes lost: {lost[:5]}")
        if not shared.written:
            failures.append("no form was accepted: the write check proves nothing")
    finally:
        shared.stop.set()
        services.stop_all()
        if args.keep or failures:
            print(f"Logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print("\nGoals: " + ("all met" if not failures else "NOT MET"))
    for failure in failures:
        print(f"  - {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
