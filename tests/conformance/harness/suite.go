package harness

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Suite is one running backend plus the dataset its data source points at.
type Suite struct {
	P  *Plugin
	DS *Dataset
	// updated is the data source's lastUpdatedMS; bumping it makes the backend rebuild the instance.
	updated int64
}

// Hooks let a module exercise protocol fields that only its SDK version has (a newer host).
type Hooks struct {
	// PluginContext adds newer PluginContext fields (apiVersion, namespace) to every call.
	PluginContext func(*pluginv2.PluginContext)
	// NewerQueryRequest sets newer QueryDataRequest fields (format) for the NewerHostFields check.
	NewerQueryRequest func(*pluginv2.QueryDataRequest)
	// CheckResponse checks newer DataResponse fields (format must stay ARROW) on every refId.
	CheckResponse func(*pluginv2.DataResponse) error
}

var hooks Hooks

// Run is the whole conformance check; each SDK-version module calls it from its own test.
func Run(t *testing.T, h Hooks) {
	hooks = h
	t.Cleanup(func() { hooks = Hooks{} })
	LogVersions(t)
	ds := NewDataset(t, 3)
	s := &Suite{P: Start(t, Options{}), DS: ds, updated: 1709251200000}

	t.Run("CheckHealth", s.testCheckHealth)
	t.Run("QueryData", s.testQueryData)
	t.Run("QueryDataErrors", s.testQueryDataErrors)
	t.Run("QueryDataRealCTU13", s.testCTU13)
	t.Run("ClickHouseStore", s.testClickHouse)
	t.Run("CallResource", s.testCallResource)
	t.Run("Streams", s.testStreams)
	t.Run("CollectMetrics", s.testCollectMetrics)
	t.Run("StderrIsHclogJSON", s.testStderr)
	t.Run("GoPluginHostSawNoTrouble", s.testGoPluginHost)
	t.Run("ShutdownWithin2s", s.testShutdown)
	t.Run("StartAfterKill", func(t *testing.T) { testStartAfterKill(t, ds) })
	t.Run("WithoutHostEnvironment", func(t *testing.T) { testWithoutHostEnv(t, ds) })
	t.Run("StdoutOnlyHandshake", func(t *testing.T) { testStdoutOnlyHandshake(t, ds) })
	t.Run("RefusesWithoutCookie", testRefusesWithoutCookie)
	t.Run("SameUIDInTwoOrgs", testSameUIDInTwoOrgs)
	t.Run("ArrowEveryFieldKind", testArrowKitchenSink)
	t.Run("StreamJSONMatchesArrow", testFrameJSONMatchesArrow)
}

// LogVersions records which Grafana libraries the module under test selected. Test binaries
// carry no dependency list (debug.ReadBuildInfo has no Deps), but since Go 1.17 a tidy go.mod
// lists every selected module version, so it is read from the module's go.mod.
func LogVersions(t testing.TB) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Logf("cannot read go.mod for the library versions: %v", err)
		return
	}
	for _, line := range strings.Split(string(mod), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch p := f[0]; {
		case strings.HasPrefix(p, "github.com/grafana/grafana-plugin-sdk-go"),
			strings.HasPrefix(p, "github.com/hashicorp/go-plugin"),
			strings.HasPrefix(p, "github.com/grafana/dataplane"),
			strings.HasPrefix(p, "github.com/apache/arrow"),
			p == "google.golang.org/grpc":
			t.Logf("using %s %s", p, f[1])
		}
	}
}

// PluginContext is what Grafana sends for a data source with this jsonData.
func PluginContext(jsonData map[string]interface{}, updated int64) *pluginv2.PluginContext {
	js, err := json.Marshal(jsonData)
	if err != nil {
		panic(err)
	}
	pc := &pluginv2.PluginContext{
		OrgId:    1,
		PluginId: PluginID,
		User:     &pluginv2.User{Login: "admin", Name: "Admin", Email: "admin@localhost", Role: "Admin"},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id:                      7,
			Uid:                     "flowlens-conformance",
			Name:                    "Flowlens",
			JsonData:                js,
			DecryptedSecureJsonData: map[string]string{},
			LastUpdatedMS:           updated,
		},
		GrafanaConfig: map[string]string{"GF_APP_URL": "http://localhost:3000/", "GF_CONCURRENT_QUERY_COUNT": "4"},
		PluginVersion: "0.1.0",
		UserAgent:     "Grafana/" + GrafanaVersion + " (linux; amd64)",
	}
	if hooks.PluginContext != nil {
		hooks.PluginContext(pc)
	}
	return pc
}

