/* The window: an SDL2 window whose surface Cairo draws into directly (XRGB8888 is
 * CAIRO_FORMAT_RGB24); only damaged rectangles are pushed with SDL_UpdateWindowSurfaceRects.
 * SDL_HINT_FRAMEBUFFER_ACCELERATION=0 keeps SDL off a software OpenGL path on machines
 * without a GPU (ten times slower, see docs/performance.md). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <SDL.h>

#include "cw_commands.h"
#include "cw_feed.h"
#include "cw_wall.h"
#include "cw_opts.h"
#include "cw_present.h"
#include "rd_text.h"

struct sdl_presenter {
	struct cw_presenter base;
	SDL_Window *window;
	SDL_Surface *surface;      /* the window's surface, owned by SDL */
	SDL_Surface *shadow;       /* XRGB8888 copy when the window's format is another one */
	cairo_surface_t *target;
};

static void sdl_release(struct sdl_presenter *p)
{
	cairo_surface_destroy(p->target);
	p->target = NULL;
	if (p->shadow)
		SDL_FreeSurface(p->shadow);
	p->shadow = NULL;
	p->surface = NULL;
}

static cairo_surface_t *sdl_target(struct cw_presenter *base)
{
	struct sdl_presenter *p = (struct sdl_presenter *)base;
	if (p->target)
		return p->target;
	p->surface = SDL_GetWindowSurface(p->window);
	if (!p->surface) {
		fprintf(stderr, "cbwall: no window surface: %s\n", SDL_GetError());
		return NULL;
	}
	SDL_Surface *draw = p->surface;
	if (p->surface->format->format != SDL_PIXELFORMAT_RGB888 &&
	    p->surface->format->format != SDL_PIXELFORMAT_ARGB8888) {
		p->shadow = SDL_CreateRGBSurfaceWithFormat(0, p->surface->w, p->surface->h, 32,
		                                           SDL_PIXELFORMAT_RGB888);
		if (!p->shadow)
			abort();
		draw = p->shadow;
	}
	p->target = cairo_image_surface_create_for_data(draw->pixels, CAIRO_FORMAT_RGB24, draw->w,
	                                                draw->h, draw->pitch);
	return p->target;
}

static bool sdl_present(struct cw_presenter *base, const struct rd_damage *d, struct rd_err *err)
{
	struct sdl_presenter *p = (struct sdl_presenter *)base;
	if (d->count == 0 || !p->surface)
		return true;
	SDL_Rect rects[RD_DAMAGE_MAX];
	for (int i = 0; i < d->count; i++) {
		rects[i] = (SDL_Rect){d->rects[i].x, d->rects[i].y, d->rects[i].w, d->rects[i].h};
		if (p->shadow)
			SDL_BlitSurface(p->shadow, &rects[i], p->surface, &(SDL_Rect){rects[i].x, rects[i].y, 0, 0});
	}
	if (SDL_UpdateWindowSurfaceRects(p->window, rects, d->count) != 0)
		return rd_err_set(err, "presenting the window: %s", SDL_GetError());
	return true;
}

static void sdl_destroy(struct cw_presenter *base)
{
	struct sdl_presenter *p = (struct sdl_presenter *)base;
	sdl_release(p);
	SDL_DestroyWindow(p->window);
	free(p);
}

static const struct cw_presenter_ops sdl_ops = {sdl_target, sdl_present, sdl_destroy};

static const char usage[] =
    "usage: cbwall [--scene NAME|FILE | --playlist NAME|FILE] [--theme NAME|FILE] [--feed URL]\n"
    "              [--size WxH]\n"
    "              [--fullscreen] [--display N] [--clock ISO8601]\n"
    "              [--viewport X,Y,W,H --canvas W,H]\n"
    "              [--backend URL] [--config FILE] [--token-file FILE]\n"
    "Opens the wall in a window (Esc or q quits), showing the scenes of the default playlist\n"
    "(config/playlists/default.json) or the one --scene. Subcommands:\n"
    "  cbwall snapshot ...   render one frame to PNG (cbwall snapshot --help)\n"
    "  cbwall bench ...      time frames headless (cbwall bench --help)\n"
    "  cbwall shp2png ...    quick look at a shapefile (cbwall shp2png --help)\n"
    "  cbwall diff A B       compare two pictures as the screenshot tests do\n"
    "  cbwall ack ID ...     acknowledge an alert (cbwall ack --help)\n"
    "  cbwall alerts ...     list or follow alerts in the terminal (cbwall alerts --help)\n"
    "  cbwall check-config FILE   validate a config file (docs/config.md)\n"
    "  cbwall --version\n";

/* The feed thread wakes the event loop with one user event per burst of publishes. */
struct feed_wake {
	Uint32 type;
	atomic_bool pending;
};

static void feed_published(void *ud)
{
	struct feed_wake *fw = ud;
	if (!atomic_exchange(&fw->pending, true))
		SDL_PushEvent(&(SDL_Event){.type = fw->type});
}

/* The live feed for an http(s) backend (NULL for file:// fixtures, or with the error printed). */
static struct cw_feed *start_feed(const struct cw_setup *s, struct feed_wake *fw)
{
	if (!s->live)
		return NULL;
	struct cw_feed_config fc;
	char outbox[1024];
	struct rd_err err;
	cw_feed_config_from(&fc, &s->config);
	fc.token = s->token;
	fc.outbox = s->token[0] && cw_config_outbox(&s->config, outbox, sizeof outbox, &err)
	                ? outbox : NULL;
	fc.on_publish = feed_published;
	fc.publish_ud = fw;
	fw->type = SDL_RegisterEvents(1);
	struct cw_feed *feed = cw_feed_new(&fc, &err);
	if (!feed || !cw_feed_start(feed, &err)) {
		fprintf(stderr, "cbwall: %s\n", err.msg);
		cw_feed_free(feed);
		return NULL;
	}
	return feed;
}

