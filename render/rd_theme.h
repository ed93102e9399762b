#pragma once
/* The theme as drawing code sees it: colors by role, the four alert-grade colors, map color
 * ramps, the font family and text sizes relative to the screen height. Parsing theme JSON
 * files is the client's job (client/cw_theme.c); render only reads this plain struct.
 * A theme is immutable once loaded and may be shared by any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rd_color {
	double r, g, b, a; /* 0..1, not premultiplied */
};

enum rd_role {
	RD_BG,            /* screen background, top */
	RD_BG2,           /* screen background, bottom of the gradient */
	RD_PANEL,         /* panel fill */
	RD_PANEL_BORDER,  /* panel outline */
	RD_PANEL_TITLE,   /* panel title bar fill */
	RD_ACCENT,        /* corner marks, highlights, sparkline */
	RD_ACCENT2,       /* secondary highlight (glow, gradients) */
	RD_TITLE,         /* header title text */
	RD_TEXT,          /* body text */
	RD_TEXT_DIM,      /* labels, units, axes */
	RD_VALUE,         /* big KPI numbers */
	RD_GOOD,          /* a change for the better */
	RD_BAD,           /* a change for the worse */
	RD_GRID,          /* chart grid lines, separators */
	RD_MAP_FILL,      /* polygon fill without data */
	RD_MAP_STROKE,    /* polygon outline */
	RD_MAP_LABEL,     /* map label text */
	RD_MAP_HALO,      /* map label halo */
	RD_ROLE_COUNT
};

enum { RD_GRADES = 4, RD_RAMP_STOPS = 9, RD_RAMPS_MAX = 8 };

/* A color ramp for choropleths and heat layers: 2..9 stops, low to high. */
struct rd_ramp {
	char name[32];
	int n;
	struct rd_color stops[RD_RAMP_STOPS];
};

enum rd_size {
	RD_SIZE_TITLE,       /* header title */
	RD_SIZE_HEADER,      /* header date/clock/weather */
	RD_SIZE_PANEL_TITLE, /* panel titles */
	RD_SIZE_KPI_VALUE,   /* KPI number */
	RD_SIZE_KPI_LABEL,   /* KPI label */
	RD_SIZE_BODY,        /* tables, lists */
	RD_SIZE_SMALL,       /* axes, units, footnotes */
	RD_SIZE_MAP_LABEL,   /* map labels */
	RD_SIZE_COUNT
};

struct rd_theme {
	char name[32];
	char font_family[64];
	struct rd_color colors[RD_ROLE_COUNT];
	struct rd_color grade[RD_GRADES]; /* [0] 特别重大 red, [1] 重大 orange, [2] 较大 yellow, [3] 一般 blue */
	double sizes[RD_SIZE_COUNT];      /* fraction of the screen (canvas) height */
	int ramp_count;
	struct rd_ramp ramps[RD_RAMPS_MAX];
};

/* Name tables for parsers and messages ("bg", "panel_border", ..., "title", "kpi_value", ...). */
const char *rd_role_name(enum rd_role role);
const char *rd_size_name(enum rd_size size);

/* The ramp called name, or NULL. */
const struct rd_ramp *rd_theme_ramp(const struct rd_theme *theme, const char *name);
/* The color at t in [0,1] along a ramp, interpolated between stops (t is clamped). */
struct rd_color rd_ramp_at(const struct rd_ramp *ramp, double t);
/* Text size in pixels for a canvas of the given height, never below 9 px. */
double rd_theme_px(const struct rd_theme *theme, enum rd_size size, int canvas_h);
/* A built-in copy of the dark theme, for code and tests that need one without files. */
void rd_theme_default(struct rd_theme *theme);
