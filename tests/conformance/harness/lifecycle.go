package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

func (s *Suite) testStderr(t *testing.T) {
	lines := s.P.Logs.Lines()
	if len(lines) == 0 {
		t.Fatal("the plugin wrote nothing on stderr after serving requests (no logs reach Grafana)")
	}
	parsed := map[string]bool{}
	exe := filepath.Base(Executable(t))
	for _, e := range s.P.Logs.Entries() {
		if strings.HasSuffix(e.Logger, exe) {
			parsed[e.Message] = true
		}
	}
	for i, line := range lines {
		if err := CheckHclogLine(line); err != nil {
			t.Errorf("stderr line %d: %v: %s", i+1, err, truncate([]byte(line)))
			continue
		}
		var obj struct {
			Message string `json:"@message"`
		}
		_ = json.Unmarshal([]byte(line), &obj)
		if !parsed[obj.Message] {
			t.Errorf("go-plugin did not log stderr line %d as a parsed hclog entry: %s", i+1, truncate([]byte(line)))
		}
	}
	t.Logf("%d stderr lines, all hclog JSON", len(lines))
}

// testGoPluginHost: go-plugin's Ping (grpc.health.v1 "plugin") answers, and go-plugin itself
// logged no warning or error about the plugin during the whole run (stdio stream, broker, stderr
// reading, stdout scanning).
func (s *Suite) testGoPluginHost(t *testing.T) {
	if err := s.P.RPC.Ping(); err != nil {
		t.Errorf("go-plugin Ping (grpc.health.v1 Check of service \"plugin\"): %v", err)
	}
	exe := filepath.Base(Executable(t))
	for _, e := range s.P.Logs.Entries() {
		if strings.HasSuffix(e.Logger, exe) {
			continue // the plugin's own lines
		}
		if e.Level >= hclog.Warn {
			t.Errorf("go-plugin logged %s %q %v", e.Level, e.Message, e.Args)
		}
	}
}

func (s *Suite) testShutdown(t *testing.T) {
	pid := s.P.Pid
	took, forced := s.P.Stop()
	if forced {
		t.Fatalf("go-plugin had to SIGKILL the plugin: it did not exit within 2 s of GRPCController.Shutdown (Kill took %s)", took)
	}
	// go-plugin waits at most 2 s before killing; the margin covers a loaded machine's scheduling.
	if took > 2500*time.Millisecond {
		t.Fatalf("Kill took %s", took)
	}
	if pid > 0 && processAlive(pid) {
		t.Fatalf("pid %d still alive after Kill returned", pid)
	}
	for _, e := range s.P.Logs.Entries() {
		if e.Message == "plugin process exited" {
			for i := 0; i+1 < len(e.Args); i += 2 {
				if e.Args[i] == "error" {
					t.Errorf("plugin exited with an error after Shutdown: %v", e.Args[i+1])
				}
			}
		}
	}
	t.Logf("Shutdown → exit observed in %s", took.Round(time.Millisecond))
}

func checkHealthOK(t *testing.T, p *Plugin, ds *Dataset) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: PluginContext(ds.JSONData(), 1)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != pluginv2.CheckHealthResponse_OK {
		t.Fatalf("health %s: %s", res.Status, res.Message)
	}
}

func testStartAfterKill(t *testing.T, ds *Dataset) {
	first := Start(t, Options{})
	checkHealthOK(t, first, ds)
	first.SigKill(t)
	// Grafana's process manager restarts a dead plugin with a plain Start: new process, new socket.
	second := Start(t, Options{})
	checkHealthOK(t, second, ds)
	if second.Pid == first.Pid {
		t.Fatalf("restart reused pid %d", first.Pid)
	}
	if _, forced := second.Stop(); forced {
		t.Fatal("restarted plugin needed SIGKILL on Shutdown")
	}
}

func testWithoutHostEnv(t *testing.T, ds *Dataset) {
	p := Start(t, Options{SkipHostEnv: true})
	checkHealthOK(t, p, ds)
	if _, forced := p.Stop(); forced {
		t.Fatal("plugin needed SIGKILL on Shutdown")
	}
}

