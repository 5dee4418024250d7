/* tenantfile: one store as one SQLite file (doc/scale.md, "One store as one
 * file"). Export writes every row of one store from one read snapshot while
 * the store stays live: every table with a tenant_id column, found in the
 * schema (sqlite_schema, pragma table_info / foreign_key_list), so a table
 * added by a later migration travels without being named here, plus the
 * child tables a rule names. Import loads such a file into this database
 * under a new tenant id with every id remapped (each table's ids shifted
 * past this database's, foreign keys followed, ids without a foreign key
 * and ids inside JSON by the rules), refuses a file from a newer schema,
 * and checks each table's row count and checksum before it commits.
 *
 * The rules (tf_rules in tenantfile.c) say what the schema cannot: tables
 * that are not a store's data, child tables reached through a parent,
 * columns holding ids without a foreign key. tf_rule_problems() lists every
 * table or id-like column the rules and the schema leave unexplained; the
 * test of the export fails while the list is not empty. */
#ifndef TENANTFILE_H
#define TENANTFILE_H
#include <stdint.h>
#include <stddef.h>
#include <cJSON.h>

/* The file's format name (its _export_meta 'format'). */
#define TF_FORMAT "storefront-tenant-export/1"

/* Write the store's rows to path (which must not exist; written as
 * path.tmp, renamed when complete). 0 with *report {username, tables:
 * {name: {rows, checksum}}, files}, or -1 with err. */
int tf_export(const char *username, const char *path, cJSON **report, char *err, size_t errlen);

/* Load an exported file as a new store named as_username (NULL: the
 * file's). One transaction: all or nothing. 0 with *report {username,
 * tenantId, tables: {name: {rows, checksum, offset}}}, or -1 with err; *taken
 * is set when the username is a live store's here. */
int tf_import(const char *path, const char *as_username, cJSON **report, int *taken, char *err, size_t errlen);

/* Tables and id-like columns (…_id, …_by) that neither a tenant_id, a
 * foreign key nor a rule explains: a JSON array of strings, empty when
 * every table of the schema is accounted for. */
cJSON *tf_rule_problems(void);

/* Open (seconds > 0) or close (0) a store's read-only window: until then
 * its writes answer 503 with Retry-After. 0, or -1 (no such store / storage). */
int tf_read_only(const char *username, long seconds, char *err, size_t errlen);
#endif
