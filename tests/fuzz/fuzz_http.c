/* cbwalld's request handling, for real: LLVMFuzzerInitialize starts the backend in this
 * process (SQLite in memory, the simulator warmed up at a fixed clock, three tokens) on a free
 * loopback port, and every input is sent as raw bytes over a new TCP connection, which is then
 * half-closed; the answer is read to the end. So an input is a whole request (or several
 * pipelined, or garbage): method, URL with query, headers, body. libmicrohttpd parses it and
 * calls bk_http.c's handler (routing, tokens and roles, Idempotency-Key, query numbers, body
 * limits, JSON bodies through proto) and the committer applies ingests, acks and resolves.
 *
 * The handlers are bound to MHD connections (lookups, suspend/resume for long-polls and acks),
 * so they are reached through the daemon rather than a socket-free router; libmicrohttpd
 * itself is Debian's, not instrumented. wait_max_s is 0: a long-poll would cost seconds per
 * input, so `wait` only reaches its validation. Tokens the seeds carry (http.dict too):
 * fuzz-viewer-token, fuzz-officer-token, fuzz-ingest-token. An answer that does not end
 * within 100 ms of silence is cut (see exchange); so that a hung server is still caught, every
 * 256 inputs the daemon must answer GET /api/v1/health with 200 within 10 s. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bk_auth.h"
#include "bk_core.h"
#include "bk_http.h"
#include "bk_sha256.h"
#include "fuzz.h"
#include "pr_json.h"

static struct bk_auth *auth;
static struct bk_core *core;
static struct bk_http *http;
static uint16_t port;

static void stop(void)
{
	bk_http_drain(http, 2000);
	bk_core_stop(core);
	bk_http_drain(http, 1000);
	bk_http_free(http);
	bk_core_free(core);
	bk_auth_free(auth);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	signal(SIGPIPE, SIG_IGN);
	char dir[] = "/tmp/cbwall-fuzz-http-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	char tokens[64];
	snprintf(tokens, sizeof tokens, "%s/tokens", dir);
	FILE *f = fopen(tokens, "w");
	if (!f)
		abort();
	static const char *const toks[][2] = {{"fuzz-viewer-token", "viewer 大屏"},
	                                      {"fuzz-officer-token", "officer 值班员"},
	                                      {"fuzz-ingest-token", "ingest 110联动"}};
	for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
		char hex[65];
		bk_sha256_hex(toks[i][0], strlen(toks[i][0]), hex);
		fprintf(f, "%s %s\n", hex, toks[i][1]);
	}
	fclose(f);
	struct pr_err err = {{0}};
	auth = bk_auth_load(tokens, &err);
	unlink(tokens);
	rmdir(dir);
	int64_t clock;
	if (!auth || !pr_time_parse("2026-11-23T14:30:00+08:00", &clock, NULL)) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	struct bk_core_opts o = {.db_path = ":memory:", .simulate = true, .seed = 1, .clock_start = clock,
	                         .fixed_clock = true, .threaded = true, .retention_hours = 24,
	                         .warmup_minutes = 120};
	core = bk_core_new(&o, &err);
	if (!core) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	struct bk_http_opts ho = {.listen = "127.0.0.1:0", .threads = 1, .conn_timeout_s = 5,
	                          .wait_max_s = 0, .body_max = 64 * 1024};
	http = bk_http_start(core, auth, &ho, &err);
	if (!http) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	port = bk_http_port(http);
	atexit(stop);
	return 0;
}

/* Sends data on a new connection, half-closes it and reads the answer into buf (NUL-terminated,
 * cut at n - 1) until the server closes. libmicrohttpd waits for the rest of a body that is
 * shorter than its Content-Length until the connection times out, half-close or not: when
 * nothing comes for idle_ms the connection is reset instead (the server sees ECONNRESET and
 * drops the request). Returns the bytes read, -1 when reset after idling. */
static long exchange(const void *data, size_t size, char *buf, size_t n, int idle_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		abort();
	struct timeval tv = {.tv_sec = 10};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "fuzz_http: connect: %s\n", strerror(errno));
		abort();
	}
	const char *p = data;
	for (size_t left = size; left > 0;) {
		ssize_t k = send(fd, p, left, MSG_NOSIGNAL);
		if (k <= 0)
			break; /* the server closed early (413, a bad request): fine */
		p += k, left -= (size_t)k;
	}
	shutdown(fd, SHUT_WR);
	long total = 0;
	char sink[4096];
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, idle_ms) == 0) {
			struct linger lg = {.l_onoff = 1, .l_linger = 0};
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			total = -1;
			break;
		}
		char *to = (size_t)total + 1 < n ? buf + total : sink;
		size_t room = (size_t)total + 1 < n ? n - 1 - (size_t)total : sizeof sink;
		ssize_t k = recv(fd, to, room, 0);
		if (k <= 0)
			break; /* closed, or reset by the server */
		if (to == buf + total)
			total += k;
	}
	close(fd);
	buf[total >= 0 ? total : 0] = '\0';
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long count;
	if (size == 0)
		return 0;
	char answer[512];
	long n = exchange(data, size, answer, sizeof answer, 100);
	if (getenv("CBWALL_FUZZ_VERBOSE"))
		fprintf(stderr, "  %.*s\n", (int)strcspn(answer, "\r\n"), answer);
	if (++count % 256 == 0) {
		static const char health[] = "GET /api/v1/health HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
		n = exchange(health, sizeof health - 1, answer, sizeof answer, 10000);
		FUZZ_CHECK(n > 0 && strncmp(answer, "HTTP/1.1 200", 12) == 0, "health check failed: \"%.80s\"",
		           n > 0 ? answer : "");
	}
	return 0;
}
