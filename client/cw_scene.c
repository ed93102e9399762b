#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cw_json.h"
#include "cw_paths.h"
#include "cw_scene.h"
#include "pr_json.h"

static bool get_int(struct json_object *o, const char *file, const char *path, const char *key,
                    int min, int max, int *out, bool optional, struct rd_err *err)
{
	struct pr_err perr;
	int64_t v = *out;
	if (!pr_get_int64(o, path, key, min, max, &v, optional, &perr))
		return cw_json_fail(err, file, perr.msg);
	*out = (int)v;
	return true;
}

/* A style value as ly_style_set takes it: strings as they are, numbers and booleans as
 * text, arrays of numbers (dash) as "4,2". */
static bool style_text(struct json_object *v, char *buf, size_t size)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return (size_t)snprintf(buf, size, "%s", json_object_get_string(v)) < size;
	case json_type_int:
	case json_type_double:
		snprintf(buf, size, "%.17g", json_object_get_double(v));
		return true;
	case json_type_boolean:
		snprintf(buf, size, "%s", json_object_get_boolean(v) ? "true" : "false");
		return true;
	case json_type_array: {
		size_t n = 0;
		buf[0] = '\0';
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double))
				return false;
			n += (size_t)snprintf(buf + n, size > n ? size - n : 0, "%s%.17g", i ? "," : "",
			                      json_object_get_double(e));
			if (n >= size)
				return false;
		}
		return true;
	}
	default:
		return false;
	}
}

static bool load_map_layer(const char *file, const char *path, struct json_object *o,
                           struct cw_map_layer_def *l, struct rd_err *err)
{
	static const char *const keys[] = {"file", "style", "indicator", NULL};
	struct pr_err perr;
	struct json_object *style;
	memset(l, 0, sizeof *l);
	ly_style_default(&l->style);
	if (!json_object_is_type(o, json_type_object))
		return rd_err_set(err, "%s: %s: not an object", file, path);
	if (!cw_json_known_keys(o, file, path, keys, err))
		return false;
	if (!pr_get_string(o, path, "file", l->file, sizeof l->file, false, &perr) ||
	    !pr_get_string(o, path, "indicator", l->indicator, sizeof l->indicator, true, &perr) ||
	    !pr_get_object(o, path, "style", true, &style, &perr))
		return cw_json_fail(err, file, perr.msg);
	if (style) {
		json_object_object_foreach(style, key, val) {
			char text[256];
			struct rd_err serr;
			if (!style_text(val, text, sizeof text))
				return rd_err_set(err, "%s: %s.style.%s: expected a string, number, boolean "
				                  "or array of numbers", file, path, key);
			if (!ly_style_set(&l->style, key, text, &serr))
				return rd_err_set(err, "%s: %s.style: %s", file, path, serr.msg);
		}
	}
	if (l->indicator[0] && !l->style.join_field[0])
		return rd_err_set(err, "%s: %s.indicator: needs style.join_field (the shapefile field "
		                  "holding the district code, e.g. adcode)", file, path);
	return true;
}

/* "overlays": ["alerts", "flows"] -> CW_OVERLAY_* bits; an unknown or repeated name is an
 * error naming the key. */
static bool load_overlays(const char *file, const char *path, struct json_object *o,
                          unsigned *out, struct rd_err *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"alerts", CW_OVERLAY_ALERTS}, {"events", CW_OVERLAY_EVENTS},
	             {"heat", CW_OVERLAY_HEAT},     {"grid", CW_OVERLAY_GRID},
	             {"flows", CW_OVERLAY_FLOWS}};
	struct pr_err perr;
	struct json_object *arr;
	*out = 0;
	if (!pr_get_array(o, path, "overlays", 8, true, &arr, &perr))
		return cw_json_fail(err, file, perr.msg);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *name = json_object_is_type(e, json_type_string) ? json_object_get_string(e)
		                                                            : NULL;
		size_t k = 0;
		while (name && k < sizeof names / sizeof names[0] && strcmp(name, names[k].name))
			k++;
		if (!name || k == sizeof names / sizeof names[0])
			return rd_err_set(err, "%s: %s.overlays[%zu]: unknown overlay \"%.32s\" (known: "
			                  "alerts, events, heat, grid, flows)", file, path, i,
			                  name ? name : "(not a string)");
		if (*out & names[k].bit)
			return rd_err_set(err, "%s: %s.overlays[%zu]: \"%s\" given twice", file, path, i,
			                  name);
		*out |= names[k].bit;
	}
	return true;
}

