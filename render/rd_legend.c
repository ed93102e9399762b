#include <math.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"

/* One pass over the items at text size px: measures, and draws when draw is set. Rows past
 * r.h are not drawn. Returns the height of the rows that fit. */
static double lay_out(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                      const struct rd_legend_item *items, size_t n, enum rd_legend_layout layout,
                      double px, bool draw)
{
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TEXT], RD_ALIGN_LEFT);
	double row_h = ceil(px * (layout == RD_LEGEND_COLUMN ? 1.75 : 1.55));
	double sw = round(px * 0.75), gap = round(px * 0.4), item_gap = round(px * 1.1);
	struct rd_text_style vs = st;
	vs.align = RD_ALIGN_RIGHT;
	vs.bold = true;
	vs.color = th->colors[RD_VALUE];
	double value_w = 0;
	if (layout == RD_LEGEND_COLUMN)
		for (size_t i = 0; i < n; i++)
			if (items[i].value && *items[i].value) {
				double w;
				rd_text_size(cr, items[i].value, &vs, &w, NULL);
				value_w = fmax(value_w, ceil(fmin(w, r.w * 0.45)));
			}
	double x = r.x, y = r.y;
	bool row_used = false;
	for (size_t i = 0; i < n; i++) {
		const char *label = items[i].label ? items[i].label : "";
		double text_w;
		if (layout == RD_LEGEND_COLUMN) {
			text_w = r.w - sw - gap - (value_w > 0 ? value_w + gap : 0);
			if (i > 0)
				y += row_h;
		} else {
			rd_text_size(cr, label, &st, &text_w, NULL);
			double need = sw + gap + text_w;
			if (row_used && x + need > r.x + r.w) {
				x = r.x;
				y += row_h;
			}
			text_w = fmin(text_w, r.x + r.w - x - sw - gap);
		}
		if (y + row_h > r.y + r.h + 0.01)
			return y - r.y;
		if (draw && text_w > 0) {
			rd_set_color(cr, items[i].color);
			rd_rounded_rect(
			    cr, (struct rd_rect){x, round(y + (row_h - sw) / 2), sw, sw}, sw * 0.2);
			cairo_fill(cr);
			rd_text_draw(cr, label, x + sw + gap, y, text_w, row_h, &st);
			if (layout == RD_LEGEND_COLUMN && value_w > 0 && items[i].value)
				rd_text_draw(cr, items[i].value, r.x + r.w - value_w, y, value_w,
				             row_h, &vs);
		}
		if (layout == RD_LEGEND_FLOW)
			x += sw + gap + text_w + item_gap;
		row_used = true;
	}
	return n ? y + row_h - r.y : 0;
}

static double legend_px(const struct rd_theme *th, int canvas_h)
{
	return rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
}

double rd_legend_measure(cairo_t *cr, const struct rd_theme *th, double w,
                         const struct rd_legend_item *items, size_t n, enum rd_legend_layout layout,
                         int canvas_h)
{
	if (!items || w <= 0)
		return 0;
	struct rd_rect r = {0, 0, w, INFINITY};
	return lay_out(cr, th, r, items, n, layout, legend_px(th, canvas_h), false);
}

double rd_legend_width(cairo_t *cr, const struct rd_theme *th, const struct rd_legend_item *items,
                       size_t n, int canvas_h)
{
	double px = legend_px(th, canvas_h), w = 0;
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TEXT], RD_ALIGN_LEFT);
	for (size_t i = 0; items && i < n; i++) {
		double tw;
		rd_text_size(cr, items[i].label, &st, &tw, NULL);
		w += round(px * 0.75) + round(px * 0.4) + tw + (i ? round(px * 1.1) : 0);
	}
	return ceil(w);
}

double rd_legend_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                      const struct rd_legend_item *items, size_t n, enum rd_legend_layout layout,
                      int canvas_h)
{
	if (!items || n == 0 || r.w <= 0 || r.h <= 0)
		return 0;
	double px = legend_px(th, canvas_h);
	struct rd_rect tall = r;
	tall.h = INFINITY;
	/* Shrink the text (to 3/4, never below 9 px) before leaving rows out. */
	for (int i = 0; i < 4 && px > 9; i++) {
		if (lay_out(cr, th, tall, items, n, layout, px, false) <= r.h)
			break;
		px = fmax(9, px * 0.92);
	}
	cairo_save(cr);
	double used = lay_out(cr, th, r, items, n, layout, px, true);
	cairo_restore(cr);
	return used;
}
