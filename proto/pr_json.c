#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pr_json.h"

/* json-c's strict mode still takes NaN, Infinity and single-quoted strings: reject anything
 * outside strings that is not JSON's own punctuation, numbers, true, false or null. */
static bool lexically_json(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		char ch = s[i];
		if (ch == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		} else if (strchr(" \t\r\n{}[],:", ch)) {
			i++;
		} else if (ch == '-' || (ch >= '0' && ch <= '9')) {
			while (i < len && strchr("0123456789+-.eE", s[i]))
				i++;
		} else {
			static const char *const words[] = {"true", "false", "null"};
			size_t n = 0;
			while (i + n < len && s[i + n] >= 'a' && s[i + n] <= 'z')
				n++;
			bool ok = false;
			for (size_t w = 0; w < 3 && !ok; w++)
				ok = n == strlen(words[w]) && memcmp(s + i, words[w], n) == 0;
			if (!ok) {
				*bad = i;
				return false;
			}
			i += n;
		}
	}
	return true;
}

/* Whether the value is the literal null (which json-c parses to NULL). */
static bool is_null(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", s[i]))
		i++;
	return len - i >= 4 && memcmp(s + i, "null", 4) == 0;
}

bool pr_json_parse(const char *body, size_t len, struct json_object **out, struct pr_err *err)
{
	*out = NULL;
	if (!body)
		return pr_err_set(err, "empty body");
	if (len > PR_BODY_MAX || len > INT_MAX)
		return pr_err_set(err, "body of %zu bytes is over the %zu byte limit", len, PR_BODY_MAX);
	if (!pr_utf8_valid(body, len))
		return pr_err_set(err, "body is not valid UTF-8 or contains a NUL byte");
	size_t bad;
	if (!lexically_json(body, len, &bad))
		return pr_err_set(err, "JSON error at byte %zu: not JSON (NaN, Infinity, single quotes "
		                  "and bare words are refused)", bad);
	struct json_tokener *tok = json_tokener_new_ex(PR_JSON_DEPTH);
	if (!tok)
		return pr_err_set(err, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *obj = json_tokener_parse_ex(tok, body, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		json_object_put(obj);
		return pr_err_set(err, "JSON ends early (truncated body of %zu bytes)", len);
	}
	if (jerr == json_tokener_success && !obj && !is_null(body, len)) {
		/* json-c 0.16 gives up without an error when an object or string cannot be
		 * allocated (0.17 says json_tokener_error_memory) */
		return pr_err_set(err, "out of memory parsing %zu bytes of JSON", len);
	}
	if (jerr != json_tokener_success || !obj) {
		json_object_put(obj);
		return pr_err_set(err, "JSON error at byte %zu: %s", used,
		                  json_tokener_error_desc(jerr));
	}
	for (size_t i = used; i < len; i++) {
		if (!strchr(" \t\r\n", body[i])) {
			json_object_put(obj);
			return pr_err_set(err, "trailing data after the JSON value at byte %zu", i);
		}
	}
	*out = obj;
	return true;
}

bool pr_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static struct json_object *field(const struct json_object *obj, const char *path, const char *key,
                                 enum json_type type, bool optional, bool *missing,
                                 struct pr_err *err)
{
	struct json_object *v = NULL;
	*missing = false;
	if (!json_object_is_type(obj, json_type_object)) {
		pr_err_set(err, "%s: not an object", path);
		return NULL;
	}
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
		*missing = true;
		if (!optional)
			pr_err_set(err, "%s.%s: missing", path, key);
		return NULL;
	}
	bool ok = json_object_is_type(v, type) ||
	          (type == json_type_double && json_object_is_type(v, json_type_int));
	if (!ok) {
		static const char *names[] = {"null",  "boolean", "number", "integer",
		                              "object", "array",  "string"};
		pr_err_set(err, "%s.%s: expected %s, got %s", path, key, names[type],
		           names[json_object_get_type(v)]);
		return NULL;
	}
	return v;
}

