/* share: per-store accounts of render time in shared memory, and the last
 * good output of each block (see share.h). */
#include "share.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sha256.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 4096              /* stores active in one window, per installation */
#define PROBES 32
#define REFRESH 60              /* seconds before a kept block's HTML is rewritten */

typedef struct account { int64_t tid, window, used_us; } account;

static account *table;          /* SLOTS accounts, MAP_SHARED */
static unsigned char *extra;    /* SHARE_EXTRA bytes after them (share_extra) */
static int tried;

static account *map(void)
{
	if (tried) return table;
	tried = 1;
	char path[sizeof cfg.db + 8];
	snprintf(path, sizeof path, "%s-share", cfg.db);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	size_t size = SLOTS * sizeof(account) + SHARE_EXTRA;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || ((size_t)st.st_size < size && ftruncate(fd, (off_t)size) < 0)) {
		log_error("fair share off: cannot open %s", path);
		if (fd >= 0) close(fd);
		return NULL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) { log_error("fair share off: cannot map %s", path); return NULL; }
	table = p;
	extra = (unsigned char *)p + SLOTS * sizeof(account);
	return table;
}

static int64_t window_now(void)
{
	return now_unix() / (cfg.store_cpu_window > 0 ? cfg.store_cpu_window : 60);
}

/* The store's account (create: take an empty slot, or one idle for two
 * windows), or NULL. Workers race on slots with compare-and-swap. */
static account *find(int64_t tid, int64_t window, int create)
{
	account *t = map();
	if (!t || tid <= 0) return NULL;
	unsigned h = (unsigned)(((uint64_t)tid * 0x9E3779B97F4A7C15ull) >> 52);
	for (unsigned k = 0; k < PROBES; k++) {
		account *a = &t[(h + k) % SLOTS];
		int64_t cur = __atomic_load_n(&a->tid, __ATOMIC_ACQUIRE);
		if (cur == tid) return a;
		if (!create) {
			if (cur == 0) return NULL;
			continue;
		}
		if (cur != 0 && __atomic_load_n(&a->window, __ATOMIC_RELAXED) >= window - 1) continue;
		if (__atomic_compare_exchange_n(&a->tid, &cur, tid, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&a->used_us, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&a->window, window, __ATOMIC_RELEASE);
			return a;
		}
		if (cur == tid) return a;
	}
	return NULL;
}

int share_over(int64_t tid)
{
	if (cfg.store_cpu_ms <= 0) return 0;
	int64_t w = window_now();
	account *a = find(tid, w, 0);
	return a && __atomic_load_n(&a->window, __ATOMIC_ACQUIRE) == w &&
	       __atomic_load_n(&a->used_us, __ATOMIC_RELAXED) >= (int64_t)cfg.store_cpu_ms * 1000;
}

