#pragma once
/* Projection and view: lon/lat -> projected "world" units -> screen pixels.
 *
 * World units are metres of Web Mercator (EPSG:3857, latitude clamped to ±85.0511°) or, for
 * LY_PROJ_EQUIRECT, degrees (x = lon, y = lat). The view maps world to screen with a
 * uniform scale (pixels per world unit) around a world centre; screen y grows downwards.
 * struct ly_view is a plain value: copy it freely. Pure functions, any thread. */
#include <stdbool.h>

enum ly_proj {
	LY_PROJ_MERCATOR,  /* Web Mercator */
	LY_PROJ_EQUIRECT,  /* plate carrée, degrees */
};

struct ly_view {
	enum ly_proj proj;
	int w, h;        /* screen size in pixels */
	double cx, cy;   /* world point at the screen centre */
	double scale;    /* pixels per world unit */
};

/* Project lon/lat to world units and back. */
void ly_project(enum ly_proj proj, double lon, double lat, double *wx, double *wy);
void ly_unproject(enum ly_proj proj, double wx, double wy, double *lon, double *lat);

/* Fits a lon/lat bbox (minx, miny, maxx, maxy) into a w x h screen with pad pixels on each
 * side, centred. A degenerate bbox (one point) gets a scale showing ±0.01°. */
void ly_view_fit(struct ly_view *v, enum ly_proj proj, int w, int h, const double bbox[4], double pad);
/* Zooms by factor (>1 in) keeping the screen point (sx, sy) fixed. */
void ly_view_zoom(struct ly_view *v, double factor, double sx, double sy);
/* Moves the content by (dx, dy) pixels (a drag). */
void ly_view_pan(struct ly_view *v, double dx, double dy);
/* Changes the screen size keeping the centre and scale. */
void ly_view_resize(struct ly_view *v, int w, int h);

void ly_view_to_screen(const struct ly_view *v, double wx, double wy, double *sx, double *sy);
void ly_view_to_world(const struct ly_view *v, double sx, double sy, double *wx, double *wy);
/* lon/lat straight to screen pixels. */
void ly_view_lonlat_to_screen(const struct ly_view *v, double lon, double lat, double *sx, double *sy);
bool ly_view_equal(const struct ly_view *a, const struct ly_view *b);
