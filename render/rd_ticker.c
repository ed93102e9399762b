#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"

enum { ITEMS_MAX = 1000, STRIP_MAX_W = 32000 };

static const char *const grade_names[RD_GRADES] = {"红色", "橙色", "黄色", "蓝色"};

struct span {
	int x0, x1, grade; /* grade 0..3 */
	bool is_new;
};

struct rd_ticker {
	cairo_surface_t *strip; /* RGB24, period x h, opaque */
	int period, h;
	size_t n;
	struct span *spans;
};

static int grade_index(int grade)
{
	return grade >= 1 && grade <= RD_GRADES ? grade - 1 : RD_GRADES - 1;
}

/* The strip's opaque ground, also under the fixed parts. */
static struct rd_color ground(const struct rd_theme *th)
{
	struct rd_color c = rd_color_mix(th->colors[RD_BG2], th->colors[RD_PANEL_TITLE], 0.22);
	c.a = 1;
	return c;
}

static double text_px(const struct rd_theme *th, double h, int canvas_h)
{
	return fmax(9, fmin(h * 0.42, rd_theme_px(th, RD_SIZE_BODY, canvas_h) * 1.35));
}

/* Dark text on the light grade colors (orange, yellow), light text on red and blue. */
static struct rd_color on(const struct rd_theme *th, struct rd_color bg)
{
	double lum = 0.299 * bg.r + 0.587 * bg.g + 0.114 * bg.b;
	return lum > 0.6 ? th->colors[RD_BG2] : th->colors[RD_TITLE];
}

/* Lays out (and, when cr is set, draws) one item from x; returns its width. */
static double item(cairo_t *cr, const struct rd_theme *th, const struct rd_ticker_item *it,
                   double x, double h, double px)
{
	int g = grade_index(it->grade);
	struct rd_color gc = th->grade[g];
	struct rd_text_style cs = rd_text_style(th, px * 0.8, on(th, gc), RD_ALIGN_CENTER);
	cs.bold = true;
	struct rd_text_style ps = rd_text_style(th, px, gc, RD_ALIGN_LEFT);
	ps.bold = true;
	struct rd_text_style ts = rd_text_style(th, px, th->colors[RD_TEXT], RD_ALIGN_LEFT);
	double cw, pw = 0, tw = 0, gap = round(px * 0.45);
	rd_text_size(cr, grade_names[g], &cs, &cw, NULL);
	cw = ceil(cw + px * 0.9);
	if (it->place && *it->place)
		rd_text_size(cr, it->place, &ps, &pw, NULL);
	rd_text_size(cr, it->title, &ts, &tw, NULL);
	pw = ceil(fmin(pw, px * 10));
	tw = ceil(fmin(tw, px * 40));
	if (cr) {
		double ch = round(px * 1.35);
		rd_draw_badge(cr, (struct rd_rect){x, round((h - ch) / 2), cw, ch}, gc,
		              grade_names[g], &cs);
		if (pw > 0)
			rd_text_draw(cr, it->place, x + cw + gap, 0, pw, h, &ps);
		rd_text_draw(cr, it->title, x + cw + gap + (pw > 0 ? pw + gap : 0), 0, tw, h, &ts);
	}
	return cw + gap + (pw > 0 ? pw + gap : 0) + tw;
}

