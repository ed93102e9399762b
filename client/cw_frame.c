#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_frame.h"
#include "cw_paths.h"
#include "ly_map.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_widgets.h"

enum item_kind { ITEM_TITLE, ITEM_WEATHER, ITEM_CLOCK, ITEM_PANEL };

struct item {
	enum item_kind kind;
	const struct cw_panel_def *def;
	struct rd_rect rect; /* canvas pixels */
	uint64_t key;        /* hash of what it showed last; 0: nothing yet */
	struct ly_map *map;  /* map panels: layers loaded once per frame */
	int map_layer[CW_PANEL_LAYERS_MAX]; /* map index of each layer def, -1: skipped */
	int map_w, map_h;    /* the size the map's view was fitted to */
};

struct cw_frame {
	const struct cw_scene *scene;
	const struct rd_theme *theme;
	struct cw_view view;
	int utc_offset_min;
	cairo_surface_t *background; /* the static screen, viewport-sized, opaque */
	bool full;                   /* next draw repaints everything */
	int item_count;
	struct item items[CW_PANELS_MAX + 3];
};

static uint64_t hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	return hash(h, s, strlen(s) + 1);
}

/* The height text and line sizes scale with: the screen's shorter side, so a portrait kiosk
 * reads like a landscape screen of the same width. */
static int scale_h(const struct cw_view *v)
{
	return v->canvas_w < v->canvas_h ? v->canvas_w : v->canvas_h;
}

static void layout_items(struct cw_frame *f)
{
	const struct cw_view *v = &f->view;
	double u = rd_unit(scale_h(v));
	double header_h = round(f->scene->header_h * scale_h(v));
	const struct cw_layout_def *lay = cw_scene_layout(f->scene, v->canvas_w, v->canvas_h);
	f->item_count = 0;
	if (header_h > 0) {
		double tw = rd_header_title_width(v->canvas_w, scale_h(v));
		double margin = round(lay->margin * u);
		double tx = round((v->canvas_w - tw) / 2);
		f->items[f->item_count++] = (struct item){
		    .kind = ITEM_WEATHER, .rect = {margin, 0, tx - margin * 2, header_h}};
		f->items[f->item_count++] = (struct item){.kind = ITEM_TITLE, .rect = {tx, 0, tw, header_h}};
		f->items[f->item_count++] = (struct item){
		    .kind = ITEM_CLOCK,
		    .rect = {tx + tw + margin, 0, v->canvas_w - tx - tw - 2 * margin, header_h}};
	}
	double m = round(lay->margin * u);
	struct rd_rect area = {m, header_h + m, v->canvas_w - 2 * m, v->canvas_h - header_h - 2 * m};
	for (int i = 0; i < lay->panel_count; i++) {
		const struct cw_panel_def *p = &lay->panels[i];
		f->items[f->item_count++] = (struct item){
		    .kind = ITEM_PANEL,
		    .def = p,
		    .rect = rd_grid_cell(&lay->grid, area, u, p->col, p->row, p->colspan, p->rowspan)};
	}
}

/* Loads a map panel's layers. A layer that cannot be loaded is skipped with one line saying
 * why; skipped records are reported the same way; the rest of the map still draws. */
static struct ly_map *load_map(const struct cw_frame *f, const struct cw_panel_def *p,
                               int map_layer[CW_PANEL_LAYERS_MAX])
{
	struct ly_map *map = ly_map_new(p->proj);
	for (int i = 0; i < p->layer_count; i++) {
		map_layer[i] = -1;
		const struct cw_map_layer_def *l = &f->scene->map_layers[p->first_layer + i];
		char path[4096];
		struct rd_err err;
		if (l->file[0] == '/')
			snprintf(path, sizeof path, "%s", l->file);
		else if (!cw_data_path(l->file, path, sizeof path, &err)) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", f->scene->name, p->id,
			        err.msg);
			continue;
		}
		struct ly_layer *layer = ly_layer_load(path, NULL, &err);
		if (!layer) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", f->scene->name, p->id,
			        err.msg);
			continue;
		}
		for (int m = 0; m < ly_layer_message_count(layer); m++)
			fprintf(stderr, "cbwall: %s\n", ly_layer_message(layer, m));
		map_layer[i] = ly_map_add_layer(map, layer, &l->style, &err);
		if (map_layer[i] < 0)
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", f->scene->name, p->id,
			        err.msg);
	}
	return map;
}

