#!/bin/sh
# Installs the browser tests' npm packages when missing or when the
# lockfile changed: playwright-core (it uses Debian's /usr/bin/chromium and
# never downloads a browser), and for the page-quality checks vnu-jar (run
# with Java), axe-core and lighthouse (+ chrome-launcher, Debian's chromium
# again); puppeteer-core drives Debian's firefox-esr over WebDriver BiDi
# (browsers.mjs, test_firefox.py), never downloading a browser either.
set -eu
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
	[ ! -d node_modules/vnu-jar ] || [ ! -d node_modules/lighthouse ] || [ ! -d node_modules/puppeteer-core ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
