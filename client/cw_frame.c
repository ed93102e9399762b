#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_frame.h"
#include "cw_panel.h"
#include "rd_draw.h"
#include "rd_surface.h"
#include "rd_widgets.h"

struct cw_frame {
	const struct cw_scene *scene;
	const struct rd_theme *theme;
	struct cw_view view;
	int utc_offset_min;
	cairo_surface_t *background; /* the static screen, viewport-sized, opaque */
	bool full;                   /* next draw repaints everything */
	int panel_count;
	struct cw_panel panels[CW_PANELS_MAX + 5];
	/* the overlay (kiosk): its picture, view-sized ARGB32, made again when its key changes */
	const struct cw_frame_overlay *overlay;
	uint64_t overlay_key;
	cairo_surface_t *overlay_pic;
};

/* The height text and line sizes scale with: the screen's shorter side, so a portrait kiosk
 * reads like a landscape screen of the same width. */
static int scale_h(const struct cw_view *v)
{
	return v->canvas_w < v->canvas_h ? v->canvas_w : v->canvas_h;
}

static struct cw_panel_ctx context(const struct cw_frame *f, const struct cw_snapshot *snap,
                                   double now)
{
	return (struct cw_panel_ctx){.theme = f->theme,
	                             .scene = f->scene,
	                             .scale_h = scale_h(&f->view),
	                             .utc_offset_min = f->utc_offset_min,
	                             .now = now,
	                             .snap = snap};
}

static void add(struct cw_frame *f, const struct cw_panel_kind *kind,
                const struct cw_panel_def *def, struct rd_rect rect)
{
	f->panels[f->panel_count++] = (struct cw_panel){.kind = kind, .def = def, .rect = rect};
}

static void layout(struct cw_frame *f)
{
	const struct cw_view *v = &f->view;
	double u = rd_unit(scale_h(v));
	double header_h = round(f->scene->header_h * scale_h(v));
	const struct cw_layout_def *lay = cw_scene_layout(f->scene, v->canvas_w, v->canvas_h);
	double m = round(lay->margin * u);
	if (header_h > 0) {
		double tw = rd_header_title_width(v->canvas_w, scale_h(v));
		double tx = round((v->canvas_w - tw) / 2);
		/* the title plate slants out over about a header height left of tx */
		double left_w = tx - header_h - m * 2, conn_w = round(left_w * 0.36);
		/* a narrow header (a portrait kiosk) keeps the connection state, not the weather */
		if (left_w < 3.5 * header_h)
			conn_w = left_w;
		else
			add(f, &cw_panel_weather, NULL, (struct rd_rect){m, 0, left_w - conn_w - m, header_h});
		add(f, &cw_panel_conn, NULL, (struct rd_rect){m + left_w - conn_w, 0, conn_w, header_h});
		add(f, &cw_panel_title, NULL, (struct rd_rect){tx, 0, tw, header_h});
		add(f, &cw_panel_clock, NULL,
		    (struct rd_rect){tx + tw + m, 0, v->canvas_w - tx - tw - 2 * m, header_h});
	}
	struct rd_rect area = {m, header_h + m, v->canvas_w - 2 * m, v->canvas_h - header_h - 2 * m};
	double ticker_h = round(f->scene->ticker_h * scale_h(v));
	if (ticker_h > 0) {
		area.h -= ticker_h + m;
		add(f, &cw_panel_ticker, NULL, (struct rd_rect){m, area.y + area.h + m, area.w, ticker_h});
	}
	for (int i = 0; i < lay->panel_count; i++) {
		const struct cw_panel_def *p = &lay->panels[i];
		add(f, cw_panel_kind_of(p->type), p,
		    rd_grid_cell(&lay->grid, area, u, p->col, p->row, p->colspan, p->rowspan));
	}
}

/* The background's height of the header band, in pixels (rd_draw_background's header_h). */
static double background_header_h(const struct cw_frame *f)
{
	return round(f->scene->header_h * scale_h(&f->view));
}

/* Whether two frames' backgrounds are the same picture: rd_draw_background's inputs (theme,
 * canvas, header) and the part of the canvas shown are equal. */
static bool same_background(const struct cw_frame *a, const struct cw_frame *b)
{
	const struct cw_view *u = &a->view, *v = &b->view;
	return a->theme == b->theme && u->canvas_w == v->canvas_w && u->canvas_h == v->canvas_h &&
	       u->x == v->x && u->y == v->y && u->w == v->w && u->h == v->h &&
	       background_header_h(a) == background_header_h(b);
}

static void render_background(struct cw_frame *f, const struct cw_frame *like)
{
	const struct cw_view *v = &f->view;
	if (like && like->background && same_background(f, like)) {
		f->background = cairo_surface_reference(like->background);
		return;
	}
	f->background = rd_surface_new(CAIRO_FORMAT_RGB24, v->w, v->h);
	cairo_t *cr = cairo_create(f->background);
	cairo_translate(cr, -v->x, -v->y);
	rd_draw_background(cr, f->theme, v->canvas_w, v->canvas_h, scale_h(v),
	                   background_header_h(f));
	cairo_destroy(cr);
}

