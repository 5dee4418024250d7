/* tmpl: a Mustache subset over cJSON data (see tmpl.h). */
#include "tmpl.h"
#include "html.h"
#include "config.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED };

typedef struct node {
	int kind;
	char *text;             /* literal text or the name */
	size_t len;
	struct node *child;     /* sections */
	struct node *next;
} node;

struct tmpl { node *first; };

static void free_nodes(node *n)
{
	while (n) {
		node *next = n->next;
		free_nodes(n->child);
		free(n->text);
		free(n);
		n = next;
	}
}

void tmpl_free(tmpl *t)
{
	if (!t) return;
	free_nodes(t->first);
	free(t);
}

static node *mk(int kind, const char *s, size_t len)
{
	node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->text = xstrndup(s, len);
	n->len = len;
	return n;
}

static char *trimmed(const char *s, size_t len, size_t *outlen)
{
	while (len && (*s == ' ')) { s++; len--; }
	while (len && s[len - 1] == ' ') len--;
	*outlen = len;
	return (char *)s;
}

tmpl *tmpl_parse(const char *text, char *err, size_t errlen)
{
	/* Stack of open sections; each level appends to its own tail. */
	node *stack[32];
	node **tail[33];
	int depth = 0;
	tmpl *t = xcalloc(1, sizeof *t);
	tail[0] = &t->first;
	const char *p = text;
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) open = p + strlen(p);
		if (open > p) {
			node *n = mk(N_TEXT, p, (size_t)(open - p));
			*tail[depth] = n;
			tail[depth] = &n->next;
		}
		if (!*open) break;
		int triple = open[2] == '{';
		const char *start = open + (triple ? 3 : 2);
		const char *close = strstr(start, triple ? "}}}" : "}}");
		if (!close) {
			snprintf(err, errlen, "unclosed tag at offset %ld", (long)(open - text));
			goto fail;
		}
		size_t len;
		const char *name = trimmed(start, (size_t)(close - start), &len);
		p = close + (triple ? 3 : 2);
		if (triple) {
			node *n = mk(N_RAW, name, len);
			*tail[depth] = n;
			tail[depth] = &n->next;
			continue;
		}
		char sigil = len ? name[0] : 0;
		if (sigil == '!') continue;
		if (sigil == '#' || sigil == '^') {
			size_t nl;
			const char *nm = trimmed(name + 1, len - 1, &nl);
			if (depth >= 31) { snprintf(err, errlen, "sections nested too deep"); goto fail; }
			node *n = mk(sigil == '#' ? N_SECTION : N_INVERTED, nm, nl);
			*tail[depth] = n;
			tail[depth] = &n->next;
			stack[depth++] = n;
			tail[depth] = &n->child;
			continue;
		}
		if (sigil == '/') {
			size_t nl;
			const char *nm = trimmed(name + 1, len - 1, &nl);
			if (!depth || stack[depth - 1]->len != nl || strncmp(stack[depth - 1]->text, nm, nl)) {
				snprintf(err, errlen, "unexpected {{/%.*s}}", (int)nl, nm);
				goto fail;
			}
			depth--;
			continue;
		}
		node *n = mk(N_VAR, name, len);
		*tail[depth] = n;
		tail[depth] = &n->next;
	}
	if (depth) {
		snprintf(err, errlen, "section {{#%s}} is not closed", stack[depth - 1]->text);
		goto fail;
	}
	return t;
fail:
	tmpl_free(t);
	return NULL;
}

/* Look a dotted name up through the context stack, innermost first. */
static const cJSON *lookup(const cJSON **ctx, int depth, const char *name)
{
	if (strcmp(name, ".") == 0) return ctx[depth - 1];
	char first[128];
	const char *dot = strchr(name, '.');
	size_t fl = dot ? (size_t)(dot - name) : strlen(name);
	if (fl >= sizeof first) return NULL;
	memcpy(first, name, fl);
	first[fl] = 0;
	const cJSON *v = NULL;
	for (int i = depth - 1; i >= 0 && !v; i--)
		if (cJSON_IsObject(ctx[i])) v = cJSON_GetObjectItemCaseSensitive(ctx[i], first);
	while (v && dot) {
		const char *seg = dot + 1;
		dot = strchr(seg, '.');
		size_t sl = dot ? (size_t)(dot - seg) : strlen(seg);
		if (sl >= sizeof first) return NULL;
		memcpy(first, seg, sl);
		first[sl] = 0;
		v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, first) : NULL;
	}
	return v;
}

static int truthy(const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v)) return 0;
	if (cJSON_IsArray(v)) return cJSON_GetArraySize(v) > 0;
	if (cJSON_IsString(v)) return v->valuestring[0] != 0;
	if (cJSON_IsNumber(v)) return v->valuedouble != 0;
	return 1;
}

static void scalar(sbuf *out, const cJSON *v, int raw)
{
	char num[64];
	const char *s = NULL;
	if (cJSON_IsString(v)) s = v->valuestring;
	else if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble)
			snprintf(num, sizeof num, "%lld", (long long)v->valuedouble);
		else
			snprintf(num, sizeof num, "%g", v->valuedouble);
		s = num;
	} else if (cJSON_IsTrue(v)) s = "true";
	else if (cJSON_IsFalse(v)) s = "false";
	if (!s) return;
	if (raw) sb_puts(out, s);
	else html_text(out, s);
}

static void render(const node *n, const cJSON **ctx, int depth, sbuf *out)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_TEXT: sb_put(out, n->text, n->len); break;
		case N_VAR: case N_RAW: {
			const cJSON *v = lookup(ctx, depth, n->text);
			if (v) scalar(out, v, n->kind == N_RAW);
			break;
		}
		case N_SECTION: {
			const cJSON *v = lookup(ctx, depth, n->text);
			if (!truthy(v) || depth >= 31) break;
			if (cJSON_IsArray(v)) {
				const cJSON *it;
				cJSON_ArrayForEach(it, v) {
					ctx[depth] = it;
					render(n->child, ctx, depth + 1, out);
				}
			} else {
				ctx[depth] = v;
				render(n->child, ctx, depth + 1, out);
			}
			break;
		}
		case N_INVERTED:
			if (!truthy(lookup(ctx, depth, n->text))) render(n->child, ctx, depth, out);
			break;
		}
	}
}

void tmpl_render(const tmpl *t, const cJSON *data, sbuf *out)
{
	const cJSON *ctx[32];
	ctx[0] = data;
	render(t->first, ctx, 1, out);
}

#define MAX_CACHED 64
static struct { char *name; tmpl *t; } cache[MAX_CACHED];

const tmpl *tmpl_get(const char *name)
{
	int i;
	for (i = 0; i < MAX_CACHED && cache[i].name; i++)
		if (strcmp(cache[i].name, name) == 0) return cache[i].t;
	if (i == MAX_CACHED || strstr(name, "..")) return NULL;
	char path[1200], rel[300], err[256];
	snprintf(rel, sizeof rel, "templates/%s", name);
	char *text = file_read(config_path(path, sizeof path, rel), NULL);
	tmpl *t = text ? tmpl_parse(text, err, sizeof err) : NULL;
	if (!text) log_error("template %s: cannot read", path);
	else if (!t) log_error("template %s: %s", path, err);
	free(text);
	/* A missing or broken template is remembered too: one log line, not
	 * one per request. */
	cache[i].name = xstrdup(name);
	cache[i].t = t;
	return t;
}

int tmpl_render_file(const char *name, const cJSON *data, sbuf *out)
{
	const tmpl *t = tmpl_get(name);
	if (!t) return -1;
	tmpl_render(t, data, out);
	return 0;
}
