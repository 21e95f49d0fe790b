#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and its scheduler (beat) in one command. Ctrl-C (or a TERM
# sent to this script) stops all of them. Without CELERY_BROKER_URL the broker is embedded: kombu's
# filesystem transport under var/broker/ (no Redis needed), so reminders and the nightly anonymisation
# run on time. Usage: scripts/run.sh [host] [port]
set -euo pipefail
set -m  # each process in its own group: this script alone decides when they stop
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
venv=${VENV:-.venv}
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-filesystem://localhost//}"
state=${QUALIPREF_BROKER_DIR:-var/broker}  # the embedded broker's messages and beat's own state
mkdir -p "$state"

"$venv/bin/celery" -A qualipref worker --beat --schedule "$state/celerybeat-schedule" --loglevel info \
    --concurrency 2 --without-gossip --without-mingle &
worker=$!
"$venv/bin/python" manage.py runserver "$host:$port" &
web=$!

stop() {
    trap - INT TERM EXIT
    # the worker's main process stops its pool and beat itself (warm shutdown); the web server's group
    kill -TERM "$worker" 2>/dev/null || true
    kill -TERM -- "-$web" 2>/dev/null || true
    (sleep 20; kill -KILL -- "-$worker" "-$web" 2>/dev/null) &  # whatever still runs after 20 s
    local watchdog=$!
    wait "$worker" "$web" 2>/dev/null || true
    kill -- "-$watchdog" 2>/dev/null || true
}
trap stop INT TERM EXIT
wait -n  # Ctrl-C, a TERM, or one of the two ending on its own: stop the other
