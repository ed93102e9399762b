/* The window: an SDL2 window whose surface Cairo draws into directly (XRGB8888 is
 * CAIRO_FORMAT_RGB24); only damaged rectangles are pushed with SDL_UpdateWindowSurfaceRects.
 * SDL_HINT_FRAMEBUFFER_ACCELERATION=0 keeps SDL off a software OpenGL path on machines
 * without a GPU (ten times slower, see docs/performance.md).
 *
 * Modes (docs/modes.md): wall and kiosk are locked (no key exits or edits anything but the
 * admin chord), fullscreen, without a cursor and with the screensaver inhibited; duty is the
 * officer's console; without --mode a developer's plain window, where Esc or q quits. Input
 * goes to the mode's handler (struct input): the duty console today, the kiosk's touch
 * handler when it comes. SIGTERM and SIGINT end every mode cleanly: our own handler (not
 * SDL's, which was seen to lose one now and then) sets a flag the loop reads at least once a
 * second. */
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "cw_alarm.h"
#include "cw_commands.h"
#include "cw_duty.h"
#include "cw_feed.h"
#include "cw_kiosk.h"
#include "cw_wall.h"
#include "cw_window.h"
#include "cw_opts.h"
#include "cw_present.h"
#include "rd_surface.h"
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

static int scale_coord(int v, double s)
{
	return (int)lround(v * s);
}

void cw_window_event_to_pixels(SDL_Event *ev, double sx, double sy)
{
	if (sx == 1 && sy == 1)
		return;
	switch (ev->type) {
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		ev->button.x = scale_coord(ev->button.x, sx);
		ev->button.y = scale_coord(ev->button.y, sy);
		break;
	case SDL_MOUSEMOTION:
		ev->motion.x = scale_coord(ev->motion.x, sx);
		ev->motion.y = scale_coord(ev->motion.y, sy);
		ev->motion.xrel = scale_coord(ev->motion.xrel, sx);
		ev->motion.yrel = scale_coord(ev->motion.yrel, sy);
		break;
	case SDL_MOUSEWHEEL:
		ev->wheel.mouseX = scale_coord(ev->wheel.mouseX, sx);
		ev->wheel.mouseY = scale_coord(ev->wheel.mouseY, sy);
		break;
	default:
		break;
	}
}

void cw_window_pixels(SDL_Window *w, int *pw, int *ph, double *sx, double *sy)
{
	int ww, wh;
	SDL_GetWindowSize(w, &ww, &wh);
	SDL_GetWindowSizeInPixels(w, pw, ph);
	if (*pw <= 0 || *ph <= 0) {
		*pw = ww;
		*ph = wh;
	}
	*sx = ww > 0 ? (double)*pw / ww : 1;
	*sy = wh > 0 ? (double)*ph / wh : 1;
}

static const char usage[] =
    "usage: cbwall [--mode wall|kiosk|duty]\n"
    "              [--scene NAME|FILE | --playlist NAME|FILE] [--theme NAME|FILE] [--feed URL]\n"
    "              [--size WxH]\n"
    "              [--fullscreen] [--display N | --span] [--clock ISO8601 [--freeze-clock]]\n"
    "              [--viewport X,Y,W,H --canvas W,H [--bezel PX]] [--lang zh|en]\n"
    "              [--backend URL] [--config FILE] [--token-file FILE]\n"
    "Opens the wall in a window, showing the scenes of the default playlist\n"
    "(config/playlists/default.json) or the one --scene. Modes (docs/modes.md):\n"
    "  (none)   a plain window; Esc or q quits\n"
    "  wall     fullscreen, no cursor, screensaver off, locked: only the admin chord\n"
    "           (config \"admin_chord\", default Ctrl+Alt+Shift+Q) quits\n"
    "  kiosk    like wall, for a touch screen: tap a district or an alert, pinch and\n"
    "           drag the map, swipe to change scene (config \"kiosk_idle_s\")\n"
    "  duty     the duty officer's alert console (scene \"duty\"); Ctrl+Q quits\n"
    "  --span   one borderless window over all displays\n"
    "  --freeze-clock  the scene clock stands still at --clock (screenshot tests)\n"
    "Subcommands:\n"
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

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* The mode's input handler: true when it took the event. The duty console has one; the
 * kiosk's touch handler (issue 7 part 4) plugs in here. NULL event: no handler. */
