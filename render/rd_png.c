#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "rd_png.h"

/* One row of the surface as PNG wants it, after its filter-type byte (0, none): RGB when the
 * picture is opaque, else RGBA with the premultiplication undone. */
static void convert_row(const unsigned char *src, unsigned char *dst, int w, bool opaque, bool rgb24)
{
	*dst++ = 0;
	const uint32_t *px = (const uint32_t *)(const void *)src; /* Cairo rows are 4-byte aligned */
	if (opaque) {
		for (int x = 0; x < w; x++) {
			uint32_t p = px[x];
			dst[0] = (unsigned char)(p >> 16), dst[1] = (unsigned char)(p >> 8), dst[2] = (unsigned char)p;
			dst += 3;
		}
		return;
	}
	for (int x = 0; x < w; x++) {
		uint32_t p = px[x];
		unsigned a = rgb24 ? 255 : p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
		if (a != 0 && a != 255) {
			r = (r * 255 + a / 2) / a, g = (g * 255 + a / 2) / a, b = (b * 255 + a / 2) / a;
		}
		dst[0] = (unsigned char)r, dst[1] = (unsigned char)g, dst[2] = (unsigned char)b, dst[3] = (unsigned char)a;
		dst += 4;
	}
}

static bool all_opaque(const unsigned char *data, int stride, int w, int h)
{
	for (int y = 0; y < h; y++) {
		const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++)
			if (px[x] < 0xff000000u)
				return false;
	}
	return true;
}

/* A band of rows deflated on its own (pigz's way): a raw deflate stream ending on a byte
 * boundary (Z_SYNC_FLUSH; the last band Z_FINISH), so the bands concatenate into one zlib
 * stream, and the Adler-32 of its uncompressed bytes for adler32_combine. */
struct band {
	const unsigned char *data;
	int stride, w, y0, y1;
	bool opaque, rgb24, last;
	unsigned char *out;
	size_t n, cap;
	uLong adler, raw_len;
	bool ok;
};

static bool band_grow(struct band *b, size_t need)
{
	if (b->cap - b->n >= need)
		return true;
	size_t cap = b->cap ? b->cap * 2 : 1 << 20;
	while (cap - b->n < need)
		cap *= 2;
	unsigned char *p = realloc(b->out, cap);
	if (!p)
		return false;
	b->out = p, b->cap = cap;
	return true;
}

