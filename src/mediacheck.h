/* mediacheck: what an uploaded file is, judged by its bytes alone -- the
 * type from magic numbers (never the name or a header), the dimensions
 * its header declares (so pixel bombs are refused before anything
 * decodes), whether it is also another format (a polyglot), and SVG made
 * safe by an allow-list. Pure functions over a buffer: no database, no
 * files, no decoding (media.c uses them; the fuzz harness drives them). */
#ifndef MEDIACHECK_H
#define MEDIACHECK_H
#include "util.h"
#include <cJSON.h>
#include <stddef.h>

typedef enum { MT_NONE, MT_PNG, MT_JPEG, MT_WEBP, MT_GIF, MT_AVIF, MT_SVG } media_type;

/* The type the bytes are, or MT_NONE (an SVG is recognised by its root
 * element, after an optional XML declaration, comments and blank space). */
media_type mcheck_sniff(const unsigned char *p, size_t n);
const char *mcheck_type_name(media_type t);   /* "png", ..., "" */
const char *mcheck_type_mime(media_type t);
/* Width and height as the header declares them (PNG IHDR, JPEG SOFn, GIF
 * screen, WebP VP8/VP8L/VP8X, AVIF ispe): 0, or -1 when unreadable. */
int mcheck_header_size(media_type t, const unsigned char *p, size_t n, long *w, long *h);
/* NULL when the file is only what it claims to be, else why not: bytes
 * after the format's end (PNG IEND, GIF trailer, RIFF or box sizes, JPEG
 * EOI unless another JPEG follows), or another format's marker inside
 * (HTML, script, PHP, SVG, ZIP, PDF). */
const char *mcheck_polyglot_problem(media_type t, const unsigned char *p, size_t n);
/* Sanitise an SVG by an allow-list of elements and attributes: scripts,
 * foreignObject, event handlers (on*), references outside the file
 * (href, url() and @import that do not start with '#'), unknown elements
 * and namespaces are removed, each noted in removed (an array of strings,
 * may be NULL). DOCTYPE, entities, and XML that is not well-formed are
 * refused: -1 with why. 0 with the clean SVG in out (w, h from its
 * width/height or viewBox, 0 when neither). */
int mcheck_svg_sanitize(const char *in, size_t n, sbuf *out, cJSON *removed, long *w, long *h,
		       char *why, size_t whylen);

#endif
