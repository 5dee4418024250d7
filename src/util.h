/* util: growable string buffers, checked allocation, small string and time
 * helpers shared by every module. Allocation failure aborts the process:
 * a worker that cannot allocate a few KB has nothing better to do. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* A macro's value as a string literal: STR(IN_SLUG_MAX) is "100". */
#define STR_(x) #x
#define STR(x) STR_(x)
/* A result the caller must look at (a failed write it would otherwise
 * carry on past): the compiler refuses a call that drops it. */
#define MUST_USE __attribute__((warn_unused_result))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated once anything was put. */
typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

#define SBUF_INIT { NULL, 0, 0 }

void sb_init(sbuf *b);
void sb_free(sbuf *b);
void sb_reset(sbuf *b);                 /* len = 0, keeps the memory */
void sb_grow(sbuf *b, size_t extra);
void sb_put(sbuf *b, const void *p, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, int c);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(sbuf *b, const char *fmt, va_list ap);
const char *sb_str(sbuf *b);            /* "" when empty, never NULL */
char *sb_detach(sbuf *b);               /* caller frees; buffer is reset */

/* Strings */
int str_eq(const char *a, const char *b);          /* NULL-safe */
int str_startswith(const char *s, const char *prefix);
int str_endswith(const char *s, const char *suffix);
void str_lower(char *s);
void str_upper(char *s);
/* Constant-time comparison of two equal-length byte strings. */
int ct_equal(const void *a, const void *b, size_t n);

/* Time */
int64_t now_unix(void);                 /* seconds */
int64_t now_usec(void);                 /* monotonic microseconds */
void iso8601(int64_t t, char out[32]);  /* 2026-11-22T16:21:12Z */

/* Randomness from the kernel (getrandom); aborts if unavailable. */
void random_bytes(void *buf, size_t n);
/* n random bytes as 2n lowercase hex chars + NUL into out (size 2n+1). */
void random_hex(char *out, size_t nbytes);
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Read a whole file; returns malloc'd NUL-terminated buffer or NULL. */
char *file_read(const char *path, size_t *len_out);
/* Write n bytes as the whole file (created or truncated, 0600): 0 or -1. */
int file_write(const char *path, const void *p, size_t n);

#endif
