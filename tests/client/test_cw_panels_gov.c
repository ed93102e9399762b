/* The governance panels (client/cw_panel_table.c, cw_panel_stats.c, cw_panel_trend.c): the
 * carousel as a function of the clock, the events summary on a tiny handmade snapshot, and the
 * empty state for unknown binds and missing data. Each panel is set up and drawn the way
 * cw_frame does it, on its own ARGB32 surface. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "cw_panel.h"
#include "cw_scene.h"
#include "cw_snapshot.h"
#include "rd_draw.h"
#include "rd_png.h"
#include "rd_widgets.h"

/* cw_panel_stats.c: the figures of events.summary (reported today, open, overdue, closed
 * today, 结案率 %, mean minutes reported -> closed). */

static struct rd_theme theme;
static struct cw_scene scene = {.name = "governance"};

/* 2026-11-23 14:30:00 +08:00, and that day's local midnight. */
static const double NOW = 1795415400;
static const int64_t MIDNIGHT = 1795363200;
static const int OFFSET = 480;

struct fixture {
	struct cw_panel_def def;
	struct cw_panel panel;
	struct cw_panel_ctx ctx;
};

static void fixture_init(struct fixture *f, enum cw_panel_type type, const char *bind,
                         const struct cw_snapshot *snap, double w, double h)
{
	memset(f, 0, sizeof *f);
	rd_theme_default(&theme);
	f->def.type = type;
	snprintf(f->def.id, sizeof f->def.id, "panels[2]");
	snprintf(f->def.title, sizeof f->def.title, "标题");
	snprintf(f->def.bind, sizeof f->def.bind, "%s", bind);
	snprintf(f->def.metric, sizeof f->def.metric, "closure_rate");
	snprintf(f->def.metrics[0], sizeof f->def.metrics[0], "hotline_today");
	f->def.metric_count = 1;
	f->panel.kind = cw_panel_kind_of(type);
	f->panel.def = &f->def;
	f->panel.rect = (struct rd_rect){0, 0, w, h};
	f->ctx = (struct cw_panel_ctx){.theme = &theme,
	                               .scene = &scene,
	                               .scale_h = 1080,
	                               .utc_offset_min = OFFSET,
	                               .now = NOW,
	                               .snap = snap};
	if (f->panel.kind->init)
		f->panel.kind->init(&f->panel, &f->ctx);
}

static void fixture_finish(struct fixture *f)
{
	if (f->panel.kind->finish)
		f->panel.kind->finish(&f->panel);
}

static cairo_surface_t *draw(struct fixture *f)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)f->panel.rect.w,
	                                                (int)f->panel.rect.h);
	cairo_t *cr = cairo_create(s);
	f->panel.kind->draw(&f->panel, cr, &f->ctx);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

static bool same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
	int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
	return h == cairo_image_surface_get_height(b) && stride == cairo_image_surface_get_stride(b) &&
	       memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b),
	              (size_t)h * (size_t)stride) == 0;
}

