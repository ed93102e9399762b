/* Roles and limits of cbwalld over loopback (docs/security.md): the role matrix of docs/api.md
 * as a data table (every route x no token, unknown token, a token in the query string,
 * viewer, officer, ingest, and a server without tokens file), slowloris clients and slow
 * bodies cut by request_timeout while normal requests stay fast, header floods refused. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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
#include <json-c/json.h>

#include "bk_sha256.h"

static struct {
	pid_t pid;
	int port;
	char dir[512];
} S;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	char body[4096];
	size_t len;
	char www_auth[128];
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	size_t k = size * n;
	if (r->len + k >= sizeof r->body)
		k = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct resp *r = ud;
	if (size * n > 17 && strncasecmp(p, "WWW-Authenticate:", 17) == 0)
		snprintf(r->www_auth, sizeof r->www_auth, "%.*s", (int)(size * n - 17), p + 17);
	return size * n;
}

/* On the handle c, so on its connection when it has one open (keep-alive). */
static struct resp req_on(CURL *c, const char *method, const char *path, const char *token,
                          const char *key, const char *body)
{
	struct resp r = {0};
	char url[1024], auth[256], idem[256];
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
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* HTTPGET first: on a reused handle, a body set before must not be sent again */
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	return r;
}

static struct resp req(const char *method, const char *path, const char *token, const char *key,
                       const char *body)
{
	CURL *c = curl_easy_init();
	struct resp r = req_on(c, method, path, token, key, body);
	curl_easy_cleanup(c);
	return r;
}

static const char *const TOKENS[] = {"role-viewer-token-0123456789", "role-officer-token-0123456789",
                                     "role-ingest-token-0123456789"};

/* Starts cbwalld with the given extra config lines; tokens: with a tokens file. */
static void spawn(const char *name, bool tokens, const char *extra)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const char *out = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(S.dir, sizeof S.dir, "%s/bk_sec_%s_%d", out, name, (int)getpid());
	mkdir(S.dir, 0755);
	char conf[700], tok[700], db[700], hex[65];
	snprintf(conf, sizeof conf, "%s/cbwalld.conf", S.dir);
	snprintf(tok, sizeof tok, "%s/tokens", S.dir);
	snprintf(db, sizeof db, "%s/db", S.dir);
	FILE *f = fopen(tok, "w");
	static const char *const roles[] = {"viewer", "officer", "ingest"};
	for (int i = 0; i < 3; i++) {
		bk_sha256_hex(TOKENS[i], strlen(TOKENS[i]), hex);
		fprintf(f, "%s %s 测试%s\n", hex, roles[i], roles[i]);
	}
	fclose(f);
	S.port = free_port();
	f = fopen(conf, "w");
	fprintf(f, "listen = 127.0.0.1:%d\ndb = %s\nsimulate = 7\n%s%s%s\n", S.port, db,
	        tokens ? "tokens = " : "", tokens ? tok : "", tokens ? "\n" : "");
	fputs(extra ? extra : "", f);
	fclose(f);
	S.pid = fork();
	if (S.pid == 0) {
		const char *bin = getenv("CBWALLD");
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execl(bin, bin, "--config", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 800; i++) {
		struct resp r = req("GET", "/api/v1/health", NULL, NULL, NULL);
		if (r.status == 200)
			return;
		usleep(25000);
	}
	cr_assert_fail("cbwalld did not come up on port %d", S.port);
}

static void teardown(void)
{
	if (S.pid > 0) {
		int st = 0;
		kill(S.pid, SIGTERM);
		waitpid(S.pid, &st, 0);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "cbwalld exit status %d", st);
		S.pid = 0;
	}
	curl_global_cleanup();
}

/* ---- the role matrix ---------------------------------------------------------------- */

enum cred { C_NONE, C_BAD, C_QUERY, C_VIEWER, C_OFFICER, C_INGEST, C_COUNT };
static const char *const cred_name[C_COUNT] = {"no token", "unknown token", "token in query",
                                               "viewer", "officer", "ingest"};

struct route {
	const char *method, *path; /* {id}: a fresh alert */
	const char *body;          /* INGEST: a new alert's body */
	int expect[C_COUNT];
	int expect_anonymous;      /* on a server without tokens file, no token */
};

#define INGEST_BODY                                                                         \
	"{\"grade\":3,\"category\":\"交通\",\"title\":\"角色矩阵\",\"adcode\":\"340104\"," \
	"\"source_id\":\"role-%d\"}"

