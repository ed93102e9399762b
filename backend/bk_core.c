#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "bk_core.h"
#include "bk_sim.h"
#include "pr_district.h"
#include "pr_event.h"
#include "pr_industry.h"
#include "pr_json.h"
#include "pr_metrics.h"

enum { BATCH_MAX = 1024, SRC_BUCKETS = 1 << 16 };

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A seq-ordered view readers page through: every item appears once, at its latest seq.
 * Replacing an item leaves a hole (item NULL, seq kept, so binary search still works);
 * holes are squeezed out when they outnumber the items. */
struct entry {
	int64_t seq;
	void *item;
	size_t slot;
};

struct feed {
	pthread_rwlock_t lock;
	struct entry *e;
	size_t n, cap, live;
	size_t *pos; /* pos[slot] = index + 1, 0 when absent */
	size_t pos_cap;
	_Atomic uint64_t gen;
	_Atomic int64_t last_seq;
	struct json_object *(*to_json)(const void *item, int off);
	const char *key; /* "alerts" or "events" */
};

static struct json_object *alert_json(const void *a, int off)
{
	return pr_alert_to_json(a, off);
}

static struct json_object *event_json(const void *e, int off)
{
	return pr_event_to_json(e, off);
}

static void feed_init(struct feed *f, const char *key,
                      struct json_object *(*to_json)(const void *, int))
{
	memset(f, 0, sizeof *f);
	pthread_rwlock_init(&f->lock, NULL);
	f->to_json = to_json;
	f->key = key;
}

static void feed_finish(struct feed *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->e[i].item);
	free(f->e);
	free(f->pos);
	pthread_rwlock_destroy(&f->lock);
}

static void feed_remove_locked(struct feed *f, size_t slot)
{
	if (slot < f->pos_cap && f->pos[slot]) {
		struct entry *old = &f->e[f->pos[slot] - 1];
		free(old->item);
		old->item = NULL;
		f->pos[slot] = 0;
		f->live--;
	}
}

static void feed_compact_locked(struct feed *f)
{
	size_t w = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (!f->e[i].item)
			continue;
		f->e[w] = f->e[i];
		f->pos[f->e[w].slot] = w + 1;
		w++;
	}
	f->n = w;
}

/* Takes ownership of item (malloc'd). */
static void feed_put(struct feed *f, size_t slot, void *item, int64_t seq)
{
	pthread_rwlock_wrlock(&f->lock);
	if (slot >= f->pos_cap) {
		size_t cap = f->pos_cap ? f->pos_cap : 1024;
		while (cap <= slot)
			cap *= 2;
		f->pos = realloc(f->pos, cap * sizeof *f->pos);
		if (!f->pos)
			abort();
		memset(f->pos + f->pos_cap, 0, (cap - f->pos_cap) * sizeof *f->pos);
		f->pos_cap = cap;
	}
	feed_remove_locked(f, slot);
	if (f->n > 64 && f->n > 2 * f->live)
		feed_compact_locked(f);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 1024;
		f->e = realloc(f->e, f->cap * sizeof *f->e);
		if (!f->e)
			abort();
	}
	f->e[f->n] = (struct entry){seq, item, slot};
	f->pos[slot] = ++f->n;
	f->live++;
	atomic_store(&f->last_seq, seq);
	atomic_fetch_add(&f->gen, 1);
	pthread_rwlock_unlock(&f->lock);
}

static void feed_drop(struct feed *f, size_t slot)
{
	pthread_rwlock_wrlock(&f->lock);
	feed_remove_locked(f, slot);
	atomic_fetch_add(&f->gen, 1);
	pthread_rwlock_unlock(&f->lock);
}

static char *feed_page(struct feed *f, int64_t since, size_t limit, size_t *len)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	pthread_rwlock_rdlock(&f->lock);
	int64_t last = atomic_load(&f->last_seq);
	if (since > last)
		since = 0; /* a cursor from the future (the store was reset): start over */
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->e[mid].seq <= since)
			lo = mid + 1;
		else
			hi = mid;
	}
	int64_t next = since;
	size_t count = 0;
	for (size_t i = lo; i < f->n && count < limit; i++) {
		if (!f->e[i].item)
			continue;
		json_object_array_add(arr, f->to_json(f->e[i].item, BK_TZ_OFFSET_MIN));
		next = f->e[i].seq;
		count++;
	}
	pthread_rwlock_unlock(&f->lock);
	json_object_object_add(root, f->key, arr);
	json_object_object_add(root, "next", json_object_new_int64(next));
	size_t n;
	const char *s = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *out = xstrndup(s, n);
	json_object_put(root);
	*len = n;
	return out;
}

struct blob {
	char *body;
	size_t len;
	_Atomic uint64_t gen;
};

struct srcnode {
	char src[64];
	size_t slot;
	struct srcnode *next;
};

struct live_event {
	int64_t minute;
	int k;
	bool sim;
	struct pr_event e;
};

struct bk_core {
	struct bk_core_opts opts;
	char db_path[1024];
	sqlite3 *db;
	sqlite3_stmt *st_put_alert, *st_get_alert, *st_get_idem, *st_put_idem, *st_put_event,
	        *st_put_blob, *st_put_meta;
	int64_t clock_base_real; /* with clock_start: real time at start */

	/* committer-only working state */
	struct pr_alert **alerts; /* by slot (the number in the id); NULL: not in memory */
	size_t alert_slots, alert_cap;
	struct srcnode *src[SRC_BUCKETS]; /* source_id -> slot of alerts not resolved */
	int64_t alert_seq, event_seq;
	struct live_event **events; /* by slot */
	size_t event_slots, event_cap;
	int64_t sim_minute;      /* the last minute simulated */
	int64_t last_prune;
	int64_t last_counts;
	bool dirty_alerts, dirty_events;

