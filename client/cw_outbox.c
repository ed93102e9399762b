#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cw_outbox.h"
#include "pr_alert.h"
#include "pr_json.h"

struct cw_outbox {
	sqlite3 *db;
	char path[1024];
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS acks("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " alert_id TEXT NOT NULL,"
    " idem_key TEXT NOT NULL UNIQUE,"
    " note TEXT NOT NULL,"
    " token_tag TEXT NOT NULL,"
    " state INTEGER NOT NULL," /* enum cw_ack_state */
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"  /* Unix s */
    " next_try_at INTEGER NOT NULL," /* Unix ms */
    " settled_at INTEGER NOT NULL DEFAULT 0,"
    " text TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS acks_due ON acks(state, token_tag, next_try_at);"
    /* settled rows are history only: keep 30 days */
    "DELETE FROM acks WHERE state != 0 AND settled_at < strftime('%s','now') - 30*86400;";

static bool db_fail(struct cw_outbox *ob, struct rd_err *err, const char *what)
{
	return rd_err_set(err, "%s: %s: %s", ob->path, what, sqlite3_errmsg(ob->db));
}

/* mkdir -p of the folder of path, mode 0700. */
static bool make_parent(const char *path, struct rd_err *err)
{
	char dir[1024];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return rd_err_set(err, "%s: path too long", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return true;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return rd_err_set(err, "%s: %s", dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return rd_err_set(err, "%s: %s", dir, strerror(errno));
	return true;
}

struct cw_outbox *cw_outbox_open(const char *path, struct rd_err *err)
{
	if (!make_parent(path, err))
		return NULL;
	struct cw_outbox *ob = calloc(1, sizeof *ob);
	if (!ob)
		abort();
	snprintf(ob->path, sizeof ob->path, "%s", path);
	mode_t old = umask(077);
	int rc = sqlite3_open_v2(path, &ob->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	umask(old);
	if (rc != SQLITE_OK || sqlite3_busy_timeout(ob->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(ob->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(ob, err, "cannot open the ack outbox");
		cw_outbox_close(ob);
		return NULL;
	}
	return ob;
}

void cw_outbox_close(struct cw_outbox *ob)
{
	if (!ob)
		return;
	sqlite3_close(ob->db);
	free(ob);
}

void cw_outbox_token_tag(const char *token, char tag[17])
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)token; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	snprintf(tag, 17, "%016llx", (unsigned long long)h);
}

static bool fresh_key(char key[40], struct rd_err *err)
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0 && errno != EINTR)
			return rd_err_set(err, "getrandom: %s", strerror(errno));
		if (n > 0)
			got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(key + 2 * i, 3, "%02x", r[i]);
	return true;
}

static sqlite3_stmt *prepare(struct cw_outbox *ob, const char *sql, struct rd_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK)
		db_fail(ob, err, "prepare");
	return st;
}

static void text_col(sqlite3_stmt *st, int col, char *buf, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(buf, n, "%s", t ? (const char *)t : "");
}

#define ACK_COLUMNS \
	"id, alert_id, idem_key, note, token_tag, state, attempts, created_at, next_try_at, " \
	"settled_at, text"

static void read_row(sqlite3_stmt *st, struct cw_ack *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	text_col(st, 1, a->alert_id, sizeof a->alert_id);
	text_col(st, 2, a->key, sizeof a->key);
	text_col(st, 3, a->note, sizeof a->note);
	text_col(st, 4, a->token_tag, sizeof a->token_tag);
	int state = sqlite3_column_int(st, 5);
	a->state = state >= CW_ACK_PENDING && state <= CW_ACK_REFUSED ? (enum cw_ack_state)state
	                                                               : CW_ACK_PENDING;
	a->attempts = sqlite3_column_int(st, 6);
	a->created_at = sqlite3_column_int64(st, 7);
	a->next_try_at = sqlite3_column_int64(st, 8);
	a->settled_at = sqlite3_column_int64(st, 9);
	text_col(st, 10, a->text, sizeof a->text);
}

bool cw_outbox_add(struct cw_outbox *ob, const char *alert_id, const char *note,
                   const char *token_tag, int64_t now, struct cw_ack *out, struct rd_err *err)
{
	struct cw_ack a = {0};
	if (!alert_id[0] || strlen(alert_id) >= sizeof a.alert_id ||
	    strspn(alert_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
	        strlen(alert_id))
		return rd_err_set(err, "\"%s\" is not an alert id (like AL00000042)", alert_id);
	if (strlen(note) >= sizeof a.note || !pr_utf8_valid(note, strlen(note)))
		return rd_err_set(err, "the note must be valid UTF-8 of at most %zu bytes",
		                  sizeof a.note - 1);
	if (!fresh_key(a.key, err))
		return false;
	sqlite3_stmt *st = prepare(ob,
	                           "INSERT INTO acks(alert_id, idem_key, note, token_tag, state, "
	                           "created_at, next_try_at) VALUES(?,?,?,?,0,?,0)",
	                           err);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, alert_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a.key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, token_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	/* autocommit: with synchronous=FULL the row is on disk when step returns DONE */
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!ok)
		return db_fail(ob, err, "cannot write the ack");
	if (out) {
		snprintf(a.alert_id, sizeof a.alert_id, "%s", alert_id);
		snprintf(a.note, sizeof a.note, "%s", note);
		snprintf(a.token_tag, sizeof a.token_tag, "%s", token_tag);
		a.id = sqlite3_last_insert_rowid(ob->db);
		a.created_at = now;
		*out = a;
	}
	return true;
}

int cw_outbox_due(struct cw_outbox *ob, const char *token_tag, int64_t now_ms, struct cw_ack *out,
                  int max, struct rd_err *err)
{
	sqlite3_stmt *st = prepare(ob,
	                           "SELECT " ACK_COLUMNS " FROM acks WHERE state = 0 AND token_tag = ?"
	                           " AND next_try_at <= ? ORDER BY id LIMIT ?",
	                           err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, token_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int(st, 3, max);
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &out[n++]);
	sqlite3_finalize(st);
	return n;
}

bool cw_outbox_get(struct cw_outbox *ob, int64_t id, struct cw_ack *out, struct rd_err *err)
{
	sqlite3_stmt *st = prepare(ob, "SELECT " ACK_COLUMNS " FROM acks WHERE id = ?", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		read_row(st, out);
	sqlite3_finalize(st);
	return found || rd_err_set(err, "%s: no ack %lld", ob->path, (long long)id);
}

int cw_outbox_recent(struct cw_outbox *ob, const char *token_tag, int64_t since,
                     struct cw_ack_view *out, int max, struct rd_err *err)
{
	sqlite3_stmt *st = prepare(ob,
	                           "SELECT " ACK_COLUMNS " FROM acks WHERE token_tag = ? AND "
	                           "(state = 0 OR settled_at >= ?) ORDER BY id DESC LIMIT ?",
	                           err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, token_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int(st, 3, max);
	int n = 0;
	struct cw_ack a;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		read_row(st, &a);
		out[n] = (struct cw_ack_view){.state = a.state, .created_at = a.created_at};
		snprintf(out[n].alert_id, sizeof out[n].alert_id, "%s", a.alert_id);
		snprintf(out[n].text, sizeof out[n].text, "%s", a.text);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int64_t cw_outbox_next_due(struct cw_outbox *ob, const char *token_tag, int64_t now_ms)
{
	sqlite3_stmt *st = prepare(ob,
	                           "SELECT MIN(next_try_at) FROM acks WHERE state = 0 AND "
	                           "token_tag = ?",
	                           NULL);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, token_tag, -1, SQLITE_STATIC);
	int64_t due = -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		int64_t at = sqlite3_column_int64(st, 0);
		due = at <= now_ms ? 0 : at - now_ms;
	}
	sqlite3_finalize(st);
	return due;
}

int64_t cw_backoff_ms(int attempt, int min_ms, int max_ms)
{
	int64_t d = min_ms > 0 ? min_ms : 1;
	for (int i = 1; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)random();
	return d / 2 + (int64_t)(r % (uint32_t)(d / 2 + 1));
}

void cw_ack_judge(struct cw_ack *a, long status, const char *body, size_t len,
                  const char *neterr, int64_t now_ms, int backoff_min_ms, int backoff_max_ms)
{
	struct pr_api_error e = {0};
	struct json_object *obj = NULL;
	bool parsed = status >= 300 && body && pr_json_parse(body, len, &obj, NULL) &&
	              pr_api_error_from_json(obj, &e, NULL);
	json_object_put(obj);
	const char *reason = parsed && e.reason[0] ? e.reason : "no reason given";
	if (status >= 200 && status < 300) {
		a->state = CW_ACK_DONE;
		snprintf(a->text, sizeof a->text, "已确认");
	} else if (status == 409) {
		a->state = CW_ACK_CONFLICT;
		if (parsed && e.acked_by[0] && e.acked_at) {
			char t[32];
			pr_time_format(e.acked_at, 480, t); /* 2026-11-23T14:31:05+08:00 */
			snprintf(a->text, sizeof a->text, "已由 %s 于 %.10s %.8s 确认", e.acked_by, t, t + 11);
		} else {
			snprintf(a->text, sizeof a->text, "已处置，无需确认: %s", reason);
		}
	} else if (status >= 400 && status < 500 && status != 408 && status != 429) {
		a->state = CW_ACK_REFUSED;
		snprintf(a->text, sizeof a->text, "HTTP %ld: %s", status, reason);
	} else {
		a->state = CW_ACK_PENDING;
		if (status == 0)
			cw_utf8_copy(a->text, sizeof a->text, neterr && *neterr ? neterr : "no answer");
		else
			snprintf(a->text, sizeof a->text, "HTTP %ld: %s", status, reason);
		a->next_try_at = now_ms + cw_backoff_ms(a->attempts + 1, backoff_min_ms, backoff_max_ms);
	}
}

bool cw_outbox_record(struct cw_outbox *ob, const struct cw_ack *a, int64_t now,
                      struct rd_err *err)
{
	/* only a pending row changes: a final answer recorded by another process stays */
	sqlite3_stmt *st = prepare(ob,
	                           "UPDATE acks SET state = ?, text = ?, attempts = attempts + 1, "
	                           "next_try_at = ?, settled_at = ? WHERE id = ? AND state = 0",
	                           err);
	if (!st)
		return false;
	sqlite3_bind_int(st, 1, (int)a->state);
	sqlite3_bind_text(st, 2, a->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->next_try_at);
	sqlite3_bind_int64(st, 4, a->state == CW_ACK_PENDING ? 0 : now);
	sqlite3_bind_int64(st, 5, a->id);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok || db_fail(ob, err, "cannot record the answer");
}
