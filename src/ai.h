/* ai: the OpenAI-compatible chat-completions client (OpenAI, llama.cpp's
 * server, Ollama), configured by ai_base_url, ai_api_key, ai_chat_model
 * and ai_timeout_ms. Over net.c, so never inside a transaction. */
#ifndef AI_H
#define AI_H
#include "util.h"
#include <cJSON.h>

/* 1 when a chat endpoint is configured. */
int ai_configured(void);
/* POST {model, messages} to {ai_base_url}/chat/completions; the first
 * choice's message content into out. 0, or -1 with why in err (no answer
 * in time, an HTTP error, an answer without content). */
int ai_chat(const cJSON *messages, sbuf *out, char *err, size_t errlen);
#endif
