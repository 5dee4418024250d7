/* vibe: run one block's vibe code (DESIGN §7). The entry point is the only
 * top-level function, or the only one named render*; its parameter names
 * choose its inputs from a JSON object of named inputs (storefront,
 * products, collections, posts, cart, user, device, config) plus helpers
 * and api built here. A fresh MuJS state per render with a capped heap. */
#ifndef VIBE_H
#define VIBE_H
#include "util.h"
#include <cJSON.h>

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
typedef struct vibe_timing { long inputs, compile, data, run; } vibe_timing;


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