static const struct route routes[] = {
    /* method  path                                  body            none bad  query view offi inge  anon */
    {"GET", "/api/v1/health", NULL, {200, 200, 200, 200, 200, 200}, 200},
    {"HEAD", "/api/v1/health", NULL, {200, 200, 200, 200, 200, 200}, 200},
    {"GET", "/api/v1/metrics", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"HEAD", "/api/v1/metrics", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"GET", "/api/v1/districts", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"GET", "/api/v1/industry", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"GET", "/api/v1/events?since=0&limit=5", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"GET", "/api/v1/alerts", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"GET", "/api/v1/alerts?since=0&wait=0&limit=5", NULL, {401, 401, 401, 200, 200, 200}, 200},
    {"POST", "/api/v1/alerts", "INGEST", {401, 401, 401, 403, 403, 201}, 401},
    {"POST", "/api/v1/alerts/{id}/ack", "{\"note\":\"矩阵\"}", {401, 401, 401, 403, 200, 403}, 401},
    {"POST", "/api/v1/alerts/{id}/resolve", "{}", {401, 401, 401, 403, 200, 403}, 401},
    /* routing comes before roles: a wrong method or route tells nothing about tokens */
    {"POST", "/api/v1/metrics", "{}", {405, 405, 405, 405, 405, 405}, 405},
    {"DELETE", "/api/v1/alerts", NULL, {405, 405, 405, 405, 405, 405}, 405},
    {"GET", "/api/v1/alerts/{id}/ack", NULL, {405, 405, 405, 405, 405, 405}, 405},
    {"GET", "/api/v1/nothing", NULL, {404, 404, 404, 404, 404, 404}, 404},
    {"GET", "/api/v2/alerts", NULL, {404, 404, 404, 404, 404, 404}, 404},
};

static int ingest_n;

static void fresh_alert(char id[32])
{
	char body[512];
	snprintf(body, sizeof body, INGEST_BODY, 100000 + ingest_n++);
	struct resp r = req("POST", "/api/v1/alerts", TOKENS[2], NULL, body);
	cr_assert_eq(r.status, 201, "ingest: %ld %s", r.status, r.body);
	struct json_object *o = json_tokener_parse(r.body), *v;
	cr_assert(o && json_object_object_get_ex(o, "id", &v));
	snprintf(id, 32, "%s", json_object_get_string(v));
	json_object_put(o);
}

static const char *error_of(int status)
{
	switch (status) {
	case 401: return "\"unauthorized\"";
	case 403: return "\"forbidden\"";
	case 404: return "\"not_found\"";
	case 405: return "\"method_not_allowed\"";
	default: return NULL;
	}
}

static void make_body(const struct route *rt, char *body, size_t n)
{
	if (rt->body && strcmp(rt->body, "INGEST") == 0)
		snprintf(body, n, INGEST_BODY, ingest_n++);
	else
		snprintf(body, n, "%s", rt->body ? rt->body : "");
}

/* One cell: returns the status; for ids, checks a refused write changed nothing. */
static long cell(const struct route *rt, enum cred c, bool anonymous_server)
{
	char path[512], body[512], id[32] = "", key[64];
	const char *token = NULL;
	const char *at = strstr(rt->path, "{id}");
	if (at) {
		fresh_alert(id);
		snprintf(path, sizeof path, "%.*s%s%s", (int)(at - rt->path), rt->path, id, at + 4);
	} else {
		snprintf(path, sizeof path, "%s", rt->path);
	}
	switch (c) {
	case C_BAD: token = "role-unknown-token-0123456789"; break;
	case C_QUERY: {
		/* the officer's token where some APIs look for one: never accepted there */
		size_t n = strlen(path);
		snprintf(path + n, sizeof path - n, "%saccess_token=%s&token=%s",
		         strchr(path, '?') ? "&" : "?", TOKENS[1], TOKENS[1]);
		break;
	}
	case C_VIEWER: token = TOKENS[0]; break;
	case C_OFFICER: token = TOKENS[1]; break;
	case C_INGEST: token = TOKENS[2]; break;
	default: break;
	}
	make_body(rt, body, sizeof body);
	snprintf(key, sizeof key, "matrix-%d-%d", ingest_n++, (int)c);
	struct resp r = req(rt->method, path, token, at ? key : NULL, rt->body ? body : NULL);
	const char *err = error_of((int)r.status);
	if (err && strcmp(rt->method, "HEAD") != 0)
		cr_expect(strstr(r.body, err), "%s %s (%s): %ld without %s: %s", rt->method, rt->path,
		          cred_name[c], r.status, err, r.body);
	if (r.status == 401)
		cr_expect(strstr(r.www_auth, "Bearer"), "%s %s: 401 without WWW-Authenticate: Bearer",
		          rt->method, rt->path);
	if (at && !anonymous_server && r.status != 200 && strcmp(rt->method, "POST") == 0) {
		/* refused: the alert is untouched, so the officer can still ack it */
		snprintf(key, sizeof key, "matrix-after-refusal-%d", ingest_n++);
		struct resp again = req("POST", path, TOKENS[1], key, "{}");
		cr_expect(again.status == 200,
		          "%s %s refused with %ld but changed the alert (then %ld: %s)", rt->method,
		          rt->path, r.status, again.status, again.body);
	}
	return r.status;
}

