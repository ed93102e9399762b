#pragma once
/* Drawing primitives shared by the widgets: colors, shapes, the screen background,
 * sparklines. All take a cairo_t in canvas pixels and leave its state as they found it. */
#include <stdbool.h>
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

/* Helpers for the charts (rd_charts.h). */
struct rd_text_style;  /* rd_text.h */
struct rd_legend_item; /* rd_charts.h */

/* Color i (any i, it cycles) of a categorical palette built from the theme's roles and grade
 * colors: accent, accent2, orange, good, yellow, violet, bad, teal. */
struct rd_color rd_palette(const struct rd_theme *theme, size_t i);

/* A "nice" axis covering [lo, hi]: ticks t0, t0 + step, ..., t0 + n * step with step 1, 2,
 * 2.5 or 5 times a power of ten and 1 <= n <= max_n (max_n < 1 counts as 1). Returns n.
 * Non-finite bounds or an empty range give a sensible axis (0..1, or around the value). */
int rd_nice_axis(double lo, double hi, int max_n, double *t0, double *step);

/* The divisor that labels of values up to max_abs are shown with, and their unit: 1e4 and
 * "万"+unit from 1e5, 1e8 "亿", 1e12 "万亿" (the steps of rd_format_value), else 1 and unit. */
double rd_unit_scale(double max_abs, const char *unit, char *unit_out, size_t size);

/* v clamped to +-1e15 (infinities too); NaN stays NaN, for callers to treat as missing. */
double rd_sane(double v);

/* The font size at which utf8 fits in w on one line when that is at least min_px; otherwise
 * st->px, for rd_text_draw to ellipsize at full size (text shrinks a little, never a lot). */
double rd_text_fit_px(cairo_t *cr, const char *utf8, const struct rd_text_style *st, double w,
                      double min_px);

/* A number and its unit on one baseline, vertically centered in box and aligned by st->align:
 * num in st, unit at 0.6 of its size in unit_color. Both shrink together to fit box (down to
 * 9 px); past that the pair is drawn as one ellipsized line. Returns the width used. */
double rd_draw_value_unit(cairo_t *cr, const char *num, const char *unit,
                          const struct rd_text_style *st, struct rd_color unit_color,
                          struct rd_rect box);

/* A rounded chip filled with fill and text centered in it (st's color and size; the text is
 * ellipsized to the chip). */
void rd_draw_badge(cairo_t *cr, struct rd_rect r, struct rd_color fill, const char *text,
                   const struct rd_text_style *st);

/* A value axis: ticks t0 + i * step for i = 0..n, labelled in units of div with decimals
 * enough for the step. */
struct rd_axis {
	double t0, step, div;
	int n, decimals;
};
struct rd_axis rd_axis_make(double lo, double hi, int max_n, double div);
/* y of value v on a plot spanning [top, top + h) (the first tick at the bottom). */
double rd_axis_y(const struct rd_axis *a, double top, double h, double v);
/* Widest tick label in st. */
double rd_axis_label_width(cairo_t *cr, const struct rd_axis *a, const struct rd_text_style *st);
/* Dashed grid lines across plot at the ticks (when grid) and the tick labels in the column
 * [label_x, label_x + label_w), each centered on its tick, aligned by st->align. */
void rd_axis_draw(cairo_t *cr, const struct rd_theme *th, const struct rd_axis *a,
                  struct rd_rect plot, double label_x, double label_w,
                  const struct rd_text_style *st, bool grid);

/* The row over a chart: left the unit ("单位：件"), right right_text (may be NULL) and the
 * legend between them. Returns the row's height (0 when r is too short to spare one). */
double rd_chart_top_row(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *unit,
                        const char *right_text, const struct rd_legend_item *items, size_t n,
                        int canvas_h);

/* "暂无数据" centered in r, for charts and lists without data. */
void rd_draw_no_data(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, int canvas_h);

/* Rows of a list in r: how many of n rows of rows_em text heights fit, shrinking *px (down to
 * 3/4, never below 9 px) before leaving rows out. With n == 0 draws "暂无数据" and returns 0. */
size_t rd_list_rows(cairo_t *cr, const struct rd_theme *theme, struct rd_rect r, size_t n,
                    double rows_em, double *px, int canvas_h);

/* A horizontal meter: a rounded track across bar, filled to fraction t (0..1) with color
 * fading in from the left, and a bright head when head is set. */
void rd_draw_meter(cairo_t *cr, const struct rd_theme *th, struct rd_rect bar, double t,
                   struct rd_color color, bool head);

/* A warning sign (a triangle with "!") in the square s: the triangle in fill, the mark in
 * mark. */
void rd_draw_warning_sign(cairo_t *cr, struct rd_rect s, struct rd_color fill,
                          struct rd_color mark);
