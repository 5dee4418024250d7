#!/bin/sh
# Installs the browser tests' npm packages (playwright-core, which uses
# Debian's /usr/bin/chromium and never downloads a browser, and the page
# checkers) when missing or when the lockfile changed.
set -eu
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
