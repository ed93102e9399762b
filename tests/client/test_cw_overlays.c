/* Live overlays of map panels: the scene key, when the panel animates, that its key follows
 * the animation phase, and that an animation step drawn over the cached picture equals a
 * full redraw. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "cw_frame.h"
#include "cw_map_overlay.h"
#include "cw_panel.h"
#include "cw_present.h"
#include "cw_scene.h"
#include "cw_snapshot.h"
#include "cw_theme.h"
#include "pr_json.h"
#include "rd_png.h"

static const char clock_iso[] = "2026-11-23T14:30:00+08:00";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static const char *scene_with(const char *overlays, char *path, size_t n)
{
	const char *out = getenv("TEST_OUT");
	cr_assert_not_null(out, "TEST_OUT is set by ctest");
	mkdir(out, 0755);
	snprintf(path, n, "%s/overlay_scene.json", out);
	char text[2048];
	snprintf(text, sizeof text,
	         "{\"name\": \"ov\", \"layouts\": [{\"grid\": {\"cols\": 4, \"rows\": 4},"
	         " \"panels\": [{\"type\": \"map\", \"id\": \"m\", \"at\": [0, 0, 4, 4],"
	         " \"overlays\": %s,"
	         " \"layers\": [{\"file\": \"assets/gis/hefei_districts.shp\"}]}]}]}",
	         overlays);
	write_file(path, text);
	return path;
}

Test(overlays, unknown_name_is_a_scene_error_naming_the_key)
{
	char path[4096];
	struct cw_scene scene;
	struct rd_err err;
	cr_assert_not(cw_scene_load_file(scene_with("[\"alerts\", \"volcanoes\"]", path, sizeof path),
	                                 &scene, &err));
	cr_assert(strstr(err.msg, "layouts[0].panels[0].overlays[1]"), "%s", err.msg);
	cr_assert(strstr(err.msg, "volcanoes"), "%s", err.msg);
	cr_assert(strstr(err.msg, "overlay_scene.json"), "%s", err.msg);
	cr_assert_not(cw_scene_load_file(scene_with("\"alerts\"", path, sizeof path), &scene, &err));
	cr_assert(strstr(err.msg, "overlays"), "%s", err.msg);
	cr_assert_not(cw_scene_load_file(scene_with("[\"heat\", \"heat\"]", path, sizeof path),
	                                 &scene, &err));
	cr_assert(strstr(err.msg, "overlays[1]"), "%s", err.msg);
	cr_assert(cw_scene_load_file(
	              scene_with("[\"alerts\", \"events\", \"heat\", \"grid\", \"flows\"]", path,
	                         sizeof path),
	              &scene, &err),
	          "%s", err.msg);
	cr_assert_eq(scene.layouts[0].panels[0].overlays,
	             CW_OVERLAY_ALERTS | CW_OVERLAY_EVENTS | CW_OVERLAY_HEAT | CW_OVERLAY_GRID |
	                 CW_OVERLAY_FLOWS);
}

/* A map panel of the city scene (16:9 layout), set up as the frame would. */
struct fixture {
	struct rd_theme theme;
	struct cw_scene scene;
	struct cw_panel panel;
	struct cw_snapshot *demo;
	double now;
	int offset;
};

static void setup(struct fixture *f)
{
	struct rd_err err;
	char feed[4096];
	int64_t now;
	cr_assert(pr_time_parse(clock_iso, &now, &f->offset));
	f->now = (double)now;
	cr_assert(cw_theme_load("dark", &f->theme, &err), "%s", err.msg);
	cr_assert(cw_scene_load("city", &f->scene, &err), "%s", err.msg);
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	f->demo = cw_feed_read(feed, now, &err);
	cr_assert_not_null(f->demo, "%s", err.msg);
	const struct cw_layout_def *lay = cw_scene_layout(&f->scene, 1920, 1080);
	const struct cw_panel_def *def = NULL;
	for (int i = 0; i < lay->panel_count; i++)
		if (lay->panels[i].type == CW_PANEL_MAP)
			def = &lay->panels[i];
	cr_assert_not_null(def);
	cr_assert(def->overlays & CW_OVERLAY_ALERTS, "city's map shows alerts");
	f->panel = (struct cw_panel){.kind = &cw_panel_map, .def = def, .rect = {0, 0, 960, 720}};
	struct cw_panel_ctx c = {.theme = &f->theme, .scene = &f->scene, .scale_h = 1080};
	f->panel.kind->init(&f->panel, &c);
}

static void teardown(struct fixture *f)
{
	f->panel.kind->finish(&f->panel);
	cw_snapshot_unref(f->demo);
}

static struct cw_panel_ctx ctx(struct fixture *f, const struct cw_snapshot *snap, double now)
{
	return (struct cw_panel_ctx){.theme = &f->theme,
	                             .scene = &f->scene,
	                             .scale_h = 1080,
	                             .utc_offset_min = f->offset,
	                             .now = now,
	                             .snap = snap};
}

static void draw_panel(struct fixture *f, const struct cw_panel_ctx *c)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 960, 720);
	cairo_t *cr = cairo_create(s);
	f->panel.kind->draw(&f->panel, cr, c);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

