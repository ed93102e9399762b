#pragma once
/* The frame: a scene laid out on a canvas and drawn from a snapshot. The frame keeps what it
 * drew: a panel is redrawn only when its inputs (data, size, clock second) changed, over a
 * cached background, and only its rectangle is reported as damage. Presenters (window, PNG,
 * bench) hand it a target surface of the viewport's size and push the damage.
 * One frame belongs to one thread. The scene and theme must outlive it. */
#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "cw_scene.h"
#include "cw_snapshot.h"
#include "rd_damage.h"
#include "rd_err.h"
#include "rd_theme.h"

/* The part of a virtual canvas this frame shows: a whole screen is x = y = 0 and w, h equal
 * to the canvas; a tile of a spliced wall shows a part. */
struct cw_view {
	int canvas_w, canvas_h;
	int x, y, w, h;
};

struct cw_frame;

struct cw_frame *cw_frame_new(const struct cw_scene *scene, const struct rd_theme *theme,
                              struct cw_view view, int utc_offset_min);
/* As cw_frame_new, but when the frame `like` (NULL: none) has the same background (theme,
 * view and header height: one scene change of a playlist), the new frame shares its
 * background surface instead of rendering one of its own (33 MB and about 35 ms at 4K).
 * A background is never drawn on once made, so `like` may be a frame another thread draws
 * with; it must outlive this call. */
struct cw_frame *cw_frame_new_like(const struct cw_scene *scene, const struct rd_theme *theme,
                                   struct cw_view view, int utc_offset_min,
                                   const struct cw_frame *like);
void cw_frame_free(struct cw_frame *frame);
/* Frees the frame but hands over its background cache (opaque RGB24, view-sized, its memory
 * already touched), for a caller that needs a screen-sized surface now: a scene change keeps
 * the outgoing picture in it instead of faulting in 33 MB (4K) of fresh memory. NULL when the
 * background is shared with another frame (cw_frame_new_like), which still paints from it. */
cairo_surface_t *cw_frame_free_keep_background(struct cw_frame *frame);

/* Draws what changed since the last call into target (an image surface of view.w x view.h)
 * and adds the changed rectangles (viewport pixels) to damage. snap may be NULL (no data yet);
 * now is Unix seconds, fractional for animations.
 * False with err set when Cairo reports an error; the next call redraws everything. */
bool cw_frame_draw(struct cw_frame *frame, cairo_surface_t *target, const struct cw_snapshot *snap,
                   double now, struct rd_damage *damage, struct rd_err *err);
/* When (Unix s) the picture next changes without new data (the clock's next second, an
 * animation's next step); the window sleeps until then. */
double cw_frame_next_change(struct cw_frame *frame, const struct cw_snapshot *snap, double now);
/* Forget what was drawn: the next draw repaints everything (new or resized target). */
void cw_frame_invalidate(struct cw_frame *frame);
/* Pans and zooms every map panel of the frame (cw_panel_map_set_view); the next draw shows it. */
void cw_frame_map_view(struct cw_frame *frame, double pan_x, double pan_y, double zoom);

/* An overlay drawn last, over every panel (the kiosk's cards, cw_kiosk.h). key says what it
 * shows (0: nothing); draw paints it in canvas pixels over the whole canvas. The frame keeps
 * its picture in a transparent layer made again when the key changes (the whole frame is
 * then repainted) and composes it over each panel that is redrawn under it, so the frame's
 * damage model holds: equal keys, equal pixels. */
struct cw_panel;
struct cw_panel_ctx;
struct cw_frame_overlay {
	uint64_t (*key)(void *ud, const struct cw_panel_ctx *c);
	void (*draw)(void *ud, cairo_t *cr, const struct cw_panel_ctx *c);
	void *ud;
};
/* ov (NULL: none) must outlive the frame or be unset. */
void cw_frame_set_overlay(struct cw_frame *frame, const struct cw_frame_overlay *ov);
/* The panels as laid out (for hit-testing): index 0 .. count-1, canvas pixels. */
int cw_frame_panel_count(const struct cw_frame *frame);
struct cw_panel *cw_frame_panel(struct cw_frame *frame, int i);
/* What the panels see when they draw at now. */
void cw_frame_context(const struct cw_frame *frame, const struct cw_snapshot *snap, double now,
                      struct cw_panel_ctx *out);

/* Date and time at the given UTC offset: "2026-11-23 星期一" and "14:30:00". */
void cw_format_clock(int64_t now, int utc_offset_min, char date[48], char time[16]);
