/* log: one-line messages to stderr with program, level and request id. */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *prog = "storefront";
static char reqid[40];

void log_set_program(const char *name) { prog = name; }

void log_set_request(const char *request_id)
{
	if (request_id) snprintf(reqid, sizeof reqid, "%s", request_id);
	else reqid[0] = 0;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (reqid[0]) fprintf(stderr, "%s: %s [%s]: %s\n", prog, level, reqid, msg);
	else fprintf(stderr, "%s: %s: %s\n", prog, level, msg);
	fflush(stderr);
}

#define LOGFN(fn, level) void fn(const char *fmt, ...) \
	{ va_list ap; va_start(ap, fmt); vlog(level, fmt, ap); va_end(ap); }
LOGFN(log_error, "error")
LOGFN(log_warn, "warning")
LOGFN(log_info, "info")
