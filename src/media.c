/* media: the media library's rows, type sniffing, header checks, SVG
 * sanitising and the files under media_dir (see media.h). */
#include "media.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "rows.h"
#include "sha256.h"
#include "html.h"
#include "net.h"
#include "audit.h"
#include "quota.h"
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const type_names[] = { "", "png", "jpeg", "webp", "gif", "avif", "svg" };
static const char *const type_mimes[] = { "", "image/png", "image/jpeg", "image/webp", "image/gif",
					  "image/avif", "image/svg+xml" };

const char *media_type_name(media_type t) { return type_names[t]; }
const char *media_type_mime(media_type t) { return type_mimes[t]; }

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t le32(const unsigned char *p) { return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]; }

/* ---- sniffing ---- */

/* After a BOM, blank space, an XML declaration and comments: "<svg". */
static int is_svg(const unsigned char *p, size_t n)
{
	size_t i = 0, lim = n < 4096 ? n : 4096;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
	for (;;) {
		while (i < lim && isspace(p[i])) i++;
		if (i + 5 <= lim && memcmp(p + i, "<?xml", 5) == 0) {
			const unsigned char *e = memmem(p + i, lim - i, "?>", 2);
			if (!e) return 0;
			i = (size_t)(e - p) + 2;
		} else if (i + 4 <= lim && memcmp(p + i, "<!--", 4) == 0) {
			const unsigned char *e = memmem(p + i, lim - i, "-->", 3);
			if (!e) return 0;
			i = (size_t)(e - p) + 3;
		} else if (i + 9 <= lim && strncasecmp((const char *)p + i, "<!DOCTYPE", 9) == 0) {
			/* refused by the sanitiser, with a clear reason */
			return memmem(p + i, lim - i, "svg", 3) != NULL;
		} else {
			return i + 4 < lim && memcmp(p + i, "<svg", 4) == 0 &&
			       (isspace(p[i + 4]) || p[i + 4] == '>' || p[i + 4] == '/');
		}
	}
}

media_type media_sniff(const unsigned char *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return MT_PNG;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return MT_JPEG;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) return MT_GIF;
	if (n >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP8", 7) == 0) return MT_WEBP;
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
		uint32_t sz = be32(p);
		if (sz >= 16 && sz <= n && sz <= 256) {
			if (memcmp(p + 8, "avif", 4) == 0 || memcmp(p + 8, "avis", 4) == 0) return MT_AVIF;
			for (uint32_t o = 16; o + 4 <= sz; o += 4)   /* compatible brands */
				if (memcmp(p + o, "avif", 4) == 0) return MT_AVIF;
		}
		return MT_NONE;
	}
	if (is_svg(p, n)) return MT_SVG;
	return MT_NONE;
}

/* ---- header dimensions ---- */

