/* A few large figures computed from the snapshot's grid events ("bind"):
 *   events.summary      今日上报, 在办, 超期, 今日结案, 处置完成率, 平均处置时长, as a strip of
 *                       KPI-like figures that arranges itself to the panel's shape
 *   events.by_district  events reported today per district, ranked: a bar chart on a wide
 *                       panel, a ranking list otherwise
 * "Today" starts at local midnight of the clock (the feed keeps open events, and closed ones
 * for 24 h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_panel.h"
#include "pr_err.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"
#include "rd_widgets.h"

enum bind { BIND_UNKNOWN, BIND_SUMMARY, BIND_BY_DISTRICT };
static const char *const bind_names[] = {"", "events.summary", "events.by_district"};

struct state {
	enum bind bind;
	/* events.summary: the frame as drawn (before the figures) and the figures drawn over
	 * it, so a new figure repaints its own cell only */
	struct cw_still still;
	struct rd_rect in;
	bool shown;
	struct figure_drawn {
		char num[32], unit[16];
		struct rd_color color;
	} drawn[6];
};

/* ---- events.summary ---- */

/* The figures, in the order cw_panel_stats_summary writes them. */
enum { SUM_TODAY, SUM_OPEN, SUM_OVERDUE, SUM_CLOSED_TODAY, SUM_CLOSURE_PCT, SUM_AVG_MIN, SUM_N };


static int64_t local_midnight(double now, int utc_offset_min)
{
	int64_t local = (int64_t)floor(now) + (int64_t)utc_offset_min * 60;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	return day * 86400 - (int64_t)utc_offset_min * 60;
}

void cw_panel_stats_summary(const struct cw_snapshot *s, double now, int utc_offset_min,
                            double out[6])
{
	int64_t midnight = local_midnight(now, utc_offset_min);
	double today = 0, open = 0, overdue = 0, closed_today = 0, done_24h = 0, late_24h = 0;
	double minutes = 0, timed = 0;
	for (size_t i = 0; s && i < s->event_count; i++) {
		const struct pr_event *e = &s->events[i];
		int64_t rep = e->step_at[PR_EVENT_REPORTED], end = e->step_at[PR_EVENT_CLOSED];
		bool closed = e->status == PR_EVENT_CLOSED;
		if (rep >= midnight && rep < midnight + 86400)
			today++;
		/* cbwalld's closure_rate (docs/api.md), so this figure and a gauge of that metric
		 * agree: of the last 24 h's events that are closed or past their deadline, the
		 * share closed */
		if (rep > (int64_t)floor(now) - 86400 && rep <= (int64_t)floor(now)) {
			done_24h += closed;
			late_24h += !closed && e->overdue;
		}
		if (!closed) {
			open++;
			overdue += e->overdue;
		} else if (end >= midnight && end < midnight + 86400) {
			closed_today++;
			if (rep > 0 && end >= rep)
				minutes += (double)(end - rep) / 60, timed++;
		}
	}
	out[SUM_TODAY] = today;
	out[SUM_OPEN] = open;
	out[SUM_OVERDUE] = overdue;
	out[SUM_CLOSED_TODAY] = closed_today;
	out[SUM_CLOSURE_PCT] = done_24h + late_24h > 0 ? done_24h / (done_24h + late_24h) * 100 : NAN;
	out[SUM_AVG_MIN] = timed > 0 ? minutes / timed : NAN;
}

struct figure {
	const char *label;
	char num[32], unit[16];
	struct rd_color color;
};

