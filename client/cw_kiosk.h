#pragma once
/* The leader's touch kiosk (`--mode kiosk`, docs/modes.md): tap a district for its drill-down
 * card, tap an alert for its details, pinch and drag the map (with inertia, within limits),
 * swipe to change scene; after kiosk_idle_s without input everything returns to the overview.
 *
 * Two layers, like the duty console:
 * - pure pieces, no SDL, unit-tested (tests/client/test_cw_kiosk.c): the gesture recognizer
 *   (touches in, tap / pan / pinch / swipe out), inertia, the map view's limits, the size of a
 *   touch target at a DPI, and the district under a point of a map;
 * - struct cw_kiosk, the controller the window feeds SDL events to (cw_kiosk_input.c). It acts
 *   on the wall (scene changes, the map views of the frame on screen) and draws its cards as
 *   the frame's overlay (cw_frame_set_overlay), drawn last over the scene.
 *
 * Times: gestures, inertia and the idle timeout run on the monotonic clock (seconds), so a
 * frozen scene clock (`--freeze-clock`) does not stop them; the cards show data at the scene
 * clock. Render thread only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cw_snapshot.h"
#include "rd_geom.h"

struct ly_map;

/* ---- gestures ---- */

enum cw_touch_kind { CW_TOUCH_DOWN, CW_TOUCH_MOVE, CW_TOUCH_UP };

/* One finger (or the mouse, id -1) at canvas pixels, at t seconds. */
struct cw_touch {
	enum cw_touch_kind kind;
	int64_t id;
	double x, y, t;
};

enum cw_gesture_kind {
	CW_GESTURE_NONE,
	CW_GESTURE_PRESS,   /* a first finger came down at (x, y): press feedback */
	CW_GESTURE_CANCEL,  /* the press will not be a tap (it moved, a second finger came) */
	CW_GESTURE_TAP,     /* down and up within the slop and tap_max_s, at (x, y) */
	CW_GESTURE_PAN,     /* one finger dragging that started on a map: moved by (dx, dy) */
	CW_GESTURE_PINCH,   /* two fingers on a map: zoom by scale about (x, y) */
	CW_GESTURE_RELEASE, /* a pan ended: the finger's velocity (vx, vy) px/s, for inertia */
	CW_GESTURE_SWIPE,   /* a fast horizontal drag off the map, or with two fingers: dir +1
	                       (towards the left: next scene) or -1 (previous) */
};

struct cw_gesture_out {
	enum cw_gesture_kind kind;
	double x, y;    /* PRESS, TAP: the point; PINCH: the two fingers' centre */
	double dx, dy;  /* PAN */
	double scale;   /* PINCH: since the last PINCH */
	double vx, vy;  /* RELEASE */
	int dir;        /* SWIPE */
};

struct cw_gesture_params {
	double slop_px;     /* farther than this from where it came down, a press is a drag */
	double tap_max_s;   /* longer than this, a press is no tap */
	double swipe_px;    /* a swipe moves at least this far horizontally ... */
	double swipe_speed; /* ... at least this fast on average, px/s */
};

struct cw_gesture {
	struct cw_gesture_params p;
	enum { CW_G_IDLE, CW_G_PENDING, CW_G_PAN, CW_G_DRAG, CW_G_TWO, CW_G_DONE } mode;
	bool on_map;      /* the first finger came down on a map */
	int n;            /* fingers down */
	struct cw_finger {
		int64_t id;
		double x0, y0, x, y, t0;
	} f[2];
	double vx, vy, vt;      /* smoothed velocity of the single finger, and its last time */
	double dist, scale;     /* two fingers: last distance, total scale */
	bool zoomed;            /* two fingers: the scale was off 1 by 20 % at some point */
	double cx0, cy0, t2;    /* two fingers: centre and time when the second came */
};

/* Defaults scaled to a touch target of target_px (cw_kiosk_target_px). */
void cw_gesture_params_default(struct cw_gesture_params *p, double target_px);
void cw_gesture_init(struct cw_gesture *g, const struct cw_gesture_params *p);
/* Feeds one touch; on_map says whether (x, y) lies on a map (only read for the first finger
 * down). Writes up to 2 outputs, returns how many. */
int cw_gesture_feed(struct cw_gesture *g, const struct cw_touch *t, bool on_map,
                    struct cw_gesture_out out[2]);

