/* theme: a store's look (see theme.h): fields and their checks, defaults,
 * contrast warnings, starters, fonts, and the draft and live copies. */
#include "theme.h"
#include "input.h"
#include "db.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_COLOUR, K_FONT, K_INT, K_ENUM, K_URL, K_TEXT, K_BOOL };

static const char *const button_shapes[] = { "pill", "rounded", "square", NULL };
static const char *const spacings[] = { "compact", "normal", "roomy", NULL };
static const char *const header_layouts[] = { "inline", "centered", "minimal", NULL };
static const char *const footer_layouts[] = { "columns", "centered", "minimal", NULL };

#define THEME_NAME_MAX 60
#define THEME_FONT_MAX 100
#define THEME_RADIUS_MAX 32

/* Every field, in the order GET shows them. The defaults are the
 * stylesheet's own look (htdocs/css/store.css :root), with an accent dark
 * enough for text on white (WCAG AA). */
static const struct field {
	const char *key;
	int kind;
	const char *def;
	const char *const *words;   /* K_ENUM */
} fields[] = {
	{ "name", K_TEXT, "Storefront", NULL },
	{ "primaryColor", K_COLOUR, "#2f5d50", NULL },
	{ "accentColor", K_COLOUR, "#a84f1c", NULL },
	{ "backgroundColor", K_COLOUR, "#fbfaf7", NULL },
	{ "surfaceColor", K_COLOUR, "#ffffff", NULL },
	{ "subtleColor", K_COLOUR, "#f4efe6", NULL },
	{ "textColor", K_COLOUR, "#1f2a27", NULL },
	{ "mutedColor", K_COLOUR, "#5d6a66", NULL },
	{ "borderColor", K_COLOUR, "#e6e1d7", NULL },
	{ "onPrimaryColor", K_COLOUR, "#ffffff", NULL },
	{ "onAccentColor", K_COLOUR, "#ffffff", NULL },
	{ "headerBackgroundColor", K_COLOUR, "#ffffff", NULL },
	{ "headerTextColor", K_COLOUR, "#1f2a27", NULL },
	{ "footerBackgroundColor", K_COLOUR, "#1f2a27", NULL },
	{ "footerTextColor", K_COLOUR, "#e9ecea", NULL },
	{ "font", K_FONT, "system-sans", NULL },
	{ "headingFont", K_FONT, "system-sans", NULL },
	{ "radius", K_INT, "14", NULL },
	{ "buttonShape", K_ENUM, "pill", button_shapes },
	{ "spacing", K_ENUM, "normal", spacings },
	{ "logo", K_URL, "", NULL },
	{ "favicon", K_URL, "", NULL },
	{ "headerLayout", K_ENUM, "inline", header_layouts },
	{ "headerSticky", K_BOOL, "true", NULL },
	{ "footerLayout", K_ENUM, "columns", footer_layouts },
	{ "chatEnabled", K_BOOL, "false", NULL },   /* the shopping assistant's widget (doc/search.md) */
};

/* The font catalogue: system stacks, and the fonts shipped under
 * htdocs/fonts (declared with @font-face in store.css, so a browser
 * fetches one only when a theme names it). Family names stay unquoted
 * identifiers (no quotes reach the <style>). */
static const struct font {
	const char *id, *name, *stack;
	int self_hosted;
} fonts[] = {
	{ "system-sans", "System sans-serif",
	  "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif", 0 },
	{ "system-serif", "System serif", "ui-serif, Iowan Old Style, Palatino Linotype, Georgia, Cambria, serif", 0 },
	{ "system-mono", "System monospace", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", 0 },
	{ "inter", "Inter", "Inter, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", 1 },
	{ "eb-garamond", "EB Garamond", "EB Garamond, Garamond, Georgia, serif", 1 },
	{ "league-spartan", "League Spartan", "League Spartan, Futura, Trebuchet MS, Arial, sans-serif", 1 },
};

/* The text/background pairs the stylesheet draws (store.css). */
static const struct pair {
	const char *fg, *bg;
} pairs[] = {
	{ "textColor", "backgroundColor" },
	{ "textColor", "surfaceColor" },
	{ "textColor", "subtleColor" },
	{ "mutedColor", "backgroundColor" },
	{ "mutedColor", "surfaceColor" },
	{ "mutedColor", "subtleColor" },
	{ "primaryColor", "backgroundColor" },
	{ "primaryColor", "surfaceColor" },
	{ "accentColor", "backgroundColor" },
	{ "accentColor", "surfaceColor" },
	{ "onPrimaryColor", "primaryColor" },
	{ "onAccentColor", "accentColor" },
	{ "headerTextColor", "headerBackgroundColor" },
	{ "footerTextColor", "footerBackgroundColor" },
};

static const struct field *field_of(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (strcmp(fields[i].key, key) == 0) return &fields[i];
	return NULL;
}

static const struct font *font_of(const char *id)
{
	for (size_t i = 0; i < ARRAY_LEN(fonts); i++)
		if (strcmp(fonts[i].id, id) == 0) return &fonts[i];
	return NULL;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

int theme_colour(const char *s, unsigned char rgb[3])
{
	size_t n = s ? strlen(s) : 0;
	if ((n != 4 && n != 7) || s[0] != '#') return 0;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)s[i])) return 0;
	for (int i = 0; i < 3; i++)
		rgb[i] = (unsigned char)(n == 4 ? hexval(s[1 + i]) * 17 : hexval(s[1 + 2 * i]) * 16 + hexval(s[2 + 2 * i]));
	return 1;
}

