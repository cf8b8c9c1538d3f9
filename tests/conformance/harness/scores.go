// Host scores and profiles: dataplane multi series per host, score tables, profile tables.

package harness

import (
	"fmt"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func (s *Suite) scoreModel(output string) map[string]interface{} {
	return map[string]interface{}{
		"queryType": "hostScores",
		"profile": map[string]interface{}{
			"hosts":    []string{"10.0.0.1", "10.0.0.2"},
			"from":     fmt.Sprint(s.DS.Start.Unix()),
			"to":       fmt.Sprint(s.DS.Start.Add(time.Hour).Unix()),
			"features": []map[string]interface{}{{"name": "protocol"}, {"name": "dst_port"}},
			"window":   5, "states": 3, "covarianceType": "diag", "seed": 1, "iterations": 10, "tol": 0.01,
		},
		"method": "mean", "output": output, "hosts": []string{"10.0.0.3", "10.0.0.66", "10.0.0.7"}, "bucketSeconds": 600,
	}
}

func (s *Suite) checkHostScoresSeries(t *testing.T) {
	q := Query("S", s.scoreModel("timeseries"), s.DS.Start, s.DS.End)
	frames := Decoded(t, s.QueryData(t, s.pc(), q), "S")
	if len(frames) == 0 {
		t.Fatal("no frames")
	}
	hosts := map[string]bool{}
	for _, f := range frames {
		CheckTypedFrame(t, f, data.FrameTypeTimeSeriesMulti)
		if len(f.Fields) != 2 {
			t.Fatalf("score frame has %d fields, want time + score", len(f.Fields))
		}
		CheckTimeField(t, f.Fields[0])
		v := f.Fields[1]
		if v.Type() != data.FieldTypeFloat64 && v.Type() != data.FieldTypeNullableFloat64 {
			t.Fatalf("score field is %s, want float64", v.Type())
		}
		h := v.Labels["host"]
		if h == "" || len(v.Labels) != 1 {
			t.Fatalf("score field labels %v, want exactly {host}", v.Labels)
		}
		if hosts[h] {
			t.Fatalf("host %s has two series: alert rules need unique label sets", h)
		}
		hosts[h] = true
	}
	for h := range hosts {
		if h != "10.0.0.3" && h != "10.0.0.66" && h != "10.0.0.7" {
			t.Errorf("series for host %s, which the query did not ask for", h)
		}
	}
	refs := ReadTimeSeries(t, frames, data.FrameTypeTimeSeriesMulti)
	if len(refs) != len(frames) {
		t.Fatalf("dataplane read %d series from %d frames", len(refs), len(frames))
	}
	// Mean over each series, as a Reduce(mean) expression in an alert rule would compute it.
	means := map[string]float64{}
	for _, r := range refs {
		n, err := r.Len()
		if err != nil || n == 0 {
			t.Fatalf("series %v: %d points (%v)", r.GetLabels(), n, err)
		}
		sum, cnt := 0.0, 0
		for i := 0; i < n; i++ {
			ts, v, err := r.NullableFloat64Point(i)
			if err != nil {
				t.Fatal(err)
			}
			if ts.Before(s.DS.Start) || !ts.Before(s.DS.End) {
				t.Errorf("series %v point at %s outside the query range", r.GetLabels(), ts)
			}
			if v != nil {
				sum += *v
				cnt++
			}
		}
		if cnt > 0 {
			means[r.GetLabels()["host"]] = sum / float64(cnt)
		}
	}
	checkScannerScoresLowest(t, means)
}

func (s *Suite) checkHostScoresTable(t *testing.T) {
	q := Query("T", s.scoreModel("table"), s.DS.Start, s.DS.End)
	frames := Decoded(t, s.QueryData(t, s.pc(), q), "T")
	if len(frames) != 1 {
		t.Fatalf("%d frames, want one table", len(frames))
	}
	f := frames[0]
	CheckTypedFrame(t, f, data.FrameTypeTable)
	host := f.Fields[0]
	if host.Name != "host" || (host.Type() != data.FieldTypeString && host.Type() != data.FieldTypeNullableString) {
		t.Fatalf("first field %q %s, want string host", host.Name, host.Type())
	}
	var score *data.Field
	for _, fl := range f.Fields {
		if fl.Name == "score" {
			score = fl
		}
	}
	if score == nil || !score.Type().Numeric() {
		t.Fatal("no numeric score field")
	}
	scores := map[string]float64{}
	for i := 0; i < host.Len(); i++ {
		h, _ := host.ConcreteAt(i)
		v, ok := score.ConcreteAt(i)
		if !ok {
			continue
		}
		f, err := toFloat(v)
		if err != nil {
			t.Fatal(err)
		}
		scores[h.(string)] = f
	}
	checkScannerScoresLowest(t, scores)
}

// checkScannerScoresLowest: the profile is trained on two ordinary clients; the port-sweeping
// 10.0.0.66 (tcp resets to hundreds of ports) must look least like it. Not a value check (the
// parity suite owns the HMM maths) but fake or shuffled scores would not pass it.
func checkScannerScoresLowest(t *testing.T, scores map[string]float64) {
	t.Helper()
	scan, ok := scores["10.0.0.66"]
	if !ok {
		t.Fatalf("no score for the scanner 10.0.0.66 (scores: %v)", scores)
	}
	for _, h := range []string{"10.0.0.3", "10.0.0.7"} {
		v, ok := scores[h]
		if !ok {
			t.Fatalf("no score for %s (scores: %v)", h, scores)
		}
		if !(v > scan) {
			t.Errorf("ordinary client %s scores %v, not above the scanner's %v", h, v, scan)
		}
	}
}

func toFloat(v interface{}) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("score value %v is %T", v, v)
}

func (s *Suite) checkProfile(t *testing.T) {
	model := s.scoreModel("table")
	q := Query("P", map[string]interface{}{"queryType": "profile", "profile": model["profile"]}, s.DS.Start, s.DS.End)
	frames := Decoded(t, s.QueryData(t, s.pc(), q), "P")
	if len(frames) == 0 {
		t.Fatal("profile returned no frames")
	}
	for _, f := range frames {
		CheckTypedFrame(t, f, data.FrameTypeTable)
		if len(f.Fields) == 0 {
			t.Errorf("profile frame %q has no fields", f.Name)
		}
	}
}
