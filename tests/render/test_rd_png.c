#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rd_png.h"
#include "rd_surface.h"

static char dir[256];

static void setup(void)
{
	const char *base = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	snprintf(dir, sizeof dir, "%s/rd_png.%d", base, (int)getpid());
	mkdir(dir, 0755);
	unsetenv("CBWALL_UPDATE_GOLDEN");
}

static cairo_surface_t *picture(int w, int h, double shift)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.02, 0.1, 0.23);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.25, 0.8, 1);
	cairo_arc(cr, w / 2.0 + shift, h / 2.0, h / 3.0, 0, 6.283);
	cairo_fill(cr);
	cairo_destroy(cr);
	return s;
}

static bool exists(const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

TestSuite(png, .init = setup);

Test(png, identical_images_have_no_difference)
{
	cairo_surface_t *a = picture(64, 48, 0), *b = picture(64, 48, 0);
	struct rd_diff d;
	cr_assert(rd_image_diff(a, b, &d, NULL, NULL));
	cr_assert_eq(d.changed, 0);
	cr_assert_eq(d.first_x, -1);
	cr_assert(rd_diff_within(&d, (struct rd_tolerance){0, 0}, 64, 48));
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, names_the_first_bad_pixel_and_the_largest_delta)
{
	cairo_surface_t *a = picture(64, 48, 0), *b = picture(64, 48, 0);
	cairo_surface_flush(b);
	uint32_t *px = (uint32_t *)(cairo_image_surface_get_data(b) +
	                            7 * cairo_image_surface_get_stride(b)) + 5;
	*px = 0xff000000u | (*px & 0xffff00u) | ((*px & 0xff) ^ 0x40);
	cairo_surface_mark_dirty(b);
	struct rd_diff d;
	cairo_surface_t *diff;
	cr_assert(rd_image_diff(a, b, &d, &diff, NULL));
	cr_assert_eq(d.changed, 1);
	cr_assert_eq(d.first_x, 5);
	cr_assert_eq(d.first_y, 7);
	cr_assert_eq(d.max_delta, 0x40);
	cr_assert_not_null(diff);
	cr_assert(rd_diff_within(&d, RD_GOLDEN_TOLERANCE, 64, 48) == false,
	          "one pixel of 3072 is over 500 ppm");
	cr_assert(rd_diff_within(&d, (struct rd_tolerance){64, 1000}, 64, 48));
	cr_assert_not(rd_diff_within(&d, (struct rd_tolerance){63, 1000}, 64, 48));
	cairo_surface_destroy(diff);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, sizes_must_match)
{
	cairo_surface_t *a = picture(64, 48, 0), *b = picture(48, 64, 0);
	struct rd_diff d;
	struct rd_err err;
	cr_assert_not(rd_image_diff(a, b, &d, NULL, &err));
	cr_assert(strstr(err.msg, "64x48") && strstr(err.msg, "48x64"), "%s", err.msg);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, write_then_read_is_lossless)
{
	char path[512];
	snprintf(path, sizeof path, "%s/round.png", dir);
	cairo_surface_t *a = picture(64, 48, 0);
	cr_assert(rd_png_write(a, path, NULL));
	struct rd_err err;
	cairo_surface_t *b = rd_png_read(path, &err);
	cr_assert_not_null(b, "%s", err.msg);
	struct rd_diff d;
	rd_image_diff(a, b, &d, NULL, NULL);
	cr_assert_eq(d.changed, 0);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, reading_garbage_names_the_file)
{
	char path[512];
	snprintf(path, sizeof path, "%s/garbage.png", dir);
	FILE *f = fopen(path, "w");
	fputs("not a png", f);
	fclose(f);
	struct rd_err err;
	cr_assert_null(rd_png_read(path, &err));
	cr_assert(strstr(err.msg, "garbage.png"), "%s", err.msg);
}

Test(png, golden_missing_fails_and_keeps_the_output)
{
	char golden[512];
	snprintf(golden, sizeof golden, "%s/none.png", dir);
	cairo_surface_t *a = picture(64, 48, 0);
	struct rd_err err;
	cr_assert_not(rd_golden_check(a, golden, dir, "nogolden", &err));
	cr_assert(strstr(err.msg, "missing golden"), "%s", err.msg);
	cr_assert(exists("nogolden.out.png"));
	cairo_surface_destroy(a);
}

Test(png, golden_mismatch_writes_out_and_diff)
{
	char golden[512];
	snprintf(golden, sizeof golden, "%s/g.png", dir);
	cairo_surface_t *a = picture(64, 48, 0), *b = picture(64, 48, 2);
	rd_png_write(a, golden, NULL);
	struct rd_err err;
	cr_assert(rd_golden_check(a, golden, dir, "same", &err), "%s", err.msg);
	cr_assert_not(exists("same.out.png"));
	cr_assert_not(rd_golden_check(b, golden, dir, "moved", &err));
	cr_assert(strstr(err.msg, "pixels differ") && strstr(err.msg, "first at ("), "%s", err.msg);
	cr_assert(exists("moved.out.png") && exists("moved.diff.png"));
	setenv("CBWALL_UPDATE_GOLDEN", "1", 1);
	cr_assert(rd_golden_check(b, golden, dir, "moved", &err));
	unsetenv("CBWALL_UPDATE_GOLDEN");
	cr_assert(rd_golden_check(b, golden, dir, "moved", &err), "updated golden matches");
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, translucent_pictures_keep_their_alpha)
{
	char path[512];
	snprintf(path, sizeof path, "%s/alpha.png", dir);
	cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 32, 32);
	cairo_t *cr = cairo_create(a);
	cairo_set_source_rgba(cr, 0.25, 0.8, 1, 0.5);
	cairo_paint(cr);
	cairo_destroy(cr);
	cr_assert(rd_png_write(a, path, NULL));
	cairo_surface_t *b = rd_png_read(path, NULL);
	cr_assert_not_null(b);
	struct rd_diff d;
	rd_image_diff(a, b, &d, NULL, NULL);
	cr_assert_leq(d.max_delta, 1, "premultiplied round trip within one level, got %d", d.max_delta);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

Test(png, unwritable_path_names_it)
{
	cairo_surface_t *a = picture(16, 16, 0);
	struct rd_err err;
	cr_assert_not(rd_png_write(a, "/nonexistent-dir/x.png", &err));
	cr_assert(strstr(err.msg, "/nonexistent-dir/x.png"), "%s", err.msg);
	cairo_surface_destroy(a);
}

/* ---- rd_surface: big surfaces in huge pages, and the startup pool ---- */

/* Every byte of s's pixels is zero. */
static bool all_zero(cairo_surface_t *s)
{
	cairo_surface_flush(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	size_t n = (size_t)cairo_image_surface_get_stride(s) * (size_t)cairo_image_surface_get_height(s);
	for (size_t i = 0; i < n; i++)
		if (d[i])
			return false;
	return true;
}

static void fill(cairo_surface_t *s, double r)
{
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, r, 0.5, 0.25);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(s);
	return *(const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) + 4 * (size_t)x);
}

