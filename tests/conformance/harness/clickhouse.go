package harness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// clickhouseServer is the throw-away server tests/services/clickhouse.sh starts for CI.
type clickhouseServer struct{ url, user, password string }

func (c clickhouseServer) exec(t *testing.T, sql string, body io.Reader) {
	t.Helper()
	var payload io.Reader = strings.NewReader(sql)
	if body != nil {
		payload = io.MultiReader(strings.NewReader(sql+"\n"), body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/", payload)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-ClickHouse-User", c.user)
	req.Header.Set("X-ClickHouse-Key", c.password)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("clickhouse %s: %v", c.url, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("clickhouse: %s: %s", strings.SplitN(sql, "\n", 2)[0], out)
	}
}

// testClickHouse loads the generated flows into a ClickHouse table of the `generic` preset and
// runs the same checks through the ClickHouse store (features pushed down to the server), with the
// password arriving as Grafana sends secrets: decryptedSecureJsonData. The password must never
// appear in a response or a log line.
func (s *Suite) testClickHouse(t *testing.T) {
	url := os.Getenv("FLOWLENS_CLICKHOUSE_URL")
	if url == "" {
		t.Skip("FLOWLENS_CLICKHOUSE_URL is not set: start a server with `eval \"$(tests/services/clickhouse.sh start)\"`")
	}
	ch := clickhouseServer{url: strings.TrimRight(url, "/"), user: os.Getenv("FLOWLENS_CLICKHOUSE_USER"), password: os.Getenv("FLOWLENS_CLICKHOUSE_PASSWORD")}
	if ch.user == "" {
		ch.user = "default"
	}
	db := fmt.Sprintf("flowlens_conformance_%d_%d", os.Getpid(), rand.Intn(1e6))
	ch.exec(t, "CREATE DATABASE "+db, nil)
	t.Cleanup(func() { ch.exec(t, "DROP DATABASE IF EXISTS "+db, nil) })
	ch.exec(t, "CREATE TABLE "+db+`.flows (ts Float64, src_ip String, dst_ip String, src_port Nullable(UInt16),
		dst_port Nullable(UInt16), proto String, state Nullable(String), src_bytes Nullable(UInt64), dst_bytes Nullable(UInt64))
		ENGINE = MergeTree ORDER BY ts`, nil)
	var tsv bytes.Buffer
	for _, f := range s.DS.Flows {
		fmt.Fprintf(&tsv, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%d\t%d\n", f.TS, f.SrcIP, f.DstIP, f.SrcPort, f.DstPort, f.Proto, f.State, f.SrcTx, f.DstTx)
	}
	ch.exec(t, "INSERT INTO "+db+".flows FORMAT TabSeparated", &tsv)

	settings := func(password string, updated int64) *pluginv2.PluginContext {
		pc := PluginContext(map[string]interface{}{
			"store": "clickhouse",
			"clickhouse": map[string]interface{}{
				"url": ch.url, "user": ch.user, "database": db, "table": "flows", "preset": "generic", "queryTimeoutSeconds": 30,
			},
		}, updated)
		pc.DataSourceInstanceSettings.Uid, pc.DataSourceInstanceSettings.Id = "flowlens-clickhouse", 21
		pc.DataSourceInstanceSettings.DecryptedSecureJsonData = map[string]string{"clickhousePassword": password}
		return pc
	}
	pc := settings(ch.password, 1)
	var replies []string
	t.Run("CheckHealth", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := s.P.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pc})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("health %s: %s", res.Status, res.Message)
		}
		checkOneSentence(t, res.Message)
		replies = append(replies, res.Message)
	})
	t.Run("features", func(t *testing.T) {
		s.checkFeatures(t, pc, s.DS.Start, s.DS.End, map[string]interface{}{}, nil, false)
	})
	t.Run("featuresFilteredUDPSecondHour", func(t *testing.T) {
		udp := func(f Flow) bool { return f.Proto == "udp" }
		s.checkFeatures(t, pc, s.DS.Start.Add(time.Hour), s.DS.Start.Add(2*time.Hour), map[string]interface{}{"protocols": []string{"udp"}}, udp, false)
	})
	t.Run("hosts", func(t *testing.T) {
		q := Query("H", map[string]interface{}{"queryType": "hosts", "role": "src", "limit": 1000}, s.DS.Start, s.DS.End)
		frames := Decoded(t, s.QueryData(t, pc, q), "H")
		fl := frames[0].Fields[0]
		var got []string
		for i := 0; i < fl.Len(); i++ {
			got = append(got, fl.At(i).(string))
		}
		sort.Strings(got)
		if want := s.DS.SrcHosts(s.DS.Start.Unix(), s.DS.End.Unix()); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("hosts %v, want %v", got, want)
		}
	})
	t.Run("wrongPasswordIsOneSentenceWithoutTheSecret", func(t *testing.T) {
		const wrong = "not-the-password-7f3a"
		bad := settings(wrong, 2)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := s.P.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: bad})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_ERROR {
			t.Fatalf("health with a wrong password: %s %q", res.Status, res.Message)
		}
		checkOneSentence(t, res.Message)
		q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 60}, s.DS.Start, s.DS.End)
		r := s.QueryData(t, bad, q).Responses["A"]
		if r.GetStatus() < 400 || r.GetError() == "" {
			t.Fatalf("query with a wrong password: status %d %q", r.GetStatus(), r.GetError())
		}
		replies = append(replies, res.Message, r.GetError())
		for _, text := range append(replies, s.P.Logs.Lines()...) {
			if strings.Contains(text, wrong) || (ch.password != "" && strings.Contains(text, ch.password)) {
				t.Fatalf("a secret leaked into %q", truncate([]byte(text)))
			}
		}
	})
}
