#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_alarm.h"
#include "cw_duty_list.h"

void cw_duty_filter_default(struct cw_duty_filter *f)
{
	memset(f, 0, sizeof *f);
	f->grades = 0xf;
	f->status = CW_DUTY_ACTIVE;
}

const char *cw_duty_status_label(enum cw_duty_status s)
{
	switch (s) {
	case CW_DUTY_ACTIVE: return "未处置";
	case CW_DUTY_NEW: return "未确认";
	case CW_DUTY_ACKED: return "已确认";
	case CW_DUTY_ALL: return "全部";
	case CW_DUTY_STATUS_COUNT: break;
	}
	return "?";
}

/* needle in hay, ASCII letters case-insensitive, other bytes (UTF-8 Chinese) exact. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return true;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i]) {
			unsigned char a = (unsigned char)hay[i], b = (unsigned char)needle[i];
			if (a >= 'A' && a <= 'Z')
				a = (unsigned char)(a + 32);
			if (b >= 'A' && b <= 'Z')
				b = (unsigned char)(b + 32);
			if (a != b)
				break;
			i++;
		}
		if (i == n)
			return true;
	}
	return false;
}

bool cw_duty_match(const struct pr_alert *a, const struct cw_duty_filter *f)
{
	if (a->grade < PR_GRADE_MIN || a->grade > PR_GRADE_MAX || !(f->grades & (1u << (a->grade - 1))))
		return false;
	switch (f->status) {
	case CW_DUTY_ACTIVE:
		if (a->status == PR_ALERT_RESOLVED)
			return false;
		break;
	case CW_DUTY_NEW:
		if (a->status != PR_ALERT_NEW)
			return false;
		break;
	case CW_DUTY_ACKED:
		if (a->status != PR_ALERT_ACKED)
			return false;
		break;
	case CW_DUTY_ALL:
	case CW_DUTY_STATUS_COUNT:
		break;
	}
	if (f->adcode[0] && strcmp(a->adcode, f->adcode) != 0)
		return false;
	return contains(a->title, f->search);
}

int cw_duty_compare(const struct pr_alert *a, const struct pr_alert *b)
{
	bool ra = a->status == PR_ALERT_RESOLVED, rb = b->status == PR_ALERT_RESOLVED;
	if (ra != rb)
		return ra ? 1 : -1;
	if (a->grade != b->grade)
		return a->grade < b->grade ? -1 : 1;
	if (a->raised_at != b->raised_at)
		return a->raised_at > b->raised_at ? -1 : 1;
	return strcmp(a->id, b->id);
}

static const struct pr_alert *sort_base;

static int by_order(const void *x, const void *y)
{
	return cw_duty_compare(&sort_base[*(const uint32_t *)x], &sort_base[*(const uint32_t *)y]);
}

size_t cw_duty_rows(const struct pr_alert *alerts, size_t n, const struct cw_duty_filter *f,
                    const char *keep, uint32_t *rows, size_t max)
{
	size_t k = 0, keep_at = SIZE_MAX;
	for (size_t i = 0; i < n && i <= UINT32_MAX; i++) {
		bool match = cw_duty_match(&alerts[i], f);
		if (keep && *keep && strcmp(alerts[i].id, keep) == 0)
			keep_at = match && k < max ? SIZE_MAX : i; /* listed anyway, or to add */
		if (match && k < max)
			rows[k++] = (uint32_t)i;
	}
	if (keep_at != SIZE_MAX && max > 0) /* in the last place when the list is full */
		rows[k < max ? k++ : k - 1] = (uint32_t)keep_at;
	/* qsort has no context argument in C11; the console is used by the render thread only,
	 * and the unit tests call this from one thread */
	sort_base = alerts;
	qsort(rows, k, sizeof *rows, by_order);
	sort_base = NULL;
	return k;
}

int cw_duty_find(const struct pr_alert *alerts, const uint32_t *rows, size_t n, const char *id)
{
	if (!id || !*id)
		return -1;
	for (size_t i = 0; i < n && i < (size_t)INT32_MAX; i++)
		if (strcmp(alerts[rows[i]].id, id) == 0)
			return (int)i;
	return -1;
}