Test(surface, big_and_small_surfaces_are_cleared_images_of_the_size_asked)
{
	int sizes[][2] = {{1920, 1080}, {3840, 2160}, {700, 700}, {10, 10}, {1921, 1081}};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int w = sizes[k][0], h = sizes[k][1];
		cairo_surface_t *s = rd_surface_new(CAIRO_FORMAT_RGB24, w, h);
		cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
		cr_expect_eq(cairo_image_surface_get_width(s), w);
		cr_expect_eq(cairo_image_surface_get_height(s), h);
		cr_expect_eq(cairo_image_surface_get_stride(s), cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w));
		cr_expect(all_zero(s), "%dx%d cleared", w, h);
		fill(s, 1);
		cairo_surface_destroy(s);
	}
}

/* Surfaces taken from the pool are as fresh ones, apart from each other, and outlive it; the
 * surfaces after it (or bigger than what is left) come from their own memory. */
Test(surface, pool_surfaces_are_fresh_separate_and_outlive_the_pool)
{
	size_t screen = 4 * (size_t)1920 * 1080;
	rd_surface_pool_start(2 * screen + (64 << 10));
	rd_surface_pool_start(screen); /* one pool at a time: ignored */
	cairo_surface_t *a = rd_surface_new(CAIRO_FORMAT_RGB24, 1920, 1080);
	cairo_surface_t *b = rd_surface_new(CAIRO_FORMAT_ARGB32, 1920, 1080);
	cairo_surface_t *c = rd_surface_new(CAIRO_FORMAT_RGB24, 1920, 1080); /* no room left */
	cairo_surface_t *all[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(cairo_surface_status(all[i]), CAIRO_STATUS_SUCCESS);
		cr_expect(all_zero(all[i]), "surface %d cleared", i);
	}
	unsigned char *da = cairo_image_surface_get_data(a), *db = cairo_image_surface_get_data(b);
	cr_expect(db >= da + screen || da >= db + screen, "the pool's surfaces do not overlap");
	fill(a, 1);
	fill(b, 0);
	rd_surface_pool_end();
	rd_surface_pool_end(); /* twice: nothing */
	cr_expect_eq(pixel(a, 1919, 1079) & 0xffffffu, 0xff8040u); /* RGB24: no alpha byte */
	cr_expect_eq(pixel(b, 0, 0), 0xff008040u);
	cairo_surface_destroy(a);
	cr_expect_eq(pixel(b, 1919, 1079), 0xff008040u, "freeing one leaves the other");
	cairo_surface_destroy(b);
	cairo_surface_destroy(c);
	cairo_surface_t *d = rd_surface_new(CAIRO_FORMAT_RGB24, 1920, 1080);
	cr_expect(all_zero(d));
	cairo_surface_destroy(d);
}
