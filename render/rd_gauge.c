#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rd_surface.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

/* The zone color of value v: good, warn (the theme's yellow grade) or bad. */
static struct rd_color zone(const struct rd_theme *th, const struct rd_gauge *g, double v)
{
	bool up = g->higher_is_better;
	if (!isnan(g->bad) && (up ? v < g->bad : v >= g->bad))
		return th->colors[RD_BAD];
	if (!isnan(g->warn) && (up ? v < g->warn : v >= g->warn))
		return th->grade[2];
	return th->colors[RD_GOOD];
}

static void band(cairo_t *cr, double cx, double cy, double r0, double r1, double a0, double a1)
{
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, r1, a0, a1);
	cairo_arc_negative(cr, cx, cy, r0, a1, a0);
	cairo_close_path(cr);
}

struct rd_gauge_cache {
	cairo_surface_t *pic; /* the gradient over the arc's box, device pixels from (ox, oy) */
	int ox, oy;
	double cx, cy, r1, dx, dy;
	struct rd_color color;
};

void rd_gauge_cache_free(struct rd_gauge_cache *c)
{
	if (!c)
		return;
	if (c->pic)
		cairo_surface_destroy(c->pic);
	free(c);
}

static cairo_pattern_t *arc_gradient(double cx, double cy, double r1, struct rd_color vc)
{
	cairo_pattern_t *p = cairo_pattern_create_linear(cx - r1, cy, cx + r1, cy);
	cairo_pattern_add_color_stop_rgba(p, 0, vc.r, vc.g, vc.b, 0.45);
	cairo_pattern_add_color_stop_rgba(p, 1, vc.r, vc.g, vc.b, 1);
	return p;
}

/* Sets cr's source to the value arc's gradient: from the cache when cr's transformation is a
 * whole-pixel translation (the same gradient, evaluated once at the same pixels). */
static void arc_source(cairo_t *cr, double cx, double cy, double r1, struct rd_color vc,
                       struct rd_gauge_cache **cache)
{
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	if (!cache || m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 || m.x0 != floor(m.x0) ||
	    m.y0 != floor(m.y0)) {
		cairo_pattern_t *p = arc_gradient(cx, cy, r1, vc);
		cairo_set_source(cr, p);
		cairo_pattern_destroy(p);
		return;
	}
	struct rd_gauge_cache *c = *cache;
	if (!c || !c->pic || c->cx != cx || c->cy != cy || c->r1 != r1 || c->dx != m.x0 ||
	    c->dy != m.y0 || memcmp(&c->color, &vc, sizeof vc) != 0) {
		if (!c) {
			c = calloc(1, sizeof *c);
			if (!c)
				abort();
			*cache = c;
		}
		if (c->pic)
			cairo_surface_destroy(c->pic);
		c->ox = (int)floor(cx - r1 + m.x0) - 1, c->oy = (int)floor(cy - r1 + m.y0) - 1;
		int w = (int)ceil(cx + r1 + m.x0) + 1 - c->ox, h = (int)ceil(cy + m.y0) + 1 - c->oy;
		c->pic = rd_surface_new(CAIRO_FORMAT_ARGB32, w, h);
		cairo_t *pc = cairo_create(c->pic);
		cairo_translate(pc, m.x0 - c->ox, m.y0 - c->oy);
		cairo_pattern_t *p = arc_gradient(cx, cy, r1, vc);
		cairo_set_source(pc, p);
		cairo_set_operator(pc, CAIRO_OPERATOR_SOURCE);
		cairo_paint(pc);
		cairo_pattern_destroy(p);
		cairo_destroy(pc);
		cairo_surface_flush(c->pic);
		c->cx = cx, c->cy = cy, c->r1 = r1, c->dx = m.x0, c->dy = m.y0, c->color = vc;
	}
	cairo_set_source_surface(cr, c->pic, c->ox - m.x0, c->oy - m.y0);
}

void rd_gauge_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_gauge *g, int canvas_h)
{
	rd_gauge_draw_cached(cr, th, r, g, canvas_h, RD_GAUGE_ALL, NULL);
}

/* Where everything goes (rd_gauge_draw_cached). */
struct geom {
	double u, px, lo, hi, v, row_h, pad, cx, cy, thick, r0, r1, t;
	struct rd_color vc;
};

static bool layout(const struct rd_theme *th, struct rd_rect r, const struct rd_gauge *g,
                   int canvas_h, struct geom *o)
{
	o->u = rd_unit(canvas_h), o->px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	o->lo = rd_sane(g->min), o->hi = rd_sane(g->max), o->v = rd_sane(g->value);
	if (isnan(o->lo))
		o->lo = 0;
	if (isnan(o->hi) || o->hi <= o->lo)
		o->hi = o->lo + 100;
	o->row_h = ceil(o->px * 1.5), o->pad = fmax(2, round(4 * o->u));
	double rad = fmin(r.w / 2 - o->pad, r.h - o->row_h - 2 * o->pad);
	if (rad < o->px * 2)
		return false;
	o->cx = r.x + r.w / 2;
	o->cy = round(r.y + o->pad + rad + (r.h - rad - o->row_h - 2 * o->pad) / 2);
	o->thick = fmax(4, round(rad * 0.16)), o->r1 = rad, o->r0 = rad - o->thick;
	o->t = isnan(o->v) ? 0 : fmax(0, fmin(1, (o->v - o->lo) / (o->hi - o->lo)));
	o->vc = isnan(o->v) ? th->colors[RD_TEXT_DIM] : zone(th, g, o->v);
	return true;
}