Test(roles, matrix, .fini = teardown, .timeout = 300)
{
	spawn("matrix", true, NULL);
	int bad = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		char line[256];
		int o = snprintf(line, sizeof line, "%-6s %-38s", rt->method, rt->path);
		for (int c = 0; c < C_COUNT; c++) {
			long got = cell(rt, (enum cred)c, false);
			o += snprintf(line + o, sizeof line - (size_t)o, " %3ld", got);
			if (got != rt->expect[c]) {
				cr_log_error("%s %s with %s: %ld, expected %d", rt->method, rt->path,
				             cred_name[c], got, rt->expect[c]);
				bad++;
			}
		}
		cr_log_info("%s", line);
	}
	cr_assert_eq(bad, 0, "%d cells of the role matrix differ", bad);
}

/* cbwalld remembers per connection the last token it verified (so a keep-alive client's token
 * is hashed once): on one connection, every change of token is checked anew, whatever came
 * before; a token of the same length differing in one byte, a prefix, a longer one. */
Test(roles, one_connection_many_tokens, .fini = teardown, .timeout = 120)
{
	spawn("conn", true, NULL);
	char id[32], path[96], bad[64], shorter[64], longer[64];
	fresh_alert(id);
	snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", id);
	snprintf(bad, sizeof bad, "%s", TOKENS[0]);
	bad[strlen(bad) - 1] ^= 1;
	snprintf(shorter, sizeof shorter, "%.*s", (int)strlen(TOKENS[0]) - 1, TOKENS[0]);
	snprintf(longer, sizeof longer, "%sx", TOKENS[0]);
	char ingest[256];
	snprintf(ingest, sizeof ingest, INGEST_BODY, 900000);
	static const char *const keys[] = {"conn-1", "conn-2", "conn-3", "conn-4"};
	const struct {
		const char *method, *path, *token, *key, *body;
		long status;
	} steps[] = {
	        {"GET", "/api/v1/alerts?limit=1", TOKENS[0], NULL, NULL, 200},
	        {"POST", "/api/v1/alerts", TOKENS[0], NULL, ingest, 403},
	        {"POST", path, TOKENS[0], keys[0], "{}", 403},
	        {"GET", "/api/v1/alerts?limit=1", bad, NULL, NULL, 401},
	        {"GET", "/api/v1/alerts?limit=1", shorter, NULL, NULL, 401},
	        {"GET", "/api/v1/alerts?limit=1", longer, NULL, NULL, 401},
	        {"GET", "/api/v1/alerts?limit=1", NULL, NULL, NULL, 401},
	        {"POST", path, TOKENS[2], keys[1], "{}", 403}, /* ingest: same length as viewer */
	        {"POST", path, TOKENS[1], keys[2], "{}", 200},
	        {"POST", path, bad, keys[3], "{}", 401},
	        {"GET", "/api/v1/alerts?limit=1", TOKENS[0], NULL, NULL, 200},
	};
	CURL *c = curl_easy_init();
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct resp r = req_on(c, steps[i].method, steps[i].path, steps[i].token, steps[i].key,
		                       steps[i].body);
		long connects = -1;
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
		cr_expect_eq(r.status, steps[i].status, "step %zu: %s %s: %ld, expected %ld: %s", i,
		             steps[i].method, steps[i].path, r.status, steps[i].status, r.body);
		if (i > 0)
			cr_expect_eq(connects, 0, "step %zu opened a new connection", i);
		if (steps[i].status == 200 && strcmp(steps[i].method, "POST") == 0)
			cr_expect(strstr(r.body, "\"acked_by\":\"测试officer\""),
			          "the ack carries the officer's name: %s", r.body);
	}
	curl_easy_cleanup(c);
}

