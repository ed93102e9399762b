/* The ack outbox: rows are durable before anything is sent, answers are judged final or
 * retried as the issue says, and `cbwall ack` delivers exactly once against a real cbwalld:
 * exit 0/75/1, a cbwall killed between writing the outbox and getting an answer, the same ack
 * sent twice. */
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "cw_outbox.h"
#include "feedlib.h"

static char dir[512];

static void setup_unit(void)
{
	test_dir(dir, sizeof dir, "outbox");
}

TestSuite(outbox, .init = setup_unit);

static struct cw_outbox *open_in(const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct rd_err err;
	struct cw_outbox *ob = cw_outbox_open(path, &err);
	cr_assert_not_null(ob, "%s", err.msg);
	return ob;
}

Test(outbox, rows_are_durable_with_fresh_keys_and_per_token)
{
	struct cw_outbox *ob = open_in("sub/dir/a.db");
	struct rd_err err;
	struct cw_ack a, b;
	cr_assert(cw_outbox_add(ob, "AL00000001", "已派人", "tag-officer-1", 100, &a, &err), "%s",
	          err.msg);
	cr_assert(cw_outbox_add(ob, "AL00000001", "", "tag-officer-1", 101, &b, &err));
	cr_assert_eq(strlen(a.key), 32);
	cr_assert_str_neq(a.key, b.key, "every ack gets its own idempotency key");
	cr_assert(cw_outbox_add(ob, "AL00000002", "", "other-token-tag", 102, NULL, &err));
	cr_assert_not(cw_outbox_add(ob, "AL 1; DROP", "", "t", 1, NULL, &err));
	cr_assert(strstr(err.msg, "not an alert id"), "%s", err.msg);
	cr_assert_not(cw_outbox_add(ob, "AL1", "\xff", "t", 1, NULL, &err));
	cw_outbox_close(ob);

	/* reopened (a restart): still there, only this token's rows, oldest first */
	ob = open_in("sub/dir/a.db");
	struct cw_ack rows[8];
	cr_assert_eq(cw_outbox_due(ob, "tag-officer-1", INT64_MAX, rows, 8, &err), 2);
	cr_assert_str_eq(rows[0].key, a.key);
	cr_assert_str_eq(rows[0].note, "已派人");
	cr_assert_eq(rows[0].state, CW_ACK_PENDING);
	cr_assert_eq(cw_outbox_due(ob, "other-token-tag", INT64_MAX, rows, 8, &err), 1);
	cw_outbox_close(ob);

	/* WAL and synchronous=FULL are what the file says */
	char path[700];
	snprintf(path, sizeof path, "%s/sub/dir/a.db", dir);
	sqlite3 *db;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 077, 0, "the outbox is private (mode %o)", sb.st_mode & 0777);
}

Test(outbox, answers_are_judged_as_the_issue_says)
{
	struct cw_ack a = {.attempts = 0};
	cw_ack_judge(&a, 200, "{}", 2, NULL, 1000, 1000, 8000);
	cr_assert_eq(a.state, CW_ACK_DONE);
	const char *conflict =
	    "{\"error\":\"conflict\",\"reason\":\"already acknowledged\",\"acked_by\":\"王伟\","
	    "\"acked_at\":\"2026-11-23T14:31:05+08:00\"}";
	cw_ack_judge(&a, 409, conflict, strlen(conflict), NULL, 1000, 1000, 8000);
	cr_assert_eq(a.state, CW_ACK_CONFLICT);
	cr_assert_str_eq(a.text, "已由 王伟 于 2026-11-23 14:31:05 确认");
	const char *nf = "{\"error\":\"not_found\",\"reason\":\"no such alert\"}";
	cw_ack_judge(&a, 404, nf, strlen(nf), NULL, 1000, 1000, 8000);
	cr_assert_eq(a.state, CW_ACK_REFUSED);
	cr_assert_str_eq(a.text, "HTTP 404: no such alert");
	cw_ack_judge(&a, 403, "garbage", 7, NULL, 1000, 1000, 8000);
	cr_assert_eq(a.state, CW_ACK_REFUSED);
	for (long status = 0; status <= 503; status += 503) {
		for (int attempt = 0; attempt < 8; attempt++) {
			a.attempts = attempt;
			cw_ack_judge(&a, status, "", 0, "Connection refused", 10000, 1000, 8000);
			cr_assert_eq(a.state, CW_ACK_PENDING, "%ld is retried", status);
			int64_t d = a.next_try_at - 10000, cap = 1000LL << (attempt < 3 ? attempt : 3);
			cr_assert(d >= cap / 2 && d <= cap, "attempt %d: delay %lld, expected %lld/2..%lld",
			          attempt, (long long)d, (long long)cap, (long long)cap);
		}
	}
	cr_assert(strstr(a.text, "HTTP 503"), "%s", a.text);
	a.attempts = 0;
	cw_ack_judge(&a, 429, "", 0, NULL, 0, 1000, 8000);
	cr_assert_eq(a.state, CW_ACK_PENDING, "429 is retried");
}

