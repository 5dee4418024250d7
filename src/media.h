/* media: a store's media library -- the `media` rows, an upload checked
 * (mediacheck.h: type from the bytes, pixel bombs, polyglots, SVG) and its
 * files under media_dir: content-addressed, written atomically by the
 * image helper (bin/storefront-image, libvips, run as a child with
 * rlimits) so no decoder runs inside admin.cgi; remote product images
 * into the library (media fetch). Returns codes; never writes a reply. */
#ifndef MEDIA_H
#define MEDIA_H
#include "util.h"
#include "mediacheck.h"
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

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
typedef struct media_fetch_stats {
	int fetched, reused, failed, left;
	int64_t deadline;       /* in: monotonic usec after which no new download starts (0: none) */
} media_fetch_stats;
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
 * in all and none started after st->deadline (the emails wait meanwhile);
 * a store with nothing left leaves the queue, one with failures is tried
 * again later (backoff), and given up after a few tries. */
void media_fetch_due(int limit, media_fetch_stats *st, void (*report)(int64_t tid, const char *url, const char *problem));

/* For a page template's <img>: each image of images gets src (the
 * narrowest original-format rendition at least want px wide, else the
 * widest, else its url), srcset (its WebP renditions; "" when none),
 * sizes, w/h (its own dimensions, else dflt_w x dflt_h), thumb (the
 * narrowest rendition) and loading (eager for the first, else lazy).
 * Returns how many images there are. */
int media_image_fields(cJSON *images, long want, const char *sizes, long dflt_w, long dflt_h);
#endif
