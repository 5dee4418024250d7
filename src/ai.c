/* ai: OpenAI-compatible chat completions and embeddings over net.c. */
#include "ai.h"
#include "config.h"
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ai_configured(void) { return cfg.ai_base_url[0] != 0; }

static void endpoint(sbuf *url, sbuf *auth, const char *path)
{
	size_t bl = strlen(cfg.ai_base_url);
	sb_printf(url, "%.*s%s", (int)(bl && cfg.ai_base_url[bl - 1] == '/' ? bl - 1 : bl), cfg.ai_base_url, path);
	if (cfg.ai_api_key[0]) sb_printf(auth, "Authorization: Bearer %s", cfg.ai_api_key);
}

int ai_embed_configured(void) { return cfg.ai_base_url[0] && cfg.ai_embed_model[0]; }

int ai_embed(const char *const *texts, int n, long timeout_ms, float **out, int *dim, char *err, size_t errlen)
{
	*out = NULL;
	*dim = 0;
	sbuf url = SBUF_INIT, auth = SBUF_INIT, resp = SBUF_INIT;
	endpoint(&url, &auth, "/embeddings");
	const char *headers[] = { "Content-Type: application/json", auth.len ? sb_str(&auth) : NULL, NULL };
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "model", cfg.ai_embed_model);
	cJSON *in = cJSON_AddArrayToObject(req, "input");
	for (int i = 0; i < n; i++) cJSON_AddItemToArray(in, cJSON_CreateString(texts[i]));
	char *body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	long status = 0;
	int rc = net_post(sb_str(&url), headers, body, timeout_ms, &status, &resp, err, errlen);
	cJSON_free(body);
	if (rc == 0 && (status < 200 || status > 299)) {
		snprintf(err, errlen, "the embeddings endpoint answered HTTP %ld", status);
		rc = -1;
	}
	cJSON *j = rc == 0 ? cJSON_Parse(sb_str(&resp)) : NULL;
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data"), *it;
	if (rc == 0 && cJSON_GetArraySize(data) != n) {
		snprintf(err, errlen, "the embeddings endpoint answered %d vectors for %d texts", cJSON_GetArraySize(data), n);
		rc = -1;
	}
	float *v = NULL;
	int d = 0, k = 0;
	const cJSON *list = rc == 0 ? data : NULL;
	cJSON_ArrayForEach(it, list) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(it, "embedding"), *x;
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(it, "index");
		int at = cJSON_IsNumber(idx) ? (int)idx->valuedouble : k;
		int m = cJSON_GetArraySize(e);
		if (!d) { d = m; v = xcalloc((size_t)n * (size_t)(d ? d : 1), sizeof(float)); }
		if (m != d || m < 1 || m > 4096 || at < 0 || at >= n) {
			snprintf(err, errlen, "the embeddings endpoint answered a malformed vector");
			rc = -1;
			break;
		}
		double norm = 0;
		int c = 0;
		cJSON_ArrayForEach(x, e) {
			float f = cJSON_IsNumber(x) ? (float)x->valuedouble : 0;
			v[(size_t)at * (size_t)d + (size_t)c++] = f;
			norm += (double)f * f;
		}
		if (norm > 0)
			for (c = 0; c < d; c++) v[(size_t)at * (size_t)d + (size_t)c] = (float)(v[(size_t)at * (size_t)d + (size_t)c] / sqrt(norm));
		k++;
	}
	cJSON_Delete(j);
	sb_free(&url);
	sb_free(&auth);
	sb_free(&resp);
	if (rc < 0) { free(v); return -1; }
	*out = v;
	*dim = d;
	return 0;
}

int ai_chat(const cJSON *messages, long timeout_ms, sbuf *out, long *tokens, char *err, size_t errlen)
{
	sbuf url = SBUF_INIT, auth = SBUF_INIT, resp = SBUF_INIT;
	endpoint(&url, &auth, "/chat/completions");
	const char *headers[] = { "Content-Type: application/json", auth.len ? sb_str(&auth) : NULL, NULL };
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "model", cfg.ai_chat_model);
	cJSON_AddItemToObject(req, "messages", cJSON_Duplicate(messages, 1));
	cJSON_AddNumberToObject(req, "temperature", 0.2);
	char *body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	long status = 0;
	size_t sent = strlen(body);
	int rc = net_post(sb_str(&url), headers, body, timeout_ms > 0 ? timeout_ms : cfg.ai_timeout_ms, &status, &resp, err, errlen);
	cJSON_free(body);
	if (rc == 0 && (status < 200 || status > 299)) {
		snprintf(err, errlen, "the chat endpoint answered HTTP %ld", status);
		rc = -1;
	}
	if (rc == 0) {
		cJSON *j = cJSON_Parse(sb_str(&resp));
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0), "message");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
		const cJSON *used = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "usage"), "total_tokens");
		if (tokens) *tokens = cJSON_IsNumber(used) ? (long)used->valuedouble : (long)((sent + resp.len) / 4);
		if (cJSON_IsString(content)) sb_puts(out, content->valuestring);
		else {
			snprintf(err, errlen, "the chat endpoint's answer has no choices[0].message.content");
			rc = -1;
		}
		cJSON_Delete(j);
	}
	sb_free(&url);
	sb_free(&auth);
	sb_free(&resp);
	return rc;
}

