#!/bin/sh
# install.sh install|uninstall: what `make install` and `make uninstall` do,
# from the source tree, with DESTDIR, PREFIX, SYSCONFDIR and STATEDIR from
# the Makefile (the programs have the last three compiled in, config.c).
#
#   PREFIX/bin/storefront                     the CLI
#   PREFIX/lib/storefront/cgi-bin/            storefront.fcgi, admin.cgi
#   PREFIX/lib/storefront/storefront-image    the image helper (media.c runs it)
#   PREFIX/share/storefront/                  templates/ sql/ htdocs/ conf/
#   SYSCONFDIR/storefront.conf                conf/storefront.conf.example,
#                                             unless there is one already
#   STATEDIR/                                 the database's directory (empty)
#
# Only tracked files are installed: `git ls-files` in a git checkout, every
# file of those directories in a release tarball (which holds nothing
# else). uninstall removes the same files and the directories that become
# empty; the database stays, and so does a storefront.conf that differs
# from the example (it was edited).
set -eu
cd "$(dirname "$0")/.."
: "${PREFIX:?}" "${SYSCONFDIR:?}" "${STATEDIR:?}"
DESTDIR=${DESTDIR:-}
bin=$DESTDIR$PREFIX/bin
lib=$DESTDIR$PREFIX/lib/storefront
share=$DESTDIR$PREFIX/share/storefront
etc=$DESTDIR$SYSCONFDIR
state=$DESTDIR$STATEDIR
example=conf/storefront.conf.example

data_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- templates sql htdocs conf
		# the web editor's bundle: built (make editor), never tracked
		for f in htdocs/admin/editor.js htdocs/admin/editor.js.LEGAL.txt; do if [ -f "$f" ]; then echo "$f"; fi; done
	else
		find templates sql htdocs conf -name node_modules -prune -o -type f -print | sort
	fi
}

case "${1:-}" in
install)
	for p in cgi-bin/storefront.fcgi cgi-bin/admin.cgi bin/storefront bin/storefront-image; do
		[ -x "$p" ] || { echo "install.sh: $p is not built (run make)" >&2; exit 1; }
	done
	install -d "$bin" "$lib/cgi-bin" "$share" "$etc" "$state"
	install -m 755 bin/storefront "$bin/storefront"
	install -m 755 cgi-bin/storefront.fcgi cgi-bin/admin.cgi "$lib/cgi-bin/"
	install -m 755 bin/storefront-image "$lib/storefront-image"
	data_files | while IFS= read -r f; do
		[ -f "$f" ] || continue   # tracked but deleted in the work tree
		install -D -m 644 "$f" "$share/$f"
	done
	n=$(data_files | wc -l)
	if [ -e "$etc/storefront.conf" ]; then
		echo "install.sh: keeping $etc/storefront.conf"
	else
		install -m 644 "$example" "$etc/storefront.conf"
	fi
	echo "installed: $bin/storefront, $lib/cgi-bin/, $n files in $share/, $etc/storefront.conf; database directory $state/"
	;;
uninstall)
	rm -f "$bin/storefront" "$lib/cgi-bin/storefront.fcgi" "$lib/cgi-bin/admin.cgi" "$lib/storefront-image"
	data_files | while IFS= read -r f; do rm -f "$share/$f"; done
	if [ -f "$etc/storefront.conf" ]; then
		if cmp -s "$example" "$etc/storefront.conf"; then
			rm -f "$etc/storefront.conf"
		else
			echo "install.sh: keeping $etc/storefront.conf (edited)"
		fi
	fi
	for d in "$share" "$lib"; do
		if [ -d "$d" ]; then find "$d" -depth -type d -empty -delete; fi
	done
	rmdir "$etc" "$state" 2>/dev/null || true
	if [ -d "$state" ]; then echo "install.sh: keeping $state/ (the database)"; fi
	echo "uninstalled from $DESTDIR$PREFIX"
	;;
*)
	echo "usage: install.sh install|uninstall" >&2
	exit 2
	;;
esac
