/* cbwalld: the companion backend of cbwall. See docs/api.md. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	char tls_cert[1024], tls_key[1024]; /* PEM files; both empty: plain HTTP */
	bool simulate;
	uint64_t seed;
	char clock[48];
	int threads, timeout, request_timeout, wait_max, retention;
	size_t body_max;
	int64_t clock_start;  /* parsed clock, 0 when unset */
	int line_db, line_tokens; /* where the config file set them (check-config), 0: not there */
};

#define CONFIG_DEFAULTS                                                                     \
	{.listen = "127.0.0.1:8640", .threads = 2, .timeout = 30, .request_timeout = 10,     \
	 .wait_max = 60, .retention = 24, .body_max = 64 * 1024}

static void usage(FILE *f)
{
	fputs("usage: cbwalld [--config FILE] [--listen ADDR:PORT] [--db PATH] [--tokens FILE]\n"
	      "               [--simulate SEED] [--clock RFC3339]\n"
	      "       cbwalld hash-token [--stdin] ROLE NAME\n"
	      "                                        print a new token and its tokens-file line\n"
	      "       cbwalld check-config FILE        validate a configuration file\n"
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
	if (strcmp(key, "listen") == 0) {
		struct pr_err err = {{0}};
		if (strlen(val) >= sizeof c->listen || !bk_http_listen_check(val, &err)) {
			snprintf(msg, n, "%s", err.msg[0] ? err.msg : "listen: too long");
			return false;
		}
		snprintf(c->listen, sizeof c->listen, "%s", val);
	} else if ((strcmp(key, "tls_cert") == 0 || strcmp(key, "tls_key") == 0) &&
	           strlen(val) >= sizeof c->tls_cert) {
		snprintf(msg, n, "%s: path too long", key);
		return false;
	} else if (strcmp(key, "tls_cert") == 0) {
		snprintf(c->tls_cert, sizeof c->tls_cert, "%s", val);
	} else if (strcmp(key, "tls_key") == 0) {
		snprintf(c->tls_key, sizeof c->tls_key, "%s", val);
	} else if ((strcmp(key, "db") == 0 || strcmp(key, "tokens") == 0) &&
	           (!*val || strlen(val) >= sizeof c->db)) {
		snprintf(msg, n, "%s: %s", key, *val ? "path too long" : "empty path");
		return false;
	} else if (strcmp(key, "db") == 0) {
		snprintf(c->db, sizeof c->db, "%s", val);
	} else if (strcmp(key, "tokens") == 0) {
		snprintf(c->tokens, sizeof c->tokens, "%s", val);
	} else if (strcmp(key, "clock") == 0) {
		if (strlen(val) >= sizeof c->clock || !pr_time_parse(val, &c->clock_start, NULL)) {
			snprintf(msg, n, "clock: \"%s\" is not an RFC 3339 time", val);
			return false;
		}
		snprintf(c->clock, sizeof c->clock, "%s", val);
	} else if (strcmp(key, "simulate") == 0) {
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
		            {"request_timeout", &c->request_timeout, 1, 3600},
		            {"wait_max", &c->wait_max, 1, 600},
		            {"retention_hours", &c->retention, 1, 24 * 365}};
		for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
			if (strcmp(key, ints[i].k) != 0)
				continue;
			errno = 0;
			long v = strtol(val, &end, 10);
			if (errno || *end || !*val || v < ints[i].min || v > ints[i].max) {
				snprintf(msg, n, "%s: \"%s\" is not an integer %ld..%ld", key, val,
				         ints[i].min, ints[i].max);
				return false;
			}
			*ints[i].p = (int)v;
			return true;
		}
		if (strcmp(key, "body_max") == 0) {
			errno = 0;
			long v = strtol(val, &end, 10);
			if (errno || *end || !*val || v < 1024 || v > (long)PR_BODY_MAX) {
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

/* Reads `key = value` lines into c, printing each error as `PATH:LINE: message` (the message
 * names the key). all: go on after an error and warn of a key set twice (check-config); else
 * stop at the first. Returns the number of errors, 1 when the file cannot be read. */
static int load_config(struct config *c, const char *path, bool all)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	char line[2048], seen[16][24] = {{0}};
	int seen_line[16] = {0};
	int no = 0, errors = 0;
	while (fgets(line, sizeof line, f) && (all || !errors)) {
		no++;
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
			fprintf(stderr, "%s:%d: line longer than %zu bytes\n", path, no, sizeof line - 2);
			errors++;
			int ch;
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			fprintf(stderr, "%s:%d: expected key = value\n", path, no);
			errors++;
			continue;
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
		char msg[512];
		if (!set_key(c, k, v, msg, sizeof msg)) {
			fprintf(stderr, "%s:%d: %s\n", path, no, msg);
			errors++;
			continue;
		}
		if (strcmp(k, "db") == 0)
			c->line_db = no;
		else if (strcmp(k, "tokens") == 0)
			c->line_tokens = no;
		for (size_t i = 0; all && i < 16; i++) {
			if (!seen[i][0]) {
				snprintf(seen[i], sizeof seen[i], "%s", k);
				seen_line[i] = no;
				break;
			}
			if (strcmp(seen[i], k) == 0) {
				fprintf(stderr, "%s:%d: %s: warning: set again (line %d); the last one wins\n",
				        path, no, k, seen_line[i]);
				break;
			}
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		errors++;
	}
	fclose(f);
	return errors;
}

/* Makes the folder of file path and its parents, as `mkdir -p` (errors are left to the open
 * that follows, which names the path). */
static void make_parents(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	mkdir(dir, 0755);
}

/* $XDG_STATE_HOME/cbwall/cbwalld.db (~/.local/state/cbwall/cbwalld.db). */
static void default_db(char *out, size_t n)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (state && *state)
		snprintf(out, n, "%s/cbwall/cbwalld.db", state);
	else
		snprintf(out, n, "%s/.local/state/cbwall/cbwalld.db", home ? home : ".");
}

/* The contents of the PEM file path (a new string, at most 1 MiB), or NULL with msg. */
static char *read_pem(const char *key, const char *path, char *msg, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		pr_fmt(msg, n, "%s: %s: %s", key, path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		abort();
	len = fread(buf, 1, cap, f);
	bool bad = ferror(f) || !feof(f);
	fclose(f);
	buf[len] = '\0';
	if (bad || !strstr(buf, "-----BEGIN ")) {
		pr_fmt(msg, n, "%s: %s: %s", key, path,
		       bad ? "cannot read it, or larger than 1 MiB" : "not a PEM file");
		free(buf);
		return NULL;
	}
	return buf;
}

static int hash_token(int argc, char **argv)
{
	bool from_stdin = argc > 2 && strcmp(argv[2], "--stdin") == 0;
	int at = from_stdin ? 3 : 2;
	if (argc != at + 2 || (strcmp(argv[at], "viewer") && strcmp(argv[at], "officer") &&
	                       strcmp(argv[at], "ingest"))) {
		bool help = argc == 3 && strcmp(argv[2], "--help") == 0;
		fputs("usage: cbwalld hash-token [--stdin] viewer|officer|ingest NAME\n"
		      "Prints a new random token on stdout's first line and the line for the tokens\n"
		      "file on the second. Give the token to the screen or officer; keep only the\n"
		      "line on the server. With --stdin the token is the first line of standard\n"
		      "input (16..512 visible ASCII characters) and only the tokens-file line is\n"
		      "printed.\n",
		      help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *role = argv[at], *name = argv[at + 1];
	size_t nl = strlen(name);
	if (!nl || nl > 63 || strpbrk(name, "\r\n") || name[0] == ' ' || name[nl - 1] == ' ') {
		fputs("cbwalld: hash-token: NAME must be 1..63 bytes on one line, without spaces at "
		      "either end\n",
		      stderr);
		return 2;
	}
	char tok[600], hex[65];
	if (from_stdin) {
		if (!fgets(tok, sizeof tok, stdin)) {
			fputs("cbwalld: hash-token: no token on standard input\n", stderr);
			return 1;
		}
		tok[strcspn(tok, "\r\n")] = '\0';
		size_t tl = strlen(tok);
		bool visible = true;
		for (size_t i = 0; i < tl; i++)
			visible = visible && tok[i] > 0x20 && tok[i] < 0x7f;
		if (tl < 16 || tl > 512 || !visible) {
			fputs("cbwalld: hash-token: the token must be 16..512 visible ASCII characters "
			      "(no spaces)\n",
			      stderr);
			return 1;
		}
	} else {
		struct pr_err err = {{0}};
		if (!bk_auth_new_token(tok, &err)) {
			fprintf(stderr, "cbwalld: %s\n", err.msg);
			return 1;
		}
		printf("%s\n", tok);
	}
	bk_sha256_hex(tok, strlen(tok), hex);
	printf("%s %s %s\n", hex, role, name);
	return 0;
}

/* Whether SQLite can open (or create) the database at path as this user: the file, if it
 * exists, is a regular file that can be read and written, and its folder (where the -wal and
 * -shm files go) exists or can be created, and can be written. */
static bool check_db(const char *path, char *msg, size_t n)
{
	if (strcmp(path, ":memory:") == 0)
		return true;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			pr_fmt(msg, n, "%s is not a regular file", path);
			return false;
		}
		if (access(path, R_OK | W_OK) != 0) {
			pr_fmt(msg, n, "%s: %s", path, strerror(errno));
			return false;
		}
		char head[16] = {0};
		FILE *f = fopen(path, "rb");
		size_t got = f ? fread(head, 1, sizeof head, f) : 0;
		if (f)
			fclose(f);
		if (st.st_size > 0 && (got != sizeof head || memcmp(head, "SQLite format 3", 16) != 0)) {
			pr_fmt(msg, n, "%s is not an SQLite database", path);
			return false;
		}
	} else if (errno != ENOENT) {
		pr_fmt(msg, n, "%s: %s", path, strerror(errno));
		return false;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	/* the nearest folder that exists must be a folder we may write into */
	bool created = false;
	for (;;) {
		if (stat(dir, &st) == 0)
			break;
		if (errno != ENOENT) {
			pr_fmt(msg, n, "%s: %s", dir, strerror(errno));
			return false;
		}
		created = true;
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	if (!S_ISDIR(st.st_mode)) {
		pr_fmt(msg, n, "%s is not a folder", dir);
		return false;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		pr_fmt(msg, n, "%s: cannot %s: %s", dir,
		         created ? "create the database's folder in it" : "create files in it",
		         strerror(errno));
		return false;
	}
	return true;
}

static int check_config(int argc, char **argv)
{
	if (argc != 3 || argv[2][0] == '-') {
		bool help = argc == 3 && strcmp(argv[2], "--help") == 0;
		fputs("usage: cbwalld check-config FILE\n"
		      "Validates a cbwalld configuration file as this user would run it: every key and\n"
		      "value, the listen address, that the database can be opened or created and\n"
		      "that the tokens file can be read and is well-formed. Prints what it resolved\n"
		      "and exits 0, or names file, line and key of every error and exits 1.\n",
		      help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *path = argv[2];
	struct config c = CONFIG_DEFAULTS;
	int errors = load_config(&c, path, true);
	char msg[1024];
	char where_db[1100], where_tok[1100];
	if (c.line_db)
		snprintf(where_db, sizeof where_db, "%s:%d: db", path, c.line_db);
	else
		snprintf(where_db, sizeof where_db, "%s: db (not set, the default)", path);
	snprintf(where_tok, sizeof where_tok, "%s:%d: tokens", path, c.line_tokens);
	if (!c.db[0])
		default_db(c.db, sizeof c.db);
	if (!check_db(c.db, msg, sizeof msg)) {
		fprintf(stderr, "%s: %s\n", where_db, msg);
		errors++;
	}
	size_t tokens = 0, roles[4] = {0};
	if (c.tokens[0]) {
		struct pr_err err = {{0}};
		struct bk_auth *a = bk_auth_load(c.tokens, &err);
		if (!a) {
			fprintf(stderr, "%s: %s\n", where_tok, err.msg);
			errors++;
		} else {
			tokens = bk_auth_count(a);
			bk_auth_roles(a, roles);
			if (!tokens)
				fprintf(stderr, "%s: warning: %s has no tokens: every read but "
				                "/api/v1/health will be refused\n",
				        where_tok, c.tokens);
		}
		bk_auth_free(a);
	}
	if (!c.tls_cert[0] != !c.tls_key[0]) {
		fprintf(stderr, "%s: tls_cert and tls_key: give both or neither\n", path);
		errors++;
	}
	const char *tls_keys[2][2] = {{"tls_cert", c.tls_cert}, {"tls_key", c.tls_key}};
	for (int i = 0; i < 2; i++) {
		if (!tls_keys[i][1][0])
			continue;
		char *pem = read_pem(tls_keys[i][0], tls_keys[i][1], msg, sizeof msg);
		if (!pem) {
			fprintf(stderr, "%s: %s\n", path, msg);
			errors++;
		}
		free(pem);
	}
	if (errors) {
		fprintf(stderr, "%s: %d error%s\n", path, errors, errors == 1 ? "" : "s");
		return 1;
	}
	printf("%s: ok\n", path);
	printf("  listen              %s\n", c.listen);
	printf("  db                  %s%s\n", c.db, c.line_db ? "" : " (default)");
	if (c.tokens[0])
		printf("  tokens              %s: %zu (%zu viewer, %zu officer, %zu ingest)\n",
		       c.tokens, tokens, roles[BK_ROLE_VIEWER], roles[BK_ROLE_OFFICER],
		       roles[BK_ROLE_INGEST]);
	else
		printf("  tokens              none: anyone may read, nobody may write\n");
	if (c.simulate)
		printf("  simulate            seed %llu\n", (unsigned long long)c.seed);
	else
		printf("  simulate            off\n");
	printf("  clock               %s\n", c.clock[0] ? c.clock : "the real clock");
	if (c.tls_cert[0])
		printf("  tls                 https: certificate %s, key %s\n", c.tls_cert, c.tls_key);
	else
		printf("  tls                 off: plain http\n");
	printf("  threads             %d\n  connection_timeout  %d s\n  request_timeout     %d s\n"
	       "  wait_max            %d s\n  body_max            %zu bytes\n"
	       "  retention_hours     %d\n",
	       c.threads, c.timeout, c.request_timeout, c.wait_max, c.body_max, c.retention);
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
	if (argc > 1 && strcmp(argv[1], "check-config") == 0)
		return check_config(argc, argv);
	struct config c = CONFIG_DEFAULTS;
	/* --config first, so flags override the file */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				usage(stderr);
				return 2;
			}
			if (load_config(&c, argv[i + 1], false) != 0)
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
	if (strcmp(c.db, ":memory:") != 0)
		make_parents(c.db);
	int64_t clock_start = c.clock_start;

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
	char *tls_cert = NULL, *tls_key = NULL;
	if (c.tls_cert[0] || c.tls_key[0]) {
		char msg[1200];
		if (!c.tls_cert[0] || !c.tls_key[0]) {
			fprintf(stderr, "cbwalld: tls_cert and tls_key: give both or neither\n");
			bk_core_free(core);
			bk_auth_free(auth);
			return 2;
		}
		if (!(tls_cert = read_pem("tls_cert", c.tls_cert, msg, sizeof msg)) ||
		    !(tls_key = read_pem("tls_key", c.tls_key, msg, sizeof msg))) {
			fprintf(stderr, "cbwalld: %s\n", msg);
			free(tls_cert);
			bk_core_free(core);
			bk_auth_free(auth);
			return 1;
		}
	}
	struct bk_http_opts ho = {.listen = c.listen, .threads = c.threads,
	                          .conn_timeout_s = c.timeout, .request_timeout_s = c.request_timeout,
	                          .wait_max_s = c.wait_max, .body_max = c.body_max,
	                          .tls_cert = tls_cert, .tls_key = tls_key};
	struct bk_http *http = bk_http_start(core, auth, &ho, &err);
	/* libmicrohttpd keeps its own copy; the key leaves this process's heap */
	if (tls_key) {
		explicit_bzero(tls_key, strlen(tls_key));
		free(tls_key);
	}
	free(tls_cert);
	if (!http) {
		fprintf(stderr, "cbwalld: %s\n", err.msg);
		bk_core_free(core);
		bk_auth_free(auth);
		return 1;
	}
	char host[128];
	snprintf(host, sizeof host, "%s", c.listen);
	*strrchr(host, ':') = '\0';
	fprintf(stderr, "cbwalld %s: listening on %s://%s:%u, db %s, %zu tokens, simulator %s\n",
	        CBWALL_VERSION, c.tls_cert[0] ? "https" : "http", host, bk_http_port(http), c.db,
	        bk_auth_count(auth),
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
