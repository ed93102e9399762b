/* The scene's "duty" panels (docs/scenes.md, docs/modes.md): "bind": "console" (or none) is
 * the duty officer's alert console, "bind": "map" a map of the jurisdiction (its "layers" as
 * a map panel's) that shows the console's alerts and flies to the selected one.
 *
 * Both read the console the window attached (cw_duty_current). When none is attached (a
 * headless `cbwall snapshot --scene duty`), the console panel makes one with the default
 * filter and owns it. Sizes: list text is 1.5 times the theme's body size, so a row reads
 * from a desk at 1920x1080 and 2560x1440 alike. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_alarm.h"
#include "cw_duty.h"
#include "cw_panel.h"
#include "cw_paths.h"
#include "ly_map.h"
#include "pr_err.h"
#include "rd_draw.h"
#include "rd_text.h"
#include "rd_widgets.h"

static const double flight_s = 0.8;  /* the map's flight to a newly selected alert */
static const double focus_zoom = 2.2; /* how much closer than the whole jurisdiction */
enum { FLIGHT_FPS = 30 };

struct map_part {
	struct ly_map *map;
	int layer[CW_PANEL_LAYERS_MAX];
	int w, h;                /* the size the home view was fitted to */
	struct ly_view home;     /* the whole jurisdiction */
	struct ly_view from, to, shown;
	double flight_start;     /* -1: not flying */
	char target[24];         /* the alert flown to, "" home */
	bool aimed;              /* the first aim jumps: a new picture does not start mid-flight */
};

struct duty_state {
	bool is_map;
	struct cw_duty *own;     /* the console made for a headless frame, or NULL */
	struct map_part m;
};

static bool is_map_def(const struct cw_panel_def *def)
{
	return def && strcmp(def->bind, "map") == 0;
}

/* ---- shared ---- */

static double list_px(const struct cw_panel_ctx *c)
{
	return round(rd_theme_px(c->theme, RD_SIZE_BODY, c->scale_h) * 1.5);
}

static const char *district_name(const struct cw_snapshot *snap, const char *adcode)
{
	const struct pr_district *d =
	    snap && snap->has_districts ? pr_districts_find(&snap->districts, adcode) : NULL;
	return d ? d->name : adcode;
}

/* "14:31:05" today, "11-22 14:31" on another day (local time). */
static void format_time(int64_t t, double now, int utc_offset_min, char *buf, size_t n)
{
	time_t a = (time_t)(t + (int64_t)utc_offset_min * 60);
	time_t b = (time_t)((int64_t)now + (int64_t)utc_offset_min * 60);
	struct tm ta, tb;
	gmtime_r(&a, &ta);
	gmtime_r(&b, &tb);
	if (ta.tm_yday == tb.tm_yday && ta.tm_year == tb.tm_year)
		pr_fmt(buf, n, "%02d:%02d:%02d", ta.tm_hour, ta.tm_min, ta.tm_sec);
	else
		pr_fmt(buf, n, "%02d-%02d %02d:%02d", ta.tm_mon + 1, ta.tm_mday, ta.tm_hour, ta.tm_min);
}

static struct rd_color grade_color(const struct rd_theme *th, int grade)
{
	return th->grade[grade >= 1 && grade <= 4 ? grade - 1 : 3];
}

/* ---- the console ---- */

static struct rd_color look_color(const struct rd_theme *th, enum cw_duty_look look)
{
	switch (look) {
	case CW_DUTY_LOOK_NEW: return th->colors[RD_BAD];
	case CW_DUTY_LOOK_ESCALATED: return th->colors[RD_TITLE];
	case CW_DUTY_LOOK_PENDING: return th->grade[2];
	case CW_DUTY_LOOK_DONE: return th->colors[RD_GOOD];
	case CW_DUTY_LOOK_CONFLICT: return th->grade[1];
	case CW_DUTY_LOOK_REFUSED: return th->colors[RD_BAD];
	case CW_DUTY_LOOK_ACKED: return rd_color_mix(th->colors[RD_GOOD], th->colors[RD_TEXT_DIM], 0.4);
	case CW_DUTY_LOOK_RESOLVED: return th->colors[RD_TEXT_DIM];
	}
	return th->colors[RD_TEXT];
}

static struct cw_duty *console_of(struct cw_panel *p)
{
	struct duty_state *s = p->state;
	return s->own ? s->own : cw_duty_current();
}

static void sync(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct cw_duty *d = console_of(p);
	/* a reference is taken: the snapshot's reference count is the one part that changes */
	if (d)
		cw_duty_refresh(d, (struct cw_snapshot *)c->snap, c->now);
}

static int escalated_rows(const struct cw_duty *d, double now)
{
	int n = 0;
	for (size_t i = 0; d->snap && i < d->row_count; i++)
		n += cw_alarm_escalated(&d->snap->alerts[d->rows[i]], now);
	return n;
}

