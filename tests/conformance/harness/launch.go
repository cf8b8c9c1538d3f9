// Package harness drives the Flowlens backend executable the way Grafana does: hashicorp/go-plugin
// starts it with Grafana's handshake and environment, and every call goes through the
// grafana-plugin-sdk-go generated pluginv2 clients. The SDK-version modules (sdk-g11, sdk-latest)
// only call into this package, so the same checks run against each SDK the host may embed.
package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	goplugin "github.com/hashicorp/go-plugin"
)

// PluginID is the id in plugin.json; Grafana puts it in every PluginContext.
const PluginID = "flowlens-netflow-datasource"

// GrafanaVersion is what the simulated host announces in GF_VERSION and the user agent.
const GrafanaVersion = "11.0.0"

// grafanaHandshake is the HandshakeConfig Grafana's grpcplugin client uses (the SDK's constants).
var grafanaHandshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// grafanaPluginSet is Grafana's v2 plugin set for data sources (renderer and secrets manager,
// which Grafana also lists, are Grafana-internal types and are never dispensed for a data source).
func grafanaPluginSet() map[int]goplugin.PluginSet {
	return map[int]goplugin.PluginSet{
		grpcplugin.ProtocolVersion: {
			"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
			"resource":    &grpcplugin.ResourceGRPCPlugin{},
			"data":        &grpcplugin.DataGRPCPlugin{},
			"stream":      &grpcplugin.StreamGRPCPlugin{},
		},
	}
}

// RepoRoot is the Flowlens checkout holding this harness (three levels above a module folder).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "plugin.json")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "tests", "conformance")); err == nil {
				return d
			}
		}
	}
	t.Fatalf("cannot find the Flowlens repository root above %s", dir)
	return ""
}

// Executable is the backend to drive: FLOWLENS_BACKEND_BIN if set, else the single executable
// `npm run build:backend` writes. A missing build fails loudly: a skipped conformance run would
// hide a broken backend.
func Executable(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("FLOWLENS_BACKEND_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	p := filepath.Join(RepoRoot(t), "dist", "gpx_flowlens_linux_amd64")
	if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("backend executable %s is missing: run `npm run build:backend` (or set FLOWLENS_BACKEND_BIN)", p)
	}
	return p
}

// isSingleExecutable tells whether the binary can run without node on PATH (not a launcher script).
func isSingleExecutable(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	if _, err := f.Read(head); err != nil {
		return false
	}
	return string(head) != "#!"
}

// grafanaEnv is the list Grafana builds for a plugin before go-plugin appends the host environment
// and its own variables: GF_VERSION, GF_EDITION and one GF_PLUGIN_<KEY> per key of the plugin's
// ini section (here `[plugin.flowlens-netflow-datasource] tracing_note = conformance`).
func grafanaEnv(extra []string) []string {
	env := []string{
		"GF_VERSION=" + GrafanaVersion,
		"GF_EDITION=oss",
		"GF_PLUGIN_TRACING_NOTE=conformance",
		"GF_PLUGIN_LOG_LEVEL=debug",
	}
	return append(env, extra...)
}

// Options change how one process is started.
type Options struct {
	// SkipHostEnv starts the plugin without grafana-server's environment (no PATH), as Grafana
	// does with the pluginsSkipHostEnvVars feature toggle.
	SkipHostEnv bool
	// Env is appended to Grafana's list.
	Env []string
	// Executable overrides the backend to start (the benchmark's Go peer).
	Executable string
}

// Plugin is one running backend process with the clients Grafana dispenses.
type Plugin struct {
	Client      *goplugin.Client
	Data        pluginv2.DataClient
	Diagnostics pluginv2.DiagnosticsClient
	Resource    pluginv2.ResourceClient
	Stream      pluginv2.StreamClient
	RPC         goplugin.ClientProtocol
	Logs        *LogCapture
	Pid         int
	stopped     bool
}

// Start launches the executable exactly as Grafana's grpcplugin client would and dispenses the
// four v2 services. The process is killed at the end of the test.
func Start(t testing.TB, opts Options) *Plugin {
	t.Helper()
	exe := opts.Executable
	if exe == "" {
		exe = Executable(t)
	}
	if opts.SkipHostEnv && !isSingleExecutable(exe) {
		t.Skipf("%s is a launcher script that needs node on PATH; SkipHostEnv applies to the single executable", exe)
	}
	logs := newLogCapture()
	cmd := exec.Command(exe)
	cmd.Env = grafanaEnv(opts.Env)
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  grafanaHandshake,
		VersionedPlugins: grafanaPluginSet(),
		Logger:           logs.logger,
		Stderr:           logs.raw,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Managed:          true,
		SkipHostEnv:      opts.SkipHostEnv,
	})
	p := &Plugin{Client: client, Logs: logs}
	t.Cleanup(func() {
		if !p.stopped {
			client.Kill()
		}
		if t.Failed() {
			t.Logf("plugin stderr:\n%s", logs.Text())
		}
	})
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("go-plugin could not start %s: %v\nstderr:\n%s", exe, err, logs.Text())
	}
	if v := client.NegotiatedVersion(); v != grpcplugin.ProtocolVersion {
		t.Fatalf("negotiated protocol version %d, Grafana requires %d", v, grpcplugin.ProtocolVersion)
	}
	if client.Protocol() != goplugin.ProtocolGRPC {
		t.Fatalf("plugin speaks %q, Grafana only allows grpc", client.Protocol())
	}
	if rc := client.ReattachConfig(); rc != nil {
		p.Pid = rc.Pid
	}
	if p.Pid == 0 {
		if pid, err := strconv.Atoi(client.ID()); err == nil {
			p.Pid = pid
		}
	}
	p.RPC = rpc
	p.Data = dispense[pluginv2.DataClient](t, rpc, "data")
	p.Diagnostics = dispense[pluginv2.DiagnosticsClient](t, rpc, "diagnostics")
	p.Resource = dispense[pluginv2.ResourceClient](t, rpc, "resource")
	p.Stream = dispense[pluginv2.StreamClient](t, rpc, "stream")
	return p
}

func dispense[T any](t testing.TB, rpc goplugin.ClientProtocol, name string) T {
	t.Helper()
	raw, err := rpc.Dispense(name)
	if err != nil {
		t.Fatalf("dispense %q: %v", name, err)
	}
	c, ok := raw.(T)
	if !ok {
		var zero T
		t.Fatalf("dispensed %q is %T, not %T", name, raw, zero)
	}
	return c
}

// Stop is Grafana's plugin stop: go-plugin Kill (GRPCController.Shutdown, close, wait up to 2 s,
// then SIGKILL). It reports how long the call took and whether go-plugin had to force-kill.
func (p *Plugin) Stop() (took time.Duration, forced bool) {
	start := time.Now()
	p.Client.Kill()
	p.stopped = true
	took = time.Since(start)
	return took, p.Logs.Has("plugin failed to exit gracefully")
}

// SigKill kills the process the hard way (what the OOM killer or a crash looks like to Grafana)
// and waits until go-plugin has noticed the exit.
func (p *Plugin) SigKill(t testing.TB) {
	t.Helper()
	if p.Pid <= 0 {
		t.Fatal("no pid for the plugin process")
	}
	if err := syscall.Kill(p.Pid, syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL %d: %v", p.Pid, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !p.Client.Exited() {
		if time.Now().After(deadline) {
			t.Fatalf("go-plugin did not notice that pid %d was killed", p.Pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Client.Kill() // releases go-plugin's goroutines; the process is already gone
	p.stopped = true
}

// processAlive tells whether a pid still exists (and is not a zombie we reaped).
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}