int cw_cmd_window(int argc, char **argv)
{
	struct cw_opts o;
	int code;
	if (!cw_opts_parse(argc, argv, usage, &o, &code))
		return code;
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "cbwall: cannot open a display: %s (is DISPLAY set? for no display use "
		                "`cbwall snapshot`)\n", SDL_GetError());
		return 1;
	}
	int displays = SDL_GetNumVideoDisplays();
	if (o.display >= displays) {
		fprintf(stderr, "cbwall: --display %d: there are %d displays\n", o.display, displays);
		SDL_Quit();
		return 2;
	}
	SDL_Rect bounds;
	SDL_GetDisplayBounds(o.display, &bounds);
	if (!o.width) {
		o.width = o.fullscreen ? bounds.w : (bounds.w < 1920 ? bounds.w : 1920);
		o.height = o.fullscreen ? bounds.h : (bounds.h < 1080 ? bounds.h : 1080);
	}
	int64_t clock_base = o.fixed_clock ? o.clock : cw_now();
	double mono_base = cw_mono_ms();
	struct cw_setup s;
	struct rd_err err;
	o.live_feed = true;
	if (!cw_setup_load(&o, "default", clock_base, &s, &err)) {
		fprintf(stderr, "cbwall: %s\n", err.msg);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	rd_text_warm(&s.theme);
	Uint32 flags = o.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS : 0;
	char title[160];
	snprintf(title, sizeof title, "cbwall — %s", o.scene_name ? o.scene_name : s.playlist.name);
	struct sdl_presenter *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->base.ops = &sdl_ops;
	p->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED_DISPLAY(o.display),
	                             SDL_WINDOWPOS_CENTERED_DISPLAY(o.display), o.width, o.height,
	                             flags);
	if (!p->window) {
		fprintf(stderr, "cbwall: cannot create a window: %s\n", SDL_GetError());
		free(p);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	int w, h;
	SDL_GetWindowSize(p->window, &w, &h);
	struct cw_view view;
	if (!cw_opts_view(&o, w, h, &view, &err)) { /* the window manager gave another size */
		fprintf(stderr, "cbwall: %s; showing the whole canvas instead\n", err.msg);
		view = (struct cw_view){w, h, 0, 0, w, h};
	}
	struct cw_wall *wall = cw_wall_new(&s.playlist, &s.theme, view, o.utc_offset_min, &err);
	if (!wall) {
		fprintf(stderr, "cbwall: %s\n", err.msg);
		cw_presenter_free(&p->base);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	struct feed_wake fw = {0};
	struct cw_feed *feed = start_feed(&s, &fw);
	if (s.live && !feed) {
		cw_wall_free(wall);
		cw_presenter_free(&p->base);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	bool running = true, ok = true;
	while (running) {
		/* Drain input; events only invalidate. Then draw at most one frame. */
		SDL_Event ev;
		/* Sleep until the picture changes (the clock's next second, an animation step) or an
		 * event arrives. */
		double t = (double)clock_base + (cw_mono_ms() - mono_base) / 1000;
		double next = cw_wall_next_change(wall, s.snap, t);
		int wait = next > 0 ? (int)ceil((next - t) * 1000) : 1000;
		if (wait < 1)
			wait = 1;
		if (wait > 1000)
			wait = 1000;
		if (SDL_WaitEventTimeout(&ev, wait)) {
			do {
				if (ev.type == SDL_QUIT) {
					running = false;
				} else if (ev.type == SDL_KEYDOWN &&
				           (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)) {
					running = false;
				} else if (ev.type == SDL_WINDOWEVENT &&
				           (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
				            ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
				            ev.window.event == SDL_WINDOWEVENT_RESTORED)) {
					sdl_release(p);
					SDL_GetWindowSize(p->window, &w, &h);
					if (w != view.w || h != view.h) {
						if (!cw_opts_view(&o, w, h, &view, &err))
							view = (struct cw_view){w, h, 0, 0, w, h};
						struct cw_wall *resized = cw_wall_new(&s.playlist, &s.theme, view,
						                                      o.utc_offset_min, &err);
						if (resized) {
							cw_wall_free(wall);
							wall = resized;
						}
					}
					cw_wall_invalidate(wall);
				}
			} while (SDL_PollEvent(&ev));
		}
		if (!running)
			break;
		if (feed) { /* the latest published snapshot; never waits on the network */
			atomic_store(&fw.pending, false);
			cw_snapshot_unref(s.snap);
			s.snap = cw_feed_latest(feed);
		}
		cairo_surface_t *target = p->base.ops->target(&p->base);
		if (!target) {
			ok = false;
			break;
		}
		struct rd_damage damage;
		rd_damage_init(&damage, view.w, view.h);
		double now = (double)clock_base + (cw_mono_ms() - mono_base) / 1000;
		if (!cw_wall_draw(wall, target, s.snap, now, &damage, &err) ||
		    !p->base.ops->present(&p->base, &damage, &err))
			fprintf(stderr, "cbwall: %s\n", err.msg);
	}
	cw_feed_free(feed);
	cw_wall_free(wall);
	cw_presenter_free(&p->base);
	cw_setup_finish(&s);
	SDL_Quit();
	return ok ? 0 : 1;
}
