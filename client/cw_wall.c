#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_opts.h"
#include "cw_scene.h"
#include "cw_wall.h"
#include "rd_surface.h"
#include "rd_text.h"

/* How long before the playlist's next scene change the wall starts making that scene's frame
 * and first picture on its helper thread (loading map layers, the background, a full draw:
 * 0.1-0.5 s of one core at 4K), so the switch itself only composes. */
static const double PREP_S = 3.0;

/* The next scene made ahead on a helper thread. The thread lives as long as the wall (its
 * font and layout caches are thread-local, so one thread keeps them warm and never leaks
 * them). The main thread starts a job when idle and takes its result at the switch; the
 * helper touches only the job's own frame and pictures, the wall's read-only scenes, theme
 * and view, and the background of the frame on screen, which the new frame shares
 * (cw_frame_new_like; the main thread only reads it too, and frees that frame only after
 * taking the job). Between jobs it gives freed memory back to the system (trim). */
struct prep {
	pthread_t thread;
	bool have_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool quit;
	bool trim;                    /* malloc_trim asked for */
	int scene;                    /* -1: no job */
	bool done;                    /* the job's result is ready */
	double at;                    /* the clock its picture is drawn at */
	struct cw_snapshot *snap;     /* a reference, for the job */
	const struct cw_frame *like;  /* the frame on screen when the job started */
	bool fade;                    /* also make the fade's outgoing surface */
	struct cw_frame *frame;       /* the result */
	cairo_surface_t *pic;         /* the frame's first picture (RGB24, view-sized) */
	cairo_surface_t *out;         /* for a fade: RGB24, view-sized, its memory touched */
	bool ok;
};

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
	cairo_surface_t *outgoing;   /* the last picture of the previous scene (fade); NULL for a
	                              * slide, which moves that picture on the target itself */
	cairo_surface_t *incoming;   /* the new scene, drawn off screen while it comes in */
	bool animating;
	int slid;                    /* slide in place: how far (px) the target's outgoing picture
	                              * has moved; -1: the target no longer holds it */
	const void *slide_pixels;    /* the target's pixels it is on */
	/* kiosk: a scene held by hand (-1: the playlist's), and a transition on the monotonic
	 * clock (trans_t0 > 0: its start, seconds) sliding in from the right (dir 1) or left */
	int manual;
	double trans_t0;
	int slide_dir;
	const struct cw_frame_overlay *overlay;
	struct prep prep;
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
	w->prep.scene = -1;
	pthread_mutex_init(&w->prep.mu, NULL);
	pthread_cond_init(&w->prep.cv, NULL);
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
	cairo_surface_destroy(w->outgoing); /* NULL is fine */
	cairo_surface_destroy(w->incoming);
	w->outgoing = w->incoming = NULL;
	w->animating = false;
}

/* A view-sized RGB24 surface whose pages are already touched, so the render thread can
 * paint into it at once (first touching 33 MB costs 10-150 ms of page faults at 4K). */
static cairo_surface_t *touched_surface(const struct cw_view *v)
{
	cairo_surface_t *s = rd_surface_new(CAIRO_FORMAT_RGB24, v->w, v->h);
	cairo_surface_flush(s);
	memset(cairo_image_surface_get_data(s), 0,
	       (size_t)cairo_image_surface_get_stride(s) * (size_t)v->h);
	cairo_surface_mark_dirty(s);
	return s;
}

