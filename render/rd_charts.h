#pragma once
/* Charts, lists and alert strips for the command-center scenes. Like the widgets of
 * rd_widgets.h, each draws inside the rectangle it is given (canvas pixels, usually the
 * content rectangle rd_panel_frame returns) and never outside it, takes its colors from the
 * theme and its sizes from the theme's text sizes at canvas_h (the reference height: 1080 on a
 * 1920x1080 screen, 2160 on a 7680x2160 wall). No label is cut at the rectangle's edge: text
 * shrinks, wraps, thins out or ends in "…" instead.
 * Data comes as plain structs the caller owns; nothing is kept after a call except by
 * rd_ticker_new. Values may be NaN (drawn as missing), negative or absurdly large (clamped);
 * NULL arrays with a zero count and NULL strings are allowed everywhere.
 * Thread: any thread that owns the cairo_t (text goes through rd_text). */
#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "rd_geom.h"
#include "rd_text.h"
#include "rd_theme.h"

/* ---- legend (rd_legend.c) ---- */

struct rd_legend_item {
	const char *label;
	struct rd_color color;
	const char *value; /* optional, right-aligned in a column legend ("25.9%") */
};
/* RD_LEGEND_FLOW: items left to right, wrapping into rows. RD_LEGEND_COLUMN: one item a row,
 * the value right-aligned. */
enum rd_legend_layout { RD_LEGEND_FLOW, RD_LEGEND_COLUMN };
/* Height the legend needs at width w at full text size (rd_legend_draw shrinks it to fit). */
double rd_legend_measure(cairo_t *cr, const struct rd_theme *th, double w,
                         const struct rd_legend_item *items, size_t n, enum rd_legend_layout layout,
                         int canvas_h);
/* Width of the legend on one row (RD_LEGEND_FLOW), for right-aligning it. */
double rd_legend_width(cairo_t *cr, const struct rd_theme *th, const struct rd_legend_item *items,
                       size_t n, int canvas_h);
/* Draws the legend from the top of r; rows that do not fit even at the smallest text are
 * left out. Returns the height used. */
double rd_legend_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                      const struct rd_legend_item *items, size_t n, enum rd_legend_layout layout,
                      int canvas_h);

/* ---- line chart (rd_chart_line.c) ---- */

enum { RD_LINE_SERIES_MAX = 3 };
struct rd_line_series {
	const char *name;     /* legend label; NULL or "" for none */
	const double *values; /* one per x position; NaN is a gap */
	size_t n;
};
struct rd_line_chart {
	const struct rd_line_series *series; /* the first RD_LINE_SERIES_MAX are drawn */
	size_t series_count;
	/* x labels: labels[i] for point i when given; else hours "HH:00" from first_hour. */
	const char *const *labels;
	size_t label_count;
	int first_hour;
	const char *unit; /* of the values, shown over the axis ("件"); 万/亿 added as needed */
	int decimals;     /* of the latest-value tag */
	bool no_area;     /* no area fill under the first series */
};
void rd_line_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                        const struct rd_line_chart *chart, int canvas_h);

/* ---- bar chart (rd_chart_bar.c) ---- */

struct rd_bar_item {
	const char *label; /* category, e.g. "蜀山区" */
	double value;
	double growth_pct; /* second series; NaN: none */
};
struct rd_bar_chart {
	const struct rd_bar_item *items;
	size_t count;
	const char *unit;        /* of the values ("亿元") */
	int decimals;            /* of the value labels before 万/亿 scaling */
	const char *value_name;  /* legend label of the bars; NULL: no legend entry */
	const char *growth_name; /* legend label of the growth line ("同比增速") */
};
void rd_bar_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                       const struct rd_bar_chart *chart, int canvas_h);

/* ---- ring (donut) chart (rd_chart_ring.c) ---- */

struct rd_ring_item {
	const char *label;
	double value; /* negative and NaN count as 0 */
};
struct rd_ring_chart {
	const struct rd_ring_item *items;
	size_t count;
	const char *center_label; /* under the total ("事件总数"); NULL: none */
	const char *unit;         /* of the total */
	int decimals;
};
/* Items beyond what the legend can show are merged into a last "其他" slice. */
void rd_ring_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                        const struct rd_ring_chart *chart, int canvas_h);

