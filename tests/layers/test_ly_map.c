/* Projection, simplification, antimeridian, labels, hit-testing, styles and the map goldens. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <shapefil.h>

#include "ly_layer.h"
#include "ly_map.h"
#include "rd_png.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig\n"; }

static const char *out_dir(void)
{
	const char *o = getenv("TEST_OUT");
	return o ? o : "/tmp";
}

static struct ly_layer *load(const char *name)
{
	char p[512];
	const char *d = getenv("CBWALL_DATADIR");
	snprintf(p, sizeof p, "%s/assets/gis/%s.shp", d ? d : ".", name);
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(p, NULL, &err);
	cr_assert(l, "%s", err.msg);
	return l;
}

static void golden(cairo_surface_t *s, const char *name)
{
	char g[512];
	const char *d = getenv("CBWALL_DATADIR");
	snprintf(g, sizeof g, "%s/tests/golden/%s.png", d ? d : ".", name);
	struct rd_err err = {{0}};
	cr_expect(rd_golden_check(s, g, out_dir(), name, &err), "%s", err.msg);
}

static cairo_surface_t *render(struct ly_map *m, int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	struct rd_theme th;
	rd_theme_default(&th);
	struct rd_err err = {{0}};
	ly_map_set_opaque(m, true);
	cr_assert(ly_map_render(m, cr, &th, &err), "%s", err.msg);
	cairo_destroy(cr);
	return s;
}

static void assert_labels_disjoint(const struct ly_map *m)
{
	int n = ly_map_label_count(m);
	for (int i = 0; i < n; i++) {
		struct ly_label_info a, b;
		ly_map_label(m, i, &a);
		for (int j = i + 1; j < n; j++) {
			ly_map_label(m, j, &b);
			bool overlap = a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3];
			cr_assert(!overlap, "labels %s and %s overlap", a.text, b.text);
		}
	}
}

Test(view, projection_fit_zoom_pan)
{
	double x, y, lon, lat;
	ly_project(LY_PROJ_MERCATOR, 117.27, 31.86, &x, &y);
	ly_unproject(LY_PROJ_MERCATOR, x, y, &lon, &lat);
	cr_expect(fabs(lon - 117.27) < 1e-9 && fabs(lat - 31.86) < 1e-9);
	ly_project(LY_PROJ_MERCATOR, 180, 0, &x, &y);
	cr_expect(fabs(x - 20037508.34) < 0.01);
	double b[4] = {116, 30, 118, 32};
	struct ly_view v;
	ly_view_fit(&v, LY_PROJ_EQUIRECT, 1000, 500, b, 50);
	double sx, sy;
	ly_view_lonlat_to_screen(&v, 116, 30, &sx, &sy);
	cr_expect(fabs(sy - 450) < 1e-9 && fabs(sx - 300) < 1e-9, "%f %f", sx, sy);
	ly_view_lonlat_to_screen(&v, 118, 32, &sx, &sy);
	cr_expect(fabs(sy - 50) < 1e-9 && fabs(sx - 700) < 1e-9, "%f %f", sx, sy);
	/* zoom keeps the point under the finger; pan moves by pixels */
	ly_view_zoom(&v, 2, 300, 450);
	ly_view_lonlat_to_screen(&v, 116, 30, &sx, &sy);
	cr_expect(fabs(sx - 300) < 1e-9 && fabs(sy - 450) < 1e-9);
	ly_view_pan(&v, 10, -5);
	ly_view_lonlat_to_screen(&v, 116, 30, &sx, &sy);
	cr_expect(fabs(sx - 310) < 1e-9 && fabs(sy - 445) < 1e-9);
}

