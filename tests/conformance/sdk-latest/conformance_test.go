package conformance

import (
	"fmt"
	"testing"

	"flowlens.test/conformance/harness"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// TestConformance drives the Flowlens backend executable through go-plugin and the pluginv2
// clients of the newest grafana-plugin-sdk-go, sending the fields only newer hosts send
// (apiVersion and namespace in the plugin context, a JSON frame format request) and requiring
// Arrow answers.
func TestConformance(t *testing.T) {
	harness.Run(t, harness.Hooks{
		PluginContext: func(pc *pluginv2.PluginContext) {
			pc.ApiVersion = "v0alpha1"
			pc.Namespace = "default"
			if ds := pc.DataSourceInstanceSettings; ds != nil {
				ds.ApiVersion = "v0alpha1"
			}
		},
		NewerQueryRequest: func(r *pluginv2.QueryDataRequest) { r.Format = pluginv2.DataFrameFormat_JSON },
		CheckResponse: func(r *pluginv2.DataResponse) error {
			if r.GetFormat() != pluginv2.DataFrameFormat_ARROW {
				return fmt.Errorf("DataResponse.format %s: Flowlens always answers Arrow frames", r.GetFormat())
			}
			return nil
		},
	})
}

// TestQueryDataLatency is the QueryData p50/p99 benchmark (bench/backend/querydata.sh); it only
// runs with FLOWLENS_BENCH=1.
func TestQueryDataLatency(t *testing.T) {
	harness.RunLatencyBench(t)
}
