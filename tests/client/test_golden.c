/* Screenshot-diff tests: scene + fixture feed + fixed clock + size + theme, rendered through
 * the same frame code as the window, compared with tests/golden/NAME.png (rd_golden_check:
 * exact first, then the tolerance documented in docs/testing.md). Regenerate with
 * tests/update-goldens and review the pictures before committing them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "cw_frame.h"
#include "cw_i18n.h"
#include "cw_opts.h"
#include "cw_playlist.h"
#include "cw_present.h"
#include "cw_scene.h"
#include "cw_snapshot.h"
#include "cw_theme.h"
#include "cw_wall.h"
#include "pr_json.h"
#include "rd_png.h"

enum variant {
	AS_FED,       /* the fixture feed as it is */
	BACKEND_DOWN, /* the same data, but cbwalld stopped answering 5 minutes ago */
	GRADE1_ACKED, /* the grade-1 alert acknowledged: the ticker scrolls instead of the banner */
	ENGLISH,      /* as fed, with "language": "en" (config/i18n/en.json) */
};

struct golden_case {
	char name[48];
	char scene[16];
	char theme[16];
	int w, h;
	enum variant variant;
};

static const char clock_iso[] = "2026-11-23T14:30:00+08:00";

/* The fixture snapshot changed the way the variant says (a private copy; snap is released). */
static struct cw_snapshot *make_variant(struct cw_snapshot *snap, enum variant v, int64_t now)
{
	if (v == AS_FED)
		return snap;
	struct cw_snapshot *d = cw_snapshot_dup(snap);
	cw_snapshot_unref(snap);
	if (v == BACKEND_DOWN) {
		d->live = true;
		d->conn = CW_CONN_DOWN;
		d->down_since = now - 5 * 60;
		snprintf(d->conn_error, sizeof d->conn_error,
		         "http://127.0.0.1:8640/api/v1/metrics: Connection refused");
		for (int s = 0; s < CW_SRC_COUNT; s++) {
			d->src[s].failed = true;
			d->src[s].failed_since = d->down_since;
			d->src[s].fetched_at = d->down_since - 20;
			d->src[s].stale_after = 30;
			snprintf(d->src[s].error, sizeof d->src[s].error, "%s", d->conn_error);
		}
	} else if (v == GRADE1_ACKED) {
		for (size_t i = 0; i < d->alert_count; i++)
			if (d->alerts[i].grade == 1 && d->alerts[i].status == PR_ALERT_NEW) {
				d->alerts[i].status = PR_ALERT_ACKED;
				d->alerts[i].acked_at = now - 60;
				snprintf(d->alerts[i].acked_by, sizeof d->alerts[i].acked_by, "王伟");
			}
	}
	return d;
}

/* Renders one case into a new ARGB32 surface. */
static cairo_surface_t *render_case(const struct golden_case *c)
{
	struct rd_theme theme;
	struct cw_scene scene;
	struct rd_err err;
	char feed[4096];
	int64_t now;
	int offset;
	cr_assert(pr_time_parse(clock_iso, &now, &offset));
	cr_assert(cw_theme_load(c->theme, &theme, &err), "%s", err.msg);
	cr_assert(cw_scene_load(c->scene, &scene, &err), "%s", err.msg);
	cr_assert(cw_i18n_use(c->variant == ENGLISH ? "en" : "zh", &err), "%s", err.msg);
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	cr_assert_not_null(snap, "%s", err.msg);
	snap = make_variant(snap, c->variant, now);
	struct cw_view view = {c->w, c->h, 0, 0, c->w, c->h};
	struct cw_frame *frame = cw_frame_new(&scene, &theme, view, offset);
	struct cw_presenter *out = cw_present_image_new(c->w, c->h);
	struct rd_damage damage;
	rd_damage_init(&damage, c->w, c->h);
	cr_assert(cw_frame_draw(frame, out->ops->target(out), snap, now, &damage, &err), "%s",
	          err.msg);
	cairo_surface_t *s = cairo_surface_reference(out->ops->target(out));
	cw_presenter_free(out);
	cw_frame_free(frame);
	cw_snapshot_unref(snap);
	cw_i18n_use("zh", &err);
	return s;
}

