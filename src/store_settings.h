/* store_settings: a store's commerce settings, the JSON object of
 * commerce_settings.settings_json merged over the defaults: shipping
 * methods, tax, payment methods, notifyEmail, timeZone, posWebhook and the
 * gateway's keys. Owns reading them, checking an admin PUT, and keeping
 * the secrets write-only (masked when shown). No HTTP here. */
#ifndef STORE_SETTINGS_H
#define STORE_SETTINGS_H
#include "commerce.h"
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Settings of a store merged over the defaults (caller deletes). */
cJSON *com_settings(int64_t tid);
/* The same with every secret (posWebhook.secret, stripe.secretKey,
 * stripe.webhookSecret) masked: what the admin API shows. Secrets are
 * write-only; nobody reads them back through the API. */
cJSON *com_settings_masked(int64_t tid);
/* The masked form of a secret into out: "" for none, else the secret's
 * prefix such as "sk_test_" (when long enough to keep), an ellipsis and
 * the last 4 characters (only for secrets of 16 or more bytes). */
void com_secret_mask(const char *secret, char *out, size_t n);
/* Before an admin PUT replaces stored keys: in each given object holding a
 * secret, a missing secret or the masked value GET showed keeps the stored
 * secret (a client may GET, change one field and PUT the whole object).
 * NULL when fine, else a message and the field in *field. */
const char *com_settings_keep_secrets(cJSON *given, const cJSON *stored, const char **field);
/* The store's time zone setting (timeZone, default "UTC"; tenant 0: UTC)
 * into out, for the vibe sandbox's local-time Date. */
void com_time_zone(int64_t tid, char *out, size_t n);
/* Check a settings object (admin PUT); NULL when fine, else a message and
 * the offending field in *field. */
const char *com_settings_problem(const cJSON *s, const char **field);
/* Find a shipping method by id in settings: 0 found. */
int com_ship_find(const cJSON *settings, const char *id, com_ship *out);
/* 1 when payment method m (manual, stripe) is enabled in settings. */
int com_method_enabled(const cJSON *settings, const char *m);
#endif
