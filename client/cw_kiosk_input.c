/* The kiosk controller (cw_kiosk.h): SDL finger and mouse events through the gesture
 * recognizer into taps on districts and alerts, map pans and pinches, scene swipes; the idle
 * timeout; the cards as the frame's overlay (drawn in cw_kiosk_card.c).
 *
 * The mouse is one more finger (id -1); SDL's mouse events synthesized from touches
 * (which == SDL_TOUCH_MOUSEID) are dropped, the finger events carry those touches. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "cw_alarm.h"
#include "cw_kiosk_int.h"
#include "cw_wall.h"
#include "ly_map.h"

static void logf_state(const struct cw_kiosk *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_state(const struct cw_kiosk *k, const char *fmt, ...)
{
	if (!k->cfg.debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("cbwall: state: kiosk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct cw_kiosk *cw_kiosk_new(const struct cw_kiosk_config *cfg)
{
	struct cw_kiosk *k = calloc(1, sizeof *k);
	if (!k)
		abort();
	k->cfg = *cfg;
	if (k->cfg.idle_s < 1)
		k->cfg.idle_s = 90;
	k->target_px = round(cw_kiosk_target_px(cfg->dpi, 9));
	struct cw_gesture_params gp;
	cw_gesture_params_default(&gp, k->target_px);
	cw_gesture_init(&k->g, &gp);
	k->pressed = CW_KIOSK_T_NONE;
	k->map_panel = -1;
	k->pose = (struct cw_map_pose){0, 0, 1};
	k->idle_done = true;
	k->generation = 1;
	k->overlay = (struct cw_frame_overlay){cw_kiosk_card_key, cw_kiosk_card_draw, k};
	return k;
}

void cw_kiosk_free(struct cw_kiosk *k)
{
	if (k && k->wall)
		cw_wall_set_overlay(k->wall, NULL);
	free(k);
}

void cw_kiosk_attach(struct cw_kiosk *k, struct cw_wall *wall, int canvas_w, int canvas_h)
{
	k->wall = wall;
	k->canvas_w = canvas_w;
	k->canvas_h = canvas_h;
	k->frame = NULL;
	k->map_panel = -1;
	k->pose = (struct cw_map_pose){0, 0, 1};
	cw_wall_set_overlay(wall, &k->overlay);
}

static struct cw_frame *frame_of(struct cw_kiosk *k)
{
	struct cw_frame *f = k->wall ? cw_wall_frame(k->wall) : NULL;
	if (f != k->frame) { /* another scene: its maps start at the overview */
		k->frame = f;
		k->map_panel = -1;
		k->pose = (struct cw_map_pose){0, 0, 1};
		cw_inertia_start(&k->inertia, 0, 0);
	}
	return f;
}

