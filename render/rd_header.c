#include <math.h>

#include "rd_draw.h"
#include "rd_text.h"
#include "rd_widgets.h"

void rd_header_title(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *title,
                     int canvas_h)
{
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h);
	struct rd_text_style st = rd_text_style(th, rd_theme_px(th, RD_SIZE_TITLE, canvas_h),
	                                        c[RD_TITLE], RD_ALIGN_CENTER);
	st.bold = true;
	st.letter_spacing = round(st.px * 0.12);
	double tw, tht;
	rd_text_size(cr, title, &st, &tw, &tht);
	if (tw > r.w * 0.98) { /* too long for the plate: shrink, then let rd_text ellipsize */
		double k = fmax(0.6, r.w * 0.98 / tw);
		st.px *= k;
		st.letter_spacing *= k;
		rd_text_size(cr, title, &st, &tw, &tht);
	}
	if (tw > r.w) {
		rd_text_draw(cr, title, r.x, r.y, r.w, r.h, &st);
		return;
	}
	double base = r.y + (r.h - tht) / 2 + rd_text_baseline(cr, &st);
	double x = r.x + (r.w - tw) / 2 + st.letter_spacing / 2;
	cairo_save(cr);
	/* A soft shadow for depth, then the glyphs filled top-to-bottom white to accent. */
	rd_text_path(cr, title, x, base + round(2 * u), &st);
	rd_set_color(cr, rd_color_alpha(c[RD_BG2], 0.8));
	cairo_fill(cr);
	rd_text_path(cr, title, x, base, &st);
	cairo_pattern_t *p = cairo_pattern_create_linear(0, base - st.px, 0, base);
	cairo_pattern_add_color_stop_rgba(p, 0, c[RD_TITLE].r, c[RD_TITLE].g, c[RD_TITLE].b, 1);
	cairo_pattern_add_color_stop_rgba(p, 1, c[RD_ACCENT].r, c[RD_ACCENT].g, c[RD_ACCENT].b, 1);
	cairo_set_source(cr, p);
	cairo_fill(cr);
	cairo_pattern_destroy(p);
	cairo_restore(cr);
}

void rd_header_text(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                    bool align_right, int canvas_h)
{
	struct rd_text_style st = rd_text_style(th, rd_theme_px(th, RD_SIZE_HEADER, canvas_h),
	                                        th->colors[RD_TEXT],
	                                        align_right ? RD_ALIGN_RIGHT : RD_ALIGN_LEFT);
	rd_text_draw(cr, text, r.x, r.y, r.w, r.h, &st);
}

void rd_header_clock(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *date,
                     const char *time, int canvas_h)
{
	double px = rd_theme_px(th, RD_SIZE_HEADER, canvas_h);
	struct rd_text_style tst = rd_text_style(th, px * 1.45, th->colors[RD_VALUE], RD_ALIGN_RIGHT);
	tst.bold = true;
	/* The time gets a fixed box as wide as "88:88:88" so the date never jitters. */
	double tw;
	rd_text_size(cr, "88:88:88", &tst, &tw, NULL);
	tw = ceil(tw);
	if (tw > r.w)
		tw = r.w;
	rd_text_draw(cr, time, r.x + r.w - tw, r.y, tw, r.h, &tst);
	struct rd_text_style dst = rd_text_style(th, px, th->colors[RD_TEXT], RD_ALIGN_RIGHT);
	double gap = round(px * 0.8);
	rd_text_draw(cr, date, r.x, r.y, r.w - tw - gap, r.h, &dst);
}

double rd_header_title_width(int canvas_w, int canvas_h)
{
	return round(fmin(canvas_w * 0.44, 1100 * rd_unit(canvas_h)));
}
