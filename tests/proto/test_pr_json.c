#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "pr_json.h"
#include "pr_metrics.h"

static bool parse(const char *s, struct pr_err *err)
{
	struct json_object *o;
	bool ok = pr_json_parse(s, strlen(s), &o, err);
	json_object_put(o);
	return ok;
}

Test(json, strict_parsing_rejects_what_it_must)
{
	struct pr_err err;
	cr_assert(parse("{\"a\": [1, 2, {\"b\": \"合肥\"}]} \n", &err), "%s", err.msg);
	cr_assert_not(parse("{\"a\": 1} x", &err));
	cr_assert(strstr(err.msg, "byte 9"), "names where: %s", err.msg);
	cr_assert_not(parse("{\"a\": 1} {}", &err), "two values");
	cr_assert_not(parse("{\"a\": [1, 2", &err));
	cr_assert(strstr(err.msg, "truncated"), "%s", err.msg);
	cr_assert_not(parse("{\"a\": NaN}", &err));
	cr_assert_not(parse("{\"a\": -Infinity}", &err));
	cr_assert_not(parse("{\"a\": nan}", &err));
	cr_assert_not(parse("{'a': 1}", &err), "single quotes are not JSON");
	cr_assert(parse("{\"a\": [-1.5e-3, 2E+5, true, false, null, \"it's \\\" NaN\"]}", &err), "%s",
	          err.msg);
	cr_assert_not(parse("{\"a\": \"\xff\"}", &err));
	cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	cr_assert_not(parse(deep, &err), "depth 40 is over the limit");
	struct json_object *o;
	cr_assert_not(pr_json_parse("{\"a\":\"x\0y\"}", 11, &o, &err), "embedded NUL");
}

Test(json, utf8_validation)
{
	cr_assert(pr_utf8_valid("合肥 ok", strlen("合肥 ok")));
	cr_assert_not(pr_utf8_valid("\xc0\xaf", 2), "overlong");
	cr_assert_not(pr_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_assert_not(pr_utf8_valid("\xe5\x90", 2), "cut at the end");
	cr_assert_not(pr_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
}

Test(json, getters_check_types_ranges_and_lengths)
{
	struct json_object *o;
	struct pr_err err;
	const char *s = "{\"n\": 5, \"d\": 1.5, \"s\": \"合肥市\", \"b\": true}";
	cr_assert(pr_json_parse(s, strlen(s), &o, &err), "%s", err.msg);
	int64_t n;
	double d;
	char buf[16];
	bool b;
	cr_assert(pr_get_int64(o, "x", "n", 0, 10, &n, false, &err));
	cr_assert_eq(n, 5);
	cr_assert_not(pr_get_int64(o, "x", "n", 0, 4, &n, false, &err));
	cr_assert_str_eq(err.msg, "x.n: 5 is outside [0, 4]");
	cr_assert(pr_get_double(o, "x", "n", 0, 10, &d, false, &err), "an integer is a number");
	cr_assert_not(pr_get_int64(o, "x", "d", 0, 10, &n, false, &err));
	cr_assert(strstr(err.msg, "expected integer"), "%s", err.msg);
	cr_assert_not(pr_get_string(o, "x", "s", buf, 9, false, &err), "9 bytes do not fit");
	cr_assert(strstr(err.msg, "longer than"), "%s", err.msg);
	cr_assert(pr_get_string(o, "x", "s", buf, 10, false, &err));
	cr_assert(pr_get_bool(o, "x", "b", &b, false, &err) && b);
	cr_assert_not(pr_get_string(o, "x", "missing", buf, 8, false, &err));
	cr_assert_str_eq(err.msg, "x.missing: missing");
	cr_assert(pr_get_string(o, "x", "missing", buf, 8, true, &err), "optional");
	json_object_put(o);
}

Test(json, rfc3339_times)
{
	int64_t t;
	int off;
	cr_assert(pr_time_parse("2026-11-23T14:30:00+08:00", &t, &off));
	cr_assert_eq(t, 1795415400);
	cr_assert_eq(off, 480);
	cr_assert(pr_time_parse("2026-11-23T06:30:00Z", &t, &off));
	cr_assert_eq(t, 1795415400);
	cr_assert(pr_time_parse("2026-11-23T06:30:00.250Z", &t, &off));
	cr_assert_not(pr_time_parse("2026-11-23 06:30:00", &t, &off));
	cr_assert_not(pr_time_parse("2026-13-23T06:30:00Z", &t, &off));
	cr_assert_not(pr_time_parse("2026-11-23T06:30:00+8", &t, &off));
	char buf[32];
	pr_time_format(1795415400, 480, buf);
	cr_assert_str_eq(buf, "2026-11-23T14:30:00+08:00");
	pr_time_format(1795415400, -330, buf);
	cr_assert_str_eq(buf, "2026-11-23T01:00:00-05:30");
}

Test(metrics, round_trip_through_json)
{
	struct pr_metrics m = {.count = 1, .generated_at = 1795415400, .has_weather = true};
	strcpy(m.city, "合肥市");
	strcpy(m.weather.text, "晴");
	m.weather.temp_c = 18;
	struct pr_metric *p = &m.items[0];
	strcpy(p->key, "aqi");
	strcpy(p->label, "空气质量指数");
	p->value = 62;
	p->has_change = true;
	p->change_pct = -3.1;
	strcpy(p->change_label, "较昨日");
	p->history_len = 3;
	p->history[0] = 1, p->history[1] = 2.5, p->history[2] = 3;
	struct json_object *o = pr_metrics_to_json(&m, 480);
	struct pr_metrics back;
	struct pr_err err;
	cr_assert(pr_metrics_from_json(o, &back, &err), "%s", err.msg);
	json_object_put(o);
	cr_assert_str_eq(back.city, "合肥市");
	cr_assert_eq(back.generated_at, m.generated_at);
	cr_assert_eq(back.count, 1);
	cr_assert_str_eq(back.items[0].label, "空气质量指数");
	cr_assert_float_eq(back.items[0].change_pct, -3.1, 1e-9);
	cr_assert_eq(back.items[0].history_len, 3);
	cr_assert_float_eq(back.items[0].history[1], 2.5, 1e-9);
	cr_assert_not(back.items[0].higher_is_better);
}

Test(metrics, bad_fields_are_named)
{
	const char *cases[][2] = {
	    {"{\"city\":\"c\",\"generated_at\":\"2026-11-23T14:30:00Z\",\"metrics\":[{\"key\":\"a\","
	     "\"label\":\"l\",\"value\":\"12\"}]}",
	     "metrics[0].value: expected number, got string"},
	    {"{\"city\":\"c\",\"generated_at\":\"yesterday\",\"metrics\":[]}", "generated_at"},
	    {"{\"city\":\"c\",\"generated_at\":\"2026-11-23T14:30:00Z\",\"metrics\":[{\"key\":\"a\","
	     "\"label\":\"l\",\"value\":1,\"history\":[1,\"x\"]}]}",
	     "metrics[0].history[1]: expected number"},
	    {"{\"city\":\"c\",\"generated_at\":\"2026-11-23T14:30:00Z\"}", "metrics.metrics: missing"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct json_object *o;
		struct pr_err err;
		cr_assert(pr_json_parse(cases[i][0], strlen(cases[i][0]), &o, &err), "%s", err.msg);
		struct pr_metrics m;
		cr_assert_not(pr_metrics_from_json(o, &m, &err));
		cr_assert(strstr(err.msg, cases[i][1]), "case %zu: %s", i, err.msg);
		json_object_put(o);
	}
}
