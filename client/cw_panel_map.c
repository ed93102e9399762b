/* A map panel: shapefile layers loaded once, live district values joined on a key, live
 * overlays (cw_map_overlay.h) over them.
 *
 * When the overlays animate, the panel's whole static picture (background, frame, map,
 * static overlays, legends) is kept in an opaque surface: an animation step paints it back
 * with SOURCE and draws only the ripples and comets over it, so the shapefile is neither
 * re-projected nor re-composited and the frame's text is not laid out again.
 *
 * Motion (cw_panel_map_move, the kiosk's drags and pinches): rendering the layers and the
 * static overlays costs 10-30 ms at 4K, more than a frame. So an interim view draws a picture
 * of the map made for an earlier view (the "base": layers, labels, heat and grid, with a
 * margin of an eighth of the map each side, without legends or point overlays) translated
 * and scaled, one bilinear copy; then the point overlays (alerts, events, fly lines and their
 * animation) at their true places, and the legends where the settled picture had them. Only
 * the map's rectangle is redrawn (update), the panel's frame stays.
 *
 * Pictures are made on a helper thread with maps of the same layers of its own: a base when
 * a gesture has none for the data shown or has drifted from it (scaled past 2x either way,
 * or half its margin used up), and for the view a settled gesture left, for the next one;
 * the still (the panel's static picture exactly as map_draw draws it) when the caller says
 * the view has settled (cw_panel_map_settle), so the settled picture is the one a fresh
 * panel draws for that view. Until the first base of a gesture comes, the still (or the
 * picture on screen) stands in, point overlays and all. The render thread's map always has
 * the current view, so hit-testing follows the fingers. Without the helper (no thread,
 * CBWALL_MAP_SYNC) the same pictures are made on the render thread.
 *
 * A frame that draws every panel (the first, a scene's first picture, after an overlay)
 * calls map_prepare before drawing any: the helper renders the layers of the panel's own map
 * for the view and values of that frame while the render thread draws the other panels, and
 * map_draw waits for it (a first 4K frame: 20-60 ms off the render thread). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cw_map_overlay.h"
#include "cw_panel.h"
#include "cw_paths.h"
#include "ly_map.h"
#include "rd_surface.h"
#include "rd_widgets.h"

enum { ANIM_RECTS_MAX = 8 };

/* A picture of the map's rectangle for a view: what a gesture moves and scales. */
struct base_pic {
	cairo_surface_t *img;  /* NULL: none */
	int x, y;              /* the map's origin in img */
	struct ly_view view;   /* the view it shows */
	uint64_t content;      /* the data it shows (content_key) */
	bool points;           /* it holds the point overlays (a stand-in cut from a still) */
};

/* A legend's pixels as the settled picture shows it, kept in place while the map moves. */
struct patch {
	cairo_surface_t *img; /* NULL: none */
	int x, y;             /* map pixels */
};

/* The helper's work for one panel, with maps and overlays of its own: the still of a view
 * (its static picture as map_draw draws it, for a settle) or a base (for a gesture). Posted
 * by the render thread, which touches nothing of it (nor the job's map and overlays, the
 * background) until it is done. JOB_LAYERS (a full frame, map_prepare) renders the panel's
 * own map's layers for its view while the frame draws the other panels; map_draw waits for
 * it before touching the map. */
enum job_kind { JOB_NONE, JOB_STILL, JOB_BASE, JOB_LAYERS };

struct map_job {
	const struct cw_panel_def *def;
	struct rd_rect rect;
	struct cw_panel_ctx ctx;        /* snap: a reference of the job's */
	struct ly_view view;
	int w, h;                       /* the map's size */
	struct rd_irect box;            /* the panel on the target, device pixels */
	double dx, dy;                  /* canvas to device pixels */
	cairo_surface_t *bg;            /* the frame's background under box */
	int layer[CW_PANEL_LAYERS_MAX], district_layer; /* the front map's, to check the back's */
	uint64_t key, content;
	const char *title;
	enum job_kind kind;
	struct ly_map *map;             /* NULL: the helper loads it */
	struct cw_overlays *ov;
	cairo_surface_t *chrome;        /* a reference; NULL: the job makes it */
	bool here;                      /* done on the render thread */
	/* results */
	cairo_surface_t *still, *base;
	cairo_surface_t *chrome_out;    /* the chrome the job made, at chrome_at (device px) */
	struct rd_irect chrome_at;
	struct ly_view base_view;
	struct patch legends[2];
	int renders;
	int renders_before;             /* JOB_LAYERS: the map's static renders when posted */
	bool ok, load_failed;
	bool posted, done;
	struct map_job *next;
};

struct map_state {
	struct ly_map *map;
	int layer[CW_PANEL_LAYERS_MAX]; /* map index of each layer def, -1: skipped */
	int district_layer;             /* map index of the first polygon layer, -1: none */
	int w, h;                       /* the size the view was fitted to */
	struct cw_overlays *ov;         /* NULL: the panel has no overlays */
	/* the static picture, target pixels, while the overlays animate or once it moved */
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
	/* motion (cw_panel_map_move) */
	bool motion_seen;               /* moved once: keep a still and the background */
	bool live;                      /* the view is interim: drawn from a base */
	bool settle_wanted;             /* cw_panel_map_settle: make the full picture */
	uint64_t still_content;         /* the data the still shows */
	struct ly_view still_view;      /* the view the still shows */
	struct base_pic base, standin;  /* the helper's base; one cut from the still meanwhile */
	cairo_surface_t *chrome;        /* the panel's frame and fill under the map, device px */
	struct rd_irect chrome_at;
	cairo_surface_t *live_target;   /* an interim view was drawn last on it (compared only) */
	struct rd_irect live_box;
	uint64_t base_gen;              /* bumps with every new base or stand-in */
	cairo_surface_t *bg;            /* the frame's background under bg_box */
	struct rd_irect bg_box;
	double bg_dx, bg_dy;            /* canvas to device pixels when it was taken */
	struct ly_map *back;            /* the helper's maps between jobs (NULL: not loaded): */
	struct ly_map *margin;          /* for stills; without legends, for bases */
	struct patch legends[2];        /* the map's and the overlays' legend, settled */
	struct cw_overlays *job_ov;
	bool no_helper;                 /* no thread, or the back map differs: render here */
	struct map_job job;
	struct rd_rect drawn_rect;      /* the panel's rectangle and scale at the last full draw */
	int drawn_scale_h;
	bool drawn_full;                /* the last draw rendered the static picture of ... */
	uint64_t drawn_content;         /* ... this data ... */
	struct ly_view drawn_view;      /* ... at this view, without animation */
	struct cw_panel_map_stats stats;
};

