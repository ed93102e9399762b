#pragma once
/* Where cbwall finds its data (themes/, config/, assets/): $CBWALL_DATADIR, then the source
 * tree it was built from, then the installed share/cbwall. */
#include <stdbool.h>
#include <stddef.h>

#include "rd_err.h"

/* Writes the first existing DIR/rel into buf; false (err names the places tried) otherwise. */
bool cw_data_path(const char *rel, char *buf, size_t size, struct rd_err *err);
/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer the caller frees.
 * NULL with err naming the file when it cannot be opened, is not a regular file, is larger
 * than max, cannot be read in full, or its buffer cannot be allocated ("out of memory"). */
char *cw_read_file(const char *path, size_t max, size_t *len, struct rd_err *err);