struct input {
	bool (*event)(void *ud, const SDL_Event *ev, int ox, int oy, double now);
	void *ud;
};

static bool duty_input(void *ud, const SDL_Event *ev, int ox, int oy, double now)
{
	return cw_duty_event(ud, ev, ox, oy, now);
}

/* ---- kiosk (cw_kiosk.h): its gestures, inertia and idle timeout run on the monotonic
 * clock, so they go on under --freeze-clock ---- */

static bool kiosk_input(void *ud, const SDL_Event *ev, int ox, int oy, double now)
{
	(void)now;
	return cw_kiosk_event(ud, ev, ox, oy, cw_mono_ms() / 1000);
}

static struct cw_kiosk *kiosk_start(const struct cw_config *cfg, int display, int utc_offset_min,
                                    bool debug)
{
	float ddpi = 0;
	if (SDL_GetDisplayDPI(display, &ddpi, NULL, NULL) != 0)
		ddpi = 0; /* unknown: cw_kiosk_target_px takes 96 */
	struct cw_kiosk_config kc = {.idle_s = cfg->kiosk_idle_s,
	                             .dpi = ddpi,
	                             .utc_offset_min = utc_offset_min,
	                             .debug = debug};
	struct cw_kiosk *k = cw_kiosk_new(&kc);
	fprintf(stderr, "cbwall: kiosk: touch targets %.0f px (9 mm at %.0f dpi%s), back to the "
	                "overview after %d s without input\n",
	        cw_kiosk_target_px(ddpi, 9), ddpi >= 50 && ddpi <= 1000 ? ddpi : 96.0,
	        ddpi >= 50 && ddpi <= 1000 ? "" : ", the display's is unknown", kc.idle_s);
	return k;
}

/* The wait until the kiosk needs a frame (inertia, the idle timeout), if sooner. */
static int kiosk_wait(const struct cw_kiosk *k, int wait)
{
	double wake = k ? cw_kiosk_next_wake(k) : 0;
	if (wake <= 0)
		return wait;
	int ms = (int)ceil((wake - cw_mono_ms() / 1000) * 1000);
	if (ms < 1)
		ms = 1;
	return ms < wait ? ms : wait;
}

/* The scene clock: --clock's time (else the real one) going on with the monotonic clock, or
 * standing still there with --freeze-clock (screenshot tests). */
static double scene_now(int64_t base, double mono_base, bool frozen)
{
	return frozen ? (double)base : (double)base + (cw_mono_ms() - mono_base) / 1000;
}

/* The admin chord as SDL sees it. */
struct chord {
	SDL_Keycode key;
	unsigned mods;
};

static bool chord_pressed(const struct chord *c, const SDL_KeyboardEvent *k)
{
	if (c->key == SDLK_UNKNOWN || k->keysym.sym != c->key || k->repeat)
		return false;
	unsigned have = (k->keysym.mod & KMOD_CTRL ? CW_CHORD_CTRL : 0) |
	                (k->keysym.mod & KMOD_ALT ? CW_CHORD_ALT : 0) |
	                (k->keysym.mod & KMOD_SHIFT ? CW_CHORD_SHIFT : 0) |
	                (k->keysym.mod & KMOD_GUI ? CW_CHORD_SUPER : 0);
	return have == c->mods;
}

/* The union of all displays' bounds (for --span). */
static SDL_Rect all_displays(void)
{
	SDL_Rect u = {0, 0, 0, 0};
	int n = SDL_GetNumVideoDisplays();
	for (int i = 0; i < n; i++) {
		SDL_Rect b;
		if (SDL_GetDisplayBounds(i, &b) != 0)
			continue;
		if (u.w == 0)
			u = b;
		else
			SDL_UnionRect(&u, &b, &u);
	}
	return u;
}

