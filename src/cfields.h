/* cfields: custom fields (Shopify's metafields; doc/custom-fields.md). A
 * store defines typed fields per resource kind (product, collection, page,
 * post): text, number, boolean, date, url, media, product (a reference to
 * one of the store's products) or json. Values are a JSON object per row
 * (custom_json), checked here against the definitions on every write
 * (admin API, POS sync, CSV import): an unknown key or a value of the
 * wrong type is refused, naming customFields.KEY. A write merges (a null
 * value removes the key). Also a product's relatedProducts: the
 * merchant's list of the store's product ids. */
#ifndef CFIELDS_H
#define CFIELDS_H
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define CF_KEY_MAX 64           /* bytes of a field's key */
#define CF_TEXT_MAX 10000       /* bytes of a text or JSON value */
#define CF_RELATED_MAX 50       /* relatedProducts per product */

/* SQL: the stored object col with the checked patch bound as :cf applied
 * at the top level: each key given replaces its value whole (a json
 * field's object is not merged into), null removes it, others stay. */
#define CF_MERGE(col) "json_patch(json_patch(" col ", (SELECT json_group_object(key, NULL) FROM json_each(:cf))), :cf)"

/* NULL when resource and type name known kinds, else the problem. */
const char *cf_resource_problem(const char *resource);
const char *cf_type_problem(const char *type);
/* NULL when key is a field key ([A-Za-z_][A-Za-z0-9_]*, up to CF_KEY_MAX). */
const char *cf_key_problem(const char *key);

/* Check values (an object of key -> value or null) for one resource of
 * store tid: 0 with *patch the normalised JSON merge patch to store (the
 * caller cJSON_free()s it), or -1 with the field path ("customFields.size")
 * and the problem in field/msg. */
int cf_check(int64_t tid, const char *resource, const cJSON *values, char **patch,
	     char *field, size_t fl, char *msg, size_t ml);
/* Merge a checked patch into row id of a collection, page or post
 * (products: cs_write_product, the one product write), inside the
 * caller's transaction. 0, or -1 on a storage error. */
int cf_store(int64_t tid, const char *resource, int64_t id, const char *patch);
/* A request body's customFields (absent or null: *patch NULL, 0), checked:
 * 0, or -1 with field/msg. */
int cf_from_body(int64_t tid, const char *resource, const cJSON *body, char **patch,
		 char *field, size_t fl, char *msg, size_t ml);
/* A value given as text (a CSV cell) as the JSON the field's type takes:
 * "12.5" for a number field -> 12.5, "true" -> true, JSON text for json;
 * a string for other types, unknown keys and text that does not parse
 * (cf_check then names what is wrong). */
cJSON *cf_from_text(int64_t tid, const char *resource, const char *key, const char *text);
/* Check a relatedProducts list for product self (0 for a new one): ids of
 * the store's products, at most CF_RELATED_MAX, not itself; 0 with *ids
 * the JSON array of numbers to store, or -1 with field/msg. */
int cf_related(int64_t tid, int64_t self, const cJSON *list, char **ids,
	       char *field, size_t fl, char *msg, size_t ml);
/* Stored relatedProducts ([3,5]) as the API's id strings (["3","5"]). */
cJSON *cf_related_json(const char *stored);

/* Definitions. The list of a store's fields (resource NULL: all). */
cJSON *cf_list(int64_t tid, const char *resource);
cJSON *cf_get(int64_t tid, int64_t id);
/* Remove a deleted field's values from every row of its resource, inside
 * the caller's transaction. 0 or -1. */
int cf_forget(int64_t tid, const char *resource, const char *key);
#endif