Test(outbox, a_settled_row_is_never_reopened)
{
	struct cw_outbox *ob = open_in("b.db");
	struct rd_err err;
	struct cw_ack a, late;
	cr_assert(cw_outbox_add(ob, "AL00000009", "", "t", 5, &a, &err));
	late = a;
	cw_ack_judge(&a, 200, "{}", 2, NULL, 0, 1000, 1000);
	cr_assert(cw_outbox_record(ob, &a, 6, &err));
	/* another process's late "network error" for the same row changes nothing */
	cw_ack_judge(&late, 0, NULL, 0, "timeout", 0, 1000, 1000);
	cr_assert(cw_outbox_record(ob, &late, 7, &err));
	struct cw_ack got;
	cr_assert(cw_outbox_get(ob, a.id, &got, &err));
	cr_assert_eq(got.state, CW_ACK_DONE);
	cr_assert_eq(got.settled_at, 6);
	cr_assert_eq(cw_outbox_next_due(ob, "t", 0), -1);
	struct cw_ack_view v[4];
	cr_assert_eq(cw_outbox_recent(ob, "t", 0, v, 4, &err), 1);
	cr_assert_str_eq(v[0].alert_id, "AL00000009");
	cw_outbox_close(ob);
}

/* ---- cbwall ack against a real cbwalld ---------------------------------------------- */

static struct backend B;
static char config[700], outbox_path[700];

static void setup_cli(void)
{
	backend_init(&B, "ackcli");
	snprintf(outbox_path, sizeof outbox_path, "%s/state/outbox.db", B.dir);
	snprintf(config, sizeof config, "%s/cbwall.json", B.dir);
	char text[2048];
	snprintf(text, sizeof text,
	         "{\"backend\": \"%s\", \"token_file\": \"officer.txt\", \"outbox\": \"state/outbox.db\","
	         " \"timeout\": 5, \"connect_timeout\": 2}\n",
	         B.url);
	write_text(config, text);
	backend_start(&B);
}

static void teardown_cli(void)
{
	backend_stop(&B, SIGTERM);
	curl_global_cleanup();
}

TestSuite(ack_cli, .init = setup_cli, .fini = teardown_cli, .timeout = 120);

