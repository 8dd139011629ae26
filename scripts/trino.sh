#!/usr/bin/env bash
# A single-node Trino server reading the warehouse's Delta tables (tests, local querying).
#
#   scripts/trino.sh install              download io.trino:trino-server from Maven Central once
#                                         into the cache and keep only its delta-lake plugin
#   scripts/trino.sh start DIR [PORT]     write a config under DIR (catalog "delta", file metastore
#                                         in DIR/metastore), start on 127.0.0.1:PORT, wait until a
#                                         query runs
#   scripts/trino.sh serve DIR [PORT]     start, then stay in the foreground until Ctrl-C stops it
#   scripts/trino.sh stop DIR             stop the server started with DIR
#
# Environment: TRINO_VERSION (476), UPT_CACHE (~/.cache/upt-lakehouse), TRINO_JAVA_HOME (a JDK 24+;
# default: the first under /usr/lib/jvm), TRINO_HEAP (1G), TRINO_CATALOG (delta).
set -euo pipefail

VERSION=${TRINO_VERSION:-476}
CACHE=${UPT_CACHE:-$HOME/.cache/upt-lakehouse}/trino
SERVER=$CACHE/trino-server-$VERSION
URL=https://repo1.maven.org/maven2/io/trino/trino-server/$VERSION/trino-server-$VERSION.tar.gz
CATALOG=${TRINO_CATALOG:-delta}

java_home() {
  if [ -n "${TRINO_JAVA_HOME:-}" ]; then echo "$TRINO_JAVA_HOME"; return; fi
  for home in /usr/lib/jvm/*/; do
    [ -x "$home/bin/java" ] || continue
    major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${major:-0}" -ge 24 ] 2>/dev/null; then echo "${home%/}"; return; fi
  done
  echo "Trino $VERSION needs a JDK 24 or newer: none under /usr/lib/jvm; set TRINO_JAVA_HOME" >&2
  exit 3
}

install() {
  if [ -f "$SERVER/.installed" ]; then return; fi
  mkdir -p "$CACHE"
  if [ ! -f "$CACHE/trino-server-$VERSION.tar.gz" ]; then
    echo "downloading $URL" >&2
    curl -fsSL --retry 3 -o "$CACHE/trino-server-$VERSION.tar.gz.part" "$URL"
    mv "$CACHE/trino-server-$VERSION.tar.gz.part" "$CACHE/trino-server-$VERSION.tar.gz"
  fi
  rm -rf "$SERVER"
  tar xzf "$CACHE/trino-server-$VERSION.tar.gz" -C "$CACHE"
  # Plugins share jars through hard links, so deleting the others frees their space and start-up time.
  find "$SERVER/plugin" -mindepth 1 -maxdepth 1 ! -name delta-lake -exec rm -rf {} +
  rm -f "$CACHE/trino-server-$VERSION.tar.gz"
  touch "$SERVER/.installed"
}

write_config() {
  local dir=$1 port=$2
  mkdir -p "$dir/etc/catalog" "$dir/data" "$dir/metastore"
  cat > "$dir/etc/node.properties" <<EOF
node.environment=upt
node.id=upt-lakehouse-$port
node.data-dir=$dir/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF
  cat > "$dir/etc/jvm.config" <<EOF
-server
-Xmx${TRINO_HEAP:-1G}
-XX:+UseG1GC
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:ReservedCodeCacheSize=256M
-XX:PerMethodRecompilationCutoff=10000
-XX:PerBytecodeRecompilationCutoff=10000
-XX:+EnableDynamicAgentLoading
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-Dfile.encoding=UTF-8
EOF
  cat > "$dir/etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$port
query.max-memory=512MB
query.max-memory-per-node=512MB
EOF
  cat > "$dir/etc/log.properties" <<EOF
io.trino=WARN
EOF
  # local:// (not file://) for the metastore folder: with file:// SHOW SCHEMAS lists nothing.
  cat > "$dir/etc/catalog/$CATALOG.properties" <<EOF
connector.name=delta_lake
hive.metastore=file
hive.metastore.catalog.dir=local://$dir/metastore
delta.register-table-procedure.enabled=true
fs.native-local.enabled=true
local.location=/
EOF
}

launcher() {
  local dir=$1; shift
  JAVA_HOME=$(java_home) PATH="$(java_home)/bin:$PATH" "$SERVER/bin/launcher" "$@" \
    --etc-dir "$dir/etc" --data-dir "$dir/data" --pid-file "$dir/data/launcher.pid" \
    --launcher-log-file "$dir/data/launcher.log" --server-log-file "$dir/data/server.log"
}

wait_ready() {
  # /v1/info says "starting":false a moment before queries run; retry a real query until it succeeds.
  python3 - "$1" <<'EOF'
import json, sys, time, urllib.request
port = sys.argv[1]
deadline = time.time() + 180
error = None
while time.time() < deadline:
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/statement", data=b"SELECT 1",
                                     headers={"X-Trino-User": "upt"})
        body = json.load(urllib.request.urlopen(req, timeout=5))
        while "nextUri" in body:
            body = json.load(urllib.request.urlopen(body["nextUri"], timeout=5))
        if "error" not in body:
            sys.exit(0)
        error = body["error"].get("errorName")
    except OSError as exc:
        error = exc
    time.sleep(1)
sys.exit(f"Trino on port {port} did not answer a query within 180 s (last error: {error})")
EOF
}

cmd=${1:?usage: scripts/trino.sh install | start DIR [PORT] | serve DIR [PORT] | stop DIR}
case "$cmd" in
  install) install ;;
  start|serve)
    dir=$(realpath -m "${2:?start needs a directory}")
    port=${3:-8080}
    install
    write_config "$dir" "$port"
    launcher "$dir" start
    if ! wait_ready "$port"; then
      tail -n 40 "$dir/data/server.log" >&2 || true
      launcher "$dir" stop || true
      exit 1
    fi
    echo "Trino $VERSION on http://127.0.0.1:$port (catalog $CATALOG, logs $dir/data/server.log)"
    if [ "$cmd" = serve ]; then
      trap 'launcher "$dir" stop' EXIT
      trap 'exit 0' INT TERM
      echo "Ctrl-C stops it"
      while launcher "$dir" status > /dev/null 2>&1; do sleep 5; done
    fi
    ;;
  stop)
    dir=$(realpath -m "${2:?stop needs a directory}")
    launcher "$dir" stop
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