/* quiet: say nothing (the helper's second copy of layers the panel loaded already). */
static struct ly_map *load_layers(const struct cw_panel_def *def, const struct cw_scene *scene,
                                  int layer[CW_PANEL_LAYERS_MAX], int *district_layer,
                                  bool quiet)
{
	struct ly_map *map = ly_map_new(def->proj);
	if (district_layer)
		*district_layer = -1;
	for (int i = 0; i < def->layer_count; i++) {
		const struct cw_map_layer_def *l = &scene->map_layers[def->first_layer + i];
		char path[4096];
		struct rd_err err;
		layer[i] = -1;
		if (l->file[0] == '/') {
			snprintf(path, sizeof path, "%s", l->file);
		} else if (!cw_data_path(l->file, path, sizeof path, &err)) {
			if (!quiet)
				fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", scene->name,
				        def->id, err.msg);
			continue;
		}
		struct ly_layer *ly = ly_layer_load(path, NULL, &err);
		if (!ly) {
			if (!quiet)
				fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", scene->name,
				        def->id, err.msg);
			continue;
		}
		for (int m = 0; !quiet && m < ly_layer_message_count(ly); m++)
			fprintf(stderr, "cbwall: %s\n", ly_layer_message(ly, m));
		bool polygons = ly_layer_geom(ly) == LY_GEOM_POLYGON;
		layer[i] = ly_map_add_layer(map, ly, &l->style, &err);
		if (layer[i] < 0) {
			if (!quiet)
				fprintf(stderr, "cbwall: scene %s: %s: layer skipped: %s\n", scene->name,
				        def->id, err.msg);
		} else if (polygons && district_layer && *district_layer < 0) {
			*district_layer = layer[i];
		}
	}
	return map;
}

struct ly_map *cw_map_load_layers(const struct cw_panel *p, const struct cw_panel_ctx *c,
                                  int layer[CW_PANEL_LAYERS_MAX], int *district_layer)
{
	return load_layers(p->def, c->scene, layer, district_layer, false);
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

static void poll_job(struct map_state *s, bool wait);

static void drop_pic(struct base_pic *b)
{
	if (b->img)
		cairo_surface_destroy(b->img);
	b->img = NULL;
}

static void drop_patch(struct patch *p)
{
	if (p->img)
		cairo_surface_destroy(p->img);
	p->img = NULL;
}

static void map_finish(struct cw_panel *p)
{
	struct map_state *s = p->state;
	if (s) {
		poll_job(s, true);
		ly_map_free(s->map);
		ly_map_free(s->back);
		ly_map_free(s->margin);
		drop_patch(&s->legends[0]);
		drop_patch(&s->legends[1]);
		cw_overlays_free(s->ov);
		cw_overlays_free(s->job_ov);
		if (s->still)
			cairo_surface_destroy(s->still);
		if (s->bg)
			cairo_surface_destroy(s->bg);
		if (s->chrome)
			cairo_surface_destroy(s->chrome);
		drop_pic(&s->base);
		drop_pic(&s->standin);
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

/* What the static picture shows: layer values and the overlays' choice (*content, when not
 * NULL), and the view. */
static uint64_t static_key2(struct cw_panel *p, const struct cw_panel_ctx *c, uint64_t *content)
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
	if (content)
		*content = h;
	if (s && (s->pan_x != 0 || s->pan_y != 0 || s->zoom != 1)) {
		double v[3] = {s->pan_x, s->pan_y, s->zoom};
		h = cw_hash(h, v, sizeof v);
	}
	return h;
}

static uint64_t static_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	return static_key2(p, c, NULL);
}

static bool animated_state(const struct map_state *s)
{
	return s && s->ov && cw_overlays_animated(s->ov);
}

static bool animated(const struct cw_panel *p)
{
	return animated_state(p->state);
}

static void take_still(struct map_state *s, cairo_t *cr, struct rd_irect box, uint64_t key,
                       uint64_t content)
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
	if (s->still && s->standin.img == s->still) /* the stand-in shows it: keep that picture */
		drop_pic(&s->standin);
	if (!s->still)
		s->still = rd_surface_new(fmt, box.w, box.h);
	cairo_t *c2 = cairo_create(s->still);
	cairo_set_source_surface(c2, cairo_get_target(cr), -box.x, -box.y);
	cairo_set_operator(c2, CAIRO_OPERATOR_SOURCE);
	cairo_paint(c2);
	bool ok = cairo_status(c2) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(c2);
	s->still_box = box;
	s->still_key = ok ? key : 0;
	s->still_content = content;
	s->still_view = *ly_map_view(s->map);
}

