#pragma once
/* Helpers for the feed, outbox and config tests: a real cbwalld ($CBWALLD) on a free loopback
 * port with its own database and a tokens file made by `cbwalld hash-token`, plain libcurl
 * requests to it, and a directory per test under $TEST_OUT. Static functions: each test file
 * includes this once. */
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

#include "cw_outbox.h"
#include "pr_alert.h"
#include "pr_json.h"

struct backend {
	pid_t pid;
	int port;
	char url[64];
	char dir[512];
	char db[600];
	char tokens[600];
	char officer_file[600], viewer_file[600]; /* line 1: the token (as hash-token prints) */
	char officer[128], viewer[128], ingest[128];
};

static __attribute__((unused)) double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static __attribute__((unused)) int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

/* A fresh directory $TEST_OUT/NAME.PID. */
static __attribute__((unused)) void test_dir(char *buf, size_t n, const char *name)
{
	const char *out = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(buf, n, "%s/%s.%d", out, name, (int)getpid());
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
	cr_assert_eq(system(cmd), 0);
}

static __attribute__((unused)) void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* `cbwalld hash-token ROLE NAME > file`; the token (line 1) into tok, line 2 appended to the
 * tokens file. */
static __attribute__((unused)) void hash_token(struct backend *b, const char *role, const char *name, const char *file,
                       char tok[128])
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s' hash-token %s %s > '%s' && tail -n1 '%s' >> '%s' && chmod 600 '%s'",
	         getenv("CBWALLD"), role, name, file, file, b->tokens, file);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	FILE *f = fopen(file, "r");
	cr_assert(f && fgets(tok, 128, f));
	fclose(f);
	tok[strcspn(tok, "\r\n")] = '\0';
}

static __attribute__((unused)) void backend_init(struct backend *b, const char *name)
{
	memset(b, 0, sizeof *b);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_dir(b->dir, sizeof b->dir, name);
	snprintf(b->db, sizeof b->db, "%s/cbwalld.db", b->dir);
	snprintf(b->tokens, sizeof b->tokens, "%s/tokens", b->dir);
	snprintf(b->officer_file, sizeof b->officer_file, "%s/officer.txt", b->dir);
	snprintf(b->viewer_file, sizeof b->viewer_file, "%s/viewer.txt", b->dir);
	char ingest_file[700];
	snprintf(ingest_file, sizeof ingest_file, "%s/ingest.txt", b->dir);
	hash_token(b, "officer", "张敏", b->officer_file, b->officer);
	hash_token(b, "viewer", "大屏一号", b->viewer_file, b->viewer);
	hash_token(b, "ingest", "城市运行中心", ingest_file, b->ingest);
	b->port = free_port();
	snprintf(b->url, sizeof b->url, "http://127.0.0.1:%d", b->port);
}

struct resp {
	long status;
	char *body;
	size_t len;
};

