/* admin_media: /api/cms/media -- upload (multipart/form-data, or the file
 * as the raw body with its name), list, get, edit (name, alt) and delete
 * the store's media library (doc/media.md). The checks and the files are
 * media.c's; the image work runs in the image helper, not here. */
#include "admin.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "input.h"
#include "media.h"
#include "quota.h"
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEDIA_NAME_MAX 255
#define MEDIA_ALT_MAX 1000
/* Room for the multipart framing around the file itself. */
#define MULTIPART_SLACK (64 << 10)

/* The last path segment of a client's file name, checked. */
static int take_name(req *r, const char *given, const char *field, char *out, size_t n)
{
	const char *b = given;
	for (const char *p = given; *p; p++) if (*p == '/' || *p == '\\') b = p + 1;
	const char *problem = !*b ? "must name the file (e.g. photo.jpg)"
			      : strlen(b) > MEDIA_NAME_MAX ? "must be at most 255 bytes"
			      : !utf8_valid(b, strlen(b)) ? "must be UTF-8" : control_problem(b);
	if (problem) { in_fail(r, field, "%s", problem); return -1; }
	memmove(out, b, strlen(b) < n ? strlen(b) + 1 : n);   /* given may be out itself */
	out[n - 1] = 0;
	return 0;
}

static int check_alt(req *r, const char *alt, const char *field)
{
	const char *problem = strlen(alt) > MEDIA_ALT_MAX ? "must be at most 1000 bytes"
			      : !utf8_valid(alt, strlen(alt)) ? "must be UTF-8" : control_problem(alt);
	if (problem) { in_fail(r, field, "%s", problem); return -1; }
	return 0;
}

static void too_large(req *r, long len)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "file");
	cJSON_AddNumberToObject(d, "limit", (double)cfg.media_max_bytes);
	if (len >= 0) cJSON_AddNumberToObject(d, "size", (double)len);
	http_error(r, 413, "payload_too_large", d, "the file is larger than %ld bytes, the most one upload may be",
		   cfg.media_max_bytes);
}

/* A media_prepare refusal as its answer. */
static void refuse(req *r, media_code c, const media_file *f)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "file");
	switch (c) {
	case MEDIA_UNSUPPORTED:
		cJSON_AddStringToObject(d, "accepted", "image/png, image/jpeg, image/webp, image/gif, image/avif, image/svg+xml");
		http_error(r, 415, "unsupported_media_type", d, "%s", f->message);
		break;
	case MEDIA_POLYGLOT:
		http_error(r, 415, "polyglot_file", d, "%s", f->message);
		break;
	case MEDIA_SVG_REFUSED:
		http_error(r, 415, "unsafe_svg", d, "%s", f->message);
		break;
	case MEDIA_TOO_MANY_PIXELS:
		if (f->width) cJSON_AddNumberToObject(d, "width", (double)f->width);
		if (f->height) cJSON_AddNumberToObject(d, "height", (double)f->height);
		cJSON_AddNumberToObject(d, "maxPixels", (double)cfg.media_max_pixels);
		http_error(r, 422, "too_many_pixels", d, "%s", f->message);
		break;
	case MEDIA_CORRUPT:
		http_error(r, 422, "unreadable_image", d, "%s", f->message);
		break;
	default:
		cJSON_Delete(d);
		http_error(r, 500, "storage_error", NULL, "the file was not saved: %s", f->message);
		break;
	}
}

/* Route: POST /api/cms/media -- multipart/form-data with a file part (and
 * optional name, alt fields), or the file itself as the body with
 * ?filename= (or Content-Disposition: attachment; filename=...) and
 * optional ?alt=. The type comes from the bytes. 201 with the item. */
