/* sandbox: untrusted vibe code runs in a child process. At start-up, before
 * the database is opened or any request read, the worker forks a zygote
 * that holds nothing but a control socket. For each page the worker asks
 * it for a child; the child gets its own socket, rlimits, a seccomp
 * allow-list (read/write its socket, memory, exit) and a CPU timer that
 * kills it, renders the page's blocks one by one (a fresh MuJS state each),
 * and exits when the page is done. The worker enforces a wall-clock limit
 * and learns from the zygote how a dead child died. */
#ifndef SANDBOX_H
#define SANDBOX_H
#include "vibe.h"
#include <sys/types.h>

/* Fork the zygote. Call before opening the database. 0 or -1. */
int sbx_start(void);
int sbx_available(void);
/* True once the zygote is gone: the worker should exit after this request
 * (a fresh worker makes a fresh zygote; this one holds tenant data now). */
int sbx_broken(void);

typedef struct sbx_page {
	int fd;                 /* our end of the child's socket, -1 = none */
	pid_t pid;
	int blocks;             /* rendered by the current child */
} sbx_page;

void sbx_page_init(sbx_page *p);
/* Render one block in the page's child (spawned on first use, respawned
 * after a child that broke a limit). Same contract as vibe_render_json. */
int sbx_render(sbx_page *p, const char *code, const vibe_entry *entry, const char *inputs_json,
	       sbuf *out, vibe_error *err);
void sbx_page_end(sbx_page *p);

/* Timing of the last sbx_render, microseconds (for the benchmark). */
typedef struct sbx_timing { long spawn, send, wait; } sbx_timing;
extern sbx_timing sbx_last;
#endif
