package harness

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// notYetMarker is the wording docs/backend-dev.md promises for query types whose engine has not
// landed: status 501, source plugin, "… is not supported yet …".
const notYetMarker = "not supported yet"

// Decoded checks one refId's DataResponse the way Grafana's host reads it and returns its frames.
// A documented "not supported yet" answer (501, plugin, no frames) skips the caller's test with
// that message, so the run reports what the backend cannot do yet instead of passing on nothing;
// any other failure status fails the test.
func Decoded(t *testing.T, res *pluginv2.QueryDataResponse, refID string) data.Frames {
	t.Helper()
	r, ok := res.GetResponses()[refID]
	if !ok {
		t.Fatalf("no response for refId %q (Grafana would treat the query as having no data); got keys %v", refID, keys(res.GetResponses()))
	}
	checkNewerFields(t, r)
	if r.GetStatus() == 501 && strings.Contains(r.GetError(), notYetMarker) {
		if r.GetErrorSource() != "plugin" {
			t.Errorf("501 answer has errorSource %q, want plugin", r.GetErrorSource())
		}
		if len(r.GetFrames()) != 0 {
			t.Errorf("501 answer carries %d frames", len(r.GetFrames()))
		}
		t.Skipf("NOT SUPPORTED YET by the backend (status 501, plugin): %s", r.GetError())
	}
	if r.GetError() != "" || r.GetStatus() != 200 {
		t.Fatalf("refId %s: status %d, source %q, error %q; want status 200 and no error", refID, r.GetStatus(), r.GetErrorSource(), r.GetError())
	}
	for i, raw := range r.GetFrames() {
		// The host decodes with ipc.NewFileReader: stream-format bytes fail the whole call.
		if !bytes.HasPrefix(raw, []byte("ARROW1")) || !bytes.HasSuffix(raw, []byte("ARROW1")) {
			t.Fatalf("frame %d of %s is not an Arrow IPC file (no ARROW1 magic at both ends)", i, refID)
		}
	}
	frames, err := data.UnmarshalArrowFrames(r.GetFrames())
	if err != nil {
		t.Fatalf("data.UnmarshalArrowFrames(%s): %v", refID, err)
	}
	for i, f := range frames {
		if f.RefID != refID {
			t.Errorf("frame %d refId %q, want %q", i, f.RefID, refID)
		}
	}
	return frames
}

// ExpectError checks a failed refId: the status, the error source and a non-empty message.
func ExpectError(t *testing.T, res *pluginv2.QueryDataResponse, refID string, status int32, source string) string {
	t.Helper()
	r, ok := res.GetResponses()[refID]
	if !ok {
		t.Fatalf("no response for refId %q", refID)
	}
	checkNewerFields(t, r)
	if r.GetStatus() != status || r.GetErrorSource() != source || r.GetError() == "" {
		t.Fatalf("refId %s: status %d, source %q, error %q; want status %d, source %q and a message",
			refID, r.GetStatus(), r.GetErrorSource(), r.GetError(), status, source)
	}
	if len(r.GetFrames()) != 0 {
		t.Errorf("refId %s failed but carries %d frames", refID, len(r.GetFrames()))
	}
	return r.GetError()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// CheckTypedFrame checks meta.type and typeVersion [0,1], the dataplane contract alerting relies on.
func CheckTypedFrame(t *testing.T, f *data.Frame, want data.FrameType) {
	t.Helper()
	if f.Meta == nil {
		t.Fatalf("frame %q has no meta", f.Name)
	}
	if f.Meta.Type != want {
		t.Fatalf("frame %q meta.type %q, want %q", f.Name, f.Meta.Type, want)
	}
	if want != data.FrameTypeTable && f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Fatalf("frame %q meta.typeVersion %v, want [0 1]", f.Name, f.Meta.TypeVersion)
	}
}

// CheckTimeField checks a non-nullable, ascending time field (dataplane: "no nullable time").
func CheckTimeField(t *testing.T, f *data.Field) {
	t.Helper()
	if f.Type() != data.FieldTypeTime {
		t.Fatalf("field %q is %s, want non-nullable time", f.Name, f.Type())
	}
	for i := 1; i < f.Len(); i++ {
		if f.At(i).(time.Time).Before(f.At(i - 1).(time.Time)) {
			t.Fatalf("time field %q not sorted at row %d", f.Name, i)
		}
	}
}

// ReadTimeSeries reads frames as Grafana's expression engine does (dataplane reader, data
// validation on) and returns the series.
func ReadTimeSeries(t *testing.T, frames data.Frames, want data.FrameType) []timeseries.MetricRef {
	t.Helper()
	kind, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		t.Fatalf("dataplane reader.CanReadBasedOnMeta: %v", err)
	}
	if kind != want {
		t.Fatalf("dataplane kind %q, want %q", kind, want)
	}
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatalf("timeseries.CollectionReaderFromFrames: %v", err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		t.Fatalf("dataplane GetCollection(validateData=true): %v", err)
	}
	if c.Warning != nil {
		t.Errorf("dataplane warning: %v", c.Warning)
	}
	if len(c.RemainderIndices) != 0 {
		t.Errorf("dataplane ignored fields %v", c.RemainderIndices)
	}
	return c.Refs
}

func checkNewerFields(t *testing.T, r *pluginv2.DataResponse) {
	t.Helper()
	if hooks.CheckResponse != nil {
		if err := hooks.CheckResponse(r); err != nil {
			t.Fatal(err)
		}
	}
}
