#!/bin/sh
# make bench: every benchmark, each printing figures measured in one run,
# then bench/budget.py's HTTP figures and the one summary table of DESIGN §9
# (ratios against this run's static and FastCGI-floor figures; the previous
# run's figures, kept in bench/last-run.json, beside them).
# BENCH_SOAK_SECONDS (default 120) sets the mixed soak's length.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build/rel}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export STOREFRONT_HOME="$root"
"$root/bin/storefront" --db "$tmp/bench.db" init >/dev/null
"$root/bin/storefront" --db "$tmp/bench.db" demo >/dev/null

echo "== render: demo home page (6 blocks, 24-product grid), inside one worker =="
"$root/$build/bench/bench_render" "$tmp/bench.db" 1000 | tee "$tmp/render.txt"

echo
echo "== tenant lookup by Host =="
"$root/$build/bench/bench_tenants" "$tmp/tenants.db" | tee "$tmp/tenants.txt"

echo
echo "== checkout: orders per second with the stock check, real stack =="
/usr/bin/python3 "$root/bench/checkout.py" 1000 8 4 | tee "$tmp/checkout.txt"

echo
BUILD=$build /usr/bin/python3 "$root/bench/budget.py" --render "$tmp/render.txt" --tenants "$tmp/tenants.txt" \
	--checkout "$tmp/checkout.txt"