static void summary_figures(const struct cw_panel_ctx *c, struct figure f[SUM_N])
{
	const struct rd_color *k = c->theme->colors;
	double v[SUM_N];
	cw_panel_stats_summary(c->snap, c->now, c->utc_offset_min, v);
	/* cbwalld's own figure wins when it is there: it sees every event of the day, and the
	 * same screen may show it in a gauge, so the two must agree */
	const struct pr_metric *rate =
	    c->snap && c->snap->has_metrics ? pr_metrics_find(&c->snap->metrics, "closure_rate") : NULL;
	if (rate && isfinite(rate->value))
		v[SUM_CLOSURE_PCT] = rate->value;
	const struct pr_metric *handle =
	    c->snap && c->snap->has_metrics ? pr_metrics_find(&c->snap->metrics, "avg_handle_hours")
	                                    : NULL;
	if (handle && isfinite(handle->value) && strcmp(handle->unit, "小时") == 0)
		v[SUM_AVG_MIN] = handle->value * 60;
	static const char *const labels[SUM_N] = {"今日上报", "在办事件", "超期事件",
	                                          "今日结案", "处置完成率", "平均处置时长"};
	for (int i = 0; i < SUM_N; i++) {
		f[i].label = labels[i];
		f[i].color = k[RD_VALUE];
		if (i < SUM_CLOSURE_PCT) {
			rd_format_grouped(v[i], 0, f[i].num, sizeof f[i].num);
			pr_fmt(f[i].unit, sizeof f[i].unit, "件");
		}
	}
	if (v[SUM_OVERDUE] > 0)
		f[SUM_OVERDUE].color = k[RD_BAD];
	f[SUM_CLOSED_TODAY].color = k[RD_GOOD];
	if (isnan(v[SUM_CLOSURE_PCT]))
		pr_fmt(f[SUM_CLOSURE_PCT].num, sizeof f[SUM_CLOSURE_PCT].num, "--");
	else
		pr_fmt(f[SUM_CLOSURE_PCT].num, sizeof f[SUM_CLOSURE_PCT].num, "%.1f",
		       v[SUM_CLOSURE_PCT]);
	pr_fmt(f[SUM_CLOSURE_PCT].unit, sizeof f[SUM_CLOSURE_PCT].unit, "%%");
	f[SUM_CLOSURE_PCT].color = k[RD_GOOD];
	double m = v[SUM_AVG_MIN];
	if (isnan(m))
		pr_fmt(f[SUM_AVG_MIN].num, sizeof f[SUM_AVG_MIN].num, "--");
	else if (m < 100)
		pr_fmt(f[SUM_AVG_MIN].num, sizeof f[SUM_AVG_MIN].num, "%.0f", m);
	else
		pr_fmt(f[SUM_AVG_MIN].num, sizeof f[SUM_AVG_MIN].num, "%.1f", m / 60);
	pr_fmt(f[SUM_AVG_MIN].unit, sizeof f[SUM_AVG_MIN].unit, "%s",
	       !isnan(m) && m >= 100 ? "小时" : "分钟");
}

/* Figures on a cols x rows grid, whichever arrangement gives them the largest text: where
 * figure i goes, and the text scale. */
static struct rd_rect summary_cell(const struct rd_theme *th, struct rd_rect in, int scale_h,
                                   int i, double *f_scale)
{
	double u = rd_unit(scale_h), gap = round(8 * u);
	double vpx = rd_theme_px(th, RD_SIZE_KPI_VALUE, scale_h);
	double lpx = rd_theme_px(th, RD_SIZE_KPI_LABEL, scale_h);
	/* A figure wants about 5.5 digit widths across and a label plus a number down. */
	double want_w = vpx * 4.2, want_h = lpx * 1.6 + vpx * 1.3 + 2 * gap;
	static const int shapes[][2] = {{6, 1}, {3, 2}, {2, 3}, {1, 6}};
	int cols = 3, rows = 2;
	double best = -1;
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		double cw = (in.w - (shapes[k][0] - 1) * gap) / shapes[k][0];
		double ch = (in.h - (shapes[k][1] - 1) * gap) / shapes[k][1];
		double sc = fmin(cw / want_w, ch / want_h);
		if (sc > best + 1e-9)
			best = sc, cols = shapes[k][0], rows = shapes[k][1];
	}
	*f_scale = fmin(1.0, fmax(0.55, best));
	int col = i % cols, row = i / cols;
	double x0 = round(in.x + col * (in.w + gap) / cols);
	double x1 = round(in.x + (col + 1) * (in.w + gap) / cols - gap);
	double y0 = round(in.y + row * (in.h + gap) / rows);
	double y1 = round(in.y + (row + 1) * (in.h + gap) / rows - gap);
	return (struct rd_rect){x0, y0, x1 - x0, y1 - y0};
}

static void summary_draw_one(cairo_t *cr, const struct cw_panel_ctx *c, struct rd_rect in,
                             const struct figure *f, int i)
{
	const struct rd_theme *th = c->theme;
	const struct rd_color *k = th->colors;
	double u = rd_unit(c->scale_h), gap = round(8 * u), f_scale;
	double vpx = rd_theme_px(th, RD_SIZE_KPI_VALUE, c->scale_h);
	double lpx = rd_theme_px(th, RD_SIZE_KPI_LABEL, c->scale_h);
	struct rd_rect cell = summary_cell(th, in, c->scale_h, i, &f_scale);
	cairo_save(cr);
	cairo_pattern_t *g = cairo_pattern_create_linear(0, cell.y, 0, cell.y + cell.h);
	struct rd_color t = k[RD_PANEL_TITLE];
	cairo_pattern_add_color_stop_rgba(g, 0, t.r, t.g, t.b, 0.10);
	cairo_pattern_add_color_stop_rgba(g, 1, t.r, t.g, t.b, 0.38);
	cairo_set_source(cr, g);
	cairo_rectangle(cr, cell.x, cell.y, cell.w, cell.h);
	cairo_fill(cr);
	cairo_pattern_destroy(g);
	/* A bright base line, like a KPI card's foot. */
	rd_set_color(cr, rd_color_alpha(f->color, 0.8));
	cairo_rectangle(cr, cell.x + cell.w * 0.2, cell.y + cell.h - fmax(1, round(2 * u)),
	                cell.w * 0.6, fmax(1, round(2 * u)));
	cairo_fill(cr);
	cairo_restore(cr);

	double l = lpx * f_scale, v = vpx * f_scale;
	double block = l * 1.6 + v * 1.3, y = cell.y + fmax(0, (cell.h - block) / 2);
	struct rd_text_style ls = rd_text_style(th, l, k[RD_TEXT_DIM], RD_ALIGN_CENTER);
	ls.px = rd_text_fit_px(cr, f->label, &ls, cell.w - 2 * gap, l * 0.8);
	rd_text_draw(cr, f->label, cell.x + gap, y, cell.w - 2 * gap, l * 1.6, &ls);
	struct rd_text_style vs = rd_text_style(th, v, f->color, RD_ALIGN_CENTER);
	vs.bold = true;
	rd_draw_value_unit(cr, f->num, f->unit, &vs, k[RD_TEXT],
	                   (struct rd_rect){cell.x + gap, y + l * 1.6, cell.w - 2 * gap, v * 1.3});
}

