#!/usr/bin/env bash
# Quick start: install, build and scan the bundled example (no cluster needed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm_config_nodedir="${npm_config_nodedir:-/usr}" npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -p tsconfig.json
node scripts/bundle.mjs
status=0
node bin/palisade.js scan examples/ "$@" || status=$?
# Exit 1 means "findings", which is the point of the example.
[ "$status" -le 1 ] || exit "$status"