void adm_media_upload(req *r)
{
	if (http_read_large_body(r, cfg.media_max_bytes + MULTIPART_SLACK) < 0) {
		too_large(r, r->content_length);
		return;
	}
	const char *ct = http_env(r, "CONTENT_TYPE");
	const unsigned char *data = NULL;
	size_t len = 0;
	char name[MEDIA_NAME_MAX + 1] = "", alt[MEDIA_ALT_MAX + 1] = "";
	if (ct && http_content_type_is(ct, "multipart/form-data")) {
		http_part parts[8];
		char err[160];
		int n = http_multipart(r, parts, 8, err, sizeof err);
		if (n < 0) { http_error(r, 400, "bad_request", NULL, "%s", err); return; }
		const http_part *file = NULL;
		for (int i = 0; i < n; i++) {
			if (parts[i].filename[0] && (!file || strcmp(parts[i].name, "file") == 0)) file = &parts[i];
			else if (!strcmp(parts[i].name, "alt") || !strcmp(parts[i].name, "name")) {
				char *dst = parts[i].name[0] == 'a' ? alt : name;
				size_t cap = parts[i].name[0] == 'a' ? sizeof alt : sizeof name;
				if (parts[i].len >= cap || memchr(parts[i].data, 0, parts[i].len)) {
					in_fail(r, parts[i].name, "must be at most %zu bytes of text", cap - 1);
					return;
				}
				memcpy(dst, parts[i].data, parts[i].len);
				dst[parts[i].len] = 0;
			}
		}
		if (!file) { in_fail(r, "file", "is missing: send the image as a part with a filename"); return; }
		data = (const unsigned char *)file->data;
		len = file->len;
		if (!name[0] && take_name(r, file->filename, "file", name, sizeof name) < 0) return;
		else if (name[0] && take_name(r, name, "name", name, sizeof name) < 0) return;
	} else {
		const char *fn = http_query(r, "filename");
		char disp[300];
		if (!fn && http_header_param(http_header_in(r, "Content-Disposition"), "filename", disp, sizeof disp)) fn = disp;
		if (!fn) {
			in_query_fail(r, "filename", "is required with a raw body (or send multipart/form-data)");
			return;
		}
		if (take_name(r, fn, "filename", name, sizeof name) < 0) return;
		const char *a = http_query(r, "alt");
		if (a) snprintf(alt, sizeof alt, "%s", a);
		data = (const unsigned char *)r->body.s;
		len = r->body.len;
	}
	if (check_alt(r, alt, "alt") < 0) return;
	if (len > (size_t)cfg.media_max_bytes) { too_large(r, (long)len); return; }
	if (!len || !data) { in_fail(r, "file", "is empty"); return; }
	if (quota_media_check(r, media_used_bytes(r->t.id), (int64_t)len) < 0) return;

	media_file f;
	media_code c = media_prepare(r->t.id, data, len, &f);
	if (c != MEDIA_OK) {
		refuse(r, c, &f);
		media_file_free(&f);
		return;
	}
	int64_t id = 0;
	if (db_begin(1) < 0) { media_file_free(&f); adm_fail(r, "the file"); return; }
	if (media_insert(r->t.id, &f, name, alt, NULL, &id) < 0 ||
	    audit_write(r, "media.create", "media", id, "create", NULL) < 0) {
		media_file_free(&f);
		adm_fail(r, "the file");
		return;
	}
	if (adm_commit(r) == 0) {
		cJSON *o = media_get_json(r->t.id, id);
		if (o && f.removed && cJSON_GetArraySize(f.removed)) {
			cJSON_AddItemToObject(o, "sanitized", f.removed);
			f.removed = NULL;
		}
		adm_send(r, 201, o, "media");
	}
	media_file_free(&f);
}

/* Route: GET /api/cms/media?limit=&offset=&kind=image|svg&q= -- newest
 * first; q finds name or alt text. {media, total, limit, offset} */