static bool inside(struct rd_rect r, double x, double y)
{
	return r.w > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* The index of the panel at canvas (x, y), or -1; header pieces come first in the frame but
 * never overlap the grid. */
static int panel_at(struct cw_frame *f, double x, double y)
{
	for (int i = 0; f && i < cw_frame_panel_count(f); i++)
		if (inside(cw_frame_panel(f, i)->rect, x, y))
			return i;
	return -1;
}

static bool map_at(struct cw_kiosk *k, double x, double y, int *index,
                   struct cw_panel_map_info *info)
{
	struct cw_frame *f = frame_of(k);
	int i = panel_at(f, x, y);
	if (i < 0 || !cw_panel_map_info(cw_frame_panel(f, i), info) || !inside(info->map_at, x, y))
		return false;
	*index = i;
	return true;
}

/* ---- the card ---- */

static void changed(struct cw_kiosk *k)
{
	k->generation++;
}

static void close_card(struct cw_kiosk *k, const char *why)
{
	if (k->card == CW_KIOSK_CARD_NONE)
		return;
	k->card = CW_KIOSK_CARD_NONE;
	k->pressed = CW_KIOSK_T_NONE;
	k->nbuttons = k->nrows = 0;
	k->box = k->close_box = (struct rd_rect){0};
	changed(k);
	logf_state(k, "closed (%s)", why);
}

static void open_district(struct cw_kiosk *k, const char *adcode)
{
	k->card = CW_KIOSK_CARD_DISTRICT;
	snprintf(k->adcode, sizeof k->adcode, "%s", adcode);
	k->from_district = false;
	changed(k);
	logf_state(k, "drill %s", adcode);
}

static void open_alert(struct cw_kiosk *k, const char *id, bool from_district)
{
	k->card = CW_KIOSK_CARD_ALERT;
	snprintf(k->alert_id, sizeof k->alert_id, "%s", id);
	k->from_district = from_district;
	changed(k);
	logf_state(k, "alert %s", id);
}

/* The card's target at (x, y): CW_KIOSK_T_* or CW_KIOSK_T_NONE. */
static int card_target(const struct cw_kiosk *k, double x, double y)
{
	if (k->card == CW_KIOSK_CARD_NONE)
		return CW_KIOSK_T_NONE;
	if (inside(k->close_box, x, y))
		return CW_KIOSK_T_CLOSE;
	for (int b = 0; b < k->nbuttons; b++)
		if (inside(k->buttons[b], x, y))
			return CW_KIOSK_T_BUTTON + b;
	for (int r = 0; r < k->nrows; r++)
		if (inside(k->rows[r], x, y))
			return CW_KIOSK_T_ROW + r;
	return CW_KIOSK_T_NONE;
}

static void tap_card(struct cw_kiosk *k, double x, double y)
{
	int t = card_target(k, x, y);
	if (t == CW_KIOSK_T_CLOSE) {
		close_card(k, "close button");
	} else if (t >= CW_KIOSK_T_BUTTON && t < CW_KIOSK_T_BUTTON + k->nbuttons) {
		if (k->button_kind[t - CW_KIOSK_T_BUTTON] == CW_KIOSK_BTN_BACK && k->from_district) {
			k->card = CW_KIOSK_CARD_DISTRICT;
			changed(k);
			logf_state(k, "drill %s", k->adcode);
		} else {
			close_card(k, "close button");
		}
	} else if (t >= CW_KIOSK_T_ROW && t < CW_KIOSK_T_ROW + k->nrows) {
		open_alert(k, k->row_ids[t - CW_KIOSK_T_ROW], true);
	} else if (!inside(k->box, x, y)) {
		close_card(k, "tap outside");
	}
}

/* ---- taps on the scene ---- */

/* The alert whose mark on the map lies within a finger of canvas (x, y), nearest first. */
static const struct pr_alert *alert_on_map(const struct cw_kiosk *k,
                                           const struct cw_panel_map_info *mi, double x, double y)
{
	const struct cw_snapshot *s = k->snap;
	const struct pr_alert *best = NULL;
	double best_d = k->target_px * 0.6;
	for (size_t i = 0; s && i < s->alert_count; i++) {
		const struct pr_alert *a = &s->alerts[i];
		if (a->status == PR_ALERT_RESOLVED)
			continue;
		double sx, sy;
		ly_view_lonlat_to_screen(ly_map_view(mi->map), a->lon, a->lat, &sx, &sy);
		double d = hypot(mi->map_at.x + sx - x, mi->map_at.y + sy - y);
		if (d <= best_d) {
			best_d = d;
			best = a;
		}
	}
	return best;
}

static void tap_scene(struct cw_kiosk *k, double x, double y)
{
	struct cw_frame *f = frame_of(k);
	int i = panel_at(f, x, y);
	struct cw_panel *p = i >= 0 ? cw_frame_panel(f, i) : NULL;
	if (p && p->kind == &cw_panel_ticker) {
		/* the banner's alert, else the scrolling item under the finger */
		struct cw_panel_ctx c;
		cw_frame_context(f, k->snap, k->now, &c);
		const struct pr_alert *a = cw_panel_ticker_alert_at(p, &c, x, y, k->target_px / 2.0);
		if (a) {
			open_alert(k, a->id, false);
			return;
		}
	} else if (p && p->kind == &cw_panel_alerts) {
		char ids[CW_KIOSK_ROWS * 4][24];
		struct rd_rect rects[CW_KIOSK_ROWS * 4];
		struct cw_panel_ctx c;
		cw_frame_context(f, k->snap, k->now, &c);
		int n = cw_kiosk_alert_rows(p, &c, ids, rects, CW_KIOSK_ROWS * 4);
		for (int r = 0; r < n; r++)
			if (inside(rects[r], x, y)) {
				open_alert(k, ids[r], false);
				return;
			}
	} else if (p) {
		struct cw_panel_map_info mi;
		if (cw_panel_map_info(p, &mi) && inside(mi.map_at, x, y)) {
			const struct pr_alert *a = alert_on_map(k, &mi, x, y);
			if (a) {
				open_alert(k, a->id, false);
				return;
			}
			char adcode[8];
			if (cw_kiosk_district_at(mi.map, mi.district_layer, x - mi.map_at.x,
			                         y - mi.map_at.y, adcode, sizeof adcode)) {
				open_district(k, adcode);
				return;
			}
		}
	}
	logf_state(k, "tap %.0f,%.0f: nothing there", x, y);
}

/* ---- the map's view ---- */

/* The map panel being moved, or NULL. */
static struct cw_panel *moved_panel(struct cw_kiosk *k)
{
	struct cw_frame *f = frame_of(k);
	return f && k->map_panel >= 0 ? cw_frame_panel(f, k->map_panel) : NULL;
}

/* An interim view of the gesture: the map moves its last full picture (cw_panel_map_move)
 * until the view rests for CW_KIOSK_SETTLE_S (cw_kiosk_update settles it). */
static void apply_pose(struct cw_kiosk *k)
{
	struct cw_panel *p = moved_panel(k);
	struct cw_panel_map_info mi;
	if (!p || !cw_panel_map_info(p, &mi))
		return;
	int clamped = cw_map_pose_clamp(&k->pose, mi.w, mi.h, mi.extent);
	if (clamped & 1)
		k->inertia.vx = 0;
	if (clamped & 2)
		k->inertia.vy = 0;
	/* whole pixels: the settled picture is drawn for exactly this view */
	cw_panel_map_move(p, round(k->pose.pan_x), round(k->pose.pan_y), k->pose.zoom);
	k->moved = true;
	k->settle_due = true;
	k->view_changed = k->mono;
}

static void reset_views(struct cw_kiosk *k)
{
	struct cw_frame *f = frame_of(k);
	for (int i = 0; f && i < cw_frame_panel_count(f); i++)
		cw_panel_map_set_view(cw_frame_panel(f, i), 0, 0, 1);
	k->pose = (struct cw_map_pose){0, 0, 1};
	k->map_panel = -1;
	cw_inertia_start(&k->inertia, 0, 0);
	k->moved = false;
	k->settle_due = false;
}

/* Which map a gesture moves: the one under its first finger. */
static void grab_map(struct cw_kiosk *k, int index, const struct cw_panel_map_info *mi)
{
	if (index == k->map_panel)
		return;
	k->map_panel = index;
	k->pose = (struct cw_map_pose){mi->pan_x, mi->pan_y, mi->zoom};
}

/* ---- gestures ---- */

static void pressed_to(struct cw_kiosk *k, int t)
{
	if (t != k->pressed) {
		k->pressed = t;
		changed(k);
	}
}

static void gesture(struct cw_kiosk *k, const struct cw_gesture_out *o)
{
	switch (o->kind) {
	case CW_GESTURE_PRESS:
		cw_inertia_start(&k->inertia, 0, 0);
		pressed_to(k, card_target(k, o->x, o->y));
		break;
	case CW_GESTURE_CANCEL: pressed_to(k, CW_KIOSK_T_NONE); break;
	case CW_GESTURE_TAP:
		pressed_to(k, CW_KIOSK_T_NONE);
		if (k->card != CW_KIOSK_CARD_NONE)
			tap_card(k, o->x, o->y);
		else
			tap_scene(k, o->x, o->y);
		break;
	case CW_GESTURE_PAN:
		if (k->map_panel >= 0) {
			k->pose.pan_x += o->dx;
			k->pose.pan_y += o->dy;
			k->gesture_active = true;
			apply_pose(k);
		}
		break;
	case CW_GESTURE_PINCH: {
		struct cw_frame *f = frame_of(k);
		struct cw_panel_map_info mi;
		if (k->map_panel >= 0 && cw_panel_map_info(cw_frame_panel(f, k->map_panel), &mi)) {
			cw_map_pose_zoom(&k->pose, o->scale, o->x - mi.map_at.x, o->y - mi.map_at.y, mi.w,
			                 mi.h);
			k->gesture_active = true;
			apply_pose(k);
		}
		break;
	}
	case CW_GESTURE_RELEASE:
		if (k->map_panel >= 0)
			cw_inertia_start(&k->inertia, o->vx, o->vy);
		break;
	case CW_GESTURE_SWIPE:
		close_card(k, "swipe");
		if (k->wall && cw_wall_step(k->wall, o->dir))
			logf_state(k, "swipe %s", o->dir > 0 ? "next" : "previous");
		else
			logf_state(k, "swipe: no other scene");
		break;
	case CW_GESTURE_NONE: break;
	}
}

static void touch(struct cw_kiosk *k, enum cw_touch_kind kind, int64_t id, double x, double y,
                  double mono)
{
	struct cw_touch t = {kind, id, x, y, mono};
	bool on_map = false;
	if (kind == CW_TOUCH_DOWN && k->g.n == 0 && k->card == CW_KIOSK_CARD_NONE) {
		int index;
		struct cw_panel_map_info mi;
		on_map = map_at(k, x, y, &index, &mi);
		if (on_map)
			grab_map(k, index, &mi);
	}
	struct cw_gesture_out out[2];
	int n = cw_gesture_feed(&k->g, &t, on_map, out);
	for (int i = 0; i < n; i++)
		gesture(k, &out[i]);
}

static void activity(struct cw_kiosk *k, double mono)
{
	k->last_input = mono;
	k->idle_done = false;
	if (k->wall)
		cw_wall_hold(k->wall); /* the playlist waits while someone is here */
}

bool cw_kiosk_event(struct cw_kiosk *k, const SDL_Event *ev, int ox, int oy, double mono)
{
	int ww = 0, wh = 0;
	k->mono = mono;
	switch (ev->type) {
	case SDL_FINGERDOWN:
	case SDL_FINGERMOTION:
	case SDL_FINGERUP: {
		SDL_Window *win = SDL_GetWindowFromID(ev->tfinger.windowID);
		if (win)
			SDL_GetWindowSizeInPixels(win, &ww, &wh);
		else if (SDL_GetMouseFocus())
			SDL_GetWindowSizeInPixels(SDL_GetMouseFocus(), &ww, &wh);
		if (ww <= 0 || wh <= 0)
			return false;
		double x = ev->tfinger.x * ww + ox, y = ev->tfinger.y * wh + oy;
		activity(k, mono);
		touch(k, ev->type == SDL_FINGERDOWN   ? CW_TOUCH_DOWN
		         : ev->type == SDL_FINGERUP   ? CW_TOUCH_UP
		                                      : CW_TOUCH_MOVE,
		      (int64_t)ev->tfinger.fingerId, x, y, mono);
		return true;
	}
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
			return false;
		activity(k, mono);
		touch(k, ev->type == SDL_MOUSEBUTTONDOWN ? CW_TOUCH_DOWN : CW_TOUCH_UP, -1,
		      ev->button.x + ox, ev->button.y + oy, mono);
		return true;
	case SDL_MOUSEMOTION:
		if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK))
			return false;
		activity(k, mono);
		touch(k, CW_TOUCH_MOVE, -1, ev->motion.x + ox, ev->motion.y + oy, mono);
		return true;
	case SDL_MOUSEWHEEL: {
		if (ev->wheel.which == SDL_TOUCH_MOUSEID || ev->wheel.y == 0)
			return false;
		activity(k, mono);
		int mx, my, index;
		SDL_GetMouseState(&mx, &my);
		struct cw_panel_map_info mi;
		if (k->card != CW_KIOSK_CARD_NONE || !map_at(k, mx + ox, my + oy, &index, &mi))
			return true;
		grab_map(k, index, &mi);
		cw_map_pose_zoom(&k->pose, pow(1.25, ev->wheel.y), mx + ox - mi.map_at.x,
		                 my + oy - mi.map_at.y, mi.w, mi.h);
		apply_pose(k);
		logf_state(k, "view zoom %.2f pan %.0f,%.0f", k->pose.zoom, k->pose.pan_x,
		           k->pose.pan_y);
		return true;
	}
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		activity(k, mono); /* locked: keys do nothing but keep the kiosk awake */
		return false;
	default:
		return false;
	}
}