// goPluginEnv is what go-plugin's client adds for the plugin (client.go Start).
func goPluginEnv() []string {
	return []string{
		grafanaHandshake.MagicCookieKey + "=" + grafanaHandshake.MagicCookieValue,
		"PLUGIN_MIN_PORT=10000",
		"PLUGIN_MAX_PORT=25000",
		"PLUGIN_PROTOCOL_VERSIONS=2",
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testStdoutOnlyHandshake starts the process without go-plugin (which discards later stdout
// lines silently) to see every stdout byte: exactly the handshake line, before and after calls
// and through Shutdown.
func testStdoutOnlyHandshake(t *testing.T, ds *Dataset) {
	exe := Executable(t)
	cmd := exec.Command(exe)
	cmd.Env = append(append(grafanaEnv(nil), os.Environ()...), goPluginEnv()...)
	var stdout, stderr lockedBuffer
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	firstLine := make(chan string, 1)
	go func() {
		r := bufio.NewReader(pr)
		line, _ := r.ReadString('\n')
		_, _ = stdout.Write([]byte(line))
		firstLine <- line
		_, _ = io.Copy(&stdout, r)
	}()
	var line string
	select {
	case line = <-firstLine:
	case <-time.After(60 * time.Second):
		t.Fatalf("no handshake line within go-plugin's 1 minute start timeout; stderr:\n%s", stderr.String())
	}
	if !strings.HasSuffix(line, "\n") {
		t.Fatalf("handshake %q is not a complete line", line)
	}
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 || len(parts) > 6 || parts[0] != "1" || parts[1] != "2" || parts[4] != "grpc" || (len(parts) == 6 && parts[5] != "") {
		t.Fatalf("handshake %q, want 1|2|unix|<path>|grpc (core 1, app 2, grpc, no cert, no mux)", line)
	}
	var target string
	switch parts[2] {
	case "unix":
		if !filepath.IsAbs(parts[3]) {
			t.Fatalf("unix socket path %q is not absolute", parts[3])
		}
		target = "unix:" + parts[3]
	case "tcp":
		if !strings.HasPrefix(parts[3], "127.0.0.1:") {
			t.Errorf("tcp address %q is not on 127.0.0.1", parts[3])
		}
		target = parts[3]
	default:
		t.Fatalf("network %q, go-plugin accepts unix or tcp", parts[2])
	}
	conn, err := grpc.Dial(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := pluginv2.NewDiagnosticsClient(conn).CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: PluginContext(ds.JSONData(), 1)}); err != nil {
		t.Fatal(err)
	}
	q := Query("A", map[string]interface{}{"queryType": "features", "windowSeconds": 10}, ds.Start, ds.End)
	if _, err := pluginv2.NewDataClient(conn).QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: PluginContext(ds.JSONData(), 1), Queries: []*pluginv2.DataQuery{q}}); err != nil {
		t.Fatal(err)
	}
	if err := conn.Invoke(ctx, "/plugin.GRPCController/Shutdown", &emptypb.Empty{}, &emptypb.Empty{}); err != nil {
		t.Fatalf("GRPCController/Shutdown: %v", err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after Shutdown: %v (want status 0)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("process still running 5 s after Shutdown")
	}
	time.Sleep(50 * time.Millisecond) // let the reader drain the closed pipe
	if out := stdout.String(); out != line {
		t.Fatalf("stdout carried more than the handshake: %q", out)
	}
	for i, l := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
		if l == "" {
			continue
		}
		if err := CheckHclogLine(l); err != nil {
			t.Errorf("stderr line %d: %v: %s", i+1, err, truncate([]byte(l)))
		}
	}
}

// testRefusesWithoutCookie: run by hand, the binary explains itself on stderr and exits 1.
func testRefusesWithoutCookie(t *testing.T) {
	cmd := exec.Command(Executable(t))
	cmd.Env = append(grafanaEnv(nil), os.Environ()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("without the magic cookie: %v, want exit status 1", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	if !strings.Contains(stderr.String(), "plugin") {
		t.Errorf("stderr %q does not explain that this is a plugin", stderr.String())
	}
}
