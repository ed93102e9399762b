/* The wire codecs of alerts, districts, events and industry: fixtures decode, encode back to
 * the same bytes, and bad input is refused with a message naming the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "pr_alert.h"
#include "pr_district.h"
#include "pr_event.h"
#include "pr_industry.h"
#include "pr_json.h"

static char *slurp(const char *name, size_t *len)
{
	char path[1024];
	const char *root = getenv("CBWALL_DATADIR") ? getenv("CBWALL_DATADIR") : ".";
	snprintf(path, sizeof path, "%s/assets/fixtures/demo/%s", root, name);
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s: cannot open", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n'))
		buf[--n] = '\0';
	*len = (size_t)n;
	return buf;
}

static struct json_object *parse_str(const char *s)
{
	struct json_object *o;
	struct pr_err err = {{0}};
	cr_assert(pr_json_parse(s, strlen(s), &o, &err), "%s", err.msg);
	return o;
}

static void expect_same(struct json_object *out, const char *body)
{
	const char *s = json_object_to_json_string_ext(
	        out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	cr_expect_str_eq(s, body);
	json_object_put(out);
}

Test(wire, alerts_fixture_round_trips)
{
	size_t len;
	char *body = slurp("alerts.json", &len);
	struct json_object *o = parse_str(body);
	struct pr_alert_list l;
	struct pr_err err = {{0}};
	cr_assert(pr_alert_list_from_json(o, &l, &err), "%s", err.msg);
	cr_expect(l.count > 0);
	for (size_t i = 0; i < l.count; i++) {
		cr_expect(l.items[i].grade >= 1 && l.items[i].grade <= 4);
		cr_expect(strncmp(l.items[i].adcode, "3401", 4) == 0);
	}
	expect_same(pr_alert_list_to_json(&l, 480), body);
	pr_alert_list_finish(&l);
	json_object_put(o);
	free(body);
}

Test(wire, events_fixture_round_trips)
{
	size_t len;
	char *body = slurp("events.json", &len);
	struct json_object *o = parse_str(body);
	struct pr_event_list l;
	struct pr_err err = {{0}};
	cr_assert(pr_event_list_from_json(o, &l, &err), "%s", err.msg);
	cr_expect(l.count > 0);
	for (size_t i = 0; i < l.count; i++)
		for (int s = 1; s <= (int)l.items[i].status; s++)
			cr_expect(l.items[i].step_at[s] >= l.items[i].step_at[s - 1]);
	expect_same(pr_event_list_to_json(&l, 480), body);
	pr_event_list_finish(&l);
	json_object_put(o);
	free(body);
}

Test(wire, districts_fixture_round_trips)
{
	size_t len;
	char *body = slurp("districts.json", &len);
	struct json_object *o = parse_str(body);
	struct pr_districts *d = calloc(1, sizeof *d);
	struct pr_err err = {{0}};
	cr_assert(pr_districts_from_json(o, d, &err), "%s", err.msg);
	cr_expect_eq(d->count, 9);
	int aqi = pr_districts_indicator(d, "aqi");
	cr_assert(aqi >= 0);
	const struct pr_district *shushan = pr_districts_find(d, "340104");
	cr_assert(shushan);
	cr_expect_str_eq(shushan->name, "蜀山区");
	cr_expect(shushan->values[aqi] > 0);
	expect_same(pr_districts_to_json(d, 480), body);
	free(d);
	json_object_put(o);
	free(body);
}

Test(wire, industry_fixture_round_trips)
{
	size_t len;
	char *body = slurp("industry.json", &len);
	struct json_object *o = parse_str(body);
	struct pr_industry *in = calloc(1, sizeof *in);
	struct pr_err err = {{0}};
	cr_assert(pr_industry_from_json(o, in, &err), "%s", err.msg);
	cr_expect(in->chain_count >= 3);
	cr_expect(in->project_count > 0);
	expect_same(pr_industry_to_json(in, 480), body);
	free(in);
	json_object_put(o);
	free(body);
}

static void expect_alert_error(const char *json, const char *needle)
{
	struct json_object *o = parse_str(json);
	struct pr_alert a;
	struct pr_err err = {{0}};
	cr_expect_not(pr_alert_from_json(o, "alert", &a, &err), "accepted %s", json);
	cr_expect(strstr(err.msg, needle), "message \"%s\" lacks \"%s\"", err.msg, needle);
	json_object_put(o);
}

#define ALERT(extra)                                                                          \
	"{\"id\":\"AL1\",\"seq\":1,\"category\":\"交通\",\"title\":\"t\",\"adcode\":\"340104\","    \
	"\"lon\":117.2,\"lat\":31.8,\"raised_at\":\"2026-11-23T14:30:00+08:00\"" extra "}"

Test(wire, alert_rejects_bad_fields)
{
	expect_alert_error(ALERT(",\"grade\":5,\"status\":\"new\""), "alert.grade");
	expect_alert_error(ALERT(",\"grade\":\"1\",\"status\":\"new\""), "alert.grade");
	expect_alert_error(ALERT(",\"grade\":1,\"status\":\"gone\""), "alert.status");
	expect_alert_error(ALERT(",\"grade\":1,\"status\":\"acked\""), "acked");
	expect_alert_error(ALERT(",\"grade\":1"), "alert.status");
	expect_alert_error("{\"id\":\"AL1\",\"seq\":1,\"grade\":1,\"category\":\"交通\",\"title\":\"t\","
	                   "\"adcode\":\"34010\",\"lon\":1,\"lat\":1,\"raised_at\":\"x\","
	                   "\"status\":\"new\"}",
	                   "alert.adcode");
	expect_alert_error(ALERT(",\"grade\":1,\"status\":\"new\",\"acked_at\":\"yesterday\""),
	                   "alert.acked_at");
	expect_alert_error("{\"id\":\"AL1\",\"seq\":1,\"grade\":1,\"category\":\"交通\",\"title\":\"t\","
	                   "\"adcode\":\"340104\",\"lon\":1,\"lat\":91,"
	                   "\"raised_at\":\"2026-11-23T14:30:00+08:00\",\"status\":\"new\"}",
	                   "alert.lat");
}

Test(wire, alert_in_and_ack_and_error_round_trip)
{
	struct pr_alert_in in = {.grade = 1, .has_location = true, .lon = 117.25, .lat = 31.85,
	                         .raised_at = 1795415400};
	strcpy(in.category, "应急");
	strcpy(in.title, "蜀山区大蜀山森林火险");
	strcpy(in.adcode, "340104");
	strcpy(in.source_id, "fire-1");
	struct json_object *o = pr_alert_in_to_json(&in, 480);
	struct pr_alert_in back;
	struct pr_err err = {{0}};
	cr_assert(pr_alert_in_from_json(o, &back, &err), "%s", err.msg);
	cr_expect_eq(memcmp(&in, &back, sizeof in), 0);
	json_object_put(o);
	struct json_object *bad = parse_str("{\"grade\":1,\"category\":\"应急\",\"title\":\"x\","
	                                    "\"adcode\":\"340104\",\"lon\":117,\"source_id\":\"s\"}");
	cr_expect_not(pr_alert_in_from_json(bad, &back, &err));
	json_object_put(bad);
	struct pr_ack_in ack = {.note = "已到场"};
	o = pr_ack_in_to_json(&ack);
	struct pr_ack_in ack2;
	cr_assert(pr_ack_in_from_json(o, &ack2, &err));
	cr_expect_str_eq(ack2.note, "已到场");
	json_object_put(o);
	struct pr_api_error e = {.error = "conflict", .reason = "already", .acked_by = "王伟",
	                         .acked_at = 1795415400};
	o = pr_api_error_to_json(&e, 480);
	struct pr_api_error e2;
	cr_assert(pr_api_error_from_json(o, &e2, &err), "%s", err.msg);
	cr_expect_str_eq(e2.acked_by, "王伟");
	cr_expect_eq(e2.acked_at, 1795415400);
	json_object_put(o);
	cr_expect_str_eq(pr_grade_name(1), "特别重大");
	cr_expect_str_eq(pr_grade_color(4), "blue");
	cr_expect_str_eq(pr_grade_name(0), "");
}

Test(wire, industry_rejects_a_link_to_a_missing_node)
{
	struct json_object *o = parse_str(
	        "{\"generated_at\":\"2026-11-23T14:30:00+08:00\",\"unit\":\"亿元\",\"chains\":[{\"id\":"
	        "\"c\",\"name\":\"n\",\"output\":1,\"growth_pct\":1,\"nodes\":[{\"id\":\"a\",\"name\":"
	        "\"A\",\"stage\":\"upstream\",\"output\":1,\"growth_pct\":0}],\"links\":[{\"from\":"
	        "\"a\",\"to\":\"b\"}]}],\"sectors\":[],\"enterprises\":[],\"projects\":[]}");
	struct pr_industry *in = calloc(1, sizeof *in);
	struct pr_err err = {{0}};
	cr_expect_not(pr_industry_from_json(o, in, &err));
	cr_expect(strstr(err.msg, "chains[0].links[0]"), "%s", err.msg);
	free(in);
	json_object_put(o);
}

Test(wire, event_list_too_long_is_refused)
{
	struct pr_event_list l = {0};
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < PR_EVENT_PAGE_MAX + 1; i++)
		json_object_array_add(arr, json_object_new_object());
	json_object_object_add(root, "events", arr);
	json_object_object_add(root, "next", json_object_new_int(0));
	struct pr_err err = {{0}};
	cr_expect_not(pr_event_list_from_json(root, &l, &err));
	cr_expect(strstr(err.msg, "more than"), "%s", err.msg);
	json_object_put(root);
}
