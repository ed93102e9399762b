#pragma once
/* A map: styled layers in one projection and view, drawn with Cairo, labelled with Pango in
 * one collision pass over all layers, hit-tested through a spatial index.
 *
 * Drawing: ly_map_render() draws everything straight onto a cairo_t (shp2png, snapshots);
 * ly_map_draw() keeps the static layers (everything but pulsing symbols) and the labels in a
 * cached raster, re-rendered only when the view, a style, live values or the theme change,
 * and draws only the animated overlay per frame. Both draw in the map's own pixel space
 * (0,0)-(w,h) of the view: translate the cairo_t to place the map in a panel.
 *
 * Per-zoom simplification: when a layer is added, each vertex gets a Douglas–Peucker
 * tolerance (the error its removal would cause, in projected units). A view draws only the
 * vertices whose tolerance exceeds half a pixel, then snaps them to whole pixels and drops
 * repeats, so a far-out view draws far fewer vertices with no visible change at its scale.
 *
 * Ownership: the map owns the layers added to it and copies styles and values. The theme
 * passed to the drawing functions is read during the call only (and compared by value
 * between frames). Threads: one map is used by one thread at a time (the render thread);
 * distinct maps are independent.
 *
 * Out of memory: every allocation sized by the data (per vertex, per feature, per label, the
 * coverage and heat buffers of a view) is checked, and a failure is an error naming the
 * layer's file ("assets/gis/hefei_districts.shp: out of memory for 14200 vertices of 9
 * features"), never an abort: the call fails and leaves the map as it was, usable. Only the
 * map itself and the band jobs of a threaded draw (small, fixed-size) abort, by the project's
 * rule for small allocations. */
#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "ly_layer.h"
#include "ly_style.h"
#include "ly_view.h"
#include "rd_err.h"
#include "rd_theme.h"

struct ly_map;

struct ly_map *ly_map_new(enum ly_proj proj);
void ly_map_free(struct ly_map *map);

/* Adds a layer on top of the others; the map takes ownership of layer (also on failure).
 * Projects it, precomputes simplification and label points. Returns its index, or -1 with
 * err set and the map unchanged (nothing half-added): no layer, 255 layers already, or out of
 * memory (about 3 doubles per vertex). */
int ly_map_add_layer(struct ly_map *map, struct ly_layer *layer, const struct ly_style *style, struct rd_err *err);
int ly_map_layer_count(const struct ly_map *map);
const struct ly_layer *ly_map_layer(const struct ly_map *map, int index);
bool ly_map_set_style(struct ly_map *map, int index, const struct ly_style *style, struct rd_err *err);
const struct ly_style *ly_map_style(const struct ly_map *map, int index);

/* Live values joined to features whose style.join_field equals keys[i] (e.g. adcode); they
 * replace the value_field attribute for classes, symbol sizes and heat weights. n = 0 clears.
 * Keys matching no feature are counted in *unmatched (may be NULL). False with err set, the
 * values as they were, for no such layer or join field, or out of memory (the first values
 * set on a layer allocate two per feature). */
bool ly_map_set_values(struct ly_map *map, int index, const char *const *keys, const double *values, int n,
                       int *unmatched, struct rd_err *err);

/* The view: fit to all layers (pad pixels each side), or set/read it directly. */
void ly_map_fit(struct ly_map *map, int w, int h, double pad);
void ly_map_set_view(struct ly_map *map, const struct ly_view *view);
const struct ly_view *ly_map_view(const struct ly_map *map);
void ly_map_bbox(const struct ly_map *map, double bbox[4]); /* lon/lat of all layers */
/* Fill the background with the theme's RD_BG (opaque cache, painted with SOURCE) or leave it
 * transparent (default) for a panel that draws its own. */
void ly_map_set_opaque(struct ly_map *map, bool opaque);

/* The height of the whole screen the map is part of: stroke widths, symbol and label sizes
 * ("px at 1080 lines") scale with it, so a map in a panel reads like the rest of the screen.
 * 0 (default): the map's own height. */
void ly_map_set_canvas_height(struct ly_map *map, int canvas_h);

/* Use up to this many threads, the calling one included (default 1), for one-shot work such
 * as shp2png: the projection and simplification of layers added afterwards (two threads),
 * and the static pass of polygon and line maps, drawn in bands of rows; the labels are placed
 * on the calling thread meanwhile, their outlines drawn in bands too. Legends and maps with
 * point layers are drawn on the calling thread. The pixels, labels and statistics are the
 * same whatever the count. */
