#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "rd_png.h"

/* One row of the surface as PNG wants it: RGB when the picture is opaque, else RGBA with
 * the premultiplication undone. */
static void convert_row(const unsigned char *src, unsigned char *dst, int w, bool opaque,
                        bool rgb24)
{
	for (int x = 0; x < w; x++) {
		uint32_t p;
		memcpy(&p, src + (size_t)x * 4, 4);
		unsigned a = rgb24 ? 255 : p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
		if (opaque) {
			dst[3 * x] = (unsigned char)r, dst[3 * x + 1] = (unsigned char)g;
			dst[3 * x + 2] = (unsigned char)b;
			continue;
		}
		if (a != 0 && a != 255) {
			r = (r * 255 + a / 2) / a, g = (g * 255 + a / 2) / a, b = (b * 255 + a / 2) / a;
		}
		dst[4 * x] = (unsigned char)r, dst[4 * x + 1] = (unsigned char)g;
		dst[4 * x + 2] = (unsigned char)b, dst[4 * x + 3] = (unsigned char)a;
	}
}

static bool all_opaque(const unsigned char *data, int stride, int w, int h)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (data[(size_t)y * stride + (size_t)x * 4 + 3] != 0xff) /* little-endian alpha */
				return false;
	return true;
}

/* libpng without row filters and at zlib level 6: the same pixels as Cairo's writer in about
 * half the time (Cairo keeps libpng's adaptive filters on; MapServer and Mapnik turn them
 * off). Opaque pictures are written as RGB. */
bool rd_png_write(cairo_surface_t *surface, const char *path, struct rd_err *err)
{
	cairo_surface_flush(surface);
	cairo_format_t fmt = cairo_image_surface_get_format(surface);
	if (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24)
		return rd_err_set(err, "%s: cannot write PNG: not an RGB image surface", path);
	int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
	int stride = cairo_image_surface_get_stride(surface);
	const unsigned char *data = cairo_image_surface_get_data(surface);
	bool rgb24 = fmt == CAIRO_FORMAT_RGB24;
	bool opaque = rgb24 || all_opaque(data, stride, w, h);
	FILE *f = fopen(path, "wb");
	if (!f)
		return rd_err_set(err, "%s: cannot write PNG: %s", path, strerror(errno));
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	unsigned char *row = malloc((size_t)w * 4);
	if (!png || !info || !row)
		abort();
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		fclose(f);
		remove(path);
		return rd_err_set(err, "%s: cannot write PNG (disk full?)", path);
	}
	png_init_io(png, f);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 6);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	             opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	png_write_info(png, info);
	for (int y = 0; y < h; y++) {
		convert_row(data + (size_t)y * stride, row, w, opaque, rgb24);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	if (fclose(f) != 0)
		return rd_err_set(err, "%s: cannot write PNG: %s", path, strerror(errno));
	return true;
}

cairo_surface_t *rd_png_read(const char *path, struct rd_err *err)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	cairo_status_t st = cairo_surface_status(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		rd_err_set(err, "%s: %s", path,
		           st == CAIRO_STATUS_FILE_NOT_FOUND ? "no such file"
		           : st == CAIRO_STATUS_READ_ERROR   ? "not a readable PNG"
		                                             : cairo_status_to_string(st));
		return NULL;
	}
	return s;
}

static uint32_t pixel(const unsigned char *data, int stride, int x, int y, bool opaque)
{
	uint32_t p;
	memcpy(&p, data + (size_t)y * stride + (size_t)x * 4, 4);
	return opaque ? p | 0xff000000u : p;
}

static int channel_delta(uint32_t a, uint32_t b)
{
	int m = 0;
	for (int s = 0; s < 32; s += 8) {
		int d = abs((int)((a >> s) & 0xff) - (int)((b >> s) & 0xff));
		if (d > m)
			m = d;
	}
	return m;
}

