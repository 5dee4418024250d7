/* media: a store's media library -- the `media` rows, the type of a file
 * from its bytes (magic numbers, never the name or a header), the image
 * header's dimensions (pixel bombs are refused before anything decodes),
 * polyglot and SVG checks (SVG sanitised by an allow-list), and the files
 * under media_dir: content-addressed, written atomically by the image
 * helper (bin/storefront-image, libvips, run as a child with rlimits) so
 * no decoder runs inside admin.cgi. Returns codes; never writes a reply. */
#ifndef MEDIA_H
#define MEDIA_H
#include "util.h"
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { MT_NONE, MT_PNG, MT_JPEG, MT_WEBP, MT_GIF, MT_AVIF, MT_SVG } media_type;

/* The type the bytes are, or MT_NONE (an SVG is recognised by its root
 * element, after an optional XML declaration, comments and blank space). */
media_type media_sniff(const unsigned char *p, size_t n);
const char *media_type_name(media_type t);   /* "png", ..., "" */
const char *media_type_mime(media_type t);
/* Width and height as the header declares them (PNG IHDR, JPEG SOFn, GIF
 * screen, WebP VP8/VP8L/VP8X, AVIF ispe): 0, or -1 when unreadable. */
int media_header_size(media_type t, const unsigned char *p, size_t n, long *w, long *h);
/* NULL when the file is only what it claims to be, else why not: bytes
 * after the format's end (PNG IEND, GIF trailer, RIFF or box sizes, JPEG
 * EOI unless another JPEG follows), or another format's marker inside
 * (HTML, script, PHP, SVG, ZIP, PDF). */
const char *media_polyglot_problem(media_type t, const unsigned char *p, size_t n);
/* Sanitise an SVG by an allow-list of elements and attributes: scripts,
 * foreignObject, event handlers (on*), references outside the file
 * (href, url() and @import that do not start with '#'), unknown elements
 * and namespaces are removed, each noted in removed (an array of strings,
 * may be NULL). DOCTYPE, entities, and XML that is not well-formed are
 * refused: -1 with why. 0 with the clean SVG in out (w, h from its
 * width/height or viewBox, 0 when neither). */
int media_svg_sanitize(const char *in, size_t n, sbuf *out, cJSON *removed, long *w, long *h,
		       char *why, size_t whylen);

typedef enum {
	MEDIA_OK = 0,
	MEDIA_UNSUPPORTED,      /* 415: not one of the accepted types */
	MEDIA_POLYGLOT,         /* 415: more than one file in one */
	MEDIA_SVG_REFUSED,      /* 415: an SVG that cannot be made safe */
	MEDIA_TOO_MANY_PIXELS,  /* 422: declared dimensions over media_max_pixels */
	MEDIA_CORRUPT,          /* 422: the decoder could not read it */
	MEDIA_STORAGE,          /* 500: files could not be written, or the helper failed */
} media_code;

/* A file made ready for the library (the files are written). */
typedef struct media_file {
	media_type type;
	char sha[65];
	long width, height;
	int64_t bytes, stored_bytes;
	char url[512];
	char *renditions_json;  /* [{width, height, url, webp}] */
	cJSON *removed;         /* SVG: what sanitising removed (strings) */
	char message[300];      /* the problem, for a code other than MEDIA_OK */
	long helper_ms;         /* time the image helper took */
} media_file;
void media_file_free(media_file *f);

/* Check the bytes and write the store's files (no transaction is open:
 * processing takes time and holds no lock). The same bytes uploaded
 * before reuse the store's files. */
media_code media_prepare(int64_t tid, const unsigned char *data, size_t len, media_file *f);
/* The row, inside the caller's transaction: 0 with *id, or -1. */
MUST_USE int media_insert(int64_t tid, const media_file *f, const char *name, const char *alt,
			  const char *source_url, int64_t *id);
/* Bytes the store's library holds (the quota counts uploads). */
int64_t media_used_bytes(int64_t tid);

cJSON *media_get_json(int64_t tid, int64_t id);     /* NULL: not this store's */
/* A page of the library, newest first: kind "image"|"svg"|NULL, q matches
 * name or alt (NULL: all); *total is the count of all matches. */
cJSON *media_list_json(int64_t tid, const char *kind, const char *q, int64_t limit, int64_t offset,
		       int64_t *total);
/* 1 updated, 0 not this store's, -1 storage error. NULL leaves a field. */
MUST_USE int media_update(int64_t tid, int64_t id, const char *name, const char *alt);
/* Where the item is used: [{kind: product|block|post|theme|page, id, name}]
 * (NULL when it is not this store's). */
cJSON *media_usage(int64_t tid, int64_t id);
/* Delete the row and its product images (clearing product, post and
 * theme fields that name its URL), inside the caller's transaction: 1,
 * 0 when not this store's, -1 storage error; sha (65 bytes) gets the
 * address to pass to media_remove_files after the commit. */
MUST_USE int media_delete(int64_t tid, int64_t id, char *sha);
/* Remove the files of sha unless another row of the store still uses them. */
void media_remove_files(int64_t tid, const char *sha);

/* Remove every file of a deleted store (media_dir/<tid>/). */
void media_remove_store(int64_t tid);

/* The library row with this URL (full size or a rendition's) as the
 * vibe engine's image data {url, width, height, alt, renditions}, or NULL. */
cJSON *media_image_by_url(int64_t tid, const char *url);
/* The full-size URL of the store's item id into buf: buf, or NULL. */
const char *media_url_of(int64_t tid, int64_t id, char *buf, size_t n);
/* The media id of the store's item with this URL (0 when none). */
int64_t media_id_by_url(int64_t tid, const char *url);
/* For helpers.image: an object url -> image data of every library URL
 * in the block's inputs (image objects that carry renditions, and strings
 * that are library URLs). */
cJSON *media_map_for(int64_t tid, const cJSON *inputs);
/* ---- remote images into the library (storefront media fetch, the deliverer) ---- */
typedef struct media_fetch_stats { int fetched, reused, failed, left; } media_fetch_stats;
/* Download up to limit of the store's remote product images (http/https
 * URLs in product images or a product's image, from a Shopify CSV or POS
 * sync) through net.c's public-address guard into the library, and point
 * the products at the local copies (each in its own transaction; no
 * transaction is open while downloading). report (may be NULL) hears each
 * URL that failed and why. 0, or -1 on a database error. */
int media_fetch_store(int64_t tid, const char *actor, int limit, media_fetch_stats *st,
		      void (*report)(int64_t tid, const char *url, const char *problem));
/* Queue the store for the deliverer (inside the caller's transaction). */
MUST_USE int media_fetch_queue(int64_t tid);
/* The deliverer's turn: the due stores of the queue, up to limit images
 * in all; a store with nothing left leaves the queue, one with failures
 * is tried again later (backoff), and given up after a few tries. */
void media_fetch_due(int limit, media_fetch_stats *st, void (*report)(int64_t tid, const char *url, const char *problem));

/* For a page template's <img>: each image of images gets src (the
 * narrowest original-format rendition at least want px wide, else the
 * widest, else its url), srcset (its WebP renditions; "" when none),
 * sizes, w/h (its own dimensions, else dflt_w x dflt_h), thumb (the
 * narrowest rendition) and loading (eager for the first, else lazy).
 * Returns how many images there are. */
int media_image_fields(cJSON *images, long want, const char *sizes, long dflt_w, long dflt_h);
#endif
