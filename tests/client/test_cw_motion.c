/* What moves on a wall without anyone touching it: the alert ticker and its banner, the KPI
 * number roll, the stale marks. Each must be a function of the clock and the data only (so
 * tiles of a wall agree and snapshots are repeatable) and must stop asking for frames when
 * nothing moves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cw_frame.h"
#include "cw_kiosk.h"
#include "cw_panel.h"
#include "cw_present.h"
#include "cw_theme.h"
#include "ly_map.h"
#include "pr_json.h"
#include "rd_png.h"

static struct rd_theme theme;
static struct cw_scene scene;
static double t0;
static int utc_offset;

static struct cw_snapshot *fixture(void)
{
	struct rd_err err;
	char feed[4096];
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	struct cw_snapshot *s = cw_feed_read(feed, (int64_t)t0, &err);
	cr_assert_not_null(s, "%s", err.msg);
	return s;
}

/* A private copy of the fixture to change. */
static struct cw_snapshot *fixture_copy(void)
{
	struct cw_snapshot *f = fixture(), *d = cw_snapshot_dup(f);
	cw_snapshot_unref(f);
	return d;
}

static void setup(void)
{
	struct rd_err err;
	int64_t now;
	cr_assert(pr_time_parse("2026-11-23T14:30:00+08:00", &now, &utc_offset));
	t0 = (double)now;
	cr_assert(cw_theme_load("dark", &theme, &err), "%s", err.msg);
	cr_assert(cw_scene_load("city", &scene, &err), "%s", err.msg);
}

static struct cw_panel_ctx ctx(const struct cw_snapshot *snap, double now)
{
	return (struct cw_panel_ctx){.theme = &theme,
	                             .scene = &scene,
	                             .scale_h = 1080,
	                             .utc_offset_min = utc_offset,
	                             .now = now,
	                             .snap = snap};
}

static void ack_all_grade1(struct cw_snapshot *s)
{
	for (size_t i = 0; i < s->alert_count; i++)
		if (s->alerts[i].grade == 1)
			s->alerts[i].status = PR_ALERT_ACKED;
}

/* Draws a panel alone into a new surface of its size. */
static cairo_surface_t *draw_panel(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)p->rect.w,
	                                                (int)p->rect.h);
	cairo_t *cr = cairo_create(s);
	cairo_translate(cr, -p->rect.x, -p->rect.y);
	p->kind->draw(p, cr, c);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	return s;
}

static long pixels_differing(cairo_surface_t *a, cairo_surface_t *b)
{
	struct rd_diff d;
	struct rd_err err;
	cr_assert(rd_image_diff(a, b, &d, NULL, &err), "%s", err.msg);
	return d.changed;
}

TestSuite(motion, .init = setup);

Test(motion, the_ticker_scrolls_with_the_clock_and_tiles_agree)
{
	struct cw_snapshot *snap = fixture_copy();
	ack_all_grade1(snap);
	struct cw_panel a = {.kind = &cw_panel_ticker, .rect = {0, 0, 1800, 54}};
	struct cw_panel b = a;
	struct cw_panel_ctx c = ctx(snap, t0);
	a.kind->init(&a, &c);
	b.kind->init(&b, &c);
	uint64_t k0 = a.kind->key(&a, &c);
	cr_assert_eq(k0, b.kind->key(&b, &c), "two screens at the same clock show the same strip");
	double next = a.kind->next_change(&a, &c);
	cr_assert_gt(next, t0);
	cr_assert_lt(next, t0 + 0.05, "a scrolling strip steps many times a second");
	struct cw_panel_ctx later = ctx(snap, t0 + 0.5);
	cr_assert_neq(a.kind->key(&a, &later), k0, "half a second later it has moved");
	cairo_surface_t *p0 = draw_panel(&a, &c), *p1 = draw_panel(&a, &later);
	cr_assert_gt(pixels_differing(p0, p1), 100);
	cairo_surface_destroy(p0);
	cairo_surface_destroy(p1);
	a.kind->finish(&a);
	b.kind->finish(&b);
	cw_snapshot_unref(snap);
}

