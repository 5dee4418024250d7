/* sandbox: untrusted vibe code runs in a child process. At start-up, before
 * the database is opened or any request read, the worker forks a zygote
 * that holds nothing but a control socket. For each page the worker asks
 * it for a child; the child gets its own socket, rlimits, the store's
 * time zone, a seccomp allow-list (read/write its socket, memory, exit)
 * and a CPU timer that kills it, renders the page's blocks one by one (a
 * fresh MuJS state each), and exits when the page is done. The worker enforces a wall-clock limit
 * and learns from the zygote how a dead child died. A page's end asks the
 * zygote for the next spare ahead (read when a page needs a fresh child),
 * so no page waits for the zygote; a store's kept child keeps its blocks
 * compiled with their inputs (vibe.h, vibe_cache_enable). */
#ifndef SANDBOX_H
#define SANDBOX_H
#include "vibe.h"
#include <sys/types.h>

/* Fork the zygote (a few tries). Call before opening the database, and
 * never again: a zygote forked later would copy tenant data into every
 * render child. 0, or -1 and the sandbox counts as broken. */
int sbx_start(void);
/* The zygote is there (checked without waiting). Without it nothing
 * renders: every block fails with kind "sandbox"; nothing falls back to
 * rendering in-process. */
int sbx_available(void);
/* True once the zygote is gone or could not start: the worker should exit
 * after this request (a fresh worker makes a fresh zygote; this one holds
 * tenant data now). */
int sbx_broken(void);
/* At exit: end the zygote and its children and reap it. */
void sbx_stop(void);

#define SBX_MAX_JOBS 64     /* blocks per page */
#define SBX_TZ_MAX 64       /* a time zone name, NUL included */
#define SBX_RULE_MAX 128    /* its POSIX TZ rule */

typedef struct sbx_job { sbuf frame; } sbx_job;

/* One page's child. Blocks are submitted in order (the child starts on the
 * first while the worker prepares the next) and collected in order. */
typedef struct sbx_page {
	int fd;                 /* our end of the child's socket, -1 = none */
	pid_t pid;
	sbuf outq;              /* frames not yet written to the child */
	size_t outpos;
	sbuf inbuf;             /* answers read, not yet collected */
	sbx_job jobs[SBX_MAX_JOBS];
	int njobs, collected;
	int64_t tenant;
	char tz[SBX_TZ_MAX];    /* the store's time zone, for local-time Date */
	char rule[SBX_RULE_MAX];   /* the same as a POSIX TZ rule, for the child */
	int pages;              /* pages this child has rendered */
	struct sbx_timing *timing;  /* NULL unless sbx_page_measure: nobody measures */
	vibe_timing *vibe;
} sbx_page;

/* Start a page for a store in its time zone (an IANA name such as
 * "Europe/Berlin", checked by tz_problem; NULL or "" = UTC): reuses the
 * child of the store's previous page when it is still alive and in the
 * same zone (any other child is killed first). A child takes the zone
 * (as the POSIX rule from the end of its zone file) with its first block
 * and keeps it. */
void sbx_page_init(sbx_page *p, int64_t tenant, const char *tz);
/* Kill the kept child (as a page of another store would). */
void sbx_drop_kept(void);
/* Queue a block; returns its index (for sbx_collect) or -1 when the page
 * has too many blocks. */
int sbx_submit(sbx_page *p, const char *code, const vibe_entry *entry, const char *inputs_json);
/* The block's result, in submission order. Same contract as
 * vibe_render_json; a child that broke a limit is replaced and the blocks
 * after it go to the new one. */
int sbx_collect(sbx_page *p, int i, sbuf *out, vibe_error *err);
/* submit + collect */
int sbx_render(sbx_page *p, const char *code, const vibe_entry *entry, const char *inputs_json,
	       sbuf *out, vibe_error *err);
void sbx_page_end(sbx_page *p);

/* Where a page's time went in the sandbox, microseconds, added up over
 * its blocks: forking a child, sending, waiting for answers. */
typedef struct sbx_timing { long spawn, send, wait; } sbx_timing;
/* Measure the page from now on (the benchmark): its spawn, send and wait
 * are added to *st and each block's compile, data and run (as the child
 * measured them) to *vt. Either may be NULL. */
void sbx_page_measure(sbx_page *p, sbx_timing *st, vibe_timing *vt);
#endif
