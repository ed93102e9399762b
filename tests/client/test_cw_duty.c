/* The duty console's list logic (cw_duty_list.h), the escalation rule and the alarm's silence
 * bookkeeping (cw_alarm.h): pure functions, no SDL, no drawing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cw_alarm.h"
#include "cw_config.h"
#include "cw_duty_list.h"

static const int64_t T0 = 1795415400; /* 2026-11-23 14:30:00 +08:00 */

static struct pr_alert alert(const char *id, int grade, enum pr_alert_status st, int64_t raised,
                             const char *adcode, const char *title)
{
	struct pr_alert a = {0};
	snprintf(a.id, sizeof a.id, "%s", id);
	a.grade = grade;
	a.status = st;
	a.raised_at = raised;
	snprintf(a.adcode, sizeof a.adcode, "%s", adcode);
	snprintf(a.title, sizeof a.title, "%s", title);
	snprintf(a.category, sizeof a.category, "交通");
	return a;
}

/* A small city: the order the console shows them in is 2 1 0 5 4 3 (see each line). */
static struct pr_alert city[6];
static void setup(void)
{
	city[0] = alert("AL1", 3, PR_ALERT_NEW, T0 - 600, "340104", "蜀山区长江西路多车追尾");
	city[1] = alert("AL2", 1, PR_ALERT_ACKED, T0 - 900, "340102", "瑶海区燃气管道泄漏");
	city[2] = alert("AL3", 1, PR_ALERT_NEW, T0 - 60, "340111", "包河区 Metro 1号线故障");
	city[3] = alert("AL4", 2, PR_ALERT_RESOLVED, T0 - 50, "340104", "蜀山区电梯困人");
	city[4] = alert("AL5", 4, PR_ALERT_NEW, T0 - 30, "340102", "瑶海区井盖缺失");
	city[5] = alert("AL6", 4, PR_ALERT_ACKED, T0 - 3000, "340111", "包河区路面塌陷");
}

TestSuite(duty, .init = setup);

static size_t rows_of(const struct cw_duty_filter *f, uint32_t *rows)
{
	return cw_duty_rows(city, 6, f, NULL, rows, CW_DUTY_ROWS_MAX);
}

Test(duty, default_filter_lists_unresolved_by_grade_then_newest)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	uint32_t rows[CW_DUTY_ROWS_MAX];
	size_t n = rows_of(&f, rows);
	cr_assert_eq(n, 5); /* AL4 is resolved */
	const uint32_t want[] = {2, 1, 0, 4, 5};
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(rows[i], want[i], "row %zu: %u, expected %u", i, rows[i], want[i]);
}

Test(duty, status_filters)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	uint32_t rows[CW_DUTY_ROWS_MAX];
	f.status = CW_DUTY_NEW;
	cr_assert_eq(rows_of(&f, rows), 3);
	cr_assert_eq(rows[0], 2);
	f.status = CW_DUTY_ACKED;
	cr_assert_eq(rows_of(&f, rows), 2);
	cr_assert_eq(rows[0], 1);
	cr_assert_eq(rows[1], 5);
	f.status = CW_DUTY_ALL;
	cr_assert_eq(rows_of(&f, rows), 6);
	cr_assert_eq(rows[5], 3, "resolved alerts go last");
	cr_assert_str_eq(cw_duty_status_label(CW_DUTY_ACTIVE), "未处置");
}

Test(duty, grade_district_and_search_filters)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	uint32_t rows[CW_DUTY_ROWS_MAX];
	f.grades = 1u << 0; /* grade 1 only */
	cr_assert_eq(rows_of(&f, rows), 2);
	f.grades = 0xf;
	snprintf(f.adcode, sizeof f.adcode, "340102");
	cr_assert_eq(rows_of(&f, rows), 2);
	cr_assert_eq(rows[0], 1);
	cr_assert_eq(rows[1], 4);
	f.adcode[0] = '\0';
	snprintf(f.search, sizeof f.search, "燃气");
	cr_assert_eq(rows_of(&f, rows), 1);
	cr_assert_eq(rows[0], 1);
	snprintf(f.search, sizeof f.search, "metro"); /* ASCII is case-insensitive */
	cr_assert_eq(rows_of(&f, rows), 1);
	cr_assert_eq(rows[0], 2);
	snprintf(f.search, sizeof f.search, "没有这个");
	cr_assert_eq(rows_of(&f, rows), 0);
	struct pr_alert bad = alert("AL9", 7, PR_ALERT_NEW, T0, "340104", "x");
	f.search[0] = '\0';
	cr_assert_not(cw_duty_match(&bad, &f), "a grade out of range is never listed");
}