double theme_luminance(const unsigned char rgb[3])
{
	static const double w[3] = { 0.2126, 0.7152, 0.0722 };
	double l = 0;
	for (int i = 0; i < 3; i++) {
		double c = rgb[i] / 255.0;
		c = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
		l += w[i] * c;
	}
	return l;
}

double theme_contrast(const char *fg, const char *bg)
{
	unsigned char a[3], b[3];
	if (!theme_colour(fg, a) || !theme_colour(bg, b)) return 0;
	double la = theme_luminance(a), lb = theme_luminance(b);
	if (la < lb) { double t = la; la = lb; lb = t; }
	return (la + 0.05) / (lb + 0.05);
}

/* A custom font stack: family names of letters, digits, spaces and '-',
 * separated by commas (no quotes: it lands inside <style>). */
static const char *stack_problem(const char *s)
{
	if (strlen(s) > THEME_FONT_MAX) return "is longer than 100 bytes";
	int letters = 0;
	for (const char *p = s; *p; p++) {
		if (!(isalnum((unsigned char)*p) || *p == ' ' || *p == ',' || *p == '-'))
			return "must be a font id (see GET /api/cms/themes/starters: fonts) or a font-family list "
			       "of letters, digits, spaces, '-' and ','";
		letters |= isalpha((unsigned char)*p);
	}
	return letters ? NULL : "must name a font";
}

static const char *url_problem(const char *s)
{
	if (!*s) return NULL;
	if (strlen(s) > IN_URL_MAX) return "is longer than 1000 bytes";
	if (!(s[0] == '/' && s[1] != '/') && !str_startswith(s, "https://"))
		return "must be a path on this store (/media/...) or an https:// URL, or empty";
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 127 || strchr("\"'<>\\`", *p))
			return "must not hold spaces, quotes, '<', '>', '\\' or control characters";
	return NULL;
}

/* One field's value: NULL when fine. */
static const char *value_problem(const struct field *f, const cJSON *v)
{
	static char buf[200];
	switch (f->kind) {
	case K_COLOUR: {
		unsigned char rgb[3];
		if (!cJSON_IsString(v) || !theme_colour(v->valuestring, rgb))
			return "must be a colour #rgb or #rrggbb (hex digits)";
		return NULL;
	}
	case K_FONT:
		if (!cJSON_IsString(v)) return "must be a font id or a font-family list";
		return font_of(v->valuestring) ? NULL : stack_problem(v->valuestring);
	case K_INT:
		return int_problem(v, 0, THEME_RADIUS_MAX, buf, sizeof buf);
	case K_BOOL:
		return bool_problem(v);
	case K_ENUM:
		if (cJSON_IsString(v))
			for (int i = 0; f->words[i]; i++)
				if (strcmp(f->words[i], v->valuestring) == 0) return NULL;
		snprintf(buf, sizeof buf, "must be one of");
		for (int i = 0; f->words[i]; i++) {
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof buf - n, "%s %s", i ? "," : "", f->words[i]);
		}
		return buf;
	case K_URL:
		if (!cJSON_IsString(v)) return "must be a string: a /media/... path, an https:// URL or empty";
		return url_problem(v->valuestring);
	case K_TEXT: {
		const char *p = str_problem(v, THEME_NAME_MAX, buf, sizeof buf);
		return p ? p : control_problem(v->valuestring);
	}
	}
	return "is not a theme field";
}

