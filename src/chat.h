/* chat: the shopping assistant's answers and conversations. It retrieves
 * the store's products that match the message (search.c, hybrid, with its
 * price words), filtered by "in stock" words. With a chat model (ai.c) and
 * budget left, the model answers from those products only, citing them as
 * [n], which become links to this store's own pages (any other link in
 * its text is removed; an answer that repeats its rules is dropped); else
 * the products are listed with prices and links, or a plain "nothing
 * matches". Conversations belong to one store; their ids are random. */
#ifndef CHAT_H
#define CHAT_H
#include "tenant.h"
#include <cJSON.h>

#define CHAT_PRODUCTS 5

/* The answer to message in conversation conv (NULL or "" starts one):
 * {conversationId, mode ("model"|"retrieval"), answer, answerHtml, products[{id, name, url,
 * price, priceFormatted, inStock}]}. NULL with *notfound set when conv is
 * not one of this store's; NULL alone on a storage error. */
cJSON *chat_answer(const tenant *t, const char *conv, const char *message, int *notfound);
/* Conversations idle for longer than cfg.chat_ttl go: the number removed. */
int chat_expire(void);
#endif
