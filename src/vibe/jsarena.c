/* jsarena: a region allocator for MuJS with snapshot/restore (see jsarena.h). */
#include "jsarena.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16                  /* block header; keeps 16-byte alignment */
#define FREE 0x80000000u        /* in a header: the block is on a free list */
#define SMALL 32                /* classes 0..31: 16..512 bytes */
#define NCLS 60

typedef struct meta {
	size_t cap;             /* bytes of the region after the meta */
	size_t bump;            /* next unused offset */
	size_t used, peak, limit;
	size_t base;            /* used by the fresh state: limit - base = the cap */
	int exceeded;
	int full;               /* the last a_take failed for want of region */
	int nodefrag;           /* and a_defrag did not help */
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

/* ---- collecting before failing (jsarena.h) ----
 *
 * js_gc is safe where MuJS itself calls it -- between two instructions --
 * because then everything alive is reachable from the stack, the global
 * object or an environment. Inside an allocation that is not always so:
 * a few of MuJS's internal constructors link a new object, environment
 * or function into the collector's lists and allocate again before it is
 * reachable (a string wrapper copying its string, a RegExp its source, an
 * environment its variables object, an iterator its key list, the
 * compiler everything). A collection there would free what is being
 * built. So a rescue runs only:
 *  - while the block's code runs, never while code is compiled (no eval
 *    or Function in vibe code: compiling happens before jsa_gc_begin);
 *  - for an allocation of at least GC_MIN bytes (string data, arrays,
 *    buffers): the unbounded windows above (an iterator's key list, the
 *    compiler's tables) allocate small pieces only;
 *  - and it frees nothing of the last RECENT allocations nor the block
 *    being reallocated: a thing under construction was made at most a
 *    few allocations before the one that failed (the wrapper or RegExp
 *    object and its compiled program). Those are kept -- counted, never
 *    reused -- until the block ends: at most RECENT blocks per
 *    collection, and a collection takes megabytes of allocation, i.e.
 *    milliseconds of the block's CPU time.
 * A collection that frees less than an eighth of the cap, or an
 * allocation that still fails after one, ends rescues for the block: its
 * live set is near the cap and it is out of memory, not short of a
 * collection (and a memory bomb does not pay a collection per failed
 * allocation). */
#define GC_MIN 256
#define RECENT 8

static struct {
	js_State *J;            /* set while rescues are allowed */
	int running, off;
	void *recent[RECENT];
	unsigned next;
	void *moving;           /* the block being reallocated, kept too */
} gc;

void jsa_gc_begin(js_State *J)
{
	memset(&gc, 0, sizeof gc);
	gc.J = J;
}

void jsa_gc_end(void) { gc.J = NULL; }

void jsa_gc_give_up(void) { gc.off = 1; }

void jsa_gc_note(void *p)
{
	if (!gc.J) return;
	gc.recent[gc.next++ % RECENT] = p;
}

int jsa_gc_keep(void *p)
{
	if (!gc.running) return 0;
	if (p == gc.moving) return 1;
	for (int i = 0; i < RECENT; i++)
		if (gc.recent[i] == p) return 1;
	return 0;
}

int jsa_gc_rescue(size_t n, const size_t *used, size_t limit, void *moving)
{
	if (!gc.J || gc.running || gc.off || n < GC_MIN) return 0;
	size_t before = *used;
	gc.running = 1;
	gc.moving = moving;
	js_gc(gc.J, 0);
	gc.moving = NULL;
	gc.running = 0;
	size_t freed = before > *used ? before - *used : 0;
	if (freed < limit / 8) gc.off = 1;
	return 1;
}

/* Free blocks of the largest classes that fit, for len bytes at blk. */
static void carve(meta *m, char *blk, size_t len)
{
	while (len) {
		int c = len >= 1024 ? SMALL : len > 512 ? SMALL - 1 : (int)(len / 16) - 1;
		while (c >= SMALL && c + 1 < NCLS && class_size(c + 1) <= len) c++;
		*(uint32_t *)blk = (uint32_t)c | FREE;
		*(void **)(blk + HDR) = m->freel[c];
		m->freel[c] = blk + HDR;
		blk += class_size(c);
		len -= class_size(c);
	}
}

/* A block of class c cut from a free block of a larger class (once the
 * region is full), the rest going back to the free lists; NULL if none. */
static char *a_split(meta *m, int c)
{
	for (int k = c + 1; k < NCLS; k++) {
		if (!m->freel[k]) continue;
		char *blk = (char *)m->freel[k] - HDR;
		m->freel[k] = *(void **)m->freel[k];
		carve(m, blk + class_size(c), class_size(k) - class_size(c));
		return blk;
	}
	return NULL;
}

/* The block itself, 0 when the cap or the region is full. */
static void *a_take(meta *m, size_t n)
{
	m->full = 0;
	int c = class_for(n + HDR);
	if (c < 0) return NULL;
	size_t cs = class_size(c);
	if (m->used + cs > m->limit) return NULL;
	char *blk;
	if (m->freel[c]) {
		blk = (char *)m->freel[c] - HDR;
		m->freel[c] = *(void **)m->freel[c];
	} else if (m->bump + cs > m->cap) {
		if (!(blk = a_split(m, c))) { m->full = 1; return NULL; }
	} else {
		blk = region + sizeof(meta) + m->bump;
		m->bump += cs;
	}
	*(uint32_t *)blk = (uint32_t)c;
	m->used += cs;
	if (m->used > m->peak) m->peak = m->used;
	return blk + HDR;
}

/* Size classes never merge, so a block whose strings keep growing (the
 * same `s += c` loop) can use up the region with free blocks of the
 * classes it has outgrown while it holds little. When the region is full:
 * walk it, join each run of adjacent free blocks, and cut the run into
 * blocks of the largest classes that fit (a run at the top goes back to
 * the bump pointer). Only bookkeeping: no live block moves. */
static void a_defrag(meta *m)
{
	char *base = region + sizeof(meta);
	size_t off = 0;
	memset(m->freel, 0, sizeof m->freel);
	while (off < m->bump) {
		if (!(*(uint32_t *)(base + off) & FREE)) {
			off += class_size((int)*(uint32_t *)(base + off));
			continue;
		}
		size_t start = off;
		while (off < m->bump && (*(uint32_t *)(base + off) & FREE))
			off += class_size((int)(*(uint32_t *)(base + off) & ~FREE));
		if (off >= m->bump) { m->bump = start; break; }
		carve(m, base + start, off - start);
	}
}

/* a_take, and when the region is full, a_defrag and again (until a
 * defrag does not help: the walk is not repeated for every allocation of
 * a block that is out of room). */
static void *a_take_defrag(meta *m, size_t n)
{
	void *p = a_take(m, n);
	if (!p && m->full && !m->nodefrag) {
		a_defrag(m);
		p = a_take(m, n);
		if (!p && m->full) m->nodefrag = 1;
	}
	return p;
}

static void *a_alloc(meta *m, size_t n, void *moving)
{
	void *p = a_take_defrag(m, n);
	if (!p && jsa_gc_rescue(n, &m->used, m->limit - m->base, moving)) {
		m->nodefrag = 0;        /* the collection freed blocks */
		if (!(p = a_take_defrag(m, n))) jsa_gc_give_up();
	}
	if (!p) { m->exceeded = 1; return NULL; }
	jsa_gc_note(p);
	return p;
}

static void a_free(meta *m, void *p)
{
	if (jsa_gc_keep(p)) return;
	int c = (int)*(uint32_t *)((char *)p - HDR);
	m->used -= class_size(c);
	*(uint32_t *)((char *)p - HDR) = (uint32_t)c | FREE;
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
	if (!ptr) return a_alloc(m, (size_t)size, NULL);
	int c = (int)*(uint32_t *)((char *)ptr - HDR);
	size_t have = class_size(c) - HDR;
	if ((size_t)size <= have) return ptr;
	void *q = a_alloc(m, (size_t)size, ptr);
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
	m->base = m->used;
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

void *jsa_save(size_t *len)
{
	if (!region) return NULL;
	const meta *m = (const meta *)region;
	*len = sizeof(meta) + m->bump;
	void *p = malloc(*len);
	if (p) memcpy(p, region, *len);
	return p;
}

js_State *jsa_restore(const void *saved, size_t len)
{
	memcpy(region, saved, len);
	return snapJ;
}

int jsa_exceeded(void) { return region && ((meta *)region)->exceeded; }

size_t jsa_peak(void) { return region ? ((meta *)region)->peak : 0; }

void jsa_prefault(size_t bytes)
{
	if (!region) return;
	/* The region past the snapshot in 2 MB pages where the kernel has
	 * them (a block's strings touch megabytes: one fault per 2 MB, not
	 * 512): this child's own memory, never shared. */
	const uintptr_t huge = 2u << 20;
	uintptr_t from = ((uintptr_t)region + snapshot_len + huge - 1) & ~(huge - 1);
	uintptr_t to = ((uintptr_t)region + region_len) & ~(huge - 1);
	if (from < to) madvise((void *)from, to - from, MADV_HUGEPAGE);
	/* Writing the snapshot's own pages takes their copy-on-write faults
	 * now (in a forked child they are still the zygote's). */
	memcpy(region, snapshot, snapshot_len);
	if (bytes > region_len - snapshot_len) bytes = region_len - snapshot_len;
	memset(region + snapshot_len, 0, bytes);
}