static bool load_map(const char *file, const char *path, struct json_object *o,
                     struct cw_scene *s, struct cw_panel_def *p, struct rd_err *err)
{
	struct pr_err perr;
	struct json_object *layers;
	char proj[16] = "merc";
	if (!pr_get_array(o, path, "layers", CW_PANEL_LAYERS_MAX, false, &layers, &perr) ||
	    !pr_get_string(o, path, "proj", proj, sizeof proj, true, &perr))
		return cw_json_fail(err, file, perr.msg);
	if (!load_overlays(file, path, o, &p->overlays, err))
		return false;
	if (strcmp(proj, "merc") == 0)
		p->proj = LY_PROJ_MERCATOR;
	else if (strcmp(proj, "eqc") == 0)
		p->proj = LY_PROJ_EQUIRECT;
	else
		return rd_err_set(err, "%s: %s.proj: \"%s\" is not merc or eqc", file, path, proj);
	p->first_layer = s->map_layer_count;
	p->layer_count = (int)json_object_array_length(layers);
	if (p->layer_count == 0)
		return rd_err_set(err, "%s: %s.layers: a map needs at least one layer", file, path);
	if (s->map_layer_count + p->layer_count > CW_MAP_LAYERS_MAX)
		return rd_err_set(err, "%s: %s.layers: more than %d map layers in the scene", file, path,
		                  CW_MAP_LAYERS_MAX);
	for (int i = 0; i < p->layer_count; i++) {
		char lpath[96];
		snprintf(lpath, sizeof lpath, "%s.layers[%d]", path, i);
		if (!load_map_layer(file, lpath, json_object_array_get_idx(layers, (size_t)i),
		                    &s->map_layers[s->map_layer_count++], err))
			return false;
	}
	return true;
}

