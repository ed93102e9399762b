/* How fresh the data is: the stale mark on a panel and the header's connection indicator. */
#include <math.h>

#include "rd_draw.h"
#include "rd_text.h"
#include "rd_widgets.h"

static const struct rd_color amber = {1.0, 0.70, 0.16, 1.0};
static const struct rd_color green = {0.22, 0.85, 0.47, 1.0};

/* The stale chip of a panel in r: its rectangle, style and text (text or short_text); false
 * when r has no room for one. */
static bool stale_chip(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char **text,
                       const char *short_text, int canvas_h, struct rd_rect *chip,
                       struct rd_text_style *st)
{
	double u = rd_unit(canvas_h);
	double px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	*st = rd_text_style(th, px, (struct rd_color){0.10, 0.07, 0.02, 1}, RD_ALIGN_CENTER);
	st->bold = true;
	double tw, tht;
	rd_text_size(cr, *text, st, &tw, &tht);
	if (tw + px * 1.4 > r.w * 0.3) {
		*text = short_text;
		rd_text_size(cr, *text, st, &tw, &tht);
	}
	double h = round(px * 1.6), w = fmin(ceil(tw + px * 1.4), r.w - round(16 * u));
	if (w <= 0 || r.h < h * 2.5)
		return false;
	*chip = (struct rd_rect){round(r.x + r.w - w - 8 * u), round(r.y + 8 * u), w, h};
	return true;
}

double rd_stale_corner(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                       const char *short_text, int canvas_h)
{
	struct rd_rect chip;
	struct rd_text_style st;
	if (!stale_chip(cr, th, r, &text, short_text, canvas_h, &chip, &st))
		return 0;
	return r.x + r.w - chip.x;
}

void rd_stale_mark(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                   const char *short_text, int canvas_h)
{
	double u = rd_unit(canvas_h);
	double lw = fmax(1, round(1.5 * u));
	cairo_save(cr);
	cairo_new_path(cr);
	double dash[] = {round(8 * u), round(5 * u)};
	cairo_set_dash(cr, dash, 2, 0);
	cairo_set_line_width(cr, lw);
	rd_set_color(cr, rd_color_alpha(amber, 0.85));
	cairo_rectangle(cr, r.x + lw * 1.5, r.y + lw * 1.5, r.w - 3 * lw, r.h - 3 * lw);
	cairo_stroke(cr);
	cairo_restore(cr);

	struct rd_rect chip;
	struct rd_text_style st;
	if (stale_chip(cr, th, r, &text, short_text, canvas_h, &chip, &st))
		rd_draw_badge(cr, chip, rd_color_alpha(amber, 0.92), text, &st);
}

void rd_conn_indicator(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                       enum rd_conn_look look, const char *text, int canvas_h)
{
	double px = rd_theme_px(th, RD_SIZE_HEADER, canvas_h) * 0.9;
	struct rd_color dot = look == RD_CONN_LOOK_OK     ? green
	                      : look == RD_CONN_LOOK_DOWN ? th->grade[0]
	                                                  : th->colors[RD_TEXT_DIM];
	struct rd_text_style st = rd_text_style(
	    th, px, look == RD_CONN_LOOK_DOWN ? th->grade[0] : th->colors[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	st.bold = look == RD_CONN_LOOK_DOWN;
	double tw, tht;
	rd_text_size(cr, text, &st, &tw, &tht);
	tw = fmin(ceil(tw), r.w - px * 1.4);
	if (tw <= 0)
		return;
	rd_text_draw(cr, text, r.x + r.w - tw, r.y, tw, r.h, &st);
	double radius = round(px * 0.32), cx = r.x + r.w - tw - px * 0.7, cy = r.y + r.h / 2;
	cairo_save(cr);
	cairo_new_path(cr);
	rd_set_color(cr, rd_color_alpha(dot, 0.3));
	cairo_arc(cr, cx, cy, radius * 1.9, 0, 2 * M_PI);
	cairo_fill(cr);
	rd_set_color(cr, dot);
	cairo_arc(cr, cx, cy, radius, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_restore(cr);
}
