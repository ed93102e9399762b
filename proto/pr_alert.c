#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pr_alert.h"
#include "pr_json.h"
#include "pr_num.h"

static const char *status_names[] = {"new", "acked", "resolved"};

const char *pr_alert_status_name(enum pr_alert_status s)
{
	return (unsigned)s < 3 ? status_names[s] : "";
}

bool pr_alert_status_parse(const char *s, enum pr_alert_status *out)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum pr_alert_status)i;
			return true;
		}
	}
	return false;
}

const char *pr_grade_name(int grade)
{
	static const char *n[] = {"特别重大", "重大", "较大", "一般"};
	return grade >= 1 && grade <= 4 ? n[grade - 1] : "";
}

const char *pr_grade_color(int grade)
{
	static const char *n[] = {"red", "orange", "yellow", "blue"};
	return grade >= 1 && grade <= 4 ? n[grade - 1] : "";
}

static bool get_adcode(const struct json_object *o, const char *path, char adcode[8],
                       struct pr_err *err)
{
	if (!pr_get_string(o, path, "adcode", adcode, 8, false, err))
		return false;
	if (strlen(adcode) != 6 || strspn(adcode, "0123456789") != 6)
		return pr_err_set(err, "%s.adcode: \"%s\" is not a 6-digit adcode", path, adcode);
	return true;
}

bool pr_alert_from_json(const struct json_object *o, const char *path, struct pr_alert *a,
                        struct pr_err *err)
{
	char status[16];
	int64_t grade;
	memset(a, 0, sizeof *a);
	if (!pr_get_string(o, path, "id", a->id, sizeof a->id, false, err) ||
	    !pr_get_int64(o, path, "seq", 0, INT64_MAX, &a->seq, false, err) ||
	    !pr_get_int64(o, path, "grade", PR_GRADE_MIN, PR_GRADE_MAX, &grade, false, err) ||
	    !pr_get_string(o, path, "category", a->category, sizeof a->category, false, err) ||
	    !pr_get_string(o, path, "title", a->title, sizeof a->title, false, err) ||
	    !get_adcode(o, path, a->adcode, err) ||
	    !pr_get_double(o, path, "lon", -180, 180, &a->lon, false, err) ||
	    !pr_get_double(o, path, "lat", -90, 90, &a->lat, false, err) ||
	    !pr_get_time(o, path, "raised_at", &a->raised_at, false, err) ||
	    !pr_get_string(o, path, "status", status, sizeof status, false, err) ||
	    !pr_get_string(o, path, "acked_by", a->acked_by, sizeof a->acked_by, true, err) ||
	    !pr_get_time(o, path, "acked_at", &a->acked_at, true, err) ||
	    !pr_get_string(o, path, "note", a->note, sizeof a->note, true, err) ||
	    !pr_get_time(o, path, "resolved_at", &a->resolved_at, true, err) ||
	    !pr_get_string(o, path, "resolved_by", a->resolved_by, sizeof a->resolved_by, true,
	                   err) ||
	    !pr_get_string(o, path, "source_id", a->source_id, sizeof a->source_id, true, err))
		return false;
	a->grade = (int)grade;
	if (!pr_alert_status_parse(status, &a->status))
		return pr_err_set(err, "%s.status: \"%s\" is not new, acked or resolved", path, status);
	if (a->status == PR_ALERT_ACKED && (!a->acked_by[0] || !a->acked_at))
		return pr_err_set(err, "%s: acked without acked_by/acked_at", path);
	return true;
}

static void add_opt_string(struct json_object *o, const char *key, const char *s)
{
	if (s[0])
		json_object_object_add(o, key, json_object_new_string(s));
}

static void add_opt_time(struct json_object *o, const char *key, int64_t t, int off)
{
	if (t)
		json_object_object_add(o, key, pr_time_new(t, off));
}

struct json_object *pr_alert_to_json(const struct pr_alert *a, int off)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(a->id));
	json_object_object_add(o, "seq", json_object_new_int64(a->seq));
	json_object_object_add(o, "grade", json_object_new_int(a->grade));
	json_object_object_add(o, "category", json_object_new_string(a->category));
	json_object_object_add(o, "title", json_object_new_string(a->title));
	json_object_object_add(o, "adcode", json_object_new_string(a->adcode));
	json_object_object_add(o, "lon", pr_num_new(a->lon, 6));
	json_object_object_add(o, "lat", pr_num_new(a->lat, 6));
	json_object_object_add(o, "raised_at", pr_time_new(a->raised_at, off));
	json_object_object_add(o, "status", json_object_new_string(pr_alert_status_name(a->status)));
	add_opt_string(o, "acked_by", a->acked_by);
	add_opt_time(o, "acked_at", a->acked_at, off);
	add_opt_string(o, "note", a->note);
	add_opt_time(o, "resolved_at", a->resolved_at, off);
	add_opt_string(o, "resolved_by", a->resolved_by);
	add_opt_string(o, "source_id", a->source_id);
	return o;
}

