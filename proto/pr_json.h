#pragma once
/* Strict JSON in and out for every wire type. Parsing is strict (JSON_TOKENER_STRICT, UTF-8
 * validated, depth <= PR_JSON_DEPTH, the whole body consumed, size <= PR_BODY_MAX); field
 * getters check type and range, doubles are finite, strings are valid UTF-8 without NUL and
 * fit their buffer (too long is an error, never a silent cut). Messages name the field path. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum { PR_JSON_DEPTH = 16 };
#define PR_BODY_MAX ((size_t)8 << 20) /* 8 MiB: the largest body either side accepts */

/* Parses body[0..len) into a new json_object the caller puts. */
bool pr_json_parse(const char *body, size_t len, struct json_object **out, struct pr_err *err);

/* Field getters: `path` names the object for messages ("metrics[2]"); a missing field is an
 * error unless `optional` (then the output is left untouched and true is returned). */
bool pr_get_string(const struct json_object *obj, const char *path, const char *key, char *buf,
                   size_t size, bool optional, struct pr_err *err);
bool pr_get_double(const struct json_object *obj, const char *path, const char *key, double min,
                   double max, double *out, bool optional, struct pr_err *err);
bool pr_get_int64(const struct json_object *obj, const char *path, const char *key, int64_t min,
                  int64_t max, int64_t *out, bool optional, struct pr_err *err);
bool pr_get_bool(const struct json_object *obj, const char *path, const char *key, bool *out,
                 bool optional, struct pr_err *err);
/* The array (of at most max elements) or object at key, borrowed from obj. When optional and
 * missing, *out is NULL and the call succeeds. */
bool pr_get_array(const struct json_object *obj, const char *path, const char *key, size_t max,
                  bool optional, struct json_object **out, struct pr_err *err);
bool pr_get_object(const struct json_object *obj, const char *path, const char *key,
                   bool optional, struct json_object **out, struct pr_err *err);
/* Checks a string is valid UTF-8 of exactly len bytes with no NUL. */
bool pr_utf8_valid(const char *s, size_t len);

/* Times on the wire are RFC 3339 strings with an offset ("2026-11-23T14:30:00+08:00").
 * pr_time_parse gives Unix seconds; pr_time_format writes local time at the given offset. */
bool pr_time_parse(const char *s, int64_t *unix_s, int *offset_min);
void pr_time_format(int64_t unix_s, int offset_min, char buf[32]);
