#!/usr/bin/env bash
# Runs every test of the solution: unit tests, and end-to-end tests that start the silo as a process and
# drive it with the real kubectl (1.32 and 1.29), the KubernetesClient package, SQLite and PostgreSQL, and
# the dashboard's browser tests in Debian's Chromium (screenshots land in artifacts/screenshots/).
# Needs what .ci/run installs (PostgreSQL binaries, Docker, Chromium); see README.md.
set -euo pipefail
cd "$(dirname "$0")"
echo "== building (Release)"
dotnet build OrleansOrchestrator.sln -c Release -nologo -clp:ErrorsOnly
echo "== testing"
# The output is kept so that a failure is repeated at the end: CI keeps only the tail of a run.
log=$(mktemp /tmp/oo-test-log.XXXXXX)
status=0
dotnet test OrleansOrchestrator.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== failed tests (repeated from above)"
  grep -E -A20 '^\s+Failed [A-Za-z]' "$log" | head -300 || true
fi
rm -f "$log"
exit "$status"
