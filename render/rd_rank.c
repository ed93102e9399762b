#include <math.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

/* "▲46.9%", "▼3.2%", "0.0%", "--" for NaN. */
static void growth_text(double g, char *buf, size_t size)
{
	g = rd_sane(g);
	if (isnan(g))
		snprintf(buf, size, "--");
	else
		snprintf(buf, size, "%s%.1f%%", g > 0 ? "▲" : g < 0 ? "▼" : "",
		         fmin(fabs(g), 99999));
}

/* A row: badge | name ............ value unit  [growth]
 *              [=========bar==========               ] */
void rd_rank_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                  const struct rd_rank_list *l, int canvas_h)
{
	if (!l || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_BODY, canvas_h);
	size_t n = l->items ? l->count : 0;
	if (l->max_rows && n > l->max_rows)
		n = l->max_rows;
	/* Rows need about 2.3 text heights. */
	n = rd_list_rows(cr, th, r, n, 2.3, &px, canvas_h);
	if (n == 0)
		return;
	double row_h = fmin(r.h / n, px * 3.4);
	double hi = 0;
	for (size_t i = 0; i < n; i++) {
		double v = rd_sane(l->items[i].value);
		if (v > hi)
			hi = v;
	}
	double line_h = ceil(px * 1.4), bar_h = fmax(3, round(px * 0.4));
	double badge = round(px * 1.6), gap = round(px * 0.6);
	struct rd_text_style ns = rd_text_style(th, px, c[RD_TEXT], RD_ALIGN_LEFT);
	struct rd_text_style vs = rd_text_style(th, px * 1.1, c[RD_VALUE], RD_ALIGN_RIGHT);
	vs.bold = true;
	struct rd_text_style bs = rd_text_style(th, px * 0.9, c[RD_TITLE], RD_ALIGN_CENTER);
	bs.bold = true;
	/* Growth, when any row has it: a column right of the value, as wide as the widest. */
	struct rd_text_style gs = rd_text_style(th, px * 0.9, c[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	gs.bold = true;
	double grow_w = 0;
	for (size_t i = 0; l->growth_pct && i < n; i++) {
		char g[32];
		double w;
		growth_text(l->growth_pct[i], g, sizeof g);
		rd_text_size(cr, g, &gs, &w, NULL);
		grow_w = fmax(grow_w, ceil(w));
	}
	for (size_t i = 0; i < n; i++) {
		double y = round(r.y + i * row_h + (row_h - line_h - gap / 2 - bar_h) / 2);
		double v = rd_sane(l->items[i].value);
		/* Ranks 1-3 in the grade colors, the rest quiet. */
		struct rd_color bc = i < 3 ? th->grade[i] : rd_color_alpha(c[RD_PANEL_BORDER], 0.7);
		char rank[24];
		snprintf(rank, sizeof rank, "%zu", i + 1);
		struct rd_rect br = {r.x, y + round((line_h - badge) / 2), badge, badge};
		bs.color = i < 3 ? bc : c[RD_TEXT];
		rd_draw_badge(cr, br, i < 3 ? rd_color_alpha(bc, 0.22) : bc, rank, &bs);
		if (i < 3) {
			cairo_save(cr);
			rd_set_color(cr, bc);
			double lw = fmax(1, round(u));
			cairo_set_line_width(cr, lw);
			rd_rounded_rect(cr, rd_rect_inset(br, lw / 2, lw / 2), badge * 0.22);
			cairo_stroke(cr);
			cairo_restore(cr);
		}

		double x = r.x + badge + gap, w = r.x + r.w - x;
		double gw = grow_w > 0 ? fmin(grow_w, w * 0.25) : 0, vr = gw > 0 ? w - gw - gap : w;
		if (gw > 0) {
			char g[32];
			double gp = rd_sane(l->growth_pct[i]);
			growth_text(gp, g, sizeof g);
			gs.color = isnan(gp) || gp == 0 ? c[RD_TEXT_DIM] : gp > 0 ? c[RD_GOOD] : c[RD_BAD];
			rd_text_draw(cr, g, x + w - gw, y, gw, line_h, &gs);
		}
		char num[64], unit[64];
		rd_format_value(v, l->decimals, l->unit, num, sizeof num, unit, sizeof unit);
		double vw = rd_draw_value_unit(cr, num, unit, &vs, c[RD_TEXT_DIM],
		                               (struct rd_rect){x + vr * 0.45, y, vr * 0.55, line_h});
		rd_text_draw(cr, l->items[i].name, x, y, vr - vw - gap, line_h, &ns);

		/* The bar, in proportion to the first-ranked value. */
		rd_draw_meter(cr, th, (struct rd_rect){x, y + line_h + gap / 2, w, bar_h},
		              hi > 0 && v > 0 ? v / hi : 0, i < 3 ? bc : c[RD_ACCENT], false);
	}
}
