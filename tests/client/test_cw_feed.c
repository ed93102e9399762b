/* The live feed against a real cbwalld on loopback: what the snapshot holds matches what the
 * backend serves, an ingested alert arrives within the long-poll, a killed backend leaves the
 * last data marked stale and the feed recovers by itself, acks made while it is down are
 * delivered exactly once. */
#include "cw_feed.h"
#include "cw_outbox.h"
#include "feedlib.h"
#include "pr_metrics.h"

static struct backend B;

static bool logged(const char *what)
{
	return log_count(what, "") > 0;
}

static void setup(void)
{
	log_text[0] = '\0';
	backend_init(&B, "feed");
	backend_start(&B);
}

static void teardown(void)
{
	backend_stop(&B, SIGTERM);
	curl_global_cleanup();
}

TestSuite(feed, .init = setup, .fini = teardown, .timeout = 120);

static struct cw_feed *start(const char *token, const char *outbox)
{
	struct cw_feed_config c;
	cw_feed_config_default(&c);
	c.url = B.url;
	c.token = token;
	c.outbox = outbox;
	for (int s = 0; s < CW_SRC_ALERTS; s++)
		c.interval_s[s] = 1;
	c.alerts_wait_s = 20;
	c.timeout_s = 5;
	c.backoff_min_ms = 100;
	c.backoff_max_ms = 400;
	c.log = log_capture;
	struct rd_err err;
	struct cw_feed *f = cw_feed_new(&c, &err);
	cr_assert_not_null(f, "%s", err.msg);
	cr_assert(cw_feed_start(f, &err), "%s", err.msg);
	return f;
}

static bool complete(struct cw_feed *f)
{
	struct cw_snapshot *s = cw_feed_latest(f);
	bool all = s->conn == CW_CONN_OK;
	for (int i = 0; i < CW_SRC_COUNT; i++)
		all = all && s->src[i].has && !s->src[i].failed;
	cw_snapshot_unref(s);
	return all;
}

static bool has_alert(struct cw_feed *f, const char *id, enum pr_alert_status status)
{
	struct cw_snapshot *s = cw_feed_latest(f);
	const struct pr_alert *a = cw_snapshot_alert(s, id);
	bool yes = a && a->status == status;
	cw_snapshot_unref(s);
	return yes;
}

static struct json_object *get_json(const char *path)
{
	struct resp r = request(&B, "GET", path, B.viewer, NULL, NULL);
	cr_assert_eq(r.status, 200, "%s: %ld", path, r.status);
	struct json_object *o;
	cr_assert(pr_json_parse(r.body, r.len, &o, NULL));
	free(r.body);
	return o;
}

Test(feed, snapshot_matches_what_cbwalld_serves)
{
	struct cw_feed *f = start(B.viewer, NULL);
	WAIT_FOR(15000, complete(f));
	cr_assert(complete(f), "every source arrives");
	struct cw_snapshot *s = cw_feed_latest(f);
	cr_assert(s->live);

	struct pr_metrics *m = calloc(1, sizeof *m);
	struct json_object *o = get_json("/api/v1/metrics");
	cr_assert(pr_metrics_from_json(o, m, NULL));
	json_object_put(o);
	cr_assert_str_eq(s->metrics.city, m->city);
	cr_assert_eq(s->metrics.count, m->count);
	for (size_t i = 0; i < m->count; i++) {
		cr_assert_str_eq(s->metrics.items[i].key, m->items[i].key);
		cr_assert_str_eq(s->metrics.items[i].label, m->items[i].label);
	}
	free(m);

	struct pr_districts *d = calloc(1, sizeof *d);
	o = get_json("/api/v1/districts");
	cr_assert(pr_districts_from_json(o, d, NULL));
	json_object_put(o);
	cr_assert_eq(s->districts.count, d->count);
	for (size_t i = 0; i < d->count; i++)
		cr_assert_not_null(pr_districts_find(&s->districts, d->items[i].adcode));
	free(d);

	struct pr_industry *in = calloc(1, sizeof *in);
	o = get_json("/api/v1/industry");
	cr_assert(pr_industry_from_json(o, in, NULL));
	json_object_put(o);
	cr_assert(s->has_industry);
	cr_assert_eq(s->industry.chain_count, in->chain_count);
	cr_assert_str_eq(s->industry.chains[0].name, in->chains[0].name);
	free(in);

	/* alerts and events: every one the backend lists is in the snapshot, as it is */
	struct pr_alert_list al = {0};
	o = get_json("/api/v1/alerts?since=0&limit=1000");
	cr_assert(pr_alert_list_from_json(o, &al, NULL));
	json_object_put(o);
	cr_assert_gt(al.count, 0, "the simulator made alerts");
	cr_assert_geq(s->alerts_next, al.next - 2);
	for (size_t i = 0; i < al.count; i++) {
		const struct pr_alert *a = cw_snapshot_alert(s, al.items[i].id);
		cr_assert_not_null(a, "%s", al.items[i].id);
		if (a->seq == al.items[i].seq)
			cr_assert_str_eq(a->title, al.items[i].title);
	}
	for (size_t i = 1; i < s->alert_count; i++) /* screen order: status, then grade */
		cr_assert(s->alerts[i - 1].status < s->alerts[i].status ||
		          (s->alerts[i - 1].status == s->alerts[i].status &&
		           s->alerts[i - 1].grade <= s->alerts[i].grade));
	pr_alert_list_finish(&al);
	struct pr_event_list el = {0};
	o = get_json("/api/v1/events?since=0&limit=2000");
	cr_assert(pr_event_list_from_json(o, &el, NULL));
	json_object_put(o);
	cr_assert_gt(el.count, 0);
	cr_assert_geq(s->event_count, el.count - 5); /* the simulator may close a few meanwhile */
	pr_event_list_finish(&el);

	int64_t now = s->made_at;
	cr_assert_not(cw_snapshot_stale(s, CW_SRC_METRICS, now));
	char age[64];
	cw_snapshot_age_text(s, CW_SRC_METRICS, now, age, sizeof age);
	cr_assert_str_eq(age, "数据更新于 刚刚");
	cw_snapshot_unref(s);
	cw_feed_free(f);
}

