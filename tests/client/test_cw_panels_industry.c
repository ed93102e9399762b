/* The industry panels (client/cw_panel_industry.c): binds, the empty state, keys. Each panel
 * is set up and drawn the way cw_frame does it, on its own ARGB32 surface, from the demo
 * fixtures (or a private copy of them changed by the test). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "cw_panel.h"
#include "cw_scene.h"
#include "cw_snapshot.h"
#include "cw_theme.h"

static struct rd_theme theme;
static struct cw_scene scene = {.name = "industry"};
static struct cw_snapshot *demo; /* the demo fixtures, with industry data */

static void setup(void)
{
	struct rd_err err;
	char feed[4096];
	cr_assert(cw_theme_load("dark", &theme, &err), "%s", err.msg);
	cr_assert(cw_feed_default_url(feed, sizeof feed, &err), "%s", err.msg);
	demo = cw_feed_read(feed, 1795415400, &err);
	cr_assert_not_null(demo, "%s", err.msg);
	cr_assert(demo->has_industry);
}

static void teardown(void)
{
	cw_snapshot_unref(demo);
}

struct fixture {
	struct cw_panel_def def;
	struct cw_panel panel;
	struct cw_panel_ctx ctx;
};

static void fixture_init(struct fixture *f, enum cw_panel_type type, const char *bind,
                         const struct cw_snapshot *snap, double w, double h)
{
	memset(f, 0, sizeof *f);
	f->def.type = type;
	snprintf(f->def.id, sizeof f->def.id, "panels[3]");
	snprintf(f->def.title, sizeof f->def.title, "标题");
	snprintf(f->def.bind, sizeof f->def.bind, "%s", bind);
	f->panel.kind = cw_panel_kind_of(type);
	f->panel.def = &f->def;
	f->panel.rect = (struct rd_rect){0, 0, w, h};
	f->ctx = (struct cw_panel_ctx){
	    .theme = &theme, .scene = &scene, .scale_h = 1080, .now = 1795415400, .snap = snap};
	if (f->panel.kind->init)
		f->panel.kind->init(&f->panel, &f->ctx);
}

static void fixture_finish(struct fixture *f)
{
	if (f->panel.kind->finish)
		f->panel.kind->finish(&f->panel);
}

/* The panel drawn on a transparent surface of its size. */
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

