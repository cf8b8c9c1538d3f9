// QueryData for every query type, as dashboards, Explore and alert rules send it.

package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func (s *Suite) testQueryData(t *testing.T) {
	start, end := s.DS.Start, s.DS.End
	t.Run("features", func(t *testing.T) {
		s.checkFeatures(t, s.pc(), start, end, map[string]interface{}{}, nil, false)
	})
	t.Run("featuresZeroFilled", func(t *testing.T) {
		s.checkFeatures(t, s.pc(), start, end, map[string]interface{}{}, nil, true)
	})
	t.Run("featuresFilteredUDPSecondHour", func(t *testing.T) {
		udp := func(f Flow) bool { return f.Proto == "udp" }
		s.checkFeatures(t, s.pc(), start.Add(time.Hour), start.Add(2*time.Hour), map[string]interface{}{"protocols": []string{"udp"}}, udp, false)
	})
	t.Run("featuresSrcCidr", func(t *testing.T) {
		scanner := func(f Flow) bool { return f.SrcIP == "10.0.0.66" }
		s.checkFeatures(t, s.pc(), start.Add(30*time.Minute), start.Add(150*time.Minute), map[string]interface{}{"srcCidrs": []string{"10.0.0.64/28"}}, scanner, false)
	})
	t.Run("hostScoresTimeseries", s.checkHostScoresSeries)
	t.Run("hostScoresTable", s.checkHostScoresTable)
	t.Run("profile", s.checkProfile)
	t.Run("flows", s.checkFlows)
	t.Run("hosts", s.checkHosts)
	t.Run("featuresNoticeOverMaxDataPoints", func(t *testing.T) {
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10, "features": []string{"num_entries"}}, start, end)
		q.MaxDataPoints = 100
		frames := Decoded(t, s.QueryData(t, s.pc(), q), "A")
		checkNotice(t, frames[0], data.NoticeSeverityInfo)
	})
	t.Run("featuresSkippedLinesNotice", func(t *testing.T) {
		root := t.TempDir()
		good := s.DS.Flows[:50]
		var b strings.Builder
		for i, f := range good {
			fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%s,%d,%d,%d\n", time.Unix(f.TS, 0).UTC().Format("2006-01-02 15:04:05"),
				f.Proto, f.State, f.SrcIP, f.SrcPort, f.DstIP, f.DstPort, f.SrcTx, f.DstTx)
			if i == 10 {
				b.WriteString("this line is not a flow\n")
			}
		}
		if err := os.WriteFile(filepath.Join(root, "damaged.csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		pc := PluginContext(map[string]interface{}{"store": "file", "file": map[string]interface{}{"root": root, "format": "seed", "timeZone": "UTC"}}, 1)
		pc.DataSourceInstanceSettings.Uid, pc.DataSourceInstanceSettings.Id = "flowlens-damaged", 9
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10, "features": []string{"num_entries"}}, start, end)
		frames := Decoded(t, s.QueryData(t, pc, q), "A")
		checkNotice(t, frames[0], data.NoticeSeverityWarning)
		total := 0.0
		for i := 0; i < frames[0].Fields[1].Len(); i++ {
			v, _ := frames[0].Fields[1].ConcreteAt(i)
			total += v.(float64)
		}
		if total != float64(len(good)) {
			t.Errorf("num_entries adds up to %v, want the %d readable rows", total, len(good))
		}
	})
	t.Run("featuresNoDataInRange", func(t *testing.T) {
		// An alert rule evaluated over a quiet range must see "no data", not an error.
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10, "features": []string{"num_entries"}}, start.Add(-48*time.Hour), start.Add(-24*time.Hour))
		frames := Decoded(t, s.QueryData(t, s.pc(), q), "A")
		for _, f := range frames {
			if n, _ := f.RowLen(); n != 0 {
				t.Fatalf("%d rows for a range without flows", n)
			}
		}
		refs := ReadTimeSeries(t, frames, data.FrameTypeTimeSeriesWide)
		for _, r := range refs {
			if n, _ := r.Len(); n != 0 {
				t.Fatalf("series %s has %d points", r.GetMetricName(), n)
			}
		}
	})
	t.Run("concurrentRequests", func(t *testing.T) {
		// Grafana runs a dashboard's panels (and alert rules) concurrently on one connection.
		windows := []int64{10, 20, 30, 60, 120, 300, 600, 900}
		type result struct {
			window int64
			rows   int
			err    string
		}
		out := make(chan result, len(windows))
		for _, w := range windows {
			go func(w int64) {
				q := Query("C", map[string]interface{}{"queryType": "features", "windowSeconds": w, "features": []string{"num_entries"}}, start, end)
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				res, err := s.P.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: s.pc(), Queries: []*pluginv2.DataQuery{q}})
				if err != nil {
					out <- result{w, 0, err.Error()}
					return
				}
				r := res.Responses["C"]
				frames, err := data.UnmarshalArrowFrames(r.GetFrames())
				if err != nil || len(frames) != 1 {
					out <- result{w, 0, fmt.Sprintf("status %d %q, decode %v", r.GetStatus(), r.GetError(), err)}
					return
				}
				n, _ := frames[0].RowLen()
				out <- result{w, n, ""}
			}(w)
		}
		for range windows {
			r := <-out
			if r.err != "" {
				t.Errorf("window %d: %s", r.window, r.err)
				continue
			}
			if want := len(s.DS.Windows(r.window, start.Unix(), end.Unix(), nil)); r.rows != want {
				t.Errorf("window %d: %d rows, want %d", r.window, r.rows, want)
			}
		}
	})
	t.Run("alertEvaluation", func(t *testing.T) {
		// What unified alerting sends: no user, FromAlert headers, its stored defaults for
		// maxDataPoints/intervalMs, and a hostScores query whose frames must reduce per host.
		q := Query("A", s.scoreModel("timeseries"), start, end)
		q.MaxDataPoints, q.IntervalMS = 43200, 1000
		pc := s.pc()
		pc.User = nil
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		res, err := s.P.Data.QueryData(ctx, &pluginv2.QueryDataRequest{
			PluginContext: pc,
			Headers:       map[string]string{"FromAlert": "true", "X-Cache-Skip": "true", "X-Rule-Uid": "flowlens-botnet", "X-Grafana-Org-Id": "1"},
			Queries:       []*pluginv2.DataQuery{q},
		})
		if err != nil {
			t.Fatal(err)
		}
		frames := Decoded(t, res, "A")
		refs := ReadTimeSeries(t, frames, data.FrameTypeTimeSeriesMulti)
		seen := map[string]bool{}
		for _, r := range refs {
			key := r.GetLabels().String()
			if seen[key] || len(r.GetLabels()) == 0 {
				t.Fatalf("series labels %q empty or repeated: the rule would go to Error", key)
			}
			seen[key] = true
		}
	})
	t.Run("newerHostAsksForJSONFrames", func(t *testing.T) {
		// SDK >= v0.290 hosts may ask for JSON frames; a plugin that answers Arrow (format 0) is
		// still read, as the host decodes by the response's format.
		if hooks.NewerQueryRequest == nil {
			t.Skip("this SDK has no QueryDataRequest.format")
		}
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries"}}, start, end)
		req := &pluginv2.QueryDataRequest{PluginContext: s.pc(), Queries: []*pluginv2.DataQuery{q}}
		hooks.NewerQueryRequest(req)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		res, err := s.P.Data.QueryData(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		frames := Decoded(t, res, "A")
		if n, _ := frames[0].RowLen(); n != len(s.DS.Windows(60, start.Unix(), end.Unix(), nil)) {
			t.Fatalf("%d rows", n)
		}
	})
	t.Run("queryTypeOnlyInDataQuery", func(t *testing.T) {
		// Grafana copies the model's queryType into DataQuery.queryType; some callers (alert
		// rules built by API) only set the latter.
		q := Query("A", map[string]interface{}{"windowSeconds": 10, "features": []string{"num_entries"}}, start, end)
		q.QueryType = "features"
		frames := Decoded(t, s.QueryData(t, s.pc(), q), "A")
		if len(frames) != 1 || len(frames[0].Fields) != 2 {
			t.Fatalf("got %d frames, want one frame with time + num_entries", len(frames))
		}
	})
}
