#!/bin/sh
# stack.sh start|stop RUN_DIR PORT [WORKERS]
# Starts (or stops) the real stack: supervised pools of storefront.fcgi and
# admin.cgi on unix sockets in RUN_DIR, the deliverer (`storefront deliver
# --loop`: outbound mail, webhooks, late payment intents), and lighttpd on
# 127.0.0.1:PORT with
# conf/lighttpd.conf. Used by `make run`, the tests and bench. Environment
# (STOREFRONT_DB, ...) passes through to the programs. SF_PROGRAM_DIR
# names another directory holding storefront.fcgi and admin.cgi (a build
# directory such as build/debug, relative to the repository root or
# absolute); the default is cgi-bin/.
#
# Every supervised program runs under multiwatch in a session of its own:
#   -t 0 -r 2147483647  never give up. A worker exits after max_requests
#                  (or is killed); by default multiwatch counts an exit
#                  within 10 s of the start as a failed start and stops
#                  after 3, so a busy pool emptied for good. With -t 0 no
#                  exit counts (-r is the backstop). Restarting stays cheap
#                  when a program cannot start at all: it waits a second
#                  before exiting (server.c), so nothing spins.
#   -s TERM        on stop (TERM to multiwatch) workers get a stop signal
#                  (multiwatch sends QUIT): they finish the request first.
# Their stderr (every error line, with request id and store) is appended
# to RUN_DIR/workers.log; the supervisor's pid, which is also the process
# group of everything under it, is in RUN_DIR/NAME.pid. Another program
# to keep running is one more `supervise` line in start; stop finds it by
# its pid file. It should exit on TERM.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=$1 run=$2

# supervise NAME FORKS [--fcgi] PROGRAM [ARGS...]: FORKS copies of PROGRAM,
# each restarted whenever it exits. With --fcgi, spawn-fcgi first binds
# RUN_DIR/NAME.sock as their FastCGI listener (-n: no fork, no /dev/null
# over stderr). PROGRAM is an absolute path.
supervise() {
	name=$1 forks=$2
	shift 2
	if [ "$1" = --fcgi ]; then
		shift
		rm -f "$run/$name.sock"
		set -- spawn-fcgi -n -s "$run/$name.sock" -- \
			/usr/bin/multiwatch -f "$forks" -r 2147483647 -t 0 -s TERM -- "$@"
	else
		set -- /usr/bin/multiwatch -f "$forks" -r 2147483647 -t 0 -s TERM -- "$@"
	fi
	# setsid: not a group leader here (no job control), so it execs in place
	# and $! is the supervisor itself (spawn-fcgi -n execs multiwatch too).
	setsid "$@" </dev/null >/dev/null 2>>"$run/workers.log" &
	echo $! >"$run/$name.pid"
}

# listening NAME...: wait (up to 5 s) for spawn-fcgi to bind each socket.
listening() {
	for name in "$@"; do
		i=0
		while [ ! -S "$run/$name.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		[ -S "$run/$name.sock" ] || { echo "stack.sh: $name did not start; see $run/workers.log" >&2; exit 1; }
	done
}

# alive PGID...: a process of one of these groups is still running
# (zombies do not count).
alive() {
	[ $# -gt 0 ] || return 1
	cat /proc/[0-9]*/stat 2>/dev/null |
		grep -Eq "^[0-9]+ \(.*\) [^Z] [0-9]+ ($(echo "$*" | tr ' ' '|')) "
}

case "$cmd" in
start)
	port=$3 workers=${4:-2}
	mkdir -p "$run"
	programs=${SF_PROGRAM_DIR:-cgi-bin}
	case "$programs" in /*) ;; *) programs=$root/$programs ;; esac
	supervise storefront "$workers" --fcgi "$programs/storefront.fcgi"
	supervise admin 1 --fcgi "$programs/admin.cgi"
	# The deliverer: emails, POS webhooks and late payment intents leave the
	# request path (storefront deliver --loop; its errors in workers.log).
	supervise deliver 1 "$root/bin/storefront" deliver --loop 1
	listening storefront admin
	# the media library's files (media_dir), served by lighttpd under /media/
	media=${STOREFRONT_MEDIA_DIR:-$root/var/media}
	mkdir -p "$media"
	SF_MEDIA=$media SF_ROOT=$root SF_RUN=$run SF_PORT=$port SF_BIND=${SF_BIND:-127.0.0.1} SF_HTDOCS=${SF_HTDOCS:-$root/htdocs} \
		SF_PAGE_CACHE=${STOREFRONT_PAGE_CACHE_DIR:-/nonexistent} \
		SF_ADMIN_HOST_RE=$(printf '%s' "${STOREFRONT_ADMIN_HOST:-admin.${STOREFRONT_BASE_DOMAIN:-localhost}}" | sed 's/[.]/\\./g') \
		lighttpd -f "$root/conf/lighttpd.conf"
	# lighttpd daemonises and writes its pid file once it listens.
	i=0
	while [ ! -s "$run/lighttpd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$run/lighttpd.pid" ] || { echo "stack.sh: lighttpd did not start; see $run/lighttpd-error.log" >&2; exit 1; }
	;;
stop)
	# TERM to lighttpd and to each supervisor at once (a supervisor passes
	# it on to its workers, which finish the request in hand), up to 5 s
	# for them and everything under them, then KILL what is left.
	web="" groups=""
	for f in "$run"/*.pid; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		rm -f "$f"
		kill -TERM "$pid" 2>/dev/null || true
		case "$f" in
		*/lighttpd.pid) web=$pid ;;
		*) groups="$groups $pid" ;;
		esac
	done
	i=0
	# shellcheck disable=SC2086
	while { { [ -n "$web" ] && kill -0 "$web" 2>/dev/null; } || alive $groups; } && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -z "$web" ] || kill -KILL "$web" 2>/dev/null || true
	for g in $groups; do kill -KILL -- "-$g" 2>/dev/null || true; done
	rm -f "$run"/*.sock
	;;
*) echo "usage: stack.sh start|stop RUN_DIR PORT [WORKERS]" >&2; exit 2 ;;
esac
