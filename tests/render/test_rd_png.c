#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rd_png.h"

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
