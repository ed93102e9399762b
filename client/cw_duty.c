/* The duty console: the officer's choices, the rows of the latest snapshot, input, acks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_alarm.h"
#include "cw_duty.h"
#include "cw_feed.h"
#include "pr_err.h"

static struct cw_duty *current;

struct cw_duty *cw_duty_new(struct cw_feed *feed, struct cw_alarm *alarm, int utc_offset_min)
{
	struct cw_duty *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	cw_duty_filter_default(&d->filter);
	d->feed = feed;
	d->alarm = alarm;
	d->utc_offset_min = utc_offset_min;
	d->sel = -1;
	d->visible = 10;
	d->stale = true;
	d->generation = 1;
	d->started = -1;
	return d;
}

void cw_duty_free(struct cw_duty *d)
{
	if (!d)
		return;
	if (current == d)
		current = NULL;
	cw_snapshot_unref(d->snap);
	free(d);
}

void cw_duty_attach(struct cw_duty *d)
{
	current = d;
}

struct cw_duty *cw_duty_current(void)
{
	return current;
}

const struct pr_alert *cw_duty_selected(const struct cw_duty *d)
{
	if (!d || !d->snap || d->sel < 0 || (size_t)d->sel >= d->row_count)
		return NULL;
	return &d->snap->alerts[d->rows[d->sel]];
}

static void set_sel(struct cw_duty *d, int sel)
{
	d->sel = sel;
	const struct pr_alert *a = cw_duty_selected(d);
	snprintf(d->selected, sizeof d->selected, "%s", a ? a->id : "");
	d->first = cw_duty_scroll(d->first, d->sel, d->visible, d->row_count);
	d->generation++;
}

static void say(struct cw_duty *d, double now, const char *text)
{
	cw_utf8_copy(d->message, sizeof d->message, text);
	d->message_until = now + 6;
	d->generation++;
}

/* One log line for every change of an ack this desk made since it started. */
static void log_acks(struct cw_duty *d)
{
	for (size_t i = 0; d->snap && i < d->snap->ack_count; i++) {
		const struct cw_ack_view *v = &d->snap->acks[i];
		if (v->created_at < d->started)
			continue;
		int k = 0;
		while (k < d->logged_count && strcmp(d->logged[k].id, v->alert_id) != 0)
			k++;
		if (k < d->logged_count && d->logged[k].state == (int)v->state)
			continue;
		if (k == d->logged_count) {
			if (k == (int)(sizeof d->logged / sizeof d->logged[0])) { /* forget the oldest */
				memmove(&d->logged[0], &d->logged[1], sizeof d->logged[0] * (size_t)(k - 1));
				k--;
			} else {
				d->logged_count++;
			}
			snprintf(d->logged[k].id, sizeof d->logged[k].id, "%s", v->alert_id);
		}
		d->logged[k].state = (int)v->state;
		const char *what = v->state == CW_ACK_PENDING   ? "待发送 (pending)"
		                   : v->state == CW_ACK_DONE    ? "已确认 (done)"
		                   : v->state == CW_ACK_CONFLICT ? "conflict"
		                                                 : "refused";
		fprintf(stderr, "cbwall: duty: %s: %s%s%s\n", v->alert_id, what,
		        v->state == CW_ACK_CONFLICT || v->state == CW_ACK_REFUSED ? ": " : "",
		        v->state == CW_ACK_CONFLICT || v->state == CW_ACK_REFUSED ? v->text : "");
		if (v->state != CW_ACK_PENDING) { /* the answer replaces "等待发送…" */
			char line[400];
			pr_fmt(line, sizeof line, "%s：%s", v->alert_id,
			       v->state == CW_ACK_DONE      ? "已确认"
			       : v->state == CW_ACK_CONFLICT ? v->text
			                                     : "确认被拒绝");
			say(d, d->now, line);
		}
	}
}