bool pr_get_string(const struct json_object *obj, const char *path, const char *key, char *buf,
                   size_t size, bool optional, struct pr_err *err)
{
	bool missing;
	struct json_object *v = field(obj, path, key, json_type_string, optional, &missing, err);
	if (!v)
		return missing && optional;
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	if (!pr_utf8_valid(s, len))
		return pr_err_set(err, "%s.%s: not valid UTF-8 or contains NUL", path, key);
	if (len >= size)
		return pr_err_set(err, "%s.%s: %zu bytes, longer than %zu", path, key, len, size - 1);
	memcpy(buf, s, len + 1);
	return true;
}

bool pr_get_double(const struct json_object *obj, const char *path, const char *key, double min,
                   double max, double *out, bool optional, struct pr_err *err)
{
	bool missing;
	struct json_object *v = field(obj, path, key, json_type_double, optional, &missing, err);
	if (!v)
		return missing && optional;
	double d = json_object_get_double(v);
	if (!isfinite(d))
		return pr_err_set(err, "%s.%s: not a finite number", path, key);
	if (d < min || d > max)
		return pr_err_set(err, "%s.%s: %g is outside [%g, %g]", path, key, d, min, max);
	*out = d;
	return true;
}

bool pr_get_int64(const struct json_object *obj, const char *path, const char *key, int64_t min,
                  int64_t max, int64_t *out, bool optional, struct pr_err *err)
{
	bool missing;
	struct json_object *v = field(obj, path, key, json_type_int, optional, &missing, err);
	if (!v)
		return missing && optional;
	errno = 0;
	int64_t i = json_object_get_int64(v);
	if (errno == ERANGE)
		return pr_err_set(err, "%s.%s: integer out of range", path, key);
	if (i < min || i > max)
		return pr_err_set(err, "%s.%s: %lld is outside [%lld, %lld]", path, key, (long long)i,
		                  (long long)min, (long long)max);
	*out = i;
	return true;
}

bool pr_get_bool(const struct json_object *obj, const char *path, const char *key, bool *out,
                 bool optional, struct pr_err *err)
{
	bool missing;
	struct json_object *v = field(obj, path, key, json_type_boolean, optional, &missing, err);
	if (!v)
		return missing && optional;
	*out = json_object_get_boolean(v);
	return true;
}

bool pr_get_array(const struct json_object *obj, const char *path, const char *key, size_t max,
                  bool optional, struct json_object **out, struct pr_err *err)
{
	bool missing;
	*out = field(obj, path, key, json_type_array, optional, &missing, err);
	if (!*out)
		return missing && optional;
	if (json_object_array_length(*out) > max) {
		pr_err_set(err, "%s.%s: %zu elements, more than %zu", path, key,
		           json_object_array_length(*out), max);
		*out = NULL;
		return false;
	}
	return true;
}

bool pr_get_object(const struct json_object *obj, const char *path, const char *key,
                   bool optional, struct json_object **out, struct pr_err *err)
{
	bool missing;
	*out = field(obj, path, key, json_type_object, optional, &missing, err);
	return *out || (missing && optional);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

bool pr_time_parse(const char *s, int64_t *unix_s, int *offset_min)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return false;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || h < 0 || mi < 0 || sec < 0)
		return false;
	const char *p = s + n;
	if (*p == '.') { /* fractional seconds are accepted and dropped */
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int off = 0;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 14 || om > 59)
			return false;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*unix_s = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	if (offset_min)
		*offset_min = off;
	return true;
}

void pr_time_format(int64_t unix_s, int offset_min, char buf[32])
{
	time_t t = (time_t)(unix_s + (int64_t)offset_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	/* Bounded fields, so the text always fits its 26 bytes. */
	unsigned a = (unsigned)(offset_min < 0 ? -offset_min : offset_min) % (24 * 60);
	unsigned year = (unsigned)(tm.tm_year + 1900) % 10000;
	snprintf(buf, 32, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u", year,
	         (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100,
	         (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100,
	         offset_min < 0 ? '-' : '+', a / 60, a % 60);
}
