/* The kiosk's pure pieces (cw_kiosk.h): gestures, inertia, the map view's limits, touch
 * target sizes, the district under a point. No SDL here. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cw_kiosk.h"
#include "ly_map.h"

/* ---- gestures ---- */

void cw_gesture_params_default(struct cw_gesture_params *p, double target_px)
{
	/* a finger wobbles about a third of its own width; a swipe crosses a few of them */
	*p = (struct cw_gesture_params){.slop_px = fmax(8, target_px * 0.35),
	                                .tap_max_s = 0.8,
	                                .swipe_px = fmax(60, target_px * 3),
	                                .swipe_speed = fmax(300, target_px * 12)};
}

void cw_gesture_init(struct cw_gesture *g, const struct cw_gesture_params *p)
{
	memset(g, 0, sizeof *g);
	g->p = *p;
}

static int finger(const struct cw_gesture *g, int64_t id)
{
	for (int i = 0; i < g->n; i++)
		if (g->f[i].id == id)
			return i;
	return -1;
}

static void centre(const struct cw_gesture *g, double *x, double *y)
{
	*x = (g->f[0].x + g->f[1].x) / 2;
	*y = (g->f[0].y + g->f[1].y) / 2;
}

static double spread(const struct cw_gesture *g)
{
	return hypot(g->f[0].x - g->f[1].x, g->f[0].y - g->f[1].y);
}

/* A horizontal move of (dx, dy) in dt seconds that is a swipe: far, fast, mostly sideways. */
static int swipe_dir(const struct cw_gesture_params *p, double dx, double dy, double dt)
{
	if (fabs(dx) < p->swipe_px || fabs(dx) < 2 * fabs(dy))
		return 0;
	if (fabs(dx) / fmax(dt, 1e-3) < p->swipe_speed)
		return 0;
	return dx < 0 ? 1 : -1;
}

static int two_down(struct cw_gesture *g, const struct cw_touch *t, struct cw_gesture_out *out)
{
	bool was_pending = g->mode == CW_G_PENDING;
	g->f[1] = (struct cw_finger){t->id, t->x, t->y, t->x, t->y, t->t};
	g->n = 2;
	g->mode = CW_G_TWO;
	g->dist = spread(g);
	g->scale = 1;
	g->zoomed = false;
	centre(g, &g->cx0, &g->cy0);
	g->t2 = t->t;
	if (was_pending) {
		out[0] = (struct cw_gesture_out){.kind = CW_GESTURE_CANCEL};
		return 1;
	}
	return 0;
}

