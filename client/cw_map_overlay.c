/* Live overlays of a map panel: what to show (update), the static pass, the animated pass.
 * Sizes are pixels at 1080 screen lines times k = scale_h / 1080, like the map's own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_map_overlay.h"
#include "cw_panel.h"
#include "cw_scene.h"
#include "rd_draw.h"
#include "rd_text.h"

enum { EVENTS_MAX = 8000, ALERTS_MAX = 4000, GRID_CELLS_MAX = 160 * 160 };

struct ov_alert {
	double lon, lat;
	int grade; /* 1..4 */
	bool acked;
};

struct ov_event {
	double lon, lat;
	int status; /* enum pr_event_status */
	bool overdue;
};

struct ov_flow {
	double lon, lat; /* the district's centroid */
	int grade;       /* worst open alert there, 1..4; 0: dispatched events only */
	char adcode[8];
};

struct cw_overlays {
	unsigned mask;
	uint64_t hash;
	size_t nalerts, alerts_cap;
	struct ov_alert *alerts;
	size_t nevents, events_cap;
	struct ov_event *events;
	int nflows;
	struct ov_flow flows[PR_DISTRICTS_MAX];
	int unacked;
	/* ripple sprites per grade and step, made on first use for scale_h and the grade colors */
	cairo_surface_t *ripple[PR_GRADE_MAX][CW_OVERLAY_STEPS];
	int ripple_scale_h;
	struct rd_color ripple_colors[PR_GRADE_MAX];
	/* the legend the last static pass drew */
	bool have_legend;
	double legend_box[4];
};

static void drop_ripples(struct cw_overlays *o)
{
	for (int g = 0; g < PR_GRADE_MAX; g++)
		for (int s = 0; s < CW_OVERLAY_STEPS; s++) {
			if (o->ripple[g][s])
				cairo_surface_destroy(o->ripple[g][s]);
			o->ripple[g][s] = NULL;
		}
}

struct cw_overlays *cw_overlays_new(void)
{
	struct cw_overlays *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	return o;
}

void cw_overlays_free(struct cw_overlays *o)
{
	if (!o)
		return;
	drop_ripples(o);
	free(o->alerts);
	free(o->events);
	free(o);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	p = realloc(p, n * size);
	if (!p)
		abort();
	*cap = n;
	return p;
}

static bool good_lonlat(double lon, double lat)
{
	return isfinite(lon) && isfinite(lat) && fabs(lon) <= 180 && fabs(lat) <= 90 &&
	       !(lon == 0 && lat == 0);
}

/* The fly line to adcode's district: its centroid from districts.json, else the first alert or
 * event position given. grade 0 keeps the worse one already there. */
static void add_flow(struct cw_overlays *o, const struct cw_snapshot *snap, const char *adcode,
                     double lon, double lat, int grade)
{
	const struct pr_district *d =
	    snap->has_districts ? pr_districts_find(&snap->districts, adcode) : NULL;
	if (d && good_lonlat(d->lon, d->lat))
		lon = d->lon, lat = d->lat;
	for (int i = 0; i < o->nflows; i++)
		if (strcmp(o->flows[i].adcode, adcode) == 0)
			return;
	if (!good_lonlat(lon, lat) || o->nflows >= PR_DISTRICTS_MAX)
		return;
	struct ov_flow *f = &o->flows[o->nflows++];
	memset(f, 0, sizeof *f); /* padding too: flows are hashed as bytes */
	f->lon = lon, f->lat = lat, f->grade = grade;
	memcpy(f->adcode, adcode, strnlen(adcode, sizeof f->adcode - 1));
}

uint64_t cw_overlays_update(struct cw_overlays *o, unsigned mask, const struct cw_snapshot *snap)
{
	o->mask = mask;
	o->nalerts = o->nevents = 0;
	o->nflows = 0;
	o->unacked = 0;
	uint64_t h = cw_hash(CW_HASH_INIT, &mask, sizeof mask);
	if (!snap || !mask) {
		o->hash = h;
		return h;
	}
	if (mask & (CW_OVERLAY_ALERTS | CW_OVERLAY_FLOWS)) {
		for (size_t i = 0; i < snap->alert_count && o->nalerts < ALERTS_MAX; i++) {
			const struct pr_alert *a = &snap->alerts[i];
			if (a->status == PR_ALERT_RESOLVED || !good_lonlat(a->lon, a->lat))
				continue;
			int g = a->grade < PR_GRADE_MIN ? PR_GRADE_MIN
			        : a->grade > PR_GRADE_MAX ? PR_GRADE_MAX : a->grade;
			o->alerts = grow(o->alerts, &o->alerts_cap, o->nalerts + 1, sizeof *o->alerts);
			struct ov_alert *oa = &o->alerts[o->nalerts++];
			memset(oa, 0, sizeof *oa); /* padding too: alerts are hashed as bytes */
			oa->lon = a->lon, oa->lat = a->lat, oa->grade = g;
			oa->acked = a->status == PR_ALERT_ACKED;
			o->unacked += a->status == PR_ALERT_NEW;
		}
	}
	if (mask & (CW_OVERLAY_EVENTS | CW_OVERLAY_HEAT | CW_OVERLAY_GRID | CW_OVERLAY_FLOWS)) {
		for (size_t i = 0; i < snap->event_count && o->nevents < EVENTS_MAX; i++) {
			const struct pr_event *e = &snap->events[i];
			if (!good_lonlat(e->lon, e->lat) || (unsigned)e->status >= PR_EVENT_STEPS)
				continue;
			o->events = grow(o->events, &o->events_cap, o->nevents + 1, sizeof *o->events);
			o->events[o->nevents++] = (struct ov_event){e->lon, e->lat, (int)e->status, e->overdue};
		}
	}
	if (mask & CW_OVERLAY_FLOWS) {
		/* districts with open alerts first (worst grade first: the snapshot's order), then
		 * those with events waiting in 派遣 */
		for (int g = PR_GRADE_MIN; g <= PR_GRADE_MAX; g++)
			for (size_t i = 0; i < snap->alert_count; i++) {
				const struct pr_alert *a = &snap->alerts[i];
				if (a->status != PR_ALERT_RESOLVED && a->grade == g && a->adcode[0])
					add_flow(o, snap, a->adcode, a->lon, a->lat, g);
			}
		for (size_t i = 0; i < snap->event_count; i++) {
			const struct pr_event *e = &snap->events[i];
			if (e->status == PR_EVENT_DISPATCHED && e->adcode[0])
				add_flow(o, snap, e->adcode, e->lon, e->lat, 0);
		}
	}
	h = cw_hash(h, o->alerts, o->nalerts * sizeof *o->alerts);
	for (size_t i = 0; i < o->nevents; i++) {
		const struct ov_event *e = &o->events[i];
		h = cw_hash(h, &e->lon, sizeof e->lon);
		h = cw_hash(h, &e->lat, sizeof e->lat);
		h = cw_hash(h, &e->status, sizeof e->status);
		h = cw_hash(h, &e->overdue, sizeof e->overdue);
	}
	h = cw_hash(h, o->flows, (size_t)o->nflows * sizeof o->flows[0]);
	if (!(mask & CW_OVERLAY_ALERTS))
		o->unacked = 0;
	o->hash = h;
	return h;
}