static void drop_still(struct map_state *s)
{
	if (s->still)
		cairo_surface_destroy(s->still);
	s->still = NULL;
	s->still_key = 0;
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

/* The fitted view with the pan/zoom applied. */
static struct ly_view view_now(const struct map_state *s)
{
	struct ly_view v = s->fitted;
	if (s->zoom != 1)
		ly_view_zoom(&v, s->zoom, v.w / 2.0, v.h / 2.0);
	if (s->pan_x != 0 || s->pan_y != 0)
		ly_view_pan(&v, s->pan_x, s->pan_y);
	return v;
}

/* The front map gets the current view; it re-renders its cached layers only when drawn with
 * a view other than the one they were drawn for. */
static void apply_view(struct map_state *s)
{
	struct ly_view v = view_now(s);
	if (!ly_view_equal(&v, ly_map_view(s->map)))
		ly_map_set_view(s->map, &v);
}

/* The snapshot's values of the layers that show an indicator. */
static void set_values(const struct cw_panel_def *def, const struct cw_scene *scene,
                       const struct cw_snapshot *snap, struct ly_map *map, const int *layer)
{
	struct rd_err err;
	for (int i = 0; i < def->layer_count; i++) {
		const struct cw_map_layer_def *l = &scene->map_layers[def->first_layer + i];
		if (layer[i] < 0 || !l->indicator[0])
			continue;
		const char *keys[PR_DISTRICTS_MAX];
		double values[PR_DISTRICTS_MAX];
		int n = layer_values(l, snap, keys, values);
		if (!ly_map_set_values(map, layer[i], keys, values, n, NULL, &err))
			fprintf(stderr, "cbwall: %s: %s\n", def->id, err.msg);
	}
}

/* ---- motion: the helper thread ---- */

/* One thread for every map panel, started on the first job and kept for the process: its
 * font and layout caches are thread-local (rd_text.c), so one long-lived thread keeps them
 * warm and never leaks them. Jobs are done in the order posted. */
static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a job was posted, or one is done */
	bool running;
	struct map_job *head, *tail;
} helper = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false,
            NULL, NULL};

/* A copy of w x h pixels of src from (x, y). */
static cairo_surface_t *cut(cairo_surface_t *src, int x, int y, int w, int h)
{
	cairo_surface_t *d = rd_surface_new(cairo_image_surface_get_format(src), w, h);
	cairo_t *cr = cairo_create(d);
	cairo_set_source_surface(cr, src, -x, -y);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	return d;
}

/* The map's legends as the settled picture src shows them, the map's origin at (ox, oy) of
 * src: kept in place while a gesture moves the rest. */
static void cut_legends(struct patch out[2], cairo_surface_t *src, int ox, int oy, int w, int h,
                        const struct ly_map *map, const struct cw_overlays *ov)
{
	double box[2][4];
	bool have[2] = {ly_map_legend_box(map, box[0]), ov && cw_overlays_legend_box(ov, box[1])};
	for (int k = 0; k < 2; k++) {
		drop_patch(&out[k]);
		/* its outline's half width and antialiasing too */
		int x0 = (int)floor(box[k][0]) - 2, y0 = (int)floor(box[k][1]) - 2;
		int x1 = (int)ceil(box[k][2]) + 2, y1 = (int)ceil(box[k][3]) + 2;
		x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
		x1 = x1 > w ? w : x1, y1 = y1 > h ? h : y1;
		if (have[k] && x0 < x1 && y0 < y1)
			out[k] = (struct patch){cut(src, ox + x0, oy + y0, x1 - x0, y1 - y0), x0, y0};
	}
}

/* JOB_STILL: the panel's static picture at the job's view over the background, as map_draw
 * draws it, and its legends. */
