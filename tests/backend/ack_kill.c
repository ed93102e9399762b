/* Crash-proof acks, server side (docs/testing.md, "Crash tests").
 *
 * cbwalld ($CBWALLD) is SIGKILLed ROUNDS times (default 200) on the same database while 64
 * keep-alive connections post acks for 16 officers racing on the same few alerts, and started
 * again each time. Every attempt carries a fresh Idempotency-Key; attempts that got no answer
 * (the kill cut them) are sent again with the same key after the restart. At the end, on a
 * clean server:
 *   - every ack answered 200 is in the store with the acked_by/acked_at it was answered with;
 *   - no alert was acked twice: per alert, at most one Idempotency-Key ever got a 200 (over
 *     HTTP and in the idem table), and every 409 names the one officer who got it;
 *   - a replayed key answered 200 before a kill answers the same after it;
 *   - PRAGMA integrity_check is ok.
 * Usage: ack_kill [ROUNDS]   (env: CBWALLD, TEST_OUT; ACK_KILL_ROUNDS overrides ROUNDS) */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
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
#include <json-c/json.h>
#include <sqlite3.h>

#include "bk_core.h"
#include "bk_sha256.h"

enum { CONNS = 64, OFFICERS = 16, ALERTS_PER_ROUND = 2, TARGETS = 6, MAX_ALERTS = 4096 };

struct attempt {
	int alert;             /* index into alerts[] */
	int officer;
	char key[48];
	long status;           /* 0: no answer */
	char acked_by[64], acked_at[40];
	bool replay;           /* a resend of an unanswered attempt */
};

static struct {
	pid_t pid;
	int port;
	char dir[512], db[600], tokens[600], log[600];
} S;

static char alerts[MAX_ALERTS][24];
static int n_alerts;
static struct attempt *att;
static size_t n_att, cap_att;
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
	if (++failures > 20) {
		fputs("too many failures\n", stderr);
		exit(1);
	}
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

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		die("free_port: %s", strerror(errno));
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
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