ParameterizedTestParameters(golden, scenes)
{
	static struct golden_case cases[] = {
	    {"city_1920x1080_dark", "city", "dark", 1920, 1080, AS_FED},
	    {"city_3840x2160_dark", "city", "dark", 3840, 2160, AS_FED},
	    {"city_7680x2160_dark", "city", "dark", 7680, 2160, AS_FED},
	    {"city_1920x1080_high-contrast", "city", "high-contrast", 1920, 1080, AS_FED},
	    {"city_3840x2160_high-contrast", "city", "high-contrast", 3840, 2160, AS_FED},
	    {"city_7680x2160_high-contrast", "city", "high-contrast", 7680, 2160, AS_FED},
	    {"city_1080x1920_dark", "city", "dark", 1080, 1920, AS_FED},
	    {"city_1920x1080_backend-down", "city", "dark", 1920, 1080, BACKEND_DOWN},
	    {"city_1920x1080_ticker", "city", "dark", 1920, 1080, GRADE1_ACKED},
	    {"city_1920x1080_en", "city", "dark", 1920, 1080, ENGLISH},
	    {"industry_1920x1080_en", "industry", "dark", 1920, 1080, ENGLISH},
	    {"industry_1920x1080_dark", "industry", "dark", 1920, 1080, AS_FED},
	    {"industry_3840x2160_dark", "industry", "dark", 3840, 2160, AS_FED},
	    {"industry_7680x2160_dark", "industry", "dark", 7680, 2160, AS_FED},
	    {"industry_1080x1920_dark", "industry", "dark", 1080, 1920, AS_FED},
	    {"industry_1920x1080_high-contrast", "industry", "high-contrast", 1920, 1080, AS_FED},
	    {"governance_1920x1080_dark", "governance", "dark", 1920, 1080, AS_FED},
	    {"governance_3840x2160_dark", "governance", "dark", 3840, 2160, AS_FED},
	    {"governance_7680x2160_dark", "governance", "dark", 7680, 2160, AS_FED},
	    {"governance_1080x1920_dark", "governance", "dark", 1080, 1920, AS_FED},
	    {"governance_1920x1080_high-contrast", "governance", "high-contrast", 1920, 1080, AS_FED},
	};
	return cr_make_param_array(struct golden_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct golden_case *c, golden, scenes, .timeout = 300)
{
	const char *src = getenv("TEST_SRC"), *out = getenv("TEST_OUT");
	cr_assert_not_null(src, "TEST_SRC is set by ctest");
	char golden[4096];
	snprintf(golden, sizeof golden, "%s/golden/%s.png", src, c->name);
	mkdir(out, 0755);
	cairo_surface_t *s = render_case(c);
	struct rd_err err;
	bool ok = rd_golden_check(s, golden, out, c->name, &err);
	cairo_surface_destroy(s);
	cr_assert(ok, "%s", err.msg);
}

Test(golden, incremental_frames_equal_a_full_redraw)
{
	/* The window redraws only what changed; after the clock moves on, the picture must be
	 * the same as a fresh full frame at the new time. */
	struct golden_case c = {"incremental", "city", "dark", 1280, 720, AS_FED};
	struct rd_theme theme;
	struct cw_scene scene;
	struct rd_err err;
	char feed[4096];
	int64_t now;
	int offset;
	pr_time_parse(clock_iso, &now, &offset);
	cw_theme_load(c.theme, &theme, &err);
	cw_scene_load(c.scene, &scene, &err);
	cw_feed_default_url(feed, sizeof feed, &err);
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	struct cw_view view = {c.w, c.h, 0, 0, c.w, c.h};
	struct cw_frame *inc = cw_frame_new(&scene, &theme, view, offset);
	struct cw_frame *full = cw_frame_new(&scene, &theme, view, offset);
	struct cw_presenter *a = cw_present_image_new(c.w, c.h), *b = cw_present_image_new(c.w, c.h);
	struct rd_damage d;
	rd_damage_init(&d, c.w, c.h);
	cr_assert(cw_frame_draw(inc, a->ops->target(a), snap, now, &d, &err));
	cr_assert_eq(d.count, 1, "the first frame damages everything");
	rd_damage_clear(&d);
	cr_assert(cw_frame_draw(inc, a->ops->target(a), snap, now, &d, &err));
	cr_assert_eq(d.count, 0, "nothing changed, nothing drawn");
	cr_assert(cw_frame_draw(inc, a->ops->target(a), snap, now + 61, &d, &err));
	/* the clock, the alert banner's pulse, animated map overlays: small parts of the screen */
	cr_assert_geq(d.count, 1);
	cr_assert_lt(rd_damage_area(&d), c.w * c.h / 3);
	rd_damage_clear(&d);
	cr_assert(cw_frame_draw(full, b->ops->target(b), snap, now + 61, &d, &err));
	struct rd_diff diff;
	cr_assert(rd_image_diff(b->ops->target(b), a->ops->target(a), &diff, NULL, &err));
	cr_assert_eq(diff.changed, 0, "%ld pixels differ, first at (%d,%d)", diff.changed,
	             diff.first_x, diff.first_y);
	cw_presenter_free(a);
	cw_presenter_free(b);
	cw_frame_free(inc);
	cw_frame_free(full);
	cw_snapshot_unref(snap);
}

Test(golden, four_tiles_equal_the_whole_canvas, .timeout = 120)
{
	/* A wall driven by several PCs: each renders its viewport of the canvas; side by side
	 * the tiles must be the whole-canvas picture. */
	const int W = 1920, H = 1080;
	struct rd_theme theme;
	struct cw_scene scene;
	struct rd_err err;
	char feed[4096];
	int64_t now;
	int offset;
	pr_time_parse(clock_iso, &now, &offset);
	cr_assert(cw_theme_load("dark", &theme, &err));
	cr_assert(cw_scene_load("city", &scene, &err));
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err));
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	struct cw_frame *whole = cw_frame_new(&scene, &theme, (struct cw_view){W, H, 0, 0, W, H}, offset);
	struct cw_presenter *wp = cw_present_image_new(W, H);
	struct rd_damage d;
	rd_damage_init(&d, W, H);
	cr_assert(cw_frame_draw(whole, wp->ops->target(wp), snap, now, &d, &err), "%s", err.msg);
	cairo_surface_t *all = wp->ops->target(wp);
	for (int t = 0; t < 4; t++) {
		int x = (t % 2) * W / 2, y = (t / 2) * H / 2;
		struct cw_view v = {W, H, x, y, W / 2, H / 2};
		struct cw_frame *tile = cw_frame_new(&scene, &theme, v, offset);
		struct cw_presenter *tp = cw_present_image_new(W / 2, H / 2);
		rd_damage_init(&d, W / 2, H / 2);
		cr_assert(cw_frame_draw(tile, tp->ops->target(tp), snap, now, &d, &err), "%s", err.msg);
		cairo_surface_t *crop = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W / 2, H / 2);
		cairo_t *cr = cairo_create(crop);
		cairo_set_source_surface(cr, all, -x, -y);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_destroy(cr);
		struct rd_diff diff;
		cr_assert(rd_image_diff(crop, tp->ops->target(tp), &diff, NULL, &err));
		/* Cairo clips curves to the surface before rasterizing, so a handful of antialiased
		 * pixels of shapes crossing a tile edge may differ by a few levels: allow that much. */
		cr_assert(rd_diff_within(&diff, (struct rd_tolerance){8, 500}, W / 2, H / 2),
		          "tile %d: %ld pixels differ, first at (%d,%d) max delta %d", t, diff.changed,
		          diff.first_x, diff.first_y, diff.max_delta);
		cairo_surface_destroy(crop);
		cw_presenter_free(tp);
		cw_frame_free(tile);
	}
	cw_presenter_free(wp);
	cw_frame_free(whole);
	cw_snapshot_unref(snap);
}

