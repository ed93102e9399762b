/* Malformed answers: a tiny HTTP server thread in the test serves the demo fixtures for every
 * endpoint, and for /api/v1/metrics whatever the test sets: truncated JSON, wrong types, NaN,
 * a 100 MB chunked body, invalid UTF-8, nesting 40 deep. Each gives one clear log line naming
 * the URL, and the snapshot keeps the last good metrics. */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "cw_feed.h"
#include "cw_paths.h"
#include "feedlib.h"

static int listen_fd, port;
static pthread_t server;
static atomic_bool stopping;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *metrics_body; /* NULL: 100 MB chunked */
static char fixtures[4096];

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		p += w, n -= (size_t)w;
	}
	return true;
}

static void answer(int fd, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	                 "Connection: close\r\n\r\n", len);
	if (send_all(fd, head, (size_t)n))
		send_all(fd, body, len);
}

static void answer_huge(int fd)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	                           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
	static char chunk[65536 + 16];
	size_t n = (size_t)sprintf(chunk, "10000\r\n");
	memset(chunk + n, ' ', 65536);
	chunk[n] = '[';
	memcpy(chunk + n + 65536, "\r\n", 2);
	if (!send_all(fd, head, sizeof head - 1))
		return;
	for (int i = 0; i < 1600 && !atomic_load(&stopping); i++) /* 100 MiB */
		if (!send_all(fd, chunk, n + 65536 + 2))
			return; /* the client hung up, as it should */
	send_all(fd, "0\r\n\r\n", 5);
}

static void serve(int fd)
{
	char req[4096] = "";
	size_t got = 0;
	while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
		ssize_t r = recv(fd, req + got, sizeof req - 1 - got, 0);
		if (r <= 0)
			return;
		got += (size_t)r;
		req[got] = '\0';
	}
	char path[256] = "";
	sscanf(req, "GET %255s", path);
	static const char *const names[] = {"metrics", "districts", "events", "industry", "alerts"};
	for (int i = 0; i < 5; i++) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "/api/v1/%s", names[i]);
		if (strncmp(path, prefix, strlen(prefix)) != 0)
			continue;
		if (i == 0) {
			pthread_mutex_lock(&lock);
			char *body = metrics_body ? strdup(metrics_body) : NULL;
			pthread_mutex_unlock(&lock);
			if (body)
				answer(fd, body, strlen(body));
			else
				answer_huge(fd);
			free(body);
			return;
		}
		char file[4200];
		snprintf(file, sizeof file, "%s/%s.json", fixtures, names[i]);
		size_t len;
		char *body = cw_read_file(file, 8 << 20, &len, NULL);
		if (i == 4)
			usleep(200 * 1000); /* as if it had waited */
		answer(fd, body, len);
		free(body);
		return;
	}
	static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	send_all(fd, nf, sizeof nf - 1);
}

