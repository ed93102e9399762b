#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_frame.h"
#include "cw_panel.h"
#include "rd_draw.h"
#include "rd_widgets.h"

struct cw_frame {
	const struct cw_scene *scene;
	const struct rd_theme *theme;
	struct cw_view view;
	int utc_offset_min;
	cairo_surface_t *background; /* the static screen, viewport-sized, opaque */
	bool full;                   /* next draw repaints everything */
	int panel_count;
	struct cw_panel panels[CW_PANELS_MAX + 3];
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
		add(f, &cw_panel_weather, NULL, (struct rd_rect){m, 0, tx - m * 2, header_h});
		add(f, &cw_panel_title, NULL, (struct rd_rect){tx, 0, tw, header_h});
		add(f, &cw_panel_clock, NULL,
		    (struct rd_rect){tx + tw + m, 0, v->canvas_w - tx - tw - 2 * m, header_h});
	}
	struct rd_rect area = {m, header_h + m, v->canvas_w - 2 * m, v->canvas_h - header_h - 2 * m};
	for (int i = 0; i < lay->panel_count; i++) {
		const struct cw_panel_def *p = &lay->panels[i];
		add(f, cw_panel_kind_of(p->type), p,
		    rd_grid_cell(&lay->grid, area, u, p->col, p->row, p->colspan, p->rowspan));
	}
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
	layout(f);
	render_background(f);
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
	free(f);
}

void cw_frame_invalidate(struct cw_frame *f)
{
	f->full = true;
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

bool cw_frame_draw(struct cw_frame *f, cairo_surface_t *target, const struct cw_snapshot *snap,
                   double now, struct rd_damage *damage, struct rd_err *err)
{
	const struct cw_view *v = &f->view;
	struct rd_irect viewport = {v->x, v->y, v->w, v->h};
	struct cw_panel_ctx c = context(f, snap, now);
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
	for (int i = 0; i < f->panel_count; i++) {
		struct cw_panel *p = &f->panels[i];
		struct rd_irect box = rd_rect_outer(p->rect), vis;
		if (!rd_irect_intersect(box, viewport, &vis))
			continue;
		uint64_t key = p->kind->key(p, &c);
		if (key == p->key)
			continue;
		cairo_save(cr);
		cairo_rectangle(cr, vis.x, vis.y, vis.w, vis.h);
		cairo_clip(cr);
		if (!f->full) { /* paint the background back, then the panel over it */
			cairo_set_source_surface(cr, f->background, v->x, v->y);
			cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
			cairo_paint(cr);
			cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		}
		p->kind->draw(p, cr, &c);
		cairo_restore(cr);
		p->key = key;
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
