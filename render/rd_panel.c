#include <math.h>

#include "rd_draw.h"
#include "rd_text.h"
#include "rd_widgets.h"

struct rd_rect rd_panel_content(const struct rd_theme *th, struct rd_rect r, bool titled,
                                int canvas_h)
{
	double u = rd_unit(canvas_h);
	struct rd_rect content = rd_rect_inset(r, round(12 * u), round(10 * u));
	if (titled) { /* under the title bar */
		double bar_h = round(rd_theme_px(th, RD_SIZE_PANEL_TITLE, canvas_h) * 2.0);
		content.y = r.y + round(6 * u) + bar_h + round(8 * u);
		content.h = r.y + r.h - round(10 * u) - content.y;
	}
	return content;
}

struct rd_rect rd_panel_frame(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                              const char *title, int canvas_h)
{
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h);
	double lw = fmax(1, round(u));
	cairo_save(cr);
	rd_set_color(cr, c[RD_PANEL]);
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_fill(cr);
	rd_set_color(cr, rd_color_alpha(c[RD_PANEL_BORDER], 0.55));
	cairo_set_line_width(cr, lw);
	cairo_rectangle(cr, r.x + lw / 2, r.y + lw / 2, r.w - lw, r.h - lw);
	cairo_stroke(cr);
	rd_draw_corners(cr, r, round(12 * u), fmax(2, round(2 * u)), c[RD_ACCENT]);

	struct rd_rect content = rd_panel_content(th, r, title != NULL, canvas_h);
	if (title) {
		double th_px = rd_theme_px(th, RD_SIZE_PANEL_TITLE, canvas_h);
		double bar_h = round(th_px * 2.0);
		double bx = r.x + round(6 * u), by = r.y + round(6 * u), bw = r.w - round(12 * u);
		cairo_pattern_t *p = cairo_pattern_create_linear(bx, 0, bx + bw, 0);
		cairo_pattern_add_color_stop_rgba(p, 0, c[RD_PANEL_TITLE].r, c[RD_PANEL_TITLE].g,
		                                  c[RD_PANEL_TITLE].b, c[RD_PANEL_TITLE].a);
		cairo_pattern_add_color_stop_rgba(p, 1, c[RD_PANEL_TITLE].r, c[RD_PANEL_TITLE].g,
		                                  c[RD_PANEL_TITLE].b, 0);
		cairo_set_source(cr, p);
		cairo_rectangle(cr, bx, by, bw, bar_h);
		cairo_fill(cr);
		cairo_pattern_destroy(p);
		rd_set_color(cr, c[RD_ACCENT]);
		cairo_rectangle(cr, bx, by, round(4 * u), bar_h);
		cairo_fill(cr);
		struct rd_text_style st = rd_text_style(th, th_px, c[RD_TITLE], RD_ALIGN_LEFT);
		st.bold = true;
		rd_text_draw(cr, title, bx + round(14 * u), by, bw - round(20 * u), bar_h, &st);
	}
	cairo_restore(cr);
	return content;
}
