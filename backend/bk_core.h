#pragma once
/* The backend's state: the SQLite store (WAL), the in-memory views every read is served from,
 * the committer thread that is the only writer, and the simulator that feeds it.
 *
 * Threads: reads (bk_core_*_page, bk_core_blob, bk_core_health) from any thread, served from
 * memory under a read lock. Writes are bk_op values submitted to the committer, which applies
 * every op waiting in one transaction (group commit, synchronous=FULL), publishes the result
 * to memory only after COMMIT returned, then calls each op's `complete` from its own thread.
 * So an answer of 200 means the change is on disk, and no reader sees a change that is not. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pr_alert.h"
#include "pr_err.h"

struct bk_core;

struct bk_core_opts {
	const char *db_path;    /* SQLite file, or ":memory:" */
	bool simulate;
	uint64_t seed;
	int64_t clock_start;    /* 0: the real clock; else the clock starts here and runs */
	bool fixed_clock;       /* with clock_start: the clock does not run (dump-fixtures) */
	bool threaded;          /* false: no committer thread, call bk_core_run (tools, tests) */
	int retention_hours;    /* resolved alerts and closed events stay in memory this long */
	int warmup_minutes;     /* a new database starts the simulator this long ago (120) */
};

enum bk_op_kind { BK_OP_INGEST, BK_OP_ACK, BK_OP_RESOLVE };

struct bk_op {
	enum bk_op_kind kind;
	char who[64];            /* the name of the token */
	char alert_id[24];
	char idem_key[129];      /* "" when none */
	struct pr_alert_in in;   /* BK_OP_INGEST */
	struct pr_ack_in ack;    /* BK_OP_ACK, BK_OP_RESOLVE */
	/* filled by the committer before complete() */
	int status;              /* HTTP status */
	char *body;              /* malloc'd JSON, owned by the op's submitter */
	size_t body_len;
	void (*complete)(struct bk_op *op, void *ctx); /* committer thread */
	void *ctx;
	struct bk_op *next;      /* queue link, the core's */
};

enum bk_blob { BK_BLOB_METRICS, BK_BLOB_DISTRICTS, BK_BLOB_INDUSTRY, BK_BLOB_COUNT };

struct bk_health {
	int64_t now;
	int64_t alerts_seq, events_seq;
	size_t alerts_in_memory, alerts_active, events_in_memory;
	char last_alert_id[24];
	uint64_t commits, ops;
	bool simulate;
	uint64_t seed;
};

struct bk_core *bk_core_new(const struct bk_core_opts *opts, struct pr_err *err);
/* Completes every queued op and stops the committer (later submits are not run). */
void bk_core_stop(struct bk_core *core);
/* Stops (as bk_core_stop), closes the database. NULL does nothing. */
void bk_core_free(struct bk_core *core);
int64_t bk_core_now(const struct bk_core *core);
/* fn(ctx) is called from the committer after alerts changed (to wake long-polls). */
void bk_core_on_alerts(struct bk_core *core, void (*fn)(void *ctx), void *ctx);
/* Hands op to the committer (threaded) or queues it for bk_core_run. */
void bk_core_submit(struct bk_core *core, struct bk_op *op);
/* Without a thread: runs the simulator up to now and every queued op in one transaction. */
bool bk_core_run(struct bk_core *core, struct pr_err *err);

/* Bodies of GET /alerts and /events: items with seq > since, oldest first, at most limit.
 * A new malloc'd string; *len its length. */
char *bk_core_alerts_page(struct bk_core *core, int64_t since, size_t limit, size_t *len);
char *bk_core_events_page(struct bk_core *core, int64_t since, size_t limit, size_t *len);
int64_t bk_core_alerts_seq(struct bk_core *core);
/* Changes whenever the alert (event) view changes. */
uint64_t bk_core_alerts_gen(struct bk_core *core);
uint64_t bk_core_events_gen(struct bk_core *core);
/* A copy of the stored body (malloc'd), NULL when there is none yet; *gen its generation. */
char *bk_core_blob(struct bk_core *core, enum bk_blob which, size_t *len, uint64_t *gen);
uint64_t bk_core_blob_gen(struct bk_core *core, enum bk_blob which);
void bk_core_health(struct bk_core *core, struct bk_health *h);
