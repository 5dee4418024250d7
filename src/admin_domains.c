/* admin_domains: /api/cms/domains -- a store's custom domains: add (with
 * the proof instructions), verify (DNS TXT or HTTP file), choose the
 * primary hostname, remove. Several stores may claim a domain, each with
 * its own token; the first to verify holds it, and a domain another store
 * has verified is 409. Another store's domain in a path is 404. */
#include "admin.h"
#include "admin_access.h"
#include "domains.h"
#include "audit.h"
#include "input.h"
#include "ratelimit.h"
#include "config.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

#define MAX_DOMAINS 20
#define MAX_LAPSE 32            /* stale claims of other stores dropped per add */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define DOMAIN_COLS "domain, verify_token, verified_at, is_primary, created_at, checked_at, check_error, verified_by, " \
	"(SELECT count(*) FROM domains o WHERE o.domain = domains.domain AND o.verified_at IS NOT NULL " \
	"AND o.tenant_id != domains.tenant_id)"

static void add_time(cJSON *o, const char *k, sqlite3_stmt *st, int col)
{
	if (db_isnull(st, col)) { cJSON_AddNullToObject(o, k); return; }
	char ts[32];
	iso8601(db_int(st, col), ts);
	cJSON_AddStringToObject(o, k, ts);
}

static cJSON *domain_json(req *r, sqlite3_stmt *st)
{
	const char *d = db_text(st, 0), *tok = db_text(st, 1);
	int verified = !db_isnull(st, 2);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "domain", d);
	/* taken: another store verified the domain first (this claim cannot
	 * be verified unless that store removes it) */
	cJSON_AddStringToObject(o, "status", verified ? "verified" : db_int(st, 8) ? "taken" : "pending");
	cJSON_AddBoolToObject(o, "primary", db_int(st, 3) != 0);
	add_time(o, "createdAt", st, 4);
	add_time(o, "verifiedAt", st, 2);
	cJSON_AddStringToObject(o, "verifiedBy", db_text(st, 7));
	add_time(o, "checkedAt", st, 5);
	cJSON_AddStringToObject(o, "checkError", db_text(st, 6));
	cJSON_AddStringToObject(o, "verifyToken", tok);
	cJSON *in = cJSON_AddObjectToObject(o, "instructions");
	char name[300], url[600], target[400];
	snprintf(name, sizeof name, DOMAIN_TXT_PREFIX "%s", d);
	snprintf(url, sizeof url, "http://%s" DOMAIN_WELL_KNOWN "%s", d, tok);
	snprintf(target, sizeof target, "%s.%s", r->t.username, cfg.base_domain);
	cJSON *dns = cJSON_AddObjectToObject(in, "dns");
	cJSON_AddStringToObject(dns, "type", "TXT");
	cJSON_AddStringToObject(dns, "name", name);
	cJSON_AddStringToObject(dns, "value", tok);
	cJSON *http = cJSON_AddObjectToObject(in, "http");
	cJSON_AddStringToObject(http, "url", url);
	cJSON_AddStringToObject(http, "body", tok);
	cJSON *point = cJSON_AddObjectToObject(in, "point");
	cJSON_AddStringToObject(point, "type", "CNAME");
	cJSON_AddStringToObject(point, "name", d);
	cJSON_AddStringToObject(point, "value", target);
	cJSON_AddStringToObject(in, "summary",
		"Prove you control the domain with either the DNS TXT record or the HTTP file, "
		"then call verify. Point the domain at your store (CNAME) to serve it; "
		"the certificate is issued automatically on the first HTTPS visit.");
	return o;
}

static cJSON *domain_get(req *r, const char *d)
{
	sqlite3_stmt *st = db_stmt("SELECT " DOMAIN_COLS " FROM domains WHERE domain = :d AND tenant_id = :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	cJSON *o = db_step(st) == SQLITE_ROW ? domain_json(r, st) : NULL;
	db_reset(st);
	return o;
}

/* 1 when a store other than this request's holds d verified. */
static int taken_by_other(req *r, const char *d)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM domains WHERE domain = :d AND verified_at IS NOT NULL AND tenant_id != :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	int taken = db_step(st) == SQLITE_ROW;
	db_reset(st);
	return taken;
}

static void taken_error(req *r, const char *d, const char *why)
{
	cJSON *det = cJSON_CreateObject();
	cJSON_AddStringToObject(det, "field", "domain");
	http_error(r, 409, "domain_taken", det, "%s %s", d, why);
}

/* The path's domain, normalised; "" when it cannot be one (404 then). */
static void path_domain(req *r, char *out, size_t n)
{
	char tmp[256];
	if (r->nparams < 1 || domain_problem(r->params[0], tmp, sizeof tmp)) { out[0] = 0; return; }
	snprintf(out, n, "%s", tmp);
}

