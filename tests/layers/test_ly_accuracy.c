/* shp2png's drawing of the shipped layers at 3840x2160 (issue 3): the same pixels on one
 * thread and in bands on several (ly_map_set_threads), and close to a plain Cairo drawing of
 * the same data (every vertex, no simplification, no pixel snapping, one even-odd fill per
 * feature, all outlines in one cairo_stroke of the same width, joins and caps), with the
 * outlines drawn by coverage as shp2png does (ly_map_set_fast_strokes).
 *
 * "Close": at most 1 % of the pixels differ by more than 64 in a channel (a quarter of full
 * scale: an outline moved by about half a pixel or more), and the mean absolute difference is
 * at most 1 % of full scale. The figures are printed (CBWALL_ACCURACY_VERBOSE=1) with the share
 * of pixels that differ at all, which is larger: snapping to pixel centres moves every
 * antialiased outline edge by up to half a pixel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ly_layer.h"
#include "ly_map.h"
#include "rd_png.h"
#include "rd_theme.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig\n"; }

enum { W = 3840, H = 2160 };

/* As shp2png draws: outlines by coverage (fast), or Cairo's strokes. */
static struct ly_map *map_of(const char *name, enum ly_proj proj, const char *label, bool fast)
{
	char p[512];
	const char *d = getenv("CBWALL_DATADIR");
	snprintf(p, sizeof p, "%s/assets/gis/%s.shp", d ? d : ".", name);
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(p, NULL, &err);
	cr_assert(l, "%s", err.msg);
	struct ly_style st;
	ly_style_default(&st);
	if (label)
		snprintf(st.label_field, sizeof st.label_field, "%s", label);
	struct ly_map *m = ly_map_new(proj);
	cr_assert(ly_map_add_layer(m, l, &st, &err) == 0, "%s", err.msg);
	ly_map_fit(m, W, H, fmin(W, H) * 0.02); /* shp2png's default padding */
	ly_map_set_opaque(m, true);
	ly_map_set_fast_strokes(m, fast);
	return m;
}

static cairo_surface_t *render(struct ly_map *m, int threads)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(s);
	struct rd_theme th;
	rd_theme_default(&th);
	struct rd_err err = {{0}};
	ly_map_set_threads(m, threads);
	cr_assert(ly_map_render(m, cr, &th, &err), "%s", err.msg);
	cairo_destroy(cr);
	return s;
}

static void set(cairo_t *cr, struct rd_color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

/* The plain drawing: the layer's features as loaded (validated, split at ±180°). */
static cairo_surface_t *plain(const struct ly_map *m)
{
	struct rd_theme th;
	rd_theme_default(&th);
	const struct ly_view *v = ly_map_view(m);
	const struct ly_layer *l = ly_map_layer(m, 0);
	const struct ly_style *st = ly_map_style(m, 0);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cairo_t *cr = cairo_create(s);
	set(cr, th.colors[RD_BG]);
	cairo_paint(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	for (int pass = 0; pass < 2; pass++) {
		cairo_new_path(cr);
		for (int f = 0; f < ly_layer_count(l); f++) {
			for (int p = 0; p < ly_layer_part_count(l, f); p++) {
				const double *x, *y;
				int n = ly_layer_part(l, f, p, &x, &y);
				for (int i = 0; i < n; i++) {
					double sx, sy;
					ly_view_lonlat_to_screen(v, x[i], y[i], &sx, &sy);
					if (i)
						cairo_line_to(cr, sx, sy);
					else
						cairo_move_to(cr, sx, sy);
				}
				cairo_close_path(cr);
			}
			if (pass == 0) {
				set(cr, th.colors[RD_MAP_FILL]);
				cairo_fill(cr);
			}
		}
	}
	cairo_set_line_width(cr, st->stroke_width * H / 1080.0);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	set(cr, th.colors[RD_MAP_STROKE]);
	cairo_stroke(cr);
	cairo_destroy(cr);
	return s;
}

static void close_to_plain(const char *name, enum ly_proj proj)
{
	struct ly_map *m = map_of(name, proj, NULL, true);
	cairo_surface_t *ours = render(m, 2), *ref = plain(m);
	cairo_surface_flush(ours);
	cairo_surface_flush(ref);
	const unsigned char *a = cairo_image_surface_get_data(ours), *b = cairo_image_surface_get_data(ref);
	int stride = cairo_image_surface_get_stride(ours);
	long any = 0, far = 0;
	double sum = 0;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			const unsigned char *p = a + (size_t)y * (size_t)stride + 4 * (size_t)x;
			const unsigned char *q = b + (size_t)y * (size_t)stride + 4 * (size_t)x;
			int d = 0;
			for (int c = 0; c < 3; c++) {
				int e = abs(p[c] - q[c]);
				d = e > d ? e : d;
				sum += e;
			}
			any += d > 0;
			far += d > 64;
		}
	}
	double n = (double)W * H, far_pct = 100 * far / n, mean_pct = 100 * sum / (n * 3 * 255);
	if (getenv("CBWALL_ACCURACY_VERBOSE"))
		fprintf(stderr, "%s: %.2f %% of pixels differ, %.2f %% by more than 64; mean abs difference %.3f %%\n",
		        name, 100 * any / n, far_pct, mean_pct);
	cr_expect_leq(far_pct, 1.0, "%s: %.2f %% of pixels differ from a plain Cairo drawing by more than 64", name,
	              far_pct);
	cr_expect_leq(mean_pct, 1.0, "%s: mean difference from a plain Cairo drawing %.3f %%", name, mean_pct);
	cairo_surface_destroy(ours);
	cairo_surface_destroy(ref);
	ly_map_free(m);
}

