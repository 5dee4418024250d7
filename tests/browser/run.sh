#!/bin/sh
# Installs the browser tests' npm packages when missing: playwright-core
# (it uses Debian's /usr/bin/chromium and never downloads a browser), and
# for the page-quality checks vnu-jar (run with Java), axe-core and
# lighthouse (+ chrome-launcher, Debian's chromium again).
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/vnu-jar ] || [ ! -d node_modules/axe-core ] ||
	[ ! -d node_modules/lighthouse ] || [ ! -d node_modules/chrome-launcher ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
