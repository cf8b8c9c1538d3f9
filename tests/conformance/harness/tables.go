// Table queries: flows (rows equal to the file's) and hosts.

package harness

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func (s *Suite) checkFlows(t *testing.T) {
	from, to := s.DS.Start.Add(40*time.Minute), s.DS.Start.Add(50*time.Minute)
	udp := func(f Flow) bool { return f.Proto == "udp" }
	q := Query("F", map[string]interface{}{"queryType": "flows", "limit": 1000, "filter": map[string]interface{}{"protocols": []string{"udp"}}}, from, to)
	frames := Decoded(t, s.QueryData(t, s.pc(), q), "F")
	if len(frames) != 1 {
		t.Fatalf("%d frames, want one table", len(frames))
	}
	f := frames[0]
	CheckTypedFrame(t, f, data.FrameTypeTable)
	byName := map[string]*data.Field{}
	for _, fl := range f.Fields {
		byName[fl.Name] = fl
	}
	want := map[string]data.FieldType{"time": data.FieldTypeTime, "src_ip": data.FieldTypeString, "dst_ip": data.FieldTypeString, "proto": data.FieldTypeString, "src_port": data.FieldTypeInt64, "dst_port": data.FieldTypeInt64}
	for name, typ := range want {
		fl := byName[name]
		if fl == nil {
			t.Fatalf("flows frame has no %q field (fields: %v)", name, fieldNames(f))
		}
		if fl.Type() != typ {
			t.Errorf("field %s is %s, want %s (no nulls in this data, so not nullable)", name, fl.Type(), typ)
		}
	}
	var got []string
	rows, _ := f.RowLen()
	for i := 0; i < rows; i++ {
		got = append(got, fmt.Sprintf("%d %v:%v>%v:%v %v", byName["time"].At(i).(time.Time).Unix(),
			byName["src_ip"].At(i), byName["src_port"].At(i), byName["dst_ip"].At(i), byName["dst_port"].At(i), byName["proto"].At(i)))
	}
	var exp []string
	for _, fl := range s.DS.Flows {
		if fl.TS >= from.Unix() && fl.TS < to.Unix() && udp(fl) {
			exp = append(exp, fmt.Sprintf("%d %s:%d>%s:%d %s", fl.TS, fl.SrcIP, fl.SrcPort, fl.DstIP, fl.DstPort, fl.Proto))
		}
	}
	sort.Strings(got)
	sort.Strings(exp)
	if strings.Join(got, "\n") != strings.Join(exp, "\n") {
		t.Fatalf("flows differ from the file: got %d rows, want %d (first got %v, first want %v)", len(got), len(exp), head(got), head(exp))
	}
}

func (s *Suite) checkHosts(t *testing.T) {
	q := Query("H", map[string]interface{}{"queryType": "hosts", "role": "src", "limit": 1000}, s.DS.Start, s.DS.End)
	frames := Decoded(t, s.QueryData(t, s.pc(), q), "H")
	if len(frames) != 1 || len(frames[0].Fields) != 1 {
		t.Fatalf("want one frame with one field, got %d frames", len(frames))
	}
	fl := frames[0].Fields[0]
	if fl.Name != "host" || fl.Type() != data.FieldTypeString {
		t.Fatalf("field %q %s, want string host", fl.Name, fl.Type())
	}
	var got []string
	for i := 0; i < fl.Len(); i++ {
		got = append(got, fl.At(i).(string))
	}
	sort.Strings(got)
	want := s.DS.SrcHosts(s.DS.Start.Unix(), s.DS.End.Unix())
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("hosts %v, want %v", got, want)
	}
}

func fieldNames(f *data.Frame) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

func head(xs []string) []string {
	if len(xs) > 3 {
		return xs[:3]
	}
	return xs
}