/* Wall and kiosk modes: a scene that does not load is left out of the playlist with one
 * line, so an unattended wall plays the others instead of not starting. False when no scene
 * of the playlist loads. */
static bool keep_good_scenes(struct cw_playlist *pl)
{
	char bad[CW_SCHEDULES_MAX * CW_PLAYLIST_ITEMS_MAX][64];
	int nbad = 0;
	const struct cw_playlist_item *good = NULL;
	struct cw_scene *scene = malloc(sizeof *scene);
	if (!scene)
		abort();
	for (int s = 0; s < pl->count; s++) {
		struct cw_schedule *sc = &pl->schedules[s];
		int keep = 0;
		for (int i = 0; i < sc->count; i++) {
			bool known_bad = false;
			for (int b = 0; b < nbad && !known_bad; b++)
				known_bad = strcmp(bad[b], sc->items[i].scene) == 0;
			struct rd_err err;
			if (!known_bad && !cw_scene_load(sc->items[i].scene, scene, &err)) {
				fprintf(stderr, "cbwall: %s; the wall skips scene \"%s\"\n", err.msg,
				        sc->items[i].scene);
				snprintf(bad[nbad++], sizeof bad[0], "%s", sc->items[i].scene);
				known_bad = true;
			}
			if (!known_bad)
				sc->items[keep++] = sc->items[i];
		}
		sc->count = keep;
		sc->total = 0;
		for (int i = 0; i < keep; i++)
			sc->total += sc->items[i].seconds;
		if (keep && !good)
			good = &sc->items[0];
	}
	free(scene);
	if (!good)
		return false;
	struct cw_playlist_item fallback = *good;
	for (int s = 0; s < pl->count; s++)
		if (pl->schedules[s].count == 0) { /* every scene of it was bad: show a good one */
			pl->schedules[s].items[0] = fallback;
			pl->schedules[s].count = 1;
			pl->schedules[s].total = fallback.seconds;
		}
	return true;
}

/* CBWALL_DEBUG_STATE=1: one line whenever what the tests look at changes: the alerts the
 * ticker flashes (status new, the ticker's own rule), the connection, the duty selection. */
struct debug_state {
	bool on;
	char ticker[1100];
	int conn;
	char selected[24];
};

static void debug_state(struct debug_state *ds, const struct cw_snapshot *snap,
                        const struct cw_duty *duty)
{
	if (!ds->on || !snap)
		return;
	char line[1024];
	int n = 0;
	size_t len = 0;
	line[0] = '\0';
	for (size_t i = 0; i < snap->alert_count; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (a->status != PR_ALERT_NEW || a->grade < PR_GRADE_MIN || a->grade > PR_GRADE_MAX)
			continue;
		n++;
		if (len + strlen(a->id) + 2 < sizeof line)
			len += (size_t)snprintf(line + len, sizeof line - len, " %s", a->id);
	}
	char all[1100];
	snprintf(all, sizeof all, "%d new:%s", n, line);
	if (snap->src[CW_SRC_ALERTS].has && strcmp(all, ds->ticker) != 0) {
		fprintf(stderr, "cbwall: state: ticker: %s\n", all);
		snprintf(ds->ticker, sizeof ds->ticker, "%s", all);
	}
	if ((int)snap->conn != ds->conn) {
		ds->conn = (int)snap->conn;
		fprintf(stderr, "cbwall: state: conn: %s\n", snap->conn == CW_CONN_OK ? "ok"
		                                             : snap->conn == CW_CONN_DOWN ? "down"
		                                                                        : "connecting");
	}
	if (duty && strcmp(duty->selected, ds->selected) != 0) {
		snprintf(ds->selected, sizeof ds->selected, "%s", duty->selected);
		fprintf(stderr, "cbwall: state: duty: selected %s\n", ds->selected[0] ? ds->selected : "-");
	}
}

