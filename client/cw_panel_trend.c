/* Metric panels and the alert list:
 *   trend   the last 24 hours of up to four metrics (metrics.json histories: hourly, the last
 *           point the hour of generated_at) as line charts with a legend; metrics that share
 *           a unit and a scale share a chart, others get charts of their own side by side or
 *           stacked; daily running totals ("_today") are drawn per hour
 *   gauge   one metric as a semicircle gauge: 0..100 for percentages (with warn/bad zones),
 *           else 0 to a round number above the day's highest value
 *   alerts  active (not resolved) alerts, most severe then newest first: grade badge, title,
 *           district, time, 待确认/已确认 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_panel.h"
#include "pr_err.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"
#include "rd_widgets.h"

static const struct pr_metric *find_metric(const struct cw_panel_ctx *c, const char *key)
{
	return c->snap && c->snap->has_metrics ? pr_metrics_find(&c->snap->metrics, key) : NULL;
}

static uint64_t hash_metric(uint64_t h, const struct pr_metric *m)
{
	h = cw_hash_str(h, m->key);
	h = cw_hash_str(h, m->label);
	h = cw_hash_str(h, m->unit);
	h = cw_hash(h, &m->value, sizeof m->value);
	h = cw_hash(h, &m->decimals, sizeof m->decimals);
	h = cw_hash(h, &m->higher_is_better, sizeof m->higher_is_better);
	h = cw_hash(h, &m->has_change, sizeof m->has_change);
	h = cw_hash(h, &m->change_pct, sizeof m->change_pct);
	h = cw_hash_str(h, m->change_label);
	h = cw_hash(h, &m->history_len, sizeof m->history_len);
	return cw_hash(h, m->history, m->history_len * sizeof m->history[0]);
}

static uint64_t base_key(const struct cw_panel *p)
{
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	return cw_hash(h, &p->rect, sizeof p->rect);
}

/* ---- trend ---- */

enum { TREND_MAX = 4 };

/* One line as drawn. A daily running total (a key ending in "_today": counted since local
 * midnight, docs/api.md) falls back at midnight, which reads as a glitch on a 24-hour chart:
 * it is drawn as what came in each hour instead (the first hour unknown, the hour over
 * midnight at least the new day's count), "今日" left out of its name, its unit per hour. */
struct trend_series {
	const struct pr_metric *m;
	char label[64], unit[24];
	size_t len;
	double v[PR_HISTORY_MAX];
	int group; /* which chart it goes into */
};

struct trend {
	size_t n;
	struct trend_series s[TREND_MAX];
	int groups;
	int first_hour;
};

static double abs_max(const double *v, size_t n, double also)
{
	double hi = fabs(also);
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			hi = fmax(hi, fabs(v[i]));
	return hi;
}

static bool running_total(const struct pr_metric *m)
{
	size_t n = strlen(m->key);
	return n > 6 && strcmp(m->key + n - 6, "_today") == 0;
}

static void series_of(const struct pr_metric *m, struct trend_series *s)
{
	memset(s, 0, sizeof *s);
	s->m = m;
	s->len = m->history_len < PR_HISTORY_MAX ? m->history_len : PR_HISTORY_MAX;
	if (!running_total(m)) {
		cw_utf8_copy(s->label, sizeof s->label, m->label);
		cw_utf8_copy(s->unit, sizeof s->unit, m->unit);
		memcpy(s->v, m->history, s->len * sizeof s->v[0]);
		return;
	}
	/* "12345热线今日受理" -> "12345热线受理", "件" -> "件/小时". */
	const char *today = strstr(m->label, "今日");
	if (today)
		pr_fmt(s->label, sizeof s->label, "%.*s%s", (int)(today - m->label), m->label,
		       today + strlen("今日"));
	else
		pr_fmt(s->label, sizeof s->label, "%s", m->label);
	pr_fmt(s->unit, sizeof s->unit, "%s/小时", m->unit);
	for (size_t i = 0; i < s->len; i++) {
		double d = i > 0 ? m->history[i] - m->history[i - 1] : NAN;
		s->v[i] = i == 0 ? NAN : d >= 0 ? d : m->history[i];
	}
}

/* Same unit and within a factor of 10 of each other: one axis reads both. */
static bool compatible(const struct trend_series *a, const struct trend_series *b)
{
	double x = abs_max(a->v, a->len, 0), y = abs_max(b->v, b->len, 0);
	return strcmp(a->unit, b->unit) == 0 && fmax(x, y) <= 10 * fmax(1e-9, fmin(x, y));
}

