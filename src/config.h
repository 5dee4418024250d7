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
	long max_requests;      /* a worker exits after this many (less up to 1/5, per worker) */
	long max_body;          /* bytes of request body accepted */
	long vibe_mem;          /* bytes a block's JS heap may use */
	long vibe_output;       /* bytes of HTML one block may return */
	long vibe_page_output;  /* bytes of HTML all of a page's blocks may return */
	long vibe_cpu_ms;       /* CPU time per block render */
	long vibe_page_ms;      /* wall-clock time for all of a page's blocks (0: 10 x vibe_cpu_ms) */
	long vibe_code_max;     /* bytes of vibe code per block */
	long vibe_child_cache;  /* bytes of compiled blocks a store's render child keeps (0: none) */
	long render_input_cache; /* bytes of blocks' inputs a worker keeps per content version (0: none) */
	long session_ttl;       /* seconds a browser session lives */
	char admin_host[256];   /* the one host of browser sessions ("": admin.{base_domain}) */
	char trusted_proxy[256];/* address whose X-Forwarded-Host is believed */
	char platform_token[256];
	/* access (doc/access.md) */
	long session_idle;      /* seconds a browser session lives unused */
	char rate_limits[512];  /* "bucket:N/SECONDS,..." per-IP limits (ratelimit.h) */
	long login_max_failures;    /* per account before backoff starts */
	long login_ip_max_failures; /* per IP before backoff starts */
	long login_backoff_base;    /* seconds; doubles with each further failure */
	long login_backoff_max;     /* seconds; the longest wait */
	long login_window;          /* seconds after which failures are forgotten */
	long username_hold_days;    /* a deleted/renamed store's username is held */
	long limit_pages;           /* seed limits per store (override: limits_json) */
	long limit_blocks_per_page;
	long limit_products;
	long limit_media_bytes;
	long limit_posts;
	long limit_collections;
	long limit_discounts;
	long limit_tokens;          /* live (unrevoked, unexpired) API tokens per store */
	long limit_users;
	long list_limit_max;        /* largest ?limit= of a list endpoint (input.h in_query_limit) */
	long page_versions_keep;    /* published versions kept per page (+ the live one and rollback targets) */
	long publish_ms;            /* wall-clock budget for validating one publish */
	long ratelimit_busy_ms;     /* the rate limiter waits no longer for a busy database */
	long domain_claim_ttl;      /* seconds an unverified domain claim blocks others */
	long verify_timeout;        /* seconds for one domain check (DNS or HTTP) */
	char verify_connect_to[128];/* tests: HTTP checks connect to HOST:PORT instead */
	char verify_dns_server[128];/* tests: DNS checks ask this IPv4:PORT */
	/* commerce (doc/commerce.md) */
	long cart_max_quantity; /* units of one item in a cart or order */
	long cart_max_lines;    /* distinct items in one cart */
	long cart_ttl;          /* seconds an untouched cart (and its cookie) lives */
	char smtp_url[512];     /* smtp://host:port for order emails; "" = keep in outbox */
	char smtp_from[256];    /* envelope and From: address of order emails */
	long outbox_max_attempts;   /* sends tried before an email/webhook is given up */
	long webhook_tolerance; /* seconds a signed payment webhook's timestamp may be off */
	long http_timeout_ms;   /* outgoing HTTP (gateway, POS webhooks) */
	long outbound_private;  /* 1: store-given URLs may reach private addresses */
	long gateway_timeout_ms;    /* the payment intent made inline at checkout */
	long deliver_concurrency;   /* sends the deliverer keeps in flight at once */
	/* fair share (doc/commerce.md, share.h) */
	long store_cpu_ms;      /* block render time one store may use per window (0: no limit) */
	long store_cpu_window;  /* seconds */
	/* SEO and feeds (doc/seo.md) */
	long sitemap_urls;      /* URLs per sitemap part (the protocol's limit is 50000) */
	long feed_items;        /* posts in /feed.xml and /blog/rss.xml */
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