Test(map, world_antimeridian_and_simplification)
{
	struct ly_layer *l = load("world_countries_10m");
	/* every ring lies within ±180 after splitting */
	int name = ly_layer_field_index(l, "name");
	for (int f = 0; f < ly_layer_count(l); f++) {
		for (int p = 0; p < ly_layer_part_count(l, f); p++) {
			const double *x, *y;
			int n = ly_layer_part(l, f, p, &x, &y);
			/* a jump across the map is only allowed along a pole (Antarctica closed at -90) */
			for (int i = 1; i < n; i++)
				cr_assert(fabs(x[i]) <= 180.0000001 &&
				              (fabs(x[i] - x[i - 1]) <= 180 || (fabs(y[i]) >= 90 && fabs(y[i - 1]) >= 90)),
				          "%s ring %d crosses at %d", ly_layer_attr(l, f, name), p, i);
		}
	}
	struct ly_map *m = ly_map_new(LY_PROJ_EQUIRECT);
	cr_assert_geq(ly_map_add_layer(m, l, NULL, NULL), 0);
	ly_map_fit(m, 1920, 1080, 20);
	cairo_surface_t *s = render(m, 1920, 1080);
	struct ly_map_stats st;
	ly_map_stats(m, &st);
	cr_expect_lt(st.vertices_drawn * 3, st.vertices_in, "far-out view draws few vertices: %zu of %zu",
	             st.vertices_drawn, st.vertices_in);
	golden(s, "layers_world_1080");
	cairo_surface_destroy(s);
	ly_map_free(m);
}

/* A U shape (concave: its bbox centre is outside) and a donut and a two-part feature. */
static void make_shapes(char *base, size_t n)
{
	snprintf(base, n, "%s/ly_shapes", out_dir());
	SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
	DBFHandle dbf = DBFCreate(base);
	DBFAddField(dbf, "name", FTString, 16, 0);
	double ux[] = {0, 0, 3, 3, 2, 2, 1, 1, 0}, uy[] = {0, 3, 3, 0, 0, 2, 2, 0, 0};
	double dx[] = {4, 4, 7, 7, 4, 5, 6, 6, 5, 5}, dy[] = {0, 3, 3, 0, 0, 1, 1, 2, 2, 1};
	double mx[] = {8, 8, 9, 9, 8, 10, 10, 11, 11, 10}, my[] = {0, 1, 1, 0, 0, 2, 3, 3, 2, 2};
	SHPObject *o[3] = {
		SHPCreateObject(SHPT_POLYGON, -1, 1, (int[]){0}, NULL, 9, ux, uy, NULL, NULL),
		SHPCreateObject(SHPT_POLYGON, -1, 2, (int[]){0, 5}, NULL, 10, dx, dy, NULL, NULL),
		SHPCreateObject(SHPT_POLYGON, -1, 2, (int[]){0, 5}, NULL, 10, mx, my, NULL, NULL),
	};
	const char *names[] = {"U", "donut", "pair"};
	for (int i = 0; i < 3; i++) {
		SHPWriteObject(shp, -1, o[i]);
		SHPDestroyObject(o[i]);
		DBFWriteStringAttribute(dbf, i, 0, names[i]);
	}
	SHPClose(shp);
	DBFClose(dbf);
}

Test(map, concave_label_inside_and_hit_holes_multipart)
{
	char base[512];
	make_shapes(base, sizeof base);
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(base, NULL, &err);
	cr_assert(l, "%s", err.msg);
	struct ly_map *m = ly_map_new(LY_PROJ_EQUIRECT);
	cr_assert_geq(ly_map_add_layer(m, l, NULL, NULL), 0);
	double lon, lat;
	cr_assert(ly_map_label_point(m, 0, 0, &lon, &lat));
	/* inside the U: in one of its arms or the base, not in the notch (1..2 x 0..2) */
	bool in_notch = lon > 1 && lon < 2 && lat < 2;
	cr_expect(!in_notch && lon > 0 && lon < 3 && lat > 0 && lat < 3, "U label at %f,%f", lon, lat);
	ly_map_fit(m, 1100, 300, 0);
	const struct ly_view *v = ly_map_view(m);
	struct { double lon, lat; int expect; } cases[] = {
		{0.5, 1, 0}, {1.5, 1, -1}, {1.5, 2.5, 0}, /* U: arm, notch, base */
		{4.5, 1.5, 1}, {5.5, 1.5, -1},            /* donut: ring, hole */
		{8.5, 0.5, 2}, {10.5, 2.5, 2}, {9.5, 1.5, -1}, /* pair: both parts, between */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double sx, sy;
		ly_view_lonlat_to_screen(v, cases[i].lon, cases[i].lat, &sx, &sy);
		struct ly_hit_result h = ly_hit(m, sx, sy);
		cr_expect_eq(h.feature, cases[i].expect, "hit at %g,%g: %d", cases[i].lon, cases[i].lat, h.feature);
		if (cases[i].expect >= 0)
			cr_expect_eq(h.layer, 0);
	}
	ly_map_free(m);
}

