/* backup: whole-installation durability (doc/scale.md "Backups"). An
 * online backup of the open database through SQLite's backup API, copied
 * in steps of backup_step_pages from one read snapshot (held for the whole
 * copy, so writers go on through the WAL and the copy never restarts; no
 * write lock is taken), checked (quick_check) and renamed into place; the
 * media directory beside it (FILE.media/, hard links where it can: the
 * files are content-addressed and never change). Restore is the reverse
 * into a new (or, with force, the live) database. --auto names backups by
 * time under backup_dir and keeps the newest backup_keep; the deliverer
 * starts one every backup_interval seconds. */
#ifndef BACKUP_H
#define BACKUP_H
#include <stddef.h>

/* Back the open database up to path (which must not
 * exist), and the media library's files. 0 with *pages, *steps and *media (files), or -1 with err. */
int backup_run(const char *path, long *pages, long *steps, long *media, char *err, size_t errlen);
/* A backup under backup_dir named by the time, then the retention rule:
 * the newest backup_keep stay. path_out gets the file's name. */
int backup_auto(char *path_out, size_t n, char *err, size_t errlen);
/* When the newest automatic backup is older than backup_interval (and
 * the interval is set): 1, else 0. */
int backup_due(void);
/* Restore path (a backup) into the database at dbpath and its media into
 * the media directory. An existing database is refused unless force (then it is
 * overwritten in place through the backup API, under its write lock). */
int backup_restore(const char *path, const char *dbpath, int force, long *media, char *err, size_t errlen);
/* backup_dir ("" -> backups/ beside the database) and the media
 * library's directory (media/ beside the database). */
void backup_dir_path(char *out, size_t n);
void media_dir_path(char *out, size_t n);
#endif
