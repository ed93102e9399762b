#pragma once
/* Widgets: theme-driven, scale-aware pieces of a command-center screen. Each draws inside
 * the rectangle it is given (canvas pixels) and never outside it; sizes come from the theme
 * as fractions of the canvas height, so the same widget reads the same on 1080p and on a
 * 2160-high spliced wall. All strings are UTF-8 (invalid bytes are repaired by rd_text). */
#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "rd_geom.h"
#include "rd_theme.h"

/* The content rectangle rd_panel_frame returns for r, without drawing. */
struct rd_rect rd_panel_content(const struct rd_theme *th, struct rd_rect r, bool titled,
                                int canvas_h);
/* Panel frame: translucent fill, outline, corner marks, and a title bar when title is not
 * NULL. Returns the content rectangle inside it. */
struct rd_rect rd_panel_frame(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                              const char *title, int canvas_h);

/* Header pieces: the screen title (centered, gradient-filled), a line of information text
 * (weather on the left), and the date and clock (right-aligned). */
void rd_header_title(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *title,
                     int canvas_h);
void rd_header_text(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                    bool align_right, int canvas_h);
void rd_header_clock(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *date,
                     const char *time, int canvas_h);

/* A KPI card: label, value with unit, change arrow against a comparison period, sparkline. */
struct rd_kpi {
	const char *label;
	const char *value;      /* formatted digits, e.g. "985.3" */
	const char *unit;       /* scaled unit, e.g. "万人" */
	bool has_change;
	double change_pct;
	const char *change_label; /* "较昨日"; NULL or "" for none */
	bool higher_is_better;
	const double *history;  /* oldest first; may be NULL */
	size_t history_len;
	double corner;          /* how far in from the right edge a chip covers the top (the stale
	                         * mark, rd_stale_corner); the label keeps clear of it, 0: none */
};
void rd_kpi_card(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const struct rd_kpi *kpi,
                 int canvas_h);

/* Width of the header's title plate on a canvas (the background draws it, the title sits
 * in it). */
double rd_header_title_width(int canvas_w, int canvas_h);

/* Marks a panel in r whose data is old: a dashed amber outline and, at its top right, a chip
 * with text ("数据更新于 3 分钟前"), or short_text ("3 分钟前") when the panel is too narrow
 * for it to leave its title free. A strip too low for a chip gets the outline only. */
void rd_stale_mark(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                   const char *short_text, int canvas_h);
/* How far in from r's right edge the chip rd_stale_mark would draw reaches (0: no chip), so a
 * panel drawn under the mark can keep a centered title clear of it. */
double rd_stale_corner(cairo_t *cr, const struct rd_theme *th, struct rd_rect r, const char *text,
                       const char *short_text, int canvas_h);

/* The header's connection indicator: a colored dot and a short text, right-aligned in r. */
enum rd_conn_look {
	RD_CONN_LOOK_OK,    /* green: live data */
	RD_CONN_LOOK_WAIT,  /* grey: connecting, or local fixture data */
	RD_CONN_LOOK_DOWN   /* red: the backend does not answer */
};
void rd_conn_indicator(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                       enum rd_conn_look look, const char *text, int canvas_h);