static bool trend_of(const struct cw_panel *p, const struct cw_panel_ctx *c, struct trend *t)
{
	memset(t, 0, sizeof *t);
	for (int i = 0; i < p->def->metric_count && i < TREND_MAX; i++) {
		const struct pr_metric *m = find_metric(c, p->def->metrics[i]);
		if (!m || m->history_len == 0)
			continue;
		struct trend_series *s = &t->s[t->n];
		series_of(m, s);
		/* The first chart with the same unit and scale and room for another line. */
		int g = 0;
		for (; g < t->groups; g++) {
			size_t in_g = 0, first = t->n;
			for (size_t k = 0; k < t->n; k++)
				if (t->s[k].group == g) {
					in_g++;
					first = first < t->n ? first : k;
				}
			if (in_g < RD_LINE_SERIES_MAX && compatible(&t->s[first], s))
				break;
		}
		if (g == t->groups)
			t->groups++;
		s->group = g;
		t->n++;
	}
	if (t->n == 0)
		return false;
	/* The last point is the hour the metrics were generated (the clock when unknown). */
	int64_t at = c->snap->metrics.generated_at > 0 ? c->snap->metrics.generated_at
	                                               : (int64_t)floor(c->now);
	int64_t local = at + (int64_t)c->utc_offset_min * 60;
	int hour = (int)(((local % 86400) + 86400) % 86400 / 3600);
	size_t len = 0;
	for (size_t i = 0; i < t->n; i++)
		len = t->s[i].len > len ? t->s[i].len : len;
	t->first_hour = (int)((hour - (int)(len % 24) + 1 + 48) % 24);
	return true;
}

static uint64_t trend_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	static _Thread_local struct trend t;
	uint64_t h = base_key(p);
	if (!trend_of(p, c, &t))
		return cw_hash_str(h, "no data");
	for (size_t i = 0; i < t.n; i++) {
		const struct trend_series *s = &t.s[i];
		h = cw_hash_str(h, s->label);
		h = cw_hash_str(h, s->unit);
		h = cw_hash(h, &s->m->decimals, sizeof s->m->decimals);
		h = cw_hash(h, &s->group, sizeof s->group);
		h = cw_hash(h, &s->len, sizeof s->len);
		h = cw_hash(h, s->v, s->len * sizeof s->v[0]);
	}
	return cw_hash(h, &t.first_hour, sizeof t.first_hour);
}

static void trend_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	static _Thread_local struct trend t;
	if (!trend_of(p, c, &t)) {
		rd_draw_no_data(cr, c->theme, in, c->scale_h);
		return;
	}
	/* Several charts: side by side or stacked, whichever keeps them nearer 2:1. */
	double gap = round(16 * rd_unit(c->scale_h));
	double a_side = (in.w / t.groups) / in.h, a_stack = in.w / (in.h / t.groups);
	bool stack = fabs(log(a_stack / 2)) < fabs(log(a_side / 2));
	for (int g = 0; g < t.groups; g++) {
		struct rd_rect r = in;
		if (stack) {
			double y0 = round(in.y + g * (in.h + gap) / t.groups);
			double y1 = round(in.y + (g + 1) * (in.h + gap) / t.groups - gap);
			r.y = y0, r.h = y1 - y0;
		} else {
			double x0 = round(in.x + g * (in.w + gap) / t.groups);
			double x1 = round(in.x + (g + 1) * (in.w + gap) / t.groups - gap);
			r.x = x0, r.w = x1 - x0;
		}
		struct rd_line_series ls[RD_LINE_SERIES_MAX];
		size_t ns = 0;
		const struct trend_series *first = NULL;
		for (size_t i = 0; i < t.n && ns < RD_LINE_SERIES_MAX; i++) {
			if (t.s[i].group != g)
				continue;
			first = first ? first : &t.s[i];
			ls[ns++] = (struct rd_line_series){t.s[i].label, t.s[i].v, t.s[i].len};
		}
		struct rd_line_chart ch = {.series = ls,
		                           .series_count = ns,
		                           .first_hour = t.first_hour,
		                           .unit = first->unit,
		                           .decimals = first->m->decimals};
		rd_line_chart_draw(cr, c->theme, r, &ch, c->scale_h);
	}
}

/* Without generated_at the hours follow the clock. */
static double trend_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	static _Thread_local struct trend t;
	if (!trend_of(p, c, &t) || c->snap->metrics.generated_at > 0)
		return 0;
	return (floor(c->now / 3600) + 1) * 3600;
}

const struct cw_panel_kind cw_panel_trend = {
    .name = "trend", .key = trend_key, .draw = trend_draw, .next_change = trend_next};

