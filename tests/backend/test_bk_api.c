/* cbwalld over loopback: a real server per test (from $CBWALLD) on a free port with its own
 * database under $TEST_OUT, driven with libcurl. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#include "bk_sha256.h"
#include "pr_alert.h"
#include "pr_district.h"
#include "pr_event.h"
#include "pr_industry.h"
#include "pr_json.h"
#include "pr_metrics.h"

struct server {
	pid_t pid;
	int port;
	char dir[512];
	char db[600];
	char tokens[600];
};

static struct server S;

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

struct resp {
	long status;
	char *body;
	size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	r->body = realloc(r->body, r->len + size * n + 1);
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

static struct resp req(const char *method, const char *path, const char *token, const char *key,
                       const char *body)
{
	struct resp r = {0};
	CURL *c = curl_easy_init();
	char url[512], auth[256], idem[256];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", S.port, path);
	struct curl_slist *h = NULL;
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (key) {
		snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
		h = curl_slist_append(h, idem);
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (!r.body)
		r.body = calloc(1, 1);
	return r;
}

static struct json_object *parse(const struct resp *r)
{
	struct json_object *o;
	struct pr_err err = {{0}};
	cr_assert(pr_json_parse(r->body, r->len, &o, &err), "%s: %s", err.msg, r->body);
	return o;
}

static void token_line(FILE *f, const char *tok, const char *role, const char *name)
{
	char hex[65];
	bk_sha256_hex(tok, strlen(tok), hex);
	fprintf(f, "%s %s %s\n", hex, role, name);
}

static void spawn(bool simulate)
{
	S.port = free_port();
	char port[64];
	snprintf(port, sizeof port, "127.0.0.1:%d", S.port);
	S.pid = fork();
	if (S.pid == 0) {
		const char *bin = getenv("CBWALLD");
		char *args[16] = {(char *)bin, "--db", S.db, "--listen", port, "--tokens", S.tokens};
		int n = S.tokens[0] ? 7 : 5;
		if (simulate) {
			args[n++] = "--simulate";
			args[n++] = "7";
		}
		args[n] = NULL;
		freopen("/dev/null", "w", stdout);
		execv(bin, args);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		struct resp r = req("GET", "/api/v1/health", NULL, NULL, NULL);
		free(r.body);
		if (r.status == 200)
			return;
		usleep(25000);
	}
	cr_assert_fail("cbwalld did not come up on %s", port);
}

static int stop(int sig)
{
	int st = 0;
	kill(S.pid, sig);
	waitpid(S.pid, &st, 0);
	return st;
}

static void setup_named(const char *name, bool simulate)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const char *out = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(S.dir, sizeof S.dir, "%s/bk_api_%s_%d", out, name, (int)getpid());
	mkdir(S.dir, 0755);
	snprintf(S.db, sizeof S.db, "%s/db", S.dir);
	snprintf(S.tokens, sizeof S.tokens, "%s/tokens", S.dir);
	char path[700];
	snprintf(path, sizeof path, "%s-wal", S.db);
	unlink(S.db);
	unlink(path);
	FILE *f = fopen(S.tokens, "w");
	fputs("# test tokens\n", f);
	token_line(f, "viewer-tok", "viewer", "大屏一号");
	token_line(f, "ingest-tok", "ingest", "城市运行中心");
	for (int i = 0; i < 16; i++) {
		char tok[32], name2[32];
		snprintf(tok, sizeof tok, "officer-%d", i);
		snprintf(name2, sizeof name2, "值班员%02d", i);
		token_line(f, tok, "officer", name2);
	}
	fclose(f);
	spawn(simulate);
}

static void setup(void)
{
	setup_named("t", false);
}

static void setup_sim(void)
{
	setup_named("sim", true);
}

static void teardown(void)
{
	if (S.pid > 0) {
		int st = stop(SIGTERM);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "cbwalld exit status %d", st);
	}
	curl_global_cleanup();
}

/* Ingests one alert; returns its id in id[24]. */
static void ingest(const char *source, char id[24])
{
	char body[512];
	snprintf(body, sizeof body,
	         "{\"grade\":2,\"category\":\"应急\",\"title\":\"蜀山区天鹅湖附近燃气管道泄漏\","
	         "\"adcode\":\"340104\",\"source_id\":\"%s\"}",
	         source);
	struct resp r = req("POST", "/api/v1/alerts", "ingest-tok", NULL, body);
	cr_assert(r.status == 201 || r.status == 200, "ingest: %ld %s", r.status, r.body);
	struct json_object *o = parse(&r);
	struct pr_alert a;
	struct pr_err err = {{0}};
	cr_assert(pr_alert_from_json(o, "alert", &a, &err), "%s", err.msg);
	memcpy(id, a.id, 24);
	json_object_put(o);
	free(r.body);
}

