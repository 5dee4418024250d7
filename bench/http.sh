#!/bin/sh
# bench/http.sh DB: the real stack under wrk on 127.0.0.1 (DESIGN §9).
# Prints req/s and latency for: lighttpd serving the home page's bytes as
# a static file, the same page rendered by the workers (uncached: 6 blocks
# through the sandbox), and ratios measured in this run; then worker RSS
# before and after 20k more requests.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
db=$1
tmp=$(mktemp -d)
run="$tmp/run"
cleanup() { sh "$root/scripts/stack.sh" stop "$run" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/htdocs"
cp -R "$root/htdocs/." "$tmp/htdocs/"
STOREFRONT_DB=$db STOREFRONT_MAX_REQUESTS=0 STOREFRONT_STORE_CPU_MS=1000000000 SF_HTDOCS="$tmp/htdocs" sh "$root/scripts/stack.sh" start "$run" "$port" 2
url="http://127.0.0.1:$port"
curl -s -H "Host: demo.localhost" "$url/" > "$tmp/htdocs/page.html"
bytes=$(wc -c < "$tmp/htdocs/page.html")

measure() { # label path -> prints a line, leaves req/s in $rps
	out=$(wrk -t2 -c16 -d4s --latency -H "Host: demo.localhost" "$url$2" 2>&1)
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
	non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
	printf '  %-34s %10s req/s   p50 %8s%s\n' "$1" "$rps" "$p50" "${non2xx:+   NON-2XX: $non2xx}"
}
echo "== http: wrk -t2 -c16 on 127.0.0.1, a ${bytes}-byte page =="
wrk -t2 -c16 -d1s -H "Host: demo.localhost" "$url/" >/dev/null 2>&1   # warm the workers
measure "lighttpd static (same bytes)" /page.html
static=$rps
measure "storefront.fcgi, uncached page" /
page=$rps
python3 -c "print('  uncached page / static: %.2fx' % ($page / $static))"

# Workers do not recycle in this run (max_requests = 0), so growth shows.
pids=$(pgrep -P "$(cat "$run/storefront.pid")" | tr '\n' ' ')
rss() { for p in $pids; do awk '/VmRSS/ {print $2}' "/proc/$p/status"; done | sort -n | tail -1; }
before=$(rss)
n=$(wrk -t2 -c8 -d8s -H "Host: demo.localhost" "$url/" 2>&1 | awk '/requests in/ {print $1}')
after=$(rss)
echo "  worker RSS (largest of the pool): ${before} kB; after $n more requests: ${after} kB"