static uint64_t console_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	sync(p, c);
	struct cw_duty *d = console_of(p);
	if (!d)
		return 1;
	const struct cw_alarm_watch *w = cw_alarm_state(d->alarm);
	struct {
		uint64_t gen, snap_gen;
		int escalated, ringing, silenced;
		bool stale;
	} k = {d->generation, d->snap_gen, escalated_rows(d, c->now), w && w->ringing,
	       w ? w->silenced_count : 0,
	       c->snap && cw_snapshot_stale(c->snap, CW_SRC_ALERTS, (int64_t)c->now)};
	return cw_hash(cw_hash_str(CW_HASH_INIT, "duty"), &k, sizeof k);
}

static double console_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct cw_duty *d = console_of(p);
	if (!d)
		return 0;
	double next = d->message[0] ? d->message_until : 0;
	/* the next escalation of a listed alert changes its status text */
	for (size_t i = 0; d->snap && i < d->row_count; i++) {
		const struct pr_alert *a = &d->snap->alerts[d->rows[i]];
		double t = (double)a->raised_at + cw_alarm_escalate_after();
		if (a->status == PR_ALERT_NEW && a->grade <= 2 && t > c->now && (next == 0 || t < next))
			next = t;
	}
	return next;
}

struct cols {
	double grade, category, district, title, time, status; /* x of each */
	double grade_w, category_w, district_w, title_w, time_w, status_w;
};

static struct cols columns(struct rd_rect r, double px)
{
	struct cols k;
	double gap = round(px * 0.6);
	k.grade_w = round(px * 4.4);
	k.category_w = round(px * 4.3);
	k.district_w = round(px * 3.8);
	k.time_w = round(px * 4.6);
	k.status_w = round(fmax(px * 7.5, r.w * 0.21));
	k.title_w = r.w - k.grade_w - k.category_w - k.district_w - k.time_w - k.status_w - 6 * gap;
	if (k.title_w < px * 4) { /* narrow: the status gives way first */
		k.status_w = fmax(px * 4, k.status_w - (px * 4 - k.title_w));
		k.title_w = r.w - k.grade_w - k.category_w - k.district_w - k.time_w - k.status_w - 6 * gap;
	}
	k.grade = r.x + gap;
	k.category = k.grade + k.grade_w + gap;
	k.district = k.category + k.category_w + gap;
	k.title = k.district + k.district_w + gap;
	k.time = k.title + k.title_w + gap;
	k.status = k.time + k.time_w + gap;
	return k;
}

static struct rd_text_style style(const struct cw_panel_ctx *c, double px, enum rd_role role,
                                  enum rd_align align)
{
	struct rd_text_style st = rd_text_style(c->theme, px, c->theme->colors[role], align);
	st.valign = RD_VALIGN_MIDDLE;
	return st;
}

enum chip_look { CHIP_FAINT, CHIP_OUTLINE, CHIP_FILLED };

/* A chip: filled (chosen), outlined, or faint (left out). Returns its rectangle. */
static struct rd_rect chip(cairo_t *cr, const struct cw_panel_ctx *c, double x, double y,
                           double h, const char *text, struct rd_color color,
                           enum chip_look look, double px, double max_w)
{
	struct rd_text_style st = style(c, px, RD_TEXT, RD_ALIGN_CENTER);
	double tw;
	rd_text_size(cr, text, &st, &tw, NULL);
	double w = fmin(max_w, ceil(tw + px * 1.2));
	struct rd_rect r = {x, y, w, h};
	double u = rd_unit(c->scale_h);
	if (look == CHIP_FILLED) {
		st.color = c->theme->colors[RD_TITLE];
		st.bold = true;
		rd_draw_badge(cr, r, rd_color_alpha(color, 0.78), text, &st);
	} else {
		rd_rounded_rect(cr, rd_rect_inset(r, u, u), h * 0.25);
		cairo_set_line_width(cr, 1.5 * u);
		rd_set_color(cr, rd_color_alpha(color, 0.7));
		cairo_stroke(cr);
		st.color = c->theme->colors[look == CHIP_FAINT ? RD_TEXT_DIM : RD_TEXT];
		rd_text_draw(cr, text, r.x, r.y, r.w, r.h, &st);
	}
	return r;
}

