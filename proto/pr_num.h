#pragma once
/* Small encoders shared by the proto codecs: numbers with a fixed number of decimals (json-c
 * otherwise prints 78.4 as 78.400000000000006) and RFC 3339 times. Any thread. */
#include <stdint.h>

#include <json-c/json.h>

/* A new json double printed with `decimals` digits after the point (trailing zeros kept
 * out); non-finite values become 0. */
struct json_object *pr_num_new(double v, int decimals);
/* A new json string with the RFC 3339 form of unix_s at offset_min. */
struct json_object *pr_time_new(int64_t unix_s, int offset_min);
/* Reads an RFC 3339 string field into Unix seconds; `optional` as in pr_get_string. */
struct pr_err;
#include <stdbool.h>
bool pr_get_time(const struct json_object *obj, const char *path, const char *key,
                 int64_t *out, bool optional, struct pr_err *err);
