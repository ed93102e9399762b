#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_opts.h"
#include "cw_scene.h"
#include "cw_wall.h"

struct cw_wall {
	struct cw_playlist playlist;
	const struct rd_theme *theme;
	struct cw_view view;
	int utc_offset_min;
	int scene_count;
	char names[CW_SCHEDULES_MAX * CW_PLAYLIST_ITEMS_MAX][64];
	struct cw_scene *scenes;     /* parallel to names */
	int current;                 /* index into scenes, -1 before the first draw */
	struct cw_frame *frame;      /* the current scene's frame */
	/* transition */
	cairo_surface_t *outgoing;   /* the last picture of the previous scene */
	cairo_surface_t *incoming;   /* the new scene, drawn off screen while it slides in */
	bool animating;
	/* kiosk: a scene held by hand (-1: the playlist's), and a transition on the monotonic
	 * clock (trans_t0 > 0: its start, seconds) sliding in from the right (dir 1) or left */
	int manual;
	double trans_t0;
	int slide_dir;
	const struct cw_frame_overlay *overlay;
};

static int scene_index(const struct cw_wall *w, const char *name)
{
	for (int i = 0; i < w->scene_count; i++)
		if (strcmp(w->names[i], name) == 0)
			return i;
	return -1;
}

struct cw_wall *cw_wall_new(const struct cw_playlist *pl, const struct rd_theme *theme,
                            struct cw_view view, int utc_offset_min, struct rd_err *err)
{
	struct cw_wall *w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->playlist = *pl;
	w->theme = theme;
	w->view = view;
	w->utc_offset_min = utc_offset_min;
	w->current = -1;
	w->manual = -1;
	w->slide_dir = 1;
	for (int s = 0; s < pl->count; s++)
		for (int i = 0; i < pl->schedules[s].count; i++)
			if (scene_index(w, pl->schedules[s].items[i].scene) < 0)
				snprintf(w->names[w->scene_count++], sizeof w->names[0], "%s",
				         pl->schedules[s].items[i].scene);
	w->scenes = calloc((size_t)w->scene_count, sizeof *w->scenes);
	if (!w->scenes)
		abort();
	for (int i = 0; i < w->scene_count; i++) {
		if (!cw_scene_load(w->names[i], &w->scenes[i], err)) {
			cw_wall_free(w);
			return NULL;
		}
	}
	return w;
}

static void end_transition(struct cw_wall *w)
{
	cairo_surface_destroy(w->outgoing);
	cairo_surface_destroy(w->incoming);
	w->outgoing = w->incoming = NULL;
	w->animating = false;
}

void cw_wall_free(struct cw_wall *w)
{
	if (!w)
		return;
	end_transition(w);
	cw_frame_free(w->frame);
	free(w->scenes);
	free(w);
}

void cw_wall_invalidate(struct cw_wall *w)
{
	if (w->frame)
		cw_frame_invalidate(w->frame);
}

const char *cw_wall_scene(const struct cw_wall *w)
{
	return w->current >= 0 ? w->names[w->current] : "";
}

bool cw_wall_animating(const struct cw_wall *w)
{
	return w->animating;
}

double cw_wall_next_change(struct cw_wall *w, const struct cw_snapshot *snap, double now)
{
	if (w->animating || w->trans_t0 > 0)
		return now + 1.0 / 60;
	double next = w->frame ? cw_frame_next_change(w->frame, snap, now) : 0;
	/* The playlist's next scene change. */
	struct cw_playlist_pos pos;
	if (w->manual < 0 && cw_playlist_at(&w->playlist, now, w->utc_offset_min, &pos)) {
		double change = now - pos.into + pos.item->seconds;
		if (next == 0 || change < next)
			next = change;
	}
	return next;
}

static cairo_surface_t *copy_surface(cairo_surface_t *src)
{
	int wd = cairo_image_surface_get_width(src), ht = cairo_image_surface_get_height(src);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wd, ht);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_surface(cr, src, 0, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	return s;
}