static void run_still(struct map_job *j)
{
	const struct cw_panel_ctx *c = &j->ctx;
	j->still = rd_surface_new(cairo_image_surface_get_format(j->bg), j->box.w, j->box.h);
	cairo_t *cr = cairo_create(j->still);
	cairo_set_source_surface(cr, j->bg, 0, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	cairo_translate(cr, j->dx - j->box.x, j->dy - j->box.y);
	struct rd_rect in = rd_panel_frame(cr, c->theme, j->rect, j->title, c->scale_h);
	struct rd_rect at = {round(in.x), round(in.y), j->w, j->h};
	int mx = (int)(at.x + j->dx) - j->box.x, my = (int)(at.y + j->dy) - j->box.y;
	bool fits = (int)in.w == j->w && (int)in.h == j->h && mx >= 0 && my >= 0 &&
	            mx + j->w <= j->box.w && my + j->h <= j->box.h;
	if (fits) {
		ly_map_set_canvas_height(j->map, c->scale_h);
		ly_map_set_view(j->map, &j->view);
		set_values(j->def, c->scene, c->snap, j->map, j->layer);
		struct ly_map_stats st0, st1;
		ly_map_stats(j->map, &st0);
		cairo_save(cr);
		cairo_translate(cr, at.x, at.y);
		struct rd_err err;
		if (!ly_map_draw(j->map, cr, c->theme, 0, &err))
			fprintf(stderr, "cbwall: %s: %s\n", j->def->id, err.msg);
		if (j->ov) {
			cw_overlays_update(j->ov, j->def->overlays, c->snap);
			cw_overlays_draw_static(j->ov, cr, j->map, j->district_layer, c->theme, c->scale_h);
		}
		cairo_restore(cr);
		ly_map_stats(j->map, &st1);
		j->renders = st1.static_renders - st0.static_renders;
		cairo_surface_flush(j->still);
		cut_legends(j->legends, j->still, mx, my, j->w, j->h, j->map, j->ov);
	}
	j->ok = fits && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
}

/* The margin each side of the base, map pixels: short pans and zooms out show map. */
static void margin_of(int w, int h, int *mw, int *mh)
{
	*mw = (int)lround(w / 8.0);
	*mh = (int)lround(h / 8.0);
}

/* JOB_BASE: the map at the job's view with a margin around it, over the panel's fill under
 * the map (the chrome, stretched into the margin), with the areas and labels and without the
 * legends (the margin map has none) or the point overlays. */
static void run_base(struct map_job *j)
{
	const struct cw_panel_ctx *c = &j->ctx;
	cairo_surface_t *chrome = j->chrome;
	if (!chrome) { /* none kept yet: the background and the panel's frame, as the frame has */
		cairo_surface_t *box = cut(j->bg, 0, 0, j->box.w, j->box.h);
		cairo_t *cb = cairo_create(box);
		cairo_translate(cb, j->dx - j->box.x, j->dy - j->box.y);
		struct rd_rect in = rd_panel_frame(cb, c->theme, j->rect, j->title, c->scale_h);
		int mx = (int)(round(in.x) + j->dx) - j->box.x, my = (int)(round(in.y) + j->dy) - j->box.y;
		cairo_destroy(cb);
		if ((int)in.w == j->w && (int)in.h == j->h && mx >= 0 && my >= 0 &&
		    mx + j->w <= j->box.w && my + j->h <= j->box.h) {
			chrome = cut(box, mx, my, j->w, j->h);
			/* for the render thread's interim views too */
			j->chrome_out = cairo_surface_reference(chrome);
			j->chrome_at = (struct rd_irect){j->box.x + mx, j->box.y + my, j->w, j->h};
		}
		cairo_surface_destroy(box);
		if (!chrome)
			return;
	} else {
		cairo_surface_reference(chrome);
	}
	int mw, mh;
	margin_of(j->w, j->h, &mw, &mh);
	struct ly_view v = j->view;
	ly_view_resize(&v, j->w + 2 * mw, j->h + 2 * mh);
	j->base = rd_surface_new(cairo_image_surface_get_format(chrome), v.w, v.h);
	cairo_t *cr = cairo_create(j->base);
	cairo_set_source_surface(cr, chrome, mw, mh);
	cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	cairo_surface_destroy(chrome);
	ly_map_set_canvas_height(j->map, c->scale_h);
	ly_map_set_view(j->map, &v);
	set_values(j->def, c->scene, c->snap, j->map, j->layer);
	struct rd_err err;
	if (!ly_map_draw(j->map, cr, c->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", j->def->id, err.msg);
	if (j->ov) {
		cw_overlays_update(j->ov, j->def->overlays, c->snap);
		cw_overlays_draw_parts(j->ov, cr, j->map, j->district_layer, c->theme, c->scale_h,
		                       CW_OVERLAY_PART_AREAS | CW_OVERLAY_PART_LABELS);
	}
	j->base_view = v;
	j->ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	cairo_surface_flush(j->base);
}

/* Loads the job's map the first time (the same files as the panel's: the same layer
 * indices, or the panel renders on its own thread from then on); the margin map draws no
 * legends. */
static void job_run(struct map_job *j)
{
	if (j->kind == JOB_LAYERS) {
		struct rd_err err;
		j->ok = ly_map_prepare(j->map, j->ctx.theme, &err);
		if (!j->ok) /* map_draw says it again when it draws */
			fprintf(stderr, "cbwall: %s: %s\n", j->def->id, err.msg);
		return;
	}
	if (!j->map) {
		int layer[CW_PANEL_LAYERS_MAX], district;
		j->map = load_layers(j->def, j->ctx.scene, layer, &district, true);
		if (memcmp(layer, j->layer, (size_t)j->def->layer_count * sizeof layer[0]) != 0 ||
		    district != j->district_layer) {
			j->load_failed = true;
			return;
		}
		for (int i = 0; j->kind == JOB_BASE && i < ly_map_layer_count(j->map); i++) {
			struct ly_style st = *ly_map_style(j->map, i);
			st.legend = false;
			ly_map_set_style(j->map, i, &st, NULL);
		}
	}
	if (j->kind == JOB_STILL)
		run_still(j);
	else
		run_base(j);
}

static void *helper_main(void *arg)
{
	(void)arg;
	/* background work: on a busy machine the render thread goes first */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
	pthread_mutex_lock(&helper.mu);
	for (;;) {
		while (!helper.head)
			pthread_cond_wait(&helper.cv, &helper.mu);
		struct map_job *j = helper.head;
		helper.head = j->next;
		if (!helper.head)
			helper.tail = NULL;
		pthread_mutex_unlock(&helper.mu);
		job_run(j);
		pthread_mutex_lock(&helper.mu);
		j->done = true;
		pthread_cond_broadcast(&helper.cv);
	}
	return NULL;
}

static void helper_start(void)
{
	pthread_attr_t a;
	pthread_t t;
	if (getenv("CBWALL_MAP_SYNC") || pthread_attr_init(&a) != 0)
		return; /* no helper: each job is done on the render thread */
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	helper.running = pthread_create(&t, &a, helper_main, NULL) == 0;
	pthread_attr_destroy(&a);
}

/* ---- motion: jobs, seen from the render thread ---- */

/* j joins the helper's queue. */
static void helper_post(struct map_job *j)
{
	pthread_mutex_lock(&helper.mu);
	if (helper.tail)
		helper.tail->next = j;
	else
		helper.head = j;
	helper.tail = j;
	pthread_cond_broadcast(&helper.cv);
	pthread_mutex_unlock(&helper.mu);
}

static void take_job(struct map_state *s)
{
	struct map_job *j = &s->job;
	j->posted = false;
	cw_snapshot_unref((struct cw_snapshot *)j->ctx.snap);
	j->ctx.snap = NULL;
	if (j->kind == JOB_LAYERS) { /* the front map, rendered for the view it has */
		struct ly_map_stats st;
		ly_map_stats(s->map, &st);
		s->stats.renders += st.static_renders - j->renders_before;
		s->stats.prepared += st.static_renders - j->renders_before;
		return;
	}
	if (j->chrome)
		cairo_surface_destroy(j->chrome);
	j->chrome = NULL;
	if (j->chrome_out) {
		if (s->chrome)
			cairo_surface_destroy(s->chrome);
		s->chrome = j->chrome_out;
		s->chrome_at = j->chrome_at;
		j->chrome_out = NULL;
	}
	struct ly_map **owner = j->kind == JOB_BASE ? &s->margin : j->here ? &s->map : &s->back;
	*owner = j->map;
	if (j->load_failed) { /* the files changed since the panel loaded them */
		s->no_helper = true;
		ly_map_free(*owner);
		*owner = NULL;
	}
	if (!j->ok) {
		if (j->still)
			cairo_surface_destroy(j->still);
		if (j->base)
			cairo_surface_destroy(j->base);
		drop_patch(&j->legends[0]);
		drop_patch(&j->legends[1]);
		return;
	}
	if (j->kind == JOB_BASE) {
		s->stats.bases++;
		drop_pic(&s->base);
		s->base = (struct base_pic){j->base, 0, 0, j->base_view, j->content, false};
		s->base_gen++;
		return;
	}
	if (!j->here)
		s->stats.helper_renders++;
	else
		s->stats.renders += j->renders;
	drop_still(s);
	s->still = j->still;
	s->still_box = j->box;
	s->still_key = j->key;
	s->still_content = j->content;
	s->still_view = j->view;
	for (int k = 0; k < 2; k++) {
		drop_patch(&s->legends[k]);
		s->legends[k] = j->legends[k];
	}
}

/* Takes the helper's result when it is done (waiting for it when wait). */
static void poll_job(struct map_state *s, bool wait)
{
	struct map_job *j = &s->job;
	if (!j->posted)
		return;
	pthread_mutex_lock(&helper.mu);
	while (wait && !j->done)
		pthread_cond_wait(&helper.cv, &helper.mu);
	bool done = j->done;
	pthread_mutex_unlock(&helper.mu);
	if (done)
		take_job(s);
}

/* Asks for a still or a base at the current view: of the helper, or made here when there is
 * no helper. Needs the background under the panel (keep_background). */
static void post_job(struct cw_panel *p, const struct cw_panel_ctx *c, enum job_kind kind)
{
	struct map_state *s = p->state;
	struct map_job *j = &s->job;
	if (kind == JOB_NONE || j->posted || !s->bg || s->w <= 0)
		return;
	pthread_once(&helper.once, helper_start);
	bool here = s->no_helper || !helper.running;
	if (p->def->overlays && !s->job_ov && !here)
		s->job_ov = cw_overlays_new();
	uint64_t content, key = static_key2(p, c, &content);
	struct ly_map *map = kind == JOB_BASE ? s->margin : here ? s->map : s->back;
	*j = (struct map_job){.def = p->def,
	                      .kind = kind,
	                      .title = cw_panel_title_text(p),
	                      .rect = p->rect,
	                      .ctx = *c,
	                      .view = view_now(s),
	                      .w = s->w,
	                      .h = s->h,
	                      .box = s->bg_box,
	                      .dx = s->bg_dx,
	                      .dy = s->bg_dy,
	                      .bg = s->bg,
	                      .district_layer = s->district_layer,
	                      .key = key,
	                      .content = content,
	                      .map = map,
	                      .ov = here ? s->ov : s->job_ov,
	                      .chrome = s->chrome ? cairo_surface_reference(s->chrome) : NULL,
	                      .here = here,
	                      .posted = true};
	memcpy(j->layer, s->layer, sizeof j->layer);
	if (c->snap)
		j->ctx.snap = cw_snapshot_ref((struct cw_snapshot *)c->snap);
	if (here) {
		job_run(j);
		j->done = true;
		take_job(s);
		return;
	}
	if (kind == JOB_BASE) /* the helper's until the job is done */
		s->margin = NULL;
	else
		s->back = NULL;
	helper_post(j);
}

/* A full frame: the front map's layers rendered on the helper for the view and values set,
 * while the frame draws the other panels (nothing without the helper). */
static void post_layers(struct map_state *s, const struct cw_panel_ctx *c,
                        const struct cw_panel_def *def)
{
	struct map_job *j = &s->job;
	pthread_once(&helper.once, helper_start);
	if (j->posted || s->no_helper || !helper.running)
		return;
	struct ly_map_stats st;
	ly_map_stats(s->map, &st);
	*j = (struct map_job){.def = def,
	                      .kind = JOB_LAYERS,
	                      .ctx = {.theme = c->theme},
	                      .map = s->map,
	                      .renders_before = st.static_renders,
	                      .posted = true};
	helper_post(j);
}

/* The frame's background under the panel: the frame paints it back before calling draw, and
 * the helper draws the panel's picture over a copy of it. Taken again when the panel lies
 * elsewhere on the target. */
static void keep_background(struct map_state *s, cairo_t *cr, struct rd_irect box)
{
	cairo_surface_t *t = cairo_get_target(cr);
	cairo_format_t fmt = cairo_image_surface_get_format(t);
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	if (s->job.posted || (s->bg && memcmp(&box, &s->bg_box, sizeof box) == 0 &&
	                      cairo_image_surface_get_format(s->bg) == fmt && s->bg_dx == m.x0 &&
	                      s->bg_dy == m.y0))
		return;
	if (s->bg)
		cairo_surface_destroy(s->bg);
	cairo_surface_flush(t);
	s->bg = cut(t, box.x, box.y, box.w, box.h);
	s->bg_box = box;
	s->bg_dx = m.x0, s->bg_dy = m.y0;
}

/* What the panel drew on cr's target leaves its frame and title as an interim view needs
 * them around the map (neither the map, its labels and legends nor the animation reach
 * past the map's rectangle): the next interim view there redraws only the map. */
static void shown_on(struct map_state *s, cairo_t *cr, const struct rd_irect *box)
{
	s->live_target = box ? cairo_get_target(cr) : NULL;
	if (box)
		s->live_box = *box;
}

/* The picture an interim view moves: the helper's base for the data shown, else a stand-in. */
static const struct base_pic *usable_base(const struct map_state *s, uint64_t content)
{
	if (s->base.img && s->base.content == content)
		return &s->base;
	if (s->standin.img && s->standin.content == content)
		return &s->standin;
	return NULL;
}

/* Where b's pixel (0, 0) lands in the current view, and the scale from b's view to it. */
static void base_place(const struct map_state *s, const struct base_pic *b, double *x0,
                       double *y0, double *f)
{
	const struct ly_view *v = ly_map_view(s->map);
	double wx, wy;
	ly_view_to_world(&b->view, 0, 0, &wx, &wy);
	ly_view_to_screen(v, wx, wy, x0, y0);
	*f = v->scale / b->view.scale;
}

/* The current view has gone far from b's: scaled past 2x either way (too blurred or too
 * coarse), or b no longer covers the map with half its margin around it (a pan or a zoom out
 * is about to show the panel's fill). */
static bool drifted(const struct map_state *s, const struct base_pic *b)
{
	double x0, y0, f;
	base_place(s, b, &x0, &y0, &f);
	if (!(f <= 2 && f >= 0.5))
		return true;
	int mw, mh;
	margin_of(s->w, s->h, &mw, &mh);
	double ex = mw / 2.0, ey = mh / 2.0;
	return !(x0 <= -ex && y0 <= -ey && x0 + b->view.w * f >= s->w + ex &&
	         y0 + b->view.h * f >= s->h + ey);
}

/* What the helper should make now: while the view is interim, the still once it has settled,
 * else a base when there is none for the data or the view drifted from it; once settled, a
 * base for the view the next gesture starts from (not again for new data alone: the next
 * gesture starts from the still then). */
static enum job_kind want_job(const struct map_state *s, uint64_t content)
{
	if (s->job.posted || !s->motion_seen)
		return JOB_NONE;
	bool base_ok = s->base.img && s->base.content == content;
	if (s->live) {
		if (s->settle_wanted)
			return JOB_STILL;
		return base_ok && !drifted(s, &s->base) ? JOB_NONE : JOB_BASE;
	}
	if (s->w <= 0)
		return JOB_NONE;
	int mw, mh;
	margin_of(s->w, s->h, &mw, &mh);
	struct ly_view v = view_now(s);
	ly_view_resize(&v, s->w + 2 * mw, s->h + 2 * mh);
	return s->base.img && ly_view_equal(&v, &s->base.view) ? JOB_NONE : JOB_BASE;
}

/* The jobs the view asks for, and the settled picture when it is there. */
static void motion_key(struct cw_panel *p, const struct cw_panel_ctx *c, uint64_t key,
                       uint64_t content)
{
	struct map_state *s = p->state;
	poll_job(s, false);
	if (s->live && s->still && s->still_key == key) { /* the full picture of this view */
		s->live = false;
		s->settle_wanted = false;
	}
	post_job(p, c, want_job(s, content));
}

/* The map's rectangle of an interim view over the panel's chrome: b moved and scaled (one
 * bilinear copy, clipped to whole pixels), the chrome where it does not reach when fill (the
 * frame drew it already otherwise), the point overlays at their places, the animation. */
static void live_map(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                     const struct base_pic *b, bool fill)
{
	struct map_state *s = p->state;
	double x0, y0, f;
	base_place(s, b, &x0, &y0, &f);
	if (fabs(f - 1) < 1e-9 && fabs(x0 - round(x0)) < 1e-6 && fabs(y0 - round(y0)) < 1e-6)
		f = 1, x0 = round(x0), y0 = round(y0); /* a plain copy */
	/* what b covers, whole pixels of the canvas (the pattern's pad fills the sliver) */
	double mx = s->map_at.x, my = s->map_at.y;
	double cx0 = fmax(mx, round(mx + x0)), cy0 = fmax(my, round(my + y0));
	double cx1 = fmin(mx + s->w, round(mx + x0 + b->view.w * f));
	double cy1 = fmin(my + s->h, round(my + y0 + b->view.h * f));
	bool covers = cx0 < cx1 && cy0 < cy1;
	cairo_save(cr);
	if (fill && s->chrome && !(covers && cx0 == mx && cy0 == my && cx1 == mx + s->w &&
	                           cy1 == my + s->h)) {
		cairo_save(cr);
		cairo_rectangle(cr, mx, my, s->w, s->h);
		if (covers) {
			cairo_rectangle(cr, cx0, cy0, cx1 - cx0, cy1 - cy0);
			cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		}
		cairo_clip(cr);
		cairo_set_source_surface(cr, s->chrome, mx, my);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_restore(cr);
	}
	if (covers) {
		cairo_rectangle(cr, cx0, cy0, cx1 - cx0, cy1 - cy0);
		cairo_clip(cr);
		cairo_translate(cr, mx + x0, my + y0);
		cairo_scale(cr, f, f);
		cairo_set_source_surface(cr, b->img, -b->x, -b->y);
		cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
	}
	cairo_restore(cr);
	if (s->ov && !b->points) {
		cairo_save(cr);
		cairo_translate(cr, mx, my);
		cw_overlays_draw_parts(s->ov, cr, s->map, s->district_layer, c->theme, c->scale_h,
		                       CW_OVERLAY_PART_POINTS);
		cairo_restore(cr);
	}
	if (animated(p))
		draw_anim(s, cr, c);
	for (int k = 0; k < 2 && !b->points; k++) { /* the legends stay where they were */
		const struct patch *l = &s->legends[k];
		if (!l->img)
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, mx + l->x, my + l->y, cairo_image_surface_get_width(l->img),
		                cairo_image_surface_get_height(l->img));
		cairo_clip(cr);
		cairo_set_source_surface(cr, l->img, mx + l->x, my + l->y);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_restore(cr);
	}
	s->stats.live_frames++;
}

/* The picture an interim view moves: a base for the data shown, else (until the helper's
 * comes) the still of that data on this target, point overlays, legends and all. The map's
 * origin is at (ox, oy) of the target. */
static const struct base_pic *picture_to_move(struct map_state *s, uint64_t content,
                                              const struct rd_irect *box, int ox, int oy)
{
	const struct base_pic *b = usable_base(s, content);
	if (b || !box || !s->still || s->still_content != content ||
	    memcmp(box, &s->still_box, sizeof *box) != 0)
		return b;
	drop_pic(&s->standin);
	s->standin = (struct base_pic){cairo_surface_reference(s->still), ox - box->x, oy - box->y,
	                               s->still_view, content, true};
	s->base_gen++;
	/* the legends the still shows (of its full draw), for the base to come */
	cut_legends(s->legends, s->still, ox - box->x, oy - box->y, s->w, s->h, s->map, s->ov);
	return &s->standin;
}

/* The map's origin on cr's target, device pixels. */
static void map_origin(const struct map_state *s, cairo_t *cr, int *ox, int *oy)
{
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	*ox = (int)(s->map_at.x + m.x0);
	*oy = (int)(s->map_at.y + m.y0);
}

/* An interim view drawn in full: the panel's frame, then its map (live_map). False when there
 * is no picture to move (the caller renders the view). */
static bool live_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                      uint64_t content, const struct rd_irect *box)
{
	struct map_state *s = p->state;
	if (s->w <= 0 || memcmp(&p->rect, &s->drawn_rect, sizeof p->rect) != 0 ||
	    c->scale_h != s->drawn_scale_h)
		return false;
	int ox, oy;
	map_origin(s, cr, &ox, &oy);
	const struct base_pic *b = picture_to_move(s, content, box, ox, oy);
	if (!b)
		return false;
	rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	live_map(p, cr, c, b, false);
	shown_on(s, cr, box);
	return true;
}

/* The next frames on the same target: only the map's rectangle changes, the panel's frame
 * and title around it are as the last draw left them (the chrome, which the helper's first
 * base brings, fills what the moved picture leaves uncovered). */
static int live_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                       struct rd_irect *rects, int max)
{
	struct map_state *s = p->state;
	uint64_t content;
	static_key2(p, c, &content);
	struct rd_irect box;
	int ox, oy;
	map_origin(s, cr, &ox, &oy);
	struct rd_irect at = {ox, oy, s->w, s->h};
	if (max < 1 || !s->chrome || s->live_target != cairo_get_target(cr) ||
	    memcmp(&at, &s->chrome_at, sizeof at) != 0 ||
	    cairo_image_surface_get_format(s->chrome) !=
	        cairo_image_surface_get_format(cairo_get_target(cr)) ||
	    memcmp(&p->rect, &s->drawn_rect, sizeof p->rect) != 0 || c->scale_h != s->drawn_scale_h ||
	    !cw_panel_device_box(p, cr, &box) || memcmp(&box, &s->live_box, sizeof box) != 0)
		return -1;
	const struct base_pic *b = picture_to_move(s, content, &box, ox, oy);
	if (!b)
		return -1;
	cairo_save(cr);
	cairo_rectangle(cr, s->map_at.x, s->map_at.y, s->w, s->h);
	cairo_clip(cr);
	live_map(p, cr, c, b, true);
	cairo_restore(cr);
	rects[0] = (struct rd_irect){(int)s->map_at.x, (int)s->map_at.y, s->w, s->h};
	return 1;
}

