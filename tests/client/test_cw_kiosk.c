/* The kiosk's pure pieces (cw_kiosk.h): gesture recognition from finger events with
 * timestamps, inertia, the map view's limits, touch target sizes, and the district under a
 * point of the real Hefei map; and the controller moving a map of a wall (mouse events). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <SDL.h>

#include "cw_config.h"
#include "cw_feed.h"
#include "cw_kiosk_int.h"
#include "cw_present.h"
#include "cw_theme.h"
#include "cw_wall.h"
#include "ly_map.h"
#include "pr_json.h"

/* ---- gestures ---- */

static struct cw_gesture g;

static void setup(void)
{
	struct cw_gesture_params p;
	cw_gesture_params_default(&p, 34); /* 9 mm at 96 dpi */
	cw_gesture_init(&g, &p);
}

/* Feeds one touch and returns the kinds it produced, as a string of letters:
 * P press, C cancel, T tap, M pan (move), Z pinch (zoom), R release, S swipe. */
static struct cw_gesture_out last[2];
static const char *feed(enum cw_touch_kind kind, int64_t id, double x, double y, double t,
                        bool on_map)
{
	static char kinds[3];
	struct cw_touch tc = {kind, id, x, y, t};
	int n = cw_gesture_feed(&g, &tc, on_map, last);
	static const char letters[] = {[CW_GESTURE_NONE] = '-', [CW_GESTURE_PRESS] = 'P',
	                               [CW_GESTURE_CANCEL] = 'C', [CW_GESTURE_TAP] = 'T',
	                               [CW_GESTURE_PAN] = 'M', [CW_GESTURE_PINCH] = 'Z',
	                               [CW_GESTURE_RELEASE] = 'R', [CW_GESTURE_SWIPE] = 'S'};
	for (int i = 0; i < n; i++)
		kinds[i] = letters[last[i].kind];
	kinds[n] = '\0';
	return kinds;
}

TestSuite(gesture, .init = setup);

Test(gesture, tap_within_slop_and_time)
{
	cr_assert_str_eq(feed(CW_TOUCH_DOWN, 1, 500, 400, 10.00, true), "P");
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 503, 402, 10.05, true), ""); /* a wobble */
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 503, 402, 10.15, true), "T");
	cr_assert_eq(last[0].x, 500);
	cr_assert_eq(last[0].y, 400);
}

Test(gesture, long_press_is_no_tap)
{
	feed(CW_TOUCH_DOWN, 1, 500, 400, 10.0, false);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 500, 400, 11.5, false), "C");
}

Test(gesture, drag_on_map_pans_then_throws)
{
	feed(CW_TOUCH_DOWN, 1, 500, 400, 10.00, true);
	/* past the slop: the press is cancelled and the pan catches up with the whole move */
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 530, 400, 10.02, true), "CM");
	cr_assert_eq(last[1].dx, 30);
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 560, 410, 10.04, true), "M");
	cr_assert_eq(last[0].dx, 30);
	cr_assert_eq(last[0].dy, 10);
	for (int i = 3; i <= 8; i++)
		feed(CW_TOUCH_MOVE, 1, 500 + 30 * i, 400, 10 + 0.02 * i, true);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 740, 400, 10.17, true), "R");
	/* 30 px every 20 ms: 1500 px/s to the right */
	cr_assert(fabs(last[0].vx - 1500) < 150, "vx %f", last[0].vx);
	cr_assert(fabs(last[0].vy) < 100, "vy %f", last[0].vy);
}

Test(gesture, held_still_before_lifting_throws_nothing)
{
	feed(CW_TOUCH_DOWN, 1, 500, 400, 10.00, true);
	feed(CW_TOUCH_MOVE, 1, 600, 400, 10.05, true);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 600, 400, 10.60, true), "R");
	cr_assert_eq(last[0].vx, 0);
}

Test(gesture, fast_drag_off_the_map_swipes)
{
	feed(CW_TOUCH_DOWN, 1, 1500, 200, 10.00, false);
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 1400, 205, 10.05, false), "C");
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 1250, 210, 10.10, false), "");
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 1200, 210, 10.15, false), "S");
	cr_assert_eq(last[0].dir, 1); /* towards the left: the next scene */
}

