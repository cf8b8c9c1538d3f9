package harness

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// Flow is one seed-format row (semantics.md: ts, ip_protocol, state, src_ip, src_port, dst_ip,
// dst_port, src_tx, dst_tx).
type Flow struct {
	TS               int64 // epoch seconds
	Proto, State     string
	SrcIP, DstIP     string
	SrcPort, DstPort int
	SrcTx, DstTx     int64
}

// Dataset is a synthetic capture written as a seed CSV under its own root folder, with the flows
// kept in memory so expected values are computed here, independently of the backend.
type Dataset struct {
	Root  string
	Start time.Time // inclusive, aligned to a minute
	End   time.Time // exclusive
	Flows []Flow
	// GapFrom/GapTo (epoch seconds) bound a stretch with no flows at all.
	GapFrom, GapTo int64
}

var seedStates = []string{"closed", "established", "reset", "new", "closing", "connecting"}

// NewDataset writes `hours` of flows starting 2024-03-01T00:00:00Z: a dozen internal hosts talking to
// thirty servers, 0–3 rows per second, one host (10.0.0.66) sweeping ports in the second hour, and a
// five-minute silence so gaps and zero-filled windows differ. The generator is seeded: the same
// bytes every run.
func NewDataset(t testing.TB, hours int) *Dataset {
	t.Helper()
	root := t.TempDir()
	ds := &Dataset{
		Root:  root,
		Start: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	ds.End = ds.Start.Add(time.Duration(hours) * time.Hour)
	ds.GapFrom = ds.Start.Unix() + 1800
	ds.GapTo = ds.GapFrom + 300
	rng := rand.New(rand.NewSource(20240301))
	servers := make([]string, 30)
	for i := range servers {
		servers[i] = fmt.Sprintf("192.0.2.%d", 10+i)
	}
	ports := []int{53, 80, 443, 22, 123, 8080, 3306, 25}
	start, end := ds.Start.Unix(), ds.End.Unix()
	// The first and last second stay empty so every convention for the range ends (closed or
	// half-open) selects the same flows.
	for ts := start + 1; ts < end-1; ts++ {
		if ts >= ds.GapFrom && ts < ds.GapTo {
			continue
		}
		n := rng.Intn(4)
		for k := 0; k < n; k++ {
			f := Flow{
				TS:      ts,
				Proto:   "tcp",
				State:   seedStates[rng.Intn(len(seedStates))],
				SrcIP:   fmt.Sprintf("10.0.0.%d", 1+rng.Intn(12)),
				SrcPort: 1024 + rng.Intn(60000),
				DstIP:   servers[rng.Intn(len(servers))],
				DstPort: ports[rng.Intn(len(ports))],
				SrcTx:   int64(40 + rng.Intn(20000)),
				DstTx:   int64(rng.Intn(90000)),
			}
			if f.DstPort == 53 || f.DstPort == 123 {
				f.Proto = "udp"
			}
			ds.Flows = append(ds.Flows, f)
		}
		if ts >= start+3600 && ts < start+7200 && ts%3 == 0 {
			ds.Flows = append(ds.Flows, Flow{
				TS: ts, Proto: "tcp", State: "reset", SrcIP: "10.0.0.66", SrcPort: 40000 + int(ts%20000),
				DstIP: servers[int(ts/3)%len(servers)], DstPort: 1 + int(ts/3)%1024, SrcTx: 60, DstTx: 0,
			})
		}
	}
	path := filepath.Join(root, "capture.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, fl := range ds.Flows {
		fmt.Fprintf(w, "%s,%s,%s,%s,%d,%s,%d,%d,%d\n", time.Unix(fl.TS, 0).UTC().Format("2006-01-02 15:04:05"),
			fl.Proto, fl.State, fl.SrcIP, fl.SrcPort, fl.DstIP, fl.DstPort, fl.SrcTx, fl.DstTx)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// JSONData is the data source's jsonData for this dataset's root.
func (d *Dataset) JSONData() map[string]interface{} {
	return map[string]interface{}{
		"store": "file",
		"file":  map[string]interface{}{"root": d.Root, "format": "seed", "timeZone": "UTC"},
	}
}

// WindowStats are the per-window values the harness checks, computed from semantics.md §1.
type WindowStats struct {
	Start               int64 // epoch seconds
	NumEntries          float64
	CountSrcIP          float64
	CountDstPort        float64
	NumStateEstablished float64
	BytesUp, BytesTotal float64
	srcIPs, dstPorts    map[string]bool
}

// Windows aggregates flows with from <= ts < to into epoch-aligned windows of `window` seconds;
// only windows holding at least one flow are returned, oldest first.
func (d *Dataset) Windows(window int64, from, to int64, keep func(Flow) bool) []WindowStats {
	byStart := map[int64]*WindowStats{}
	for _, f := range d.Flows {
		if f.TS < from || f.TS >= to || (keep != nil && !keep(f)) {
			continue
		}
		s := floorDiv(f.TS, window) * window
		w := byStart[s]
		if w == nil {
			w = &WindowStats{Start: s, srcIPs: map[string]bool{}, dstPorts: map[string]bool{}}
			byStart[s] = w
		}
		w.NumEntries++
		w.srcIPs[f.SrcIP] = true
		w.dstPorts[fmt.Sprint(f.DstPort)] = true
		if f.State == "established" {
			w.NumStateEstablished++
		}
		w.BytesUp += float64(f.SrcTx)
		w.BytesTotal += float64(f.SrcTx + f.DstTx)
	}
	out := make([]WindowStats, 0, len(byStart))
	for _, w := range byStart {
		w.CountSrcIP = float64(len(w.srcIPs))
		w.CountDstPort = float64(len(w.dstPorts))
		out = append(out, *w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// SrcHosts are the distinct source IPs of flows with from <= ts < to, sorted.
func (d *Dataset) SrcHosts(from, to int64) []string {
	set := map[string]bool{}
	for _, f := range d.Flows {
		if f.TS >= from && f.TS < to {
			set[f.SrcIP] = true
		}
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// Count is the number of flows with from <= ts < to that keep accepts.
func (d *Dataset) Count(from, to int64, keep func(Flow) bool) int {
	n := 0
	for _, f := range d.Flows {
		if f.TS >= from && f.TS < to && (keep == nil || keep(f)) {
			n++
		}
	}
	return n
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