struct rd_ticker *rd_ticker_new(const struct rd_theme *th, const struct rd_ticker_item *items,
                                size_t n, int h, int canvas_h)
{
	if (!items || n == 0 || h < 1 || h > 4096)
		return NULL;
	if (n > ITEMS_MAX)
		n = ITEMS_MAX;
	double px = text_px(th, h, canvas_h), sep = round(px * 3);
	struct rd_ticker *t = calloc(1, sizeof *t);
	struct span *spans = calloc(n, sizeof *spans);
	if (!t || !spans)
		abort();
	double x = 0;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		double w = ceil(item(NULL, th, &items[i], 0, h, px));
		if (x + w + sep > STRIP_MAX_W)
			break;
		spans[kept++] = (struct span){(int)x, (int)(x + w), grade_index(items[i].grade),
		                              items[i].is_new};
		x += w + sep;
	}
	if (kept == 0) {
		free(spans);
		free(t);
		return NULL;
	}
	t->period = (int)x, t->h = h, t->n = kept, t->spans = spans;
	t->strip = cairo_image_surface_create(CAIRO_FORMAT_RGB24, t->period, h);
	if (cairo_surface_status(t->strip) != CAIRO_STATUS_SUCCESS) {
		rd_ticker_free(t);
		return NULL;
	}
	cairo_t *cr = cairo_create(t->strip);
	rd_set_color(cr, ground(th));
	cairo_paint(cr);
	struct rd_text_style ds =
	    rd_text_style(th, px * 0.6, th->colors[RD_TEXT_DIM], RD_ALIGN_CENTER);
	for (size_t i = 0; i < kept; i++) {
		item(cr, th, &items[i], spans[i].x0, h, px);
		/* A dim diamond between items (and after the last, before the first repeats). */
		rd_text_draw(cr, "◆", spans[i].x1, 0, sep, h, &ds);
	}
	cairo_destroy(cr);
	cairo_surface_flush(t->strip);
	return t;
}

void rd_ticker_free(struct rd_ticker *t)
{
	if (!t)
		return;
	cairo_surface_destroy(t->strip);
	free(t->spans);
	free(t);
}

int rd_ticker_period(const struct rd_ticker *t)
{
	return t ? t->period : 0;
}

/* The label block on the left, at most max_w wide: a red plate with a warning sign and
 * "实时告警" (the sign goes first when it is narrow, then the plate). */
static double draw_label(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, double max_w,
                         double px)
{
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TITLE], RD_ALIGN_LEFT);
	st.bold = true;
	double tw, sign = round(px * 1.1), pad = round(px * 0.6);
	rd_text_size(cr, "实时告警", &st, &tw, NULL);
	double w = fmin(ceil(pad + sign + pad * 0.6 + tw + pad), max_w);
	if (w < px * 2.5)
		return 0;
	if (!cr) /* measuring only */
		return w;
	cairo_save(cr);
	cairo_pattern_t *p = cairo_pattern_create_linear(r.x, 0, r.x + w, 0);
	struct rd_color red = th->grade[0];
	cairo_pattern_add_color_stop_rgba(p, 0, red.r, red.g, red.b, 0.95);
	cairo_pattern_add_color_stop_rgba(p, 1, red.r * 0.6, red.g * 0.6, red.b * 0.6, 0.95);
	cairo_set_source(cr, p);
	cairo_rectangle(cr, r.x, r.y, w, r.h);
	cairo_fill(cr);
	cairo_pattern_destroy(p);
	cairo_restore(cr);
	double x = r.x + pad;
	if (w >= pad * 2 + sign + px * 2) {
		rd_draw_warning_sign(cr,
		                     (struct rd_rect){x, round(r.y + (r.h - sign) / 2), sign, sign},
		                     th->colors[RD_TITLE], red);
		x += sign + round(pad * 0.6);
	}
	rd_text_draw(cr, "实时告警", x, r.y, r.x + w - x - pad / 2, r.h, &st);
	return w;
}

/* The unacknowledged counts on the right: "未确认" and four grade chips; they come first, so
 * on a narrow strip the label drops out (then the chips shrink) before they do. */
