#include <math.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"

/* Layout: sign | grade chip | title ..................... time
 *                                                          place */
void rd_banner_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                    const struct rd_banner *b, int canvas_h)
{
	if (!b || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	struct rd_color red = th->grade[0];
	double u = rd_unit(canvas_h);
	double phase = isfinite(b->phase) ? b->phase : 0;
	double pulse = 0.5 + 0.5 * cos(2 * M_PI * phase); /* 1 at phase 0 */

	cairo_save(cr);
	cairo_new_path(cr);
	/* A deep red band, brighter in the middle, its glow and border beating with the pulse. */
	cairo_pattern_t *p = cairo_pattern_create_linear(r.x, 0, r.x + r.w, 0);
	struct rd_color deep = rd_color_mix(red, c[RD_BG2], 0.55);
	deep.a = 0.92;
	cairo_pattern_add_color_stop_rgba(p, 0, red.r, red.g, red.b, 0.75 + 0.2 * pulse);
	cairo_pattern_add_color_stop_rgba(p, 0.5, deep.r, deep.g, deep.b, deep.a);
	cairo_pattern_add_color_stop_rgba(p, 1, red.r, red.g, red.b, 0.75 + 0.2 * pulse);
	cairo_set_source(cr, p);
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_fill(cr);
	cairo_pattern_destroy(p);
	double lw = fmax(1, round(2 * u));
	rd_set_color(cr, rd_color_alpha(rd_color_mix(red, c[RD_TITLE], 0.5), 0.5 + 0.5 * pulse));
	cairo_set_line_width(cr, lw);
	cairo_rectangle(cr, r.x + lw / 2, r.y + lw / 2, r.w - lw, r.h - lw);
	cairo_stroke(cr);
	/* Hazard stripes at both ends. */
	double sw = fmin(r.h * 0.5, r.w * 0.04);
	for (int side = 0; side < 2 && r.w > r.h * 4; side++) {
		double x0 = side ? r.x + r.w - lw - sw : r.x + lw;
		cairo_save(cr);
		cairo_rectangle(cr, x0, r.y + lw, sw, r.h - 2 * lw);
		cairo_clip(cr);
		rd_set_color(cr, rd_color_alpha(th->grade[2], 0.85));
		double step = fmax(4, sw * 0.5);
		for (double x = x0 - r.h; x < x0 + sw; x += step * 2) {
			cairo_move_to(cr, x, r.y + r.h);
			cairo_line_to(cr, x + step, r.y + r.h);
			cairo_line_to(cr, x + step + r.h, r.y);
			cairo_line_to(cr, x + r.h, r.y);
			cairo_close_path(cr);
		}
		cairo_fill(cr);
		cairo_restore(cr);
	}
	cairo_restore(cr);

	struct rd_rect in =
	    rd_rect_inset(r, lw + (r.w > r.h * 4 ? sw : 0) + round(r.h * 0.15), round(r.h * 0.14));
	if (in.w < 8 || in.h < 8)
		return;
	double x = in.x, gap = round(in.h * 0.18);
	double sign = fmin(in.h * 0.85, in.w * 0.12);
	rd_draw_warning_sign(cr, (struct rd_rect){x, in.y + (in.h - sign) / 2, sign, sign},
	                     rd_color_mix(c[RD_TITLE], th->grade[2], 0.3 * (1 - pulse)), red);
	x += sign + gap;

	/* Time and place on the right, two lines when there is height, one otherwise. */
	double tpx = fmin(rd_theme_px(th, RD_SIZE_BODY, canvas_h) * 1.35, in.h * 0.4);
	struct rd_text_style ts = rd_text_style(th, tpx, c[RD_TITLE], RD_ALIGN_RIGHT);
	double info_w = fmin(in.w * 0.28, tpx * 14), used = 0;
	bool has_time = b->time && *b->time, has_place = b->place && *b->place;
	if (has_time || has_place) {
		if (in.h >= tpx * 2.6 && has_time && has_place) {
			double w1 = rd_text_draw(cr, b->time, in.x + in.w - info_w, in.y, info_w,
			                         in.h / 2, &ts);
			double w2 = rd_text_draw(cr, b->place, in.x + in.w - info_w,
			                         in.y + in.h / 2, info_w, in.h / 2, &ts);
			used = fmax(w1, w2);
		} else {
			char line[256];
			snprintf(line, sizeof line, "%s%s%s", has_time ? b->time : "",
			         has_time && has_place ? " · " : "", has_place ? b->place : "");
			used =
			    rd_text_draw(cr, line, in.x + in.w - info_w, in.y, info_w, in.h, &ts);
		}
		used += gap;
	}

	/* The grade chip, then the title as large as fits. */
	double cpx = fmin(rd_theme_px(th, RD_SIZE_BODY, canvas_h) * 1.2, in.h * 0.42);
	struct rd_text_style cs = rd_text_style(th, cpx, red, RD_ALIGN_CENTER);
	cs.bold = true;
	const char *grade = b->grade_label && *b->grade_label ? b->grade_label : "特别重大";
	double gw;
	rd_text_size(cr, grade, &cs, &gw, NULL);
	gw = fmin(ceil(gw + cpx * 1.2), (in.x + in.w - used - x) * 0.3);
	double ch = ceil(cpx * 1.6);
	if (gw > cpx * 2) {
		rd_draw_badge(cr, (struct rd_rect){x, round(in.y + (in.h - ch) / 2), gw, ch},
		              c[RD_TITLE], grade, &cs);
		x += gw + gap;
	}
	struct rd_text_style hs =
	    rd_text_style(th, fmin(rd_theme_px(th, RD_SIZE_TITLE, canvas_h), in.h * 0.62),
	                  c[RD_TITLE], RD_ALIGN_LEFT);
	hs.bold = true;
	double tw = in.x + in.w - used - x;
	hs.px = rd_text_fit_px(cr, b->title, &hs, tw, hs.px * 0.6);
	rd_text_draw(cr, b->title, x, in.y, tw, in.h, &hs);
}
