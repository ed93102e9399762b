#include <math.h>

#include "rd_draw.h"
#include "rd_widgets.h"

void rd_set_color(cairo_t *cr, struct rd_color c)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

struct rd_color rd_color_alpha(struct rd_color c, double a)
{
	c.a *= a;
	return c;
}

struct rd_color rd_color_mix(struct rd_color a, struct rd_color b, double t)
{
	return (struct rd_color){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
	                         a.b + (b.b - a.b) * t, a.a + (b.a - a.a) * t};
}

void rd_rounded_rect(cairo_t *cr, struct rd_rect r, double rad)
{
	if (rad <= 0) {
		cairo_rectangle(cr, r.x, r.y, r.w, r.h);
		return;
	}
	cairo_new_sub_path(cr);
	cairo_arc(cr, r.x + r.w - rad, r.y + rad, rad, -M_PI / 2, 0);
	cairo_arc(cr, r.x + r.w - rad, r.y + r.h - rad, rad, 0, M_PI / 2);
	cairo_arc(cr, r.x + rad, r.y + r.h - rad, rad, M_PI / 2, M_PI);
	cairo_arc(cr, r.x + rad, r.y + rad, rad, M_PI, 1.5 * M_PI);
	cairo_close_path(cr);
}

static void add_stop(cairo_pattern_t *p, double at, struct rd_color c)
{
	cairo_pattern_add_color_stop_rgba(p, at, c.r, c.g, c.b, c.a);
}

void rd_draw_background(cairo_t *cr, const struct rd_theme *th, int w, int h, int scale_h,
                        double header_h)
{
	const struct rd_color *c = th->colors;
	double u = rd_unit(scale_h);
	cairo_save(cr);
	cairo_pattern_t *bg = cairo_pattern_create_linear(0, 0, 0, h);
	add_stop(bg, 0, c[RD_BG]);
	add_stop(bg, 1, c[RD_BG2]);
	cairo_set_source(cr, bg);
	cairo_paint(cr);
	cairo_pattern_destroy(bg);

	/* A soft glow in the middle of the screen, where the map sits. */
	double rad = (w > h ? h : w) * 0.6;
	cairo_pattern_t *glow = cairo_pattern_create_radial(w / 2.0, h * 0.55, 0, w / 2.0,
	                                                    h * 0.55, rad);
	add_stop(glow, 0, rd_color_alpha(c[RD_ACCENT2], 0.16));
	add_stop(glow, 1, rd_color_alpha(c[RD_ACCENT2], 0));
	cairo_set_source(cr, glow);
	cairo_paint(cr);
	cairo_pattern_destroy(glow);

	/* Faint grid on whole pixels. */
	double step = round(48 * u);
	if (step >= 8) {
		rd_set_color(cr, rd_color_alpha(c[RD_GRID], 0.18));
		cairo_set_line_width(cr, 1);
		for (double x = fmod(w / 2.0, step); x < w; x += step) {
			cairo_move_to(cr, floor(x) + 0.5, header_h);
			cairo_line_to(cr, floor(x) + 0.5, h);
		}
		for (double y = header_h + step; y < h; y += step) {
			cairo_move_to(cr, 0, floor(y) + 0.5);
			cairo_line_to(cr, w, floor(y) + 0.5);
		}
		cairo_stroke(cr);
	}

	if (header_h > 0) {
		cairo_pattern_t *hb = cairo_pattern_create_linear(0, 0, 0, header_h);
		add_stop(hb, 0, rd_color_alpha(c[RD_ACCENT2], 0.28));
		add_stop(hb, 1, rd_color_alpha(c[RD_ACCENT2], 0.02));
		cairo_set_source(cr, hb);
		cairo_rectangle(cr, 0, 0, w, header_h);
		cairo_fill(cr);
		cairo_pattern_destroy(hb);

		/* Title plate: a trapezoid under the title, wider at the top. */
		double pw = rd_header_title_width(w, scale_h), ph = header_h * 0.92, cx = w / 2.0;
		cairo_move_to(cr, cx - pw / 2 - 40 * u, 0);
		cairo_line_to(cr, cx + pw / 2 + 40 * u, 0);
		cairo_line_to(cr, cx + pw / 2, ph);
		cairo_line_to(cr, cx - pw / 2, ph);
		cairo_close_path(cr);
		cairo_pattern_t *pl = cairo_pattern_create_linear(0, 0, 0, ph);
		add_stop(pl, 0, rd_color_alpha(c[RD_ACCENT2], 0.05));
		add_stop(pl, 1, rd_color_alpha(c[RD_ACCENT2], 0.35));
		cairo_set_source(cr, pl);
		cairo_fill_preserve(cr);
		cairo_pattern_destroy(pl);
		rd_set_color(cr, rd_color_alpha(c[RD_ACCENT], 0.7));
		cairo_set_line_width(cr, fmax(1, round(1.5 * u)));
		cairo_stroke(cr);

		/* The header's bottom line: bright in the middle, fading to the sides. */
		double ly = round(header_h) - fmax(1, round(u)) / 2.0;
		cairo_pattern_t *ln = cairo_pattern_create_linear(0, 0, w, 0);
		add_stop(ln, 0, rd_color_alpha(c[RD_ACCENT], 0.1));
		add_stop(ln, 0.5, rd_color_alpha(c[RD_ACCENT], 0.9));
		add_stop(ln, 1, rd_color_alpha(c[RD_ACCENT], 0.1));
		cairo_set_source(cr, ln);
		cairo_set_line_width(cr, fmax(1, round(u)));
		cairo_move_to(cr, 0, ly);
		cairo_line_to(cr, w, ly);
		cairo_stroke(cr);
		cairo_pattern_destroy(ln);
	}
	cairo_restore(cr);
}