	/* published */
	struct feed alert_feed, event_feed;
	pthread_rwlock_t blob_lock;
	struct blob blobs[BK_BLOB_COUNT];
	_Atomic uint64_t commits, ops_done;
	pthread_mutex_t health_lock;
	struct bk_health health;

	/* queue */
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct bk_op *qhead, *qtail;
	bool stop;
	pthread_t thread;
	bool thread_started;
	void (*notify)(void *);
	void *notify_ctx;
};

static const char *blob_names[BK_BLOB_COUNT] = {"metrics", "districts", "industry"};

int64_t bk_core_now(const struct bk_core *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!c->opts.clock_start)
		return ts.tv_sec;
	if (c->opts.fixed_clock)
		return c->opts.clock_start;
	return c->opts.clock_start + (ts.tv_sec - c->clock_base_real);
}

static bool sql_err(struct bk_core *c, struct pr_err *err, const char *what)
{
	return pr_err_set(err, "%s: %s: %s", c->db_path, what, sqlite3_errmsg(c->db));
}

static bool exec(struct bk_core *c, const char *sql, struct pr_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pr_err_set(err, "%s: %s: %s", c->db_path, sql, msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

static const char schema[] =
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS alerts(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        " seq INTEGER NOT NULL, source_id TEXT, status INTEGER NOT NULL,"
        " resolved_at INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS alerts_open ON alerts(status, resolved_at);"
        "CREATE TABLE IF NOT EXISTS idem(who TEXT NOT NULL, key TEXT NOT NULL,"
        " alert_id TEXT NOT NULL, op INTEGER NOT NULL, status INTEGER NOT NULL,"
        " body TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY(who, key));"
        "CREATE TABLE IF NOT EXISTS events(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        " seq INTEGER NOT NULL, status INTEGER NOT NULL, closed_at INTEGER NOT NULL DEFAULT 0,"
        " body TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, body TEXT NOT NULL);";

static bool prepare(struct bk_core *c, const char *sql, sqlite3_stmt **st, struct pr_err *err)
{
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return sql_err(c, err, sql);
	return true;
}

static size_t id_slot(const char *id)
{
	/* "AL00000042" -> 42; 0 (never a slot) for anything else */
	if (strncmp(id, "AL", 2) != 0 || strlen(id) != 10 || strspn(id + 2, "0123456789") != 8)
		return 0;
	return (size_t)strtoul(id + 2, NULL, 10);
}

static unsigned src_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (SRC_BUCKETS - 1);
}

static size_t src_find(struct bk_core *c, const char *src)
{
	for (struct srcnode *n = c->src[src_hash(src)]; n; n = n->next)
		if (strcmp(n->src, src) == 0)
			return n->slot;
	return 0;
}

static void src_add(struct bk_core *c, const char *src, size_t slot)
{
	if (!src[0])
		return;
	struct srcnode *n = xcalloc(1, sizeof *n);
	snprintf(n->src, sizeof n->src, "%s", src);
	n->slot = slot;
	unsigned h = src_hash(src);
	n->next = c->src[h];
	c->src[h] = n;
}

static void src_del(struct bk_core *c, const char *src, size_t slot)
{
	for (struct srcnode **p = &c->src[src_hash(src)]; *p; p = &(*p)->next) {
		if ((*p)->slot == slot && strcmp((*p)->src, src) == 0) {
			struct srcnode *d = *p;
			*p = d->next;
			free(d);
			return;
		}
	}
}

static void grow(void ***arr, size_t *cap, size_t need)
{
	if (need < *cap)
		return;
	size_t n = *cap ? *cap : 1024;
	while (n <= need)
		n *= 2;
	*arr = realloc(*arr, n * sizeof **arr);
	if (!*arr)
		abort();
	memset(*arr + *cap, 0, (n - *cap) * sizeof **arr);
	*cap = n;
}

static void publish_alert(struct bk_core *c, size_t slot)
{
	struct pr_alert *copy = malloc(sizeof *copy);
	if (!copy)
		abort();
	*copy = *c->alerts[slot];
	feed_put(&c->alert_feed, slot, copy, copy->seq);
}

static void publish_event(struct bk_core *c, size_t slot)
{
	struct pr_event *copy = malloc(sizeof *copy);
	if (!copy)
		abort();
	*copy = c->events[slot]->e;
	feed_put(&c->event_feed, slot, copy, copy->seq);
}

static char *to_string(struct json_object *o, size_t *len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *out = xstrndup(s, n);
	json_object_put(o);
	if (len)
		*len = n;
	return out;
}

static bool load(struct bk_core *c, struct pr_err *err)
{
	sqlite3_stmt *st;
	int64_t now = bk_core_now(c);
	int64_t keep = now - (int64_t)c->opts.retention_hours * 3600;
	/* seqs and counters */
	if (!prepare(c, "SELECT coalesce(max(seq),0), coalesce(max(n),0) FROM alerts", &st, err))
		return false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->alert_seq = sqlite3_column_int64(st, 0);
		c->alert_slots = (size_t)sqlite3_column_int64(st, 1) + 1;
	}
	sqlite3_finalize(st);
	if (!prepare(c, "SELECT coalesce(max(seq),0), coalesce(max(n),0) FROM events", &st, err))
		return false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->event_seq = sqlite3_column_int64(st, 0);
		c->event_slots = (size_t)sqlite3_column_int64(st, 1) + 1;
	}
	sqlite3_finalize(st);
	if (!prepare(c, "SELECT value FROM meta WHERE key='sim_minute'", &st, err))
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		c->sim_minute = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	grow((void ***)&c->alerts, &c->alert_cap, c->alert_slots);
	grow((void ***)&c->events, &c->event_cap, c->event_slots);

	if (!prepare(c, "SELECT n, body FROM alerts WHERE status<>2 OR resolved_at>? ORDER BY seq",
	             &st, err))
		return false;
	sqlite3_bind_int64(st, 1, keep);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t slot = (size_t)sqlite3_column_int64(st, 0);
		struct json_object *o;
		struct pr_alert a;
		const char *body = (const char *)sqlite3_column_text(st, 1);
		if (!pr_json_parse(body, strlen(body), &o, err) ||
		    !pr_alert_from_json(o, "alert", &a, err)) {
			json_object_put(o);
			sqlite3_finalize(st);
			return pr_err_prefix(err, "%s: alert %zu", c->db_path, slot);
		}
		json_object_put(o);
		c->alerts[slot] = malloc(sizeof a);
		if (!c->alerts[slot])
			abort();
		*c->alerts[slot] = a;
		if (a.status != PR_ALERT_RESOLVED)
			src_add(c, a.source_id, slot);
		publish_alert(c, slot);
	}
	sqlite3_finalize(st);

	if (!prepare(c, "SELECT n, body FROM events WHERE status<>4 OR closed_at>? ORDER BY seq",
	             &st, err))
		return false;
	sqlite3_bind_int64(st, 1, keep);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t slot = (size_t)sqlite3_column_int64(st, 0);
		struct json_object *o;
		struct live_event *le = xcalloc(1, sizeof *le);
		const char *body = (const char *)sqlite3_column_text(st, 1);
		if (!pr_json_parse(body, strlen(body), &o, err) ||
		    !pr_event_from_json(o, "event", &le->e, err)) {
			json_object_put(o);
			free(le);
			sqlite3_finalize(st);
			return pr_err_prefix(err, "%s: event %zu", c->db_path, slot);
		}
		json_object_put(o);
		le->sim = bk_sim_event_id_parse(le->e.id, &le->minute, &le->k);
		c->events[slot] = le;
		publish_event(c, slot);
	}
	sqlite3_finalize(st);

	if (!prepare(c, "SELECT name, body FROM blobs", &st, err))
		return false;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		for (int i = 0; i < BK_BLOB_COUNT; i++) {
			if (strcmp(name, blob_names[i]) == 0) {
				c->blobs[i].len = (size_t)sqlite3_column_bytes(st, 1);
				c->blobs[i].body =
				        xstrndup((const char *)sqlite3_column_text(st, 1), c->blobs[i].len);
				c->blobs[i].gen = 1;
			}
		}
	}
	sqlite3_finalize(st);
	return true;
}

