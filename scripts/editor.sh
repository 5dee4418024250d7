#!/bin/sh
# editor.sh: build the web editor's bundle, htdocs/admin/editor.js (and its
# licence notices, editor.js.LEGAL.txt), from editor/src/ with esbuild and
# CodeMirror 6 from npm (editor/package-lock.json pins them). `make editor`
# runs it when a source or the lockfile changed; make run, make test and
# make install call that target. A release tarball carries the built
# files, so a host without Node.js serves the editor as it is.
set -eu
cd "$(dirname "$0")/../editor"
if ! command -v npm >/dev/null 2>&1; then
	echo "editor.sh: npm is needed to build the web editor. Run:" >&2
	echo "  sudo apt-get install -y nodejs npm   (or as root: sh scripts/deps.sh run)" >&2
	exit 1
fi
if [ ! -d node_modules/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
./node_modules/.bin/esbuild src/main.js --bundle --minify --format=iife --target=es2020 \
	--legal-comments=linked --log-level=warning --outfile=../htdocs/admin/editor.js
