/* ops: shared counters, health checks and the metrics text (see ops.h). */
#include "ops.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "route.h"
#include "sandbox.h"
#include "share.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#define RSLOTS 512              /* program x route x status combinations */
#define HSLOTS 8                /* programs, and the page render */
#define RENDER "#render"        /* the histogram of live pages' block renders */
#define NSLOTS 32               /* block failure kinds; named counters */
#define PROBES 16
#define NB 12                   /* histogram buckets (+Inf apart) */
#define TOP_STORES 10

static const double bounds_ms[NB] = { 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000 };

/* Every slot starts with its key (a non-zero hash of what it counts) and
 * a ready flag set once its names are written: workers claim a slot with
 * compare-and-swap on the key, then only add. */
typedef struct rslot { uint64_t key; int32_t ready, status; char program[16], pattern[72]; int64_t n; } rslot;
typedef struct hslot { uint64_t key; int32_t ready, pad; char program[16]; int64_t bucket[NB + 1], sum_us; } hslot;
typedef struct nslot { uint64_t key; int32_t ready, pad; char name[40]; int64_t n; } nslot;
typedef struct area {
	uint64_t magic;         /* OPS_MAGIC: this layout (else the region is reset) */
	rslot routes[RSLOTS];
	hslot hist[HSLOTS];
	nslot kinds[NSLOTS];
	nslot counters[NSLOTS];
} area;
_Static_assert(sizeof(area) <= SHARE_EXTRA, "ops counters must fit share.c's extra region");
#define OPS_MAGIC 0x6f70732d763100ull     /* "ops-v1": change with the layout */

/* The counters, laid out as above: a region left by another layout (an
 * older version) is zeroed once by whoever sees it first. */