/* What a panel of this type draws with a known bind and no data at all. */
static cairo_surface_t *empty_state(enum cw_panel_type type, const char *bind)
{
	struct fixture f;
	fixture_init(&f, type, bind, NULL, 480, 320);
	cairo_surface_t *s = draw(&f);
	fixture_finish(&f);
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

/* setup() and teardown() are called by each test: some redirect stderr in .init. */

Test(industry_panels, unknown_bind_reports_and_draws_empty_state, .init = cr_redirect_stderr)
{
	setup();
	struct fixture f;
	fixture_init(&f, CW_PANEL_BARS, "industry.sectors.outptu", demo, 480, 320);
	char *err = read_stderr();
	cr_assert(strstr(err, "cbwall: scene industry: panels[3]: bind \"industry.sectors.outptu\": "
	                      "unknown (known: industry.sectors.output, industry.sectors.growth)\n"),
	          "stderr: %s", err);
	cairo_surface_t *got = draw(&f);
	cairo_surface_t *want = empty_state(CW_PANEL_BARS, "industry.sectors.output");
	cr_assert(same_pixels(got, want), "an unknown bind draws the empty state");
	cairo_surface_destroy(got);
	cairo_surface_destroy(want);
	fixture_finish(&f);
	teardown();
}

Test(industry_panels, unknown_chain_is_reported_once, .init = cr_redirect_stderr)
{
	setup();
	struct fixture f;
	fixture_init(&f, CW_PANEL_CHAIN, "evn", demo, 640, 360);
	cairo_surface_t *got = draw(&f);
	f.panel.kind->key(&f.panel, &f.ctx);
	char *err = read_stderr();
	const char *line = "cbwall: scene industry: panels[3]: bind \"evn\": unknown (known: nev, "
	                   "ic, display, ai, bio)\n";
	cr_assert(strstr(err, line), "stderr: %s", err);
	cr_assert_null(strstr(strstr(err, line) + 1, line), "reported twice: %s", err);
	struct fixture ok;
	fixture_init(&ok, CW_PANEL_CHAIN, "nev", NULL, 640, 360);
	cairo_surface_t *want = draw(&ok);
	cr_assert(same_pixels(got, want), "an unknown chain draws the empty state");
	cairo_surface_destroy(got);
	cairo_surface_destroy(want);
	fixture_finish(&ok);
	fixture_finish(&f);
	teardown();
}

/* Every kind and bind: no snapshot, a snapshot without industry data and the data itself. */
static const struct {
	enum cw_panel_type type;
	const char *bind;
} binds[] = {{CW_PANEL_BARS, "industry.sectors.output"},
             {CW_PANEL_BARS, "industry.sectors.growth"},
             {CW_PANEL_RING, "industry.sectors.output"},
             {CW_PANEL_RANK, "industry.enterprises"},
             {CW_PANEL_PROJECTS, ""},
             {CW_PANEL_PROJECTS, "industry.projects"},
             {CW_PANEL_CHAIN, ""},
             {CW_PANEL_CHAIN, "nev"},
             {CW_PANEL_CHAIN, "bio"}};

Test(industry_panels, no_industry_data_draws_empty_state)
{
	setup();
	struct cw_snapshot *bare = cw_snapshot_new();
	for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++) {
		struct fixture none, with;
		fixture_init(&none, binds[i].type, binds[i].bind, bare, 480, 320);
		fixture_init(&with, binds[i].type, binds[i].bind, demo, 480, 320);
		cairo_surface_t *empty = empty_state(binds[i].type, binds[i].bind);
		cairo_surface_t *a = draw(&none), *b = draw(&with);
		cr_assert(same_pixels(a, empty), "%s %s", cw_panel_type_name(binds[i].type),
		          binds[i].bind);
		cr_assert_not(same_pixels(b, empty), "%s %s: data drawn", cw_panel_type_name(binds[i].type),
		              binds[i].bind);
		cr_assert_neq(none.panel.kind->key(&none.panel, &none.ctx),
		              with.panel.kind->key(&with.panel, &with.ctx));
		cairo_surface_destroy(a);
		cairo_surface_destroy(b);
		cairo_surface_destroy(empty);
		fixture_finish(&none);
		fixture_finish(&with);
	}
	cw_snapshot_unref(bare);
	teardown();
}

static uint64_t key_of(enum cw_panel_type type, const char *bind, const struct cw_snapshot *snap,
                       double w, double h)
{
	struct fixture f;
	fixture_init(&f, type, bind, snap, w, h);
	uint64_t k = f.panel.kind->key(&f.panel, &f.ctx);
	fixture_finish(&f);
	return k;
}

