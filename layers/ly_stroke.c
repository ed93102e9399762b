/* Solid strokes by distance coverage (see ly_mapint.h, "ly_stroke.c"). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ly_mapint.h"

enum { CHUNK = 64 }; /* columns per "touched" flag */

struct ly_cov {
	int w, y0, y1, nchunk;
	uint8_t *c;       /* coverage 0..255 of rows y0..y1 */
	uint8_t *touched; /* per row, per CHUNK columns: any coverage there */
};

struct ly_cov *ly_cov_new(int w, int y0, int y1)
{
	if (w < 1 || y1 <= y0)
		return NULL;
	struct ly_cov *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->w = w, c->y0 = y0, c->y1 = y1;
	c->nchunk = (w + CHUNK - 1) / CHUNK;
	c->c = calloc((size_t)(y1 - y0) * (size_t)w, 1);
	c->touched = calloc((size_t)(y1 - y0) * (size_t)c->nchunk, 1);
	if (!c->c || !c->touched) {
		ly_cov_free(c);
		return NULL;
	}
	return c;
}

void ly_cov_free(struct ly_cov *c)
{
	if (!c)
		return;
	free(c->c);
	free(c->touched);
	free(c);
}

/* {x : lo <= k x + c <= hi} intersected with [*x0, *x1]. */
static inline double mind(double a, double b) { return a < b ? a : b; }
static inline double maxd(double a, double b) { return a > b ? a : b; }

static void clip_linear(double k, double c, double lo, double hi, double *x0, double *x1)
{
	if (fabs(k) < 1e-12) {
		if (c < lo || c > hi)
			*x0 = INFINITY, *x1 = -INFINITY;
		return;
	}
	double a = (lo - c) / k, b = (hi - c) / k;
	if (a > b) {
		double t = a;
		a = b, b = t;
	}
	*x0 = maxd(*x0, a), *x1 = mind(*x1, b);
}

/* The x interval of the points of row yc within distance R of the segment: the capsule is
 * convex, so this is the hull of its two end discs' and its rectangle's intervals. */
static void capsule_row(double ax, double ay, double bx, double by, double ux, double uy, double len, double R,
                        double yc, double *x0, double *x1)
{
	double lo = INFINITY, hi = -INFINITY;
	double ea = R * R - (yc - ay) * (yc - ay), eb = R * R - (yc - by) * (yc - by);
	if (ea > 0) {
		double h = sqrt(ea);
		lo = mind(lo, ax - h), hi = maxd(hi, ax + h);
	}
	if (eb > 0) {
		double h = sqrt(eb);
		lo = mind(lo, bx - h), hi = maxd(hi, bx + h);
	}
	if (len > 0) {
		/* along = (x - ax) ux + (yc - ay) uy in [0, len]; across = -(x - ax) uy + (yc - ay) ux in [-R, R] */
		double r0 = -INFINITY, r1 = INFINITY;
		clip_linear(ux, -ax * ux + (yc - ay) * uy, 0, len, &r0, &r1);
		clip_linear(-uy, ax * uy + (yc - ay) * ux, -R, R, &r0, &r1);
		if (r0 <= r1)
			lo = mind(lo, r0), hi = maxd(hi, r1);
	}
	*x0 = lo, *x1 = hi;
}

/* The stroke of one segment: every pixel whose centre is within r + 0.5 of it gets coverage
 * r + 0.5 - distance (at most 1), kept if larger than what is there. The union of the
 * segments' capsules is the stroke with round joins and caps; the linear ramp over one pixel
 * is the usual area estimate of a straight edge (exact for horizontal and vertical ones).
 * Per row, for wide strokes (halos), the pixels within r - 0.5 (fully covered) are found from
 * the inner capsule without computing their distances. */
