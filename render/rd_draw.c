#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_i18n.h"
#include "rd_text.h"
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

/* The background's glow: a radial gradient from color to transparent over 0.6 of the shorter
 * side. Painted OVER, it leaves every pixel outside its circle as it was, so it is painted only
 * on the circle's chords (bands of GLOW_BAND rows): pixman evaluates a radial gradient per
 * pixel, and at 3840x2160 the plain paint was most of the first frame (70-100 ms). On an image
 * target with a whole-pixel translation and no clip, the two halves of the rows are painted on
 * two threads. Pixman computes each pixel from its own position, so the pixels are the same
 * bit for bit as the plain paint's (checked by comparing the two). */
enum { GLOW_BAND = 8 };

struct glow_job {
	cairo_surface_t *target; /* NULL: paint on cr */
	cairo_t *cr;
	int w, h;                /* canvas */
	struct rd_color color;
	double tx, ty;           /* canvas to device, whole pixels */
	int y0, y1;              /* device rows of this job */
};

static void glow_paint(cairo_t *cr, const struct glow_job *j, double y_lo, double y_hi)
{
	double rad = (j->w > j->h ? j->h : j->w) * 0.6, cx = j->w / 2.0, cy = j->h * 0.55;
	cairo_save(cr);
	cairo_new_path(cr);
	bool any = false;
	for (double y = floor(fmax(cy - rad, y_lo)); y < fmin(cy + rad, y_hi); y += GLOW_BAND) {
		double dy = y <= cy && cy <= y + GLOW_BAND ? 0 : fmin(fabs(y - cy), fabs(y + GLOW_BAND - cy));
		if (dy >= rad)
			continue;
		double half = sqrt(rad * rad - dy * dy) + 1;
		double x0 = fmax(0, floor(cx - half)), x1 = fmin(j->w, ceil(cx + half));
		cairo_rectangle(cr, x0, y, x1 - x0, GLOW_BAND);
		any = true;
	}
	if (any) {
		cairo_clip(cr);
		cairo_pattern_t *glow = cairo_pattern_create_radial(cx, cy, 0, cx, cy, rad);
		add_stop(glow, 0, j->color);
		add_stop(glow, 1, rd_color_alpha(j->color, 0));
		cairo_set_source(cr, glow);
		cairo_paint(cr);
		cairo_pattern_destroy(glow);
	}
	cairo_restore(cr);
}

static void *glow_rows(void *arg)
{
	const struct glow_job *j = arg;
	unsigned char *data = cairo_image_surface_get_data(j->target);
	int stride = cairo_image_surface_get_stride(j->target);
	cairo_surface_t *rows = cairo_image_surface_create_for_data(
	    data + (size_t)stride * (size_t)j->y0, cairo_image_surface_get_format(j->target),
	    cairo_image_surface_get_width(j->target), j->y1 - j->y0, stride);
	cairo_t *cr = cairo_create(rows);
	cairo_translate(cr, j->tx, j->ty - j->y0);
	glow_paint(cr, j, j->y0 - j->ty, j->y1 - j->ty);
	cairo_destroy(cr);
	cairo_surface_destroy(rows);
	return NULL;
}

/* Whether cr draws straight onto a whole image surface, translated by whole pixels, unclipped. */
static bool plain_image_target(cairo_t *cr, double *tx, double *ty)
{
	cairo_surface_t *t = cairo_get_target(cr);
	if (cairo_get_group_target(cr) != t || cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE ||
	    !cairo_image_surface_get_data(t))
		return false;
	double ox, oy;
	cairo_surface_get_device_offset(t, &ox, &oy);
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	if (ox != 0 || oy != 0 || m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 ||
	    m.x0 != floor(m.x0) || m.y0 != floor(m.y0))
		return false;
	int tw = cairo_image_surface_get_width(t), th = cairo_image_surface_get_height(t);
	cairo_rectangle_list_t *clip = cairo_copy_clip_rectangle_list(cr);
	bool whole = clip->status == CAIRO_STATUS_SUCCESS && clip->num_rectangles == 1 &&
	             clip->rectangles[0].x <= -m.x0 && clip->rectangles[0].y <= -m.y0 &&
	             clip->rectangles[0].x + clip->rectangles[0].width >= tw - m.x0 &&
	             clip->rectangles[0].y + clip->rectangles[0].height >= th - m.y0;
	cairo_rectangle_list_destroy(clip);
	*tx = m.x0, *ty = m.y0;
	return whole;
}

