/* assets: the URLs of the static files pages link (htdocs/css, htdocs/js)
 * with a fingerprint of their content ("/css/store.css?v=1a2b3c4d5e6f"),
 * so the web server can give them a year's immutable cache lifetime
 * (conf/: a URL with ?v= never changes content) and a changed file gets a
 * new URL at once. The hash is kept per worker and redone when the file's
 * size or mtime changes. */
#ifndef ASSETS_H
#define ASSETS_H
#include <cJSON.h>

/* "/css/store.css" -> "/css/store.css?v=HASH" into out (n bytes); the
 * plain path when the file cannot be read. */
const char *assets_url(const char *path, char *out, size_t n);
/* {css, js, cartJs}: what the shell and the cart/checkout templates link. */
cJSON *assets_json(void);
#endif
