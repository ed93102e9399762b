/* Map drawing: polygons, lines, symbols, heat, labels with one collision pass, legends, the
 * static-layer cache and the animated overlay (see ly_map.h). */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "rd_surface.h"
#include "ly_mapint.h"
#include "rd_i18n.h"

/* ---- colors ---- */

static struct rd_color paint_or(const struct ly_paint *p, struct rd_color c)
{
	return p->set ? p->color : c;
}

static void set_color(cairo_t *cr, struct rd_color c, double opacity)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * opacity);
}

static struct rd_color mix(struct rd_color a, struct rd_color b, double t)
{
	return (struct rd_color){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
	                         a.a + (b.a - a.a) * t};
}

static struct rd_color ramp_color(const struct rd_theme *th, const char *name, double t)
{
	const struct rd_ramp *r = name && *name ? rd_theme_ramp(th, name) : NULL;
	if (!r && th->ramp_count > 0)
		r = &th->ramps[0];
	if (r && r->n > 0)
		return rd_ramp_at(r, t);
	return mix(th->colors[RD_MAP_FILL], th->colors[RD_ACCENT], t);
}

static struct rd_color class_color(const struct rd_theme *th, const struct mlayer *ml, int c)
{
	double t = ml->nclass > 1 ? (double)c / (ml->nclass - 1) : 0.5;
	return ramp_color(th, ml->st.ramp, t);
}

static double attr_num(const struct ly_layer *l, int f, int field, double dflt)
{
	if (field < 0)
		return dflt;
	const char *a = ly_layer_attr(l, f, field);
	char *end;
	double d = strtod(a, &end);
	return end != a && isfinite(d) ? d : dflt;
}

/* ---- paths ---- */

struct xform {
	double a, bx, by; /* sx = wx * a + bx; sy = -wy * a + by */
	double w, h;
	double y0, y1; /* the rows being drawn: 0..h, or one band of them (draw_bands) */
	float tol;
};

static struct xform xform_of(const struct ly_view *v)
{
	struct xform x;
	x.a = v->scale;
	x.bx = v->w / 2.0 - v->cx * v->scale;
	x.by = v->h / 2.0 + v->cy * v->scale;
	x.w = v->w;
	x.h = v->h;
	x.y0 = 0;
	x.y1 = v->h;
	x.tol = (float)(0.5 / v->scale); /* half a pixel in world units */
	return x;
}

/* Screen points of one part: room for the largest part of the layers drawn, allocated once
 * per pass (draw_layers), so that nothing below it allocates. */
struct scratch {
	double *x, *y;
};

/* Simplified, whole-pixel (+0.5: pixel centres, crisp odd strokes) screen points of a run
 * of vertices, repeats dropped. Returns how many. */
static size_t snap_run(const struct mlayer *ml, const struct ly_part *pt, const struct xform *x, struct scratch *s,
                       size_t *in)
{
	size_t n = 0;
	double lx = NAN, ly = NAN;
	const double *wx = ml->wx + pt->start, *wy = ml->wy + pt->start;
	const float *imp = ml->imp + pt->start;
	for (uint32_t i = 0; i < pt->count; i++) {
		if (imp[i] < x->tol)
			continue;
		double sx = floor(wx[i] * x->a + x->bx) + 0.5;
		double sy = floor(-wy[i] * x->a + x->by) + 0.5;
		if (sx == lx && sy == ly)
			continue;
		s->x[n] = lx = sx;
		s->y[n++] = ly = sy;
	}
	*in += pt->count;
	return n;
}

static bool feature_visible(const struct mlayer *ml, int f, const struct xform *x, double margin)
{
	const double *b = ml->fbox[f];
	double x0 = b[0] * x->a + x->bx, x1 = b[2] * x->a + x->bx;
	double y0 = -b[3] * x->a + x->by, y1 = -b[1] * x->a + x->by;
	return x1 >= -margin && x0 <= x->w + margin && y1 >= -margin && y0 <= x->h + margin && y1 >= x->y0 - margin &&
	       y0 <= x->y1 + margin;
}

/* Where a visible feature is counted in the statistics when the rows are drawn in bands: the
 * band holding the top of its box (clamped to the map), so that each is counted once. */
static struct ly_map_stats *feature_stats(const struct mlayer *ml, int f, const struct xform *x,
                                          struct ly_map_stats *stats)
{
	if (x->y0 <= 0 && x->y1 >= x->h)
		return stats;
	double top = fmin(fmax(-ml->fbox[f][3] * x->a + x->by, 0), x->h - 1);
	return top >= x->y0 && top < x->y1 ? stats : NULL;
}

/* Part p of feature ft snapped into s->x/y (counted into stats unless NULL): its vertex
 * count, a ring's closing vertex dropped; 0 when it is smaller than a pixel at this scale. */
static size_t part_run(const struct mlayer *ml, const struct ly_feat *ft, uint32_t p,
                       const struct xform *x, struct scratch *s, struct ly_map_stats *stats)
{
	size_t in = 0, n = snap_run(ml, &ml->l->part[ft->part0 + p], x, s, &in);
	if (stats)
		stats->vertices_in += in;
	if (ml->l->geom != LY_GEOM_POLYGON)
		return n < 2 ? 0 : n;
	if (n > 1 && s->x[n - 1] == s->x[0] && s->y[n - 1] == s->y[0])
		n--;
	return n < 3 ? 0 : n;
}

/* Appends a feature's rings or lines to the current path; returns whether anything was added.
 * Counts its vertices into stats unless that is NULL. */
static bool path_feature(cairo_t *cr, struct ly_map_stats *stats, const struct mlayer *ml, int f,
                         const struct xform *x, struct scratch *s)
{
	const struct ly_layer *l = ml->l;
	const struct ly_feat *ft = &l->feat[f];
	bool poly = l->geom == LY_GEOM_POLYGON, any = false;
	for (uint32_t p = 0; p < ft->nparts; p++) {
		size_t n = part_run(ml, ft, p, x, s, stats);
		if (n == 0)
			continue;
		cairo_move_to(cr, s->x[0], s->y[0]);
		for (size_t i = 1; i < n; i++)
			cairo_line_to(cr, s->x[i], s->y[i]);
		if (poly)
			cairo_close_path(cr);
		if (stats)
			stats->vertices_drawn += n;
		any = true;
	}
	return any;
}

/* A coverage buffer for cr's clip (*out) when the map draws its strokes by coverage
 * (ly_map_set_fast_strokes) and cr allows it: an image surface without transformation,
 * clipped to full-width rows at most, OVER. *out NULL: use cairo_stroke. False when the
 * buffer cannot be allocated. */