Test(gesture, slow_or_short_drags_are_no_swipe)
{
	feed(CW_TOUCH_DOWN, 1, 1500, 200, 10.0, false);
	feed(CW_TOUCH_MOVE, 1, 1200, 200, 11.0, false);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 1200, 200, 12.0, false), ""); /* 150 px/s */
	feed(CW_TOUCH_DOWN, 1, 1500, 200, 20.0, false);
	feed(CW_TOUCH_MOVE, 1, 1450, 200, 20.02, false);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 1450, 200, 20.04, false), ""); /* 50 px */
	feed(CW_TOUCH_DOWN, 1, 1500, 200, 30.0, false);
	feed(CW_TOUCH_MOVE, 1, 1350, 400, 30.05, false);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 1300, 450, 30.1, false), ""); /* mostly down */
}

Test(gesture, drag_right_on_the_map_is_a_pan_not_a_swipe)
{
	feed(CW_TOUCH_DOWN, 1, 500, 400, 10.00, true);
	feed(CW_TOUCH_MOVE, 1, 700, 400, 10.05, true);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 800, 400, 10.10, true), "R");
}

Test(gesture, pinch_zooms_about_the_centre)
{
	cr_assert_str_eq(feed(CW_TOUCH_DOWN, 1, 400, 400, 10.00, true), "P");
	cr_assert_str_eq(feed(CW_TOUCH_DOWN, 2, 600, 400, 10.02, true), "C");
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 2, 800, 400, 10.10, true), "Z");
	cr_assert(fabs(last[0].scale - 2) < 1e-9); /* 200 px apart, then 400 */
	cr_assert_eq(last[0].x, 600);
	cr_assert_eq(last[0].y, 400);
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 600, 400, 10.15, true), "Z");
	cr_assert(fabs(last[0].scale - 0.5) < 1e-9);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 2, 800, 400, 10.3, true), ""); /* no swipe: it zoomed */
	/* the finger left down is part of the same gesture: no pan, no tap */
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 1, 300, 300, 10.35, true), "");
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 300, 300, 10.4, true), "");
	cr_assert_str_eq(feed(CW_TOUCH_DOWN, 3, 100, 100, 11, true), "P"); /* a new gesture */
}

Test(gesture, two_finger_swipe_also_on_the_map)
{
	feed(CW_TOUCH_DOWN, 1, 400, 400, 10.00, true);
	feed(CW_TOUCH_DOWN, 2, 500, 400, 10.01, true);
	feed(CW_TOUCH_MOVE, 1, 600, 400, 10.05, true);
	feed(CW_TOUCH_MOVE, 2, 700, 400, 10.06, true);
	cr_assert_str_eq(feed(CW_TOUCH_UP, 1, 650, 400, 10.08, true), "S");
	cr_assert_eq(last[0].dir, -1); /* towards the right: the previous scene */
	cr_assert_str_eq(feed(CW_TOUCH_UP, 2, 750, 400, 10.09, true), "");
}

Test(gesture, unknown_fingers_and_a_third_are_ignored)
{
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 9, 1, 1, 1, false), "");
	cr_assert_str_eq(feed(CW_TOUCH_UP, 9, 1, 1, 1, false), "");
	feed(CW_TOUCH_DOWN, 1, 400, 400, 10, true);
	feed(CW_TOUCH_DOWN, 2, 500, 400, 10, true);
	cr_assert_str_eq(feed(CW_TOUCH_DOWN, 3, 600, 400, 10, true), "");
	cr_assert_str_eq(feed(CW_TOUCH_MOVE, 3, 700, 400, 10.1, true), "");
}

/* ---- inertia ---- */