static int jpeg_sof(unsigned m)
{
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* The largest ispe (image spatial extents) box of an AVIF's meta. */
static int avif_size(const unsigned char *p, size_t n, long *w, long *h)
{
	size_t lim = n < (1 << 20) ? n : (1 << 20);
	long bw = 0, bh = 0;
	for (size_t i = 4; i + 16 <= lim; i++) {
		if (memcmp(p + i, "ispe", 4) != 0) continue;
		uint32_t sz = be32(p + i - 4);
		if (sz < 20) continue;
		long ww = (long)be32(p + i + 8), hh = (long)be32(p + i + 12);
		if ((double)ww * hh > (double)bw * bh) { bw = ww; bh = hh; }
	}
	if (!bw || !bh) return -1;
	*w = bw;
	*h = bh;
	return 0;
}

int media_header_size(media_type t, const unsigned char *p, size_t n, long *w, long *h)
{
	*w = *h = 0;
	switch (t) {
	case MT_PNG:
		if (n < 24 || memcmp(p + 12, "IHDR", 4) != 0) return -1;
		*w = (long)be32(p + 16);
		*h = (long)be32(p + 20);
		break;
	case MT_GIF:
		if (n < 10) return -1;
		*w = (long)le16(p + 6);
		*h = (long)le16(p + 8);
		break;
	case MT_JPEG: {
		size_t i = 2;
		while (i + 4 <= n) {
			if (p[i] != 0xFF) return -1;
			unsigned m = p[i + 1];
			if (m == 0xFF) { i++; continue; }
			if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
			unsigned len = be16(p + i + 2);
			if (len < 2) return -1;
			if (jpeg_sof(m)) {
				if (i + 9 > n) return -1;
				*h = (long)be16(p + i + 5);
				*w = (long)be16(p + i + 7);
				break;
			}
			if (m == 0xDA || m == 0xD9) return -1;   /* scan before a frame header */
			i += 2 + len;
		}
		break;
	}
	case MT_WEBP:
		if (n < 30) return -1;
		if (memcmp(p + 12, "VP8 ", 4) == 0) {
			*w = (long)(le16(p + 26) & 0x3fff);
			*h = (long)(le16(p + 28) & 0x3fff);
		} else if (memcmp(p + 12, "VP8L", 4) == 0) {
			uint32_t b = le32(p + 21);
			*w = (long)(b & 0x3fff) + 1;
			*h = (long)((b >> 14) & 0x3fff) + 1;
		} else if (memcmp(p + 12, "VP8X", 4) == 0) {
			*w = (long)(p[24] | p[25] << 8 | p[26] << 16) + 1;
			*h = (long)(p[27] | p[28] << 8 | p[29] << 16) + 1;
		} else {
			return -1;
		}
		break;
	case MT_AVIF:
		return avif_size(p, n, w, h);
	default:
		return -1;
	}
	return *w > 0 && *h > 0 ? 0 : -1;
}

/* ---- polyglots ---- */

/* Where the format's own data ends (bytes), or 0 when it cannot tell. */
static size_t format_end(media_type t, const unsigned char *p, size_t n)
{
	switch (t) {
	case MT_PNG: {
		size_t i = 8;
		while (i + 12 <= n) {
			uint32_t len = be32(p + i);
			if (len > n) return 0;
			int iend = memcmp(p + i + 4, "IEND", 4) == 0;
			i += 12 + (size_t)len;
			if (iend) return i <= n ? i : 0;
		}
		return 0;
	}
	case MT_GIF: {
		size_t i = 13;
		if (n < 13) return 0;
		if (p[10] & 0x80) i += 3u * (1u << ((p[10] & 7) + 1));
		while (i < n) {
			if (p[i] == 0x3B) return i + 1;
			if (p[i] == 0x21) {
				i += 2;
			} else if (p[i] == 0x2C) {
				if (i + 10 > n) return 0;
				unsigned f = p[i + 9];
				i += 10;
				if (f & 0x80) i += 3u * (1u << ((f & 7) + 1));
				i += 1;   /* LZW minimum code size */
			} else {
				return 0;
			}
			while (i < n && p[i]) i += (size_t)p[i] + 1;   /* sub-blocks */
			i++;
		}
		return 0;
	}
	case MT_WEBP: {
		if (n < 12) return 0;
		size_t end = (size_t)le32(p + 4) + 8;
		return end + (end & 1);
	}
	case MT_AVIF: {
		size_t i = 0;
		while (i + 8 <= n) {
			uint64_t sz = be32(p + i);
			if (sz == 1) {
				if (i + 16 > n) return 0;
				sz = (uint64_t)be32(p + i + 8) << 32 | be32(p + i + 12);
			} else if (sz == 0) {
				return n;
			}
			if (sz < 8 || sz > n - i) return 0;
			i += (size_t)sz;
		}
		return i;
	}
	case MT_JPEG: {
		/* Segments up to the scan, then entropy-coded data to EOI (a marker
		 * other than a stuffed 0xFF00 or a restart RSTn). */
		size_t i = 2;
		for (;;) {
			if (i + 2 > n || p[i] != 0xFF) return 0;
			unsigned m = p[i + 1];
			if (m == 0xFF) { i++; continue; }
			if (m == 0xD9) return i + 2;
			if (i + 4 > n) return 0;
			unsigned len = be16(p + i + 2);
			i += 2 + len;
			if (m != 0xDA) continue;
			while (i + 1 < n) {
				if (p[i] == 0xFF && p[i + 1] != 0 && !(p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7) && p[i + 1] != 0xFF)
					break;
				i++;
			}
			/* a progressive JPEG has more segments and scans */
		}
	}
	default:
		return 0;
	}
}

/* Another format's marker in p[0..n): case-insensitive, long enough not
 * to turn up by chance in compressed data. */
static const char *marks_in(const unsigned char *p, size_t n, size_t base, char *why, size_t wl)
{
	static const char *const marks[] = { "<script", "<html", "<?php", "<svg", "<body", "<iframe",
					     "javascript:", "%PDF-", NULL };
	for (int k = 0; marks[k]; k++) {
		size_t ml = strlen(marks[k]);
		for (size_t i = 0; i + ml <= n; i++) {
			if (tolower(p[i]) != marks[k][0] || strncasecmp((const char *)p + i, marks[k], ml) != 0) continue;
			snprintf(why, wl, "the file holds '%s' at byte %zu: a file that is also another format is not accepted",
				 marks[k], base + i);
			return why;
		}
	}
	return NULL;
}

const char *media_polyglot_problem(media_type t, const unsigned char *p, size_t n)
{
	static char why[160];
	/* Where another file hides: metadata, not the compressed pixels (where
	 * short marks would turn up by chance). PNG: every chunk but IDAT;
	 * JPEG: everything before the first scan; others: the first 64 KiB. */
	if (t == MT_PNG) {
		size_t i = 8;
		while (i + 12 <= n) {
			uint32_t len = be32(p + i);
			if (len > n - i - 12) break;
			if (memcmp(p + i + 4, "IDAT", 4) != 0 && marks_in(p + i + 8, len, i + 8, why, sizeof why)) return why;
			i += 12 + (size_t)len;
		}
	} else if (t == MT_JPEG) {
		size_t i = 2;
		while (i + 4 <= n && p[i] == 0xFF && p[i + 1] != 0xDA) i += 2 + be16(p + i + 2);
		if (marks_in(p, i < n ? i : n, 0, why, sizeof why)) return why;
	} else if (marks_in(p, n < 65536 ? n : 65536, 0, why, sizeof why)) {
		return why;
	}
	size_t end = format_end(t, p, n);
	if (end == 0 || end >= n) return NULL;   /* cannot tell (the decoder decides), or nothing after */
	/* JPEG: another JPEG may follow (MPF: a phone's second picture) */
	if (t == MT_JPEG && n - end >= 3 && p[end] == 0xFF && p[end + 1] == 0xD8) return NULL;
	for (size_t i = end; i < n; i++)
		if (p[i]) return "the file has data after the end of the image: a file that is also another format is not accepted";
	return NULL;
}

/* ---- SVG ---- */

static const char *const svg_elements[] = {
	"svg", "g", "a", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
	"text", "tspan", "textPath", "title", "desc", "linearGradient", "radialGradient", "stop", "clipPath",
	"mask", "pattern", "marker", "filter", "style", "image", "switch", "view",
	"feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting",
	"feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
	"feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
	"feSpecularLighting", "feSpotLight", "feTile", "feTurbulence", NULL
};

static int in_list(const char *const *l, const char *s, size_t n)
{
	for (int i = 0; l[i]; i++)
		if (strlen(l[i]) == n && memcmp(l[i], s, n) == 0) return 1;
	return 0;
}

/* CSS or an attribute value that reaches outside the file. */
static const char *css_problem(const char *s, size_t n)
{
	static const char *const bad[] = { "@import", "javascript:", "expression(", "behavior:", "-moz-binding", "<", NULL };
	for (int k = 0; bad[k]; k++) {
		size_t bl = strlen(bad[k]);
		for (size_t i = 0; i + bl <= n; i++)
			if (strncasecmp(s + i, bad[k], bl) == 0) return bad[k];
	}
	for (size_t i = 0; i + 4 <= n; i++) {
		if (strncasecmp(s + i, "url(", 4) != 0) continue;
		size_t j = i + 4;
		while (j < n && (isspace((unsigned char)s[j]) || s[j] == '"' || s[j] == '\'')) j++;
		if (j >= n || s[j] != '#') return "url() outside the file";
	}
	return NULL;
}

static int raster_data_uri(const char *v, size_t n)
{
	static const char *const ok[] = { "data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,",
					  "data:image/webp;base64,", NULL };
	for (int k = 0; ok[k]; k++) {
		size_t l = strlen(ok[k]);
		if (n >= l && strncasecmp(v, ok[k], l) == 0) {
			for (size_t i = l; i < n; i++)
				if (!isalnum((unsigned char)v[i]) && v[i] != '+' && v[i] != '/' && v[i] != '=') return 0;
			return 1;
		}
	}
	return 0;
}

/* Character data or an attribute value: '&' only in the five XML entities
 * and character references; copied with '<' and '"' escaped. */
static int copy_text(sbuf *out, const char *s, size_t n, char *why, size_t wl)
{
	static const char *const ents[] = { "amp;", "lt;", "gt;", "quot;", "apos;", NULL };
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '&') {
			size_t rest = n - i - 1;
			const char *e = s + i + 1;
			int ok = 0;
			for (int k = 0; ents[k] && !ok; k++) ok = rest >= strlen(ents[k]) && memcmp(e, ents[k], strlen(ents[k])) == 0;
			if (!ok && rest >= 3 && e[0] == '#') {
				size_t j = 1;
				int hex = e[1] == 'x';
				if (hex) j++;
				size_t d = j;
				while (j < rest && (hex ? isxdigit((unsigned char)e[j]) : isdigit((unsigned char)e[j]))) j++;
				ok = j > d && j < rest && e[j] == ';' && j - d <= 8;
			}
			if (!ok) {
				snprintf(why, wl, "the SVG uses an entity other than &amp; &lt; &gt; &quot; &apos; or a character reference");
				return -1;
			}
			sb_putc(out, '&');
		} else if (c == '<') {
			sb_puts(out, "&lt;");
		} else if (c == '"') {
			sb_puts(out, "&quot;");
		} else {
			sb_putc(out, c);
		}
	}
	return 0;
}