/* Route: GET /api/cms/domains?limit=&offset= */
void adm_domains_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	sqlite3_stmt *st = db_stmt("SELECT " DOMAIN_COLS " FROM domains WHERE tenant_id = :t ORDER BY created_at, domain "
				   "LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "domains");
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, domain_json(r, st));
	db_reset(st);
	char sub[400], prim[256];
	snprintf(sub, sizeof sub, "%s.%s", r->t.username, cfg.base_domain);
	cJSON_AddStringToObject(o, "subdomain", sub);
	cJSON_AddStringToObject(o, "primary", domain_primary(r->t.id, prim, sizeof prim) ? prim : sub);
	http_json(r, 200, o);
}

/* Route: POST /api/cms/domains {domain} -> 201 with instructions and token */
void adm_domain_add(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *in;
	char d[256];
	if (in_str(r, b, "domain", IN_REQUIRED, 253, &in) < 0) goto out;
	const char *problem = domain_problem(in, d, sizeof d);
	if (problem) { in_fail(r, "domain", "%s", problem); goto out; }
	if (db_begin(1) < 0) { adm_fail(r, "the domain"); goto out; }
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM domains WHERE domain = :d AND tenant_id = :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	int mine = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (mine) {
		db_rollback();
		http_error(r, 409, "conflict", NULL, "%s is already added to this store", d);
		goto out;
	}
	if (taken_by_other(r, d)) {
		db_rollback();
		taken_error(r, d, "is in use by another store");
		goto out;
	}
	/* Other stores' pending claims block nobody; those never proven within
	 * domain_claim_ttl lapse here (their owners see it in the audit log). */
	int64_t lapsed[MAX_LAPSE];
	int nl = 0;
	st = db_stmt("SELECT tenant_id FROM domains WHERE domain = :d AND verified_at IS NULL AND created_at <= :old "
		     "LIMIT " STRINGIFY(MAX_LAPSE));
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":old", now_unix() - cfg.domain_claim_ttl);
	while (db_step(st) == SQLITE_ROW) lapsed[nl++] = db_int(st, 0);
	db_reset(st);
	for (int i = 0; i < nl; i++) {
		st = db_stmt("DELETE FROM domains WHERE domain = :d AND tenant_id = :o AND verified_at IS NULL");
		db_bind_text(st, ":d", d);
		db_bind_int(st, ":o", lapsed[i]);
		if (db_run(st) < 0 ||
		    audit_write_as(lapsed[i], 0, "platform", r->remote_addr, "domain.claim_lapsed", "domain", 0, NULL, d) < 0) {
			adm_fail(r, "the domain");
			goto out;
		}
	}
	st = db_stmt("SELECT count(*) FROM domains WHERE tenant_id = :t");
	db_bind_int(st, ":t", r->t.id);
	long have = db_step(st) == SQLITE_ROW ? (long)db_int(st, 0) : 0;
	db_reset(st);
	if (have >= MAX_DOMAINS) {
		db_rollback();
		http_error(r, 422, "limit_reached", NULL, "a store can have at most %d custom domains", MAX_DOMAINS);
		goto out;
	}
	char tok[41];
	random_hex(tok, 20);
	st = db_stmt("INSERT INTO domains(domain, tenant_id, kind, verify_token, created_at) VALUES(:d, :t, 'custom', :k, strftime('%s','now'))");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":k", tok);
	if (db_run(st) < 0 || audit_write(r, "domain.add", "domain", 0, NULL, d) < 0) { adm_fail(r, "the domain"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 201, domain_get(r, d), "domain");
out:
	cJSON_Delete(b);
}

/* Route: GET /api/cms/domains/{domain} */
void adm_domain_get(req *r)
{
	char d[256];
	path_domain(r, d, sizeof d);
	adm_send(r, 200, d[0] ? domain_get(r, d) : NULL, "domain");
}

/* Route: POST /api/cms/domains/{domain}/verify {method?: dns|http|any} --
 * checks now; 200 verified, or 422 verification_failed saying why. */
