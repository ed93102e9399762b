#pragma once
/* Errors as values for render, layers and client: one line naming the file, record, field
 * or key that was wrong, e.g. "themes/dark.json: colors.text: not a color". */
#include <stdarg.h>
#include <stdbool.h>

struct rd_err {
	char msg[512];
};

/* Sets err->msg printf-style (err may be NULL); returns false for `return rd_err_set(...)`. */
bool rd_err_set(struct rd_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefixes the current message: "prefix: old message". Returns false. */
bool rd_err_prefix(struct rd_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
