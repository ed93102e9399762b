#pragma once
/* Panels: the pieces a frame is made of (header title, weather, clock, and the scene's
 * panels). Each kind says what it would show as a key — a hash, equal keys meaning equal
 * pixels — and draws itself inside its rectangle. The frame redraws a panel only when its
 * key changes; animated panels put the animation phase into their key and say when it next
 * changes, so the window sleeps until then. Render thread only. */
#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "cw_scene.h"
#include "cw_snapshot.h"
#include "rd_geom.h"
#include "rd_theme.h"

/* What every panel sees when it draws. */
struct cw_panel_ctx {
	const struct rd_theme *theme;
	const struct cw_scene *scene;
	int scale_h;          /* the reference height sizes scale with (rd_widgets.h) */
	int utc_offset_min;
	double now;           /* Unix seconds, fractional */
	const struct cw_snapshot *snap; /* may be NULL: no data yet */
	double stale_corner; /* in a draw under the stale mark: how far in from the panel's right
	                      * edge its chip covers the top (rd_stale_corner); else 0 */
};

struct cw_panel;

struct cw_panel_kind {
	const char *name;
	/* Sets up p->state (may be NULL); messages about skipped parts go to stderr. */
	void (*init)(struct cw_panel *p, const struct cw_panel_ctx *c);
	uint64_t (*key)(struct cw_panel *p, const struct cw_panel_ctx *c);
	void (*draw)(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c);
	/* Optional. Called instead of the frame's redraw (background painted back under the
	 * panel's rectangle, then draw) when the panel shows what it last drew on cr's target,
	 * unmarked: it may bring that picture to the new key by itself, restoring what it
	 * overwrites from its own caches, and return the rectangles it changed (canvas pixels, at
	 * most max; their pixels must be those a full redraw would give). -1: it cannot, the frame
	 * redraws it. */
	int (*update)(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
	              struct rd_irect *rects, int max);
	/* Optional. In a frame that draws every panel, called for each panel that has it before
	 * any panel is drawn: it may start the expensive part of its draw (the map's layers) on
	 * another thread, so that it runs while the other panels draw; draw then waits for it.
	 * It touches what its own draw touches and nothing the other panels do. */
	void (*prepare)(struct cw_panel *p, const struct cw_panel_ctx *c);
	/* The time (Unix s) its picture changes next without new data; 0: only with new data. */
	double (*next_change)(struct cw_panel *p, const struct cw_panel_ctx *c);
	void (*finish)(struct cw_panel *p);
};

struct cw_panel {
	const struct cw_panel_kind *kind;
	const struct cw_panel_def *def; /* NULL for the header's pieces */
	struct rd_rect rect;            /* canvas pixels */
	uint64_t key;                   /* what it showed last; 0: nothing yet */
	bool marked;                    /* it was drawn with the stale mark over it */
	void *state;                    /* owned by the kind */
};

extern const struct cw_panel_kind cw_panel_title, cw_panel_weather, cw_panel_clock, cw_panel_conn,
    cw_panel_ticker;
extern const struct cw_panel_kind cw_panel_kpi, cw_panel_map, cw_panel_trend, cw_panel_gauge,
    cw_panel_bars, cw_panel_ring, cw_panel_rank, cw_panel_projects, cw_panel_chain,
    cw_panel_table, cw_panel_stats, cw_panel_alerts;
extern const struct cw_panel_kind cw_panel_duty; /* cw_duty_panel.c */

/* Map panels: pan by (pan_x, pan_y) map pixels and zoom (1: as fitted, 0.25..64, about the
 * map's centre) from the fitted view; the panel redraws with its layers re-rendered for that
 * view. Does nothing for a panel of another kind. */
void cw_panel_map_set_view(struct cw_panel *p, double pan_x, double pan_y, double zoom);
/* The same for an interim view of a gesture (the kiosk's drags and pinches): the panel draws
 * its last full picture of the map moved and scaled (one bilinear copy, the alerts, events
 * and fly lines at their true places over it) instead of rendering the layers. The map's view
 * (cw_panel_map_info, hit-testing) is the new one at once. The full picture is made on a
 * helper thread when the caller says the view has settled, and meanwhile when the scale
 * drifts past 2x from the picture's; the panel takes it when it is ready, and then shows what
 * cw_panel_map_set_view would for that view. */
void cw_panel_map_move(struct cw_panel *p, double pan_x, double pan_y, double zoom);
void cw_panel_map_settle(struct cw_panel *p);
/* True while the view is interim or the helper works for the panel: keep drawing frames (a
 * frame takes the helper's picture when it is ready). */
