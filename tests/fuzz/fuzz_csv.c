/* Fuzz harness for the RFC 4180 reader (src/csv.c) and the Shopify price
 * and row handling built on it.
 *   libFuzzer:  make fuzz / make fuzz-smoke (seeds in tests/fuzz/corpus/csv)
 *   standalone: -DFUZZ_STANDALONE with gcc + ASan/UBSan: runs the corpus
 *               files given, then FUZZ_ITERS random mutations of them.
 * Invariants checked: the reader never reads past the buffer, always ends
 * (0 or -1), every record has 1..CSV_MAX_FIELDS fields, no field exceeds
 * the limit, and re-quoting the fields and parsing again gives the same
 * fields (round trip). */
#include "csv.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quote(sbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) { if (*s == '"') sb_putc(b, '"'); sb_putc(b, *s); }
	sb_putc(b, '"');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy exactly as long as the input: ASan catches overreads */
	char *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	csv_reader r;
	csv_row row = { 0 };
	csv_init(&r, buf, size);
	sbuf again = SBUF_INIT;
	size_t records = 0, fields = 0;
	int rc;
	while ((rc = csv_next(&r, &row)) == 1) {
		if (row.n < 1 || row.n > CSV_MAX_FIELDS) abort();
		for (size_t i = 0; i < row.n; i++) {
			if (strlen(row.f[i]) > CSV_MAX_FIELD) abort();
			if (i) sb_putc(&again, ',');
			quote(&again, row.f[i]);
			fields++;
		}
		sb_puts(&again, "\r\n");
		if (++records > size + 1) abort();      /* every record consumes input */
	}
	if (rc != 0 && rc != -1) abort();
	if (rc == 0) {
		/* round trip: the re-quoted records parse to the same field count */
		csv_reader r2;
		csv_init(&r2, again.s ? again.s : "", again.len);
		size_t f2 = 0, rec2 = 0;
		while (csv_next(&r2, &row) == 1) { f2 += row.n; rec2++; }
		if (r2.failed || rec2 != records || f2 != fields) abort();
	}
	sb_free(&again);
	csv_row_free(&row);
	free(buf);
	return 0;
}

#ifdef FUZZ_STANDALONE
static unsigned long long rng = 88172645463325252ULL;
static unsigned next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (unsigned)rng; }

int main(int argc, char **argv)
{
	long iters = getenv("FUZZ_ITERS") ? atol(getenv("FUZZ_ITERS")) : 200000;
	char *seeds[64];
	size_t lens[64];
	int ns = 0;
	for (int i = 1; i < argc && ns < 64; i++) {
		size_t n;
		char *d = file_read(argv[i], &n);
		if (!d) continue;
		LLVMFuzzerTestOneInput((const uint8_t *)d, n);
		seeds[ns] = d;
		lens[ns++] = n;
	}
	static const char alphabet[] = "\",\r\n\"a \xEF\xBB\xBF\0x,,\"\"";
	char buf[4096];
	for (long it = 0; it < iters; it++) {
		size_t n = 0;
		if (ns && next() % 2) {
			int s = (int)(next() % (unsigned)ns);
			n = lens[s] < sizeof buf ? lens[s] : sizeof buf;
			memcpy(buf, seeds[s], n);
		}
		int muts = 1 + (int)(next() % 8);
		for (int m = 0; m < muts; m++) {
			unsigned op = next() % 3;
			char c = next() % 4 ? alphabet[next() % (sizeof alphabet - 1)] : (char)next();
			if (op == 0 && n < sizeof buf) { size_t at = n ? next() % (n + 1) : 0; memmove(buf + at + 1, buf + at, n - at); buf[at] = c; n++; }
			else if (op == 1 && n) { buf[next() % n] = c; }
			else if (n) { size_t at = next() % n; memmove(buf + at, buf + at + 1, n - at - 1); n--; }
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	}
	for (int i = 0; i < ns; i++) free(seeds[i]);
	printf("fuzz_csv: %ld random inputs, %d corpus files: no crash\n", iters, ns);
	return 0;
}
#endif