void ly_map_set_threads(struct ly_map *map, int threads);

/* Draw solid outlines (polygon borders, lines of one colour) by their pixels' distance to
 * the segments instead of with cairo_stroke: the same shape (round joins and caps, the same
 * width and vertices), 3-4x faster on large layers (ly_stroke.c), antialiased edge pixels
 * differing from Cairo's by up to about half the colour difference. Default off, so the
 * wall's pictures (and goldens) are Cairo's; shp2png turns it on. */
void ly_map_set_fast_strokes(struct ly_map *map, bool fast);

/* One-shot drawing without the cache (animated symbols at phase 0). False with err set on a
 * Cairo error or when out of memory ("FILE.shp: out of memory for ..."; what was drawn on cr
 * so far stays, no labels are kept); the map stays usable and the next draw tries again. */
bool ly_map_render(struct ly_map *map, cairo_t *cr, const struct rd_theme *theme, struct rd_err *err);
/* Brings the cached picture of the static layers up to date for the map's view, values and
 * theme (rendering them when any changed), without drawing it: ly_map_draw then only paints
 * it. Lets another thread do the expensive part while the caller draws something else; no
 * other call on this map may run meanwhile. Fails as ly_map_render (out of memory, a Cairo
 * failure), leaving the cache to be rebuilt by the next call. */
bool ly_map_prepare(struct ly_map *map, const struct rd_theme *theme, struct rd_err *err);
/* Cached drawing for the frame loop (ly_map_prepare, then the picture and the animated
 * symbols); t is the animation clock in seconds. Fails as ly_map_prepare. */
bool ly_map_draw(struct ly_map *map, cairo_t *cr, const struct rd_theme *theme, double t, struct rd_err *err);
/* True when the map has animated symbols (the panel must redraw every frame). */
bool ly_map_animated(const struct ly_map *map);

struct ly_map_stats {
	int static_renders;      /* times the static raster was rebuilt */
	size_t vertices_in;      /* vertices of the visible features in the last static pass */
	size_t vertices_drawn;   /* after simplification and pixel snapping */
	int labels_placed, labels_dropped;
};
void ly_map_stats(const struct ly_map *map, struct ly_map_stats *stats);

/* Labels placed by the last static pass, in screen pixels. */
struct ly_label_info {
	const char *text;  /* valid until the next draw */
	int layer, feature;
	double x, y;       /* anchor: the pole of inaccessibility for polygons */
	double box[4];     /* x0, y0, x1, y1 of the text with its halo */
};
int ly_map_label_count(const struct ly_map *map);
/* Draws the labels placed by the last static pass again, as that pass drew them: for a caller
 * that draws over the map (live overlays) and wants the labels to stay on top. */
void ly_map_draw_labels(struct ly_map *map, cairo_t *cr, const struct rd_theme *theme);
/* The box (x0, y0, x1, y1, screen pixels) of the legends drawn by the last static pass, so
 * what is drawn over the map can sit beside them; false when there were none. */
bool ly_map_legend_box(const struct ly_map *map, double box[4]);
bool ly_map_label(const struct ly_map *map, int i, struct ly_label_info *info);

/* The feature under a screen point of the current view, topmost visible layer first:
 * inside a polygon (holes excluded, any part of a multipart), within a few pixels of a
 * line, or on a point symbol. layer = feature = -1 when nothing is there, and when there is
 * no memory for the index (built on the first call after a change; tried again next call). */
struct ly_hit_result {
	int layer, feature;
};
struct ly_hit_result ly_hit(struct ly_map *map, double x, double y);

/* The point inside a polygon feature farthest from its outline (pole of inaccessibility),
 * lon/lat; false for features that are not polygons, or when out of memory. */
bool ly_map_label_point(struct ly_map *map, int layer, int feature, double *lon, double *lat);

/* A point layer made in memory (live sensors, incidents): one feature per point with a
 * single text field "id" (join live values on it with join_field "id"). NULL when out of
 * memory (ly_map_add_layer then says "no layer"). */
struct ly_layer *ly_layer_new_points(const char *name, int n, const double *lon, const double *lat,
                                     const char *const *ids);