static void remember(struct figure_drawn *d, const struct figure *f)
{
	memcpy(d->num, f->num, sizeof d->num);
	memcpy(d->unit, f->unit, sizeof d->unit);
	d->color = f->color;
}

static bool same_figure(const struct figure_drawn *d, const struct figure *f)
{
	return strcmp(d->num, f->num) == 0 && strcmp(d->unit, f->unit) == 0 &&
	       memcmp(&d->color, &f->color, sizeof d->color) == 0;
}

static void summary_draw(cairo_t *cr, const struct cw_panel_ctx *c, struct rd_rect in,
                         struct state *st)
{
	struct figure f[SUM_N];
	summary_figures(c, f);
	for (int i = 0; i < SUM_N; i++) {
		summary_draw_one(cr, c, in, &f[i], i);
		remember(&st->drawn[i], &f[i]);
	}
}

static uint64_t summary_hash(uint64_t h, const struct cw_panel_ctx *c)
{
	struct figure f[SUM_N];
	summary_figures(c, f);
	for (int i = 0; i < SUM_N; i++) {
		h = cw_hash_str(h, f[i].num);
		h = cw_hash_str(h, f[i].unit);
		h = cw_hash(h, &f[i].color, sizeof f[i].color);
	}
	return h;
}

/* ---- events.by_district ---- */

enum { DISTRICTS_MAX = 64 };

struct district_count {
	char adcode[8];
	char name[32];
	double count;
};

static int count_cmp(const void *a, const void *b)
{
	const struct district_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->adcode, y->adcode);
}

/* Every district of districts.json (also those without events) and any other district an
 * event names, with today's events; ranked. Returns how many. */
static size_t by_district(const struct cw_panel_ctx *c, struct district_count d[DISTRICTS_MAX])
{
	const struct cw_snapshot *s = c->snap;
	size_t n = 0;
	for (size_t i = 0; s->has_districts && i < s->districts.count && n < DISTRICTS_MAX; i++) {
		memset(&d[n], 0, sizeof d[n]);
		pr_fmt(d[n].adcode, sizeof d[n].adcode, "%s", s->districts.items[i].adcode);
		cw_utf8_copy(d[n].name, sizeof d[n].name, s->districts.items[i].name);
		n++;
	}
	int64_t midnight = local_midnight(c->now, c->utc_offset_min);
	for (size_t i = 0; i < s->event_count; i++) {
		const struct pr_event *e = &s->events[i];
		int64_t rep = e->step_at[PR_EVENT_REPORTED];
		if (rep < midnight || rep >= midnight + 86400)
			continue;
		size_t k = 0;
		while (k < n && strcmp(d[k].adcode, e->adcode) != 0)
			k++;
		if (k == n) {
			if (n == DISTRICTS_MAX)
				continue;
			memset(&d[n], 0, sizeof d[n]);
			pr_fmt(d[n].adcode, sizeof d[n].adcode, "%s", e->adcode);
			/* Not in districts.json: the first word of the address names it. */
			char name[32];
			size_t w = strcspn(e->address, " ");
			pr_fmt(name, sizeof name, "%.*s", (int)(w < 31 ? w : 31), e->address);
			cw_utf8_copy(d[n].name, sizeof d[n].name, name[0] ? name : e->adcode);
			n++;
		}
		d[k].count++;
	}
	qsort(d, n, sizeof *d, count_cmp);
	return n;
}

static bool wide(struct rd_rect in)
{
	return in.w > in.h * 1.5;
}