/* ---- gauge ---- */

static bool gauge_of(const struct cw_panel *p, const struct cw_panel_ctx *c, struct rd_gauge *g)
{
	const struct pr_metric *m = find_metric(c, p->def->metric);
	if (!m)
		return false;
	*g = (struct rd_gauge){.value = m->value,
	                       .min = 0,
	                       .max = 100,
	                       .warn = NAN,
	                       .bad = NAN,
	                       .higher_is_better = m->higher_is_better,
	                       .label = m->label,
	                       .unit = m->unit,
	                       .decimals = m->decimals};
	/* Under a panel title saying what it is, the label gives the change instead. */
	if (p->def->title[0] && m->has_change) {
		static _Thread_local char change[64];
		pr_fmt(change, sizeof change, "%s %s%.1f%%", m->change_label[0] ? m->change_label : "变化",
		       m->change_pct >= 0 ? "+" : "", m->change_pct);
		g->label = change;
	}
	if (strcmp(m->unit, "%") == 0) {
		/* Rates: below 90 % is a warning and below 80 % bad; when lower is better, from
		 * 60 % a warning and from 80 % bad. */
		g->warn = m->higher_is_better ? 90 : 60;
		g->bad = 80;
	} else {
		double t0, step, hi = abs_max(m->history, m->history_len, m->value);
		int n = rd_nice_axis(0, hi * 1.1, 5, &t0, &step);
		g->min = fmin(0, t0);
		g->max = t0 + n * step;
	}
	return true;
}

static uint64_t gauge_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	uint64_t h = base_key(p);
	const struct pr_metric *m = find_metric(c, p->def->metric);
	return m ? hash_metric(h, m) : cw_hash_str(h, "no data");
}

/* A gauge keeps the picture of its frame and track (cw_still) and its arc's gradient: a new
 * value paints the still back and draws the value part only (rd_gauge_draw_cached). */
struct gauge_state {
	struct rd_gauge_cache *arc;
	struct cw_still still;
	struct rd_rect in; /* inside the frame, as last drawn */
};

static uint64_t gauge_still_key(const struct rd_gauge *g)
{
	double v[4] = {g->min, g->max, g->warn, g->bad};
	uint64_t h = cw_hash(CW_HASH_INIT, v, sizeof v);
	return cw_hash(h, &g->higher_is_better, sizeof g->higher_is_better);
}

static void gauge_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)c;
	p->state = calloc(1, sizeof(struct gauge_state));
	if (!p->state)
		abort();
}

static void gauge_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct gauge_state *st = p->state;
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	struct rd_gauge g;
	cw_still_forget(&st->still);
	if (!gauge_of(p, c, &g)) {
		rd_draw_no_data(cr, c->theme, in, c->scale_h);
		return;
	}
	rd_gauge_draw_cached(cr, c->theme, in, &g, c->scale_h, RD_GAUGE_STILL, &st->arc);
	cw_still_take(&st->still, p, cr, gauge_still_key(&g));
	st->in = in;
	rd_gauge_draw_cached(cr, c->theme, in, &g, c->scale_h, RD_GAUGE_VALUE, &st->arc);
}

static int gauge_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                        struct rd_irect *rects, int max)
{
	struct gauge_state *st = p->state;
	struct rd_gauge g;
	if (max < 1 || !gauge_of(p, c, &g) ||
	    !cw_still_usable(&st->still, p, cr, gauge_still_key(&g)))
		return -1;
	struct rd_irect box = rd_rect_outer(st->in);
	cw_still_put(&st->still, cr, box);
	cairo_save(cr);
	cairo_rectangle(cr, box.x, box.y, box.w, box.h);
	cairo_clip(cr);
	rd_gauge_draw_cached(cr, c->theme, st->in, &g, c->scale_h, RD_GAUGE_VALUE, &st->arc);
	cairo_restore(cr);
	rects[0] = box;
	return 1;
}

static void gauge_finish(struct cw_panel *p)
{
	struct gauge_state *st = p->state;
	if (st) {
		rd_gauge_cache_free(st->arc);
		cw_still_free(&st->still);
	}
	free(st);
	p->state = NULL;
}

const struct cw_panel_kind cw_panel_gauge = {.name = "gauge",
                                             .init = gauge_init,
                                             .key = gauge_key,
                                             .draw = gauge_draw,
                                             .update = gauge_update,
                                             .finish = gauge_finish};

/* ---- alerts ---- */

enum { ALERTS_MAX = 50 };
static const double ALERT_ROW_EM = 2.4; /* a row is 2.4 text heights */