bool cw_overlays_animated(const struct cw_overlays *o)
{
	return o->unacked > 0 || o->nflows > 0;
}

int cw_overlays_step(double now)
{
	double f = now - floor(now);
	int s = (int)(f * CW_OVERLAY_STEPS);
	return s < 0 ? 0 : s >= CW_OVERLAY_STEPS ? CW_OVERLAY_STEPS - 1 : s;
}

double cw_overlays_next_step(double now)
{
	double t = (floor(now * CW_OVERLAY_STEPS) + 1) / CW_OVERLAY_STEPS;
	return t > now ? t : t + 1.0 / CW_OVERLAY_STEPS;
}

/* ---- colors ---- */

static struct rd_color grade_color(const struct rd_theme *th, int grade)
{
	int g = grade < PR_GRADE_MIN ? PR_GRADE_MIN : grade > PR_GRADE_MAX ? PR_GRADE_MAX : grade;
	return th->grade[g - 1];
}

/* 上报 orange, 派遣 cyan, 处置 violet, 核查 green, 结案 dim: the theme's palette. */
static struct rd_color status_color(const struct rd_theme *th, int status)
{
	const struct rd_color *c = th->colors;
	switch (status) {
	case PR_EVENT_REPORTED:
		return th->grade[1];
	case PR_EVENT_DISPATCHED:
		return c[RD_ACCENT];
	case PR_EVENT_HANDLED:
		return rd_color_mix(c[RD_ACCENT2], th->grade[0], 0.45);
	case PR_EVENT_VERIFIED:
		return c[RD_GOOD];
	default:
		return c[RD_TEXT_DIM];
	}
}

static struct rd_color flow_color(const struct rd_theme *th, int grade)
{
	return grade ? grade_color(th, grade) : th->colors[RD_ACCENT];
}

static struct rd_color heat_at(const struct rd_theme *th, const struct rd_ramp *ramp, double t)
{
	if (ramp)
		return rd_ramp_at(ramp, t);
	struct rd_ramp r = {.n = 4};
	r.stops[0] = rd_color_alpha(th->colors[RD_ACCENT2], 0);
	r.stops[1] = rd_color_alpha(th->colors[RD_ACCENT], 0.6);
	r.stops[2] = rd_color_alpha(th->grade[2], 0.8);
	r.stops[3] = rd_color_alpha(th->grade[0], 0.9);
	return rd_ramp_at(&r, t);
}

/* ---- symbols ---- */

static void dot(cairo_t *cr, double x, double y, double r, struct rd_color fill,
                struct rd_color edge, double edge_w)
{
	cairo_new_path(cr);
	cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	rd_set_color(cr, fill);
	if (edge_w > 0) {
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, edge_w);
		rd_set_color(cr, edge);
		cairo_stroke(cr);
	} else {
		cairo_fill(cr);
	}
}

static void ring(cairo_t *cr, double x, double y, double r, double w, struct rd_color c)
{
	cairo_new_path(cr);
	cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	cairo_set_line_width(cr, w);
	rd_set_color(cr, c);
	cairo_stroke(cr);
}

static void xy(const struct ly_view *v, double lon, double lat, double *x, double *y)
{
	ly_view_lonlat_to_screen(v, lon, lat, x, y);
}

static bool on_screen(const struct ly_view *v, double x, double y, double margin)
{
	return x > -margin && y > -margin && x < v->w + margin && y < v->h + margin;
}

/* ---- heat: gaussian splats of open events on a grid of 4x4-pixel cells, through a ramp ---- */

