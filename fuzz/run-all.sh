#!/usr/bin/env bash
# Runs every fuzz target in turn, one at a time, for the given number of seconds each
# (decode_record, csv_import, ops_model, open_corrupt), logging to fuzz/logs/<target>.log.
# Usage: fuzz/run-all.sh [SECONDS_DECODE] [SECONDS_CSV] [SECONDS_OPS] [SECONDS_OPEN]
set -u
cd "$(dirname "$0")"
mkdir -p logs
run() {
  local target=$1 secs=$2
  RUSTC_BOOTSTRAP=1 nice cargo fuzz run --sanitizer=none "$target" -- -max_total_time="$secs" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "logs/$target.log" 2>&1
  echo "$target exit $?" >> logs/summary.txt
}
[ "${1:-240}" -gt 0 ] && run decode_record "${1:-240}"
[ "${2:-720}" -gt 0 ] && run csv_import "${2:-720}"
[ "${3:-900}" -gt 0 ] && run ops_model "${3:-900}"
[ "${4:-1200}" -gt 0 ] && run open_corrupt "${4:-1200}"
