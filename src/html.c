/* html: escaping for HTML text, attributes, URLs, JSON strings, headers. */
#include "html.h"
#include <string.h>
#include <ctype.h>

static void escape(sbuf *b, const char *s, int attr)
{
	if (!s) return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '`': rep = attr ? "&#96;" : NULL; break;
		case '=': rep = attr ? "&#61;" : NULL; break;
		default: rep = NULL;
		}
		if (!rep) continue;
		sb_put(b, run, (size_t)(s - run));
		sb_puts(b, rep);
		run = s + 1;
	}
	sb_put(b, run, (size_t)(s - run));
}

void html_text(sbuf *b, const char *s) { escape(b, s, 0); }
void html_attr(sbuf *b, const char *s) { escape(b, s, 1); }

void url_component(sbuf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') sb_putc(b, c);
		else { sb_putc(b, '%'); sb_putc(b, hx[c >> 4]); sb_putc(b, hx[c & 15]); }
	}
}

void json_string(sbuf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	sb_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '<': case '>': case '&':
			sb_puts(b, "\\u00"); sb_putc(b, hx[c >> 4]); sb_putc(b, hx[c & 15]); break;
		default:
			if (c < 0x20) { sb_puts(b, "\\u00"); sb_putc(b, hx[c >> 4]); sb_putc(b, hx[c & 15]); }
			else sb_putc(b, c);
		}
	}
	sb_putc(b, '"');
}

void header_value(sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f) sb_putc(b, c);
	}
}

static void b64(sbuf *b, const unsigned char *p, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		sb_putc(b, t[v >> 18 & 63]);
		sb_putc(b, t[v >> 12 & 63]);
		sb_putc(b, i + 1 < n ? t[v >> 6 & 63] : '=');
		sb_putc(b, i + 2 < n ? t[v & 63] : '=');
	}
}

/* Encoded words of at most 75 characters (45 bytes of text each, cut
 * between UTF-8 characters), separated by spaces. */
static void mail_encoded_words(sbuf *b, const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i + 45 < n ? i + 45 : n;
		while (end < n && end > i + 1 && (s[end] & 0xc0) == 0x80) end--;
		if (i) sb_putc(b, ' ');
		sb_puts(b, "=?UTF-8?B?");
		b64(b, s + i, end - i);
		sb_puts(b, "?=");
		i = end;
	}
}

void mail_header_text(sbuf *b, const char *s, int phrase)
{
	sbuf t = SBUF_INIT;
	header_value(&t, s);            /* CR, LF and controls dropped */
	const unsigned char *p = (const unsigned char *)sb_str(&t);
	int high = 0, special = 0;
	for (size_t i = 0; i < t.len; i++) {
		if (p[i] >= 0x80) high = 1;
		else if (!isalnum(p[i]) && p[i] != ' ') special = 1;
	}
	if (high || strstr((const char *)p, "=?")) mail_encoded_words(b, p, t.len);
	else if (phrase && (special || !t.len || p[0] == ' ' || p[t.len - 1] == ' ')) {
		sb_putc(b, '"');
		for (size_t i = 0; i < t.len; i++) {
			if (p[i] == '"' || p[i] == '\\') sb_putc(b, '\\');
			sb_putc(b, p[i]);
		}
		sb_putc(b, '"');
	} else sb_put(b, p, t.len);
	sb_free(&t);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

int url_decode(char *s, int plus_space)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '%') {
			int h = hexval((unsigned char)s[1]), l = h < 0 ? -1 : hexval((unsigned char)s[2]);
			if (h < 0 || l < 0) return -1;
			int c = h * 16 + l;
			if (c == 0) return -1;
			*o++ = (char)c;
			s += 2;
		} else if (*s == '+' && plus_space) {
			*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return 0;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	while (s < e) {
		unsigned c = *s;
		if (c < 0x80) { s++; continue; }
		int len;
		unsigned min;
		if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; min = 0x10000; }
		else return 0;
		if (e - s < len) return 0;
		for (int i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80) return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
		s += len;
	}
	return 1;
}

void json_script(sbuf *b, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	for (const char *p = s ? s : "null"; *p; p++) {
		if (*p == '<') sb_puts(b, "\\u003c");
		else if (*p == '>') sb_puts(b, "\\u003e");
		else if (*p == '&') sb_puts(b, "\\u0026");
		else sb_put(b, p, 1);
	}
	cJSON_free(s);
}
