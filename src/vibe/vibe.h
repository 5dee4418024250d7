/* vibe: run one block's vibe code (DESIGN §7). The entry point is the only
 * top-level function, or the only one named render*; its parameter names
 * choose its inputs from a JSON object of named inputs (storefront,
 * products, collections, posts, cart, user, device, config) plus helpers
 * and api built here. A fresh MuJS state per render with a capped heap.
 * Also the engine's boundary: src/vibe/ is a library (libvibe.a, see
 * src/vibe/README.md) that knows nothing of the database, HTTP or the
 * storefront's config table; what it needs from its host comes through
 * vibe_configure. */
#ifndef VIBE_H
#define VIBE_H
#include "util.h"
#include <cJSON.h>

/* What the host gives the engine: the limits (the storefront's config_load
 * copies its vibe_* settings here), where the dry run's sample inputs are,
 * and where log lines go. Until vibe_configure is called every limit is 0
 * and every render fails. */
typedef struct vibe_settings {
	long mem;               /* bytes a block's JS heap may use */
	long output;            /* bytes of HTML one block may return */
	long cpu_ms;            /* CPU time per block render (the sandbox's timer) */
	long code_max;          /* bytes of vibe code per block */
	char sample_path[1200]; /* JSON object of sample inputs for dry runs (validate) */
	long child_cache;       /* bytes of the block cache of a sandbox child (vibe_cache_enable) */
	/* One log line (level "error" or "warn", message without newline);
	 * NULL: "vibe: LEVEL: MESSAGE" to stderr. */
	void (*log)(const char *level, const char *message);
} vibe_settings;
void vibe_configure(const vibe_settings *s);
/* The settings in force (the engine's modules read them). */
extern vibe_settings vibe_conf;
/* A log line through vibe_conf.log. */
void vibe_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct vibe_error {
	char kind[16];          /* syntax, entry, params, runtime, type, memory, output */
	char message[512];
	int line, column;       /* 1-based in the merchant's source; 0 unknown */
} vibe_error;

/* Where the time of a render went, microseconds: compile (prelude and the
 * block's code), data (inputs into the interpreter), run (the call);
 * inputs is filled by the caller (loading and encoding them). Filled only
 * for a caller that asks (vibe_render_timed, sbx_page_measure,
 * render_blocks_timed): the benchmark; no request pays for it. */
typedef struct vibe_timing { long inputs, compile, data, run, cached; } vibe_timing;
/* cached: renders that started from the block cache (vibe_cache_enable);
 * their compile is the restore and their data 0. */


/* A top-level function: its name and parameter names. */
typedef struct vibe_entry {
	char name[64];
	char params[16][64];
	int nparams;
	int line;
} vibe_entry;

/* Check the merchant's source (size, subset, entry point, parameter names,
 * forbidden features: jscheck) and lower it to ES5 (jslower, line for
 * line). 0 with the ES5 appended to es5, or -1 with the first problem. */
int vibe_compile(const char *code, sbuf *es5, vibe_entry *entry, vibe_error *err);
/* The entry as JSON {name, line, params} (stored with the ES5 in a
 * published snapshot) and back: 0, or -1 when malformed. */
cJSON *vibe_entry_json(const vibe_entry *e);
int vibe_entry_from_json(const cJSON *o, vibe_entry *e);
/* vibe_compile without keeping the ES5. */
int vibe_find_entry(const char *code, vibe_entry *entry, vibe_error *err);
/* Render ES5 code (from vibe_compile) with its entry. */
int vibe_render_entry(const char *code, const vibe_entry *entry, const cJSON *inputs, sbuf *out,
		      vibe_error *err);
/* The same with the inputs as JSON text (what the sandbox child gets). */
int vibe_render_json(const char *code, const vibe_entry *entry, const char *inputs_json, sbuf *out,
		     vibe_error *err);
/* The same, writing where the time went into *timing (inputs untouched). */
int vibe_render_timed(const char *code, const vibe_entry *entry, const char *inputs_json, sbuf *out,
		      vibe_error *err, vibe_timing *timing);
/* The block cache of a render child. The sandbox turns it on in a child,
 * which serves one store only (sandbox.h); nothing else may, since its
 * entries hold that store's inputs. A block whose ES5, entry and inputs
 * are byte for byte those of a block rendered before (compared in full,
 * not by hash: never a stale compile) starts from the interpreter state
 * saved just before that block's call (saved when the block is seen a
 * second time, so a child that renders one page pays nothing) -- code compiled, inputs pushed,
 * not yet run -- restored whole, so the block still runs in a pristine
 * state and nothing a previous run did survives. Limits are unchanged:
 * the heap cap is counted in the saved state, the CPU timer runs around
 * the call. Up to max_bytes of saved states and VIBE_CACHE_ENTRIES
 * blocks, least recently used dropped first; 0 turns it off (and frees
 * it). Without the interpreter arena (sanitizer builds) it stays off. */
#define VIBE_CACHE_ENTRIES 64
void vibe_cache_enable(size_t max_bytes);
/* Renders that started from a saved state, and states saved, since the
 * cache was turned on (tests, the benchmark). */
void vibe_cache_stats(long *hits, long *saves);
/* Make the interpreter arena and its snapshot now (the sandbox zygote
 * does, so every child inherits them); otherwise the first render does. */
void vibe_warm(void);
/* Compile (without running) and check the entry point and parameter names. */
int vibe_check(const char *code, vibe_error *err);
/* Compile and render: 0 with the HTML appended to out, or -1 with err
 * filled. inputs is an object keyed by input name; missing names are
 * passed as null. */
int vibe_render(const char *code, const cJSON *inputs, sbuf *out, vibe_error *err);
#endif
