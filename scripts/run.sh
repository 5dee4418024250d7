#!/bin/sh
# make run: the demo store on http://demo.localhost:$PORT/ behind lighttpd
# with FastCGI pools, in the foreground. Ctrl-C stops everything it started.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8080}
var="$root/var"
run="$var/run"
export STOREFRONT_DB="${STOREFRONT_DB:-$var/storefront.db}"
mkdir -p "$var" "$run"

"$root/bin/storefront" init >/dev/null
"$root/bin/storefront" demo >/dev/null
token=$("$root/bin/storefront" token create demo owner@demo.localhost --name "make run")

stop() {
	trap - INT TERM EXIT
	sh "$root/scripts/stack.sh" stop "$run"
	echo "stopped."
}
trap stop INT TERM EXIT
sh "$root/scripts/stack.sh" start "$run" "$port" 4

cat <<MSG

  Storefront is running.

  Store:      http://demo.localhost:$port/
  Admin API:  http://demo.localhost:$port/api/cms/   (Bearer tokens)
  Browser admin host: http://admin.localhost:$port/   (sessions; sign in with "store": "demo")
  API token:  $token   (owner@demo.localhost; password: demo-password)

  Try:  curl -H "Authorization: Bearer $token" http://demo.localhost:$port/api/cms/pages
  Logs: $run/workers.log, $run/lighttpd-error.log

  Ctrl-C stops it.
MSG
# Wait until interrupted (or until lighttpd dies).
while kill -0 "$(cat "$run/lighttpd.pid" 2>/dev/null || echo 0)" 2>/dev/null; do sleep 1; done
