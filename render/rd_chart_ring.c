#include <math.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

enum { SLICES_MAX = 12 };

struct slice {
	const char *label;
	double value;
	char pct[16];
};

/* The items as at most max slices, the tail merged into "其他"; returns the count. */
static size_t make_slices(const struct rd_ring_chart *ch, size_t max, struct slice *out,
                          double *total)
{
	size_t n = ch->items ? ch->count : 0, k = 0;
	*total = 0;
	for (size_t i = 0; i < n; i++) {
		double v = rd_sane(ch->items[i].value);
		v = v > 0 ? v : 0;
		*total += v;
		if (k < max) {
			out[k++] = (struct slice){ch->items[i].label, v, ""};
		} else {
			out[max - 1].label = "其他";
			out[max - 1].value += v;
		}
	}
	for (size_t i = 0; i < k; i++)
		snprintf(out[i].pct, sizeof out[i].pct, "%.1f%%",
		         *total > 0 ? out[i].value / *total * 100 : 0);
	return k;
}

static void legend_of(const struct rd_theme *th, const struct slice *s, size_t n,
                      struct rd_legend_item *items)
{
	for (size_t i = 0; i < n; i++)
		items[i] = (struct rd_legend_item){s[i].label, rd_palette(th, i), s[i].pct};
}

/* Percentages on slices wide and thick enough to hold them. */
static void slice_labels(cairo_t *cr, const struct rd_theme *th, const struct slice *s, size_t n,
                         double total, double cx, double cy, double r_in, double r_out, double px)
{
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TITLE], RD_ALIGN_CENTER);
	st.bold = true;
	double a = -M_PI / 2, mid_r = (r_in + r_out) / 2;
	for (size_t i = 0; i < n; i++) {
		double span = s[i].value / total * 2 * M_PI;
		double w, h;
		rd_text_size(cr, s[i].pct, &st, &w, &h);
		double m = a + span / 2;
		a += span;
		/* Along the arc and across the band (at the sides the band is only so wide). */
		if (w + px * 0.6 > span * mid_r * 0.9 || px * 1.1 > r_out - r_in ||
		    w > (r_out - r_in) * 1.5)
			continue;
		double lx = cx + cos(m) * mid_r, ly = cy + sin(m) * mid_r, bw = w + 2;
		rd_text_draw(cr, s[i].pct, lx - bw / 2, ly - px * 0.7, bw, px * 1.4, &st);
	}
}

