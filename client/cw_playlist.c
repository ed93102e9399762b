#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cw_json.h"
#include "cw_paths.h"
#include "cw_playlist.h"
#include "pr_json.h"

static bool parse_hhmm(const char *s, int *min)
{
	int h, m, n = 0;
	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] || h < 0 || h > 24 || m < 0 || m > 59 ||
	    (h == 24 && m))
		return false;
	*min = h * 60 + m;
	return true;
}

static bool load_schedule(const char *file, const char *path, struct json_object *o,
                          struct cw_schedule *s, struct rd_err *err)
{
	static const char *const keys[] = {"from", "to", "scenes", NULL};
	static const char *const item_keys[] = {"scene", "seconds", NULL};
	struct pr_err perr;
	char from[8] = "00:00", to[8] = "00:00";
	struct json_object *scenes;
	if (!json_object_is_type(o, json_type_object))
		return rd_err_set(err, "%s: %s: not an object", file, path);
	if (!cw_json_known_keys(o, file, path, keys, err))
		return false;
	if (!pr_get_string(o, path, "from", from, sizeof from, true, &perr) ||
	    !pr_get_string(o, path, "to", to, sizeof to, true, &perr) ||
	    !pr_get_array(o, path, "scenes", CW_PLAYLIST_ITEMS_MAX, false, &scenes, &perr))
		return cw_json_fail(err, file, perr.msg);
	if (!parse_hhmm(from, &s->from_min))
		return rd_err_set(err, "%s: %s.from: \"%s\" is not HH:MM", file, path, from);
	if (!parse_hhmm(to, &s->to_min))
		return rd_err_set(err, "%s: %s.to: \"%s\" is not HH:MM", file, path, to);
	s->count = (int)json_object_array_length(scenes);
	if (s->count == 0)
		return rd_err_set(err, "%s: %s.scenes: empty", file, path);
	s->total = 0;
	for (int i = 0; i < s->count; i++) {
		char ipath[96];
		int64_t secs = 60;
		struct json_object *it = json_object_array_get_idx(scenes, (size_t)i);
		snprintf(ipath, sizeof ipath, "%s.scenes[%d]", path, i);
		if (!json_object_is_type(it, json_type_object))
			return rd_err_set(err, "%s: %s: not an object", file, ipath);
		if (!cw_json_known_keys(it, file, ipath, item_keys, err))
			return false;
		if (!pr_get_string(it, ipath, "scene", s->items[i].scene, sizeof s->items[i].scene, false,
		                   &perr) ||
		    !pr_get_int64(it, ipath, "seconds", 5, 86400, &secs, true, &perr))
			return cw_json_fail(err, file, perr.msg);
		s->items[i].seconds = (int)secs;
		s->total += (int)secs;
	}
	return true;
}