Test(motion, a_grade1_alert_takes_over_the_strip_until_acknowledged)
{
	struct cw_snapshot *snap = fixture();
	bool has_grade1 = false;
	for (size_t i = 0; i < snap->alert_count; i++)
		has_grade1 |= snap->alerts[i].grade == 1 && snap->alerts[i].status == PR_ALERT_NEW;
	cr_assert(has_grade1, "the demo fixture has an unacknowledged grade-1 alert");
	struct cw_snapshot *acked = cw_snapshot_dup(snap);
	ack_all_grade1(acked);
	struct cw_panel p = {.kind = &cw_panel_ticker, .rect = {0, 0, 1800, 54}};
	struct cw_panel_ctx c = ctx(snap, t0), ca = ctx(acked, t0);
	p.kind->init(&p, &c);
	cairo_surface_t *banner = draw_panel(&p, &c), *ticker = draw_panel(&p, &ca);
	/* the banner is a red band: its middle row is mostly red, the ticker's is not */
	cairo_surface_flush(banner);
	const uint32_t *px = (const uint32_t *)(void *)cairo_image_surface_get_data(banner);
	int stride = cairo_image_surface_get_stride(banner) / 4, red = 0;
	for (int x = 0; x < 1800; x++) {
		uint32_t v = px[27 * stride + x];
		red += ((v >> 16) & 0xff) > 2 * ((v >> 8) & 0xff) + 20;
	}
	cr_assert_gt(red, 900, "the banner is red (%d of 1800 pixels)", red);
	cr_assert_gt(pixels_differing(banner, ticker), 10000);
	double next = p.kind->next_change(&p, &c);
	cr_assert(next > t0 && next <= t0 + 0.2, "the banner pulses");
	cairo_surface_destroy(banner);
	cairo_surface_destroy(ticker);
	p.kind->finish(&p);
	cw_snapshot_unref(acked);
	cw_snapshot_unref(snap);
}

Test(motion, no_alerts_no_frames)
{
	struct cw_snapshot *snap = fixture_copy();
	snap->alert_count = 0;
	struct cw_panel p = {.kind = &cw_panel_ticker, .rect = {0, 0, 1800, 54}};
	struct cw_panel_ctx c = ctx(snap, t0);
	p.kind->init(&p, &c);
	uint64_t k = p.kind->key(&p, &c);
	cr_assert_eq(p.kind->next_change(&p, &c), 0, "an empty strip never asks for a frame");
	struct cw_panel_ctx later = ctx(snap, t0 + 7.3);
	cr_assert_eq(p.kind->key(&p, &later), k);
	cairo_surface_destroy(draw_panel(&p, &c));
	p.kind->finish(&p);
	cw_snapshot_unref(snap);
}

Test(motion, a_changed_kpi_rolls_to_its_new_value_then_rests)
{
	const struct cw_panel_def *def = NULL;
	const struct cw_layout_def *lay = cw_scene_layout(&scene, 1920, 1080);
	for (int i = 0; i < lay->panel_count; i++)
		if (lay->panels[i].type == CW_PANEL_KPI && strcmp(lay->panels[i].metric, "aqi") == 0)
			def = &lay->panels[i];
	cr_assert_not_null(def, "the city scene has an AQI card");
	struct cw_snapshot *before = fixture();
	struct cw_snapshot *after = cw_snapshot_dup(before);
	struct pr_metric *aqi = (struct pr_metric *)pr_metrics_find(&after->metrics, "aqi");
	cr_assert_not_null(aqi);
	aqi->value += 40;

	struct cw_panel p = {.kind = &cw_panel_kpi, .def = def, .rect = {0, 0, 420, 200}};
	struct cw_panel_ctx c = ctx(before, t0);
	p.kind->init(&p, &c);
	p.kind->key(&p, &c);
	cr_assert_eq(p.kind->next_change(&p, &c), 0, "the first value does not roll");

	struct cw_panel_ctx c1 = ctx(after, t0 + 1);
	uint64_t k1 = p.kind->key(&p, &c1);
	double next = p.kind->next_change(&p, &c1);
	cr_assert(next > t0 + 1 && next < t0 + 1.1, "rolling: next frame soon (%f)", next - t0);
	struct cw_panel_ctx mid = ctx(after, t0 + 1.3), end = ctx(after, t0 + 3);
	cr_assert_neq(p.kind->key(&p, &mid), k1);
	cairo_surface_t *rolling = draw_panel(&p, &mid), *rested = draw_panel(&p, &end);
	cr_assert_eq(p.kind->next_change(&p, &end), 0, "at rest again");

	/* at rest the card is exactly what a fresh card with the new value draws */
	struct cw_panel fresh = {.kind = &cw_panel_kpi, .def = def, .rect = p.rect};
	fresh.kind->init(&fresh, &end);
	cairo_surface_t *direct = draw_panel(&fresh, &end);
	cr_assert_eq(pixels_differing(rested, direct), 0);
	cr_assert_gt(pixels_differing(rolling, direct), 0, "mid-roll shows a value in between");
	cairo_surface_destroy(rolling);
	cairo_surface_destroy(rested);
	cairo_surface_destroy(direct);
	fresh.kind->finish(&fresh);
	p.kind->finish(&p);
	cw_snapshot_unref(after);
	cw_snapshot_unref(before);
}

