/* ai: the OpenAI-compatible client (OpenAI, llama.cpp's server, Ollama):
 * chat completions and embeddings, configured by ai_base_url, ai_api_key,
 * ai_chat_model, ai_embed_model and the timeouts. Over net.c, so never
 * inside a transaction. */
#ifndef AI_H
#define AI_H
#include "util.h"
#include <cJSON.h>

/* 1 when a chat endpoint is configured. */
int ai_configured(void);
/* POST {model, messages} to {ai_base_url}/chat/completions within
 * timeout_ms (0: ai_timeout_ms); the first choice's message content into
 * out and the tokens the call used into *tokens (usage.total_tokens, else
 * an estimate; tokens may be NULL). 0, or -1 with why in err (no answer
 * in time, an HTTP error, an answer without content). */
int ai_chat(const cJSON *messages, long timeout_ms, sbuf *out, long *tokens, char *err, size_t errlen);
/* The same call with "stream": true: each piece of the answer
 * (choices[0].delta.content of an OpenAI server-sent event) goes to
 * on_piece as it arrives, until data: [DONE]; a server that answers whole
 * JSON instead gives its content as one piece. on_piece and keep_on
 * (asked every few hundred ms, may be NULL) stop the call by returning -1
 * / 0: then *stopped is set and the call counts as answered. *tokens: the
 * usage the server reported, else an estimate from the bytes. 0, or -1
 * with err (an HTTP error, no answer in time, no content at all). */
typedef struct ai_stream_cb {
	int (*on_piece)(void *ud, const char *text);
	int (*keep_on)(void *ud);
	void *ud;
} ai_stream_cb;
int ai_chat_stream(const cJSON *messages, long timeout_ms, const ai_stream_cb *cb, long *tokens, int *stopped,
		   char *err, size_t errlen);
/* 1 when an embeddings model is configured too (ai_embed_model). */
int ai_embed_configured(void);
/* POST {model, input: texts} to {ai_base_url}/embeddings within
 * timeout_ms: n vectors of *dim floats each, scaled to unit length, into
 * *out (caller frees). 0, or -1 with why in err. */
int ai_embed(const char *const *texts, int n, long timeout_ms, float **out, int *dim, char *err, size_t errlen);
#endif