/* The live values of a map layer's indicator, in district order; n = 0 when none. */
static int layer_values(const struct cw_map_layer_def *l, const struct cw_snapshot *snap,
                        const char **keys, double *values)
{
	if (!l->indicator[0] || !snap || !snap->has_districts)
		return 0;
	int k = pr_districts_indicator(&snap->districts, l->indicator);
	if (k < 0)
		return 0;
	for (size_t i = 0; i < snap->districts.count; i++) {
		keys[i] = snap->districts.items[i].adcode;
		values[i] = snap->districts.items[i].values[k];
	}
	return (int)snap->districts.count;
}

static void render_background(struct cw_frame *f)
{
	const struct cw_view *v = &f->view;
	f->background = cairo_image_surface_create(CAIRO_FORMAT_RGB24, v->w, v->h);
	cairo_t *cr = cairo_create(f->background);
	cairo_translate(cr, -v->x, -v->y);
	rd_draw_background(cr, f->theme, v->canvas_w, v->canvas_h, scale_h(v),
	                   round(f->scene->header_h * scale_h(v)));
	cairo_destroy(cr);
}

struct cw_frame *cw_frame_new(const struct cw_scene *scene, const struct rd_theme *theme,
                              struct cw_view view, int utc_offset_min)
{
	struct cw_frame *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->scene = scene;
	f->theme = theme;
	f->view = view;
	f->utc_offset_min = utc_offset_min;
	f->full = true;
	layout_items(f);
	render_background(f);
	for (int i = 0; i < f->item_count; i++)
		if (f->items[i].kind == ITEM_PANEL && f->items[i].def->type == CW_PANEL_MAP)
			f->items[i].map = load_map(f, f->items[i].def, f->items[i].map_layer);
	return f;
}

void cw_frame_free(struct cw_frame *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->item_count; i++)
		ly_map_free(f->items[i].map);
	cairo_surface_destroy(f->background);
	free(f);
}

void cw_frame_invalidate(struct cw_frame *f)
{
	f->full = true;
}

