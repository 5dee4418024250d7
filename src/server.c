/* server: CGI or FastCGI request loop shared by storefront.fcgi and admin.cgi. */
#include "server.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sandbox.h"

#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static volatile sig_atomic_t stopping;
static void on_term(int sig) { (void)sig; stopping = 1; FCGX_ShutdownPending(); }

static void one(const server_prog *prog, char **env, FCGX_Stream *in, FCGX_Stream *out)
{
	req r;
	http_begin(&r, env, in, out);
	log_set_request(r.id);
	prog->handle(&r);
	if (db_in_tx()) {            /* a handler that forgot: never leave a lock */
		log_error("transaction left open by handler for %s; rolled back", r.path);
		db_rollback();
	}
	http_send(&r);
	if (out) FCGX_FFlush(out);
	if (prog->after) prog->after(&r);
	log_set_request(NULL);
	http_end(&r);
}

int server_main(const server_prog *prog, int argc, char **argv)
{
	(void)argc; (void)argv;
	char err[512];
	log_set_program(prog->name);
	if (config_load(NULL, err, sizeof err) < 0) {
		log_error("%s", err);
		return 1;
	}
	/* The zygote is forked first: it must hold no database handle and no
	 * tenant's data, ever. */
	if (prog->sandbox && sbx_start() < 0) log_error("cannot start the render sandbox; rendering in-process");
	if (db_open(cfg.db, err, sizeof err) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (prog->init && prog->init() < 0) return 1;

	if (FCGX_IsCGI()) {
		one(prog, environ, NULL, NULL);
		db_close();
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;   /* no SA_RESTART: accept() returns, we exit */
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	FCGX_Init();
	FCGX_Request fr;
	FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR);
	for (long n = 0; !stopping && (cfg.max_requests == 0 || n < cfg.max_requests); n++) {
		if (FCGX_Accept_r(&fr) < 0) break;
		one(prog, fr.envp, fr.in, fr.out);
		FCGX_Finish_r(&fr);
		if (sbx_broken()) break;   /* a fresh worker brings a fresh zygote */
	}
	db_close();
	return 0;
}
