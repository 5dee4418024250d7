/* chat: the shopping assistant's answers and conversations. It retrieves
 * the store's products that match the message (search.c, hybrid, with its
 * price words), filtered by "in stock" words. With a chat model (ai.c) and
 * budget left, the model answers from those products only, citing them as
 * [n], which become links to this store's own pages (any other link in
 * its text is removed; an answer that repeats its rules is dropped); else
 * the products are listed with prices and links, or a plain "nothing
 * matches". The model's answer streams: each stretch of it that has
 * settled (no word, link or leak pattern left unfinished) is filtered and
 * handed to the caller's sink at once, so the shopper reads it while the
 * model writes. Conversations belong to one store; their ids are random.
 * present: the shopper's currency (NULL: the store's): prices shown in it
 * (currency_price: a fixed price, else converted) and price words ("under
 * 50") read in it. */
#ifndef CHAT_H
#define CHAT_H
#include "tenant.h"
#include <cJSON.h>

#define CHAT_PRODUCTS 5

typedef enum { CHAT_OK, CHAT_NOT_FOUND, CHAT_STORE_BUSY, CHAT_ALL_BUSY, CHAT_STORAGE } chat_code;

/* Where an answer goes while it is made (the handler's: server-sent
 * events or one JSON reply). event gets each event's data (ownership
 * passes) and returns 0, or -1 once nobody listens (the answer stops);
 * alive (may be NULL) is asked now and then while the model is slow: 0
 * when the client has gone. */
typedef struct chat_sink {
	int (*event)(void *ud, const char *name, cJSON *data);
	int (*alive)(void *ud);
	void *ud;
} chat_sink;

/* Answer message in conversation conv (NULL or "" starts one) as events:
 * meta {conversationId, mode ("model"|"retrieval"), products[{id, name,
 * url, price, priceFormatted, inStock}]}, then delta {text, html?} pieces
 * as the answer settles (a model's text, filtered: only this store's
 * links, escaped HTML), then done {mode, answer, answerHtml, truncated?};
 * a model answer that is withdrawn (it repeated its rules) or fails comes
 * as replace {mode: "retrieval", answer, answerHtml} before done. Each
 * model answer holds a slot (cfg.chat_streams_per_store, _max). Nothing is
 * sent or saved unless CHAT_OK (CHAT_STORAGE may come after the events,
 * when the answer could not be saved). */
struct currency_rate;
chat_code chat_stream(const tenant *t, const char *conv, const char *message, const struct currency_rate *present,
		      const chat_sink *sink);
/* The same answer as one object: {conversationId, mode, answer,
 * answerHtml, products}; NULL with the code unless CHAT_OK. */
cJSON *chat_answer(const tenant *t, const char *conv, const char *message, const struct currency_rate *present,
		   chat_code *code);
/* Conversations idle for longer than cfg.chat_ttl go: the number removed. */
int chat_expire(void);
#endif
