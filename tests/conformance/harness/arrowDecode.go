package harness

// Our Arrow encoder's output for every field kind, decoded by this module's SDK.
import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func testArrowKitchenSink(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("node", "--import", "tsx", "../fixtures/kitchenSink.ts", dir)
	cmd.Dir = "."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	read := func(name string) *data.Frame {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := data.UnmarshalArrowFrame(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f
	}
	f := read("sink.arrow")
	if f.RefID != "A" || f.Name != "sink" {
		t.Errorf("refId/name %q %q", f.RefID, f.Name)
	}
	want := []data.FieldType{data.FieldTypeTime, data.FieldTypeNullableFloat64, data.FieldTypeNullableInt64, data.FieldTypeNullableBool, data.FieldTypeNullableString, data.FieldTypeNullableString}
	for i, w := range want {
		if got := f.Fields[i].Type(); got != w {
			t.Errorf("field %s: type %s, want %s", f.Fields[i].Name, got, w)
		}
	}
	if ts := f.Fields[0].At(0).(time.Time); ts.UnixNano() != 1700000000123456789 {
		t.Errorf("time %d", ts.UnixNano())
	}
	if v := f.Fields[1].At(2).(*float64); v != nil {
		t.Errorf("f[2] = %v, want null", *v)
	}
	if v := f.Fields[4].At(0).(*string); v == nil || *v != "é" {
		t.Errorf("s[0] = %v", v)
	}
	if v := f.Fields[4].At(1).(*string); v != nil {
		t.Errorf("s[1] = %q, want null", *v)
	}
	if v := f.Fields[5].At(0).(*string); v == nil || *v != "ü" {
		t.Errorf("c[0] = %v", v)
	}
	if v := f.Fields[5].At(1).(*string); v != nil {
		t.Errorf("c[1] = %q, want null", *v)
	}
	if f.Fields[1].Labels["host"] != "a" || f.Fields[1].Config == nil || f.Fields[1].Config.Unit != "bytes" {
		t.Errorf("labels/config %v %v", f.Fields[1].Labels, f.Fields[1].Config)
	}
	if f.Fields[0].Config == nil || f.Fields[0].Config.Interval != 1000 {
		t.Errorf("time config %v", f.Fields[0].Config)
	}
	m := f.Meta
	if m == nil || m.Type != data.FrameTypeTimeSeriesMulti || m.TypeVersion != (data.FrameTypeVersion{0, 1}) || m.ExecutedQueryString != "SELECT 1" || len(m.Notices) != 1 || m.Notices[0].Severity != data.NoticeSeverityWarning || m.PreferredVisualization != data.VisTypeTable || m.Channel != "ds/uid/path" {
		t.Errorf("meta %+v", m)
	}
	nd := read("nodata.arrow")
	if len(nd.Fields) != 0 || nd.Meta == nil || nd.Meta.Type != data.FrameTypeTimeSeriesMulti || nd.RefID != "B" {
		t.Errorf("no-data frame %+v meta %+v", nd, nd.Meta)
	}
	e := read("empty.arrow")
	if len(e.Fields) != 2 || e.Rows() != 0 {
		t.Errorf("empty frame fields %d rows %d", len(e.Fields), e.Rows())
	}
}

func testFrameJSONMatchesArrow(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("node", "--import", "tsx", "../fixtures/kitchenSink.ts", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	ab, _ := os.ReadFile(filepath.Join(dir, "sink.arrow"))
	fa, err := data.UnmarshalArrowFrame(ab)
	if err != nil {
		t.Fatal(err)
	}
	jb, _ := os.ReadFile(filepath.Join(dir, "sink.json"))
	fj := &data.Frame{}
	if err := fj.UnmarshalJSON(jb); err != nil {
		t.Fatalf("json: %v\n%s", err, jb)
	}
	for i := range fa.Fields {
		if fa.Fields[i].Type() != fj.Fields[i].Type() {
			t.Errorf("field %s: json type %s, arrow type %s", fa.Fields[i].Name, fj.Fields[i].Type(), fa.Fields[i].Type())
			continue
		}
		for r := 0; r < fa.Rows(); r++ {
			av, _ := fa.Fields[i].ConcreteAt(r)
			jv, _ := fj.Fields[i].ConcreteAt(r)
			if fmt.Sprint(av) != fmt.Sprint(jv) {
				t.Errorf("field %s row %d: json %v, arrow %v", fa.Fields[i].Name, r, jv, av)
			}
		}
	}
}