static void draw_glow(cairo_t *cr, int w, int h, struct rd_color color)
{
	struct glow_job j = {.cr = cr, .w = w, .h = h, .color = color};
	int th;
	if (!plain_image_target(cr, &j.tx, &j.ty) ||
	    (th = cairo_image_surface_get_height(cairo_get_target(cr))) < 256) {
		glow_paint(cr, &j, -INFINITY, INFINITY);
		return;
	}
	cairo_surface_t *target = cairo_get_target(cr);
	cairo_surface_flush(target);
	struct glow_job top = j, bottom = j;
	top.target = bottom.target = target;
	top.y0 = 0, top.y1 = bottom.y0 = th / 2, bottom.y1 = th;
	pthread_t thread;
	bool threaded = pthread_create(&thread, NULL, glow_rows, &top) == 0;
	glow_rows(&bottom);
	if (threaded)
		pthread_join(thread, NULL);
	else
		glow_rows(&top);
	cairo_surface_mark_dirty(target);
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
	draw_glow(cr, w, h, rd_color_alpha(c[RD_ACCENT2], 0.16));

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

/* Helpers for the charts. */

struct rd_color rd_palette(const struct rd_theme *th, size_t i)
{
	const struct rd_color *c = th->colors;
	switch (i % 8) {
	case 0:
		return c[RD_ACCENT];
	case 1:
		return c[RD_ACCENT2];
	case 2:
		return th->grade[1];
	case 3:
		return c[RD_GOOD];
	case 4:
		return th->grade[2];
	case 5:
		return rd_color_mix(c[RD_ACCENT2], th->grade[0], 0.45);
	case 6:
		return c[RD_BAD];
	default:
		return rd_color_mix(c[RD_ACCENT], c[RD_GOOD], 0.5);
	}
}

int rd_nice_axis(double lo, double hi, int max_n, double *t0, double *step)
{
	if (max_n < 1)
		max_n = 1;
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = isfinite(lo) ? lo : isfinite(hi) ? hi : 0;
		hi = lo;
	}
	lo = rd_sane(lo), hi = rd_sane(hi);
	if (hi < lo) {
		double t = lo;
		lo = hi, hi = t;
	}
	if (hi - lo < 1e-9 * fmax(1, fabs(hi))) {
		if (lo == 0)
			hi = 1;
		else if (lo > 0)
			lo = 0;
		else
			hi = 0;
	}
	double raw = (hi - lo) / max_n, mag = pow(10, floor(log10(raw))), norm = raw / mag;
	double s = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
	double a = floor(lo / s + 1e-9) * s;
	int n = (int)ceil((hi - a) / s - 1e-9);
	if (n < 1)
		n = 1;
	if (n > max_n) { /* rounding pushed one past: take the next step up */
		s *= norm <= 2 ? 1.25 : 2;
		a = floor(lo / s + 1e-9) * s;
		n = (int)fmax(1, ceil((hi - a) / s - 1e-9));
	}
	*t0 = a, *step = s;
	return n;
}

double rd_unit_scale(double max_abs, const char *unit, char *out, size_t size)
{
	static const struct {
		double from, div;
		const char *prefix;
	} steps[] = {{1e12, 1e12, "万亿"}, {1e8, 1e8, "亿"}, {1e5, 1e4, "万"}};
	unit = unit ? unit : "";
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (isfinite(max_abs) && fabs(max_abs) >= steps[i].from) {
			snprintf(out, size, "%s%s", steps[i].prefix, unit);
			return steps[i].div;
		}
	}
	snprintf(out, size, "%s", unit);
	return 1;
}

double rd_sane(double v)
{
	return isnan(v) ? v : fmax(-1e15, fmin(1e15, v));
}

double rd_text_fit_px(cairo_t *cr, const char *utf8, const struct rd_text_style *st, double w,
                      double min_px)
{
	double tw;
	rd_text_size(cr, utf8, st, &tw, NULL);
	double px = st->px * w / tw * 0.995;
	return tw <= w || px < min_px ? st->px : px;
}

