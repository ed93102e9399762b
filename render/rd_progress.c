#include <math.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"

/* A row: name ........ status  percent
 *        [=======bar=======         ] */
void rd_progress_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                      const struct rd_progress_item *items, size_t n, int canvas_h)
{
	if (r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double px = rd_theme_px(th, RD_SIZE_BODY, canvas_h);
	n = rd_list_rows(cr, th, r, items ? n : 0, 2.3, &px, canvas_h);
	if (n == 0)
		return;
	double row_h = fmin(r.h / n, px * 3.6);
	double line_h = ceil(px * 1.4), bar_h = fmax(4, round(px * 0.55)), gap = round(px * 0.5);
	struct rd_text_style ns = rd_text_style(th, px, c[RD_TEXT], RD_ALIGN_LEFT);
	struct rd_text_style ps = rd_text_style(th, px * 1.05, c[RD_VALUE], RD_ALIGN_RIGHT);
	ps.bold = true;
	struct rd_text_style ss = rd_text_style(th, px * 0.9, c[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	double pct_w;
	rd_text_size(cr, "100.0%", &ps, &pct_w, NULL);
	pct_w = ceil(fmin(pct_w, r.w * 0.3));
	for (size_t i = 0; i < n; i++) {
		const struct rd_progress_item *it = &items[i];
		double y = round(r.y + i * row_h + (row_h - line_h - gap / 2 - bar_h) / 2);
		double p = rd_sane(it->percent);
		char buf[48];
		if (isnan(p))
			snprintf(buf, sizeof buf, "--");
		else
			snprintf(buf, sizeof buf, "%.*f%%", fabs(p) < 1000 ? 1 : 0,
			         fmax(-999, fmin(9999, p)));
		bool has_color = it->status_color.a > 0;
		rd_text_draw(cr, buf, r.x + r.w - pct_w, y, pct_w, line_h, &ps);
		double right = r.w - pct_w - gap;
		if (it->status && *it->status) {
			ss.color = has_color ? it->status_color : c[RD_TEXT_DIM];
			right -= rd_text_draw(cr, it->status, r.x + right * 0.5, y, right * 0.5,
			                      line_h, &ss) +
			         gap;
		}
		rd_text_draw(cr, it->name, r.x, y, right, line_h, &ns);

		double t = isnan(p) ? 0 : p / 100;
		struct rd_color fc = has_color ? it->status_color
		                     : t >= 1  ? c[RD_GOOD]
		                               : c[RD_ACCENT];
		rd_draw_meter(cr, th, (struct rd_rect){r.x, y + line_h + gap / 2, r.w, bar_h}, t,
		              fc, true);
	}
}
