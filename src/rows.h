/* rows: SQLite rows as the API's JSON. Ids are strings, times ISO 8601
 * (or null), stored JSON columns parsed back (a broken one reads as empty),
 * and whole result sets built by a per-row function. */
#ifndef ROWS_H
#define ROWS_H
#include <cJSON.h>
#include <sqlite3.h>
#include <stdint.h>

typedef cJSON *(*row_fn)(sqlite3_stmt *st);

/* Every row through fn into an array; the statement is reset. */
cJSON *row_all(sqlite3_stmt *st, row_fn fn);
/* The first row through fn, or NULL; the statement is reset. */
cJSON *row_one(sqlite3_stmt *st, row_fn fn);

void row_add_id(cJSON *o, const char *key, int64_t id);
/* ISO 8601 of a unix-seconds column, or null when the column is NULL. */
void row_add_time(cJSON *o, const char *key, sqlite3_stmt *st, int col);
/* A JSON text column: an object (array when array != 0), empty if broken. */
cJSON *row_json(sqlite3_stmt *st, int col, int array);
cJSON *row_json_text(const char *text, int array);
#endif