static void filter_bar(cairo_t *cr, const struct cw_panel_ctx *c, struct cw_duty *d,
                       struct rd_rect bar, double px)
{
	static const char *const names[4] = {"1 特别重大", "2 重大", "3 较大", "4 一般"};
	double gap = round(px * 0.45), x = bar.x, sp = round(px * 0.85);
	bool all = d->filter.grades == 0xf;
	for (int g = 0; g < 4; g++) {
		/* every grade: outlined in its color; a choice: the chosen filled, the others faint */
		bool on = d->filter.grades & (1u << g);
		struct rd_color gc = all || on ? c->theme->grade[g]
		                               : rd_color_alpha(c->theme->colors[RD_TEXT_DIM], 0.5);
		d->grade_chips[g] = chip(cr, c, x, bar.y, bar.h, names[g], gc,
		                         all ? CHIP_OUTLINE : on ? CHIP_FILLED : CHIP_FAINT, sp, bar.w);
		x += d->grade_chips[g].w + gap;
	}
	char text[160];
	pr_fmt(text, sizeof text, "F 状态：%s", cw_duty_status_label(d->filter.status));
	d->status_chip = chip(cr, c, x + gap, bar.y, bar.h, text, c->theme->colors[RD_ACCENT],
	                      d->filter.status != CW_DUTY_ACTIVE ? CHIP_FILLED : CHIP_OUTLINE, sp,
	                      bar.w);
	x += gap + d->status_chip.w + gap;
	pr_fmt(text, sizeof text, "D 区县：%s",
	       d->filter.adcode[0] ? district_name(d->snap, d->filter.adcode) : "全部");
	d->district_chip = chip(cr, c, x, bar.y, bar.h, text, c->theme->colors[RD_ACCENT],
	                        d->filter.adcode[0] ? CHIP_FILLED : CHIP_OUTLINE, sp, bar.w);
	x += d->district_chip.w + gap * 2;
	/* the search: what is searched, or how to start one */
	double rest = bar.x + bar.w - x;
	if (rest > px * 3) {
		struct rd_text_style st = style(c, sp, RD_TEXT_DIM, RD_ALIGN_LEFT);
		if (d->filter.search[0]) {
			pr_fmt(text, sizeof text, "/ 搜索：%s", d->filter.search);
			st.color = c->theme->colors[RD_ACCENT];
			st.bold = true;
		} else {
			pr_fmt(text, sizeof text, "/ 搜索标题");
		}
		rd_text_draw(cr, text, x, bar.y, rest, bar.h, &st);
	}
}

static void header_row(cairo_t *cr, const struct cw_panel_ctx *c, const struct cols *k,
                       struct rd_rect r, double px)
{
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	rd_set_color(cr, rd_color_alpha(c->theme->colors[RD_PANEL_TITLE], 0.45));
	cairo_fill(cr);
	struct rd_text_style st = style(c, round(px * 0.82), RD_TEXT_DIM, RD_ALIGN_LEFT);
	st.bold = true;
	rd_text_draw(cr, "级别", k->grade, r.y, k->grade_w, r.h, &st);
	rd_text_draw(cr, "类别", k->category, r.y, k->category_w, r.h, &st);
	rd_text_draw(cr, "区县", k->district, r.y, k->district_w, r.h, &st);
	rd_text_draw(cr, "预警内容", k->title, r.y, k->title_w, r.h, &st);
	rd_text_draw(cr, "发生时间", k->time, r.y, k->time_w, r.h, &st);
	rd_text_draw(cr, "状态", k->status, r.y, k->status_w, r.h, &st);
}

static void row(cairo_t *cr, const struct cw_panel_ctx *c, const struct cw_duty *d,
                const struct cols *k, const struct pr_alert *a, struct rd_rect r, double px,
                bool selected, bool odd)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h);
	if (selected) {
		cairo_rectangle(cr, r.x, r.y, r.w, r.h);
		rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT2], 0.42));
		cairo_fill(cr);
		cairo_rectangle(cr, r.x + u, r.y + u, r.w - 2 * u, r.h - 2 * u);
		cairo_set_line_width(cr, 2 * u);
		rd_set_color(cr, th->colors[RD_ACCENT]);
		cairo_stroke(cr);
		cairo_rectangle(cr, r.x, r.y, round(5 * u), r.h);
		cairo_fill(cr);
	} else if (odd) {
		cairo_rectangle(cr, r.x, r.y, r.w, r.h);
		rd_set_color(cr, rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.16));
		cairo_fill(cr);
	}
	bool resolved = a->status == PR_ALERT_RESOLVED;
	struct rd_color gc = grade_color(th, a->grade);
	if (resolved)
		gc = rd_color_mix(gc, th->colors[RD_TEXT_DIM], 0.6);
	double ch = round(r.h * 0.62);
	struct rd_text_style cs = style(c, round(px * 0.86), RD_TITLE, RD_ALIGN_CENTER);
	cs.bold = true;
	if (a->grade == 3) /* black on yellow reads better than white */
		cs.color = (struct rd_color){0.1, 0.1, 0.1, 1};
	rd_draw_badge(cr, (struct rd_rect){k->grade, round(r.y + (r.h - ch) / 2), k->grade_w, ch}, gc,
	              pr_grade_name(a->grade), &cs);
	struct rd_text_style st = style(c, px, resolved ? RD_TEXT_DIM : RD_TEXT, RD_ALIGN_LEFT);
	rd_text_draw(cr, a->category, k->category, r.y, k->category_w, r.h, &st);
	rd_text_draw(cr, district_name(d->snap, a->adcode), k->district, r.y, k->district_w, r.h, &st);
	struct rd_text_style ts = st;
	ts.bold = a->status == PR_ALERT_NEW;
	if (a->status == PR_ALERT_ACKED)
		ts.color = rd_color_mix(th->colors[RD_TEXT], th->colors[RD_TEXT_DIM], 0.5);
	rd_text_draw(cr, a->title, k->title, r.y, k->title_w, r.h, &ts);
	char when[32];
	format_time(a->raised_at, c->now, d->utc_offset_min, when, sizeof when);
	struct rd_text_style ms = st;
	ms.color = th->colors[RD_TEXT_DIM];
	rd_text_draw(cr, when, k->time, r.y, k->time_w, r.h, &ms);
	char status[400];
	enum cw_duty_look look =
	    cw_duty_row_status(a, cw_duty_ack_of(d->snap, a->id), c->now, true, status, sizeof status);
	struct rd_text_style ss = style(c, px, RD_TEXT, RD_ALIGN_LEFT);
	ss.color = look_color(th, look);
	ss.bold = look == CW_DUTY_LOOK_NEW || look == CW_DUTY_LOOK_ESCALATED ||
	          look == CW_DUTY_LOOK_PENDING || look == CW_DUTY_LOOK_CONFLICT;
	if (look == CW_DUTY_LOOK_ESCALATED) {
		double ew;
		rd_text_size(cr, status, &ss, &ew, NULL);
		rd_draw_badge(cr, (struct rd_rect){k->status, round(r.y + (r.h - ch) / 2),
		                                   fmin(k->status_w, ew + px), ch},
		              th->colors[RD_BAD], status, &ss);
		return;
	}
	ss.px = rd_text_fit_px(cr, status, &ss, k->status_w, px * 0.7);
	rd_text_draw(cr, status, k->status, r.y, k->status_w, r.h, &ss);
}

