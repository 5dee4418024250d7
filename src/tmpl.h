/* tmpl: the page templates under templates/ (a Mustache subset). {{x.y}}
 * is HTML-escaped text, {{{x}}} raw (already-safe HTML), {{#s}}..{{/s}}
 * repeats for each item of a list or once when truthy, {{^s}}..{{/s}} when
 * empty or false, {{! comment}}. Data is a cJSON tree. Templates are parsed
 * once per process and kept (they are code, not tenant data). */
#ifndef TMPL_H
#define TMPL_H
#include "util.h"
#include <cJSON.h>

typedef struct tmpl tmpl;

/* Parse template text; NULL with a message in err on a syntax error. */
tmpl *tmpl_parse(const char *text, char *err, size_t errlen);
void tmpl_free(tmpl *t);
/* templates/<name>, parsed on first use and cached; NULL if unreadable. */
const tmpl *tmpl_get(const char *name);
void tmpl_render(const tmpl *t, const cJSON *data, sbuf *out);
/* tmpl_get + tmpl_render; -1 when the template is missing or broken. */
int tmpl_render_file(const char *name, const cJSON *data, sbuf *out);
#endif
