#include <math.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

enum { MAX_POINTS = 4096 };

/* The palette entries of the three series: cyan, orange, green. */
static const size_t series_color[RD_LINE_SERIES_MAX] = {0, 2, 3};

/* Appends a monotone cubic (Fritsch-Carlson) through the points: smooth like the browser
 * charts, but never overshooting a value, so the curve stays inside the plot. */
static void monotone_path(cairo_t *cr, const double *x, const double *y, size_t n)
{
	cairo_move_to(cr, x[0], y[0]);
	if (n == 1)
		return;
	double m_prev = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		double dx = x[i + 1] - x[i];
		double d0 = i > 0 ? (y[i] - y[i - 1]) / (x[i] - x[i - 1]) : NAN;
		double d1 = (y[i + 1] - y[i]) / dx;
		double d2 = i + 2 < n ? (y[i + 2] - y[i + 1]) / (x[i + 2] - x[i + 1]) : NAN;
		/* Tangents: zero at extrema, harmonic mean inside, one-sided at the ends. */
		double m0 = i == 0 ? d1 : m_prev;
		double m1 = isnan(d2) ? d1 : d1 * d2 <= 0 ? 0 : 2 / (1 / d1 + 1 / d2);
		if (i > 0 && d0 * d1 <= 0)
			m0 = 0;
		cairo_curve_to(cr, x[i] + dx / 3, y[i] + m0 * dx / 3, x[i + 1] - dx / 3,
		               y[i + 1] - m1 * dx / 3, x[i + 1], y[i + 1]);
		m_prev = m1;
	}
}

struct plot {
	struct rd_rect area;
	struct rd_axis axis;
	size_t n;
	double u;
};

static double point_x(const struct plot *p, size_t i)
{
	return p->n < 2 ? p->area.x + p->area.w / 2
	                : p->area.x + p->area.w * i / (double)(p->n - 1);
}

/* One series: area, line in runs between gaps, hollow dots when there is room, and the latest
 * point; returns the index of the latest finite point (or n when none). */
