#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <pango/pangocairo.h>

#include "rd_text.h"

static struct rd_text_style style(double px)
{
	struct rd_theme th;
	rd_theme_default(&th);
	static char family[64];
	strcpy(family, th.font_family);
	struct rd_text_style st = rd_text_style(&th, px, (struct rd_color){1, 1, 1, 1}, RD_ALIGN_LEFT);
	st.family = family;
	return st;
}

/* Counts pixels with any ink in the rectangle, and outside it. */
static void ink(cairo_surface_t *s, int x0, int y0, int w, int h, long *inside, long *outside)
{
	cairo_surface_flush(s);
	unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	*inside = *outside = 0;
	for (int y = 0; y < cairo_image_surface_get_height(s); y++)
		for (int x = 0; x < cairo_image_surface_get_width(s); x++) {
			uint32_t p;
			memcpy(&p, d + y * stride + x * 4, 4);
			if (!p)
				continue;
			bool in = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
			(*(in ? inside : outside))++;
		}
}

Test(text, measures_grow_with_the_text_and_the_size)
{
	struct rd_text_style st = style(20);
	double w1, w2, h1, w3;
	rd_text_size(NULL, "合肥", &st, &w1, &h1);
	rd_text_size(NULL, "合肥市城市大脑", &st, &w2, NULL);
	cr_assert_gt(w2, w1 * 3);
	cr_assert(w1 > 35 && w1 < 45, "two CJK glyphs at 20 px are about 40 px wide, got %g", w1);
	cr_assert(h1 > 20 && h1 < 35, "line height %g", h1);
	st.px = 40;
	rd_text_size(NULL, "合肥", &st, &w3, NULL);
	cr_assert_float_eq(w3, 2 * w1, 1.0);
}

Test(text, resolves_to_noto_sans_cjk)
{
	PangoFontMap *map = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(map);
	PangoFontDescription *fd = pango_font_description_from_string("Noto Sans CJK SC 20");
	PangoFont *font = pango_font_map_load_font(map, ctx, fd);
	cr_assert_not_null(font);
	PangoFontDescription *got = pango_font_describe(font);
	cr_assert_str_eq(pango_font_description_get_family(got), "Noto Sans CJK SC",
	                 "fonts-noto-cjk must be installed");
	pango_font_description_free(got);
	pango_font_description_free(fd);
	g_object_unref(font);
	g_object_unref(ctx);
}

Test(text, long_text_is_ellipsized_inside_its_box)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 100);
	cairo_t *cr = cairo_create(s);
	struct rd_text_style st = style(24);
	double used = rd_text_draw(cr, "合肥市城市运行管理指挥中心社会治理一张图产业发展全景图", 50,
	                           20, 200, 40, &st);
	cr_assert_leq(used, 200);
	long in, out;
	ink(s, 50, 20, 200, 40, &in, &out);
	cr_assert_gt(in, 200, "text is drawn");
	cr_assert_eq(out, 0, "%ld pixels drawn outside the box", out);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

Test(text, wraps_into_max_lines)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 200);
	cairo_t *cr = cairo_create(s);
	struct rd_text_style st = style(20);
	st.max_lines = 2;
	st.valign = RD_VALIGN_TOP;
	rd_text_draw(cr, "蜀山区长江西路与潜山路交口积水深度42厘米已派遣排水二队前往处置请注意绕行",
	             0, 0, 200, 200, &st);
	long in, out;
	ink(s, 0, 0, 200, 70, &in, &out);
	cr_assert_gt(in, 300);
	cr_assert_eq(out, 0, "two lines at most, inside the width");
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

Test(text, invalid_utf8_never_breaks_the_context)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 60);
	cairo_t *cr = cairo_create(s);
	struct rd_text_style st = style(20);
	rd_text_draw(cr, "ok \xff\xfe bad \xe5\x90", 0, 0, 300, 60, &st);
	rd_text_path(cr, "\xc3\x28 x", 0, 40, &st);
	cairo_fill(cr);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	long in, out;
	ink(s, 0, 0, 300, 60, &in, &out);
	cr_assert_gt(in, 50);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

struct drawn {
	cairo_surface_t *s;
	pthread_barrier_t *drawn, *counted; /* NULL on the main thread */
};

static void *draw_sample(void *arg)
{
	struct drawn *d = arg;
	d->s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 60);
	cairo_t *cr = cairo_create(d->s);
	struct rd_text_style st = style(24);
	rd_text_draw(cr, "合肥市 City 运行 123", 0, 0, 400, 30, &st);
	st.bold = true;
	rd_text_draw(cr, "指挥中心 Brain 456", 0, 30, 400, 30, &st);
	cairo_destroy(cr);
	if (d->drawn) { /* keep this thread's font map alive until the mappings are counted */
		pthread_barrier_wait(d->drawn);
		pthread_barrier_wait(d->counted);
		rd_text_thread_end();
	}
	return NULL;
}

/* How many times the most-mapped font file is mapped into this process. */
static int most_mappings_of_a_font(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	cr_assert_not_null(f);
	char line[1024], paths[32][512];
	int counts[32] = {0}, n = 0, most = 0;
	while (fgets(line, sizeof line, f)) {
		char *path = strchr(line, '/');
		if (!path || (!strstr(path, ".ttc") && !strstr(path, ".otf") && !strstr(path, ".ttf")))
			continue;
		path[strcspn(path, "\n")] = '\0';
		int i = 0;
		while (i < n && strcmp(paths[i], path) != 0)
			i++;
		if (i == n && n < 32)
			snprintf(paths[n++], sizeof paths[0], "%s", path);
		if (i < n && ++counts[i] > most)
			most = counts[i];
	}
	fclose(f);
	return most;
}

Test(text, threads_share_one_mapping_of_each_font_file)
{
	enum { THREADS = 3 };
	pthread_barrier_t drawn, counted;
	pthread_barrier_init(&drawn, NULL, THREADS + 1);
	pthread_barrier_init(&counted, NULL, THREADS + 1);
	struct drawn main_thread = {0}, others[THREADS];
	pthread_t t[THREADS];
	draw_sample(&main_thread);
	for (int i = 0; i < THREADS; i++) {
		others[i] = (struct drawn){.drawn = &drawn, .counted = &counted};
		cr_assert_eq(pthread_create(&t[i], NULL, draw_sample, &others[i]), 0);
	}
	pthread_barrier_wait(&drawn);
	/* Four live Pango font maps (one a thread); a font file is mapped once for Cairo's
	 * FreeType face and once for all the font maps' HarfBuzz faces, whatever faces they use. */
	int most = most_mappings_of_a_font();
	pthread_barrier_wait(&counted);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_gt(most, 0, "no font file is mapped");
	cr_assert_leq(most, 2, "a font file is mapped %d times", most);
	/* The same pixels on every thread. */
	for (int i = 0; i < THREADS; i++) {
		cairo_surface_flush(others[i].s);
		cr_assert_eq(memcmp(cairo_image_surface_get_data(main_thread.s),
		                    cairo_image_surface_get_data(others[i].s),
		                    (size_t)cairo_image_surface_get_stride(main_thread.s) * 60),
		             0);
		cairo_surface_destroy(others[i].s);
	}
	cairo_surface_destroy(main_thread.s);
	pthread_barrier_destroy(&drawn);
	pthread_barrier_destroy(&counted);
}