Test(feed, an_ingested_alert_arrives_within_the_long_poll)
{
	struct cw_feed *f = start(B.viewer, NULL);
	WAIT_FOR(15000, complete(f));
	cr_assert(complete(f));
	usleep(300 * 1000); /* the long-poll is waiting now */
	double worst = 0, sum = 0;
	for (int i = 0; i < 5; i++) {
		char src[32], id[24];
		snprintf(src, sizeof src, "latency-%d", i);
		double t0 = now_ms();
		ingest_alert(&B, src, id);
		WAIT_FOR(10000, has_alert(f, id, PR_ALERT_NEW));
		double ms = now_ms() - t0;
		cr_assert(has_alert(f, id, PR_ALERT_NEW), "alert %s never arrived", id);
		sum += ms;
		worst = ms > worst ? ms : worst;
	}
	fprintf(stderr, "ingest-to-client latency: mean %.1f ms, worst %.1f ms (poll interval 20 s)\n",
	        sum / 5, worst);
	cr_assert_lt(worst, 2000, "an alert took %.0f ms: it waited for a poll, not the long-poll",
	             worst);
	cw_feed_free(f);
}

Test(feed, a_killed_backend_leaves_stale_data_then_recovers)
{
	struct cw_feed *f = start(B.viewer, NULL);
	WAIT_FOR(15000, complete(f));
	cr_assert(complete(f));
	struct cw_snapshot *before = cw_feed_latest(f);
	backend_stop(&B, SIGKILL);
	struct cw_snapshot *s = NULL;
	for (int i = 0; i < 300; i++) {
		cw_snapshot_unref(s);
		s = cw_feed_latest(f);
		if (s->conn == CW_CONN_DOWN && s->src[CW_SRC_METRICS].failed)
			break;
		usleep(20000);
	}
	cr_assert_eq(s->conn, CW_CONN_DOWN);
	cr_assert(s->has_metrics && s->has_districts && s->alert_count > 0, "the last data is kept");
	cr_assert_str_eq(s->metrics.city, before->metrics.city);
	cr_assert_eq(s->alert_count, before->alert_count);
	cr_assert(cw_snapshot_stale(s, CW_SRC_METRICS, s->made_at));
	cr_assert(cw_snapshot_stale(s, CW_SRC_ALERTS, s->made_at));
	cr_assert_gt(s->down_since, 0);
	cr_assert(strstr(s->src[CW_SRC_METRICS].error, "/api/v1/metrics"), "%s",
	          s->src[CW_SRC_METRICS].error);
	cr_assert_neq(s->conn_error[0], '\0');
	char age[64];
	cw_snapshot_age_text(s, CW_SRC_METRICS, s->src[CW_SRC_METRICS].fetched_at + 185, age,
	                     sizeof age);
	cr_assert_str_eq(age, "数据更新于 3 分钟前");
	cw_snapshot_unref(s);
	cw_snapshot_unref(before);
	cr_assert(logged("/api/v1/metrics"), "the failure is logged: %s", log_text);

	backend_start(&B); /* same port, same database */
	WAIT_FOR(15000, complete(f));
	cr_assert(complete(f), "recovers without a restart");
	char id[24];
	ingest_alert(&B, "after-restart", id);
	WAIT_FOR(5000, has_alert(f, id, PR_ALERT_NEW));
	cr_assert(has_alert(f, id, PR_ALERT_NEW));
	cr_assert(logged("answering again"), "%s", log_text);
	/* one line per failing source and run of failures, not one per retry */
	int lines = log_count("/api/v1/metrics:", "(retry in");
	cr_assert_leq(lines, 2, "metrics failure logged %d times:\n%s", lines, log_text);
	cw_feed_free(f);
}