void share_charge(int64_t tid, long usec)
{
	if (cfg.store_cpu_ms <= 0 || usec <= 0) return;
	int64_t w = window_now();
	account *a = find(tid, w, 1);
	if (!a) return;
	int64_t old = __atomic_load_n(&a->window, __ATOMIC_ACQUIRE);
	if (old != w && __atomic_compare_exchange_n(&a->window, &old, w, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		__atomic_store_n(&a->used_us, 0, __ATOMIC_RELAXED);   /* a new window: a fresh share */
	int64_t used = __atomic_add_fetch(&a->used_us, usec, __ATOMIC_RELAXED);
	if (used >= (int64_t)cfg.store_cpu_ms * 1000 && used - usec < (int64_t)cfg.store_cpu_ms * 1000)
		log_warn("store %lld used its share of render time (%ld ms in %ld s): its pages show kept output "
			 "until the window ends", (long long)tid, cfg.store_cpu_ms, cfg.store_cpu_window);
}

void *share_extra(void)
{
	return map() ? extra : NULL;
}

int share_top(int64_t *tids, int64_t *used_us, int n)
{
	account *t = map();
	if (!t || n <= 0) return 0;
	int64_t w = window_now();
	int k = 0;
	for (unsigned i = 0; i < SLOTS; i++) {
		int64_t tid = __atomic_load_n(&t[i].tid, __ATOMIC_ACQUIRE);
		if (!tid || __atomic_load_n(&t[i].window, __ATOMIC_ACQUIRE) != w) continue;
		int64_t us = __atomic_load_n(&t[i].used_us, __ATOMIC_RELAXED);
		int j;                           /* insert in order, most first */
		if (k < n) j = k++;
		else if (us <= used_us[n - 1]) continue;
		else j = n - 1;
		while (j > 0 && used_us[j - 1] < us) {
			tids[j] = tids[j - 1];
			used_us[j] = used_us[j - 1];
			j--;
		}
		tids[j] = tid;
		used_us[j] = us;
	}
	return k;
}

void share_block_key(const cJSON *b, char out[33])
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(b, "es5");
	if (!cJSON_IsString(code)) code = cJSON_GetObjectItemCaseSensitive(b, "vibeCode");
	char *conf = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(b, "config"));
	sha256_ctx c;
	unsigned char h[32];
	sha256_init(&c);
	if (cJSON_IsString(code)) sha256_update(&c, code->valuestring, strlen(code->valuestring));
	sha256_update(&c, "\n", 1);
	if (conf) sha256_update(&c, conf, strlen(conf));
	sha256_final(&c, h);
	cJSON_free(conf);
	hex_encode(h, 16, out);
}

int share_cached(int64_t tid, const char *block_id, const char *key, sbuf *html)
{
	sqlite3_stmt *st = db_stmt("SELECT html FROM block_cache WHERE tenant_id = :t AND block_id = :b AND code_hash = :k");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":b", block_id);
	db_bind_text(st, ":k", key);
	int found = db_step(st) == SQLITE_ROW;
	if (found) sb_put(html, db_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	db_reset(st);
	return found;
}

/* When this worker last found or wrote each block's kept copy fresh: a
 * view within REFRESH of it reads nothing (a page of six blocks made six
 * reads a view). Another worker's write is found by the read after. */
#define SEEN 512
static struct seen { int64_t tid, at; char id[48]; } seen[SEEN];

static struct seen *seen_slot(int64_t tid, const char *block_id)
{
	uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
	for (const char *p = block_id; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return &seen[h % SEEN];
}

void share_keep(int64_t tid, const cJSON *b, const char *block_id, const char *html, size_t n)
{
	int64_t now = now_unix();
	struct seen *sn = seen_slot(tid, block_id);
	int known = sn->tid == tid && strlen(block_id) < sizeof sn->id && !strcmp(sn->id, block_id);
	if (known && sn->at > now - REFRESH) return;
	/* Most views find the kept copy fresh: one indexed read, no hashing. */
	sqlite3_stmt *st = db_stmt("SELECT at FROM block_cache WHERE tenant_id = :t AND block_id = :b");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":b", block_id);
	int64_t at = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (strlen(block_id) < sizeof sn->id) {
		sn->tid = tid;
		snprintf(sn->id, sizeof sn->id, "%s", block_id);
		sn->at = at;
	}
	if (at > now - REFRESH || db_in_tx()) return;
	char key[33];
	share_block_key(b, key);
	/* A page view never waits for the write lock for this: busy, skip
	 * (stepped here, not through db_run, which would log the miss). */
	db_busy_ms(0);
	st = db_stmt("INSERT OR REPLACE INTO block_cache(tenant_id, block_id, code_hash, html, at) VALUES(:t, :b, :k, :h, :at)");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":b", block_id);
	db_bind_text(st, ":k", key);
	db_bind_textn(st, ":h", html, n);
	db_bind_int(st, ":at", now);
	if (sqlite3_step(st) == SQLITE_DONE && sn->tid == tid && !strcmp(sn->id, block_id)) sn->at = now;
	sqlite3_reset(st);
	db_busy_ms(-1);                         /* db.c's timeout for everything else */
}