/* Hidden, for bench/window: CBWALL_BENCH_FRAMES=N draws N frames back to back on bench's
 * steady workload (the clock advancing 1/60 s a frame, one KPI changing every second), times
 * draw + present of each and prints bench's line instead of running the wall. */
static bool bench_frames(struct cw_presenter *out, struct cw_wall *wall, const struct cw_setup *s,
                         struct cw_view view, int64_t t0, int utc_offset_min, int frames)
{
	char metric[32];
	cw_bench_metric(&s->playlist, (double)t0, utc_offset_min, view.canvas_w, view.canvas_h, metric);
	double *ms = calloc(frames > 0 ? (size_t)frames : 1, sizeof *ms), first_ms = 0;
	if (!ms)
		abort();
	struct cw_snapshot *snap = NULL;
	struct rd_err err = {0};
	bool ok = true;
	int n = 0;
	for (; n < frames && ok; n++) {
		SDL_PumpEvents();
		if (n % 60 == 0 && s->snap) {
			cw_snapshot_unref(snap);
			snap = cw_bench_snapshot(s->snap, metric, n / 60);
		}
		cairo_surface_t *target = out->ops->target(out);
		struct rd_damage damage;
		rd_damage_init(&damage, view.w, view.h);
		double a = cw_mono_ms();
		ok = target && cw_wall_draw(wall, target, snap, (double)t0 + n / 60.0, &damage, &err) &&
		     out->ops->present(out, &damage, &err);
		ms[n] = cw_mono_ms() - a;
		if (n == 0)
			first_ms = cw_bench_since_start_ms();
	}
	if (ok)
		cw_bench_print(ms, n, first_ms, cw_wall_scene(wall), view.w, view.h, "output=window");
	else
		fprintf(stderr, "cbwall: bench: %s\n", err.msg[0] ? err.msg : "no window surface");
	cw_snapshot_unref(snap);
	free(ms);
	return ok;
}

/* Hidden, for bench/latency: with CBWALL_TRACE set, every presented frame that shows a newer
 * alert than the frames before logs its id and the wall-clock time (CLOCK_REALTIME ms) just
 * after the present returned (SDL syncs with the X server there). */
