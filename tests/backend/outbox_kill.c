/* Crash-proof acks, client side (docs/testing.md, "Crash tests").
 *
 * `cbwall ack ID` and `cbwall ack --flush` processes ($CBWALL) sharing one outbox are SIGKILLed
 * at random moments (at least KILLS times, default 50) while the backend behind a fault
 * injecting TCP proxy (in this file) is up, answers 503, resets the connection before the
 * request reaches cbwalld, resets it after cbwalld answered (the ack is committed, the client
 * never hears it), or is down (cbwalld SIGKILLed, restarted later). Then, with everything up,
 * a final `cbwall ack --flush`. Checks:
 *   - every ack a `cbwall ack` reported as delivered or queued (exit 0 or 75) is recorded in
 *     cbwalld: the alert is acked by the officer, with exactly one Idempotency-Key in the idem
 *     table;
 *   - no alert is recorded twice (two keys) whether its process was killed or not;
 *   - no ack is left pending in the outbox, and every settled row is DONE;
 *   - exits are only 0 or 75 (or the kill).
 * Usage: outbox_kill [KILLS]   (env: CBWALL, CBWALLD, TEST_OUT) */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "bk_core.h"
#include "bk_sha256.h"

enum mode { M_PASS, M_503, M_RESET_BEFORE, M_RESET_AFTER, M_DOWN, M_COUNT };
static const char *const mode_name[M_COUNT] = {"up", "503", "reset before", "reset after",
                                               "down"};
enum { MAX_ALERTS = 400 };

static struct {
	pid_t pid;
	int port, proxy_port;
	char dir[512], db[600], tokens[600], log[600], cfg[600], outbox[600], token_file[600];
} S;

static _Atomic int mode = M_PASS;
static _Atomic int backend_port;
static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (S.pid > 0)
		kill(S.pid, SIGKILL);
	exit(1);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned rnd(void)
{
	static unsigned long long s = 0x2545f4914f6cdd1dull;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (unsigned)(s >> 11);
}

static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		die("bind: %s", strerror(errno));
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int free_port(void)
{
	int port;
	close(listen_any(&port));
	return port;
}

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void reset_close(int fd)
{
	struct linger l = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

/* Reads one HTTP request (headers and Content-Length body) from fd into buf. */
static ssize_t read_request(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 10000) <= 0)
			return -1;
		ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
		buf[got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		const char *cl = strcasestr(buf, "\r\nContent-Length:");
		size_t body = cl && cl < end ? (size_t)atol(cl + 17) : 0;
		if (got >= (size_t)(end + 4 - buf) + body)
			return (ssize_t)got;
	}
	return -1;
}

/* One proxied connection: one request per connection (the answer closes it), so every
 * request meets the mode of its moment. */
static void *proxy_conn(void *arg)
{
	int c = (int)(intptr_t)arg;
	char req[16384];
	ssize_t n = read_request(c, req, sizeof req);
	int m = atomic_load(&mode);
	if (n < 0) {
		close(c);
		return NULL;
	}
	if (m == M_503) {
		static const char a[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
		                        "application/json\r\nContent-Length: 55\r\nConnection: close\r\n\r\n"
		                        "{\"error\":\"unavailable\",\"reason\":\"injected by the test\"}";
		send(c, a, sizeof a - 1, MSG_NOSIGNAL);
		close(c);
		return NULL;
	}
	if (m == M_RESET_BEFORE) {
		reset_close(c);
		return NULL;
	}
	int b = m == M_DOWN ? -1 : connect_to(atomic_load(&backend_port));
	if (b < 0) {
		reset_close(c); /* as a refused connection looks to the client: no answer */
		return NULL;
	}
	send(b, req, (size_t)n, MSG_NOSIGNAL);
	char resp[65536];
	size_t got = 0;
	for (;;) {
		struct pollfd p = {b, POLLIN, 0};
		if (poll(&p, 1, 15000) <= 0)
			break;
		ssize_t k = recv(b, resp + got, sizeof resp - 1 - got, 0);
		if (k <= 0)
			break;
		got += (size_t)k;
		resp[got] = '\0';
		char *end = strstr(resp, "\r\n\r\n");
		const char *cl = strcasestr(resp, "\r\nContent-Length:");
		if (end && cl && got >= (size_t)(end + 4 - resp) + (size_t)atol(cl + 17))
			break;
		if (got == sizeof resp - 1)
			break;
	}
	close(b);
	if (m == M_RESET_AFTER || atomic_load(&mode) == M_RESET_AFTER || got == 0) {
		reset_close(c); /* cbwalld answered (and committed); the client never hears it */
		return NULL;
	}
	send(c, resp, got, MSG_NOSIGNAL);
	shutdown(c, SHUT_WR);
	close(c);
	return NULL;
}

static void *proxy_main(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	listen(lfd, 128);
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			continue;
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, proxy_conn, (void *)(intptr_t)c) != 0)
			close(c);
		pthread_attr_destroy(&at);
	}
	return NULL;
}

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	char *q = realloc(b->p, b->n + size * n + 1);
	if (!q)
		abort();
	b->p = q;
	memcpy(b->p + b->n, p, size * n);
	b->n += size * n;
	b->p[b->n] = '\0';
	return size * n;
}

