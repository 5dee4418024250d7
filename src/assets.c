/* assets: fingerprinted static file URLs (see assets.h). */
#include "assets.h"
#include "config.h"
#include "sha256.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEPT 8                  /* files linked from pages */

static struct kept { char path[64]; off_t size; time_t mtime; long mtime_ns; char hash[13]; } kept[KEPT];

const char *assets_url(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s", path);
	char file[2048];
	snprintf(file, sizeof file, "%s/htdocs%s", cfg.home, path);
	struct stat st;
	if (strlen(path) >= sizeof kept[0].path || stat(file, &st) < 0) return out;
	struct kept *k = NULL;
	for (int i = 0; i < KEPT && !k; i++)
		if (!strcmp(kept[i].path, path) || !kept[i].path[0]) k = &kept[i];
	if (!k) k = &kept[0];
	if (strcmp(k->path, path) || k->size != st.st_size || k->mtime != st.st_mtim.tv_sec ||
	    k->mtime_ns != st.st_mtim.tv_nsec) {
		size_t len;
		char *data = file_read(file, &len);
		if (!data) return out;
		unsigned char h[32];
		sha256(data, len, h);
		free(data);
		hex_encode(h, 6, k->hash);
		snprintf(k->path, sizeof k->path, "%s", path);
		k->size = st.st_size;
		k->mtime = st.st_mtim.tv_sec;
		k->mtime_ns = st.st_mtim.tv_nsec;
	}
	snprintf(out, n, "%s?v=%s", path, k->hash);
	return out;
}

cJSON *assets_json(void)
{
	static const char *const files[][2] = {
		{ "css", "/css/store.css" }, { "js", "/js/store.js" }, { "cartJs", "/js/cart.js" },
	};
	cJSON *o = cJSON_CreateObject();
	char url[256];
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		cJSON_AddStringToObject(o, files[i][0], assets_url(files[i][1], url, sizeof url));
	return o;
}
