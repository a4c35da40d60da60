#!/usr/bin/env bash
# Shortens `go test -v` output for CI logs: drops the === RUN/PAUSE/CONT lines
# and keeps every --- PASS/FAIL/SKIP line (so the MariaDB and MinIO subtests
# show by name), log output of failing tests, and package summaries.
# It then prints one closing line: "N passed, N failed, N skipped".
set -uo pipefail
awk '
  /^=== (RUN|PAUSE|CONT|NAME)/ { next }
  /^[ \t]*--- PASS/ { pass++ }
  /^[ \t]*--- FAIL/ { fail++ }
  /^[ \t]*--- SKIP/ { skip++ }
  { print; fflush() }
  END { printf "tests: %d passed, %d failed, %d skipped\n", pass, fail, skip }
'
