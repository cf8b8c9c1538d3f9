package conformance

import (
	"testing"

	"flowlens.test/conformance/harness"
)

// TestConformance drives the Flowlens backend executable through go-plugin and the pluginv2
// clients of the grafana-plugin-sdk-go version pinned in this module's go.mod.
func TestConformance(t *testing.T) {
	harness.Run(t, harness.Hooks{})
}

// TestQueryDataLatency is the QueryData p50/p99 benchmark (bench/backend/querydata.sh); it only
// runs with FLOWLENS_BENCH=1.
func TestQueryDataLatency(t *testing.T) {
	harness.RunLatencyBench(t)
}