Test(motion, panels_of_a_failed_source_carry_a_stale_mark)
{
	struct cw_snapshot *ok = fixture();
	struct cw_snapshot *down = cw_snapshot_dup(ok);
	down->live = true;
	down->conn = CW_CONN_DOWN;
	down->down_since = (int64_t)t0 - 300;
	down->src[CW_SRC_METRICS].failed = true;
	down->src[CW_SRC_METRICS].fetched_at = (int64_t)t0 - 320;
	struct cw_view v = {1920, 1080, 0, 0, 1920, 1080};
	struct cw_frame *fa = cw_frame_new(&scene, &theme, v, utc_offset);
	struct cw_frame *fb = cw_frame_new(&scene, &theme, v, utc_offset);
	struct cw_presenter *a = cw_present_image_new(1920, 1080), *b = cw_present_image_new(1920, 1080);
	struct rd_damage d;
	struct rd_err err;
	rd_damage_init(&d, 1920, 1080);
	cr_assert(cw_frame_draw(fa, a->ops->target(a), ok, t0, &d, &err), "%s", err.msg);
	cr_assert(cw_frame_draw(fb, b->ops->target(b), down, t0, &d, &err), "%s", err.msg);
	cr_assert_gt(pixels_differing(a->ops->target(a), b->ops->target(b)), 5000);
	char text[64];
	cw_snapshot_age_text(down, CW_SRC_METRICS, (int64_t)t0, text, sizeof text);
	cr_assert_str_eq(text, "数据更新于 5 分钟前");
	/* a minute later the marks say so: the frame redraws them by itself */
	rd_damage_clear(&d);
	cr_assert(cw_frame_draw(fb, b->ops->target(b), down, t0 + 60, &d, &err), "%s", err.msg);
	cr_assert_gt(rd_damage_area(&d), 1920 * 1080 / 4, "every metrics panel redrawn");
	cw_presenter_free(a);
	cw_presenter_free(b);
	cw_frame_free(fa);
	cw_frame_free(fb);
	cw_snapshot_unref(down);
	cw_snapshot_unref(ok);
}

/* A tap on the ticker (the kiosk's "tap an alert to see its detail"): the item under the
 * finger is the one drawn there, however far the strip has moved. */
