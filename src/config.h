/* config: the one configuration of a process. Defaults for every key (the
 * embedded setup needs no file), then storefront.conf (key = value), then
 * environment overrides STOREFRONT_<KEY>. Limits live here by name. */
#ifndef CONFIG_H
#define CONFIG_H
#include <stddef.h>

typedef struct config {
	char home[1024];        /* holds templates/, sql/, htdocs/ */
	char db[1024];          /* SQLite database path */
	char base_domain[256];  /* stores answer at {username}.{base_domain} */
	long max_requests;      /* a worker exits after this many requests */
	long max_body;          /* bytes of request body accepted */
	long vibe_mem;          /* bytes a block's JS heap may use */
	long vibe_output;       /* bytes of HTML one block may return */
	long vibe_cpu_ms;       /* CPU time per block render */
	long vibe_page_ms;      /* wall-clock time for all of a page's blocks (0: 10 x vibe_cpu_ms) */
	long vibe_code_max;     /* bytes of vibe code per block */
	long vibe_depth;        /* JS call depth */
	long session_ttl;       /* seconds a browser session lives */
	char trusted_proxy[256];/* address whose X-Forwarded-Host is believed */
	char platform_token[256];
	int debug;
} config;

extern config cfg;

/* Load defaults, the file (path or NULL for the default search), and the
 * environment. exe is argv[0]'s resolved path, used to find home. Returns
 * 0, or -1 with a message in err. */
int config_load(const char *path, char *err, size_t errlen);
/* Path under home: config_path(buf, sizeof buf, "templates/shell.html") */
const char *config_path(char *buf, size_t n, const char *rel);
#endif