static bool open_db(struct bk_core *c, struct pr_err *err)
{
	int rc = sqlite3_open_v2(c->db_path, &c->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK)
		return pr_err_set(err, "%s: %s", c->db_path,
		                  c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
	sqlite3_busy_timeout(c->db, 5000);
	if (!exec(c, "PRAGMA journal_mode=WAL", err) || !exec(c, "PRAGMA synchronous=FULL", err) ||
	    !exec(c, "PRAGMA foreign_keys=ON", err) || !exec(c, schema, err))
		return false;
	return prepare(c,
	               "INSERT OR REPLACE INTO alerts(n,id,seq,source_id,status,resolved_at,body)"
	               " VALUES(?,?,?,?,?,?,?)",
	               &c->st_put_alert, err) &&
	       prepare(c, "SELECT body FROM alerts WHERE n=?", &c->st_get_alert, err) &&
	       prepare(c, "SELECT alert_id, op, status, body FROM idem WHERE who=? AND key=?",
	               &c->st_get_idem, err) &&
	       prepare(c,
	               "INSERT INTO idem(who,key,alert_id,op,status,body,created)"
	               " VALUES(?,?,?,?,?,?,?)",
	               &c->st_put_idem, err) &&
	       prepare(c,
	               "INSERT OR REPLACE INTO events(n,id,seq,status,closed_at,body)"
	               " VALUES(?,?,?,?,?,?)",
	               &c->st_put_event, err) &&
	       prepare(c, "INSERT OR REPLACE INTO blobs(name,body) VALUES(?,?)", &c->st_put_blob,
	               err) &&
	       prepare(c, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)", &c->st_put_meta,
	               err);
}

static bool step_done(struct bk_core *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "cbwalld: %s: %s\n", c->db_path, sqlite3_errmsg(c->db));
		return false;
	}
	return true;
}

static bool store_alert(struct bk_core *c, size_t slot)
{
	const struct pr_alert *a = c->alerts[slot];
	size_t len;
	char *body = to_string(pr_alert_to_json(a, BK_TZ_OFFSET_MIN), &len);
	sqlite3_stmt *st = c->st_put_alert;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)slot);
	sqlite3_bind_text(st, 2, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->seq);
	sqlite3_bind_text(st, 4, a->source_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, (int)a->status);
	sqlite3_bind_int64(st, 6, a->resolved_at);
	sqlite3_bind_text(st, 7, body, (int)len, free);
	c->dirty_alerts = true;
	return step_done(c, st);
}