Test(golden, bezel_tiles_show_the_picture_behind_the_frames_hidden, .timeout = 120)
{
	/* Two 960x540 screens side by side with 40 px of frame between them: the right screen
	 * starts 40 px further into a canvas 40 px wider, so a line across the seam stays
	 * straight. Each tile must be that part of the wider canvas. */
	struct cw_opts o = {.tiled = true, .canvas_w = 1920, .canvas_h = 540, .vw = 960, .vh = 540,
	                    .bezel = 40};
	struct rd_err err;
	struct cw_view left, right;
	cr_assert(cw_opts_view(&o, 960, 540, &left, &err), "%s", err.msg);
	o.vx = 960;
	cr_assert(cw_opts_view(&o, 960, 540, &right, &err), "%s", err.msg);
	cr_assert_eq(left.canvas_w, 1960);
	cr_assert_eq(left.x, 0);
	cr_assert_eq(right.x, 1000);
	o.vx = 500;
	cr_assert_not(cw_opts_view(&o, 960, 540, &right, &err), "a viewport between screens");
	cr_assert(strstr(err.msg, "--bezel"), "%s", err.msg);
	o.vx = 960;
	cw_opts_view(&o, 960, 540, &right, &err);

	struct rd_theme theme;
	struct cw_scene scene;
	char feed[4096];
	int64_t now;
	int offset;
	pr_time_parse(clock_iso, &now, &offset);
	cr_assert(cw_theme_load("dark", &theme, &err));
	cr_assert(cw_scene_load("city", &scene, &err));
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err));
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	struct cw_view whole_v = {1960, 540, 0, 0, 1960, 540};
	struct cw_frame *whole = cw_frame_new(&scene, &theme, whole_v, offset);
	struct cw_presenter *wp = cw_present_image_new(1960, 540);
	struct rd_damage d;
	rd_damage_init(&d, 1960, 540);
	cr_assert(cw_frame_draw(whole, wp->ops->target(wp), snap, now, &d, &err), "%s", err.msg);
	struct cw_frame *tile = cw_frame_new(&scene, &theme, right, offset);
	struct cw_presenter *tp = cw_present_image_new(960, 540);
	rd_damage_init(&d, 960, 540);
	cr_assert(cw_frame_draw(tile, tp->ops->target(tp), snap, now, &d, &err), "%s", err.msg);
	cairo_surface_t *crop = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 960, 540);
	cairo_t *cr = cairo_create(crop);
	cairo_set_source_surface(cr, wp->ops->target(wp), -1000, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	struct rd_diff diff;
	cr_assert(rd_image_diff(crop, tp->ops->target(tp), &diff, NULL, &err));
	cr_assert(rd_diff_within(&diff, (struct rd_tolerance){8, 500}, 960, 540),
	          "%ld pixels differ, first at (%d,%d)", diff.changed, diff.first_x, diff.first_y);
	cairo_surface_destroy(crop);
	cw_presenter_free(tp);
	cw_presenter_free(wp);
	cw_frame_free(tile);
	cw_frame_free(whole);
	cw_snapshot_unref(snap);
}