/* ---- gauge (rd_gauge.c) ---- */

struct rd_gauge {
	double value, min, max;
	/* Zone edges: with higher_is_better, below bad is bad and below warn is warn; otherwise
	 * from warn up is warn and from bad up is bad. NaN: that zone does not exist. */
	double warn, bad;
	bool higher_is_better;
	const char *label;
	const char *unit;
	int decimals;
};
void rd_gauge_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_gauge *gauge, int canvas_h);
/* The same in parts, keeping the value arc's gradient as a picture in *cache (made on first
 * use and remade when the geometry, color or device offset change; NULL cache: none).
 * RD_GAUGE_STILL draws what depends on the geometry, range and zones only (the track, its
 * ticks, min and max); RD_GAUGE_VALUE the rest (the value's arc, pointer, number and label),
 * which never overlaps the still part: a panel keeps a picture of the still part and, when
 * the value changes, paints that back and draws the value part, a copy instead of the whole
 * gauge and a gradient over the arc. STILL then VALUE is ALL, rd_gauge_draw's pixels within a
 * level of rounding.
 * Free with rd_gauge_cache_free (NULL is fine). */
enum { RD_GAUGE_STILL = 1, RD_GAUGE_VALUE = 2, RD_GAUGE_ALL = 3 };
struct rd_gauge_cache;
void rd_gauge_draw_cached(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                          const struct rd_gauge *gauge, int canvas_h, unsigned parts,
                          struct rd_gauge_cache **cache);
void rd_gauge_cache_free(struct rd_gauge_cache *cache);

/* ---- ranking list (rd_rank.c) ---- */

struct rd_rank_item {
	const char *name;
	double value;
};
struct rd_rank_list {
	const struct rd_rank_item *items; /* in rank order */
	size_t count;
	const char *unit;
	int decimals;
	size_t max_rows; /* 0: as many as fit */
	/* NULL, or one growth % per item, shown right of the value ("▲46.9%" good, "▼3.2%"
	 * bad; NaN "--"). */
	const double *growth_pct;
};
void rd_rank_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                  const struct rd_rank_list *list, int canvas_h);

/* ---- scrolling table, 轮播表 (rd_table.c) ---- */

struct rd_table_column {
	const char *title;
	double weight; /* relative width; <= 0 or NaN counts as 1 */
	enum rd_align align;
};
struct rd_table {
	const struct rd_table_column *columns;
	size_t column_count;
	const char *const *cells;           /* row_count * column_count, row-major */
	const struct rd_color *cell_colors; /* NULL, or one per cell; alpha 0: the text color */
	size_t row_count;
	/* First visible row, fractional: the caller animates it (e.g. +1 every 3 s, eased). Rows
	 * wrap around when there are more than fit; otherwise it is ignored. */
	double scroll;
};
/* How many whole body rows r shows. */
int rd_table_visible_rows(const struct rd_theme *th, struct rd_rect r, int canvas_h);
void rd_table_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_table *table, int canvas_h);
/* A carousel's rows kept as a picture (PERFORMANCE.md: a slide should cost a copy, not a
 * re-layout of every cell). rd_table_draw_body_cached draws the body of a scrolling table
 * (more rows than fit) as rd_table_draw would, from the rows first..first+visible rendered
 * once into *cache (made on first use, remade when rows_key, the first row, r, canvas_h or
 * the device offset change); the header is not drawn. rows_key must change whenever the
 * cells, colors or columns do. Returns false, drawing nothing, when the table does not
 * scroll or cr's transformation is not a whole-pixel translation: draw with rd_table_draw
 * then. Pixels match rd_table_draw's within rounding (glyph edges, composited once more, may differ
 * by a few levels).
 * Free with rd_table_cache_free (NULL is fine). */
struct rd_table_cache;
bool rd_table_draw_body_cached(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                               const struct rd_table *table, int canvas_h, uint64_t rows_key,
                               struct rd_table_cache **cache);
void rd_table_cache_free(struct rd_table_cache *cache);
/* The body of r (under the header) as rd_table_draw lays it out. */
struct rd_rect rd_table_body(const struct rd_theme *th, struct rd_rect r, int canvas_h);

