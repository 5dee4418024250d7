/* emails: the shopper emails' texts: the kinds there are, each one's
 * defaults (templates/email/KIND.subject.txt, KIND.txt, KIND.html or the
 * text in templates/email/layout.html), a store's own (email_templates,
 * set through /api/cms/emails/{kind}), checking a template, and rendering
 * subject, text and HTML over data. Every query binds the tenant. */
#ifndef EMAILS_H
#define EMAILS_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

#define EMAILS_TEMPLATE_MAX 20000   /* bytes of one template (text or HTML) */
#define EMAILS_SUBJECT_MAX 300

/* 1 when kind names a shopper email a store may change. */
int emails_kind_known(const char *kind);
/* The kinds as JSON: [{kind, custom}] for store tid. */
cJSON *emails_list(int64_t tid);
/* {kind, custom, subject, text, html, defaults {subject, text, html}}. */
cJSON *emails_json(int64_t tid, const char *kind);
/* NULL when t compiles as a template, else the parser's message. */
const char *emails_template_problem(const char *t, char *buf, size_t n);
int emails_save(int64_t tid, const char *kind, const char *subject, const char *text, const char *html);
int emails_reset(int64_t tid, const char *kind);   /* 1 removed, 0 none, -1 storage */
/* Render kind (the store's text, else the defaults) over data; the given
 * texts (any NULL: the stored or default one) for a preview. subject has
 * no line break; html is "" when there is none. 0, or -1 (a template is
 * missing or broken). */
int emails_render(int64_t tid, const char *kind, const char *store_name, const cJSON *data, const char *subject_t,
		  const char *text_t, const char *html_t, sbuf *subject, sbuf *text, sbuf *html);
/* Sample data for previews: an order, a code, a product. */
cJSON *emails_sample(const char *store_name);
#endif
