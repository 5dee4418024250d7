#!/bin/sh
# bench/pods.sh: the router node at a million stores (doc/scale.md).
# A catalogue of STORES stores (default 1,000,000) on 10 pods; its HAProxy
# map written by `storefront catalogue haproxy-map`; HAProxy (Debian's)
# loading it: time and memory against an empty map; host lookups per
# second through HAProxy (wrk, a random store's Host each request,
# answered by HAProxy itself so the figure is the router's alone); the
# time to apply one change through the runtime API; then one pod's
# ceiling: uncached pages/s and orders/s per core of this machine.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
stores=${1:-1000000}
tmp=$(mktemp -d)
hap_pid=""
cleanup() { [ -z "$hap_pid" ] || kill "$hap_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
export STOREFRONT_CATALOGUE="$tmp/catalogue.db" STOREFRONT_DB="$tmp/router.db"
export STOREFRONT_HAPROXY_MAP="$tmp/hosts.map" STOREFRONT_HAPROXY_SOCKET="$tmp/haproxy.sock"
sf="$root/bin/storefront"
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== pods: a catalogue of $stores stores on 10 pods, HAProxy $(haproxy -v | awk 'NR==1 {print $3}') =="
"$sf" catalogue init >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do "$sf" catalogue pod add "pod$i" "10.0.0.$i:80" --cli true >/dev/null; done
t0=$(now)
sqlite3 "$STOREFRONT_CATALOGUE" "BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $stores)
  INSERT INTO stores(username, pod, created_at) SELECT 'store' || i, 'pod' || (i % 10 + 1), 0 FROM n;
INSERT INTO hosts(host, username) SELECT username || '.localhost', username FROM stores;
UPDATE pods SET stores = (SELECT count(*) FROM stores s WHERE s.pod = pods.name);
COMMIT;"
t1=$(now)
echo "  catalogue filled in $(ms "$t0" "$t1") ms: $(du -k "$STOREFRONT_CATALOGUE" | cut -f1) kB"
t0=$(now)
"$sf" catalogue haproxy-map >/dev/null
t1=$(now)
echo "  catalogue haproxy-map: $(wc -l < "$STOREFRONT_HAPROXY_MAP") lines, $(du -k "$STOREFRONT_HAPROXY_MAP" | cut -f1) kB in $(ms "$t0" "$t1") ms"

hp=$(port)
cat > "$tmp/haproxy.cfg" <<EOF
global
    stats socket $STOREFRONT_HAPROXY_SOCKET mode 600 level admin
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend stores
    bind 127.0.0.1:$hp
    http-request set-var(txn.pod) req.hdr(host),host_only,lower,map(MAP)
    http-request return status 404 unless { var(txn.pod) -m found }
    http-request return status 200 hdr X-Pod %[var(txn.pod)]
EOF
# start HAProxy on a map, wait until it answers: ms; RSS in kB in $rss
start_haproxy() {
	sed "s|MAP|$1|" "$tmp/haproxy.cfg" > "$tmp/run.cfg"
	rm -f "$STOREFRONT_HAPROXY_SOCKET"
	t0=$(now)
	haproxy -db -f "$tmp/run.cfg" >/dev/null 2>&1 &
	hap_pid=$!
	i=0
	until curl -s -o /dev/null -H "Host: x" "http://127.0.0.1:$hp/" || [ $i -gt 600 ]; do sleep 0.05; i=$((i + 1)); done
	t1=$(now)
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$hap_pid/status")
	started=$(ms "$t0" "$t1")
}
stop_haproxy() { kill "$hap_pid"; wait "$hap_pid" 2>/dev/null || true; hap_pid=""; }
: > "$tmp/empty.map"
start_haproxy "$tmp/empty.map"
base_ms=$started base_rss=$rss
stop_haproxy
start_haproxy "$STOREFRONT_HAPROXY_MAP"
echo "  HAProxy start with the map: $started ms (empty map: $base_ms ms); RSS $rss kB (empty map: $base_rss kB, +$(( (rss - base_rss) / 1024 )) MB)"
curl -s -D - -o /dev/null -H "Host: store777.localhost" "http://127.0.0.1:$hp/" | grep -qi '^x-pod: pod8' ||
	{ echo "  lookup through HAProxy gave the wrong pod" >&2; exit 1; }

cat > "$tmp/hosts.lua" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/", { Host = "store" .. math.random(1, $stores) .. ".localhost" })
end
EOF
out=$(wrk -t2 -c32 -d4s -s "$tmp/hosts.lua" "http://127.0.0.1:$hp/" 2>&1)
echo "  lookups through HAProxy (random store each request, wrk -t2 -c32): $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s$(echo "$out" | awk '/Non-2xx/ {print "   NON-2XX: " $4}')"

# one change through the runtime API: the raw command, then the CLI's
# whole path (catalogue row + set/add map), neither reloading anything
python3 - "$STOREFRONT_HAPROXY_SOCKET" "$STOREFRONT_HAPROXY_MAP" <<'EOF'
import socket, sys, time
sock, mp = sys.argv[1], sys.argv[2]
def cmd(c):
    s = socket.socket(socket.AF_UNIX); s.connect(sock); s.sendall((c + "\n").encode())
    out = b""
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
    s.close(); return out.decode()
def timed(fmt, n=50):
    t0 = time.perf_counter()
    for i in range(n):
        out = cmd(fmt % {"map": mp, "i": i + 1, "pod": (i % 10) + 1})
    return (time.perf_counter() - t0) / n * 1000, out
get, _ = timed("get map %(map)s store%(i)d.localhost")
add, _ = timed("add map %(map)s new%(i)d.example pod%(pod)d")
st, _ = timed("set map %(map)s store%(i)d.localhost pod%(pod)d")
dl, _ = timed("del map %(map)s new%(i)d.example")
print("  runtime API, one command with the map loaded: get %.2f ms, add (a new host) %.2f ms, "
      "set (a moved store) %.2f ms, del %.2f ms" % (get, add, st, dl))
EOF
t0=$(now)
"$sf" catalogue host add www.new-domain.example store123 >/dev/null
t1=$(now)
curl -s -D - -o /dev/null -H "Host: www.new-domain.example" "http://127.0.0.1:$hp/" | grep -qi '^x-pod: pod4' ||
	{ echo "  the new host is not live" >&2; exit 1; }
echo "  catalogue host add (catalogue row + runtime API, live at once, no reload): $(ms "$t0" "$t1") ms"
stop_haproxy

# One pod's ceiling on this machine, per core.
cores=$(nproc)
"$sf" --db "$tmp/pod.db" init >/dev/null
"$sf" --db "$tmp/pod.db" demo >/dev/null
pp=$(port)
STOREFRONT_DB="$tmp/pod.db" STOREFRONT_MAX_REQUESTS=0 STOREFRONT_STORE_CPU_MS=1000000000 \
	sh "$root/scripts/stack.sh" start "$tmp/run" "$pp" "$cores" >/dev/null
wrk -t2 -c16 -d1s -H "Host: demo.localhost" "http://127.0.0.1:$pp/" >/dev/null 2>&1
pages=$(wrk -t2 -c16 -d4s -H "Host: demo.localhost" "http://127.0.0.1:$pp/" 2>&1 | awk '/Requests\/sec/ {print $2}')
sh "$root/scripts/stack.sh" stop "$tmp/run" >/dev/null 2>&1
orders=$(/usr/bin/python3 "$root/bench/checkout.py" 300 8 "$cores" | sed -n 's/.*= \([0-9]*\) orders\/s.*/\1/p')
python3 - "$pages" "$orders" "$cores" <<'EOF'
import sys
pages, orders, cores = float(sys.argv[1]), float(sys.argv[2] or 0), int(sys.argv[3])
print("  one pod (%d cores): %.0f uncached pages/s (%.0f per core), %.0f orders/s (%.0f per core)" %
      (cores, pages, pages / cores, orders, orders / cores))
# doc/scale.md's sizing: pods for a traffic, at 50% of the ceiling
peak_pages, peak_orders = 20000.0, 500.0
print("  pods for %d uncached pages/s and %d orders/s at half load: %d (8-core pods: pages %.0f, orders %.0f)" %
      (peak_pages, peak_orders, max(peak_pages / (pages / cores * 8 * 0.5), peak_orders / (orders / cores * 8 * 0.5)) + 1,
       pages / cores * 8, orders / cores * 8))
EOF
