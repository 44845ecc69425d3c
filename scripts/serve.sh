#!/usr/bin/env bash
# Serve the registry and run its background worker side by side (`make run`).
# The worker preserves new sources and runs the periodic link check; it stops with the server.
set -u
PY="$1"; ADDR="$2"
"$PY" manage.py run_worker --verbosity 1 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null' EXIT INT TERM
echo "Background worker started (pid $WORKER): source preservation and the periodic link check."
echo "Serving the registry on http://$ADDR/ (Ctrl-C to stop both)"
"$PY" manage.py runserver "$ADDR"
