#include <stdio.h>
#include <string.h>

#include "pr_district.h"
#include "pr_json.h"
#include "pr_num.h"

bool pr_districts_from_json(const struct json_object *obj, struct pr_districts *d,
                            struct pr_err *err)
{
	struct json_object *inds, *arr;
	memset(d, 0, sizeof *d);
	if (!pr_get_time(obj, "districts", "generated_at", &d->generated_at, false, err) ||
	    !pr_get_array(obj, "districts", "indicators", PR_INDICATORS_MAX, false, &inds, err) ||
	    !pr_get_array(obj, "districts", "districts", PR_DISTRICTS_MAX, false, &arr, err))
		return false;
	d->indicator_count = json_object_array_length(inds);
	for (size_t i = 0; i < d->indicator_count; i++) {
		char path[48];
		int64_t dec = 0;
		struct pr_indicator *p = &d->indicators[i];
		struct json_object *o = json_object_array_get_idx(inds, i);
		snprintf(path, sizeof path, "indicators[%zu]", i);
		p->higher_is_better = true;
		if (!pr_get_string(o, path, "key", p->key, sizeof p->key, false, err) ||
		    !pr_get_string(o, path, "label", p->label, sizeof p->label, false, err) ||
		    !pr_get_string(o, path, "unit", p->unit, sizeof p->unit, true, err) ||
		    !pr_get_int64(o, path, "decimals", 0, 4, &dec, true, err) ||
		    !pr_get_bool(o, path, "higher_is_better", &p->higher_is_better, true, err))
			return false;
		p->decimals = (int)dec;
		for (size_t k = 0; k < i; k++)
			if (strcmp(d->indicators[k].key, p->key) == 0)
				return pr_err_set(err, "%s.key: \"%s\" twice", path, p->key);
	}
	d->count = json_object_array_length(arr);
	for (size_t i = 0; i < d->count; i++) {
		char path[48];
		struct pr_district *p = &d->items[i];
		struct json_object *o = json_object_array_get_idx(arr, i), *vals;
		snprintf(path, sizeof path, "districts[%zu]", i);
		if (!pr_get_string(o, path, "adcode", p->adcode, sizeof p->adcode, false, err) ||
		    !pr_get_string(o, path, "name", p->name, sizeof p->name, false, err) ||
		    !pr_get_double(o, path, "lon", -180, 180, &p->lon, false, err) ||
		    !pr_get_double(o, path, "lat", -90, 90, &p->lat, false, err) ||
		    !pr_get_object(o, path, "values", false, &vals, err))
			return false;
		char vpath[80];
		snprintf(vpath, sizeof vpath, "%s.values", path);
		for (size_t k = 0; k < d->indicator_count; k++)
			if (!pr_get_double(vals, vpath, d->indicators[k].key, -1e18, 1e18, &p->values[k],
			                   false, err))
				return false;
	}
	return true;
}

struct json_object *pr_districts_to_json(const struct pr_districts *d, int off)
{
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "generated_at", pr_time_new(d->generated_at, off));
	struct json_object *inds = json_object_new_array_ext((int)d->indicator_count);
	for (size_t i = 0; i < d->indicator_count; i++) {
		const struct pr_indicator *p = &d->indicators[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "key", json_object_new_string(p->key));
		json_object_object_add(o, "label", json_object_new_string(p->label));
		json_object_object_add(o, "unit", json_object_new_string(p->unit));
		json_object_object_add(o, "decimals", json_object_new_int(p->decimals));
		json_object_object_add(o, "higher_is_better",
		                       json_object_new_boolean(p->higher_is_better));
		json_object_array_add(inds, o);
	}
	json_object_object_add(root, "indicators", inds);
	struct json_object *arr = json_object_new_array_ext((int)d->count);
	for (size_t i = 0; i < d->count; i++) {
		const struct pr_district *p = &d->items[i];
		struct json_object *o = json_object_new_object(), *vals = json_object_new_object();
		json_object_object_add(o, "adcode", json_object_new_string(p->adcode));
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "lon", pr_num_new(p->lon, 6));
		json_object_object_add(o, "lat", pr_num_new(p->lat, 6));
		for (size_t k = 0; k < d->indicator_count; k++)
			json_object_object_add(vals, d->indicators[k].key,
			                       pr_num_new(p->values[k], d->indicators[k].decimals));
		json_object_object_add(o, "values", vals);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "districts", arr);
	return root;
}

int pr_districts_indicator(const struct pr_districts *d, const char *key)
{
	for (size_t i = 0; i < d->indicator_count; i++)
		if (strcmp(d->indicators[i].key, key) == 0)
			return (int)i;
	return -1;
}

const struct pr_district *pr_districts_find(const struct pr_districts *d, const char *adcode)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].adcode, adcode) == 0)
			return &d->items[i];
	return NULL;
}
