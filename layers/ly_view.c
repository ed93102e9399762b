/* Projections and view transforms (see ly_view.h). */
#include <math.h>

#include "ly_internal.h"
#include "ly_view.h"

#define R_EARTH 6378137.0
#define MAX_LAT 85.0511287798066

void ly_merc_fwd(double lon, double lat, double *x, double *y)
{
	if (lat > MAX_LAT)
		lat = MAX_LAT;
	if (lat < -MAX_LAT)
		lat = -MAX_LAT;
	*x = R_EARTH * lon * (M_PI / 180);
	*y = R_EARTH * log(tan(M_PI / 4 + lat * (M_PI / 360)));
}

void ly_merc_inv(double x, double y, double *lon, double *lat)
{
	*lon = x / R_EARTH * (180 / M_PI);
	*lat = (2 * atan(exp(y / R_EARTH)) - M_PI / 2) * (180 / M_PI);
}

void ly_project(enum ly_proj proj, double lon, double lat, double *wx, double *wy)
{
	if (proj == LY_PROJ_MERCATOR) {
		ly_merc_fwd(lon, lat, wx, wy);
	} else {
		*wx = lon;
		*wy = lat;
	}
}

void ly_unproject(enum ly_proj proj, double wx, double wy, double *lon, double *lat)
{
	if (proj == LY_PROJ_MERCATOR) {
		ly_merc_inv(wx, wy, lon, lat);
	} else {
		*lon = wx;
		*lat = wy;
	}
}

void ly_view_fit(struct ly_view *v, enum ly_proj proj, int w, int h, const double bbox[4], double pad)
{
	double x0, y0, x1, y1;
	ly_project(proj, bbox[0], bbox[1], &x0, &y0);
	ly_project(proj, bbox[2], bbox[3], &x1, &y1);
	v->proj = proj;
	v->w = w;
	v->h = h;
	v->cx = (x0 + x1) / 2;
	v->cy = (y0 + y1) / 2;
	double aw = w - 2 * pad, ah = h - 2 * pad;
	if (aw < 1)
		aw = 1;
	if (ah < 1)
		ah = 1;
	double bw = x1 - x0, bh = y1 - y0;
	double min_span = proj == LY_PROJ_MERCATOR ? 2000 : 0.02;
	if (bw < min_span && bh < min_span)
		bw = bh = min_span;
	double sx = bw > 0 ? aw / bw : INFINITY, sy = bh > 0 ? ah / bh : INFINITY;
	v->scale = fmin(sx, sy);
}

void ly_view_zoom(struct ly_view *v, double factor, double sx, double sy)
{
	if (!(factor > 0) || !isfinite(factor))
		return;
	double wx, wy;
	ly_view_to_world(v, sx, sy, &wx, &wy);
	v->scale *= factor;
	/* keep (wx, wy) under (sx, sy) */
	v->cx = wx - (sx - v->w / 2.0) / v->scale;
	v->cy = wy + (sy - v->h / 2.0) / v->scale;
}

void ly_view_pan(struct ly_view *v, double dx, double dy)
{
	v->cx -= dx / v->scale;
	v->cy += dy / v->scale;
}

void ly_view_resize(struct ly_view *v, int w, int h)
{
	v->w = w;
	v->h = h;
}

void ly_view_to_screen(const struct ly_view *v, double wx, double wy, double *sx, double *sy)
{
	*sx = (wx - v->cx) * v->scale + v->w / 2.0;
	*sy = (v->cy - wy) * v->scale + v->h / 2.0;
}

void ly_view_to_world(const struct ly_view *v, double sx, double sy, double *wx, double *wy)
{
	*wx = (sx - v->w / 2.0) / v->scale + v->cx;
	*wy = v->cy - (sy - v->h / 2.0) / v->scale;
}

void ly_view_lonlat_to_screen(const struct ly_view *v, double lon, double lat, double *sx, double *sy)
{
	double wx, wy;
	ly_project(v->proj, lon, lat, &wx, &wy);
	ly_view_to_screen(v, wx, wy, sx, sy);
}

bool ly_view_equal(const struct ly_view *a, const struct ly_view *b)
{
	return a->proj == b->proj && a->w == b->w && a->h == b->h && a->cx == b->cx && a->cy == b->cy &&
	       a->scale == b->scale;
}

bool ly_pip(const double *x, const double *y, const struct ly_part *parts, uint32_t nparts, double px, double py)
{
	bool in = false;
	for (uint32_t p = 0; p < nparts; p++) {
		const double *rx = x + parts[p].start, *ry = y + parts[p].start;
		uint32_t n = parts[p].count;
		for (uint32_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
			if ((ry[i] > py) != (ry[j] > py) && px < (rx[j] - rx[i]) * (py - ry[i]) / (ry[j] - ry[i]) + rx[i])
				in = !in;
		}
	}
	return in;
}
