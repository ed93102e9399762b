#pragma once
/* The wall: a playlist of scenes drawn one after another, with a transition between them.
 * It loads every scene of the playlist up front (so a bad scene file fails at start, naming
 * the file), keeps one frame for the scene on screen, and during a transition composes the
 * outgoing picture with the incoming one (a slide moves the outgoing picture on the target
 * itself; a fade keeps a copy of it). The playlist position is a function of the clock,
 * so every tile of a wall shows the same scene at the same second.
 * One wall belongs to one thread; the theme must outlive it. */
#include <stdbool.h>

#include <cairo.h>

#include "cw_frame.h"
#include "cw_playlist.h"
#include "cw_snapshot.h"
#include "rd_damage.h"
#include "rd_err.h"
#include "rd_theme.h"

struct cw_wall;

/* The memory a wall's first frame takes, in screens (w x h x 4 bytes): the target, the
 * background, the map's layers and still, the panels' pictures. What the commands give
 * rd_surface_pool_start before loading, so that memory is made ready on another core. */
enum { CW_WALL_FIRST_FRAME_SCREENS = 3 };

/* Takes a copy of the playlist. NULL with err naming the scene file that failed. */
struct cw_wall *cw_wall_new(const struct cw_playlist *pl, const struct rd_theme *theme,
                            struct cw_view view, int utc_offset_min, struct rd_err *err);
void cw_wall_free(struct cw_wall *wall);

/* Draws the wall at `now` (Unix seconds, fractional for transitions) into target (an image
 * surface of the view's size, kept between calls) and adds what changed to damage. */
bool cw_wall_draw(struct cw_wall *wall, cairo_surface_t *target, const struct cw_snapshot *snap,
                  double now, struct rd_damage *damage, struct rd_err *err);
/* The next draw repaints everything (a new or resized target); a slide under way, whose
 * outgoing picture was on the old target, ends there. */
void cw_wall_invalidate(struct cw_wall *wall);
/* The name of the scene on screen ("" before the first draw). */
const char *cw_wall_scene(const struct cw_wall *wall);
/* True while a transition runs. */
bool cw_wall_animating(const struct cw_wall *wall);
/* When (Unix s) the picture next changes without new data: a transition step, an
 * animation, the clock's next second, the next scene. 0: only when data arrives. */
double cw_wall_next_change(struct cw_wall *wall, const struct cw_snapshot *snap, double now);

/* Waits until the next scene, which the wall makes ahead on a helper thread from a few seconds
 * before the playlist's change (cw_wall_draw starts it), is ready. For benches and tests,
 * which do not give the wall those seconds of real time; the picture is the same either way. */
void cw_wall_settle(struct cw_wall *wall);

/* Kiosk (cw_kiosk.h). Manual scene changes run on the monotonic clock (cw_mono_ms), so they
 * also slide under a frozen scene clock. */
/* The frame of the scene on screen (NULL before the first draw); it is replaced when the
 * scene changes. */
struct cw_frame *cw_wall_frame(struct cw_wall *wall);
/* Holds the scene on screen: the playlist's rotation pauses until cw_wall_resume. */
void cw_wall_hold(struct cw_wall *wall);
bool cw_wall_held(const struct cw_wall *wall);
/* Slides to the next (dir > 0, coming in from the right) or previous (dir < 0) scene of the
 * playlist's scenes and holds it. False when there is no other scene. */
bool cw_wall_step(struct cw_wall *wall, int dir);
/* Back to the playlist; slides to its scene when that is another one. */
void cw_wall_resume(struct cw_wall *wall);
/* Draws ov over every frame of the wall, also those of scenes to come (NULL: none); ov must
 * outlive the wall or be unset. */
void cw_wall_set_overlay(struct cw_wall *wall, const struct cw_frame_overlay *ov);
