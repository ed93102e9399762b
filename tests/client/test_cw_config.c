/* The config file, the token file, check-config, and the snapshot's freshness helpers. */
#include "cw_config.h"
#include "cw_feed.h"
#include "cw_i18n.h"
#include "rd_i18n.h"
#include "feedlib.h"

static char dir[512];

static void setup(void)
{
	test_dir(dir, sizeof dir, "config");
}

TestSuite(config, .init = setup);
TestSuite(stale);

static const char *file(const char *name, const char *text)
{
	static char path[4][700];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 700, "%s/%s", dir, name);
	write_text(p, text);
	return p;
}

Test(config, a_full_file_loads_with_paths_relative_to_it)
{
	const char *p = file("c.json",
	                     "{\"backend\": \"https://cb.example:8640\", \"token_file\": \"tok\","
	                     " \"ca_file\": \"/etc/ssl/ca.pem\", \"outbox\": \"~/ob.db\","
	                     " \"intervals\": {\"metrics\": 5, \"industry\": 600},"
	                     " \"alerts_wait\": 30, \"timeout\": 9, \"connect_timeout\": 3,"
	                     " \"backoff_max\": 20}");
	struct cw_config c;
	struct rd_err err;
	setenv("HOME", "/home/duty", 1);
	cr_assert(cw_config_load(p, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.backend, "https://cb.example:8640");
	char want[800];
	snprintf(want, sizeof want, "%s/tok", dir);
	cr_assert_str_eq(c.token_file, want);
	cr_assert_str_eq(c.ca_file, "/etc/ssl/ca.pem");
	cr_assert_str_eq(c.outbox, "/home/duty/ob.db");
	cr_assert_eq(c.interval_s[CW_SRC_METRICS], 5);
	cr_assert_eq(c.interval_s[CW_SRC_DISTRICTS], 30, "default kept");
	cr_assert_eq(c.interval_s[CW_SRC_INDUSTRY], 600);
	cr_assert_eq(c.alerts_wait_s, 30);
	cr_assert_eq(c.backoff_max_s, 20);
}

Test(config, errors_name_the_file_and_the_key)
{
	struct {
		const char *text, *expect;
	} cases[] = {
	    {"{\"backend\": 8640}", "c.json: backend: expected string"},
	    {"{\"bakend\": \"http://x\"}", "c.json: bakend: unknown key"},
	    {"{\"backend\": \"ftp://x\"}", "c.json: backend: \"ftp://x\" is not an http://"},
	    {"{\"intervals\": {\"metrics\": 0}}", "c.json: intervals.metrics: 0 is outside [1, 86400]"},
	    {"{\"intervals\": {\"alerts\": 5}}", "c.json: intervals.alerts: unknown key"},
	    {"{\"alerts_wait\": 601}", "c.json: alerts_wait: 601 is outside"},
	    {"{\"timeout\": \"5\"}", "c.json: timeout: expected"},
	    {"{\"timeout\": 5,}", "c.json: JSON error"},
	    {"[]", "c.json: the config must be a JSON object"},
	    {"{\"language\": \"fr\"}", "c.json: language: \"fr\" is not zh or en"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = file("c.json", cases[i].text);
		struct cw_config c;
		struct rd_err err;
		cr_assert_not(cw_config_load(p, &c, &err), "%s", cases[i].text);
		cr_assert(strstr(err.msg, cases[i].expect), "%s: got \"%s\", expected \"%s\"",
		          cases[i].text, err.msg, cases[i].expect);
	}
}

Test(config, the_token_is_line_one_of_the_token_file)
{
	struct cw_config c;
	cw_config_default(&c);
	char tok[600];
	struct rd_err err;
	cr_assert(cw_config_token(&c, tok, sizeof tok, &err));
	cr_assert_str_eq(tok, "", "no token file, no token");
	/* what `cbwalld hash-token` prints: the token, then the tokens-file line */
	snprintf(c.token_file, sizeof c.token_file, "%s",
	         file("t1", "AbCdEf0123456789_-xyz\nabc123 officer 张敏\n"));
	cr_assert(cw_config_token(&c, tok, sizeof tok, &err), "%s", err.msg);
	cr_assert_str_eq(tok, "AbCdEf0123456789_-xyz");
	snprintf(c.token_file, sizeof c.token_file, "%s", file("t2", "has space inside\n"));
	cr_assert_not(cw_config_token(&c, tok, sizeof tok, &err));
	cr_assert(strstr(err.msg, "is not a token"), "%s", err.msg);
	snprintf(c.token_file, sizeof c.token_file, "%s", file("t3", "short\n"));
	cr_assert_not(cw_config_token(&c, tok, sizeof tok, &err));
	snprintf(c.token_file, sizeof c.token_file, "%s/missing", dir);
	cr_assert_not(cw_config_token(&c, tok, sizeof tok, &err));
	cr_assert(strstr(err.msg, "missing"), "%s", err.msg);
}

Test(config, overrides_and_the_xdg_outbox)
{
	const char *p = file("o.json", "{\"backend\": \"http://a:1\", \"token_file\": \"/x/tok\"}");
	struct cw_config c;
	struct rd_err err;
	cr_assert(cw_config_resolve(p, "http://b:2", "/y/tok", &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.backend, "http://b:2");
	cr_assert_str_eq(c.token_file, "/y/tok");
	cr_assert_not(cw_config_resolve(p, "gopher://b", NULL, &c, &err));
	char ob[1024];
	setenv("XDG_STATE_HOME", "/var/lib/duty", 1);
	cr_assert(cw_config_outbox(&c, ob, sizeof ob, &err));
	cr_assert_str_eq(ob, "/var/lib/duty/cbwall/outbox.db");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/duty", 1);
	cr_assert(cw_config_outbox(&c, ob, sizeof ob, &err));
	cr_assert_str_eq(ob, "/home/duty/.local/state/cbwall/outbox.db");
	/* no --config: $XDG_CONFIG_HOME/cbwall/config.json when it exists */
	char xdg[700], cmd[1600];
	snprintf(xdg, sizeof xdg, "%s/xdg", dir);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/cbwall' && echo '{\"backend\":\"http://c:3\"}' > "
	         "'%s/cbwall/config.json'", xdg, xdg);
	cr_assert_eq(system(cmd), 0);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	cr_assert(cw_config_resolve(NULL, NULL, NULL, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.backend, "http://c:3");
	unsetenv("XDG_CONFIG_HOME");
}

Test(config, check_config_command)
{
	char cmd[2048];
	const char *good = file("good.json", "{\"backend\": \"http://127.0.0.1:8640\"}");
	snprintf(cmd, sizeof cmd, "'%s' check-config '%s' | grep -q ': ok'", getenv("CBWALL"), good);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	const char *bad = file("bad.json", "{\"intervals\": {\"metrics\": -1}}");
	snprintf(cmd, sizeof cmd, "'%s' check-config '%s' 2>&1 | grep -q 'bad.json: intervals.metrics'",
	         getenv("CBWALL"), bad);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd, "'%s' check-config '%s' 2>/dev/null", getenv("CBWALL"), bad);
	cr_assert_eq(WEXITSTATUS(system(cmd)), 1);
	snprintf(cmd, sizeof cmd, "'%s' check-config 2>/dev/null", getenv("CBWALL"));
	cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
	/* the shipped example is valid */
	snprintf(cmd, sizeof cmd, "'%s' check-config '%s/config/cbwall.json' >/dev/null",
	         getenv("CBWALL"), getenv("CBWALL_DATADIR"));
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(stale, age_text_and_stale_marks)
{
	struct cw_snapshot *s = cw_snapshot_new();
	char buf[64];
	cw_snapshot_age_text(s, CW_SRC_METRICS, 1000, buf, sizeof buf);
	cr_assert_str_eq(buf, "暂无数据");
	cr_assert_not(cw_snapshot_stale(s, CW_SRC_METRICS, 1000), "no data: no stale mark");
	s->live = true;
	s->conn = CW_CONN_OK;
	s->src[CW_SRC_METRICS] = (struct cw_source_state){.has = true, .fetched_at = 100000,
	                                                  .stale_after = 60};
	struct {
		int64_t age;
		const char *text;
	} ages[] = {{0, "数据更新于 刚刚"},       {59, "数据更新于 刚刚"},
	            {60, "数据更新于 1 分钟前"},  {185, "数据更新于 3 分钟前"},
	            {3599, "数据更新于 59 分钟前"}, {3600, "数据更新于 1 小时前"},
	            {50 * 3600, "数据更新于 2 天前"}};
	for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
		cw_snapshot_age_text(s, CW_SRC_METRICS, 100000 + ages[i].age, buf, sizeof buf);
		cr_assert_str_eq(buf, ages[i].text);
	}
	cr_assert_not(cw_snapshot_stale(s, CW_SRC_METRICS, 100030));
	cr_assert(cw_snapshot_stale(s, CW_SRC_METRICS, 100061), "older than stale_after");
	s->src[CW_SRC_METRICS].failed = true;
	cr_assert(cw_snapshot_stale(s, CW_SRC_METRICS, 100001), "the last fetch failed");
	s->src[CW_SRC_METRICS].failed = false;
	s->conn = CW_CONN_DOWN;
	cr_assert(cw_snapshot_stale(s, CW_SRC_METRICS, 100001), "the backend is down");
	cw_snapshot_age_text(s, CW_SRC_METRICS, 100000, buf, 8); /* cut at a character */
	cr_assert(pr_utf8_valid(buf, strlen(buf)), "%s", buf);
	cr_assert_str_eq(buf, "数据");
	struct cw_snapshot *d = cw_snapshot_dup(s);
	cr_assert_eq(d->refs, 1);
	cr_assert_eq(d->conn, CW_CONN_DOWN);
	cw_snapshot_unref(d);
	cw_snapshot_unref(s);
}

Test(stale, fixtures_load_every_source_through_the_feed_decoders)
{
	char url[4200];
	struct rd_err err;
	cr_assert(cw_feed_default_url(url, sizeof url, &err), "%s", err.msg);
	struct cw_snapshot *s = cw_feed_read(url, 1000, &err);
	cr_assert_not_null(s, "%s", err.msg);
	for (int i = 0; i < CW_SRC_COUNT; i++) {
		cr_assert(s->src[i].has, "%s", cw_source_name(i));
		cr_assert_eq(s->src[i].fetched_at, 1000);
	}
	cr_assert_not(s->live);
	cr_assert_eq(s->conn, CW_CONN_OK);
	cr_assert(s->has_metrics && s->has_districts && s->has_industry);
	cr_assert_gt(s->alert_count, 0);
	cr_assert_gt(s->event_count, 0);
	cr_assert_not(cw_snapshot_stale(s, CW_SRC_METRICS, 1000000), "fixtures never go stale");
	const struct pr_alert *a = cw_snapshot_alert(s, s->alerts[0].id);
	cr_assert_eq(a, &s->alerts[0]);
	cw_snapshot_unref(s);
}

Test(config, the_language_file_ships_whole_and_loads)
{
	struct rd_err err;
	cr_assert(cw_i18n_use("en", &err), "%s", err.msg);
	cr_assert_str_eq(rd_tr("本地数据"), "Local data");
	cr_assert_str_eq(rd_tr("瑶海区"), "Yaohai");
	cr_assert(rd_i18n_western());
	cr_assert(cw_i18n_use("zh", &err));
	cr_assert_str_eq(rd_tr("本地数据"), "本地数据");
	cr_assert_not(cw_i18n_use("fr", &err));
	cr_assert(strstr(err.msg, "\"fr\""), "%s", err.msg);
	const char *p = file("c.json", "{\"language\": \"en\"}");
	struct cw_config c;
	cr_assert(cw_config_load(p, &c, &err), "%s", err.msg);
	cr_assert_str_eq(c.language, "en");
}
