#pragma once
/* Per-district indicators for choropleths: the body of GET /api/v1/districts.
 * {"generated_at":T,"indicators":[{key,label,unit,decimals,higher_is_better}],
 *  "districts":[{"adcode","name","lon","lat","values":{KEY:number,...}}]}
 * Every district carries a value for every indicator, in the order of `indicators`.
 * Plain value type with fixed capacities. Any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "pr_err.h"

enum { PR_DISTRICTS_MAX = 64, PR_INDICATORS_MAX = 16 };

struct pr_indicator {
	char key[32];     /* "aqi", "congestion", "events_open", ... */
	char label[64];   /* "空气质量指数" */
	char unit[16];    /* base unit, "" for an index */
	int decimals;     /* 0..4 */
	bool higher_is_better;
};

struct pr_district {
	char adcode[8];
	char name[32];    /* "蜀山区" */
	double lon, lat;  /* centroid */
	double values[PR_INDICATORS_MAX]; /* indexed like pr_districts.indicators */
};

struct pr_districts {
	int64_t generated_at;
	size_t indicator_count;
	struct pr_indicator indicators[PR_INDICATORS_MAX];
	size_t count;
	struct pr_district items[PR_DISTRICTS_MAX];
};

bool pr_districts_from_json(const struct json_object *obj, struct pr_districts *out,
                            struct pr_err *err);
struct json_object *pr_districts_to_json(const struct pr_districts *d, int offset_min);
/* Index of the indicator with key, or -1. */
int pr_districts_indicator(const struct pr_districts *d, const char *key);
/* The district with adcode, or NULL. */
const struct pr_district *pr_districts_find(const struct pr_districts *d, const char *adcode);