/* The empty state every panel shares: its frame with the title, "暂无数据" inside. */
static cairo_surface_t *empty_state(double w, double h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
	cairo_t *cr = cairo_create(s);
	struct rd_rect in = rd_panel_frame(cr, &theme, (struct rd_rect){0, 0, w, h}, "标题", 1080);
	rd_draw_no_data(cr, &theme, in, 1080);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

static char *read_stderr(void)
{
	static char buf[4096];
	fflush(stderr);
	FILE *f = cr_get_redirected_stderr();
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	return buf;
}

/* A snapshot with the events source and n events (filled by the caller). */
static struct cw_snapshot *events_snapshot(size_t n)
{
	struct cw_snapshot *s = cw_snapshot_new();
	s->src[CW_SRC_EVENTS].has = true;
	s->event_count = n;
	s->events = calloc(n ? n : 1, sizeof *s->events);
	cr_assert_not_null(s->events);
	return s;
}

static void event(struct pr_event *e, int i, enum pr_event_status status, int64_t reported,
                  int64_t closed, bool overdue)
{
	snprintf(e->id, sizeof e->id, "EV%04d", i);
	e->seq = i;
	snprintf(e->category, sizeof e->category, "城市管理");
	snprintf(e->type, sizeof e->type, "占道经营");
	snprintf(e->title, sizeof e->title, "蜀山区第%d号事件", i);
	snprintf(e->address, sizeof e->address, "蜀山区 长江西路");
	snprintf(e->adcode, sizeof e->adcode, "340104");
	e->status = status;
	e->step_at[PR_EVENT_REPORTED] = reported;
	if (status >= PR_EVENT_DISPATCHED)
		e->step_at[PR_EVENT_DISPATCHED] = reported + 60;
	if (status == PR_EVENT_CLOSED)
		e->step_at[PR_EVENT_CLOSED] = closed;
	e->overdue = overdue;
}

Test(gov_panels, events_summary_on_a_handmade_snapshot)
{
	struct cw_snapshot *s = events_snapshot(5);
	int64_t h = 3600;
	/* Today: closed after 60 and 120 minutes, one open and overdue. */
	event(&s->events[0], 0, PR_EVENT_CLOSED, MIDNIGHT + 8 * h, MIDNIGHT + 9 * h, false);
	event(&s->events[1], 1, PR_EVENT_CLOSED, MIDNIGHT + 10 * h, MIDNIGHT + 12 * h, true);
	event(&s->events[2], 2, PR_EVENT_DISPATCHED, MIDNIGHT + 11 * h, 0, true);
	/* Yesterday: one still open, one closed yesterday (in neither today's count nor the mean). */
	event(&s->events[3], 3, PR_EVENT_HANDLED, MIDNIGHT - 4 * h, 0, false);
	event(&s->events[4], 4, PR_EVENT_CLOSED, MIDNIGHT - 14 * h, MIDNIGHT - 13 * h, false);
	double v[6];
	cw_panel_stats_summary(s, NOW, OFFSET, v);
	cr_assert_eq(v[0], 3, "reported today: %g", v[0]);
	cr_assert_eq(v[1], 2, "open: %g", v[1]);
	cr_assert_eq(v[2], 1, "open and overdue (a closed overdue one does not count): %g", v[2]);
	cr_assert_eq(v[3], 2, "closed today: %g", v[3]);
	cr_assert_float_eq(v[4], 200.0 / 3, 1e-9,
	                   "completion: of the last 24 h's closed (2) or overdue (1), 2: %g", v[4]);
	cr_assert_float_eq(v[5], 90, 1e-9, "mean of 60 and 120 minutes: %g", v[5]);

	/* A minute before midnight everything above was "today" of the day before. */
	cw_panel_stats_summary(s, (double)MIDNIGHT - 60, OFFSET, v);
	cr_assert_eq(v[0], 2, "reported on the 22nd: %g", v[0]);

	/* No events: counts 0, rates unknown. */
	struct cw_snapshot *none = events_snapshot(0);
	cw_panel_stats_summary(none, NOW, OFFSET, v);
	cr_assert(v[0] == 0 && v[1] == 0 && isnan(v[4]) && isnan(v[5]));
	cw_snapshot_unref(none);
	cw_snapshot_unref(s);
}

Test(gov_panels, stats_draw_and_key_follow_the_figures)
{
	struct cw_snapshot *s = events_snapshot(2);
	event(&s->events[0], 0, PR_EVENT_CLOSED, MIDNIGHT + 8 * 3600, MIDNIGHT + 9 * 3600, false);
	event(&s->events[1], 1, PR_EVENT_DISPATCHED, MIDNIGHT + 9 * 3600, 0, false);
	struct fixture f;
	fixture_init(&f, CW_PANEL_STATS, "events.summary", s, 480, 300);
	uint64_t k1 = f.panel.kind->key(&f.panel, &f.ctx);
	cr_assert_eq(k1, f.panel.kind->key(&f.panel, &f.ctx), "a key is a function of the data");
	cairo_surface_t *got = draw(&f), *empty = empty_state(480, 300);
	cr_assert_not(same_pixels(got, empty), "figures are drawn");
	/* The second event becomes overdue: a figure changes, and so does the key. */
	struct cw_snapshot *s2 = cw_snapshot_dup(s);
	s2->events[1].overdue = true;
	f.ctx.snap = s2;
	cr_assert_neq(k1, f.panel.kind->key(&f.panel, &f.ctx));
	cairo_surface_destroy(got);
	cairo_surface_destroy(empty);
	fixture_finish(&f);

	fixture_init(&f, CW_PANEL_STATS, "events.by_district", s, 480, 300);
	got = draw(&f);
	empty = empty_state(480, 300);
	cr_assert_not(same_pixels(got, empty), "districts are drawn");
	cairo_surface_destroy(got);
	cairo_surface_destroy(empty);
	fixture_finish(&f);
	cw_snapshot_unref(s2);
	cw_snapshot_unref(s);
}

/* 40 events, one a minute: more than a 480x420 table shows, so it scrolls. */
static struct cw_snapshot *many_events(void)
{
	struct cw_snapshot *s = events_snapshot(40);
	for (int i = 0; i < 40; i++)
		event(&s->events[i], i, (enum pr_event_status)(i % PR_EVENT_STEPS),
		      MIDNIGHT + 8 * 3600 + i * 60, MIDNIGHT + 13 * 3600, i % 7 == 0);
	return s;
}

static uint64_t key_at(struct fixture *f, double now)
{
	f->ctx.now = now;
	return f->panel.kind->key(&f->panel, &f->ctx);
}

Test(gov_panels, carousel_position_is_a_function_of_the_clock)
{
	struct cw_snapshot *s = many_events();
	struct fixture a, b;
	fixture_init(&a, CW_PANEL_TABLE, "events.latest", s, 480, 420);
	fixture_init(&b, CW_PANEL_TABLE, "events.latest", s, 480, 420);
	/* Panel a has been running for a while; panel b starts now: same key, same pixels. */
	for (double t = NOW - 30; t < NOW; t += 0.37)
		key_at(&a, t);
	double t = NOW + 0.25;
	cr_assert_eq(key_at(&a, t), key_at(&b, t));
	cairo_surface_t *pa = draw(&a), *pb = draw(&b);
	cr_assert(same_pixels(pa, pb), "the picture depends on the clock, not on history");
	cairo_surface_destroy(pa);
	cairo_surface_destroy(pb);

	/* At rest for most of a step; the next step shows other rows. */
	cr_assert_eq(key_at(&a, NOW), key_at(&a, NOW + 2.4));
	cr_assert_neq(key_at(&a, NOW), key_at(&a, NOW + 3));
	/* 40 rows, one every 3 s: after 120 s the same rows are on top again. */
	cr_assert_eq(key_at(&a, NOW + 1), key_at(&a, NOW + 1 + 120));

	/* next_change: at rest, the start of the slide; in the slide, the next frame; the key
	 * changes there and not before. */
	a.ctx.now = NOW + 1;
	double next = a.panel.kind->next_change(&a.panel, &a.ctx);
	cr_assert(next > NOW + 1 && next <= NOW + 3, "next %f", next - NOW);
	cr_assert_eq(key_at(&a, next - 0.01), key_at(&a, NOW + 1));
	uint64_t sliding = key_at(&a, next);
	cr_assert_neq(sliding, key_at(&a, NOW + 1));
	a.ctx.now = next;
	double next2 = a.panel.kind->next_change(&a.panel, &a.ctx);
	cr_assert(next2 > next && next2 - next < 0.1, "slide frames are short: %f", next2 - next);
	cr_assert_neq(key_at(&a, next2), sliding);

	/* A slide frame draws the same pixels whenever it is drawn. */
	a.ctx.now = b.ctx.now = next + 0.001;
	pa = draw(&a), pb = draw(&b);
	cr_assert(same_pixels(pa, pb));
	cairo_surface_destroy(pa);
	cairo_surface_destroy(pb);
	fixture_finish(&a);
	fixture_finish(&b);
	cw_snapshot_unref(s);
}

Test(gov_panels, a_short_table_does_not_move)
{
	struct cw_snapshot *s = events_snapshot(2);
	event(&s->events[0], 0, PR_EVENT_REPORTED, MIDNIGHT + 8 * 3600, 0, false);
	event(&s->events[1], 1, PR_EVENT_CLOSED, MIDNIGHT + 9 * 3600, MIDNIGHT + 10 * 3600, false);
	struct fixture f;
	fixture_init(&f, CW_PANEL_TABLE, "events.latest", s, 480, 420);
	cr_assert_eq(f.panel.kind->next_change(&f.panel, &f.ctx), 0);
	cr_assert_eq(key_at(&f, NOW), key_at(&f, NOW + 1.5));
	cr_assert_eq(key_at(&f, NOW), key_at(&f, NOW + 3));
	fixture_finish(&f);
	cw_snapshot_unref(s);
}

Test(gov_panels, rows_caps_the_table, .timeout = 10)
{
	struct cw_snapshot *s = events_snapshot(5);
	for (int i = 0; i < 5; i++)
		event(&s->events[i], i, PR_EVENT_DISPATCHED, MIDNIGHT + 8 * 3600 + i * 60, 0, false);
	struct fixture f;
	/* Five rows fit: the table stands still. */
	fixture_init(&f, CW_PANEL_TABLE, "events.latest", s, 480, 420);
	cr_assert_eq(f.panel.kind->next_change(&f.panel, &f.ctx), 0);
	fixture_finish(&f);
	/* "rows": 4 shows four at a time, so five scroll. */
	for (int rows = 1; rows <= 4; rows++) {
		fixture_init(&f, CW_PANEL_TABLE, "events.latest", s, 480, 420);
		f.def.rows = rows;
		fixture_finish(&f);
		f.panel.kind->init(&f.panel, &f.ctx);
		cr_assert_gt(f.panel.kind->next_change(&f.panel, &f.ctx), NOW, "rows %d", rows);
		cairo_surface_destroy(draw(&f));
		fixture_finish(&f);
	}
	cw_snapshot_unref(s);
}

static void check_empty(enum cw_panel_type type, const char *bind,
                        const struct cw_snapshot *snap, const char *what)
{
	struct fixture f;
	fixture_init(&f, type, bind, snap, 480, 320);
	cairo_surface_t *got = draw(&f), *want = empty_state(480, 320);
	cr_assert(same_pixels(got, want), "%s %s: %s draws the empty state",
	          cw_panel_type_name(type), bind, what);
	cairo_surface_destroy(got);
	cairo_surface_destroy(want);
	cr_assert_eq(f.panel.kind->next_change ? f.panel.kind->next_change(&f.panel, &f.ctx) : 0, 0,
	             "an empty panel does not animate");
	fixture_finish(&f);
}

Test(gov_panels, unknown_bind_reports_and_draws_empty_state, .init = cr_redirect_stderr)
{
	struct cw_snapshot *s = many_events();
	check_empty(CW_PANEL_TABLE, "events.lastest", s, "an unknown bind");
	check_empty(CW_PANEL_STATS, "events.sumary", s, "an unknown bind");
	char *err = read_stderr();
	cr_assert(strstr(err, "cbwall: scene governance: panels[2]: bind \"events.lastest\": unknown "
	                      "(known: events.latest, alerts.latest)\n"),
	          "stderr: %s", err);
	cr_assert(strstr(err, "cbwall: scene governance: panels[2]: bind \"events.sumary\": unknown "
	                      "(known: events.summary, events.by_district)\n"),
	          "stderr: %s", err);
	cw_snapshot_unref(s);
}

Test(gov_panels, no_data_draws_empty_state)
{
	/* No snapshot at all. */
	check_empty(CW_PANEL_TABLE, "events.latest", NULL, "no snapshot");
	check_empty(CW_PANEL_TABLE, "alerts.latest", NULL, "no snapshot");
	check_empty(CW_PANEL_STATS, "events.summary", NULL, "no snapshot");
	check_empty(CW_PANEL_STATS, "events.by_district", NULL, "no snapshot");
	check_empty(CW_PANEL_TREND, "", NULL, "no snapshot");
	check_empty(CW_PANEL_GAUGE, "", NULL, "no snapshot");
	check_empty(CW_PANEL_ALERTS, "", NULL, "no snapshot");
	/* A snapshot whose sources never arrived (metrics only, say). */
	struct cw_snapshot *s = cw_snapshot_new();
	check_empty(CW_PANEL_TABLE, "events.latest", s, "no events source");
	check_empty(CW_PANEL_TABLE, "alerts.latest", s, "no alerts source");
	check_empty(CW_PANEL_STATS, "events.summary", s, "no events source");
	check_empty(CW_PANEL_TREND, "", s, "no metrics");
	check_empty(CW_PANEL_GAUGE, "", s, "no metrics");
	check_empty(CW_PANEL_ALERTS, "", s, "no alerts source");
	/* Metrics without the keys the panels name. */
	s->has_metrics = true;
	s->src[CW_SRC_METRICS].has = true;
	check_empty(CW_PANEL_TREND, "", s, "an absent metric");
	check_empty(CW_PANEL_GAUGE, "", s, "an absent metric");
	cw_snapshot_unref(s);
}

Test(gov_panels, metric_panels_draw_and_key_their_data)
{
	struct cw_snapshot *s = cw_snapshot_new();
	s->has_metrics = true;
	s->src[CW_SRC_METRICS].has = true;
	s->metrics.count = 2;
	struct pr_metric *hot = &s->metrics.items[0], *rate = &s->metrics.items[1];
	snprintf(hot->key, sizeof hot->key, "hotline_today");
	snprintf(hot->label, sizeof hot->label, "12345热线今日受理");
	snprintf(hot->unit, sizeof hot->unit, "件");
	/* A running total that falls back at midnight. */
	const double h[6] = {300, 320, 5, 40, 90, 150};
	hot->history_len = 6;
	memcpy(hot->history, h, sizeof h);
	hot->value = 150;
	snprintf(rate->key, sizeof rate->key, "closure_rate");
	snprintf(rate->label, sizeof rate->label, "事件处置完成率");
	snprintf(rate->unit, sizeof rate->unit, "%%");
	rate->value = 92.6;
	rate->higher_is_better = true;
	enum cw_panel_type types[] = {CW_PANEL_TREND, CW_PANEL_GAUGE};
	for (size_t i = 0; i < 2; i++) {
		struct fixture f;
		fixture_init(&f, types[i], "", s, 480, 320);
		uint64_t k = f.panel.kind->key(&f.panel, &f.ctx);
		cairo_surface_t *got = draw(&f), *empty = empty_state(480, 320);
		cr_assert_not(same_pixels(got, empty), "%s draws its metric", cw_panel_type_name(types[i]));
		cairo_surface_destroy(got);
		cairo_surface_destroy(empty);
		/* New data, new key. */
		struct cw_snapshot *s2 = cw_snapshot_dup(s);
		s2->metrics.items[0].history[5] = 151;
		s2->metrics.items[1].value = 93;
		f.ctx.snap = s2;
		cr_assert_neq(k, f.panel.kind->key(&f.panel, &f.ctx), "%s", cw_panel_type_name(types[i]));
		cw_snapshot_unref(s2);
		fixture_finish(&f);
	}
	cw_snapshot_unref(s);
}

Test(gov_panels, alerts_list_active_ones)
{
	struct cw_snapshot *s = cw_snapshot_new();
	s->src[CW_SRC_ALERTS].has = true;
	s->alert_count = 2;
	s->alerts = calloc(2, sizeof *s->alerts);
	cr_assert_not_null(s->alerts);
	for (int i = 0; i < 2; i++) {
		struct pr_alert *a = &s->alerts[i];
		snprintf(a->id, sizeof a->id, "AL%08d", i);
		a->grade = 1 + i;
		snprintf(a->title, sizeof a->title, "蜀山区长江西路积水");
		snprintf(a->adcode, sizeof a->adcode, "340104");
		a->raised_at = (int64_t)NOW - 600 * i;
		a->status = PR_ALERT_NEW;
	}
	struct fixture f;
	fixture_init(&f, CW_PANEL_ALERTS, "", s, 480, 320);
	uint64_t k = f.panel.kind->key(&f.panel, &f.ctx);
	cairo_surface_t *active = draw(&f), *empty = empty_state(480, 320);
	cr_assert_not(same_pixels(active, empty));
	/* Acknowledging one changes what is drawn; resolving both leaves "当前无未处置告警". */
	struct cw_snapshot *s2 = cw_snapshot_dup(s);
	s2->alerts[0].status = PR_ALERT_ACKED;
	f.ctx.snap = s2;
	cr_assert_neq(k, f.panel.kind->key(&f.panel, &f.ctx));
	s2->alerts[0].status = s2->alerts[1].status = PR_ALERT_RESOLVED;
	cairo_surface_t *none = draw(&f);
	cr_assert_not(same_pixels(none, empty), "no active alerts is not \"no data\"");
	cr_assert_not(same_pixels(none, active));
	cairo_surface_destroy(active);
	cairo_surface_destroy(empty);
	cairo_surface_destroy(none);
	fixture_finish(&f);
	cw_snapshot_unref(s2);
	cw_snapshot_unref(s);
}

/* What a wall does between full draws: the table's and the gauge's update hooks bring the
 * picture on the same target up to date, drawing only what changed. The result must be the
 * full draw's within the rounding of cached pictures (rd_table_draw_body_cached,
 * rd_gauge_draw_cached). */
static void expect_like_full_draw(struct fixture *f, cairo_surface_t *updated, const char *what)
{
	cairo_surface_flush(updated);
	cairo_surface_t *full = draw(f);
	struct rd_diff d;
	struct rd_err err;
	cr_assert(rd_image_diff(full, updated, &d, NULL, &err), "%s", err.msg);
	cr_assert_leq(d.max_delta, 16, "%s: %ld pixels differ by up to %d, first at %d,%d", what,
	              d.changed, d.max_delta, d.first_x, d.first_y);
	cairo_surface_destroy(full);
}

static void updates_match_full_draws(enum cw_panel_type type, const char *bind,
                                     struct cw_snapshot *s, double t0, double t1, double step,
                                     void (*change)(struct cw_snapshot *, int))
{
	struct fixture f, ref; /* ref: full draws, each on a new surface */
	fixture_init(&f, type, bind, s, 480, 420);
	fixture_init(&ref, type, bind, s, 480, 420);
	cairo_surface_t *target = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 480, 420);
	cairo_t *cr = cairo_create(target);
	f.ctx.now = t0;
	f.panel.kind->draw(&f.panel, cr, &f.ctx);
	int updates = 0, k = 0;
	for (double t = t0 + step; t < t1; t += step, k++) {
		if (change)
			change(s, k);
		f.ctx.now = t;
		struct rd_irect rects[16]; /* as many as cw_frame offers */
		int n = f.panel.kind->update(&f.panel, cr, &f.ctx, rects, 16);
		cr_assert_geq(n, 0, "%s: the update hook takes over at %.3f", bind, t - t0);
		updates += n > 0;
		char what[64];
		snprintf(what, sizeof what, "%s at %.3f s", bind[0] ? bind : "gauge", t - t0);
		ref.ctx.now = t;
		expect_like_full_draw(&ref, target, what);
	}
	cr_assert_gt(updates, 0);
	cairo_destroy(cr);
	cairo_surface_destroy(target);
	fixture_finish(&f);
	fixture_finish(&ref);
}