static bool cov_for(const struct ly_map *m, cairo_t *cr, bool dashed, struct ly_cov **out)
{
	*out = NULL;
	if (!m->fast_strokes || dashed || cairo_get_operator(cr) != CAIRO_OPERATOR_OVER)
		return true;
	cairo_surface_t *t = cairo_get_target(cr);
	if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE)
		return true;
	cairo_format_t fmt = cairo_image_surface_get_format(t);
	int w = cairo_image_surface_get_width(t), h = cairo_image_surface_get_height(t);
	double dx, dy;
	cairo_surface_get_device_offset(t, &dx, &dy);
	cairo_matrix_t mt;
	cairo_get_matrix(cr, &mt);
	if ((fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24) || dx != 0 || dy != 0 || mt.xx != 1 ||
	    mt.yx != 0 || mt.xy != 0 || mt.yy != 1 || mt.x0 != 0 || mt.y0 != 0)
		return true;
	cairo_rectangle_list_t *clip = cairo_copy_clip_rectangle_list(cr);
	bool ok = true;
	if (clip->status == CAIRO_STATUS_SUCCESS && clip->num_rectangles == 1) {
		const cairo_rectangle_t *r = &clip->rectangles[0];
		int y0 = (int)fmax(r->y, 0), y1 = (int)fmin(r->y + r->height, h);
		if (r->x <= 0 && r->x + r->width >= w && r->y == floor(r->y) && r->height == floor(r->height) && w >= 1 &&
		    y1 > y0)
			ok = (*out = ly_cov_new(w, y0, y1)) != NULL;
	}
	cairo_rectangle_list_destroy(clip);
	return ok;
}

/* The error of a pass that ran out of memory for a coverage buffer of cr's target. */
static bool cov_oom(cairo_t *cr, struct rd_err *err, const char *what)
{
	cairo_surface_t *t = cairo_get_target(cr);
	return rd_err_set(err, "%s: out of memory for a %dx%d stroke coverage buffer", what,
	                  cairo_image_surface_get_width(t), cairo_image_surface_get_height(t));
}

/* As path_feature, into a coverage buffer: the same vertices and segments. */
static void cov_feature(struct ly_cov *c, double half_width, struct ly_map_stats *stats, const struct mlayer *ml,
                        int f, const struct xform *x, struct scratch *s)
{
	const struct ly_layer *l = ml->l;
	const struct ly_feat *ft = &l->feat[f];
	bool poly = l->geom == LY_GEOM_POLYGON;
	for (uint32_t p = 0; p < ft->nparts; p++) {
		size_t n = part_run(ml, ft, p, x, s, stats);
		if (n == 0)
			continue;
		for (size_t i = 1; i < n; i++)
			ly_cov_segment(c, s->x[i - 1], s->y[i - 1], s->x[i], s->y[i], half_width);
		if (poly)
			ly_cov_segment(c, s->x[n - 1], s->y[n - 1], s->x[0], s->y[0], half_width);
		if (stats)
			stats->vertices_drawn += n;
	}
}

static double kscale(const struct ly_map *m)
{
	return (m->canvas_h > 0 ? m->canvas_h : m->view.h) / 1080.0;
}

static void set_stroke(cairo_t *cr, const struct ly_style *st, double k)
{
	double w = st->stroke_width * k;
	cairo_set_line_width(cr, w < 1 && st->stroke_width > 0 ? 1 : w);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	if (st->dash_count > 0) {
		double d[4];
		for (int i = 0; i < st->dash_count && i < 4; i++)
			d[i] = st->dash[i] * k;
		cairo_set_dash(cr, d, st->dash_count > 4 ? 4 : st->dash_count, 0);
	} else {
		cairo_set_dash(cr, NULL, 0, 0);
	}
}

static bool draw_polygons(const struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct mlayer *ml,
                          const struct xform *x, struct scratch *s, struct ly_map_stats *stats, struct rd_err *err)
{
	const struct ly_style *st = &ml->st;
	double k = kscale(m);
	struct rd_color base = paint_or(&st->fill, th->colors[RD_MAP_FILL]);
	struct rd_color stroke = paint_or(&st->stroke, th->colors[RD_MAP_STROKE]);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	double margin = st->stroke_width * k + 2;
	bool classes = ml->nclass > 0;
	/* Each feature filled on its own with even-odd: holes open whatever their winding, and
	 * overlapping features do not cancel each other as they would in one even-odd path. */
	for (int f = 0; f < ml->l->nfeat; f++) {
		if (!feature_visible(ml, f, x, margin))
			continue;
		struct rd_color c = classes && ml->cls[f] >= 0 ? class_color(th, ml, ml->cls[f]) : base;
		if (c.a <= 0)
			continue;
		cairo_new_path(cr);
		if (path_feature(cr, feature_stats(ml, f, x, stats), ml, f, x, s)) {
			set_color(cr, c, st->opacity);
			cairo_fill(cr);
		}
	}
	if (stroke.a > 0 && st->stroke_width > 0) {
		/* all outlines in one stroke: shared borders do not double their alpha */
		cairo_new_path(cr);
		size_t in = stats->vertices_in, drawn = stats->vertices_drawn;
		set_stroke(cr, st, k);
		struct ly_cov *cov;
		if (!cov_for(m, cr, st->dash_count > 0, &cov)) {
			cairo_new_path(cr);
			return cov_oom(cr, err, ml->l->path);
		}
		for (int f = 0; f < ml->l->nfeat; f++) {
			if (!feature_visible(ml, f, x, margin))
				continue;
			if (cov)
				cov_feature(cov, cairo_get_line_width(cr) / 2, feature_stats(ml, f, x, stats), ml, f, x, s);
			else
				path_feature(cr, feature_stats(ml, f, x, stats), ml, f, x, s);
		}
		/* the second walk is the same vertices: count them once */
		if (base.a > 0 || classes)
			stats->vertices_in = in, stats->vertices_drawn = drawn;
		if (cov) {
			ly_cov_composite(cov, cairo_get_target(cr), stroke);
			ly_cov_free(cov);
		} else {
			set_color(cr, stroke, 1);
			cairo_stroke(cr);
		}
	}
	cairo_new_path(cr);
	return true;
}