void cw_duty_refresh(struct cw_duty *d, struct cw_snapshot *snap, double now)
{
	if (d->started < 0)
		d->started = now - 2;
	d->now = now;
	if (d->message[0] && now >= d->message_until) {
		d->message[0] = '\0';
		d->generation++;
	}
	if (snap == d->snap && !d->stale && (!snap || snap->generation == d->snap_gen))
		return;
	if (snap != d->snap) {
		if (snap)
			cw_snapshot_ref(snap);
		cw_snapshot_unref(d->snap);
		d->snap = snap;
	}
	d->snap_gen = snap ? snap->generation : 0;
	d->stale = false;
	d->row_count = snap ? cw_duty_rows(snap->alerts, snap->alert_count, &d->filter, d->selected,
	                                   d->rows, CW_DUTY_ROWS_MAX)
	                    : 0;
	int sel = snap ? cw_duty_reselect(snap->alerts, d->rows, d->row_count, d->selected, d->sel)
	               : -1;
	set_sel(d, sel);
	if (d->details && sel < 0)
		d->details = false;
	log_acks(d);
}

void cw_duty_ack(struct cw_duty *d, const char *note, double now)
{
	const struct pr_alert *a = cw_duty_selected(d);
	if (!a) {
		say(d, now, "没有选中的预警");
		return;
	}
	if (a->status == PR_ALERT_RESOLVED) {
		say(d, now, "该预警已处置，无需确认");
		return;
	}
	const struct cw_ack_view *mine = cw_duty_ack_of(d->snap, a->id);
	if (mine && (mine->state == CW_ACK_PENDING || mine->state == CW_ACK_DONE)) {
		say(d, now, "本席位已提交过该预警的确认");
		return;
	}
	if (!d->feed) {
		say(d, now, "未连接后端（本地数据），不能确认");
		return;
	}
	struct rd_err err;
	if (!cw_feed_ack(d->feed, a->id, note, &err)) {
		char line[300];
		pr_fmt(line, sizeof line, "确认未保存：%s", err.msg);
		say(d, now, line);
		fprintf(stderr, "cbwall: duty: %s: ack not saved: %s\n", a->id, err.msg);
		return;
	}
	fprintf(stderr, "cbwall: duty: %s: acknowledging%s%s\n", a->id, note[0] ? " with note: " : "",
	        note);
	say(d, now, note[0] ? "已提交确认（含备注），等待发送…" : "已提交确认，等待发送…");
}

/* ---- input ---- */

static void set_filter_changed(struct cw_duty *d)
{
	d->stale = true;
	d->generation++;
}

static void toggle_grade(struct cw_duty *d, int g)
{
	unsigned bit = 1u << (g - 1);
	if (d->filter.grades == 0xf) /* from "all", a grade key shows that grade alone */
		d->filter.grades = bit;
	else
		d->filter.grades ^= bit;
	if (!d->filter.grades)
		d->filter.grades = 0xf;
	set_filter_changed(d);
}

static void cycle_status(struct cw_duty *d)
{
	d->filter.status = (enum cw_duty_status)((d->filter.status + 1) % CW_DUTY_STATUS_COUNT);
	set_filter_changed(d);
}

/* Every district of the feed in turn, then all again. */
static void cycle_district(struct cw_duty *d)
{
	const struct pr_districts *ds = d->snap && d->snap->has_districts ? &d->snap->districts : NULL;
	size_t n = ds ? ds->count : 0, next = 0;
	if (d->filter.adcode[0]) {
		size_t i = 0;
		while (i < n && strcmp(ds->items[i].adcode, d->filter.adcode) != 0)
			i++;
		next = i + 1;
	}
	if (next < n)
		snprintf(d->filter.adcode, sizeof d->filter.adcode, "%s", ds->items[next].adcode);
	else
		d->filter.adcode[0] = '\0';
	set_filter_changed(d);
}

static void open_field(struct cw_duty *d, enum cw_duty_field f, double now)
{
	if (f == CW_DUTY_FIELD_NOTE) {
		const struct pr_alert *a = cw_duty_selected(d);
		if (!a) {
			say(d, now, "没有选中的预警");
			return;
		}
		snprintf(d->note_for, sizeof d->note_for, "%s", a->id);
		d->text[0] = '\0';
	} else {
		snprintf(d->text, sizeof d->text, "%s", d->filter.search);
	}
	d->field = f;
	SDL_StartTextInput();
	d->generation++;
}

