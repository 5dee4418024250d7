#!/bin/sh
# vibe_boundary: the vibe engine (src/vibe/) names no header from outside
# it but the shared helpers (util, html, text, money; the Makefile's
# VIBE_SHARED), and those name only each other: no database, HTTP, FastCGI
# or config. The include path (make: -Isrc/vibe -Ibuild/vibe-shared) is
# what enforces it at compile time; this check says which line broke it.
# Run by `make unit` (target vibe-boundary). Exit 1 on a violation.
cd "$(dirname "$0")/../.." || exit 1
shared="util.h html.h text.h money.h"
forbidden="sqlite3.h fcgiapp.h fcgi_stdio.h fcgi_config.h curl/curl.h argon2.h cmark.h"
bad=0
for f in src/vibe/*.[ch] src/util.[ch] src/html.[ch] src/text.[ch] src/money.[ch]; do
	# Every #include "x" must be an engine header (src/vibe/) or a shared one.
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case " $shared " in *" $h "*) continue ;; esac
		case "$f" in src/vibe/*) [ -f "src/vibe/$h" ] && continue ;; esac
		echo "vibe-boundary: $f includes \"$h\" (outside the engine and its shared helpers)"
		bad=1
	done
	# Nor a system include of the libraries only the storefront uses.
	for h in $forbidden; do
		if grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$h>" "$f" >/dev/null; then
			echo "vibe-boundary: $f includes $h"
			bad=1
		fi
	done
done
exit $bad
