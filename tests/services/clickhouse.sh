#!/usr/bin/env bash
# Starts/stops a throw-away clickhouse-server on 127.0.0.1 for the integration tests.
#   tests/services/clickhouse.sh start   → prints `export FLOWLENS_CLICKHOUSE_…=…` lines (eval them)
#   tests/services/clickhouse.sh stop    → stops it, unless this shell only reused a running one
#   tests/services/clickhouse.sh env     → prints the export lines of a running server
# Debian's package does not start a server by itself (no systemd here), so the config, data and
# logs live in one folder (FLOWLENS_CLICKHOUSE_DIR, default /tmp/flowlens-clickhouse). `start` is
# idempotent: a server that already answers is reused — and then marked as reused
# (FLOWLENS_CLICKHOUSE_REUSED=1), so `stop` in the same shell leaves it running for its owner.
set -euo pipefail
dir=${FLOWLENS_CLICKHOUSE_DIR:-/tmp/flowlens-clickhouse}
# A second user with a password lets tests exercise authentication; it is a local test secret.
test_user=flowlens
test_password=flowlens-test

emit() {
  local port
  port=$(cat "$dir/http_port")
  echo "export FLOWLENS_CLICKHOUSE_URL=http://127.0.0.1:$port"
  echo "export FLOWLENS_CLICKHOUSE_TCP_PORT=$(cat "$dir/tcp_port")"
  echo "export FLOWLENS_CLICKHOUSE_USER=$test_user"
  echo "export FLOWLENS_CLICKHOUSE_PASSWORD=$test_password"
}

alive() {
  [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null &&
    [ "$(curl -s --max-time 2 "http://127.0.0.1:$(cat "$dir/http_port")/ping" 2>/dev/null)" = "Ok." ]
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

write_config() {
  local http=$1 tcp=$2
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <uncompressed_cache_size>1073741824</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>500</flush_interval_milliseconds>
  </query_log>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>4000000000</max_memory_usage><log_queries>1</log_queries></default>
  </profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <$test_user><password>$test_password</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></$test_user>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

start() {
  if alive; then
    emit
    echo "export FLOWLENS_CLICKHOUSE_REUSED=1"
    return
  fi
  command -v clickhouse-server >/dev/null || { echo "clickhouse-server is not installed (apt-get install clickhouse-server clickhouse-client)" >&2; exit 1; }
  mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
  local http tcp
  http=$(free_port); tcp=$(free_port)
  echo "$http" >"$dir/http_port"; echo "$tcp" >"$dir/tcp_port"
  write_config "$http" "$tcp"
  clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 100); do
    if alive; then emit; return; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "clickhouse-server did not start; see $dir/log" >&2
  tail -n 20 "$dir/log/server.err.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
  exit 1
}

stop() {
  [ "${FLOWLENS_CLICKHOUSE_REUSED:-}" = 1 ] && return 0
  [ -f "$dir/pid" ] || return 0
  local pid; pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) alive && emit ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