/* The details card of the selected alert, over the list. */
static void details(cairo_t *cr, const struct cw_panel_ctx *c, const struct cw_duty *d,
                    const struct pr_alert *a, struct rd_rect r, double px)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h), pad = round(px * 0.9);
	rd_rounded_rect(cr, r, 6 * u);
	rd_set_color(cr, rd_color_mix(th->colors[RD_BG2], th->colors[RD_BG], 0.5));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, grade_color(th, a->grade));
	cairo_stroke(cr);
	double x = r.x + pad, y = r.y + pad, w = r.w - 2 * pad;
	double ch = round(px * 1.5);
	struct rd_text_style cs = style(c, px, RD_TITLE, RD_ALIGN_CENTER);
	cs.bold = true;
	if (a->grade == 3)
		cs.color = (struct rd_color){0.1, 0.1, 0.1, 1};
	char grade[64];
	pr_fmt(grade, sizeof grade, "%s预警", pr_grade_name(a->grade));
	rd_draw_badge(cr, (struct rd_rect){x, y, px * 6, ch}, grade_color(th, a->grade), grade, &cs);
	struct rd_text_style hint = style(c, round(px * 0.8), RD_TEXT_DIM, RD_ALIGN_RIGHT);
	rd_text_draw(cr, "Enter / Esc 关闭", x, y, w, ch, &hint);
	y += ch + pad * 0.6;
	struct rd_text_style hs = rd_text_style(th, round(px * 1.25), th->colors[RD_TITLE],
	                                        RD_ALIGN_LEFT);
	hs.bold = true;
	hs.max_lines = 2;
	rd_text_draw(cr, a->title, x, y, w, px * 3.4, &hs);
	y += px * 3.6;
	char status[400], t1[32], t2[32], t3[32];
	cw_duty_row_status(a, cw_duty_ack_of(d->snap, a->id), c->now, false, status, sizeof status);
	format_time(a->raised_at, c->now, d->utc_offset_min, t1, sizeof t1);
	struct {
		const char *k;
		char v[640];
	} f[9];
	int n = 0;
	pr_fmt(f[n].v, sizeof f[n].v, "%s · %s", a->category, district_name(d->snap, a->adcode));
	f[n++].k = "类别/区县";
	pr_fmt(f[n].v, sizeof f[n].v, "%s", t1);
	f[n++].k = "发生时间";
	pr_fmt(f[n].v, sizeof f[n].v, "%s", status);
	f[n++].k = "状态";
	if (a->acked_by[0]) {
		format_time(a->acked_at, c->now, d->utc_offset_min, t2, sizeof t2);
		pr_fmt(f[n].v, sizeof f[n].v, "%s 于 %s", a->acked_by, t2);
		f[n++].k = "确认";
	}
	if (a->note[0]) {
		pr_fmt(f[n].v, sizeof f[n].v, "%s", a->note);
		f[n++].k = "备注";
	}
	if (a->resolved_at) {
		format_time(a->resolved_at, c->now, d->utc_offset_min, t3, sizeof t3);
		pr_fmt(f[n].v, sizeof f[n].v, "%s 于 %s", a->resolved_by[0] ? a->resolved_by : "—", t3);
		f[n++].k = "处置";
	}
	pr_fmt(f[n].v, sizeof f[n].v, "%.6f, %.6f", a->lon, a->lat);
	f[n++].k = "位置";
	pr_fmt(f[n].v, sizeof f[n].v, "%s%s%s", a->id, a->source_id[0] ? " · 来源 " : "",
	       a->source_id);
	f[n++].k = "编号";
	struct rd_text_style ks = style(c, px, RD_TEXT_DIM, RD_ALIGN_LEFT);
	struct rd_text_style vs = style(c, px, RD_TEXT, RD_ALIGN_LEFT);
	double lh = round(px * 1.75), kw = round(px * 6);
	for (int i = 0; i < n && y + lh <= r.y + r.h - pad; i++) {
		rd_text_draw(cr, f[i].k, x, y, kw, lh, &ks);
		rd_text_draw(cr, f[i].v, x + kw, y, w - kw, lh, &vs);
		y += lh;
	}
}

