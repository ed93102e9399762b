#pragma once
/* Private to layers/: the map's per-layer state shared by ly_map.c, ly_draw.c, ly_geom.c. */
#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "ly_internal.h"
#include "ly_map.h"

struct mlayer {
	struct ly_layer *l;
	struct ly_style st;
	/* projected */
	double *wx, *wy;   /* per vertex */
	float *imp;        /* per vertex: Douglas–Peucker tolerance in world units */
	double (*fbox)[4]; /* per feature world bbox */
	double *area;      /* per feature world area (polygons), length (lines) */
	double *lab_x, *lab_y; /* per feature world label anchor */
	double *sorted;        /* per feature: classify's scratch, so that it cannot fail */
	uint32_t max_part;     /* vertices of the largest part: the draw's scratch */
	bool labels_ok;        /* polygons: anchors computed (lazily, only when labelled) */
	double wbox[4];
	/* values */
	bool *live_has;
	double *live_val;
	int *cls;          /* per feature class, -1 none */
	double *val;       /* per feature value (NAN none) */
	int nclass;
	double breaks[LY_CLASSES_MAX + 1];
	char cats[LY_CLASSES_MAX][64];
	double vmin, vmax;
};

struct placed {
	char *text;
	int layer, feature;
	double x, y, box[4];
};

struct ly_map {
	enum ly_proj proj;
	int n, cap;
	struct mlayer *ml;
	struct ly_view view;
	bool have_view, opaque;
	int canvas_h;          /* sizes scale with this height (0: the view's) */
	int threads;           /* ly_map_set_threads: the static layers in bands on this many */
	bool fast_strokes;     /* ly_map_set_fast_strokes: outlines by coverage (ly_stroke.c) */
	/* cache */
	cairo_surface_t *cache;
	bool dirty;
	struct ly_view cache_view;
	struct rd_theme cache_theme;
	bool have_theme;
	/* last static pass */
	struct ly_map_stats stats;
	int nplaced;
	struct placed *placed;
	bool have_legend;
	double legend_box[4];
	/* hit index: grid over world bbox */
	bool index_ok;
	int gw, gh;
	double gbox[4];
	int *cell_start, *cell_items; /* items: layer << 24 | feature */
};

/* ly_geom.c. Sizes here come from the data, so running out of memory is a result (false),
 * never an abort (ly_map.h). */
struct ly_dp_work { /* the spans still to split, reused from part to part */
	void *spans;
	size_t cap;
};
void ly_dp_work_free(struct ly_dp_work *w);
/* false when w cannot grow (imp is then incomplete) */
bool ly_dp_importance(const double *x, const double *y, size_t n, bool closed, float *imp, struct ly_dp_work *w);
/* false (ox, oy untouched) when out of memory */
bool ly_polylabel(const double *x, const double *y, const struct ly_part *parts, uint32_t nparts,
                  const float *imp, float min_imp, double precision, double *ox, double *oy);
/* ly_map.c: the label anchors of a polygon layer, computed once; false when out of memory
 * (tried again next time). */
bool ly_map_label_points(struct mlayer *ml);
/* ly_map.c: forgets the labels placed by the last static pass. */
void ly_map_free_labels(struct ly_map *m);
/* ly_stroke.c: solid strokes with round joins and caps drawn without cairo_stroke, for one
 * colour at a time: the coverage of each pixel is r + 0.5 minus its centre's distance to the
 * nearest segment (clamped to 0..1), the segments' maximum; then composited OVER. Cairo's
 * stroker spends microseconds per vertex on the joins and the scan conversion of one polygon
 * the size of the map; this is a few hundred nanoseconds. The pixels differ from Cairo's
 * only where a pixel is partly covered (by up to about half the colour difference).
 * A coverage buffer covers rows y0..y1 of a target w pixels wide. */
struct ly_cov;
struct ly_cov *ly_cov_new(int w, int y0, int y1); /* NULL for no rows, or when out of memory */
void ly_cov_segment(struct ly_cov *c, double ax, double ay, double bx, double by, double half_width);
void ly_cov_composite(const struct ly_cov *c, cairo_surface_t *target, struct rd_color color);
void ly_cov_free(struct ly_cov *c);
/* ly_draw.c */
bool ly_draw_static(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, struct rd_err *err);
void ly_draw_overlay(struct ly_map *m, cairo_t *cr, const struct rd_theme *th, double t);
