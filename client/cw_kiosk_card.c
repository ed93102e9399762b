/* The kiosk's cards (cw_kiosk.h), drawn as the frame's overlay over a dimmed scene: a
 * district's drill-down (its indicators with the city rank, its open events by status, its
 * alerts, a trend) and an alert's details. Same look as the panels (rd_panel_frame), touch
 * targets at least 9 mm, the pressed target highlighted while the finger is down.
 *
 * The trend: districts.json has no history per district, so the card counts the district's
 * grid events by hour (reported and closed, the last 12 hours) and says so under the chart.
 * The card records where its targets are (struct cw_kiosk) for the taps that follow. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_alarm.h"
#include "cw_kiosk_int.h"
#include "pr_err.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"
#include "rd_widgets.h"

enum { TREND_HOURS = 12, EVENT_ROWS_MAX = 12 };

uint64_t cw_kiosk_card_key(void *ud, const struct cw_panel_ctx *c)
{
	const struct cw_kiosk *k = ud;
	if (k->card == CW_KIOSK_CARD_NONE)
		return 0;
	uint64_t h = cw_hash(CW_HASH_INIT, &k->card, sizeof k->card);
	h = cw_hash_str(h, k->card == CW_KIOSK_CARD_DISTRICT ? k->adcode : k->alert_id);
	h = cw_hash(h, &k->from_district, sizeof k->from_district);
	h = cw_hash(h, &k->pressed, sizeof k->pressed);
	uint64_t gen = c->snap ? c->snap->generation : 0;
	h = cw_hash(h, &gen, sizeof gen);
	const void *snap = c->snap; /* a new snapshot may keep the generation of a file feed */
	h = cw_hash(h, &snap, sizeof snap);
	int64_t hour = (int64_t)floor(c->now / 3600); /* the trend's hours and "today" */
	h = cw_hash(h, &hour, sizeof hour);
	h = cw_hash(h, &c->scale_h, sizeof c->scale_h);
	return h | 1;
}

/* ---- pieces ---- */

static struct rd_text_style style(const struct cw_panel_ctx *c, double px, int color,
                                  enum rd_align align)
{
	return rd_text_style(c->theme, px, c->theme->colors[color], align);
}

static struct rd_color grade_color(const struct rd_theme *th, int grade)
{
	return th->grade[grade >= 1 && grade <= RD_GRADES ? grade - 1 : RD_GRADES - 1];
}

/* "14:31" today, "11-22 14:31" another day (local time). */
static void format_time(int64_t t, double now, int utc_offset_min, char *buf, size_t n)
{
	time_t a = (time_t)(t + (int64_t)utc_offset_min * 60);
	time_t b = (time_t)((int64_t)now + (int64_t)utc_offset_min * 60);
	struct tm ta, tb;
	gmtime_r(&a, &ta);
	gmtime_r(&b, &tb);
	if (ta.tm_yday == tb.tm_yday && ta.tm_year == tb.tm_year)
		pr_fmt(buf, n, "%02d:%02d", ta.tm_hour, ta.tm_min);
	else
		pr_fmt(buf, n, "%02d-%02d %02d:%02d", ta.tm_mon + 1, ta.tm_mday, ta.tm_hour, ta.tm_min);
}

static const char *district_name(const struct cw_snapshot *s, const char *adcode)
{
	const struct pr_district *d =
	    s && s->has_districts ? pr_districts_find(&s->districts, adcode) : NULL;
	return d ? d->name : adcode;
}

/* A section heading: an accent bar and bold text; returns the height used. */
static double heading(cairo_t *cr, const struct cw_panel_ctx *c, double x, double y, double w,
                      const char *text, const char *note, double px)
{
	double u = rd_unit(c->scale_h), h = round(px * 1.8);
	rd_set_color(cr, c->theme->colors[RD_ACCENT]);
	cairo_rectangle(cr, x, y + round(h * 0.2), round(3 * u), h - 2 * round(h * 0.2));
	cairo_fill(cr);
	struct rd_text_style st = style(c, round(px * 1.05), RD_TITLE, RD_ALIGN_LEFT);
	st.bold = true;
	double tw = rd_text_draw(cr, text, x + round(10 * u), y, w - round(10 * u), h, &st);
	if (note && *note) {
		struct rd_text_style ns = style(c, round(px * 0.8), RD_TEXT_DIM, RD_ALIGN_LEFT);
		double nx = x + round(10 * u) + tw + round(px * 0.6);
		if (nx < x + w - px * 3)
			rd_text_draw(cr, note, nx, y, x + w - nx, h, &ns);
	}
	return h;
}

