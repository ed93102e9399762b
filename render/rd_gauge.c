#include <math.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

/* The zone color of value v: good, warn (the theme's yellow grade) or bad. */
static struct rd_color zone(const struct rd_theme *th, const struct rd_gauge *g, double v)
{
	bool up = g->higher_is_better;
	if (!isnan(g->bad) && (up ? v < g->bad : v >= g->bad))
		return th->colors[RD_BAD];
	if (!isnan(g->warn) && (up ? v < g->warn : v >= g->warn))
		return th->grade[2];
	return th->colors[RD_GOOD];
}

static void band(cairo_t *cr, double cx, double cy, double r0, double r1, double a0, double a1)
{
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, r1, a0, a1);
	cairo_arc_negative(cr, cx, cy, r0, a1, a0);
	cairo_close_path(cr);
}

/* Semicircle from the left (min) over the top to the right (max). Under it one row: the min
 * and max at the arc's ends, the label between them; the value sits inside the arc. */
void rd_gauge_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_gauge *g, int canvas_h)
{
	if (!g || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	double lo = rd_sane(g->min), hi = rd_sane(g->max), v = rd_sane(g->value);
	if (isnan(lo))
		lo = 0;
	if (isnan(hi) || hi <= lo)
		hi = lo + 100;
	double row_h = ceil(px * 1.5), pad = fmax(2, round(4 * u));
	double rad = fmin(r.w / 2 - pad, r.h - row_h - 2 * pad);
	if (rad < px * 2)
		return;
	double cx = r.x + r.w / 2, cy = round(r.y + pad + rad + (r.h - rad - row_h - 2 * pad) / 2);
	double thick = fmax(4, round(rad * 0.16)), r1 = rad, r0 = rad - thick;
	double t = isnan(v) ? 0 : fmax(0, fmin(1, (v - lo) / (hi - lo)));
	struct rd_color vc = isnan(v) ? c[RD_TEXT_DIM] : zone(th, g, v);
	cairo_save(cr);
	/* The track: each zone in its color, faint. */
	double edges[4] = {0, 1, 1, 1};
	int ne = 1;
	const double th_v[2] = {g->warn, g->bad};
	for (int i = 0; i < 2; i++) {
		double e = rd_sane(th_v[i]);
		if (!isnan(e) && e > lo && e < hi)
			edges[ne++] = (e - lo) / (hi - lo);
	}
	edges[ne++] = 1;
	if (ne == 4 && edges[1] > edges[2]) {
		double x = edges[1];
		edges[1] = edges[2], edges[2] = x;
	}
	for (int i = 0; i + 1 < ne; i++) {
		double mid = lo + (hi - lo) * (edges[i] + edges[i + 1]) / 2;
		rd_set_color(cr, rd_color_alpha(zone(th, g, mid), 0.22));
		band(cr, cx, cy, r0, r1, M_PI * (1 + edges[i]), M_PI * (1 + edges[i + 1]));
		cairo_fill(cr);
	}
	/* The value's arc, brightening toward its end. */
	if (t > 0) {
		double a1 = M_PI + M_PI * t;
		band(cr, cx, cy, r0, r1, M_PI, a1);
		cairo_pattern_t *p = cairo_pattern_create_linear(cx - r1, cy, cx + r1, cy);
		cairo_pattern_add_color_stop_rgba(p, 0, vc.r, vc.g, vc.b, 0.45);
		cairo_pattern_add_color_stop_rgba(p, 1, vc.r, vc.g, vc.b, 1);
		cairo_set_source(cr, p);
		cairo_fill(cr);
		cairo_pattern_destroy(p);
	}
	/* Scale ticks inside the track, and a pointer dot at the value. */
	rd_set_color(cr, rd_color_alpha(c[RD_TEXT_DIM], 0.7));
	cairo_set_line_width(cr, fmax(1, u));
	for (int i = 0; i <= 10; i++) {
		double a = M_PI + M_PI * i / 10, l = i % 5 ? thick * 0.3 : thick * 0.55;
		cairo_move_to(cr, cx + cos(a) * (r0 - pad), cy + sin(a) * (r0 - pad));
		cairo_line_to(cr, cx + cos(a) * (r0 - pad - l), cy + sin(a) * (r0 - pad - l));
	}
	cairo_stroke(cr);
	double pa = M_PI + M_PI * t, pr = (r0 + r1) / 2;
	rd_set_color(cr, c[RD_TITLE]);
	cairo_arc(cr, cx + cos(pa) * pr, cy + sin(pa) * pr, thick * 0.32, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_restore(cr);

	/* The value with its unit, inside the arc. */
	char num[64], unit[64];
	rd_format_value(v, g->decimals, g->unit, num, sizeof num, unit, sizeof unit);
	double vpx = fmin(rd_theme_px(th, RD_SIZE_KPI_VALUE, canvas_h), (r0 - pad) * 0.5);
	struct rd_text_style vs = rd_text_style(th, vpx, vc, RD_ALIGN_CENTER);
	vs.bold = true;
	double vh = ceil(vpx * 1.25), bw = (r0 - thick * 0.6) * 1.7;
	rd_draw_value_unit(cr, num, unit, &vs, c[RD_TEXT_DIM],
	                   (struct rd_rect){cx - bw / 2, cy - vh - pad, bw, vh});

	/* Min and max under the arc's ends, the label between. */
	struct rd_text_style ms = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_CENTER);
	char a[48], b[48];
	rd_format_grouped(lo, 0, a, sizeof a);
	rd_format_grouped(hi, 0, b, sizeof b);
	double ry = cy + pad / 2, end_w = fmin(thick * 2.4, r.w * 0.25);
	double ax = fmax(r.x, cx - (r0 + r1) / 2 - end_w / 2);
	double bx = fmin(r.x + r.w - end_w, cx + (r0 + r1) / 2 - end_w / 2);
	rd_text_draw(cr, a, ax, ry, end_w, row_h, &ms);
	rd_text_draw(cr, b, bx, ry, end_w, row_h, &ms);
	if (g->label && *g->label) {
		struct rd_text_style ls = rd_text_style(th, rd_theme_px(th, RD_SIZE_BODY, canvas_h),
		                                        c[RD_TEXT], RD_ALIGN_CENTER);
		ls.px = fmin(ls.px, row_h / 1.25);
		double lw = bx - (ax + end_w) - 2 * pad;
		rd_text_draw(cr, g->label, cx - lw / 2, ry, lw, row_h, &ls);
	}
}
