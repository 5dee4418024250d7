/* util: growable string buffers, checked allocation, small string and time
 * helpers shared by every module. */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <time.h>
#include <sys/random.h>
#include <fcntl.h>
#include <unistd.h>

static void oom(void)
{
	fputs("storefront: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void sb_init(sbuf *b) { b->s = NULL; b->len = b->cap = 0; }
void sb_free(sbuf *b) { free(b->s); sb_init(b); }
void sb_reset(sbuf *b) { b->len = 0; if (b->s) b->s[0] = 0; }

void sb_grow(sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap) return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_put(sbuf *b, const void *p, size_t n)
{
	sb_grow(b, n);
	if (n) memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_putc(sbuf *b, int c)
{
	sb_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = 0;
}

void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) return;
	sb_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *sb_str(sbuf *b) { return b->s ? b->s : ""; }

char *sb_detach(sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	sb_init(b);
	return s;
}

int str_eq(const char *a, const char *b)
{
	if (!a || !b) return a == b;
	return strcmp(a, b) == 0;
}

int str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void str_lower(char *s)
{
	for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

void str_upper(char *s)
{
	for (; *s; s++) *s = (char)toupper((unsigned char)*s);
}

int ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++) d |= x[i] ^ y[i];
	return d == 0;
}

int64_t now_unix(void) { return (int64_t)time(NULL); }

int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void iso8601(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR) continue;
			fputs("storefront: getrandom failed\n", stderr);
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = 0;
}

void random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	while (nbytes > sizeof buf / 2) { /* keep it simple for large requests */
		random_bytes(buf, 32);
		hex_encode(buf, 32, out);
		out += 64;
		nbytes -= 32;
	}
	random_bytes(buf, nbytes);
	hex_encode(buf, nbytes, out);
}

char *file_read(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	sbuf b = SBUF_INIT;
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sb_put(&b, tmp, n);
	int err = ferror(f);
	fclose(f);
	if (err) { sb_free(&b); return NULL; }
	if (len_out) *len_out = b.len;
	return sb_detach(&b);
}

int file_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) return -1;
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) { close(fd); return -1; }
		c += w;
		n -= (size_t)w;
	}
	return close(fd);
}
