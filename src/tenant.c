/* tenant: Host header -> tenant, host normalisation, tenant rows. */
#include "tenant.h"
#include "db.h"
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tenant_clear(tenant *t)
{
	free(t->theme_json);
	free(t->settings_json);
	memset(t, 0, sizeof *t);
}

#define TENANT_COLS "id, username, name, tagline, currency, logo, status, content_version, theme_json, settings_json, read_only_until"

static int fill(tenant *t, sqlite3_stmt *st)
{
	int rc = db_step(st);
	if (rc != SQLITE_ROW) { db_reset(st); return -1; }
	tenant_clear(t);
	t->id = db_int(st, 0);
	snprintf(t->username, sizeof t->username, "%s", db_text(st, 1));
	snprintf(t->name, sizeof t->name, "%s", db_text(st, 2));
	snprintf(t->tagline, sizeof t->tagline, "%s", db_text(st, 3));
	snprintf(t->currency, sizeof t->currency, "%s", db_text(st, 4));
	snprintf(t->logo, sizeof t->logo, "%s", db_text(st, 5));
	snprintf(t->status, sizeof t->status, "%s", db_text(st, 6));
	t->content_version = db_int(st, 7);
	t->theme_json = xstrdup(db_text(st, 8));
	t->settings_json = xstrdup(db_text(st, 9));
	t->read_only_until = db_int(st, 10);
	db_reset(st);
	return 0;
}

int tenant_load_id(tenant *t, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " TENANT_COLS " FROM tenants WHERE id = :id AND status != 'deleted'");
	db_bind_int(st, ":id", id);
	return fill(t, st);
}

int tenant_load_username(tenant *t, const char *username)
{
	sqlite3_stmt *st = db_stmt("SELECT " TENANT_COLS " FROM tenants WHERE username = :u AND status != 'deleted'");
	db_bind_text(st, ":u", username);
	return fill(t, st);
}

int host_normalize(const char *in, char *out, size_t n)
{
	if (!in) return -1;
	size_t len = 0;
	const char *p = in;
	while (*p == ' ' || *p == '\t') p++;
	if (*p == '[') return -1;                /* IPv6 literal */
	for (; *p && *p != ':'; p++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*p);
		if (!(isalnum(c) || c == '-' || c == '.')) return -1;
		if (len + 1 >= n || len >= 253 + 1) return -1;
		out[len++] = (char)c;
	}
	if (*p == ':') {                         /* port: digits only (RFC 3986: may be empty) */
		p++;
		for (; *p; p++) if (!isdigit((unsigned char)*p)) return -1;
	}
	if (len && out[len - 1] == '.') len--;
	out[len] = 0;
	if (len == 0 || len > 253) return -1;
	if (out[0] == '.' || strstr(out, "..")) return -1;
	/* An IPv4 literal names no store. */
	int digits_dots = 1;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)out[i]) && out[i] != '.') digits_dots = 0;
	if (digits_dots) return -1;
	/* Each label at most 63 octets. */
	size_t lab = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || out[i] == '.') { if (lab == 0 || lab > 63) return -1; lab = 0; }
		else lab++;
	}
	return 0;
}

int tenant_from_host(tenant *t, const char *host)
{
	size_t hl = strlen(host), bl = strlen(cfg.base_domain);
	if (hl > bl + 1 && host[hl - bl - 1] == '.' && strcmp(host + hl - bl, cfg.base_domain) == 0) {
		char user[64];
		size_t ul = hl - bl - 1;
		if (ul >= sizeof user) return -1;
		memcpy(user, host, ul);
		user[ul] = 0;
		if (strchr(user, '.')) return -1;  /* a.b.base is nobody's */
		return tenant_load_username(t, user);
	}
	sqlite3_stmt *st = db_stmt("SELECT tenant_id FROM domains WHERE domain = :d AND verified_at IS NOT NULL");
	db_bind_text(st, ":d", host);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); return -1; }
	int64_t id = db_int(st, 0);
	db_reset(st);
	return tenant_load_id(t, id);
}

const char *username_problem(const char *u)
{
	size_t n = strlen(u);
	if (n < 3 || n > 40) return "must be 3 to 40 characters";
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)u[i]) || isdigit((unsigned char)u[i]) || u[i] == '-'))
			return "may contain only a-z, 0-9 and '-'";
	if (u[0] == '-' || u[n - 1] == '-') return "may not start or end with '-'";
	return NULL;
}