static __attribute__((unused)) size_t resp_write(char *p, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	r->body = realloc(r->body, r->len + size * n + 1);
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

/* A plain request to the backend; body NULL for GET. The caller frees r.body. */
static __attribute__((unused)) struct resp request(const struct backend *b, const char *method, const char *path,
                           const char *token, const char *key, const char *body)
{
	struct resp r = {0};
	CURL *c = curl_easy_init();
	char url[512], auth[256], idem[256];
	snprintf(url, sizeof url, "%s%s", b->url, path);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (key) {
		snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
		h = curl_slist_append(h, idem);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (!r.body)
		r.body = calloc(1, 1);
	return r;
}

static __attribute__((unused)) void backend_start(struct backend *b)
{
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", b->port);
	b->pid = fork();
	if (b->pid == 0) {
		const char *bin = getenv("CBWALLD");
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(bin, bin, "--db", b->db, "--listen", listen, "--tokens", b->tokens, "--simulate",
		      "1", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		struct resp r = request(b, "GET", "/api/v1/health", NULL, NULL, NULL);
		free(r.body);
		if (r.status == 200)
			return;
		usleep(25000);
	}
	cr_assert_fail("cbwalld did not come up on %s", listen);
}

static __attribute__((unused)) void backend_stop(struct backend *b, int sig)
{
	if (b->pid <= 0)
		return;
	kill(b->pid, sig);
	waitpid(b->pid, NULL, 0);
	b->pid = 0;
}

/* POST /api/v1/alerts as the ingest role; the new alert's id into id. */
static __attribute__((unused)) void ingest_alert(const struct backend *b, const char *source_id, char id[24])
{
	char body[512];
	snprintf(body, sizeof body,
	         "{\"grade\":1,\"category\":\"应急\",\"title\":\"测试告警 %s\",\"adcode\":\"340104\","
	         "\"source_id\":\"%s\"}",
	         source_id, source_id);
	struct resp r = request(b, "POST", "/api/v1/alerts", b->ingest, NULL, body);
	cr_assert(r.status == 201 || r.status == 200, "ingest: %ld %s", r.status, r.body);
	struct json_object *o;
	struct pr_alert a;
	cr_assert(pr_json_parse(r.body, r.len, &o, NULL) && pr_alert_from_json(o, "alert", &a, NULL));
	json_object_put(o);
	snprintf(id, 24, "%s", a.id);
	free(r.body);
}

/* The alert as cbwalld holds it now (found in GET /api/v1/alerts?since=0). */
static __attribute__((unused)) bool backend_alert(const struct backend *b, const char *id, struct pr_alert *out)
{
	struct resp r = request(b, "GET", "/api/v1/alerts?since=0&limit=1000", b->viewer, NULL, NULL);
	struct json_object *o;
	struct pr_alert_list l = {0};
	cr_assert(pr_json_parse(r.body, r.len, &o, NULL) && pr_alert_list_from_json(o, &l, NULL),
	          "%s", r.body);
	json_object_put(o);
	free(r.body);
	bool found = false;
	for (size_t i = 0; i < l.count; i++)
		if (strcmp(l.items[i].id, id) == 0)
			*out = l.items[i], found = true;
	pr_alert_list_finish(&l);
	return found;
}

/* Waits up to ms for cond (re-evaluated every 20 ms). */
#define WAIT_FOR(ms, cond)                                                                     \
	do {                                                                                       \
		double until_ = now_ms() + (ms);                                                       \
		while (!(cond) && now_ms() < until_)                                                   \
			usleep(20000);                                                                     \
	} while (0)

/* Log lines of a feed (cw_feed_config.log = log_capture), echoed to stderr. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[1 << 16];

static __attribute__((unused)) void log_capture(void *ud, const char *line)
{
	(void)ud;
	pthread_mutex_lock(&log_lock);
	size_t n = strlen(log_text);
	snprintf(log_text + n, sizeof log_text - n, "%s\n", line);
	pthread_mutex_unlock(&log_lock);
	fprintf(stderr, "feed log: %s\n", line);
}

/* How many captured lines contain both a and b. */
static __attribute__((unused)) int log_count(const char *a, const char *b)
{
	int n = 0;
	pthread_mutex_lock(&log_lock);
	for (char *line = log_text, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		*end = '\0';
		n += strstr(line, a) && strstr(line, b);
		*end = '\n';
	}
	pthread_mutex_unlock(&log_lock);
	return n;
}

/* A listening socket on a free loopback port. */
static __attribute__((unused)) int listen_loopback(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	cr_assert_eq(listen(fd, 16), 0);
	return fd;
}

/* The pending rows of token in the outbox at path (first max into rows). */
static __attribute__((unused)) int outbox_pending(const char *path, const char *token,
                                                  struct cw_ack *rows, int max)
{
	struct rd_err err;
	struct cw_outbox *ob = cw_outbox_open(path, &err);
	cr_assert_not_null(ob, "%s", err.msg);
	char tag[17];
	cw_outbox_token_tag(token, tag);
	int n = cw_outbox_due(ob, tag, INT64_MAX, rows, max, &err);
	cw_outbox_close(ob);
	return n;
}