Test(inertia, decays_by_point_nine_a_frame)
{
	struct cw_inertia in;
	cw_inertia_start(&in, 600, -300);
	double dx, dy;
	cr_assert(cw_inertia_step(&in, 1.0 / 60, &dx, &dy));
	cr_assert(fabs(in.vx - 540) < 1e-9, "vx %f", in.vx);
	cr_assert(fabs(in.vy + 270) < 1e-9);
	/* the exact integral over a frame lies between the end and start speeds' distances */
	cr_assert(dx > 540 / 60.0 && dx < 600 / 60.0, "dx %f", dx);
	cr_assert(dy < 0);
	/* two half frames move as far as one whole */
	struct cw_inertia a, b;
	cw_inertia_start(&a, 1000, 0);
	cw_inertia_start(&b, 1000, 0);
	double d1, d2, d3, unused;
	cw_inertia_step(&a, 1.0 / 60, &d1, &unused);
	cw_inertia_step(&b, 0.5 / 60, &d2, &unused);
	cw_inertia_step(&b, 0.5 / 60, &d3, &unused);
	cr_assert(fabs(d1 - (d2 + d3)) < 1e-9);
}

Test(inertia, comes_to_rest_after_a_finite_throw)
{
	struct cw_inertia in;
	cw_inertia_start(&in, 2000, 0);
	double total = 0, dx, dy;
	int frames = 0;
	while (cw_inertia_step(&in, 1.0 / 60, &dx, &dy) && frames < 1000) {
		total += dx;
		frames++;
	}
	cr_assert(!cw_inertia_moving(&in));
	cr_assert(frames > 30 && frames < 120, "%d frames", frames);
	/* the whole throw: v0 / (60 ln(1/0.9)) = 316 px, less the tail below 8 px/s */
	cr_assert(total > 300 && total < 317, "total %f", total);
	cr_assert(!cw_inertia_step(&in, 1.0 / 60, &dx, &dy));
	cr_assert_eq(dx, 0);
}

Test(inertia, nonsense_velocity_does_not_move)
{
	struct cw_inertia in;
	cw_inertia_start(&in, NAN, INFINITY);
	cr_assert(!cw_inertia_moving(&in));
}

/* ---- the view's limits ---- */

static const double ext[4] = {100, 50, 700, 550}; /* the districts in an 800 x 600 map */

Test(pose, zoom_stays_within_one_to_eight)
{
	struct cw_map_pose v = {0, 0, 1};
	cw_map_pose_zoom(&v, 0.5, 400, 300, 800, 600);
	cr_assert_eq(v.zoom, 1);
	cw_map_pose_zoom(&v, 20, 400, 300, 800, 600);
	cr_assert_eq(v.zoom, 8);
	cw_map_pose_zoom(&v, NAN, 400, 300, 800, 600);
	cr_assert_eq(v.zoom, 8);
}

Test(pose, zoom_keeps_the_point_under_the_fingers)
{
	struct cw_map_pose v = {0, 0, 1};
	cw_map_pose_zoom(&v, 2, 600, 200, 800, 600);
	/* screen = c + z (p - c) + pan: the map point at (600, 200) is still at (600, 200) */
	cr_assert(fabs(400 + 2 * (600 - 400) + v.pan_x - 600) < 1e-9);
	cr_assert(fabs(300 + 2 * (200 - 300) + v.pan_y - 200) < 1e-9);
}

Test(pose, extent_stays_on_screen)
{
	/* zoom 1: the extent (smaller than the map) may not leave it */
	struct cw_map_pose v = {500, -400, 1};
	cr_assert_eq(cw_map_pose_clamp(&v, 800, 600, ext), 3);
	cr_assert_eq(v.pan_x, 100); /* its right edge at the map's */
	cr_assert_eq(v.pan_y, -50); /* its top edge at the map's */
	v = (struct cw_map_pose){10, -20, 1};
	cr_assert_eq(cw_map_pose_clamp(&v, 800, 600, ext), 0);
	cr_assert_eq(v.pan_x, 10);
	/* zoom 4: the extent is wider than the map and must cover it */
	v = (struct cw_map_pose){5000, 0, 4};
	cr_assert_eq(cw_map_pose_clamp(&v, 800, 600, ext), 1);
	double left = 400 + 4 * (100 - 400) + v.pan_x;
	cr_assert(fabs(left) < 1e-9, "left edge %f", left);
	v = (struct cw_map_pose){-5000, 0, 4};
	cw_map_pose_clamp(&v, 800, 600, ext);
	double right = 400 + 4 * (700 - 400) + v.pan_x;
	cr_assert(fabs(right - 800) < 1e-9, "right edge %f", right);
	v = (struct cw_map_pose){NAN, 0, 100};
	cw_map_pose_clamp(&v, 800, 600, ext);
	cr_assert_eq(v.zoom, 8);
	cr_assert(isfinite(v.pan_x));
}