static enum cw_ack_state ack_state(struct cw_feed *f, const char *id)
{
	struct cw_snapshot *s = cw_feed_latest(f);
	enum cw_ack_state st = (enum cw_ack_state)-1;
	for (size_t i = 0; i < s->ack_count; i++)
		if (strcmp(s->acks[i].alert_id, id) == 0)
			st = s->acks[i].state;
	cw_snapshot_unref(s);
	return st;
}

Test(feed, acks_made_while_down_are_delivered_exactly_once)
{
	char outbox[700];
	snprintf(outbox, sizeof outbox, "%s/outbox.db", B.dir);
	char ids[3][24];
	for (int i = 0; i < 3; i++) {
		char src[32];
		snprintf(src, sizeof src, "down-ack-%d", i);
		ingest_alert(&B, src, ids[i]);
	}
	struct cw_feed *f = start(B.officer, outbox);
	WAIT_FOR(15000, complete(f) && has_alert(f, ids[2], PR_ALERT_NEW));
	backend_stop(&B, SIGKILL);
	struct rd_err err;
	for (int i = 0; i < 3; i++)
		cr_assert(cw_feed_ack(f, ids[i], "已派人处置", &err), "%s", err.msg);
	WAIT_FOR(5000, ack_state(f, ids[0]) == CW_ACK_PENDING);
	cr_assert_eq(ack_state(f, ids[0]), CW_ACK_PENDING);
	usleep(800 * 1000); /* a few attempts fail meanwhile */
	cr_assert_eq(ack_state(f, ids[2]), CW_ACK_PENDING);

	backend_start(&B);
	for (int i = 0; i < 3; i++) {
		WAIT_FOR(15000, ack_state(f, ids[i]) == CW_ACK_DONE);
		cr_assert_eq(ack_state(f, ids[i]), CW_ACK_DONE, "ack of %s", ids[i]);
		struct pr_alert a;
		cr_assert(backend_alert(&B, ids[i], &a));
		cr_assert_eq(a.status, PR_ALERT_ACKED);
		cr_assert_str_eq(a.acked_by, "张敏", "the name comes from the token");
		cr_assert_str_eq(a.note, "已派人处置");
		WAIT_FOR(5000, has_alert(f, ids[i], PR_ALERT_ACKED));
		cr_assert(has_alert(f, ids[i], PR_ALERT_ACKED), "every screen sees the ack");
	}
	/* exactly once: each row settled as DONE (a second delivery with another key would have
	 * been a 409), after more than one attempt, and nothing is left pending */
	struct cw_ack rows[8];
	cr_assert_eq(outbox_pending(outbox, B.officer, rows, 8), 0);
	struct cw_outbox *ob = cw_outbox_open(outbox, &err);
	for (int64_t id = 1; id <= 3; id++) {
		struct cw_ack a;
		cr_assert(cw_outbox_get(ob, id, &a, &err), "%s", err.msg);
		cr_assert_eq(a.state, CW_ACK_DONE);
		cr_assert_gt(a.attempts, 1, "it was tried while the backend was down");
	}
	cw_outbox_close(ob);
	cw_feed_free(f);
}

Test(feed, snapshot_command_reads_the_backend_once)
{
	char png[700], cmd[2400];
	snprintf(png, sizeof png, "%s/live.png", B.dir);
	snprintf(cmd, sizeof cmd,
	         "'%s' snapshot --backend %s --token-file '%s' --size 640x360 -o '%s' 2>&1",
	         getenv("CBWALL"), B.url, B.viewer_file, png);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	struct stat st;
	cr_assert(stat(png, &st) == 0 && st.st_size > 1000);
	/* no backend there: exit 1 naming the URL */
	snprintf(cmd, sizeof cmd,
	         "'%s' snapshot --backend http://127.0.0.1:%d --size 640x360 -o '%s.x' 2>&1 | "
	         "grep -q '/api/v1/metrics'",
	         getenv("CBWALL"), free_port(), png);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}