/* The static key (with the interim view's picture while there is one), and the animation
 * step while the overlays animate. */
static uint64_t map_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	uint64_t content, h = static_key2(p, c, &content);
	if (s)
		motion_key(p, c, h, content);
	if (s && s->live) {
		h = cw_hash_str(h, "live");
		h = cw_hash(h, &s->base_gen, sizeof s->base_gen);
	}
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

/* The map fitted to in (the panel's content rectangle), at the pan/zoom asked, with the
 * snapshot's values; false when in is too small to draw a map. */
static bool set_map(struct cw_panel *p, const struct cw_panel_ctx *c, struct rd_rect in)
{
	struct map_state *s = p->state;
	int w = (int)in.w, h = (int)in.h;
	if (w < 16 || h < 16)
		return false;
	if (w != s->w || h != s->h) {
		ly_map_set_canvas_height(s->map, c->scale_h);
		ly_map_fit(s->map, w, h, round(12 * rd_unit(c->scale_h)));
		s->w = w, s->h = h;
		s->fitted = *ly_map_view(s->map);
	}
	apply_view(s);
	set_values(p->def, c->scene, c->snap, s->map, s->layer);
	return true;
}

/* The map's layers for this frame rendered on the helper while the frame draws the other
 * panels (at 4K, 20-60 ms of a first frame); map_draw waits for them. Not during a gesture's
 * interim views, nor while the helper works for this panel. */
