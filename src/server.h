/* server: the process around requests, and the one answer to a storage
 * error (server_storage_error). Loads config, starts the render
 * sandbox's zygote, opens the database once, then either answers one CGI
 * request or runs the FastCGI accept loop (one request at a time) until
 * its share of max_requests (or a lost zygote), so the pool recycles the
 * worker. Nothing of a request outlives it but the statement cache. */
#ifndef SERVER_H
#define SERVER_H
#include "http.h"

typedef struct server_prog {
	const char *name;               /* for logs */
	int sandbox;                    /* start the vibe-code sandbox zygote */
	int (*init)(void);              /* after config + db; before any request */
	void (*handle)(req *r);         /* builds the response in r */
	void (*after)(req *r);          /* after the response is sent (may be NULL) */
} server_prog;

int server_main(const server_prog *prog, int argc, char **argv);

/* The one answer to a storage error, for every handler: rolls back an
 * open transaction, then answers 503 "busy" with Retry-After: 1 when the
 * database was busy or locked (db_busy: the client may retry), else 500
 * "storage_error". The message says what did not happen, e.g.
 * server_storage_error(r, "the order was not placed") . */
void server_storage_error(req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A store in its read-only window (tenant.read_only_until: it is moving
 * between pods) refuses writes: 503 with Retry-After until the window
 * ends, and -1. 0 when the store may write. */
int server_read_only(req *r);
/* A worker's own request limit for max_requests > 0: up to a fifth less,
 * at random, so workers started together do not all recycle at once. */
long server_request_limit(long max_requests);
#endif
