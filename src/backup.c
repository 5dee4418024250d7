/* backup: online backups and restores of the whole installation (see backup.h). */
#include "backup.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AUTO_PREFIX "storefront-"

static void beside_db(char *out, size_t n, const char *name)
{
	const char *slash = strrchr(cfg.db, '/');
	if (slash) snprintf(out, n, "%.*s/%s", (int)(slash - cfg.db), cfg.db, name);
	else snprintf(out, n, "%s", name);
}

void backup_dir_path(char *out, size_t n)
{
	if (cfg.backup_dir[0]) snprintf(out, n, "%s", cfg.backup_dir);
	else beside_db(out, n, "backups");
}

/* The media library's directory (media_dir, doc/media.md). */
void media_dir_path(char *out, size_t n)
{
	snprintf(out, n, "%s", cfg.media_dir);
}

static int copy_file(const char *from, const char *to)
{
	if (link(from, to) == 0) return 0;      /* content-addressed: never rewritten in place */
	size_t n;
	char *d = file_read(from, &n);
	if (!d) return -1;
	int rc = file_write(to, d, n);
	free(d);
	return rc;
}

/* Copy the tree from -> to (to created); files that exist in to are kept
 * (the same name is the same content). Counts files copied. */
static int copy_tree(const char *from, const char *to, long *files, char *err, size_t errlen)
{
	DIR *d = opendir(from);
	if (!d) return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s", from), -1);
	if (mkdir(to, 0750) < 0 && errno != EEXIST) {
		closedir(d);
		snprintf(err, errlen, "cannot create %s", to);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		char a[4096], b[4096];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		struct stat st;
		if (lstat(a, &st) < 0) continue;
		if (S_ISDIR(st.st_mode)) rc = copy_tree(a, b, files, err, errlen);
		else if (S_ISREG(st.st_mode) && access(b, F_OK) != 0) {
			if (copy_file(a, b) < 0) { snprintf(err, errlen, "cannot copy %s", a); rc = -1; }
			else (*files)++;
		}
	}
	closedir(d);
	return rc;
}

static int quick_check(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int ok = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
		sqlite3_finalize(st);
	}
	if (!ok) snprintf(err, errlen, "the copy fails its integrity check");
	return ok ? 0 : -1;
}

/* Copy src's main into dst's main in steps; the source is read from the
 * snapshot of the read transaction the caller holds on it (if any). */
static int copy_db(sqlite3 *dst, sqlite3 *src, long *pages, long *steps, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) { snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst)); return -1; }
	int rc;
	long step = cfg.backup_step_pages > 0 ? cfg.backup_step_pages : 256;
	*steps = 0;
	while (++*steps, (rc = sqlite3_backup_step(b, (int)step)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (rc != SQLITE_OK) usleep(10000);   /* the destination was busy: wait, go on */
	}
	*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup step: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int backup_run(const char *path, long *pages, long *steps, long *media, char *err, size_t errlen)
{
	*pages = *steps = *media = 0;
	if (access(path, F_OK) == 0) { snprintf(err, errlen, "%s exists already", path); return -1; }
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	sqlite3 *dst;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	/* One read snapshot for the whole copy: writers go on (WAL), the
	 * copy never restarts, no write lock is taken. */
	int rc = -1;
	if (db_begin(0) < 0 || db_exec("SELECT count(*) FROM sqlite_schema") < 0) {
		snprintf(err, errlen, "cannot begin the read: %s", db_errmsg());
	} else if (copy_db(dst, db_handle(), pages, steps, err, errlen) == 0) {
		rc = 0;
	}
	if (db_in_tx()) db_rollback();
	if (rc == 0) rc = quick_check(dst, err, errlen);
	/* the copy is a whole file on its own: no WAL beside it */
	if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		rc = -1;
	}
	sqlite3_close(dst);
	if (rc == 0) {
		int fd = open(tmp, O_RDONLY);
		if (fd >= 0) { fsync(fd); close(fd); }
		if (rename(tmp, path) < 0) { snprintf(err, errlen, "cannot rename %s", tmp); rc = -1; }
	}
	if (rc < 0) { unlink(tmp); return -1; }
	char mdir[1100], to[4300];
	media_dir_path(mdir, sizeof mdir);
	snprintf(to, sizeof to, "%s.media", path);
	if (access(mdir, F_OK) == 0 && copy_tree(mdir, to, media, err, errlen) < 0) return -1;
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void rm_tree(const char *p)
{
	DIR *d = opendir(p);
	if (!d) { unlink(p); return; }
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
		char c[4096];
		snprintf(c, sizeof c, "%s/%s", p, e->d_name);
		rm_tree(c);
	}
	closedir(d);
	rmdir(p);
}