/* The track, each zone in its color, faint, with scale ticks inside it. */
static void draw_track(cairo_t *cr, const struct rd_theme *th, const struct rd_gauge *g,
                       const struct geom *o)
{
	double edges[4] = {0, 1, 1, 1};
	int ne = 1;
	const double th_v[2] = {g->warn, g->bad};
	for (int i = 0; i < 2; i++) {
		double e = rd_sane(th_v[i]);
		if (!isnan(e) && e > o->lo && e < o->hi)
			edges[ne++] = (e - o->lo) / (o->hi - o->lo);
	}
	edges[ne++] = 1;
	if (ne == 4 && edges[1] > edges[2]) {
		double x = edges[1];
		edges[1] = edges[2], edges[2] = x;
	}
	cairo_save(cr);
	for (int i = 0; i + 1 < ne; i++) {
		double mid = o->lo + (o->hi - o->lo) * (edges[i] + edges[i + 1]) / 2;
		rd_set_color(cr, rd_color_alpha(zone(th, g, mid), 0.22));
		band(cr, o->cx, o->cy, o->r0, o->r1, M_PI * (1 + edges[i]), M_PI * (1 + edges[i + 1]));
		cairo_fill(cr);
	}
	rd_set_color(cr, rd_color_alpha(th->colors[RD_TEXT_DIM], 0.7));
	cairo_set_line_width(cr, fmax(1, o->u));
	double in = o->r0 - o->pad;
	for (int i = 0; i <= 10; i++) {
		double a = M_PI + M_PI * i / 10, l = i % 5 ? o->thick * 0.3 : o->thick * 0.55;
		cairo_move_to(cr, o->cx + cos(a) * in, o->cy + sin(a) * in);
		cairo_line_to(cr, o->cx + cos(a) * (in - l), o->cy + sin(a) * (in - l));
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* The value's arc, brightening toward its end, a pointer dot at its end, and the value with
 * its unit inside the arc. */
static void draw_value(cairo_t *cr, const struct rd_theme *th, const struct rd_gauge *g,
                       const struct geom *o, int canvas_h, struct rd_gauge_cache **cache)
{
	cairo_save(cr);
	if (o->t > 0) {
		band(cr, o->cx, o->cy, o->r0, o->r1, M_PI, M_PI + M_PI * o->t);
		arc_source(cr, o->cx, o->cy, o->r1, o->vc, cache);
		cairo_fill(cr);
	}
	double pa = M_PI + M_PI * o->t, pr = (o->r0 + o->r1) / 2;
	rd_set_color(cr, th->colors[RD_TITLE]);
	cairo_arc(cr, o->cx + cos(pa) * pr, o->cy + sin(pa) * pr, o->thick * 0.32, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_restore(cr);

	char num[64], unit[64];
	rd_format_value(o->v, g->decimals, g->unit, num, sizeof num, unit, sizeof unit);
	double vpx = fmin(rd_theme_px(th, RD_SIZE_KPI_VALUE, canvas_h), (o->r0 - o->pad) * 0.5);
	struct rd_text_style vs = rd_text_style(th, vpx, o->vc, RD_ALIGN_CENTER);
	vs.bold = true;
	double vh = ceil(vpx * 1.25), bw = (o->r0 - o->thick * 0.6) * 1.7;
	rd_draw_value_unit(cr, num, unit, &vs, th->colors[RD_TEXT_DIM],
	                   (struct rd_rect){o->cx - bw / 2, o->cy - vh - o->pad, bw, vh});
}

/* Under the arc: min and max at its ends (still), the label between them (value). */
static void draw_row(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                     const struct rd_gauge *g, const struct geom *o, int canvas_h,
                     unsigned parts)
{
	double ry = o->cy + o->pad / 2, end_w = fmin(o->thick * 2.4, r.w * 0.25);
	double ax = fmax(r.x, o->cx - (o->r0 + o->r1) / 2 - end_w / 2);
	double bx = fmin(r.x + r.w - end_w, o->cx + (o->r0 + o->r1) / 2 - end_w / 2);
	if (parts & RD_GAUGE_STILL) {
		struct rd_text_style ms =
		    rd_text_style(th, o->px, th->colors[RD_TEXT_DIM], RD_ALIGN_CENTER);
		char a[48], b[48];
		rd_format_grouped(o->lo, 0, a, sizeof a);
		rd_format_grouped(o->hi, 0, b, sizeof b);
		rd_text_draw(cr, a, ax, ry, end_w, o->row_h, &ms);
		rd_text_draw(cr, b, bx, ry, end_w, o->row_h, &ms);
	}
	if ((parts & RD_GAUGE_VALUE) && g->label && *g->label) {
		struct rd_text_style ls = rd_text_style(th, rd_theme_px(th, RD_SIZE_BODY, canvas_h),
		                                        th->colors[RD_TEXT], RD_ALIGN_CENTER);
		ls.px = fmin(ls.px, o->row_h / 1.25);
		double lw = bx - (ax + end_w) - 2 * o->pad;
		rd_text_draw(cr, g->label, o->cx - lw / 2, ry, lw, o->row_h, &ls);
	}
}

/* Semicircle from the left (min) over the top to the right (max). Under it one row: the min
 * and max at the arc's ends, the label between them; the value sits inside the arc. */
void rd_gauge_draw_cached(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                          const struct rd_gauge *g, int canvas_h, unsigned parts,
                          struct rd_gauge_cache **cache)
{
	struct geom o;
	if (!g || r.w < 8 || r.h < 8 || !layout(th, r, g, canvas_h, &o))
		return;
	if (parts & RD_GAUGE_STILL)
		draw_track(cr, th, g, &o);
	if (parts & RD_GAUGE_VALUE)
		draw_value(cr, th, g, &o, canvas_h, cache);
	draw_row(cr, th, r, g, &o, canvas_h, parts);
}
