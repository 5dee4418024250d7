/* mediacheck: what an uploaded file is, judged by its bytes alone (see
 * mediacheck.h). */
#include "mediacheck.h"
#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = { "", "png", "jpeg", "webp", "gif", "avif", "svg" };
static const char *const type_mimes[] = { "", "image/png", "image/jpeg", "image/webp", "image/gif",
					  "image/avif", "image/svg+xml" };

const char *mcheck_type_name(media_type t) { return type_names[t]; }
const char *mcheck_type_mime(media_type t) { return type_mimes[t]; }

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

media_type mcheck_sniff(const unsigned char *p, size_t n)
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

int mcheck_header_size(media_type t, const unsigned char *p, size_t n, long *w, long *h)
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

const char *mcheck_polyglot_problem(media_type t, const unsigned char *p, size_t n)
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

int mcheck_svg_sanitize(const char *in, size_t n, sbuf *out, cJSON *removed, long *w, long *h,
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