static long request(const char *method, const char *path, const char *token, const char *body,
                    char **out)
{
	CURL *c = curl_easy_init();
	char url[256], auth[128];
	struct buf b = {0};
	struct curl_slist *h = NULL;
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", S.port, path);
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (out)
		*out = b.p ? b.p : strdup("");
	else
		free(b.p);
	return status;
}

static const char OFFICER[] = "outbox-officer-token-0123456789";
static const char INGEST[] = "outbox-ingest-token-0123456789";

static void spawn_backend(void)
{
	S.port = free_port();
	atomic_store(&backend_port, S.port);
	char listen_at[64];
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", S.port);
	fflush(stdout);
	S.pid = fork();
	if (S.pid == 0) {
		const char *bin = getenv("CBWALLD");
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		if (!freopen("/dev/null", "w", stdout) || !freopen(S.log, "a", stderr))
			_exit(126);
		execl(bin, bin, "--db", S.db, "--listen", listen_at, "--tokens", S.tokens,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 4000; i++) {
		if (request("GET", "/api/v1/health", NULL, NULL, NULL) == 200)
			return;
		usleep(5000);
	}
	die("cbwalld did not come up; see %s", S.log);
}

static void kill_backend(int sig)
{
	if (S.pid <= 0)
		return;
	int st;
	kill(S.pid, sig);
	waitpid(S.pid, &st, 0);
	S.pid = 0;
}

struct run {
	pid_t pid;
	int alert;           /* -1: --flush */
	int64_t kill_at;     /* ms */
	bool killed;
	int code;            /* exit status when not killed */
};

static char alerts[MAX_ALERTS][24];
static int n_alerts;
static bool reported[MAX_ALERTS];

static pid_t start_cbwall(int alert)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		const char *bin = getenv("CBWALL");
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		char log[700];
		snprintf(log, sizeof log, "%s/cbwall.log", S.dir);
		if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
			_exit(126);
		if (alert >= 0)
			execl(bin, bin, "ack", alerts[alert], "--note", "杀进程测试", "--config", S.cfg,
			      (char *)NULL);
		else
			execl(bin, bin, "ack", "--flush", "--config", S.cfg, (char *)NULL);
		_exit(127);
	}
	return p;
}

static void ingest_alerts(int n)
{
	for (int i = 0; i < n && n_alerts < MAX_ALERTS; i++) {
		char body[256], *out;
		snprintf(body, sizeof body,
		         "{\"grade\":2,\"category\":\"交通\",\"title\":\"客户端杀进程测试 %d\","
		         "\"adcode\":\"340111\",\"source_id\":\"outbox-%d\"}",
		         n_alerts, n_alerts);
		long st = request("POST", "/api/v1/alerts", INGEST, body, &out);
		char *id = strstr(out, "\"id\":\"");
		if (st != 201 || !id)
			die("ingest: %ld %s", st, out);
		snprintf(alerts[n_alerts++], sizeof alerts[0], "%.10s", id + 6);
		free(out);
	}
}

