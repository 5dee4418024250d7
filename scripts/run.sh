#!/bin/sh
# make run: the demo store on http://demo.localhost:$PORT/ behind lighttpd
# with FastCGI pools, in the foreground. Ctrl-C (or TERM, HUP) stops every
# process it started, and so does lighttpd's end.
#   PORT    port on 127.0.0.1 (8080)
#   SF_VAR  directory of the database and run/ (sockets, pid files, logs);
#           default var/ in the source tree
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8080}
var=${SF_VAR:-$root/var}
run="$var/run"
export STOREFRONT_DB="${STOREFRONT_DB:-$var/storefront.db}"
mkdir -p "$var" "$run"

"$root/bin/storefront" init >/dev/null
"$root/bin/storefront" demo >/dev/null
token=$("$root/bin/storefront" token create demo owner@demo.localhost --name "make run")

# One way out, whatever the cause: stop the stack once, then exit.
status=0 sleeper=""
stop() {
	trap '' INT TERM HUP
	trap - EXIT
	[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null || true
	sh "$root/scripts/stack.sh" stop "$run"
	echo "stopped."
	exit "$status"
}
trap 'status=$?; stop' EXIT
trap 'stop' INT TERM HUP
sh "$root/scripts/stack.sh" start "$run" "$port" 4
lighttpd=$(cat "$run/lighttpd.pid")

cat <<MSG

  Storefront is running.

  Store:      http://demo.localhost:$port/
  Admin API:  http://demo.localhost:$port/api/cms/   (Bearer tokens)
  Browser admin host: http://admin.localhost:$port/   (sessions; sign in with "store": "demo")
  API token:  $token   (owner@demo.localhost; password: demo-password)

  Try:  curl -H "Authorization: Bearer $token" http://demo.localhost:$port/api/cms/pages
  Logs: $run/workers.log     (the programs: one line per error, with the
                              request id a failed block's comment shows)
        $run/lighttpd-error.log

  Ctrl-C stops it.
MSG
# Until a signal, or until lighttpd is gone. sleep runs in the background
# so that a signal is handled at once (wait returns), not after it.
while kill -0 "$lighttpd" 2>/dev/null; do
	sleep 1 &
	sleeper=$!
	wait $sleeper || true
done
echo "lighttpd has stopped; see $run/lighttpd-error.log" >&2
status=1
stop
