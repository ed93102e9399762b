#pragma once
/* proto: the wire model shared by cbwall and cbwalld (structs + json-c encode/decode).
 * Errors are values: every fallible call fills a struct pr_err with one line naming the
 * field or input that was wrong, e.g. "metrics[2].history[5]: not a finite number". */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct pr_err {
	char msg[512];
};

/* Sets err->msg (printf-style); err may be NULL. Always returns false so callers can
 * `return pr_err_set(err, ...)`. */
bool pr_err_set(struct pr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes the existing message with "prefix: ". */
bool pr_err_prefix(struct pr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* snprintf into buf[n] where cutting a long line short is acceptable (log lines, status
 * text): never overflows, always terminates, returns buf. */
char *pr_fmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
