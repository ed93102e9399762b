#pragma once
/* Scene files (config/scenes/NAME.json): a header and panels on a grid, with one layout per
 * range of screen aspect (16:9, 32:9, 9:16 ...), so one scene fits any wall. Format:
 * docs/scenes.md. Loading validates everything (types, grid bounds, overlapping panels) and
 * names the file and key of the first problem. A loaded scene is immutable. */
#include <stdbool.h>

#include "ly_style.h"
#include "ly_view.h"
#include "rd_err.h"
#include "rd_geom.h"

enum cw_panel_type {
	CW_PANEL_KPI,      /* one metric as a KPI card */
	CW_PANEL_MAP,      /* GIS layers from shapefiles, with live values joined on a key */
	CW_PANEL_TREND,    /* line chart of metrics' histories ("metrics": up to 4 keys) */
	CW_PANEL_GAUGE,    /* one metric as a gauge ("metric") */
	CW_PANEL_BARS,     /* bar chart of what "bind" names */
	CW_PANEL_RING,     /* ring (donut) chart of what "bind" names */
	CW_PANEL_RANK,     /* ranking list of what "bind" names */
	CW_PANEL_PROJECTS, /* investment projects with progress bars */
	CW_PANEL_CHAIN,    /* the industry chain diagram ("bind": a chain id, "" the first) */
	CW_PANEL_TABLE,    /* scrolling table (轮播表) of what "bind" names */
	CW_PANEL_STATS,    /* a few large figures about what "bind" names */
	CW_PANEL_ALERTS,   /* the list of active alerts */
	CW_PANEL_DUTY,     /* duty console ("bind": "console") or its map ("map", with "layers");
	                      cw_duty_panel.c, docs/modes.md */
	CW_PANEL_TYPE_COUNT
};

/* The scene file's name of a type ("kpi", "map", "trend" ...). */
const char *cw_panel_type_name(enum cw_panel_type type);

enum { CW_PANELS_MAX = 48, CW_LAYOUTS_MAX = 4, CW_MAP_LAYERS_MAX = 24, CW_PANEL_LAYERS_MAX = 6 };

/* Live overlays of a map panel, drawn over its layers in the map's projection from the feed
 * snapshot (docs/scenes.md, "overlays"). */
enum cw_overlay {
	CW_OVERLAY_ALERTS = 1u << 0, /* pulsing rings at unacknowledged alerts, dots at acked ones */
	CW_OVERLAY_EVENTS = 1u << 1, /* grid events as points colored by status, overdue ringed */
	CW_OVERLAY_HEAT = 1u << 2,   /* heat of open events */
	CW_OVERLAY_GRID = 1u << 3,   /* lon/lat grid cells clipped to the districts, busy cells shaded */
	CW_OVERLAY_FLOWS = 1u << 4,  /* fly lines from the command center to districts needing it */
};

/* One layer of a map panel: a shapefile, its style, and optionally the live district
 * indicator joined to it (style.join_field names the shapefile's key field, e.g. adcode). */
struct cw_map_layer_def {
	char file[256];       /* as written in the scene: relative to the data dir, or absolute */
	struct ly_style style;
	char indicator[32];   /* key of a districts.json indicator, "" for none */
};

struct cw_panel_def {
	enum cw_panel_type type;
	char id[64];      /* "aqi" or "panels[3]" when the file gives none: used in messages */
	char title[96];
	char metric[32];  /* kpi, gauge: the metric key */
	char metrics[4][32]; /* trend: the metric keys, metric_count of them */
	int metric_count;
	char bind[48];    /* bars, ring, rank, table, stats, chain: which data (docs/scenes.md) */
	int rows;         /* rank, table, alerts: rows shown at once; 0: as many as fit */
	int col, row, colspan, rowspan;
	/* map: layers[first_layer .. first_layer + layer_count) of the scene, bottom first */
	enum ly_proj proj;
	int first_layer, layer_count;
	unsigned overlays; /* map: CW_OVERLAY_* bits ("overlays" in the scene), drawn over layers */
};

struct cw_layout_def {
	double min_aspect, max_aspect; /* width / height, inclusive range */
	struct rd_grid grid;
	double margin;                 /* around the grid, units of height/1080 */
	int panel_count;
	struct cw_panel_def panels[CW_PANELS_MAX];
};

struct cw_scene {
	char name[32];
	char title[128];
	double header_h;               /* fraction of the canvas height; 0: no header */
	double ticker_h;               /* the alert ticker strip under the grid, same unit; 0: none */
	int layout_count;
	struct cw_layout_def layouts[CW_LAYOUTS_MAX];
	int map_layer_count;
	struct cw_map_layer_def map_layers[CW_MAP_LAYERS_MAX];
};

/* name_or_file: "city" (config/scenes/city.json) or a path. False with err naming the file
 * (and key) when it cannot be found, opened or read in full, is over 1 MiB, is not valid JSON,
 * fails validation, or its buffer cannot be allocated ("FILE: out of memory for N bytes");
 * *scene is then all zero (no layouts), never half a scene. */
bool cw_scene_load(const char *name_or_file, struct cw_scene *scene, struct rd_err *err);
bool cw_scene_load_file(const char *path, struct cw_scene *scene, struct rd_err *err);
/* The layout whose aspect range holds w/h; the nearest one when none does. */
const struct cw_layout_def *cw_scene_layout(const struct cw_scene *scene, int w, int h);