static bool draw_lines(const struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct mlayer *ml,
                       const struct xform *x, struct scratch *s, struct ly_map_stats *stats, struct rd_err *err)
{
	const struct ly_style *st = &ml->st;
	double k = kscale(m);
	struct rd_color stroke = paint_or(&st->stroke, th->colors[RD_MAP_STROKE]);
	double margin = st->stroke_width * k + 2;
	set_stroke(cr, st, k);
	if (ml->nclass > 0) {
		for (int f = 0; f < ml->l->nfeat; f++) {
			if (!feature_visible(ml, f, x, margin))
				continue;
			cairo_new_path(cr);
			if (path_feature(cr, feature_stats(ml, f, x, stats), ml, f, x, s)) {
				set_color(cr, ml->cls[f] >= 0 ? class_color(th, ml, ml->cls[f]) : stroke, st->opacity);
				cairo_stroke(cr);
			}
		}
	} else {
		cairo_new_path(cr);
		struct ly_cov *cov;
		if (!cov_for(m, cr, st->dash_count > 0, &cov)) {
			cairo_set_dash(cr, NULL, 0, 0);
			return cov_oom(cr, err, ml->l->path);
		}
		for (int f = 0; f < ml->l->nfeat; f++) {
			if (!feature_visible(ml, f, x, margin))
				continue;
			if (cov)
				cov_feature(cov, cairo_get_line_width(cr) / 2, feature_stats(ml, f, x, stats), ml, f, x, s);
			else
				path_feature(cr, feature_stats(ml, f, x, stats), ml, f, x, s);
		}
		if (cov) {
			stroke.a *= st->opacity;
			ly_cov_composite(cov, cairo_get_target(cr), stroke);
			ly_cov_free(cov);
		} else {
			set_color(cr, stroke, st->opacity);
			cairo_stroke(cr);
		}
	}
	cairo_set_dash(cr, NULL, 0, 0);
	return true;
}

/* Symbol diameter in pixels of feature f: area-proportional to its value when sized. */
static double symbol_px(const struct ly_map *m, const struct mlayer *ml, int f)
{
	double k = kscale(m), d = ml->st.symbol_size * k;
	int sf = ly_layer_field_index(ml->l, ml->st.size_field);
	if (sf < 0 && !(ml->live_has && ml->live_has[f]))
		return d;
	double v = ml->live_has && ml->live_has[f] ? ml->live_val[f] : attr_num(ml->l, f, sf, NAN);
	double vmax = ml->vmax;
	if (sf >= 0 && !(ml->live_has)) {
		vmax = -INFINITY;
		for (int i = 0; i < ml->l->nfeat; i++)
			vmax = fmax(vmax, attr_num(ml->l, i, sf, -INFINITY));
	}
	if (!(v > 0) || !(vmax > 0))
		return fmax(2 * k, d * 0.2);
	return fmax(2 * k, d * sqrt(v / vmax));
}

static void draw_symbol(cairo_t *cr, enum ly_symbol sym, double x, double y, double d)
{
	if (sym == LY_SYMBOL_SQUARE)
		cairo_rectangle(cr, x - d / 2, y - d / 2, d, d);
	else {
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, d / 2, 0, 2 * M_PI);
	}
}

static void point_xy(const struct mlayer *ml, uint32_t v, const struct xform *x, double *sx, double *sy)
{
	*sx = ml->wx[v] * x->a + x->bx;
	*sy = -ml->wy[v] * x->a + x->by;
}

static void draw_points(const struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct mlayer *ml,
                        const struct xform *x, struct ly_map_stats *stats)
{
	const struct ly_style *st = &ml->st;
	struct rd_color base = paint_or(&st->fill, th->colors[RD_ACCENT]);
	struct rd_color stroke = paint_or(&st->stroke, th->colors[RD_MAP_HALO]);
	double k = kscale(m);
	bool per_feature = ml->nclass > 0 || st->size_field[0] || ml->live_has;
	cairo_new_path(cr);
	for (int f = 0; f < ml->l->nfeat; f++) {
		const struct ly_feat *ft = &ml->l->feat[f];
		double d = symbol_px(m, ml, f);
		for (uint32_t p = 0; p < ft->nparts; p++) {
			double sx, sy;
			point_xy(ml, ml->l->part[ft->part0 + p].start, x, &sx, &sy);
			if (sx < -d || sy < -d || sx > x->w + d || sy > x->h + d)
				continue;
			draw_symbol(cr, st->symbol, sx, sy, d);
			stats->vertices_drawn++;
		}
		stats->vertices_in += ft->nparts;
		if (per_feature) {
			set_color(cr, ml->cls[f] >= 0 ? class_color(th, ml, ml->cls[f]) : base, st->opacity);
			cairo_fill_preserve(cr);
			set_color(cr, stroke, st->opacity);
			cairo_set_line_width(cr, fmax(1, k));
			cairo_stroke(cr);
		}
	}
	if (!per_feature) {
		set_color(cr, base, st->opacity);
		cairo_fill_preserve(cr);
		set_color(cr, stroke, st->opacity);
		cairo_set_line_width(cr, fmax(1, k));
		cairo_stroke(cr);
	}
}

/* Kernel density of the points on a grid of 4x4-pixel cells, colored through the ramp. */
static bool draw_heat(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct mlayer *ml,
                      const struct xform *x, struct rd_err *err)
{
	const int cell = 4;
	int gw = (int)ceil(x->w / cell) + 1, gh = (int)ceil(x->h / cell) + 1;
	double radius = ml->st.heat_radius * kscale(m) / cell; /* in cells */
	if (radius < 1)
		radius = 1;
	int rr = (int)ceil(radius * 1.5);
	double sigma2 = 2 * (radius / 2) * (radius / 2);
	float *g = calloc((size_t)gw * (size_t)gh, sizeof *g);
	if (!g)
		return rd_err_set(err, "%s: out of memory for a %dx%d heat grid", ml->l->path, gw, gh);
	int wf = ly_layer_field_index(ml->l, ml->st.heat_weight_field);
	for (int f = 0; f < ml->l->nfeat; f++) {
		double wgt = ml->live_has && ml->live_has[f] ? ml->live_val[f] : wf >= 0 ? attr_num(ml->l, f, wf, 0) : 1;
		if (!(wgt > 0))
			continue;
		const struct ly_feat *ft = &ml->l->feat[f];
		for (uint32_t p = 0; p < ft->nparts; p++) {
			double sx, sy;
			point_xy(ml, ml->l->part[ft->part0 + p].start, x, &sx, &sy);
			double gx = sx / cell, gy = sy / cell;
			int cx = (int)gx, cy = (int)gy;
			if (cx < -rr || cy < -rr || cx > gw + rr || cy > gh + rr)
				continue;
			for (int j = cy - rr; j <= cy + rr; j++) {
				if (j < 0 || j >= gh)
					continue;
				for (int i = cx - rr; i <= cx + rr; i++) {
					if (i < 0 || i >= gw)
						continue;
					double dx = i - gx, dy = j - gy;
					g[(size_t)j * (size_t)gw + (size_t)i] += (float)(wgt * exp(-(dx * dx + dy * dy) / sigma2));
				}
			}
		}
	}
	float gmax = 0;
	for (size_t i = 0; i < (size_t)gw * (size_t)gh; i++)
		gmax = fmaxf(gmax, g[i]);
	if (gmax > 0) {
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, gw, gh);
		unsigned char *data = cairo_image_surface_get_data(img);
		int stride = cairo_image_surface_get_stride(img);
		cairo_surface_flush(img);
		for (int j = 0; j < gh; j++) {
			uint32_t *row = (uint32_t *)(void *)(data + (size_t)j * (size_t)stride);
			for (int i = 0; i < gw; i++) {
				double t = g[(size_t)j * (size_t)gw + (size_t)i] / gmax;
				if (t < 0.02) {
					row[i] = 0;
					continue;
				}
				struct rd_color c = ramp_color(th, ml->st.ramp, t);
				double a = fmin(1, t * 1.6) * c.a * ml->st.opacity;
				row[i] = (uint32_t)(a * 255 + 0.5) << 24 | (uint32_t)(c.r * a * 255 + 0.5) << 16 |
				         (uint32_t)(c.g * a * 255 + 0.5) << 8 | (uint32_t)(c.b * a * 255 + 0.5);
			}
		}
		cairo_surface_mark_dirty(img);
		cairo_save(cr);
		cairo_scale(cr, cell, cell);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
		cairo_paint(cr);
		cairo_restore(cr);
		cairo_surface_destroy(img);
	}
	free(g);
	return true;
}