static void draw_heat(const struct cw_overlays *o, cairo_t *cr, const struct ly_view *v,
                      const struct rd_theme *th, double k)
{
	const int cell = 4;
	int gw = v->w / cell + 2, gh = v->h / cell + 2;
	double radius = 30 * k / cell; /* in cells */
	int rr = (int)ceil(radius * 1.5);
	double sigma2 = 2 * (radius / 2) * (radius / 2);
	float *g = calloc((size_t)gw * (size_t)gh, sizeof *g);
	if (!g)
		abort();
	int n = 0;
	for (size_t e = 0; e < o->nevents; e++) {
		if (o->events[e].status == PR_EVENT_CLOSED)
			continue;
		double sx, sy;
		xy(v, o->events[e].lon, o->events[e].lat, &sx, &sy);
		double gx = sx / cell, gy = sy / cell;
		int cx = (int)floor(gx), cy = (int)floor(gy);
		if (cx < -rr || cy < -rr || cx > gw + rr || cy > gh + rr)
			continue;
		double wgt = o->events[e].overdue ? 1.5 : 1;
		for (int j = cy - rr < 0 ? 0 : cy - rr; j <= cy + rr && j < gh; j++)
			for (int i = cx - rr < 0 ? 0 : cx - rr; i <= cx + rr && i < gw; i++) {
				double dx = i - gx, dy = j - gy;
				g[(size_t)j * (size_t)gw + (size_t)i] +=
				    (float)(wgt * exp(-(dx * dx + dy * dy) / sigma2));
			}
		n++;
	}
	float gmax = 0;
	for (size_t i = 0; i < (size_t)gw * (size_t)gh; i++)
		gmax = fmaxf(gmax, g[i]);
	if (n && gmax > 0) {
		const struct rd_ramp *ramp = rd_theme_ramp(th, "heat");
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, gw, gh);
		unsigned char *data = cairo_image_surface_get_data(img);
		int stride = cairo_image_surface_get_stride(img);
		cairo_surface_flush(img);
		for (int j = 0; data && j < gh; j++) {
			uint32_t *row = (uint32_t *)(void *)(data + (size_t)j * (size_t)stride);
			for (int i = 0; i < gw; i++) {
				/* a square root lifts the lone events of the counties next to the busy core */
				double t = sqrt(g[(size_t)j * (size_t)gw + (size_t)i] / gmax);
				if (t < 0.12) {
					row[i] = 0;
					continue;
				}
				struct rd_color c = heat_at(th, ramp, t);
				double a = fmin(1, (t - 0.12) * 2.2) * c.a * 0.9;
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
}

/* ---- grid: lon/lat cells clipped to the districts, cells with open events shaded ---- */

/* The outline of every polygon of layer as one path (vertices closer than half a pixel to
 * the last one kept are skipped). */
static void district_path(cairo_t *cr, const struct ly_layer *l, const struct ly_view *v)
{
	cairo_new_path(cr);
	for (int f = 0; f < ly_layer_count(l); f++)
		for (int p = 0; p < ly_layer_part_count(l, f); p++) {
			const double *x, *y;
			int n = ly_layer_part(l, f, p, &x, &y);
			double lx = 0, ly = 0;
			for (int i = 0; i < n; i++) {
				double sx, sy;
				xy(v, x[i], y[i], &sx, &sy);
				if (i == 0) {
					cairo_move_to(cr, sx, sy);
				} else if (fabs(sx - lx) + fabs(sy - ly) >= 0.5 || i == n - 1) {
					cairo_line_to(cr, sx, sy);
				} else {
					continue;
				}
				lx = sx, ly = sy;
			}
			cairo_close_path(cr);
		}
}

/* Cell size in degrees: a round step giving about 32 rows over the districts. */
static double grid_step(double span)
{
	static const double steps[] = {0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025,
	                               0.05,  0.1,   0.2,    0.25,  0.5,  1,    2};
	double want = span / 32, best = steps[0];
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (fabs(log(steps[i] / want)) < fabs(log(best / want)))
			best = steps[i];
	return best;
}

static void draw_grid(const struct cw_overlays *o, cairo_t *cr, const struct ly_layer *l,
                      const struct ly_view *v, const struct rd_theme *th, double k)
{
	double b[4];
	ly_layer_bbox(l, b);
	double step = grid_step(fmax(b[2] - b[0], b[3] - b[1]));
	double lon0 = floor(b[0] / step) * step, lat0 = floor(b[1] / step) * step;
	int nx = (int)ceil((b[2] - lon0) / step), ny = (int)ceil((b[3] - lat0) / step);
	if (nx < 1 || ny < 1 || (size_t)nx * (size_t)ny > GRID_CELLS_MAX)
		return;
	int *count = calloc((size_t)nx * (size_t)ny, sizeof *count);
	if (!count)
		abort();
	for (size_t e = 0; e < o->nevents; e++) {
		if (o->events[e].status == PR_EVENT_CLOSED)
			continue;
		int i = (int)floor((o->events[e].lon - lon0) / step);
		int j = (int)floor((o->events[e].lat - lat0) / step);
		if (i >= 0 && j >= 0 && i < nx && j < ny)
			count[(size_t)j * (size_t)nx + (size_t)i]++;
	}
	cairo_save(cr);
	district_path(cr, l, v);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	cairo_clip(cr);
	/* busy cells: the accent, stronger with more open events, outlined */
	for (int pass = 1; pass <= 3; pass++) {
		cairo_new_path(cr);
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++) {
				int c = count[(size_t)j * (size_t)nx + (size_t)i];
				if ((c < 3 ? c : 3) != pass)
					continue;
				double x0, y0, x1, y1;
				xy(v, lon0 + i * step, lat0 + (j + 1) * step, &x0, &y0);
				xy(v, lon0 + (i + 1) * step, lat0 + j * step, &x1, &y1);
				cairo_rectangle(cr, round(x0), round(y0), round(x1) - round(x0),
				                round(y1) - round(y0));
			}
		rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.10 + 0.12 * pass));
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, fmax(1, round(1.2 * k)));
		rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.85));
		cairo_stroke(cr);
	}
	/* the lines, on pixel centres */
	double lw = fmax(1, round(0.8 * k)), off = fmod(lw, 2) ? 0.5 : 0;
	cairo_new_path(cr);
	for (int i = 0; i <= nx; i++) {
		double x, y, x2, y2;
		xy(v, lon0 + i * step, lat0, &x, &y);
		xy(v, lon0 + i * step, lat0 + ny * step, &x2, &y2);
		cairo_move_to(cr, round(x) + off, y);
		cairo_line_to(cr, round(x) + off, y2);
	}
	for (int j = 0; j <= ny; j++) {
		double x, y, x2, y2;
		xy(v, lon0, lat0 + j * step, &x, &y);
		xy(v, lon0 + nx * step, lat0 + j * step, &x2, &y2);
		cairo_move_to(cr, x, round(y) + off);
		cairo_line_to(cr, x2, round(y) + off);
	}
	cairo_set_line_width(cr, lw);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_ACCENT], 0.28));
	cairo_stroke(cr);
	cairo_restore(cr);
	free(count);
}

