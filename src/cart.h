/* cart: a shopper's cart (the sf_cart cookie names it by a random token
 * whose hash is stored), its lines as loaded for display, quoting and
 * checkout (read into cart_line by column name), and the public cart JSON.
 * Every query binds the tenant id. Money is integer minor units. */
#ifndef CART_H
#define CART_H
#include "http.h"
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define COM_CART_COOKIE "sf_cart"

/* One cart line with the product or variant it names, as it is now. */
typedef struct cart_line {
	int64_t item, product, variant, qty;
	int64_t price, stock;           /* the variant's when there is one */
	char *name, *vtitle, *sku, *slug, *image;
	int gone;                       /* product not active, or the variant deleted */
	int tracked;                    /* inventory is counted */
	int oversell;                   /* policy 'continue': sells past zero */
} cart_line;

/* The cart of this request's cookie, or 0. create: make one (and set the
 * cookie) when there is none; -1 on a storage error. */
int64_t com_cart_id(req *r, int create);
/* Public cart JSON (major units and formatted strings) of cart id (0 = empty). */
cJSON *com_cart_json(req *r, int64_t cart);

/* The lines of cart (0 = none) in the order they were added into *out
 * (caller frees with cart_lines_free): 0, or -1 on a storage error. */
int cart_lines(int64_t tid, int64_t cart, cart_line **out, size_t *n);
void cart_lines_free(cart_line *l, size_t n);
/* 1 when the line's stock never stops the sale (untracked or 'continue'). */
int cart_line_unlimited(const cart_line *l);
/* Sum of price x quantity over the lines still sold (gone ones left out). */
int64_t cart_subtotal(const cart_line *l, size_t n);
#endif