static void *band_deflate(void *arg)
{
	struct band *b = arg;
	size_t row_len = (size_t)b->w * (b->opaque ? 3 : 4) + 1;
	unsigned char *row = malloc(row_len);
	z_stream z = {0};
	/* Level 1 on unfiltered rows: MapServer's and Mapnik's choice for speed; the pictures are
	 * flat areas and lines, which compress well even so. */
	b->ok = row && deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
	b->adler = adler32(0, NULL, 0);
	for (int y = b->y0; b->ok && y < b->y1; y++) {
		convert_row(b->data + (size_t)y * b->stride, row, b->w, b->opaque, b->rgb24);
		b->adler = adler32(b->adler, row, (uInt)row_len);
		b->raw_len += row_len;
		z.next_in = row;
		z.avail_in = (uInt)row_len;
		int flush = y + 1 < b->y1 ? Z_NO_FLUSH : b->last ? Z_FINISH : Z_SYNC_FLUSH;
		do {
			if (!band_grow(b, 64 << 10)) {
				b->ok = false;
				break;
			}
			z.next_out = b->out + b->n;
			z.avail_out = (uInt)(b->cap - b->n);
			int r = deflate(&z, flush);
			b->n = b->cap - z.avail_out;
			if (r == Z_STREAM_ERROR)
				b->ok = false;
		} while (b->ok && (z.avail_in > 0 || z.avail_out == 0));
	}
	if (row)
		deflateEnd(&z);
	free(row);
	return NULL;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data (may be split over two pieces), CRC of type and data. */
static bool chunk(FILE *f, const char *type, const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
	unsigned char head[8], crc[4];
	put32(head, (uint32_t)(na + nb));
	memcpy(head + 4, type, 4);
	uLong c = crc32(0, head + 4, 4);
	if (na)
		c = crc32(c, a, (uInt)na);
	if (nb)
		c = crc32(c, b, (uInt)nb);
	put32(crc, (uint32_t)c);
	return fwrite(head, 1, 8, f) == 8 && (!na || fwrite(a, 1, na, f) == na) && (!nb || fwrite(b, 1, nb, f) == nb) &&
	       fwrite(crc, 1, 4, f) == 4;
}

/* Unfiltered rows at zlib level 1, deflated in two bands on two threads and written as one
 * zlib stream: about 4x faster than Cairo's writer (libpng's adaptive filters, level 6) on a
 * 4K map, for files about 1.5x larger. Opaque pictures are written as RGB. */
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
	/* Small pictures in one band; large ones in two, the second on a helper thread. */
	enum { NBAND = 2 };
	struct band bands[NBAND];
	int nb = (size_t)w * (size_t)h >= 256 * 1024 && h >= 2 ? NBAND : 1;
	for (int i = 0; i < nb; i++)
		bands[i] = (struct band){.data = data, .stride = stride, .w = w, .y0 = (int)((long)h * i / nb),
		                         .y1 = (int)((long)h * (i + 1) / nb), .opaque = opaque, .rgb24 = rgb24,
		                         .last = i == nb - 1};
	pthread_t helper;
	bool threaded = nb > 1 && pthread_create(&helper, NULL, band_deflate, &bands[1]) == 0;
	band_deflate(&bands[0]);
	for (int i = 1; i < nb; i++) {
		if (threaded)
			pthread_join(helper, NULL);
		else
			band_deflate(&bands[i]);
	}
	bool ok = true;
	uLong adler = bands[0].adler;
	for (int i = 0; i < nb; i++) {
		ok = ok && bands[i].ok;
		if (i)
			adler = adler32_combine(adler, bands[i].adler, (z_off_t)bands[i].raw_len);
	}
	if (!ok) {
		for (int i = 0; i < nb; i++)
			free(bands[i].out);
		return rd_err_set(err, "%s: cannot write PNG: out of memory", path);
	}
	FILE *f = fopen(path, "wb");
	if (!f) {
		for (int i = 0; i < nb; i++)
			free(bands[i].out);
		return rd_err_set(err, "%s: cannot write PNG: %s", path, strerror(errno));
	}
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char ihdr[13], zhead[2] = {0x78, 0x01}, tail[4];
	put32(ihdr, (uint32_t)w);
	put32(ihdr + 4, (uint32_t)h);
	ihdr[8] = 8;                /* bits per channel */
	ihdr[9] = opaque ? 2 : 6;   /* RGB, RGBA */
	ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive filtering (each row says "none"), no interlace */
	put32(tail, (uint32_t)adler);
	errno = 0;
	ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13, NULL, 0);
	/* IDAT: the zlib header in front of the first band, the Adler-32 after the last; bands
	 * over 1 GiB go in several chunks (a chunk holds at most 2^31 - 1 bytes) */
	for (int i = 0; ok && i < nb; i++) {
		const unsigned char *p = bands[i].out;
		size_t left = bands[i].n;
		do {
			size_t n = left < ((size_t)1 << 30) ? left : (size_t)1 << 30;
			ok = i == 0 && p == bands[i].out ? chunk(f, "IDAT", zhead, 2, p, n) : chunk(f, "IDAT", p, n, NULL, 0);
			p += n, left -= n;
		} while (ok && left);
	}
	ok = ok && chunk(f, "IDAT", tail, 4, NULL, 0) && chunk(f, "IEND", NULL, 0, NULL, 0);
	for (int i = 0; i < nb; i++)
		free(bands[i].out);
	if (fclose(f) != 0 || !ok) {
		int e = errno;
		remove(path);
		return rd_err_set(err, "%s: cannot write PNG: %s", path, e ? strerror(e) : "write failed (disk full?)");
	}
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
