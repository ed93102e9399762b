#pragma once
/* Live overlays of a map panel (CW_OVERLAY_* in cw_scene.h, docs/scenes.md): alerts, grid
 * events, their heat, grid cells and fly lines, chosen from a feed snapshot and drawn over the
 * map in its projection and view.
 *
 * Two passes. The static pass (heat, grid cells, event points, alert dots, arcs, the legend)
 * is drawn once per data change, into the panel's cached picture. The animated pass (ripples
 * at unacknowledged alerts, comets on the fly lines) is drawn over that picture at each
 * animation step: CW_OVERLAY_STEPS steps a second, and the animated picture repeats every
 * whole second (each ripple takes 3 s and three run a third apart; each comet 2 s, two per
 * arc), so the step is a function of the fractional second alone and every PC of a wall
 * shows the same phase.
 *
 * Ownership: a cw_overlays belongs to one map panel; it copies what it chose from the
 * snapshot, so the snapshot may go away between cw_overlays_update and drawing.
 * Render thread only. */
#include "rd_geom.h"
#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "cw_snapshot.h"
#include "ly_map.h"
#include "rd_theme.h"

enum { CW_OVERLAY_STEPS = 12 }; /* animation steps per second */

/* The command center flows start from, lon/lat (政务区, 蜀山区/庐阳区). */
#define CW_OVERLAY_CENTER_LON 117.227
#define CW_OVERLAY_CENTER_LAT 31.820

struct cw_overlays;

struct cw_overlays *cw_overlays_new(void);
void cw_overlays_free(struct cw_overlays *o);

/* Chooses what the overlays of mask show from snap (NULL: nothing) and returns a hash of it:
 * equal hashes, equal static pictures. Cheap enough to call for every frame's key. */
uint64_t cw_overlays_update(struct cw_overlays *o, unsigned mask, const struct cw_snapshot *snap);
/* True when the last update chose something animated (an unacknowledged alert, a fly line). */
bool cw_overlays_animated(const struct cw_overlays *o);
/* The animation step (0 .. CW_OVERLAY_STEPS-1) at now, and the time of the next one. */
int cw_overlays_step(double now);
double cw_overlays_next_step(double now);

/* The static pass, in the map's pixel space (translate cr to the map's origin first).
 * district_layer: the map's polygon layer the grid is clipped to (-1: the grid is not drawn).
 * The legend goes beside the map's own legend, clear of its labels. */
void cw_overlays_draw_static(struct cw_overlays *o, cairo_t *cr, struct ly_map *map,
                             int district_layer, const struct rd_theme *th, int scale_h);
/* The static pass in parts, drawn in this order by cw_overlays_draw_static: the areas (heat,
 * grid cells), the points (fly lines, events, alert dots), the map's labels again, the
 * legend. A gesture (cw_panel_map_move) moves a picture of the map with the areas and labels
 * in it, and draws the points at their places and the legend where it was. */
enum {
	CW_OVERLAY_PART_AREAS = 1,
	CW_OVERLAY_PART_POINTS = 2,
	CW_OVERLAY_PART_LABELS = 4,
	CW_OVERLAY_PART_LEGEND = 8,
	CW_OVERLAY_PARTS_ALL = 15,
};
void cw_overlays_draw_parts(struct cw_overlays *o, cairo_t *cr, struct ly_map *map,
                            int district_layer, const struct rd_theme *th, int scale_h,
                            unsigned parts);
/* The box (x0, y0, x1, y1, map pixels) of the legend the last static pass drew; false when it
 * drew none. */
bool cw_overlays_legend_box(const struct cw_overlays *o, double box[4]);
/* The animated pass at step, same space. */
void cw_overlays_draw_anim(struct cw_overlays *o, cairo_t *cr, const struct ly_map *map,
                           const struct rd_theme *th, int scale_h, int step);
/* Whole-pixel rectangles (map pixels, inside the view) holding every pixel the animated pass
 * at step draws; at most max (more are collapsed into their bounding box). Returns how many. */
int cw_overlays_anim_rects(const struct cw_overlays *o, const struct ly_map *map, int scale_h,
                           int step, struct rd_irect *out, int max);
