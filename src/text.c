/* text: slugify with Latin folding, date formatting and ISO parsing. */
#include "text.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* U+00C0..U+017F folded to ASCII ("" = drop). */
static const char *const latin[] = {
	/* C0 */ "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
	/* D0 */ "d","n","o","o","o","o","o","","o","u","u","u","u","y","th","ss",
	/* E0 */ "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
	/* F0 */ "d","n","o","o","o","o","o","","o","u","u","u","u","y","th","y",
	/* 100 */ "a","a","a","a","a","a","c","c","c","c","c","c","c","c","d","d",
	/* 110 */ "d","d","e","e","e","e","e","e","e","e","e","e","g","g","g","g",
	/* 120 */ "g","g","g","g","h","h","h","h","i","i","i","i","i","i","i","i",
	/* 130 */ "i","i","ij","ij","j","j","k","k","k","l","l","l","l","l","l","l",
	/* 140 */ "l","l","l","n","n","n","n","n","n","n","n","n","o","o","o","o",
	/* 150 */ "o","o","oe","oe","r","r","r","r","r","r","s","s","s","s","s","s",
	/* 160 */ "s","s","t","t","t","t","t","t","u","u","u","u","u","u","u","u",
	/* 170 */ "u","u","u","u","w","w","y","y","y","z","z","z","z","z","z","s",
};

/* Vietnamese letters with tone marks, U+1EA0..U+1EF9, in order. */
static const char viet[] = "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy";

static unsigned decode(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0) { *p = s + 1; return 0xfffd; }
	unsigned v = n == 0 ? c : c & (0x3f >> n);
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) { *p = s + i; return 0xfffd; }
		v = (v << 6) | (s[i] & 0x3f);
	}
	*p = s + n + 1;
	return v;
}

void text_slugify(sbuf *out, const char *in)
{
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t start = out->len;
	int dash = 0;
	while (*p) {
		unsigned c = decode(&p);
		char one[2] = { 0, 0 };
		const char *rep = "";
		if (c < 0x80 && isalnum((int)c)) { one[0] = (char)tolower((int)c); rep = one; }
		else if (c >= 0xc0 && c <= 0x17f) rep = latin[c - 0xc0];
		else if (c >= 0x1ea0 && c <= 0x1ef9) { one[0] = viet[c - 0x1ea0]; rep = one; }
		else if (c == 0x1a0 || c == 0x1a1) rep = "o";     /* Ơ ơ */
		else if (c == 0x1af || c == 0x1b0) rep = "u";     /* Ư ư */
		else if (c == 0x1e9e) rep = "ss";
		if (*rep) {
			if (dash && out->len > start) sb_putc(out, '-');
			dash = 0;
			sb_puts(out, rep);
		} else if (c >= 0x300 && c <= 0x36f) {
			/* combining marks (decomposed accents) vanish without a break */
		} else {
			dash = 1;
		}
	}
}

static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
				       "August", "September", "October", "November", "December" };
static const char *const days[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };

