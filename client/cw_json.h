#pragma once
/* Reading the client's own JSON files (themes, scenes, config) strictly through proto's
 * parser, with errors as "FILE: path.key: message". */
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "rd_err.h"
#include "rd_theme.h"

/* Parses the file at path into a new json_object (caller puts); max 1 MiB. */
struct json_object *cw_json_load(const char *path, struct rd_err *err);
/* Copies a proto error into err with the file name in front. Returns false. */
bool cw_json_fail(struct rd_err *err, const char *file, const char *msg);
/* "#rrggbb" or "#rrggbbaa" into c. */
bool cw_parse_color(const char *s, struct rd_color *c);
/* Checks every key of obj is one of the NULL-terminated list; err names the first stranger. */
bool cw_json_known_keys(const struct json_object *obj, const char *file, const char *path,
                        const char *const *keys, struct rd_err *err);
