/* A map panel: shapefile layers loaded once, live district values joined on a key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cw_panel.h"
#include "cw_paths.h"
#include "ly_map.h"
#include "rd_widgets.h"

struct map_state {
	struct ly_map *map;
	int layer[CW_PANEL_LAYERS_MAX]; /* map index of each layer def, -1: skipped */
	int w, h;                       /* the size the view was fitted to */
};

/* A layer that cannot be loaded is skipped with one line saying why; skipped records are
 * reported the same way; the rest of the map still draws. */
static void map_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_state *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	p->state = s;
	s->map = ly_map_new(p->def->proj);
	for (int i = 0; i < p->def->layer_count; i++) {
		const struct cw_map_layer_def *l = &c->scene->map_layers[p->def->first_layer + i];
		char path[4096];
		struct rd_err err;
		s->layer[i] = -1;
		if (l->file[0] == '/') {
			snprintf(path, sizeof path, "%s", l->file);
		} else if (!cw_data_path(l->file, path, sizeof path, &err)) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
			continue;
		}
		struct ly_layer *layer = ly_layer_load(path, NULL, &err);
		if (!layer) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
			continue;
		}
		for (int m = 0; m < ly_layer_message_count(layer); m++)
			fprintf(stderr, "cbwall: %s\n", ly_layer_message(layer, m));
		s->layer[i] = ly_map_add_layer(s->map, layer, &l->style, &err);
		if (s->layer[i] < 0)
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
	}
}

static void map_finish(struct cw_panel *p)
{
	struct map_state *s = p->state;
	if (s)
		ly_map_free(s->map);
	free(s);
}

/* The live values of a layer's indicator, in district order; 0 when none. */
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

static uint64_t map_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	for (int i = 0; i < p->def->layer_count; i++) {
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		int n = layer_values(&c->scene->map_layers[p->def->first_layer + i], c->snap, keys, values);
		h = cw_hash(h, values, (size_t)n * sizeof values[0]);
	}
	return h;
}

static void map_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	int w = (int)in.w, h = (int)in.h;
	if (w < 16 || h < 16)
		return;
	if (w != s->w || h != s->h) {
		ly_map_set_canvas_height(s->map, c->scale_h);
		ly_map_fit(s->map, w, h, round(12 * rd_unit(c->scale_h)));
		s->w = w, s->h = h;
	}
	struct rd_err err;
	for (int i = 0; i < p->def->layer_count; i++) {
		const struct cw_map_layer_def *l = &c->scene->map_layers[p->def->first_layer + i];
		if (s->layer[i] < 0 || !l->indicator[0])
			continue;
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		int n = layer_values(l, c->snap, keys, values);
		if (!ly_map_set_values(s->map, s->layer[i], keys, values, n, NULL, &err))
			fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	}
	cairo_save(cr);
	cairo_translate(cr, round(in.x), round(in.y));
	if (!ly_map_draw(s->map, cr, c->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	cairo_restore(cr);
}

const struct cw_panel_kind cw_panel_map = {.name = "map",
                                           .init = map_init,
                                           .key = map_key,
                                           .draw = map_draw,
                                           .finish = map_finish};