/* ---- text ---- */

struct text {
	PangoContext *ctx;
	PangoLayout *layout;
	PangoFontDescription *font;
};

static void text_init(struct text *t, cairo_t *cr, const struct rd_theme *th, double px)
{
	t->ctx = pango_cairo_create_context(cr);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(t->ctx, fo);
	cairo_font_options_destroy(fo);
	t->layout = pango_layout_new(t->ctx);
	t->font = pango_font_description_new();
	pango_font_description_set_family(t->font, th->font_family[0] ? th->font_family : "Noto Sans CJK SC");
	pango_font_description_set_absolute_size(t->font, px * PANGO_SCALE);
	pango_layout_set_font_description(t->layout, t->font);
}

static void text_size(struct text *t, double px)
{
	pango_font_description_set_absolute_size(t->font, px * PANGO_SCALE);
	pango_layout_set_font_description(t->layout, t->font);
}

static void text_finish(struct text *t)
{
	pango_font_description_free(t->font);
	g_object_unref(t->layout);
	g_object_unref(t->ctx);
}

/* Logical size of text in pixels. */
static void text_measure(struct text *t, const char *s, double *w, double *h)
{
	pango_layout_set_text(t->layout, rd_tr(s), -1);
	PangoRectangle ink, log;
	pango_layout_get_pixel_extents(t->layout, &ink, &log);
	*w = log.width;
	*h = log.height;
}

static void text_draw(struct text *t, cairo_t *cr, const char *s, double x, double y, struct rd_color fg,
                      struct rd_color halo, double halo_w)
{
	pango_layout_set_text(t->layout, rd_tr(s), -1);
	cairo_move_to(cr, x, y);
	pango_cairo_layout_path(cr, t->layout);
	if (halo_w > 0 && halo.a > 0) {
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_set_line_width(cr, halo_w * 2);
		set_color(cr, halo, 1);
		cairo_stroke_preserve(cr);
	}
	set_color(cr, fg, 1);
	cairo_fill(cr);
}

/* ---- legends ---- */

