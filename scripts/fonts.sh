#!/bin/sh
# fonts.sh: rebuild the self-hosted fonts under htdocs/fonts from Debian's
# font packages (fonts-inter, fonts-ebgaramond, fonts-league-spartan; all
# SIL Open Font License 1.1), as Latin-subset WOFF2 with fonttools
# (python3-fonttools, python3-brotli), and copy each package's licence
# beside them. The outputs are committed; run this only to refresh them.
set -eu
out="$(dirname "$0")/../htdocs/fonts"
mkdir -p "$out"
# Latin and Latin-1, general punctuation, currency signs, common symbols.
uni="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+2074,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
sub() {   # sub SOURCE NAME
	/usr/bin/python3 -m fontTools.subset "$1" --unicodes="$uni" --flavor=woff2 --layout-features='kern,liga,calt,lnum,tnum' \
		--no-hinting --desubroutinize --output-file="$out/$2.woff2"
}
sub /usr/share/fonts/opentype/inter/Inter-Regular.otf inter-400
sub /usr/share/fonts/opentype/inter/Inter-Bold.otf inter-700
sub /usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf eb-garamond-400
sub /usr/share/fonts/opentype/ebgaramond/EBGaramond12-Bold.otf eb-garamond-700
sub /usr/share/fonts/opentype/league-spartan/LeagueSpartan-Regular.otf league-spartan-400
sub /usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf league-spartan-700
for p in inter ebgaramond league-spartan; do
	cp "/usr/share/doc/fonts-$p/copyright" "$out/LICENSE-$p.txt"
done
ls -l "$out"