void cw_format_clock(int64_t now, int utc_offset_min, char date[48], char time_s[16])
{
	static const char *const wd[] = {"日", "一", "二", "三", "四", "五", "六"};
	time_t t = (time_t)(now + (int64_t)utc_offset_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(date, 48, "%04d-%02d-%02d 星期%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         wd[tm.tm_wday]);
	snprintf(time_s, 16, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void weather_text(const struct cw_snapshot *snap, char *buf, size_t size)
{
	if (!snap || !snap->has_metrics || !snap->metrics.has_weather) {
		snprintf(buf, size, "%s", snap && snap->has_metrics ? snap->metrics.city : "");
		return;
	}
	const struct pr_weather *w = &snap->metrics.weather;
	snprintf(buf, size, "%s %.0f°C · 空气质量 %s · %s", w->text, w->temp_c, w->air, w->wind);
}

/* What an item would show now, as a hash: equal keys mean equal pixels. */
static uint64_t item_key(const struct cw_frame *f, const struct item *it,
                         const struct cw_snapshot *snap, int64_t now)
{
	uint64_t h = 0xcbf29ce484222325ull + (uint64_t)it->kind;
	const struct pr_metrics *m = snap && snap->has_metrics ? &snap->metrics : NULL;
	switch (it->kind) {
	case ITEM_TITLE:
		return hash_str(h, f->scene->title);
	case ITEM_WEATHER: {
		char text[256];
		weather_text(snap, text, sizeof text);
		return hash_str(h, text);
	}
	case ITEM_CLOCK:
		return hash(h, &now, sizeof now);
	case ITEM_PANEL:
		h = hash_str(h, it->def->id);
		if (it->def->type == CW_PANEL_MAP) {
			for (int i = 0; i < it->def->layer_count; i++) {
				const char *keys[PR_DISTRICTS_MAX];
				double values[PR_DISTRICTS_MAX];
				int n = layer_values(&f->scene->map_layers[it->def->first_layer + i], snap, keys,
				                     values);
				h = hash(h, values, (size_t)n * sizeof values[0]);
			}
			return h;
		}
		const struct pr_metric *pm = m ? pr_metrics_find(m, it->def->metric) : NULL;
		return pm ? hash(h, pm, sizeof *pm) : hash_str(h, "no data");
	}
	return h;
}

static void draw_kpi(cairo_t *cr, const struct cw_frame *f, const struct item *it,
                     const struct cw_snapshot *snap)
{
	const struct pr_metric *pm =
	    snap && snap->has_metrics ? pr_metrics_find(&snap->metrics, it->def->metric) : NULL;
	char num[48], unit[48];
	struct rd_kpi k = {.label = it->def->title[0] ? it->def->title : it->def->metric,
	                   .value = "--",
	                   .unit = ""};
	if (pm) {
		rd_format_value(pm->value, pm->decimals, pm->unit, num, sizeof num, unit, sizeof unit);
		if (!it->def->title[0])
			k.label = pm->label;
		k.value = num;
		k.unit = unit;
		k.has_change = pm->has_change;
		k.change_pct = pm->change_pct;
		k.change_label = pm->change_label;
		k.higher_is_better = pm->higher_is_better;
		k.history = pm->history;
		k.history_len = pm->history_len;
	}
	rd_kpi_card(cr, f->theme, it->rect, &k, scale_h(&f->view));
}

static void draw_map(cairo_t *cr, const struct cw_frame *f, struct item *it,
                     const struct cw_snapshot *snap)
{
	struct rd_rect in = rd_panel_frame(cr, f->theme, it->rect,
	                                   it->def->title[0] ? it->def->title : NULL, scale_h(&f->view));
	int w = (int)in.w, h = (int)in.h;
	if (!it->map || w < 16 || h < 16)
		return;
	if (w != it->map_w || h != it->map_h) {
		ly_map_set_canvas_height(it->map, scale_h(&f->view));
		ly_map_fit(it->map, w, h, round(12 * rd_unit(scale_h(&f->view))));
		it->map_w = w, it->map_h = h;
	}
	for (int i = 0; i < it->def->layer_count; i++) {
		const struct cw_map_layer_def *l = &f->scene->map_layers[it->def->first_layer + i];
		if (it->map_layer[i] < 0 || !l->indicator[0])
			continue;
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		int n = layer_values(l, snap, keys, values);
		struct rd_err err;
		if (!ly_map_set_values(it->map, it->map_layer[i], keys, values, n, NULL, &err))
			fprintf(stderr, "cbwall: %s: %s\n", it->def->id, err.msg);
	}
	struct rd_err err;
	cairo_save(cr);
	cairo_translate(cr, round(in.x), round(in.y));
	if (!ly_map_draw(it->map, cr, f->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", it->def->id, err.msg);
	cairo_restore(cr);
}

static void draw_item(cairo_t *cr, const struct cw_frame *f, struct item *it,
                      const struct cw_snapshot *snap, int64_t now)
{
	int ch = scale_h(&f->view);
	switch (it->kind) {
	case ITEM_TITLE:
		rd_header_title(cr, f->theme, it->rect, f->scene->title, ch);
		break;
	case ITEM_WEATHER: {
		char text[256];
		weather_text(snap, text, sizeof text);
		rd_header_text(cr, f->theme, it->rect, text, false, ch);
		break;
	}
	case ITEM_CLOCK: {
		char date[48], time_s[16];
		cw_format_clock(now, f->utc_offset_min, date, time_s);
		rd_header_clock(cr, f->theme, it->rect, date, time_s, ch);
		break;
	}
	case ITEM_PANEL:
		if (it->def->type == CW_PANEL_KPI)
			draw_kpi(cr, f, it, snap);
		else if (it->def->type == CW_PANEL_MAP)
			draw_map(cr, f, it, snap);
		break;
	}
}

bool cw_frame_draw(struct cw_frame *f, cairo_surface_t *target, const struct cw_snapshot *snap,
                   int64_t now, struct rd_damage *damage, struct rd_err *err)
{
	const struct cw_view *v = &f->view;
	struct rd_irect viewport = {v->x, v->y, v->w, v->h};
	cairo_t *cr = cairo_create(target);
	if (f->full) {
		cairo_set_source_surface(cr, f->background, 0, 0);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		rd_damage_add(damage, (struct rd_irect){0, 0, v->w, v->h});
		for (int i = 0; i < f->item_count; i++)
			f->items[i].key = 0;
	}
	cairo_translate(cr, -v->x, -v->y);
	for (int i = 0; i < f->item_count; i++) {
		struct item *it = &f->items[i];
		struct rd_irect box = rd_rect_outer(it->rect), vis;
		if (!rd_irect_intersect(box, viewport, &vis))
			continue;
		uint64_t key = item_key(f, it, snap, now);
		if (key == it->key)
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, vis.x, vis.y, vis.w, vis.h);
		cairo_clip(cr);
		if (!f->full) {
			cairo_set_source_surface(cr, f->background, v->x, v->y);
			cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
			cairo_paint(cr);
			cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		}
		draw_item(cr, f, it, snap, now);
		cairo_restore(cr);
		it->key = key;
		rd_damage_add(damage, (struct rd_irect){vis.x - v->x, vis.y - v->y, vis.w, vis.h});
	}
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(target);
	f->full = st != CAIRO_STATUS_SUCCESS;
	if (st != CAIRO_STATUS_SUCCESS)
		return rd_err_set(err, "drawing the frame: %s", cairo_status_to_string(st));
	return true;
}