Test(accuracy, hefei_close_to_plain_cairo) { close_to_plain("hefei_districts", LY_PROJ_MERCATOR); }
Test(accuracy, anhui_close_to_plain_cairo) { close_to_plain("anhui_districts", LY_PROJ_MERCATOR); }
Test(accuracy, world_close_to_plain_cairo) { close_to_plain("world_countries_10m", LY_PROJ_EQUIRECT); }

static void same_on_threads(struct ly_map *m)
{
	cairo_surface_t *one = render(m, 1), *two = render(m, 2), *four = render(m, 4);
	struct rd_diff d;
	cr_assert(rd_image_diff(one, two, &d, NULL, NULL));
	cr_expect_eq(d.changed, 0, "2 threads: %ld pixels differ, first at (%d,%d)", d.changed, d.first_x, d.first_y);
	cr_assert(rd_image_diff(one, four, &d, NULL, NULL));
	cr_expect_eq(d.changed, 0, "4 threads: %ld pixels differ, first at (%d,%d)", d.changed, d.first_x, d.first_y);
	cairo_surface_destroy(one);
	cairo_surface_destroy(two);
	cairo_surface_destroy(four);
}

Test(threads, world_cairo_strokes_same_pixels_and_counts)
{
	struct ly_map *m = map_of("world_countries_10m", LY_PROJ_EQUIRECT, NULL, false);
	cairo_surface_t *one = render(m, 1);
	struct ly_map_stats a, b;
	ly_map_stats(m, &a);
	cairo_surface_t *two = render(m, 2);
	ly_map_stats(m, &b);
	cr_expect_eq(a.vertices_in, b.vertices_in);
	cr_expect_eq(a.vertices_drawn, b.vertices_drawn);
	struct rd_diff d;
	cr_assert(rd_image_diff(one, two, &d, NULL, NULL));
	cr_expect_eq(d.changed, 0, "%ld pixels differ, first at (%d,%d)", d.changed, d.first_x, d.first_y);
	cairo_surface_destroy(one);
	cairo_surface_destroy(two);
	ly_map_free(m);
}

Test(threads, anhui_fast_strokes_labels_legend_same_pixels)
{
	struct ly_map *m = map_of("anhui_districts", LY_PROJ_MERCATOR, "name", true);
	struct ly_style st = *ly_map_style(m, 0);
	struct rd_err err = {{0}};
	cr_assert(ly_style_set(&st, "classify", "categorical", &err) && ly_style_set(&st, "value_field", "city", &err) &&
	          ly_style_set(&st, "legend", "true", &err), "%s", err.msg);
	cr_assert(ly_map_set_style(m, 0, &st, &err), "%s", err.msg);
	same_on_threads(m);
	cr_expect_gt(ly_map_label_count(m), 50);
	ly_map_free(m);
}
