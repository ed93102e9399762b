#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pr_json.h"
#include "pr_metrics.h"
#include "pr_num.h"

static bool metric_from_json(const struct json_object *o, const char *path, struct pr_metric *m,
                             struct pr_err *err)
{
	int64_t decimals = 0;
	memset(m, 0, sizeof *m);
	m->higher_is_better = true;
	if (!pr_get_string(o, path, "key", m->key, sizeof m->key, false, err) ||
	    !pr_get_string(o, path, "label", m->label, sizeof m->label, false, err) ||
	    !pr_get_string(o, path, "unit", m->unit, sizeof m->unit, true, err) ||
	    !pr_get_double(o, path, "value", -1e18, 1e18, &m->value, false, err) ||
	    !pr_get_string(o, path, "change_label", m->change_label, sizeof m->change_label, true,
	                   err) ||
	    !pr_get_int64(o, path, "decimals", 0, 4, &decimals, true, err) ||
	    !pr_get_bool(o, path, "higher_is_better", &m->higher_is_better, true, err))
		return false;
	m->decimals = (int)decimals;
	m->change_pct = NAN;
	if (!pr_get_double(o, path, "change_pct", -1e6, 1e6, &m->change_pct, true, err))
		return false;
	m->has_change = !isnan(m->change_pct);
	if (!m->has_change)
		m->change_pct = 0;
	struct json_object *hist;
	if (!pr_get_array(o, path, "history", PR_HISTORY_MAX, true, &hist, err))
		return false;
	if (hist) {
		m->history_len = json_object_array_length(hist);
		for (size_t i = 0; i < m->history_len; i++) {
			struct json_object *v = json_object_array_get_idx(hist, i);
			double d;
			if (!json_object_is_type(v, json_type_double) &&
			    !json_object_is_type(v, json_type_int))
				return pr_err_set(err, "%s.history[%zu]: expected number", path, i);
			d = json_object_get_double(v);
			if (!isfinite(d) || fabs(d) > 1e18)
				return pr_err_set(err, "%s.history[%zu]: not a finite number", path, i);
			m->history[i] = d;
		}
	}
	return true;
}

bool pr_metrics_from_json(const struct json_object *obj, struct pr_metrics *out,
                          struct pr_err *err)
{
	char when[40] = "";
	memset(out, 0, sizeof *out);
	if (!pr_get_string(obj, "metrics", "city", out->city, sizeof out->city, false, err) ||
	    !pr_get_string(obj, "metrics", "generated_at", when, sizeof when, false, err))
		return false;
	if (!pr_time_parse(when, &out->generated_at, NULL))
		return pr_err_set(err, "generated_at: \"%s\" is not an RFC 3339 time", when);
	struct json_object *w;
	if (!pr_get_object(obj, "metrics", "weather", true, &w, err))
		return false;
	if (w) {
		struct pr_weather *pw = &out->weather;
		if (!pr_get_string(w, "weather", "text", pw->text, sizeof pw->text, false, err) ||
		    !pr_get_double(w, "weather", "temp_c", -90, 70, &pw->temp_c, false, err) ||
		    !pr_get_string(w, "weather", "wind", pw->wind, sizeof pw->wind, true, err) ||
		    !pr_get_string(w, "weather", "air", pw->air, sizeof pw->air, true, err))
			return false;
		out->has_weather = true;
	}
	struct json_object *arr;
	if (!pr_get_array(obj, "metrics", "metrics", PR_METRICS_MAX, false, &arr, err))
		return false;
	out->count = json_object_array_length(arr);
	for (size_t i = 0; i < out->count; i++) {
		char path[32];
		snprintf(path, sizeof path, "metrics[%zu]", i);
		struct json_object *o = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(o, json_type_object))
			return pr_err_set(err, "%s: not an object", path);
		if (!metric_from_json(o, path, &out->items[i], err))
			return false;
	}
	return true;
}

struct json_object *pr_metrics_to_json(const struct pr_metrics *m, int offset_min)
{
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "city", json_object_new_string(m->city));
	json_object_object_add(root, "generated_at", pr_time_new(m->generated_at, offset_min));
	if (m->has_weather) {
		struct json_object *w = json_object_new_object();
		json_object_object_add(w, "text", json_object_new_string(m->weather.text));
		json_object_object_add(w, "temp_c", pr_num_new(m->weather.temp_c, 1));
		json_object_object_add(w, "wind", json_object_new_string(m->weather.wind));
		json_object_object_add(w, "air", json_object_new_string(m->weather.air));
		json_object_object_add(root, "weather", w);
	}
	struct json_object *arr = json_object_new_array_ext((int)m->count);
	for (size_t i = 0; i < m->count; i++) {
		const struct pr_metric *p = &m->items[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "key", json_object_new_string(p->key));
		json_object_object_add(o, "label", json_object_new_string(p->label));
		json_object_object_add(o, "unit", json_object_new_string(p->unit));
		json_object_object_add(o, "value", pr_num_new(p->value, p->decimals));
		if (p->has_change) {
			json_object_object_add(o, "change_pct", pr_num_new(p->change_pct, 1));
			json_object_object_add(o, "change_label",
			                       json_object_new_string(p->change_label));
		}
		json_object_object_add(o, "decimals", json_object_new_int(p->decimals));
		json_object_object_add(o, "higher_is_better",
		                       json_object_new_boolean(p->higher_is_better));
		struct json_object *h = json_object_new_array_ext((int)p->history_len);
		for (size_t k = 0; k < p->history_len; k++)
			json_object_array_add(h, pr_num_new(p->history[k], p->decimals + 1));
		json_object_object_add(o, "history", h);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "metrics", arr);
	return root;
}

const struct pr_metric *pr_metrics_find(const struct pr_metrics *m, const char *key)
{
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->items[i].key, key) == 0)
			return &m->items[i];
	return NULL;
}
