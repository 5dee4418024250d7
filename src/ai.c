/* ai: OpenAI-compatible chat completions over net.c. */
#include "ai.h"
#include "config.h"
#include "net.h"

#include <stdio.h>
#include <string.h>

int ai_configured(void) { return cfg.ai_base_url[0] != 0; }

int ai_chat(const cJSON *messages, sbuf *out, char *err, size_t errlen)
{
	sbuf url = SBUF_INIT, auth = SBUF_INIT, resp = SBUF_INIT;
	size_t bl = strlen(cfg.ai_base_url);
	sb_printf(&url, "%.*s/chat/completions", (int)(bl && cfg.ai_base_url[bl - 1] == '/' ? bl - 1 : bl), cfg.ai_base_url);
	if (cfg.ai_api_key[0]) sb_printf(&auth, "Authorization: Bearer %s", cfg.ai_api_key);
	const char *headers[] = { "Content-Type: application/json", auth.len ? sb_str(&auth) : NULL, NULL };
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "model", cfg.ai_chat_model);
	cJSON_AddItemToObject(req, "messages", cJSON_Duplicate(messages, 1));
	cJSON_AddNumberToObject(req, "temperature", 0.2);
	char *body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	long status = 0;
	int rc = net_post(sb_str(&url), headers, body, cfg.ai_timeout_ms, &status, &resp, err, errlen);
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