/* ---- inertia ---- */

/* A pan that goes on after the finger lifts: velocity decays by `decay` per 1/60 s. */
struct cw_inertia {
	double vx, vy; /* px/s */
	double decay;  /* 0.9 */
};
enum { CW_KIOSK_FPS = 60 };
void cw_inertia_start(struct cw_inertia *in, double vx, double vy);
/* Advances by dt seconds: the distance moved in (dx, dy) (the exact integral of the decaying
 * velocity); the velocity is zeroed below 8 px/s. False when it is not moving. */
bool cw_inertia_step(struct cw_inertia *in, double dt, double *dx, double *dy);
bool cw_inertia_moving(const struct cw_inertia *in);

/* ---- the map's view ---- */

enum { CW_KIOSK_ZOOM_MIN = 1, CW_KIOSK_ZOOM_MAX = 8 };
/* A map's view has settled when it has not changed for this long (s): the map is then drawn
 * in full for it (cw_panel_map_settle); until then it moves its last full picture. */
#define CW_KIOSK_SETTLE_S 0.15

/* A map panel's pan/zoom as cw_panel_map_set_view takes it: zoom about the centre of the
 * map's w x h pixels, then move by (pan_x, pan_y). */
struct cw_map_pose {
	double pan_x, pan_y, zoom;
};
/* Zooms by factor about the map pixel (qx, qy); zoom is kept within 1..8. */
void cw_map_pose_zoom(struct cw_map_pose *v, double factor, double qx, double qy, double w,
                      double h);
/* Keeps the district extent (ext: x0, y0, x1, y1 in map pixels of the fitted view) on
 * screen: where the zoomed extent is narrower than the map it stays inside, where it is wider
 * it covers the map (no empty margin past it). Zoom clamped to 1..8 first. Returns which axes
 * were clamped (bit 0 x, bit 1 y), so inertia stops against an edge. */
int cw_map_pose_clamp(struct cw_map_pose *v, double w, double h, const double ext[4]);

/* ---- touch targets ---- */

/* Pixels of mm millimetres at dpi; an unknown or absurd dpi (<= 0, NaN, < 50, > 1000) counts
 * as 96. */
double cw_kiosk_target_px(double dpi, double mm);

/* ---- hit-testing ---- */

/* The district under map pixel (x, y) of map's current view: the value of the layer's style
 * join_field ("adcode" when it has none) of the polygon there, into adcode. False on a hole,
 * outside every district, or for a layer < 0. */
bool cw_kiosk_district_at(struct ly_map *map, int layer, double x, double y, char *adcode,
                          size_t n);

/* ---- the controller (cw_kiosk_input.c) ---- */

struct cw_wall;
struct cw_kiosk;

struct cw_kiosk_config {
	int idle_s;        /* back to the overview after this long without input */
	double dpi;        /* of the display (SDL_GetDisplayDPI); <= 0 unknown */
	int utc_offset_min;
	bool debug;        /* CBWALL_DEBUG_STATE: log "cbwall: state: kiosk: ..." lines */
};

struct cw_kiosk *cw_kiosk_new(const struct cw_kiosk_config *cfg);
void cw_kiosk_free(struct cw_kiosk *k);
/* The wall it acts on (again after the window made a new one) on a canvas of w x h; installs
 * the cards as the wall's overlay. */
void cw_kiosk_attach(struct cw_kiosk *k, struct cw_wall *wall, int canvas_w, int canvas_h);
/* Handles one input event (finger, mouse, wheel; keys only count as activity: the kiosk is
 * locked). (ox, oy): the window's offset in the canvas; mono: monotonic seconds; now: the
 * scene clock. True when the event was the kiosk's. */
union SDL_Event;
bool cw_kiosk_event(struct cw_kiosk *k, const union SDL_Event *ev, int ox, int oy, double mono);
/* Once per loop before drawing: inertia, the idle timeout, the map view, debug lines. snap is
 * the one the next frame shows (may be NULL). */
void cw_kiosk_update(struct cw_kiosk *k, const struct cw_snapshot *snap, double mono, double now);
/* When (monotonic s) the kiosk next needs an update without input: an inertia frame, the
 * idle timeout; 0: never. */
double cw_kiosk_next_wake(const struct cw_kiosk *k);