int cw_gesture_feed(struct cw_gesture *g, const struct cw_touch *t, bool on_map,
                    struct cw_gesture_out out[2])
{
	int i = finger(g, t->id);
	switch (t->kind) {
	case CW_TOUCH_DOWN:
		if (i >= 0)
			return 0;
		if (g->n == 0) {
			g->f[0] = (struct cw_finger){t->id, t->x, t->y, t->x, t->y, t->t};
			g->n = 1;
			g->mode = CW_G_PENDING;
			g->on_map = on_map;
			g->vx = g->vy = 0;
			g->vt = t->t;
			out[0] = (struct cw_gesture_out){.kind = CW_GESTURE_PRESS, .x = t->x, .y = t->y};
			return 1;
		}
		if (g->n == 1 && g->mode != CW_G_DONE)
			return two_down(g, t, out);
		return 0; /* a third finger, or after a two-finger gesture: ignored */
	case CW_TOUCH_MOVE: {
		if (i < 0)
			return 0;
		double px = g->f[i].x, py = g->f[i].y;
		g->f[i].x = t->x, g->f[i].y = t->y;
		if (g->mode == CW_G_TWO) {
			double d = spread(g);
			if (g->dist < 1 || d < 1)
				return 0;
			double s = d / g->dist;
			g->dist = d;
			g->scale *= s;
			g->zoomed = g->zoomed || fabs(g->scale - 1) >= 0.2;
			if (!g->on_map)
				return 0;
			struct cw_gesture_out o = {.kind = CW_GESTURE_PINCH, .scale = s};
			centre(g, &o.x, &o.y);
			out[0] = o;
			return 1;
		}
		if (g->mode != CW_G_PENDING && g->mode != CW_G_PAN && g->mode != CW_G_DRAG)
			return 0;
		/* velocity: smoothed over about 50 ms, so the last moves before the lift count */
		double dt = t->t - g->vt;
		if (dt > 1e-4) {
			double a = fmin(1, dt / 0.05);
			g->vx = g->vx * (1 - a) + (t->x - px) / dt * a;
			g->vy = g->vy * (1 - a) + (t->y - py) / dt * a;
			g->vt = t->t;
		}
		if (g->mode == CW_G_PENDING) {
			if (hypot(t->x - g->f[0].x0, t->y - g->f[0].y0) <= g->p.slop_px)
				return 0;
			out[0] = (struct cw_gesture_out){.kind = CW_GESTURE_CANCEL};
			if (!g->on_map) {
				g->mode = CW_G_DRAG;
				return 1;
			}
			g->mode = CW_G_PAN; /* catch up with the whole move so far */
			out[1] = (struct cw_gesture_out){.kind = CW_GESTURE_PAN,
			                                 .dx = t->x - g->f[0].x0,
			                                 .dy = t->y - g->f[0].y0};
			return 2;
		}
		if (g->mode == CW_G_PAN) {
			out[0] = (struct cw_gesture_out){.kind = CW_GESTURE_PAN, .dx = t->x - px,
			                                 .dy = t->y - py};
			return 1;
		}
		return 0;
	}
	case CW_TOUCH_UP: {
		if (i < 0)
			return 0;
		g->f[i].x = t->x, g->f[i].y = t->y;
		int n = 0;
		if (g->mode == CW_G_TWO) {
			double cx, cy;
			centre(g, &cx, &cy);
			int dir = !g->zoomed && fabs(g->scale - 1) < 0.2
			              ? swipe_dir(&g->p, cx - g->cx0, cy - g->cy0, t->t - g->t2)
			              : 0;
			if (dir)
				out[n++] = (struct cw_gesture_out){.kind = CW_GESTURE_SWIPE, .dir = dir};
			g->mode = CW_G_DONE; /* the other finger's moves and lift are the same gesture */
		} else if (g->mode == CW_G_PENDING) {
			if (t->t - g->f[0].t0 <= g->p.tap_max_s)
				out[n++] = (struct cw_gesture_out){.kind = CW_GESTURE_TAP, .x = g->f[0].x0,
				                                   .y = g->f[0].y0};
			else
				out[n++] = (struct cw_gesture_out){.kind = CW_GESTURE_CANCEL};
		} else if (g->mode == CW_G_PAN) {
			/* a finger held still before lifting throws nothing */
			bool still = t->t - g->vt > 0.08;
			out[n++] = (struct cw_gesture_out){.kind = CW_GESTURE_RELEASE,
			                                   .vx = still ? 0 : g->vx,
			                                   .vy = still ? 0 : g->vy};
		} else if (g->mode == CW_G_DRAG) {
			int dir = swipe_dir(&g->p, t->x - g->f[0].x0, t->y - g->f[0].y0, t->t - g->f[0].t0);
			if (dir)
				out[n++] = (struct cw_gesture_out){.kind = CW_GESTURE_SWIPE, .dir = dir};
		}
		/* drop the finger */
		if (i == 0 && g->n == 2)
			g->f[0] = g->f[1];
		g->n--;
		if (g->n == 0)
			g->mode = CW_G_IDLE;
		return n;
	}
	}
	return 0;
}

/* ---- inertia ---- */

void cw_inertia_start(struct cw_inertia *in, double vx, double vy)
{
	in->vx = isfinite(vx) ? vx : 0;
	in->vy = isfinite(vy) ? vy : 0;
	in->decay = 0.9;
}

