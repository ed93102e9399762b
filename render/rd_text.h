#pragma once
/* Text through Pango (Noto Sans CJK by default) with fixed font options, so the same inputs
 * give the same pixels on every machine with the same packages: grayscale antialiasing,
 * slight hinting, hint metrics off. Text never overflows its box: a single line ends in "…",
 * several lines wrap and the last one ends in "…". Text that is not valid UTF-8 is repaired
 * (invalid bytes become U+FFFD) before it reaches Pango, so a cairo_t never falls into an
 * error state because of data.
 * Thread: each thread that draws gets its own PangoContext, kept for the thread's life. */
#include <stdbool.h>

#include <cairo.h>

#include "rd_theme.h"

enum rd_align { RD_ALIGN_LEFT, RD_ALIGN_CENTER, RD_ALIGN_RIGHT };
enum rd_valign { RD_VALIGN_TOP, RD_VALIGN_MIDDLE, RD_VALIGN_BOTTOM };

struct rd_text_style {
	const char *family; /* NULL: "Noto Sans CJK SC" */
	double px;          /* font size in pixels (em) */
	bool bold;
	struct rd_color color;
	enum rd_align align;
	enum rd_valign valign;
	int max_lines;      /* 0 or 1: one line with ellipsis; n: wrap into at most n lines */
	double letter_spacing; /* extra pixels between characters */
};

/* A style with the theme's family and the given size, color and alignment. */
struct rd_text_style rd_text_style(const struct rd_theme *theme, double px, struct rd_color color,
                                   enum rd_align align);

/* Draws utf8 in the box (x, y, w, h); returns the logical width actually used. */
double rd_text_draw(cairo_t *cr, const char *utf8, double x, double y, double w, double h,
                    const struct rd_text_style *st);
/* Logical size of utf8 on one line, unconstrained. cr gives the target (may be NULL). */
void rd_text_size(cairo_t *cr, const char *utf8, const struct rd_text_style *st, double *w,
                  double *h);
/* Distance from the top of the logical box to the baseline, for st's font. */
double rd_text_baseline(cairo_t *cr, const struct rd_text_style *st);
/* Appends the outline of one line of text to cr's path with its baseline at (x, baseline),
 * for gradient or outlined titles. */
void rd_text_path(cairo_t *cr, const char *utf8, double x, double baseline,
                  const struct rd_text_style *st);
/* Draws a line of text with its baseline at (x, baseline), left-aligned, no box. */
void rd_text_draw_at(cairo_t *cr, const char *utf8, double x, double baseline,
                     const struct rd_text_style *st);
/* Lays out the glyphs commonly drawn so the first real frame does not pay for cold font
 * caches (~50 ms). */
void rd_text_warm(const struct rd_theme *theme);
/* Startup: rd_text_warm on a thread of its own, with a copy of theme (the default one: the
 * loaded theme is not there yet), while the caller loads its files. What it warms that all
 * threads share (fontconfig, the font files, Cairo's font faces: ~20 ms of the ~25 a cold
 * rd_text_warm costs) is then warm for the caller's own rd_text_warm, which stays needed:
 * Pango's font map and the kept layouts are per thread. rd_text_warm_join waits for the
 * thread, which frees its own caches. One at a time; nothing when the thread cannot start. */
void rd_text_warm_start(const struct rd_theme *theme);
void rd_text_warm_join(void);
/* Frees the calling thread's Pango context and kept layouts (they are per thread): a thread
 * that draws text and ends calls it last. Drawing text afterwards makes them anew. */
void rd_text_thread_end(void);