static bool load_panel(const char *file, const char *path, struct json_object *o,
                       const struct cw_layout_def *lay, struct cw_scene *s, struct cw_panel_def *p,
                       struct rd_err *err)
{
	static const char *const keys[] = {"type",  "id",   "title", "metric", "metrics", "bind",
	                                   "rows",  "at",   "layers", "proj",   "overlays", NULL};
	struct pr_err perr;
	char type[32];
	memset(p, 0, sizeof *p);
	if (!json_object_is_type(o, json_type_object))
		return rd_err_set(err, "%s: %s: not an object", file, path);
	if (!cw_json_known_keys(o, file, path, keys, err))
		return false;
	snprintf(p->id, sizeof p->id, "%s", path);
	if (!pr_get_string(o, path, "type", type, sizeof type, false, &perr) ||
	    !pr_get_string(o, path, "id", p->id, sizeof p->id, true, &perr) ||
	    !pr_get_string(o, path, "title", p->title, sizeof p->title, true, &perr))
		return cw_json_fail(err, file, perr.msg);
	int t = 0;
	while (t < CW_PANEL_TYPE_COUNT && strcmp(type, cw_panel_type_name((enum cw_panel_type)t)))
		t++;
	if (t == CW_PANEL_TYPE_COUNT)
		return rd_err_set(err,
		                  "%s: %s.type: unknown panel type \"%s\" (known: kpi, map, trend, gauge, "
		                  "bars, ring, rank, projects, chain, table, stats, alerts, duty)",
		                  file, path, type);
	p->type = (enum cw_panel_type)t;
	bool needs_metric = p->type == CW_PANEL_KPI || p->type == CW_PANEL_GAUGE;
	bool needs_bind = p->type == CW_PANEL_BARS || p->type == CW_PANEL_RING ||
	                  p->type == CW_PANEL_RANK || p->type == CW_PANEL_TABLE ||
	                  p->type == CW_PANEL_STATS;
	if (!pr_get_string(o, path, "metric", p->metric, sizeof p->metric, !needs_metric, &perr) ||
	    !pr_get_string(o, path, "bind", p->bind, sizeof p->bind, !needs_bind, &perr))
		return cw_json_fail(err, file, perr.msg);
	struct json_object *rows;
	if (json_object_object_get_ex(o, "rows", &rows)) {
		if (!json_object_is_type(rows, json_type_int) || json_object_get_int(rows) < 1 ||
		    json_object_get_int(rows) > 50)
			return rd_err_set(err, "%s: %s.rows: must be an integer from 1 to 50", file, path);
		p->rows = json_object_get_int(rows);
	}
	struct json_object *metrics;
	if (p->type == CW_PANEL_TREND) {
		if (!pr_get_array(o, path, "metrics", 4, false, &metrics, &perr))
			return cw_json_fail(err, file, perr.msg);
		p->metric_count = (int)json_object_array_length(metrics);
		if (p->metric_count == 0)
			return rd_err_set(err, "%s: %s.metrics: a trend needs at least one metric", file,
			                  path);
		for (int i = 0; i < p->metric_count; i++) {
			struct json_object *m = json_object_array_get_idx(metrics, (size_t)i);
			const char *ms = json_object_is_type(m, json_type_string) ? json_object_get_string(m)
			                                                        : NULL;
			if (!ms || !*ms || strlen(ms) >= sizeof p->metrics[i])
				return rd_err_set(err, "%s: %s.metrics[%d]: must be a metric key of at most "
				                  "%zu bytes", file, path, i, sizeof p->metrics[i] - 1);
			memcpy(p->metrics[i], ms, strlen(ms) + 1);
		}
	} else if (json_object_object_get_ex(o, "metrics", &metrics)) {
		return rd_err_set(err, "%s: %s.metrics: only a trend panel takes metrics", file, path);
	}
	/* a duty panel with "layers" is the duty console's map (cw_duty_panel.c) */
	if (p->type == CW_PANEL_MAP ||
	    (p->type == CW_PANEL_DUTY && json_object_object_get_ex(o, "layers", NULL))) {
		if (!load_map(file, path, o, s, p, err))
			return false;
	} else if (json_object_object_get_ex(o, "layers", &metrics)) {
		return rd_err_set(err, "%s: %s.layers: only a map panel takes layers", file, path);
	} else if (json_object_object_get_ex(o, "overlays", &metrics)) {
		return rd_err_set(err, "%s: %s.overlays: only a map panel takes overlays", file, path);
	}
	struct json_object *at;
	if (!pr_get_array(o, path, "at", 4, false, &at, &perr))
		return cw_json_fail(err, file, perr.msg);
	int v[4];
	for (size_t i = 0; i < 4; i++) {
		struct json_object *e = json_object_array_get_idx(at, i);
		if (json_object_array_length(at) != 4 || !json_object_is_type(e, json_type_int))
			return rd_err_set(err, "%s: %s.at: must be [col, row, colspan, rowspan] integers",
			                  file, path);
		v[i] = json_object_get_int(e);
	}
	p->col = v[0], p->row = v[1], p->colspan = v[2], p->rowspan = v[3];
	/* compared without adding: an int near INT_MAX in the file must not overflow */
	if (p->col < 0 || p->row < 0 || p->colspan < 1 || p->rowspan < 1 ||
	    p->col >= lay->grid.cols || p->row >= lay->grid.rows ||
	    p->colspan > lay->grid.cols - p->col || p->rowspan > lay->grid.rows - p->row)
		return rd_err_set(err, "%s: %s.at: [%d, %d, %d, %d] does not fit the %dx%d grid", file,
		                  path, p->col, p->row, p->colspan, p->rowspan, lay->grid.cols,
		                  lay->grid.rows);
	return true;
}

