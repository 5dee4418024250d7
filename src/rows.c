/* rows: SQLite rows as the API's JSON (see rows.h). */
#include "rows.h"
#include "db.h"
#include "util.h"
#include <stdio.h>

cJSON *row_all(sqlite3_stmt *st, row_fn fn)
{
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, fn(st));
	db_reset(st);
	return a;
}

cJSON *row_one(sqlite3_stmt *st, row_fn fn)
{
	cJSON *o = db_step(st) == SQLITE_ROW ? fn(st) : NULL;
	db_reset(st);
	return o;
}

void row_add_id(cJSON *o, const char *key, int64_t id)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)id);
	cJSON_AddStringToObject(o, key, b);
}

void row_add_time(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
	if (db_isnull(st, col)) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	char ts[32];
	iso8601(db_int(st, col), ts);
	cJSON_AddStringToObject(o, key, ts);
}

cJSON *row_json_text(const char *text, int array)
{
	cJSON *j = cJSON_Parse(text ? text : "");
	if (!j || (array ? !cJSON_IsArray(j) : !cJSON_IsObject(j))) {
		cJSON_Delete(j);
		j = array ? cJSON_CreateArray() : cJSON_CreateObject();
	}
	return j;
}

cJSON *row_json(sqlite3_stmt *st, int col, int array)
{
	return row_json_text(db_text(st, col), array);
}
