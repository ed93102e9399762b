#pragma once
/* Alerts: the body of GET /api/v1/alerts ({"alerts":[...],"next":SEQ}), the alert inside 200
 * and 409 answers of ack/resolve, the ingest body of POST /api/v1/alerts, the ack body and the
 * error body every non-2xx answer carries. Value types; a list owns its heap array (call
 * pr_alert_list_finish). Any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum { PR_ALERT_PAGE_MAX = 1000 }; /* the most alerts one response carries */

enum pr_alert_status { PR_ALERT_NEW, PR_ALERT_ACKED, PR_ALERT_RESOLVED };

/* Grade 1 特别重大 (red) … 4 一般 (blue), China's four-level scheme. */
enum { PR_GRADE_MIN = 1, PR_GRADE_MAX = 4 };

struct pr_alert {
	char id[24];          /* "AL00000042" */
	int64_t seq;          /* changes on every change of the alert; the cursor of the feed */
	int grade;            /* 1..4 */
	char category[32];    /* "应急", "交通", ... */
	char title[256];
	char adcode[8];       /* "340104" */
	double lon, lat;
	int64_t raised_at;    /* Unix seconds */
	enum pr_alert_status status;
	char acked_by[64];    /* "" unless acked (kept after resolve) */
	int64_t acked_at;     /* 0 unless acked */
	char note[512];
	int64_t resolved_at;  /* 0 unless resolved */
	char resolved_by[64];
	char source_id[64];   /* the ingesting system's id; "" when none */
};

struct pr_alert_list {
	int64_t next;         /* pass as ?since= to get what follows */
	size_t count;
	struct pr_alert *items; /* heap, owned by the list */
};

/* POST /api/v1/alerts. lon/lat are optional (the district's centroid is used). */
struct pr_alert_in {
	int grade;
	char category[32];
	char title[256];
	char adcode[8];
	bool has_location;
	double lon, lat;
	char source_id[64];
	int64_t raised_at;    /* optional: 0 means the server's now */
};

/* POST /api/v1/alerts/{id}/ack and /resolve. */
struct pr_ack_in {
	char note[512];
};

/* Every error answer: {"error":"conflict","reason":"...", ...}; 409 on ack/resolve also
 * carries acked_by/acked_at (when acked) and the alert as it is. */
struct pr_api_error {
	char error[32];
	char reason[256];
	char acked_by[64];
	int64_t acked_at;
	bool has_alert;
	struct pr_alert alert;
};

const char *pr_alert_status_name(enum pr_alert_status s);
bool pr_alert_status_parse(const char *s, enum pr_alert_status *out);
/* "特别重大", "重大", "较大", "一般" and "red", "orange", "yellow", "blue"; "" out of range. */
const char *pr_grade_name(int grade);
const char *pr_grade_color(int grade);

bool pr_alert_from_json(const struct json_object *obj, const char *path, struct pr_alert *out,
                        struct pr_err *err);
struct json_object *pr_alert_to_json(const struct pr_alert *a, int offset_min);

/* Fills list (its old contents are not freed: start from a zeroed list). */
bool pr_alert_list_from_json(const struct json_object *obj, struct pr_alert_list *list,
                             struct pr_err *err);
struct json_object *pr_alert_list_to_json(const struct pr_alert_list *list, int offset_min);
void pr_alert_list_finish(struct pr_alert_list *list);

bool pr_alert_in_from_json(const struct json_object *obj, struct pr_alert_in *out,
                           struct pr_err *err);
struct json_object *pr_alert_in_to_json(const struct pr_alert_in *in, int offset_min);

bool pr_ack_in_from_json(const struct json_object *obj, struct pr_ack_in *out,
                         struct pr_err *err);
struct json_object *pr_ack_in_to_json(const struct pr_ack_in *in);

bool pr_api_error_from_json(const struct json_object *obj, struct pr_api_error *out,
                            struct pr_err *err);
struct json_object *pr_api_error_to_json(const struct pr_api_error *e, int offset_min);
