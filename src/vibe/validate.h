/* validate: the seed's CodeValidationResult {isValid, errors, warnings,
 * securityIssues} for a block's vibe code, each item {line, column,
 * message}: size, syntax, entry point and parameter names, forbidden
 * features, then a dry run against sample data (templates/vibe/sample.json)
 * in the sandbox under the block's limits. Used by POST /api/cms/validate,
 * block saves, publish and `storefront vibe check`. */
#ifndef VALIDATE_H
#define VALIDATE_H
#include "vibe.h"
#include <cJSON.h>
#include <stdint.h>

/* tenant: whose sandbox child may run the dry run (0 = a throwaway one);
 * data: inputs that replace the samples (e.g. the block's own config). */
cJSON *val_check(const char *code, int dry_run, int64_t tenant, const cJSON *data);
/* The first error of a result, for one-line messages; NULL when valid. */
const cJSON *val_first_error(const cJSON *result);
/* Sample inputs for the entry's parameters, with DATA's entries (may be
 * NULL) taking precedence: JSON text, caller frees with cJSON_free. */
char *val_sample_inputs(const vibe_entry *entry, const cJSON *data);
/* Render through the sandbox in time zone tz (NULL: UTC, as the dry run on
 * sample data does); without the sandbox the render fails (kind "sandbox"). */
int val_render(const char *code, const vibe_entry *entry, const char *inputs_json, int64_t tenant,
	       const char *tz, sbuf *out, vibe_error *err);
#endif
