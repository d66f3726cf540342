#!/usr/bin/env bash
# Records what Docker's own parser (github.com/distribution/reference, the
# library the kubelet and container runtimes use) makes of the corpus, into
# test/fixtures/image-references.jsonl; test/image-reference.test.ts
# compares src/core/images/reference.ts with it. Needs Go; run from anywhere
# after `npx tsc -p .`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
node "$root/dist/test/oracles/image-reference/corpus.js" | (cd "$here" && go run .) > "$root/test/fixtures/image-references.jsonl"
wc -l "$root/test/fixtures/image-references.jsonl"