static void setup(void)
{
	const char *outdir = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(S.dir, sizeof S.dir, "%s/outbox_kill_%d", outdir, (int)getpid());
	mkdir(outdir, 0755);
	if (mkdir(S.dir, 0755) != 0)
		die("%s: %s", S.dir, strerror(errno));
	snprintf(S.db, sizeof S.db, "%s/cbwalld.db", S.dir);
	snprintf(S.tokens, sizeof S.tokens, "%s/tokens", S.dir);
	snprintf(S.log, sizeof S.log, "%s/cbwalld.log", S.dir);
	snprintf(S.cfg, sizeof S.cfg, "%s/cbwall.json", S.dir);
	snprintf(S.outbox, sizeof S.outbox, "%s/outbox.db", S.dir);
	snprintf(S.token_file, sizeof S.token_file, "%s/officer.token", S.dir);
	char hex[65];
	FILE *f = fopen(S.tokens, "w");
	bk_sha256_hex(OFFICER, strlen(OFFICER), hex);
	fprintf(f, "%s officer 值班员甲\n", hex);
	bk_sha256_hex(INGEST, strlen(INGEST), hex);
	fprintf(f, "%s ingest 上游\n", hex);
	fclose(f);
	f = fopen(S.token_file, "w");
	fprintf(f, "%s\n", OFFICER);
	fclose(f);
	chmod(S.token_file, 0600);
	int lfd = listen_any(&S.proxy_port);
	pthread_t t;
	if (pthread_create(&t, NULL, proxy_main, (void *)(intptr_t)lfd) != 0)
		die("pthread_create");
	pthread_detach(t);
	/* short timeouts so a hung request does not hide behind the kill */
	f = fopen(S.cfg, "w");
	fprintf(f,
	        "{\"backend\": \"http://127.0.0.1:%d\", \"token_file\": \"%s\", \"outbox\": \"%s\","
	        " \"connect_timeout\": 2, \"timeout\": 5}\n",
	        S.proxy_port, S.token_file, S.outbox);
	fclose(f);
}

static void check(void)
{
	sqlite3 *db;
	if (sqlite3_open_v2(S.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("%s: %s", S.db, sqlite3_errmsg(db));
	sqlite3_stmt *q;
	/* per alert: idem rows (keys) for acks, how many answered 200, and the alert's body */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*), SUM(status=200), (SELECT body FROM alerts WHERE id=?1) FROM idem "
	         "WHERE alert_id=?1 AND op=%d",
	         (int)BK_OP_ACK);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(db));
	int delivered = 0, reported_n = 0;
	for (int k = 0; k < n_alerts; k++) {
		sqlite3_bind_text(q, 1, alerts[k], -1, SQLITE_STATIC);
		sqlite3_step(q);
		int keys = sqlite3_column_int(q, 0), ok = sqlite3_column_int(q, 1);
		const char *body = (const char *)sqlite3_column_text(q, 2);
		bool acked = body && strstr(body, "\"acked_by\":\"值班员甲\"");
		if (keys > 1 || ok > 1)
			fail("%s recorded %d times (%d keys answered 200): an ack sent twice", alerts[k],
			     keys, ok);
		if (reported[k]) {
			reported_n++;
			if (keys != 1 || ok != 1 || !acked)
				fail("%s: reported queued/delivered but cbwalld has %d keys, %d x 200, "
				     "body %.120s",
				     alerts[k], keys, ok, body ? body : "(none)");
		}
		delivered += keys == 1 && acked;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	/* the outbox: nothing pending, nothing refused */
	if (sqlite3_open_v2(S.outbox, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("%s: %s", S.outbox, sqlite3_errmsg(db));
	sqlite3_prepare_v2(db, "SELECT state, COUNT(*), COUNT(DISTINCT alert_id) FROM acks GROUP BY state",
	                   -1, &q, NULL);
	int rows = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int state = sqlite3_column_int(q, 0), n = sqlite3_column_int(q, 1);
		rows += n;
		if (state != 1) /* CW_ACK_DONE */
			fail("outbox: %d rows in state %d (0 pending, 2 conflict, 3 refused)", n, state);
		if (sqlite3_column_int(q, 2) != n)
			fail("outbox: %d rows for %d alerts", n, sqlite3_column_int(q, 2));
	}
	sqlite3_finalize(q);
	sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL);
	while (sqlite3_step(q) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0)
			fail("outbox integrity_check: %s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	printf("outbox_kill: %d acks reported queued/delivered, all recorded once; %d acks "
	       "recorded in cbwalld (%d outbox rows, each delivered once)\n",
	       reported_n, delivered, rows);
}