/* Composes the two pictures at progress p (0..1) into target. Slide moves whole pixels. */
static void compose(const struct cw_wall *w, cairo_surface_t *target, double p)
{
	/* ease in-out */
	double e = p < 0.5 ? 2 * p * p : 1 - pow(-2 * p + 2, 2) / 2;
	cairo_t *cr = cairo_create(target);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	if (w->playlist.transition == CW_TRANSITION_SLIDE) {
		/* Each output slides its own picture: a tile has only its part of the incoming
		 * scene, so on a tiled wall "fade" looks seamless where "slide" does not. */
		double dx = round(e * w->view.w) * (w->slide_dir < 0 ? -1 : 1);
		cairo_set_source_surface(cr, w->outgoing, -dx, 0);
		cairo_paint(cr);
		cairo_set_source_surface(cr, w->incoming, (w->slide_dir < 0 ? -w->view.w : w->view.w) - dx,
		                         0);
		cairo_paint(cr);
	} else {
		cairo_set_source_surface(cr, w->outgoing, 0, 0);
		cairo_paint(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
		cairo_set_source_surface(cr, w->incoming, 0, 0);
		cairo_paint_with_alpha(cr, e);
	}
	cairo_destroy(cr);
}

bool cw_wall_draw(struct cw_wall *w, cairo_surface_t *target, const struct cw_snapshot *snap,
                  double now, struct rd_damage *damage, struct rd_err *err)
{
	struct cw_playlist_pos pos;
	int want = w->current;
	if (w->manual >= 0) {
		want = w->manual;
		pos.transition = 1;
	} else if (cw_playlist_at(&w->playlist, now, w->utc_offset_min, &pos)) {
		want = scene_index(w, pos.item->scene);
	} else {
		pos.transition = 1;
	}
	if (want < 0)
		want = 0;
	if (w->trans_t0 > 0) { /* a manual change: its own clock */
		double s = w->playlist.transition_s > 0 ? w->playlist.transition_s : 1;
		pos.transition = fmin(1, (cw_mono_ms() / 1000 - w->trans_t0) / s);
		if (pos.transition >= 1)
			w->trans_t0 = 0;
		if (want == w->current && !w->animating)
			w->trans_t0 = 0; /* nothing to slide */
	} else if (!w->animating) {
		w->slide_dir = 1;
	}
	if (want != w->current) {
		bool first = w->current < 0;
		if (!first && pos.transition < 1 && w->playlist.transition != CW_TRANSITION_NONE) {
			end_transition(w);
			w->outgoing = copy_surface(target);
			w->incoming = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w->view.w, w->view.h);
			w->animating = true;
		}
		cw_frame_free(w->frame);
		w->frame = cw_frame_new(&w->scenes[want], w->theme, w->view, w->utc_offset_min);
		cw_frame_set_overlay(w->frame, w->overlay);
		w->current = want;
	}
	if (w->animating) {
		if (pos.transition < 1) {
			struct rd_damage ignored;
			rd_damage_init(&ignored, w->view.w, w->view.h);
			if (!cw_frame_draw(w->frame, w->incoming, snap, now, &ignored, err))
				return false;
			compose(w, target, pos.transition);
			rd_damage_add_all(damage);
			return true;
		}
		end_transition(w);
		cw_frame_invalidate(w->frame);
	}
	return cw_frame_draw(w->frame, target, snap, now, damage, err);
}

struct cw_frame *cw_wall_frame(struct cw_wall *w)
{
	return w->frame;
}

void cw_wall_hold(struct cw_wall *w)
{
	if (w->manual < 0 && w->current >= 0)
		w->manual = w->current;
}

bool cw_wall_held(const struct cw_wall *w)
{
	return w->manual >= 0;
}

bool cw_wall_step(struct cw_wall *w, int dir)
{
	if (w->scene_count < 2 || w->current < 0)
		return false;
	w->manual = ((w->current + (dir < 0 ? -1 : 1)) % w->scene_count + w->scene_count) %
	            w->scene_count;
	w->slide_dir = dir < 0 ? -1 : 1;
	w->trans_t0 = w->playlist.transition != CW_TRANSITION_NONE ? cw_mono_ms() / 1000 : 0;
	return true;
}

void cw_wall_resume(struct cw_wall *w)
{
	int was = w->manual;
	w->manual = -1;
	if (was < 0 || w->current < 0)
		return;
	/* the playlist's scene at the next draw's clock: when it is another one it slides in
	 * from the right (cw_wall_draw drops the transition clock otherwise) */
	w->slide_dir = 1;
	w->trans_t0 = w->playlist.transition != CW_TRANSITION_NONE ? cw_mono_ms() / 1000 : 0;
}

void cw_wall_set_overlay(struct cw_wall *w, const struct cw_frame_overlay *ov)
{
	w->overlay = ov;
	if (w->frame)
		cw_frame_set_overlay(w->frame, ov);
}
