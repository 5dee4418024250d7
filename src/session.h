/* session: browser sessions of the admin web editor. They live only on the
 * admin host (cfg.admin_host), an origin no merchant HTML is served from;
 * on store hosts the admin API takes Bearer tokens only. A random id in an
 * HttpOnly, SameSite=Strict cookie (__Host- and Secure under https), stored
 * only as its SHA-256; absolute and idle expiry; a new id on every login;
 * and the CSRF token every cookie-authenticated write must echo in
 * X-CSRF-Token. */
#ifndef SESSION_H
#define SESSION_H
#include "http.h"
#include <stdint.h>

#define SESSION_COOKIE "sf_session"
#define SESSION_CSRF_HEADER "X-CSRF-Token"

/* 1 when the request came to the admin host (the only host of sessions). */
int session_admin_host(const req *r);
/* Start a session for a user (the request's old session, if any, ends:
 * rotation), set the cookie, and put the CSRF token in csrf[65]. Call
 * inside the caller's transaction. 0 or -1. */
int session_create(req *r, int64_t tid, int64_t uid, char csrf[65], int64_t *expires_at);
/* Authenticate r from the session cookie (each value of a repeated name
 * is tried), on the admin host only: fills r->t, r->who (session_id) and
 * csrf[65]. 0 ok; -1 no valid session (nothing answered). */
int session_auth(req *r, char csrf[65]);
/* 1 when the request's X-CSRF-Token equals csrf (constant time). */
int session_csrf_ok(req *r, const char *csrf);
/* End the request's session (row and cookie). */
void session_end(req *r);
/* End every session of a user but one (0 = all): after a password change. */
int session_end_user(int64_t uid, int64_t except_session);
/* The CSRF token of a session id, into out[65]; 0 or -1. */
int session_csrf_of(int64_t session_id, char out[65]);
#endif