Test(map, hefei_choropleth_live_values_labels_legend)
{
	struct ly_layer *l = load("hefei_districts");
	struct ly_style st;
	ly_style_default(&st);
	struct rd_err err = {{0}};
	cr_assert(ly_style_set(&st, "classify", "quantile", &err));
	cr_assert(ly_style_set(&st, "join_field", "adcode", &err));
	cr_assert(ly_style_set(&st, "label_field", "name", &err));
	cr_assert(ly_style_set(&st, "legend", "true", &err));
	cr_assert(ly_style_set(&st, "legend_title", "AQI", &err));
	cr_assert(ly_style_set(&st, "ramp", "blue_orange", &err));
	cr_assert(ly_style_set(&st, "classes", "4", &err));
	cr_expect(!ly_style_set(&st, "classes", "12", &err) && strstr(err.msg, "classes"));
	struct ly_map *m = ly_map_new(LY_PROJ_MERCATOR);
	int li = ly_map_add_layer(m, l, &st, &err);
	cr_assert_geq(li, 0, "%s", err.msg);
	const char *keys[] = {"340102", "340103", "340104", "340111", "340121", "340122", "340123", "340124",
	                      "340181", "999999"};
	double vals[] = {88, 95, 61, 120, 45, 70, 52, 38, 101, 1};
	int unmatched = 0;
	cr_assert(ly_map_set_values(m, li, keys, vals, 10, &unmatched, &err), "%s", err.msg);
	cr_expect_eq(unmatched, 1);
	ly_map_fit(m, 1920, 1080, 40);
	cairo_surface_t *s = render(m, 1920, 1080);
	cr_expect_eq(ly_map_label_count(m), 9, "all nine districts labelled");
	assert_labels_disjoint(m);
	/* every label anchor is inside its district */
	for (int i = 0; i < ly_map_label_count(m); i++) {
		struct ly_label_info info;
		ly_map_label(m, i, &info);
		struct ly_hit_result h = ly_hit(m, info.x, info.y);
		cr_expect_eq(h.feature, info.feature, "label %s anchor outside its district", info.text);
	}
	golden(s, "layers_hefei_choropleth_1080");
	cairo_surface_destroy(s);

	/* the cached path re-renders only when the view changes */
	cairo_surface_t *frame = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1920, 1080);
	cairo_t *cr = cairo_create(frame);
	struct rd_theme th;
	rd_theme_default(&th);
	struct ly_map_stats ms;
	ly_map_stats(m, &ms);
	int before = ms.static_renders;
	cr_assert(ly_map_draw(m, cr, &th, 0, &err));
	cr_assert(ly_map_draw(m, cr, &th, 0.5, &err));
	ly_map_stats(m, &ms);
	cr_expect_eq(ms.static_renders, before + 1);
	struct ly_view v = *ly_map_view(m);
	ly_view_pan(&v, 10, 0);
	ly_map_set_view(m, &v);
	cr_assert(ly_map_draw(m, cr, &th, 1, &err));
	ly_map_stats(m, &ms);
	cr_expect_eq(ms.static_renders, before + 2);
	/* ... or the values: the same ones set again leave the picture, a new one renders */
	cr_assert(ly_map_set_values(m, li, keys, vals, 10, NULL, &err), "%s", err.msg);
	cr_assert(ly_map_prepare(m, &th, &err));
	cr_assert(ly_map_draw(m, cr, &th, 1, &err));
	ly_map_stats(m, &ms);
	cr_expect_eq(ms.static_renders, before + 2, "the same values: no render");
	vals[3] = 40;
	cr_assert(ly_map_set_values(m, li, keys, vals, 10, NULL, &err), "%s", err.msg);
	cr_assert(ly_map_prepare(m, &th, &err));
	ly_map_stats(m, &ms);
	cr_expect_eq(ms.static_renders, before + 3, "prepare renders a changed value");
	cr_assert(ly_map_draw(m, cr, &th, 1, &err));
	ly_map_stats(m, &ms);
	cr_expect_eq(ms.static_renders, before + 3, "and draw only paints it");
	cairo_destroy(cr);
	cairo_surface_destroy(frame);
	ly_map_free(m);
}