static void close_field(struct cw_duty *d)
{
	d->field = CW_DUTY_FIELD_NONE;
	SDL_StopTextInput();
	d->generation++;
}

static void field_changed(struct cw_duty *d)
{
	if (d->field == CW_DUTY_FIELD_SEARCH) { /* the list follows as the officer types */
		cw_utf8_copy(d->filter.search, sizeof d->filter.search, d->text);
		set_filter_changed(d);
	}
	d->generation++;
}

static void field_key(struct cw_duty *d, SDL_Keycode key, double now)
{
	size_t len = strlen(d->text);
	switch (key) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		if (d->field == CW_DUTY_FIELD_NOTE) {
			/* the note is for the alert it was opened on, even if the list moved */
			int i = d->snap ? cw_duty_find(d->snap->alerts, d->rows, d->row_count, d->note_for)
			                : -1;
			if (i >= 0 && i != d->sel)
				set_sel(d, i);
			char note[512];
			snprintf(note, sizeof note, "%s", d->text);
			close_field(d);
			if (i < 0)
				say(d, now, "该预警已不在列表中，未确认");
			else
				cw_duty_ack(d, note, now);
		} else {
			close_field(d);
		}
		break;
	case SDLK_ESCAPE:
		if (d->field == CW_DUTY_FIELD_SEARCH) {
			d->text[0] = '\0';
			field_changed(d);
		}
		close_field(d);
		break;
	case SDLK_BACKSPACE:
		if (len) { /* one UTF-8 character */
			while (len > 0 && ((unsigned char)d->text[len - 1] & 0xc0) == 0x80)
				len--;
			if (len > 0)
				len--;
			d->text[len] = '\0';
			field_changed(d);
		}
		break;
	default:
		break;
	}
}

static void field_text(struct cw_duty *d, const char *in)
{
	size_t len = strlen(d->text), cap = d->field == CW_DUTY_FIELD_SEARCH
	                                        ? sizeof d->filter.search
	                                        : sizeof d->text;
	if (len + strlen(in) >= cap)
		return; /* full: drop the input rather than cut a character */
	memcpy(d->text + len, in, strlen(in) + 1);
	field_changed(d);
}

static void silence(struct cw_duty *d, double now)
{
	const struct cw_alarm_watch *w = cw_alarm_state(d->alarm);
	if (!w || !w->escalated) {
		say(d, now, "当前没有超时未确认的预警");
		return;
	}
	cw_alarm_silence(d->alarm, d->snap, now);
	say(d, now, "警报已静音，直到有新的预警超时");
}

static void press(struct cw_duty *d, enum cw_duty_button b, double now)
{
	switch (b) {
	case CW_DUTY_BTN_ACK:
		if (d->field == CW_DUTY_FIELD_NOTE) /* 确认 with the note typed so far */
			field_key(d, SDLK_RETURN, now);
		else
			cw_duty_ack(d, "", now);
		break;
	case CW_DUTY_BTN_NOTE: open_field(d, CW_DUTY_FIELD_NOTE, now); break;
	case CW_DUTY_BTN_DETAILS:
		d->details = !d->details && cw_duty_selected(d);
		d->generation++;
		break;
	case CW_DUTY_BTN_SEARCH: open_field(d, CW_DUTY_FIELD_SEARCH, now); break;
	case CW_DUTY_BTN_SILENCE: silence(d, now); break;
	case CW_DUTY_BTN_COUNT: break;
	}
}