struct alert_row {
	int grade;
	const char *title;
	char district[64];
	char time[16];
	bool acked;
};

static int alert_cmp(const void *a, const void *b)
{
	const struct pr_alert *x = *(const struct pr_alert *const *)a,
	                      *y = *(const struct pr_alert *const *)b;
	if (x->grade != y->grade)
		return x->grade < y->grade ? -1 : 1;
	if (x->raised_at != y->raised_at)
		return x->raised_at > y->raised_at ? -1 : 1;
	return strcmp(y->id, x->id);
}

static int clamp_grade(int g)
{
	return g >= PR_GRADE_MIN && g <= PR_GRADE_MAX ? g : PR_GRADE_MAX;
}

/* The active alerts in screen order, at most ALERTS_MAX; -1 without an alert source. */
static int alert_rows(const struct cw_panel_ctx *c, struct alert_row rows[ALERTS_MAX])
{
	const struct cw_snapshot *s = c->snap;
	if (!s || !s->src[CW_SRC_ALERTS].has)
		return -1;
	const struct pr_alert **a = malloc((s->alert_count ? s->alert_count : 1) * sizeof *a);
	if (!a)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < s->alert_count; i++) {
		if (s->alerts[i].status != PR_ALERT_RESOLVED)
			a[n++] = &s->alerts[i];
	}
	qsort(a, n, sizeof *a, alert_cmp);
	if (n > ALERTS_MAX)
		n = ALERTS_MAX;
	for (size_t i = 0; i < n; i++) {
		struct alert_row *r = &rows[i];
		r->grade = clamp_grade(a[i]->grade);
		r->title = a[i]->title;
		r->acked = a[i]->status == PR_ALERT_ACKED;
		const struct pr_district *d =
		    s->has_districts ? pr_districts_find(&s->districts, a[i]->adcode) : NULL;
		pr_fmt(r->district, sizeof r->district, "%s", d ? d->name : a[i]->adcode);
		time_t lt = (time_t)(a[i]->raised_at + (int64_t)c->utc_offset_min * 60);
		struct tm tm;
		gmtime_r(&lt, &tm);
		pr_fmt(r->time, sizeof r->time, "%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100);
	}
	free(a);
	return (int)n;
}

struct alerts_state {
	size_t cap; /* the most rows the panel can show: the key looks at no more */
};

static void alerts_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct alerts_state *st = calloc(1, sizeof *st);
	if (!st)
		abort();
	p->state = st;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cairo_t *cr = cairo_create(s);
	struct rd_rect in =
	    rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	/* alerts_draw shows at most this many rows (with shrunk text only when one row at full
	 * size does not fit). */
	double px = rd_theme_px(c->theme, RD_SIZE_BODY, c->scale_h);
	st->cap = in.h > 0 ? (size_t)floor(in.h / (px * ALERT_ROW_EM)) : 0;
	if (st->cap == 0)
		st->cap = in.h > 0 ? (size_t)floor(in.h / (fmax(9, px * 0.75) * ALERT_ROW_EM)) + 1 : 0;
	if (p->def->rows > 0 && (size_t)p->def->rows < st->cap)
		st->cap = (size_t)p->def->rows;
}

static void alerts_finish(struct cw_panel *p)
{
	free(p->state);
	p->state = NULL;
}

static uint64_t alerts_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	static _Thread_local struct alert_row rows[ALERTS_MAX];
	const struct alerts_state *st = p->state;
	uint64_t h = base_key(p);
	int n = alert_rows(c, rows);
	if (n < 0)
		return cw_hash_str(h, "no data");
	h = cw_hash(h, &n, sizeof n);
	for (int i = 0; i < n && (!st || (size_t)i < st->cap); i++) {
		h = cw_hash(h, &rows[i].grade, sizeof rows[i].grade);
		h = cw_hash_str(h, rows[i].title);
		h = cw_hash_str(h, rows[i].district);
		h = cw_hash_str(h, rows[i].time);
		h = cw_hash(h, &rows[i].acked, sizeof rows[i].acked);
	}
	return h;
}