/* A button: filled, outlined in the accent, brighter while pressed. */
static void button(cairo_t *cr, const struct cw_panel_ctx *c, struct rd_rect r, const char *label,
                   bool primary, bool pressed, double px)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h);
	struct rd_color fill = primary ? th->colors[RD_ACCENT2]
	                               : rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.7);
	if (pressed)
		fill = rd_color_mix(th->colors[RD_ACCENT], th->colors[RD_TITLE], 0.25);
	rd_rounded_rect(cr, r, 5 * u);
	rd_set_color(cr, fill);
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, (pressed ? 3 : 1.5) * u);
	rd_set_color(cr, pressed ? th->colors[RD_TITLE] : rd_color_alpha(th->colors[RD_ACCENT], 0.85));
	cairo_stroke(cr);
	struct rd_text_style st = style(c, px, RD_TITLE, RD_ALIGN_CENTER);
	st.bold = true;
	if (pressed)
		st.color = th->colors[RD_BG2];
	rd_text_draw(cr, label, r.x, r.y, r.w, r.h, &st);
}

/* The card's frame over a dimmed scene, its ✕, and its buttons along the bottom (right
 * aligned); returns the content rectangle between title and buttons. */
static struct rd_rect card_frame(struct cw_kiosk *k, cairo_t *cr, const struct cw_panel_ctx *c,
                                 struct rd_rect box, const char *title,
                                 const enum cw_kiosk_button *buttons, int nbuttons,
                                 struct rd_color edge)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h), px = round(rd_theme_px(th, RD_SIZE_BODY, c->scale_h) * 1.15);
	/* the scene behind, dimmed: taps there close the card */
	cairo_save(cr);
	cairo_reset_clip(cr);
	struct rd_color dim = th->colors[RD_BG];
	dim.a = 0.62;
	rd_set_color(cr, dim);
	cairo_paint(cr);
	cairo_restore(cr);
	/* an opaque ground under the panel's translucent fill, and a soft shadow */
	for (int i = 3; i >= 1; i--) {
		rd_rounded_rect(cr, rd_rect_inset(box, -i * 4 * u, -i * 4 * u), (6 + i * 4) * u);
		rd_set_color(cr, (struct rd_color){0, 0, 0, 0.12});
		cairo_fill(cr);
	}
	struct rd_color ground = rd_color_mix(th->colors[RD_BG2], th->colors[RD_BG], 0.5);
	ground.a = 1;
	rd_set_color(cr, ground);
	cairo_rectangle(cr, box.x, box.y, box.w, box.h);
	cairo_fill(cr);
	struct rd_rect in = rd_panel_frame(cr, th, box, title, c->scale_h);
	cairo_set_line_width(cr, 2 * u);
	rd_set_color(cr, rd_color_alpha(edge, 0.9));
	cairo_rectangle(cr, box.x + u, box.y + u, box.w - 2 * u, box.h - 2 * u);
	cairo_stroke(cr);
	k->box = box;

	/* ✕ in the top right corner: at least a finger wide */
	double title_h = round(rd_theme_px(th, RD_SIZE_PANEL_TITLE, c->scale_h) * 2.0);
	double t = fmax(k->target_px, title_h + round(4 * u));
	struct rd_rect x = {box.x + box.w - t - round(6 * u), box.y + round(4 * u), t, t};
	k->close_box = x;
	bool pressed = k->pressed == CW_KIOSK_T_CLOSE;
	rd_rounded_rect(cr, rd_rect_inset(x, 2 * u, 2 * u), 5 * u);
	rd_set_color(cr, pressed ? th->colors[RD_ACCENT]
	                         : rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.75));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 1.5 * u);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.9));
	cairo_stroke(cr);
	double a = round(t * 0.2);
	cairo_move_to(cr, x.x + t / 2 - a, x.y + t / 2 - a);
	cairo_line_to(cr, x.x + t / 2 + a, x.y + t / 2 + a);
	cairo_move_to(cr, x.x + t / 2 + a, x.y + t / 2 - a);
	cairo_line_to(cr, x.x + t / 2 - a, x.y + t / 2 + a);
	cairo_set_line_width(cr, fmax(2, round(2.5 * u)));
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	rd_set_color(cr, pressed ? th->colors[RD_BG2] : th->colors[RD_TITLE]);
	cairo_stroke(cr);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

	/* the buttons */
	static const char *const labels[] = {[CW_KIOSK_BTN_CLOSE] = "关闭",
	                                     [CW_KIOSK_BTN_BACK] = "返回区县详情"};
	double bh = fmax(k->target_px, round(px * 2.2)), gap = round(px * 0.7);
	double bx = in.x + in.w;
	k->nbuttons = 0;
	for (int b = nbuttons - 1; b >= 0; b--) {
		struct rd_text_style st = style(c, px, RD_TITLE, RD_ALIGN_CENTER);
		st.bold = true;
		double tw;
		rd_text_size(cr, labels[buttons[b]], &st, &tw, NULL);
		double bw = fmax(k->target_px * 2.2, ceil(tw + px * 2.4));
		bx -= bw;
		struct rd_rect r = {bx, in.y + in.h - bh, bw, bh};
		int i = k->nbuttons++;
		k->buttons[i] = r;
		k->button_kind[i] = buttons[b];
		button(cr, c, r, labels[buttons[b]], buttons[b] == CW_KIOSK_BTN_CLOSE,
		       k->pressed == CW_KIOSK_T_BUTTON + i, px);
		bx -= gap;
	}
	in.h -= bh + round(px * 0.6);
	return in;
}

