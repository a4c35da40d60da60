#!/usr/bin/env bash
# Runs every fuzz target in the repository (every `func Fuzz…` in a _test.go
# file) one after another, each for FUZZTIME, and prints executions and the
# result per target. FUZZTIME defaults to an even share of FUZZTOTAL
# (default 540 s, so with builds the whole run takes about 10 minutes).
#   make fuzz                     # ~10 minutes
#   FUZZTIME=30s make fuzz        # 30 s per target
#   FUZZPARALLEL=1 make fuzz      # one fuzzing worker (a shared or small machine)
# A failure leaves its crasher in the package's testdata/fuzz/<Target>/ (go
# test writes it there); the script exits 1 when any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

mapfile -t targets < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . \
  | sed -E 's#^\./(.*)/[^/]+_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
n=${#targets[@]}
if [ "$n" -eq 0 ]; then echo "no fuzz targets"; exit 1; fi
total=${FUZZTOTAL:-540}
per=${FUZZTIME:-$(( total / n > 10 ? total / n : 10 ))s}
logdir=${FUZZLOG:-$(mktemp -d /tmp/fugong-fuzz.XXXXXX)}
mkdir -p "$logdir"
echo "fuzzing $n targets for $per each (logs in $logdir)"
failed=0
printf '%-28s %-28s %12s  %s\n' package target execs result
for t in "${targets[@]}"; do
  pkg=${t% *}; name=${t#* }
  log="$logdir/${pkg//\//_}_$name.log"
  go test "./$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$per" ${FUZZPARALLEL:+-parallel "$FUZZPARALLEL"} >"$log" 2>&1
  rc=$?
  execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  result=PASS
  if [ $rc -ne 0 ]; then
    result="FAIL ($(grep -m1 -E 'panic:|--- FAIL|Failing input' "$log" | head -c 120))"
    failed=1
  fi
  printf '%-28s %-28s %12s  %s\n' "$pkg" "$name" "${execs:-0}" "$result"
done
exit $failed