static void *server_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&stopping)) {
		struct pollfd p = {listen_fd, POLLIN, 0};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(fd);
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

static void set_metrics(const char *body)
{
	pthread_mutex_lock(&lock);
	free(metrics_body);
	metrics_body = body ? strdup(body) : NULL;
	pthread_mutex_unlock(&lock);
}

static void setup(void)
{
	const char *data = getenv("CBWALL_DATADIR");
	cr_assert_not_null(data);
	snprintf(fixtures, sizeof fixtures, "%s/assets/fixtures/demo", data);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	listen_fd = listen_loopback(&port);
	pthread_create(&server, NULL, server_main, NULL);
}

static void teardown(void)
{
	atomic_store(&stopping, true);
	pthread_join(server, NULL);
	close(listen_fd);
	set_metrics(NULL);
	curl_global_cleanup();
}

TestSuite(bad, .init = setup, .fini = teardown, .timeout = 120);

static char *good_metrics(void)
{
	char file[4200];
	snprintf(file, sizeof file, "%s/metrics.json", fixtures);
	char *body = cw_read_file(file, 1 << 20, NULL, NULL);
	cr_assert_not_null(body);
	return body;
}

/* good with its first occurrence of `from` replaced by `to` */
static char *edit(const char *good, const char *from, const char *to)
{
	const char *at = strstr(good, from);
	cr_assert_not_null(at, "%s", from);
	char *out = malloc(strlen(good) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	return out;
}

/* good with the first metric's value (whatever number it is) replaced by `to` */
static char *edit_value(const char *good, const char *to)
{
	const char *at = strstr(good, "\"value\":");
	cr_assert_not_null(at);
	at += strlen("\"value\":");
	while (*at == ' ')
		at++;
	const char *end = at + strspn(at, "-+0123456789.eE");
	cr_assert_gt(end, at, "a number follows \"value\":");
	char *out = malloc(strlen(good) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - good), good, to, end);
	return out;
}

Test(bad, each_malformed_answer_is_one_log_line_and_the_old_data_stays)
{
	char *good = good_metrics();
	set_metrics(good);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	struct cw_feed_config c;
	cw_feed_config_default(&c);
	c.url = url;
	c.token = "test-token-not-checked";
	for (int s = 0; s < CW_SRC_ALERTS; s++)
		c.interval_s[s] = 1;
	c.backoff_min_ms = 50;
	c.backoff_max_ms = 100; /* retried ~10 times a second: still one line each */
	c.timeout_s = 10;
	c.log = log_capture;
	struct rd_err err;
	struct cw_feed *f = cw_feed_new(&c, &err);
	cr_assert_not_null(f, "%s", err.msg);
	cr_assert(cw_feed_start(f, &err));
	struct cw_snapshot *s = NULL;
	for (int i = 0; i < 500; i++) {
		cw_snapshot_unref(s);
		s = cw_feed_latest(f);
		if (s->has_metrics && s->alert_count > 0)
			break;
		usleep(20000);
	}
	cr_assert(s->has_metrics && s->alert_count > 0, "the good data arrives");
	char city[64];
	snprintf(city, sizeof city, "%s", s->metrics.city);
	size_t count = s->metrics.count;
	cw_snapshot_unref(s);

	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	char truncated[120];
	snprintf(truncated, sizeof truncated, "%.100s", good);
	struct {
		const char *name;
		char *body; /* NULL: 100 MB */
		const char *expect;
	} cases[] = {
	    {"truncated JSON", strdup(truncated), "JSON ends early"},
	    {"wrong type", edit_value(good, "\"62\""), "expected number"},
	    {"NaN", edit_value(good, "NaN"), "NaN"},
	    {"100 MB body", NULL, "larger than 8388608 bytes"},
	    {"invalid UTF-8", edit(good, "合肥市", "\xff\xfe\xfd"), "not valid UTF-8"},
	    {"depth 40", strdup(deep), "too deep"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		set_metrics(cases[k].body);
		double t0 = now_ms();
		WAIT_FOR(20000, log_count("/api/v1/metrics:", cases[k].expect) > 0);
		cr_assert_eq(log_count("/api/v1/metrics:", cases[k].expect), 1,
		             "%s: expected one line with \"%s\":\n%s", cases[k].name, cases[k].expect,
		             log_text);
		usleep(600 * 1000); /* several more failed attempts: no more lines */
		cr_assert_eq(log_count("/api/v1/metrics:", cases[k].expect), 1, "%s:\n%s",
		             cases[k].name, log_text);
		s = cw_feed_latest(f);
		cr_assert(s->src[CW_SRC_METRICS].failed, "%s", cases[k].name);
		cr_assert(strstr(s->src[CW_SRC_METRICS].error, cases[k].expect), "%s: %s",
		          cases[k].name, s->src[CW_SRC_METRICS].error);
		cr_assert(s->has_metrics);
		cr_assert_str_eq(s->metrics.city, city, "%s: the last good metrics stay", cases[k].name);
		cr_assert_eq(s->metrics.count, count);
		cr_assert(cw_snapshot_stale(s, CW_SRC_METRICS, s->made_at));
		cr_assert_not(s->src[CW_SRC_DISTRICTS].failed, "other sources are not affected");
		cw_snapshot_unref(s);
		fprintf(stderr, "%s: detected in %.0f ms\n", cases[k].name, now_ms() - t0);
		free(cases[k].body);
	}
	/* good again: one recovery line, fresh data */
	set_metrics(good);
	WAIT_FOR(5000, log_count("/api/v1/metrics:", "ok again") == 1);
	cr_assert_eq(log_count("/api/v1/metrics:", "ok again"), 1, "%s", log_text);
	s = cw_feed_latest(f);
	cr_assert_not(s->src[CW_SRC_METRICS].failed);
	cw_snapshot_unref(s);
	cw_feed_free(f);
	free(good);
}