void text_format_date(sbuf *out, double ms, const char *f)
{
	time_t t = (time_t)floor(ms / 1000.0);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!f || !*f) f = "YYYY-MM-DD";
	while (*f) {
		if (*f == '[') {
			const char *e = strchr(f, ']');
			if (e) { sb_put(out, f + 1, (size_t)(e - f - 1)); f = e + 1; continue; }
		}
#define TOK(s) (strncmp(f, s, strlen(s)) == 0 && (f += strlen(s), 1))
		if (TOK("YYYY")) sb_printf(out, "%04d", tm.tm_year + 1900);
		else if (TOK("YY")) sb_printf(out, "%02d", (tm.tm_year + 1900) % 100);
		else if (TOK("MMMM")) sb_puts(out, months[tm.tm_mon]);
		else if (TOK("MMM")) sb_put(out, months[tm.tm_mon], 3);
		else if (TOK("MM")) sb_printf(out, "%02d", tm.tm_mon + 1);
		else if (TOK("M")) sb_printf(out, "%d", tm.tm_mon + 1);
		else if (TOK("DD")) sb_printf(out, "%02d", tm.tm_mday);
		else if (TOK("D")) sb_printf(out, "%d", tm.tm_mday);
		else if (TOK("dddd")) sb_puts(out, days[tm.tm_wday]);
		else if (TOK("ddd")) sb_put(out, days[tm.tm_wday], 3);
		else if (TOK("HH")) sb_printf(out, "%02d", tm.tm_hour);
		else if (TOK("H")) sb_printf(out, "%d", tm.tm_hour);
		else if (TOK("hh")) sb_printf(out, "%02d", tm.tm_hour % 12 ? tm.tm_hour % 12 : 12);
		else if (TOK("h")) sb_printf(out, "%d", tm.tm_hour % 12 ? tm.tm_hour % 12 : 12);
		else if (TOK("mm")) sb_printf(out, "%02d", tm.tm_min);
		else if (TOK("ss")) sb_printf(out, "%02d", tm.tm_sec);
		else if (TOK("A")) sb_puts(out, tm.tm_hour < 12 ? "AM" : "PM");
		else sb_putc(out, *f++);
#undef TOK
	}
}

int text_parse_iso(const char *s, double *ms)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return -1;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		int m2 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m2) != 2) return -1;
		p += 1 + m2;
		if (*p == ':') { int m3 = 0; if (sscanf(p + 1, "%2d%n", &sec, &m3) != 1) return -1; p += 1 + m3; }
		if (*p == '.') { p++; while (isdigit((unsigned char)*p)) p++; }
	}
	long off = 0;
	if (*p == 'Z') p++;
	else if (*p == '+' || *p == '-') {
		int oh, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1) return -1;
		off = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
		p += strlen(p);
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = ((double)timegm(&tm) - (double)off) * 1000.0;
	return 0;
}

const char *tz_problem(const char *zone)
{
	size_t n = strlen(zone);
	if (!strcmp(zone, "UTC")) return NULL;
	if (n == 0 || n > TZ_NAME_MAX) return "must be a time zone name such as UTC or Europe/Berlin";
	for (size_t i = 0; i < n; i++) {
		char c = zone[i];
		int part_start = i == 0 || zone[i - 1] == '/';
		if (!(isalnum((unsigned char)c) || c == '_' || c == '/' || ((c == '-' || c == '+') && !part_start)))
			return "must be a time zone name such as UTC or Europe/Berlin";
		if (c == '/' && (part_start || i + 1 == n)) return "must be a time zone name such as UTC or Europe/Berlin";
	}
	char rule[128];
	if (tz_rule(zone, rule, sizeof rule) < 0) return "is not a known time zone (an IANA name such as Europe/Berlin)";
	return NULL;
}

int tz_rule(const char *zone, char *out, size_t n)
{
	if (!strcmp(zone, "UTC")) { snprintf(out, n, "UTC0"); return 0; }
	if (!*zone || zone[0] == '/' || strstr(zone, "..")) return -1;
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
	size_t len;
	char *data = file_read(path, &len);
	int rc = -1;
	/* "TZif", a version byte ('2' and later end with "\n<rule>\n") */
	if (data && len > 6 && !memcmp(data, "TZif", 4) && data[4] >= '2' && data[len - 1] == '\n') {
		size_t end = len - 1, start = end;
		while (start > 0 && data[start - 1] != '\n' && end - start < n) start--;
		int ok = start > 0 && end > start && end - start < n;
		for (size_t i = start; ok && i < end; i++)
			ok = data[i] > ' ' && data[i] < 127;
		if (ok) {
			memcpy(out, data + start, end - start);
			out[end - start] = 0;
			rc = 0;
		}
	}
	free(data);
	return rc;
}
