#pragma once
/* Scene files (config/scenes/NAME.json): a header and panels on a grid, with one layout per
 * range of screen aspect (16:9, 32:9, 9:16 ...), so one scene fits any wall. Format:
 * docs/scenes.md. Loading validates everything (types, grid bounds, overlapping panels) and
 * names the file and key of the first problem. A loaded scene is immutable. */
#include <stdbool.h>

#include "rd_err.h"
#include "rd_geom.h"

enum cw_panel_type {
	CW_PANEL_KPI, /* one metric as a KPI card */
};

enum { CW_PANELS_MAX = 48, CW_LAYOUTS_MAX = 4 };

struct cw_panel_def {
	enum cw_panel_type type;
	char id[64];      /* "aqi" or "panels[3]" when the file gives none: used in messages */
	char title[96];
	char metric[32];  /* kpi: the metric key */
	int col, row, colspan, rowspan;
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
};

/* name_or_file: "city" (config/scenes/city.json) or a path. */
bool cw_scene_load(const char *name_or_file, struct cw_scene *scene, struct rd_err *err);
bool cw_scene_load_file(const char *path, struct cw_scene *scene, struct rd_err *err);
/* The layout whose aspect range holds w/h; the nearest one when none does. */
const struct cw_layout_def *cw_scene_layout(const struct cw_scene *scene, int w, int h);