static void alert_row_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                           const struct alert_row *a, double px, bool narrow, size_t i)
{
	const struct rd_color *k = th->colors;
	struct rd_color gc = th->grade[a->grade - 1];
	double gap = round(px * 0.6), lh = ceil(px * 1.5);
	double y = round(r.y + (r.h - lh) / 2);
	cairo_save(cr);
	if (i % 2 == 1) {
		rd_set_color(cr, rd_color_alpha(k[RD_PANEL_TITLE], 0.18));
		cairo_rectangle(cr, r.x, r.y, r.w, r.h);
		cairo_fill(cr);
	}
	/* The grade's color down the left edge. */
	rd_set_color(cr, gc);
	cairo_rectangle(cr, r.x, r.y + round(r.h * 0.2), fmax(2, round(px * 0.2)),
	                r.h - 2 * round(r.h * 0.2));
	cairo_fill(cr);
	cairo_restore(cr);

	double x = r.x + round(px * 0.6), end = r.x + r.w - round(px * 0.3);
	/* Badge: the grade's name in its color. */
	struct rd_text_style bs = rd_text_style(th, px * 0.9, gc, RD_ALIGN_CENTER);
	bs.bold = true;
	double bw = round(px * 4.6), bh = round(px * 1.6);
	struct rd_rect br = {x, round(r.y + (r.h - bh) / 2), bw, bh};
	rd_draw_badge(cr, br, rd_color_alpha(gc, 0.2), pr_grade_name(a->grade), &bs);
	cairo_save(cr);
	rd_set_color(cr, rd_color_alpha(gc, 0.8));
	cairo_set_line_width(cr, 1);
	rd_rounded_rect(cr, rd_rect_inset(br, 0.5, 0.5), bh * 0.22);
	cairo_stroke(cr);
	cairo_restore(cr);
	x += bw + gap;

	/* Right to left: status, time, district. */
	struct rd_text_style ss = rd_text_style(th, px, a->acked ? k[RD_GOOD] : th->grade[1],
	                                        RD_ALIGN_RIGHT);
	ss.bold = !a->acked;
	double sw = round(px * 3.4);
	rd_text_draw(cr, a->acked ? "已确认" : "待确认", end - sw, y, sw, lh, &ss);
	end -= sw + gap;
	struct rd_text_style ts = rd_text_style(th, px, k[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	double tw = round(px * 3.0);
	rd_text_draw(cr, a->time, end - tw, y, tw, lh, &ts);
	end -= tw + gap;
	if (!narrow) {
		double dw = round(px * 3.6);
		ts.align = RD_ALIGN_LEFT;
		ts.color = k[RD_TEXT];
		rd_text_draw(cr, a->district, end - dw, y, dw, lh, &ts);
		end -= dw + gap;
	}
	/* With the district in its own column the title need not repeat it. */
	const char *title = a->title;
	size_t dn = strlen(a->district);
	if (!narrow && dn > 0 && strncmp(title, a->district, dn) == 0 && title[dn] != '\0')
		title += dn;
	struct rd_text_style ns = rd_text_style(th, px, k[RD_TEXT], RD_ALIGN_LEFT);
	if (end - x > px * 2)
		rd_text_draw(cr, title, x, y, end - x, lh, &ns);
}

static void alerts_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	static _Thread_local struct alert_row rows[ALERTS_MAX];
	const struct rd_theme *th = c->theme;
	struct rd_rect in = rd_panel_frame(cr, th, p->rect, cw_panel_title_text(p), c->scale_h);
	int n = alert_rows(c, rows);
	if (n < 0) {
		rd_draw_no_data(cr, th, in, c->scale_h);
		return;
	}
	if (n == 0) {
		struct rd_text_style st = rd_text_style(th, rd_theme_px(th, RD_SIZE_BODY, c->scale_h),
		                                        th->colors[RD_GOOD], RD_ALIGN_CENTER);
		rd_text_draw(cr, "当前无未处置告警", in.x, in.y, in.w, in.h, &st);
		return;
	}
	size_t want = (size_t)n;
	if (p->def->rows > 0 && want > (size_t)p->def->rows)
		want = (size_t)p->def->rows;
	/* Fewer rows at full size read better across a room than more small ones; text shrinks
	 * only when not even one row fits. */
	double px = rd_theme_px(th, RD_SIZE_BODY, c->scale_h);
	size_t fit = (size_t)floor(in.h / (px * ALERT_ROW_EM));
	size_t shown = fit > 0 ? (want < fit ? want : fit)
	                       : rd_list_rows(cr, th, in, want, ALERT_ROW_EM, &px, c->scale_h);
	if (shown == 0)
		return;
	double rh = floor(fmin(in.h / shown, px * 3.2));
	bool narrow = in.w < px * 24;
	for (size_t i = 0; i < shown; i++)
		alert_row_draw(cr, th, (struct rd_rect){in.x, in.y + i * rh, in.w, rh}, &rows[i], px,
		               narrow, i);
}

const struct cw_panel_kind cw_panel_alerts = {.name = "alerts",
                                              .init = alerts_init,
                                              .key = alerts_key,
                                              .draw = alerts_draw,
                                              .finish = alerts_finish};