Test(motion, a_tap_on_the_ticker_finds_the_alert_drawn_there)
{
	struct cw_snapshot *snap = fixture_copy();
	ack_all_grade1(snap);
	struct cw_panel p = {.kind = &cw_panel_ticker, .rect = {0, 600, 1800, 54}};
	struct cw_panel_ctx c = ctx(snap, t0), later = ctx(snap, t0 + 1);
	p.kind->init(&p, &c);
	cr_expect_null(cw_panel_ticker_alert_at(&p, &c, 5, 627, 0), "the label is no alert");
	cr_expect_null(cw_panel_ticker_alert_at(&p, &c, 900, 500, 0), "above the strip");
	/* one second later the strip has moved 110 px (its speed at 1080 px) to the left */
	int found = 0, order_ok = 0;
	const struct pr_alert *prev = NULL;
	for (int x = 0; x < 1800; x++) {
		const struct pr_alert *a = cw_panel_ticker_alert_at(&p, &later, x, 627, 0);
		if (x >= 400 && x + 110 < 1200) /* well inside the scroll window */
			cr_assert_eq(a, cw_panel_ticker_alert_at(&p, &c, x + 110, 627, 0), "at x %d", x);
		if (!a || a == prev)
			continue;
		cr_assert(a->status != PR_ALERT_RESOLVED, "%s is shown", a->id);
		/* items follow the alerts' screen order, the strip repeating */
		if (prev) {
			size_t ia = (size_t)(a - snap->alerts), ip = (size_t)(prev - snap->alerts);
			order_ok += ia > ip || ia < 3;
		}
		prev = a;
		found++;
	}
	cr_expect_geq(found, 3, "a 1800 px strip shows several alerts, found %d", found);
	cr_expect_eq(order_ok, found - 1, "in screen order");
	/* a finger's slop reaches an item from the gap beside it */
	int gap_hits = 0;
	for (int x = 300; x < 1500; x++)
		if (!cw_panel_ticker_alert_at(&p, &c, x, 627, 0))
			gap_hits += cw_panel_ticker_alert_at(&p, &c, x, 627, 40) != NULL;
	cr_expect_gt(gap_hits, 0, "slop counts");
	p.kind->finish(&p);

	/* while a grade-1 alert is unacknowledged the strip is its banner: all of it opens it */
	struct cw_snapshot *raw = fixture();
	struct cw_panel_ctx cb = ctx(raw, t0);
	p.kind->init(&p, &cb);
	const struct pr_alert *b = cw_panel_ticker_alert_at(&p, &cb, 5, 627, 0);
	cr_assert_not_null(b);
	cr_expect_eq(b->grade, 1);
	cr_expect_eq(cw_panel_ticker_alert_at(&p, &cb, 1700, 640, 0), b);
	p.kind->finish(&p);
	cw_snapshot_unref(raw);
	cw_snapshot_unref(snap);
}

/* ---- a map moved by a gesture (cw_panel_map_move) ---- */

struct moving {
	struct cw_snapshot *snap;
	struct cw_frame *frame;
	struct cw_presenter *out;
	struct cw_panel *map;
	double now;
};

static void moving_draw(struct moving *m)
{
	struct rd_damage d;
	struct rd_err err;
	rd_damage_init(&d, 1920, 1080);
	cr_assert(cw_frame_draw(m->frame, m->out->ops->target(m->out), m->snap, m->now, &d, &err),
	          "%s", err.msg);
	m->now += 1.0 / 60;
}

/* The city scene at 1920x1080, drawn once, and its map panel. */
static void moving_init(struct moving *m)
{
	struct cw_view v = {1920, 1080, 0, 0, 1920, 1080};
	m->snap = fixture();
	m->frame = cw_frame_new(&scene, &theme, v, utc_offset);
	m->out = cw_present_image_new(1920, 1080);
	m->now = t0;
	m->map = NULL;
	for (int i = 0; i < cw_frame_panel_count(m->frame); i++)
		if (cw_frame_panel(m->frame, i)->kind == &cw_panel_map)
			m->map = cw_frame_panel(m->frame, i);
	cr_assert_not_null(m->map);
	moving_draw(m);
}

static void moving_finish(struct moving *m)
{
	cw_presenter_free(m->out);
	cw_frame_free(m->frame);
	cw_snapshot_unref(m->snap);
}

/* Frames until the settled picture is on screen (a picture for an earlier view may be in
 * the works when the settle comes: the panel then asks for another); the last one at the
 * clock of the frame before. */
static void settle(struct moving *m)
{
	for (int i = 0; i < 4 && cw_panel_map_busy(m->map); i++) {
		moving_draw(m);
		cw_panel_map_wait(m->map);
	}
	m->now -= 1.0 / 60;
	moving_draw(m);
}

static struct cw_panel_map_stats map_stats(struct cw_panel *p)
{
	struct cw_panel_map_stats st;
	cr_assert(cw_panel_map_stats(p, &st));
	return st;
}

/* The map panel's pixels of a frame's picture. */
static cairo_surface_t *panel_pixels(cairo_surface_t *frame, struct rd_rect r)
{
	struct rd_irect b = rd_rect_outer(r);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, b.w, b.h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_surface(cr, frame, -b.x, -b.y);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	return s;
}

/* A pinch to 1.8x with a drag: every frame of it draws the last full picture moved and
 * scaled, and the render thread renders no layers. */
