#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the end-to-end tests.
# Playwright drives it through executablePath; no browser is ever downloaded.
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "chromium not found; installing Debian's chromium package for the browser tests ..."
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || true
fi
if command -v chromium >/dev/null 2>&1; then
  echo "chromium installed: $(chromium --version 2>/dev/null)"
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: chromium could not be installed and CI=true: the browser tests cannot run." >&2
  echo "Install Debian's chromium package (apt-get install chromium) and run make test again." >&2
  exit 1
fi
echo "WARNING: chromium could not be installed; the browser tests will be skipped." >&2
echo "Install it with: sudo apt-get install chromium" >&2
exit 0