static bool store_event(struct bk_core *c, size_t slot)
{
	const struct pr_event *e = &c->events[slot]->e;
	size_t len;
	char *body = to_string(pr_event_to_json(e, BK_TZ_OFFSET_MIN), &len);
	sqlite3_stmt *st = c->st_put_event;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)slot);
	sqlite3_bind_text(st, 2, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->seq);
	sqlite3_bind_int(st, 4, (int)e->status);
	sqlite3_bind_int64(st, 5, e->step_at[PR_EVENT_CLOSED]);
	sqlite3_bind_text(st, 6, body, (int)len, free);
	c->dirty_events = true;
	return step_done(c, st);
}

/* Pending changes of one transaction, published after COMMIT. */
struct txn {
	size_t *alert_slots, n_alerts, cap_alerts;
	size_t *event_slots, n_events, cap_events;
	char *blobs[BK_BLOB_COUNT];
	size_t blob_len[BK_BLOB_COUNT];
	/* undo: copies of alerts before the first change in this transaction */
	struct pr_alert **undo;
	bool *undo_new;
};

static void txn_touch(size_t **arr, size_t *n, size_t *cap, size_t slot)
{
	for (size_t i = *n; i-- > 0;)
		if ((*arr)[i] == slot)
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*arr = realloc(*arr, *cap * sizeof **arr);
		if (!*arr)
			abort();
	}
	(*arr)[(*n)++] = slot;
}

static struct pr_alert *alert_at(struct bk_core *c, size_t slot)
{
	return slot && slot < c->alert_slots ? c->alerts[slot] : NULL;
}

static void set_body(struct bk_op *op, int status, struct json_object *o)
{
	op->status = status;
	op->body = to_string(o, &op->body_len);
}

static void set_error(struct bk_op *op, int status, const char *error, const char *reason,
                      const struct pr_alert *a)
{
	struct pr_api_error e = {0};
	snprintf(e.error, sizeof e.error, "%s", error);
	snprintf(e.reason, sizeof e.reason, "%s", reason);
	if (a) {
		e.has_alert = true;
		e.alert = *a;
		snprintf(e.acked_by, sizeof e.acked_by, "%s", a->acked_by);
		e.acked_at = a->acked_at;
	}
	set_body(op, status, pr_api_error_to_json(&e, BK_TZ_OFFSET_MIN));
}

static size_t new_alert(struct bk_core *c, const struct pr_alert_in *in, int64_t now)
{
	size_t slot = c->alert_slots++;
	grow((void ***)&c->alerts, &c->alert_cap, slot + 1);
	struct pr_alert *a = xcalloc(1, sizeof *a);
	snprintf(a->id, sizeof a->id, "AL%08zu", slot);
	a->seq = ++c->alert_seq;
	a->grade = in->grade;
	snprintf(a->category, sizeof a->category, "%s", in->category);
	snprintf(a->title, sizeof a->title, "%s", in->title);
	snprintf(a->adcode, sizeof a->adcode, "%s", in->adcode);
	const struct bk_district_info *d = bk_district_find(in->adcode);
	a->lon = in->has_location ? in->lon : d ? d->lon : 0;
	a->lat = in->has_location ? in->lat : d ? d->lat : 0;
	a->raised_at = in->raised_at ? in->raised_at : now;
	a->status = PR_ALERT_NEW;
	snprintf(a->source_id, sizeof a->source_id, "%s", in->source_id);
	c->alerts[slot] = a;
	src_add(c, a->source_id, slot);
	return slot;
}

/* Brings an alert that left memory (resolved long ago) back from the store. */
static struct pr_alert *fetch_alert(struct bk_core *c, size_t slot)
{
	struct pr_alert *a = alert_at(c, slot);
	if (a || !slot || slot >= c->alert_slots)
		return a;
	sqlite3_stmt *st = c->st_get_alert;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)slot);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 0);
		struct json_object *o;
		struct pr_alert tmp;
		if (pr_json_parse(body, strlen(body), &o, NULL) &&
		    pr_alert_from_json(o, "alert", &tmp, NULL)) {
			a = malloc(sizeof *a);
			if (!a)
				abort();
			*a = tmp;
			c->alerts[slot] = a;
		}
		json_object_put(o);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return a;
}