Test(duty, max_caps_the_rows)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	f.status = CW_DUTY_ALL;
	uint32_t rows[3];
	cr_assert_eq(cw_duty_rows(city, 6, &f, NULL, rows, 3), 3);
}

Test(duty, selection_follows_the_alert_across_changes)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	uint32_t rows[CW_DUTY_ROWS_MAX];
	size_t n = rows_of(&f, rows);
	cr_assert_eq(cw_duty_find(city, rows, n, "AL1"), 2);
	cr_assert_eq(cw_duty_find(city, rows, n, "nope"), -1);
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL1", 0), 2);
	/* AL1 acked: it stays where it was (acking does not move a row) */
	city[0].status = PR_ALERT_ACKED;
	n = rows_of(&f, rows);
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL1", 2), 2);
	/* with the 未确认 filter it leaves the list: the next row takes its place */
	f.status = CW_DUTY_NEW;
	n = rows_of(&f, rows);
	cr_assert_eq(n, 2);
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL1", 1), 1);
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL1", 7), 1, "clamped to the last row");
	cr_assert_eq(cw_duty_reselect(city, rows, n, "", -1), 0, "nothing selected: the first row");
	cr_assert_eq(cw_duty_reselect(city, rows, 0, "AL1", 3), -1, "no rows: no selection");
}

/* Under 未确认 the officer has AL3 selected; another desk acknowledges it. The row stays, and
 * the selection on it, so the next A answers "already acknowledged by …" instead of
 * acknowledging AL1, which took its place, unseen. Moving away lets it go. */
Test(duty, the_selected_alert_stays_listed_when_it_leaves_the_filter)
{
	struct cw_duty_filter f;
	cw_duty_filter_default(&f);
	f.status = CW_DUTY_NEW;
	uint32_t rows[CW_DUTY_ROWS_MAX];
	size_t n = cw_duty_rows(city, 6, &f, "AL3", rows, CW_DUTY_ROWS_MAX);
	cr_assert_eq(n, 3); /* AL3 AL1 AL5 */
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL3", 0), 0);
	city[2].status = PR_ALERT_ACKED;
	n = cw_duty_rows(city, 6, &f, "AL3", rows, CW_DUTY_ROWS_MAX);
	cr_assert_eq(n, 3, "the acknowledged selection is still listed");
	cr_assert_eq(rows[0], 2, "in its place");
	cr_assert_eq(cw_duty_reselect(city, rows, n, "AL3", 0), 0, "and still selected");
	n = cw_duty_rows(city, 6, &f, "AL1", rows, CW_DUTY_ROWS_MAX);
	cr_assert_eq(n, 2, "once the selection moved on, it goes");
	cr_assert_eq(cw_duty_find(city, rows, n, "AL3"), -1);
	/* a full list: the kept alert takes the last place */
	uint32_t two[2];
	n = cw_duty_rows(city, 6, &f, "AL3", two, 2);
	cr_assert_eq(n, 2);
	cr_assert_eq(cw_duty_find(city, two, n, "AL3"), 0);
	/* an id no longer in the feed keeps nothing */
	n = cw_duty_rows(city, 6, &f, "AL99", rows, CW_DUTY_ROWS_MAX);
	cr_assert_eq(n, 2);
}

Test(duty, move_and_scroll)
{
	cr_assert_eq(cw_duty_move(-1, 1, 0), -1);
	cr_assert_eq(cw_duty_move(-1, 1, 10), 0);
	cr_assert_eq(cw_duty_move(-1, -1, 10), 9);
	cr_assert_eq(cw_duty_move(3, -1, 10), 2);
	cr_assert_eq(cw_duty_move(3, -9, 10), 0);
	cr_assert_eq(cw_duty_move(8, 9, 10), 9);
	/* 100 rows, 10 visible */
	cr_assert_eq(cw_duty_scroll(0, 5, 10, 100), 0, "visible: nothing moves");
	cr_assert_eq(cw_duty_scroll(0, 10, 10, 100), 1, "one below: scroll by one");
	cr_assert_eq(cw_duty_scroll(50, 20, 10, 100), 20, "above: it becomes the first");
	cr_assert_eq(cw_duty_scroll(95, 99, 10, 100), 90, "no empty rows at the bottom");
	cr_assert_eq(cw_duty_scroll(7, -1, 10, 5), 0, "fewer rows than fit");
	cr_assert_eq(cw_duty_scroll(3, 2, 0, 5), 2, "at least one row is visible");
}

