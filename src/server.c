/* server: CGI or FastCGI request loop shared by storefront.fcgi and admin.cgi. */
#include "server.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "ops.h"
#include "pagecache.h"
#include "sandbox.h"
#include "util.h"

#include <fcgiapp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

void server_storage_error(req *r, const char *fmt, ...)
{
	int busy = db_busy();
	int fenced = db_fenced();
	if (db_in_tx()) db_rollback();
	sbuf m = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&m, fmt, ap);
	va_end(ap);
	if (fenced) {
		/* the read-only fence of a moving store (sql/015_pods.sql) */
		http_header(r, "Retry-After", "5");
		http_error(r, 503, "store_read_only", NULL, "this store is moving: %s; try again in a few seconds", sb_str(&m));
	} else if (busy) {
		http_header(r, "Retry-After", "1");
		http_error(r, 503, "busy", NULL, "the store is busy: %s; try again", sb_str(&m));
	} else {
		http_error(r, 500, "storage_error", NULL, "%s (a storage error)", sb_str(&m));
	}
	sb_free(&m);
}

int server_read_only(req *r)
{
	int64_t now = now_unix();
	if (!r->t.id || r->t.read_only_until <= now) return 0;
	/* a move ends the window early (the store answers from its new pod):
	 * ask for a retry soon, never later than the window's end */
	int64_t left = r->t.read_only_until - now;
	http_header(r, "Retry-After", "%lld", (long long)(left < 2 ? left : 2));
	http_error(r, 503, "store_read_only", NULL, "this store is moving to another server: changes are paused for a few seconds");
	return -1;
}

static volatile sig_atomic_t stopping;
/* TERM (or QUIT): finish what is in hand, take nothing new (held while a
 * request runs, see the loop; while the worker waits in accept() it
 * returns). */
static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void one(const server_prog *prog, char **env, FCGX_Stream *in, FCGX_Stream *out)
{
	req r;
	http_begin(&r, env, in, out);
	log_set_request(r.id, r.t.username);   /* the tenant as it gets resolved */
	pagecache_reset();           /* nothing of the last request's page or writes */
	prog->handle(&r);
	if (db_in_tx()) {            /* a handler that forgot: never leave a lock */
		log_error("transaction left open by handler for %s; rolled back", r.path);
		db_rollback();
	}
	http_send(&r);
	ops_observe(prog->name, &r);   /* /metrics: route, status, time */
	if (out) FCGX_FFlush(out);
	if (prog->after) prog->after(&r);
	db_stmt_reset_all();         /* no statement left mid-result holds a read snapshot */
	log_set_request(NULL, NULL);
	http_end(&r);
}

/* A FastCGI worker that cannot start waits a second before it exits: its
 * supervisor restarts it however often it exits, so a broken setup costs
 * a restart a second per worker, not a busy loop. */
static int start_failed(void)
{
	if (!FCGX_IsCGI()) sleep(1);
	return 1;
}

long server_request_limit(long max)
{
	uint32_t r;
	random_bytes(&r, sizeof r);
	return max - (long)(r % (uint32_t)(max / 5 + 1));
}

int server_main(const server_prog *prog, int argc, char **argv)
{
	(void)argc; (void)argv;
	char err[512];
	log_set_program(prog->name);
	if (config_load(NULL, err, sizeof err) < 0) {
		log_error("%s", err);
		return start_failed();
	}
	/* The zygote is forked first: it must hold no database handle and no
	 * tenant's data, ever, so this is the one moment it can be started.
	 * Without it blocks render as failed (never in-process) and the worker
	 * exits after each request, so the next one tries again. */
	if (prog->sandbox && sbx_start() < 0)
		log_error("cannot start the render sandbox: blocks render as failed until a worker can");
	if (db_open_existing(cfg.db, err, sizeof err) < 0) {
		log_error("%s", err);
		return start_failed();
	}
	if (prog->init && prog->init() < 0) return start_failed();

	if (FCGX_IsCGI()) {
		signal(SIGPIPE, SIG_IGN);   /* a client gone mid-stream: a failed write (http_stream_*), not a killed program */
		one(prog, environ, NULL, NULL);
		db_close();
		sbx_stop();
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;   /* no SA_RESTART: accept() returns, we exit */
	sigaction(SIGTERM, &sa, NULL);
	/* multiwatch stops its workers with QUIT (whatever -s says): the same
	 * graceful stop, not a core dump in the middle of a reply. */
	sigaction(SIGQUIT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	FCGX_Init();
	FCGX_Request fr;
	FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR);
	long limit = cfg.max_requests ? server_request_limit(cfg.max_requests) : 0;
	/* SIGTERM finishes the request in hand: it is held while a request
	 * runs (no write of the answer cut short by EINTR) and taken when it
	 * is done, or at once while the worker waits in accept(). */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGQUIT);
	for (long n = 0; !stopping && (limit == 0 || n < limit); n++) {
		if (FCGX_Accept_r(&fr) < 0) break;
		sigprocmask(SIG_BLOCK, &term, NULL);
		one(prog, fr.envp, fr.in, fr.out);
		FCGX_Finish_r(&fr);
		sigprocmask(SIG_UNBLOCK, &term, NULL);
		if (sbx_broken()) break;   /* a fresh worker brings a fresh zygote */
	}
	db_close();
	sbx_stop();
	return 0;
}
