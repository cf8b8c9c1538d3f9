// Feature frames: values against an independent computation, dataplane wide reading, notices.

package harness

import (
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// checkedFeatures are computed independently from the generated flows (semantics.md §1), listed
// in catalog order.
var checkedFeatures = []string{"num_entries", "count_dst_port", "count_src_ip", "num_state_established", "bytes_up", "bytes_total"}

func (w WindowStats) value(name string) float64 {
	switch name {
	case "num_entries":
		return w.NumEntries
	case "count_dst_port":
		return w.CountDstPort
	case "count_src_ip":
		return w.CountSrcIP
	case "num_state_established":
		return w.NumStateEstablished
	case "bytes_up":
		return w.BytesUp
	case "bytes_total":
		return w.BytesTotal
	}
	panic("unchecked feature " + name)
}

// checkFeatures runs a features query (window 10 s) and compares every row of the checked
// features with values computed here from the generated flows.
func (s *Suite) checkFeatures(t *testing.T, pc *pluginv2.PluginContext, from, to time.Time, filter map[string]interface{}, keep func(Flow) bool, fill bool) {
	t.Helper()
	const window = 10
	q := Query("A", map[string]interface{}{
		"queryType": "features", "windowSeconds": window, "features": checkedFeatures, "filter": filter, "fillEmpty": fill,
	}, from, to)
	frames := Decoded(t, s.QueryData(t, pc, q), "A")
	if len(frames) != 1 {
		t.Fatalf("features returned %d frames, want 1 (timeseries-wide)", len(frames))
	}
	f := frames[0]
	CheckTypedFrame(t, f, data.FrameTypeTimeSeriesWide)
	if len(f.Fields) != 1+len(checkedFeatures) {
		t.Fatalf("frame has %d fields, want time + %d features", len(f.Fields), len(checkedFeatures))
	}
	CheckTimeField(t, f.Fields[0])
	for j, name := range checkedFeatures {
		fld := f.Fields[1+j]
		if fld.Name != name {
			t.Fatalf("field %d is %q, want %q", 1+j, fld.Name, name)
		}
		if fld.Type() != data.FieldTypeFloat64 && fld.Type() != data.FieldTypeNullableFloat64 {
			t.Fatalf("feature %s is %s, want float64", name, fld.Type())
		}
	}

	want := s.DS.Windows(window, from.Unix(), to.Unix(), keep)
	if len(want) == 0 {
		t.Fatal("test data has no flows in range: the harness is broken")
	}
	if fill {
		want = zeroFill(want, window, from.Unix(), to.Unix())
	}
	rows, _ := f.RowLen()
	if rows != len(want) {
		t.Fatalf("frame has %d rows, want %d windows (fillEmpty=%v)", rows, len(want), fill)
	}
	for i, w := range want {
		ts := f.Fields[0].At(i).(time.Time)
		if ts.UnixNano() != w.Start*1e9 {
			t.Fatalf("row %d time %s, want window start %s", i, ts.UTC(), time.Unix(w.Start, 0).UTC())
		}
		for j, name := range checkedFeatures {
			got, ok := f.Fields[1+j].ConcreteAt(i)
			if !ok {
				t.Fatalf("row %d %s is null, want %v", i, name, w.value(name))
			}
			if g := got.(float64); !approx(g, w.value(name)) {
				t.Fatalf("row %d (%s) %s = %v, want %v", i, time.Unix(w.Start, 0).UTC(), name, g, w.value(name))
			}
		}
	}

	// Alerting reads the same frame through the dataplane reader: one series per feature.
	refs := ReadTimeSeries(t, frames, data.FrameTypeTimeSeriesWide)
	if len(refs) != len(checkedFeatures) {
		t.Fatalf("dataplane read %d series, want %d", len(refs), len(checkedFeatures))
	}
	seen := map[string]bool{}
	for _, r := range refs {
		seen[r.GetMetricName()] = true
		if n, err := r.Len(); err != nil || n != len(want) {
			t.Errorf("series %s has %d points (%v), want %d", r.GetMetricName(), n, err, len(want))
		}
	}
	for _, name := range checkedFeatures {
		if !seen[name] {
			t.Errorf("dataplane series %q missing", name)
		}
	}
	// An alert condition over several series needs a distinct label set per series ("frame cannot
	// uniquely be identified by its labels" otherwise); names do not count there.
	labelSets := map[string]string{}
	for _, fld := range f.Fields[1:] {
		key := fld.Labels.String()
		if other, dup := labelSets[key]; dup {
			t.Errorf("features %s and %s share the label set {%s}: an alert rule on this query would go to Error", other, fld.Name, key)
		}
		labelSets[key] = fld.Name
	}
}

func zeroFill(ws []WindowStats, window, from, to int64) []WindowStats {
	byStart := map[int64]WindowStats{}
	for _, w := range ws {
		byStart[w.Start] = w
	}
	var out []WindowStats
	for st := floorDiv(from, window) * window; st < to; st += window {
		if w, ok := byStart[st]; ok {
			out = append(out, w)
		} else {
			out = append(out, WindowStats{Start: st})
		}
	}
	return out
}

func approx(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

func checkNotice(t *testing.T, f *data.Frame, sev data.NoticeSeverity) {
	t.Helper()
	if f.Meta == nil {
		t.Fatal("frame has no meta")
	}
	for _, n := range f.Meta.Notices {
		if n.Severity == sev && n.Text != "" {
			return
		}
	}
	t.Fatalf("no %s notice in %+v", sev, f.Meta.Notices)
}