Test(roles, without_tokens_file, .fini = teardown, .timeout = 300)
{
	spawn("anon", false, NULL);
	int bad = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (strstr(rt->path, "{id}") && strcmp(rt->method, "POST") == 0) {
			/* no ingest possible without tokens: any id answers 401 before the lookup */
			char path[128];
			snprintf(path, sizeof path, "/api/v1/alerts/AL00000001%s",
			         strstr(rt->path, "/ack") ? "/ack" : "/resolve");
			struct resp r = req("POST", path, TOKENS[1], "k", "{}");
			if (r.status != rt->expect_anonymous) {
				cr_log_error("%s %s: %ld, expected %d", rt->method, path, r.status,
				             rt->expect_anonymous);
				bad++;
			}
			continue;
		}
		if (strstr(rt->path, "{id}"))
			continue;
		for (int c = C_NONE; c <= C_OFFICER; c += C_OFFICER) {
			char body[512];
			make_body(rt, body, sizeof body);
			struct resp r = req(rt->method, rt->path, c ? TOKENS[1] : NULL, NULL,
			                    rt->body ? body : NULL);
			if (r.status != rt->expect_anonymous) {
				cr_log_error("%s %s (%s): %ld, expected %d", rt->method, rt->path,
				             cred_name[c], r.status, rt->expect_anonymous);
				bad++;
			}
		}
	}
	cr_assert_eq(bad, 0, "%d cells differ", bad);
}

/* ---- slowloris and floods --------------------------------------------------------- */

static int connect_raw(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "connect: %s",
	          strerror(errno));
	return fd;
}