void ly_cov_segment(struct ly_cov *c, double ax, double ay, double bx, double by, double r)
{
	double R = r + 0.5, R2 = R * R, Ri = r - 0.5;
	double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, inv = len2 > 0 ? 1 / len2 : 0;
	double len = sqrt(len2), ux = len > 0 ? dx / len : 0, uy = len > 0 ? dy / len : 0;
	/* rows whose centres can be within R */
	int ya = (int)ceil(mind(ay, by) - R - 0.5), yb = (int)floor(maxd(ay, by) + R - 0.5);
	ya = ya < c->y0 ? c->y0 : ya;
	yb = yb > c->y1 - 1 ? c->y1 - 1 : yb;
	for (int y = ya; y <= yb; y++) {
		double yc = y + 0.5, xa, xb;
		capsule_row(ax, ay, bx, by, ux, uy, len, R, yc, &xa, &xb);
		int x0 = (int)ceil(xa - 0.5 - 1e-9), x1 = (int)floor(xb - 0.5 + 1e-9);
		x0 = x0 < 0 ? 0 : x0;
		x1 = x1 > c->w - 1 ? c->w - 1 : x1;
		if (x0 > x1)
			continue;
		/* fully covered: centres within Ri (shrunk a little against rounding) */
		int i0 = x1 + 1, i1 = x1;
		if (Ri >= 1) {
			double ia, ib;
			capsule_row(ax, ay, bx, by, ux, uy, len, Ri, yc, &ia, &ib);
			if (ia <= ib) {
				i0 = (int)ceil(ia - 0.5 + 1e-7), i1 = (int)floor(ib - 0.5 - 1e-7);
				i0 = i0 < x0 ? x0 : i0;
				i1 = i1 > x1 ? x1 : i1;
				if (i0 > i1)
					i0 = x1 + 1, i1 = x1;
			}
		}
		uint8_t *row = c->c + (size_t)(y - c->y0) * (size_t)c->w;
		for (int x = x0; x <= x1; x++) {
			if (x == i0) {
				memset(row + i0, 255, (size_t)(i1 - i0 + 1));
				x = i1;
				continue;
			}
			double xc = x + 0.5;
			double t = ((xc - ax) * dx + (yc - ay) * dy) * inv;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			double ex = ax + t * dx - xc, ey = ay + t * dy - yc, d2 = ex * ex + ey * ey;
			if (d2 >= R2)
				continue;
			unsigned v = (unsigned)((R - sqrt(d2)) * 255 + 0.5);
			if (v > 255)
				v = 255;
			if (v > row[x])
				row[x] = (uint8_t)v;
		}
		uint8_t *t = c->touched + (size_t)(y - c->y0) * (size_t)c->nchunk;
		for (int k = x0 / CHUNK; k <= x1 / CHUNK; k++)
			t[k] = 1;
	}
}

/* OVER with a solid color through the coverage, as pixman composites a solid source through
 * an a8 mask (premultiplied, rounded divisions by 255). */
void ly_cov_composite(const struct ly_cov *c, cairo_surface_t *target, struct rd_color color)
{
	unsigned a = (unsigned)(color.a * 255 + 0.5);
	unsigned sr = (unsigned)(color.r * color.a * 255 + 0.5), sg = (unsigned)(color.g * color.a * 255 + 0.5);
	unsigned sb = (unsigned)(color.b * color.a * 255 + 0.5);
	cairo_surface_flush(target);
	unsigned char *data = cairo_image_surface_get_data(target);
	int stride = cairo_image_surface_get_stride(target);
	for (int y = c->y0; y < c->y1; y++) {
		const uint8_t *cov = c->c + (size_t)(y - c->y0) * (size_t)c->w;
		const uint8_t *t = c->touched + (size_t)(y - c->y0) * (size_t)c->nchunk;
		uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
		for (int k = 0; k < c->nchunk; k++) {
			if (!t[k])
				continue;
			int x1 = (k + 1) * CHUNK < c->w ? (k + 1) * CHUNK : c->w;
			for (int x = k * CHUNK; x < x1; x++) {
				unsigned m = cov[x];
				if (!m)
					continue;
				uint32_t p = row[x];
				unsigned ia = 255 - (m * a + 127) / 255;
				unsigned pa = p >> 24, pr = (p >> 16) & 0xff, pg = (p >> 8) & 0xff, pb = p & 0xff;
				pa = (a * m + pa * ia + 127) / 255;
				pr = (sr * m + pr * ia + 127) / 255;
				pg = (sg * m + pg * ia + 127) / 255;
				pb = (sb * m + pb * ia + 127) / 255;
				row[x] = pa << 24 | pr << 16 | pg << 8 | pb;
			}
		}
	}
	cairo_surface_mark_dirty(target);
}
