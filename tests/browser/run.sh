#!/bin/sh
# Installs the browser tests' npm packages (playwright-core only; it uses
# Debian's /usr/bin/chromium and never downloads a browser) when missing.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
