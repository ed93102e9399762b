#pragma once
/* City KPIs: the body of GET /api/v1/metrics and of the fixture file metrics.json.
 * Plain value types with fixed capacities (a body that exceeds them is rejected). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum { PR_METRICS_MAX = 32, PR_HISTORY_MAX = 96 };

struct pr_metric {
	char key[32];        /* "aqi", "congestion", "hotline_today", "population", "gdp", ... */
	char label[64];      /* "空气质量指数" */
	char unit[16];       /* base unit: "人", "元", "件", "" ; the client scales to 万/亿 */
	double value;
	bool has_change;
	double change_pct;   /* change against the comparison period, percent */
	char change_label[32]; /* what the change compares with: "较昨日" */
	int decimals;        /* digits after the point when shown unscaled (0..4) */
	bool higher_is_better;
	size_t history_len;  /* oldest first, for sparklines */
	double history[PR_HISTORY_MAX];
};

struct pr_weather {
	char text[32];       /* "晴" */
	double temp_c;
	char wind[32];       /* "东南风 2级" */
	char air[16];        /* "良" */
};

struct pr_metrics {
	char city[64];       /* "合肥市" */
	int64_t generated_at; /* Unix seconds */
	bool has_weather;
	struct pr_weather weather;
	size_t count;
	struct pr_metric items[PR_METRICS_MAX];
};

bool pr_metrics_from_json(const struct json_object *obj, struct pr_metrics *out,
                          struct pr_err *err);
/* A new json_object (caller puts) in the same shape pr_metrics_from_json reads. */
struct json_object *pr_metrics_to_json(const struct pr_metrics *m, int offset_min);
/* The metric with key, or NULL. */
const struct pr_metric *pr_metrics_find(const struct pr_metrics *m, const char *key);