Test(overlays, no_alerts_or_events_draw_nothing_and_do_not_animate)
{
	struct fixture f;
	setup(&f);
	struct cw_snapshot *empty = cw_snapshot_dup(f.demo);
	empty->alert_count = 0; /* the arrays stay owned by the copy and are freed with it */
	empty->event_count = 0;
	struct cw_panel_ctx c = ctx(&f, empty, f.now + 0.3);
	cr_assert_eq(f.panel.kind->next_change(&f.panel, &c), 0);
	uint64_t k0 = f.panel.kind->key(&f.panel, &c);
	struct cw_panel_ctx later = ctx(&f, empty, f.now + 0.55);
	cr_assert_eq(f.panel.kind->key(&f.panel, &later), k0, "no phase in the key");
	draw_panel(&f, &c);
	struct cw_panel_ctx none = ctx(&f, NULL, f.now);
	cr_assert_eq(f.panel.kind->next_change(&f.panel, &none), 0);
	draw_panel(&f, &none);
	cw_snapshot_unref(empty);
	teardown(&f);
}

Test(overlays, unacked_alerts_animate_and_the_key_follows_the_phase)
{
	struct fixture f;
	setup(&f);
	size_t unacked = 0;
	for (size_t i = 0; i < f.demo->alert_count; i++)
		unacked += f.demo->alerts[i].status == PR_ALERT_NEW;
	cr_assert_gt(unacked, 0, "the demo fixtures have unacknowledged alerts");
	double now = f.now + 0.01;
	struct cw_panel_ctx c = ctx(&f, f.demo, now);
	double next = f.panel.kind->next_change(&f.panel, &c);
	cr_assert_gt(next, now);
	cr_assert_leq(next, now + 1.0 / CW_OVERLAY_STEPS + 1e-9, "10-15 steps a second, not more");
	cr_assert_geq(next - now, 1.0 / CW_OVERLAY_STEPS - 0.011);
	uint64_t k0 = f.panel.kind->key(&f.panel, &c);
	struct cw_panel_ctx same_step = ctx(&f, f.demo, now + 0.05);
	cr_assert_eq(f.panel.kind->key(&f.panel, &same_step), k0, "same step, same key");
	struct cw_panel_ctx next_step = ctx(&f, f.demo, next + 0.001);
	cr_assert_neq(f.panel.kind->key(&f.panel, &next_step), k0, "the ripples moved");
	struct cw_panel_ctx next_second = ctx(&f, f.demo, now + 1);
	cr_assert_eq(f.panel.kind->key(&f.panel, &next_second), k0,
	             "the animated picture repeats every second");
	/* acknowledging every alert and dropping the events (no fly lines) stops the animation */
	struct cw_snapshot *acked = cw_snapshot_dup(f.demo);
	for (size_t i = 0; i < acked->alert_count; i++)
		acked->alerts[i].status = PR_ALERT_RESOLVED;
	acked->event_count = 0;
	struct cw_panel_ctx quiet = ctx(&f, acked, now);
	cr_assert_eq(f.panel.kind->next_change(&f.panel, &quiet), 0);
	cw_snapshot_unref(acked);
	teardown(&f);
}

Test(overlays, a_step_over_the_cached_picture_equals_a_full_redraw, .timeout = 120)
{
	const int W = 1280, H = 720;
	struct rd_theme theme;
	struct cw_scene scene;
	struct rd_err err;
	char feed[4096];
	int64_t now;
	int offset;
	cr_assert(pr_time_parse(clock_iso, &now, &offset));
	cr_assert(cw_theme_load("dark", &theme, &err), "%s", err.msg);
	cr_assert(cw_scene_load("city", &scene, &err), "%s", err.msg);
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	struct cw_snapshot *snap = cw_feed_read(feed, now, &err);
	cr_assert_not_null(snap, "%s", err.msg);
	struct cw_view view = {W, H, 0, 0, W, H};
	struct cw_frame *inc = cw_frame_new(&scene, &theme, view, offset);
	struct cw_frame *full = cw_frame_new(&scene, &theme, view, offset);
	struct cw_presenter *a = cw_present_image_new(W, H), *b = cw_present_image_new(W, H);
	struct rd_damage d;
	rd_damage_init(&d, W, H);
	cr_assert(cw_frame_draw(inc, a->ops->target(a), snap, now + 0.1, &d, &err), "%s", err.msg);
	for (int i = 1; i <= 5; i++) {
		rd_damage_clear(&d);
		double t = now + 0.1 + i / (double)CW_OVERLAY_STEPS;
		cr_assert(cw_frame_draw(inc, a->ops->target(a), snap, t, &d, &err), "%s", err.msg);
		/* the map (a ticker elsewhere may move too), never the whole screen */
		cr_assert_geq(d.count, 1, "step %d: the map moved", i);
		cr_assert_lt(rd_damage_area(&d), W * H / 2);
	}
	double t = now + 0.1 + 5 / (double)CW_OVERLAY_STEPS;
	rd_damage_clear(&d);
	cr_assert(cw_frame_draw(full, b->ops->target(b), snap, t, &d, &err), "%s", err.msg);
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

Test(overlays, steps)
{
	cr_assert_eq(cw_overlays_step(1000.0), 0);
	cr_assert_eq(cw_overlays_step(1000.999), CW_OVERLAY_STEPS - 1);
	double n = cw_overlays_next_step(1000.0);
	cr_assert(fabs(n - (1000.0 + 1.0 / CW_OVERLAY_STEPS)) < 1e-6);
	cr_assert_gt(cw_overlays_next_step(n), n);
}