static bool inside(struct rd_rect r, double x, double y)
{
	return r.w > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static bool click(struct cw_duty *d, double x, double y, int clicks, double now)
{
	for (int b = 0; b < CW_DUTY_BTN_COUNT; b++)
		if (inside(d->buttons[b], x, y)) {
			press(d, (enum cw_duty_button)b, now);
			return true;
		}
	for (int g = 0; g < 4; g++)
		if (inside(d->grade_chips[g], x, y)) {
			toggle_grade(d, g + 1);
			return true;
		}
	if (inside(d->status_chip, x, y)) {
		cycle_status(d);
		return true;
	}
	if (inside(d->district_chip, x, y)) {
		cycle_district(d);
		return true;
	}
	if (inside(d->list_box, x, y) && d->row_h > 0) {
		int row = d->first + (int)((y - d->list_box.y) / d->row_h);
		if (row >= 0 && (size_t)row < d->row_count) {
			set_sel(d, row);
			if (clicks >= 2)
				d->details = true;
		}
		return true;
	}
	return false;
}

static bool command_key(struct cw_duty *d, const SDL_KeyboardEvent *k, double now)
{
	if (k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI))
		return false; /* chords are the window's */
	int page = d->visible > 1 ? d->visible - 1 : 1;
	switch (k->keysym.sym) {
	case SDLK_UP: set_sel(d, cw_duty_move(d->sel, -1, d->row_count)); return true;
	case SDLK_DOWN: set_sel(d, cw_duty_move(d->sel, 1, d->row_count)); return true;
	case SDLK_PAGEUP: set_sel(d, cw_duty_move(d->sel, -page, d->row_count)); return true;
	case SDLK_PAGEDOWN: set_sel(d, cw_duty_move(d->sel, page, d->row_count)); return true;
	case SDLK_HOME: set_sel(d, cw_duty_move(-1, 1, d->row_count)); return true;
	case SDLK_END: set_sel(d, cw_duty_move(-1, -1, d->row_count)); return true;
	case SDLK_RETURN:
	case SDLK_KP_ENTER: press(d, CW_DUTY_BTN_DETAILS, now); return true;
	case SDLK_ESCAPE:
		if (d->details) {
			d->details = false;
			d->generation++;
		} else if (d->filter.search[0]) {
			d->filter.search[0] = '\0';
			set_filter_changed(d);
		}
		return true;
	case SDLK_a: press(d, CW_DUTY_BTN_ACK, now); return true;
	case SDLK_n: press(d, CW_DUTY_BTN_NOTE, now); return true;
	case SDLK_SLASH:
	case SDLK_KP_DIVIDE: press(d, CW_DUTY_BTN_SEARCH, now); return true;
	case SDLK_s: press(d, CW_DUTY_BTN_SILENCE, now); return true;
	case SDLK_f: cycle_status(d); return true;
	case SDLK_d: cycle_district(d); return true;
	case SDLK_0:
		d->filter.grades = 0xf;
		set_filter_changed(d);
		return true;
	case SDLK_1:
	case SDLK_2:
	case SDLK_3:
	case SDLK_4: toggle_grade(d, (int)(k->keysym.sym - SDLK_0)); return true;
	default: return false;
	}
}

bool cw_duty_event(struct cw_duty *d, const SDL_Event *ev, int ox, int oy, double now)
{
	switch (ev->type) {
	case SDL_KEYDOWN:
		if (d->field != CW_DUTY_FIELD_NONE) {
			if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI))
				return false;
			field_key(d, ev->key.keysym.sym, now);
			return true; /* letters are text here, not commands */
		}
		return command_key(d, &ev->key, now);
	case SDL_TEXTINPUT:
		if (d->field == CW_DUTY_FIELD_NONE)
			return false;
		field_text(d, ev->text.text);
		return true;
	case SDL_MOUSEBUTTONDOWN:
		if (ev->button.button != SDL_BUTTON_LEFT)
			return false;
		return click(d, ev->button.x + ox, ev->button.y + oy, ev->button.clicks, now);
	case SDL_MOUSEWHEEL:
		if (ev->wheel.y == 0)
			return false;
		set_sel(d, cw_duty_move(d->sel, ev->wheel.y > 0 ? -3 : 3, d->row_count));
		return true;
	default:
		return false;
	}
}