Test(gov_panels, table_slides_by_update_equal_full_draws)
{
	struct cw_snapshot *s = many_events();
	/* three steps, each slide frame and the rests between */
	updates_match_full_draws(CW_PANEL_TABLE, "events.latest", s, NOW, NOW + 9, 1.0 / 30, NULL);
	cw_snapshot_unref(s);
}

static void closure_changes(struct cw_snapshot *s, int k)
{
	struct pr_metric *m = &s->metrics.items[0];
	m->value = 60 + (k * 7) % 40; /* through the warn and bad zones */
	m->change_pct = k - 2.5;
}

Test(gov_panels, gauge_value_by_update_equals_full_draws)
{
	struct cw_snapshot *s = many_events();
	s->has_metrics = true;
	s->metrics.count = 1;
	s->metrics.items[0] = (struct pr_metric){.key = "closure_rate", .label = "处置完成率",
	                                         .unit = "%", .value = 93.5, .has_change = true,
	                                         .change_pct = 1.5, .decimals = 1,
	                                         .higher_is_better = true};
	updates_match_full_draws(CW_PANEL_GAUGE, "", s, NOW, NOW + 6, 1, closure_changes);
	cw_snapshot_unref(s);
}

Test(gov_panels, summary_figures_by_update_equal_full_draws)
{
	struct cw_snapshot *s = many_events();
	s->has_metrics = true;
	s->metrics.count = 1;
	s->metrics.items[0] = (struct pr_metric){.key = "closure_rate", .label = "处置完成率",
	                                         .unit = "%", .value = 93.5, .decimals = 1,
	                                         .higher_is_better = true};
	updates_match_full_draws(CW_PANEL_STATS, "events.summary", s, NOW, NOW + 6, 1,
	                         closure_changes);
	cw_snapshot_unref(s);
}
