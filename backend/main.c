/* cbwalld: the companion backend of cbwall. See docs/api.md. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bk_auth.h"
#include "bk_core.h"
#include "bk_http.h"
#include "bk_sha256.h"
#include "pr_alert.h"
#include "pr_json.h"

struct config {
	char listen[128];
	char db[1024];
	char tokens[1024];
	bool simulate;
	uint64_t seed;
	char clock[48];
	int threads, timeout, wait_max, retention;
	size_t body_max;
};

static void usage(FILE *f)
{
	fputs("usage: cbwalld [--config FILE] [--listen ADDR:PORT] [--db PATH] [--tokens FILE]\n"
	      "               [--simulate SEED] [--clock RFC3339]\n"
	      "       cbwalld hash-token ROLE NAME     print a new token and its tokens-file line\n"
	      "       cbwalld dump-fixtures [--seed N] [--clock RFC3339] DIR\n"
	      "                                        write the GET bodies as a file:// feed\n"
	      "       cbwalld --help | --version\n"
	      "\n"
	      "  --listen ADDR:PORT  where to serve HTTP (default 127.0.0.1:8640)\n"
	      "  --db PATH           SQLite database (default $XDG_STATE_HOME/cbwall/cbwalld.db)\n"
	      "  --tokens FILE       lines `SHA256-HEX ROLE NAME`; without it reads need no token\n"
	      "                      and every write is refused\n"
	      "  --simulate SEED     run the deterministic city simulator\n"
	      "  --clock T           start the clock at T (it then runs); for demos and tests\n",
	      f);
}

static bool set_key(struct config *c, const char *key, const char *val, char *msg, size_t n)
{
	char *end;
	if (strcmp(key, "listen") == 0)
		snprintf(c->listen, sizeof c->listen, "%s", val);
	else if (strcmp(key, "db") == 0)
		snprintf(c->db, sizeof c->db, "%s", val);
	else if (strcmp(key, "tokens") == 0)
		snprintf(c->tokens, sizeof c->tokens, "%s", val);
	else if (strcmp(key, "clock") == 0)
		snprintf(c->clock, sizeof c->clock, "%s", val);
	else if (strcmp(key, "simulate") == 0) {
		if (strcmp(val, "off") == 0) {
			c->simulate = false;
			return true;
		}
		errno = 0;
		unsigned long long v = strtoull(val, &end, 10);
		if (errno || *end || !*val) {
			snprintf(msg, n, "simulate: \"%s\" is not a seed (an integer) or off", val);
			return false;
		}
		c->simulate = true;
		c->seed = v;
	} else {
		struct {
			const char *k;
			int *p;
			long min, max;
		} ints[] = {{"threads", &c->threads, 1, 64},
		            {"connection_timeout", &c->timeout, 1, 3600},
		            {"wait_max", &c->wait_max, 1, 600},
		            {"retention_hours", &c->retention, 1, 24 * 365}};
		for (size_t i = 0; i < 4; i++) {
			if (strcmp(key, ints[i].k) != 0)
				continue;
			long v = strtol(val, &end, 10);
			if (*end || !*val || v < ints[i].min || v > ints[i].max) {
				snprintf(msg, n, "%s: \"%s\" is not an integer %ld..%ld", key, val,
				         ints[i].min, ints[i].max);
				return false;
			}
			*ints[i].p = (int)v;
			return true;
		}
		if (strcmp(key, "body_max") == 0) {
			long v = strtol(val, &end, 10);
			if (*end || v < 1024 || v > (long)PR_BODY_MAX) {
				snprintf(msg, n, "body_max: \"%s\" is not 1024..%zu", val, PR_BODY_MAX);
				return false;
			}
			c->body_max = (size_t)v;
			return true;
		}
		snprintf(msg, n, "unknown key \"%s\"", key);
		return false;
	}
	return true;
}

static bool load_config(struct config *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cbwalld: %s: %s\n", path, strerror(errno));
		return false;
	}
	char line[2048];
	int no = 0;
	while (fgets(line, sizeof line, f)) {
		no++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			fprintf(stderr, "cbwalld: %s:%d: expected key = value\n", path, no);
			fclose(f);
			return false;
		}
		char *k = p, *v = eq + 1;
		char *ke = eq;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		*ke = '\0';
		v += strspn(v, " \t");
		size_t vl = strlen(v);
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			v[--vl] = '\0';
		char msg[256];
		if (!set_key(c, k, v, msg, sizeof msg)) {
			fprintf(stderr, "cbwalld: %s:%d: %s\n", path, no, msg);
			fclose(f);
			return false;
		}
	}
	fclose(f);
	return true;
}

static void default_db(char *out, size_t n)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[900];
	if (state && *state)
		snprintf(dir, sizeof dir, "%s/cbwall", state);
	else
		snprintf(dir, sizeof dir, "%s/.local/state/cbwall", home ? home : ".");
	/* create the parents one by one */
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	mkdir(dir, 0755);
	snprintf(out, n, "%s/cbwalld.db", dir);
}

