// Package load is the reliability load test (issue 7): Grafana's side of the protocol under
// sustained concurrent use. Only with FLOWLENS_LOAD=1 (it runs for a minute and more):
//
//	cd tests/conformance/sdk-latest && FLOWLENS_LOAD=1 go test -count=1 -v -timeout 10m ./load/
//
// FLOWLENS_LOAD_SECONDS (default 60) and FLOWLENS_LOAD_CLIENTS (default 50) scale it.
package load

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"flowlens.test/conformance/harness"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// rssKB is the resident set of the plugin process and its descendants (a launcher script runs node).
func rssKB(pid int) int {
	kids := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			kids[pp] = append(kids[pp], p)
		}
	}
	total := 0
	var walk func(int)
	walk = func(p int) {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(line, "VmRSS:") {
					v, _ := strconv.Atoi(strings.Fields(line)[1])
					total += v
				}
			}
		}
		for _, k := range kids[p] {
			walk(k)
		}
	}
	walk(pid)
	return total
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(p*float64(len(d))+0.999999) - 1
	if i < 0 {
		i = 0
	}
	return d[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mean(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}

// TestLoadQueryDataAndStreams: FLOWLENS_LOAD_CLIENTS concurrent QueryData clients on mixed query
// types for FLOWLENS_LOAD_SECONDS, then 20 concurrent RunStream subscribers. Requires 0 failed
// responses; reports p50/p99 latency and the plugin's RSS over the run (first vs last quarter).
func TestLoadQueryDataAndStreams(t *testing.T) {
	if os.Getenv("FLOWLENS_LOAD") != "1" {
		t.Skip("load test: set FLOWLENS_LOAD=1")
	}
	seconds := envInt("FLOWLENS_LOAD_SECONDS", 60)
	clients := envInt("FLOWLENS_LOAD_CLIENTS", 50)
	ds := harness.NewDataset(t, 3)
	p := harness.Start(t, harness.Options{Env: []string{"GF_PLUGIN_LOG_LEVEL=info", "FLOWLENS_LOG_LEVEL=info"}})
	pc := harness.PluginContext(ds.JSONData(), 1)
	hosts := ds.SrcHosts(ds.Start.Unix(), ds.End.Unix())
	if len(hosts) == 0 {
		t.Fatal("the dataset has no source hosts")
	}
	mid := ds.Start.Add(ds.End.Sub(ds.Start) / 2)
	queries := []*pluginv2.DataQuery{
		harness.Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10}, ds.Start, ds.End),
		harness.Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 60, "features": []string{"num_entries", "count_src_ip", "count_dst_port"}, "fillEmpty": true}, ds.Start, mid),
		harness.Query("A", map[string]interface{}{"queryType": "flows", "limit": 500}, ds.Start, ds.End),
		harness.Query("A", map[string]interface{}{"queryType": "hosts", "role": "any", "limit": 1000}, ds.Start, ds.End),
		harness.Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 30, "filter": map[string]interface{}{"protocols": []string{"udp"}}}, mid, ds.End),
		harness.Query("A", map[string]interface{}{"queryType": "hostScores", "profile": map[string]interface{}{"hosts": []string{hosts[0]}, "iterations": 3}, "output": "table", "limit": 20}, ds.Start, ds.End),
	}
	// Warm-up: every query type once, so a failing type shows before the load starts.
	for i, q := range queries {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := p.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{q}})
		cancel()
		if err != nil || res.Responses["A"].GetError() != "" {
			t.Fatalf("warm-up query %d failed: %v %s", i, err, res.GetResponses()["A"].GetError())
		}
	}

	var mu sync.Mutex
	var lat []time.Duration
	failures := map[string]int{}
	var rss []int
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				v := rssKB(p.Pid)
				mu.Lock()
				rss = append(rss, v)
				mu.Unlock()
			}
		}
	}()
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; time.Now().Before(deadline); i++ {
				q := queries[i%len(queries)]
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				start := time.Now()
				res, err := p.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{q}})
				d := time.Since(start)
				cancel()
				mu.Lock()
				switch {
				case err != nil:
					failures["gRPC: "+err.Error()]++
				case res.Responses["A"].GetError() != "":
					failures[fmt.Sprintf("query %d: %s", i%len(queries), res.Responses["A"].GetError())]++
				default:
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	close(stop)
	<-sampled
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	failed := 0
	for msg, n := range failures {
		failed += n
		t.Errorf("%d × %s", n, msg)
	}
	q := len(rss) / 4
	if q == 0 {
		q = 1
	}
	maxRSS := 0
	for _, v := range rss {
		if v > maxRSS {
			maxRSS = v
		}
	}
	fmt.Printf("QueryData load: %d clients × %d s, %d ok, %d failed, %.0f calls/s; p50 %s p90 %s p99 %s max %s\n",
		clients, seconds, len(lat), failed, float64(len(lat))/float64(seconds), ms(pct(lat, 0.5)), ms(pct(lat, 0.9)), ms(pct(lat, 0.99)), ms(pct(lat, 1)))
	if len(rss) > 0 {
		first, last := mean(rss[:q]), mean(rss[len(rss)-q:])
		fmt.Printf("plugin RSS: first quarter mean %.0f MiB, last quarter mean %.0f MiB (%.2fx), max %.0f MiB, %d samples\n",
			first/1024, last/1024, last/first, float64(maxRSS)/1024, len(rss))
		// A leak grows with the number of calls; a heap that has settled does not.
		if last > first*1.5+50*1024 {
			t.Errorf("RSS grew from %.0f to %.0f MiB over the run", first/1024, last/1024)
		}
	}

	// 20 concurrent RunStream subscribers, each must get 3 frames, then all are cancelled.
	const subs = 20
	var swg sync.WaitGroup
	errs := make(chan error, subs)
	sstart := time.Now()
	for i := 0; i < subs; i++ {
		swg.Add(1)
		go func(i int) {
			defer swg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			st, err := p.Stream.RunStream(ctx, &pluginv2.RunStreamRequest{PluginContext: pc, Path: "features/10/num_entries,count_src_ip"})
			if err != nil {
				errs <- fmt.Errorf("subscriber %d: %v", i, err)
				return
			}
			for n := 0; n < 3; n++ {
				if _, err := st.Recv(); err != nil {
					errs <- fmt.Errorf("subscriber %d after %d frames: %v", i, n, err)
					return
				}
			}
		}(i)
	}
	swg.Wait()
	close(errs)
	bad := 0
	for err := range errs {
		bad++
		t.Error(err)
	}
	fmt.Printf("RunStream: %d concurrent subscribers, %d got 3 frames each in %s, %d failed; plugin RSS after: %.0f MiB\n",
		subs, subs-bad, time.Since(sstart).Round(time.Millisecond), bad, float64(rssKB(p.Pid))/1024)
	// The plugin still answers after the load.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := p.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pc}); err != nil {
		t.Errorf("CheckHealth after the load: %v", err)
	}
}