/* ---- touch targets ---- */

Test(target, nine_mm_at_the_dpi)
{
	cr_assert(fabs(cw_kiosk_target_px(96, 9) - 34.0157) < 1e-3);
	cr_assert(fabs(cw_kiosk_target_px(160, 9) - 56.693) < 1e-2);
	cr_assert(fabs(cw_kiosk_target_px(254, 10) - 100) < 1e-9);
	/* unknown or absurd: 96 dpi */
	cr_assert_eq(cw_kiosk_target_px(0, 9), cw_kiosk_target_px(96, 9));
	cr_assert_eq(cw_kiosk_target_px(-1, 9), cw_kiosk_target_px(96, 9));
	cr_assert_eq(cw_kiosk_target_px(NAN, 9), cw_kiosk_target_px(96, 9));
	cr_assert_eq(cw_kiosk_target_px(20000, 9), cw_kiosk_target_px(96, 9));
}

/* ---- hit-testing through the real map ---- */

static struct ly_map *hefei(int *layer)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/assets/gis/hefei_districts.shp", getenv("CBWALL_DATADIR"));
	struct rd_err err;
	struct ly_layer *l = ly_layer_load(path, NULL, &err);
	cr_assert_not_null(l, "%s", err.msg);
	struct ly_map *map = ly_map_new(LY_PROJ_MERCATOR);
	struct ly_style st;
	ly_style_default(&st);
	snprintf(st.join_field, sizeof st.join_field, "adcode");
	*layer = ly_map_add_layer(map, l, &st, &err);
	cr_assert_geq(*layer, 0, "%s", err.msg);
	ly_map_fit(map, 900, 660, 12);
	return map;
}

Test(hit, a_point_in_yaohai_is_340102)
{
	int layer;
	struct ly_map *map = hefei(&layer);
	double x, y;
	char adcode[8];
	/* 瑶海区's centroid (districts.json) */
	ly_view_lonlat_to_screen(ly_map_view(map), 117.309546, 31.857917, &x, &y);
	cr_assert(cw_kiosk_district_at(map, layer, x, y, adcode, sizeof adcode));
	cr_assert_str_eq(adcode, "340102");
	/* 蜀山区, and a zoomed and panned view */
	struct ly_view v = *ly_map_view(map);
	ly_view_zoom(&v, 3, 450, 330);
	ly_view_pan(&v, -120, 40);
	ly_map_set_view(map, &v);
	ly_view_lonlat_to_screen(ly_map_view(map), 117.260521, 31.85124, &x, &y);
	cr_assert(cw_kiosk_district_at(map, layer, x, y, adcode, sizeof adcode));
	cr_assert_str_eq(adcode, "340104");
	ly_map_free(map);
}

Test(hit, outside_every_district_is_nothing)
{
	int layer;
	struct ly_map *map = hefei(&layer);
	double x, y;
	char adcode[8] = "";
	ly_view_lonlat_to_screen(ly_map_view(map), 118.5, 32.5, &x, &y); /* north-east of Hefei */
	cr_assert_not(cw_kiosk_district_at(map, layer, x, y, adcode, sizeof adcode));
	cr_assert_not(cw_kiosk_district_at(map, layer, 2, 2, adcode, sizeof adcode));
	cr_assert_not(cw_kiosk_district_at(map, -1, 450, 330, adcode, sizeof adcode));
	cr_assert_not(cw_kiosk_district_at(NULL, 0, 450, 330, adcode, sizeof adcode));
	ly_map_free(map);
}

/* ---- config ---- */

Test(config, kiosk_idle_s)
{
	struct cw_config c;
	cw_config_default(&c);
	cr_assert_eq(c.kiosk_idle_s, 90);
	char path[] = "/tmp/cbwall-kiosk-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("{\"kiosk_idle_s\": 3}", f);
	fclose(f);
	struct rd_err err;
	cr_assert_not(cw_config_load(path, &c, &err));
	cr_assert(strstr(err.msg, "kiosk_idle_s"), "%s", err.msg);
	f = fopen(path, "w");
	fputs("{\"kiosk_idle_s\": 45}", f);
	fclose(f);
	cr_assert(cw_config_load(path, &c, &err), "%s", err.msg);
	cr_assert_eq(c.kiosk_idle_s, 45);
	remove(path);
}

