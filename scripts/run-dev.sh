#!/usr/bin/env bash
# `make run`: the web server, the task worker and the scheduler loop together, in one
# terminal; Ctrl-C (or any of the three stopping) stops all three.
#
# Each runs in a process group of its own (set -m), so stopping one takes its
# autoreloader's child with it; the trap stops them all.
set -uo pipefail
set -m

PY="${PY:-.venv/bin/python}"
HOST="${HOST:-127.0.0.1:8000}"
SCHEDULER_INTERVAL="${SCHEDULER_INTERVAL:-60}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"

pids=()

stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null
  echo "run-dev: web server, worker and scheduler stopped."
}
trap stop INT TERM EXIT

"$PY" manage.py db_worker --queue-name default &
pids+=("$!")
"$PY" manage.py run_scheduled --loop "$SCHEDULER_INTERVAL" &
pids+=("$!")
"$PY" manage.py runserver "$HOST" &
pids+=("$!")

echo "run-dev: http://$HOST — worker and scheduler running; Ctrl-C stops everything."
# When any of them ends (or Ctrl-C), stop the others.
wait -n