/* One line of what sanitising removed: "what text" (text cut at 60). */
static void note(cJSON *removed, const char *what, const char *a, size_t an)
{
	if (!removed || cJSON_GetArraySize(removed) >= 50) return;
	char buf[160];
	snprintf(buf, sizeof buf, "%s %.*s", what, (int)(an > 60 ? 60 : an), a);
	cJSON *it;
	cJSON_ArrayForEach(it, removed) if (strcmp(it->valuestring, buf) == 0) return;
	cJSON_AddItemToArray(removed, cJSON_CreateString(buf));
}

static int name_char(int c) { return isalnum(c) || c == '_' || c == ':' || c == '.' || c == '-'; }

static double svg_num(const char *s)
{
	char *e;
	double v = strtod(s, &e);
	while (*e == ' ') e++;
	return (e != s && (!*e || strcmp(e, "px") == 0)) ? v : 0;
}

#define SVG_MAX_DEPTH 256

int media_svg_sanitize(const char *in, size_t n, sbuf *out, cJSON *removed, long *w, long *h,
		       char *why, size_t wl)
{
	struct { const char *name; size_t len; int keep; } stack[SVG_MAX_DEPTH];
	int depth = 0, drop = 0, seen_root = 0, root_closed = 0;   /* drop: depth of the dropped element, 0 none */
	double vw = 0, vh = 0, aw = 0, ah = 0;
	size_t i = 0;
	*w = *h = 0;
	if (!utf8_valid(in, n) || memchr(in, 0, n)) { snprintf(why, wl, "the SVG is not UTF-8 text"); return -1; }
	if (n >= 3 && (unsigned char)in[0] == 0xEF) i = 3;
	while (i < n) {
		if (in[i] != '<') {
			size_t j = i;
			while (j < n && in[j] != '<') j++;
			if (depth > 0 && !drop) {
				if (copy_text(out, in + i, j - i, why, wl) < 0) return -1;
			} else if (!drop) {
				for (size_t k = i; k < j; k++)
					if (!isspace((unsigned char)in[k])) { snprintf(why, wl, "the SVG has text outside its root element"); return -1; }
			}
			i = j;
			continue;
		}
		const char *t = in + i;
		size_t rest = n - i;
		if (rest >= 4 && memcmp(t, "<!--", 4) == 0) {
			const char *e = memmem(t + 4, rest - 4, "-->", 3);
			if (!e) { snprintf(why, wl, "the SVG has a comment that is not closed"); return -1; }
			i = (size_t)(e - in) + 3;
			continue;
		}
		if (rest >= 2 && t[1] == '?') {
			const char *e = memmem(t, rest, "?>", 2);
			if (!e || seen_root || (rest < 5 || memcmp(t, "<?xml", 5) != 0 || !isspace((unsigned char)t[5]))) {
				snprintf(why, wl, "the SVG has a processing instruction (only the XML declaration is accepted)");
				return -1;
			}
			i = (size_t)(e - in) + 2;
			continue;
		}
		if (rest >= 2 && t[1] == '!') {
			if (rest >= 9 && memcmp(t, "<![CDATA[", 9) == 0 && drop) {
				const char *e = memmem(t, rest, "]]>", 3);
				if (!e) { snprintf(why, wl, "the SVG has a CDATA section that is not closed"); return -1; }
				i = (size_t)(e - in) + 3;
				continue;
			}
			snprintf(why, wl, "the SVG has a DOCTYPE, entity or CDATA section: not accepted (they can reach outside the file)");
			return -1;
		}
		/* a tag */
		int closing = rest >= 2 && t[1] == '/';
		size_t j = closing ? 2 : 1, ns = j;
		while (j < rest && name_char((unsigned char)t[j])) j++;
		size_t nlen = j - ns;
		const char *name = t + ns;
		if (!nlen) { snprintf(why, wl, "the SVG is not well-formed XML (at byte %zu)", i); return -1; }
		if (closing) {
			while (j < rest && isspace((unsigned char)t[j])) j++;
			if (j >= rest || t[j] != '>' || depth == 0 || stack[depth - 1].len != nlen ||
			    memcmp(stack[depth - 1].name, name, nlen) != 0) {
				snprintf(why, wl, "the SVG is not well-formed XML: </%.*s> does not close the open element", (int)(nlen > 40 ? 40 : nlen), name);
				return -1;
			}
			depth--;
			if (!drop) sb_printf(out, "</%.*s>", (int)nlen, name);
			if (drop == depth + 1) drop = 0;
			if (depth == 0) root_closed = 1;
			i += j + 1;
			continue;
		}
		if (root_closed || (!seen_root && (nlen != 3 || memcmp(name, "svg", 3) != 0))) {
			snprintf(why, wl, "the SVG's root element must be <svg>, and alone");
			return -1;
		}
		seen_root = 1;
		if (depth >= SVG_MAX_DEPTH) { snprintf(why, wl, "the SVG nests elements more than %d deep", SVG_MAX_DEPTH); return -1; }
		int keep = !drop && in_list(svg_elements, name, nlen);
		if (!drop && !keep) note(removed, "element", name, nlen);
		int is_image = nlen == 5 && memcmp(name, "image", 5) == 0;
		int is_root = depth == 0;
		sbuf tag = SBUF_INIT;
		sb_printf(&tag, "<%.*s", (int)nlen, name);
		/* attributes */
		int self_close = 0;
		for (;;) {
			while (j < rest && isspace((unsigned char)t[j])) j++;
			if (j >= rest) { sb_free(&tag); snprintf(why, wl, "the SVG ends inside a tag"); return -1; }
			if (t[j] == '>') { j++; break; }
			if (t[j] == '/' && j + 1 < rest && t[j + 1] == '>') { self_close = 1; j += 2; break; }
			size_t as = j;
			while (j < rest && name_char((unsigned char)t[j])) j++;
			size_t alen = j - as;
			const char *an = t + as;
			while (j < rest && isspace((unsigned char)t[j])) j++;
			if (!alen || j >= rest || t[j] != '=') { sb_free(&tag); snprintf(why, wl, "the SVG is not well-formed XML (an attribute of <%.*s>)", (int)(nlen > 40 ? 40 : nlen), name); return -1; }
			j++;
			while (j < rest && isspace((unsigned char)t[j])) j++;
			if (j >= rest || (t[j] != '"' && t[j] != '\'')) { sb_free(&tag); snprintf(why, wl, "the SVG has an unquoted attribute value"); return -1; }
			char q = t[j++];
			size_t vs = j;
			while (j < rest && t[j] != q) j++;
			if (j >= rest) { sb_free(&tag); snprintf(why, wl, "the SVG ends inside an attribute value"); return -1; }
			const char *v = t + vs;
			size_t vlen = j - vs;
			j++;
			if (!keep) continue;
			/* which attributes stay */
			int ok = 1;
			if (alen > 2 && strncasecmp(an, "on", 2) == 0) { ok = 0; note(removed, "event handler", an, alen); }
			else if ((alen == 4 && memcmp(an, "href", 4) == 0) || (alen == 10 && memcmp(an, "xlink:href", 10) == 0)) {
				size_t k = 0;
				while (k < vlen && isspace((unsigned char)v[k])) k++;
				if (!(k < vlen && v[k] == '#') && !(is_image && raster_data_uri(v + k, vlen - k))) {
					ok = 0;
					note(removed, "reference outside the file:", v, vlen);
				}
			} else if (memchr(an, ':', alen) && !(alen == 9 && memcmp(an, "xml:space", 9) == 0) &&
				   !(alen == 8 && memcmp(an, "xml:lang", 8) == 0) && !(alen >= 6 && memcmp(an, "xmlns:", 6) == 0)) {
				ok = 0;
				note(removed, "attribute", an, alen);
			} else {
				const char *p = css_problem(v, vlen);
				if (p) { ok = 0; note(removed, "attribute value with", p, strlen(p)); }
			}
			if (ok && alen >= 6 && memcmp(an, "xmlns:", 6) == 0 &&
			    !(alen == 11 && memcmp(an, "xmlns:xlink", 11) == 0)) ok = 0;   /* foreign namespaces go with their elements */
			if (!ok) continue;
			sb_printf(&tag, " %.*s=\"", (int)alen, an);
			if (copy_text(&tag, v, vlen, why, wl) < 0) { sb_free(&tag); return -1; }
			sb_putc(&tag, '"');
			if (is_root) {
				char num[64];
				snprintf(num, sizeof num, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
				if (alen == 5 && memcmp(an, "width", 5) == 0) aw = svg_num(num);
				if (alen == 6 && memcmp(an, "height", 6) == 0) ah = svg_num(num);
				if (alen == 7 && memcmp(an, "viewBox", 7) == 0) {
					double x, y, a, b;
					for (char *c = num; *c; c++) if (*c == ',') *c = ' ';
					if (sscanf(num, "%lf %lf %lf %lf", &x, &y, &a, &b) == 4 && a > 0 && b > 0) { vw = a; vh = b; }
				}
			}
		}
		if (keep) {
			sb_puts(&tag, self_close ? "/>" : ">");
			sb_put(out, tag.s, tag.len);
		}
		sb_free(&tag);
		i += j;
		if (!self_close) {
			stack[depth].name = name;
			stack[depth].len = nlen;
			stack[depth].keep = keep;
			depth++;
			if (!keep && !drop) drop = depth;
			/* a kept <style>: its text is checked whole */
			if (keep && nlen == 5 && memcmp(name, "style", 5) == 0) {
				const char *e = memmem(in + i, n - i, "</style", 7);
				if (!e) { snprintf(why, wl, "the SVG has a <style> that is not closed"); return -1; }
				const char *p = css_problem(in + i, (size_t)(e - (in + i)));
				if (p) {
					note(removed, "style sheet with", p, strlen(p));
					out->len -= strlen("<style>");     /* take the open tag back */
					out->s[out->len] = 0;
					drop = depth;
				}
			}
		} else if (depth == 0) {
			root_closed = 1;
		}
	}
	if (!seen_root || depth != 0) { snprintf(why, wl, "the SVG is not well-formed XML (an element is not closed)"); return -1; }
	*w = (long)(aw > 0 ? aw : vw);
	*h = (long)(ah > 0 ? ah : vh);
	return 0;
}

/* ---- files ---- */

static int mkdirs(const char *path)
{
	char buf[1200];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* media_dir/<store>/<first two hex> and the URL prefix beside it. */
static void store_dir(int64_t tid, const char *sha, char *dir, size_t dn, char *url, size_t un)
{
	snprintf(dir, dn, "%s/%lld/%.2s", cfg.media_dir, (long long)tid, sha);
	snprintf(url, un, "%s/%lld/%.2s", cfg.media_url, (long long)tid, sha);
}

/* Write a whole file atomically: a temporary name, then rename. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[1300];
	char rnd[9];
	random_hex(rnd, 4);
	snprintf(tmp, sizeof tmp, "%s.tmp-%s", path, rnd);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) return -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) { close(fd); unlink(tmp); return -1; }
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) { unlink(tmp); return -1; }
	return 0;
}

/* Run the image helper on the file at in: its JSON answer in out, within
 * media_helper_ms, under RLIMIT_AS/CPU/FSIZE. Exit 0: processed; 3: too
 * many pixels; 4: not decodable; else a failure. */
static int run_helper(const char *in, const char *prefix, media_type t, sbuf *out, long *ms)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) return -1;
	char pixels[32];
	snprintf(pixels, sizeof pixels, "%ld", cfg.media_max_pixels);
	int64_t t0 = now_usec();
	pid_t pid = fork();
	if (pid < 0) { close(pfd[0]); close(pfd[1]); return -1; }
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0) dup2(nul, 0);
		dup2(pfd[1], 1);
		close_range(3, ~0U, 0);
		struct rlimit as = { (rlim_t)cfg.media_helper_mem, (rlim_t)cfg.media_helper_mem };
		setrlimit(RLIMIT_AS, &as);
		rlim_t cpu = (rlim_t)(cfg.media_helper_ms / 1000 + 1);
		struct rlimit c = { cpu, cpu + 1 };
		setrlimit(RLIMIT_CPU, &c);
		struct rlimit fs = { (rlim_t)cfg.media_max_bytes * 8, (rlim_t)cfg.media_max_bytes * 8 };
		setrlimit(RLIMIT_FSIZE, &fs);
		struct rlimit core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &core);
		setpgid(0, 0);
		/* one thread, few malloc arenas: the address-space cap stays real */
		setenv("VIPS_CONCURRENCY", "1", 1);
		setenv("MALLOC_ARENA_MAX", "2", 1);
		execl(cfg.media_helper, "storefront-image", in, prefix, type_names[t], pixels, cfg.media_widths, (char *)NULL);
		fprintf(stderr, "media: cannot run %s: %s\n", cfg.media_helper, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	int64_t deadline = t0 + (int64_t)cfg.media_helper_ms * 1000;
	char buf[4096];
	int killed = 0;
	for (;;) {
		int64_t left = (deadline - now_usec()) / 1000;
		if (left <= 0) { kill(-pid, SIGKILL); kill(pid, SIGKILL); killed = 1; break; }   /* its group: anything it started */
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		int rc = poll(&pf, 1, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno == EINTR) continue;
		if (rc <= 0) continue;
		ssize_t got = read(pfd[0], buf, sizeof buf);
		if (got < 0 && errno == EINTR) continue;
		if (got <= 0) break;
		if (out->len < 1 << 20) sb_put(out, buf, (size_t)got);
	}
	close(pfd[0]);
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
	*ms = (long)((now_usec() - t0) / 1000);
	if (w < 0) {
		log_error("media: waiting for the image helper: %s", strerror(errno));
		return -1;
	}
	if (killed) {
		log_warn("media: image helper killed after %ld ms", *ms);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		log_warn("media: image helper died of signal %d", WTERMSIG(status));
		return 4;   /* a decoder crash is the file's doing until shown otherwise */
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void media_file_free(media_file *f)
{
	free(f->renditions_json);
	cJSON_Delete(f->removed);
	memset(f, 0, sizeof *f);
}

/* The same bytes already in the store's library: reuse its files. */
static int reuse(int64_t tid, media_file *f)
{
	sqlite3_stmt *st = db_stmt("SELECT width, height, url, renditions_json, stored_bytes FROM media "
				   "WHERE tenant_id = :t AND sha256 = :s LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", f->sha);
	int found = 0;
	if (db_step(st) == SQLITE_ROW) {
		char path[1400];
		snprintf(path, sizeof path, "%s%s", cfg.media_dir, db_text(st, 2) + strlen(cfg.media_url));
		if (str_startswith(db_text(st, 2), cfg.media_url) && access(path, F_OK) == 0) {
			f->width = (long)db_int(st, 0);
			f->height = (long)db_int(st, 1);
			snprintf(f->url, sizeof f->url, "%s", db_text(st, 2));
			f->renditions_json = xstrdup(db_text(st, 3));
			f->stored_bytes = db_int(st, 4);
			found = 1;
		}
	}
	db_reset(st);
	return found;
}

static media_code fail(media_file *f, media_code c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static media_code fail(media_file *f, media_code c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	return c;
}

/* The helper's JSON: {width, height, bytes, file, renditions: [{width,
 * height, file, webp}]} with file names relative to the store's dir. */
static media_code take_helper_json(media_file *f, const char *json, const char *urlp)
{
	cJSON *o = cJSON_Parse(json);
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "width"), *h = cJSON_GetObjectItemCaseSensitive(o, "height");
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(o, "file"), *b = cJSON_GetObjectItemCaseSensitive(o, "bytes");
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "renditions");
	if (!cJSON_IsNumber(w) || !cJSON_IsNumber(h) || !cJSON_IsString(file) || !cJSON_IsArray(rs)) {
		cJSON_Delete(o);
		return fail(f, MEDIA_STORAGE, "the image helper gave no usable answer");
	}
	f->width = (long)w->valuedouble;
	f->height = (long)h->valuedouble;
	f->stored_bytes = cJSON_IsNumber(b) ? (int64_t)b->valuedouble : 0;
	snprintf(f->url, sizeof f->url, "%s/%s", urlp, file->valuestring);
	cJSON *out = cJSON_CreateArray();
	const cJSON *r;
	cJSON_ArrayForEach(r, rs) {
		const cJSON *rw = cJSON_GetObjectItemCaseSensitive(r, "width"), *rh = cJSON_GetObjectItemCaseSensitive(r, "height");
		const cJSON *rf = cJSON_GetObjectItemCaseSensitive(r, "file"), *rp = cJSON_GetObjectItemCaseSensitive(r, "webp");
		if (!cJSON_IsNumber(rw) || !cJSON_IsNumber(rh) || !cJSON_IsString(rp)) continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "width", rw->valuedouble);
		cJSON_AddNumberToObject(e, "height", rh->valuedouble);
		char u[700];
		snprintf(u, sizeof u, "%s/%s", urlp, cJSON_IsString(rf) ? rf->valuestring : file->valuestring);
		cJSON_AddStringToObject(e, "url", u);
		snprintf(u, sizeof u, "%s/%s", urlp, rp->valuestring);
		cJSON_AddStringToObject(e, "webp", u);
		cJSON_AddItemToArray(out, e);
	}
	f->renditions_json = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	cJSON_Delete(o);
	return MEDIA_OK;
}

