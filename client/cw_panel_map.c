/* A map panel: shapefile layers loaded once, live district values joined on a key, live
 * overlays (cw_map_overlay.h) over them.
 *
 * When the overlays animate, the panel's whole static picture (background, frame, map,
 * static overlays, legends) is kept in an opaque surface: an animation step paints it back
 * with SOURCE and draws only the ripples and comets over it, so the shapefile is neither
 * re-projected nor re-composited and the frame's text is not laid out again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_map_overlay.h"
#include "cw_panel.h"
#include "cw_paths.h"
#include "ly_map.h"
#include "rd_widgets.h"

enum { ANIM_RECTS_MAX = 8 };

struct map_state {
	struct ly_map *map;
	int layer[CW_PANEL_LAYERS_MAX]; /* map index of each layer def, -1: skipped */
	int district_layer;             /* map index of the first polygon layer, -1: none */
	int w, h;                       /* the size the view was fitted to */
	struct cw_overlays *ov;         /* NULL: the panel has no overlays */
	/* the static picture, target pixels, while the overlays animate */
	cairo_surface_t *still;         /* opaque, in the target's format */
	struct rd_irect still_box;      /* where it was taken from, device pixels of the target */
	uint64_t still_key;
	/* what the animated pass last drew over the still, canvas pixels, on anim_target; valid
	 * while anim_n >= 0 */
	cairo_surface_t *anim_target;   /* compared, never dereferenced */
	int anim_n;
	struct rd_irect anim_rects[ANIM_RECTS_MAX];
	struct rd_rect map_at;          /* the map's rectangle inside the panel, canvas pixels */
	/* pan/zoom (cw_panel_map_set_view): the fitted view, zoomed about its centre, then moved */
	struct ly_view fitted;
	double pan_x, pan_y, zoom;      /* map pixels; zoom 1: as fitted */
};

struct ly_map *cw_map_load_layers(const struct cw_panel *p, const struct cw_panel_ctx *c,
                                  int layer[CW_PANEL_LAYERS_MAX], int *district_layer)
{
	struct ly_map *map = ly_map_new(p->def->proj);
	if (district_layer)
		*district_layer = -1;
	for (int i = 0; i < p->def->layer_count; i++) {
		const struct cw_map_layer_def *l = &c->scene->map_layers[p->def->first_layer + i];
		char path[4096];
		struct rd_err err;
		layer[i] = -1;
		if (l->file[0] == '/') {
			snprintf(path, sizeof path, "%s", l->file);
		} else if (!cw_data_path(l->file, path, sizeof path, &err)) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
			continue;
		}
		struct ly_layer *ly = ly_layer_load(path, NULL, &err);
		if (!ly) {
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
			continue;
		}
		for (int m = 0; m < ly_layer_message_count(ly); m++)
			fprintf(stderr, "cbwall: %s\n", ly_layer_message(ly, m));
		bool polygons = ly_layer_geom(ly) == LY_GEOM_POLYGON;
		layer[i] = ly_map_add_layer(map, ly, &l->style, &err);
		if (layer[i] < 0)
			fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", c->scene->name,
			        p->def->id, err.msg);
		else if (polygons && district_layer && *district_layer < 0)
			*district_layer = layer[i];
	}
	return map;
}

/* A layer that cannot be loaded is skipped with one line saying why; skipped records are
 * reported the same way; the rest of the map still draws. */
static void map_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_state *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	p->state = s;
	s->zoom = 1;
	s->anim_n = -1;
	if (p->def->overlays)
		s->ov = cw_overlays_new();
	s->map = cw_map_load_layers(p, c, s->layer, &s->district_layer);
}

static void map_finish(struct cw_panel *p)
{
	struct map_state *s = p->state;
	if (s) {
		ly_map_free(s->map);
		cw_overlays_free(s->ov);
		if (s->still)
			cairo_surface_destroy(s->still);
	}
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

/* What the static picture shows: layer values and the overlays' choice. */
static uint64_t static_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	for (int i = 0; i < p->def->layer_count; i++) {
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		int n = layer_values(&c->scene->map_layers[p->def->first_layer + i], c->snap, keys, values);
		h = cw_hash(h, values, (size_t)n * sizeof values[0]);
	}
	if (s && s->ov) {
		uint64_t o = cw_overlays_update(s->ov, p->def->overlays, c->snap);
		h = cw_hash(h, &o, sizeof o);
	}
	if (s && (s->pan_x != 0 || s->pan_y != 0 || s->zoom != 1)) {
		double v[3] = {s->pan_x, s->pan_y, s->zoom};
		h = cw_hash(h, v, sizeof v);
	}
	return h;
}