/* ---- points ---- */

static void draw_events(const struct cw_overlays *o, cairo_t *cr, const struct ly_view *v,
                        const struct rd_theme *th, double k)
{
	struct rd_color halo = th->colors[RD_MAP_HALO], bad = th->colors[RD_BAD];
	/* closed first and dim, then the loop backwards so the newest steps sit on top */
	static const int order[] = {PR_EVENT_CLOSED, PR_EVENT_VERIFIED, PR_EVENT_HANDLED,
	                            PR_EVENT_DISPATCHED, PR_EVENT_REPORTED};
	for (size_t s = 0; s < sizeof order / sizeof order[0]; s++) {
		bool closed = order[s] == PR_EVENT_CLOSED;
		double r = (closed ? 2.2 : 3.0) * k;
		struct rd_color c = rd_color_alpha(status_color(th, order[s]), closed ? 0.5 : 1);
		for (size_t e = 0; e < o->nevents; e++) {
			const struct ov_event *ev = &o->events[e];
			if (ev->status != order[s])
				continue;
			double x, y;
			xy(v, ev->lon, ev->lat, &x, &y);
			if (!on_screen(v, x, y, 8 * k))
				continue;
			/* overdue: a red outline instead of the dark one */
			if (ev->overdue)
				dot(cr, x, y, r + 0.4 * k, c, rd_color_alpha(bad, closed ? 0.5 : 1),
				    fmax(1.2, 1.5 * k));
			else
				dot(cr, x, y, r, c, rd_color_alpha(halo, closed ? 0.5 : 0.9), fmax(1, 1.0 * k));
		}
	}
}

static void draw_alert_dots(const struct cw_overlays *o, cairo_t *cr, const struct ly_view *v,
                            const struct rd_theme *th, double k)
{
	struct rd_color halo = th->colors[RD_MAP_HALO], white = th->colors[RD_MAP_LABEL];
	for (int pass = 0; pass < 2; pass++) /* acked under unacked */
		for (int g = PR_GRADE_MAX; g >= PR_GRADE_MIN; g--)
			for (size_t i = 0; i < o->nalerts; i++) {
				const struct ov_alert *a = &o->alerts[i];
				if (a->grade != g || a->acked != (pass == 0))
					continue;
				double x, y;
				xy(v, a->lon, a->lat, &x, &y);
				if (!on_screen(v, x, y, 8 * k))
					continue;
				if (a->acked)
					dot(cr, x, y, 3.0 * k, rd_color_alpha(grade_color(th, g), 0.8),
					    rd_color_alpha(halo, 0.9), fmax(1, 1.0 * k));
				else
					dot(cr, x, y, 4.2 * k, grade_color(th, g), rd_color_alpha(white, 0.95),
					    fmax(1, 1.3 * k));
			}
}

/* ---- fly lines ---- */

struct arc {
	double x0, y0, cx, cy, x1, y1;
};

/* A quadratic curve from the center to the flow's end, bent to the left of its direction by
 * a fifth of its length; false when it is too short to draw. */
static bool flow_arc(const struct ov_flow *f, const struct ly_view *v, double k, struct arc *a)
{
	xy(v, CW_OVERLAY_CENTER_LON, CW_OVERLAY_CENTER_LAT, &a->x0, &a->y0);
	xy(v, f->lon, f->lat, &a->x1, &a->y1);
	double dx = a->x1 - a->x0, dy = a->y1 - a->y0, len = hypot(dx, dy);
	if (len < 28 * k)
		return false;
	a->cx = (a->x0 + a->x1) / 2 + dy * 0.22;
	a->cy = (a->y0 + a->y1) / 2 - dx * 0.22;
	return true;
}

static void arc_at(const struct arc *a, double t, double *x, double *y)
{
	double u = 1 - t;
	*x = u * u * a->x0 + 2 * u * t * a->cx + t * t * a->x1;
	*y = u * u * a->y0 + 2 * u * t * a->cy + t * t * a->y1;
}

static void arc_path(cairo_t *cr, const struct arc *a)
{
	/* the quadratic as a cubic */
	cairo_move_to(cr, a->x0, a->y0);
	cairo_curve_to(cr, a->x0 + 2.0 / 3 * (a->cx - a->x0), a->y0 + 2.0 / 3 * (a->cy - a->y0),
	               a->x1 + 2.0 / 3 * (a->cx - a->x1), a->y1 + 2.0 / 3 * (a->cy - a->y1), a->x1,
	               a->y1);
}