int cw_duty_reselect(const struct pr_alert *alerts, const uint32_t *rows, size_t n,
                     const char *id, int prev)
{
	if (n == 0)
		return -1;
	int i = cw_duty_find(alerts, rows, n, id);
	if (i >= 0)
		return i;
	if (prev < 0)
		return 0;
	return prev < (int)n ? prev : (int)n - 1;
}

int cw_duty_move(int sel, int delta, size_t n)
{
	if (n == 0)
		return -1;
	if (sel < 0)
		return delta < 0 ? (int)n - 1 : 0;
	long v = (long)sel + delta;
	if (v < 0)
		v = 0;
	if (v >= (long)n)
		v = (long)n - 1;
	return (int)v;
}

int cw_duty_scroll(int first, int sel, int visible, size_t n)
{
	if (visible < 1)
		visible = 1;
	if (sel >= 0) {
		if (sel < first)
			first = sel;
		else if (sel >= first + visible)
			first = sel - visible + 1;
	}
	if (first > (int)n - visible)
		first = (int)n - visible;
	return first < 0 ? 0 : first;
}

const struct cw_ack_view *cw_duty_ack_of(const struct cw_snapshot *snap, const char *id)
{
	for (size_t i = 0; snap && i < snap->ack_count; i++) /* newest first */
		if (strcmp(snap->acks[i].alert_id, id) == 0)
			return &snap->acks[i];
	return NULL;
}

/* Removes "YYYY-MM-DD " after " 于 " in place. */
static void drop_date(char *s)
{
	char *at = strstr(s, " 于 ");
	if (!at)
		return;
	char *d = at + strlen(" 于 ");
	for (int i = 0; i < 10; i++)
		if (!d[i] || (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9')))
			return;
	if (d[10] == ' ')
		memmove(d, d + 11, strlen(d + 11) + 1);
}

enum cw_duty_look cw_duty_row_status(const struct pr_alert *a, const struct cw_ack_view *mine,
                                     double now, bool compact, char *buf, size_t n)
{
	char tmp[400];
	enum cw_duty_look look;
	if (a->status == PR_ALERT_RESOLVED) {
		snprintf(tmp, sizeof tmp, "已处置");
		look = CW_DUTY_LOOK_RESOLVED;
	} else if (mine && mine->state == CW_ACK_PENDING) {
		snprintf(tmp, sizeof tmp, "待发送");
		look = CW_DUTY_LOOK_PENDING;
	} else if (mine && mine->state == CW_ACK_CONFLICT) {
		snprintf(tmp, sizeof tmp, "%s", mine->text[0] ? mine->text : "已由他人确认");
		if (compact) /* "已由 王伟 于 2026-11-23 14:31:05 确认" -> "已由 王伟 于 14:31:05 确认" */
			drop_date(tmp);
		look = CW_DUTY_LOOK_CONFLICT;
	} else if (mine && mine->state == CW_ACK_REFUSED && a->status == PR_ALERT_NEW) {
		snprintf(tmp, sizeof tmp, "确认被拒绝：%s", mine->text);
		look = CW_DUTY_LOOK_REFUSED;
	} else if (mine && mine->state == CW_ACK_DONE) {
		snprintf(tmp, sizeof tmp, "已确认");
		look = CW_DUTY_LOOK_DONE;
	} else if (a->status == PR_ALERT_ACKED) {
		snprintf(tmp, sizeof tmp, "已确认 · %s", a->acked_by[0] ? a->acked_by : "他人");
		look = CW_DUTY_LOOK_ACKED;
	} else if (cw_alarm_escalated(a, now)) {
		snprintf(tmp, sizeof tmp, "超时未确认");
		look = CW_DUTY_LOOK_ESCALATED;
	} else {
		snprintf(tmp, sizeof tmp, "未确认");
		look = CW_DUTY_LOOK_NEW;
	}
	cw_utf8_copy(buf, n, tmp);
	return look;
}
