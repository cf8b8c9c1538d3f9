// Per-refId failures: status, error source and message, and what must keep working around them.

package harness

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func (s *Suite) testQueryDataErrors(t *testing.T) {
	start, end := s.DS.Start, s.DS.End
	t.Run("invalidWindowIs400Plugin", func(t *testing.T) {
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": -5}, start, end)
		msg := ExpectError(t, s.QueryData(t, s.pc(), q), "A", 400, "plugin")
		if !strings.Contains(msg, "window") {
			t.Errorf("message %q does not say which setting is wrong", msg)
		}
	})
	t.Run("unknownQueryTypeIs400Plugin", func(t *testing.T) {
		q := Query("A", map[string]interface{}{"queryType": "nonsense"}, start, end)
		ExpectError(t, s.QueryData(t, s.pc(), q), "A", 400, "plugin")
	})
	t.Run("malformedModelIs400Plugin", func(t *testing.T) {
		q := Query("A", map[string]interface{}{"queryType": "features"}, start, end)
		q.Json = []byte(`{"queryType": "features", "windowSeconds": `)
		ExpectError(t, s.QueryData(t, s.pc(), q), "A", 400, "plugin")
	})
	t.Run("missingFolderIs502Downstream", func(t *testing.T) {
		pc := PluginContext(map[string]interface{}{"store": "file", "file": map[string]interface{}{"root": s.DS.Root + "/gone"}}, 1)
		pc.DataSourceInstanceSettings.Uid = "flowlens-missing"
		pc.DataSourceInstanceSettings.Id = 8
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10}, start, end)
		ExpectError(t, s.QueryData(t, pc, q), "A", 502, "downstream")
	})
	t.Run("oneBadQueryDoesNotFailItsNeighbour", func(t *testing.T) {
		good := Query("GOOD", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries"}}, start, end)
		bad := Query("BAD", map[string]interface{}{"queryType": "features", "windowSeconds": "ten"}, start, end)
		res := s.QueryData(t, s.pc(), good, bad)
		ExpectError(t, res, "BAD", 400, "plugin")
		frames := Decoded(t, res, "GOOD")
		rows, _ := frames[0].RowLen()
		if want := len(s.DS.Windows(60, start.Unix(), end.Unix(), nil)); rows != want {
			t.Fatalf("GOOD has %d rows, want %d", rows, want)
		}
	})
	t.Run("emptyRangeIs400Plugin", func(t *testing.T) {
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10}, end, start)
		ExpectError(t, s.QueryData(t, s.pc(), q), "A", 400, "plugin")
	})
	t.Run("expiredDeadlinesLeaveThePluginServing", func(t *testing.T) {
		// Dashboards cancel superseded refreshes and alerting has an evaluation timeout: calls
		// whose deadline passes mid-work must not leave the plugin broken.
		for i := 0; i < 5; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+i*3)*time.Millisecond)
			q := Query("A", s.scoreModel("table"), start, end)
			_, err := s.P.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: s.pc(), Queries: []*pluginv2.DataQuery{q}})
			cancel()
			if err == nil {
				continue // fast enough: nothing to cancel
			}
			if c := status.Code(err); c != codes.DeadlineExceeded && c != codes.Canceled {
				t.Fatalf("expired call %d failed with %v, want DeadlineExceeded", i, err)
			}
		}
		q := Query("B", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries"}}, start, end)
		frames := Decoded(t, s.QueryData(t, s.pc(), q), "B")
		if n, _ := frames[0].RowLen(); n != len(s.DS.Windows(60, start.Unix(), end.Unix(), nil)) {
			t.Fatalf("after cancelled calls: %d rows", n)
		}
		if !processAlive(s.P.Pid) {
			t.Fatal("plugin process died")
		}
	})
	t.Run("settingsChangeRebuildsInstance", func(t *testing.T) {
		// Same data source id and uid, newer lastUpdatedMS, root moved: the answer must follow.
		pc := PluginContext(map[string]interface{}{"store": "file", "file": map[string]interface{}{"root": s.DS.Root + "/moved"}}, s.updated+1000)
		q := Query("A", map[string]interface{}{"queryType": "hosts", "role": "src"}, start, end)
		ExpectError(t, s.QueryData(t, pc, q), "A", 502, "downstream")
		back := PluginContext(s.DS.JSONData(), s.updated+2000)
		res := s.QueryData(t, back, Query("B", map[string]interface{}{"queryType": "hosts", "role": "src"}, start, end))
		if r := res.Responses["B"]; r.GetStatus() != 200 && !(r.GetStatus() == 501 && strings.Contains(r.GetError(), notYetMarker)) {
			t.Fatalf("after restoring the root: status %d %q", r.GetStatus(), r.GetError())
		}
		s.updated += 2000
	})
}

// checkNotice: a notice of that severity with text; the SDK decoder already rejected unknown
// severities, which would have failed the whole response in Grafana.