static bool animated(const struct cw_panel *p)
{
	const struct map_state *s = p->state;
	return s && s->ov && cw_overlays_animated(s->ov);
}

/* The static key, and the animation step while the overlays animate. */
static uint64_t map_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	uint64_t h = static_key(p, c);
	if (animated(p)) {
		int step = cw_overlays_step(c->now);
		h = cw_hash(h, &step, sizeof step);
	}
	return h;
}

static double map_next_change(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	static_key(p, c);
	return animated(p) ? cw_overlays_next_step(c->now) : 0;
}

static void take_still(struct map_state *s, cairo_t *cr, struct rd_irect box, uint64_t key)
{
	/* the target's own format (RGB24 for the window, ARGB32 for images, opaque either way)
	 * makes putting it back a plain copy */
	cairo_format_t fmt = cairo_image_surface_get_format(cairo_get_target(cr));
	if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
		fmt = CAIRO_FORMAT_RGB24;
	if (s->still && (cairo_image_surface_get_width(s->still) != box.w ||
	                 cairo_image_surface_get_height(s->still) != box.h ||
	                 cairo_image_surface_get_format(s->still) != fmt)) {
		cairo_surface_destroy(s->still);
		s->still = NULL;
	}
	if (!s->still)
		s->still = cairo_image_surface_create(fmt, box.w, box.h);
	cairo_t *c2 = cairo_create(s->still);
	cairo_set_source_surface(c2, cairo_get_target(cr), -box.x, -box.y);
	cairo_set_operator(c2, CAIRO_OPERATOR_SOURCE);
	cairo_paint(c2);
	bool ok = cairo_status(c2) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(c2);
	s->still_box = box;
	s->still_key = ok ? key : 0;
}

static void put_still(const struct map_state *s, cairo_t *cr)
{
	cairo_save(cr);
	cairo_identity_matrix(cr);
	cairo_set_source_surface(cr, s->still, s->still_box.x, s->still_box.y);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_rectangle(cr, s->still_box.x, s->still_box.y, s->still_box.w, s->still_box.h);
	cairo_fill(cr);
	cairo_restore(cr);
}

/* The rectangles (canvas pixels) the animated pass at c->now covers. */
static int anim_rects(const struct map_state *s, const struct cw_panel_ctx *c,
                      struct rd_irect *out)
{
	int n = cw_overlays_anim_rects(s->ov, s->map, c->scale_h, cw_overlays_step(c->now), out,
	                               ANIM_RECTS_MAX);
	for (int i = 0; i < n; i++)
		out[i].x += (int)s->map_at.x, out[i].y += (int)s->map_at.y;
	return n;
}

static void draw_anim(struct map_state *s, cairo_t *cr, const struct cw_panel_ctx *c)
{
	cairo_save(cr);
	cairo_translate(cr, s->map_at.x, s->map_at.y);
	cw_overlays_draw_anim(s->ov, cr, s->map, c->theme, c->scale_h, cw_overlays_step(c->now));
	cairo_restore(cr);
}

/* The fitted view with the pan/zoom applied; the map re-renders its cached layers only when
 * the view differs from the one they were drawn for. */
static void apply_view(struct map_state *s)
{
	struct ly_view v = s->fitted;
	if (s->zoom != 1)
		ly_view_zoom(&v, s->zoom, v.w / 2.0, v.h / 2.0);
	if (s->pan_x != 0 || s->pan_y != 0)
		ly_view_pan(&v, s->pan_x, s->pan_y);
	if (!ly_view_equal(&v, ly_map_view(s->map)))
		ly_map_set_view(s->map, &v);
}