void rd_draw_sparkline(cairo_t *cr, struct rd_rect r, const double *v, size_t n,
                       struct rd_color color, double line_w)
{
	if (n < 2 || r.w <= 0 || r.h <= 0)
		return;
	double lo = v[0], hi = v[0];
	for (size_t i = 1; i < n; i++) {
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	double span = hi - lo > 1e-12 ? hi - lo : 1;
	double pad = line_w;
	cairo_save(cr);
	cairo_new_path(cr);
	for (size_t i = 0; i < n; i++) {
		double x = r.x + r.w * i / (double)(n - 1);
		double y = r.y + pad + (r.h - 2 * pad) * (1 - (v[i] - lo) / span);
		if (hi - lo <= 1e-12)
			y = r.y + r.h / 2;
		if (i == 0)
			cairo_move_to(cr, x, y);
		else
			cairo_line_to(cr, x, y);
	}
	cairo_path_t *line = cairo_copy_path(cr);
	cairo_line_to(cr, r.x + r.w, r.y + r.h);
	cairo_line_to(cr, r.x, r.y + r.h);
	cairo_close_path(cr);
	cairo_pattern_t *fill = cairo_pattern_create_linear(0, r.y, 0, r.y + r.h);
	add_stop(fill, 0, rd_color_alpha(color, 0.45));
	add_stop(fill, 1, rd_color_alpha(color, 0.0));
	cairo_set_source(cr, fill);
	cairo_fill(cr);
	cairo_pattern_destroy(fill);
	cairo_append_path(cr, line);
	cairo_path_destroy(line);
	rd_set_color(cr, color);
	cairo_set_line_width(cr, line_w);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_stroke(cr);
	/* The latest value as a dot. */
	double lx = r.x + r.w, ly = r.y + pad + (r.h - 2 * pad) * (1 - (v[n - 1] - lo) / span);
	if (hi - lo <= 1e-12)
		ly = r.y + r.h / 2;
	cairo_arc(cr, lx - line_w, ly, line_w * 1.6, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_restore(cr);
}

void rd_draw_corners(cairo_t *cr, struct rd_rect r, double len, double lw, struct rd_color color)
{
	cairo_save(cr);
	rd_set_color(cr, color);
	cairo_set_line_width(cr, lw);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
	double h = lw / 2, x0 = r.x + h, y0 = r.y + h, x1 = r.x + r.w - h, y1 = r.y + r.h - h;
	cairo_move_to(cr, x0, y0 + len);
	cairo_line_to(cr, x0, y0);
	cairo_line_to(cr, x0 + len, y0);
	cairo_move_to(cr, x1 - len, y0);
	cairo_line_to(cr, x1, y0);
	cairo_line_to(cr, x1, y0 + len);
	cairo_move_to(cr, x1, y1 - len);
	cairo_line_to(cr, x1, y1);
	cairo_line_to(cr, x1 - len, y1);
	cairo_move_to(cr, x0 + len, y1);
	cairo_line_to(cr, x0, y1);
	cairo_line_to(cr, x0, y1 - len);
	cairo_stroke(cr);
	cairo_restore(cr);
}