static void expect_error(struct resp r, long status, const char *error)
{
	cr_expect_eq(r.status, status, "expected %ld, got %ld: %s", status, r.status, r.body);
	struct json_object *o = parse(&r);
	struct pr_api_error e;
	struct pr_err err = {{0}};
	cr_expect(pr_api_error_from_json(o, &e, &err), "%s: %s", err.msg, r.body);
	cr_expect_str_eq(e.error, error);
	cr_expect(e.reason[0], "no reason");
	json_object_put(o);
	free(r.body);
}

Test(api, reads_decode_with_the_shared_codec, .init = setup_sim, .fini = teardown)
{
	struct resp r = req("GET", "/api/v1/health", NULL, NULL, NULL);
	cr_expect_eq(r.status, 200);
	free(r.body);
	struct pr_err err = {{0}};
	r = req("GET", "/api/v1/metrics", "viewer-tok", NULL, NULL);
	cr_assert_eq(r.status, 200, "%s", r.body);
	struct json_object *o = parse(&r);
	struct pr_metrics *m = calloc(1, sizeof *m);
	cr_expect(pr_metrics_from_json(o, m, &err), "%s", err.msg);
	cr_expect(pr_metrics_find(m, "aqi") != NULL);
	free(m);
	json_object_put(o);
	free(r.body);
	r = req("GET", "/api/v1/districts", "officer-0", NULL, NULL);
	cr_assert_eq(r.status, 200);
	o = parse(&r);
	struct pr_districts *d = calloc(1, sizeof *d);
	cr_expect(pr_districts_from_json(o, d, &err), "%s", err.msg);
	cr_expect_eq(d->count, 9);
	cr_expect(pr_districts_find(d, "340104") != NULL);
	free(d);
	json_object_put(o);
	free(r.body);
	r = req("GET", "/api/v1/industry", "ingest-tok", NULL, NULL);
	cr_assert_eq(r.status, 200);
	o = parse(&r);
	struct pr_industry *in = calloc(1, sizeof *in);
	cr_expect(pr_industry_from_json(o, in, &err), "%s", err.msg);
	cr_expect(in->chain_count >= 3);
	free(in);
	json_object_put(o);
	free(r.body);
	r = req("GET", "/api/v1/events?since=0&limit=50", "viewer-tok", NULL, NULL);
	cr_assert_eq(r.status, 200);
	o = parse(&r);
	struct pr_event_list ev;
	cr_expect(pr_event_list_from_json(o, &ev, &err), "%s", err.msg);
	cr_expect(ev.count > 0 && ev.count <= 50);
	pr_event_list_finish(&ev);
	json_object_put(o);
	free(r.body);
	r = req("GET", "/api/v1/alerts", "viewer-tok", NULL, NULL);
	cr_assert_eq(r.status, 200);
	o = parse(&r);
	struct pr_alert_list al;
	cr_expect(pr_alert_list_from_json(o, &al, &err), "%s", err.msg);
	cr_expect(al.next >= (int64_t)al.count);
	pr_alert_list_finish(&al);
	json_object_put(o);
	free(r.body);
}

