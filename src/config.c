/* config: defaults, storefront.conf, then STOREFRONT_* environment; hands
 * the vibe engine its limits and log (vibe_configure). */
#include "config.h"
#include "util.h"
#include "log.h"
#include "vibe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>
#include <sys/stat.h>

/* Where `make install` puts things (the Makefile passes its PREFIX,
 * SYSCONFDIR and STATEDIR): used when the program does not run from a
 * source tree. */
#ifndef SF_SHARE_DIR
#define SF_SHARE_DIR "/usr/local/share/storefront"
#endif
#ifndef SF_SYSCONF_DIR
#define SF_SYSCONF_DIR "/etc/storefront"
#endif
#ifndef SF_STATE_DIR
#define SF_STATE_DIR "/var/lib/storefront"
#endif

config cfg;

enum kind { K_STR, K_LONG };
static const struct key {
	const char *name;
	enum kind kind;
	size_t off, size;
} keys[] = {
#define S(n) { #n, K_STR, offsetof(config, n), sizeof(((config *)0)->n) }
#define L(n) { #n, K_LONG, offsetof(config, n), 0 }
	S(home), S(db), S(base_domain), L(max_requests), L(max_body),
	L(vibe_mem), L(vibe_output), L(vibe_cpu_ms), L(vibe_page_ms), L(vibe_code_max),
	L(session_ttl), S(trusted_proxy), S(platform_token),
	L(session_idle), S(rate_limits), L(login_max_failures), L(login_ip_max_failures),
	L(login_backoff_base), L(login_backoff_max), L(login_window), L(username_hold_days),
	L(limit_pages), L(limit_blocks_per_page), L(limit_products), L(limit_media_bytes),
	L(limit_posts), L(limit_collections), L(limit_discounts), L(limit_tokens), L(limit_users),
	L(list_limit_max), L(page_versions_keep), L(preview_ttl), L(block_history_keep), L(presence_ttl), L(publish_ms), L(vibe_page_output), L(ratelimit_busy_ms),
	L(domain_claim_ttl), L(verify_timeout), S(verify_connect_to), S(verify_dns_server),
	L(cart_max_quantity), L(cart_max_lines), L(cart_ttl), S(smtp_url), S(smtp_from),
	L(outbox_max_attempts), L(webhook_tolerance), L(http_timeout_ms), L(outbound_private),
	S(admin_host), L(gateway_timeout_ms), L(deliver_concurrency), L(store_cpu_ms), L(store_cpu_window),
	L(sitemap_urls), L(feed_items),
	L(analytics_busy_ms), L(analytics_max_days), S(metrics_token), L(health_min_disk_mb),
	L(health_max_backlog), L(health_backlog_age), L(custom_fields_max),
	S(db_synchronous), S(backup_dir), L(backup_keep), L(backup_interval), L(backup_step_pages),
	L(read_only_max), S(catalogue), S(haproxy_socket), S(haproxy_map),
	S(media_dir), S(media_url), S(media_helper), S(media_widths), L(media_max_bytes), L(media_max_pixels),
	L(media_helper_mem), L(media_helper_ms),
	L(search_query_max), L(search_rrf_k), L(search_vector_weight), L(search_vector_min), L(search_vector_extra_min),
	L(search_per_page_max), L(search_log_days), L(chat_ttl), L(chat_message_max),
	S(ai_base_url), S(ai_api_key), S(ai_chat_model), L(ai_timeout_ms), S(ai_embed_model), L(ai_embed_query_ms),
	L(ai_embed_batch), L(chat_monthly_tokens), L(chat_timeout_ms),
	L(chat_stream_ms), L(chat_streams_per_store), L(chat_streams_max),
	L(catalog_page_size), L(customer_session_ttl), L(customer_code_ttl), L(customer_code_attempts),
	L(staff_code_ttl), L(staff_code_attempts),
	S(page_cache_dir), L(page_cache_max_age), L(page_cache_stale), L(page_cache_lock), S(page_cache_purge_url),
	L(vibe_child_cache), L(render_input_cache),
	L(search_vector_cache), L(search_title_cache),
#undef S
#undef L
};

static int isdir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* home: the directory above the program's own (cgi-bin/.. or bin/..) when it
 * holds templates/ (a source tree: returns 1), else the installed share
 * directory (returns 0). */
static int default_home(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = 0;
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash) break;
			*slash = 0;
			char probe[PATH_MAX + 16];
			snprintf(probe, sizeof probe, "%s/templates", exe);
			if (isdir(probe)) { snprintf(out, n, "%s", exe); return 1; }
		}
	}
	snprintf(out, n, "%s", SF_SHARE_DIR);
	return 0;
}

