package harness

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// sharedData is the folder of real CTU-13 flows (FLOWLENS_SHARED_DATA, else /work/shared/data).
func sharedData() string {
	if d := os.Getenv("FLOWLENS_SHARED_DATA"); d != "" {
		return d
	}
	if st, err := os.Stat("/work/shared/data"); err == nil && st.IsDir() {
		return "/work/shared/data"
	}
	return ""
}

// ctuStartTimes reads the StartTime column of every Argus binetflow file in dir, as written
// (local time of the capture, UTC+2).
func ctuStartTimes(t *testing.T, dir string) []time.Time {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "capture*.binetflow*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no binetflow files in %s", dir)
	}
	zone := time.FixedZone("+02:00", 2*3600)
	var out []time.Time
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for first := true; sc.Scan(); first = false {
			if first || sc.Text() == "" {
				continue
			}
			field, _, _ := strings.Cut(sc.Text(), ",")
			ts, err := time.ParseInLocation("2006/01/02 15:04:05.000000", field, zone)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, ts)
		}
		f.Close()
	}
	return out
}

// testCTU13 points a data source at the real CTU-13 folder (Argus files with a +02:00 clock, a
// seed CSV from another year and a README) and checks per-minute flow counts over the capture
// against the files themselves.
func (s *Suite) testCTU13(t *testing.T) {
	dir := sharedData()
	if dir == "" {
		t.Skip("CTU-13 flows not found: set FLOWLENS_SHARED_DATA to the shared data folder")
	}
	pc := PluginContext(map[string]interface{}{"store": "file", "file": map[string]interface{}{"root": dir, "format": "auto", "timeZone": "+02:00"}}, 1)
	pc.DataSourceInstanceSettings.Uid, pc.DataSourceInstanceSettings.Id = "flowlens-ctu13", 13
	from := time.Date(2011, 8, 16, 8, 0, 0, 0, time.UTC)
	to := from.Add(30 * time.Minute)
	q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries"}}, from, to)
	frames := Decoded(t, s.QueryData(t, pc, q), "A")
	CheckTypedFrame(t, frames[0], data.FrameTypeTimeSeriesWide)
	want := map[int64]float64{}
	for _, ts := range ctuStartTimes(t, dir) {
		if !ts.Before(from) && ts.Before(to) {
			want[ts.Unix()/60*60]++
		}
	}
	// Rows the readers reject (e.g. ESP lines whose "ports" are 32-bit SPIs, 0x2020597d) may be
	// left out, but only with a warning notice, and never more than a handful.
	f := frames[0]
	rows, _ := f.RowLen()
	missing := 0.0
	for i := 0; i < rows; i++ {
		ts := f.Fields[0].At(i).(time.Time)
		v, _ := f.Fields[1].ConcreteAt(i)
		w, ok := want[ts.Unix()]
		if !ok || v.(float64) > w {
			t.Fatalf("minute %s: num_entries %v, but the files hold %v rows", ts.UTC().Format("15:04"), v, w)
		}
		missing += w - v.(float64)
		delete(want, ts.Unix())
	}
	for m, w := range want {
		t.Errorf("minute %s with %v rows in the files is missing", time.Unix(m, 0).UTC().Format("15:04"), w)
	}
	if missing > 0 {
		warned := false
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				warned = warned || n.Severity == data.NoticeSeverityWarning
			}
		}
		if !warned || missing > 10 {
			t.Fatalf("%v rows of the files are not counted (warning notice: %v)", missing, warned)
		}
		t.Logf("%v rows left out with a warning notice", missing)
	}
	hq := Query("H", map[string]interface{}{"queryType": "hosts", "role": "src", "limit": 100000}, from, to)
	hosts := Decoded(t, s.QueryData(t, pc, hq), "H")[0].Fields[0]
	found := false
	for i := 0; i < hosts.Len(); i++ {
		found = found || hosts.At(i).(string) == "147.32.84.165"
	}
	if !found {
		t.Error("the infected host 147.32.84.165 is not among the source hosts")
	}
}
