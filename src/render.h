/* render: storefront HTML. Runs a page's blocks through vibe code in
 * position order (each wrapped in <section data-block-id data-block-type>),
 * applies block visibility, puts content into the page shell, and renders
 * the error pages. A failing block becomes a placeholder; the page lives. */
#ifndef RENDER_H
#define RENDER_H
#include "http.h"

/* Blocks (published snapshot or drafts) -> HTML into out. preview shows a
 * visible error box for a failing block instead of the live comment. */
void render_blocks(req *r, const cJSON *blocks, int preview, sbuf *out);
/* What a caller that measures (bench/bench_render.c) hands render_blocks_timed:
 * the switch of the benchmark's baseline, and where the page's time went. */
#include "vibe.h"
#include "sandbox.h"
typedef struct render_timing {
	int inprocess;          /* in: render in this process, not in the sandbox */
	vibe_timing vibe;       /* out: inputs, compile, data, run over the blocks */
	sbx_timing sbx;         /* out: fork+spawn, send, wait (sandboxed only) */
} render_timing;
/* render_blocks measuring into *t (zeroed first; the in fields kept). */
void render_blocks_timed(req *r, const cJSON *blocks, int preview, sbuf *out, render_timing *t);

/* Shell around content -> r->out. */
void render_shell(req *r, const char *title, const char *description, const char *content);
/* A system page from templates/NAME with data (an object; the store is
 * added) inside the shell. */
void render_template_page(req *r, const char *name, const char *title, cJSON *data);
/* The same with the page's meta description (NULL: the store's tagline). */
void render_template_page_desc(req *r, const char *name, const char *title, const char *description,
			       cJSON *data);
/* The same with what the page is for search engines (seo.h): its SEO
 * object, image and JSON-LD (it->jsonld is taken). it may be NULL. */
#include "seo.h"
void render_shell_seo(req *r, const char *title, const char *description, const char *content, seo_item *it);
void render_template_page_seo(req *r, const char *name, const char *title, const char *description,
			      cJSON *data, seo_item *it);
/* "http(s)://host[:port]" of the request: the base of absolute URLs. */
void render_base_url(req *r, sbuf *out);
void render_error_page(req *r, int status, const char *title, const char *message);
void render_platform_404(req *r);
/* The `storefront` input of vibe code for the request's tenant. */
cJSON *render_storefront(req *r);
/* desktop | tablet | mobile from the User-Agent. */
const char *render_device(req *r);
#endif