static void center_mark(cairo_t *cr, const struct ly_view *v, const struct rd_theme *th, double k)
{
	double x, y;
	xy(v, CW_OVERLAY_CENTER_LON, CW_OVERLAY_CENTER_LAT, &x, &y);
	struct rd_color acc = th->colors[RD_ACCENT];
	dot(cr, x, y, 9 * k, rd_color_alpha(acc, 0.18), acc, fmax(1, 1.4 * k));
	dot(cr, x, y, 4 * k, th->colors[RD_MAP_LABEL], th->colors[RD_ACCENT2], fmax(1, 1.2 * k));
}

static void draw_flows(const struct cw_overlays *o, cairo_t *cr, const struct ly_view *v,
                       const struct rd_theme *th, double k)
{
	for (int i = o->nflows - 1; i >= 0; i--) { /* worst grade last, on top */
		struct arc a;
		if (!flow_arc(&o->flows[i], v, k, &a))
			continue;
		struct rd_color c = flow_color(th, o->flows[i].grade);
		cairo_pattern_t *g = cairo_pattern_create_linear(a.x0, a.y0, a.x1, a.y1);
		cairo_pattern_add_color_stop_rgba(g, 0, c.r, c.g, c.b, 0.08);
		cairo_pattern_add_color_stop_rgba(g, 1, c.r, c.g, c.b, 0.7);
		cairo_new_path(cr);
		arc_path(cr, &a);
		cairo_set_source(cr, g);
		cairo_set_line_width(cr, fmax(1, 1.6 * k));
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		cairo_stroke(cr);
		cairo_pattern_destroy(g);
		ring(cr, a.x1, a.y1, 5 * k, fmax(1, 1.3 * k), rd_color_alpha(c, 0.9));
		dot(cr, a.x1, a.y1, 2 * k, c, c, 0);
	}
	if (o->nflows)
		center_mark(cr, v, th, k);
}

/* ---- legend ---- */

enum sym { SYM_RING, SYM_DOT, SYM_DOT_DIM, SYM_OVERDUE, SYM_CELL, SYM_RAMP, SYM_LINE, SYM_CENTER };

struct item {
	enum sym sym;
	struct rd_color color;
	char text[48];
};

static int legend_items(const struct cw_overlays *o, const struct rd_theme *th, struct item *it)
{
	int n = 0;
	if (o->mask & CW_OVERLAY_ALERTS) {
		for (int g = PR_GRADE_MIN; g <= PR_GRADE_MAX; g++) {
			it[n] = (struct item){SYM_RING, grade_color(th, g), ""};
			pr_fmt(it[n++].text, sizeof it[0].text, "%s预警", pr_grade_name(g));
		}
		it[n] = (struct item){SYM_DOT, th->colors[RD_TEXT_DIM], "已确认"};
		n++;
	}
	if (o->mask & CW_OVERLAY_EVENTS) {
		for (int s = 0; s < PR_EVENT_STEPS; s++) {
			it[n] = (struct item){s == PR_EVENT_CLOSED ? SYM_DOT_DIM : SYM_DOT, status_color(th, s),
			                      ""};
			pr_fmt(it[n++].text, sizeof it[0].text, "%s",
			       pr_event_status_label((enum pr_event_status)s));
		}
		it[n++] = (struct item){SYM_OVERDUE, th->colors[RD_BAD], "超期"};
	}
	if (o->mask & CW_OVERLAY_HEAT)
		it[n++] = (struct item){SYM_RAMP, th->colors[RD_ACCENT], "事件热度"};
	if (o->mask & CW_OVERLAY_GRID)
		it[n++] = (struct item){SYM_CELL, th->colors[RD_ACCENT], "有在办事件的网格"};
	if (o->mask & CW_OVERLAY_FLOWS) {
		it[n++] = (struct item){SYM_CENTER, th->colors[RD_ACCENT], "指挥中心"};
		it[n++] = (struct item){SYM_LINE, th->colors[RD_ACCENT], "调度飞线"};
	}
	return n;
}

static void legend_symbol(cairo_t *cr, const struct item *it, double x, double y, double sw,
                          double sh, const struct rd_theme *th, double k)
{
	double cx = x + sw / 2, cy = y + sh / 2;
	struct rd_color halo = th->colors[RD_MAP_HALO];
	switch (it->sym) {
	case SYM_RING:
		ring(cr, cx, cy, sh * 0.5, fmax(1, 1.2 * k), rd_color_alpha(it->color, 0.55));
		dot(cr, cx, cy, 3.6 * k, it->color, th->colors[RD_MAP_LABEL], fmax(1, 1.1 * k));
		break;
	case SYM_DOT:
		dot(cr, cx, cy, 3.2 * k, it->color, halo, fmax(1, k));
		break;
	case SYM_DOT_DIM:
		dot(cr, cx, cy, 2.6 * k, rd_color_alpha(it->color, 0.6), halo, fmax(1, k));
		break;
	case SYM_OVERDUE:
		dot(cr, cx, cy, 3.8 * k, rd_color_alpha(th->colors[RD_TEXT_DIM], 0.6), it->color,
		    fmax(1.2, 1.5 * k));
		break;
	case SYM_CELL:
		cairo_rectangle(cr, x + 0.5, y + 0.5, sw - 1, sh - 1);
		rd_set_color(cr, rd_color_alpha(it->color, 0.34));
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, 1);
		rd_set_color(cr, rd_color_alpha(it->color, 0.5));
		cairo_stroke(cr);
		break;
	case SYM_RAMP: {
		const struct rd_ramp *ramp = rd_theme_ramp(th, "heat");
		cairo_pattern_t *g = cairo_pattern_create_linear(x, 0, x + sw, 0);
		for (int i = 0; i <= 8; i++) {
			struct rd_color c = heat_at(th, ramp, 0.2 + 0.8 * i / 8.0);
			cairo_pattern_add_color_stop_rgba(g, i / 8.0, c.r, c.g, c.b, fmax(0.35, c.a));
		}
		cairo_rectangle(cr, x, y, sw, sh);
		cairo_set_source(cr, g);
		cairo_fill(cr);
		cairo_pattern_destroy(g);
		break;
	}
	case SYM_LINE: {
		cairo_pattern_t *g = cairo_pattern_create_linear(x, 0, x + sw, 0);
		cairo_pattern_add_color_stop_rgba(g, 0, it->color.r, it->color.g, it->color.b, 0.15);
		cairo_pattern_add_color_stop_rgba(g, 1, it->color.r, it->color.g, it->color.b, 1);
		cairo_new_path(cr);
		cairo_move_to(cr, x, y + sh * 0.8);
		cairo_curve_to(cr, x + sw * 0.3, y, x + sw * 0.7, y, x + sw - 2 * k, y + sh * 0.45);
		cairo_set_source(cr, g);
		cairo_set_line_width(cr, fmax(1, 1.8 * k));
		cairo_stroke(cr);
		cairo_pattern_destroy(g);
		dot(cr, x + sw - 2 * k, y + sh * 0.45, 2.2 * k, th->colors[RD_MAP_LABEL], it->color, 0);
		break;
	}
	case SYM_CENTER:
		dot(cr, cx, cy, 6.5 * k, rd_color_alpha(it->color, 0.18), it->color, fmax(1, 1.2 * k));
		dot(cr, cx, cy, 3 * k, th->colors[RD_MAP_LABEL], th->colors[RD_ACCENT2], fmax(1, k));
		break;
	}
}