media_code media_prepare(int64_t tid, const unsigned char *data, size_t len, media_file *f)
{
	memset(f, 0, sizeof *f);
	f->bytes = (int64_t)len;
	f->type = media_sniff(data, len);
	if (f->type == MT_NONE)
		return fail(f, MEDIA_UNSUPPORTED, "the file is not a PNG, JPEG, WebP, GIF, AVIF or SVG image (judged by its bytes, not its name)");
	char dir[1200], urlp[400];
	if (f->type == MT_SVG) {
		sbuf clean = SBUF_INIT;
		char why[200];
		f->removed = cJSON_CreateArray();
		if (media_svg_sanitize((const char *)data, len, &clean, f->removed, &f->width, &f->height, why, sizeof why) < 0) {
			sb_free(&clean);
			return fail(f, MEDIA_SVG_REFUSED, "%s", why);
		}
		sha256_hex(clean.s, clean.len, f->sha);
		store_dir(tid, f->sha, dir, sizeof dir, urlp, sizeof urlp);
		char path[1400];
		snprintf(path, sizeof path, "%s/%s.svg", dir, f->sha);
		if (mkdirs(dir) < 0 || (access(path, F_OK) != 0 && write_atomic(path, clean.s, clean.len) < 0)) {
			log_error("media: cannot write %s: %s", path, strerror(errno));
			sb_free(&clean);
			return fail(f, MEDIA_STORAGE, "the file could not be stored");
		}
		f->stored_bytes = (int64_t)clean.len;
		snprintf(f->url, sizeof f->url, "%s/%s.svg", urlp, f->sha);
		f->renditions_json = xstrdup("[]");
		sb_free(&clean);
		return MEDIA_OK;
	}
	long w, h;
	if (media_header_size(f->type, data, len, &w, &h) < 0)
		return fail(f, MEDIA_CORRUPT, "the image's header cannot be read");
	if ((double)w * (double)h > (double)cfg.media_max_pixels) {
		f->width = w;
		f->height = h;
		snprintf(f->message, sizeof f->message, "the image is %ld x %ld pixels; at most %ld pixels are accepted",
			 w, h, cfg.media_max_pixels);
		return MEDIA_TOO_MANY_PIXELS;
	}
	const char *pg = media_polyglot_problem(f->type, data, len);
	if (pg) return fail(f, MEDIA_POLYGLOT, "%s", pg);
	sha256_hex(data, len, f->sha);
	if (reuse(tid, f)) return MEDIA_OK;
	store_dir(tid, f->sha, dir, sizeof dir, urlp, sizeof urlp);
	if (mkdirs(dir) < 0) {
		log_error("media: cannot make %s: %s", dir, strerror(errno));
		return fail(f, MEDIA_STORAGE, "the file could not be stored");
	}
	/* The upload itself is never served: the helper reads it and writes
	 * the stripped, oriented full size and the renditions. */
	char in[1400], prefix[1400];
	char rnd[17];
	random_hex(rnd, 8);
	snprintf(in, sizeof in, "%s/.upload-%s", dir, rnd);
	snprintf(prefix, sizeof prefix, "%s/%s", dir, f->sha);
	if (write_atomic(in, data, len) < 0) {
		log_error("media: cannot write %s: %s", in, strerror(errno));
		return fail(f, MEDIA_STORAGE, "the file could not be stored");
	}
	sbuf out = SBUF_INIT;
	int rc = run_helper(in, prefix, f->type, &out, &f->helper_ms);
	unlink(in);
	media_code code;
	if (rc == 0) {
		code = take_helper_json(f, sb_str(&out), urlp);
	} else if (rc == 3) {
		code = fail(f, MEDIA_TOO_MANY_PIXELS, "the image has more pixels than accepted");
	} else if (rc == 4) {
		code = fail(f, MEDIA_CORRUPT, "the image could not be decoded");
	} else {
		log_error("media: image helper %s failed (%d): %s", cfg.media_helper, rc, sb_str(&out));
		code = fail(f, MEDIA_STORAGE, "the image could not be processed");
	}
	sb_free(&out);
	return code;
}