/* Whether a's pixels at (ax.., y) equal b's at (bx.., y) for n pixels of every row, colour
 * only (the wall draws the incoming scene into RGB24, the presenter's target is ARGB32). */
static bool same_columns(cairo_surface_t *a, int ax, cairo_surface_t *b, int bx, int n,
                         int *bad_x, int *bad_y)
{
	cairo_surface_flush(a);
	cairo_surface_flush(b);
	int h = cairo_image_surface_get_height(a);
	for (int y = 0; y < h; y++) {
		const uint32_t *ra = (const uint32_t *)(cairo_image_surface_get_data(a) +
		                                         (size_t)y * cairo_image_surface_get_stride(a));
		const uint32_t *rb = (const uint32_t *)(cairo_image_surface_get_data(b) +
		                                         (size_t)y * cairo_image_surface_get_stride(b));
		for (int x = 0; x < n; x++)
			if ((ra[ax + x] ^ rb[bx + x]) & 0xffffff) {
				*bad_x = x, *bad_y = y;
				return false;
			}
	}
	return true;
}

/* A scene change of a two-scene playlist at 960x540 through its transition: every frame
 * must be the last picture of the outgoing scene and a fresh picture of the incoming scene at
 * that clock, composed as the transition says (slide: side by side, moved by whole pixels;
 * fade: the incoming one over the outgoing one with the eased alpha). */
