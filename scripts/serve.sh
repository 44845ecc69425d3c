#!/usr/bin/env bash
# Serve the registry and run its background worker side by side (`make run`).
# The worker preserves new sources and runs the periodic link check; it stops with the server.
set -u
PY="$1"; ADDR="$2"
# The worker survives a lost database connection by itself (incidents/worker.py); should it
# die anyway, this loop starts it again.
supervise() {
    while true; do
        "$PY" manage.py run_worker --verbosity 1
        echo "The background worker stopped (exit $?); starting it again in 5 s." >&2
        sleep 5
    done
}
supervise &
SUPERVISOR=$!
stop_worker() {
    CHILDREN=$(pgrep -P "$SUPERVISOR" 2>/dev/null)
    kill "$SUPERVISOR" 2>/dev/null
    [ -n "$CHILDREN" ] && kill $CHILDREN 2>/dev/null
    wait "$SUPERVISOR" 2>/dev/null
}
trap stop_worker EXIT INT TERM
echo "Background worker started (supervisor pid $SUPERVISOR): source preservation and the periodic link check."
echo "Serving the registry on http://$ADDR/ (Ctrl-C to stop both)"
"$PY" manage.py runserver "$ADDR"