static bool apply_op(struct bk_core *c, struct txn *t, struct bk_op *op, int64_t now)
{
	if (op->kind == BK_OP_INGEST) {
		size_t slot = src_find(c, op->in.source_id);
		if (slot && c->alerts[slot]) {
			set_body(op, 200, pr_alert_to_json(c->alerts[slot], BK_TZ_OFFSET_MIN));
			return true;
		}
		slot = new_alert(c, &op->in, now);
		txn_touch(&t->alert_slots, &t->n_alerts, &t->cap_alerts, slot);
		if (!store_alert(c, slot))
			return false;
		set_body(op, 201, pr_alert_to_json(c->alerts[slot], BK_TZ_OFFSET_MIN));
		return true;
	}
	/* ack / resolve: a replayed idempotency key answers what it answered first */
	if (op->idem_key[0]) {
		sqlite3_stmt *st = c->st_get_idem;
		sqlite3_bind_text(st, 1, op->who, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, op->idem_key, -1, SQLITE_STATIC);
		bool found = false;
		if (sqlite3_step(st) == SQLITE_ROW) {
			found = true;
			const char *id = (const char *)sqlite3_column_text(st, 0);
			if (strcmp(id, op->alert_id) != 0 || sqlite3_column_int(st, 1) != (int)op->kind) {
				set_error(op, 422, "unprocessable",
				          "Idempotency-Key was already used for another request", NULL);
			} else {
				op->status = sqlite3_column_int(st, 2);
				op->body_len = (size_t)sqlite3_column_bytes(st, 3);
				op->body = xstrndup((const char *)sqlite3_column_text(st, 3), op->body_len);
			}
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (found)
			return true;
	}
	size_t slot = id_slot(op->alert_id);
	struct pr_alert *a = fetch_alert(c, slot);
	if (!a) {
		set_error(op, 404, "not_found", "no such alert", NULL);
		return true;
	}
	char reason[256];
	if (a->status == PR_ALERT_RESOLVED) {
		snprintf(reason, sizeof reason, "alert %s is already resolved", a->id);
		set_error(op, 409, "conflict", reason, a);
	} else if (op->kind == BK_OP_ACK && a->status == PR_ALERT_ACKED) {
		char when[32];
		pr_time_format(a->acked_at, BK_TZ_OFFSET_MIN, when);
		snprintf(reason, sizeof reason, "alert %s was already acknowledged by %s at %s", a->id,
		         a->acked_by, when);
		set_error(op, 409, "conflict", reason, a);
	} else {
		if (!t->undo[slot]) {
			t->undo[slot] = malloc(sizeof *a);
			if (!t->undo[slot])
				abort();
			*t->undo[slot] = *a;
		}
		if (op->kind == BK_OP_ACK) {
			a->status = PR_ALERT_ACKED;
			snprintf(a->acked_by, sizeof a->acked_by, "%s", op->who);
			a->acked_at = now;
			snprintf(a->note, sizeof a->note, "%s", op->ack.note);
		} else {
			a->status = PR_ALERT_RESOLVED;
			snprintf(a->resolved_by, sizeof a->resolved_by, "%s", op->who);
			a->resolved_at = now;
			if (op->ack.note[0])
				snprintf(a->note, sizeof a->note, "%s", op->ack.note);
			src_del(c, a->source_id, slot);
		}
		a->seq = ++c->alert_seq;
		txn_touch(&t->alert_slots, &t->n_alerts, &t->cap_alerts, slot);
		if (!store_alert(c, slot))
			return false;
		set_body(op, 200, pr_alert_to_json(a, BK_TZ_OFFSET_MIN));
	}
	if (op->idem_key[0]) {
		sqlite3_stmt *st = c->st_put_idem;
		sqlite3_bind_text(st, 1, op->who, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, op->idem_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, op->alert_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, (int)op->kind);
		sqlite3_bind_int(st, 5, op->status);
		sqlite3_bind_text(st, 6, op->body, (int)op->body_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, now);
		if (!step_done(c, st))
			return false;
	}
	return true;
}

static void live_counts(struct bk_core *c, struct bk_live *live)
{
	memset(live, 0, sizeof *live);
	for (size_t s = 1; s < c->alert_slots; s++) {
		struct pr_alert *a = c->alerts[s];
		if (!a || a->status == PR_ALERT_RESOLVED)
			continue;
		for (int i = 0; i < BK_DISTRICT_COUNT; i++)
			if (strcmp(bk_districts[i].adcode, a->adcode) == 0)
				live->alerts_active[i]++;
	}
	for (size_t s = 1; s < c->event_slots; s++) {
		struct live_event *le = c->events[s];
		if (!le)
			continue;
		for (int i = 0; i < BK_DISTRICT_COUNT; i++) {
			if (strcmp(bk_districts[i].adcode, le->e.adcode) != 0)
				continue;
			if (le->e.status != PR_EVENT_CLOSED) {
				live->events_open[i]++;
				if (le->e.overdue)
					live->events_overdue[i]++;
			}
		}
	}
}

static bool put_blob(struct bk_core *c, struct txn *t, enum bk_blob which, struct json_object *o)
{
	free(t->blobs[which]);
	t->blobs[which] = to_string(o, &t->blob_len[which]);
	sqlite3_stmt *st = c->st_put_blob;
	sqlite3_bind_text(st, 1, blob_names[which], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->blobs[which], (int)t->blob_len[which], SQLITE_STATIC);
	return step_done(c, st);
}

/* Advances the simulated city to now: new alerts and events minute by minute, events moving
 * through their steps, simulated alerts resolved, then metrics, districts and industry. */
static bool simulate(struct bk_core *c, struct txn *t, int64_t now)
{
	int64_t target = now / 60;
	if (c->sim_minute >= target)
		return true;
	int64_t from = c->sim_minute ? c->sim_minute + 1 : target - c->opts.warmup_minutes;
	if (from < target - 6 * 60)
		from = target - 6 * 60; /* down for long: do not replay more than six hours */
	for (int64_t m = from; m <= target; m++) {
		int64_t tm = m * 60;
		struct pr_alert_in ins[2];
		size_t n = bk_sim_alerts(c->opts.seed, m, ins);
		for (size_t k = 0; k < n; k++) {
			if (src_find(c, ins[k].source_id))
				continue;
			size_t slot = new_alert(c, &ins[k], tm);
			txn_touch(&t->alert_slots, &t->n_alerts, &t->cap_alerts, slot);
			if (!store_alert(c, slot))
				return false;
		}
		int ne = bk_sim_event_count(c->opts.seed, m);
		for (int k = 0; k < ne; k++) {
			size_t slot = c->event_slots++;
			grow((void ***)&c->events, &c->event_cap, slot + 1);
			struct live_event *le = xcalloc(1, sizeof *le);
			le->minute = m;
			le->k = k;
			le->sim = true;
			c->events[slot] = le;
			bk_sim_event(c->opts.seed, m, k, tm + 59, &le->e);
			le->e.seq = ++c->event_seq;
			txn_touch(&t->event_slots, &t->n_events, &t->cap_events, slot);
			if (!store_event(c, slot))
				return false;
		}
		if (m % 5 != 0 && m != target)
			continue;
		/* every five simulated minutes: move events along and resolve simulated alerts */
		for (size_t s = 1; s < c->event_slots; s++) {
			struct live_event *le = c->events[s];
			if (!le || !le->sim || le->e.status == PR_EVENT_CLOSED)
				continue;
			struct pr_event e;
			bk_sim_event(c->opts.seed, le->minute, le->k, tm + 59, &e);
			if (e.status == le->e.status && e.overdue == le->e.overdue)
				continue;
			e.seq = ++c->event_seq;
			le->e = e;
			txn_touch(&t->event_slots, &t->n_events, &t->cap_events, s);
			if (!store_event(c, s))
				return false;
		}
		for (size_t s = 1; s < c->alert_slots; s++) {
			struct pr_alert *a = c->alerts[s];
			if (!a || a->status == PR_ALERT_RESOLVED)
				continue;
			int64_t d = bk_sim_alert_duration(c->opts.seed, a->source_id);
			if (d < 0)
				continue;
			if (a->status == PR_ALERT_NEW)
				d *= 4;
			if (a->raised_at + d * 60 > tm + 59)
				continue;
			if (!t->undo[s]) {
				t->undo[s] = malloc(sizeof *a);
				if (!t->undo[s])
					abort();
				*t->undo[s] = *a;
			}
			a->status = PR_ALERT_RESOLVED;
			a->resolved_at = a->raised_at + d * 60;
			snprintf(a->resolved_by, sizeof a->resolved_by, "模拟处置系统");
			src_del(c, a->source_id, s);
			a->seq = ++c->alert_seq;
			txn_touch(&t->alert_slots, &t->n_alerts, &t->cap_alerts, s);
			if (!store_alert(c, s))
				return false;
		}
	}
	c->sim_minute = target;
	sqlite3_bind_text(c->st_put_meta, 1, "sim_minute", -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->st_put_meta, 2, target);
	if (!step_done(c, c->st_put_meta))
		return false;
	struct bk_live live;
	live_counts(c, &live);
	struct pr_metrics *m = xcalloc(1, sizeof *m);
	struct pr_districts *d = xcalloc(1, sizeof *d);
	struct pr_industry *in = xcalloc(1, sizeof *in);
	bk_sim_metrics(c->opts.seed, now, &live, m);
	bk_sim_districts(c->opts.seed, now, &live, d);
	bk_sim_industry(c->opts.seed, now, in);
	bool ok = put_blob(c, t, BK_BLOB_METRICS, pr_metrics_to_json(m, BK_TZ_OFFSET_MIN)) &&
	          put_blob(c, t, BK_BLOB_DISTRICTS, pr_districts_to_json(d, BK_TZ_OFFSET_MIN)) &&
	          put_blob(c, t, BK_BLOB_INDUSTRY, pr_industry_to_json(in, BK_TZ_OFFSET_MIN));
	free(m);
	free(d);
	free(in);
	return ok;
}

/* Resolved alerts and closed events older than the retention leave memory (not the store). */
static void prune(struct bk_core *c, int64_t now)
{
	int64_t keep = now - (int64_t)c->opts.retention_hours * 3600;
	for (size_t s = 1; s < c->alert_slots; s++) {
		struct pr_alert *a = c->alerts[s];
		if (a && a->status == PR_ALERT_RESOLVED && a->resolved_at < keep) {
			feed_drop(&c->alert_feed, s);
			free(a);
			c->alerts[s] = NULL;
		}
	}
	for (size_t s = 1; s < c->event_slots; s++) {
		struct live_event *le = c->events[s];
		if (le && le->e.status == PR_EVENT_CLOSED && le->e.step_at[PR_EVENT_CLOSED] < keep) {
			feed_drop(&c->event_feed, s);
			free(le);
			c->events[s] = NULL;
		}
	}
}

static void txn_finish(struct txn *t, size_t undo_slots)
{
	free(t->alert_slots);
	free(t->event_slots);
	for (int i = 0; i < BK_BLOB_COUNT; i++)
		free(t->blobs[i]);
	if (t->undo) {
		for (size_t i = 0; i < undo_slots; i++)
			free(t->undo[i]);
		free(t->undo);
	}
}

/* One transaction: the simulator, then every op, then COMMIT and publish. On failure the
 * working state is rolled back to what is on disk and every op answers 503. */
static bool run_batch(struct bk_core *c, struct bk_op *ops, struct pr_err *err)
{
	int64_t now = bk_core_now(c);
	struct txn t = {0};
	size_t slots0 = c->alert_slots, events0 = c->event_slots;
	int64_t aseq0 = c->alert_seq, eseq0 = c->event_seq, sim0 = c->sim_minute;
	/* undo is indexed by slot; new slots get no undo entry (they are dropped on failure) */
	size_t undo_n = slots0 + 1;
	t.undo = xcalloc(undo_n + 4096, sizeof *t.undo);
	undo_n += 4096;
	bool ok = exec(c, "BEGIN IMMEDIATE", err);
	if (ok && c->opts.simulate)
		ok = simulate(c, &t, now);
	size_t nops = 0;
	for (struct bk_op *op = ops; ok && op; op = op->next, nops++) {
		if (op->kind != BK_OP_INGEST && id_slot(op->alert_id) >= undo_n) {
			set_error(op, 404, "not_found", "no such alert", NULL);
			continue;
		}
		ok = apply_op(c, &t, op, now);
	}
	if (ok)
		ok = exec(c, "COMMIT", err);
	else if (err && !err->msg[0])
		sql_err(c, err, "write");
	if (!ok) {
		exec(c, "ROLLBACK", NULL);
		/* undo the working state */
		for (size_t i = 0; i < t.n_alerts; i++) {
			size_t s = t.alert_slots[i];
			if (s >= slots0) {
				if (c->alerts[s])
					src_del(c, c->alerts[s]->source_id, s);
				free(c->alerts[s]);
				c->alerts[s] = NULL;
			} else if (t.undo[s]) {
				struct pr_alert *a = c->alerts[s];
				if (a->status != PR_ALERT_RESOLVED)
					src_del(c, a->source_id, s);
				*a = *t.undo[s];
				if (a->status != PR_ALERT_RESOLVED)
					src_add(c, a->source_id, s);
			}
		}
		for (size_t s = events0; s < c->event_slots; s++) {
			free(c->events[s]);
			c->events[s] = NULL;
		}
		c->alert_slots = slots0;
		c->event_slots = events0;
		c->alert_seq = aseq0;
		c->event_seq = eseq0;
		c->sim_minute = sim0;
		for (struct bk_op *op = ops; op; op = op->next) {
			free(op->body);
			op->body = NULL;
			set_error(op, 503, "unavailable", "the store could not commit; retry", NULL);
		}
		fprintf(stderr, "cbwalld: %s\n", err ? err->msg : "commit failed");
		txn_finish(&t, undo_n);
		return false;
	}
	/* Committed: publish. */
	for (size_t i = 0; i < t.n_alerts; i++)
		publish_alert(c, t.alert_slots[i]);
	for (size_t i = 0; i < t.n_events; i++)
		if (c->events[t.event_slots[i]])
			publish_event(c, t.event_slots[i]);
	pthread_rwlock_wrlock(&c->blob_lock);
	for (int i = 0; i < BK_BLOB_COUNT; i++) {
		if (!t.blobs[i])
			continue;
		free(c->blobs[i].body);
		c->blobs[i].body = t.blobs[i];
		c->blobs[i].len = t.blob_len[i];
		t.blobs[i] = NULL;
		atomic_fetch_add(&c->blobs[i].gen, 1);
	}
	pthread_rwlock_unlock(&c->blob_lock);
	if (now - c->last_prune >= 60) {
		prune(c, now);
		c->last_prune = now;
	}
	atomic_fetch_add(&c->commits, 1);
	atomic_fetch_add(&c->ops_done, nops);
	pthread_mutex_lock(&c->health_lock);
	c->health.alerts_seq = c->alert_seq;
	c->health.events_seq = c->event_seq;
	if (c->alert_slots > 1)
		snprintf(c->health.last_alert_id, sizeof c->health.last_alert_id, "AL%08zu",
		         c->alert_slots - 1);
	/* the counts walk every slot: at most once a second, not once per commit */
	if (now == c->last_counts) {
		pthread_mutex_unlock(&c->health_lock);
		goto counted;
	}
	c->last_counts = now;
	size_t in_mem = 0, active = 0, ev = 0;
	for (size_t s = 1; s < c->alert_slots; s++) {
		if (c->alerts[s]) {
			in_mem++;
			active += c->alerts[s]->status != PR_ALERT_RESOLVED;
		}
	}
	for (size_t s = 1; s < c->event_slots; s++)
		ev += c->events[s] != NULL;
	c->health.alerts_in_memory = in_mem;
	c->health.alerts_active = active;
	c->health.events_in_memory = ev;
	pthread_mutex_unlock(&c->health_lock);
counted:;
	bool changed = t.n_alerts > 0;
	txn_finish(&t, undo_n);
	if (changed && c->notify)
		c->notify(c->notify_ctx);
	return true;
}

static void complete_all(struct bk_op *ops)
{
	while (ops) {
		struct bk_op *next = ops->next;
		ops->next = NULL;
		if (ops->complete)
			ops->complete(ops, ops->ctx);
		ops = next;
	}
}

static void *committer(void *arg)
{
	struct bk_core *c = arg;
	for (;;) {
		pthread_mutex_lock(&c->qlock);
		if (!c->qhead && !c->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&c->qcond, &c->qlock, &ts);
		}
		struct bk_op *ops = c->qhead, *tail = NULL;
		size_t n = 0;
		for (struct bk_op *op = ops; op && n < BATCH_MAX; op = op->next, n++)
			tail = op;
		if (tail) {
			c->qhead = tail->next;
			if (!c->qhead)
				c->qtail = NULL;
			tail->next = NULL;
		}
		bool stop = c->stop && !c->qhead;
		pthread_mutex_unlock(&c->qlock);
		bool due = c->opts.simulate && bk_core_now(c) / 60 > c->sim_minute;
		if (ops || due) {
			struct pr_err err = {{0}};
			run_batch(c, ops, &err);
			complete_all(ops);
		}
		if (stop)
			break;
	}
	return NULL;
}

