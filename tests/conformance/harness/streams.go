package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func (s *Suite) testStreams(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t.Run("SubscribeStream", func(t *testing.T) {
		ok, err := s.P.Stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{PluginContext: s.pc(), Path: "features/10"})
		if err != nil {
			t.Fatal(err)
		}
		if ok.Status != pluginv2.SubscribeStreamResponse_OK {
			t.Fatalf("features/10: %s, want OK", ok.Status)
		}
		if len(ok.Data) > 0 && !json.Valid(ok.Data) {
			t.Errorf("initial data %q is not JSON", ok.Data)
		}
		bad, err := s.P.Stream.SubscribeStream(ctx, &pluginv2.SubscribeStreamRequest{PluginContext: s.pc(), Path: "no-such-channel/1"})
		if err != nil {
			t.Fatal(err)
		}
		if bad.Status != pluginv2.SubscribeStreamResponse_NOT_FOUND {
			t.Fatalf("unknown channel: %s, want NOT_FOUND", bad.Status)
		}
	})
	t.Run("PublishStreamDenied", func(t *testing.T) {
		r, err := s.P.Stream.PublishStream(ctx, &pluginv2.PublishStreamRequest{PluginContext: s.pc(), Path: "features/10", Data: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != pluginv2.PublishStreamResponse_PERMISSION_DENIED {
			t.Fatalf("publish: %s, want PERMISSION_DENIED", r.Status)
		}
	})
	t.Run("RunStreamDeliversFramesAndStopsOnCancel", s.testRunStream)
}

func (s *Suite) testRunStream(t *testing.T) {
	endedBefore := s.counterSum(t, "_plugin_requests_total", map[string]string{"endpoint": "runStream"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := s.P.Stream.RunStream(ctx, &pluginv2.RunStreamRequest{PluginContext: s.pc(), Path: "features/10/num_entries,count_src_ip"})
	if err != nil {
		t.Fatal(err)
	}
	type recv struct {
		pkt *pluginv2.StreamPacket
		err error
	}
	ch := make(chan recv, 64)
	go func() {
		for {
			p, err := stream.Recv()
			ch <- recv{p, err}
			if err != nil {
				return
			}
		}
	}()
	var frames []*data.Frame
	timeout := time.After(30 * time.Second)
	for len(frames) < 3 {
		select {
		case r := <-ch:
			if r.err != nil {
				if st, _ := status.FromError(r.err); strings.Contains(st.Message(), notYetMarker) {
					t.Skipf("NOT SUPPORTED YET by the backend: %s", st.Message())
				}
				t.Fatalf("RunStream ended before delivering frames: %v", r.err)
			}
			var f data.Frame
			if err := json.Unmarshal(r.pkt.Data, &f); err != nil {
				t.Fatalf("packet %q is not data-frame JSON: %v", truncate(r.pkt.Data), err)
			}
			frames = append(frames, &f)
		case <-timeout:
			t.Fatalf("RunStream sent %d frames in 30 s, want at least 3 (replayed windows)", len(frames))
		}
	}
	var last time.Time
	for i, f := range frames {
		if len(f.Fields) != 3 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Name != "num_entries" || f.Fields[2].Name != "count_src_ip" {
			t.Fatalf("frame %d fields %v, want time, num_entries, count_src_ip", i, fieldNames(f))
		}
		if n, _ := f.RowLen(); n != 1 {
			t.Fatalf("frame %d has %d rows, want one per completed window", i, n)
		}
		ts := f.Fields[0].At(0).(time.Time)
		if i > 0 && !ts.After(last) {
			t.Fatalf("frame %d window %s does not follow %s", i, ts, last)
		}
		if ts.Unix()%10 != 0 {
			t.Errorf("frame %d time %s is not a 10 s window start", i, ts.UTC())
		}
		last = ts
	}

	cancel()
	deadline := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case r := <-ch:
			if r.err != nil {
				if c := status.Code(r.err); c != codes.Canceled {
					t.Fatalf("after cancel the stream ended with %v, want Canceled", r.err)
				}
				done = true
			}
		case <-deadline:
			t.Fatal("stream still delivering 10 s after cancel")
		}
	}
	// The client side always sees Canceled; the handler's completion counter shows the plugin
	// really stopped the stream instead of polling forever.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if s.counterSum(t, "_plugin_requests_total", map[string]string{"endpoint": "runStream"}) > endedBefore {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the plugin did not finish RunStream within 10 s of the cancel")
		}
	}
}

// Metrics scrapes CollectMetrics and parses it as Grafana's /metrics/plugins/<id> consumers would.
func (s *Suite) Metrics(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := s.P.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: s.pc()})
	if err != nil {
		t.Fatal(err)
	}
	text := res.GetMetrics().GetPrometheus()
	// The text decoder (not a zero TextParser) behaves the same in prometheus/common v0.46 and
	// v0.7x, where a zero TextParser has no name-validation scheme and panics.
	dec := expfmt.NewDecoder(bytes.NewReader(text), expfmt.FmtText)
	fams := map[string]*dto.MetricFamily{}
	for {
		var mf dto.MetricFamily
		err := dec.Decode(&mf)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("CollectMetrics payload is not Prometheus text: %v\n%s", err, truncate(text))
		}
		if fams[mf.GetName()] != nil {
			t.Fatalf("metric family %s appears twice", mf.GetName())
		}
		fams[mf.GetName()] = &mf
	}
	return fams
}

// counterSum adds the samples of the counter whose name ends with suffix and matches the labels.
func (s *Suite) counterSum(t *testing.T, suffix string, labels map[string]string) float64 {
	t.Helper()
	total := 0.0
	for name, fam := range s.Metrics(t) {
		if !strings.HasSuffix(name, suffix) || fam.GetType() != dto.MetricType_COUNTER {
			continue
		}
	next:
		for _, m := range fam.Metric {
			for k, v := range labels {
				found := false
				for _, lp := range m.Label {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

func (s *Suite) testCollectMetrics(t *testing.T) {
	before := s.Metrics(t)
	if len(before) == 0 {
		t.Fatal("CollectMetrics returned no metric families")
	}
	qBefore := s.counterSum(t, "_queries_total", nil)
	const n = 3
	for i := 0; i < n; i++ {
		q := Query("M", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries"}}, s.DS.Start, s.DS.End)
		s.QueryData(t, s.pc(), q)
	}
	if got := s.counterSum(t, "_queries_total", nil) - qBefore; got != n {
		t.Errorf("a *_queries_total counter grew by %v after %d queries, want %d", got, n, n)
	}
	fams := s.Metrics(t)
	var histograms int
	for name, fam := range fams {
		if fam.GetType() == dto.MetricType_HISTOGRAM {
			histograms++
			for _, m := range fam.Metric {
				h := m.GetHistogram()
				if b := h.GetBucket(); len(b) > 0 && b[len(b)-1].GetCumulativeCount() > h.GetSampleCount() {
					t.Errorf("%s: bucket count above sample count", name)
				}
			}
		}
	}
	if histograms == 0 {
		t.Error("no latency histogram among the metrics")
	}
}