static void check_transition(enum cw_transition kind)
{
	enum { W = 960, H = 540 };
	struct rd_theme theme;
	struct cw_scene incoming;
	struct rd_err err;
	char feed[4096];
	int64_t now;
	int offset;
	pr_time_parse(clock_iso, &now, &offset);
	cr_assert(cw_theme_load("dark", &theme, &err), "%s", err.msg);
	cr_assert(cw_scene_load("industry", &incoming, &err), "%s", err.msg);
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	cr_assert_not_null(snap, "%s", err.msg);
	struct cw_playlist pl = {.name = "t", .transition = kind, .transition_s = 1, .count = 1};
	pl.schedules[0] = (struct cw_schedule){.count = 2, .total = 20};
	pl.schedules[0].items[0] = (struct cw_playlist_item){"city", 10};
	pl.schedules[0].items[1] = (struct cw_playlist_item){"industry", 10};
	/* the next change from city to industry */
	struct cw_playlist_pos pos;
	double t = (double)now;
	cr_assert(cw_playlist_at(&pl, t, offset, &pos));
	if (strcmp(pos.item->scene, "city") != 0)
		t += pos.item->seconds - pos.into + 0.5;
	cr_assert(cw_playlist_at(&pl, t, offset, &pos));
	double change = t - pos.into + pos.item->seconds;
	struct cw_view view = {W, H, 0, 0, W, H};
	struct cw_wall *wall = cw_wall_new(&pl, &theme, view, offset, &err);
	cr_assert_not_null(wall, "%s", err.msg);
	struct cw_presenter *out = cw_present_image_new(W, H);
	cairo_surface_t *target = out->ops->target(out);
	struct rd_damage d;
	rd_damage_init(&d, W, H);
	cr_assert(cw_wall_draw(wall, target, snap, change - 2.5, &d, &err), "%s", err.msg);
	cw_wall_settle(wall); /* the next scene is made ahead */
	cr_assert(cw_wall_draw(wall, target, snap, change - 1.0 / 60, &d, &err), "%s", err.msg);
	cr_assert_str_eq(cw_wall_scene(wall), "city");
	cairo_surface_t *last = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(last);
	cairo_set_source_surface(cr, target, 0, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_t *want = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	int checked = 0;
	for (int k = 0; k <= 66; k++) {
		double at = change + k / 60.0;
		cr_assert(cw_wall_draw(wall, target, snap, at, &d, &err), "%s", err.msg);
		cr_assert_str_eq(cw_wall_scene(wall), "industry");
		cr_assert(cw_playlist_at(&pl, at, offset, &pos));
		if (k % 5 != 1 || pos.transition >= 1)
			continue;
		/* the incoming scene at this clock, drawn afresh */
		struct cw_frame *f = cw_frame_new(&incoming, &theme, view, offset);
		cairo_surface_t *in = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
		struct rd_damage ignored;
		rd_damage_init(&ignored, W, H);
		cr_assert(cw_frame_draw(f, in, snap, at, &ignored, &err), "%s", err.msg);
		double p = pos.transition, e = p < 0.5 ? 2 * p * p : 1 - pow(-2 * p + 2, 2) / 2;
		int bx, by;
		if (kind == CW_TRANSITION_SLIDE) {
			int dx = (int)round(e * W);
			cr_assert(same_columns(target, 0, last, dx, W - dx, &bx, &by),
			          "frame %d: the outgoing scene moved by %d px differs at (%d,%d)", k, dx,
			          bx, by);
			cr_assert(same_columns(target, W - dx, in, 0, dx, &bx, &by),
			          "frame %d: the incoming scene's first %d columns differ at (%d,%d)", k,
			          dx, W - dx + bx, by);
		} else {
			cr = cairo_create(want);
			cairo_set_source_surface(cr, last, 0, 0);
			cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
			cairo_paint(cr);
			cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
			cairo_set_source_surface(cr, in, 0, 0);
			cairo_paint_with_alpha(cr, e);
			cairo_destroy(cr);
			cr_assert(same_columns(target, 0, want, 0, W, &bx, &by),
			          "frame %d: the fade at %.3f differs at (%d,%d)", k, e, bx, by);
		}
		checked++;
		cairo_surface_destroy(in);
		cw_frame_free(f);
	}
	cr_assert_geq(checked, 10);
	cr_assert_not(cw_wall_animating(wall), "the transition is over");
	cairo_surface_destroy(want);
	cairo_surface_destroy(last);
	cw_presenter_free(out);
	cw_wall_free(wall);
	cw_snapshot_unref(snap);
}

Test(golden, a_slide_moves_the_outgoing_scene_out_as_the_incoming_one_comes_in, .timeout = 120)
{
	check_transition(CW_TRANSITION_SLIDE);
}

Test(golden, a_fade_shows_the_incoming_scene_over_the_last_outgoing_picture, .timeout = 120)
{
	check_transition(CW_TRANSITION_FADE);
}
