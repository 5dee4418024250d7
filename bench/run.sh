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
echo "   targets (issue 12, isolation on): p50 <= 1 ms from the store's warm child, <= 2 ms from a"
echo "   fresh child and round-robin over 100 stores (each page another store's: its child not warm)"
"$root/$build/bench/bench_render" "$tmp/bench.db" 1000

echo
echo "== tenant lookup by Host =="
"$root/$build/bench/bench_tenants" "$tmp/tenants.db"

echo
sh "$root/bench/http.sh" "$tmp/bench.db"

echo
echo "== checkout: orders per second with the stock check, real stack =="
/usr/bin/python3 "$root/bench/checkout.py" 1000 8 4