/* ---- the district card ---- */

static int alert_cmp(const void *a, const void *b)
{
	const struct pr_alert *x = *(const struct pr_alert *const *)a,
	                      *y = *(const struct pr_alert *const *)b;
	if (x->status != y->status && (x->status == PR_ALERT_NEW || y->status == PR_ALERT_NEW))
		return x->status == PR_ALERT_NEW ? -1 : 1;
	if (x->grade != y->grade)
		return x->grade < y->grade ? -1 : 1;
	if (x->raised_at != y->raised_at)
		return x->raised_at > y->raised_at ? -1 : 1;
	return strcmp(y->id, x->id);
}

static int event_cmp(const void *a, const void *b)
{
	const struct pr_event *x = *(const struct pr_event *const *)a,
	                      *y = *(const struct pr_event *const *)b;
	if (x->overdue != y->overdue)
		return x->overdue ? -1 : 1;
	int64_t tx = x->step_at[PR_EVENT_REPORTED], ty = y->step_at[PR_EVENT_REPORTED];
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(y->id, x->id);
}

/* Rank of district d for indicator i among all districts (1: best). */
static int rank_of(const struct pr_districts *ds, const struct pr_district *d, size_t i)
{
	bool hib = ds->indicators[i].higher_is_better;
	int r = 1;
	for (size_t j = 0; j < ds->count; j++) {
		double v = ds->items[j].values[i];
		if (isfinite(v) && (hib ? v > d->values[i] : v < d->values[i]))
			r++;
	}
	return r;
}

static void indicators(cairo_t *cr, const struct cw_panel_ctx *c, const struct pr_districts *ds,
                       const struct pr_district *d, struct rd_rect r, double px)
{
	const struct rd_theme *th = c->theme;
	double u = rd_unit(c->scale_h);
	size_t n = ds->indicator_count;
	if (n == 0)
		return;
	int cols = n > 6 ? 3 : 2, rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	double gap = round(6 * u), cw = floor((r.w - gap * (cols - 1)) / cols),
	       ch = floor((r.h - gap * (rows - 1)) / rows);
	for (size_t i = 0; i < n; i++) {
		const struct pr_indicator *ind = &ds->indicators[i];
		struct rd_rect cell = {r.x + (double)(i % (size_t)cols) * (cw + gap),
		                       r.y + (double)(i / (size_t)cols) * (ch + gap), cw, ch};
		rd_set_color(cr, rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.28));
		rd_rounded_rect(cr, cell, 4 * u);
		cairo_fill(cr);
		double pad = round(px * 0.5), lh = round(ch * 0.3);
		struct rd_text_style ls = style(c, round(px * 0.85), RD_TEXT_DIM, RD_ALIGN_LEFT);
		ls.px = rd_text_fit_px(cr, ind->label, &ls, cw - 2 * pad, px * 0.7);
		rd_text_draw(cr, ind->label, cell.x + pad, cell.y + round(ch * 0.06), cw - 2 * pad, lh,
		             &ls);
		char num[64], unit[32];
		rd_format_value(d->values[i], ind->decimals, ind->unit, num, sizeof num, unit,
		                sizeof unit);
		struct rd_text_style vs = style(c, round(fmin(px * 1.6, ch * 0.36)), RD_VALUE,
		                                RD_ALIGN_LEFT);
		vs.bold = true;
		rd_draw_value_unit(cr, num, unit, &vs, th->colors[RD_TEXT_DIM],
		                   (struct rd_rect){cell.x + pad, cell.y + lh, cw - 2 * pad,
		                                    round(ch * 0.4)});
		char rank[48];
		int rk = rank_of(ds, d, i);
		pr_fmt(rank, sizeof rank, "全市第 %d / %zu", rk, ds->count);
		struct rd_text_style rs = style(c, round(px * 0.75), RD_TEXT_DIM, RD_ALIGN_LEFT);
		if (rk <= 2 && ds->count > 3)
			rs.color = th->colors[RD_GOOD];
		else if (rk >= (int)ds->count - 1 && ds->count > 3)
			rs.color = th->colors[RD_BAD];
		rd_text_draw(cr, rank, cell.x + pad, cell.y + round(ch * 0.72), cw - 2 * pad,
		             round(ch * 0.24), &rs);
	}
}