/* The status of the answer on fd (0: closed without one, -1: nothing within ms). */
static int read_status(int fd, int ms)
{
	char buf[512];
	size_t got = 0;
	int64_t end = now_ms() + ms;
	while (now_ms() < end && got < sizeof buf - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			break;
		ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
		if (n <= 0)
			return got ? atoi(buf + 9) : 0;
		got += (size_t)n;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = '\0';
	return got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0 ? atoi(buf + 9) : (got ? 0 : -1);
}

enum { SLOW = 200, SLOW_BODIES = 20, REQUEST_TIMEOUT = 3 };

Test(limits, slowloris_cut_while_others_answer, .fini = teardown, .timeout = 120)
{
	spawn("slow", true, "request_timeout = 3\nconnection_timeout = 30\n");
	int fds[SLOW];
	int64_t closed_at[SLOW] = {0}, t0 = now_ms();
	for (int i = 0; i < SLOW; i++) {
		fds[i] = connect_raw();
		char head[512];
		if (i < SLOW_BODIES)
			/* a slow body: headers at once, then the body a byte a second */
			snprintf(head, sizeof head,
			         "POST /api/v1/alerts/AL00000001/ack HTTP/1.1\r\nHost: x\r\n"
			         "Authorization: Bearer %s\r\nIdempotency-Key: slow-%d\r\n"
			         "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
			         TOKENS[1], i);
		else
			snprintf(head, sizeof head, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow-%d: ",
			         i);
		cr_assert(send(fds[i], head, strlen(head), MSG_NOSIGNAL) > 0);
	}
	int open_n = SLOW, worst_ms = 0, normal = 0;
	int64_t next_byte = now_ms() + 1000;
	while (open_n > 0 && now_ms() - t0 < (REQUEST_TIMEOUT + 5) * 1000) {
		/* a normal request every ~100 ms must answer fast */
		int64_t s = now_ms();
		struct resp r = req("GET", normal % 2 ? "/api/v1/alerts?limit=10" : "/api/v1/health",
		                    TOKENS[0], NULL, NULL);
		int ms = (int)(now_ms() - s);
		cr_expect_eq(r.status, 200, "a normal request during the slowloris: %ld", r.status);
		worst_ms = ms > worst_ms ? ms : worst_ms;
		normal++;
		struct pollfd p[SLOW];
		for (int i = 0; i < SLOW; i++)
			p[i] = (struct pollfd){closed_at[i] ? -1 : fds[i], POLLIN, 0};
		poll(p, SLOW, 100);
		for (int i = 0; i < SLOW; i++) {
			if (closed_at[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[256];
			if (recv(fds[i], buf, sizeof buf, MSG_DONTWAIT) <= 0) {
				closed_at[i] = now_ms();
				open_n--;
			}
		}
		if (now_ms() >= next_byte) {
			next_byte += 1000;
			for (int i = 0; i < SLOW; i++)
				if (!closed_at[i])
					send(fds[i], i < SLOW_BODIES ? " " : "a", 1, MSG_NOSIGNAL);
		}
	}
	int64_t first = INT64_MAX, last = 0;
	for (int i = 0; i < SLOW; i++) {
		close(fds[i]);
		cr_expect(closed_at[i], "slow connection %d still open after %d s", i,
		          REQUEST_TIMEOUT + 5);
		if (closed_at[i]) {
			first = closed_at[i] - t0 < first ? closed_at[i] - t0 : first;
			last = closed_at[i] - t0 > last ? closed_at[i] - t0 : last;
		}
	}
	cr_log_info("%d slow connections cut between %.1f and %.1f s (request_timeout %d s); %d "
	            "normal requests meanwhile, slowest %d ms",
	            SLOW - open_n, (double)first / 1000, (double)last / 1000, REQUEST_TIMEOUT, normal,
	            worst_ms);
	cr_expect(first >= (REQUEST_TIMEOUT - 1) * 1000, "cut too early: %lld ms", (long long)first);
	cr_expect(last <= REQUEST_TIMEOUT * 1000 + 1500, "cut too late: %lld ms", (long long)last);
	cr_expect(worst_ms < 500, "a normal request took %d ms during the slowloris", worst_ms);
	/* a keep-alive client that sends requests at a normal pace is not cut */
	int fd = connect_raw();
	for (int i = 0; i < REQUEST_TIMEOUT + 2; i++) {
		const char *get = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
		cr_assert(send(fd, get, strlen(get), MSG_NOSIGNAL) > 0, "keep-alive cut at %d s", i);
		cr_assert_eq(read_status(fd, 2000), 200, "keep-alive request %d", i);
		char drain[2048];
		usleep(200000);
		while (recv(fd, drain, sizeof drain, MSG_DONTWAIT) > 0)
			;
		sleep(1);
	}
	close(fd);
}

/* Sends the request (maybe cut short by the server), returns the status or 0 for a close. */
static int flood(const char *what, const char *head, size_t n_headers, size_t header_bytes)
{
	int fd = connect_raw();
	int64_t t = now_ms();
	bool cut = send(fd, head, strlen(head), MSG_NOSIGNAL) < 0;
	char line[128];
	for (size_t i = 0; i < n_headers && !cut; i++) {
		int k = snprintf(line, sizeof line, "X-Flood-%zu: v\r\n", i);
		cut = send(fd, line, (size_t)k, MSG_NOSIGNAL) < 0;
	}
	if (header_bytes && !cut) {
		char *big = malloc(header_bytes + 16);
		memcpy(big, "X-Big: ", 7);
		memset(big + 7, 'b', header_bytes);
		memcpy(big + 7 + header_bytes, "\r\n", 2);
		size_t off = 0, total = header_bytes + 9;
		while (off < total) {
			ssize_t s = send(fd, big + off, total - off, MSG_NOSIGNAL);
			if (s <= 0) {
				cut = true;
				break;
			}
			off += (size_t)s;
		}
		free(big);
	}
	if (!cut)
		send(fd, "\r\n", 2, MSG_NOSIGNAL);
	int st = read_status(fd, 5000);
	int ms = (int)(now_ms() - t);
	close(fd);
	cr_log_info("%s: %s after %d ms", what, st > 0 ? "answered" : "closed", ms);
	cr_expect(st == 431 || st == 413 || st == 414 || st == 400 || st == 0,
	          "%s: expected 431, 413, 414 or a close, got %d after %d ms", what, st, ms);
	cr_expect(ms < 5000, "%s: took %d ms", what, ms);
	return st;
}

Test(limits, header_floods, .fini = teardown, .timeout = 120)
{
	spawn("flood", true, NULL);
	int a = flood("10000 headers", "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", 10000, 0);
	int b = flood("a 1 MB header", "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", 0, 1 << 20);
	int c = flood("a 1 MB request line", "GET /api/v1/health?", 0, 1 << 20);
	cr_log_info("statuses: %d %d %d", a, b, c);
	/* and the server still answers */
	struct resp r = req("GET", "/api/v1/health", NULL, NULL, NULL);
	cr_assert_eq(r.status, 200);
}