bool cw_playlist_load_file(const char *path, struct cw_playlist *pl, struct rd_err *err)
{
	static const char *const keys[] = {"name", "transition", "schedules", NULL};
	static const char *const tkeys[] = {"type", "seconds", NULL};
	memset(pl, 0, sizeof *pl);
	struct json_object *root = cw_json_load(path, err);
	if (!root)
		return false;
	bool ok = false;
	struct pr_err perr;
	struct json_object *tr, *schedules;
	char type[16] = "slide";
	pl->transition_s = 1.0;
	if (!json_object_is_type(root, json_type_object)) {
		rd_err_set(err, "%s: the playlist must be a JSON object", path);
		goto out;
	}
	if (!cw_json_known_keys(root, path, "", keys, err))
		goto out;
	if (!pr_get_string(root, "playlist", "name", pl->name, sizeof pl->name, false, &perr) ||
	    !pr_get_object(root, "playlist", "transition", true, &tr, &perr) ||
	    !pr_get_array(root, "playlist", "schedules", CW_SCHEDULES_MAX, false, &schedules, &perr)) {
		cw_json_fail(err, path, perr.msg);
		goto out;
	}
	if (tr) {
		if (!cw_json_known_keys(tr, path, "transition", tkeys, err))
			goto out;
		if (!pr_get_string(tr, "transition", "type", type, sizeof type, true, &perr) ||
		    !pr_get_double(tr, "transition", "seconds", 0, 5, &pl->transition_s, true, &perr)) {
			cw_json_fail(err, path, perr.msg);
			goto out;
		}
	}
	if (strcmp(type, "none") == 0)
		pl->transition = CW_TRANSITION_NONE;
	else if (strcmp(type, "fade") == 0)
		pl->transition = CW_TRANSITION_FADE;
	else if (strcmp(type, "slide") == 0)
		pl->transition = CW_TRANSITION_SLIDE;
	else {
		rd_err_set(err, "%s: transition.type: \"%s\" is not none, fade or slide", path, type);
		goto out;
	}
	pl->count = (int)json_object_array_length(schedules);
	if (pl->count == 0) {
		rd_err_set(err, "%s: schedules: empty", path);
		goto out;
	}
	for (int i = 0; i < pl->count; i++) {
		char spath[32];
		snprintf(spath, sizeof spath, "schedules[%d]", i);
		if (!load_schedule(path, spath, json_object_array_get_idx(schedules, (size_t)i),
		                   &pl->schedules[i], err))
			goto out;
	}
	ok = true;
out:
	json_object_put(root);
	if (!ok) /* never half a playlist */
		memset(pl, 0, sizeof *pl);
	return ok;
}

bool cw_playlist_load(const char *name_or_file, struct cw_playlist *pl, struct rd_err *err)
{
	memset(pl, 0, sizeof *pl);
	if (strchr(name_or_file, '/') || strstr(name_or_file, ".json"))
		return cw_playlist_load_file(name_or_file, pl, err);
	char rel[128], path[4096];
	if (snprintf(rel, sizeof rel, "config/playlists/%s.json", name_or_file) >= (int)sizeof rel)
		return rd_err_set(err, "playlist name too long: %s", name_or_file);
	if (!cw_data_path(rel, path, sizeof path, err))
		return rd_err_prefix(err, "playlist \"%s\"", name_or_file);
	return cw_playlist_load_file(path, pl, err);
}

void cw_playlist_single(struct cw_playlist *pl, const char *scene)
{
	memset(pl, 0, sizeof *pl);
	snprintf(pl->name, sizeof pl->name, "single");
	pl->count = 1;
	pl->schedules[0].count = 1;
	snprintf(pl->schedules[0].items[0].scene, sizeof pl->schedules[0].items[0].scene, "%s", scene);
	pl->schedules[0].items[0].seconds = 86400;
	pl->schedules[0].total = 86400;
}

static bool covers(const struct cw_schedule *s, int minute)
{
	if (s->from_min == s->to_min)
		return true;
	if (s->from_min < s->to_min)
		return minute >= s->from_min && minute < s->to_min;
	return minute >= s->from_min || minute < s->to_min; /* wraps past midnight */
}

bool cw_playlist_at(const struct cw_playlist *pl, double now, int utc_offset_min,
                    struct cw_playlist_pos *pos)
{
	double local = now + utc_offset_min * 60.0;
	double of_day = fmod(local, 86400.0);
	if (of_day < 0)
		of_day += 86400;
	int minute = (int)(of_day / 60);
	for (int i = 0; i < pl->count; i++) {
		const struct cw_schedule *s = &pl->schedules[i];
		if (!covers(s, minute))
			continue;
		/* The cycle runs from the epoch in local time: a pure function of the clock. */
		double t = fmod(local, (double)s->total);
		if (t < 0)
			t += s->total;
		int k = 0;
		while (k < s->count - 1 && t >= s->items[k].seconds)
			t -= s->items[k++].seconds;
		pos->item = &s->items[k];
		pos->previous = &s->items[(k + s->count - 1) % s->count];
		pos->into = t;
		pos->transition = pl->transition == CW_TRANSITION_NONE || pl->transition_s <= 0 ||
		                          s->count == 1
		                      ? 1
		                      : fmin(1, t / pl->transition_s);
		return true;
	}
	return false;
}