Test(map, anhui_districts_borders_seats_labels)
{
	struct ly_map *m = ly_map_new(LY_PROJ_MERCATOR);
	struct ly_style d, b, p;
	ly_style_default(&d);
	ly_style_default(&b);
	ly_style_default(&p);
	struct rd_err err = {{0}};
	cr_assert(ly_style_set(&d, "classify", "categorical", &err));
	cr_assert(ly_style_set(&d, "value_field", "city", &err));
	cr_assert(ly_style_set(&d, "stroke", "#7fd4ff60", &err));
	cr_assert(ly_style_set(&b, "stroke", "#ffffff", &err));
	cr_assert(ly_style_set(&b, "stroke_width", "2", &err));
	cr_assert(ly_style_set(&p, "label_field", "name", &err));
	cr_assert(ly_style_set(&p, "symbol_size", "6", &err));
	cr_assert_geq(ly_map_add_layer(m, load("anhui_districts"), &d, &err), 0);
	cr_assert_geq(ly_map_add_layer(m, load("anhui_city_borders"), &b, &err), 0);
	cr_assert_geq(ly_map_add_layer(m, load("anhui_district_seats"), &p, &err), 0);
	ly_map_fit(m, 1920, 1080, 30);
	cairo_surface_t *s = render(m, 1920, 1080);
	struct ly_map_stats st;
	ly_map_stats(m, &st);
	cr_expect_gt(st.labels_placed, 40, "placed %d", st.labels_placed);
	cr_expect_gt(st.labels_dropped, 0, "105 seats cannot all fit at 1080 lines");
	assert_labels_disjoint(m);
	golden(s, "layers_anhui_1080");
	cairo_surface_destroy(s);
	ly_map_free(m);
}

Test(map, live_points_heat_and_pulse)
{
	double lon[] = {117.2, 117.3, 117.25, 117.28, 116.9};
	double lat[] = {31.8, 31.85, 31.9, 31.82, 31.7};
	const char *ids[] = {"a", "b", "c", "d", "e"};
	struct ly_map *m = ly_map_new(LY_PROJ_MERCATOR);
	struct ly_style heat, pulse;
	ly_style_default(&heat);
	ly_style_default(&pulse);
	heat.heat = true;
	snprintf(heat.ramp, sizeof heat.ramp, "heat");
	pulse.symbol = LY_SYMBOL_PULSE;
	snprintf(pulse.join_field, sizeof pulse.join_field, "id");
	struct rd_err err = {{0}};
	cr_assert_geq(ly_map_add_layer(m, load("hefei_districts"), NULL, &err), 0);
	cr_assert_geq(ly_map_add_layer(m, ly_layer_new_points("events", 5, lon, lat, ids), &heat, &err), 0);
	int pl = ly_map_add_layer(m, ly_layer_new_points("alerts", 5, lon, lat, ids), &pulse, &err);
	cr_assert_geq(pl, 0);
	const char *k[] = {"a", "b"};
	double v[] = {10, 40};
	cr_assert(ly_map_set_values(m, pl, k, v, 2, NULL, &err), "%s", err.msg);
	cr_expect(ly_map_animated(m));
	ly_map_fit(m, 640, 360, 10);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 640, 360);
	cairo_t *cr = cairo_create(s);
	struct rd_theme th;
	rd_theme_default(&th);
	for (int i = 0; i < 3; i++)
		cr_assert(ly_map_draw(m, cr, &th, i * 0.4, &err), "%s", err.msg);
	struct ly_map_stats st;
	ly_map_stats(m, &st);
	cr_expect_eq(st.static_renders, 1, "pulses do not re-render the static layers");
	/* a pulse is hit-testable */
	double sx, sy;
	ly_view_lonlat_to_screen(ly_map_view(m), 117.3, 31.85, &sx, &sy);
	struct ly_hit_result h = ly_hit(m, sx, sy);
	cr_expect_eq(h.layer, pl);
	cr_expect_eq(h.feature, 1);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	ly_map_free(m);
}