/* ---- the controller moving a map of the wall ---- */

struct kwall {
	struct rd_theme theme;
	struct cw_playlist pl;
	struct cw_snapshot *snap;
	struct cw_wall *wall;
	struct cw_presenter *out;
	struct cw_kiosk *k;
	int offset;
	double now, mono;
};

static void kwall_draw(struct kwall *w)
{
	struct rd_damage d;
	struct rd_err err;
	rd_damage_init(&d, 1920, 1080);
	cw_kiosk_update(w->k, w->snap, w->mono, w->now);
	cr_assert(cw_wall_draw(w->wall, w->out->ops->target(w->out), w->snap, w->now, &d, &err), "%s",
	          err.msg);
}

static void mouse(struct kwall *w, Uint32 type, double x, double y)
{
	SDL_Event e;
	memset(&e, 0, sizeof e);
	e.type = type;
	if (type == SDL_MOUSEMOTION) {
		e.motion.state = SDL_BUTTON_LMASK;
		e.motion.x = (int)x, e.motion.y = (int)y;
	} else {
		e.button.button = SDL_BUTTON_LEFT;
		e.button.x = (int)x, e.button.y = (int)y;
	}
	cr_assert(cw_kiosk_event(w->k, &e, 0, 0, w->mono));
}

/* Advances both clocks by one frame and draws. */
static void kwall_frame(struct kwall *w)
{
	w->mono += 1.0 / 60, w->now += 1.0 / 60;
	kwall_draw(w);
}

static struct cw_panel *kwall_map(struct kwall *w, struct cw_panel_map_info *mi)
{
	struct cw_frame *f = cw_wall_frame(w->wall);
	for (int i = 0; f && i < cw_frame_panel_count(f); i++)
		if (cw_panel_map_info(cw_frame_panel(f, i), mi))
			return cw_frame_panel(f, i);
	cr_assert_fail("no map on the wall");
	return NULL;
}

static struct cw_panel_map_stats kstats(struct cw_panel *p)
{
	struct cw_panel_map_stats st;
	cr_assert(cw_panel_map_stats(p, &st));
	return st;
}

/* A drag draws moved pictures of the map; a tap during it finds the district under the finger
 * in the view on screen; the view is settled (the full picture, made on the helper thread)
 * CW_KIOSK_SETTLE_S after it last changed, not before. */