Test(duty, row_status_text)
{
	char buf[400];
	cw_alarm_set_escalate_after(300);
	struct pr_alert a = alert("AL1", 3, PR_ALERT_NEW, T0 - 600, "340104", "t");
	cr_assert_eq(cw_duty_row_status(&a, NULL, T0, true, buf, sizeof buf), CW_DUTY_LOOK_NEW);
	cr_assert_str_eq(buf, "未确认");
	a.grade = 2; /* grade 2, ten minutes unacknowledged */
	cr_assert_eq(cw_duty_row_status(&a, NULL, T0, true, buf, sizeof buf), CW_DUTY_LOOK_ESCALATED);
	cr_assert_str_eq(buf, "超时未确认");
	struct cw_ack_view mine = {.alert_id = "AL1", .state = CW_ACK_PENDING};
	cr_assert_eq(cw_duty_row_status(&a, &mine, T0, true, buf, sizeof buf), CW_DUTY_LOOK_PENDING);
	cr_assert_str_eq(buf, "待发送");
	mine.state = CW_ACK_DONE;
	cr_assert_eq(cw_duty_row_status(&a, &mine, T0, true, buf, sizeof buf), CW_DUTY_LOOK_DONE);
	cr_assert_str_eq(buf, "已确认");
	mine.state = CW_ACK_CONFLICT;
	snprintf(mine.text, sizeof mine.text, "已由 王伟 于 2026-11-23 14:31:05 确认");
	a.status = PR_ALERT_ACKED;
	cr_assert_eq(cw_duty_row_status(&a, &mine, T0, false, buf, sizeof buf), CW_DUTY_LOOK_CONFLICT);
	cr_assert_str_eq(buf, "已由 王伟 于 2026-11-23 14:31:05 确认");
	cw_duty_row_status(&a, &mine, T0, true, buf, sizeof buf);
	cr_assert_str_eq(buf, "已由 王伟 于 14:31:05 确认");
	snprintf(a.acked_by, sizeof a.acked_by, "张敏");
	cr_assert_eq(cw_duty_row_status(&a, NULL, T0, true, buf, sizeof buf), CW_DUTY_LOOK_ACKED);
	cr_assert_str_eq(buf, "已确认 · 张敏");
	a.status = PR_ALERT_RESOLVED;
	cr_assert_eq(cw_duty_row_status(&a, &mine, T0, true, buf, sizeof buf), CW_DUTY_LOOK_RESOLVED);
	char tiny[8]; /* cut at a character boundary */
	cw_duty_row_status(&a, NULL, T0, true, tiny, sizeof tiny);
	cr_assert_str_eq(tiny, "已处");
}

Test(duty, escalation_rule)
{
	cw_alarm_set_escalate_after(300);
	struct pr_alert a = alert("AL1", 2, PR_ALERT_NEW, T0 - 299, "340104", "t");
	cr_assert_not(cw_alarm_escalated(&a, T0));
	cr_assert(cw_alarm_escalated(&a, T0 + 1));
	a.grade = 3;
	cr_assert_not(cw_alarm_escalated(&a, T0 + 1000), "grade 3 never escalates");
	a.grade = 1;
	a.status = PR_ALERT_ACKED;
	cr_assert_not(cw_alarm_escalated(&a, T0 + 1000), "an acked alert is calm");
	cw_alarm_set_escalate_after(1);
	cr_assert_eq(cw_alarm_escalate_after(), 10, "clamped to 10 s");
	cw_alarm_set_escalate_after(300);
}