double rd_draw_value_unit(cairo_t *cr, const char *num, const char *unit,
                          const struct rd_text_style *st, struct rd_color unit_color,
                          struct rd_rect box)
{
	if (box.w <= 0 || box.h <= 0)
		return 0;
	struct rd_text_style n = *st, us = *st;
	n.px = fmin(st->px, box.h / 1.3);
	us.px = n.px * 0.6;
	us.bold = false;
	us.color = unit_color;
	bool has_unit = unit && *unit;
	double nw, uw = 0;
	rd_text_size(cr, num, &n, &nw, NULL);
	if (has_unit)
		rd_text_size(cr, unit, &us, &uw, NULL);
	double gap = has_unit ? round(n.px * 0.12) : 0, total = nw + gap + uw;
	if (total > box.w) {
		double k = box.w / total * 0.995;
		if (n.px * k < 9) { /* too narrow even for small digits: one line, ellipsized */
			char line[256];
			snprintf(line, sizeof line, "%s%s", num ? num : "", has_unit ? unit : "");
			n.px = fmax(9, fmin(n.px, box.h / 1.3) * 0.5);
			n.valign = RD_VALIGN_MIDDLE;
			n.max_lines = 1;
			return rd_text_draw(cr, line, box.x, box.y, box.w, box.h, &n);
		}
		n.px *= k, us.px *= k, nw *= k, uw *= k, gap *= k, total *= k;
	}
	double x = box.x;
	if (st->align == RD_ALIGN_CENTER)
		x += (box.w - total) / 2;
	else if (st->align == RD_ALIGN_RIGHT)
		x += box.w - total;
	/* Digits are about 0.73 em tall: their middle goes on the box's middle. */
	double base = box.y + box.h / 2 + n.px * 0.36;
	rd_text_draw_at(cr, num, x, base, &n);
	if (has_unit)
		rd_text_draw_at(cr, unit, x + nw + gap, base, &us);
	return total;
}

void rd_draw_badge(cairo_t *cr, struct rd_rect r, struct rd_color fill, const char *text,
                   const struct rd_text_style *st)
{
	if (r.w <= 0 || r.h <= 0)
		return;
	cairo_save(cr);
	rd_set_color(cr, fill);
	rd_rounded_rect(cr, r, fmin(r.h, r.w) * 0.22);
	cairo_fill(cr);
	cairo_restore(cr);
	struct rd_text_style s = *st;
	s.align = RD_ALIGN_CENTER;
	s.valign = RD_VALIGN_MIDDLE;
	s.max_lines = 1;
	double pad = fmin(r.h * 0.25, r.w * 0.1);
	rd_text_draw(cr, text, r.x + pad, r.y, r.w - 2 * pad, r.h, &s);
}

struct rd_axis rd_axis_make(double lo, double hi, int max_n, double div)
{
	struct rd_axis a = {.div = div > 0 && isfinite(div) ? div : 1};
	a.n = rd_nice_axis(lo, hi, max_n, &a.t0, &a.step);
	double s = a.step / a.div, p = 1;
	while (a.decimals < 6 && fabs(s * p - round(s * p)) > 1e-6 * p)
		a.decimals++, p *= 10;
	return a;
}

double rd_axis_y(const struct rd_axis *a, double top, double h, double v)
{
	return top + h * (1 - (v - a->t0) / (a->step * a->n));
}

static void axis_label(const struct rd_axis *a, int i, char *buf, size_t size)
{
	rd_format_grouped((a->t0 + i * a->step) / a->div, a->decimals, buf, size);
}

double rd_axis_label_width(cairo_t *cr, const struct rd_axis *a, const struct rd_text_style *st)
{
	double best = 0;
	for (int i = 0; i <= a->n; i++) {
		char buf[64];
		double w;
		axis_label(a, i, buf, sizeof buf);
		rd_text_size(cr, buf, st, &w, NULL);
		best = fmax(best, w);
	}
	return ceil(best);
}

void rd_axis_draw(cairo_t *cr, const struct rd_theme *th, const struct rd_axis *a,
                  struct rd_rect plot, double label_x, double label_w,
                  const struct rd_text_style *st, bool grid)
{
	cairo_save(cr);
	double lh = ceil(st->px * 1.4);
	for (int i = 0; i <= a->n; i++) {
		double y = rd_axis_y(a, plot.y, plot.h, a->t0 + i * a->step);
		if (grid) {
			double py = floor(y) + 0.5;
			rd_set_color(cr, rd_color_alpha(th->colors[RD_GRID], i == 0 ? 1 : 0.55));
			cairo_set_line_width(cr, 1);
			double dash[] = {4, 3};
			cairo_set_dash(cr, dash, i == 0 ? 0 : 2, 0);
			cairo_move_to(cr, plot.x, py);
			cairo_line_to(cr, plot.x + plot.w, py);
			cairo_stroke(cr);
		}
		char buf[64];
		axis_label(a, i, buf, sizeof buf);
		rd_text_draw(cr, buf, label_x, y - lh / 2, label_w, lh, st);
	}
	cairo_restore(cr);
}

