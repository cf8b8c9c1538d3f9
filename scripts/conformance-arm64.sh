#!/bin/sh
# Builds dist/gpx_flowlens_linux_arm64 and runs the Go conformance harness (newest SDK) against it
# under qemu-user emulation, so the arm64 single executable is proven to speak go-plugin + pluginv2
# on a machine without an arm64 CPU. Needs Debian's qemu-user and the arm64 runtime libraries:
#   apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
command -v qemu-aarch64 >/dev/null || { echo "conformance-arm64: qemu-aarch64 not found (apt-get install qemu-user)" >&2; exit 2; }
[ -d /usr/aarch64-linux-gnu/lib ] || { echo "conformance-arm64: /usr/aarch64-linux-gnu missing (apt-get install libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)" >&2; exit 2; }
(cd "$root" && npm run --silent build:backend:arm64)
wrap=$(mktemp -d)/gpx_flowlens_linux_arm64
trap 'rm -rf "$(dirname "$wrap")"' EXIT
printf '#!/bin/sh\nexec qemu-aarch64 -L /usr/aarch64-linux-gnu "%s" "$@"\n' "$root/dist/gpx_flowlens_linux_arm64" > "$wrap"
chmod +x "$wrap"
cd "$root" && CONFORMANCE_MODULES=sdk-latest FLOWLENS_BACKEND_BIN="$wrap" node tests/conformance/run.mjs
