#pragma once
/* Layer styles: plain structs the client fills from a scene's JSON (or code fills through
 * ly_style_default + ly_style_set, the json-free builder used by `cbwall shp2png`).
 *
 * Colors left unset come from the theme passed when drawing (RD_MAP_FILL, RD_MAP_STROKE,
 * RD_MAP_LABEL, RD_MAP_HALO, RD_ACCENT for symbols, grade[0] for pulsing alerts); class
 * colors come from the theme's ramp named by `ramp` (the first ramp when empty).
 * A style is a value: it holds no pointers, copy it freely. Any thread. */
#include <stdbool.h>

#include "rd_err.h"
#include "rd_theme.h"

enum { LY_CLASSES_MAX = 9, LY_FIELD_MAX = 32 };

struct ly_paint {
	bool set; /* false: the theme's color for the role */
	struct rd_color color;
};

enum ly_classify {
	LY_CLASSIFY_NONE,        /* one fill for all features */
	LY_CLASSIFY_QUANTILE,    /* equal counts per class */
	LY_CLASSIFY_EQUAL,       /* equal-width value intervals */
	LY_CLASSIFY_CATEGORICAL, /* one class per distinct text value (up to LY_CLASSES_MAX) */
};

enum ly_symbol {
	LY_SYMBOL_CIRCLE,
	LY_SYMBOL_SQUARE,
	LY_SYMBOL_PULSE, /* pulsing ring for alerts: animated, so drawn over the cached layers */
};

struct ly_style {
	bool visible;
	/* polygons and lines */
	struct ly_paint fill, stroke;
	double stroke_width;  /* px at 1080 lines of screen; scaled with the canvas height */
	double opacity;       /* 0..1, applied to fill and symbols (strokes keep theirs) */
	double dash[4];       /* px, on/off lengths; dash_count 0 = solid */
	int dash_count;
	/* choropleth: the value of a feature is the live value joined on join_field when one was
	 * set (ly_map_set_values), else the attribute value_field */
	enum ly_classify classify;
	char value_field[LY_FIELD_MAX];
	char join_field[LY_FIELD_MAX];
	int classes;          /* 2..9 */
	char ramp[32];
	bool legend;
	char legend_title[64];
	/* points */
	enum ly_symbol symbol;
	double symbol_size;   /* diameter px at 1080 lines; with size_field: the largest */
	char size_field[LY_FIELD_MAX];  /* sized by value (area-proportional) */
	/* heat: kernel density of the points instead of symbols */
	bool heat;
	double heat_radius;   /* px at 1080 lines */
	char heat_weight_field[LY_FIELD_MAX];
	/* labels */
	char label_field[LY_FIELD_MAX];
	char priority_field[LY_FIELD_MAX]; /* higher wins the collision pass */
	double label_priority;             /* used when there is no priority field */
	double label_size;                 /* px at 1080 lines; 0: the theme's map label size */
};

/* Visible, theme colors, 1 px stroke, opaque, no classes, circles of 10 px, no labels. */
void ly_style_default(struct ly_style *style);

/* Sets one property from text, for CLIs and simple config: keys are the member names above
 * ("fill", "stroke" take "#rrggbb", "#rrggbbaa" or "none"; "dash" takes "4,2"; "classify"
 * takes none|quantile|equal|categorical; "symbol" circle|square|pulse; booleans true|false).
 * Returns false with err naming the key on a bad key or value. */
bool ly_style_set(struct ly_style *style, const char *key, const char *value, struct rd_err *err);
