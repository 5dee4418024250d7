/* validate: CodeValidationResult for vibe code (see validate.h). */
#include "validate.h"
#include "sandbox.h"
#include "jscheck.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *item(int line, int column, const char *message, const char *kind)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddNumberToObject(x, "line", line);
	cJSON_AddNumberToObject(x, "column", column);
	cJSON_AddStringToObject(x, "message", message);
	if (kind) cJSON_AddStringToObject(x, "kind", kind);
	return x;
}

static cJSON *sample(void)
{
	static cJSON *s;
	if (!s) {
		const char *path = vibe_conf.sample_path;
		char *text = path[0] ? file_read(path, NULL) : NULL;
		s = text ? cJSON_Parse(text) : NULL;
		free(text);
		if (!s) {
			vibe_log("error", "cannot load %s; dry runs get empty inputs", path);
			s = cJSON_CreateObject();
		}
	}
	return s;
}

char *val_sample_inputs(const vibe_entry *entry, const cJSON *data)
{
	cJSON *in = cJSON_CreateObject();
	const cJSON *smp = sample();
	for (int i = 0; i < entry->nparams; i++) {
		const char *p = entry->params[i];
		const char *key = strcmp(p, "api") == 0 ? "catalog" : p;
		const cJSON *v = data ? cJSON_GetObjectItemCaseSensitive(data, key) : NULL;
		if (!v) v = cJSON_GetObjectItemCaseSensitive(smp, key);
		if (v && !cJSON_HasObjectItem(in, key)) cJSON_AddItemToObject(in, key, cJSON_Duplicate(v, 1));
		if (strcmp(p, "api") == 0 && !cJSON_HasObjectItem(in, "collections")) {
			const cJSON *c = data ? cJSON_GetObjectItemCaseSensitive(data, "collections") : NULL;
			if (!c) c = cJSON_GetObjectItemCaseSensitive(smp, "collections");
			if (c) cJSON_AddItemToObject(in, "collections", cJSON_Duplicate(c, 1));
		}
	}
	char *json = cJSON_PrintUnformatted(in);
	cJSON_Delete(in);
	return json;
}

int val_render(const char *code, const vibe_entry *entry, const char *inputs_json, int64_t tenant,
	       const char *tz, sbuf *out, vibe_error *err)
{
	/* Only in the sandbox: without it the dry run fails (kind "sandbox"). */
	sbx_page p;
	sbx_page_init(&p, tenant, tz);
	int rc = sbx_render(&p, code, entry, inputs_json, out, err);
	sbx_page_end(&p);
	return rc;
}

static void add_issues(cJSON *arr, const jsc_list *l, const char *kind)
{
	for (int i = 0; i < l->n; i++)
		cJSON_AddItemToArray(arr, item(l->v[i].line, l->v[i].column, l->v[i].message, kind));
}

cJSON *val_check(const char *code, int dry_run, int64_t tenant, const cJSON *data)
{
	cJSON *v = cJSON_CreateObject();
	cJSON *errs = cJSON_AddArrayToObject(v, "errors");
	cJSON *warns = cJSON_AddArrayToObject(v, "warnings");
	cJSON *sec = cJSON_AddArrayToObject(v, "securityIssues");
	/* Static checks on the merchant's source: every finding, not just the first. */
	jsc_result r;
	jsc_check(code, strlen(code), (size_t)vibe_conf.code_max, &r);
	add_issues(errs, &r.errors, "syntax");
	add_issues(warns, &r.warnings, "warning");
	add_issues(sec, &r.security, "security");
	int clean = r.errors.n == 0 && r.security.n == 0;
	jsc_free(&r);
	vibe_error e;
	if (clean && vibe_check(code, &e) < 0) {
		cJSON_AddItemToArray(errs, item(e.line, e.column, e.message, e.kind));
		clean = 0;
	}
	if (clean && dry_run) {
		vibe_entry entry;
		sbuf es5 = SBUF_INIT;
		vibe_compile(code, &es5, &entry, &e);
		char *json = val_sample_inputs(&entry, data);
		sbuf html = SBUF_INIT;
		if (val_render(sb_str(&es5), &entry, json, tenant, NULL, &html, &e) < 0) {
			char msg[700];
			snprintf(msg, sizeof msg, "dry run with sample data failed: %s", e.message);
			cJSON_AddItemToArray(errs, item(e.line, e.column, msg, e.kind));
		} else if (html.len == 0) {
			cJSON_AddItemToArray(warns, item(entry.line, 0, "the dry run returned an empty string", "empty"));
		}
		sb_free(&html);
		sb_free(&es5);
		cJSON_free(json);
	}
	int ok = cJSON_GetArraySize(errs) == 0 && cJSON_GetArraySize(sec) == 0;
	cJSON *out = cJSON_CreateObject();
	cJSON_AddBoolToObject(out, "isValid", ok);
	cJSON_AddItemToObject(out, "errors", cJSON_DetachItemViaPointer(v, errs));
	cJSON_AddItemToObject(out, "warnings", cJSON_DetachItemViaPointer(v, warns));
	cJSON_AddItemToObject(out, "securityIssues", cJSON_DetachItemViaPointer(v, sec));
	cJSON_Delete(v);
	return out;
}

const cJSON *val_first_error(const cJSON *result)
{
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(result, "errors"), 0);
	if (!e) e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(result, "securityIssues"), 0);
	return e;
}