static double draw_counts(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                          const int counts[RD_GRADES], double px)
{
	struct rd_text_style ls =
	    rd_text_style(th, px * 0.85, th->colors[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	struct rd_text_style cs = rd_text_style(th, px, th->colors[RD_TITLE], RD_ALIGN_CENTER);
	cs.bold = true;
	double cw, lw, gap = round(px * 0.35), ch = round(fmin(r.h * 0.72, px * 1.45));
	rd_text_size(cr, "9999+", &cs, &cw, NULL);
	rd_text_size(cr, "未确认", &ls, &lw, NULL);
	cw = ceil(cw + px), lw = ceil(lw);
	double need = lw + gap * 2 + RD_GRADES * (cw + gap);
	int cap = 9999;
	if (need > r.w * 0.45) { /* narrow strip: chips only, counts past 99 as "99+" */
		lw = 0;
		cap = 99;
		rd_text_size(cr, "99+", &cs, &cw, NULL);
		cw = fmin(ceil(cw + px), floor((r.w - gap) / RD_GRADES - gap));
		need = gap + RD_GRADES * (cw + gap);
	}
	if (cw < 4)
		return 0;
	if (!cr) /* measuring only */
		return need;
	cs.px = fmin(cs.px, fmax(9, cw / 2.2));
	double x = r.x + r.w - need;
	if (lw > 0)
		rd_text_draw(cr, "未确认", x, r.y, lw, r.h, &ls);
	x += lw + gap * 2 - (lw > 0 ? 0 : gap);
	for (int g = 0; g < RD_GRADES; g++) {
		char buf[16];
		int v = counts ? counts[g] : 0;
		if (v > cap)
			snprintf(buf, sizeof buf, "%d+", cap);
		else
			snprintf(buf, sizeof buf, "%d", v < 0 ? 0 : v);
		struct rd_color gc = th->grade[g];
		cs.color = v > 0 ? on(th, gc) : th->colors[RD_TEXT_DIM];
		rd_draw_badge(cr, (struct rd_rect){x, round(r.y + (r.h - ch) / 2), cw, ch},
		              v > 0 ? gc : rd_color_alpha(gc, 0.25), buf, &cs);
		x += cw + gap;
	}
	return need;
}

/* Where the items scroll: between the label and the counts (drawing those when cr is set). */
static struct rd_irect scroll_window(cairo_t *cr, const struct rd_theme *th, struct rd_irect ir,
                                     const int counts[RD_GRADES], double px)
{
	struct rd_rect r = {ir.x, ir.y, ir.w, ir.h};
	double gap = round(px * 0.6);
	double right = draw_counts(cr, th, r, counts, px);
	double left = draw_label(cr, th, r, fmin(r.w * 0.3, r.w - right - gap), px);
	struct rd_irect win = {ir.x + (int)ceil(left + gap), ir.y, 0, ir.h};
	win.w = ir.x + ir.w - (int)ceil(right + gap) - win.x;
	return win;
}

int rd_ticker_item_at(const struct rd_theme *th, struct rd_rect r, const struct rd_ticker *t,
                      long offset, const int counts[RD_GRADES], int canvas_h, double x,
                      double slop)
{
	struct rd_irect ir = {(int)round(r.x), (int)round(r.y), (int)round(r.w), (int)round(r.h)};
	if (!t || ir.w < 8 || ir.h < 8 || !(isfinite(x) && isfinite(slop)))
		return -1;
	struct rd_irect win = scroll_window(NULL, th, ir, counts, text_px(th, ir.h, canvas_h));
	if (win.w < 1 || x < win.x || x >= win.x + win.w)
		return -1;
	long off = ((offset % t->period) + t->period) % t->period;
	double sx = fmod(x - win.x + off, t->period); /* in the strip */
	int best = -1;
	double best_d = fmax(0, slop) + 0.5;
	for (size_t i = 0; i < t->n; i++) {
		/* the strip repeats: an item near its end is also near the start of the next copy */
		for (int copy = -1; copy <= 1; copy++) {
			double x0 = t->spans[i].x0 + copy * (double)t->period;
			double x1 = t->spans[i].x1 + copy * (double)t->period;
			double d = sx < x0 ? x0 - sx : sx > x1 ? sx - x1 : 0;
			if (d < best_d) {
				best_d = d;
				best = (int)i;
			}
		}
	}
	return best;
}

void rd_ticker_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                    const struct rd_ticker *t, long offset, double phase,
                    const int counts[RD_GRADES], int canvas_h)
{
	struct rd_irect ir = {(int)round(r.x), (int)round(r.y), (int)round(r.w), (int)round(r.h)};
	if (ir.w < 8 || ir.h < 8)
		return;
	r = (struct rd_rect){ir.x, ir.y, ir.w, ir.h};
	const struct rd_color *c = th->colors;
	double px = text_px(th, r.h, canvas_h);
	cairo_save(cr);
	cairo_new_path(cr);
	rd_set_color(cr, ground(th));
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_fill(cr);
	cairo_restore(cr);
	struct rd_irect win = scroll_window(cr, th, ir, counts, px);
	if (win.w < 1)
		return;

	cairo_save(cr);
	cairo_rectangle(cr, win.x, win.y, win.w, win.h);
	cairo_clip(cr);
	if (!t) {
		struct rd_text_style es = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_LEFT);
		rd_text_draw(cr, "暂无未确认告警", win.x, win.y, win.w, win.h, &es);
		cairo_restore(cr);
		return;
	}
	/* Copies of the strip at whole pixels, each clipped to itself: SOURCE, the cheap path. */
	int y = win.y + (win.h - t->h) / 2;
	long off = ((offset % t->period) + t->period) % t->period;
	double flash = 0.5 + 0.5 * cos(2 * M_PI * (isfinite(phase) ? phase : 0));
	for (long x = win.x - off; x < win.x + win.w; x += t->period) {
		cairo_save(cr);
		cairo_rectangle(cr, (double)x, y, t->period, t->h);
		cairo_clip(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_set_source_surface(cr, t->strip, (double)x, y);
		cairo_paint(cr);
		cairo_restore(cr);
		/* New items flash over the copy: a glow in their grade color. */
		for (size_t i = 0; i < t->n; i++) {
			const struct span *s = &t->spans[i];
			double sx = x + s->x0, sw = s->x1 - s->x0;
			if (!s->is_new || sx > win.x + win.w || sx + sw < win.x)
				continue;
			struct rd_color gc = th->grade[s->grade];
			struct rd_rect box = {sx - px * 0.3, r.y + r.h * 0.12, sw + px * 0.6,
			                      r.h * 0.76};
			rd_set_color(cr, rd_color_alpha(gc, 0.28 * flash));
			rd_rounded_rect(cr, box, px * 0.3);
			cairo_fill_preserve(cr);
			rd_set_color(cr, rd_color_alpha(gc, flash));
			cairo_set_line_width(cr, fmax(1, round(rd_unit(canvas_h) * 1.5)));
			cairo_stroke(cr);
		}
	}
	/* Soft edges where the items enter and leave. */
	struct rd_color g = ground(th);
	double fw = fmin(px * 1.5, win.w / 4.0);
	for (int side = 0; side < 2; side++) {
		double x0 = side ? win.x + win.w - fw : win.x;
		cairo_pattern_t *p = cairo_pattern_create_linear(x0, 0, x0 + fw, 0);
		cairo_pattern_add_color_stop_rgba(p, side ? 0 : 1, g.r, g.g, g.b, 0);
		cairo_pattern_add_color_stop_rgba(p, side ? 1 : 0, g.r, g.g, g.b, 1);
		cairo_set_source(cr, p);
		cairo_rectangle(cr, x0, win.y, fw, win.h);
		cairo_fill(cr);
		cairo_pattern_destroy(p);
	}
	cairo_restore(cr);
	/* A thin line along the top edge. */
	cairo_save(cr);
	rd_set_color(cr, rd_color_alpha(c[RD_ACCENT], 0.6));
	cairo_rectangle(cr, r.x, r.y, r.w, fmax(1, round(rd_unit(canvas_h))));
	cairo_fill(cr);
	cairo_restore(cr);
}