func (s *Suite) pc() *pluginv2.PluginContext { return PluginContext(s.DS.JSONData(), s.updated) }

// Query builds one DataQuery the way a dashboard panel sends it: the full model in `json`, the
// query type copied into `queryType`, absolute range, interval and max data points.
func Query(refID string, model map[string]interface{}, from, to time.Time) *pluginv2.DataQuery {
	m := map[string]interface{}{
		"refId":         refID,
		"datasource":    map[string]string{"type": PluginID, "uid": "flowlens-conformance"},
		"intervalMs":    10000,
		"maxDataPoints": 1200,
	}
	for k, v := range model {
		m[k] = v
	}
	js, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	qt, _ := model["queryType"].(string)
	return &pluginv2.DataQuery{
		RefId:         refID,
		MaxDataPoints: 1200,
		IntervalMS:    10000,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: from.UnixMilli(), ToEpochMS: to.UnixMilli()},
		Json:          js,
		QueryType:     qt,
	}
}

// QueryData sends one request with dashboard-style forwarded headers.
func (s *Suite) QueryData(t *testing.T, pc *pluginv2.PluginContext, qs ...*pluginv2.DataQuery) *pluginv2.QueryDataResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := s.P.Data.QueryData(ctx, &pluginv2.QueryDataRequest{
		PluginContext: pc,
		Headers:       map[string]string{"http_X-Dashboard-Uid": "conformance", "http_X-Panel-Id": "2", "http_X-Grafana-Org-Id": "1"},
		Queries:       qs,
	})
	if err != nil {
		t.Fatalf("QueryData gRPC error (fails every refId at once; per-query failures belong in DataResponse): %v", err)
	}
	return res
}

func (s *Suite) testCheckHealth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t.Run("ValidFolder", func(t *testing.T) {
		res, err := s.P.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: s.pc()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("status %s (%q), want OK", res.Status, res.Message)
		}
		checkOneSentence(t, res.Message)
		checkJSONDetails(t, res.JsonDetails)
	})
	t.Run("MissingFolder", func(t *testing.T) {
		missing := s.DS.Root + "/does-not-exist"
		pc := PluginContext(map[string]interface{}{"store": "file", "file": map[string]interface{}{"root": missing}}, 1)
		pc.DataSourceInstanceSettings.Uid = "flowlens-missing"
		pc.DataSourceInstanceSettings.Id = 8
		res, err := s.P.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pc})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_ERROR {
			t.Fatalf("status %s (%q), want ERROR", res.Status, res.Message)
		}
		checkOneSentence(t, res.Message)
		if !strings.Contains(res.Message, missing) {
			t.Errorf("message %q does not name the folder %s", res.Message, missing)
		}
		checkJSONDetails(t, res.JsonDetails)
	})
}

// checkOneSentence: the "Save & test" banner shows the message as is.
func checkOneSentence(t *testing.T, msg string) {
	t.Helper()
	msg = strings.TrimSpace(msg)
	if msg == "" || strings.Contains(msg, "\n") || !strings.HasSuffix(msg, ".") {
		t.Errorf("health message %q is not one sentence ending with a period", msg)
	}
	if n := strings.Count(strings.TrimSuffix(msg, "."), ". "); n > 0 {
		t.Errorf("health message %q has %d sentences", msg, n+1)
	}
}

// checkJSONDetails: Grafana unmarshals non-empty jsonDetails into a map (else HTTP 500).
func checkJSONDetails(t *testing.T, details []byte) {
	t.Helper()
	if len(details) == 0 {
		return
	}
	var m map[string]interface{}
	if err := json.Unmarshal(details, &m); err != nil {
		t.Errorf("jsonDetails %s is not a JSON object: %v", details, err)
	}
}