static bool boxes_overlap(const double *a, const double *b)
{
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* How bad a legend at box would be: labels it hides, points it hides, map it covers. */
static double legend_cost(const struct cw_overlays *o, struct ly_map *map, const double *box,
                          const double *map_legend, bool have_map_legend)
{
	const struct ly_view *v = ly_map_view(map);
	if (box[0] < 0 || box[1] < 0 || box[2] > v->w || box[3] > v->h)
		return INFINITY;
	if (have_map_legend && boxes_overlap(box, map_legend))
		return INFINITY;
	double cost = 0;
	for (int i = 0; i < ly_map_label_count(map); i++) {
		struct ly_label_info li;
		if (ly_map_label(map, i, &li) && boxes_overlap(box, li.box))
			cost += 1000;
	}
	for (size_t i = 0; i < o->nalerts + o->nevents; i++) {
		double x, y;
		if (i < o->nalerts)
			xy(v, o->alerts[i].lon, o->alerts[i].lat, &x, &y);
		else
			xy(v, o->events[i - o->nalerts].lon, o->events[i - o->nalerts].lat, &x, &y);
		if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3])
			cost += 5;
	}
	for (int j = 0; j <= 10; j++)
		for (int i = 0; i <= 10; i++) {
			struct ly_hit_result h = ly_hit(map, box[0] + (box[2] - box[0]) * i / 10,
			                                box[1] + (box[3] - box[1]) * j / 10);
			cost += h.layer >= 0;
		}
	return cost;
}

static void draw_legend(struct cw_overlays *o, cairo_t *cr, struct ly_map *map,
                        const struct rd_theme *th, int scale_h, double k)
{
	struct item it[24];
	int n = legend_items(o, th, it);
	if (!n)
		return;
	const struct ly_view *v = ly_map_view(map);
	/* the same measures as the map's own legend (layers/ly_draw.c) */
	double pad = 10 * k, sw = 22 * k, sh = 14 * k, gap = 5 * k, margin = 16 * k;
	double fs = rd_theme_px(th, RD_SIZE_SMALL, scale_h);
	struct rd_text_style ts = rd_text_style(th, fs, th->colors[RD_TEXT_DIM], RD_ALIGN_LEFT);
	struct rd_text_style tt = rd_text_style(th, fs * 1.1, th->colors[RD_TEXT], RD_ALIGN_LEFT);
	ts.valign = tt.valign = RD_VALIGN_MIDDLE;
	double lw = 0, lh = 0, tw, tth;
	for (int i = 0; i < n; i++) {
		double w, h;
		rd_text_size(cr, it[i].text, &ts, &w, &h);
		lw = fmax(lw, w), lh = fmax(lh, h);
	}
	rd_text_size(cr, "图例", &tt, &tw, &tth);
	double row = fmax(sh, lh) + gap, colw = sw + gap * 2 + lw;
	/* one column if it fits in half the map's height, else two or three */
	int cols = 1;
	while (cols < 3 && pad * 2 + tth + gap + row * ((n + cols - 1) / cols) > v->h * 0.45)
		cols++;
	int rows = (n + cols - 1) / cols;
	double bw = fmax(tw, colw * cols + gap * 3 * (cols - 1)) + 2 * pad;
	double bh = pad * 2 + tth + gap + row * rows - gap;
	double mb[4];
	bool have_mb = ly_map_legend_box(map, mb);
	/* beside the map's legend, above it, then the other corners; the first clear one wins */
	double cand[5][2] = {
	    {have_mb ? mb[2] + gap * 2 : margin, (have_mb ? mb[3] : v->h - margin) - bh},
	    {margin, have_mb ? mb[1] - gap * 2 - bh : v->h - margin - bh},
	    {v->w - margin - bw, v->h - margin - bh},
	    {margin, margin},
	    {v->w - margin - bw, margin}};
	double best = INFINITY, bx = 0, by = 0;
	for (int c = 0; c < 5; c++) {
		double box[4] = {round(cand[c][0]), round(cand[c][1]), round(cand[c][0]) + bw,
		                 round(cand[c][1]) + bh};
		double cost = legend_cost(o, map, box, mb, have_mb);
		if (cost < best)
			best = cost, bx = box[0], by = box[1];
	}
	if (!isfinite(best))
		return; /* no room: the map is too small for a legend */
	o->have_legend = true; /* where it went (cw_overlays_legend_box) */
	o->legend_box[0] = bx, o->legend_box[1] = by;
	o->legend_box[2] = bx + bw, o->legend_box[3] = by + bh;
	cairo_rectangle(cr, bx, by, bw, bh);
	rd_set_color(cr, rd_color_alpha(th->colors[RD_PANEL], 0.85));
	cairo_fill_preserve(cr);
	cairo_set_line_width(cr, 1);
	rd_set_color(cr, th->colors[RD_PANEL_BORDER]);
	cairo_stroke(cr);
	rd_text_draw(cr, "图例", bx + pad, by + pad, bw - 2 * pad, tth, &tt);
	for (int i = 0; i < n; i++) {
		int col = i / rows, r = i % rows;
		double x = bx + pad + col * (colw + gap * 3);
		double y = by + pad + tth + gap + r * row;
		legend_symbol(cr, &it[i], x, y + (row - gap - sh) / 2, sw, sh, th, k);
		rd_text_draw(cr, it[i].text, x + sw + gap * 2, y, lw + 1, row - gap, &ts);
	}
}

