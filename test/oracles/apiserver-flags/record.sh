#!/usr/bin/env bash
# Records what kube-apiserver's own flag parser makes of the corpus, into
# test/fixtures/apiserver-flags.jsonl; test/flags.test.ts compares
# src/core/control-plane/flags.ts with it. Needs the kube-apiserver that
# scripts/provision.sh builds (or its path as the first argument); run from
# anywhere after `npx tsc -p .`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
binary="${1:-$root/.cache/bin/kube-apiserver}"
node "$root/dist/test/oracles/apiserver-flags/record.js" "$binary" > "$root/test/fixtures/apiserver-flags.jsonl"
wc -l "$root/test/fixtures/apiserver-flags.jsonl"
