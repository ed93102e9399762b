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
	CW_PANEL_KPI, /* one metric as a KPI card */
	CW_PANEL_MAP, /* GIS layers from shapefiles, with live values joined on a key */
};

enum { CW_PANELS_MAX = 48, CW_LAYOUTS_MAX = 4, CW_MAP_LAYERS_MAX = 24, CW_PANEL_LAYERS_MAX = 6 };

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
	char metric[32];  /* kpi: the metric key */
	int col, row, colspan, rowspan;
	/* map: layers[first_layer .. first_layer + layer_count) of the scene, bottom first */
	enum ly_proj proj;
	int first_layer, layer_count;
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
	int layout_count;
	struct cw_layout_def layouts[CW_LAYOUTS_MAX];
	int map_layer_count;
	struct cw_map_layer_def map_layers[CW_MAP_LAYERS_MAX];
};

/* name_or_file: "city" (config/scenes/city.json) or a path. */
bool cw_scene_load(const char *name_or_file, struct cw_scene *scene, struct rd_err *err);
bool cw_scene_load_file(const char *path, struct cw_scene *scene, struct rd_err *err);
/* The layout whose aspect range holds w/h; the nearest one when none does. */
const struct cw_layout_def *cw_scene_layout(const struct cw_scene *scene, int w, int h);
