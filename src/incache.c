/* incache: a worker's cache of blocks' inputs (see incache.h). */
#include "incache.h"
#include "config.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES 256             /* a lookup or an eviction scans them all */

typedef struct entry {
	uint64_t hash;
	char *key, *json;       /* NULL: empty */
	size_t bytes;
	unsigned long used;
} entry;

static entry tab[ENTRIES];
static size_t bytes;
static unsigned long clock_;
static long hits, misses;

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void drop(entry *e)
{
	bytes -= e->bytes;
	free(e->key);
	free(e->json);
	memset(e, 0, sizeof *e);
}

const char *incache_get(const char *key)
{
	uint64_t h = fnv(key);
	for (int i = 0; i < ENTRIES; i++) {
		entry *e = &tab[i];
		if (e->key && e->hash == h && !strcmp(e->key, key)) {
			e->used = ++clock_;
			hits++;
			return e->json;
		}
	}
	misses++;
	return NULL;
}

void incache_put(const char *key, const char *json)
{
	size_t need = strlen(key) + strlen(json) + 2;
	if (cfg.render_input_cache <= 0 || need > (size_t)cfg.render_input_cache) return;
	for (;;) {
		entry *free_slot = NULL, *lru = NULL;
		for (int i = 0; i < ENTRIES; i++) {
			if (!tab[i].key) { if (!free_slot) free_slot = &tab[i]; continue; }
			if (!lru || tab[i].used < lru->used) lru = &tab[i];
		}
		if (free_slot && bytes + need <= (size_t)cfg.render_input_cache) {
			free_slot->hash = fnv(key);
			free_slot->key = xstrdup(key);
			free_slot->json = xstrdup(json);
			free_slot->bytes = need;
			free_slot->used = ++clock_;
			bytes += need;
			return;
		}
		if (!lru) return;
		drop(lru);
	}
}

void incache_stats(long *h, long *m)
{
	*h = hits;
	*m = misses;
}
