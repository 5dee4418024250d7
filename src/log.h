/* log: one-line messages to stderr (the web server's error log), prefixed
 * with the program name, level and the current request id when there is one. */
#ifndef LOG_H
#define LOG_H
void log_set_program(const char *name);
void log_set_request(const char *request_id);  /* NULL between requests */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
