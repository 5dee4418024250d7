/* jsarena: a region allocator for MuJS with snapshot/restore (see jsarena.h). */
#include "jsarena.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16                  /* block header; keeps 16-byte alignment */
#define SMALL 32                /* classes 0..31: 16..512 bytes */
#define NCLS 60

typedef struct meta {
	size_t cap;             /* bytes of the region after the meta */
	size_t bump;            /* next unused offset */
	size_t used, peak, limit;
	int exceeded;
	void *freel[NCLS];
} meta;

static char *region;            /* meta, then blocks */
static size_t region_len;
static char *snapshot;
static size_t snapshot_len;
static js_State *snapJ;

static size_t class_size(int c)
{
	return c < SMALL ? (size_t)(c + 1) * 16 : (size_t)1024 << (c - SMALL);
}

static int class_for(size_t need)
{
	if (need <= 512) return (int)((need + 15) / 16) - 1;
	int c = SMALL;
	while (class_size(c) < need && c < NCLS - 1) c++;
	return class_size(c) >= need ? c : -1;
}

static void *a_alloc(meta *m, size_t n)
{
	int c = class_for(n + HDR);
	if (c < 0) { m->exceeded = 1; return NULL; }
	size_t cs = class_size(c);
	if (m->used + cs > m->limit) { m->exceeded = 1; return NULL; }
	char *blk;
	if (m->freel[c]) {
		blk = (char *)m->freel[c] - HDR;
		m->freel[c] = *(void **)m->freel[c];
	} else {
		if (m->bump + cs > m->cap) { m->exceeded = 1; return NULL; }
		blk = region + sizeof(meta) + m->bump;
		m->bump += cs;
	}
	*(uint32_t *)blk = (uint32_t)c;
	m->used += cs;
	if (m->used > m->peak) m->peak = m->used;
	return blk + HDR;
}

static void a_free(meta *m, void *p)
{
	int c = (int)*(uint32_t *)((char *)p - HDR);
	m->used -= class_size(c);
	*(void **)p = m->freel[c];
	m->freel[c] = p;
}

static void *jsa_alloc(void *ctx, void *ptr, int size)
{
	meta *m = ctx;
	if (size == 0) {
		if (ptr) a_free(m, ptr);
		return NULL;
	}
	if (!ptr) return a_alloc(m, (size_t)size);
	int c = (int)*(uint32_t *)((char *)ptr - HDR);
	size_t have = class_size(c) - HDR;
	if ((size_t)size <= have) return ptr;
	void *q = a_alloc(m, (size_t)size);
	if (!q) return NULL;
	memcpy(q, ptr, have);
	a_free(m, ptr);
	return q;
}

int jsa_init(size_t cap, js_Panic panic, void (*setup)(js_State *))
{
	if (region) return 0;
	/* power-of-two classes can waste up to half: room for twice the cap */
	region_len = sizeof(meta) + cap * 2 + (8u << 20);
	void *p = mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) return -1;
	region = p;
	meta *m = (meta *)region;
	memset(m, 0, sizeof *m);
	m->cap = region_len - sizeof(meta);
	m->limit = (size_t)-1;
	snapJ = js_newstate(jsa_alloc, m, 0);
	if (!snapJ) {
		munmap(region, region_len);
		region = NULL;
		return -1;
	}
	js_atpanic(snapJ, panic);
	if (setup) setup(snapJ);
	js_gc(snapJ, 0);
	/* The block's cap counts from here: what the fresh state holds is free. */
	m->limit = m->used + cap;
	m->peak = m->used;
	snapshot_len = sizeof(meta) + m->bump;
	snapshot = xmalloc(snapshot_len);
	memcpy(snapshot, region, snapshot_len);
	return 0;
}

int jsa_ready(void) { return region != NULL; }

js_State *jsa_fresh(void)
{
	memcpy(region, snapshot, snapshot_len);
	return snapJ;
}

int jsa_exceeded(void) { return region && ((meta *)region)->exceeded; }

size_t jsa_peak(void) { return region ? ((meta *)region)->peak : 0; }

void jsa_prefault(size_t bytes)
{
	if (!region) return;
	/* Writing the snapshot's own pages takes their copy-on-write faults
	 * now (in a forked child they are still the zygote's). */
	memcpy(region, snapshot, snapshot_len);
	if (bytes > region_len - snapshot_len) bytes = region_len - snapshot_len;
	memset(region + snapshot_len, 0, bytes);
}