Test(industry_panels, keys_follow_what_is_drawn)
{
	setup();
	struct cw_snapshot *copy = cw_snapshot_dup(demo);
	copy->generation++;
	copy->has_metrics = false; /* not drawn by these panels */
	for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++) {
		uint64_t k = key_of(binds[i].type, binds[i].bind, demo, 480, 320);
		cr_assert_eq(k, key_of(binds[i].type, binds[i].bind, demo, 480, 320));
		cr_assert_eq(k, key_of(binds[i].type, binds[i].bind, copy, 480, 320), "%s %s",
		             cw_panel_type_name(binds[i].type), binds[i].bind);
		cr_assert_neq(k, key_of(binds[i].type, binds[i].bind, demo, 481, 320));
	}
	struct cw_snapshot *changed = cw_snapshot_dup(demo);
	struct pr_industry *ind = &changed->industry;
	ind->sectors[4].output += 1;
	ind->enterprises[2].growth_pct = -3;
	ind->projects[0].progress_pct = 60;
	ind->chains[0].nodes[1].output = 400;
	for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++) {
		if (binds[i].type == CW_PANEL_CHAIN && strcmp(binds[i].bind, "bio") == 0) {
			cr_assert_eq(key_of(binds[i].type, binds[i].bind, demo, 480, 320),
			             key_of(binds[i].type, binds[i].bind, changed, 480, 320),
			             "another chain's change does not redraw");
			continue;
		}
		cr_assert_neq(key_of(binds[i].type, binds[i].bind, demo, 480, 320),
		              key_of(binds[i].type, binds[i].bind, changed, 480, 320), "%s %s",
		              cw_panel_type_name(binds[i].type), binds[i].bind);
	}
	/* Sectors drive the bars and the ring but not the ranking. */
	struct cw_snapshot *only_sector = cw_snapshot_dup(demo);
	only_sector->industry.sectors[0].growth_pct += 0.1;
	cr_assert_eq(key_of(CW_PANEL_RANK, "industry.enterprises", demo, 480, 320),
	             key_of(CW_PANEL_RANK, "industry.enterprises", only_sector, 480, 320));
	cr_assert_neq(key_of(CW_PANEL_BARS, "industry.sectors.growth", demo, 480, 320),
	              key_of(CW_PANEL_BARS, "industry.sectors.growth", only_sector, 480, 320));
	cw_snapshot_unref(only_sector);
	cw_snapshot_unref(changed);
	cw_snapshot_unref(copy);
	teardown();
}

/* Hostile data and sizes: NaN, huge and negative values, long names, full arrays, links to
 * nothing, tiny and odd rectangles. Nothing crashes (ASan/UBSan in CI). */
Test(industry_panels, survives_bad_data_and_sizes)
{
	setup();
	struct cw_snapshot *bad = cw_snapshot_dup(demo);
	struct pr_industry *ind = &bad->industry;
	ind->sector_count = PR_SECTORS_MAX;
	for (size_t i = 0; i < PR_SECTORS_MAX; i++) {
		snprintf(ind->sectors[i].name, sizeof ind->sectors[i].name,
		         "非常非常长的产业名称第%zu号产业集群", i);
		ind->sectors[i].output = i % 3 == 0 ? NAN : i % 3 == 1 ? 1e300 : -5;
		ind->sectors[i].growth_pct = i % 2 ? INFINITY : -1e9;
	}
	ind->enterprise_count = PR_ENTERPRISES_MAX;
	ind->project_count = PR_PROJECTS_MAX;
	for (size_t i = 0; i < PR_PROJECTS_MAX; i++) {
		ind->enterprises[i].output = i % 2 ? NAN : 1e20;
		ind->enterprises[i].growth_pct = NAN;
		ind->projects[i].investment = i % 2 ? NAN : 1e13;
		ind->projects[i].progress_pct = i % 2 ? -50 : 500;
		ind->projects[i].phase = (enum pr_project_phase)(i % 4);
	}
	ind->chains[0].link_count = 2;
	snprintf(ind->chains[0].links[0].from, sizeof ind->chains[0].links[0].from, "nothing");
	ind->chains[0].nodes[0].output = NAN;
	ind->chains[0].output = NAN;
	ind->chains[0].growth_pct = NAN;
	const double sizes[][2] = {{480, 320}, {1, 1}, {7, 300}, {300, 7}, {60, 40}, {2400, 90}};
	for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++) {
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			struct fixture f;
			fixture_init(&f, binds[i].type, binds[i].bind, bad, sizes[s][0], sizes[s][1]);
			f.def.rows = (int)s % 3 * 2; /* 0, 2, 4 */
			f.panel.kind->key(&f.panel, &f.ctx);
			cairo_surface_destroy(draw(&f));
			fixture_finish(&f);
		}
	}
	cw_snapshot_unref(bad);
	teardown();
}
