#!/usr/bin/env bash
# ui-build-check.sh — the web UI's source matches what the binary embeds.
#
# From frontend/package-lock.json (npm ci), it:
#   1. regenerates the API types from docs/openapi.yaml (openapi-typescript)
#      and fails if they differ from the committed src/api/schema.d.ts;
#   2. type-checks the UI against them (vue-tsc, strict);
#   3. runs the component tests (Vitest);
#   4. rebuilds frontend/dist (Vite) and fails if it differs from the
#      committed copy that frontend/embed.go embeds.
# `go build` and `make run` need no Node: they use the committed dist.
# Called by `make test` before the browser test (scripts/ui-test.sh).
set -euo pipefail
cd "$(dirname "$0")/../frontend"

log() { printf 'ui-build-check: %s\n' "$*" >&2; }
command -v npm >/dev/null || { log "npm is missing (apt-get install nodejs npm)"; exit 1; }

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.fugong-lock ] || [ "$(cat node_modules/.fugong-lock)" != "$lock_sum" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund >/dev/null
  echo "$lock_sum" > node_modules/.fugong-lock
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fugong-ui-build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

log "API types from docs/openapi.yaml"
npx openapi-typescript ../docs/openapi.yaml -o "$tmp/schema.d.ts" >/dev/null 2>&1
if ! diff -q "$tmp/schema.d.ts" src/api/schema.d.ts >/dev/null; then
  log "src/api/schema.d.ts is stale: run 'npm run gen:api' in frontend/ and fix what vue-tsc then reports"
  diff -u src/api/schema.d.ts "$tmp/schema.d.ts" | head -40 >&2
  exit 1
fi

log "vue-tsc"
npx vue-tsc --noEmit -p tsconfig.json

log "vitest"
npx vitest run --reporter=dot

log "vite build (into a temp dir, compared with the committed dist)"
npx vite build --outDir "$tmp/dist" --emptyOutDir >/dev/null
if ! diff -r "$tmp/dist" dist >/dev/null; then
  log "frontend/dist differs from a fresh build of frontend/src: run 'npm run build' in frontend/ and commit dist"
  diff -rq "$tmp/dist" dist >&2 || true
  exit 1
fi
log "ok: types current, type check clean, tests pass, dist matches the source"
