#!/usr/bin/env bash
# Runs the whole suite with its clock moved to each moment where dates go wrong, one line per moment.
# Usage: scripts/test_dates.sh [moment …] (default: the list below). Exit status: the number of failed runs.
# As `make test`, Python keeps the byte-code of the project's modules (PYTHONDONTWRITEBYTECODE emptied).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
TEST_WORKERS=${TEST_WORKERS:-auto}
ten_years=$(date -d '+10 years' +%F)
moments=("$@")
if [ ${#moments[@]} -eq 0 ]; then
  moments=(
    2027-01-01            # the 1st of a month (and of a year)
    2027-02-05            # the 5th
    2027-03-09            # the 9th
    2028-02-29            # a leap day
    2026-12-31T23:30      # New Year's Eve, late
    2027-01-01T00:30      # 1 January in Paris, still 31 December in UTC
    2027-03-28T02:30      # spring forward: this time does not exist in Paris
    2027-10-31T02:30      # fall back: this time happens twice
    2027-07-14            # a public holiday
    2027-11-01            # another
    2027-05-06            # Ascension Thursday
    2027-02-13            # a Saturday
    2027-02-14            # a Sunday
    "$ten_years"          # ten years from now
  )
fi
logs=$(mktemp -d)
failed=0
for moment in "${moments[@]}"; do
  log="$logs/${moment//:/-}.log"
  start=$(date +%s)
  QUALIPREF_TEST_TODAY="$moment" PYTHONDONTWRITEBYTECODE= "$PY" -m pytest -n "$TEST_WORKERS" --dist loadfile --no-loadscope-reorder >"$log" 2>&1
  rc=$?
  summary=$(grep -E "^(=+ )?[0-9]+ (passed|failed)|error" "$log" | tail -1 | sed 's/=//g')
  clock=$(grep -m1 "^test clock:" "$log" || echo "test clock: ?")
  if [ "$rc" -eq 0 ]; then status=ok; else status="FAILED (exit $rc)"; failed=$((failed + 1)); fi
  printf '%-18s %-40s %-14s %4ss  %s\n' "$moment" "$clock" "$status" "$(($(date +%s) - start))" "$summary"
done
echo "logs: $logs"
exit "$failed"
