#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: installs what it needs, builds, runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # better-sqlite3 compiles from source against the local Node headers (no prebuilt downloads).
  npm_config_nodedir="${npm_config_nodedir:-/usr}" npm ci --no-audit --no-fund --loglevel=error
fi
# helm and kustomize for the rendering tests, built from pinned Go modules into .cache/bin
# (test/support/programs.ts puts .cache/bin first on the PATH of the processes tests start).
bash scripts/provision.sh
npx tsc -p tsconfig.json
node scripts/bundle.mjs
files=$(find dist/test -name '*.test.js' | sort)
status=0
node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=dist/test-results.tap $files || status=$?
pass=$(grep -E '^# pass ' dist/test-results.tap | awk '{print $3}')
fail=$(grep -E '^# fail ' dist/test-results.tap | awk '{print $3}')
echo "${pass:-0} passed, ${fail:-0} failed"
exit $status