/* ---- passes ---- */

void cw_overlays_draw_static(struct cw_overlays *o, cairo_t *cr, struct ly_map *map,
                             int district_layer, const struct rd_theme *th, int scale_h)
{
	cw_overlays_draw_parts(o, cr, map, district_layer, th, scale_h, CW_OVERLAY_PARTS_ALL);
}

void cw_overlays_draw_parts(struct cw_overlays *o, cairo_t *cr, struct ly_map *map,
                            int district_layer, const struct rd_theme *th, int scale_h,
                            unsigned parts)
{
	if (!o->mask)
		return;
	const struct ly_view *v = ly_map_view(map);
	double k = scale_h / 1080.0;
	if (parts & CW_OVERLAY_PART_AREAS) {
		cairo_save(cr);
		cairo_rectangle(cr, 0, 0, v->w, v->h);
		cairo_clip(cr);
		if (o->mask & CW_OVERLAY_HEAT)
			draw_heat(o, cr, v, th, k);
		if ((o->mask & CW_OVERLAY_GRID) && district_layer >= 0)
			draw_grid(o, cr, ly_map_layer(map, district_layer), v, th, k);
		cairo_restore(cr);
	}
	if (parts & CW_OVERLAY_PART_POINTS) {
		cairo_save(cr);
		cairo_rectangle(cr, 0, 0, v->w, v->h);
		cairo_clip(cr);
		if (o->mask & CW_OVERLAY_FLOWS)
			draw_flows(o, cr, v, th, k);
		if (o->mask & CW_OVERLAY_EVENTS)
			draw_events(o, cr, v, th, k);
		if (o->mask & CW_OVERLAY_ALERTS)
			draw_alert_dots(o, cr, v, th, k);
		cairo_restore(cr);
	}
	if (parts & CW_OVERLAY_PART_LABELS)
		ly_map_draw_labels(map, cr, th); /* labels stay on top (they were placed clear of
		                                    each other and of the map's legend) */
	if (parts & CW_OVERLAY_PART_LEGEND) {
		o->have_legend = false;
		cairo_save(cr);
		draw_legend(o, cr, map, th, scale_h, k);
		cairo_restore(cr);
	}
}

bool cw_overlays_legend_box(const struct cw_overlays *o, double box[4])
{
	if (o->have_legend)
		memcpy(box, o->legend_box, sizeof o->legend_box);
	return o->have_legend;
}

/* The three rings of a grade's ripple at a step, centred in a small surface: stamping it is
 * far cheaper than stroking every ring of every alert at every step. */
static cairo_surface_t *ripple(struct cw_overlays *o, const struct rd_theme *th, int scale_h,
                               int grade, int step, double *half)
{
	static const double reach[PR_GRADE_MAX] = {26, 21, 17, 14};
	double k = scale_h / 1080.0, u = (double)step / CW_OVERLAY_STEPS;
	if (o->ripple_scale_h != scale_h ||
	    memcmp(o->ripple_colors, th->grade, sizeof o->ripple_colors) != 0) {
		drop_ripples(o);
		o->ripple_scale_h = scale_h;
		memcpy(o->ripple_colors, th->grade, sizeof o->ripple_colors);
	}
	int size = (int)ceil(2 * (reach[0] * k + 2 * k + 2));
	*half = size / 2;
	cairo_surface_t **s = &o->ripple[grade - 1][step];
	if (*s)
		return *s;
	*s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
	cairo_t *cr = cairo_create(*s);
	struct rd_color c = grade_color(th, grade);
	for (int r = 0; r < 3; r++) {
		double p = (u + r) / 3;
		double rad = (4.2 + (reach[grade - 1] - 4.2) * p) * k;
		ring(cr, *half, *half, rad, fmax(1, 2.0 * k * (1 - 0.5 * p)),
		     rd_color_alpha(c, 0.9 * pow(1 - p, 1.4)));
	}
	cairo_destroy(cr);
	return *s;
}

