#!/usr/bin/env bash
# Runs every fuzz target in turn, one at a time, for the given number of executions each
# (default 3,000,000), logging to fuzz/logs/<target>.log and a line per run to
# fuzz/logs/summary.txt. Release build without debug assertions (`-O`: the storage
# engine's own debug assertions multiply the cost of every commit) and without a
# sanitizer (guanxi has no unsafe code). A run stops early on the first crash, whose input
# is written to fuzz/artifacts/<target>/.
#
# Usage: fuzz/run-all.sh [EXECUTIONS] [TARGET...]
#
# Do not pause a run (SIGSTOP) for long: the per-input timeout counts wall-clock time.
set -u
cd "$(dirname "$0")"
runs=${1:-3000000}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(decode_record csv_import ops_model open_corrupt)
mkdir -p logs
RUSTC_BOOTSTRAP=1 cargo fuzz build -O --sanitizer=none || exit 1
for target in "${targets[@]}"; do
  extra=()
  # Long programs of transactions mostly repeat what short ones cover, at many times
  # the cost per input.
  [ "$target" = ops_model ] && extra=(-max_len=160)
  RUSTC_BOOTSTRAP=1 nice cargo fuzz run -O --sanitizer=none "$target" -- -runs="$runs" \
    -timeout=900 -rss_limit_mb=4096 -print_final_stats=1 "${extra[@]}" > "logs/$target.log" 2>&1
  echo "$target $runs exit $? $(grep -h number_of_executed_units "logs/$target.log")" >> logs/summary.txt
done