static size_t draw_series(cairo_t *cr, const struct rd_theme *th, const struct plot *p,
                          const struct rd_line_series *s, struct rd_color color, bool area)
{
	size_t n = !s->values ? 0 : s->n < p->n ? s->n : p->n, last = p->n;
	static _Thread_local double xs[MAX_POINTS], ys[MAX_POINTS];
	double base = fmin(p->area.y + p->area.h,
	                   fmax(p->area.y, rd_axis_y(&p->axis, p->area.y, p->area.h, 0)));
	double lw = fmax(1.5, 2 * p->u);
	double spacing = p->n > 1 ? p->area.w / (p->n - 1) : p->area.w;
	bool dots = spacing >= 14 * p->u;
	cairo_save(cr);
	cairo_new_path(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (size_t i = 0; i < n;) {
		size_t run = 0;
		while (i + run < n && !isnan(rd_sane(s->values[i + run]))) {
			xs[run] = point_x(p, i + run);
			ys[run] =
			    rd_axis_y(&p->axis, p->area.y, p->area.h, rd_sane(s->values[i + run]));
			run++;
		}
		if (run > 0) {
			last = i + run - 1;
			if (area && run > 1) {
				monotone_path(cr, xs, ys, run);
				cairo_line_to(cr, xs[run - 1], base);
				cairo_line_to(cr, xs[0], base);
				cairo_close_path(cr);
				cairo_pattern_t *g =
				    cairo_pattern_create_linear(0, p->area.y, 0, base);
				cairo_pattern_add_color_stop_rgba(g, 0, color.r, color.g, color.b,
				                                  0.38);
				cairo_pattern_add_color_stop_rgba(g, 1, color.r, color.g, color.b,
				                                  0.02);
				cairo_set_source(cr, g);
				cairo_fill(cr);
				cairo_pattern_destroy(g);
			}
			monotone_path(cr, xs, ys, run);
			rd_set_color(cr, color);
			cairo_set_line_width(cr, lw);
			cairo_stroke(cr);
			for (size_t k = 0; dots && k < run; k++) {
				cairo_new_sub_path(cr);
				cairo_arc(cr, xs[k], ys[k], 2.5 * p->u, 0, 2 * M_PI);
			}
			if (dots) {
				rd_set_color(cr, th->colors[RD_BG2]);
				cairo_fill_preserve(cr);
				rd_set_color(cr, color);
				cairo_set_line_width(cr, fmax(1, 1.2 * p->u));
				cairo_stroke(cr);
			}
		}
		i += run + 1;
	}
	if (last < p->n) {
		double x = point_x(p, last),
		       y = rd_axis_y(&p->axis, p->area.y, p->area.h, rd_sane(s->values[last]));
		rd_set_color(cr, rd_color_alpha(color, 0.3));
		cairo_arc(cr, x, y, 7 * p->u, 0, 2 * M_PI);
		cairo_fill(cr);
		rd_set_color(cr, th->colors[RD_TITLE]);
		cairo_arc(cr, x, y, 3.5 * p->u, 0, 2 * M_PI);
		cairo_fill(cr);
		rd_set_color(cr, color);
		cairo_arc(cr, x, y, 2.2 * p->u, 0, 2 * M_PI);
		cairo_fill(cr);
	}
	cairo_restore(cr);
	return last;
}

/* The latest value of the first series in a tag over its point (under it near the top),
 * kept inside bounds. */
static void draw_tag(cairo_t *cr, const struct rd_theme *th, const struct plot *p,
                     struct rd_rect bounds, double value, const struct rd_line_chart *ch, double px,
                     struct rd_color color, size_t i)
{
	char num[64], unit[64];
	rd_format_value(value, ch->decimals, ch->unit, num, sizeof num, unit, sizeof unit);
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TITLE], RD_ALIGN_CENTER);
	st.bold = true;
	double nw, uw = 0;
	rd_text_size(cr, num, &st, &nw, NULL);
	struct rd_text_style us = st;
	us.px = px * 0.6;
	if (*unit)
		rd_text_size(cr, unit, &us, &uw, NULL);
	double pad = round(px * 0.4), h = ceil(px * 1.45);
	double w = ceil(nw + uw + round(px * 0.12) + 2 * pad);
	if (w + 2 > bounds.w || h * 2 + 2 > bounds.h)
		return;
	double x = point_x(p, i), y = rd_axis_y(&p->axis, p->area.y, p->area.h, value);
	bounds = rd_rect_inset(bounds, 1, 1); /* room for the outline */
	double tx = fmin(fmax(round(x - w / 2), bounds.x), bounds.x + bounds.w - w);
	double ty = round(y - 9 * p->u - h);
	if (ty < bounds.y)
		ty = round(y + 9 * p->u);
	ty = fmin(ty, bounds.y + bounds.h - h);
	struct rd_rect box = {tx, ty, w, h};
	cairo_save(cr);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_BG2], 0.85));
	rd_rounded_rect(cr, box, h * 0.2);
	cairo_fill_preserve(cr);
	rd_set_color(cr, color);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	cairo_restore(cr);
	rd_draw_value_unit(cr, num, unit, &st, th->colors[RD_TEXT_DIM], rd_rect_inset(box, pad, 1));
}