static void button_bar(cairo_t *cr, const struct cw_panel_ctx *c, struct cw_duty *d,
                       struct rd_rect bar, double px)
{
	static const char *const labels[CW_DUTY_BTN_COUNT] = {
	    "确认  A", "备注  N", "详情  Enter", "搜索  /", "静音  S"};
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h), gap = round(px * 0.6), x = bar.x;
	const struct cw_alarm_watch *w = cw_alarm_state(d->alarm);
	bool ringing = w && w->ringing;
	bool can_ack = cw_duty_selected(d) != NULL;
	for (int b = 0; b < CW_DUTY_BTN_COUNT; b++) {
		struct rd_text_style st = style(c, px, RD_TEXT, RD_ALIGN_CENTER);
		double tw;
		rd_text_size(cr, labels[b], &st, &tw, NULL);
		struct rd_rect r = {x, bar.y, ceil(tw + px * 2), bar.h};
		if (x + r.w > bar.x + bar.w) {
			d->buttons[b] = (struct rd_rect){0};
			continue;
		}
		d->buttons[b] = r;
		struct rd_color fill = rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.55);
		if (b == CW_DUTY_BTN_ACK && can_ack) {
			fill = th->colors[RD_ACCENT2];
			st.bold = true;
			st.color = th->colors[RD_TITLE];
		} else if (b == CW_DUTY_BTN_SILENCE && ringing) {
			fill = th->colors[RD_BAD];
			st.bold = true;
			st.color = th->colors[RD_TITLE];
		} else if ((b == CW_DUTY_BTN_DETAILS && d->details) ||
		           (b == CW_DUTY_BTN_NOTE && d->field == CW_DUTY_FIELD_NOTE) ||
		           (b == CW_DUTY_BTN_SEARCH && d->field == CW_DUTY_FIELD_SEARCH)) {
			fill = rd_color_alpha(th->colors[RD_ACCENT2], 0.6);
		}
		rd_rounded_rect(cr, r, 5 * u);
		rd_set_color(cr, fill);
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, 1.5 * u);
		rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.8));
		cairo_stroke(cr);
		rd_text_draw(cr, labels[b], r.x, r.y, r.w, r.h, &st);
		x += r.w + gap;
	}
	/* the alarm's state, right-aligned */
	char text[128];
	struct rd_text_style st = style(c, round(px * 0.9), RD_TEXT_DIM, RD_ALIGN_RIGHT);
	int escalated = 0; /* every alert, not only the listed ones */
	for (size_t i = 0; d->snap && i < d->snap->alert_count; i++)
		escalated += cw_alarm_escalated(&d->snap->alerts[i], c->now);
	if (ringing || (!w && escalated)) {
		pr_fmt(text, sizeof text, "● 警报：%d 条超时未确认", escalated);
		st.color = th->colors[RD_BAD];
		st.bold = true;
	} else if (escalated) {
		pr_fmt(text, sizeof text, "警报已静音（%d 条超时）", escalated);
	} else {
		pr_fmt(text, sizeof text, "无超时预警");
	}
	if (x < bar.x + bar.w)
		rd_text_draw(cr, text, x, bar.y, bar.x + bar.w - x, bar.h, &st);
}

static void field_box(cairo_t *cr, const struct cw_panel_ctx *c, const struct cw_duty *d,
                      struct rd_rect r, double px)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h);
	rd_rounded_rect(cr, r, 4 * u);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_BG2], 0.9));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, th->colors[RD_ACCENT]);
	cairo_stroke(cr);
	char label[96];
	if (d->field == CW_DUTY_FIELD_NOTE)
		pr_fmt(label, sizeof label, "备注 %s（回车确认，Esc 取消）：", d->note_for);
	else
		pr_fmt(label, sizeof label, "搜索标题（回车完成，Esc 清除）：");
	struct rd_text_style ls = style(c, round(px * 0.9), RD_TEXT_DIM, RD_ALIGN_LEFT);
	double lw;
	rd_text_size(cr, label, &ls, &lw, NULL);
	double x = r.x + px * 0.6;
	rd_text_draw(cr, label, x, r.y, lw, r.h, &ls);
	char text[600];
	pr_fmt(text, sizeof text, "%s▏", d->text);
	struct rd_text_style ts = style(c, px, RD_TITLE, RD_ALIGN_LEFT);
	rd_text_draw(cr, text, x + lw, r.y, r.x + r.w - x - lw - px * 0.6, r.h, &ts);
}