void bk_core_submit(struct bk_core *c, struct bk_op *op)
{
	op->next = NULL;
	pthread_mutex_lock(&c->qlock);
	if (c->qtail)
		c->qtail->next = op;
	else
		c->qhead = op;
	c->qtail = op;
	pthread_cond_signal(&c->qcond);
	pthread_mutex_unlock(&c->qlock);
}

bool bk_core_run(struct bk_core *c, struct pr_err *err)
{
	pthread_mutex_lock(&c->qlock);
	struct bk_op *ops = c->qhead;
	c->qhead = c->qtail = NULL;
	pthread_mutex_unlock(&c->qlock);
	bool ok = run_batch(c, ops, err);
	complete_all(ops);
	return ok;
}

struct bk_core *bk_core_new(const struct bk_core_opts *opts, struct pr_err *err)
{
	struct bk_core *c = xcalloc(1, sizeof *c);
	c->opts = *opts;
	if (c->opts.retention_hours <= 0)
		c->opts.retention_hours = 24;
	if (c->opts.warmup_minutes <= 0)
		c->opts.warmup_minutes = 120;
	if (c->opts.warmup_minutes > 360)
		c->opts.warmup_minutes = 360;
	snprintf(c->db_path, sizeof c->db_path, "%s", opts->db_path);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->clock_base_real = ts.tv_sec;
	feed_init(&c->alert_feed, "alerts", alert_json);
	feed_init(&c->event_feed, "events", event_json);
	pthread_rwlock_init(&c->blob_lock, NULL);
	pthread_mutex_init(&c->health_lock, NULL);
	pthread_mutex_init(&c->qlock, NULL);
	pthread_cond_init(&c->qcond, NULL);
	c->alert_slots = c->event_slots = 1;
	if (!open_db(c, err) || !load(c, err)) {
		bk_core_free(c);
		return NULL;
	}
	c->last_prune = bk_core_now(c);
	c->health.alerts_seq = c->alert_seq;
	c->health.events_seq = c->event_seq;
	if (c->alert_slots > 1)
		snprintf(c->health.last_alert_id, sizeof c->health.last_alert_id, "AL%08zu",
		         c->alert_slots - 1);
	if (c->opts.simulate && !run_batch(c, NULL, err)) {
		bk_core_free(c);
		return NULL;
	}
	if (opts->threaded) {
		if (pthread_create(&c->thread, NULL, committer, c) != 0) {
			pr_err_set(err, "cannot start the committer thread");
			bk_core_free(c);
			return NULL;
		}
		c->thread_started = true;
	}
	return c;
}

