/* admin_generate: POST /api/cms/blocks/generate -- a block's vibe code
 * written by the configured chat model from the merchant's prompt, held
 * to DESIGN §7's contract: validated and dry-run (validate.c); on errors
 * the model gets them back once. Answers the code, a preview rendered on
 * sample data and the validation; saves nothing. 501 without a model. */
#include "admin.h"
#include "vref.h"
#include "ai.h"
#include "config.h"
#include "input.h"
#include "pages.h"
#include "validate.h"
#include "vibe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define GEN_PROMPT_MAX 4000

/* What the model is told: the contract of DESIGN §7, made from the
 * engine's own table (vref.h: every input and its fields, every helper
 * and api call) and the limits in force, so it cannot drift from what a
 * block really gets. Product text never goes in here: the merchant's
 * prompt is the only input. */
static void contract(sbuf *b)
{
	sb_puts(b, "You write vibe code for one block of an online store page: JavaScript (ES2015 subset: template "
		   "literals, arrow functions, let/const, default parameters, spread; no import, require, eval, Function, "
		   "with, constructor chains, no network, DOM or timers) defining ONE top-level function whose name starts "
		   "with render and that returns an HTML string. Its parameter names choose its inputs:");
	for (const vref_input *in = vref_inputs; in->name; in++) {
		sb_printf(b, " %s (%s", in->name, in->doc);
		for (const vref_field *f = in->fields; f && f->name; f++) sb_printf(b, "%s%s", f == in->fields ? " Fields: " : ", ", f->name);
		sb_puts(b, ")");
		sb_putc(b, in[1].name ? ';' : '.');
	}
	sb_puts(b, " helpers:");
	for (const vref_call *c = vref_helpers; c->name; c++) sb_printf(b, " %s%s", c->signature, c[1].name ? "," : ".");
	sb_puts(b, " api:");
	for (const vref_call *c = vref_api; c->name; c++) sb_printf(b, " %s%s", c->signature, c[1].name ? "," : ".");
	sb_printf(b, " Escape every text value with helpers.escapeHtml. Limits: %ld ms CPU, %ld MB memory, %ld KB output. "
		  "Answer with the code only, in one ```js fenced block.",
		  cfg.vibe_cpu_ms, cfg.vibe_mem >> 20, cfg.vibe_output >> 10);
}

/* The code inside the first ``` fence of an answer, else all of it. */
static char *code_of(const char *answer)
{
	const char *f = strstr(answer, "```");
	if (!f) return xstrdup(answer);
	f += 3;
	f += strcspn(f, "\n");             /* the language tag */
	if (*f) f++;
	const char *e = strstr(f, "```");
	return xstrndup(f, e ? (size_t)(e - f) : strlen(f));
}

/* The preview: the code rendered in the sandbox on sample data. */
static void preview(req *r, const char *code, sbuf *html)
{
	vibe_entry entry;
	vibe_error e;
	sbuf es5 = SBUF_INIT;
	if (vibe_compile(code, &es5, &entry, &e) == 0) {
		char *json = val_sample_inputs(&entry, NULL);
		if (val_render(sb_str(&es5), &entry, json, r->t.id, NULL, html, &e) < 0) sb_reset(html);
		cJSON_free(json);
	}
	sb_free(&es5);
}

/* Route: POST /api/cms/blocks/generate {type, prompt, pageId?} */
void adm_block_generate(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const known[] = { "type", "prompt", "pageId", NULL };
	const char *type, *prompt;
	int64_t page = 0;
	if (in_known(r, b, known, NULL) < 0 || in_enum(r, b, "type", IN_REQUIRED, block_types, &type) < 0 ||
	    in_str(r, b, "prompt", IN_REQUIRED, GEN_PROMPT_MAX, &prompt) < 0 || in_id(r, b, "pageId", IN_OPTIONAL, &page) < 0) {
		cJSON_Delete(b);
		return;
	}
	if (!prompt[0]) { in_fail(r, "prompt", "must say what the block should show"); cJSON_Delete(b); return; }
	if (page && !pages_exists(r->t.id, page)) { adm_not_found(r, "page"); cJSON_Delete(b); return; }
	if (!ai_configured()) {
		http_error(r, 501, "not_configured", NULL,
			   "no model endpoint is configured (ai_base_url): write the block's code yourself, or ask the operator to set one");
		cJSON_Delete(b);
		return;
	}
	cJSON *msgs = cJSON_CreateArray(), *m;
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "system");
	sbuf sys = SBUF_INIT;
	contract(&sys);
	cJSON_AddStringToObject(m, "content", sb_str(&sys));
	sb_free(&sys);
	cJSON_AddItemToArray(msgs, m);
	char *starter = pages_starter_code(type);
	sbuf u = SBUF_INIT;
	sb_printf(&u, "Block type: %s.\n", type);
	if (starter) sb_printf(&u, "The starter code of this type, for its shape:\n```js\n%s\n```\n", starter);
	free(starter);
	sb_printf(&u, "What the merchant wants:\n%s", prompt);
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", sb_str(&u));
	cJSON_AddItemToArray(msgs, m);
	sb_free(&u);
	cJSON_Delete(b);
	char *code = NULL;
	cJSON *val = NULL;
	int attempts = 0;
	for (; attempts < 2; attempts++) {
		sbuf ans = SBUF_INIT;
		char err[300] = "";
		if (ai_chat(msgs, 0, &ans, NULL, err, sizeof err) < 0) {
			sb_free(&ans);
			cJSON_Delete(msgs);
			free(code);
			cJSON_Delete(val);
			http_error(r, 502, "model_unavailable", NULL, "the model endpoint did not answer: %s", err);
			return;
		}
		free(code);
		code = code_of(sb_str(&ans));
		cJSON_Delete(val);
		val = val_check(code, 1, r->t.id, NULL);
		int ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(val, "isValid"));
		if (ok || attempts == 1) { sb_free(&ans); attempts++; break; }
		/* once: the model sees its answer and what was wrong with it */
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "assistant");
		cJSON_AddStringToObject(m, "content", sb_str(&ans));
		cJSON_AddItemToArray(msgs, m);
		char *v = cJSON_PrintUnformatted(val);
		sbuf fix = SBUF_INIT;
		sb_printf(&fix, "That code failed validation: %s\nAnswer with the corrected code only.", v);
		cJSON_free(v);
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", sb_str(&fix));
		cJSON_AddItemToArray(msgs, m);
		sb_free(&fix);
		sb_free(&ans);
	}
	cJSON_Delete(msgs);
	sbuf html = SBUF_INIT;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(val, "isValid"))) preview(r, code, &html);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "previewHtml", sb_str(&html));
	cJSON_AddItemToObject(o, "validation", val);
	cJSON_AddNumberToObject(o, "attempts", attempts);
	cJSON_AddBoolToObject(o, "saved", 0);
	sb_free(&html);
	free(code);
	http_json(r, 200, o);
}