static void fmt_num(char *buf, size_t n, double v)
{
	double a = fabs(v);
	if (a >= 1000 || a == floor(a))
		snprintf(buf, n, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%.2f", v);
}

/* Draws (if draw) the legends stacked from the bottom-left corner; returns their bbox. */
static bool legends(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, struct text *t, bool draw,
                    double box[4])
{
	double k = kscale(m), pad = 10 * k, sw = 22 * k, sh = 14 * k, gap = 5 * k;
	double fs = rd_theme_px(th, RD_SIZE_SMALL, m->canvas_h > 0 ? m->canvas_h : m->view.h);
	double y = m->view.h - 16 * k;
	double x0 = 16 * k;
	bool any = false;
	box[0] = box[1] = INFINITY;
	box[2] = box[3] = -INFINITY;
	for (int i = m->n - 1; i >= 0; i--) {
		const struct mlayer *ml = &m->ml[i];
		if (!ml->st.visible || !ml->st.legend || ml->nclass <= 0)
			continue;
		char lines[LY_CLASSES_MAX][96];
		const char *title = ml->st.legend_title[0] ? ml->st.legend_title
		                    : ml->st.value_field[0] ? ml->st.value_field : ml->l->name;
		double tw, th_, lw = 0, lh = 0;
		text_size(t, fs * 1.1);
		text_measure(t, title, &tw, &th_);
		text_size(t, fs);
		for (int c = 0; c < ml->nclass; c++) {
			if (ml->st.classify == LY_CLASSIFY_CATEGORICAL) {
				snprintf(lines[c], sizeof lines[c], "%s", ml->cats[c]);
			} else {
				char a[32], b[32];
				fmt_num(a, sizeof a, ml->breaks[c]);
				fmt_num(b, sizeof b, ml->breaks[c + 1]);
				snprintf(lines[c], sizeof lines[c], "%s – %s", a, b);
			}
			double w, h;
			text_measure(t, lines[c], &w, &h);
			lw = fmax(lw, w);
			lh = fmax(lh, h);
		}
		double row = fmax(sh, lh) + gap;
		double bw = fmax(tw, sw + gap * 2 + lw) + 2 * pad;
		double bh = pad * 2 + th_ + gap + row * ml->nclass - gap;
		double by = y - bh;
		if (draw) {
			struct rd_color panel = th->colors[RD_PANEL];
			cairo_rectangle(cr, x0, by, bw, bh);
			set_color(cr, panel, 0.85);
			cairo_fill_preserve(cr);
			cairo_set_line_width(cr, 1);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_set_dash(cr, NULL, 0, 0);
			set_color(cr, th->colors[RD_PANEL_BORDER], 1);
			cairo_stroke(cr);
			text_size(t, fs * 1.1);
			pango_layout_set_text(t->layout, rd_tr(title), -1);
			set_color(cr, th->colors[RD_TEXT], 1);
			cairo_move_to(cr, x0 + pad, by + pad);
			pango_cairo_show_layout(cr, t->layout);
			text_size(t, fs);
			double ry = by + pad + th_ + gap;
			for (int c = 0; c < ml->nclass; c++) {
				cairo_rectangle(cr, x0 + pad, ry + (row - gap - sh) / 2, sw, sh);
				set_color(cr, class_color(th, ml, c), ml->st.opacity);
				cairo_fill(cr);
				pango_layout_set_text(t->layout, lines[c], -1);
				set_color(cr, th->colors[RD_TEXT_DIM], 1);
				cairo_move_to(cr, x0 + pad + sw + gap * 2, ry + (row - gap - lh) / 2);
				pango_cairo_show_layout(cr, t->layout);
				ry += row;
			}
		}
		box[0] = fmin(box[0], x0), box[1] = fmin(box[1], by);
		box[2] = fmax(box[2], x0 + bw), box[3] = fmax(box[3], y);
		y = by - gap * 2;
		any = true;
	}
	return any;
}

/* ---- labels: one collision pass over all layers ---- */

struct cand {
	const char *text;
	int layer, feature;
	double prio, area, x, y, dx; /* dx: offset right of a point symbol */
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;
	if (p->prio != q->prio)
		return p->prio > q->prio ? -1 : 1;
	if (p->area != q->area)
		return p->area > q->area ? -1 : 1;
	if (p->layer != q->layer)
		return p->layer > q->layer ? -1 : 1;
	return p->feature - q->feature;
}

static bool overlaps(const double *a, const double *b)
{
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* The glyph outlines of the placed labels, in the order of m->placed, with the rows each
 * reaches (its ink and halo), drawn by draw_label_paths after the layers. */
struct label_paths {
	int n;
	cairo_path_t **path;
	double (*rows)[2];
};

static void label_paths_free(struct label_paths *lp)
{
	for (int i = 0; i < lp->n; i++)
		cairo_path_destroy(lp->path[i]);
	free(lp->path);
	free(lp->rows);
	*lp = (struct label_paths){0};
}

/* Grows *p to hold n elements of size bytes; false (*p as it was) when out of memory. */
static bool grow(void *p, size_t n, size_t size)
{
	void *q = n <= SIZE_MAX / size ? realloc(*(void **)p, n * size) : NULL;
	if (!q)
		return false;
	*(void **)p = q;
	return true;
}

/* One collision pass over all layers' label candidates: places them (m->placed) and keeps
 * their outlines in lp. Draws nothing. False when out of memory (err names the layer). */
static bool place_labels(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, struct text *t,
                         const double *legend_box, bool have_legend, struct label_paths *lp, struct rd_err *err)
{
	struct xform x = xform_of(&m->view);
	size_t nc = 0, cap = 0;
	struct cand *c = NULL;
	bool ok = true;
	for (int i = 0; ok && i < m->n; i++) {
		struct mlayer *ml = &m->ml[i];
		if (!ml->st.visible || (ml->l->geom == LY_GEOM_POINT && (ml->st.heat || ml->st.symbol == LY_SYMBOL_PULSE)))
			continue;
		int lf = ly_layer_field_index(ml->l, ml->st.label_field);
		if (lf < 0)
			continue;
		if (!ly_map_label_points(ml)) {
			ok = rd_err_set(err, "%s: out of memory placing the labels of %d features", ml->l->path,
			                ml->l->nfeat);
			break;
		}
		int pf = ly_layer_field_index(ml->l, ml->st.priority_field);
		for (int f = 0; ok && f < ml->l->nfeat; f++) {
			const char *s = ly_layer_attr(ml->l, f, lf);
			if (!*s)
				continue;
			double sx = ml->lab_x[f] * x.a + x.bx, sy = -ml->lab_y[f] * x.a + x.by;
			if (sx < 0 || sy < 0 || sx > x.w || sy > x.h)
				continue;
			if (nc == cap) {
				if (!grow(&c, cap ? cap * 2 : 128, sizeof *c)) {
					ok = rd_err_set(err, "%s: out of memory for %zu label candidates", ml->l->path,
					                cap ? cap * 2 : 128);
					break;
				}
				cap = cap ? cap * 2 : 128;
			}
			double area = ml->area[f] * x.a * x.a;
			/* a polygon's label needs room: skip features far smaller than their text */
			if (ml->l->geom == LY_GEOM_POLYGON && area < 16)
				continue;
			c[nc++] = (struct cand){s, i, f, attr_num(ml->l, f, pf, ml->st.label_priority), area, sx, sy,
			                        ml->l->geom == LY_GEOM_POINT ? symbol_px(m, ml, f) / 2 + 3 * kscale(m)
			                                                     : 0};
		}
	}
	if (nc)
		qsort(c, nc, sizeof *c, cmp_cand);
	double halo = 2 * kscale(m);
	double base_px = rd_theme_px(th, RD_SIZE_MAP_LABEL, m->canvas_h > 0 ? m->canvas_h : m->view.h);
	for (size_t i = 0; ok && i < nc; i++) {
		const struct mlayer *ml = &m->ml[c[i].layer];
		double px = ml->st.label_size > 0 ? ml->st.label_size * kscale(m) : base_px;
		text_size(t, px);
		double w, h;
		text_measure(t, c[i].text, &w, &h);
		double tx = c[i].dx > 0 ? c[i].x + c[i].dx : c[i].x - w / 2, ty = c[i].y - h / 2;
		double box[4] = {tx - halo, ty - halo, tx + w + halo, ty + h + halo};
		bool fits = box[0] >= 0 && box[1] >= 0 && box[2] <= x.w && box[3] <= x.h;
		if (fits && have_legend && overlaps(box, legend_box))
			fits = false;
		for (int k = 0; fits && k < m->nplaced; k++)
			if (overlaps(box, m->placed[k].box))
				fits = false;
		if (!fits) {
			m->stats.labels_dropped++;
			continue;
		}
		char *text = strdup(c[i].text);
		if (!text || !grow(&m->placed, (size_t)m->nplaced + 1, sizeof *m->placed) ||
		    !grow(&lp->path, (size_t)lp->n + 1, sizeof *lp->path) ||
		    !grow(&lp->rows, (size_t)lp->n + 1, sizeof *lp->rows)) {
			free(text);
			ok = rd_err_set(err, "%s: out of memory for label %d", ml->l->path, m->nplaced + 1);
			break;
		}
		struct placed *p = &m->placed[m->nplaced++];
		p->text = text;
		p->layer = c[i].layer;
		p->feature = c[i].feature;
		p->x = c[i].x;
		p->y = c[i].y;
		memcpy(p->box, box, sizeof box);
		/* the layout holds the text just measured */
		cairo_new_path(cr);
		cairo_move_to(cr, tx, ty);
		pango_cairo_layout_path(cr, t->layout);
		double e[4];
		cairo_path_extents(cr, &e[0], &e[1], &e[2], &e[3]);
		lp->rows[lp->n][0] = fmin(e[1], box[1]) - halo - 1;
		lp->rows[lp->n][1] = fmax(e[3], box[3]) + halo + 1;
		lp->path[lp->n++] = cairo_copy_path(cr);
		cairo_new_path(cr);
		m->stats.labels_placed++;
	}
	(void)th;
	free(c);
	return ok;
}

/* The placed labels reaching rows y0..y1: halo stroked under the fill, as text_draw. */
static bool draw_label_paths(const struct ly_map *m, cairo_t *cr, const struct rd_theme *th,
                             const struct label_paths *lp, double y0, double y1, struct rd_err *err)
{
	double halo = 2 * kscale(m);
	struct rd_color fg = th->colors[RD_MAP_LABEL], hc = th->colors[RD_MAP_HALO];
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_width(cr, halo * 2);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	struct ly_cov *cov = NULL;
	if (halo > 0 && hc.a > 0 && lp->n && !cov_for(m, cr, false, &cov))
		return cov_oom(cr, err, m->ml[m->placed[0].layer].l->path); /* the first label's layer */
	if (cov) {
		/* all halos by coverage, then all fills: labels do not overlap (halo included) */
		for (int i = 0; i < lp->n; i++) {
			if (lp->rows[i][1] < y0 || lp->rows[i][0] > y1)
				continue;
			cairo_new_path(cr);
			cairo_append_path(cr, lp->path[i]);
			cairo_path_t *flat = cairo_copy_path_flat(cr);
			double sx = 0, sy = 0, px = 0, py = 0;
			for (int k = 0; k < flat->num_data; k += flat->data[k].header.length) {
				const cairo_path_data_t *d = &flat->data[k];
				if (d->header.type == CAIRO_PATH_MOVE_TO) {
					sx = px = d[1].point.x, sy = py = d[1].point.y;
				} else if (d->header.type == CAIRO_PATH_LINE_TO) {
					ly_cov_segment(cov, px, py, d[1].point.x, d[1].point.y, halo);
					px = d[1].point.x, py = d[1].point.y;
				} else if (d->header.type == CAIRO_PATH_CLOSE_PATH) {
					ly_cov_segment(cov, px, py, sx, sy, halo);
					px = sx, py = sy;
				}
			}
			cairo_path_destroy(flat);
		}
		cairo_new_path(cr);
		ly_cov_composite(cov, cairo_get_target(cr), hc);
		ly_cov_free(cov);
		hc.a = 0; /* drawn */
	}
	for (int i = 0; i < lp->n; i++) {
		if (lp->rows[i][1] < y0 || lp->rows[i][0] > y1)
			continue;
		cairo_new_path(cr);
		cairo_append_path(cr, lp->path[i]);
		if (halo > 0 && hc.a > 0) {
			set_color(cr, hc, 1);
			cairo_stroke_preserve(cr);
		}
		set_color(cr, fg, 1);
		cairo_fill(cr);
	}
	return true;
}

void ly_map_draw_labels(struct ly_map *m, cairo_t *cr, const struct rd_theme *th)
{
	if (!m->nplaced)
		return;
	double halo = 2 * kscale(m);
	double base_px = rd_theme_px(th, RD_SIZE_MAP_LABEL, m->canvas_h > 0 ? m->canvas_h : m->view.h);
	struct text t;
	text_init(&t, cr, th, base_px);
	cairo_save(cr);
	for (int i = 0; i < m->nplaced; i++) {
		const struct placed *p = &m->placed[i];
		const struct mlayer *ml = &m->ml[p->layer];
		text_size(&t, ml->st.label_size > 0 ? ml->st.label_size * kscale(m) : base_px);
		text_draw(&t, cr, p->text, p->box[0] + halo, p->box[1] + halo, th->colors[RD_MAP_LABEL],
		          th->colors[RD_MAP_HALO], halo);
	}
	cairo_restore(cr);
	text_finish(&t);
}

/* ---- passes ---- */

/* Whether the static pass has any text to draw: labels or legends. */
static bool needs_text(const struct ly_map *m)
{
	for (int i = 0; i < m->n; i++) {
		const struct mlayer *ml = &m->ml[i];
		if (!ml->st.visible)
			continue;
		if (ml->st.legend && ml->nclass > 0)
			return true;
		if (ml->l->geom == LY_GEOM_POINT && (ml->st.heat || ml->st.symbol == LY_SYMBOL_PULSE))
			continue;
		if (ly_layer_field_index(ml->l, ml->st.label_field) >= 0)
			return true;
	}
	return false;
}

/* The layers, bottom to top, within the rows x->y0..y1. False when out of memory (err names
 * the layer). */
static bool draw_layers(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct xform *x,
                        struct ly_map_stats *stats, struct rd_err *err)
{
	/* the scratch for the largest part of the visible polygon and line layers */
	const struct mlayer *largest = NULL;
	for (int i = 0; i < m->n; i++) {
		const struct mlayer *ml = &m->ml[i];
		if (ml->st.visible && ml->l->geom != LY_GEOM_POINT && (!largest || ml->max_part > largest->max_part))
			largest = ml;
	}
	struct scratch s = {0};
	if (largest) {
		size_t n = largest->max_part ? largest->max_part : 1;
		s.x = malloc(n * sizeof *s.x);
		s.y = malloc(n * sizeof *s.y);
		if (!s.x || !s.y) {
			free(s.x);
			free(s.y);
			return rd_err_set(err, "%s: out of memory drawing a part of %zu vertices", largest->l->path, n);
		}
	}
	bool ok = true;
	for (int i = 0; ok && i < m->n; i++) {
		const struct mlayer *ml = &m->ml[i];
		if (!ml->st.visible)
			continue;
		switch (ml->l->geom) {
		case LY_GEOM_POLYGON:
			ok = draw_polygons(m, cr, th, ml, x, &s, stats, err);
			break;
		case LY_GEOM_LINE:
			ok = draw_lines(m, cr, th, ml, x, &s, stats, err);
			break;
		case LY_GEOM_POINT:
			if (ml->st.heat)
				ok = draw_heat(m, cr, th, ml, x, err);
			else if (ml->st.symbol != LY_SYMBOL_PULSE)
				draw_points(m, cr, th, ml, x, stats);
			break;
		}
	}
	free(s.x);
	free(s.y);
	return ok;
}

/* ---- the static pass in bands on several threads (ly_map_set_threads) ----
 *
 * The rows are cut into bands; each band has a surface object of its own over all of the
 * target's pixels and a cairo_t clipped to its rows. The coordinates are those of one full
 * drawing (a cairo_t translated per band rounds a few pixels differently) and Cairo writes
 * only inside the clip, so the bands' pixels are exactly those of one drawing on one thread
 * (checked by the layers tests). A band draws only the features and labels reaching its
 * rows. Two rounds: background and layers (while the calling thread first places the labels,
 * which needs Pango and draws nothing), then the labels' outlines. Points (symbols, heat) are
 * not banded: such maps are drawn on one thread. */

enum { BANDS_PER_THREAD = 4, MAX_THREADS = 16 };

struct bands {
	struct ly_map *m;
	const struct rd_theme *th;
	struct xform x;
	cairo_surface_t *target;
	cairo_operator_t op;
	double tolerance;
	cairo_antialias_t antialias;
	const struct label_paths *labels; /* round 2 */
	int nthreads, nbands, round;
	atomic_int next;
	pthread_t helper[MAX_THREADS];
	int started;
	struct band_out {
		struct ly_map_stats stats;
		cairo_status_t status;
		bool oom;          /* out of memory: err says for what */
		struct rd_err err;
	} *out;
};

static void draw_band(struct bands *j, int b)
{
	int h = (int)j->x.h, y0 = (int)((long)h * b / j->nbands), y1 = (int)((long)h * (b + 1) / j->nbands);
	struct band_out *o = &j->out[b];
	cairo_surface_t *s = cairo_image_surface_create_for_data(
		cairo_image_surface_get_data(j->target), cairo_image_surface_get_format(j->target),
		cairo_image_surface_get_width(j->target), h, cairo_image_surface_get_stride(j->target));
	cairo_t *cr = cairo_create(s);
	cairo_rectangle(cr, 0, y0, j->x.w, y1 - y0);
	cairo_clip(cr);
	cairo_set_operator(cr, j->op);
	cairo_set_tolerance(cr, j->tolerance);
	cairo_set_antialias(cr, j->antialias);
	if (j->round == 1) {
		struct xform xb = j->x;
		xb.y0 = y0, xb.y1 = y1;
		if (j->m->opaque) {
			set_color(cr, j->th->colors[RD_BG], 1);
			cairo_paint(cr);
		}
		if (!o->oom)
			o->oom = !draw_layers(j->m, cr, j->th, &xb, &o->stats, &o->err);
	} else if (!o->oom) {
		o->oom = !draw_label_paths(j->m, cr, j->th, j->labels, y0, y1, &o->err);
	}
	if (o->status == CAIRO_STATUS_SUCCESS)
		o->status = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

static void *band_worker(void *arg)
{
	struct bands *j = arg;
	for (int b; (b = atomic_fetch_add(&j->next, 1)) < j->nbands;)
		draw_band(j, b);
	return NULL;
}

static void bands_round(struct bands *j, int round)
{
	j->round = round;
	atomic_store(&j->next, 0);
	j->started = 0;
	while (j->started < j->nthreads - 1 && pthread_create(&j->helper[j->started], NULL, band_worker, j) == 0)
		j->started++;
}

static void bands_join(struct bands *j)
{
	band_worker(j); /* the calling thread takes bands too */
	for (int i = 0; i < j->started; i++)
		pthread_join(j->helper[i], NULL);
}

/* Starts the first round (background and layers) on helper threads when the map may use
 * threads and cr draws straight onto an image surface of the view's size; NULL otherwise. */
static struct bands *bands_start(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, const struct xform *x)
{
	if (m->threads < 2 || x->h < 64)
		return NULL;
	for (int i = 0; i < m->n; i++)
		if (m->ml[i].st.visible && m->ml[i].l->geom == LY_GEOM_POINT)
			return NULL;
	cairo_surface_t *target = cairo_get_target(cr);
	if (cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_IMAGE)
		return NULL;
	cairo_format_t fmt = cairo_image_surface_get_format(target);
	if ((fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24) ||
	    cairo_image_surface_get_width(target) != (int)x->w || cairo_image_surface_get_height(target) != (int)x->h)
		return NULL;
	double dx, dy;
	cairo_surface_get_device_offset(target, &dx, &dy);
	cairo_matrix_t mt;
	cairo_get_matrix(cr, &mt);
	if (dx != 0 || dy != 0 || mt.xx != 1 || mt.yx != 0 || mt.xy != 0 || mt.yy != 1 || mt.x0 != 0 || mt.y0 != 0)
		return NULL;
	/* no clip but the surface's own bounds */
	cairo_rectangle_list_t *clip = cairo_copy_clip_rectangle_list(cr);
	bool unclipped = clip->status == CAIRO_STATUS_SUCCESS && clip->num_rectangles == 1 && clip->rectangles[0].x <= 0 &&
	                 clip->rectangles[0].y <= 0 && clip->rectangles[0].x + clip->rectangles[0].width >= x->w &&
	                 clip->rectangles[0].y + clip->rectangles[0].height >= x->h;
	cairo_rectangle_list_destroy(clip);
	if (!unclipped)
		return NULL;
	struct bands *j = ly_xcalloc(1, sizeof *j);
	*j = (struct bands){.m = m, .th = th, .x = *x, .target = target, .op = cairo_get_operator(cr),
	                    .tolerance = cairo_get_tolerance(cr), .antialias = cairo_get_antialias(cr),
	                    .nthreads = m->threads > MAX_THREADS ? MAX_THREADS : m->threads};
	j->nbands = j->nthreads * BANDS_PER_THREAD;
	j->out = ly_xcalloc((size_t)j->nbands, sizeof *j->out);
	cairo_surface_flush(target);
	bands_round(j, 1);
	return j;
}

/* Finishes the first round, draws the labels in a second, frees j; returns the first Cairo
 * error of a band (CAIRO_STATUS_SUCCESS if none). False when a band ran out of memory (err
 * says for what). */
static bool bands_finish(struct bands *j, const struct label_paths *labels, cairo_status_t *status,
                         struct rd_err *err)
{
	bands_join(j);
	if (labels->n) {
		j->labels = labels;
		bands_round(j, 2);
		bands_join(j);
	}
	cairo_surface_mark_dirty(j->target);
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	bool ok = true;
	for (int b = 0; b < j->nbands; b++) {
		j->m->stats.vertices_in += j->out[b].stats.vertices_in;
		j->m->stats.vertices_drawn += j->out[b].stats.vertices_drawn;
		if (st == CAIRO_STATUS_SUCCESS)
			st = j->out[b].status;
		if (ok && j->out[b].oom)
			ok = rd_err_set(err, "%s", j->out[b].err.msg);
	}
	free(j->out);
	free(j);
	*status = st;
	return ok;
}

bool ly_draw_static(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, struct rd_err *err)
{
	int renders = m->stats.static_renders;
	memset(&m->stats, 0, sizeof m->stats);
	m->stats.static_renders = renders;
	ly_map_free_labels(m);
	if (!m->have_view)
		ly_map_fit(m, 1920, 1080, 20);
	struct xform x = xform_of(&m->view);
	cairo_save(cr);
	struct bands *bands = bands_start(m, cr, th, &x);
	double lbox[4];
	bool have_legend = false, text = needs_text(m);
	struct text t;
	struct label_paths lp = {0};
	/* out of memory: the first error is kept (a band's or the labels'), the pass finishes
	 * its started work and reports it */
	struct rd_err oom_err;
	bool ok = true;
	if (text) {
		/* Pango (and fontconfig behind it, tens of milliseconds cold) only when there is text */
		text_init(&t, cr, th, rd_theme_px(th, RD_SIZE_MAP_LABEL, m->canvas_h > 0 ? m->canvas_h : m->view.h));
		have_legend = legends(m, cr, th, &t, false, lbox);
		ok = place_labels(m, cr, th, &t, lbox, have_legend, &lp, &oom_err);
	}
	cairo_status_t band_status = CAIRO_STATUS_SUCCESS;
	if (bands) {
		struct rd_err band_err;
		struct label_paths none = {0};
		if (!bands_finish(bands, ok ? &lp : &none, &band_status, &band_err) && ok)
			ok = rd_err_set(&oom_err, "%s", band_err.msg);
	} else if (ok) {
		if (m->opaque) {
			set_color(cr, th->colors[RD_BG], 1);
			cairo_paint(cr);
		}
		ok = draw_layers(m, cr, th, &x, &m->stats, &oom_err) && draw_label_paths(m, cr, th, &lp, 0, x.h, &oom_err);
	}
	label_paths_free(&lp);
	if (have_legend && ok)
		legends(m, cr, th, &t, true, lbox);
	if (text)
		text_finish(&t);
	m->have_legend = have_legend && ok;
	if (have_legend)
		memcpy(m->legend_box, lbox, sizeof lbox);
	cairo_restore(cr);
	if (!ok) {
		ly_map_free_labels(m); /* none from a pass that did not finish */
		return rd_err_set(err, "%s", oom_err.msg);
	}
	cairo_status_t st = cairo_status(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = band_status;
	if (st != CAIRO_STATUS_SUCCESS)
		return rd_err_set(err, "map: cairo: %s", cairo_status_to_string(st));
	return true;
}

void ly_draw_overlay(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, double t)
{
	struct xform x = xform_of(&m->view);
	double k = kscale(m);
	for (int i = 0; i < m->n; i++) {
		const struct mlayer *ml = &m->ml[i];
		if (!ml->st.visible || ml->l->geom != LY_GEOM_POINT || ml->st.heat || ml->st.symbol != LY_SYMBOL_PULSE)
			continue;
		struct rd_color c = paint_or(&ml->st.fill, th->grade[0]);
		double period = 1.6, phase = fmod(t < 0 ? 0 : t, period) / period;
		for (int f = 0; f < ml->l->nfeat; f++) {
			const struct ly_feat *ft = &ml->l->feat[f];
			double d = symbol_px(m, ml, f);
			struct rd_color fc = ml->cls[f] >= 0 ? class_color(th, ml, ml->cls[f]) : c;
			for (uint32_t p = 0; p < ft->nparts; p++) {
				double sx, sy;
				point_xy(ml, ml->l->part[ft->part0 + p].start, &x, &sx, &sy);
				if (sx < -3 * d || sy < -3 * d || sx > x.w + 3 * d || sy > x.h + 3 * d)
					continue;
				cairo_new_path(cr);
				cairo_arc(cr, sx, sy, d / 2 * (1 + 1.5 * phase), 0, 2 * M_PI);
				cairo_set_line_width(cr, fmax(1.5, 2.5 * k));
				set_color(cr, fc, ml->st.opacity * (1 - phase));
				cairo_stroke(cr);
				cairo_arc(cr, sx, sy, d / 4, 0, 2 * M_PI);
				set_color(cr, fc, ml->st.opacity);
				cairo_fill(cr);
			}
		}
	}
}

bool ly_map_render(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, struct rd_err *err)
{
	if (!ly_draw_static(m, cr, th, err))
		return false;
	m->stats.static_renders++;
	ly_draw_overlay(m, cr, th, 0);
	return true;
}

bool ly_map_prepare(struct ly_map *m, const struct rd_theme *th, struct rd_err *err)
{
	if (!m->have_view)
		ly_map_fit(m, 1920, 1080, 20);
	const struct ly_view *v = &m->view;
	if (m->cache && (cairo_image_surface_get_width(m->cache) != v->w ||
	                 cairo_image_surface_get_height(m->cache) != v->h)) {
		cairo_surface_destroy(m->cache);
		m->cache = NULL;
	}
	bool stale = m->dirty || !m->cache || !ly_view_equal(&m->cache_view, v) || !m->have_theme ||
	             memcmp(&m->cache_theme, th, sizeof *th) != 0;
	if (stale) {
		if (!m->cache)
			m->cache = rd_surface_new(m->opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32, v->w, v->h);
		if (cairo_surface_status(m->cache) != CAIRO_STATUS_SUCCESS) {
			rd_err_set(err, "map: cache %dx%d: %s", v->w, v->h,
			           cairo_status_to_string(cairo_surface_status(m->cache)));
			cairo_surface_destroy(m->cache);
			m->cache = NULL;
			return false;
		}
		cairo_t *c2 = cairo_create(m->cache);
		cairo_set_operator(c2, CAIRO_OPERATOR_CLEAR);
		cairo_paint(c2);
		cairo_set_operator(c2, CAIRO_OPERATOR_OVER);
		bool ok = ly_draw_static(m, c2, th, err);
		cairo_destroy(c2);
		cairo_surface_flush(m->cache);
		if (!ok)
			return false;
		m->stats.static_renders++;
		m->cache_view = *v;
		m->cache_theme = *th;
		m->have_theme = true;
		m->dirty = false;
	}
	return true;
}

bool ly_map_draw(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, double t, struct rd_err *err)
{
	if (!ly_map_prepare(m, th, err))
		return false;
	const struct ly_view *v = &m->view;
	cairo_save(cr);
	cairo_set_source_surface(cr, m->cache, 0, 0);
	if (m->opaque)
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_rectangle(cr, 0, 0, v->w, v->h);
	cairo_fill(cr);
	cairo_restore(cr);
	ly_draw_overlay(m, cr, th, t);
	cairo_status_t st = cairo_status(cr);
	if (st != CAIRO_STATUS_SUCCESS)
		return rd_err_set(err, "map: cairo: %s", cairo_status_to_string(st));
	return true;
}