/* The district's events by hour: reported and closed, the last TREND_HOURS hours. */
static void trend(cairo_t *cr, const struct cw_panel_ctx *c, const char *adcode, struct rd_rect r)
{
	double reported[TREND_HOURS] = {0}, closed[TREND_HOURS] = {0};
	int64_t local_now = (int64_t)floor(c->now) + (int64_t)c->utc_offset_min * 60;
	int64_t hour_end = (local_now / 3600 + 1) * 3600; /* the end of the current hour, local */
	int64_t start = hour_end - TREND_HOURS * 3600;
	const struct cw_snapshot *s = c->snap;
	for (size_t i = 0; s && i < s->event_count; i++) {
		const struct pr_event *e = &s->events[i];
		if (strcmp(e->adcode, adcode) != 0)
			continue;
		int64_t t0 = e->step_at[PR_EVENT_REPORTED], t1 = e->step_at[PR_EVENT_CLOSED];
		t0 += t0 ? (int64_t)c->utc_offset_min * 60 : 0;
		t1 += t1 ? (int64_t)c->utc_offset_min * 60 : 0;
		if (t0 >= start && t0 < hour_end)
			reported[(t0 - start) / 3600]++;
		if (t1 >= start && t1 < hour_end)
			closed[(t1 - start) / 3600]++;
	}
	struct rd_line_series series[2] = {{"上报", reported, TREND_HOURS},
	                                   {"结案", closed, TREND_HOURS}};
	struct rd_line_chart chart = {.series = series,
	                              .series_count = 2,
	                              .first_hour = (int)((start / 3600) % 24),
	                              .unit = "件",
	                              .decimals = 0};
	rd_line_chart_draw(cr, c->theme, r, &chart, c->scale_h);
}

static void events_part(cairo_t *cr, const struct cw_panel_ctx *c, const char *adcode,
                        struct rd_rect r, double px)
{
	const struct rd_theme *th = c->theme;
	const struct cw_snapshot *s = c->snap;
	double u = rd_unit(c->scale_h);
	int by_status[PR_EVENT_STEPS] = {0}, overdue = 0;
	const struct pr_event *open[EVENT_ROWS_MAX * 4];
	size_t nopen = 0;
	for (size_t i = 0; s && i < s->event_count; i++) {
		const struct pr_event *e = &s->events[i];
		if (strcmp(e->adcode, adcode) != 0 || e->status == PR_EVENT_CLOSED ||
		    (unsigned)e->status >= PR_EVENT_STEPS)
			continue;
		by_status[e->status]++;
		overdue += e->overdue;
		if (nopen < sizeof open / sizeof open[0])
			open[nopen++] = e;
	}
	qsort(open, nopen, sizeof open[0], event_cmp);
	if (!s || !s->src[CW_SRC_EVENTS].has) {
		rd_draw_no_data(cr, th, r, c->scale_h);
		return;
	}
	/* chips: count per open status, and the overdue ones */
	static const int steps[] = {PR_EVENT_REPORTED, PR_EVENT_DISPATCHED, PR_EVENT_HANDLED,
	                            PR_EVENT_VERIFIED};
	double chip_h = round(px * 2.6), gap = round(px * 0.4);
	double cw = floor((r.w - gap * 4) / 5);
	for (int i = 0; i < 5; i++) {
		struct rd_rect chip = {r.x + i * (cw + gap), r.y, cw, chip_h};
		bool late = i == 4;
		int v = late ? overdue : by_status[steps[i]];
		rd_set_color(cr, late && v > 0 ? rd_color_alpha(th->colors[RD_BAD], 0.22)
		                               : rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.32));
		rd_rounded_rect(cr, chip, 4 * u);
		cairo_fill(cr);
		char num[16];
		pr_fmt(num, sizeof num, "%d", v);
		struct rd_text_style ns = style(c, round(px * 1.25), late && v > 0 ? RD_BAD : RD_VALUE,
		                                RD_ALIGN_CENTER);
		ns.bold = true;
		rd_text_draw(cr, num, chip.x, chip.y + round(chip_h * 0.04), chip.w, chip_h * 0.55, &ns);
		struct rd_text_style ls = style(c, round(px * 0.75), RD_TEXT_DIM, RD_ALIGN_CENTER);
		rd_text_draw(cr, late ? "超期" : pr_event_status_label((enum pr_event_status)steps[i]),
		             chip.x, chip.y + chip_h * 0.56, chip.w, chip_h * 0.4, &ls);
	}
	double y = r.y + chip_h + round(px * 0.5), lh = round(px * 1.85);
	if (nopen == 0) {
		struct rd_text_style es = style(c, px, RD_GOOD, RD_ALIGN_CENTER);
		rd_text_draw(cr, "当前无在办事件", r.x, y, r.w, r.y + r.h - y, &es);
		return;
	}
	for (size_t i = 0; i < nopen && y + lh <= r.y + r.h; i++, y += lh) {
		const struct pr_event *e = open[i];
		if (i % 2 == 1) {
			rd_set_color(cr, rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.16));
			cairo_rectangle(cr, r.x, y, r.w, lh);
			cairo_fill(cr);
		}
		char t[32];
		format_time(e->step_at[PR_EVENT_REPORTED], c->now, c->utc_offset_min, t, sizeof t);
		double x = r.x + round(px * 0.3), tw = round(px * 3.2), sw = round(px * 4.2);
		struct rd_text_style ts = style(c, round(px * 0.9), RD_TEXT_DIM, RD_ALIGN_LEFT);
		rd_text_draw(cr, t, x, y, tw, lh, &ts);
		x += tw;
		const char *title = e->title;
		const char *dn = district_name(s, adcode);
		size_t dl = strlen(dn);
		if (dl && strncmp(title, dn, dl) == 0 && title[dl])
			title += dl;
		struct rd_text_style ns = style(c, round(px * 0.9), RD_TEXT, RD_ALIGN_LEFT);
		rd_text_draw(cr, title, x, y, r.x + r.w - sw - x - round(px * 0.4), lh, &ns);
		char st[48];
		pr_fmt(st, sizeof st, "%s%s", pr_event_status_label(e->status), e->overdue ? "超期" : "");
		struct rd_text_style ss = style(c, round(px * 0.9), e->overdue ? RD_BAD : RD_ACCENT,
		                                RD_ALIGN_RIGHT);
		rd_text_draw(cr, st, r.x + r.w - sw - round(px * 0.3), y, sw, lh, &ss);
	}
}