static void *prep_main(void *arg)
{
	struct cw_wall *w = arg;
	struct prep *pr = &w->prep;
	pthread_mutex_lock(&pr->mu);
	for (;;) {
		while (!pr->quit && !pr->trim && (pr->scene < 0 || pr->done))
			pthread_cond_wait(&pr->cv, &pr->mu);
		if (pr->quit)
			break;
		bool job = pr->scene >= 0 && !pr->done;
		pr->trim = false;
		int scene = pr->scene;
		double at = pr->at;
		const struct cw_snapshot *snap = pr->snap;
		const struct cw_frame *like = pr->like;
		bool fade = pr->fade;
		pthread_mutex_unlock(&pr->mu);
		/* a switch freed a frame, its shapefiles and the transition's pictures, much of it
		 * in this thread's malloc arena: give it back to the system here, off the render
		 * thread, so a wall that runs for days stays flat */
		malloc_trim(0);
		if (!job) {
			pthread_mutex_lock(&pr->mu);
			continue;
		}
		struct cw_frame *f = cw_frame_new_like(&w->scenes[scene], w->theme, w->view,
		                                       w->utc_offset_min, like);
		cairo_surface_t *pic = rd_surface_new(CAIRO_FORMAT_RGB24, w->view.w, w->view.h);
		struct rd_damage ignored;
		rd_damage_init(&ignored, w->view.w, w->view.h);
		struct rd_err err;
		bool ok = cw_frame_draw(f, pic, snap, at, &ignored, &err);
		cairo_surface_t *out = ok && fade ? touched_surface(&w->view) : NULL;
		pthread_mutex_lock(&pr->mu);
		pr->frame = f;
		pr->pic = pic;
		pr->out = out;
		pr->ok = ok;
		pr->done = true;
		pthread_cond_broadcast(&pr->cv);
	}
	pthread_mutex_unlock(&pr->mu);
	rd_text_thread_end();
	return NULL;
}