/* One synchronous request; returns the status (0: no answer), body in *out (malloc'd). */
static long request(const char *method, const char *path, const char *token, const char *key,
                    const char *body, char **out)
{
	CURL *c = curl_easy_init();
	char url[256], auth[128], idem[128];
	struct buf b = {0};
	struct curl_slist *h = NULL;
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", S.port, path);
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

static void spawn(void)
{
	S.port = free_port();
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", S.port);
	fflush(stdout);
	S.pid = fork();
	if (S.pid < 0)
		die("fork: %s", strerror(errno));
	if (S.pid == 0) {
		const char *bin = getenv("CBWALLD");
		/* leak checks are for clean exits; a SIGKILLed process reports nothing anyway */
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		if (!freopen("/dev/null", "w", stdout) || !freopen(S.log, "a", stderr))
			_exit(126);
		execl(bin, bin, "--db", S.db, "--listen", listen, "--tokens", S.tokens, (char *)NULL);
		_exit(127);
	}
	int64_t end = now_ms() + 20000;
	while (now_ms() < end) {
		if (request("GET", "/api/v1/health", NULL, NULL, NULL, NULL) == 200)
			return;
		int st;
		if (waitpid(S.pid, &st, WNOHANG) == S.pid)
			die("cbwalld exited (status %d) at start; see %s", st, S.log);
		usleep(3000);
	}
	die("cbwalld did not come up on %s; see %s", listen, S.log);
}

static void sigkill(void)
{
	int st;
	kill(S.pid, SIGKILL);
	waitpid(S.pid, &st, 0);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		die("cbwalld ended with status %d before the kill; see %s", st, S.log);
	S.pid = 0;
}

static const char *json_str(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static void officer_token(int i, char *out, size_t n)
{
	snprintf(out, n, "kill-officer-token-%02d", i);
}

static void ingest(int round)
{
	for (int k = 0; k < ALERTS_PER_ROUND && n_alerts < MAX_ALERTS; k++) {
		char body[512], *out;
		snprintf(body, sizeof body,
		         "{\"grade\":%d,\"category\":\"交通\",\"title\":\"杀进程测试预警 %d-%d\","
		         "\"adcode\":\"340104\",\"source_id\":\"kill-%d-%d\"}",
		         1 + (round + k) % 4, round, k, round, k);
		long st = request("POST", "/api/v1/alerts", "kill-ingest-token-0000", NULL, body, &out);
		struct json_object *o = json_tokener_parse(out);
		if ((st != 201 && st != 200) || !o)
			die("round %d: ingest answered %ld: %s", round, st, out);
		struct json_object *a = o;
		snprintf(alerts[n_alerts++], sizeof alerts[0], "%s", json_str(a, "id"));
		json_object_put(o);
		free(out);
	}
}

static struct attempt *new_attempt(void)
{
	if (n_att == cap_att) {
		cap_att = cap_att ? cap_att * 2 : 4096;
		att = realloc(att, cap_att * sizeof *att);
		if (!att)
			abort();
	}
	memset(&att[n_att], 0, sizeof att[n_att]);
	return &att[n_att++];
}

struct slot {
	CURL *easy;
	struct curl_slist *h;
	struct buf b;
	size_t att;
	bool busy;
	char url[256];
};

static unsigned rnd(void)
{
	static unsigned long long s = 0x9e3779b97f4a7c15ull;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (unsigned)(s >> 11);
}

static void start(CURLM *m, struct slot *sl, size_t ai)
{
	struct attempt *a = &att[ai];
	char tok[64], auth[128], idem[128];
	officer_token(a->officer, tok, sizeof tok);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", a->key);
	curl_slist_free_all(sl->h);
	sl->h = curl_slist_append(NULL, auth);
	sl->h = curl_slist_append(sl->h, idem);
	sl->h = curl_slist_append(sl->h, "Content-Type: application/json");
	snprintf(sl->url, sizeof sl->url, "http://127.0.0.1:%d/api/v1/alerts/%s/ack", S.port,
	         alerts[a->alert]);
	free(sl->b.p);
	sl->b = (struct buf){0};
	curl_easy_setopt(sl->easy, CURLOPT_URL, sl->url);
	curl_easy_setopt(sl->easy, CURLOPT_HTTPHEADER, sl->h);
	curl_easy_setopt(sl->easy, CURLOPT_POSTFIELDS, "{\"note\":\"crash test\"}");
	curl_easy_setopt(sl->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(sl->easy, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(sl->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(sl->easy, CURLOPT_WRITEDATA, &sl->b);
	sl->att = ai;
	sl->busy = true;
	curl_multi_add_handle(m, sl->easy);
}

static size_t fresh_attempt(void)
{
	/* targets: the newest TARGETS alerts, so 16 officers race on each, across kills */
	int lo = n_alerts > TARGETS ? n_alerts - TARGETS : 0;
	struct attempt *a = new_attempt();
	a->alert = lo + (int)(rnd() % (unsigned)(n_alerts - lo));
	a->officer = (int)(rnd() % OFFICERS);
	snprintf(a->key, sizeof a->key, "kill-%zu-%08x", n_att, rnd());
	return n_att - 1;
}

static void finish(struct slot *sl, CURLcode rc, long *answered)
{
	struct attempt *a = &att[sl->att];
	sl->busy = false;
	a->status = 0;
	if (rc != CURLE_OK)
		return;
	curl_easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &a->status);
	(*answered)++;
	struct json_object *o = sl->b.p ? json_tokener_parse(sl->b.p) : NULL;
	if (a->status == 200) {
		if (!o || strcmp(json_str(o, "status"), "acked") != 0)
			fail("%s by officer %d: 200 without an acked alert: %s", alerts[a->alert],
			     a->officer, sl->b.p ? sl->b.p : "");
		else {
			snprintf(a->acked_by, sizeof a->acked_by, "%s", json_str(o, "acked_by"));
			snprintf(a->acked_at, sizeof a->acked_at, "%s", json_str(o, "acked_at"));
		}
	} else if (a->status == 409) {
		snprintf(a->acked_by, sizeof a->acked_by, "%s", o ? json_str(o, "acked_by") : "");
		snprintf(a->acked_at, sizeof a->acked_at, "%s", o ? json_str(o, "acked_at") : "");
	} else {
		fail("%s: unexpected answer %ld: %s", alerts[a->alert], a->status,
		     sl->b.p ? sl->b.p : "");
	}
	json_object_put(o);
}

/* Acks on CONNS connections until kill_at (ms, monotonic), then SIGKILL, then drains what
 * is in flight (it fails). replay: attempts without an answer to send again first. */
static void load(CURLM *m, struct slot *slots, int64_t kill_at, size_t *replay, size_t n_replay,
                 long *answered)
{
	size_t next_replay = 0;
	bool killed = false;
	for (;;) {
		if (!killed) {
			for (int i = 0; i < CONNS; i++) {
				if (slots[i].busy)
					continue;
				size_t ai;
				if (next_replay < n_replay) {
					/* same alert, officer and key as the unanswered attempt */
					struct attempt *a = new_attempt(); /* may move att */
					const struct attempt *old = &att[replay[next_replay++]];
					a->alert = old->alert;
					a->officer = old->officer;
					a->replay = true;
					memcpy(a->key, old->key, sizeof a->key); /* distinct elements of att */
					ai = n_att - 1;
				} else {
					ai = fresh_attempt();
				}
				start(m, &slots[i], ai);
			}
		}
		int running = 0;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (int i = 0; i < CONNS; i++) {
				if (slots[i].easy != msg->easy_handle)
					continue;
				CURLcode rc = msg->data.result;
				curl_multi_remove_handle(m, slots[i].easy);
				finish(&slots[i], rc, answered);
			}
		}
		if (!killed && now_ms() >= kill_at) {
			sigkill();
			killed = true;
		}
		bool any = false;
		for (int i = 0; i < CONNS; i++)
			any = any || slots[i].busy;
		if (killed && !any)
			return;
		curl_multi_poll(m, NULL, 0, 5, NULL);
	}
}

static void write_tokens(void)
{
	FILE *f = fopen(S.tokens, "w");
	if (!f)
		die("%s: %s", S.tokens, strerror(errno));
	char tok[64], hex[65];
	for (int i = 0; i < OFFICERS; i++) {
		officer_token(i, tok, sizeof tok);
		bk_sha256_hex(tok, strlen(tok), hex);
		fprintf(f, "%s officer 值班员%02d\n", hex, i);
	}
	bk_sha256_hex("kill-ingest-token-0000", 22, hex);
	fprintf(f, "%s ingest 上游系统\n", hex);
	bk_sha256_hex("kill-viewer-token-0000", 22, hex);
	fprintf(f, "%s viewer 大屏\n", hex);
	fclose(f);
}

static void check(long answered)
{
	/* the final state, over HTTP from a clean start (loaded from the database) */
	spawn();
	char *out;
	long st = request("GET", "/api/v1/alerts?limit=1000", "kill-viewer-token-0000", NULL, NULL,
	                  &out);
	struct json_object *o = json_tokener_parse(out);
	struct json_object *list;
	if (st != 200 || !o || !json_object_object_get_ex(o, "alerts", &list))
		die("GET /alerts answered %ld: %.200s", st, out);
	free(out);
	static char by[MAX_ALERTS][64], at[MAX_ALERTS][40], status[MAX_ALERTS][16];
	static long key200[MAX_ALERTS];
	int seen = 0;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *a = json_object_array_get_idx(list, i);
		for (int k = 0; k < n_alerts; k++) {
			if (strcmp(alerts[k], json_str(a, "id")) != 0)
				continue;
			snprintf(by[k], sizeof by[k], "%s", json_str(a, "acked_by"));
			snprintf(at[k], sizeof at[k], "%s", json_str(a, "acked_at"));
			snprintf(status[k], sizeof status[k], "%s", json_str(a, "status"));
			seen++;
		}
	}
	json_object_put(o);
	if (seen != n_alerts)
		fail("GET /alerts shows %d of the %d ingested alerts", seen, n_alerts);

	/* replays of a key answered 200 must answer 200 again with the same ack */
	size_t n200 = 0, n409 = 0, nlost = 0, nreplay200 = 0;
	for (int k = 0; k < n_alerts; k++)
		key200[k] = -1;
	for (size_t i = 0; i < n_att; i++) {
		struct attempt *a = &att[i];
		int k = a->alert;
		if (a->status == 0) {
			nlost++;
			continue;
		}
		if (a->status == 409) {
			n409++;
			if (strcmp(a->acked_by, by[k]) != 0 || strcmp(a->acked_at, at[k]) != 0)
				fail("%s: a 409 named %s at %s, the store has %s at %s", alerts[k],
				     a->acked_by, a->acked_at, by[k], at[k]);
			continue;
		}
		if (a->status != 200)
			continue;
		n200++;
		nreplay200 += a->replay;
		if (strcmp(status[k], "acked") != 0 || strcmp(a->acked_by, by[k]) != 0 ||
		    strcmp(a->acked_at, at[k]) != 0)
			fail("%s: ack answered 200 (%s at %s, key %s) but the store has %s/%s at %s",
			     alerts[k], a->acked_by, a->acked_at, a->key, status[k], by[k], at[k]);
		if (key200[k] >= 0 && strcmp(att[key200[k]].key, a->key) != 0)
			fail("%s: acked twice: key %s (%s) and key %s (%s) both answered 200", alerts[k],
			     att[key200[k]].key, att[key200[k]].acked_by, a->key, a->acked_by);
		if (key200[k] < 0)
			key200[k] = (long)i;
	}
	/* a key answered 200, sent again now, answers the same */
	for (int k = 0; k < n_alerts; k += 7) {
		if (key200[k] < 0)
			continue;
		struct attempt *a = &att[key200[k]];
		char tok[64], path[96];
		officer_token(a->officer, tok, sizeof tok);
		snprintf(path, sizeof path, "/api/v1/alerts/%s/ack", alerts[k]);
		st = request("POST", path, tok, a->key, "{\"note\":\"crash test\"}", &out);
		o = json_tokener_parse(out);
		if (st != 200 || !o || strcmp(json_str(o, "acked_at"), a->acked_at) != 0)
			fail("%s: replaying key %s answered %ld %.200s", alerts[k], a->key, st, out);
		json_object_put(o);
		free(out);
	}
	int st_exit;
	kill(S.pid, SIGTERM);
	waitpid(S.pid, &st_exit, 0);
	S.pid = 0;
	if (!WIFEXITED(st_exit) || WEXITSTATUS(st_exit) != 0)
		fail("cbwalld did not drain cleanly (status %d); see %s", st_exit, S.log);

	/* the database itself */
	sqlite3 *db;
	if (sqlite3_open_v2(S.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("%s: %s", S.db, sqlite3_errmsg(db));
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(q, 0);
		if (strcmp(r, "ok") != 0)
			fail("PRAGMA integrity_check: %s", r);
	}
	sqlite3_finalize(q);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT alert_id, COUNT(*) FROM idem WHERE op=%d AND status=200 GROUP BY alert_id "
	         "HAVING COUNT(*) > 1",
	         (int)BK_OP_ACK);
	sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	while (sqlite3_step(q) == SQLITE_ROW)
		fail("idem table: %s has %d acks answered 200", sqlite3_column_text(q, 0),
		     sqlite3_column_int(q, 1));
	sqlite3_finalize(q);
	/* every key answered 200 is in the idem table as 200, under its officer */
	sqlite3_prepare_v2(db, "SELECT status, who FROM idem WHERE key=? AND alert_id=?", -1, &q,
	                   NULL);
	size_t checked = 0;
	for (size_t i = 0; i < n_att; i++) {
		if (att[i].status != 200)
			continue;
		sqlite3_bind_text(q, 1, att[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, alerts[att[i].alert], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != 200 ||
		    strcmp((const char *)sqlite3_column_text(q, 1), att[i].acked_by) != 0)
			fail("idem table: key %s (%s, answered 200) is missing or differs", att[i].key,
			     alerts[att[i].alert]);
		else
			checked++;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	int acked = 0;
	for (int k = 0; k < n_alerts; k++)
		acked += strcmp(status[k], "acked") == 0;
	printf("ack_kill: %zu acks sent, %ld answered (%zu x 200 of which %zu replays, %zu x 409), "
	       "%zu cut by kills; %d alerts, %d acked, each once; %zu answered acks checked "
	       "against the store and the idem table\n",
	       n_att, answered, n200, nreplay200, n409, nlost, n_alerts, acked, checked);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	if (getenv("ACK_KILL_ROUNDS"))
		rounds = atoi(getenv("ACK_KILL_ROUNDS"));
	if (!getenv("CBWALLD"))
		die("run through ctest, which sets CBWALLD");
	signal(SIGPIPE, SIG_IGN);
	const char *outdir = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(S.dir, sizeof S.dir, "%s/ack_kill_%d", outdir, (int)getpid());
	mkdir(outdir, 0755);
	if (mkdir(S.dir, 0755) != 0)
		die("%s: %s", S.dir, strerror(errno));
	snprintf(S.db, sizeof S.db, "%s/cbwalld.db", S.dir);
	snprintf(S.tokens, sizeof S.tokens, "%s/tokens", S.dir);
	snprintf(S.log, sizeof S.log, "%s/cbwalld.log", S.dir);
	write_tokens();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)CONNS);
	struct slot slots[CONNS] = {0};
	for (int i = 0; i < CONNS; i++)
		slots[i].easy = curl_easy_init();
	int64_t t0 = now_ms();
	long answered = 0;
	size_t *replay = NULL, n_replay = 0;
	for (int r = 0; r < rounds; r++) {
		spawn();
		ingest(r);
		/* the kill lands anywhere from the first requests to a few hundred ms of load */
		int64_t kill_at = now_ms() + 10 + (int64_t)(rnd() % 390);
		size_t first = n_att;
		load(m, slots, kill_at, replay, n_replay, &answered);
		/* the unanswered attempts of this round (at most 32) go again after the restart */
		free(replay);
		replay = malloc(32 * sizeof *replay);
		n_replay = 0;
		for (size_t i = first; i < n_att && n_replay < 32; i++)
			if (att[i].status == 0 && !att[i].replay)
				replay[n_replay++] = i;
	}
	free(replay);
	int64_t t1 = now_ms();
	for (int i = 0; i < CONNS; i++) {
		curl_easy_cleanup(slots[i].easy);
		curl_slist_free_all(slots[i].h);
		free(slots[i].b.p);
	}
	curl_multi_cleanup(m);
	printf("ack_kill: %d kills survived in %.1f s\n", rounds, (double)(t1 - t0) / 1000.0);
	check(answered);
	free(att);
	curl_global_cleanup();
	if (failures) {
		fprintf(stderr, "ack_kill: %d failures (database and log in %s)\n", failures, S.dir);
		return 1;
	}
	/* keep the folder small: the database is the interesting part on failure only */
	char path[700];
	static const char *const names[] = {"cbwalld.db", "cbwalld.db-wal", "cbwalld.db-shm",
	                                    "tokens", "cbwalld.log"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", S.dir, names[i]);
		unlink(path);
	}
	rmdir(S.dir);
	return 0;
}