static void alerts_part(struct cw_kiosk *k, cairo_t *cr, const struct cw_panel_ctx *c,
                        const char *adcode, struct rd_rect r, double px)
{
	const struct rd_theme *th = c->theme;
	const struct cw_snapshot *s = c->snap;
	double u = rd_unit(c->scale_h);
	k->nrows = 0;
	if (!s || !s->src[CW_SRC_ALERTS].has) {
		rd_draw_no_data(cr, th, r, c->scale_h);
		return;
	}
	const struct pr_alert *list[64];
	size_t n = 0;
	for (size_t i = 0; i < s->alert_count && n < 64; i++)
		if (s->alerts[i].status != PR_ALERT_RESOLVED && strcmp(s->alerts[i].adcode, adcode) == 0)
			list[n++] = &s->alerts[i];
	qsort(list, n, sizeof list[0], alert_cmp);
	if (n == 0) {
		struct rd_text_style es = style(c, px, RD_GOOD, RD_ALIGN_CENTER);
		rd_text_draw(cr, "当前无未处置预警", r.x, r.y, r.w, r.h, &es);
		return;
	}
	double rh = fmax(k->target_px, round(px * 2.3)), gap = round(4 * u), y = r.y;
	for (size_t i = 0; i < n && k->nrows < CW_KIOSK_ROWS && y + rh <= r.y + r.h; i++) {
		const struct pr_alert *a = list[i];
		struct rd_rect row = {r.x, y, r.w, rh};
		int idx = k->nrows++;
		k->rows[idx] = row;
		snprintf(k->row_ids[idx], sizeof k->row_ids[idx], "%s", a->id);
		bool pressed = k->pressed == CW_KIOSK_T_ROW + idx;
		struct rd_color gc = grade_color(th, a->grade);
		rd_rounded_rect(cr, row, 4 * u);
		rd_set_color(cr, pressed ? rd_color_alpha(th->colors[RD_ACCENT], 0.45)
		                         : rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.3));
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, (pressed ? 2.5 : 1) * u);
		rd_set_color(cr, pressed ? th->colors[RD_ACCENT] : rd_color_alpha(gc, 0.5));
		cairo_stroke(cr);
		rd_set_color(cr, gc);
		cairo_rectangle(cr, row.x, row.y + round(rh * 0.18), round(4 * u), rh - 2 * round(rh * 0.18));
		cairo_fill(cr);
		double x = row.x + round(px * 0.6), bw = round(px * 4.2), bh = round(px * 1.45);
		struct rd_text_style bs = style(c, round(px * 0.8), RD_TITLE, RD_ALIGN_CENTER);
		bs.bold = true;
		if (a->grade == 3)
			bs.color = th->colors[RD_BG2];
		rd_draw_badge(cr, (struct rd_rect){x, round(y + (rh - bh) / 2), bw, bh}, gc,
		              pr_grade_name(a->grade), &bs);
		x += bw + round(px * 0.5);
		double sw = round(px * 3.4), tw = round(px * 3.0), end = row.x + row.w - round(px * 0.4);
		bool acked = a->status == PR_ALERT_ACKED;
		struct rd_text_style ss = rd_text_style(th, round(px * 0.9),
		                                        acked ? th->colors[RD_GOOD] : th->grade[1],
		                                        RD_ALIGN_RIGHT);
		ss.bold = !acked;
		rd_text_draw(cr, acked ? "已确认" : "待确认", end - sw, y, sw, rh, &ss);
		end -= sw + round(px * 0.4);
		char t[32];
		format_time(a->raised_at, c->now, c->utc_offset_min, t, sizeof t);
		struct rd_text_style ts = style(c, round(px * 0.85), RD_TEXT_DIM, RD_ALIGN_RIGHT);
		rd_text_draw(cr, t, end - tw, y, tw, rh, &ts);
		end -= tw + round(px * 0.4);
		const char *title = a->title;
		const char *dn = district_name(s, adcode);
		size_t dl = strlen(dn);
		if (dl && strncmp(title, dn, dl) == 0 && title[dl])
			title += dl;
		struct rd_text_style ns = style(c, round(px * 0.95), RD_TEXT, RD_ALIGN_LEFT);
		rd_text_draw(cr, title, x, y, end - x, rh, &ns);
		y += rh + gap;
	}
	if ((size_t)k->nrows < n) {
		char more[64];
		pr_fmt(more, sizeof more, "另有 %zu 条未显示", n - (size_t)k->nrows);
		struct rd_text_style ms = style(c, round(px * 0.8), RD_TEXT_DIM, RD_ALIGN_RIGHT);
		if (y + px * 1.4 <= r.y + r.h)
			rd_text_draw(cr, more, r.x, y, r.w, round(px * 1.4), &ms);
	}
}

