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
	long preview_ttl;           /* seconds the web editor's unsaved preview edits are kept */
	long block_history_keep;    /* saved versions kept per block (block-level history) */
	long presence_ttl;          /* seconds an editor counts as on a page after its last heartbeat */
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
	/* analytics and operations (doc/analytics.md, doc/operations.md) */
	long analytics_busy_ms; /* a page view's count waits no longer for the write lock */
	long analytics_max_days;    /* longest from..to of /api/cms/analytics */
	char metrics_token[256];    /* Bearer token for /metrics from other than loopback ("": loopback only) */
	long health_min_disk_mb;    /* /healthz fails below this much free space by the database */
	long health_max_backlog;    /* /healthz fails with more outbox items overdue than this */
	long health_backlog_age;    /* seconds past due before an outbox item counts as overdue */
	long custom_fields_max;     /* custom field definitions per store (doc/custom-fields.md) */
	/* durability, backups, pods (doc/scale.md) */
	char db_synchronous[8]; /* PRAGMA synchronous: FULL (a commit survives power loss) or NORMAL */
	char backup_dir[1024];  /* where `storefront backup --auto` writes ("": STATEDIR/backups beside the db) */
	long backup_keep;       /* automatic backups kept (older ones removed) */
	long backup_interval;   /* seconds between the deliverer's backups (0: none) */
	long backup_step_pages; /* pages copied per step of the online backup (the write lock is free between) */
	long read_only_max;     /* longest read-only window of a store (seconds; a move) */
	char catalogue[1024];   /* the pod catalogue's database ("": catalogue.db beside the db) */
	char haproxy_socket[1024];  /* HAProxy's runtime API (unix socket path or host:port; "": none) */
	char haproxy_map[1024];     /* the host -> pod map file HAProxy loads */
	/* media library (doc/media.md) */
	char media_dir[1024];   /* where uploads and renditions are written ("": var/media or STATEDIR/media) */
	char media_url[256];    /* the URL prefix the web server serves media_dir under */
	char media_helper[1024];/* the image program (bin/storefront-image; "": found beside the others) */
	char media_widths[128]; /* rendition widths, "320,640,1024,1600" */
	long media_max_bytes;   /* bytes of one uploaded file */
	long media_max_pixels;  /* width x height an image may declare (decompression bombs) */
	long media_helper_mem;  /* address space of the image helper, bytes */
	long media_helper_ms;   /* wall-clock ms one image's processing may take */
	/* search (doc/search.md) */
	long search_query_max;      /* bytes of a search query kept (longer: cut) */
	long search_rrf_k;          /* reciprocal rank fusion: 1 / (k + rank) */
	long search_vector_weight;  /* the vector list's weight in the fusion, percent of the keyword list's */
	long search_vector_min;     /* least similarity (hundredths) for a vector match to count */
	long search_vector_extra_min; /* ... to add a document the keywords did not find, when they found some */
	long search_per_page_max;   /* largest ?limit= of /search and /api/search */
	long search_log_days;       /* days of the search log kept and reported */
	long search_vector_cache;   /* bytes of stores' vectors a worker keeps (0: none, every search scans SQLite) */
	long search_title_cache;    /* bytes of stores' titles a worker keeps for suggestions (0: none) */
	long chat_ttl;              /* seconds a shopping-assistant conversation is kept after its last message */
	long chat_message_max;      /* bytes of one shopper's message */
	char ai_base_url[512];      /* OpenAI-compatible API base, e.g. https://api.openai.com/v1 ("": none) */
	char ai_api_key[256];       /* its Bearer key ("": none, e.g. a local llama.cpp) */
	char ai_chat_model[128];    /* the chat model asked */
	long ai_timeout_ms;         /* one chat call (block generation), one embeddings batch (the deliverer) */
	char ai_embed_model[128];   /* embeddings model ("": the offline embedder only) */
	long ai_embed_query_ms;     /* embedding a shopper's query in the request; past it: keyword-only */
	long ai_embed_batch;        /* texts per embeddings call of the deliverer */
	long chat_monthly_tokens;   /* model tokens one store's assistant may use per month (0: never the model) */
	long chat_timeout_ms;       /* the assistant's model call in a shopper's request: its first words by then, else retrieval-only */
	long chat_stream_ms;        /* a whole streamed answer of the model; past it the answer ends where it is */
	long chat_streams_per_store;  /* model answers of one store at once (each holds a worker); beyond: 429 */
	long chat_streams_max;      /* model answers of all stores at once; beyond: 503 */
	/* shopper (doc/customers.md) */
	long catalog_page_size; /* products per page of /products and collections (?page=) */
	long customer_session_ttl;  /* seconds a shopper stays signed in */
	long customer_code_ttl;     /* seconds a one-time code (sign-in, reset) lives */
	long customer_code_attempts;/* wrong tries that kill a code */
	/* staff sign-in by emailed code (doc/editor.md) */
	long staff_code_ttl;        /* seconds a staff sign-in code lives */
	long staff_code_attempts;   /* wrong tries that kill a staff code; also codes sent per email per ttl */
	/* the page cache (doc/page-cache.md) */
	char page_cache_dir[1024];  /* where cached pages are kept ("": no page cache) */
	long page_cache_max_age;    /* s-maxage for a CDN in front, seconds */
	long page_cache_stale;      /* seconds a stale copy may be served while one worker re-renders */
	long page_cache_lock;       /* seconds a re-render lock is honoured (then taken over) */
	char page_cache_purge_url[512]; /* POSTed {"keys":[...]} on each invalidation ("": none) */
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
