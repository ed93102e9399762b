#pragma once
/* The duty console's list logic (docs/modes.md): which alerts the console lists under the
 * officer's filter, in what order, which row is selected and which rows are on screen, and
 * what a row's status says. Pure functions on arrays: no SDL, no drawing, any thread; unit
 * tests in tests/client/test_cw_duty.c. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cw_snapshot.h"
#include "pr_alert.h"

enum cw_duty_status {
	CW_DUTY_ACTIVE, /* 未处置: new and acked (default) */
	CW_DUTY_NEW,    /* 未确认 */
	CW_DUTY_ACKED,  /* 已确认, not resolved */
	CW_DUTY_ALL,    /* 全部, resolved ones too (the feed keeps them 24 h) */
	CW_DUTY_STATUS_COUNT
};

enum { CW_DUTY_SEARCH_MAX = 128, CW_DUTY_ROWS_MAX = 4096 };

struct cw_duty_filter {
	unsigned grades;            /* bit g-1 set: grade g shown */
	enum cw_duty_status status;
	char adcode[8];             /* "" every district */
	char search[CW_DUTY_SEARCH_MAX]; /* a part of the title ("" none); ASCII case-insensitive */
};

/* Every grade, status 未处置, every district, no search. */
void cw_duty_filter_default(struct cw_duty_filter *f);
/* "未处置", "未确认", "已确认", "全部". */
const char *cw_duty_status_label(enum cw_duty_status s);
bool cw_duty_match(const struct pr_alert *a, const struct cw_duty_filter *f);
/* The console's order: not resolved before resolved; then grade (1 特别重大 first); then the
 * newest raised first; then id. Acknowledging does not move a row. */
int cw_duty_compare(const struct pr_alert *a, const struct pr_alert *b);
/* Indexes into alerts[0..n) of the rows f lets through, in the console's order; at most max.
 * Alert keep (the selection; NULL or "" for none) stays listed when it no longer matches f:
 * under 未确认, another desk's ack would otherwise take the row from under the officer and the
 * selection to another alert, which the next A would acknowledge. Returns how many. */
size_t cw_duty_rows(const struct pr_alert *alerts, size_t n, const struct cw_duty_filter *f,
                    const char *keep, uint32_t *rows, size_t max);
/* The row showing alert id, or -1. */
int cw_duty_find(const struct pr_alert *alerts, const uint32_t *rows, size_t n, const char *id);
/* The selection after the rows changed: the row of id when it is still listed, else the row
 * that took the place of the old one (prev, clamped), else -1 when there are no rows. */
int cw_duty_reselect(const struct pr_alert *alerts, const uint32_t *rows, size_t n,
                     const char *id, int prev);
/* sel moved by delta rows, clamped to the list (-1 when it is empty; from -1 a move selects
 * the first row). */
int cw_duty_move(int sel, int delta, size_t n);
/* The first row to show so that sel is visible with `visible` rows on screen, changing
 * first as little as possible; never leaves empty rows at the bottom when there are more. */
int cw_duty_scroll(int first, int sel, int visible, size_t n);

/* How a row's status looks. */
enum cw_duty_look {
	CW_DUTY_LOOK_NEW,       /* 未确认 */
	CW_DUTY_LOOK_ESCALATED, /* 超时未确认 (cw_alarm.h) */
	CW_DUTY_LOOK_PENDING,   /* 待发送: our ack is in the outbox, not answered yet */
	CW_DUTY_LOOK_DONE,      /* 已确认: our ack was recorded */
	CW_DUTY_LOOK_CONFLICT,  /* 已由 X 于 T 确认: someone was first */
	CW_DUTY_LOOK_REFUSED,   /* our ack was refused for good, with the reason */
	CW_DUTY_LOOK_ACKED,     /* 已确认 · X: acked by someone, not from this desk */
	CW_DUTY_LOOK_RESOLVED   /* 已处置 */
};
/* Our newest ack of alert id in the snapshot (snap->acks), or NULL. */
const struct cw_ack_view *cw_duty_ack_of(const struct cw_snapshot *snap, const char *id);
/* The status of a row and its text (always NUL-terminated, valid UTF-8). mine: our ack of it
 * (may be NULL). compact: for a list row, "已由 王伟 于 14:31:05 确认" without the date. */
enum cw_duty_look cw_duty_row_status(const struct pr_alert *a, const struct cw_ack_view *mine,
                                     double now, bool compact, char *buf, size_t n);