static void district_card(struct cw_kiosk *k, cairo_t *cr, const struct cw_panel_ctx *c)
{
	const struct rd_theme *th = c->theme;
	double W = k->canvas_w, H = k->canvas_h, S = c->scale_h;
	double u = rd_unit(c->scale_h), px = round(rd_theme_px(th, RD_SIZE_BODY, c->scale_h) * 1.15);
	const struct cw_snapshot *s = c->snap;
	const struct pr_district *d =
	    s && s->has_districts ? pr_districts_find(&s->districts, k->adcode) : NULL;
	double bw = round(fmin(W * 0.8, S * 1.6)), bh = round(fmin(H * 0.84, S * 0.84));
	struct rd_rect box = {round((W - bw) / 2), round((H - bh) / 2), bw, bh};
	char title[128];
	pr_fmt(title, sizeof title, "%s · 区县详情", d ? d->name : k->adcode);
	static const enum cw_kiosk_button btns[] = {CW_KIOSK_BTN_CLOSE};
	struct rd_rect in = card_frame(k, cr, c, box, title, btns, 1, th->colors[RD_ACCENT]);
	/* under the buttons' row, left of them: what the card is */
	struct rd_text_style fs = style(c, round(px * 0.8), RD_TEXT_DIM, RD_ALIGN_LEFT);
	char foot[160];
	pr_fmt(foot, sizeof foot, "行政区划代码 %s · 轻触预警查看详情 · 轻触卡片外关闭", k->adcode);
	double foot_w = k->nbuttons ? k->buttons[k->nbuttons - 1].x - in.x - px : in.w;
	double by = k->nbuttons ? k->buttons[0].y : in.y + in.h;
	rd_text_draw(cr, foot, in.x, by, foot_w, k->nbuttons ? k->buttons[0].h : px * 2, &fs);
	double gap = round(px * 1.2);
	double top_h = round(in.h * 0.45);
	double left_w = round(in.w * 0.46);
	struct rd_rect tl = {in.x, in.y, left_w, top_h};
	struct rd_rect tr = {in.x + left_w + gap, in.y, in.w - left_w - gap, top_h};
	struct rd_rect bl = {in.x, in.y + top_h + gap, left_w, in.h - top_h - gap};
	struct rd_rect br = {tr.x, bl.y, tr.w, bl.h};
	/* a thin rule between the parts */
	rd_set_color(cr, rd_color_alpha(th->colors[RD_GRID], 0.8));
	cairo_rectangle(cr, in.x, in.y + top_h + round(gap / 2), in.w, fmax(1, round(u)));
	cairo_rectangle(cr, in.x + left_w + round(gap / 2), in.y, fmax(1, round(u)), in.h);
	cairo_fill(cr);
	double hh;
	hh = heading(cr, c, tl.x, tl.y, tl.w, "核心指标", "全市排名", px);
	if (d)
		indicators(cr, c, &s->districts, d, (struct rd_rect){tl.x, tl.y + hh, tl.w, tl.h - hh},
		           px);
	else
		rd_draw_no_data(cr, th, (struct rd_rect){tl.x, tl.y + hh, tl.w, tl.h - hh}, c->scale_h);
	hh = heading(cr, c, tr.x, tr.y, tr.w, "近12小时事件",
	             "区县无历史指标：按网格事件的上报、结案时间逐时统计", px);
	if (s && s->src[CW_SRC_EVENTS].has)
		trend(cr, c, k->adcode, (struct rd_rect){tr.x, tr.y + hh, tr.w, tr.h - hh});
	else
		rd_draw_no_data(cr, th, (struct rd_rect){tr.x, tr.y + hh, tr.w, tr.h - hh}, c->scale_h);
	hh = heading(cr, c, bl.x, bl.y, bl.w, "在办事件", "按处置环节", px);
	events_part(cr, c, k->adcode, (struct rd_rect){bl.x, bl.y + hh, bl.w, bl.h - hh}, px);
	hh = heading(cr, c, br.x, br.y, br.w, "未处置预警", "轻触查看详情", px);
	alerts_part(k, cr, c, k->adcode, (struct rd_rect){br.x, br.y + hh, br.w, br.h - hh}, px);
}