int media_insert(int64_t tid, const media_file *f, const char *name, const char *alt, const char *source_url, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO media(tenant_id, name, alt, kind, type, sha256, bytes, stored_bytes, width, height, url, "
		"renditions_json, source_url, created_at, updated_at) VALUES(:t, :n, :a, :k, :ty, :s, :b, :sb, :w, :h, :u, "
		":r, :src, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":a", alt ? alt : "");
	db_bind_text(st, ":k", f->type == MT_SVG ? "svg" : "image");
	db_bind_text(st, ":ty", type_names[f->type]);
	db_bind_text(st, ":s", f->sha);
	db_bind_int(st, ":b", f->bytes);
	db_bind_int(st, ":sb", f->stored_bytes);
	db_bind_int(st, ":w", f->width);
	db_bind_int(st, ":h", f->height);
	db_bind_text(st, ":u", f->url);
	db_bind_text(st, ":r", f->renditions_json ? f->renditions_json : "[]");
	db_bind_text(st, ":src", source_url ? source_url : "");
	if (db_run(st) < 0) return -1;
	*id = db_last_id();
	return 0;
}

int64_t media_used_bytes(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT coalesce(sum(bytes), 0) FROM media WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

#define MEDIA_COLS "id, name, alt, kind, type, sha256, bytes, width, height, url, renditions_json, source_url, " \
	"created_at, updated_at"

static cJSON *media_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	row_add_id(o, "id", db_int(st, 0));
	cJSON_AddStringToObject(o, "name", db_text(st, 1));
	cJSON_AddStringToObject(o, "alt", db_text(st, 2));
	cJSON_AddStringToObject(o, "kind", db_text(st, 3));
	cJSON_AddStringToObject(o, "type", db_text(st, 4));
	int t = MT_NONE;
	for (int k = 1; k <= MT_SVG; k++) if (strcmp(type_names[k], db_text(st, 4)) == 0) t = k;
	cJSON_AddStringToObject(o, "mimeType", type_mimes[t]);
	cJSON_AddStringToObject(o, "sha256", db_text(st, 5));
	cJSON_AddNumberToObject(o, "bytes", (double)db_int(st, 6));
	cJSON_AddNumberToObject(o, "width", (double)db_int(st, 7));
	cJSON_AddNumberToObject(o, "height", (double)db_int(st, 8));
	cJSON_AddStringToObject(o, "url", db_text(st, 9));
	cJSON_AddItemToObject(o, "renditions", row_json(st, 10, 1));
	if (*db_text(st, 11)) cJSON_AddStringToObject(o, "sourceUrl", db_text(st, 11));
	row_add_time(o, "createdAt", st, 12);
	row_add_time(o, "updatedAt", st, 13);
	return o;
}

cJSON *media_get_json(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " MEDIA_COLS " FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, media_row);
}