static void map_prepare(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	if (!s || !s->map || s->live || s->job.posted || s->no_helper)
		return;
	const char *title = cw_panel_title_text(p);
	if (set_map(p, c, rd_panel_content(c->theme, p->rect, title != NULL, c->scale_h)))
		post_layers(s, c, p->def);
}

/* Waits for map_prepare's job: the map is the render thread's again. */
static void layers_wait(struct map_state *s)
{
	if (s && s->job.posted && s->job.kind == JOB_LAYERS)
		poll_job(s, true);
}

static void map_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	layers_wait(s);
	uint64_t content, key = static_key2(p, c, &content);
	bool anim = animated(p);
	struct rd_irect box;
	bool have_box = cw_panel_device_box(p, cr, &box);
	s->anim_n = -1;
	if (have_box && s->motion_seen)
		keep_background(s, cr, box);
	s->drawn_full = false;
	s->live_target = NULL;
	if (s->live) {
		if (live_draw(p, cr, c, content, have_box ? &box : NULL)) {
			post_job(p, c, want_job(s, content));
			return;
		}
		s->live = false; /* nothing to move: this view is rendered here */
		s->settle_wanted = false;
	}
	/* a panel that moved keeps its still too: the next gesture starts from it */
	bool can_keep = (anim || s->motion_seen) && have_box;
	if (can_keep && s->still && s->still_key == key &&
	    memcmp(&box, &s->still_box, sizeof box) == 0) {
		put_still(s, cr);
		shown_on(s, cr, &box);
		if (anim) {
			draw_anim(s, cr, c);
			s->anim_n = anim_rects(s, c, s->anim_rects);
			s->anim_target = cairo_get_target(cr);
		}
		return;
	}
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	int w = (int)in.w, h = (int)in.h;
	if (!set_map(p, c, in))
		return;
	struct rd_err err;
	struct ly_map_stats st0, st1;
	ly_map_stats(s->map, &st0);
	cairo_save(cr);
	s->map_at = (struct rd_rect){round(in.x), round(in.y), w, h};
	s->drawn_rect = p->rect;
	s->drawn_scale_h = c->scale_h;
	cairo_translate(cr, s->map_at.x, s->map_at.y);
	if (!ly_map_draw(s->map, cr, c->theme, 0, &err))
		fprintf(stderr, "cbwall: %s: %s\n", p->def->id, err.msg);
	if (s->ov)
		cw_overlays_draw_static(s->ov, cr, s->map, s->district_layer, c->theme, c->scale_h);
	cairo_restore(cr);
	ly_map_stats(s->map, &st1);
	s->stats.renders += st1.static_renders - st0.static_renders;
	s->drawn_full = true;
	s->drawn_content = content;
	s->drawn_view = *ly_map_view(s->map);
	shown_on(s, cr, have_box ? &box : NULL);
	if (can_keep) {
		take_still(s, cr, box, key, content);
		cairo_matrix_t m;
		cairo_get_matrix(cr, &m);
		if (s->motion_seen)
			cut_legends(s->legends, cairo_get_target(cr), (int)(s->map_at.x + m.x0),
			            (int)(s->map_at.y + m.y0), w, h, s->map, s->ov);
	} else {
		if (s->standin.img == s->still)
			drop_pic(&s->standin);
		drop_still(s);
	}
	if (anim)
		draw_anim(s, cr, c);
	if (anim && s->still && s->still_key == key) {
		s->anim_n = anim_rects(s, c, s->anim_rects);
		s->anim_target = cairo_get_target(cr);
	}
}

