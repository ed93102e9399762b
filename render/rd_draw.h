#pragma once
/* Drawing primitives shared by the widgets: colors, shapes, the screen background,
 * sparklines. All take a cairo_t in canvas pixels and leave its state as they found it. */
#include <stddef.h>

#include <cairo.h>

#include "rd_geom.h"
#include "rd_theme.h"

void rd_set_color(cairo_t *cr, struct rd_color c);
struct rd_color rd_color_alpha(struct rd_color c, double a);
struct rd_color rd_color_mix(struct rd_color a, struct rd_color b, double t);
void rd_rounded_rect(cairo_t *cr, struct rd_rect r, double radius);

/* The static screen behind every panel: gradient, faint grid, and the header band of height
 * header_h (0: none). Drawn into the whole canvas (w x h); sizes scale with scale_h (see
 * rd_widgets.h); callers clip. */
void rd_draw_background(cairo_t *cr, const struct rd_theme *theme, int w, int h, int scale_h,
                        double header_h);

/* Line (and area under it) through values[0..n) scaled to their min..max inside r. */
void rd_draw_sparkline(cairo_t *cr, struct rd_rect r, const double *values, size_t n,
                       struct rd_color color, double line_w);

/* L-shaped corner marks of length len at the four corners of r. */
void rd_draw_corners(cairo_t *cr, struct rd_rect r, double len, double line_w,
                     struct rd_color color);