cJSON *media_list_json(int64_t tid, const char *kind, const char *q, int64_t limit, int64_t offset, int64_t *total)
{
	sbuf like = SBUF_INIT;
	if (q && *q) {
		/* a substring, with LIKE's own characters taken literally */
		sb_putc(&like, '%');
		for (const char *c = q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\') sb_putc(&like, '\\');
			sb_putc(&like, *c);
		}
		sb_putc(&like, '%');
	}
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM media WHERE tenant_id = :t AND (:k IS NULL OR kind = :k) "
				   "AND (:q IS NULL OR name LIKE :q ESCAPE '\\' OR alt LIKE :q ESCAPE '\\')");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":q", like.len ? sb_str(&like) : NULL);
	*total = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	st = db_stmt("SELECT " MEDIA_COLS " FROM media WHERE tenant_id = :t AND (:k IS NULL OR kind = :k) "
		     "AND (:q IS NULL OR name LIKE :q ESCAPE '\\' OR alt LIKE :q ESCAPE '\\') "
		     "ORDER BY id DESC LIMIT :l OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":q", like.len ? sb_str(&like) : NULL);
	db_bind_int(st, ":l", limit);
	db_bind_int(st, ":o", offset);
	sb_free(&like);
	return row_all(st, media_row);
}

int media_update(int64_t tid, int64_t id, const char *name, const char *alt)
{
	sqlite3_stmt *st = db_stmt("UPDATE media SET name = coalesce(:n, name), alt = coalesce(:a, alt), "
				   "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":a", alt);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() > 0;
}

static int row_url(int64_t tid, int64_t id, char *url, size_t un, char *sha)
{
	sqlite3_stmt *st = db_stmt("SELECT url, sha256 FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(url, un, "%s", db_text(st, 0));
		if (sha) snprintf(sha, 65, "%s", db_text(st, 1));
	}
	db_reset(st);
	return found;
}

/* The directory part shared by the full size and every rendition:
 * ".../<sha>" -- a config or post that names any of them uses the item. */
static void url_stem(const char *url, char *stem, size_t n)
{
	snprintf(stem, n, "%s", url);
	char *dot = strrchr(stem, '.');
	char *slash = strrchr(stem, '/');
	if (dot && (!slash || dot > slash)) *dot = 0;
}

static void add_use(cJSON *a, const char *kind, int64_t id, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind);
	if (id) row_add_id(o, "id", id);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddItemToArray(a, o);
}

cJSON *media_usage(int64_t tid, int64_t id)
{
	char url[600], stem[600];
	if (!row_url(tid, id, url, sizeof url, NULL)) return NULL;
	url_stem(url, stem, sizeof stem);
	cJSON *a = cJSON_CreateArray();
	sqlite3_stmt *st = db_stmt(
		"SELECT DISTINCT p.id, p.name FROM product_images i JOIN products p ON p.id = i.product_id "
		"WHERE i.tenant_id = :t AND i.media_id = :id "
		"UNION SELECT DISTINCT p.id, p.name FROM product_images i JOIN products p ON p.id = i.product_id "
		"WHERE i.tenant_id = :t AND i.url = :u "
		"UNION SELECT id, name FROM products WHERE tenant_id = :t AND instr(image, :s) > 0 ORDER BY 1");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":u", url);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "product", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT b.id, p.title FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
		     "WHERE b.tenant_id = :t AND (instr(b.config_json, :s) > 0 OR instr(b.vibe_code, :s) > 0) ORDER BY b.id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "block", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	/* published snapshots: a live page keeps its blocks until republished */
	st = db_stmt("SELECT p.id, p.title FROM pages p JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version "
		     "WHERE p.tenant_id = :t AND instr(v.blocks_json, :s) > 0 ORDER BY p.id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "page", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT id, title FROM posts WHERE tenant_id = :t AND (instr(featured_image, :s) > 0 OR instr(content, :s) > 0) "
		     "ORDER BY id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "post", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT instr(logo, :s) > 0 OR instr(theme_json, :s) > 0 FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	if (db_step(st) == SQLITE_ROW && db_int(st, 0)) add_use(a, "theme", 0, "the store's theme or logo");
	db_reset(st);
	return a;
}