bool rd_image_diff(cairo_surface_t *expected, cairo_surface_t *actual, struct rd_diff *d,
                   cairo_surface_t **diff_out, struct rd_err *err)
{
	int w = cairo_image_surface_get_width(expected), h = cairo_image_surface_get_height(expected);
	int aw = cairo_image_surface_get_width(actual), ah = cairo_image_surface_get_height(actual);
	*d = (struct rd_diff){.first_x = -1, .first_y = -1};
	if (diff_out)
		*diff_out = NULL;
	if (w != aw || h != ah)
		return rd_err_set(err, "size differs: expected %dx%d, got %dx%d", w, h, aw, ah);
	cairo_surface_flush(expected);
	cairo_surface_flush(actual);
	const unsigned char *ed = cairo_image_surface_get_data(expected);
	const unsigned char *ad = cairo_image_surface_get_data(actual);
	int es = cairo_image_surface_get_stride(expected), as = cairo_image_surface_get_stride(actual);
	bool eo = cairo_image_surface_get_format(expected) == CAIRO_FORMAT_RGB24;
	bool ao = cairo_image_surface_get_format(actual) == CAIRO_FORMAT_RGB24;
	unsigned char *dd = NULL;
	int ds = 0;
	if (diff_out) {
		*diff_out = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		dd = cairo_image_surface_get_data(*diff_out);
		ds = cairo_image_surface_get_stride(*diff_out);
	}
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t pe = pixel(ed, es, x, y, eo), pa = pixel(ad, as, x, y, ao);
			int delta = pe == pa ? 0 : channel_delta(pe, pa);
			if (delta > 0) {
				if (d->changed++ == 0) {
					d->first_x = x, d->first_y = y;
					d->expected_rgb = pe & 0xffffff, d->actual_rgb = pa & 0xffffff;
				}
				if (delta > d->max_delta)
					d->max_delta = delta;
			}
			if (dd) {
				uint32_t out;
				if (delta > 0) {
					uint32_t r = 128 + (uint32_t)delta / 2;
					out = 0xff000000u | (r << 16);
				} else {
					uint32_t g = (((pe >> 16) & 0xff) + ((pe >> 8) & 0xff) + (pe & 0xff)) / 9;
					out = 0xff000000u | (g << 16) | (g << 8) | g;
				}
				memcpy(dd + (size_t)y * ds + (size_t)x * 4, &out, 4);
			}
		}
	}
	if (diff_out)
		cairo_surface_mark_dirty(*diff_out);
	return true;
}

bool rd_diff_within(const struct rd_diff *d, struct rd_tolerance tol, int w, int h)
{
	if (d->changed == 0)
		return true;
	long allowed = (long)((double)w * h * tol.max_changed_ppm / 1e6);
	return d->max_delta <= tol.max_delta && d->changed <= allowed;
}

bool rd_golden_check(cairo_surface_t *surface, const char *golden, const char *out_dir,
                     const char *name, struct rd_err *err)
{
	const char *update = getenv("CBWALL_UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0) {
		if (!rd_png_write(surface, golden, err))
			return false;
		fprintf(stderr, "golden updated: %s\n", golden);
		return true;
	}
	char out_path[4096], diff_path[4096];
	snprintf(out_path, sizeof out_path, "%s/%s.out.png", out_dir, name);
	snprintf(diff_path, sizeof diff_path, "%s/%s.diff.png", out_dir, name);
	struct rd_err rerr;
	cairo_surface_t *expected = rd_png_read(golden, &rerr);
	if (!expected) {
		rd_png_write(surface, out_path, NULL);
		return rd_err_set(err, "%s: missing golden (%s); output in %s; run tests/update-goldens",
		                  name, rerr.msg, out_path);
	}
	struct rd_diff d;
	cairo_surface_t *diff = NULL;
	bool ok = rd_image_diff(expected, surface, &d, &diff, err);
	int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
	if (!ok) {
		rd_err_prefix(err, "%s", name);
		rd_png_write(surface, out_path, NULL);
	} else if (!rd_diff_within(&d, RD_GOLDEN_TOLERANCE, w, h)) {
		ok = false;
		rd_png_write(surface, out_path, NULL);
		rd_png_write(diff, diff_path, NULL);
		rd_err_set(err,
		           "%s: %ld pixels differ (max channel delta %d), first at (%d,%d): expected "
		           "#%06x, got #%06x; see %s and %s",
		           name, d.changed, d.max_delta, d.first_x, d.first_y, d.expected_rgb,
		           d.actual_rgb, out_path, diff_path);
	}
	cairo_surface_destroy(diff);
	cairo_surface_destroy(expected);
	return ok;
}