void rd_ring_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                        const struct rd_ring_chart *ch, int canvas_h)
{
	if (!ch || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	double row_h = ceil(px * 1.75), gap = round(px);
	bool side = r.w >= r.h * 1.3;
	struct slice s[SLICES_MAX];
	struct rd_legend_item items[SLICES_MAX];
	double total;
	size_t max = side ? (size_t)fmax(1, fmin(SLICES_MAX, floor(r.h / row_h))) : SLICES_MAX;
	size_t n = make_slices(ch, max, s, &total);
	legend_of(th, s, n, items);

	double d, cx, cy;
	struct rd_rect lr;
	if (side) {
		d = fmin(r.h, r.w * 0.5);
		double lw = fmin(r.w - d - gap, px * 17);
		double x0 = r.x + round((r.w - (d + gap + lw)) / 2);
		double lh = fmin(r.h, n * row_h);
		cx = x0 + d / 2, cy = r.y + r.h / 2;
		lr = (struct rd_rect){x0 + d + gap, round(r.y + (r.h - lh) / 2), lw, lh};
	} else {
		/* Below the ring: merge slices until the legend takes at most 40 % of the height.
		 */
		double lh = rd_legend_measure(cr, th, r.w, items, n, RD_LEGEND_FLOW, canvas_h);
		while (n > 2 && lh > r.h * 0.4) {
			n = make_slices(ch, n - 1, s, &total);
			legend_of(th, s, n, items);
			lh = rd_legend_measure(cr, th, r.w, items, n, RD_LEGEND_FLOW, canvas_h);
		}
		lh = fmin(lh, r.h * 0.4);
		d = fmin(r.w, r.h - lh - gap);
		double y0 = r.y + round((r.h - (d + gap + lh)) / 2);
		cx = r.x + r.w / 2, cy = y0 + d / 2;
		lr = (struct rd_rect){r.x, y0 + d + gap, r.w, r.y + r.h - (y0 + d + gap)};
	}
	if (d < 8)
		return;
	double pad = fmax(2, round(5 * u));
	double r_out = d / 2 - pad, r_in = r_out * 0.64;
	cairo_save(cr);
	cairo_new_path(cr);
	/* Decoration: a thin outer ring and a dashed inner one. */
	rd_set_color(cr, rd_color_alpha(c[RD_ACCENT], 0.35));
	cairo_set_line_width(cr, fmax(1, u));
	cairo_arc(cr, cx, cy, r_out + pad / 2, 0, 2 * M_PI);
	cairo_stroke(cr);
	double dash[] = {2 * u, 4 * u};
	cairo_set_dash(cr, dash, 2, 0);
	cairo_arc(cr, cx, cy, r_in - pad, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	if (total <= 0) {
		rd_set_color(cr, rd_color_alpha(c[RD_GRID], 0.6));
		cairo_arc(cr, cx, cy, r_out, 0, 2 * M_PI);
		cairo_arc_negative(cr, cx, cy, r_in, 2 * M_PI, 0);
		cairo_fill(cr);
	}
	double a = -M_PI / 2, sep = fmax(1, 1.5 * u) / ((r_in + r_out) / 2);
	for (size_t i = 0; total > 0 && i < n; i++) {
		double span = s[i].value / total * 2 * M_PI;
		double g = span > sep * 3 ? sep / 2 : 0, a0 = a + g, a1 = a + span - g;
		a += span;
		if (span <= 0)
			continue;
		struct rd_color col = rd_palette(th, i);
		cairo_new_path(cr);
		cairo_arc(cr, cx, cy, r_out, a0, a1);
		cairo_arc_negative(cr, cx, cy, r_in, a1, a0);
		cairo_close_path(cr);
		cairo_pattern_t *p = cairo_pattern_create_radial(cx, cy, r_in, cx, cy, r_out);
		cairo_pattern_add_color_stop_rgba(p, 0, col.r, col.g, col.b, 0.7);
		cairo_pattern_add_color_stop_rgba(p, 1, col.r, col.g, col.b, 1);
		cairo_set_source(cr, p);
		cairo_fill(cr);
		cairo_pattern_destroy(p);
	}
	cairo_restore(cr);
	if (total > 0)
		slice_labels(cr, th, s, n, total, cx, cy, r_in, r_out, px);

	/* The total in the middle, its label under it. */
	char num[64], unit[64];
	rd_format_value(total, ch->decimals, ch->unit, num, sizeof num, unit, sizeof unit);
	double box_w = r_in * 1.8;
	bool label = ch->center_label && *ch->center_label && r_in > px * 2.2;
	double vpx = fmin(rd_theme_px(th, RD_SIZE_KPI_VALUE, canvas_h) * 0.7, r_in * 0.55);
	struct rd_text_style vs = rd_text_style(th, vpx, c[RD_VALUE], RD_ALIGN_CENTER);
	vs.bold = true;
	double vh = ceil(vpx * 1.3), lh = label ? ceil(px * 1.5) : 0;
	double top = cy - (vh + lh) / 2;
	rd_draw_value_unit(cr, num, unit, &vs, c[RD_TEXT_DIM],
	                   (struct rd_rect){cx - box_w / 2, top, box_w, vh});
	if (label) {
		struct rd_text_style ls = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_CENTER);
		rd_text_draw(cr, ch->center_label, cx - box_w / 2, top + vh, box_w, lh, &ls);
	}
	rd_legend_draw(cr, th, lr, items, n, side ? RD_LEGEND_COLUMN : RD_LEGEND_FLOW, canvas_h);
}