static void map_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	uint64_t key = static_key(p, c);
	bool anim = animated(p);
	struct rd_irect box;
	bool can_keep = anim && cw_panel_device_box(p, cr, &box);
	s->anim_n = -1;
	if (can_keep && s->still && s->still_key == key &&
	    memcmp(&box, &s->still_box, sizeof box) == 0) {
		put_still(s, cr);
		draw_anim(s, cr, c);
		s->anim_n = anim_rects(s, c, s->anim_rects);
		s->anim_target = cairo_get_target(cr);
		return;
	}
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	int w = (int)in.w, h = (int)in.h;
	if (w < 16 || h < 16)
		return;
	if (w != s->w || h != s->h) {
		ly_map_set_canvas_height(s->map, c->scale_h);
		ly_map_fit(s->map, w, h, round(12 * rd_unit(c->scale_h)));
		s->w = w, s->h = h;
		s->fitted = *ly_map_view(s->map);
	}
	apply_view(s);
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
	s->map_at = (struct rd_rect){round(in.x), round(in.y), w, h};
	cairo_translate(cr, s->map_at.x, s->map_at.y);
	if (!ly_map_draw(s->map, cr, c->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	if (s->ov)
		cw_overlays_draw_static(s->ov, cr, s->map, s->district_layer, c->theme, c->scale_h);
	cairo_restore(cr);
	if (can_keep)
		take_still(s, cr, box, key);
	else if (s->still) {
		cairo_surface_destroy(s->still);
		s->still = NULL;
	}
	if (anim)
		draw_anim(s, cr, c);
	if (anim && s->still && s->still_key == key) {
		s->anim_n = anim_rects(s, c, s->anim_rects);
		s->anim_target = cairo_get_target(cr);
	}
}

/* An animation step over the still it last drew on this target: the still back and the new
 * step drawn only where the last step or this one draws. */
static int map_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                      struct rd_irect *rects, int max)
{
	struct map_state *s = p->state;
	struct rd_irect box;
	if (!s || s->anim_n < 0 || !animated(p) || !s->still || s->anim_target != cairo_get_target(cr) ||
	    s->still_key != static_key(p, c) || !cw_panel_device_box(p, cr, &box) ||
	    memcmp(&box, &s->still_box, sizeof box) != 0)
		return -1;
	struct rd_irect now[ANIM_RECTS_MAX];
	int n = anim_rects(s, c, now), m = 0;
	if (s->anim_n + n > max)
		return -1;
	for (int i = 0; i < s->anim_n; i++)
		rects[m++] = s->anim_rects[i];
	for (int i = 0; i < n; i++) {
		bool dup = false;
		for (int j = 0; j < s->anim_n && !dup; j++)
			dup = memcmp(&now[i], &s->anim_rects[j], sizeof now[i]) == 0;
		if (!dup)
			rects[m++] = now[i];
	}
	cairo_save(cr);
	cairo_new_path(cr);
	for (int i = 0; i < m; i++)
		cairo_rectangle(cr, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
	cairo_clip(cr);
	if (m > 0) {
		put_still(s, cr);
		draw_anim(s, cr, c);
	}
	cairo_restore(cr);
	memcpy(s->anim_rects, now, sizeof now[0] * (size_t)n);
	s->anim_n = n;
	return m;
}

const struct cw_panel_kind cw_panel_map = {.name = "map",
                                           .init = map_init,
                                           .key = map_key,
                                           .draw = map_draw,
                                           .update = map_update,
                                           .next_change = map_next_change,
                                           .finish = map_finish};

void cw_panel_map_set_view(struct cw_panel *p, double pan_x, double pan_y, double zoom)
{
	struct map_state *s = p->kind == &cw_panel_map ? p->state : NULL;
	if (!s)
		return;
	s->pan_x = pan_x;
	s->pan_y = pan_y;
	s->zoom = zoom < 0.25 ? 0.25 : zoom > 64 ? 64 : zoom;
}

bool cw_panel_map_info(struct cw_panel *p, struct cw_panel_map_info *info)
{
	struct map_state *s = p->kind == &cw_panel_map ? p->state : NULL;
	if (!s || s->w <= 0 || s->h <= 0)
		return false;
	double bb[4];
	if (s->district_layer >= 0)
		ly_layer_bbox(ly_map_layer(s->map, s->district_layer), bb);
	else
		ly_map_bbox(s->map, bb);
	double x0, y0, x1, y1; /* y grows downwards: the north edge is the top */
	ly_view_lonlat_to_screen(&s->fitted, bb[0], bb[3], &x0, &y0);
	ly_view_lonlat_to_screen(&s->fitted, bb[2], bb[1], &x1, &y1);
	*info = (struct cw_panel_map_info){.map = s->map,
	                                   .district_layer = s->district_layer,
	                                   .map_at = s->map_at,
	                                   .w = s->w,
	                                   .h = s->h,
	                                   .extent = {fmin(x0, x1), fmin(y0, y1), fmax(x0, x1),
	                                              fmax(y0, y1)},
	                                   .pan_x = s->pan_x,
	                                   .pan_y = s->pan_y,
	                                   .zoom = s->zoom};
	return true;
}
