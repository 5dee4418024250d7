#!/bin/sh
# deps.sh SET... : make sure the Debian packages a make target needs are
# installed. As root it installs what is missing with apt-get; otherwise it
# prints the exact command to run and fails. Sets: build, run, test, bench,
# test-long (test + what only make test-long needs: firefox-esr).
set -eu

build="gcc make pkg-config libfcgi-dev libsqlite3-dev libmujs-dev libcjson-dev
 libcurl4-openssl-dev libargon2-dev libseccomp-dev libcmark-dev libvips-dev zlib1g-dev"
run="lighttpd lighttpd-mod-deflate lighttpd-modules-lua spawn-fcgi multiwatch sqlite3 curl tzdata"
test="python3 python3-pytest python3-pytest-xdist python3-pyld libvips-tools lighttpd lighttpd-mod-deflate lighttpd-modules-lua spawn-fcgi multiwatch
 curl sqlite3 caddy valgrind nginx apache2 libapache2-mod-fcgid chromium clang libclang-rt-14-dev haproxy"
bench="wrk haproxy libvips-tools"
testlong="firefox-esr"

want=""
for set in "$@"; do
	case "$set" in
	build) want="$want $build" ;;
	run) want="$want $build $run" ;;
	test) want="$want $build $run $test" ;;
	test-long) want="$want $build $run $test $testlong" ;;
	bench) want="$want $build $run $bench" ;;
	*) echo "deps.sh: unknown set '$set'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js drives the browser tests and builds the web editor's bundle
# (make editor); any install of it will do (the machine image may carry
# its own build), so look for the command, not the package.
case " $* " in *" test "*|*" test-long "*|*" run "*)
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
		missing="$missing nodejs npm"
	# the Nu Html Checker (tests/browser/quality.mjs) runs on Java
	command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless" ;;
esac
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps.sh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "deps.sh: missing Debian packages. Run:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
