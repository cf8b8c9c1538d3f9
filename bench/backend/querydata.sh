#!/bin/sh
# QueryData latency from Grafana's side: the Go conformance harness starts the backend single
# executable through go-plugin and times 1,000 `features` queries (window 10 s over 3 hours =
# 1,080 rows, Arrow decode included) with the SDK of each module, after 20 warm-up calls, and a
# rejected query as the round-trip floor in the same process; then the same calls against the Go
# peer (querydata-gopeer/: the same six default features written as a Go data source with
# grafana-plugin-sdk-go v0.298.0), whose values must equal ours. Target: p99 <= 20 ms.
#   FLOWLENS_BENCH_CALLS=N        calls per measurement (default 1000)
#   CONFORMANCE_MODULES=sdk-g11   only these SDK modules (default: sdk-g11 sdk-latest)
#   FLOWLENS_BACKEND_BIN=path     another executable (default dist/gpx_flowlens_linux_amd64, rebuilt when stale)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
node "$root/tests/conformance/run.mjs" --build-only
peer=$(mktemp -d)/gpx_querydata_gopeer
trap 'rm -rf "$(dirname "$peer")"' EXIT
(cd "$root/bench/backend/querydata-gopeer" && go build -o "$peer" .)
export FLOWLENS_BENCH_PEER_BIN="$peer"
for mod in $(echo "${CONFORMANCE_MODULES:-sdk-g11,sdk-latest}" | tr ',' ' '); do
  echo "== $mod"
  (cd "$root/tests/conformance/$mod" && FLOWLENS_BENCH=1 GOFLAGS="${GOFLAGS:-} -mod=mod" \
    go test -count=1 -run '^TestQueryDataLatency$' -v ./... | grep -E 'QueryData|ratio|rows|load average|peer|target|backend-side|using github.com/grafana/grafana-plugin-sdk-go|^(ok|FAIL)')
done
