#pragma once
/* PNG in and out, and the image comparison behind the screenshot-diff tests.
 * Surfaces are Cairo image surfaces (ARGB32 or RGB24; RGB24 is compared as opaque). */
#include <stdbool.h>

#include <cairo.h>

#include "rd_err.h"

bool rd_png_write(cairo_surface_t *surface, const char *path, struct rd_err *err);
/* A new image surface the caller destroys, or NULL with err set. */
cairo_surface_t *rd_png_read(const char *path, struct rd_err *err);

struct rd_diff {
	long changed;       /* pixels whose largest channel delta is > 0 */
	int max_delta;      /* the largest channel delta, 0..255 */
	int first_x, first_y; /* first changed pixel in row order, -1 if none */
	unsigned expected_rgb, actual_rgb; /* at the first changed pixel */
};

/* The documented tolerance of golden comparisons (docs/testing.md): an image passes when it
 * is identical, or when no channel differs by more than max_delta and at most max_changed_ppm
 * pixels per million differ at all. */
struct rd_tolerance {
	int max_delta;
	long max_changed_ppm;
};
#define RD_GOLDEN_TOLERANCE ((struct rd_tolerance){.max_delta = 48, .max_changed_ppm = 500})

/* Compares two surfaces of equal size; returns false (err set) when sizes differ.
 * When diff_out is not NULL it receives a new image: the expected picture dimmed, changed
 * pixels in red (brighter for larger deltas). */
bool rd_image_diff(cairo_surface_t *expected, cairo_surface_t *actual, struct rd_diff *d,
                   cairo_surface_t **diff_out, struct rd_err *err);
bool rd_diff_within(const struct rd_diff *d, struct rd_tolerance tol, int w, int h);

/* Compares surface with golden_png. On mismatch writes OUT_DIR/NAME.out.png and
 * NAME.diff.png and fills err with the count, largest delta and first bad pixel. A missing
 * golden fails. With CBWALL_UPDATE_GOLDEN=1 in the environment the golden is (re)written
 * instead, for a human to review. */
bool rd_golden_check(cairo_surface_t *surface, const char *golden_png, const char *out_dir,
                     const char *name, struct rd_err *err);
