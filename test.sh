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
dotnet test OrleansOrchestrator.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