/* The first interim view of a panel that keeps no still (it does not animate and was never
 * moved): the picture it last drew, still on the target, is the stand-in. */
static void standin_from_target(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct map_state *s = p->state;
	uint64_t content;
	static_key2(p, c, &content);
	struct rd_irect box;
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	if (!s->drawn_full || s->drawn_content != content || usable_base(s, content) ||
	    animated(p) || !cw_panel_device_box(p, cr, &box))
		return;
	int x = (int)(s->map_at.x + m.x0), y = (int)(s->map_at.y + m.y0);
	if (x < box.x || y < box.y || x + s->w > box.x + box.w || y + s->h > box.y + box.h)
		return;
	drop_pic(&s->standin);
	cairo_surface_t *t = cairo_get_target(cr);
	cairo_surface_flush(t);
	s->standin = (struct base_pic){cut(t, x, y, s->w, s->h), 0, 0, s->drawn_view, content, true};
	s->base_gen++;
	cut_legends(s->legends, t, x, y, s->w, s->h, s->map, s->ov);
}

/* An animation step over the still it last drew on this target: the still back and the new
 * step drawn only where the last step or this one draws. */
static int map_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                      struct rd_irect *rects, int max)
{
	struct map_state *s = p->state;
	struct rd_irect box;
	if (s && s->live) {
		standin_from_target(p, cr, c);
		return live_update(p, cr, c, rects, max);
	}
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
                                           .prepare = map_prepare,
                                           .next_change = map_next_change,
                                           .finish = map_finish};

