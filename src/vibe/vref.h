/* vref: the vibe-code contract as data -- every input a block's function
 * can name (with its fields), every helper and every `api` call with its
 * parameters and a line of documentation: the seed's getAvailableAPIs().
 * The engine reads it: jscheck takes the input names from vref_inputs and
 * vibe.c pushes `helpers` from vref_helpers (the C function of each row);
 * the api prelude's calls are checked against vref_api by a unit test
 * that lists what a running block really gets. The web editor's
 * completion and inline help come from vref_json(), served by
 * GET /api/cms/vibe/reference, so the documentation is the engine's own
 * table and cannot drift from it. */
#ifndef VREF_H
#define VREF_H
#include <cJSON.h>

typedef struct vref_field {
	const char *name, *type, *doc;
} vref_field;

typedef struct vref_input {
	const char *name, *type, *doc;
	const vref_field *fields;   /* NULL-name terminated; NULL for none */
} vref_input;

/* A callable: helpers.NAME(...) or api.NAME(...). */
typedef struct vref_call {
	const char *name;
	const char *signature;      /* "formatPrice(amount, currency?)" */
	const char *returns, *doc;
} vref_call;

extern const vref_input vref_inputs[];   /* NULL-name terminated */
extern const vref_call vref_helpers[];   /* NULL-name terminated */
extern const vref_call vref_api[];       /* NULL-name terminated */

/* 1 when name is an input a block's function may name. */
int vref_is_input(const char *name);
/* The input names, ", "-separated, into a static string (for messages). */
const char *vref_input_list(void);
/* The whole reference: {inputs:[{name,type,doc,fields:[...]}],
 * helpers:[{name,signature,returns,doc}], api:[...], entry, limits}. */
cJSON *vref_json(void);
#endif