void adm_domain_verify(req *r)
{
	char d[256];
	path_domain(r, d, sizeof d);
	sqlite3_stmt *st = db_stmt("SELECT verify_token, verified_at IS NOT NULL FROM domains WHERE domain = :d AND tenant_id = :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	char tok[64] = "";
	int already = 0;
	if (d[0] && db_step(st) == SQLITE_ROW) {
		snprintf(tok, sizeof tok, "%s", db_text(st, 0));
		already = (int)db_int(st, 1);
	}
	db_reset(st);
	if (!tok[0]) { adm_not_found(r, "domain"); return; }
	if (already) { adm_send(r, 200, domain_get(r, d), "domain"); return; }
	if (taken_by_other(r, d)) {
		taken_error(r, d, "was verified by another store first; remove it here, or ask that store to remove it");
		return;
	}
	const char *method = "any";
	if (r->body.len) {
		cJSON *b = http_json_body(r);
		if (!b) return;
		static const char *const methods[] = { "any", "dns", "http", NULL };
		const char *m = NULL;
		int rc = in_enum(r, b, "method", IN_OPTIONAL, methods, &m);
		if (rc == 0) method = strcmp(m, "dns") == 0 ? "dns" : strcmp(m, "http") == 0 ? "http" : "any";
		cJSON_Delete(b);
		if (rc < 0) return;
	}
	char dns_err[512] = "", http_err[700] = "";
	const char *by = NULL;
	if (strcmp(method, "http") != 0 && domain_check_dns(d, tok, dns_err, sizeof dns_err)) by = "dns";
	if (!by && strcmp(method, "dns") != 0 && domain_check_http(d, tok, http_err, sizeof http_err)) by = "http";
	if (db_begin(1) < 0) { adm_fail(r, "the domain"); return; }
	if (by && taken_by_other(r, d)) {   /* another store's proof landed while ours was checked */
		db_rollback();
		taken_error(r, d, "was verified by another store first; remove it here, or ask that store to remove it");
		return;
	}
	st = db_stmt("UPDATE domains SET checked_at = strftime('%s','now'), check_error = :e, verified_by = coalesce(:by, verified_by), "
		     "verified_at = CASE WHEN :by IS NOT NULL THEN strftime('%s','now') ELSE verified_at END "
		     "WHERE domain = :d AND tenant_id = :t");
	sbuf e = SBUF_INIT;
	if (!by) {
		if (dns_err[0]) sb_printf(&e, "DNS: %s", dns_err);
		if (http_err[0]) sb_printf(&e, "%sHTTP: %s", e.len ? "; " : "", http_err);
	}
	db_bind_text(st, ":e", sb_str(&e));
	db_bind_text(st, ":by", by);
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0 || audit_write(r, by ? "domain.verify" : "domain.verify_failed", "domain", 0, NULL, d) < 0) {
		sb_free(&e);
		adm_fail(r, "the domain");
		return;
	}
	if (adm_commit(r) == 0) {
		if (by) {
			adm_send(r, 200, domain_get(r, d), "domain");
		} else {
			cJSON *det = cJSON_CreateObject();
			if (dns_err[0]) cJSON_AddStringToObject(det, "dns", dns_err);
			if (http_err[0]) cJSON_AddStringToObject(det, "http", http_err);
			cJSON_AddItemToObject(det, "domain", domain_get(r, d));
			http_error(r, 422, "verification_failed", det, "%s is not verified yet: %s", d, sb_str(&e));
		}
	}
	sb_free(&e);
}

/* Route: PUT /api/cms/domains/{domain} {primary: bool} -- the primary
 * hostname; the store's other hostnames redirect (301) to it. */
void adm_domain_update(req *r)
{
	char d[256];
	path_domain(r, d, sizeof d);
	cJSON *b = http_json_body(r);
	if (!b) return;
	int primary = 0;
	if (in_bool(r, b, "primary", IN_REQUIRED, &primary) < 0) goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the domain"); goto out; }
	sqlite3_stmt *st = db_stmt("SELECT verified_at IS NOT NULL FROM domains WHERE domain = :d AND tenant_id = :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	int found = d[0] && db_step(st) == SQLITE_ROW, verified = found && db_int(st, 0);
	db_reset(st);
	if (!found) { db_rollback(); adm_not_found(r, "domain"); goto out; }
	if (primary && !verified) {
		db_rollback();
		http_error(r, 409, "not_verified", NULL, "%s must be verified before it can be the primary domain", d);
		goto out;
	}
	if (primary) {
		st = db_stmt("UPDATE domains SET is_primary = 0 WHERE tenant_id = :t AND is_primary = 1");
		db_bind_int(st, ":t", r->t.id);
		if (db_run(st) < 0) { adm_fail(r, "the domain"); goto out; }
	}
	st = db_stmt("UPDATE domains SET is_primary = :p WHERE domain = :d AND tenant_id = :t");
	db_bind_int(st, ":p", primary);
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0 || audit_write(r, primary ? "domain.primary" : "domain.unprimary", "domain", 0, NULL, d) < 0) {
		adm_fail(r, "the domain");
		goto out;
	}
	if (audit_bump_content(r->t.id) < 0) { adm_fail(r, "the domain"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 200, domain_get(r, d), "domain");
out:
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/domains/{domain} */
void adm_domain_delete(req *r)
{
	char d[256];
	path_domain(r, d, sizeof d);
	if (db_begin(1) < 0) { adm_fail(r, "the domain"); return; }
	sqlite3_stmt *st = db_stmt("DELETE FROM domains WHERE domain = :d AND tenant_id = :t");
	db_bind_text(st, ":d", d);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0) { adm_fail(r, "the domain"); return; }
	if (!d[0] || db_changes() == 0) { db_rollback(); adm_not_found(r, "domain"); return; }
	if (audit_write(r, "domain.delete", "domain", 0, NULL, d) < 0) { adm_fail(r, "the domain"); return; }
	if (audit_bump_content(r->t.id) < 0) { adm_fail(r, "the domain"); return; }
	if (adm_commit(r) == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "deleted", 1);
		http_json(r, 200, o);
	}
}