Test(duty, silence_lasts_until_another_alert_escalates)
{
	cw_alarm_set_escalate_after(300);
	struct cw_snapshot *s = cw_snapshot_new();
	struct pr_alert al[3] = {alert("AL1", 1, PR_ALERT_NEW, T0 - 400, "340104", "a"),
	                         alert("AL2", 2, PR_ALERT_NEW, T0 - 100, "340104", "b"),
	                         alert("AL3", 4, PR_ALERT_NEW, T0 - 9000, "340104", "c")};
	s->alerts = al;
	s->alert_count = 3;
	struct cw_alarm_watch w = {0};
	cr_assert(cw_alarm_watch_update(&w, s, T0));
	cr_assert(w.ringing);
	cr_assert_eq(w.escalated, 1);
	cr_assert_str_eq(w.first, "AL1");
	cw_alarm_watch_silence(&w, s, T0);
	cr_assert_not(w.ringing);
	cr_assert_not(cw_alarm_watch_update(&w, s, T0 + 100), "still silent");
	/* AL2 escalates: the alarm sounds again */
	cr_assert(cw_alarm_watch_update(&w, s, T0 + 250));
	cr_assert(w.ringing);
	cr_assert_str_eq(w.first, "AL2");
	/* AL2 acknowledged: back to silent, AL1 stays silenced */
	al[1].status = PR_ALERT_ACKED;
	cw_alarm_watch_update(&w, s, T0 + 260);
	cr_assert_not(w.ringing);
	/* AL1 acked too: forgotten; a re-raise of it later would ring again */
	al[0].status = PR_ALERT_ACKED;
	cw_alarm_watch_update(&w, s, T0 + 270);
	cr_assert_eq(w.silenced_count, 0);
	s->alerts = NULL; /* the array is on the stack */
	s->alert_count = 0;
	cw_snapshot_unref(s);
}

Test(duty, ack_of_takes_the_newest)
{
	struct cw_snapshot *s = cw_snapshot_new();
	struct cw_ack_view v[2] = {{.alert_id = "AL1", .state = CW_ACK_DONE},
	                           {.alert_id = "AL1", .state = CW_ACK_REFUSED}};
	s->acks = v;
	s->ack_count = 2;
	cr_assert_eq(cw_duty_ack_of(s, "AL1"), &v[0]);
	cr_assert_null(cw_duty_ack_of(s, "AL2"));
	s->acks = NULL;
	s->ack_count = 0;
	cw_snapshot_unref(s);
}

Test(duty, config_mode_and_chord)
{
	enum cw_mode m;
	cr_assert(cw_mode_parse("duty", &m));
	cr_assert_eq(m, CW_MODE_DUTY);
	cr_assert_not(cw_mode_parse("Wall", &m));
	struct cw_chord c;
	cr_assert(cw_chord_parse("Ctrl+Alt+Shift+q", &c));
	cr_assert_eq(c.mods, CW_CHORD_CTRL | CW_CHORD_ALT | CW_CHORD_SHIFT);
	cr_assert_str_eq(c.key, "Q");
	cr_assert(cw_chord_parse("super+F12", &c));
	cr_assert_eq(c.mods, CW_CHORD_SUPER);
	cr_assert_str_eq(c.key, "F12");
	cr_assert(cw_chord_parse("Ctrl+Escape", &c));
	cr_assert_not(cw_chord_parse("Q", &c), "no modifier");
	cr_assert_not(cw_chord_parse("Ctrl+Ctrl+Q", &c), "a modifier twice");
	cr_assert_not(cw_chord_parse("Hyper+Q", &c));
	cr_assert_not(cw_chord_parse("Ctrl+F25", &c));
	cr_assert_not(cw_chord_parse("Ctrl+", &c));
	cr_assert_not(cw_chord_parse("Ctrl+Banana", &c));
}

static const char *write_config(const char *text)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/duty-config.%d.json",
	         getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp", (int)getpid());
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(duty, config_keys)
{
	struct cw_config c;
	struct rd_err err;
	cw_config_default(&c);
	cr_assert_eq(c.mode, CW_MODE_NONE);
	cr_assert_eq(c.escalate_after_s, 300);
	cr_assert_eq(c.admin_chord.mods, CW_CHORD_CTRL | CW_CHORD_ALT | CW_CHORD_SHIFT);
	cr_assert(cw_config_load(write_config("{\"mode\":\"wall\",\"admin_chord\":\"Ctrl+Alt+F12\","
	                                      "\"escalate_after_s\":120}"), &c, &err), "%s", err.msg);
	cr_assert_eq(c.mode, CW_MODE_WALL);
	cr_assert_str_eq(c.admin_chord.key, "F12");
	cr_assert_eq(c.escalate_after_s, 120);
	cr_assert_not(cw_config_load(write_config("{\"mode\":\"tv\"}"), &c, &err));
	cr_assert(strstr(err.msg, "mode: \"tv\" is not wall, kiosk or duty"), "%s", err.msg);
	cr_assert_not(cw_config_load(write_config("{\"admin_chord\":\"Q\"}"), &c, &err));
	cr_assert(strstr(err.msg, "admin_chord"), "%s", err.msg);
	cr_assert_not(cw_config_load(write_config("{\"escalate_after_s\":5}"), &c, &err));
	cr_assert(strstr(err.msg, "escalate_after_s"), "%s", err.msg);
}