const char *cw_panel_type_name(enum cw_panel_type type)
{
	static const char *const names[CW_PANEL_TYPE_COUNT] = {
	    [CW_PANEL_KPI] = "kpi",     [CW_PANEL_MAP] = "map",           [CW_PANEL_TREND] = "trend",
	    [CW_PANEL_GAUGE] = "gauge", [CW_PANEL_BARS] = "bars",         [CW_PANEL_RING] = "ring",
	    [CW_PANEL_RANK] = "rank",   [CW_PANEL_PROJECTS] = "projects", [CW_PANEL_CHAIN] = "chain",
	    [CW_PANEL_TABLE] = "table", [CW_PANEL_STATS] = "stats",       [CW_PANEL_ALERTS] = "alerts",
	    [CW_PANEL_DUTY] = "duty" /* docs/modes.md */};
	return (unsigned)type < CW_PANEL_TYPE_COUNT ? names[type] : "?";
}

static bool overlap(const struct cw_panel_def *a, const struct cw_panel_def *b)
{
	return a->col < b->col + b->colspan && b->col < a->col + a->colspan &&
	       a->row < b->row + b->rowspan && b->row < a->row + a->rowspan;
}

static bool load_layout(const char *file, const char *path, struct json_object *o,
                        struct cw_scene *s, struct cw_layout_def *lay, struct rd_err *err)
{
	static const char *const keys[] = {"min_aspect", "max_aspect", "grid", "margin",
	                                   "panels", NULL};
	static const char *const grid_keys[] = {"cols", "rows", "gap", NULL};
	struct pr_err perr;
	struct json_object *grid, *panels;
	memset(lay, 0, sizeof *lay);
	lay->min_aspect = 0, lay->max_aspect = 100, lay->margin = 16, lay->grid.gap = 12;
	if (!json_object_is_type(o, json_type_object))
		return rd_err_set(err, "%s: %s: not an object", file, path);
	if (!cw_json_known_keys(o, file, path, keys, err))
		return false;
	if (!pr_get_double(o, path, "min_aspect", 0.1, 10, &lay->min_aspect, true, &perr) ||
	    !pr_get_double(o, path, "max_aspect", 0.1, 100, &lay->max_aspect, true, &perr) ||
	    !pr_get_double(o, path, "margin", 0, 200, &lay->margin, true, &perr) ||
	    !pr_get_object(o, path, "grid", false, &grid, &perr) ||
	    !pr_get_array(o, path, "panels", CW_PANELS_MAX, false, &panels, &perr))
		return cw_json_fail(err, file, perr.msg);
	char gpath[64];
	snprintf(gpath, sizeof gpath, "%s.grid", path);
	if (!cw_json_known_keys(grid, file, gpath, grid_keys, err) ||
	    !get_int(grid, file, gpath, "cols", 1, 96, &lay->grid.cols, false, err) ||
	    !get_int(grid, file, gpath, "rows", 1, 96, &lay->grid.rows, false, err))
		return false;
	if (!pr_get_double(grid, gpath, "gap", 0, 200, &lay->grid.gap, true, &perr))
		return cw_json_fail(err, file, perr.msg);
	if (lay->min_aspect > lay->max_aspect)
		return rd_err_set(err, "%s: %s.min_aspect: larger than max_aspect", file, path);
	lay->panel_count = (int)json_object_array_length(panels);
	for (int i = 0; i < lay->panel_count; i++) {
		char ppath[64];
		snprintf(ppath, sizeof ppath, "%s.panels[%d]", path, i);
		if (!load_panel(file, ppath, json_object_array_get_idx(panels, (size_t)i), lay, s,
		                &lay->panels[i], err))
			return false;
		for (int k = 0; k < i; k++)
			if (overlap(&lay->panels[k], &lay->panels[i]))
				return rd_err_set(err, "%s: %s.at: overlaps panel \"%s\"", file, ppath,
				                  lay->panels[k].id);
	}
	return true;
}

