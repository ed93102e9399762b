#pragma once
/* Governance events of the grid (网格): the body of GET /api/v1/events?since=CURSOR,
 * {"events":[...],"next":SEQ}. An event moves reported → dispatched → handled → verified →
 * closed (the digital city-management loop); `steps` holds the time of each step reached,
 * `deadline` the time limit of the current step, `overdue` whether it was missed. Every change
 * gives the event a new seq. A list owns its heap array (pr_event_list_finish). Any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum { PR_EVENT_PAGE_MAX = 2000 };

enum pr_event_status {
	PR_EVENT_REPORTED,
	PR_EVENT_DISPATCHED,
	PR_EVENT_HANDLED,
	PR_EVENT_VERIFIED,
	PR_EVENT_CLOSED,
	PR_EVENT_STEPS
};

struct pr_event {
	char id[24];          /* "EV202611230042" */
	int64_t seq;
	char category[32];    /* "城市管理" */
	char type[64];        /* "占道经营" */
	char title[256];
	char address[128];    /* "蜀山区 长江西路与潜山路交口" */
	double lon, lat;
	char adcode[8];
	char grid[32];        /* grid cell id, "340104-012" */
	enum pr_event_status status;
	int64_t step_at[PR_EVENT_STEPS]; /* Unix seconds; 0 for a step not reached */
	int64_t deadline;     /* of the current step; 0 once closed */
	bool overdue;
};

struct pr_event_list {
	int64_t next;
	size_t count;
	struct pr_event *items;
};

const char *pr_event_status_name(enum pr_event_status s);
bool pr_event_status_parse(const char *s, enum pr_event_status *out);
/* "上报", "派遣", "处置", "核查", "结案" */
const char *pr_event_status_label(enum pr_event_status s);

bool pr_event_from_json(const struct json_object *obj, const char *path, struct pr_event *out,
                        struct pr_err *err);
struct json_object *pr_event_to_json(const struct pr_event *e, int offset_min);
bool pr_event_list_from_json(const struct json_object *obj, struct pr_event_list *list,
                             struct pr_err *err);
struct json_object *pr_event_list_to_json(const struct pr_event_list *list, int offset_min);
void pr_event_list_finish(struct pr_event_list *list);
