#include <math.h>
#include <stdio.h>

#include "rd_draw.h"
#include "rd_i18n.h"
#include "rd_text.h"
#include "rd_widgets.h"

/* Layout, top to bottom: label | value + unit | change line | sparkline. On a wide card the
 * sparkline moves to the right half so the number keeps its size. */
void rd_kpi_card(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const struct rd_kpi *k,
                 int canvas_h)
{
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h);
	struct rd_rect in = rd_panel_frame(cr, th, r, NULL, canvas_h);
	bool spark = k->history && k->history_len >= 2;
	bool wide = spark && in.w > in.h * 2.4;
	struct rd_rect text = in, chart = in;
	if (wide) {
		text.w = round(in.w * 0.5);
		chart.x = text.x + text.w + round(10 * u);
		chart.w = in.x + in.w - chart.x;
		chart = rd_rect_inset(chart, 0, round(in.h * 0.18));
	} else if (spark) {
		/* The text needs about 4.5 label heights; a tall card gives the rest to the chart. */
		double text_need = rd_theme_px(th, RD_SIZE_KPI_LABEL, canvas_h) * 1.5 +
		                   rd_theme_px(th, RD_SIZE_KPI_VALUE, canvas_h) * 1.25 +
		                   rd_theme_px(th, RD_SIZE_SMALL, canvas_h) * 1.5 + round(24 * u);
		chart.h = round(fmax(in.h * 0.26, fmin(in.h * 0.6, in.h - text_need)));
		chart.y = in.y + in.h - chart.h;
		text.h = chart.y - in.y - round(4 * u);
	}

	double lpx = rd_theme_px(th, RD_SIZE_KPI_LABEL, canvas_h);
	double vpx = rd_theme_px(th, RD_SIZE_KPI_VALUE, canvas_h);
	double spx = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	/* Shrink the number to fit short cards before anything gets cut. */
	double need = lpx * 1.5 + vpx * 1.25 + (k->has_change ? spx * 1.5 : 0);
	if (need > text.h) {
		double f = fmax(0.5, text.h / need);
		lpx *= f, vpx *= f, spx *= f;
	}
	struct rd_text_style lst = rd_text_style(th, lpx, c[RD_TEXT_DIM], RD_ALIGN_CENTER);
	struct rd_text_style vst = rd_text_style(th, vpx, c[RD_VALUE], RD_ALIGN_LEFT);
	vst.bold = true;
	struct rd_text_style ust = rd_text_style(th, vpx * 0.42, c[RD_TEXT], RD_ALIGN_LEFT);
	struct rd_text_style cst = rd_text_style(th, spx, c[RD_TEXT_DIM], RD_ALIGN_CENTER);

	double block = lpx * 1.5 + vpx * 1.25 + (k->has_change ? spx * 1.5 : 0);
	double y = text.y + fmax(0, (text.h - block) / 2);
	struct rd_rect label = {text.x, y, text.w, lpx * 1.5};
	if (k->corner > 0) { /* centered in what the chip leaves, smaller if need be */
		double right = r.x + r.w - k->corner - round(4 * u); /* the chip's left, a gap off */
		label.w -= fmax(0, text.x + text.w - right);
		double lw;
		rd_text_size(cr, k->label, &lst, &lw, NULL);
		if (lw > label.w && label.w > 0) /* a little under: a size does not scale exactly */
			lst.px *= fmax(0.6, 0.96 * label.w / lw);
	}
	rd_text_draw(cr, k->label, label.x, label.y, label.w, label.h, &lst);
	y += lpx * 1.5;

	/* Value and unit share a baseline and are centered as one group. */
	double vw, uw;
	rd_text_size(cr, k->value, &vst, &vw, NULL);
	rd_text_size(cr, k->unit, &ust, &uw, NULL);
	double gap = k->unit && *k->unit ? round(vpx * 0.08) : 0;
	if (vw + gap + uw > text.w) { /* still too wide: scale value and unit down together */
		double f = fmax(0.55, text.w / (vw + gap + uw));
		vst.px *= f, ust.px *= f, vw *= f, uw *= f, gap *= f;
	}
	/* Digits are about 0.73 em tall: put their middle on the row's middle. */
	double base = round(y + vpx * 1.25 / 2 + vst.px * 0.36);
	double x = text.x + fmax(0, (text.w - (vw + gap + uw)) / 2);
	cairo_save(cr);
	rd_text_path(cr, k->value, x, base, &vst);
	cairo_pattern_t *p = cairo_pattern_create_linear(0, base - vst.px * 0.8, 0, base);
	cairo_pattern_add_color_stop_rgba(p, 0, c[RD_TITLE].r, c[RD_TITLE].g, c[RD_TITLE].b, 1);
	cairo_pattern_add_color_stop_rgba(p, 1, c[RD_VALUE].r, c[RD_VALUE].g, c[RD_VALUE].b, 1);
	cairo_set_source(cr, p);
	cairo_fill(cr);
	cairo_pattern_destroy(p);
	cairo_restore(cr);
	if (uw > 0)
		rd_text_draw_at(cr, k->unit, x + vw + gap, base, &ust);
	y += vpx * 1.25;

	if (k->has_change) {
		char line[96];
		bool up = k->change_pct > 0.0005, down = k->change_pct < -0.0005;
		const char *arrow = up ? "▲" : down ? "▼" : "—";
		snprintf(line, sizeof line, "%s %s %.1f%%",
		         rd_tr(k->change_label && *k->change_label ? k->change_label : "变化"), arrow,
		         fabs(k->change_pct));
		bool good = (up && k->higher_is_better) || (down && !k->higher_is_better);
		cst.color = !up && !down ? c[RD_TEXT_DIM] : good ? c[RD_GOOD] : c[RD_BAD];
		rd_text_draw(cr, line, text.x, y, text.w, spx * 1.5, &cst);
	}
	if (spark)
		rd_draw_sparkline(cr, chart, k->history, k->history_len, c[RD_ACCENT],
		                  fmax(1.5, 2 * u));
}
