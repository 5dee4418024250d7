/* csv: an RFC 4180 reader over a buffer in memory, and the field writer. Quoted fields may hold
 * commas, doubled quotes and line breaks; CRLF and LF both end a record; a
 * UTF-8 byte-order mark at the start is skipped. Errors (an unterminated
 * quote, text after a closing quote, a NUL byte, a field or record over the
 * limits) stop the reader with the line and column. */
#ifndef CSV_H
#define CSV_H
#include <stddef.h>

#define CSV_MAX_FIELD (1 << 20)     /* bytes in one field */
#define CSV_MAX_FIELDS 1000         /* fields in one record */

typedef struct csv_reader {
	const char *p, *end, *start;
	size_t line;                /* line of the next record, from 1 */
	int failed;
	char err[160];              /* "line 3, column 7: ..." */
} csv_reader;

typedef struct csv_row {
	char **f;                   /* n fields, each NUL-terminated */
	size_t n, cap;
	size_t line;                /* line where the record began */
} csv_row;

void csv_init(csv_reader *r, const char *data, size_t n);
/* 1: a record in row (its old contents replaced), 0: end of input, -1: error in r->err. */
int csv_next(csv_reader *r, csv_row *row);
void csv_row_free(csv_row *row);

struct sbuf;
/* One field onto out: quoted when it holds a quote, comma or line break; a
 * leading = + - @ gets a ' so spreadsheets do not run it as a formula. */
void csv_put(struct sbuf *out, const char *s);
#endif
