#include <stdio.h>
#include <string.h>

#include "cw_json.h"
#include "cw_paths.h"
#include "cw_theme.h"
#include "pr_json.h"

static bool color_at(const char *file, const char *path, struct json_object *v,
                     struct rd_color *out, struct rd_err *err)
{
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	if (!s || !cw_parse_color(s, out))
		return rd_err_set(err, "%s: %s: not a color (\"#rrggbb\" or \"#rrggbbaa\")", file, path);
	return true;
}

static bool load_colors(const char *file, struct json_object *obj, struct rd_theme *t,
                        struct rd_err *err)
{
	json_object_object_foreach(obj, key, val) {
		int role = -1;
		for (int r = 0; r < RD_ROLE_COUNT; r++)
			if (strcmp(rd_role_name((enum rd_role)r), key) == 0)
				role = r;
		char path[96];
		snprintf(path, sizeof path, "colors.%s", key);
		if (role < 0)
			return rd_err_set(err, "%s: %s: unknown color role", file, path);
		if (!color_at(file, path, val, &t->colors[role], err))
			return false;
	}
	return true;
}

static bool load_sizes(const char *file, struct json_object *obj, struct rd_theme *t,
                       struct rd_err *err)
{
	json_object_object_foreach(obj, key, val) {
		int sz = -1;
		for (int s = 0; s < RD_SIZE_COUNT; s++)
			if (strcmp(rd_size_name((enum rd_size)s), key) == 0)
				sz = s;
		if (sz < 0)
			return rd_err_set(err, "%s: sizes.%s: unknown size", file, key);
		double d = json_object_get_double(val);
		if (!json_object_is_type(val, json_type_double) || !(d >= 0.004 && d <= 0.2))
			return rd_err_set(err,
			                  "%s: sizes.%s: must be a number in [0.004, 0.2] (fraction of "
			                  "the screen height)",
			                  file, key);
		t->sizes[sz] = d;
	}
	return true;
}

static bool load_ramps(const char *file, struct json_object *obj, struct rd_theme *t,
                       struct rd_err *err)
{
	json_object_object_foreach(obj, key, val) {
		char path[96];
		snprintf(path, sizeof path, "ramps.%s", key);
		size_t n = json_object_is_type(val, json_type_array) ? json_object_array_length(val) : 0;
		if (n < 2 || n > RD_RAMP_STOPS)
			return rd_err_set(err, "%s: %s: must be an array of 2 to %d colors", file, path,
			                  RD_RAMP_STOPS);
		if (strlen(key) >= sizeof t->ramps[0].name)
			return rd_err_set(err, "%s: %s: name too long", file, path);
		struct rd_ramp *ramp = NULL;
		for (int i = 0; i < t->ramp_count; i++)
			if (strcmp(t->ramps[i].name, key) == 0)
				ramp = &t->ramps[i];
		if (!ramp) {
			if (t->ramp_count == RD_RAMPS_MAX)
				return rd_err_set(err, "%s: %s: more than %d ramps", file, path, RD_RAMPS_MAX);
			ramp = &t->ramps[t->ramp_count++];
			snprintf(ramp->name, sizeof ramp->name, "%s", key);
		}
		ramp->n = (int)n;
		for (size_t i = 0; i < n; i++) {
			char ipath[128];
			snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
			if (!color_at(file, ipath, json_object_array_get_idx(val, i), &ramp->stops[i], err))
				return false;
		}
	}
	return true;
}

bool cw_theme_load_file(const char *path, struct rd_theme *t, struct rd_err *err)
{
	static const char *const keys[] = {"name", "font_family", "colors", "grades",
	                                   "sizes", "ramps", NULL};
	rd_theme_default(t);
	struct json_object *root = cw_json_load(path, err);
	if (!root)
		return false;
	bool ok = false;
	struct pr_err perr;
	struct json_object *colors, *grades, *sizes, *ramps;
	if (!json_object_is_type(root, json_type_object)) {
		rd_err_set(err, "%s: the theme must be a JSON object", path);
		goto out;
	}
	if (!cw_json_known_keys(root, path, "", keys, err))
		goto out;
	if (!pr_get_string(root, "theme", "name", t->name, sizeof t->name, false, &perr) ||
	    !pr_get_string(root, "theme", "font_family", t->font_family, sizeof t->font_family, true,
	                   &perr) ||
	    !pr_get_object(root, "theme", "colors", true, &colors, &perr) ||
	    !pr_get_array(root, "theme", "grades", RD_GRADES, true, &grades, &perr) ||
	    !pr_get_object(root, "theme", "sizes", true, &sizes, &perr) ||
	    !pr_get_object(root, "theme", "ramps", true, &ramps, &perr)) {
		cw_json_fail(err, path, perr.msg);
		goto out;
	}
	if (colors && !load_colors(path, colors, t, err))
		goto out;
	if (grades) {
		if (json_object_array_length(grades) != RD_GRADES) {
			rd_err_set(err, "%s: grades: must list exactly 4 colors (特别重大, 重大, 较大, 一般)",
			           path);
			goto out;
		}
		for (int i = 0; i < RD_GRADES; i++) {
			char gp[32];
			snprintf(gp, sizeof gp, "grades[%d]", i);
			if (!color_at(path, gp, json_object_array_get_idx(grades, (size_t)i), &t->grade[i],
			              err))
				goto out;
		}
	}
	if (sizes && !load_sizes(path, sizes, t, err))
		goto out;
	if (ramps && !load_ramps(path, ramps, t, err))
		goto out;
	ok = true;
out:
	json_object_put(root);
	if (!ok) /* never half a theme */
		rd_theme_default(t);
	return ok;
}

bool cw_theme_load(const char *name_or_file, struct rd_theme *t, struct rd_err *err)
{
	rd_theme_default(t);
	if (strchr(name_or_file, '/') || strstr(name_or_file, ".json"))
		return cw_theme_load_file(name_or_file, t, err);
	char rel[128], path[4096];
	if (snprintf(rel, sizeof rel, "themes/%s.json", name_or_file) >= (int)sizeof rel)
		return rd_err_set(err, "theme name too long: %s", name_or_file);
	if (!cw_data_path(rel, path, sizeof path, err))
		return rd_err_prefix(err, "theme \"%s\"", name_or_file);
	return cw_theme_load_file(path, t, err);
}