static int set_key(const char *name, const char *val, char *err, size_t errlen)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (strcmp(keys[i].name, name) != 0) continue;
		char *dst = (char *)&cfg + keys[i].off;
		if (keys[i].kind == K_STR) {
			if (strlen(val) >= keys[i].size) {
				snprintf(err, errlen, "config key '%s': value too long", name);
				return -1;
			}
			strcpy(dst, val);
		} else {
			char *end;
			errno = 0;
			long v = strtol(val, &end, 10);
			if (errno || end == val || *end || v < 0) {
				snprintf(err, errlen, "config key '%s': '%s' is not a non-negative integer", name, val);
				return -1;
			}
			*(long *)dst = v;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown config key '%s'", name);
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s)) s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
	return s;
}

static int load_file(const char *path, int must_exist, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist) return 0;
		snprintf(err, errlen, "cannot open config %s: %s", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#') continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = 0;
		/* An inline comment starts at a '#' after blank space. */
		for (char *h = eq + 1; *h; h++)
			if (*h == '#' && (h[-1] == ' ' || h[-1] == '\t')) { *h = 0; break; }
		char e2[256];
		if (set_key(trim(s), trim(eq + 1), e2, sizeof e2) < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e2);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static void vibe_log_line(const char *level, const char *message)
{
	if (strcmp(level, "warn") == 0) log_warn("%s", message);
	else log_error("%s", message);
}

int config_load(const char *path, char *err, size_t errlen)
{
	memset(&cfg, 0, sizeof cfg);
	/* A source tree keeps its database and config inside (make run); an
	 * installed program uses STATEDIR and SYSCONFDIR. */
	int in_tree = default_home(cfg.home, sizeof cfg.home);
	char conf[1100];
	if (in_tree) {
		snprintf(cfg.db, sizeof cfg.db, "%s/var/storefront.db", cfg.home);
		snprintf(conf, sizeof conf, "%s/storefront.conf", cfg.home);
	} else {
		snprintf(cfg.db, sizeof cfg.db, "%s/storefront.db", SF_STATE_DIR);
		snprintf(conf, sizeof conf, "%s/storefront.conf", SF_SYSCONF_DIR);
	}
	strcpy(cfg.base_domain, "localhost");
	cfg.max_requests = 1000;
	cfg.max_body = 1 << 20;
	cfg.vibe_mem = 16 << 20;
	cfg.vibe_output = 1 << 20;
	cfg.vibe_cpu_ms = 50;
	cfg.vibe_code_max = 64 << 10;
	cfg.vibe_child_cache = 32 << 20;
	cfg.render_input_cache = 2 << 20;
	cfg.session_ttl = 14 * 86400;
	cfg.session_idle = 2 * 86400;
	strcpy(cfg.rate_limits, "login:30/60,cart:120/60,checkout:20/60,verify:20/600,platform:600/60,publish:20/60,beacon:120/60,chat:30/60");
	cfg.login_max_failures = 5;
	cfg.login_ip_max_failures = 50;
	cfg.login_backoff_base = 1;
	cfg.login_backoff_max = 900;
	cfg.login_window = 3600;
	cfg.username_hold_days = 90;
	cfg.limit_pages = 200;
	cfg.limit_blocks_per_page = 50;
	cfg.limit_products = 5000;
	cfg.limit_media_bytes = 1L << 30;
	cfg.limit_posts = 2000;
	cfg.limit_collections = 500;
	cfg.limit_discounts = 1000;
	cfg.limit_tokens = 50;
	cfg.limit_users = 50;
	cfg.list_limit_max = 1000;
	cfg.page_versions_keep = 20;
	cfg.preview_ttl = 1800;
	cfg.block_history_keep = 100;
	cfg.presence_ttl = 30;
	cfg.publish_ms = 5000;
	cfg.vibe_page_output = 4 << 20;
	cfg.ratelimit_busy_ms = 5;
	cfg.domain_claim_ttl = 7 * 86400;
	cfg.verify_timeout = 5;
	cfg.cart_max_quantity = 999;
	cfg.cart_max_lines = 100;
	cfg.cart_ttl = 30 * 86400;
	strcpy(cfg.smtp_from, "store@localhost");
	cfg.outbox_max_attempts = 8;
	cfg.webhook_tolerance = 300;
	cfg.http_timeout_ms = 10000;
	cfg.gateway_timeout_ms = 3000;
	cfg.deliver_concurrency = 16;
	cfg.store_cpu_ms = 10000;
	cfg.search_query_max = 200;
	cfg.search_rrf_k = 60;
	cfg.search_vector_weight = 100;
	cfg.search_vector_min = 18;
	cfg.search_vector_extra_min = 30;
	cfg.search_per_page_max = 48;
	cfg.search_log_days = 90;
	cfg.search_vector_cache = 32 << 20;
	cfg.search_title_cache = 8 << 20;
	cfg.chat_ttl = 7 * 86400;
	cfg.chat_message_max = 2000;
	strcpy(cfg.ai_chat_model, "gpt-4o-mini");
	cfg.ai_timeout_ms = 30000;
	cfg.ai_embed_query_ms = 800;
	cfg.ai_embed_batch = 32;
	cfg.chat_monthly_tokens = 200000;
	cfg.chat_timeout_ms = 8000;
	cfg.chat_stream_ms = 60000;
	cfg.chat_streams_per_store = 2;
	cfg.chat_streams_max = 4;
	cfg.store_cpu_window = 60;
	cfg.sitemap_urls = 50000;
	cfg.feed_items = 20;
	cfg.analytics_busy_ms = 5;
	cfg.analytics_max_days = 366;
	cfg.health_min_disk_mb = 100;
	cfg.health_max_backlog = 1000;
	cfg.health_backlog_age = 600;
	cfg.custom_fields_max = 200;
	strcpy(cfg.db_synchronous, "FULL");
	cfg.backup_keep = 7;
	cfg.backup_step_pages = 256;
	cfg.read_only_max = 600;
	strcpy(cfg.media_url, "/media/lib");
	strcpy(cfg.media_widths, "320,640,1024,1600");
	cfg.media_max_bytes = 20L << 20;
	cfg.media_max_pixels = 50000000;
	cfg.media_helper_mem = 1L << 30;
	cfg.media_helper_ms = 60000;
	cfg.catalog_page_size = 24;
	cfg.customer_session_ttl = 30 * 86400;
	cfg.customer_code_ttl = 600;
	cfg.customer_code_attempts = 5;
	cfg.staff_code_ttl = 600;
	cfg.staff_code_attempts = 5;
	cfg.page_cache_max_age = 300;
	cfg.page_cache_stale = 30;
	cfg.page_cache_lock = 10;
#ifdef SF_DEBUG
	cfg.debug = 1;
#endif
	/* The file: explicit path, $STOREFRONT_CONF, or the default above
	 * (optional). */
	const char *env = getenv("STOREFRONT_CONF");
	if (path || (env && *env)) {
		if (load_file(path ? path : env, 1, err, errlen) < 0) return -1;
	} else if (load_file(conf, 0, err, errlen) < 0) {
		return -1;
	}
	/* Environment overrides. */
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		char name[64] = "STOREFRONT_";
		size_t n = strlen(name);
		for (const char *k = keys[i].name; *k && n < sizeof name - 1; k++)
			name[n++] = (char)toupper((unsigned char)*k);
		name[n] = 0;
		const char *v = getenv(name);
		if (v && *v && set_key(keys[i].name, v, err, errlen) < 0) return -1;
	}
	str_lower(cfg.base_domain);
	if (!cfg.admin_host[0]) snprintf(cfg.admin_host, sizeof cfg.admin_host, "admin.%s", cfg.base_domain);
	str_lower(cfg.admin_host);
	if (cfg.vibe_page_ms <= 0) cfg.vibe_page_ms = cfg.vibe_cpu_ms * 10;
	str_upper(cfg.db_synchronous);
	if (strcmp(cfg.db_synchronous, "FULL") != 0 && strcmp(cfg.db_synchronous, "NORMAL") != 0) {
		snprintf(err, errlen, "db_synchronous must be FULL or NORMAL, not '%s'", cfg.db_synchronous);
		return -1;
	}
	/* Media beside the database (var/ in a source tree, STATEDIR
	 * installed); the image helper beside bin/storefront in a source
	 * tree, in PREFIX/lib/storefront installed (scripts/install.sh). */
	if (!cfg.media_dir[0])
		snprintf(cfg.media_dir, sizeof cfg.media_dir, "%s/media", in_tree ? "var" : SF_STATE_DIR);
	if (in_tree && cfg.media_dir[0] != '/') {
		char rel[sizeof cfg.media_dir];
		snprintf(rel, sizeof rel, "%s", cfg.media_dir);
		snprintf(cfg.media_dir, sizeof cfg.media_dir, "%.900s/%.100s", cfg.home, rel);
	}
	if (!cfg.media_helper[0]) {
		if (in_tree) snprintf(cfg.media_helper, sizeof cfg.media_helper, "%.1000s/bin/storefront-image", cfg.home);
		else snprintf(cfg.media_helper, sizeof cfg.media_helper, "%s", SF_SHARE_DIR "/../../lib/storefront/storefront-image");
	}
	/* The vibe engine reads no config: hand it its limits and log. */
	vibe_settings vs = { .mem = cfg.vibe_mem, .output = cfg.vibe_output, .cpu_ms = cfg.vibe_cpu_ms,
			     .code_max = cfg.vibe_code_max, .log = vibe_log_line,
			     .child_cache = cfg.vibe_child_cache > 0 ? cfg.vibe_child_cache : 0 };
	config_path(vs.sample_path, sizeof vs.sample_path, "templates/vibe/sample.json");
	vibe_configure(&vs);
	return 0;
}

const char *config_path(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", cfg.home, rel);
	return buf;
}