static void console_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	sync(p, c);
	struct cw_duty *d = console_of(p);
	const struct rd_theme *th = c->theme;
	struct rd_rect in = rd_panel_frame(cr, th, p->rect, cw_panel_title_text(p), c->scale_h);
	if (!d || in.w < 64 || in.h < 64)
		return;
	double px = list_px(c), u = rd_unit(c->scale_h);
	double pad = round(8 * u), bar_h = round(px * 1.7), head_h = round(px * 1.6);
	double line_h = round(px * 1.5), btn_h = round(px * 2.0), field_h = round(px * 2.0);
	in = rd_rect_inset(in, pad, pad * 0.5);
	double y = in.y;
	filter_bar(cr, c, d, (struct rd_rect){in.x, y, in.w, bar_h}, px);
	y += bar_h + pad;
	struct cols k = columns(in, px);
	header_row(cr, c, &k, (struct rd_rect){in.x, y, in.w, head_h}, px);
	y += head_h;
	double bottom = in.y + in.h - btn_h - pad - line_h;
	if (d->field != CW_DUTY_FIELD_NONE)
		bottom -= field_h + pad * 0.5;
	double row_h = round(px * 2.0);
	int visible = (int)fmax(1, floor((bottom - y) / row_h));
	if (visible != d->visible) {
		d->visible = visible;
		d->first = cw_duty_scroll(d->first, d->sel, d->visible, d->row_count);
	}
	d->row_h = row_h;
	d->list_box = (struct rd_rect){in.x, y, in.w, visible * row_h};
	if (d->row_count == 0) {
		struct rd_text_style st = style(c, px, RD_TEXT_DIM, RD_ALIGN_CENTER);
		const char *why = !c->snap || !c->snap->src[CW_SRC_ALERTS].has ? "正在获取预警…"
		                  : c->snap->alert_count ? "没有符合筛选条件的预警"
		                                         : "当前没有预警";
		rd_text_draw(cr, why, in.x, y, in.w, row_h * 3, &st);
	}
	for (int i = 0; i < visible && (size_t)(d->first + i) < d->row_count; i++) {
		const struct pr_alert *a = &d->snap->alerts[d->rows[d->first + i]];
		row(cr, c, d, &k, a, (struct rd_rect){in.x, y + i * row_h, in.w, row_h}, px,
		    d->first + i == d->sel, i % 2 == 1);
	}
	if ((int)d->row_count > visible) { /* where the window is in the list */
		double th_h = d->list_box.h * visible / (double)d->row_count;
		double ty = d->list_box.y + d->list_box.h * d->first / (double)d->row_count;
		rd_rounded_rect(cr, (struct rd_rect){in.x + in.w - 4 * u, ty, 4 * u, fmax(th_h, 12 * u)},
		                2 * u);
		rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.7));
		cairo_fill(cr);
	}
	const struct pr_alert *sel = cw_duty_selected(d);
	if (d->details && sel)
		details(cr, c, d, sel, rd_rect_inset(d->list_box, px * 0.4, px * 0.2), px);
	/* the line under the list: counts, and the latest message */
	y = bottom + pad * 0.25;
	size_t fresh = 0, escalated = 0;
	for (size_t i = 0; d->snap && i < d->row_count; i++) {
		const struct pr_alert *a = &d->snap->alerts[d->rows[i]];
		fresh += a->status == PR_ALERT_NEW;
		escalated += cw_alarm_escalated(a, c->now);
	}
	char text[200];
	pr_fmt(text, sizeof text, "共 %zu 条 · 未确认 %zu%s", d->row_count, fresh,
	       escalated ? " · " : "");
	struct rd_text_style st = style(c, round(px * 0.9), RD_TEXT_DIM, RD_ALIGN_LEFT);
	double used = rd_text_draw(cr, text, in.x, y, in.w * 0.45, line_h, &st);
	if (escalated) {
		pr_fmt(text, sizeof text, "超时 %zu", escalated);
		st.color = th->colors[RD_BAD];
		st.bold = true;
		rd_text_draw(cr, text, in.x + used, y, in.w * 0.2, line_h, &st);
	}
	if (d->message[0]) {
		struct rd_text_style ms = style(c, round(px * 0.9), RD_ACCENT, RD_ALIGN_RIGHT);
		ms.bold = true;
		rd_text_draw(cr, d->message, in.x + in.w * 0.4, y, in.w * 0.6, line_h, &ms);
	}
	y += line_h;
	if (d->field != CW_DUTY_FIELD_NONE) {
		field_box(cr, c, d, (struct rd_rect){in.x, y + pad * 0.25, in.w, field_h}, px);
		y += field_h + pad * 0.5;
	}
	button_bar(cr, c, d, (struct rd_rect){in.x, in.y + in.h - btn_h, in.w, btn_h}, px);
}

/* ---- the map ---- */

static void map_init(struct duty_state *s, struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_part *m = &s->m;
	m->flight_start = -1;
	m->map = cw_map_load_layers(p, c, m->layer, NULL);
}

static bool good_lonlat(const struct pr_alert *a)
{
	return isfinite(a->lon) && isfinite(a->lat) && a->lon >= -180 && a->lon <= 180 &&
	       a->lat >= -85 && a->lat <= 85 && (a->lon != 0 || a->lat != 0);
}