Test(motion, a_gesture_moves_the_map_s_picture_without_rendering_its_layers)
{
	struct moving m;
	moving_init(&m);
	struct cw_panel_map_stats st0 = map_stats(m.map);
	cr_assert_eq(st0.renders, 1, "the first picture renders the layers once");
	for (int i = 1; i <= 40; i++) {
		cw_panel_map_move(m.map, -3 * i, -2 * i, 1 + 0.02 * i);
		cr_assert(cw_panel_map_busy(m.map));
		moving_draw(&m);
	}
	struct cw_panel_map_stats st = map_stats(m.map);
	cr_expect_eq(st.renders, st0.renders, "no layer render on the render thread");
	cr_expect_eq(st.live_frames, 40, "every interim view drawn from a moved picture");
	/* the map's view is the new one for whoever asks (hit-testing) */
	struct cw_panel_map_info mi;
	cr_assert(cw_panel_map_info(m.map, &mi));
	cr_expect_eq(mi.pan_x, -120);
	cr_expect_eq(mi.pan_y, -80);
	cr_expect_float_eq(mi.zoom, 1.8, 1e-9);
	moving_finish(&m);
}

/* A frame that draws every panel has the map's layers rendered on the helper thread while it
 * draws the others; a full frame again with the same data renders none (the values set again
 * are the same), and the pixels are those of the first. */
Test(motion, a_full_frame_renders_the_map_layers_on_the_helper_once)
{
	struct moving m;
	moving_init(&m);
	struct cw_panel_map_stats st = map_stats(m.map);
	cr_expect_eq(st.renders, 1);
	cr_expect_eq(st.prepared, getenv("CBWALL_MAP_SYNC") ? 0 : 1,
	             "the first frame's layers were made on the helper");
	cairo_surface_t *first = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	cw_frame_invalidate(m.frame);
	m.now -= 1.0 / 60; /* the same clock: the same ripples */
	moving_draw(&m);
	st = map_stats(m.map);
	cr_expect_eq(st.renders, 1, "the same data again: no layer render");
	cairo_surface_t *again = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	cr_expect_eq(pixels_differing(first, again), 0);
	cairo_surface_destroy(first);
	cairo_surface_destroy(again);
	moving_finish(&m);
}

/* After the settle the panel shows the full picture of its view: the one a panel set to that
 * view draws (made on the helper thread, so still no layer render here). */
Test(motion, after_the_settle_the_map_is_a_fresh_render_of_its_view)
{
	struct moving m;
	moving_init(&m);
	struct cw_panel_map_stats st0 = map_stats(m.map);
	for (int i = 1; i <= 30; i++) {
		cw_panel_map_move(m.map, -5 * i, 3 * i, 1 + 0.04 * i); /* past 2x: a sharper picture */
		moving_draw(&m);
	}
	cw_panel_map_settle(m.map);
	settle(&m);
	cr_expect_not(cw_panel_map_busy(m.map), "settled");
	struct cw_panel_map_stats st = map_stats(m.map);
	cr_expect_eq(st.renders, st0.renders, "rendered on the helper thread");
	cr_expect_geq(st.helper_renders, 1);

	struct moving fresh;
	moving_init(&fresh);
	cw_panel_map_set_view(fresh.map, -150, 90, 2.2);
	fresh.now = m.now - 1.0 / 60;
	moving_draw(&fresh);
	cairo_surface_t *a = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	cairo_surface_t *b = panel_pixels(fresh.out->ops->target(fresh.out), fresh.map->rect);
	struct rd_diff d;
	struct rd_err err;
	cr_assert(rd_image_diff(b, a, &d, NULL, &err), "%s", err.msg);
	cr_expect(rd_diff_within(&d, RD_GOLDEN_TOLERANCE, cairo_image_surface_get_width(a),
	                         cairo_image_surface_get_height(a)),
	          "%ld pixels differ, by up to %d, first at %d,%d", d.changed, d.max_delta, d.first_x,
	          d.first_y);
	cr_expect_eq(d.changed, 0, "the same pixels");
	if (d.changed) {
		rd_png_write(a, "/tmp/settled.png", &err);
		rd_png_write(b, "/tmp/fresh.png", &err);
	}
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	moving_finish(&fresh);
	moving_finish(&m);
}

/* A tap during the gesture finds the district drawn under the finger, at the view on screen
 * (not the one the moved picture was rendered at). */