void cw_overlays_draw_anim(struct cw_overlays *o, cairo_t *cr, const struct ly_map *map,
                           const struct rd_theme *th, int scale_h, int step)
{
	if (!cw_overlays_animated(o))
		return;
	const struct ly_view *v = ly_map_view(map);
	double k = scale_h / 1080.0, u = (double)step / CW_OVERLAY_STEPS;
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, v->w, v->h);
	cairo_clip(cr);
	/* comets: two per arc, each crossing it in 2 s */
	for (int i = o->nflows - 1; i >= 0; i--) {
		struct arc a;
		if (!flow_arc(&o->flows[i], v, k, &a))
			continue;
		struct rd_color c = flow_color(th, o->flows[i].grade);
		for (int j = 0; j < 2; j++) {
			double head = (u + j) / 2, tail = fmax(0, head - 0.22);
			if (head - tail < 0.02)
				continue;
			double hx, hy, tx, ty;
			arc_at(&a, head, &hx, &hy);
			arc_at(&a, tail, &tx, &ty);
			cairo_pattern_t *g = cairo_pattern_create_linear(tx, ty, hx, hy);
			cairo_pattern_add_color_stop_rgba(g, 0, c.r, c.g, c.b, 0);
			cairo_pattern_add_color_stop_rgba(g, 1, c.r, c.g, c.b, 0.95);
			cairo_new_path(cr);
			for (int s = 0; s <= 8; s++) {
				double px, py;
				arc_at(&a, tail + (head - tail) * s / 8, &px, &py);
				if (s == 0)
					cairo_move_to(cr, px, py);
				else
					cairo_line_to(cr, px, py);
			}
			cairo_set_source(cr, g);
			cairo_set_line_width(cr, fmax(1.5, 2.6 * k));
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_stroke(cr);
			cairo_pattern_destroy(g);
			dot(cr, hx, hy, 2.4 * k, rd_color_mix(c, th->colors[RD_MAP_LABEL], 0.6), c, 0);
		}
	}
	/* ripples: three per unacknowledged alert, each growing for 3 s, a third apart */
	for (int g = PR_GRADE_MAX; g >= PR_GRADE_MIN; g--)
		for (size_t i = 0; i < o->nalerts; i++) {
			const struct ov_alert *al = &o->alerts[i];
			if (al->acked || al->grade != g)
				continue;
			double x, y, half;
			xy(v, al->lon, al->lat, &x, &y);
			cairo_surface_t *sprite = ripple(o, th, scale_h, g, step, &half);
			if (!on_screen(v, x, y, half))
				continue;
			/* whole pixels: a plain copy of the sprite, and the same pixels every time */
			double sx = round(x - half), sy = round(y - half);
			cairo_set_source_surface(cr, sprite, sx, sy);
			cairo_rectangle(cr, sx, sy, 2 * half, 2 * half);
			cairo_fill(cr);
		}
	cairo_restore(cr);
}

static void add_box(struct rd_irect *out, int *n, int max, bool *over, struct rd_irect *all,
                    const struct ly_view *v, double x0, double y0, double x1, double y1)
{
	struct rd_irect r = {(int)floor(x0), (int)floor(y0), 0, 0};
	r.w = (int)ceil(x1) - r.x, r.h = (int)ceil(y1) - r.y;
	if (!rd_irect_intersect(r, (struct rd_irect){0, 0, v->w, v->h}, &r))
		return;
	*all = *n == 0 && !*over ? r : rd_irect_union(*all, r);
	for (int i = 0; i < *n; i++)
		if (memcmp(&out[i], &r, sizeof r) == 0)
			return;
	if (*n < max)
		out[(*n)++] = r;
	else
		*over = true;
}

int cw_overlays_anim_rects(const struct cw_overlays *o, const struct ly_map *map, int scale_h,
                           int step, struct rd_irect *out, int max)
{
	if (!cw_overlays_animated(o) || max < 1)
		return 0;
	const struct ly_view *v = ly_map_view(map);
	double k = scale_h / 1080.0, u = (double)step / CW_OVERLAY_STEPS;
	int n = 0;
	bool over = false;
	struct rd_irect all = {0, 0, 0, 0};
	/* comets (as cw_overlays_draw_anim): the stroke's half width or the head's radius, and
	 * 2 px for antialiasing */
	double pad = fmax(fmax(1.5, 2.6 * k) / 2, 2.4 * k) + 2;
	for (int i = o->nflows - 1; i >= 0; i--) {
		struct arc a;
		if (!flow_arc(&o->flows[i], v, k, &a))
			continue;
		for (int j = 0; j < 2; j++) {
			double head = (u + j) / 2, tail = fmax(0, head - 0.22);
			if (head - tail < 0.02)
				continue;
			double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
			for (int s = 0; s <= 8; s++) {
				double px, py;
				arc_at(&a, tail + (head - tail) * s / 8, &px, &py);
				x0 = fmin(x0, px), y0 = fmin(y0, py), x1 = fmax(x1, px), y1 = fmax(y1, py);
			}
			add_box(out, &n, max, &over, &all, v, x0 - pad, y0 - pad, x1 + pad, y1 + pad);
		}
	}
	/* ripples: the sprite's square */
	static const double reach0 = 26;
	int size = (int)ceil(2 * (reach0 * k + 2 * k + 2));
	double half = size / 2;
	for (size_t i = 0; i < o->nalerts; i++) {
		const struct ov_alert *al = &o->alerts[i];
		if (al->acked)
			continue;
		double x, y;
		xy(v, al->lon, al->lat, &x, &y);
		if (!on_screen(v, x, y, half))
			continue;
		double sx = round(x - half), sy = round(y - half);
		add_box(out, &n, max, &over, &all, v, sx, sy, sx + 2 * half, sy + 2 * half);
	}
	if (over) {
		out[0] = all;
		return 1;
	}
	return n;
}
