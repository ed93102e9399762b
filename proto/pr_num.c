#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pr_json.h"
#include "pr_num.h"

struct json_object *pr_num_new(double v, int decimals)
{
	char buf[64];
	if (!isfinite(v))
		v = 0;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	if (strchr(buf, '.')) {
		size_t n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	double parsed = 0;
	sscanf(buf, "%lf", &parsed);
	return json_object_new_double_s(parsed, buf);
}

struct json_object *pr_time_new(int64_t unix_s, int offset_min)
{
	char buf[32];
	pr_time_format(unix_s, offset_min, buf);
	return json_object_new_string(buf);
}

bool pr_get_time(const struct json_object *obj, const char *path, const char *key,
                 int64_t *out, bool optional, struct pr_err *err)
{
	char buf[48] = "";
	bool had = false;
	struct json_object *v;
	if (json_object_is_type(obj, json_type_object) &&
	    json_object_object_get_ex(obj, key, &v) && !json_object_is_type(v, json_type_null))
		had = true;
	if (!pr_get_string(obj, path, key, buf, sizeof buf, optional, err))
		return false;
	if (!had)
		return true;
	if (!pr_time_parse(buf, out, NULL))
		return pr_err_set(err, "%s.%s: \"%s\" is not an RFC 3339 time with offset", path, key,
		                  buf);
	return true;
}
