/* log: one line per message to stderr (the pool's workers.log, the web
 * server's error log, the CLI's terminal): UTC time, program, level, and
 * the request id and store when there is a request. */
#ifndef LOG_H
#define LOG_H
void log_set_program(const char *name);
/* The request the next lines are about: its id, and its store's username,
 * read at each line (so a store resolved during the request shows; an
 * empty one does not). NULL, NULL between requests. */
void log_set_request(const char *request_id, const char *tenant);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