bool cw_inertia_moving(const struct cw_inertia *in)
{
	return in->vx != 0 || in->vy != 0;
}

bool cw_inertia_step(struct cw_inertia *in, double dt, double *dx, double *dy)
{
	*dx = *dy = 0;
	if (!cw_inertia_moving(in) || !(dt > 0))
		return false;
	/* v(t) = v0 * decay^(60 t): the distance over dt is v0 * (1 - k) / (60 ln(1/decay)) */
	double d = in->decay > 0 && in->decay < 1 ? in->decay : 0.9;
	double k = pow(d, dt * CW_KIOSK_FPS), rate = CW_KIOSK_FPS * -log(d);
	*dx = in->vx * (1 - k) / rate;
	*dy = in->vy * (1 - k) / rate;
	in->vx *= k;
	in->vy *= k;
	if (hypot(in->vx, in->vy) < 8)
		in->vx = in->vy = 0;
	return true;
}

/* ---- the map's view ---- */

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void cw_map_pose_zoom(struct cw_map_pose *v, double factor, double qx, double qy, double w,
                      double h)
{
	if (!(factor > 0) || !isfinite(factor))
		return;
	double z = clampd(v->zoom * factor, CW_KIOSK_ZOOM_MIN, CW_KIOSK_ZOOM_MAX);
	double f = z / v->zoom;
	/* screen = c + zoom (p - c) + pan; zooming by f about q keeps q where it is */
	v->pan_x = (1 - f) * (qx - w / 2) + f * v->pan_x;
	v->pan_y = (1 - f) * (qy - h / 2) + f * v->pan_y;
	v->zoom = z;
}

static bool clamp_axis(double *pan, double zoom, double size, double e0, double e1)
{
	double c = size / 2;
	double a = -(c + zoom * (e0 - c));       /* the extent's near edge at the screen's */
	double b = size - (c + zoom * (e1 - c)); /* its far edge at the screen's */
	double lo = fmin(a, b), hi = fmax(a, b);
	double v = clampd(*pan, lo, hi);
	bool clamped = v != *pan;
	*pan = v;
	return clamped;
}

int cw_map_pose_clamp(struct cw_map_pose *v, double w, double h, const double ext[4])
{
	if (!(v->zoom >= CW_KIOSK_ZOOM_MIN))
		v->zoom = CW_KIOSK_ZOOM_MIN;
	if (v->zoom > CW_KIOSK_ZOOM_MAX)
		v->zoom = CW_KIOSK_ZOOM_MAX;
	if (!isfinite(v->pan_x))
		v->pan_x = 0;
	if (!isfinite(v->pan_y))
		v->pan_y = 0;
	int r = 0;
	if (clamp_axis(&v->pan_x, v->zoom, w, ext[0], ext[2]))
		r |= 1;
	if (clamp_axis(&v->pan_y, v->zoom, h, ext[1], ext[3]))
		r |= 2;
	return r;
}

/* ---- touch targets ---- */

double cw_kiosk_target_px(double dpi, double mm)
{
	if (!(dpi >= 50 && dpi <= 1000))
		dpi = 96;
	return mm / 25.4 * dpi;
}

/* ---- hit-testing ---- */

bool cw_kiosk_district_at(struct ly_map *map, int layer, double x, double y, char *adcode,
                          size_t n)
{
	if (!map || layer < 0 || layer >= ly_map_layer_count(map) || n == 0)
		return false;
	struct ly_hit_result hit = ly_hit(map, x, y);
	if (hit.layer != layer || hit.feature < 0)
		return false;
	const struct ly_layer *l = ly_map_layer(map, layer);
	const struct ly_style *st = ly_map_style(map, layer);
	int field = ly_layer_field_index(l, st && st->join_field[0] ? st->join_field : "adcode");
	const char *v = field >= 0 ? ly_layer_attr(l, hit.feature, field) : NULL;
	if (!v || !*v)
		return false;
	snprintf(adcode, n, "%s", v);
	return true;
}