static area *counters(void)
{
	area *a = (area *)share_extra();
	if (!a) return NULL;
	uint64_t m = __atomic_load_n(&a->magic, __ATOMIC_ACQUIRE);
	if (m != OPS_MAGIC && __atomic_compare_exchange_n(&a->magic, &m, OPS_MAGIC, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		memset((char *)a + sizeof a->magic, 0, sizeof *a - sizeof a->magic);
	return a;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h * 0x100000001b3ull) | 1;      /* never 0: 0 is a free slot */
}

/* The slot for key in a table of n slots of size stride; *fresh when this
 * call claimed it (the caller writes its names, then sets ready). */
static void *claim(void *base, size_t stride, unsigned n, uint64_t key, int *fresh)
{
	*fresh = 0;
	for (unsigned k = 0; k < PROBES; k++) {
		uint64_t *kp = (uint64_t *)((char *)base + ((key + k) % n) * stride);
		uint64_t cur = __atomic_load_n(kp, __ATOMIC_ACQUIRE);
		if (cur == key) return kp;
		if (cur != 0) continue;
		if (__atomic_compare_exchange_n(kp, &cur, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			*fresh = 1;
			return kp;
		}
		if (cur == key) return kp;
	}
	return NULL;                    /* full: not counted */
}

static void copy_name(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The histogram named name (a program, or RENDER) gets one sample. */
static void hist_add(area *a, const char *name, int64_t us)
{
	int fresh;
	hslot *h = claim(a->hist, sizeof *h, HSLOTS, fnv(14695981039346656037ull, name), &fresh);
	if (!h) return;
	if (fresh) {
		copy_name(h->program, sizeof h->program, name);
		__atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
	}
	if (us < 0) us = 0;
	int b = 0;
	while (b < NB && (double)us > bounds_ms[b] * 1000) b++;
	__atomic_add_fetch(&h->bucket[b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&h->sum_us, us, __ATOMIC_RELAXED);
}

void ops_observe(const char *program, const req *r)
{
	area *a = counters();
	if (!a) return;
	const char *pattern = r->route ? r->route->pattern : "(none)";
	char id[16];
	snprintf(id, sizeof id, "|%d", r->status);
	int fresh;
	rslot *s = claim(a->routes, sizeof *s, RSLOTS, fnv(fnv(fnv(14695981039346656037ull, program), pattern), id), &fresh);
	if (s) {
		if (fresh) {
			copy_name(s->program, sizeof s->program, program);
			copy_name(s->pattern, sizeof s->pattern, pattern);
			s->status = r->status;
			__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
		}
		__atomic_add_fetch(&s->n, 1, __ATOMIC_RELAXED);
	}
	hist_add(a, program, now_usec() - r->t0);
}

void ops_render_time(long usec)
{
	area *a = counters();
	if (a) hist_add(a, RENDER, usec);
}

/* A name as a label value or metric name part: [a-z0-9_] only. */
static void clean_name(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; src && *src && i + 1 < n; src++) {
		char c = *src;
		if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
		dst[i++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
	}
	dst[i] = 0;
}

static void bump_named(nslot *table, const char *name, long n)
{
	char clean[40];
	clean_name(clean, sizeof clean, name);
	if (!clean[0]) return;
	int fresh;
	nslot *s = claim(table, sizeof *s, NSLOTS, fnv(14695981039346656037ull, clean), &fresh);
	if (!s) return;
	if (fresh) {
		copy_name(s->name, sizeof s->name, clean);
		__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	}
	__atomic_add_fetch(&s->n, n, __ATOMIC_RELAXED);
}

void ops_block_failed(const char *kind)
{
	area *a = counters();
	if (a) bump_named(a->kinds, kind, 1);
}

void ops_count(const char *name, long n)
{
	area *a = counters();
	if (a) bump_named(a->counters, name, n);
}

/* ---- health ------------------------------------------------------------ */

static cJSON *check(cJSON *checks, const char *name, int ok, cJSON *failed)
{
	cJSON *c = cJSON_AddObjectToObject(checks, name);
	cJSON_AddBoolToObject(c, "ok", ok);
	if (!ok) cJSON_AddItemToArray(failed, cJSON_CreateString(name));
	return c;
}

/* Outbox items not yet sent nor given up, and those of them overdue by
 * more than cfg.health_backlog_age: the whole installation's, by design
 * (the operator's view; no store's data leaves). */
static int outbox_counts(int64_t *pending, int64_t *overdue)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*), coalesce(sum(next_at < :old), 0) FROM outbox "
				   "WHERE next_at >= 0 AND sent_at IS NULL AND failed_at IS NULL");
	db_bind_int(st, ":old", now_unix() - cfg.health_backlog_age);
	int rc = db_step(st);
	if (rc == SQLITE_ROW) {
		*pending = db_int(st, 0);
		*overdue = db_int(st, 1);
	}
	db_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

cJSON *ops_health(int with_sandbox, int *ok)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *checks = cJSON_CreateObject();
	cJSON *failed = cJSON_CreateArray();

	/* database: takes a write (one row, its own transaction) */
	int db_ok = 0;
	if (!db_in_tx() && db_begin(1) == 0) {
		sqlite3_stmt *st = db_stmt("INSERT OR REPLACE INTO health_probe(id, at) VALUES(1, :now)");
		db_bind_int(st, ":now", now_unix());
		if (db_run(st) == 0 && db_commit() == 0) db_ok = 1;
		else if (db_in_tx()) db_rollback();
	}
	cJSON *c = check(checks, "database", db_ok, failed);
	if (!db_ok) cJSON_AddStringToObject(c, "error", db_errmsg());

	if (with_sandbox) check(checks, "sandbox", sbx_available(), failed);

	char dir[sizeof cfg.db];
	snprintf(dir, sizeof dir, "%s", cfg.db);
	char *slash = strrchr(dir, '/');
	if (slash) *slash = 0;
	else snprintf(dir, sizeof dir, ".");
	struct statvfs vs;
	int have = statvfs(dir[0] ? dir : "/", &vs) == 0;
	int64_t free_mb = have ? (int64_t)((double)vs.f_bavail * (double)vs.f_frsize / (1024.0 * 1024.0)) : 0;
	c = check(checks, "disk", have && free_mb >= cfg.health_min_disk_mb, failed);
	cJSON_AddNumberToObject(c, "freeMb", (double)free_mb);
	cJSON_AddNumberToObject(c, "minMb", (double)cfg.health_min_disk_mb);

	int64_t pending = 0, overdue = 0;
	int counted = outbox_counts(&pending, &overdue) == 0;
	c = check(checks, "backlog", counted && overdue <= cfg.health_max_backlog, failed);
	cJSON_AddNumberToObject(c, "pending", (double)pending);
	cJSON_AddNumberToObject(c, "overdue", (double)overdue);
	cJSON_AddNumberToObject(c, "maxOverdue", (double)cfg.health_max_backlog);

	*ok = cJSON_GetArraySize(failed) == 0;
	cJSON_AddStringToObject(o, "status", *ok ? "ok" : "fail");
	cJSON_AddItemToObject(o, "checks", checks);
	cJSON_AddItemToObject(o, "failed", failed);
	return o;
}

/* ---- metrics ----------------------------------------------------------- */

static void label(sbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"') sb_printf(out, "\\%c", *v);
		else if (*v == '\n') sb_puts(out, "\\n");
		else sb_put(out, v, 1);
	}
}

static void head(sbuf *out, const char *name, const char *type, const char *help)
{
	sb_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One histogram's lines: per program (label), or unlabelled for RENDER. */
static void hist_print(sbuf *out, const char *metric, hslot *h)
{
	int lab = strcmp(h->program, RENDER) != 0;
	int64_t cum = 0;
	for (int b = 0; b <= NB; b++) {
		cum += __atomic_load_n(&h->bucket[b], __ATOMIC_RELAXED);
		sb_printf(out, "%s_bucket{", metric);
		if (lab) {
			sb_puts(out, "program=\"");
			label(out, h->program);
			sb_puts(out, "\",");
		}
		if (b < NB) sb_printf(out, "le=\"%g\"} %lld\n", bounds_ms[b] / 1000, (long long)cum);
		else sb_printf(out, "le=\"+Inf\"} %lld\n", (long long)cum);
	}
	for (int k = 0; k < 2; k++) {
		sb_printf(out, "%s_%s", metric, k ? "count" : "sum");
		if (lab) {
			sb_puts(out, "{program=\"");
			label(out, h->program);
			sb_puts(out, "\"}");
		}
		if (k) sb_printf(out, " %lld\n", (long long)cum);
		else sb_printf(out, " %.6f\n", (double)__atomic_load_n(&h->sum_us, __ATOMIC_RELAXED) / 1e6);
	}
}

static int64_t named(const nslot *t, const char *name)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (__atomic_load_n(&t[i].ready, __ATOMIC_ACQUIRE) && !strcmp(t[i].name, name))
			return __atomic_load_n(&t[i].n, __ATOMIC_RELAXED);
	return 0;
}