/* The streamed answer as it is parsed: lines of server-sent events, or a
 * whole JSON answer from a server that does not stream. */
typedef struct sse_reader {
	const ai_stream_cb *cb;
	sbuf line;              /* the unfinished line */
	sbuf whole;             /* a JSON answer (the first byte was '{') */
	int json, started, done, pieces;
	long usage;             /* usage.total_tokens when reported, else -1 */
	size_t content;         /* bytes of answer text (the estimate's) */
} sse_reader;

/* One event's data: its content piece and usage. -1 stops the call. */
static int sse_data(sse_reader *s, const char *data)
{
	if (strcmp(data, "[DONE]") == 0) { s->done = 1; return 0; }
	cJSON *j = cJSON_Parse(data);
	if (!j) return 0;                                   /* not ours to judge: skipped */
	const cJSON *used = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "usage"), "total_tokens");
	if (cJSON_IsNumber(used)) s->usage = (long)used->valuedouble;
	const cJSON *delta = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0), "delta");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(delta, "content");
	int rc = 0;
	if (cJSON_IsString(content) && content->valuestring[0]) {
		s->pieces++;
		s->content += strlen(content->valuestring);
		rc = s->cb->on_piece(s->cb->ud, content->valuestring);
	}
	cJSON_Delete(j);
	return rc;
}

static int sse_bytes(void *ud, const char *p, size_t n)
{
	sse_reader *s = ud;
	if (!s->started) {
		size_t i = 0;
		while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) i++;
		if (i == n) return 0;
		s->started = 1;
		s->json = p[i] == '{';
	}
	if (s->json) {
		if (s->whole.len + n > (4u << 20)) return -1;
		sb_put(&s->whole, p, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (s->done) return 0;
		if (p[i] != '\n') {
			if (s->line.len > (1u << 20)) return -1;       /* a line this long is not an event */
			sb_putc(&s->line, p[i]);
			continue;
		}
		const char *l = sb_str(&s->line);
		size_t len = s->line.len;
		if (len && l[len - 1] == '\r') s->line.s[--s->line.len] = 0;
		int rc = 0;
		if (strncmp(l, "data:", 5) == 0) rc = sse_data(s, l[5] == ' ' ? l + 6 : l + 5);
		sb_reset(&s->line);
		if (rc < 0) return -1;
	}
	return 0;
}

static int sse_keep_on(void *ud)
{
	sse_reader *s = ud;
	return s->cb->keep_on ? s->cb->keep_on(s->cb->ud) : 1;
}

int ai_chat_stream(const cJSON *messages, long timeout_ms, const ai_stream_cb *cb, long *tokens, int *stopped,
		   char *err, size_t errlen)
{
	sbuf url = SBUF_INIT, auth = SBUF_INIT, resp = SBUF_INIT;
	endpoint(&url, &auth, "/chat/completions");
	const char *headers[] = { "Content-Type: application/json", "Accept: text/event-stream",
				  auth.len ? sb_str(&auth) : NULL, NULL };
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "model", cfg.ai_chat_model);
	cJSON_AddItemToObject(req, "messages", cJSON_Duplicate(messages, 1));
	cJSON_AddNumberToObject(req, "temperature", 0.2);
	cJSON_AddBoolToObject(req, "stream", 1);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(req, "stream_options"), "include_usage", 1);
	char *body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	sse_reader s = { .cb = cb, .line = SBUF_INIT, .whole = SBUF_INIT, .usage = -1 };
	net_stream_cb ncb = { sse_bytes, sse_keep_on, &s };
	long status = 0;
	size_t sent = strlen(body);
	int rc = net_post_stream(sb_str(&url), headers, body, timeout_ms > 0 ? timeout_ms : cfg.ai_timeout_ms, &ncb,
				 &status, stopped, &resp, err, errlen);
	cJSON_free(body);
	if (rc == 0 && !*stopped && (status < 200 || status > 299)) {
		snprintf(err, errlen, "the chat endpoint answered HTTP %ld", status);
		rc = -1;
	}
	if (rc == 0 && !*stopped && s.json) {               /* a server that does not stream */
		cJSON *j = cJSON_Parse(sb_str(&s.whole));
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0), "message");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
		const cJSON *used = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "usage"), "total_tokens");
		if (cJSON_IsNumber(used)) s.usage = (long)used->valuedouble;
		if (cJSON_IsString(content) && content->valuestring[0]) {
			s.pieces++;
			s.content += strlen(content->valuestring);
			if (cb->on_piece(cb->ud, content->valuestring) < 0) *stopped = 1;
		}
		cJSON_Delete(j);
	}
	if (rc == 0 && !*stopped && !s.pieces) {
		snprintf(err, errlen, "the chat endpoint's answer has no content");
		rc = -1;
	}
	if (tokens) *tokens = s.usage >= 0 ? s.usage : (long)((sent + s.content) / 4);
	sb_free(&s.line);
	sb_free(&s.whole);
	sb_free(&url);
	sb_free(&auth);
	sb_free(&resp);
	return rc;
}