Test(api, errors, .init = setup, .fini = teardown)
{
	expect_error(req("GET", "/nope", "viewer-tok", NULL, NULL), 404, "not_found");
	expect_error(req("GET", "/api/v1/nope", "viewer-tok", NULL, NULL), 404, "not_found");
	expect_error(req("DELETE", "/api/v1/alerts", "viewer-tok", NULL, NULL), 405,
	             "method_not_allowed");
	expect_error(req("POST", "/api/v1/metrics", "ingest-tok", NULL, "{}"), 405,
	             "method_not_allowed");
	expect_error(req("GET", "/api/v1/alerts/AL00000001/ack", "officer-0", NULL, NULL), 405,
	             "method_not_allowed");
	expect_error(req("GET", "/api/v1/metrics", "viewer-tok", NULL, NULL), 503, "unavailable");
	expect_error(req("GET", "/api/v1/alerts?since=abc", "viewer-tok", NULL, NULL), 400,
	             "bad_request");
	expect_error(req("GET", "/api/v1/alerts?wait=9999", "viewer-tok", NULL, NULL), 400,
	             "bad_request");
	expect_error(req("GET", "/api/v1/alerts?limit=0", "viewer-tok", NULL, NULL), 400,
	             "bad_request");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL, "{\"grade\":"), 400,
	             "bad_request");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL,
	                 "{\"grade\":9,\"category\":\"应急\",\"title\":\"x\",\"adcode\":\"340104\","
	                 "\"source_id\":\"a\"}"),
	             400, "bad_request");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL,
	                 "{\"grade\":1,\"category\":\"应急\",\"title\":\"x\",\"adcode\":\"110101\","
	                 "\"source_id\":\"a\"}"),
	             400, "bad_request");
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL, deep), 400, "bad_request");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL, "{\"a\":\"\xff\"}"), 400,
	             "bad_request");
	char *big = malloc(200001);
	memset(big, ' ', 200000);
	big[200000] = '\0';
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL, big), 413,
	             "payload_too_large");
	free(big);
	expect_error(req("POST", "/api/v1/alerts/AL99999999/ack", "officer-0", "k", "{}"), 404,
	             "not_found");
	expect_error(req("POST", "/api/v1/alerts/..%2F/ack", "officer-0", "k", "{}"), 404,
	             "not_found");
	char id[24];
	ingest("err-1", id);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	expect_error(req("POST", path, "officer-0", NULL, "{}"), 400, "bad_request");
	expect_error(req("POST", path, "officer-0", "k1", "{\"note\":5}"), 400, "bad_request");
	/* the server is still fine */
	struct resp r = req("GET", "/api/v1/health", NULL, NULL, NULL);
	cr_expect_eq(r.status, 200);
	free(r.body);
}

Test(api, role_matrix, .init = setup, .fini = teardown)
{
	char id[24], path[128];
	ingest("roles-1", id);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	expect_error(req("GET", "/api/v1/alerts", NULL, NULL, NULL), 401, "unauthorized");
	expect_error(req("GET", "/api/v1/alerts", "wrong", NULL, NULL), 401, "unauthorized");
	expect_error(req("POST", path, "viewer-tok", "k", "{}"), 403, "forbidden");
	expect_error(req("POST", path, "ingest-tok", "k", "{}"), 403, "forbidden");
	expect_error(req("POST", path, NULL, "k", "{}"), 401, "unauthorized");
	expect_error(req("POST", "/api/v1/alerts", "officer-0", NULL, "{}"), 403, "forbidden");
	expect_error(req("POST", "/api/v1/alerts", "viewer-tok", NULL, "{}"), 403, "forbidden");
	struct resp r = req("POST", path, "officer-3", "k", "{\"note\":\"已派人处置\"}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	struct json_object *o = parse(&r);
	struct pr_alert a;
	cr_assert(pr_alert_from_json(o, "alert", &a, NULL));
	cr_expect_eq(a.status, PR_ALERT_ACKED);
	cr_expect_str_eq(a.acked_by, "值班员03"); /* from the token, never the body */
	cr_expect_str_eq(a.note, "已派人处置");
	json_object_put(o);
	free(r.body);
}

Test(api, ingest_is_idempotent_by_source_and_resolve_reraises, .init = setup, .fini = teardown)
{
	char a[24], b[24], c[24];
	ingest("src-1", a);
	ingest("src-1", b);
	cr_expect_str_eq(a, b);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/alerts/%s/resolve", a);
	struct resp r = req("POST", path, "officer-1", NULL, "{\"note\":\"已处置完毕\"}");
	cr_expect_eq(r.status, 200, "%s", r.body);
	free(r.body);
	expect_error(req("POST", path, "officer-1", NULL, NULL), 409, "conflict");
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", a);
	expect_error(req("POST", path, "officer-1", "late", "{}"), 409, "conflict");
	ingest("src-1", c);
	cr_expect_str_neq(a, c);
}

Test(api, idempotent_retry_returns_the_first_answer, .init = setup, .fini = teardown)
{
	char id[24], path[128];
	ingest("idem-1", id);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	struct resp r1 = req("POST", path, "officer-0", "key-1", "{\"note\":\"收到\"}");
	struct resp r2 = req("POST", path, "officer-0", "key-1", "{\"note\":\"收到\"}");
	cr_expect_eq(r1.status, 200);
	cr_expect_eq(r2.status, 200);
	cr_expect_str_eq(r1.body, r2.body);
	struct resp r3 = req("POST", path, "officer-1", "key-9", "{}");
	cr_expect_eq(r3.status, 409);
	struct resp r4 = req("POST", path, "officer-1", "key-9", "{}");
	cr_expect_eq(r4.status, 409);
	cr_expect_str_eq(r3.body, r4.body);
	struct json_object *o = parse(&r3);
	struct pr_api_error e;
	cr_assert(pr_api_error_from_json(o, &e, NULL));
	cr_expect_str_eq(e.acked_by, "值班员00");
	cr_expect(e.acked_at > 0);
	json_object_put(o);
	free(r1.body);
	free(r2.body);
	free(r3.body);
	free(r4.body);
	/* the same key for another alert is refused */
	char id2[24];
	ingest("idem-2", id2);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id2);
	expect_error(req("POST", path, "officer-0", "key-1", "{}"), 422, "unprocessable");
}