static void by_district_draw(cairo_t *cr, const struct cw_panel *p, const struct cw_panel_ctx *c,
                             struct rd_rect in)
{
	struct district_count d[DISTRICTS_MAX];
	size_t n = by_district(c, d);
	if (wide(in)) {
		struct rd_bar_item items[DISTRICTS_MAX];
		for (size_t i = 0; i < n; i++)
			items[i] = (struct rd_bar_item){d[i].name, d[i].count, NAN};
		struct rd_bar_chart ch = {.items = items, .count = n, .unit = "件"};
		rd_bar_chart_draw(cr, c->theme, in, &ch, c->scale_h);
	} else {
		struct rd_rank_item items[DISTRICTS_MAX];
		for (size_t i = 0; i < n; i++)
			items[i] = (struct rd_rank_item){d[i].name, d[i].count};
		struct rd_rank_list l = {.items = items,
		                         .count = n,
		                         .unit = "件",
		                         .max_rows = p->def->rows > 0 ? (size_t)p->def->rows : 0};
		rd_rank_draw(cr, c->theme, in, &l, c->scale_h);
	}
}

static uint64_t by_district_hash(uint64_t h, const struct cw_panel_ctx *c)
{
	struct district_count d[DISTRICTS_MAX];
	size_t n = by_district(c, d);
	h = cw_hash(h, &n, sizeof n);
	for (size_t i = 0; i < n; i++) {
		h = cw_hash_str(h, d[i].name);
		h = cw_hash(h, &d[i].count, sizeof d[i].count);
	}
	return h;
}

/* ---- the kind ---- */

static bool has_data(const struct cw_panel *p, const struct cw_panel_ctx *c)
{
	const struct state *st = p->state;
	return st && st->bind != BIND_UNKNOWN && c->snap && c->snap->src[CW_SRC_EVENTS].has;
}

static void stats_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct state *st = calloc(1, sizeof *st);
	if (!st)
		abort();
	p->state = st;
	for (size_t i = 1; i < sizeof bind_names / sizeof bind_names[0]; i++)
		if (strcmp(p->def->bind, bind_names[i]) == 0)
			st->bind = (enum bind)i;
	if (st->bind == BIND_UNKNOWN)
		fprintf(stderr, "cbwall: scene %s: %s: bind \"%s\": unknown (known: events.summary, "
		        "events.by_district)\n", c->scene ? c->scene->name : "?", p->def->id,
		        p->def->bind);
}

static void stats_finish(struct cw_panel *p)
{
	struct state *st = p->state;
	if (st)
		cw_still_free(&st->still);
	free(p->state);
	p->state = NULL;
}

static uint64_t stats_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	h = cw_hash(h, &p->rect, sizeof p->rect);
	if (!has_data(p, c))
		return cw_hash_str(h, "no data");
	const struct state *st = p->state;
	h = cw_hash(h, &st->bind, sizeof st->bind);
	return st->bind == BIND_SUMMARY ? summary_hash(h, c) : by_district_hash(h, c);
}

static void stats_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct state *st = p->state;
	if (st)
		cw_still_forget(&st->still);
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	if (!has_data(p, c)) {
		rd_draw_no_data(cr, c->theme, in, c->scale_h);
		return;
	}
	if (st->bind == BIND_SUMMARY) {
		cw_still_take(&st->still, p, cr, 0);
		st->in = in;
		summary_draw(cr, c, in, st);
	} else {
		by_district_draw(cr, p, c, in);
	}
}

/* events.summary: the cells whose figure changed, each from the still (the frame) up. */
static int stats_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                        struct rd_irect *rects, int max)
{
	struct state *st = p->state;
	if (!has_data(p, c) || st->bind != BIND_SUMMARY || max < SUM_N ||
	    !cw_still_usable(&st->still, p, cr, 0))
		return -1;
	struct figure f[SUM_N];
	summary_figures(c, f);
	int n = 0;
	for (int i = 0; i < SUM_N; i++) {
		if (same_figure(&st->drawn[i], &f[i]))
			continue;
		double scale;
		struct rd_irect box = rd_rect_outer(summary_cell(c->theme, st->in, c->scale_h, i, &scale));
		cw_still_put(&st->still, cr, box);
		cairo_save(cr);
		cairo_rectangle(cr, box.x, box.y, box.w, box.h);
		cairo_clip(cr);
		summary_draw_one(cr, c, st->in, &f[i], i);
		cairo_restore(cr);
		remember(&st->drawn[i], &f[i]);
		rects[n++] = box;
	}
	return n;
}

/* "Today" rolls over at local midnight. */
static double stats_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	if (!has_data(p, c))
		return 0;
	return (double)(local_midnight(c->now, c->utc_offset_min) + 86400);
}

const struct cw_panel_kind cw_panel_stats = {.name = "stats",
                                             .init = stats_init,
                                             .key = stats_key,
                                             .draw = stats_draw,
                                             .update = stats_update,
                                             .next_change = stats_next,
                                             .finish = stats_finish};