int main(int argc, char **argv)
{
	int want_kills = argc > 1 ? atoi(argv[1]) : 50;
	if (!getenv("CBWALL") || !getenv("CBWALLD"))
		die("run through ctest, which sets CBWALL and CBWALLD");
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	setup();
	spawn_backend();
	ingest_alerts(MAX_ALERTS);
	/* how long does a `cbwall ack` take here (ASan)? kills land in 0..2x that */
	int64_t t = now_ms();
	pid_t p = start_cbwall(0);
	int st;
	waitpid(p, &st, 0);
	int typical = (int)(now_ms() - t);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("a plain `cbwall ack` exited %d; see %s/cbwall.log", st, S.dir);
	reported[0] = true;
	int next = 1, kills = 0, runs = 1, codes[256] = {0}, per_mode[M_COUNT] = {0};
	int64_t t0 = now_ms();
	while (kills < want_kills && next < n_alerts - 2) {
		int m = (int)(rnd() % 100);
		m = m < 35 ? M_PASS : m < 50 ? M_503 : m < 65 ? M_RESET_BEFORE : m < 85 ? M_RESET_AFTER
		                                                                        : M_DOWN;
		if (m == M_DOWN && S.pid > 0)
			kill_backend(SIGKILL);
		else if (m != M_DOWN && S.pid <= 0)
			spawn_backend();
		atomic_store(&mode, m);
		per_mode[m]++;
		struct run r[3] = {{0}};
		int nr = 1 + (rnd() % 3 == 0) + (rnd() % 4 == 0);
		for (int i = 0; i < nr; i++) {
			r[i].alert = i == 1 ? -1 : next++;
			r[i].pid = start_cbwall(r[i].alert);
			/* most are killed somewhere in their run; some finish */
			r[i].kill_at = now_ms() + (int64_t)(rnd() % (unsigned)(typical * 2 + 1));
		}
		int alive = nr;
		while (alive) {
			for (int i = 0; i < nr; i++) {
				if (!r[i].pid)
					continue;
				pid_t w = waitpid(r[i].pid, &st, WNOHANG);
				if (w == 0 && now_ms() >= r[i].kill_at) {
					kill(r[i].pid, SIGKILL);
					waitpid(r[i].pid, &st, 0);
					w = r[i].pid;
				}
				if (w != r[i].pid)
					continue;
				r[i].pid = 0;
				alive--;
				runs++;
				if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
					kills++;
					continue;
				}
				int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				codes[code & 255]++;
				if (code != 0 && code != 75)
					fail("cbwall ack %s exited %d (backend %s); see %s/cbwall.log",
					     r[i].alert >= 0 ? alerts[r[i].alert] : "--flush", code,
					     mode_name[m], S.dir);
				if (r[i].alert >= 0 && (code == 0 || code == 75))
					reported[r[i].alert] = true;
			}
			usleep(2000);
		}
	}
	/* everything up: the last flush delivers what is pending */
	atomic_store(&mode, M_PASS);
	if (S.pid <= 0)
		spawn_backend();
	p = start_cbwall(-1);
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("the final `cbwall ack --flush` exited %d; see %s/cbwall.log", st, S.dir);
	kill_backend(SIGTERM);
	printf("outbox_kill: %d cbwall runs, %d SIGKILLed, %d exited 0, %d exited 75 in %.1f s "
	       "(a plain ack takes %d ms); backend modes: %d up, %d 503, %d reset before, %d reset "
	       "after, %d down\n",
	       runs, kills, codes[0], codes[75], (double)(now_ms() - t0) / 1000, typical,
	       per_mode[M_PASS], per_mode[M_503], per_mode[M_RESET_BEFORE], per_mode[M_RESET_AFTER],
	       per_mode[M_DOWN]);
	if (kills < want_kills)
		fail("only %d kills (ran out of alerts)", kills);
	check();
	curl_global_cleanup();
	if (failures) {
		fprintf(stderr, "outbox_kill: %d failures (files in %s)\n", failures, S.dir);
		return 1;
	}
	return 0;
}