struct cw_frame *cw_frame_new(const struct cw_scene *scene, const struct rd_theme *theme,
                              struct cw_view view, int utc_offset_min)
{
	return cw_frame_new_like(scene, theme, view, utc_offset_min, NULL);
}

struct cw_frame *cw_frame_new_like(const struct cw_scene *scene, const struct rd_theme *theme,
                                   struct cw_view view, int utc_offset_min,
                                   const struct cw_frame *like)
{
	struct cw_frame *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->scene = scene;
	f->theme = theme;
	f->view = view;
	f->utc_offset_min = utc_offset_min;
	f->full = true;
	layout(f);
	render_background(f, like);
	struct cw_panel_ctx c = context(f, NULL, 0);
	for (int i = 0; i < f->panel_count; i++)
		if (f->panels[i].kind->init)
			f->panels[i].kind->init(&f->panels[i], &c);
	return f;
}

void cw_frame_free(struct cw_frame *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->panel_count; i++)
		if (f->panels[i].kind->finish)
			f->panels[i].kind->finish(&f->panels[i]);
	cairo_surface_destroy(f->background);
	if (f->overlay_pic)
		cairo_surface_destroy(f->overlay_pic);
	free(f);
}

cairo_surface_t *cw_frame_free_keep_background(struct cw_frame *f)
{
	if (!f)
		return NULL;
	/* shared with another frame: that one still paints from it */
	cairo_surface_t *bg = cairo_surface_get_reference_count(f->background) == 1
	                          ? cairo_surface_reference(f->background)
	                          : NULL;
	cw_frame_free(f);
	return bg;
}

void cw_frame_invalidate(struct cw_frame *f)
{
	f->full = true;
}

void cw_frame_map_view(struct cw_frame *f, double pan_x, double pan_y, double zoom)
{
	for (int i = 0; i < f->panel_count; i++)
		cw_panel_map_set_view(&f->panels[i], pan_x, pan_y, zoom);
}

double cw_frame_next_change(struct cw_frame *f, const struct cw_snapshot *snap, double now)
{
	struct cw_panel_ctx c = context(f, snap, now);
	double next = 0;
	for (int i = 0; i < f->panel_count; i++) {
		struct cw_panel *p = &f->panels[i];
		double t = p->kind->next_change ? p->kind->next_change(p, &c) : 0;
		if (t > 0 && (next == 0 || t < next))
			next = t;
	}
	return next;
}

/* Whether p shows data that is old, and the mark's text (of its oldest stale source). */
static bool stale_text(const struct cw_panel *p, const struct cw_snapshot *snap, double now,
                       char *buf, size_t n)
{
	unsigned sources = cw_panel_sources(p);
	int worst = -1;
	for (int s = 0; snap && s < CW_SRC_COUNT; s++)
		if ((sources & (1u << s)) && cw_snapshot_stale(snap, s, (int64_t)floor(now)) &&
		    (worst < 0 || snap->src[s].fetched_at < snap->src[worst].fetched_at))
			worst = s;
	if (worst < 0)
		return false;
	cw_snapshot_age_text(snap, worst, (int64_t)floor(now), buf, n);
	return true;
}

/* The overlay's picture at the view's size, transparent where it draws nothing. */
static cairo_surface_t *overlay_picture(struct cw_frame *f, const struct cw_panel_ctx *c)
{
	const struct cw_view *v = &f->view;
	cairo_surface_t *pic = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, v->w, v->h);
	cairo_t *cr = cairo_create(pic);
	cairo_translate(cr, -v->x, -v->y);
	f->overlay->draw(f->overlay->ud, cr, c);
	cairo_destroy(cr);
	cairo_surface_flush(pic);
	return pic;
}