bool pr_alert_list_from_json(const struct json_object *obj, struct pr_alert_list *list,
                             struct pr_err *err)
{
	struct json_object *arr;
	memset(list, 0, sizeof *list);
	if (!pr_get_int64(obj, "alerts", "next", 0, INT64_MAX, &list->next, false, err) ||
	    !pr_get_array(obj, "alerts", "alerts", PR_ALERT_PAGE_MAX, false, &arr, err))
		return false;
	size_t n = json_object_array_length(arr);
	list->items = calloc(n ? n : 1, sizeof *list->items);
	if (!list->items)
		abort();
	for (size_t i = 0; i < n; i++) {
		char path[48];
		snprintf(path, sizeof path, "alerts[%zu]", i);
		if (!pr_alert_from_json(json_object_array_get_idx(arr, i), path, &list->items[i],
		                        err)) {
			pr_alert_list_finish(list);
			return false;
		}
		list->count++;
	}
	return true;
}

struct json_object *pr_alert_list_to_json(const struct pr_alert_list *list, int off)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array_ext((int)list->count);
	for (size_t i = 0; i < list->count; i++)
		json_object_array_add(arr, pr_alert_to_json(&list->items[i], off));
	json_object_object_add(o, "alerts", arr);
	json_object_object_add(o, "next", json_object_new_int64(list->next));
	return o;
}

void pr_alert_list_finish(struct pr_alert_list *list)
{
	if (!list)
		return;
	free(list->items);
	memset(list, 0, sizeof *list);
}

bool pr_alert_in_from_json(const struct json_object *o, struct pr_alert_in *in,
                           struct pr_err *err)
{
	const char *path = "alert";
	int64_t grade;
	memset(in, 0, sizeof *in);
	in->lon = 1000;
	in->lat = 1000;
	if (!pr_get_int64(o, path, "grade", PR_GRADE_MIN, PR_GRADE_MAX, &grade, false, err) ||
	    !pr_get_string(o, path, "category", in->category, sizeof in->category, false, err) ||
	    !pr_get_string(o, path, "title", in->title, sizeof in->title, false, err) ||
	    !get_adcode(o, path, in->adcode, err) ||
	    !pr_get_double(o, path, "lon", -180, 180, &in->lon, true, err) ||
	    !pr_get_double(o, path, "lat", -90, 90, &in->lat, true, err) ||
	    !pr_get_string(o, path, "source_id", in->source_id, sizeof in->source_id, false, err) ||
	    !pr_get_time(o, path, "raised_at", &in->raised_at, true, err))
		return false;
	in->grade = (int)grade;
	if ((in->lon == 1000) != (in->lat == 1000))
		return pr_err_set(err, "alert: lon and lat go together");
	in->has_location = in->lon != 1000;
	if (!in->has_location)
		in->lon = in->lat = 0;
	if (!in->category[0] || !in->title[0] || !in->source_id[0])
		return pr_err_set(err, "alert: category, title and source_id must not be empty");
	return true;
}

struct json_object *pr_alert_in_to_json(const struct pr_alert_in *in, int off)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "grade", json_object_new_int(in->grade));
	json_object_object_add(o, "category", json_object_new_string(in->category));
	json_object_object_add(o, "title", json_object_new_string(in->title));
	json_object_object_add(o, "adcode", json_object_new_string(in->adcode));
	if (in->has_location) {
		json_object_object_add(o, "lon", pr_num_new(in->lon, 6));
		json_object_object_add(o, "lat", pr_num_new(in->lat, 6));
	}
	json_object_object_add(o, "source_id", json_object_new_string(in->source_id));
	if (in->raised_at)
		json_object_object_add(o, "raised_at", pr_time_new(in->raised_at, off));
	return o;
}

bool pr_ack_in_from_json(const struct json_object *o, struct pr_ack_in *in, struct pr_err *err)
{
	memset(in, 0, sizeof *in);
	if (!json_object_is_type(o, json_type_object))
		return pr_err_set(err, "ack: not an object");
	return pr_get_string(o, "ack", "note", in->note, sizeof in->note, true, err);
}

struct json_object *pr_ack_in_to_json(const struct pr_ack_in *in)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "note", json_object_new_string(in->note));
	return o;
}

bool pr_api_error_from_json(const struct json_object *o, struct pr_api_error *e,
                            struct pr_err *err)
{
	memset(e, 0, sizeof *e);
	if (!pr_get_string(o, "error", "error", e->error, sizeof e->error, false, err) ||
	    !pr_get_string(o, "error", "reason", e->reason, sizeof e->reason, false, err) ||
	    !pr_get_string(o, "error", "acked_by", e->acked_by, sizeof e->acked_by, true, err) ||
	    !pr_get_time(o, "error", "acked_at", &e->acked_at, true, err))
		return false;
	struct json_object *a;
	if (!pr_get_object(o, "error", "alert", true, &a, err))
		return false;
	if (a) {
		if (!pr_alert_from_json(a, "error.alert", &e->alert, err))
			return false;
		e->has_alert = true;
	}
	return true;
}

struct json_object *pr_api_error_to_json(const struct pr_api_error *e, int off)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(e->error));
	json_object_object_add(o, "reason", json_object_new_string(e->reason));
	if (e->acked_by[0]) {
		json_object_object_add(o, "acked_by", json_object_new_string(e->acked_by));
		add_opt_time(o, "acked_at", e->acked_at, off);
	}
	if (e->has_alert)
		json_object_object_add(o, "alert", pr_alert_to_json(&e->alert, off));
	return o;
}
