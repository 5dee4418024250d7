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
echo "   targets (issue 12, isolation on): p50 <= 1 ms from the store's warm child, <= 2 ms from a"
echo "   fresh child and round-robin over 100 stores (each page another store's: its child not warm)"
"$root/$build/bench/bench_render" "$tmp/bench.db" 1000 | tee "$tmp/render.txt"

echo
echo "== analytics: counting one page view, and a month's report, inside one worker =="
"$root/$build/bench/bench_analytics" "$tmp/bench.db" 5000
echo "== search: quality over the demo catalogue, speed over 10,000 products (doc/search.md) =="
# the model's figures come from a local fake (bench/fake_model.py): stdin
# held open by a fifo, closed (and the fake gone) when the bench is done
mkfifo "$tmp/model.in"
/usr/bin/python3 "$root/bench/fake_model.py" < "$tmp/model.in" > "$tmp/model.url" &
exec 9> "$tmp/model.in"
while [ ! -s "$tmp/model.url" ]; do sleep 0.1; done
STOREFRONT_AI_BASE_URL=$(cat "$tmp/model.url") STOREFRONT_AI_EMBED_MODEL=fake-embed STOREFRONT_OUTBOUND_PRIVATE=1 \
	"$root/$build/bench/bench_search" "$tmp/bench.db" "$tmp/search10k.db"
exec 9>&-
wait

echo
echo "== tenant lookup by Host =="
"$root/$build/bench/bench_tenants" "$tmp/tenants.db" | tee "$tmp/tenants.txt"

echo
echo "== currency: a shopper's chosen currency (rates, fixed prices: doc/commerce.md), inside one worker =="
"$root/$build/bench/bench_currency" "$tmp/bench.db" 500

echo
echo "== checkout: orders per second with the stock check, real stack =="
/usr/bin/python3 "$root/bench/checkout.py" 1000 8 4 | tee "$tmp/checkout.txt"

echo
echo "== the assistant's streamed answer: first words vs the whole answer, real stack (doc/search.md) =="
/usr/bin/python3 "$root/bench/chat_stream.py" 20

echo
echo "== Lighthouse (desktop, demo store) =="
sh "$root/bench/lighthouse.sh"

sh "$root/bench/pods.sh" 1000000

echo "== media: upload + renditions of a 12-megapixel JPEG, real stack =="
/usr/bin/python3 "$root/bench/media.py" 3

echo
BUILD=$build /usr/bin/python3 "$root/bench/budget.py" --render "$tmp/render.txt" --tenants "$tmp/tenants.txt" \
	--checkout "$tmp/checkout.txt"