const char *theme_problem(const cJSON *body, const char **field)
{
	static char unknown[160];
	if (!cJSON_IsObject(body)) { *field = "theme"; return "must be an object"; }
	const cJSON *it;
	cJSON_ArrayForEach(it, body) {
		*field = it->string;
		if (strcmp(it->string, "version") == 0) continue;
		const struct field *f = field_of(it->string);
		if (!f) {
			snprintf(unknown, sizeof unknown, "is not a theme field (see doc/themes.md; GET /api/cms/themes shows them all)");
			return unknown;
		}
		if (cJSON_IsNull(it)) continue;   /* back to the default */
		const char *p = value_problem(f, it);
		if (p) return p;
	}
	return NULL;
}

/* v as stored: a colour as lower-case #rrggbb, the rest as it is. */
static cJSON *normalised(const struct field *f, const cJSON *v)
{
	if (f->kind == K_COLOUR) {
		unsigned char rgb[3];
		char s[8];
		if (theme_colour(v->valuestring, rgb)) {
			snprintf(s, sizeof s, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
			return cJSON_CreateString(s);
		}
	}
	return cJSON_Duplicate(v, 1);
}

static cJSON *default_value(const struct field *f)
{
	if (f->kind == K_INT) return cJSON_CreateNumber(atoi(f->def));
	if (f->kind == K_BOOL) return cJSON_CreateBool(strcmp(f->def, "true") == 0);
	return cJSON_CreateString(f->def);
}

/* A full theme from `over` (checked field by field) over the defaults. */
static cJSON *full(const cJSON *over)
{
	cJSON *t = cJSON_CreateObject();
	for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(over, fields[i].key);
		cJSON_AddItemToObject(t, fields[i].key,
				      v && !cJSON_IsNull(v) && !value_problem(&fields[i], v) ? normalised(&fields[i], v)
											       : default_value(&fields[i]));
	}
	return t;
}

cJSON *theme_resolve(const char *json)
{
	cJSON *in = json && *json ? cJSON_Parse(json) : NULL;
	cJSON *t = full(cJSON_IsObject(in) ? in : NULL);
	cJSON_Delete(in);
	return t;
}

cJSON *theme_merge(const cJSON *base, const cJSON *body)
{
	cJSON *over = cJSON_Duplicate(base, 1);
	const cJSON *it;
	cJSON_ArrayForEach(it, body) {
		if (!field_of(it->string)) continue;
		cJSON_DeleteItemFromObjectCaseSensitive(over, it->string);
		if (!cJSON_IsNull(it)) cJSON_AddItemToObject(over, it->string, cJSON_Duplicate(it, 1));
	}
	cJSON *t = full(over);
	cJSON_Delete(over);
	return t;
}

static const char *str_of(const cJSON *t, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

cJSON *theme_warnings(const cJSON *theme)
{
	cJSON *w = cJSON_CreateArray();
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		const char *fg = str_of(theme, pairs[i].fg), *bg = str_of(theme, pairs[i].bg);
		double ratio = theme_contrast(fg, bg);
		if (ratio >= THEME_CONTRAST_MIN) continue;
		char name[80], msg[240];
		snprintf(name, sizeof name, "%s on %s", pairs[i].fg, pairs[i].bg);
		/* Rounded down, so a shown 4.49 never reads as passing. */
		double shown = floor(ratio * 100) / 100;
		snprintf(msg, sizeof msg, "%s (%s) on %s (%s) has a contrast of %.2f:1; WCAG AA asks for %.1f:1 for text",
			 pairs[i].fg, fg, pairs[i].bg, bg, shown, THEME_CONTRAST_MIN);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "pair", name);
		cJSON_AddStringToObject(o, "foreground", pairs[i].fg);
		cJSON_AddStringToObject(o, "background", pairs[i].bg);
		cJSON_AddStringToObject(o, "foregroundColor", fg);
		cJSON_AddStringToObject(o, "backgroundColor", bg);
		cJSON_AddNumberToObject(o, "ratio", shown);
		cJSON_AddNumberToObject(o, "minimum", THEME_CONTRAST_MIN);
		cJSON_AddStringToObject(o, "message", msg);
		cJSON_AddItemToArray(w, o);
	}
	return w;
}