void bk_core_stop(struct bk_core *c)
{
	if (c->thread_started) {
		pthread_mutex_lock(&c->qlock);
		c->stop = true;
		pthread_cond_signal(&c->qcond);
		pthread_mutex_unlock(&c->qlock);
		pthread_join(c->thread, NULL);
		c->thread_started = false;
	}
}

void bk_core_free(struct bk_core *c)
{
	if (!c)
		return;
	bk_core_stop(c);
	sqlite3_stmt *sts[] = {c->st_put_alert, c->st_get_alert, c->st_get_idem, c->st_put_idem,
	                       c->st_put_event, c->st_put_blob, c->st_put_meta};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	if (c->db && sqlite3_close(c->db) != SQLITE_OK)
		fprintf(stderr, "cbwalld: %s: close: %s\n", c->db_path, sqlite3_errmsg(c->db));
	for (size_t s = 0; s < c->alert_slots && c->alerts; s++)
		free(c->alerts[s]);
	free(c->alerts);
	for (size_t s = 0; s < c->event_slots && c->events; s++)
		free(c->events[s]);
	free(c->events);
	for (int i = 0; i < SRC_BUCKETS; i++) {
		while (c->src[i]) {
			struct srcnode *n = c->src[i];
			c->src[i] = n->next;
			free(n);
		}
	}
	for (int i = 0; i < BK_BLOB_COUNT; i++)
		free(c->blobs[i].body);
	feed_finish(&c->alert_feed);
	feed_finish(&c->event_feed);
	pthread_rwlock_destroy(&c->blob_lock);
	pthread_mutex_destroy(&c->health_lock);
	pthread_mutex_destroy(&c->qlock);
	pthread_cond_destroy(&c->qcond);
	free(c);
}

