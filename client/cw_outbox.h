#pragma once
/* The ack outbox: a local SQLite database (WAL, synchronous=FULL) holding every
 * acknowledgement until cbwalld answered it for good. An ack is committed (fsynced) with a
 * fresh random idempotency key before anyone is told it is pending; it is then sent with that
 * key until the answer is final: 2xx done, 409 done (someone else was first), another 4xx
 * refused for good with the backend's reason; 5xx, 408, 429 and network errors are retried with
 * capped exponential backoff and jitter. Because the key is fixed, sending the same row twice
 * (a lost answer, two processes, a crash after sending) is recorded once by cbwalld.
 *
 * Each row carries a tag of the token it must be sent with (a 64-bit FNV-1a of the token: not
 * the token, and no way back to it), so a wall screen running with a viewer token never sends,
 * and never gets refused, an officer's ack.
 *
 * One handle per thread; several processes may share a file (SQLite locking, busy timeout). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cw_snapshot.h"
#include "rd_err.h"

struct cw_outbox;

struct cw_ack {
	int64_t id;           /* row id */
	char alert_id[24];
	char key[40];         /* Idempotency-Key: 32 hex digits from getrandom */
	char note[512];
	char token_tag[17];
	enum cw_ack_state state;
	int attempts;
	int64_t created_at;   /* Unix s */
	int64_t next_try_at;  /* Unix ms: not before */
	int64_t settled_at;   /* Unix s, 0 while pending */
	char text[320];       /* CW_ACK_CONFLICT: "已由 X 于 T 确认"; REFUSED: reason; PENDING: last error */
};

/* Opens (creating the file and its folder, mode 0700/0600) the outbox at path. */
struct cw_outbox *cw_outbox_open(const char *path, struct rd_err *err);
void cw_outbox_close(struct cw_outbox *ob);
/* "0123abcd..." tag of a token (17 bytes with the NUL). */
void cw_outbox_token_tag(const char *token, char tag[17]);

/* Writes a new pending ack and commits it to disk; out (may be NULL) receives the row. */
bool cw_outbox_add(struct cw_outbox *ob, const char *alert_id, const char *note,
                   const char *token_tag, int64_t now, struct cw_ack *out, struct rd_err *err);
/* Pending rows for token_tag whose next_try_at <= now_ms (all pending ones when now_ms is
 * INT64_MAX), oldest first, at most max. Returns how many, or -1 with err. */
int cw_outbox_due(struct cw_outbox *ob, const char *token_tag, int64_t now_ms, struct cw_ack *out,
                  int max, struct rd_err *err);
/* The row with id, or false. */
bool cw_outbox_get(struct cw_outbox *ob, int64_t id, struct cw_ack *out, struct rd_err *err);
/* Recent rows of token_tag for the screen: pending ones and those settled after since, newest
 * first, at most max. Returns how many, or -1. */
int cw_outbox_recent(struct cw_outbox *ob, const char *token_tag, int64_t since,
                     struct cw_ack_view *out, int max, struct rd_err *err);
/* Ms until the next pending row of token_tag is due (0: now), or -1 when none is pending. */
int64_t cw_outbox_next_due(struct cw_outbox *ob, const char *token_tag, int64_t now_ms);

/* What an answer to POST /alerts/{id}/ack means for the row: a->state, a->text and (when the
 * answer is retried) a->next_try_at are set. status 0 means no answer (network error; text
 * from neterr). Pure: does not touch the database. */
void cw_ack_judge(struct cw_ack *a, long status, const char *body, size_t len,
                  const char *neterr, int64_t now_ms, int backoff_min_ms, int backoff_max_ms);
/* Stores a judged row: its state, text, attempts+1 and next_try_at. */
bool cw_outbox_record(struct cw_outbox *ob, const struct cw_ack *a, int64_t now,
                      struct rd_err *err);
/* Delay before retry number `attempt` (1-based): min * 2^(attempt-1), capped at max, then a
 * uniformly random value in [d/2, d] ("equal jitter"). */
int64_t cw_backoff_ms(int attempt, int min_ms, int max_ms);
