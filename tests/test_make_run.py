"""`make run` runs the periodic jobs (issue 20, item 8): scripts/run.sh starts the web server, a Celery
worker and its scheduler (beat) on an embedded broker (kombu's filesystem transport: no Redis), the
worker records each scheduled task it runs, and Ctrl-C stops every process it started.

The processes read the test database, so it must be one other processes can open (PostgreSQL)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from qualipref.models import JobRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def _database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_processes(sid):
    out = subprocess.run(["ps", "-eo", "pid=,sid=,stat=,args="], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split()[1] == str(sid) and "Z" not in line.split()[2]]


def _default_interrupt():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _kill_session(sid):
    for line in _session_processes(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[0]), signal.SIGKILL)


def _until(condition, seconds, what, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s. Output:\n{log.read_text()[-3000:]}")


def _healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def test_make_run_serves_the_site_runs_the_scheduled_jobs_and_ctrl_c_stops_everything(tmp_path, monkeypatch):
    broker = tmp_path / "broker"
    log = tmp_path / "run.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}  # the embedded broker
    env.update(DATABASE_URL=_database_url(), QUALIPREF_BROKER_DIR=str(broker), VENV=sys.prefix)
    with log.open("w") as out:
        # start_new_session: the script leads a group of its own, like a shell's foreground job, and like
        # one it starts with Ctrl-C's default disposition: a signal ignored when bash starts cannot be
        # trapped, and this test process may have inherited SIGINT ignored (a library's `signal.SIG_IGN`).
        process = subprocess.Popen(
            ["bash", "scripts/run.sh", "127.0.0.1", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_default_interrupt,
        )  # fmt: skip
    try:
        health = _until(lambda: _healthy(f"http://127.0.0.1:{port}/healthz"), 60, "the site answered", log)
        assert health == {"status": "ok", "database": "ok", "broker": "ok"}
        _until(lambda: "beat: Starting" in log.read_text(), 30, "beat started", log)

        # a scheduled task sent on the embedded broker (as beat does) is run by the worker and recorded
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery would prefer it to `broker`
        sender = Celery(broker="filesystem://localhost//", set_as_current=False)
        folder = str(broker / "messages")
        sender.conf.broker_transport_options = {
            "data_folder_in": folder, "data_folder_out": folder, "control_folder": str(broker / "control"),
        }  # fmt: skip
        assert sender.conf.broker_url.startswith("filesystem:")
        sender.send_task("complaints.anonymise_requesters")
        run = _until(
            lambda: JobRun.objects.filter(task="complaints.anonymise_requesters", succeeded=True).first(),
            30, "the worker ran the task", log,
        )  # fmt: skip
        assert run.finished_at >= run.started_at
        assert len(_session_processes(process.pid)) >= 4  # the script, runserver (×2), the worker
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            _kill_session(process.pid)  # nothing left running after the test, whatever it found
            pytest.fail(f"Ctrl-C did not stop scripts/run.sh within 40 s. Output:\n{log.read_text()[-3000:]}")
    _until(lambda: not _session_processes(process.pid), 10, "every process stopped", log)