/* ---- the alert card ---- */

static void alert_card(struct cw_kiosk *k, cairo_t *cr, const struct cw_panel_ctx *c)
{
	const struct rd_theme *th = c->theme;
	double W = k->canvas_w, H = k->canvas_h, S = c->scale_h;
	double px = round(rd_theme_px(th, RD_SIZE_BODY, c->scale_h) * 1.2);
	const struct cw_snapshot *s = c->snap;
	const struct pr_alert *a = s ? cw_snapshot_alert(s, k->alert_id) : NULL;
	double bw = round(fmin(W * 0.56, S * 0.92)), bh = round(fmin(H * 0.6, S * 0.5));
	struct rd_rect box = {round((W - bw) / 2), round((H - bh) / 2), bw, bh};
	static const enum cw_kiosk_button with_back[] = {CW_KIOSK_BTN_BACK, CW_KIOSK_BTN_CLOSE},
	                                  plain[] = {CW_KIOSK_BTN_CLOSE};
	struct rd_rect in = card_frame(k, cr, c, box, "预警详情", k->from_district ? with_back : plain,
	                               k->from_district ? 2 : 1,
	                               a ? grade_color(th, a->grade) : th->colors[RD_ACCENT]);
	k->nrows = 0;
	if (!a) {
		struct rd_text_style es = style(c, px, RD_TEXT_DIM, RD_ALIGN_CENTER);
		rd_text_draw(cr, "该预警已不在数据中", in.x, in.y, in.w, in.h, &es);
		return;
	}
	double x = in.x + round(px * 0.4), y = in.y + round(px * 0.3), w = in.w - round(px * 0.8);
	double ch = round(px * 1.7);
	struct rd_text_style cs = style(c, round(px * 0.95), RD_TITLE, RD_ALIGN_CENTER);
	cs.bold = true;
	if (a->grade == 3)
		cs.color = th->colors[RD_BG2];
	char grade[64];
	pr_fmt(grade, sizeof grade, "%s预警", pr_grade_name(a->grade));
	double gw = round(px * 6.2);
	rd_draw_badge(cr, (struct rd_rect){x, y, gw, ch}, grade_color(th, a->grade), grade, &cs);
	struct rd_text_style cat = style(c, px, RD_TEXT_DIM, RD_ALIGN_LEFT);
	rd_text_draw(cr, a->category, x + gw + round(px * 0.6), y, w - gw, ch, &cat);
	y += ch + round(px * 0.6);
	struct rd_text_style hs = style(c, round(px * 1.3), RD_TITLE, RD_ALIGN_LEFT);
	hs.bold = true;
	hs.max_lines = 2;
	rd_text_draw(cr, a->title, x, y, w, round(px * 3.6), &hs);
	y += round(px * 3.8);
	char t1[32], t2[32], t3[32];
	struct {
		const char *k;
		char v[640];
		int color;
	} f[8];
	int n = 0;
	format_time(a->raised_at, c->now, c->utc_offset_min, t1, sizeof t1);
	pr_fmt(f[n].v, sizeof f[n].v, "%s", district_name(s, a->adcode));
	f[n].color = RD_TEXT, f[n++].k = "区县";
	pr_fmt(f[n].v, sizeof f[n].v, "%s", t1);
	f[n].color = RD_TEXT, f[n++].k = "发生时间";
	bool escalated = a->status == PR_ALERT_NEW && cw_alarm_escalated(a, c->now);
	pr_fmt(f[n].v, sizeof f[n].v, "%s",
	       a->status == PR_ALERT_NEW ? (escalated ? "超时未确认" : "待确认")
	       : a->status == PR_ALERT_ACKED ? "已确认"
	                                     : "已处置");
	f[n].color = a->status == PR_ALERT_NEW ? RD_BAD : RD_GOOD, f[n++].k = "状态";
	if (a->acked_by[0]) {
		format_time(a->acked_at, c->now, c->utc_offset_min, t2, sizeof t2);
		pr_fmt(f[n].v, sizeof f[n].v, "%s 于 %s", a->acked_by, t2);
	} else {
		pr_fmt(f[n].v, sizeof f[n].v, "尚无人确认");
	}
	f[n].color = a->acked_by[0] ? RD_TEXT : RD_TEXT_DIM, f[n++].k = "确认人";
	if (a->note[0]) {
		pr_fmt(f[n].v, sizeof f[n].v, "%s", a->note);
		f[n].color = RD_TEXT, f[n++].k = "备注";
	}
	if (a->resolved_at) {
		format_time(a->resolved_at, c->now, c->utc_offset_min, t3, sizeof t3);
		pr_fmt(f[n].v, sizeof f[n].v, "%s 于 %s", a->resolved_by[0] ? a->resolved_by : "—", t3);
		f[n].color = RD_TEXT, f[n++].k = "处置";
	}
	pr_fmt(f[n].v, sizeof f[n].v, "%s", a->id);
	f[n].color = RD_TEXT_DIM, f[n++].k = "编号";
	double lh = round(px * 1.8), kw = round(px * 5);
	for (int i = 0; i < n && y + lh <= in.y + in.h; i++) {
		struct rd_text_style ks = style(c, px, RD_TEXT_DIM, RD_ALIGN_LEFT);
		struct rd_text_style vs = style(c, px, f[i].color, RD_ALIGN_LEFT);
		rd_text_draw(cr, f[i].k, x, y, kw, lh, &ks);
		rd_text_draw(cr, f[i].v, x + kw, y, w - kw, lh, &vs);
		y += lh;
	}
	(void)S;
}