bool cw_scene_load_file(const char *path, struct cw_scene *s, struct rd_err *err)
{
	static const char *const keys[] = {"name", "title", "header", "ticker", "layouts", NULL};
	memset(s, 0, sizeof *s);
	struct json_object *root = cw_json_load(path, err);
	if (!root)
		return false;
	s->ticker_h = 0.05;
	bool ok = false;
	struct pr_err perr;
	struct json_object *header, *layouts, *ticker;
	if (!json_object_is_type(root, json_type_object)) {
		rd_err_set(err, "%s: the scene must be a JSON object", path);
		goto out;
	}
	if (!cw_json_known_keys(root, path, "", keys, err))
		goto out;
	if (!pr_get_string(root, "scene", "name", s->name, sizeof s->name, false, &perr) ||
	    !pr_get_string(root, "scene", "title", s->title, sizeof s->title, true, &perr) ||
	    !pr_get_object(root, "scene", "header", true, &header, &perr) ||
	    !pr_get_array(root, "scene", "layouts", CW_LAYOUTS_MAX, false, &layouts, &perr)) {
		cw_json_fail(err, path, perr.msg);
		goto out;
	}
	if (header) {
		static const char *const hkeys[] = {"height", NULL};
		s->header_h = 0.08;
		if (!cw_json_known_keys(header, path, "header", hkeys, err))
			goto out;
		if (!pr_get_double(header, "header", "height", 0.03, 0.25, &s->header_h, true, &perr)) {
			cw_json_fail(err, path, perr.msg);
			goto out;
		}
	}
	if (json_object_object_get_ex(root, "ticker", &ticker)) {
		static const char *const tkeys[] = {"height", NULL};
		if (json_object_is_type(ticker, json_type_boolean) && !json_object_get_boolean(ticker)) {
			s->ticker_h = 0;
		} else if (!json_object_is_type(ticker, json_type_object)) {
			rd_err_set(err, "%s: ticker: must be an object like {\"height\": 0.05} or false", path);
			goto out;
		} else if (!cw_json_known_keys(ticker, path, "ticker", tkeys, err)) {
			goto out;
		} else if (!pr_get_double(ticker, "ticker", "height", 0.03, 0.12, &s->ticker_h, true,
		                          &perr)) {
			cw_json_fail(err, path, perr.msg);
			goto out;
		}
	}
	s->layout_count = (int)json_object_array_length(layouts);
	if (s->layout_count == 0) {
		rd_err_set(err, "%s: layouts: at least one layout is needed", path);
		goto out;
	}
	for (int i = 0; i < s->layout_count; i++) {
		char lpath[32];
		snprintf(lpath, sizeof lpath, "layouts[%d]", i);
		if (!load_layout(path, lpath, json_object_array_get_idx(layouts, (size_t)i), s,
		                 &s->layouts[i], err))
			goto out;
	}
	ok = true;
out:
	json_object_put(root);
	if (!ok) /* never half a scene */
		memset(s, 0, sizeof *s);
	return ok;
}

bool cw_scene_load(const char *name_or_file, struct cw_scene *s, struct rd_err *err)
{
	memset(s, 0, sizeof *s);
	if (strchr(name_or_file, '/') || strstr(name_or_file, ".json"))
		return cw_scene_load_file(name_or_file, s, err);
	char rel[128], path[4096];
	if (snprintf(rel, sizeof rel, "config/scenes/%s.json", name_or_file) >= (int)sizeof rel)
		return rd_err_set(err, "scene name too long: %s", name_or_file);
	if (!cw_data_path(rel, path, sizeof path, err))
		return rd_err_prefix(err, "scene \"%s\"", name_or_file);
	return cw_scene_load_file(path, s, err);
}

const struct cw_layout_def *cw_scene_layout(const struct cw_scene *s, int w, int h)
{
	double aspect = (double)w / (h > 0 ? h : 1);
	const struct cw_layout_def *best = &s->layouts[0];
	double best_d = INFINITY;
	for (int i = 0; i < s->layout_count; i++) {
		const struct cw_layout_def *l = &s->layouts[i];
		if (aspect >= l->min_aspect && aspect <= l->max_aspect)
			return l;
		double d = fmin(fabs(aspect - l->min_aspect), fabs(aspect - l->max_aspect));
		if (d < best_d)
			best_d = d, best = l;
	}
	return best;
}