/* The automatic backups under dir, oldest first (names sort by time). */
static char **auto_list(const char *dir, int *n)
{
	*n = 0;
	char **v = NULL;
	DIR *d = opendir(dir);
	if (!d) return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, AUTO_PREFIX, strlen(AUTO_PREFIX)) != 0 || !str_endswith(e->d_name, ".db")) continue;
		v = xrealloc(v, (size_t)(*n + 1) * sizeof *v);
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n) qsort(v, (size_t)*n, sizeof *v, cmp_str);
	return v;
}

int backup_auto(char *path_out, size_t n, char *err, size_t errlen)
{
	char dir[1100];
	backup_dir_path(dir, sizeof dir);
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) { snprintf(err, errlen, "cannot create %s", dir); return -1; }
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
	snprintf(path_out, n, "%s/" AUTO_PREFIX "%s.%03ldZ.db", dir, stamp, ts.tv_nsec / 1000000);
	long pages, steps, media;
	if (backup_run(path_out, &pages, &steps, &media, err, errlen) < 0) return -1;
	int cnt;
	char **v = auto_list(dir, &cnt);
	long keep = cfg.backup_keep > 0 ? cfg.backup_keep : 1;
	for (int i = 0; i < cnt; i++) {
		if (i < cnt - keep) {
			char p[4300];
			snprintf(p, sizeof p, "%s/%s", dir, v[i]);
			unlink(p);
			snprintf(p, sizeof p, "%s/%s.media", dir, v[i]);
			rm_tree(p);
		}
		free(v[i]);
	}
	free(v);
	return 0;
}

int backup_due(void)
{
	if (cfg.backup_interval <= 0) return 0;
	char dir[1100];
	backup_dir_path(dir, sizeof dir);
	int cnt;
	char **v = auto_list(dir, &cnt);
	int due = 1;
	if (cnt) {
		char p[4300];
		snprintf(p, sizeof p, "%s/%s", dir, v[cnt - 1]);
		struct stat st;
		if (stat(p, &st) == 0 && time(NULL) - st.st_mtime < cfg.backup_interval) due = 0;
	}
	for (int i = 0; i < cnt; i++) free(v[i]);
	free(v);
	return due;
}

int backup_restore(const char *path, const char *dbpath, int force, long *media, char *err, size_t errlen)
{
	*media = 0;
	sqlite3 *src;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(src));
		sqlite3_close(src);
		return -1;
	}
	int rc = quick_check(src, err, errlen);
	if (rc == 0 && access(dbpath, F_OK) == 0 && !force) {
		snprintf(err, errlen, "%s exists: restore into a new place, or add --force to overwrite it", dbpath);
		rc = -1;
	}
	if (rc == 0) {
		/* Into the database's own place through the backup API: a live
		 * database's other connections see the restored content (the copy
		 * holds its write lock while it runs). */
		sqlite3 *dst;
		if (sqlite3_open_v2(dbpath, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "cannot open %s: %s", dbpath, sqlite3_errmsg(dst));
			rc = -1;
		} else {
			sqlite3_busy_timeout(dst, DB_BUSY_MS);
			long pages, steps;
			rc = copy_db(dst, src, &pages, &steps, err, errlen);
			if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
				snprintf(err, errlen, "restore: %s", sqlite3_errmsg(dst));
				rc = -1;
			}
			if (rc == 0) rc = quick_check(dst, err, errlen);
		}
		sqlite3_close(dst);
	}
	sqlite3_close(src);
	if (rc < 0) return -1;
	char from[4300], mdir[1100];
	snprintf(from, sizeof from, "%s.media", path);
	media_dir_path(mdir, sizeof mdir);
	if (access(from, F_OK) == 0 && copy_tree(from, mdir, media, err, errlen) < 0) return -1;
	return 0;
}