/* cr is translated to canvas pixels; rects are canvas pixels. */
static void put_overlay(struct cw_frame *f, cairo_t *cr, bool all, const struct rd_irect *rects,
                        int n)
{
	const struct cw_view *v = &f->view;
	cairo_save(cr);
	cairo_set_source_surface(cr, f->overlay_pic, v->x, v->y);
	if (all) {
		cairo_paint(cr);
	} else {
		for (int i = 0; i < n; i++)
			cairo_rectangle(cr, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
		cairo_clip(cr);
		if (n > 0)
			cairo_paint(cr);
	}
	cairo_restore(cr);
}

void cw_frame_set_overlay(struct cw_frame *f, const struct cw_frame_overlay *ov)
{
	f->overlay = ov;
}

int cw_frame_panel_count(const struct cw_frame *f)
{
	return f->panel_count;
}

struct cw_panel *cw_frame_panel(struct cw_frame *f, int i)
{
	return i >= 0 && i < f->panel_count ? &f->panels[i] : NULL;
}

void cw_frame_context(const struct cw_frame *f, const struct cw_snapshot *snap, double now,
                      struct cw_panel_ctx *out)
{
	*out = context(f, snap, now);
}

bool cw_frame_draw(struct cw_frame *f, cairo_surface_t *target, const struct cw_snapshot *snap,
                   double now, struct rd_damage *damage, struct rd_err *err)
{
	const struct cw_view *v = &f->view;
	struct rd_irect viewport = {v->x, v->y, v->w, v->h};
	struct cw_panel_ctx c = context(f, snap, now);
	uint64_t okey = f->overlay ? f->overlay->key(f->overlay->ud, &c) : 0;
	if (okey != f->overlay_key) { /* opened, changed or closed: everything under it again */
		f->overlay_key = okey;
		f->full = true;
		if (f->overlay_pic)
			cairo_surface_destroy(f->overlay_pic);
		f->overlay_pic = okey ? overlay_picture(f, &c) : NULL;
	}
	bool full = f->full;
	enum { UPDATE_RECTS_MAX = 16 };
	struct rd_irect redrawn[CW_PANELS_MAX + 5 + 2 * UPDATE_RECTS_MAX];
	int nredrawn = 0;
	cairo_t *cr = cairo_create(target);
	if (f->full) {
		cairo_set_source_surface(cr, f->background, 0, 0);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		rd_damage_add(damage, (struct rd_irect){0, 0, v->w, v->h});
		for (int i = 0; i < f->panel_count; i++)
			f->panels[i].key = 0;
	}
	cairo_translate(cr, -v->x, -v->y);
	/* the order panels are drawn in: those that start their expensive part on another thread
	 * (prepare) last in a full frame, so that it runs while the others draw */
	int order[CW_PANELS_MAX + 5], norder = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < f->panel_count; i++) {
			struct cw_panel *p = &f->panels[i];
			bool deferred = f->full && p->kind->prepare;
			struct rd_irect vis;
			if (deferred != (pass == 1))
				continue;
			order[norder++] = i;
			if (deferred && rd_irect_intersect(rd_rect_outer(p->rect), viewport, &vis))
				p->kind->prepare(p, &c);
		}
	for (int o = 0; o < norder; o++) {
		int i = order[o];
		struct cw_panel *p = &f->panels[i];
		struct rd_irect box = rd_rect_outer(p->rect), vis;
		if (!rd_irect_intersect(box, viewport, &vis))
			continue;
		char stale[96];
		bool is_stale = stale_text(p, snap, now, stale, sizeof stale);
		uint64_t key = p->kind->key(p, &c);
		if (is_stale)
			key = cw_hash_str(key, stale);
		if (key == p->key)
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, vis.x, vis.y, vis.w, vis.h);
		cairo_clip(cr);
		int room = (int)(sizeof redrawn / sizeof redrawn[0]) - nredrawn - CW_PANELS_MAX - 5;
		if (!f->full && !is_stale && !p->marked && p->key != 0 && p->kind->update &&
		    room >= UPDATE_RECTS_MAX) {
			/* the panel brings its own picture up to date: only what it changed */
			struct rd_irect rects[UPDATE_RECTS_MAX];
			int n = p->kind->update(p, cr, &c, rects, UPDATE_RECTS_MAX);
			if (n >= 0) {
				cairo_restore(cr);
				p->key = key;
				for (int k = 0; k < n; k++) {
					struct rd_irect r;
					if (!rd_irect_intersect(rects[k], vis, &r))
						continue;
					rd_damage_add(damage, (struct rd_irect){r.x - v->x, r.y - v->y, r.w, r.h});
					redrawn[nredrawn++] = r;
				}
				continue;
			}
		}
		if (!f->full) { /* paint the background back, then the panel over it */
			cairo_set_source_surface(cr, f->background, v->x, v->y);
			cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
			cairo_paint(cr);
			cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		}
		static const char prefix[] = "数据更新于 ";
		const char *brief = NULL;
		if (is_stale) {
			brief = strncmp(stale, prefix, sizeof prefix - 1) == 0 ? stale + sizeof prefix - 1
			                                                        : stale;
			c.stale_corner = rd_stale_corner(cr, f->theme, p->rect, stale, brief, scale_h(v));
		}
		p->kind->draw(p, cr, &c);
		c.stale_corner = 0;
		if (is_stale)
			rd_stale_mark(cr, f->theme, p->rect, stale, brief, scale_h(v));
		cairo_restore(cr);
		p->key = key;
		p->marked = is_stale;
		rd_damage_add(damage, (struct rd_irect){vis.x - v->x, vis.y - v->y, vis.w, vis.h});
		redrawn[nredrawn++] = vis;
	}
	if (f->overlay_pic) /* over everything drawn now (nothing else changed under it) */
		put_overlay(f, cr, full, redrawn, nredrawn);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(target);
	f->full = st != CAIRO_STATUS_SUCCESS;
	if (st != CAIRO_STATUS_SUCCESS)
		return rd_err_set(err, "drawing the frame: %s", cairo_status_to_string(st));
	return true;
}