static double ease(double t)
{
	return t < 0.5 ? 4 * t * t * t : 1 - pow(-2 * t + 2, 3) / 2;
}

/* The view at now: the flight between from and to (centre linear, scale geometric). */
static struct ly_view view_at(const struct map_part *m, double now)
{
	if (m->flight_start < 0)
		return m->to;
	double t = (now - m->flight_start) / flight_s;
	if (t >= 1)
		return m->to;
	double e = ease(t < 0 ? 0 : t);
	struct ly_view v = m->to;
	v.cx = m->from.cx + (m->to.cx - m->from.cx) * e;
	v.cy = m->from.cy + (m->to.cy - m->from.cy) * e;
	v.scale = m->from.scale * pow(m->to.scale / m->from.scale, e);
	return v;
}

/* Follows the console's selection: a new target starts a flight from what is shown. */
static void aim(struct map_part *m, const struct pr_alert *a, double now)
{
	const char *id = a && good_lonlat(a) ? a->id : "";
	if (strcmp(id, m->target) == 0 || m->w == 0)
		return;
	snprintf(m->target, sizeof m->target, "%s", id);
	m->from = view_at(m, now);
	m->to = m->home;
	if (*id) {
		ly_project(m->home.proj, a->lon, a->lat, &m->to.cx, &m->to.cy);
		m->to.scale = m->home.scale * focus_zoom;
	}
	m->flight_start = m->aimed ? now : -1;
	m->aimed = true;
}

static bool flying(const struct map_part *m, double now)
{
	return m->flight_start >= 0 && now - m->flight_start < flight_s;
}

static uint64_t map_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	struct cw_duty *d = cw_duty_current();
	if (d)
		cw_duty_refresh(d, (struct cw_snapshot *)c->snap, c->now); /* see sync() */
	const struct pr_alert *sel = cw_duty_selected(d);
	aim(&s->m, sel, c->now);
	uint64_t h = cw_hash_str(CW_HASH_INIT, "duty-map");
	h = cw_hash_str(h, s->m.target);
	if (d) {
		for (size_t i = 0; d->snap && i < d->row_count; i++) {
			const struct pr_alert *a = &d->snap->alerts[d->rows[i]];
			h = cw_hash_str(h, a->id);
			h = cw_hash(h, &a->seq, sizeof a->seq);
		}
	}
	if (c->snap && c->snap->has_districts)
		h = cw_hash(h, &c->snap->districts_at, sizeof c->snap->districts_at);
	if (flying(&s->m, c->now)) {
		int step = (int)floor((c->now - s->m.flight_start) * FLIGHT_FPS);
		h = cw_hash(h, &step, sizeof step);
	}
	return h;
}

static double map_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	if (!flying(&s->m, c->now))
		return 0;
	double k = floor((c->now - s->m.flight_start) * FLIGHT_FPS) + 1;
	return s->m.flight_start + k / FLIGHT_FPS;
}

static void set_values(struct duty_state *s, struct cw_panel *p, const struct cw_panel_ctx *c)
{
	for (int i = 0; i < p->def->layer_count; i++) {
		const struct cw_map_layer_def *l = &c->scene->map_layers[p->def->first_layer + i];
		if (s->m.layer[i] < 0 || !l->indicator[0] || !c->snap || !c->snap->has_districts)
			continue;
		int k = pr_districts_indicator(&c->snap->districts, l->indicator);
		if (k < 0)
			continue;
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		size_t n = c->snap->districts.count;
		for (size_t j = 0; j < n; j++) {
			keys[j] = c->snap->districts.items[j].adcode;
			values[j] = c->snap->districts.items[j].values[k];
		}
		struct rd_err err;
		if (!ly_map_set_values(s->m.map, s->m.layer[i], keys, values, (int)n, NULL, &err))
			fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	}
}

static void marker(cairo_t *cr, const struct cw_panel_ctx *c, const struct pr_alert *a,
                   double x, double y, const struct ly_view *v)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h);
	struct rd_color gc = grade_color(th, a->grade);
	/* crosshair over the whole map, faint */
	cairo_set_line_width(cr, 1 * u);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.35));
	cairo_move_to(cr, 0, round(y) + 0.5);
	cairo_line_to(cr, v->w, round(y) + 0.5);
	cairo_move_to(cr, round(x) + 0.5, 0);
	cairo_line_to(cr, round(x) + 0.5, v->h);
	cairo_stroke(cr);
	double rs[3] = {34 * u, 22 * u, 9 * u};
	cairo_arc(cr, x, y, rs[0], 0, 2 * M_PI);
	rd_set_color(cr, rd_color_alpha(gc, 0.18));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, rd_color_alpha(gc, 0.6));
	cairo_stroke(cr);
	cairo_arc(cr, x, y, rs[1], 0, 2 * M_PI);
	cairo_set_line_width(cr, 3 * u);
	rd_set_color(cr, gc);
	cairo_stroke(cr);
	cairo_arc(cr, x, y, rs[2], 0, 2 * M_PI);
	rd_set_color(cr, gc);
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, th->colors[RD_TITLE]);
	cairo_stroke(cr);
	/* a callout with the grade and the title, above the ring, kept inside the map */
	double px = round(rd_theme_px(th, RD_SIZE_BODY, c->scale_h) * 1.2);
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TITLE], RD_ALIGN_LEFT);
	st.valign = RD_VALIGN_MIDDLE;
	st.bold = true;
	char text[320];
	pr_fmt(text, sizeof text, "%s · %s", pr_grade_name(a->grade), a->title);
	double tw;
	rd_text_size(cr, text, &st, &tw, NULL);
	double w = fmin(tw + px * 1.2, v->w - 16 * u), h = round(px * 1.9);
	double bx = fmin(fmax(8 * u, x - w / 2), v->w - w - 8 * u);
	double by = y - rs[0] - h - 6 * u;
	if (by < 8 * u)
		by = y + rs[0] + 6 * u;
	rd_rounded_rect(cr, (struct rd_rect){bx, by, w, h}, 5 * u);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_BG2], 0.88));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, gc);
	cairo_stroke(cr);
	rd_text_draw(cr, text, bx + px * 0.6, by, w - px * 1.2, h, &st);
}

