#!/bin/sh
# stack.sh start|stop RUN_DIR PORT [WORKERS]
# Starts (or stops) the real stack: spawn-fcgi + multiwatch pools for
# storefront.fcgi and admin.cgi on unix sockets in RUN_DIR (their stderr in
# RUN_DIR/workers.log), the deliverer (`storefront deliver --loop`, its
# output in RUN_DIR/deliver.log), and lighttpd on
# 127.0.0.1:PORT with conf/lighttpd.conf. Environment (STOREFRONT_DB, ...)
# passes through to the workers. Used by `make run`, the tests and bench.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=$1 run=$2
case "$cmd" in
start)
	port=$3 workers=${4:-2}
	mkdir -p "$run"
	rm -f "$run/storefront.sock" "$run/admin.sock"
	spawn-fcgi -s "$run/storefront.sock" -P "$run/storefront.pid" -- \
		/usr/bin/multiwatch -f "$workers" -- "$root/cgi-bin/storefront.fcgi" >/dev/null 2>>"$run/workers.log"
	spawn-fcgi -s "$run/admin.sock" -P "$run/admin.pid" -- \
		/usr/bin/multiwatch -f 1 -- "$root/cgi-bin/admin.cgi" >/dev/null 2>>"$run/workers.log"
	# The deliverer: emails, POS webhooks and late payment intents leave the
	# request path; multiwatch restarts it if it dies. Its log: deliver.log.
	multiwatch -f 1 -- "$root/bin/storefront" deliver --loop 1 </dev/null >>"$run/deliver.log" 2>&1 &
	echo $! >"$run/deliver.pid"
	SF_ROOT=$root SF_RUN=$run SF_PORT=$port SF_HTDOCS=${SF_HTDOCS:-$root/htdocs} \
		lighttpd -f "$root/conf/lighttpd.conf"
	# lighttpd daemonises and writes its pid file once it listens.
	i=0
	while [ ! -s "$run/lighttpd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$run/lighttpd.pid" ] || { echo "stack.sh: lighttpd did not start; see $run/lighttpd-error.log" >&2; exit 1; }
	;;
stop)
	# Signal all four at once, then wait for each (SIGKILL after 5 s).
	pids=""
	for p in lighttpd storefront admin deliver; do
		f="$run/$p.pid"
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null && pids="$pids $pid"
		rm -f "$f"
	done
	for pid in $pids; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null || true
	done
	rm -f "$run/storefront.sock" "$run/admin.sock"
	;;
*) echo "usage: stack.sh start|stop RUN_DIR PORT [WORKERS]" >&2; exit 2 ;;
esac