// TestKilledMidQueryRestartsAndAnswers: the plugin process is SIGKILLed while queries are in
// flight (what the OOM killer does); the in-flight calls fail with a gRPC error instead of hanging,
// and a plugin started again the way Grafana's process manager does answers the next query.
func TestKilledMidQueryRestartsAndAnswers(t *testing.T) {
	if os.Getenv("FLOWLENS_LOAD") != "1" {
		t.Skip("fault test with the load tests: set FLOWLENS_LOAD=1")
	}
	ds := harness.NewDataset(t, 3)
	pc := harness.PluginContext(ds.JSONData(), 1)
	hosts := ds.SrcHosts(ds.Start.Unix(), ds.End.Unix())
	slow := harness.Query("A", map[string]interface{}{"queryType": "hostScores", "profile": map[string]interface{}{"hosts": []string{hosts[0]}, "iterations": 50, "states": 8}, "output": "table", "limit": 1000}, ds.Start, ds.End)
	first := harness.Start(t, harness.Options{})
	const inflight = 8
	done := make(chan error, inflight)
	for i := 0; i < inflight; i++ {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			_, err := first.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{slow}})
			done <- err
		}()
	}
	time.Sleep(300 * time.Millisecond)
	killed := time.Now()
	first.SigKill(t)
	failed := 0
	for i := 0; i < inflight; i++ {
		if err := <-done; err != nil {
			failed++
		}
	}
	fmt.Printf("killed mid-query: %d of %d in-flight calls ended with a gRPC error within %s of the kill (the rest had finished)\n", failed, inflight, time.Since(killed).Round(time.Millisecond))
	second := harness.Start(t, harness.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	q := harness.Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10}, ds.Start, ds.End)
	res, err := second.Data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{q}})
	if err != nil || res.Responses["A"].GetError() != "" {
		t.Fatalf("the restarted plugin did not answer: %v %s", err, res.GetResponses()["A"].GetError())
	}
	if len(res.Responses["A"].GetFrames()) == 0 {
		t.Fatal("the restarted plugin answered without frames")
	}
}
