#!/bin/sh
# make bench: every benchmark, each printing figures measured in one run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build/rel}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export STOREFRONT_HOME="$root"
"$root/bin/storefront" --db "$tmp/bench.db" init >/dev/null
"$root/bin/storefront" --db "$tmp/bench.db" demo >/dev/null

echo "== render: demo home page (6 blocks, 24-product grid), inside one worker =="
"$root/$build/bench/bench_render" "$tmp/bench.db" 1000

echo
echo "== analytics: counting one page view, and a month's report, inside one worker =="
"$root/$build/bench/bench_analytics" "$tmp/bench.db" 5000

echo
echo "== tenant lookup by Host =="
"$root/$build/bench/bench_tenants" "$tmp/tenants.db"

echo
sh "$root/bench/http.sh" "$tmp/bench.db"

echo
echo "== checkout: orders per second with the stock check, real stack =="
/usr/bin/python3 "$root/bench/checkout.py" 1000 8 4

echo
echo "== Lighthouse (desktop, demo store) =="
sh "$root/bench/lighthouse.sh"

sh "$root/bench/pods.sh" 1000000

echo "== media: upload + renditions of a 12-megapixel JPEG, real stack =="
/usr/bin/python3 "$root/bench/media.py" 3
