/* theme: a store's look. Owns the theme's fields (colours, fonts, radius,
 * spacing, button shape, logo, favicon, header and footer layouts), their
 * checks (`theme_problem`), the defaults (the stylesheet's own look), the
 * WCAG contrast of every text/background pair, the starter themes, the
 * font catalogue (system stacks and the self-hosted fonts under
 * htdocs/fonts), and the store's two copies: the draft (themes table) and
 * the published one (tenants.theme_json, which every request already
 * loads). No HTTP here. */
#ifndef THEME_H
#define THEME_H
#include <cJSON.h>
#include <stdint.h>
#include "util.h"

/* WCAG AA for normal text: the ratio every pair is held to. */
#define THEME_CONTRAST_MIN 4.5

/* The stored JSON text of a theme (NULL or "" allowed) as a full theme:
 * every field, each a checked value; missing or invalid stored values are
 * the defaults. Caller deletes. Only such values reach the <style>. */
cJSON *theme_resolve(const char *json);
/* A checked theme body (keys of a PUT, with "version" ignored): NULL when
 * fine, else the problem and the field in *field (unknown keys too). A
 * null value resets that field to its default. */
const char *theme_problem(const cJSON *body, const char **field);
/* base (a full theme) with body's fields over it (null: the default),
 * colours normalised to lower-case #rrggbb. Caller deletes. */
cJSON *theme_merge(const cJSON *base, const cJSON *body);

/* A colour "#rgb" or "#rrggbb": 1 and its sRGB bytes, else 0. */
int theme_colour(const char *s, unsigned char rgb[3]);
/* WCAG 2 relative luminance of sRGB bytes, 0..1. */
double theme_luminance(const unsigned char rgb[3]);
/* WCAG 2 contrast ratio of two colours (1..21), 0 when either is not a colour. */
double theme_contrast(const char *fg, const char *bg);
/* Every text/background pair of a full theme under THEME_CONTRAST_MIN:
 * [{pair, foreground, background, foregroundColor, backgroundColor, ratio,
 * minimum, message}]. Caller deletes. */
cJSON *theme_warnings(const cJSON *theme);

/* The starter themes: [{id, name, description, theme}] (full themes). */
cJSON *theme_starters(void);
/* One starter's full theme, or NULL when there is no such id. */
cJSON *theme_starter(const char *id);
/* The font catalogue: [{id, name, stack, selfHosted}]. */
cJSON *theme_fonts(void);
/* A font field's CSS font-family list: a catalogue id's stack, or the
 * value itself (a checked custom stack). */
const char *theme_font_stack(const char *font);

/* What the shell and vibe code get: the full theme plus the derived values
 * fontStack, headingFontStack and css {radiusSm, radius, radiusLg,
 * buttonRadius, spaceScale, colorScheme, success, danger}. Caller deletes. */
cJSON *theme_public(const cJSON *theme);

/* ---- the store's copies (each binds the tenant) ---- */
/* The draft (a full theme; the live one when never drafted), its version
 * (0 when never saved) and whether it differs from the live one. */
cJSON *theme_draft(int64_t tid, const char *live_json, int64_t *version, int *unpublished);
/* Store the draft when its version is still `version` (0: never saved).
 * 1 saved, 0 stale version, -1 storage error. Inside the caller's transaction. */
MUST_USE int theme_draft_save(int64_t tid, const cJSON *theme, int64_t version, int64_t user);
/* The live theme's stored text now (caller frees), for a fresh read in a transaction. */
char *theme_live_json(int64_t tid);
/* The draft becomes the live theme (tenants.theme_json). 0, or -1.
 * Inside the caller's transaction; the caller bumps the content version. */
MUST_USE int theme_publish(int64_t tid, const cJSON *theme, int64_t user);
/* Unix time of the last publish, 0 for never. */
int64_t theme_published_at(int64_t tid);
#endif
