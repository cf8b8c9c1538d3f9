package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// hclogTimeFormat is go-hclog's TimeFormatJSON: what go-plugin's parseJSON accepts for @timestamp.
const hclogTimeFormat = "2006-01-02T15:04:05.000000Z07:00"

// LogEntry is one message go-plugin passed to the host logger (plugin lines and go-plugin's own).
type LogEntry struct {
	Logger  string
	Level   hclog.Level
	Message string
	Args    []interface{}
}

// LogCapture keeps the plugin's raw stderr lines and what go-plugin logged from them.
type LogCapture struct {
	mu      sync.Mutex
	lines   []string
	partial bytes.Buffer
	entries []LogEntry
	logger  hclog.Logger
	raw     io.Writer
}

type rawWriter struct{ c *LogCapture }

// Write receives go-plugin's copy of stderr: each line's bytes, then "\n" in a separate call.
func (w rawWriter) Write(b []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	w.c.partial.Write(b)
	for {
		i := bytes.IndexByte(w.c.partial.Bytes(), '\n')
		if i < 0 {
			break
		}
		w.c.lines = append(w.c.lines, string(w.c.partial.Next(i + 1)[:i]))
	}
	return len(b), nil
}

type sink struct{ c *LogCapture }

func (s sink) Accept(name string, level hclog.Level, msg string, args ...interface{}) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.entries = append(s.c.entries, LogEntry{Logger: name, Level: level, Message: msg, Args: args})
}

func newLogCapture() *LogCapture {
	c := &LogCapture{}
	il := hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: "plugin." + PluginID, Level: hclog.Trace, Output: io.Discard})
	il.RegisterSink(sink{c})
	c.logger = il
	c.raw = rawWriter{c}
	return c
}

// Lines are the complete raw stderr lines so far.
func (c *LogCapture) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

// Entries are the messages go-plugin logged so far.
func (c *LogCapture) Entries() []LogEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]LogEntry(nil), c.entries...)
}

// Has tells whether some logged message equals msg.
func (c *LogCapture) Has(msg string) bool {
	for _, e := range c.Entries() {
		if e.Message == msg {
			return true
		}
	}
	return false
}

// Text is the raw stderr, for failure messages.
func (c *LogCapture) Text() string {
	return strings.Join(c.Lines(), "\n")
}

// CheckHclogLine says what is wrong with one stderr line for go-plugin's JSON log parser and
// Grafana's log wrapper, or returns nil: a JSON object whose @level and @message are strings
// (anything else hits unchecked type assertions in the host), @level one hclog knows, and
// @timestamp, when present, in hclog's six-digit layout (else the line is demoted to raw text).
func CheckHclogLine(line string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	var level, message string
	raw, ok := obj["@level"]
	if !ok {
		return fmt.Errorf("no @level")
	}
	if err := json.Unmarshal(raw, &level); err != nil {
		return fmt.Errorf("@level is not a string: %s", raw)
	}
	switch strings.ToLower(level) {
	case "trace", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("@level %q is not one of trace, debug, info, warn, error", level)
	}
	raw, ok = obj["@message"]
	if !ok {
		return fmt.Errorf("no @message")
	}
	if err := json.Unmarshal(raw, &message); err != nil {
		return fmt.Errorf("@message is not a string: %s", raw)
	}
	if raw, ok := obj["@timestamp"]; ok {
		var ts string
		if err := json.Unmarshal(raw, &ts); err != nil {
			return fmt.Errorf("@timestamp is not a string: %s", raw)
		}
		if _, err := time.Parse(hclogTimeFormat, ts); err != nil {
			return fmt.Errorf("@timestamp %q does not parse with hclog's layout %s", ts, hclogTimeFormat)
		}
	}
	return nil
}
