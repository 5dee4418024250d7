/* chat: the shopping assistant's answers and conversations. With no chat
 * model configured (the only mode built so far) it answers from retrieval
 * alone: the store's products that match the message (search.c, hybrid,
 * with its price words), filtered by "in stock" words, listed with prices
 * and links to this store's own pages, or a plain "nothing matches".
 * Conversations belong to one store; their ids are random. */
#ifndef CHAT_H
#define CHAT_H
#include "tenant.h"
#include <cJSON.h>

#define CHAT_PRODUCTS 5

/* The answer to message in conversation conv (NULL or "" starts one):
 * {conversationId, mode, answer, answerHtml, products[{id, name, url,
 * price, priceFormatted, inStock}]}. NULL with *notfound set when conv is
 * not one of this store's; NULL alone on a storage error. */
cJSON *chat_answer(const tenant *t, const char *conv, const char *message, int *notfound);
/* Conversations idle for longer than cfg.chat_ttl go: the number removed. */
int chat_expire(void);
#endif
