/* csv: RFC 4180 records from a buffer, and fields onto one (see csv.h). */
#include "csv.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(csv_reader *r, const char *data, size_t n)
{
	memset(r, 0, sizeof *r);
	r->p = r->start = data;
	r->end = data + n;
	r->line = 1;
	if (n >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF)
		r->p += 3;
}

static void clear(csv_row *row)
{
	for (size_t i = 0; i < row->n; i++) free(row->f[i]);
	row->n = 0;
}

void csv_row_free(csv_row *row)
{
	clear(row);
	free(row->f);
	memset(row, 0, sizeof *row);
}

static int fail(csv_reader *r, size_t line, size_t col, const char *msg)
{
	snprintf(r->err, sizeof r->err, "line %zu, column %zu: %s", line, col, msg);
	r->failed = 1;
	return -1;
}

static int push(csv_reader *r, csv_row *row, sbuf *b, size_t line, size_t col)
{
	if (row->n >= CSV_MAX_FIELDS) { sb_free(b); return fail(r, line, col, "too many fields in one record"); }
	if (row->n == row->cap) {
		row->cap = row->cap ? row->cap * 2 : 16;
		row->f = xrealloc(row->f, row->cap * sizeof *row->f);
	}
	row->f[row->n++] = b->s ? sb_detach(b) : xstrdup("");
	return 0;
}

int csv_next(csv_reader *r, csv_row *row)
{
	clear(row);
	if (r->failed) return -1;
	if (r->p >= r->end) return 0;
	row->line = r->line;
	const char *line_start = r->p;
	sbuf b = SBUF_INIT;
	for (;;) {
		/* one field */
		size_t col = (size_t)(r->p - line_start) + 1;
		sb_reset(&b);
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				if (r->p >= r->end) { sb_free(&b); return fail(r, row->line, col, "a quoted field is not closed"); }
				char c = *r->p++;
				if (c == '"') {
					if (r->p < r->end && *r->p == '"') { sb_putc(&b, '"'); r->p++; continue; }
					break;
				}
				if (c == 0) { sb_free(&b); return fail(r, r->line, (size_t)(r->p - line_start), "NUL byte"); }
				if (c == '\n') { r->line++; line_start = r->p; }
				sb_putc(&b, c);
				if (b.len > CSV_MAX_FIELD) { sb_free(&b); return fail(r, row->line, col, "field too long"); }
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				sb_free(&b);
				return fail(r, r->line, (size_t)(r->p - line_start) + 1, "text after a closing quote");
			}
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				if (*r->p == 0) { sb_free(&b); return fail(r, r->line, (size_t)(r->p - line_start) + 1, "NUL byte"); }
				sb_putc(&b, *r->p++);
				if (b.len > CSV_MAX_FIELD) { sb_free(&b); return fail(r, row->line, col, "field too long"); }
			}
		}
		if (push(r, row, &b, row->line, col) < 0) return -1;
		if (r->p >= r->end) break;
		if (*r->p == ',') { r->p++; continue; }
		/* end of record: \n, \r\n, or a lone \r */
		if (*r->p == '\r') r->p++;
		if (r->p < r->end && *r->p == '\n') r->p++;
		r->line++;
		break;
	}
	sb_free(&b);
	return 1;
}

void csv_put(sbuf *out, const char *s)
{
	int formula = s[0] && strchr("=+-@", s[0]) != NULL;
	int quote = formula || strpbrk(s, "\",\r\n") != NULL;
	if (!quote) { sb_puts(out, s); return; }
	sb_puts(out, "\"");
	if (formula) sb_puts(out, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '"') sb_puts(out, "\"\"");
		else sb_put(out, p, 1);
	}
	sb_puts(out, "\"");
}