static int hash_token(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[2], "viewer") && strcmp(argv[2], "officer") &&
	                  strcmp(argv[2], "ingest"))) {
		fputs("usage: cbwalld hash-token viewer|officer|ingest NAME\n"
		      "Prints a new random token on stdout's first line and the line for the tokens\n"
		      "file on the second. Give the token to the screen or officer; keep only the\n"
		      "line on the server.\n",
		      stderr);
		return 2;
	}
	char tok[64], hex[65];
	struct pr_err err = {{0}};
	if (!bk_auth_new_token(tok, &err)) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		return 1;
	}
	bk_sha256_hex(tok, strlen(tok), hex);
	printf("%s\n%s %s %s\n", tok, hex, argv[2], argv[3]);
	return 0;
}

static bool write_file(const char *dir, const char *name, const char *body, size_t len)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(body, 1, len, f) != len || fputc('\n', f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "cbwalld: %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static int dump_fixtures(int argc, char **argv)
{
	uint64_t seed = 1;
	const char *clock = "2026-11-23T14:30:00+08:00", *dir = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc)
			clock = argv[++i];
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			fputs("usage: cbwalld dump-fixtures [--seed N] [--clock RFC3339] DIR\n", stderr);
			return 2;
		}
	}
	int64_t t;
	if (!dir || !pr_time_parse(clock, &t, NULL)) {
		fputs("usage: cbwalld dump-fixtures [--seed N] [--clock RFC3339] DIR\n", stderr);
		return 2;
	}
	/* Six simulated hours (all four grades and some resolved alerts), then two duty officers ack the newest
	 * alerts still open, so the fixtures show acked alerts beside new ones. */
	struct bk_core_opts o = {.db_path = ":memory:", .simulate = true, .seed = seed,
	                         .clock_start = t, .fixed_clock = true, .warmup_minutes = 360};
	struct pr_err err = {{0}};
	struct bk_core *core = bk_core_new(&o, &err);
	if (!core) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		return 1;
	}
	size_t len;
	char *page = bk_core_alerts_page(core, 0, 500, &len);
	struct json_object *obj;
	struct pr_alert_list list = {0};
	if (pr_json_parse(page, len, &obj, &err) && pr_alert_list_from_json(obj, &list, &err)) {
		static const char *officers[] = {"张敏", "李强"};
		static struct bk_op ops[2];
		int n = 0;
		for (size_t i = list.count; i-- > 0 && n < 2;) {
			if (list.items[i].status != PR_ALERT_NEW)
				continue;
			memset(&ops[n], 0, sizeof ops[n]);
			ops[n].kind = BK_OP_ACK;
			snprintf(ops[n].who, sizeof ops[n].who, "%s", officers[n]);
			snprintf(ops[n].alert_id, sizeof ops[n].alert_id, "%s", list.items[i].id);
			snprintf(ops[n].idem_key, sizeof ops[n].idem_key, "fixture-%d", n);
			snprintf(ops[n].ack.note, sizeof ops[n].ack.note, "%s",
			         n == 0 ? "已通知属地处置" : "已派员到场核实");
			bk_core_submit(core, &ops[n]);
			n++;
		}
		bk_core_run(core, &err);
		for (int i = 0; i < n; i++)
			free(ops[i].body);
		json_object_put(obj);
	}
	pr_alert_list_finish(&list);
	free(page);
	mkdir(dir, 0755);
	bool ok = true;
	static const char *names[] = {"metrics.json", "districts.json", "industry.json"};
	for (int i = 0; i < BK_BLOB_COUNT; i++) {
		char *b = bk_core_blob(core, (enum bk_blob)i, &len, NULL);
		ok = ok && b && write_file(dir, names[i], b, len);
		free(b);
	}
	char *b = bk_core_alerts_page(core, 0, 500, &len);
	ok = ok && write_file(dir, "alerts.json", b, len);
	free(b);
	b = bk_core_events_page(core, 0, 500, &len);
	ok = ok && write_file(dir, "events.json", b, len);
	free(b);
	bk_core_free(core);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "hash-token") == 0)
		return hash_token(argc, argv);
	if (argc > 1 && strcmp(argv[1], "dump-fixtures") == 0)
		return dump_fixtures(argc, argv);
	struct config c = {.listen = "127.0.0.1:8640", .threads = 2, .timeout = 30,
	                   .wait_max = 60, .retention = 24, .body_max = 64 * 1024};
	/* --config first, so flags override the file */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				usage(stderr);
				return 2;
			}
			if (!load_config(&c, argv[i + 1]))
				return 2;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("cbwalld %s\n", CBWALL_VERSION);
			return 0;
		}
		static const char *const keys[][2] = {{"--listen", "listen"}, {"--db", "db"},
		                                      {"--tokens", "tokens"}, {"--simulate", "simulate"},
		                                      {"--clock", "clock"}, {"--config", NULL}};
		bool known = false;
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			if (strcmp(a, keys[k][0]) != 0)
				continue;
			known = true;
			if (i + 1 >= argc) {
				fprintf(stderr, "cbwalld: %s needs a value\n", a);
				return 2;
			}
			char msg[256];
			if (keys[k][1] && !set_key(&c, keys[k][1], argv[i + 1], msg, sizeof msg)) {
				fprintf(stderr, "cbwalld: %s: %s\n", a, msg);
				return 2;
			}
			i++;
		}
		if (!known) {
			fprintf(stderr, "cbwalld: unknown argument \"%s\"\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!c.db[0])
		default_db(c.db, sizeof c.db);
	int64_t clock_start = 0;
	if (c.clock[0] && !pr_time_parse(c.clock, &clock_start, NULL)) {
		fprintf(stderr, "cbwalld: clock: \"%s\" is not an RFC 3339 time\n", c.clock);
		return 2;
	}

	/* Signals are taken by sigwait in this thread only. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct pr_err err = {{0}};
	struct bk_auth *auth = bk_auth_load(c.tokens[0] ? c.tokens : NULL, &err);
	if (!auth) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		return 1;
	}
	if (!bk_auth_enabled(auth))
		fprintf(stderr, "cbwalld: WARNING: no tokens file (--tokens): anyone may read, "
		                "nobody may ingest, ack or resolve\n");
	struct bk_core_opts o = {.db_path = c.db, .simulate = c.simulate, .seed = c.seed,
	                         .clock_start = clock_start, .threaded = true,
	                         .retention_hours = c.retention};
	struct bk_core *core = bk_core_new(&o, &err);
	if (!core) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		bk_auth_free(auth);
		return 1;
	}
	struct bk_http_opts ho = {.listen = c.listen, .threads = c.threads,
	                          .conn_timeout_s = c.timeout, .wait_max_s = c.wait_max,
	                          .body_max = c.body_max};
	struct bk_http *http = bk_http_start(core, auth, &ho, &err);
	if (!http) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		bk_core_free(core);
		bk_auth_free(auth);
		return 1;
	}
	char host[128];
	snprintf(host, sizeof host, "%s", c.listen);
	*strrchr(host, ':') = '\0';
	fprintf(stderr, "cbwalld %s: listening on http://%s:%u, db %s, %zu tokens, simulator %s\n",
	        CBWALL_VERSION, host, bk_http_port(http), c.db, bk_auth_count(auth),
	        c.simulate ? "on" : "off");
	int sig = 0;
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;
	fprintf(stderr, "cbwalld: signal %d: draining\n", sig);
	bk_http_drain(http, 5000);
	bk_core_stop(core);
	bk_http_drain(http, 1000);
	bk_http_free(http);
	bk_core_free(core);
	bk_auth_free(auth);
	fprintf(stderr, "cbwalld: stopped\n");
	return 0;
}