Test(motion, hit_testing_during_a_gesture_uses_the_view_on_screen)
{
	struct moving m;
	moving_init(&m);
	struct cw_panel_map_info mi;
	cr_assert(cw_panel_map_info(m.map, &mi));
	struct ly_view before = *ly_map_view(mi.map);
	cw_panel_map_move(m.map, -260, 120, 2.5);
	moving_draw(&m);
	cr_assert(cw_panel_map_busy(m.map), "the view is interim");
	cr_assert(cw_panel_map_info(m.map, &mi));
	/* the view on screen: the fitted one zoomed about the centre, then moved */
	struct ly_view want = before;
	ly_view_zoom(&want, 2.5, want.w / 2.0, want.h / 2.0);
	ly_view_pan(&want, -260, 120);
	cr_assert(ly_view_equal(ly_map_view(mi.map), &want));
	/* 瑶海区's centroid, where it is drawn now and where it was */
	double x, y, bx, by;
	ly_view_lonlat_to_screen(&want, 117.309546, 31.857917, &x, &y);
	ly_view_lonlat_to_screen(&before, 117.309546, 31.857917, &bx, &by);
	cr_assert_gt(hypot(x - bx, y - by), 100, "far from where the old picture had it");
	char adcode[8];
	cr_assert(cw_kiosk_district_at(mi.map, mi.district_layer, x, y, adcode, sizeof adcode));
	cr_expect_str_eq(adcode, "340102");
	/* the same after the settle, when the helper's map has become the panel's */
	cw_panel_map_settle(m.map);
	settle(&m);
	cr_assert_not(cw_panel_map_busy(m.map));
	cr_assert(cw_panel_map_info(m.map, &mi));
	cr_assert(ly_view_equal(ly_map_view(mi.map), &want));
	cr_assert(cw_kiosk_district_at(mi.map, mi.district_layer, x, y, adcode, sizeof adcode));
	cr_expect_str_eq(adcode, "340102");
	moving_finish(&m);
}

/* The kiosk's idle reset puts the map back at its overview: what motion kept goes, and the
 * picture is the one of a map never touched. */
Test(motion, back_at_the_overview_the_map_is_as_it_was)
{
	struct moving m;
	moving_init(&m);
	cairo_surface_t *before = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	for (int i = 1; i <= 20; i++) {
		cw_panel_map_move(m.map, 8 * i, -4 * i, 1 + 0.05 * i);
		moving_draw(&m);
	}
	cw_panel_map_settle(m.map);
	settle(&m);
	cw_panel_map_set_view(m.map, 0, 0, 1);
	cr_expect_not(cw_panel_map_busy(m.map));
	m.now = t0;
	moving_draw(&m);
	cairo_surface_t *after = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	cr_expect_eq(pixels_differing(before, after), 0);
	/* and a new gesture moves it again */
	cw_panel_map_move(m.map, -30, 0, 1.2);
	moving_draw(&m);
	cr_expect(cw_panel_map_busy(m.map));
	cairo_surface_t *moved = panel_pixels(m.out->ops->target(m.out), m.map->rect);
	cr_expect_gt(pixels_differing(before, moved), 1000);
	cairo_surface_destroy(before);
	cairo_surface_destroy(after);
	cairo_surface_destroy(moved);
	moving_finish(&m);
}

/* Without a helper thread (CBWALL_MAP_SYNC) the full picture is made on the render thread,
 * the same picture. */
Test(motion, without_a_helper_the_settle_renders_here)
{
	setenv("CBWALL_MAP_SYNC", "1", 1);
	struct moving m;
	moving_init(&m);
	struct cw_panel_map_stats st0 = map_stats(m.map);
	cw_panel_map_move(m.map, -100, -40, 1.5);
	moving_draw(&m);
	cw_panel_map_move(m.map, -120, -40, 1.6);
	moving_draw(&m);
	cr_expect_geq(map_stats(m.map).live_frames, 1);
	cw_panel_map_settle(m.map);
	moving_draw(&m);
	moving_draw(&m);
	cr_expect_not(cw_panel_map_busy(m.map));
	struct cw_panel_map_stats st = map_stats(m.map);
	cr_expect_eq(st.helper_renders, 0);
	cr_expect_gt(st.renders, st0.renders);
	moving_finish(&m);
	unsetenv("CBWALL_MAP_SYNC");
}
