#!/usr/bin/env bash
# Loads the bundled sample (Argus .binetflow CSV) into flowlens.flows, the table the
# "Flowlens ClickHouse" data source reads with the generic column preset. Idempotent: the table
# is rebuilt on every start, with timestamps shifted so the newest flow is "now".
set -euo pipefail
client=(clickhouse-client --host "${CLICKHOUSE_HOST:-clickhouse}" --user "${CLICKHOUSE_USER:-flowlens}" --password "${CLICKHOUSE_PASSWORD:-}")

"${client[@]}" --multiquery < /loader/schema.sql
shopt -s nullglob
files=(/sample/*.binetflow)
if [ ${#files[@]} -eq 0 ]; then
  echo "load-sample: no .binetflow files in /sample — nothing to load" >&2
  exit 1
fi
for f in "${files[@]}"; do
  echo "load-sample: $f"
  "${client[@]}" --query "INSERT INTO flowlens.binetflow_raw FORMAT CSVWithNames" < "$f"
done
"${client[@]}" --multiquery < /loader/shift.sql
"${client[@]}" --query "SELECT 'load-sample: ' || toString(count()) || ' flows, ' || toString(min(ts)) || ' .. ' || toString(max(ts)) FROM flowlens.flows"