bool cw_panel_map_busy(struct cw_panel *p);
/* Waits for the helper's picture in progress, if any (benches, tests). */
void cw_panel_map_wait(struct cw_panel *p);
struct cw_panel_map_stats {
	int renders;        /* layer renders of the panel's own map (the one on screen) */
	int prepared;       /* ... of which the helper made while a full frame drew the others */
	int helper_renders; /* full pictures the helper made that were taken */
	int bases;          /* pictures for gestures (with a margin) the helper made */
	int live_frames;    /* interim views drawn from a moved picture */
};
bool cw_panel_map_stats(struct cw_panel *p, struct cw_panel_map_stats *st);
/* What the kiosk (cw_kiosk.h) needs of a map panel as last drawn: its map (current view), the
 * polygon layer of its districts (-1: none), where the map lies (canvas pixels), the fitted
 * view and the pan/zoom. False for another kind or a map not drawn yet. */
struct ly_map;
struct cw_panel_map_info {
	struct ly_map *map;
	int district_layer;
	struct rd_rect map_at;
	int w, h;               /* the fitted view's size, map pixels */
	double extent[4];       /* the districts' (else all layers') extent in the fitted view */
	double pan_x, pan_y, zoom;
};
bool cw_panel_map_info(struct cw_panel *p, struct cw_panel_map_info *info);

/* Ticker panels: the alert at canvas point (x, y) as the ticker shows it at c->now: the
 * banner's alert while there is a banner, else the scrolling item under x (an item within
 * slop pixels counts: a finger is wide); NULL for none or another kind. The alert lies in
 * c->snap. */
struct pr_alert;
const struct pr_alert *cw_panel_ticker_alert_at(struct cw_panel *p, const struct cw_panel_ctx *c,
                                                double x, double y, double slop);

/* The kind that draws a scene panel of this type. */
const struct cw_panel_kind *cw_panel_kind_of(enum cw_panel_type type);

/* The feed sources (1u << CW_SRC_*) a panel shows, for its stale mark; 0: none. */
unsigned cw_panel_sources(const struct cw_panel *p);

/* The figures the events.summary stats panel shows (exported for its tests): the figures of
 * events.summary at `now` into out[6]: events reported today; open; open and overdue; closed
 * today; 处置完成率, cbwalld's closure_rate computed from the events: of those reported in the last
 * 24 h that are closed or overdue, the percentage closed (NaN without any); 平均处置时长,
 * the mean minutes from reported to closed of the events closed today (NaN without any). */
void cw_panel_stats_summary(const struct cw_snapshot *s, double now, int utc_offset_min,
                            double out[6]);

/* A map-like panel's shapefile layers (def->layers) loaded into a new map: a layer that cannot
 * be loaded is skipped with one line saying why, its skipped records likewise; the rest still
 * draws. layer[i] gets the map index of the i-th layer or -1; *district_layer (may be NULL)
 * the first polygon layer or -1. The caller frees the map (ly_map_free). */
struct ly_map *cw_map_load_layers(const struct cw_panel *p, const struct cw_panel_ctx *c,
                                  int layer[CW_PANEL_LAYERS_MAX], int *district_layer);

/* The device rectangle of the panel on cr's target when a panel can take its still picture
 * from there and put it back: an RGB24 or ARGB32 image surface drawn directly (no group),
 * with a whole-pixel translation. False otherwise (draw everything instead). */
bool cw_panel_device_box(const struct cw_panel *p, cairo_t *cr, struct rd_irect *box);

/* A panel's picture without its changing part, kept from the frame's target so an update
 * paints it back and draws only what changed (the table's carousel, the gauge's value).
 * take copies the panel's device box (cw_panel_device_box) after the still part is drawn;
 * usable says whether cr draws on that same target and box and key is the one taken with
 * (target is compared, never dereferenced); put paints the still back, clipped to clip
 * (canvas pixels), with SOURCE. Zero-initialize; free releases the copy. */
struct cw_still {
	cairo_surface_t *pic;
	struct rd_irect box; /* device pixels of the target */
	const void *target;
	uint64_t key;
};
void cw_still_take(struct cw_still *s, const struct cw_panel *p, cairo_t *cr, uint64_t key);
bool cw_still_usable(const struct cw_still *s, const struct cw_panel *p, cairo_t *cr,
                     uint64_t key);
void cw_still_put(const struct cw_still *s, cairo_t *cr, struct rd_irect clip);
void cw_still_forget(struct cw_still *s); /* not usable until the next take */
void cw_still_free(struct cw_still *s);

/* FNV-1a, for keys. */
uint64_t cw_hash(uint64_t h, const void *data, size_t len);
uint64_t cw_hash_str(uint64_t h, const char *s);
#define CW_HASH_INIT 0xcbf29ce484222325ull
/* Panel title from the scene, or NULL. */
const char *cw_panel_title_text(const struct cw_panel *p);
