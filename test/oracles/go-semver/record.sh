#!/usr/bin/env bash
# Records what golang.org/x/mod/semver (the ordering the go command uses for module
# versions) makes of the generated pairs, into test/fixtures/go-semver.jsonl;
# test/versions.test.ts compares src/core/images/versions/go.ts with it. Needs Go; run from
# anywhere after `npx tsc -p .`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
node "$root/dist/test/oracles/go-semver/corpus.js" | (cd "$here" && GOTOOLCHAIN=local go run .) > "$root/test/fixtures/go-semver.jsonl"
wc -l "$root/test/fixtures/go-semver.jsonl"
