#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pr_event.h"
#include "pr_json.h"
#include "pr_num.h"

static const char *names[] = {"reported", "dispatched", "handled", "verified", "closed"};

const char *pr_event_status_name(enum pr_event_status s)
{
	return (unsigned)s < PR_EVENT_STEPS ? names[s] : "";
}

const char *pr_event_status_label(enum pr_event_status s)
{
	static const char *labels[] = {"上报", "派遣", "处置", "核查", "结案"};
	return (unsigned)s < PR_EVENT_STEPS ? labels[s] : "";
}

bool pr_event_status_parse(const char *s, enum pr_event_status *out)
{
	for (int i = 0; i < PR_EVENT_STEPS; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum pr_event_status)i;
			return true;
		}
	}
	return false;
}

bool pr_event_from_json(const struct json_object *o, const char *path, struct pr_event *e,
                        struct pr_err *err)
{
	char status[16];
	struct json_object *steps;
	memset(e, 0, sizeof *e);
	if (!pr_get_string(o, path, "id", e->id, sizeof e->id, false, err) ||
	    !pr_get_int64(o, path, "seq", 0, INT64_MAX, &e->seq, false, err) ||
	    !pr_get_string(o, path, "category", e->category, sizeof e->category, false, err) ||
	    !pr_get_string(o, path, "type", e->type, sizeof e->type, false, err) ||
	    !pr_get_string(o, path, "title", e->title, sizeof e->title, false, err) ||
	    !pr_get_string(o, path, "address", e->address, sizeof e->address, true, err) ||
	    !pr_get_double(o, path, "lon", -180, 180, &e->lon, false, err) ||
	    !pr_get_double(o, path, "lat", -90, 90, &e->lat, false, err) ||
	    !pr_get_string(o, path, "adcode", e->adcode, sizeof e->adcode, false, err) ||
	    !pr_get_string(o, path, "grid", e->grid, sizeof e->grid, false, err) ||
	    !pr_get_string(o, path, "status", status, sizeof status, false, err) ||
	    !pr_get_object(o, path, "steps", false, &steps, err) ||
	    !pr_get_time(o, path, "deadline", &e->deadline, true, err) ||
	    !pr_get_bool(o, path, "overdue", &e->overdue, false, err))
		return false;
	if (!pr_event_status_parse(status, &e->status))
		return pr_err_set(err, "%s.status: \"%s\" is not a step of the loop", path, status);
	char spath[96];
	snprintf(spath, sizeof spath, "%s.steps", path);
	for (int i = 0; i <= (int)e->status; i++)
		if (!pr_get_time(steps, spath, names[i], &e->step_at[i], false, err))
			return false;
	return true;
}

struct json_object *pr_event_to_json(const struct pr_event *e, int off)
{
	struct json_object *o = json_object_new_object(), *steps = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(e->id));
	json_object_object_add(o, "seq", json_object_new_int64(e->seq));
	json_object_object_add(o, "category", json_object_new_string(e->category));
	json_object_object_add(o, "type", json_object_new_string(e->type));
	json_object_object_add(o, "title", json_object_new_string(e->title));
	json_object_object_add(o, "address", json_object_new_string(e->address));
	json_object_object_add(o, "lon", pr_num_new(e->lon, 6));
	json_object_object_add(o, "lat", pr_num_new(e->lat, 6));
	json_object_object_add(o, "adcode", json_object_new_string(e->adcode));
	json_object_object_add(o, "grid", json_object_new_string(e->grid));
	json_object_object_add(o, "status", json_object_new_string(pr_event_status_name(e->status)));
	for (int i = 0; i <= (int)e->status && i < PR_EVENT_STEPS; i++)
		json_object_object_add(steps, names[i], pr_time_new(e->step_at[i], off));
	json_object_object_add(o, "steps", steps);
	if (e->deadline)
		json_object_object_add(o, "deadline", pr_time_new(e->deadline, off));
	json_object_object_add(o, "overdue", json_object_new_boolean(e->overdue));
	return o;
}

bool pr_event_list_from_json(const struct json_object *obj, struct pr_event_list *list,
                             struct pr_err *err)
{
	struct json_object *arr;
	memset(list, 0, sizeof *list);
	if (!pr_get_int64(obj, "events", "next", 0, INT64_MAX, &list->next, false, err) ||
	    !pr_get_array(obj, "events", "events", PR_EVENT_PAGE_MAX, false, &arr, err))
		return false;
	size_t n = json_object_array_length(arr);
	list->items = calloc(n ? n : 1, sizeof *list->items);
	if (!list->items)
		abort();
	for (size_t i = 0; i < n; i++) {
		char path[48];
		snprintf(path, sizeof path, "events[%zu]", i);
		if (!pr_event_from_json(json_object_array_get_idx(arr, i), path, &list->items[i],
		                        err)) {
			pr_event_list_finish(list);
			return false;
		}
		list->count++;
	}
	return true;
}

struct json_object *pr_event_list_to_json(const struct pr_event_list *list, int off)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array_ext((int)list->count);
	for (size_t i = 0; i < list->count; i++)
		json_object_array_add(arr, pr_event_to_json(&list->items[i], off));
	json_object_object_add(o, "events", arr);
	json_object_object_add(o, "next", json_object_new_int64(list->next));
	return o;
}

void pr_event_list_finish(struct pr_event_list *list)
{
	if (!list)
		return;
	free(list->items);
	memset(list, 0, sizeof *list);
}