struct racer {
	int i;
	const char *path;
	long status;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	char tok[32], key[32];
	snprintf(tok, sizeof tok, "officer-%d", rc->i);
	snprintf(key, sizeof key, "race-%d", rc->i);
	struct resp r = req("POST", rc->path, tok, key, "{\"note\":\"我来\"}");
	rc->status = r.status;
	free(r.body);
	return NULL;
}

Test(api, sixteen_officers_one_winner, .init = setup, .fini = teardown)
{
	char id[24], path[128];
	ingest("race-1", id);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	pthread_t th[16];
	struct racer rc[16];
	for (int i = 0; i < 16; i++) {
		rc[i] = (struct racer){i, path, 0};
		pthread_create(&th[i], NULL, race, &rc[i]);
	}
	int ok = 0, conflict = 0;
	for (int i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		ok += rc[i].status == 200;
		conflict += rc[i].status == 409;
	}
	cr_expect_eq(ok, 1);
	cr_expect_eq(conflict, 15);
}

struct poller {
	int64_t since;
	long status;
	char *body;
	double secs;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/alerts?since=%lld&wait=20", (long long)p->since);
	double t0 = mono();
	struct resp r = req("GET", path, "viewer-tok", NULL, NULL);
	p->secs = mono() - t0;
	p->status = r.status;
	p->body = r.body;
	return NULL;
}

Test(api, long_poll_wakes_on_a_new_alert_and_times_out, .init = setup, .fini = teardown)
{
	char id[24];
	ingest("lp-0", id);
	struct resp r = req("GET", "/api/v1/alerts", "viewer-tok", NULL, NULL);
	struct json_object *o = parse(&r);
	struct pr_alert_list l;
	cr_assert(pr_alert_list_from_json(o, &l, NULL));
	int64_t next = l.next;
	pr_alert_list_finish(&l);
	json_object_put(o);
	free(r.body);
	/* many waiters at once: none holds a thread, all wake */
	enum { N = 24 };
	pthread_t th[N];
	struct poller p[N];
	for (int i = 0; i < N; i++) {
		p[i] = (struct poller){.since = next};
		pthread_create(&th[i], NULL, poll_thread, &p[i]);
	}
	usleep(500000);
	r = req("GET", "/api/v1/health", NULL, NULL, NULL); /* still answers: no thread is held */
	cr_expect_eq(r.status, 200);
	free(r.body);
	ingest("lp-1", id);
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(p[i].status, 200);
		cr_expect(p[i].secs < 10, "woke after %.1f s", p[i].secs);
		cr_expect(strstr(p[i].body, id) != NULL, "%s: %s", id, p[i].body);
		free(p[i].body);
	}
	/* nothing new: answers empty when wait runs out */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/alerts?since=%lld&wait=1", (long long)next + 1);
	double t0 = mono();
	r = req("GET", path, "viewer-tok", NULL, NULL);
	cr_expect_eq(r.status, 200);
	cr_expect(mono() - t0 >= 0.9);
	cr_expect(strstr(r.body, "\"alerts\":[]") != NULL, "%s", r.body);
	free(r.body);
}