void cw_kiosk_update(struct cw_kiosk *k, const struct cw_snapshot *snap, double mono, double now)
{
	k->snap = snap;
	k->now = now;
	k->mono = mono;
	frame_of(k);
	double dt = k->last_update > 0 ? fmin(mono - k->last_update, 0.1) : 0;
	k->last_update = mono;
	if (cw_inertia_moving(&k->inertia)) {
		double dx, dy;
		if (cw_inertia_step(&k->inertia, dt, &dx, &dy)) {
			k->pose.pan_x += dx;
			k->pose.pan_y += dy;
			apply_pose(k);
		}
	}
	if (k->settle_due && mono - k->view_changed >= CW_KIOSK_SETTLE_S) {
		struct cw_panel *p = moved_panel(k);
		if (p)
			cw_panel_map_settle(p);
		k->settle_due = false;
	}
	if (k->gesture_active && k->g.n == 0 && !cw_inertia_moving(&k->inertia)) {
		k->gesture_active = false;
		logf_state(k, "view zoom %.2f pan %.0f,%.0f", k->pose.zoom, k->pose.pan_x,
		           k->pose.pan_y);
	}
	if (!k->idle_done && k->g.n == 0 && mono - k->last_input >= k->cfg.idle_s) {
		k->idle_done = true;
		close_card(k, "idle");
		reset_views(k);
		if (k->wall)
			cw_wall_resume(k->wall);
		logf_state(k, "idle reset");
	}
	const char *scene = k->wall ? cw_wall_scene(k->wall) : "";
	if (scene[0] && strcmp(scene, k->scene) != 0) {
		snprintf(k->scene, sizeof k->scene, "%s", scene);
		logf_state(k, "scene %s", scene);
	}
}

double cw_kiosk_next_wake(const struct cw_kiosk *k)
{
	/* a frame at 60 Hz while the map moves or waits for its full picture */
	struct cw_frame *f = k->wall ? cw_wall_frame(k->wall) : NULL;
	struct cw_panel *p = f && f == k->frame && k->map_panel >= 0 ? cw_frame_panel(f, k->map_panel)
	                                                             : NULL;
	if (cw_inertia_moving(&k->inertia) || (p && !k->settle_due && cw_panel_map_busy(p)))
		return k->last_update + 1.0 / CW_KIOSK_FPS;
	if (k->settle_due)
		return k->view_changed + CW_KIOSK_SETTLE_S;
	if (!k->idle_done)
		return k->last_input + k->cfg.idle_s;
	return 0;
}
