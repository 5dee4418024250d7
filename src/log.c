/* log: one-line messages to stderr with time, program, level, request id
 * and store (see log.h). */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *prog = "storefront";
static char reqid[40];
static const char *store;      /* the request's tenant username (not owned) */

void log_set_program(const char *name) { prog = name; }

void log_set_request(const char *request_id, const char *tenant)
{
	if (request_id) snprintf(reqid, sizeof reqid, "%s", request_id);
	else reqid[0] = 0;
	store = tenant;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[2048], when[32] = "";
	vsnprintf(msg, sizeof msg, fmt, ap);
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One fprintf: the line reaches the log in one write. */
	if (reqid[0] && store && store[0])
		fprintf(stderr, "%s %s: %s [%s store=%s]: %s\n", when, prog, level, reqid, store, msg);
	else if (reqid[0])
		fprintf(stderr, "%s %s: %s [%s]: %s\n", when, prog, level, reqid, msg);
	else
		fprintf(stderr, "%s %s: %s: %s\n", when, prog, level, msg);
	fflush(stderr);
}

#define LOGFN(fn, level) void fn(const char *fmt, ...) \
	{ va_list ap; va_start(ap, fmt); vlog(level, fmt, ap); va_end(ap); }
LOGFN(log_error, "error")
LOGFN(log_warn, "warning")
LOGFN(log_info, "info")