Test(controller, a_drag_moves_the_map_s_picture_and_settles_when_it_rests)
{
	struct kwall w = {.mono = 100};
	struct rd_err err;
	int64_t now;
	cr_assert(pr_time_parse("2026-11-23T14:30:00+08:00", &now, &w.offset));
	w.now = (double)now;
	cr_assert(cw_theme_load("dark", &w.theme, &err), "%s", err.msg);
	cw_playlist_single(&w.pl, "city");
	char feed_url[4096];
	cr_assert(cw_feed_default_url(feed_url, sizeof feed_url, &err), "%s", err.msg);
	w.snap = cw_feed_read(feed_url, now, &err);
	cr_assert_not_null(w.snap, "%s", err.msg);
	struct cw_view v = {1920, 1080, 0, 0, 1920, 1080};
	w.wall = cw_wall_new(&w.pl, &w.theme, v, w.offset, &err);
	cr_assert_not_null(w.wall, "%s", err.msg);
	w.out = cw_present_image_new(1920, 1080);
	struct cw_kiosk_config kc = {.idle_s = 90, .dpi = 96, .utc_offset_min = w.offset};
	w.k = cw_kiosk_new(&kc);
	cw_kiosk_attach(w.k, w.wall, 1920, 1080);
	kwall_draw(&w);
	struct cw_panel_map_info mi;
	struct cw_panel *map = kwall_map(&w, &mi);
	cw_panel_map_set_view(map, 0, 0, 2); /* zoomed in: room to drag */
	kwall_frame(&w);
	struct cw_panel_map_stats st0 = kstats(map);

	/* press at the map's centre and drag 200 px left and 100 up over 20 frames */
	double x = mi.map_at.x + mi.w / 2.0, y = mi.map_at.y + mi.h / 2.0;
	mouse(&w, SDL_MOUSEBUTTONDOWN, x, y);
	for (int i = 1; i <= 20; i++) {
		mouse(&w, SDL_MOUSEMOTION, x - 10 * i, y - 5 * i);
		kwall_frame(&w);
	}
	double changed = w.mono - 1.0 / 60; /* the last motion */
	cr_assert(cw_panel_map_info(map, &mi));
	cr_expect(mi.pan_x < -40 && mi.pan_y < -80, "moved: pan %.0f,%.0f", mi.pan_x, mi.pan_y);
	cr_expect(cw_panel_map_busy(map));
	struct cw_panel_map_stats st = kstats(map);
	cr_expect_eq(st.renders, st0.renders, "no layer render on the render thread");
	cr_expect_geq(st.live_frames, 15);
	/* held still: not settled before CW_KIOSK_SETTLE_S */
	cr_expect_float_eq(cw_kiosk_next_wake(w.k), changed + CW_KIOSK_SETTLE_S, 1e-9);
	w.mono += 0.1; /* still, then lifted: no throw */
	mouse(&w, SDL_MOUSEBUTTONUP, x - 200, y - 100);
	/* a tap on a district (at the centre of its label, clear of alerts) where it is drawn
	 * now: the view is still interim */
	cr_assert(cw_panel_map_info(map, &mi));
	const struct ly_layer *l = ly_map_layer(mi.map, mi.district_layer);
	int field = ly_layer_field_index(l, "adcode"), target = -1;
	double tx = 0, ty = 0;
	for (int f = 0; f < ly_layer_count(l) && target < 0; f++) {
		double lon, lat, ax, ay, clear = INFINITY;
		cr_assert(ly_map_label_point(mi.map, mi.district_layer, f, &lon, &lat));
		ly_view_lonlat_to_screen(ly_map_view(mi.map), lon, lat, &tx, &ty);
		for (size_t a = 0; a < w.snap->alert_count; a++) {
			ly_view_lonlat_to_screen(ly_map_view(mi.map), w.snap->alerts[a].lon,
			                         w.snap->alerts[a].lat, &ax, &ay);
			clear = fmin(clear, hypot(ax - tx, ay - ty));
		}
		if (tx > 20 && ty > 20 && tx < mi.w - 20 && ty < mi.h - 20 && clear > 60)
			target = f;
	}
	cr_assert_geq(target, 0, "a district on screen");
	mouse(&w, SDL_MOUSEBUTTONDOWN, mi.map_at.x + tx, mi.map_at.y + ty);
	w.mono += 0.02;
	mouse(&w, SDL_MOUSEBUTTONUP, mi.map_at.x + tx, mi.map_at.y + ty);
	cr_expect_eq(w.k->card, CW_KIOSK_CARD_DISTRICT);
	cr_expect_str_eq(w.k->adcode, ly_layer_attr(l, target, field));
	cr_expect_lt(w.mono - changed, CW_KIOSK_SETTLE_S);
	/* the settle comes CW_KIOSK_SETTLE_S after the last change of the view */
	cr_expect(cw_panel_map_busy(map), "not settled at %.2f s", w.mono - changed);
	w.mono = changed + CW_KIOSK_SETTLE_S + 0.001;
	kwall_draw(&w);
	for (int i = 0; i < 4 && cw_panel_map_busy(map); i++) {
		cw_panel_map_wait(map);
		kwall_frame(&w);
	}
	cr_expect_not(cw_panel_map_busy(map), "settled");
	st = kstats(map);
	cr_expect_eq(st.renders, st0.renders, "the full picture was made on the helper thread");
	cr_expect_geq(st.helper_renders, 1);
	cr_expect_eq(cw_kiosk_next_wake(w.k), w.k->last_input + kc.idle_s, "nothing due but idle");
	cw_kiosk_free(w.k);
	cw_presenter_free(w.out);
	cw_wall_free(w.wall);
	cw_snapshot_unref(w.snap);
}
