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
echo "== search: quality over the demo catalogue, speed over 10,000 products (doc/search.md) =="
"$root/$build/bench/bench_search" "$tmp/bench.db" "$tmp/search10k.db"

echo
echo "== tenant lookup by Host =="
"$root/$build/bench/bench_tenants" "$tmp/tenants.db"

echo
sh "$root/bench/http.sh" "$tmp/bench.db"

echo
echo "== checkout: orders per second with the stock check, real stack =="
/usr/bin/python3 "$root/bench/checkout.py" 1000 8 4