int media_delete(int64_t tid, int64_t id, char *sha)
{
	char url[600];
	if (!row_url(tid, id, url, sizeof url, sha)) return 0;
	sqlite3_stmt *st = db_stmt("DELETE FROM product_images WHERE tenant_id = :t AND (media_id = :id OR url = :u)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE products SET image = '' WHERE tenant_id = :t AND image = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE posts SET featured_image = '' WHERE tenant_id = :t AND featured_image = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE tenants SET logo = '' WHERE id = :t AND logo = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("DELETE FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return 1;
}

void media_remove_files(int64_t tid, const char *sha)
{
	if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) return;
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM media WHERE tenant_id = :t AND sha256 = :s");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", sha);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 1;
	db_reset(st);
	if (n > 0) return;
	char dir[1200], urlp[400];
	store_dir(tid, sha, dir, sizeof dir, urlp, sizeof urlp);
	/* <sha>.<ext> and <sha>-<width>.<ext>: every name that starts with it */
	char cmdpath[1300];
	static const char *const exts[] = { "png", "jpg", "webp", "gif", "avif", "svg", NULL };
	for (int e = 0; exts[e]; e++) {
		snprintf(cmdpath, sizeof cmdpath, "%s/%s.%s", dir, sha, exts[e]);
		unlink(cmdpath);
	}
	snprintf(cmdpath, sizeof cmdpath, "%s/%s-full.webp", dir, sha);
	unlink(cmdpath);
	char widths[sizeof cfg.media_widths];
	snprintf(widths, sizeof widths, "%s", cfg.media_widths);
	/* renditions may be any width up to the largest configured */
	for (char *tok = strtok(widths, ","); tok; tok = strtok(NULL, ",")) {
		for (int e = 0; exts[e]; e++) {
			snprintf(cmdpath, sizeof cmdpath, "%s/%s-%ld.%s", dir, sha, atol(tok), exts[e]);
			unlink(cmdpath);
		}
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0) log_warn("media: cannot remove %s: %s", path, strerror(errno));
	return 0;
}

void media_remove_store(int64_t tid)
{
	if (tid <= 0 || !cfg.media_dir[0]) return;
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/%lld", cfg.media_dir, (long long)tid);
	if (access(dir, F_OK) == 0) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static cJSON *image_data(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "url", db_text(st, 0));
	cJSON_AddNumberToObject(o, "width", (double)db_int(st, 1));
	cJSON_AddNumberToObject(o, "height", (double)db_int(st, 2));
	cJSON_AddStringToObject(o, "alt", db_text(st, 3));
	cJSON_AddItemToObject(o, "renditions", row_json(st, 4, 1));
	return o;
}

cJSON *media_image_by_url(int64_t tid, const char *url)
{
	sqlite3_stmt *st = db_stmt("SELECT url, width, height, alt, renditions_json FROM media WHERE tenant_id = :t AND url = :u "
				   "ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	return row_one(st, image_data);
}

const char *media_url_of(int64_t tid, int64_t id, char *buf, size_t n)
{
	return id > 0 && row_url(tid, id, buf, n, NULL) ? buf : NULL;
}

int64_t media_id_by_url(int64_t tid, const char *url)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM media WHERE tenant_id = :t AND url = :u ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

#define MEDIA_MAP_MAX 200

/* Pass 1 takes image objects that carry their renditions (products'
 * images); pass 2 looks up the strings that are still unknown. */
static void map_walk(int64_t tid, const cJSON *v, cJSON *map, int depth, int pass)
{
	if (depth > 12 || cJSON_GetArraySize(map) >= MEDIA_MAP_MAX) return;
	if (pass == 1 && cJSON_IsObject(v)) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(v, "url");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "renditions");
		if (cJSON_IsString(u) && cJSON_IsArray(r) && !cJSON_GetObjectItemCaseSensitive(map, u->valuestring)) {
			cJSON *o = cJSON_CreateObject();
			static const char *const keep[] = { "url", "width", "height", "alt", "renditions", NULL };
			for (int k = 0; keep[k]; k++) {
				const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, keep[k]);
				if (f) cJSON_AddItemToObject(o, keep[k], cJSON_Duplicate(f, 1));
			}
			cJSON_AddItemToObject(map, u->valuestring, o);
			return;
		}
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		const cJSON *c;
		cJSON_ArrayForEach(c, v) map_walk(tid, c, map, depth + 1, pass);
		return;
	}
	if (pass == 2 && cJSON_IsString(v) && str_startswith(v->valuestring, cfg.media_url) &&
	    v->valuestring[strlen(cfg.media_url)] == '/' && !cJSON_GetObjectItemCaseSensitive(map, v->valuestring)) {
		cJSON *o = media_image_by_url(tid, v->valuestring);
		if (o) cJSON_AddItemToObject(map, v->valuestring, o);
	}
}

cJSON *media_map_for(int64_t tid, const cJSON *inputs)
{
	cJSON *map = cJSON_CreateObject();
	map_walk(tid, inputs, map, 0, 1);
	map_walk(tid, inputs, map, 0, 2);
	return map;
}

int media_image_fields(cJSON *images, long want, const char *sizes, long dflt_w, long dflt_h)
{
	int n = 0;
	cJSON *im;
	cJSON_ArrayForEach(im, images) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(im, "url");
		const cJSON *rs = cJSON_GetObjectItemCaseSensitive(im, "renditions");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(im, "width"), *h = cJSON_GetObjectItemCaseSensitive(im, "height");
		const char *src = cJSON_IsString(url) ? url->valuestring : "";
		sbuf set = SBUF_INIT;
		const cJSON *r;
		int picked = 0;
		cJSON_ArrayForEach(r, rs) {
			const cJSON *rw = cJSON_GetObjectItemCaseSensitive(r, "width");
			const cJSON *ru = cJSON_GetObjectItemCaseSensitive(r, "url"), *rp = cJSON_GetObjectItemCaseSensitive(r, "webp");
			long width = cJSON_IsNumber(rw) ? (long)rw->valuedouble : 0;
			if (cJSON_IsString(rp)) html_srcset_add(&set, rp->valuestring, width);
			if (!picked && cJSON_IsString(ru)) { src = ru->valuestring; picked = width >= want; }
		}
		int known = cJSON_IsNumber(w) && cJSON_IsNumber(h) && w->valuedouble > 0 && h->valuedouble > 0;
		const cJSON *r0 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rs, 0), "webp");
		cJSON_AddStringToObject(im, "thumb", cJSON_IsString(r0) ? r0->valuestring : src);
		cJSON_AddStringToObject(im, "loading", n++ ? "lazy" : "eager");
		cJSON_AddStringToObject(im, "src", src);
		cJSON_AddStringToObject(im, "srcset", sb_str(&set));
		cJSON_AddStringToObject(im, "sizes", set.len ? sizes : "");
		cJSON_AddNumberToObject(im, "w", known ? w->valuedouble : (double)dflt_w);
		cJSON_AddNumberToObject(im, "h", known ? h->valuedouble : (double)dflt_h);
		sb_free(&set);
	}
	return n;
}

/* ---- remote images ---- */