double rd_chart_top_row(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *unit,
                        const char *right_text, const struct rd_legend_item *items, size_t n,
                        int canvas_h)
{
	double px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	double row_h = ceil(px * 1.6);
	if (r.h < row_h * 4)
		return 0;
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TEXT_DIM], RD_ALIGN_LEFT);
	double x0 = r.x, x1 = r.x + r.w, gap = round(px);
	if (unit && *unit) {
		char buf[96];
		snprintf(buf, sizeof buf, rd_tr("单位：%s"), rd_tr(unit));
		x0 += rd_text_draw(cr, buf, r.x, r.y, r.w * 0.45, row_h, &st) + gap;
	}
	if (right_text && *right_text) {
		st.align = RD_ALIGN_RIGHT;
		x1 -= rd_text_draw(cr, right_text, r.x + r.w * 0.75, r.y, r.w * 0.25, row_h, &st) +
		      gap;
	}
	if (items && n && x1 - x0 > px * 3) {
		/* Right-aligned when the legend fits on the row. */
		double need = rd_legend_width(cr, th, items, n, canvas_h);
		double lx = need < x1 - x0 ? x1 - ceil(need) : x0;
		rd_legend_draw(cr, th, (struct rd_rect){lx, r.y, x1 - lx, row_h}, items, n,
		               RD_LEGEND_FLOW, canvas_h);
	}
	return row_h;
}

void rd_draw_no_data(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, int canvas_h)
{
	struct rd_text_style st = rd_text_style(th, rd_theme_px(th, RD_SIZE_BODY, canvas_h),
	                                        th->colors[RD_TEXT_DIM], RD_ALIGN_CENTER);
	rd_text_draw(cr, "暂无数据", r.x, r.y, r.w, r.h, &st);
}

size_t rd_list_rows(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, size_t n,
                    double rows_em, double *px, int canvas_h)
{
	double h = r.h;
	if (n == 0) {
		rd_draw_no_data(cr, th, r, canvas_h);
		return 0;
	}
	if (n * *px * rows_em > h)
		*px = fmax(fmin(9, *px), fmax(*px * 0.75, h / n / rows_em));
	size_t fit = h > 0 ? (size_t)floor(h / (*px * rows_em)) : 0;
	return n < fit ? n : fit;
}

void rd_draw_meter(cairo_t *cr, const struct rd_theme *th, struct rd_rect bar, double t,
                   struct rd_color color, bool head)
{
	double fw = isnan(t) ? 0 : bar.w * fmax(0, fmin(1, t)), rad = bar.h / 2;
	cairo_save(cr);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_GRID], 0.5));
	rd_rounded_rect(cr, bar, rad);
	cairo_fill(cr);
	if (fw >= 1) {
		cairo_pattern_t *g = cairo_pattern_create_linear(bar.x, 0, bar.x + fw, 0);
		add_stop(g, 0, rd_color_alpha(color, 0.25));
		add_stop(g, 1, color);
		cairo_set_source(cr, g);
		rd_rounded_rect(cr, (struct rd_rect){bar.x, bar.y, fw, bar.h}, fmin(rad, fw / 2));
		cairo_fill(cr);
		cairo_pattern_destroy(g);
		if (head && fw >= bar.h) {
			rd_set_color(cr, th->colors[RD_TITLE]);
			cairo_new_path(cr);
			cairo_arc(cr, bar.x + fw - rad, bar.y + rad, rad * 0.7, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	cairo_restore(cr);
}

void rd_draw_warning_sign(cairo_t *cr, struct rd_rect s, struct rd_color fill, struct rd_color mark)
{
	cairo_save(cr);
	cairo_new_path(cr);
	cairo_move_to(cr, s.x + s.w / 2, s.y + s.h * 0.06);
	cairo_line_to(cr, s.x + s.w * 0.97, s.y + s.h * 0.9);
	cairo_line_to(cr, s.x + s.w * 0.03, s.y + s.h * 0.9);
	cairo_close_path(cr);
	rd_set_color(cr, fill);
	cairo_fill(cr);
	rd_set_color(cr, mark);
	cairo_rectangle(cr, s.x + s.w * 0.455, s.y + s.h * 0.34, s.w * 0.09, s.h * 0.32);
	cairo_rectangle(cr, s.x + s.w * 0.455, s.y + s.h * 0.72, s.w * 0.09, s.h * 0.09);
	cairo_fill(cr);
	cairo_restore(cr);
}