static struct map_state *map_of(struct cw_panel *p)
{
	struct map_state *s = p->kind == &cw_panel_map ? p->state : NULL;
	layers_wait(s);
	return s;
}

static void set_pose(struct map_state *s, double pan_x, double pan_y, double zoom)
{
	s->pan_x = pan_x;
	s->pan_y = pan_y;
	s->zoom = zoom < 0.25 ? 0.25 : zoom > 64 ? 64 : zoom;
	if (s->w > 0) /* hit-testing sees the new view at once */
		apply_view(s);
}

/* Back at the overview (the kiosk's idle reset): what motion kept goes (at 4K some 50 MB:
 * the helper's two maps and their caches, the base, the still, the background); the next
 * gesture starts as the first did. */
static void drop_motion(struct map_state *s)
{
	poll_job(s, true);
	ly_map_free(s->back);
	ly_map_free(s->margin);
	cw_overlays_free(s->job_ov);
	s->back = s->margin = NULL;
	s->job_ov = NULL;
	drop_pic(&s->base);
	drop_pic(&s->standin);
	drop_patch(&s->legends[0]);
	drop_patch(&s->legends[1]);
	cairo_surface_t **surfaces[] = {&s->chrome, &s->bg};
	for (size_t i = 0; i < sizeof surfaces / sizeof surfaces[0]; i++) {
		if (*surfaces[i])
			cairo_surface_destroy(*surfaces[i]);
		*surfaces[i] = NULL;
	}
	if (!animated_state(s))
		drop_still(s);
	s->motion_seen = false;
	s->live_target = NULL;
}

void cw_panel_map_set_view(struct cw_panel *p, double pan_x, double pan_y, double zoom)
{
	struct map_state *s = map_of(p);
	if (!s)
		return;
	set_pose(s, pan_x, pan_y, zoom);
	s->live = false;
	s->settle_wanted = false;
	if (s->motion_seen && pan_x == 0 && pan_y == 0 && zoom == 1)
		drop_motion(s);
}

void cw_panel_map_move(struct cw_panel *p, double pan_x, double pan_y, double zoom)
{
	struct map_state *s = map_of(p);
	if (!s)
		return;
	set_pose(s, pan_x, pan_y, zoom);
	s->motion_seen = true;
	s->live = s->w > 0; /* not drawn yet: its first picture is rendered anyway */
	s->settle_wanted = false;
}

void cw_panel_map_settle(struct cw_panel *p)
{
	struct map_state *s = map_of(p);
	if (s && s->live)
		s->settle_wanted = true;
}

bool cw_panel_map_busy(struct cw_panel *p)
{
	struct map_state *s = map_of(p);
	if (s)
		poll_job(s, false);
	return s && (s->live || (s->job.posted && s->job.kind == JOB_STILL));
}

void cw_panel_map_wait(struct cw_panel *p)
{
	struct map_state *s = map_of(p);
	if (s)
		poll_job(s, true);
}

bool cw_panel_map_stats(struct cw_panel *p, struct cw_panel_map_stats *st)
{
	struct map_state *s = map_of(p);
	if (!s)
		return false;
	*st = s->stats;
	return true;
}

bool cw_panel_map_info(struct cw_panel *p, struct cw_panel_map_info *info)
{
	struct map_state *s = map_of(p);
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