static void map_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	struct map_part *m = &s->m;
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	int w = (int)in.w, h = (int)in.h;
	if (w < 16 || h < 16)
		return;
	double u = rd_unit(c->scale_h);
	if (w != m->w || h != m->h) {
		ly_map_set_canvas_height(m->map, c->scale_h);
		ly_map_fit(m->map, w, h, round(12 * u));
		m->home = *ly_map_view(m->map);
		m->w = w, m->h = h;
		m->to = m->home;
		m->flight_start = -1;
		m->target[0] = '\0';
		m->aimed = false;
	}
	struct cw_duty *d = cw_duty_current();
	const struct pr_alert *sel = cw_duty_selected(d);
	aim(m, sel, c->now);
	struct ly_view v = view_at(m, c->now);
	ly_map_set_view(m->map, &v);
	set_values(s, p, c);
	cairo_save(cr);
	cairo_rectangle(cr, round(in.x), round(in.y), w, h);
	cairo_clip(cr);
	cairo_translate(cr, round(in.x), round(in.y));
	struct rd_err err;
	if (!ly_map_draw(m->map, cr, c->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	/* the console's alerts: new ones filled with a light edge, acked ones hollow */
	for (size_t i = 0; d && d->snap && i < d->row_count; i++) {
		const struct pr_alert *a = &d->snap->alerts[d->rows[d->row_count - 1 - i]];
		if (!good_lonlat(a) || a == sel)
			continue;
		double x, y;
		ly_view_lonlat_to_screen(&v, a->lon, a->lat, &x, &y);
		if (x < -20 || y < -20 || x > w + 20 || y > h + 20)
			continue;
		struct rd_color gc = grade_color(c->theme, a->grade);
		double r = (a->grade <= 2 ? 7 : 5.5) * u;
		cairo_new_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
		if (a->status == PR_ALERT_NEW) {
			rd_set_color(cr, gc);
			cairo_fill_preserve(cr);
			cairo_set_line_width(cr, 1.5 * u);
			rd_set_color(cr, rd_color_alpha(c->theme->colors[RD_TITLE], 0.85));
		} else {
			rd_set_color(cr, rd_color_alpha(c->theme->colors[RD_BG2], 0.6));
			cairo_fill_preserve(cr);
			cairo_set_line_width(cr, 2 * u);
			rd_set_color(cr, a->status == PR_ALERT_RESOLVED
			                     ? c->theme->colors[RD_TEXT_DIM] : gc);
		}
		cairo_stroke(cr);
	}
	if (sel && good_lonlat(sel)) {
		double x, y;
		ly_view_lonlat_to_screen(&v, sel->lon, sel->lat, &x, &y);
		marker(cr, c, sel, x, y, &v);
	}
	cairo_restore(cr);
}

/* ---- the kind ---- */

static void duty_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct duty_state *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	p->state = s;
	s->is_map = is_map_def(p->def);
	if (s->is_map) {
		map_init(s, p, c);
	} else if (!cw_duty_current()) { /* headless: a console of our own */
		s->own = cw_duty_new(NULL, NULL, c->utc_offset_min);
		cw_duty_attach(s->own);
	}
}

static void duty_finish(struct cw_panel *p)
{
	struct duty_state *s = p->state;
	if (!s)
		return;
	ly_map_free(s->m.map);
	cw_duty_free(s->own); /* detaches it */
	free(s);
}

static uint64_t duty_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	return s->is_map ? map_key(p, c) : console_key(p, c);
}

static void duty_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	if (s->is_map)
		map_draw(p, cr, c);
	else
		console_draw(p, cr, c);
}

static double duty_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct duty_state *s = p->state;
	return s->is_map ? map_next(p, c) : console_next(p, c);
}

const struct cw_panel_kind cw_panel_duty = {.name = "duty",
                                            .init = duty_init,
                                            .key = duty_key,
                                            .draw = duty_draw,
                                            .next_change = duty_next,
                                            .finish = duty_finish};