void rd_line_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                        const struct rd_line_chart *ch, int canvas_h)
{
	if (!ch || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	size_t ns = ch->series ? (ch->series_count < RD_LINE_SERIES_MAX ? ch->series_count
	                                                                : RD_LINE_SERIES_MAX)
	                       : 0;
	struct plot p = {.u = u};
	double lo = INFINITY, hi = -INFINITY;
	struct rd_legend_item legend[RD_LINE_SERIES_MAX];
	size_t nl = 0;
	for (size_t s = 0; s < ns; s++) {
		const struct rd_line_series *se = &ch->series[s];
		size_t n = se->values ? (se->n < MAX_POINTS ? se->n : MAX_POINTS) : 0;
		p.n = n > p.n ? n : p.n;
		for (size_t i = 0; i < n; i++) {
			double v = rd_sane(se->values[i]);
			if (!isnan(v))
				lo = fmin(lo, v), hi = fmax(hi, v);
		}
		if (se->name && *se->name)
			legend[nl++] = (struct rd_legend_item){
			    se->name, rd_palette(th, series_color[s]), NULL};
	}
	if (lo > hi)
		lo = 0, hi = 0;
	if (lo > 0)
		lo = 0; /* trends of counts start at zero, as the eye expects */

	char unit[64];
	double div = rd_unit_scale(fmax(fabs(lo), fabs(hi)), ch->unit, unit, sizeof unit);
	double top = rd_chart_top_row(cr, th, r, unit, NULL, legend, nl, canvas_h);

	/* x labels: given ones, or hours. */
	struct rd_text_style xs = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_CENTER);
	double xlw;
	rd_text_size(cr, "00:00", &xs, &xlw, NULL);
	for (size_t i = 0; ch->labels && i < ch->label_count && i < p.n; i++) {
		double w;
		rd_text_size(cr, ch->labels[i], &xs, &w, NULL);
		xlw = fmax(xlw, w);
	}
	xlw = ceil(fmin(xlw, r.w * 0.3));
	double xlh = ceil(px * 1.5), xgap = round(px * 0.5);

	double plot_top = r.y + top + ceil(px * 0.8);
	double plot_h = r.y + r.h - xlh - xgap - plot_top;
	if (plot_h < px * 2)
		return;
	int max_ticks = (int)fmax(1, fmin(6, floor(plot_h / (px * 2.4))));
	p.axis = rd_axis_make(lo, hi, max_ticks, div);
	struct rd_text_style ys = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	double ylw = fmin(rd_axis_label_width(cr, &p.axis, &ys), r.w * 0.25);
	double gap = round(px * 0.5);
	p.area.x = r.x + fmax(ylw + gap, ceil(xlw / 2));
	p.area.w = r.x + r.w - ceil(xlw / 2) - p.area.x;
	p.area.y = plot_top;
	p.area.h = plot_h;
	if (p.area.w < px * 2)
		return;
	rd_axis_draw(cr, th, &p.axis, p.area, r.x, ylw, &ys, true);

	/* Every k-th x label, k a divisor-friendly step, so labels never touch. */
	if (p.n > 0) {
		double spacing = p.n > 1 ? p.area.w / (p.n - 1) : p.area.w;
		static const int steps[] = {1, 2, 3, 4, 6, 8, 12, 24};
		size_t k = 0;
		for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !k; i++)
			if (spacing * steps[i] >= xlw * 1.3)
				k = (size_t)steps[i];
		if (!k)
			k = (size_t)ceil(xlw * 1.3 / spacing);
		double ly = p.area.y + p.area.h + xgap;
		for (size_t i = 0; i < p.n; i += k) {
			char buf[16];
			const char *label = buf;
			if (ch->labels && i < ch->label_count)
				label = ch->labels[i];
			else
				snprintf(buf, sizeof buf, "%02d:00",
				         (int)(((long)(ch->first_hour % 24 + 24) + (long)i) % 24));
			rd_text_draw(cr, label, point_x(&p, i) - xlw / 2, ly, xlw, xlh, &xs);
		}
	}

	if (p.n == 0) {
		rd_draw_no_data(cr, th, p.area, canvas_h);
		return;
	}
	size_t last0 = p.n;
	for (size_t s = ns; s-- > 0;) {
		/* Only the first series gets an area: overlapping fills turn muddy. */
		size_t last = draw_series(cr, th, &p, &ch->series[s],
		                          rd_palette(th, series_color[s]), !ch->no_area && s == 0);
		if (s == 0)
			last0 = last;
	}
	if (last0 < p.n)
		draw_tag(cr, th, &p,
		         (struct rd_rect){r.x, r.y + top, r.w, p.area.y + p.area.h - r.y - top},
		         rd_sane(ch->series[0].values[last0]), ch, px,
		         rd_palette(th, series_color[0]), last0);
}