static int is_remote(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

/* Point every product of the store that names src at the item. */
static int relink(int64_t tid, const char *src, int64_t id, const char *url)
{
	sqlite3_stmt *st = db_stmt("UPDATE product_images SET url = :u, media_id = :m "
				   "WHERE tenant_id = :t AND url = :src AND media_id IS NULL");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	db_bind_int(st, ":m", id);
	db_bind_text(st, ":src", src);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE products SET image = :u, updated_at = strftime('%s','now') WHERE tenant_id = :t AND image = :src");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	db_bind_text(st, ":src", src);
	return db_run(st);
}

/* The remote URLs still named by the store's products, up to limit. */
static int remote_urls(int64_t tid, char (*urls)[1024], int limit)
{
	int n = 0;
	sqlite3_stmt *st = db_stmt("SELECT DISTINCT url FROM product_images WHERE tenant_id = :t AND media_id IS NULL "
				   "AND (url LIKE 'http://%' OR url LIKE 'https://%') "
				   "UNION SELECT DISTINCT image FROM products WHERE tenant_id = :t "
				   "AND (image LIKE 'http://%' OR image LIKE 'https://%') LIMIT :l");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":l", limit);
	while (n < limit && db_step(st) == SQLITE_ROW) {
		if (strlen(db_text(st, 0)) >= 1024) continue;
		snprintf(urls[n++], 1024, "%s", db_text(st, 0));
	}
	db_reset(st);
	return n;
}

static int64_t by_source(int64_t tid, const char *src, char *url, size_t un)
{
	sqlite3_stmt *st = db_stmt("SELECT id, url FROM media WHERE tenant_id = :t AND source_url = :s AND source_url != '' "
				   "ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", src);
	int64_t id = 0;
	if (db_step(st) == SQLITE_ROW) {
		id = db_int(st, 0);
		snprintf(url, un, "%s", db_text(st, 1));
	}
	db_reset(st);
	return id;
}

/* The file name at the end of a URL's path ("" when none). */
static void url_basename(const char *u, char *out, size_t n)
{
	const char *p = strchr(u + 8, '/');
	const char *end = p ? p + strcspn(p, "?#") : u;
	const char *b = end;
	while (p && b > p && b[-1] != '/') b--;
	snprintf(out, n, "%.*s", (int)(end - b > 200 ? 200 : end - b), b);
	if (!out[0] || !utf8_valid(out, strlen(out)) || control_problem(out)) snprintf(out, n, "image");
}

int media_fetch_store(int64_t tid, const char *actor, int limit, media_fetch_stats *st,
		      void (*report)(int64_t, const char *, const char *))
{
	if (limit < 1) return 0;
	char (*urls)[1024] = xcalloc((size_t)limit, 1024);
	int n = remote_urls(tid, urls, limit);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *src = urls[i];
		char url[600] = "", why[320] = "";
		int64_t id = by_source(tid, src, url, sizeof url);
		media_file f;
		memset(&f, 0, sizeof f);
		if (!id) {
			sbuf body = SBUF_INIT;
			long status = 0;
			if (!is_remote(src)) {
				snprintf(why, sizeof why, "not an http(s) URL");
			} else if (net_get(src, (size_t)cfg.media_max_bytes, 0, &status, &body, NULL, 0, why, sizeof why) < 0) {
				/* why says it */
			} else if (status != 200) {
				snprintf(why, sizeof why, "the server answered HTTP %ld", status);
			} else if (media_used_bytes(tid) + (int64_t)body.len > quota_get(tid, LIM_MEDIA_BYTES)) {
				snprintf(why, sizeof why, "the store's media quota (%lld bytes) is reached",
					 (long long)quota_get(tid, LIM_MEDIA_BYTES));
			} else {
				media_code c = media_prepare(tid, (const unsigned char *)body.s, body.len, &f);
				if (c != MEDIA_OK) snprintf(why, sizeof why, "%s", f.message);
			}
			sb_free(&body);
			if (why[0]) {
				st->failed++;
				if (report) report(tid, src, why);
				media_file_free(&f);
				continue;
			}
		}
		if (db_begin(1) < 0) { media_file_free(&f); rc = -1; break; }
		int ok = 1;
		if (!id) {
			char name[220];
			url_basename(src, name, sizeof name);
			ok = media_insert(tid, &f, name, "", src, &id) == 0 &&
			     audit_write_as(tid, 0, actor, "", "media.fetch", "media", id, "create", src) == 0;
			snprintf(url, sizeof url, "%s", f.url);
		}
		ok = ok && relink(tid, src, id, url) == 0 && audit_bump_content(tid) == 0;
		if (!ok || db_commit() < 0) {
			if (db_in_tx()) db_rollback();
			media_file_free(&f);
			rc = -1;
			break;
		}
		if (f.url[0]) st->fetched++;
		else st->reused++;
		media_file_free(&f);
	}
	free(urls);
	if (rc == 0) {
		char (*more)[1024] = xcalloc(1, 1024);
		st->left += remote_urls(tid, more, 1);
		free(more);
	}
	return rc;
}

int media_fetch_queue(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO media_fetch_queue(tenant_id, queued_at, attempts, next_at) "
				   "VALUES(:t, strftime('%s','now'), 0, strftime('%s','now')) "
				   "ON CONFLICT(tenant_id) DO UPDATE SET attempts = 0, next_at = excluded.next_at");
	db_bind_int(st, ":t", tid);
	return db_run(st);
}

#define FETCH_MAX_ATTEMPTS 8

void media_fetch_due(int limit, media_fetch_stats *st, void (*report)(int64_t, const char *, const char *))
{
	while (limit > 0) {
		sqlite3_stmt *q = db_stmt("SELECT tenant_id, attempts FROM media_fetch_queue WHERE next_at <= strftime('%s','now') "
					  "ORDER BY next_at LIMIT 1");
		int64_t tid = 0, attempts = 0;
		if (db_step(q) == SQLITE_ROW) { tid = db_int(q, 0); attempts = db_int(q, 1); }
		db_reset(q);
		if (!tid) return;
		media_fetch_stats one = { 0 };
		int rc = media_fetch_store(tid, "deliverer", limit, &one, report);
		limit -= one.fetched + one.reused + one.failed + 1;
		st->fetched += one.fetched;
		st->reused += one.reused;
		st->failed += one.failed;
		st->left += one.left;
		sqlite3_stmt *u;
		if (rc == 0 && one.left == 0) {
			u = db_stmt("DELETE FROM media_fetch_queue WHERE tenant_id = :t");
		} else if (attempts + 1 >= FETCH_MAX_ATTEMPTS) {
			log_warn("media fetch: store %lld still has remote images after %d tries; given up", (long long)tid,
				 FETCH_MAX_ATTEMPTS);
			u = db_stmt("DELETE FROM media_fetch_queue WHERE tenant_id = :t");
		} else {
			/* more left than one round takes: soon; failures: back off */
			u = db_stmt("UPDATE media_fetch_queue SET attempts = attempts + (:f > 0), "
				    "next_at = strftime('%s','now') + CASE WHEN :f > 0 THEN 60 << min(attempts, 10) ELSE 0 END "
				    "WHERE tenant_id = :t");
			db_bind_int(u, ":f", one.failed || rc < 0);
		}
		db_bind_int(u, ":t", tid);
		db_run_best_effort(u);
		if (rc < 0 || one.failed) return;   /* the rest next time */
	}
}