/* Runs cbwall with args (a shell fragment); its exit code, output into out. */
static int cbwall(char *out, size_t n, const char *args)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' %s --config '%s' 2>&1", getenv("CBWALL"), args, config);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	int st = pclose(p);
	fprintf(stderr, "cbwall %s -> %d: %s", args, WEXITSTATUS(st), out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(ack_cli, exit_codes_say_delivered_queued_or_refused)
{
	char id[24], out[4096], args[1024];
	ingest_alert(&B, "cli-1", id);
	snprintf(args, sizeof args, "ack %s --note '已通知属地处置'", id);
	cr_assert_eq(cbwall(out, sizeof out, args), 0);
	cr_assert(strstr(out, "acknowledged"), "%s", out);
	struct pr_alert a;
	cr_assert(backend_alert(&B, id, &a));
	cr_assert_eq(a.status, PR_ALERT_ACKED);
	cr_assert_str_eq(a.acked_by, "张敏");
	cr_assert_str_eq(a.note, "已通知属地处置");

	snprintf(args, sizeof args, "ack %s", id); /* someone (here: we) acked first: 409 is done */
	cr_assert_eq(cbwall(out, sizeof out, args), 0);
	cr_assert(strstr(out, "已由 张敏 于"), "%s", out);

	cr_assert_eq(cbwall(out, sizeof out, "ack AL99999999"), 1);
	cr_assert(strstr(out, "refused: HTTP 404"), "%s", out);

	snprintf(args, sizeof args, "ack %s --token-file '%s'", id, B.viewer_file);
	cr_assert_eq(cbwall(out, sizeof out, args), 1, "a viewer token may not ack");
	cr_assert(strstr(out, "HTTP 403"), "%s", out);

	char id2[24];
	ingest_alert(&B, "cli-2", id2);
	snprintf(args, sizeof args, "ack %s --backend http://127.0.0.1:%d", id2, free_port());
	cr_assert_eq(cbwall(out, sizeof out, args), 75, "nobody there: queued");
	cr_assert(strstr(out, "queued"), "%s", out);
	cr_assert_eq(cbwall(out, sizeof out, "ack --flush"), 0);
	cr_assert(strstr(out, id2) && strstr(out, "acknowledged"), "%s", out);
	cr_assert(backend_alert(&B, id2, &a));
	cr_assert_eq(a.status, PR_ALERT_ACKED);
	cr_assert_eq(cbwall(out, sizeof out, "ack"), 2, "no alert and no --flush is a usage error");
	cr_assert_eq(cbwall(out, sizeof out, "ack --flush"), 0, "nothing pending");
}

/* A server that accepts, reads the request and never answers: cbwall is killed while it
 * waits, after the outbox was written and the request sent. */
static int hole_fd;
static atomic_int hole_requests;
static atomic_bool hole_stop;

static void *hole_main(void *arg)
{
	(void)arg;
	int conns[16], nc = 0;
	while (!atomic_load(&hole_stop)) {
		struct pollfd p = {hole_fd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		int fd = accept(hole_fd, NULL, NULL);
		if (fd < 0)
			continue;
		char buf[4096];
		ssize_t r = recv(fd, buf, sizeof buf - 1, 0);
		if (r > 0)
			buf[r] = '\0';
		if (r > 0 && strstr(buf, "POST /api/v1/alerts/"))
			atomic_fetch_add(&hole_requests, 1);
		if (nc < 16)
			conns[nc++] = fd;
		else
			close(fd);
	}
	for (int i = 0; i < nc; i++)
		close(conns[i]);
	return NULL;
}

Test(ack_cli, cbwall_killed_between_outbox_and_answer_delivers_after_restart)
{
	int hole_port;
	hole_fd = listen_loopback(&hole_port);
	pthread_t t;
	pthread_create(&t, NULL, hole_main, NULL);

	char id[24], backend[64];
	ingest_alert(&B, "killed-1", id);
	snprintf(backend, sizeof backend, "http://127.0.0.1:%d", hole_port);
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		execl(getenv("CBWALL"), "cbwall", "ack", id, "--note", "断电前", "--backend", backend,
		      "--config", config, (char *)NULL);
		_exit(127);
	}
	WAIT_FOR(10000, atomic_load(&hole_requests) > 0);
	cr_assert_gt(atomic_load(&hole_requests), 0, "cbwall sent its ack");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	atomic_store(&hole_stop, true);
	pthread_join(t, NULL);
	close(hole_fd);

	/* the row is on disk, pending */
	struct cw_ack rows[4];
	cr_assert_eq(outbox_pending(outbox_path, B.officer, rows, 4), 1);
	cr_assert_str_eq(rows[0].alert_id, id);
	struct pr_alert a;
	cr_assert(backend_alert(&B, id, &a));
	cr_assert_eq(a.status, PR_ALERT_NEW, "cbwalld never saw it");

	char out[4096];
	cr_assert_eq(cbwall(out, sizeof out, "ack --flush"), 0);
	cr_assert(strstr(out, "acknowledged"), "%s", out);
	cr_assert(backend_alert(&B, id, &a));
	cr_assert_eq(a.status, PR_ALERT_ACKED);
	cr_assert_str_eq(a.note, "断电前");
}

Test(ack_cli, the_same_ack_sent_twice_is_recorded_once)
{
	char id[24], out[4096], args[256];
	ingest_alert(&B, "twice-1", id);
	snprintf(args, sizeof args, "ack %s --note 第一次", id);
	cr_assert_eq(cbwall(out, sizeof out, args), 0);
	struct pr_alert first, again;
	cr_assert(backend_alert(&B, id, &first));
	/* the answer was lost: the row is still pending, as after a crash before recording it */
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(outbox_path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE acks SET state = 0, settled_at = 0", NULL, NULL, NULL),
	             SQLITE_OK);
	sqlite3_close(db);
	cr_assert_eq(cbwall(out, sizeof out, "ack --flush"), 0);
	cr_assert(strstr(out, "acknowledged (已确认)"), "the first answer again, not a 409: %s", out);
	cr_assert(backend_alert(&B, id, &again));
	cr_assert_eq(again.seq, first.seq, "no second change was recorded");
	cr_assert_eq(again.acked_at, first.acked_at);
	cr_assert_str_eq(again.note, "第一次");
}