/* ---- starters: each looks clearly different, and every one passes AA ---- */
static const struct starter {
	const char *id, *name, *description, *json;
} starters[] = {
	{ "trail", "Trail", "Forest green and rust on warm paper, rounded cards and pill buttons (the demo's look).",
	  "{\"name\":\"Trail\"}" },
	{ "atelier", "Atelier",
	  "Black and ivory with a burgundy accent, EB Garamond headings, square corners, a centred header and room to breathe.",
	  "{\"name\":\"Atelier\",\"primaryColor\":\"#111111\",\"accentColor\":\"#8c1c3a\",\"backgroundColor\":\"#fffdf8\","
	  "\"surfaceColor\":\"#ffffff\",\"subtleColor\":\"#f3efe6\",\"textColor\":\"#161616\",\"mutedColor\":\"#585858\","
	  "\"borderColor\":\"#e4ded2\",\"onPrimaryColor\":\"#ffffff\",\"onAccentColor\":\"#ffffff\","
	  "\"headerBackgroundColor\":\"#fffdf8\",\"headerTextColor\":\"#111111\",\"footerBackgroundColor\":\"#111111\","
	  "\"footerTextColor\":\"#f3efe6\",\"font\":\"system-serif\",\"headingFont\":\"eb-garamond\",\"radius\":0,"
	  "\"buttonShape\":\"square\",\"spacing\":\"roomy\",\"headerLayout\":\"centered\",\"footerLayout\":\"centered\"}" },
	{ "midnight", "Midnight",
	  "A dark store: deep navy with electric teal and amber, Inter throughout, soft large corners.",
	  "{\"name\":\"Midnight\",\"primaryColor\":\"#5eead4\",\"accentColor\":\"#fbbf24\",\"backgroundColor\":\"#0b1020\","
	  "\"surfaceColor\":\"#151c33\",\"subtleColor\":\"#1e2742\",\"textColor\":\"#e8ecf7\",\"mutedColor\":\"#a9b3cc\","
	  "\"borderColor\":\"#2a3456\",\"onPrimaryColor\":\"#04201c\",\"onAccentColor\":\"#1f1400\","
	  "\"headerBackgroundColor\":\"#0b1020\",\"headerTextColor\":\"#e8ecf7\",\"footerBackgroundColor\":\"#050814\","
	  "\"footerTextColor\":\"#c9d1e6\",\"font\":\"inter\",\"headingFont\":\"inter\",\"radius\":20,"
	  "\"buttonShape\":\"rounded\",\"spacing\":\"normal\",\"headerLayout\":\"inline\",\"footerLayout\":\"columns\"}" },
	{ "market", "Market",
	  "Bold cobalt and tomato on white, League Spartan headings, tight spacing and a compact header: a busy shop.",
	  "{\"name\":\"Market\",\"primaryColor\":\"#1d4ed8\",\"accentColor\":\"#c2410c\",\"backgroundColor\":\"#ffffff\","
	  "\"surfaceColor\":\"#ffffff\",\"subtleColor\":\"#eef2ff\",\"textColor\":\"#0f172a\",\"mutedColor\":\"#475569\","
	  "\"borderColor\":\"#dbe1ea\",\"onPrimaryColor\":\"#ffffff\",\"onAccentColor\":\"#ffffff\","
	  "\"headerBackgroundColor\":\"#1d4ed8\",\"headerTextColor\":\"#ffffff\",\"footerBackgroundColor\":\"#0f172a\","
	  "\"footerTextColor\":\"#e2e8f0\",\"font\":\"system-sans\",\"headingFont\":\"league-spartan\",\"radius\":6,"
	  "\"buttonShape\":\"rounded\",\"spacing\":\"compact\",\"headerLayout\":\"minimal\",\"footerLayout\":\"minimal\"}" },
};

cJSON *theme_starter(const char *id)
{
	for (size_t i = 0; i < ARRAY_LEN(starters); i++)
		if (strcmp(starters[i].id, id) == 0) return theme_resolve(starters[i].json);
	return NULL;
}

cJSON *theme_starters(void)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < ARRAY_LEN(starters); i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", starters[i].id);
		cJSON_AddStringToObject(o, "name", starters[i].name);
		cJSON_AddStringToObject(o, "description", starters[i].description);
		cJSON_AddItemToObject(o, "theme", theme_resolve(starters[i].json));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *theme_fonts(void)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < ARRAY_LEN(fonts); i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", fonts[i].id);
		cJSON_AddStringToObject(o, "name", fonts[i].name);
		cJSON_AddStringToObject(o, "stack", fonts[i].stack);
		cJSON_AddBoolToObject(o, "selfHosted", fonts[i].self_hosted);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

const char *theme_font_stack(const char *font)
{
	const struct font *f = font_of(font);
	return f ? f->stack : font;
}

