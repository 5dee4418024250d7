/* admin_search: the merchant's side of search under /api/cms: synonym
 * groups (/api/cms/search/synonyms) and the search report
 * (/api/cms/analytics/search: top queries, queries that found nothing). */
#include "admin.h"
#include "input.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "search.h"

#include <stdio.h>

static void synonyms_answer(req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "synonyms", search_synonyms_get(r->t.id));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/search/synonyms -- {synonyms: [[term, ...], ...]} */
void adm_search_synonyms_get(req *r) { synonyms_answer(r); }

/* Route: PUT /api/cms/search/synonyms {synonyms: [[term, ...], ...]} --
 * replaces the store's groups (terms are kept folded: lower case, no
 * diacritics). */
void adm_search_synonyms_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const known[] = { "synonyms", NULL };
	const cJSON *groups;
	if (in_known(r, b, known, NULL) < 0 || in_array(r, b, "synonyms", 1, 500, &groups) < 0) { cJSON_Delete(b); return; }
	const char *p = search_synonyms_problem(groups);
	if (p) { in_fail(r, "synonyms", "%s", p); cJSON_Delete(b); return; }
	if (db_begin(1) < 0) { adm_fail(r, "the synonyms"); cJSON_Delete(b); return; }
	if (search_synonyms_put(r->t.id, groups) < 0 ||
	    audit_write(r, "search.synonyms", "search", 0, NULL, NULL) < 0) {
		adm_fail(r, "the synonyms");
		cJSON_Delete(b);
		return;
	}
	cJSON_Delete(b);
	if (adm_commit(r) == 0) synonyms_answer(r);
}

/* Route: GET /api/cms/analytics/search?days=&limit= -- {topQueries[],
 * noResults[], days} from the store's search log. */
void adm_search_report(req *r)
{
	int64_t days, limit;
	const char *p = query_int_problem(http_query(r, "days"), 30, 1, cfg.search_log_days, &days);
	if (p) { in_query_fail(r, "days", "%s", p); return; }
	if (in_query_limit(r, 20, &limit) < 0) return;
	http_json(r, 200, search_report(r->t.id, (int)days, (int)limit));
}