void ops_metrics(sbuf *out)
{
	area *a = counters();
	head(out, "storefront_requests_total", "counter", "Requests answered, by program, route row and status.");
	for (unsigned i = 0; a && i < RSLOTS; i++) {
		rslot *s = &a->routes[i];
		if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE)) continue;
		sb_puts(out, "storefront_requests_total{program=\"");
		label(out, s->program);
		sb_puts(out, "\",route=\"");
		label(out, s->pattern);
		sb_printf(out, "\",status=\"%d\"} %lld\n", s->status, (long long)__atomic_load_n(&s->n, __ATOMIC_RELAXED));
	}
	head(out, "storefront_request_seconds", "histogram", "Time to answer a request (pages include their blocks' render).");
	for (unsigned i = 0; a && i < HSLOTS; i++) {
		hslot *h = &a->hist[i];
		if (__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE) && strcmp(h->program, RENDER) != 0)
			hist_print(out, "storefront_request_seconds", h);
	}
	head(out, "storefront_render_seconds", "histogram",
	     "Time a live page's blocks took to render (inputs, sandbox, waiting), per page.");
	for (unsigned i = 0; a && i < HSLOTS; i++) {
		hslot *h = &a->hist[i];
		if (__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE) && !strcmp(h->program, RENDER))
			hist_print(out, "storefront_render_seconds", h);
	}
	head(out, "storefront_block_failures_total", "counter",
	     "Blocks that rendered as failed, by kind (cpu, memory, output: the sandbox's limits; sandbox, runtime, ...).");
	for (unsigned i = 0; a && i < NSLOTS; i++) {
		nslot *s = &a->kinds[i];
		if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE)) continue;
		sb_printf(out, "storefront_block_failures_total{kind=\"%s\"} %lld\n", s->name,
			  (long long)__atomic_load_n(&s->n, __ATOMIC_RELAXED));
	}
	/* The page cache's counters are always there (0 until it counts). */
	static const char *const fixed[] = { "cache_hits", "cache_misses" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		char name[80];
		snprintf(name, sizeof name, "storefront_%s_total", fixed[i]);
		head(out, name, "counter", "Page cache answers (ops_count).");
		sb_printf(out, "%s %lld\n", name, (long long)(a ? named(a->counters, fixed[i]) : 0));
	}
	for (unsigned i = 0; a && i < NSLOTS; i++) {
		nslot *s = &a->counters[i];
		if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE)) continue;
		if (!strcmp(s->name, "cache_hits") || !strcmp(s->name, "cache_misses")) continue;
		char name[80];
		snprintf(name, sizeof name, "storefront_%s_total", s->name);
		head(out, name, "counter", "A counter (ops_count).");
		sb_printf(out, "%s %lld\n", name, (long long)__atomic_load_n(&s->n, __ATOMIC_RELAXED));
	}
	int64_t pending = 0, overdue = 0;
	if (outbox_counts(&pending, &overdue) == 0) {
		head(out, "storefront_outbox_backlog", "gauge", "Emails, webhooks and payment intents not yet delivered.");
		sb_printf(out, "storefront_outbox_backlog %lld\n", (long long)pending);
		head(out, "storefront_outbox_overdue", "gauge", "Of those, overdue by more than health_backlog_age seconds.");
		sb_printf(out, "storefront_outbox_overdue %lld\n", (long long)overdue);
	}
	int64_t tids[TOP_STORES], used[TOP_STORES];
	int n = share_top(tids, used, TOP_STORES);
	head(out, "storefront_store_render_seconds", "gauge",
	     "Render time the busiest stores used in the current fair-share window.");
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = db_stmt("SELECT username FROM tenants WHERE id = :t");
		db_bind_int(st, ":t", tids[i]);
		int found = db_step(st) == SQLITE_ROW;
		sb_puts(out, "storefront_store_render_seconds{store=\"");
		label(out, found ? db_text(st, 0) : "?");
		sb_printf(out, "\"} %.6f\n", (double)used[i] / 1e6);
		db_reset(st);
	}
}

int ops_metrics_allowed(req *r)
{
	const char *ip = r->remote_addr ? r->remote_addr : "";
	if (str_startswith(ip, "127.") || !strcmp(ip, "::1")) return 1;
	const char *h = http_header_in(r, "Authorization");
	size_t tl = strlen(cfg.metrics_token);
	if (!tl || !h || !str_startswith(h, "Bearer ")) return 0;
	h += 7;
	return strlen(h) == tl && ct_equal(h, cfg.metrics_token, tl);
}
