#!/bin/sh
# Development launcher for the Flowlens backend: what a go-plugin host (Grafana, or the
# conformance harness) can start instead of the single executable. Runs the esbuild bundle with
# the node on PATH, rebuilding it first when any backend or query source is newer.
#   FLOWLENS_DEV_TSX=1  run src/backend/main.ts through tsx instead (no bundle; slower start)
# stdout carries only the handshake line, so every build message goes to stderr, each line
# prefixed with the go-plugin log level it should be logged at.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bundle="$here/build/backend/main.cjs"
if [ "${FLOWLENS_DEV_TSX:-}" = "1" ]; then
  exec node --import tsx "$here/src/backend/main.ts"
fi
stale() {
  [ ! -f "$bundle" ] || [ -n "$(find "$here/src/backend" "$here/src/query" "$here/src/engine" "$here/src/sources" "$here/proto" -newer "$bundle" -type f 2>/dev/null | head -n 1)" ]
}
if stale; then
  # One build at a time (tests start several backends at once); the bundle is replaced atomically.
  mkdir -p "$here/build/backend"
  exec 9>"$here/build/backend/.build.lock"
  flock 9
  if stale; then
    # go-plugin logs a stderr line that is not JSON raw; a "[LEVEL] " prefix gives it a level
    build_log=$(mktemp)
    if ! (cd "$here" && node scripts/build-backend.mjs --protos --bundle) >"$build_log" 2>&1; then
      sed 's/^/[ERROR] /' "$build_log" 1>&2
      rm -f "$build_log"
      exit 1
    fi
    sed 's/^/[INFO] /' "$build_log" 1>&2
    rm -f "$build_log"
  fi
  flock -u 9
  exec 9>&-
fi
exec node "$bundle"