cJSON *theme_public(const cJSON *theme)
{
	cJSON *t = cJSON_Duplicate(theme, 1);
	cJSON_AddStringToObject(t, "fontStack", theme_font_stack(str_of(theme, "font")));
	cJSON_AddStringToObject(t, "headingFontStack", theme_font_stack(str_of(theme, "headingFont")));
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(theme, "radius");
	int rad = cJSON_IsNumber(rv) ? (int)rv->valuedouble : 14;
	const char *shape = str_of(theme, "buttonShape"), *spacing = str_of(theme, "spacing");
	char b[24];
	cJSON *css = cJSON_AddObjectToObject(t, "css");
	snprintf(b, sizeof b, "%dpx", (rad * 4 + 3) / 7);
	cJSON_AddStringToObject(css, "radiusSm", b);
	snprintf(b, sizeof b, "%dpx", rad);
	cJSON_AddStringToObject(css, "radius", b);
	snprintf(b, sizeof b, "%dpx", (rad * 10 + 3) / 7);
	cJSON_AddStringToObject(css, "radiusLg", b);
	cJSON_AddStringToObject(css, "buttonRadius", !strcmp(shape, "square") ? "0" :
				!strcmp(shape, "rounded") ? "var(--radius-sm)" : "999px");
	cJSON_AddStringToObject(css, "spaceScale", !strcmp(spacing, "compact") ? ".72" : !strcmp(spacing, "roomy") ? "1.3" : "1");
	/* Form controls and scrollbars follow a dark background. */
	unsigned char bg[3];
	int dark = theme_colour(str_of(theme, "backgroundColor"), bg) && theme_luminance(bg) < 0.2;
	cJSON_AddStringToObject(css, "colorScheme", dark ? "dark" : "light");
	/* Stock and error text, readable on either kind of background. */
	cJSON_AddStringToObject(css, "success", dark ? "#4ade80" : "#2e7d4f");
	cJSON_AddStringToObject(css, "danger", dark ? "#f87171" : "#b3261e");
	return t;
}

/* ---- the store's copies ---- */

static char *print(const cJSON *t)
{
	return cJSON_PrintUnformatted(t);
}

cJSON *theme_draft(int64_t tid, const char *live_json, int64_t *version, int *unpublished)
{
	sqlite3_stmt *st = db_stmt("SELECT draft_json, version FROM themes WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	cJSON *draft = NULL;
	*version = 0;
	if (db_step(st) == SQLITE_ROW) {
		draft = theme_resolve(db_text(st, 0));
		*version = db_int(st, 1);
	}
	db_reset(st);
	cJSON *live = theme_resolve(live_json);
	if (!draft) draft = cJSON_Duplicate(live, 1);
	char *a = print(draft), *b = print(live);
	*unpublished = strcmp(a, b) != 0;
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(live);
	return draft;
}

int theme_draft_save(int64_t tid, const cJSON *theme, int64_t version, int64_t user)
{
	char *j = print(theme);
	sqlite3_stmt *st;
	if (version == 0) {
		st = db_stmt("INSERT INTO themes(tenant_id, draft_json, version, updated_at, updated_by) "
			     "VALUES(:t, :j, 1, strftime('%s','now'), :u) ON CONFLICT(tenant_id) DO NOTHING");
	} else {
		st = db_stmt("UPDATE themes SET draft_json = :j, version = version + 1, updated_at = strftime('%s','now'), "
			     "updated_by = :u WHERE tenant_id = :t AND version = :v");
		db_bind_int(st, ":v", version);
	}
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":j", j);
	if (user) db_bind_int(st, ":u", user);
	else db_bind_null(st, ":u");
	int rc = db_run(st);
	cJSON_free(j);
	if (rc < 0) return -1;
	return db_changes() == 1 ? 1 : 0;
}

char *theme_live_json(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT theme_json FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	char *s = xstrdup(db_step(st) == SQLITE_ROW ? db_text(st, 0) : "{}");
	db_reset(st);
	return s;
}

int theme_publish(int64_t tid, const cJSON *theme, int64_t user)
{
	char *j = print(theme);
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET theme_json = :j, updated_at = strftime('%s','now') WHERE id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":j", j);
	int rc = db_run(st);
	if (rc == 0) {
		/* The draft row records the publish (and holds the draft from now on). */
		st = db_stmt("INSERT INTO themes(tenant_id, draft_json, version, updated_at, updated_by, published_at, published_by) "
			     "VALUES(:t, :j, 1, strftime('%s','now'), :u, strftime('%s','now'), :u) "
			     "ON CONFLICT(tenant_id) DO UPDATE SET published_at = excluded.published_at, "
			     "published_by = excluded.published_by");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":j", j);
		if (user) db_bind_int(st, ":u", user);
		else db_bind_null(st, ":u");
		rc = db_run(st);
	}
	cJSON_free(j);
	return rc;
}

int64_t theme_published_at(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT coalesce(published_at, 0) FROM themes WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int64_t at = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return at;
}
