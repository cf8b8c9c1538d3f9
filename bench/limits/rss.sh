#!/usr/bin/env bash
# Peak RSS of `flowlens features` on a large generated input (the issue asks for 5 GB).
#   bench/limits/rss.sh [GB] [dir]    (default 1 GB in /tmp/flowlens-rel; needs GB×1.1 free)
# The input is N files of ~1 GB (14 M seed flows each, one week apart, so the set is time-ordered)
# read by one `flowlens features` run; /usr/bin/time -v reports the peak RSS and the run time.
set -euo pipefail
gb=${1:-1}
dir=${2:-/tmp/flowlens-rel}
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
files=()
for ((i = 0; i < gb; i++)); do
  f="$dir/part$i.csv"
  if [ ! -s "$f" ]; then
    start=$((1313488800 + i * 604800))
    node --import tsx "$here/src/cli/main.ts" generate --format seed --flows 14000000 --seed $((5 + i)) --bots 3 --start "$start" --duration 604800 > "$f"
  fi
  files+=("$f")
done
du -ch "${files[@]}" | tail -1
/usr/bin/time -v node --import tsx "$here/src/cli/main.ts" features --window 60 "${files[@]}" 2> "$dir/features.time" > "$dir/features.out" || { tail -20 "$dir/features.time"; exit 1; }
grep -E "Maximum resident set size|Elapsed \(wall clock\)|User time|System time" "$dir/features.time"
echo "windows written: $(($(wc -l < "$dir/features.out") - 1))"
