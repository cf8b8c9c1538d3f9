// Command querydata-gopeer is the peer of the QueryData latency benchmark: the same `features`
// query (the default six distinct-count features over tumbling windows of a seed-format CSV)
// written the way a Go data source would be, with grafana-plugin-sdk-go's datasource.Manage.
// bench/backend/querydata.sh builds it and times it next to the Flowlens backend in the same run.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

type flow struct {
	ts                            int64
	src, dst, sport, dport, proto string
}

type instance struct {
	root  string
	once  sync.Once
	flows []flow // sorted by ts
	err   error
}

func (in *instance) Dispose() {}

// load parses every seed CSV under the root once (the Flowlens file store caches parses too).
func (in *instance) load() ([]flow, error) {
	in.once.Do(func() {
		files, _ := filepath.Glob(filepath.Join(in.root, "*.csv"))
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				in.err = err
				return
			}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				c := strings.Split(sc.Text(), ",")
				if len(c) < 9 {
					continue
				}
				ts, err := time.Parse("2006-01-02 15:04:05", c[0])
				if err != nil {
					continue
				}
				in.flows = append(in.flows, flow{ts: ts.Unix(), proto: c[1], src: c[3], sport: c[4], dst: c[5], dport: c[6]})
			}
			f.Close()
		}
		sort.Slice(in.flows, func(i, j int) bool { return in.flows[i].ts < in.flows[j].ts })
	})
	return in.flows, in.err
}

type model struct {
	WindowSeconds int64 `json:"windowSeconds"`
	FillEmpty     bool  `json:"fillEmpty"`
}

type window struct {
	entries                          float64
	dports, srcs, dsts, conns, flows map[string]struct{}
}

var names = []string{"num_entries", "count_dst_port", "count_src_ip", "count_dst_ip", "count_conns", "count_flows"}

func features(flows []flow, from, to, T int64, fill bool) *data.Frame {
	lo := sort.Search(len(flows), func(i int) bool { return flows[i].ts >= from })
	byStart := map[int64]*window{}
	var starts []int64
	for _, f := range flows[lo:] {
		if f.ts >= to {
			break
		}
		s := f.ts / T * T
		w := byStart[s]
		if w == nil {
			w = &window{dports: map[string]struct{}{}, srcs: map[string]struct{}{}, dsts: map[string]struct{}{}, conns: map[string]struct{}{}, flows: map[string]struct{}{}}
			byStart[s] = w
			starts = append(starts, s)
		}
		w.entries++
		w.dports[f.dport] = struct{}{}
		w.srcs[f.src] = struct{}{}
		w.dsts[f.dst] = struct{}{}
		w.conns[f.dst+"|"+f.src] = struct{}{}
		w.flows[f.dst+"|"+f.dport+"|"+f.src+"|"+f.sport+"|"+f.proto] = struct{}{}
	}
	if fill {
		starts = starts[:0]
		for s := from / T * T; s < to; s += T {
			starts = append(starts, s)
		}
	}
	times := make([]time.Time, len(starts))
	cols := make([][]float64, len(names))
	for j := range cols {
		cols[j] = make([]float64, len(starts))
	}
	for i, s := range starts {
		times[i] = time.Unix(s, 0).UTC()
		if w := byStart[s]; w != nil {
			for j, v := range []float64{w.entries, float64(len(w.dports)), float64(len(w.srcs)), float64(len(w.dsts)), float64(len(w.conns)), float64(len(w.flows))} {
				cols[j][i] = v
			}
		}
	}
	frame := data.NewFrame("features", data.NewField("time", nil, times))
	for j, n := range names {
		frame.Fields = append(frame.Fields, data.NewField(n, nil, cols[j]))
	}
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesWide, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}

// QueryData makes the instance a backend.QueryDataHandler, which datasource.Manage dispatches to.
func (in *instance) QueryData(_ context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	res := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		var m model
		if err := json.Unmarshal(q.JSON, &m); err != nil || m.WindowSeconds <= 0 {
			res.Responses[q.RefID] = backend.ErrDataResponse(backend.StatusBadRequest, "windowSeconds must be above 0")
			continue
		}
		flows, err := in.load()
		if err != nil {
			res.Responses[q.RefID] = backend.ErrDataResponse(backend.StatusBadGateway, err.Error())
			continue
		}
		res.Responses[q.RefID] = backend.DataResponse{Frames: data.Frames{features(flows, q.TimeRange.From.Unix(), q.TimeRange.To.Unix(), m.WindowSeconds, m.FillEmpty)}}
	}
	return res, nil
}

func main() {
	factory := func(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
		var js struct {
			File struct {
				Root string `json:"root"`
			} `json:"file"`
		}
		if err := json.Unmarshal(s.JSONData, &js); err != nil {
			return nil, fmt.Errorf("jsonData: %w", err)
		}
		return &instance{root: js.File.Root}, nil
	}
	if err := datasource.Manage("flowlens-gopeer", factory, datasource.ManageOpts{}); err != nil {
		os.Exit(1)
	}
}