Test(api, restart_loses_nothing, .init = setup, .fini = teardown)
{
	char id[24], path[128];
	ingest("rs-1", id);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	struct resp r = req("POST", path, "officer-5", "rs-key", "{\"note\":\"重启前\"}");
	cr_assert_eq(r.status, 200);
	int st = stop(SIGTERM);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	spawn(false);
	struct resp r2 = req("POST", path, "officer-5", "rs-key", "{\"note\":\"重启前\"}");
	cr_expect_eq(r2.status, 200);
	cr_expect_str_eq(r.body, r2.body);
	free(r.body);
	free(r2.body);
	r = req("GET", "/api/v1/alerts?since=0", "viewer-tok", NULL, NULL);
	cr_expect(strstr(r.body, "\"acked_by\":\"值班员05\"") != NULL, "%s", r.body);
	free(r.body);
	char id2[24];
	ingest("rs-2", id2);
	cr_expect_str_neq(id, id2);
}

struct acker {
	char (*ids)[24];
	int from, to;
	int *answered; /* 1 when answered 200 */
	volatile int *stop;
};

static void *ack_stream(void *arg)
{
	struct acker *a = arg;
	for (int i = a->from; i < a->to && !*a->stop; i++) {
		char path[128], key[32], tok[32];
		snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", a->ids[i]);
		snprintf(key, sizeof key, "kill-%d", i);
		snprintf(tok, sizeof tok, "officer-%d", i % 16);
		struct resp r = req("POST", path, tok, key, "{}");
		if (r.status == 200)
			a->answered[i] = 1;
		free(r.body);
	}
	return NULL;
}

Test(api, sigkill_during_acks_keeps_every_answered_ack, .init = setup, .fini = teardown)
{
	enum { N = 300, T = 6 };
	static char ids[N][24];
	static int answered[N];
	for (int i = 0; i < N; i++) {
		char src[32];
		snprintf(src, sizeof src, "kill-%d", i);
		ingest(src, ids[i]);
	}
	volatile int stopflag = 0;
	pthread_t th[T];
	struct acker ak[T];
	for (int t = 0; t < T; t++) {
		ak[t] = (struct acker){ids, t * N / T, (t + 1) * N / T, answered, &stopflag};
		pthread_create(&th[t], NULL, ack_stream, &ak[t]);
	}
	usleep(400000);
	stop(SIGKILL);
	stopflag = 1;
	for (int t = 0; t < T; t++)
		pthread_join(th[t], NULL);
	int n200 = 0;
	for (int i = 0; i < N; i++)
		n200 += answered[i];
	cr_expect(n200 > 0, "no ack was answered before the kill");
	spawn(false);
	struct resp r = req("GET", "/api/v1/alerts?since=0&limit=1000", "viewer-tok", NULL, NULL);
	struct json_object *o = parse(&r);
	struct pr_alert_list l;
	cr_assert(pr_alert_list_from_json(o, &l, NULL));
	int lost = 0;
	for (int i = 0; i < N; i++) {
		if (!answered[i])
			continue;
		bool found = false;
		for (size_t k = 0; k < l.count; k++)
			if (strcmp(l.items[k].id, ids[i]) == 0)
				found = l.items[k].status == PR_ALERT_ACKED;
		lost += !found;
	}
	cr_expect_eq(lost, 0, "%d of %d answered acks lost", lost, n200);
	pr_alert_list_finish(&l);
	json_object_put(o);
	free(r.body);
}

Test(api, without_tokens_reads_are_open_and_writes_refused, .init = setup, .fini = teardown)
{
	stop(SIGTERM);
	S.tokens[0] = '\0';
	spawn(false);
	struct resp r = req("GET", "/api/v1/alerts", NULL, NULL, NULL);
	cr_expect_eq(r.status, 200, "%s", r.body);
	free(r.body);
	r = req("HEAD", "/api/v1/events", NULL, NULL, NULL);
	cr_expect_eq(r.status, 200);
	free(r.body);
	expect_error(req("POST", "/api/v1/alerts/AL00000001/ack", "officer-0", "k", "{}"), 401,
	             "unauthorized");
	expect_error(req("POST", "/api/v1/alerts", "ingest-tok", NULL, "{}"), 401, "unauthorized");
}

Test(api, sigterm_answers_waiting_long_polls_and_exits_cleanly, .init = setup, .fini = teardown)
{
	struct poller p = {.since = 0};
	pthread_t th;
	pthread_create(&th, NULL, poll_thread, &p);
	usleep(300000);
	int st = stop(SIGTERM);
	pthread_join(th, NULL);
	S.pid = 0;
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	cr_expect_eq(p.status, 200);
	cr_expect(p.secs < 5, "answered after %.1f s", p.secs);
	free(p.body);
}