void cw_kiosk_card_draw(void *ud, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct cw_kiosk *k = ud;
	cairo_save(cr);
	if (k->card == CW_KIOSK_CARD_DISTRICT)
		district_card(k, cr, c);
	else if (k->card == CW_KIOSK_CARD_ALERT)
		alert_card(k, cr, c);
	cairo_restore(cr);
}

/* ---- the alerts panel's rows (cw_panel_trend.c, alerts_draw) ---- */

static const double ALERT_ROW_EM = 2.4;

static int panel_alert_cmp(const void *a, const void *b)
{
	const struct pr_alert *x = *(const struct pr_alert *const *)a,
	                      *y = *(const struct pr_alert *const *)b;
	if (x->grade != y->grade)
		return x->grade < y->grade ? -1 : 1;
	if (x->raised_at != y->raised_at)
		return x->raised_at > y->raised_at ? -1 : 1;
	return strcmp(y->id, x->id);
}

int cw_kiosk_alert_rows(struct cw_panel *p, const struct cw_panel_ctx *c, char ids[][24],
                        struct rd_rect *rects, int max)
{
	const struct cw_snapshot *s = c->snap;
	if (!s || !s->src[CW_SRC_ALERTS].has || max <= 0)
		return 0;
	const struct pr_alert **a = malloc((s->alert_count ? s->alert_count : 1) * sizeof *a);
	if (!a)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < s->alert_count; i++)
		if (s->alerts[i].status != PR_ALERT_RESOLVED)
			a[n++] = &s->alerts[i];
	qsort(a, n, sizeof *a, panel_alert_cmp);
	/* the content rectangle as the panel's frame makes it */
	cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cairo_t *cr = cairo_create(scratch);
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	cairo_destroy(cr);
	cairo_surface_destroy(scratch);
	size_t want = n;
	if (p->def && p->def->rows > 0 && want > (size_t)p->def->rows)
		want = (size_t)p->def->rows;
	double px = rd_theme_px(c->theme, RD_SIZE_BODY, c->scale_h);
	size_t fit = (size_t)floor(in.h / (px * ALERT_ROW_EM));
	size_t shown = want < fit ? want : fit;
	int out = 0;
	if (shown > 0) {
		double rh = floor(fmin(in.h / shown, px * 3.2));
		for (size_t i = 0; i < shown && out < max; i++, out++) {
			snprintf(ids[out], 24, "%s", a[i]->id);
			rects[out] = (struct rd_rect){in.x, in.y + i * rh, in.w, rh};
		}
	}
	free(a);
	return out;
}
