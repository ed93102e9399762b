/* Pure parts of the backend: SHA-256, the tokens file, the simulator's determinism. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <math.h>

#include <criterion/criterion.h>

#include "bk_auth.h"
#include "bk_sha256.h"
#include "bk_sim.h"

Test(sha256, known_vectors)
{
	char hex[65];
	bk_sha256_hex("", 0, hex);
	cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	bk_sha256_hex("abc", 3, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	bk_sha256_hex(m, strlen(m), hex);
	cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *million = malloc(1000000);
	memset(million, 'a', 1000000);
	bk_sha256_hex(million, 1000000, hex);
	cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

static char *tmpfile_with(const char *text)
{
	static char path[512];
	const char *out = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(path, sizeof path, "%s/tokens_%d", out, (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

Test(auth, tokens_file)
{
	char hex[65], line[256], name[64];
	bk_sha256_hex("s3cret", 6, hex);
	snprintf(line, sizeof line, "# comment\n\n%s officer 王伟 (夜班)\n", hex);
	struct pr_err err = {{0}};
	struct bk_auth *a = bk_auth_load(tmpfile_with(line), &err);
	cr_assert(a, "%s", err.msg);
	cr_expect_eq(bk_auth_check(a, "s3cret", 6, name), BK_ROLE_OFFICER);
	cr_expect_str_eq(name, "王伟 (夜班)");
	cr_expect_eq(bk_auth_check(a, "s3cre", 5, name), BK_ROLE_NONE);
	cr_expect_eq(bk_auth_check(a, "", 0, name), BK_ROLE_NONE);
	bk_auth_free(a);
	cr_expect_null(bk_auth_load(tmpfile_with("abc officer x\n"), &err));
	cr_expect(strstr(err.msg, ":1:"), "%s", err.msg);
	snprintf(line, sizeof line, "%s admin x\n", hex);
	cr_expect_null(bk_auth_load(tmpfile_with(line), &err));
	cr_expect(strstr(err.msg, "admin"), "%s", err.msg);
	snprintf(line, sizeof line, "%s viewer\n", hex);
	cr_expect_null(bk_auth_load(tmpfile_with(line), &err));
	char tok[64];
	cr_assert(bk_auth_new_token(tok, &err));
	cr_expect_eq(strlen(tok), 44);
}

Test(sim, deterministic_and_plausible)
{
	struct pr_metrics *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	bk_sim_metrics(1, 1795415400, NULL, a);
	bk_sim_metrics(1, 1795415400, NULL, b);
	cr_expect_eq(memcmp(a, b, sizeof *a), 0);
	const struct pr_metric *aqi = pr_metrics_find(a, "aqi");
	cr_assert(aqi);
	cr_expect(aqi->value > 10 && aqi->value < 300, "aqi %g", aqi->value);
	cr_expect_eq(aqi->history_len, 24);
	bk_sim_metrics(2, 1795415400, NULL, b);
	cr_expect_neq(memcmp(a, b, sizeof *a), 0);
	free(a);
	free(b);
	/* an event only moves forward and its id parses back */
	struct pr_event e1, e2;
	int64_t m = 1795415400 / 60;
	bk_sim_event(1, m, 0, m * 60 + 60, &e1);
	bk_sim_event(1, m, 0, m * 60 + 86400, &e2);
	cr_expect_str_eq(e1.id, e2.id);
	cr_expect(e2.status >= e1.status);
	cr_expect_eq(e2.status, PR_EVENT_CLOSED);
	int64_t pm;
	int pk;
	cr_assert(bk_sim_event_id_parse(e1.id, &pm, &pk));
	cr_expect_eq(pm, m);
	cr_expect_eq(pk, 0);
	/* about five alerts an hour, every grade over a week, all in the jurisdiction */
	int grades[5] = {0}, total = 0;
	for (int64_t mm = m; mm < m + 7 * 1440; mm++) {
		struct pr_alert_in in[2];
		size_t n = bk_sim_alerts(1, mm, in);
		for (size_t k = 0; k < n; k++) {
			grades[in[k].grade]++;
			total++;
			cr_assert(bk_district_find(in[k].adcode));
			cr_assert(bk_sim_alert_duration(1, in[k].source_id) > 0);
		}
	}
	cr_expect(total > 7 * 24 * 3 && total < 7 * 24 * 8, "%d alerts a week", total);
	for (int g = 1; g <= 4; g++)
		cr_expect(grades[g] > 0, "no grade %d", g);
}

/* Every KPI of the city scene comes from the simulator, with plausible values and 24 hours of
 * history; the event KPIs agree with the events themselves. */
Test(sim, city_kpis_from_the_events)
{
	static const struct {
		const char *key, *unit;
		double min, max;
	} want[] = {
		{"events_today", "件", 0, 2000},      {"closure_rate", "%", 50, 100},
		{"avg_handle_hours", "小时", 0.5, 24}, {"sensors_online", "台", 40000, 60000},
		{"power_load", "万千瓦", 400, 2000},  {"water_level", "米", 7, 11},
	};
	int64_t t = 1795415400; /* 2026-11-23T14:30:00+08:00 */
	struct pr_metrics *a = calloc(1, sizeof *a);
	bk_sim_metrics(1, t, NULL, a);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct pr_metric *k = pr_metrics_find(a, want[i].key);
		cr_assert(k, "no %s", want[i].key);
		cr_expect_str_eq(k->unit, want[i].unit, "%s", want[i].key);
		cr_expect(k->value >= want[i].min && k->value <= want[i].max, "%s = %g", k->key,
		          k->value);
		cr_expect_eq(k->history_len, 24, "%s", k->key);
		cr_expect(k->has_change, "%s", k->key);
		cr_expect_eq(k->history[23], k->value, "%s: history ends at the value", k->key);
	}

	/* Recount from bk_sim_event: reported since local midnight; of the last 24 hours' events
	 * that are closed or overdue, the share closed; hours to close of those closed in the last
	 * 24 hours. */
	int64_t midnight = t - (t + 8 * 3600) % 86400;
	double today = 0, closed = 0, settled = 0, handled = 0, hours = 0;
	for (int64_t m = (t - 72 * 3600) / 60; m <= t / 60; m++) {
		for (int k = 0; k < bk_sim_event_count(1, m); k++) {
			struct pr_event e;
			bk_sim_event(1, m, k, t, &e);
			int64_t at = e.step_at[0];
			if (at > t)
				continue;
			today += at >= midnight;
			if (at > t - 86400 && e.status == PR_EVENT_CLOSED) {
				closed++;
				settled++;
			} else if (at > t - 86400 && e.overdue) {
				settled++;
			}
			int64_t done = e.step_at[PR_EVENT_CLOSED];
			if (e.status == PR_EVENT_CLOSED && done > t - 86400) {
				handled++;
				hours += (double)(done - at) / 3600;
			}
		}
	}
	cr_expect_eq(pr_metrics_find(a, "events_today")->value, today);
	cr_expect_eq(pr_metrics_find(a, "closure_rate")->value, round(closed / settled * 1000) / 10);
	cr_expect_eq(pr_metrics_find(a, "avg_handle_hours")->value, round(hours / handled * 10) / 10);

	/* deterministic per seed */
	struct pr_metrics *b = calloc(1, sizeof *b);
	bk_sim_metrics(1, t, NULL, b);
	cr_expect_eq(memcmp(a, b, sizeof *a), 0);
	free(a);
	free(b);
}
