#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cw_json.h"
#include "cw_paths.h"
#include "pr_json.h"

struct json_object *cw_json_load(const char *path, struct rd_err *err)
{
	size_t len;
	char *text = cw_read_file(path, 1 << 20, &len, err);
	if (!text)
		return NULL;
	struct json_object *obj;
	struct pr_err perr;
	if (!pr_json_parse(text, len, &obj, &perr)) {
		cw_json_fail(err, path, perr.msg);
		obj = NULL;
	}
	free(text);
	return obj;
}

bool cw_json_fail(struct rd_err *err, const char *file, const char *msg)
{
	return rd_err_set(err, "%s: %s", file, msg);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool cw_parse_color(const char *s, struct rd_color *c)
{
	size_t n = strlen(s);
	if (s[0] != '#' || (n != 7 && n != 9))
		return false;
	int v[4] = {0, 0, 0, 255};
	for (size_t i = 0; i < (n - 1) / 2; i++) {
		int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		v[i] = hi * 16 + lo;
	}
	*c = (struct rd_color){v[0] / 255.0, v[1] / 255.0, v[2] / 255.0, v[3] / 255.0};
	return true;
}

bool cw_json_known_keys(const struct json_object *obj, const char *file, const char *path,
                        const char *const *keys, struct rd_err *err)
{
	json_object_object_foreach((struct json_object *)obj, key, val) {
		(void)val;
		bool known = false;
		for (const char *const *k = keys; *k && !known; k++)
			known = strcmp(*k, key) == 0;
		if (!known)
			return rd_err_set(err, "%s: %s%s%s: unknown key", file, path, *path ? "." : "", key);
	}
	return true;
}