/* ---- progress bars (rd_progress.c) ---- */

struct rd_progress_item {
	const char *name;
	double percent;               /* the bar clamps to 0..100 */
	const char *status;           /* optional ("进行中") */
	struct rd_color status_color; /* alpha 0: dim text; also colors the bar when set */
};
void rd_progress_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                      const struct rd_progress_item *items, size_t n, int canvas_h);

/* ---- industry chain diagram (rd_chain.c) ---- */

enum { RD_CHAIN_STAGES = 3 }; /* 上游, 中游, 下游 */
struct rd_chain_node {
	const char *name;
	double value;
	int stage; /* 0..2; others are clamped */
};
struct rd_chain_link {
	size_t from, to; /* node indexes; links to missing nodes or within a stage are skipped */
	double value;    /* band weight; NaN or <= 0: the smaller of the two nodes' values */
};
struct rd_chain {
	const struct rd_chain_node *nodes;
	size_t node_count;
	const struct rd_chain_link *links;
	size_t link_count;
	const char *unit;
	int decimals;
	const char *stage_titles[RD_CHAIN_STAGES]; /* NULL: 上游 中游 下游 */
};
/* Nodes that do not fit in their column are left out with their links. */
void rd_chain_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_chain *chain, int canvas_h);

/* ---- grade-1 alert banner (rd_banner.c) ---- */

struct rd_banner {
	const char *grade_label; /* NULL: "特别重大" */
	const char *title;
	const char *time;  /* "14:32" */
	const char *place; /* "蜀山区 长江西路" */
	double phase;      /* pulse, 0..1 repeating; 0 is the brightest */
};
void rd_banner_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                    const struct rd_banner *banner, int canvas_h);

/* ---- alert ticker strip (rd_ticker.c) ----
 * Drawn in two parts so a moving strip costs a copy: rd_ticker_new renders the scrolling
 * items once into an opaque strip image (one period long; it repeats seamlessly), and
 * rd_ticker_draw paints, every frame, the fixed parts (the "实时告警" label on the left, the
 * unacknowledged counts per grade on the right) and the visible window of the strip at an
 * integer offset, with the flash of new items on top. Rebuild the strip when the items, the
 * theme or the strip's height change; offset and phase alone never need a rebuild. */

struct rd_ticker_item {
	int grade;         /* 1 特别重大 red .. 4 一般 blue; others count as 4 */
	const char *place; /* "蜀山区" */
	const char *title;
	bool is_new; /* flashes (phase) until acknowledged */
};
struct rd_ticker;
/* Renders the strip, h pixels high (the height of the rectangle it will be drawn in); the
 * items' strings are not kept. Items past a 32000 px strip (about as wide as Cairo images go)
 * are left out. Returns NULL when there are no items or h < 1, and rd_ticker_draw takes NULL
 * as "no alerts"; the caller frees the result with rd_ticker_free. */
struct rd_ticker *rd_ticker_new(const struct rd_theme *th, const struct rd_ticker_item *items,
                                size_t n, int h, int canvas_h);
void rd_ticker_free(struct rd_ticker *ticker);
/* Length of one cycle in pixels: offsets repeat modulo it (0 for NULL). */
int rd_ticker_period(const struct rd_ticker *ticker);
/* The strip in r (whole pixels): offset is how far the items have moved left, any integer;
 * phase (0..1, repeating) drives the flash of new items; counts[i] is the number of
 * unacknowledged alerts of grade i + 1. */
void rd_ticker_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                    const struct rd_ticker *ticker, long offset, double phase,
                    const int counts[RD_GRADES], int canvas_h);
/* Hit-testing (a tap on the ticker): the index, among the items given to rd_ticker_new, of
 * the item drawn under x by rd_ticker_draw with the same r, offset, counts and canvas_h; an
 * item within slop pixels counts (a finger is wide). -1 for the fixed parts, the scroll
 * window's gaps or no strip. */
int rd_ticker_item_at(const struct rd_theme *th, struct rd_rect r, const struct rd_ticker *t,
                      long offset, const int counts[RD_GRADES], int canvas_h, double x,
                      double slop);