/* Asks the helper (when there is one) to give freed memory back to the system. */
static void prep_trim(struct prep *pr)
{
	if (!pr->have_thread)
		return;
	pthread_mutex_lock(&pr->mu);
	pr->trim = true;
	pthread_cond_broadcast(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
}

/* Waits for the job (if any) to finish. */
static void prep_wait(struct prep *pr)
{
	pthread_mutex_lock(&pr->mu);
	while (pr->scene >= 0 && !pr->done)
		pthread_cond_wait(&pr->cv, &pr->mu);
	pthread_mutex_unlock(&pr->mu);
}

/* The job's results: the frame, its first picture, the fade's outgoing surface (or NULL). */
struct made {
	struct cw_frame *frame;
	cairo_surface_t *pic, *out;
};

static void made_free(struct made *m)
{
	cw_frame_free(m->frame);
	cairo_surface_destroy(m->pic); /* NULL is fine */
	cairo_surface_destroy(m->out);
	*m = (struct made){NULL, NULL, NULL};
}

/* Waits for the job and hands its results over when it made scene `want` successfully; drops
 * them otherwise (want -1). The job slot is free afterwards. */
static void prep_take(struct prep *pr, int want, struct made *m)
{
	*m = (struct made){NULL, NULL, NULL};
	if (pr->scene < 0)
		return;
	prep_wait(pr);
	*m = (struct made){pr->frame, pr->pic, pr->out};
	if (pr->scene != want || !pr->ok)
		made_free(m);
	cw_snapshot_unref(pr->snap);
	pr->snap = NULL, pr->frame = NULL, pr->pic = NULL, pr->out = NULL, pr->like = NULL;
	pr->scene = -1, pr->done = false;
}

static void prep_start(struct cw_wall *w, int scene, double at, const struct cw_snapshot *snap)
{
	struct prep *pr = &w->prep;
	if (!pr->have_thread) {
		if (pthread_create(&pr->thread, NULL, prep_main, w) != 0)
			return; /* no helper: the switch makes the frame itself */
		pr->have_thread = true;
	}
	pthread_mutex_lock(&pr->mu);
	pr->snap = snap ? cw_snapshot_ref((struct cw_snapshot *)snap) : NULL;
	pr->at = at;
	pr->like = w->frame;
	pr->fade = w->playlist.transition == CW_TRANSITION_FADE;
	pr->done = false;
	pr->scene = scene;
	pthread_cond_broadcast(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
}

/* The playlist's next scene change after now and the scene it brings; false when there is
 * none to make ahead (held, sliding, one scene, or not yet within PREP_S). */
static bool next_switch(const struct cw_wall *w, double now, double *at, int *scene)
{
	struct cw_playlist_pos pos;
	if (w->manual >= 0 || w->trans_t0 > 0 || w->current < 0 ||
	    !cw_playlist_at(&w->playlist, now, w->utc_offset_min, &pos))
		return false;
	*at = now - pos.into + pos.item->seconds;
	struct cw_playlist_pos next;
	if (!cw_playlist_at(&w->playlist, *at + 0.01, w->utc_offset_min, &next))
		return false;
	*scene = scene_index(w, next.item->scene);
	return *scene >= 0 && *scene != w->current;
}

static void prep_maybe(struct cw_wall *w, const struct cw_snapshot *snap, double now)
{
	double at;
	int scene;
	if (w->animating || !next_switch(w, now, &at, &scene) || at - now > PREP_S)
		return;
	struct prep *pr = &w->prep;
	if (pr->scene == scene && pr->at == at)
		return; /* made or being made */
	if (pr->scene >= 0) { /* another one: drop it */
		struct made m;
		prep_take(pr, -1, &m);
	}
	prep_start(w, scene, at, snap);
}

void cw_wall_settle(struct cw_wall *w)
{
	prep_wait(&w->prep);
}

void cw_wall_free(struct cw_wall *w)
{
	if (!w)
		return;
	struct prep *pr = &w->prep;
	if (pr->have_thread) {
		struct made m;
		prep_take(pr, -1, &m);
		pthread_mutex_lock(&pr->mu);
		pr->quit = true;
		pthread_cond_broadcast(&pr->cv);
		pthread_mutex_unlock(&pr->mu);
		pthread_join(pr->thread, NULL);
	}
	pthread_mutex_destroy(&pr->mu);
	pthread_cond_destroy(&pr->cv);
	end_transition(w);
	cw_frame_free(w->frame);
	free(w->scenes);
	free(w);
}

void cw_wall_invalidate(struct cw_wall *w)
{
	if (w->frame)
		cw_frame_invalidate(w->frame);
	if (w->animating && !w->outgoing)
		w->slid = -1; /* a new target: the sliding picture is not on it */
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
		/* wake in time to start making the next scene ahead */
		double at;
		int scene;
		if (change - PREP_S > now && next_switch(w, now, &at, &scene) &&
		    change - PREP_S < next)
			next = change - PREP_S;
	}
	return next;
}

/* dst = src, pixel for pixel (both view-sized). */
static void paint_copy(cairo_surface_t *dst, cairo_surface_t *src)
{
	cairo_t *cr = cairo_create(dst);
	cairo_set_source_surface(cr, src, 0, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
}

/* Whether the transition can slide the outgoing picture on target itself: a slide, onto a
 * view-sized image of 4-byte pixels. */
static bool slides_in_place(const struct cw_wall *w, cairo_surface_t *target)
{
	cairo_format_t f = cairo_image_surface_get_format(target);
	return w->playlist.transition == CW_TRANSITION_SLIDE &&
	       (f == CAIRO_FORMAT_RGB24 || f == CAIRO_FORMAT_ARGB32) &&
	       cairo_image_surface_get_width(target) == w->view.w &&
	       cairo_image_surface_get_height(target) == w->view.h;
}

/* The slide at dx pixels (0..view width) with the outgoing picture on the target: its rows
 * move on by whole pixels (memmove) and the incoming picture's visible part is painted next
 * to them, the same pixels as painting both pictures at their places. Pixels moved off the
 * screen are gone, so the slide never moves back (a clock that steps back holds it). */
static void slide_in_place(struct cw_wall *w, cairo_surface_t *target, int dx)
{
	int vw = w->view.w, vh = w->view.h;
	if (dx < w->slid)
		dx = w->slid;
	int step = dx - w->slid;
	if (step > 0 && dx < vw) {
		cairo_surface_flush(target);
		unsigned char *px = cairo_image_surface_get_data(target);
		size_t stride = (size_t)cairo_image_surface_get_stride(target);
		size_t keep = (size_t)(vw - dx) * 4, from = (size_t)(w->slid) * 4;
		for (int y = 0; y < vh; y++) {
			unsigned char *row = px + stride * (size_t)y;
			if (w->slide_dir < 0) /* out to the right */
				memmove(row + (size_t)dx * 4, row + from, keep);
			else
				memmove(row, row + (size_t)step * 4, keep);
		}
		cairo_surface_mark_dirty(target);
	}
	w->slid = dx;
	cairo_t *cr = cairo_create(target);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_rectangle(cr, w->slide_dir < 0 ? 0 : vw - dx, 0, dx, vh);
	cairo_clip(cr);
	cairo_set_source_surface(cr, w->incoming, w->slide_dir < 0 ? dx - vw : vw - dx, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
}

/* Composes the two pictures at progress p (0..1) into target. Slide moves whole pixels. */
static void compose(struct cw_wall *w, cairo_surface_t *target, double p)
{
	/* ease in-out */
	double e = p < 0.5 ? 2 * p * p : 1 - pow(-2 * p + 2, 2) / 2;
	if (!w->outgoing) {
		slide_in_place(w, target, (int)round(e * w->view.w));
		return;
	}
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
		/* made ahead on the helper thread (waiting for it if it is still at work) */
		struct made m;
		prep_take(&w->prep, want, &m);
		struct cw_frame *old = w->frame;
		w->frame = m.frame ? m.frame
		                   : cw_frame_new_like(&w->scenes[want], w->theme, w->view,
		                                       w->utc_offset_min, old);
		m.frame = NULL;
		cw_frame_set_overlay(w->frame, w->overlay);
		w->current = want;
		if (!first && pos.transition < 1 && w->playlist.transition != CW_TRANSITION_NONE) {
			end_transition(w);
			w->incoming = m.pic ? m.pic
			                    : rd_surface_new(CAIRO_FORMAT_RGB24, w->view.w, w->view.h);
			m.pic = NULL;
			w->animating = true;
			if (slides_in_place(w, target)) {
				w->slid = 0;
				w->slide_pixels = cairo_image_surface_get_data(target);
			} else {
				/* the outgoing picture goes into a surface whose memory is touched already
				 * (a fresh 4K one costs 10-150 ms of page faults): the fade's, made ahead,
				 * or the old frame's background when no other frame shares it */
				cairo_surface_t *out = m.out;
				m.out = NULL;
				if (!out) {
					out = cw_frame_free_keep_background(old);
					old = NULL;
				}
				if (out && (cairo_image_surface_get_width(out) != w->view.w ||
				            cairo_image_surface_get_height(out) != w->view.h)) {
					cairo_surface_destroy(out);
					out = NULL;
				}
				if (!out)
					out = rd_surface_new(CAIRO_FORMAT_RGB24, w->view.w, w->view.h);
				paint_copy(out, target);
				w->outgoing = out;
			}
		}
		cw_frame_free(old);
		if (m.pic) { /* no transition: the made picture is where the frame goes on from */
			paint_copy(target, m.pic);
			rd_damage_add_all(damage);
		}
		made_free(&m);
		if (!w->animating)
			prep_trim(&w->prep);
	}
	/* a slide in place on a target that is not the one it started on (a new window
	 * surface) has lost its outgoing picture: the incoming scene shows at once */
	bool lost = w->animating && !w->outgoing &&
	            (w->slid < 0 || cairo_image_surface_get_data(target) != w->slide_pixels);
	bool ok;
	if (w->animating && pos.transition < 1 && !lost) {
		struct rd_damage ignored;
		rd_damage_init(&ignored, w->view.w, w->view.h);
		ok = cw_frame_draw(w->frame, w->incoming, snap, now, &ignored, err);
		if (ok) {
			compose(w, target, pos.transition);
			rd_damage_add_all(damage);
		}
	} else {
		if (w->animating) {
			/* the incoming picture is the frame's last one: go on from it */
			paint_copy(target, w->incoming);
			rd_damage_add_all(damage);
			end_transition(w);
			prep_trim(&w->prep);
		}
		ok = cw_frame_draw(w->frame, target, snap, now, damage, err);
	}
	if (ok)
		prep_maybe(w, snap, now);
	return ok;
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