void adm_media_list(req *r)
{
	int64_t limit, offset, total = 0;
	if (in_query_limit(r, 50, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	const char *kind = http_query(r, "kind");
	if (kind && strcmp(kind, "image") && strcmp(kind, "svg")) {
		in_query_fail(r, "kind", "must be 'image' or 'svg'");
		return;
	}
	const char *q = http_query(r, "q");
	if (q && strlen(q) > 200) { in_query_fail(r, "q", "must be at most 200 bytes"); return; }
	cJSON *items = media_list_json(r->t.id, kind, q && *q ? q : NULL, limit, offset, &total);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "media", items);
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddNumberToObject(o, "limit", (double)limit);
	cJSON_AddNumberToObject(o, "offset", (double)offset);
	cJSON_AddNumberToObject(o, "usedBytes", (double)media_used_bytes(r->t.id));
	cJSON_AddNumberToObject(o, "quotaBytes", (double)quota_get(r->t.id, LIM_MEDIA_BYTES));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/media/{id} -- the item and where it is used */
void adm_media_get(req *r)
{
	cJSON *o = media_get_json(r->t.id, route_id(r, 0));
	if (o) cJSON_AddItemToObject(o, "usedBy", media_usage(r->t.id, route_id(r, 0)));
	adm_send(r, 200, o, "media");
}

/* Route: PUT /api/cms/media/{id} {name?, alt?} */
void adm_media_update(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "name", "alt", NULL };
	static const char *const readonly[] = { "id", "kind", "type", "mimeType", "sha256", "bytes", "width", "height",
						"url", "renditions", "sourceUrl", "createdAt", "updatedAt", "usedBy", NULL };
	const char *nm = NULL, *alt = NULL;
	char name[MEDIA_NAME_MAX + 1];
	if (in_known(r, b, fields, readonly) < 0 || in_str(r, b, "name", IN_OPTIONAL, MEDIA_NAME_MAX, &nm) < 0 ||
	    in_str(r, b, "alt", IN_OPTIONAL, MEDIA_ALT_MAX, &alt) < 0 ||
	    (nm && take_name(r, nm, "name", name, sizeof name) < 0) || (alt && check_alt(r, alt, "alt") < 0)) {
		cJSON_Delete(b);
		return;
	}
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { cJSON_Delete(b); adm_fail(r, "the media"); return; }
	int rc = media_update(r->t.id, id, nm ? name : NULL, alt);
	cJSON_Delete(b);
	if (rc < 0) { adm_fail(r, "the media"); return; }
	if (rc == 0) { db_rollback(); adm_not_found(r, "media"); return; }
	/* alt text shows on the store's pages */
	if (audit_write(r, "media.update", "media", id, "update", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the media");
		return;
	}
	if (adm_commit(r) == 0) adm_send(r, 200, media_get_json(r->t.id, id), "media");
}

/* Route: DELETE /api/cms/media/{id}?force=1 -- 409 naming where the item
 * is used (products, blocks, pages, posts, the theme) unless force=1,
 * which also takes it out of products, posts and the logo. */
void adm_media_delete(req *r)
{
	int64_t id = route_id(r, 0);
	const char *force = http_query(r, "force");
	if (force && strcmp(force, "0") && strcmp(force, "1")) { in_query_fail(r, "force", "must be 0 or 1"); return; }
	cJSON *uses = media_usage(r->t.id, id);
	if (!uses) { adm_not_found(r, "media"); return; }
	if (cJSON_GetArraySize(uses) > 0 && !(force && !strcmp(force, "1"))) {
		sbuf m = SBUF_INIT;
		const cJSON *u;
		int k = 0;
		cJSON_ArrayForEach(u, uses) {
			if (k++ >= 5) { sb_puts(&m, ", ..."); break; }
			const cJSON *kind = cJSON_GetObjectItemCaseSensitive(u, "kind"), *nm = cJSON_GetObjectItemCaseSensitive(u, "name");
			sb_printf(&m, "%s%s '%s'", k > 1 ? ", " : "", kind->valuestring, nm->valuestring);
		}
		cJSON *d = cJSON_CreateObject();
		cJSON_AddItemToObject(d, "usedBy", uses);
		http_error(r, 409, "in_use", d, "the file is used by %s; remove it there first, or delete with ?force=1", sb_str(&m));
		sb_free(&m);
		return;
	}
	cJSON_Delete(uses);
	char sha[65] = "";
	if (db_begin(1) < 0) { adm_fail(r, "the media"); return; }
	int rc = media_delete(r->t.id, id, sha);
	if (rc < 0) { adm_fail(r, "the media"); return; }
	if (rc == 0) { db_rollback(); adm_not_found(r, "media"); return; }
	if (audit_write(r, "media.delete", "media", id, "delete", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the media");
		return;
	}
	if (adm_commit(r) != 0) return;
	media_remove_files(r->t.id, sha);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}
