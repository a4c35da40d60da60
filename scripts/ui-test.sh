#!/usr/bin/env bash
# ui-test.sh — the browser smoke test of the web UI (frontend/e2e/smoke.mjs).
#
# Installs what it needs when missing (Debian's chromium and a CJK font via
# apt-get; playwright-core, pinned, into frontend/e2e/node_modules via npm,
# never saved to a package.json), builds the binary, seeds the demo data
# into a temporary data directory, serves it on a free loopback port, runs
# the test and stops the server by its pid. Exit status: the test's.
#
#   UI_SHOTS=DIR  keep the screenshots there (default: a new temp dir, printed)
#   UI_KEEP=1     keep the server's temp dir (database, log) for debugging
#   UI_BIN=PATH   where the binary is built (default /tmp/fugong-ui; give each
#                 concurrent run its own)
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" # see the Makefile
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE_VERSION=1.65.1 # = frontend/package.json
AXE_CORE_VERSION=4.14.1        # = frontend/package.json
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
BIN=${UI_BIN:-/tmp/fugong-ui}

log() { printf 'ui-test: %s\n' "$*" >&2; }

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x "$CHROMIUM" ]; then
  log "installing chromium (apt-get)"
  apt_install chromium
fi
# Without a CJK font the screenshots show boxes instead of Chinese (the test itself does not need it).
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  log "installing fonts-noto-cjk (apt-get)"
  apt_install fonts-noto-cjk || log "no CJK font; screenshots will show boxes"
fi
command -v node >/dev/null || { log "installing nodejs (apt-get)"; apt_install nodejs npm; }

pw_pkg=frontend/e2e/node_modules/playwright-core/package.json
axe_pkg=frontend/e2e/node_modules/axe-core/package.json
if [ ! -f "$pw_pkg" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_CORE_VERSION\"" "$pw_pkg" ||
   [ ! -f "$axe_pkg" ] || ! grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$axe_pkg"; then
  log "installing playwright-core@$PLAYWRIGHT_CORE_VERSION axe-core@$AXE_CORE_VERSION (npm, --no-save)"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix frontend/e2e \
    "playwright-core@$PLAYWRIGHT_CORE_VERSION" "axe-core@$AXE_CORE_VERSION" >/dev/null
fi

log "building $BIN"
go build -o "$BIN" ./cmd/fugong

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fugong-ui-XXXXXX")
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export FUGONG_DATABASE_DRIVER=sqlite
export FUGONG_DATABASE_DSN="$tmp/fugong.db"
export FUGONG_BLOB_BACKEND=local
export FUGONG_BLOB_LOCAL_ROOT="$tmp/uploads"
export FUGONG_DATA_DIR="$tmp/data"
export FUGONG_HTTP_ADDR="127.0.0.1:$port"
export FUGONG_RULES_DIR="$PWD/rules"
unset FUGONG_DATA_KEY

pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "${UI_KEEP:-}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

log "seeding demo data into $tmp"
"$BIN" seed demo >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log" >&2; exit 1; }

log "serving on 127.0.0.1:$port"
"$BIN" serve >"$tmp/serve.log" 2>&1 &
pid=$!
ready=
for _ in $(seq 1 150); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  log "server did not become ready"; tail -n 50 "$tmp/serve.log" >&2
  echo "ui: 0 passed, 1 failed"
  exit 1
fi

status=0
FUGONG_UI_BASE="http://127.0.0.1:$port" FUGONG_UI_SHOTS="${UI_SHOTS:-}" CHROMIUM="$CHROMIUM" \
  node frontend/e2e/smoke.mjs || status=$?
if [ "$status" -ne 0 ]; then
  log "server log (last 30 lines):"; tail -n 30 "$tmp/serve.log" >&2
fi
exit "$status"