void bk_core_on_alerts(struct bk_core *c, void (*fn)(void *), void *ctx)
{
	c->notify = fn;
	c->notify_ctx = ctx;
}

char *bk_core_alerts_page(struct bk_core *c, int64_t since, size_t limit, size_t *len)
{
	return feed_page(&c->alert_feed, since, limit, len);
}

char *bk_core_events_page(struct bk_core *c, int64_t since, size_t limit, size_t *len)
{
	return feed_page(&c->event_feed, since, limit, len);
}

int64_t bk_core_alerts_seq(struct bk_core *c)
{
	return atomic_load(&c->alert_feed.last_seq);
}

uint64_t bk_core_alerts_gen(struct bk_core *c)
{
	return atomic_load(&c->alert_feed.gen);
}

uint64_t bk_core_events_gen(struct bk_core *c)
{
	return atomic_load(&c->event_feed.gen);
}

char *bk_core_blob(struct bk_core *c, enum bk_blob which, size_t *len, uint64_t *gen)
{
	char *out = NULL;
	pthread_rwlock_rdlock(&c->blob_lock);
	if (c->blobs[which].body) {
		out = xstrndup(c->blobs[which].body, c->blobs[which].len);
		*len = c->blobs[which].len;
	}
	if (gen)
		*gen = atomic_load(&c->blobs[which].gen);
	pthread_rwlock_unlock(&c->blob_lock);
	return out;
}

uint64_t bk_core_blob_gen(struct bk_core *c, enum bk_blob which)
{
	return atomic_load(&c->blobs[which].gen);
}

void bk_core_health(struct bk_core *c, struct bk_health *h)
{
	pthread_mutex_lock(&c->health_lock);
	*h = c->health;
	pthread_mutex_unlock(&c->health_lock);
	h->now = bk_core_now(c);
	h->commits = atomic_load(&c->commits);
	h->ops = atomic_load(&c->ops_done);
	h->simulate = c->opts.simulate;
	h->seed = c->opts.seed;
}