static void trace_presented(char last_id[24], const struct cw_snapshot *snap)
{
	const struct pr_alert *newest = NULL;
	for (size_t i = 0; snap && i < snap->alert_count; i++)
		if (!newest || strcmp(snap->alerts[i].id, newest->id) > 0)
			newest = &snap->alerts[i];
	if (!newest || strcmp(newest->id, last_id) <= 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "cbwall-trace: presented alert=%s realtime_ms=%.3f\n", newest->id,
	        ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
	snprintf(last_id, 24, "%s", newest->id);
}

int cw_cmd_window(int argc, char **argv)
{
	struct cw_opts o;
	int code;
	if (!cw_opts_parse(argc, argv, usage, &o, &code))
		return code;
	/* the mode: the command line, else the config file */
	struct cw_config cfg;
	struct rd_err err;
	if (!cw_config_resolve(o.config_path, o.backend, o.token_file, &cfg, &err)) {
		fprintf(stderr, "cbwall: %s\n", err.msg);
		return 2;
	}
	enum cw_mode mode = o.mode != CW_MODE_NONE ? o.mode : cfg.mode;
	bool locked = mode == CW_MODE_WALL || mode == CW_MODE_KIOSK;
	if (locked) {
		o.lenient = true;
		if (!o.span)
			o.fullscreen = true;
	}
	if (mode == CW_MODE_DUTY && !o.scene_name && !o.playlist_name)
		o.scene_name = "duty";
	cw_alarm_set_escalate_after(cfg.escalate_after_s);

	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
	/* a developer's desktop keeps its screensaver; the modes inhibit it below */
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, mode == CW_MODE_NONE ? "1" : "0");
	/* locked: closing the window from the window manager does not end the wall; SIGTERM and
	 * SIGINT still do, through on_stop_signal */
	if (locked)
		SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "cbwall: cannot open a display: %s (is DISPLAY set? for no display use "
		                "`cbwall snapshot`)\n", SDL_GetError());
		return 1;
	}
	if (mode != CW_MODE_NONE)
		SDL_DisableScreenSaver(); /* explicitly: whether SDL does it by default varies */
	int displays = SDL_GetNumVideoDisplays();
	if (o.display >= displays) {
		fprintf(stderr, "cbwall: --display %d: there are %d displays\n", o.display, displays);
		SDL_Quit();
		return 2;
	}
	SDL_Rect bounds;
	if (o.span)
		bounds = all_displays();
	else
		SDL_GetDisplayBounds(o.display, &bounds);
	if (!o.width) {
		bool whole = o.fullscreen || o.span;
		o.width = whole ? bounds.w : (bounds.w < 1920 ? bounds.w : 1920);
		o.height = whole ? bounds.h : (bounds.h < 1080 ? bounds.h : 1080);
	}
	int64_t clock_base = o.fixed_clock ? o.clock : cw_now();
	double mono_base = cw_mono_ms();
	/* the first frame's memory (less the window's own surface) made ready meanwhile */
	rd_surface_pool_start((CW_WALL_FIRST_FRAME_SCREENS - 1) * 4 * (size_t)o.width *
	                      (size_t)o.height);
	struct cw_setup s;
	o.live_feed = true;
	struct rd_theme fonts; /* the fonts warmed on another core while the files load */
	rd_theme_default(&fonts);
	rd_text_warm_start(&fonts);
	bool loaded = cw_setup_load(&o, "default", clock_base, &s, &err);
	rd_text_warm_join();
	if (!loaded ||
	    (locked && !keep_good_scenes(&s.playlist) &&
	     rd_err_set(&err, "no scene of playlist \"%s\" loads", s.playlist.name))) {
		fprintf(stderr, "cbwall: %s\n", err.msg);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	rd_text_warm(&s.theme);
	Uint32 flags = o.span         ? SDL_WINDOW_BORDERLESS
	               : o.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS
	                              : 0;
	if (!o.tiled) /* a tile of a wall is given in pixels: no scaling there */
		flags |= SDL_WINDOW_ALLOW_HIGHDPI; /* draw in pixels, see cw_window.h */
	char title[160];
	snprintf(title, sizeof title, "cbwall — %s%s%s", o.scene_name ? o.scene_name : s.playlist.name,
	         mode != CW_MODE_NONE ? " · " : "", mode != CW_MODE_NONE ? cw_mode_name(mode) : "");
	struct sdl_presenter *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->base.ops = &sdl_ops;
	int wx = o.span ? bounds.x : (int)SDL_WINDOWPOS_CENTERED_DISPLAY(o.display);
	int wy = o.span ? bounds.y : (int)SDL_WINDOWPOS_CENTERED_DISPLAY(o.display);
	p->window = SDL_CreateWindow(title, wx, wy, o.width, o.height, flags);
	if (!p->window) {
		fprintf(stderr, "cbwall: cannot create a window: %s\n", SDL_GetError());
		free(p);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	if (mode == CW_MODE_WALL || mode == CW_MODE_KIOSK)
		SDL_ShowCursor(SDL_DISABLE);
	SDL_StopTextInput(); /* the duty console starts it while a text field is open */
	int w, h;
	double px_x, px_y; /* pixels per point (HiDPI) */
	cw_window_pixels(p->window, &w, &h, &px_x, &px_y);
	if (px_x != 1 || px_y != 1)
		fprintf(stderr, "cbwall: HiDPI: drawing %dx%d pixels (%.2gx the window's points)\n", w,
		        h, px_x);
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
	/* before the feed thread: opening audio briefly silences stderr (cw_alarm.c) */
	struct cw_alarm *alarm = mode != CW_MODE_NONE ? cw_alarm_new() : NULL;
	struct feed_wake fw = {0};
	struct cw_feed *feed = start_feed(&s, &fw);
	if (s.live && !feed) {
		cw_alarm_free(alarm);
		cw_wall_free(wall);
		cw_presenter_free(&p->base);
		cw_setup_finish(&s);
		SDL_Quit();
		return 1;
	}
	struct cw_duty *duty = NULL;
	struct input input = {NULL, NULL};
	if (mode == CW_MODE_DUTY) {
		duty = cw_duty_new(feed, alarm, o.utc_offset_min);
		cw_duty_attach(duty);
		input = (struct input){duty_input, duty};
		if (!feed)
			fprintf(stderr, "cbwall: duty: no backend (%s): the console shows the data but "
			                "cannot acknowledge\n", s.feed_url);
	}
	struct cw_kiosk *kiosk = NULL;
	const char *dbg = getenv("CBWALL_DEBUG_STATE");
	if (mode == CW_MODE_KIOSK) {
		kiosk = kiosk_start(&cfg, o.span ? 0 : o.display, o.utc_offset_min,
		                    dbg && strcmp(dbg, "1") == 0);
		cw_kiosk_attach(kiosk, wall, view.canvas_w, view.canvas_h);
		input = (struct input){kiosk_input, kiosk};
	}
	struct chord admin = {SDL_GetKeyFromName(cfg.admin_chord.key), cfg.admin_chord.mods};
	if (locked && admin.key == SDLK_UNKNOWN)
		fprintf(stderr, "cbwall: admin_chord: SDL does not know the key \"%s\"\n",
		        cfg.admin_chord.key);
	struct debug_state ds = {.conn = -1};
	ds.on = dbg && strcmp(dbg, "1") == 0;
	if (mode != CW_MODE_NONE)
		fprintf(stderr, "cbwall: %s mode%s\n", cw_mode_name(mode),
		        locked ? ": locked, the admin chord quits" : "");
	bool running = true, ok = true;
	const char *bench_env = getenv("CBWALL_BENCH_FRAMES"); /* hidden, see bench_frames */
	if (bench_env) {
		ok = bench_frames(&p->base, wall, &s, view, clock_base, o.utc_offset_min,
		                  atoi(bench_env));
		running = false;
	}
	bool trace = getenv("CBWALL_TRACE") != NULL; /* hidden, see trace_presented */
	char trace_id[24] = "";
	while (running) {
		/* Drain input; events only invalidate. Then draw at most one frame. */
		SDL_Event ev;
		/* Sleep until the picture changes (the clock's next second, an animation step) or an
		 * event arrives. */
		double t = scene_now(clock_base, mono_base, o.freeze_clock);
		double next = cw_wall_next_change(wall, s.snap, t);
		int wait = next > 0 ? (int)ceil((next - t) * 1000) : 1000;
		if (wait < 1)
			wait = 1;
		if (wait > 1000)
			wait = 1000;
		wait = kiosk_wait(kiosk, wait);
		if (SDL_WaitEventTimeout(&ev, wait)) {
			do {
				double now = scene_now(clock_base, mono_base, o.freeze_clock);
				if (ev.type == SDL_QUIT) {
					running = false;
				} else if (ev.type == SDL_KEYDOWN && chord_pressed(&admin, &ev.key)) {
					fprintf(stderr, "cbwall: admin chord: quitting\n");
					running = false;
				} else if (ev.type == SDL_KEYDOWN && mode == CW_MODE_NONE &&
				           (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)) {
					running = false;
				} else if (ev.type == SDL_KEYDOWN && mode == CW_MODE_DUTY &&
				           ev.key.keysym.sym == SDLK_q &&
				           (ev.key.keysym.mod & KMOD_CTRL)) {
					running = false;
				} else if (ev.type == SDL_WINDOWEVENT &&
				           (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
				            ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
				            ev.window.event == SDL_WINDOWEVENT_RESTORED)) {
					sdl_release(p);
					cw_window_pixels(p->window, &w, &h, &px_x, &px_y);
					if (w != view.w || h != view.h) {
						if (!cw_opts_view(&o, w, h, &view, &err))
							view = (struct cw_view){w, h, 0, 0, w, h};
						struct cw_wall *resized = cw_wall_new(&s.playlist, &s.theme, view,
						                                      o.utc_offset_min, &err);
						if (resized) {
							cw_wall_free(wall);
							wall = resized;
							if (kiosk)
								cw_kiosk_attach(kiosk, wall, view.canvas_w, view.canvas_h);
						}
					}
					cw_wall_invalidate(wall);
				} else if (ev.type == SDL_DISPLAYEVENT && o.span) {
					/* a display came or went: cover what is there now */
					SDL_Rect b = all_displays();
					if (b.w > 0 && b.h > 0) {
						SDL_SetWindowPosition(p->window, b.x, b.y);
						SDL_SetWindowSize(p->window, b.w, b.h);
					}
				} else if (ev.type == SDL_DISPLAYEVENT && o.fullscreen) {
					/* the chosen display went away: the wall goes on on the first one, and
					 * back to its own when that returns */
					int want = o.display < SDL_GetNumVideoDisplays() ? o.display : 0;
					if (SDL_GetWindowDisplayIndex(p->window) != want) {
						fprintf(stderr, "cbwall: displays changed: the wall is on display %d\n",
						        want);
						SDL_SetWindowFullscreen(p->window, 0);
						SDL_SetWindowPosition(p->window,
						                      (int)SDL_WINDOWPOS_CENTERED_DISPLAY(want),
						                      (int)SDL_WINDOWPOS_CENTERED_DISPLAY(want));
						SDL_SetWindowFullscreen(p->window, SDL_WINDOW_FULLSCREEN_DESKTOP);
					}
				} else if (input.event) {
					cw_window_event_to_pixels(&ev, px_x, px_y);
					/* wall and kiosk are locked: their handler (kiosk, later) may only look
					 * and point; keys reach it too, it must not exit or edit */
					input.event(input.ud, &ev, view.x, view.y, now);
				}
			} while (SDL_PollEvent(&ev));
		}
		if (stop_signal) {
			fprintf(stderr, "cbwall: %s: ending\n", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
			running = false;
		}
		if (!running)
			break;
		double now = scene_now(clock_base, mono_base, o.freeze_clock);
		if (feed) { /* the latest published snapshot; never waits on the network */
			atomic_store(&fw.pending, false);
			cw_snapshot_unref(s.snap);
			s.snap = cw_feed_latest(feed);
		}
		if (duty)
			cw_duty_refresh(duty, s.snap, now);
		if (kiosk)
			cw_kiosk_update(kiosk, s.snap, cw_mono_ms() / 1000, now);
		cw_alarm_update(alarm, s.snap, now);
		debug_state(&ds, s.snap, duty);
		cairo_surface_t *target = p->base.ops->target(&p->base);
		if (!target) {
			ok = false;
			break;
		}
		struct rd_damage damage;
		rd_damage_init(&damage, view.w, view.h);
		if (!cw_wall_draw(wall, target, s.snap, now, &damage, &err) ||
		    !p->base.ops->present(&p->base, &damage, &err))
			fprintf(stderr, "cbwall: %s\n", err.msg);
		else if (trace)
			trace_presented(trace_id, s.snap);
		rd_surface_pool_end(); /* after the first frame: what it did not take goes back */
	}
	cw_feed_free(feed);
	cw_kiosk_free(kiosk); /* before the wall: it unsets the wall's overlay */
	cw_wall_free(wall);
	cw_duty_free(duty);
	cw_alarm_free(alarm);
	cw_presenter_free(&p->base);
	cw_setup_finish(&s);
	SDL_Quit();
	return ok ? 0 : 1;
}
