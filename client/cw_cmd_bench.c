/* cbwall bench: frames timed headless, on the workload of a wall at work.
 *
 * Steady: the clock, the alert ticker (scrolling, new alerts flashing, the grade-1 banner
 * pulsing), the map's alert ripples, and one KPI changing every second: every simulated second
 * the bench publishes a private copy of the snapshot (cw_snapshot_dup) with that metric
 * changed, as the feed thread would, so the KPI number roll runs. Motion (--motion): the
 * playlist's scene transitions (slide and fade) and map pan/zoom frames, each printed on its
 * own line. The snapshot copies are made outside the timed region (the feed thread's work). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cw_commands.h"
#include "cw_kiosk.h"
#include "cw_opts.h"
#include "cw_panel.h"
#include "cw_present.h"
#include "cw_scene.h"
#include "cw_wall.h"
#include "rd_surface.h"
#include "rd_text.h"

static const char usage[] =
    "usage: cbwall bench [--scene NAME | --playlist NAME] [--size WxH] [--frames N] [--feed URL]\n"
    "                    [--theme NAME] [--motion]\n"
    "                    [--clock ISO8601] [--viewport X,Y,W,H --canvas W,H [--bezel PX]]\n"
    "Renders N frames headless at 60 frames per second of simulated time (the clock advances\n"
    "1/60 s a frame), one KPI changing every second, and prints one line:\n"
    "  frame_ms p50=... p99=... max=... fps=... first_ms=... rss_mb=... late=...\n"
    "first_ms: from the start of the process to the first frame drawn; late: frames over\n"
    "16.7 ms; fps: frames per second of drawing time; rss_mb: resident memory at the end.\n"
    "--motion: scene transitions (slide, then fade) and map pan/zoom instead, one line each.\n"
    "The pan/zoom line is a kiosk's gestures paced at 60 frames a second of real time (pinch\n"
    "in, drag and glide, pinch out, each settling), every frame counted; it adds cpu_ms=P50/P99\n"
    "(the render thread's CPU time a frame), settle_ms=P50/MAX (from the settle to the full\n"
    "picture), settles, renders (layer renders on the render thread), helper (full pictures\n"
    "the helper thread made), bases (pictures with a margin it made for gestures), live\n"
    "(interim frames drawn from a moved picture). CBWALL_MAP_SYNC=1: no helper thread;\n"
    "CBWALL_BENCH_RENDER_EACH=1: every step rendered in full (cw_panel_map_set_view), as\n"
    "before interim views were drawn from a moved picture.\n";

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double rss_mb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* Milliseconds since the process started (exec), from /proc/self/stat's start time (clock
 * ticks after boot, so 10 ms resolution); -1 when unknown. */
double cw_bench_since_start_ms(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	unsigned long long start = 0;
	/* after ')': state is field 3; starttime is field 22 */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
	                        "%*d %*d %*d %llu", &start) != 1)
		return -1;
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	double now_ms = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
	return now_ms - start * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

bool cw_bench_metric(const struct cw_playlist *pl, double now, int utc_offset_min, int w, int h,
                     char metric[32])
{
	metric[0] = '\0';
	struct cw_playlist_pos pos;
	bool on_screen = cw_playlist_at(pl, now, utc_offset_min, &pos);
	/* the scene on screen at now first, then every scene of the playlist */
	for (int s = on_screen ? -1 : 0; s < pl->count; s++)
		for (int i = 0; i < (s < 0 ? 1 : pl->schedules[s].count); i++) {
			const char *name = s < 0 ? pos.item->scene : pl->schedules[s].items[i].scene;
			struct cw_scene *scene = malloc(sizeof *scene);
			struct rd_err err;
			if (!scene)
				abort();
			if (cw_scene_load(name, scene, &err)) {
				const struct cw_layout_def *lay = cw_scene_layout(scene, w, h);
				for (int k = 0; k < lay->panel_count && !metric[0]; k++)
					if ((lay->panels[k].type == CW_PANEL_KPI ||
					     lay->panels[k].type == CW_PANEL_GAUGE) && lay->panels[k].metric[0])
						snprintf(metric, 32, "%s", lay->panels[k].metric);
			}
			free(scene);
			if (metric[0])
				return true;
		}
	return false;
}

struct cw_snapshot *cw_bench_snapshot(const struct cw_snapshot *base, const char *metric,
                                      int64_t sec)
{
	struct cw_snapshot *s = cw_snapshot_dup(base);
	if (!s->has_metrics || s->metrics.count == 0)
		return s;
	struct pr_metric *m = &s->metrics.items[0];
	for (size_t i = 0; metric && metric[0] && i < s->metrics.count; i++)
		if (strcmp(s->metrics.items[i].key, metric) == 0)
			m = &s->metrics.items[i];
	/* a step of about 1 % that differs from one second to the next */
	double step = fmax(fabs(m->value) * 0.01, 1);
	m->value += step * (double)(sec % 7 + 1);
	s->generation = base->generation + (uint64_t)sec + 1;
	return s;
}

/* The headless output: like the window's surface, XRGB8888 (CAIRO_FORMAT_RGB24), so the
 * frame composes its opaque caches onto the same format the wall draws into (an ARGB32 target,
 * as snapshots use, takes slower conversion paths in pixman). present() does nothing. */
struct rgb_presenter {
	struct cw_presenter base;
	cairo_surface_t *surface;
};

static cairo_surface_t *rgb_target(struct cw_presenter *p)
{
	return ((struct rgb_presenter *)p)->surface;
}

static bool rgb_present(struct cw_presenter *p, const struct rd_damage *damage, struct rd_err *err)
{
	(void)p, (void)damage, (void)err;
	return true;
}

static void rgb_destroy(struct cw_presenter *p)
{
	cairo_surface_destroy(((struct rgb_presenter *)p)->surface);
	free(p);
}

static const struct cw_presenter_ops rgb_ops = {rgb_target, rgb_present, rgb_destroy};

static struct cw_presenter *present_rgb_new(int w, int h)
{
	struct rgb_presenter *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->base.ops = &rgb_ops;
	p->surface = rd_surface_new(CAIRO_FORMAT_RGB24, w, h);
	return &p->base;
}

struct timings {
	double *ms;
	int n, cap;
};

static void timings_add(struct timings *t, double ms)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->ms = realloc(t->ms, (size_t)t->cap * sizeof *t->ms);
		if (!t->ms)
			abort();
	}
	t->ms[t->n++] = ms;
}

void cw_bench_print(double *ms, int n, double first_ms, const char *scene, int w, int h,
                    const char *tag)
{
	if (n <= 0)
		return;
	double total = 0;
	int late = 0;
	for (int i = 0; i < n; i++)
		total += ms[i], late += ms[i] > 1000.0 / 60;
	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	printf("frame_ms p50=%.3f p99=%.3f max=%.3f fps=%.0f first_ms=%.1f rss_mb=%.1f late=%d "
	       "scene=%s size=%dx%d frames=%d%s%s\n",
	       ms[n / 2], ms[(int)floor((n - 1) * 0.99)], ms[n - 1], total > 0 ? n * 1000.0 / total : 0,
	       first_ms, rss_mb(), late, scene, w, h, n, tag ? " " : "", tag ? tag : "");
	fflush(stdout);
}

static void timings_print(struct timings *t, double first_ms, const char *scene, int w, int h,
                          const char *tag)
{
	cw_bench_print(t->ms, t->n, first_ms, scene, w, h, tag);
}

/* The snapshot of simulated second sec (a new one when the second changed). */
struct feed_sim {
	const struct cw_snapshot *base;
	char metric[32];
	int64_t sec;
	struct cw_snapshot *snap;
};

static const struct cw_snapshot *feed_at(struct feed_sim *f, double since_start)
{
	int64_t sec = (int64_t)floor(since_start);
	if (!f->snap || sec != f->sec) {
		cw_snapshot_unref(f->snap);
		f->snap = f->base ? cw_bench_snapshot(f->base, f->metric, sec) : NULL;
		f->sec = sec;
	}
	return f->snap;
}

/* Scene transitions: a playlist of the scene(s) asked for plus the others, five seconds each;
 * the clock runs at 60 frames a second through each transition and a few frames after it,
 * then jumps to the next scene change. Slide for the first half of the frames, fade after. */
static bool run_transitions(const struct cw_opts *o, const struct cw_setup *s,
                            struct cw_view view, int64_t t0, struct feed_sim *feed, int frames,
                            struct timings *t, struct rd_err *err)
{
	struct cw_playlist pl = s->playlist;
	struct cw_schedule *sch = &pl.schedules[0];
	pl.count = 1;
	sch->from_min = sch->to_min = 0;
	static const char *const others[] = {"city", "industry", "governance"};
	for (int i = 0; i < 3 && sch->count < CW_PLAYLIST_ITEMS_MAX; i++) {
		bool have = false;
		for (int k = 0; k < sch->count; k++)
			have |= strcmp(sch->items[k].scene, others[i]) == 0;
		if (!have)
			snprintf(sch->items[sch->count++].scene, sizeof sch->items[0].scene, "%s", others[i]);
	}
	sch->total = 0;
	for (int k = 0; k < sch->count; k++)
		sch->total += sch->items[k].seconds = 5;
	pl.transition_s = 1.0;
	int done = 0;
	for (int pass = 0; pass < 2 && done < frames; pass++) {
		pl.transition = pass == 0 ? CW_TRANSITION_SLIDE : CW_TRANSITION_FADE;
		struct cw_wall *wall = cw_wall_new(&pl, &s->theme, view, o->utc_offset_min, err);
		if (!wall)
			return false;
		struct cw_presenter *out = present_rgb_new(view.w, view.h);
		double now = (double)t0;
		int after = 0, goal = pass == 0 ? frames / 2 : frames;
		bool ok = true, started = false;
		for (; done < goal && ok; now += 1.0 / 60) {
			struct cw_playlist_pos pos;
			if (!cw_playlist_at(&pl, now, o->utc_offset_min, &pos))
				break;
			if (pos.transition >= 1 && ++after > 10) {
				double change = now + pos.item->seconds - pos.into;
				/* a wall has the seconds before the change to make the next scene ahead on
				 * its helper thread: one untimed frame 2 s before it starts that, and the
				 * bench waits for the helper as those two seconds would */
				if (change - 2.0 > now) {
					const struct cw_snapshot *snap = feed_at(feed, change - 2.0 - (double)t0);
					struct rd_damage damage;
					rd_damage_init(&damage, view.w, view.h);
					ok = cw_wall_draw(wall, out->ops->target(out), snap, change - 2.0, &damage,
					                  err);
					cw_wall_settle(wall);
				}
				/* jump to a frame before the next scene change */
				now = change - 1.0 / 60;
				after = 0;
				continue;
			}
			const struct cw_snapshot *snap = feed_at(feed, now - (double)t0);
			struct rd_damage damage;
			rd_damage_init(&damage, view.w, view.h);
			double a = cw_mono_ms();
			ok = cw_wall_draw(wall, out->ops->target(out), snap, now, &damage, err) &&
			     out->ops->present(out, &damage, err);
			double b = cw_mono_ms();
			/* the very first frame of the wall is not a transition */
			if (started)
				timings_add(t, b - a), done++;

			started = true;
		}
		cw_presenter_free(out);
		cw_wall_free(wall);
		if (!ok)
			return false;
	}
	return true;
}

/* Map pan/zoom: what a leader's fingers do on the kiosk, through the kiosk's own pose limits
 * and inertia (cw_kiosk.h), on the scene's frame with everything else running: a pinch in to
 * 2.6x for a second (passing 2x, where the map asks its helper for a sharper picture), a drag
 * of 0.6 s thrown into a glide, a pinch back out for 0.8 s. After each the view rests, the
 * kiosk's settle time (CW_KIOSK_SETTLE_S) passes, the map panel is told to settle, and frames
 * go on until it shows the full picture of the view; then the next gesture starts. Frames
 * are paced at 60 a second of real time, since the helper thread works in real time; every
 * frame counts, those of the settle included. */
enum pz_phase { PZ_PINCH_IN, PZ_DRAG, PZ_GLIDE, PZ_PINCH_OUT, PZ_REST };

static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct panzoom {
	struct cw_frame *frame;
	enum pz_phase phase, after; /* after: the phase that follows the rest */
	int n;                      /* frames into the phase */
	struct cw_map_pose pose;
	double z0;                  /* zoom when a pinch started */
	struct cw_inertia inertia;
	double drag_dx, drag_dy;    /* the drag's step, px a frame */
	bool settled;               /* told to settle in this rest */
	double settle_t0;           /* ms, when told */
	bool render_each;           /* CBWALL_BENCH_RENDER_EACH: every step a full render */
};

static bool pz_info(struct cw_frame *f, struct cw_panel_map_info *mi)
{
	for (int i = 0; i < cw_frame_panel_count(f); i++)
		if (cw_panel_map_info(cw_frame_panel(f, i), mi))
			return true;
	return false;
}

/* Moves every map of the frame to the pose, within the kiosk's limits (whole pixels, as
 * the kiosk does). */
static void pz_apply(struct panzoom *z)
{
	struct cw_panel_map_info mi;
	if (!pz_info(z->frame, &mi))
		return;
	int clamped = cw_map_pose_clamp(&z->pose, mi.w, mi.h, mi.extent);
	if (clamped & 1)
		z->inertia.vx = 0;
	if (clamped & 2)
		z->inertia.vy = 0;
	for (int i = 0; i < cw_frame_panel_count(z->frame); i++)
		(z->render_each ? cw_panel_map_set_view : cw_panel_map_move)(
		    cw_frame_panel(z->frame, i), round(z->pose.pan_x), round(z->pose.pan_y),
		    z->pose.zoom);
}

static void pz_zoom_to(struct panzoom *z, double zoom, double qx, double qy)
{
	struct cw_panel_map_info mi;
	if (pz_info(z->frame, &mi))
		cw_map_pose_zoom(&z->pose, zoom / z->pose.zoom, qx * mi.w, qy * mi.h, mi.w, mi.h);
}

static bool pz_busy(struct panzoom *z)
{
	bool busy = false;
	for (int i = 0; i < cw_frame_panel_count(z->frame); i++)
		busy |= cw_panel_map_busy(cw_frame_panel(z->frame, i));
	return busy;
}

static void pz_next(struct panzoom *z, enum pz_phase phase)
{
	z->phase = phase;
	z->n = 0;
}

/* The gesture's step before frame `frame`; settle_ms gets the time from the settle to the
 * full picture when it is shown. */
static void pz_step(struct panzoom *z, double u, struct timings *settle_ms)
{
	double t;
	switch (z->phase) {
	case PZ_PINCH_IN: /* about a point right of and above the centre, eased */
		if (z->n == 0)
			z->z0 = z->pose.zoom;
		t = (z->n + 1) / 60.0;
		pz_zoom_to(z, z->z0 + (2.6 - z->z0) * (1 - pow(1 - t, 2)), 0.62, 0.42);
		pz_apply(z);
		if (++z->n == 60)
			z->after = PZ_DRAG, pz_next(z, PZ_REST);
		break;
	case PZ_DRAG: /* a steady drag up and to the left, then let go */
		z->drag_dx = -700 * u / 36, z->drag_dy = -350 * u / 36;
		z->pose.pan_x += z->drag_dx;
		z->pose.pan_y += z->drag_dy;
		pz_apply(z);
		if (++z->n == 36) {
			cw_inertia_start(&z->inertia, z->drag_dx * 60, z->drag_dy * 60);
			pz_next(z, PZ_GLIDE);
		}
		break;
	case PZ_GLIDE: {
		double dx, dy;
		if (cw_inertia_step(&z->inertia, 1.0 / 60, &dx, &dy)) {
			z->pose.pan_x += dx;
			z->pose.pan_y += dy;
			pz_apply(z);
		}
		if (!cw_inertia_moving(&z->inertia))
			z->after = PZ_PINCH_OUT, pz_next(z, PZ_REST);
		break;
	}
	case PZ_PINCH_OUT: /* back to the whole city, about the centre */
		if (z->n == 0)
			z->z0 = z->pose.zoom;
		t = (z->n + 1) / 48.0;
		pz_zoom_to(z, z->z0 + (1 - z->z0) * (1 - pow(1 - t, 2)), 0.5, 0.5);
		pz_apply(z);
		if (++z->n == 48)
			z->after = PZ_PINCH_IN, pz_next(z, PZ_REST);
		break;
	case PZ_REST:
		/* the kiosk settles after CW_KIOSK_SETTLE_S without a change of the view */
		if (!z->settled && ++z->n >= (int)ceil(CW_KIOSK_SETTLE_S * 60)) {
			for (int i = 0; i < cw_frame_panel_count(z->frame); i++)
				cw_panel_map_settle(cw_frame_panel(z->frame, i));
			z->settled = true;
			z->settle_t0 = cw_mono_ms();
		} else if (z->settled && (!pz_busy(z) || ++z->n > 600)) {
			timings_add(settle_ms, cw_mono_ms() - z->settle_t0);
			z->settled = false;
			pz_next(z, z->after);
		}
		break;
	}
}

static void pz_stats(struct cw_frame *f, struct cw_panel_map_stats *sum)
{
	*sum = (struct cw_panel_map_stats){0};
	for (int i = 0; i < cw_frame_panel_count(f); i++) {
		struct cw_panel_map_stats st;
		if (cw_panel_map_stats(cw_frame_panel(f, i), &st)) {
			sum->renders += st.renders;
			sum->helper_renders += st.helper_renders;
			sum->bases += st.bases;
			sum->live_frames += st.live_frames;
		}
	}
}

static bool run_panzoom(const struct cw_opts *o, const struct cw_setup *s, struct cw_view view,
                        int64_t t0, struct feed_sim *feed, int frames, struct timings *t,
                        char *scene_name, size_t scene_size, char *tag, size_t tag_size,
                        struct rd_err *err)
{
	const char *name = s->playlist.schedules[0].items[0].scene;
	struct cw_scene *scene = malloc(sizeof *scene);
	if (!scene)
		abort();
	if (!cw_scene_load(name, scene, err)) {
		free(scene);
		return false;
	}
	snprintf(scene_name, scene_size, "%s", scene->name);
	struct cw_frame *frame = cw_frame_new(scene, &s->theme, view, o->utc_offset_min);
	struct cw_presenter *out = present_rgb_new(view.w, view.h);
	double u = fmin(view.canvas_w, view.canvas_h) / 1080.0;
	struct panzoom z = {.frame = frame,
	                    .phase = PZ_PINCH_IN,
	                    .pose = {0, 0, 1},
	                    .render_each = getenv("CBWALL_BENCH_RENDER_EACH") != NULL};
	struct timings settle_ms = {0}, cpu = {0};
	struct cw_panel_map_stats st0 = {0}, st1;
	bool ok = true;
	double next = cw_mono_ms();
	for (int i = -1; i < frames && ok; i++) {
		double now = (double)t0 + (i + 1) / 60.0;
		if (i >= 0)
			pz_step(&z, u, &settle_ms);
		const struct cw_snapshot *snap = feed_at(feed, now - (double)t0);
		struct rd_damage damage;
		rd_damage_init(&damage, view.w, view.h);
		double a = cw_mono_ms(), ca = thread_cpu_ms();
		ok = cw_frame_draw(frame, out->ops->target(out), snap, now, &damage, err) &&
		     out->ops->present(out, &damage, err);
		double b = cw_mono_ms();
		if (i >= 0) { /* the first frame paints the whole screen: not a pan/zoom frame */
			timings_add(t, b - a);
			timings_add(&cpu, thread_cpu_ms() - ca);
		} else {
			pz_stats(frame, &st0);
		}
		/* 60 frames a second of real time */
		next += 1000.0 / 60;
		double wait = next - cw_mono_ms();
		if (wait > 0)
			nanosleep(&(struct timespec){0, (long)(wait * 1e6)}, NULL);
		else
			next = cw_mono_ms();
	}
	pz_stats(frame, &st1);
	double sp50 = 0, smax = 0, c50 = 0, c99 = 0;
	if (settle_ms.n > 0) {
		qsort(settle_ms.ms, (size_t)settle_ms.n, sizeof *settle_ms.ms, cmp_double);
		sp50 = settle_ms.ms[settle_ms.n / 2], smax = settle_ms.ms[settle_ms.n - 1];
	}
	if (cpu.n > 0) {
		qsort(cpu.ms, (size_t)cpu.n, sizeof *cpu.ms, cmp_double);
		c50 = cpu.ms[cpu.n / 2], c99 = cpu.ms[(int)floor((cpu.n - 1) * 0.99)];
	}
	/* cpu_ms: the render thread's CPU time per frame (what a machine shared with other work
	 * does not inflate); settle_ms: from the settle to the full picture on screen; renders:
	 * layer renders on the render thread; helper: full pictures made by the helper thread */
	snprintf(tag, tag_size,
	         "cpu_ms=%.3f/%.3f settle_ms=%.0f/%.0f settles=%d renders=%d helper=%d bases=%d "
	         "live=%d motion=panzoom",
	         c50, c99, sp50, smax, settle_ms.n, st1.renders - st0.renders,
	         st1.helper_renders - st0.helper_renders, st1.bases - st0.bases,
	         st1.live_frames - st0.live_frames);
	free(settle_ms.ms);
	free(cpu.ms);
	cw_presenter_free(out);
	cw_frame_free(frame);
	free(scene);
	return ok;
}

int cw_cmd_bench(int argc, char **argv)
{
	double start = cw_mono_ms();
	/* --motion is this command's own; the rest are the shared options */
	bool motion = false;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	int nargs = 0;
	if (!args)
		abort();
	for (int i = 0; i < argc; i++) {
		if (i > 0 && strcmp(argv[i], "--motion") == 0)
			motion = true;
		else
			args[nargs++] = argv[i];
	}
	struct cw_opts o;
	int code;
	bool parsed = cw_opts_parse(nargs, args, usage, &o, &code);
	if (!parsed) {
		free(args);
		return code;
	}
	if (!o.width)
		o.width = 3840, o.height = 2160;
	if (!o.frames)
		o.frames = 600;
	/* the first frame's pictures: the target, the background, panel and map caches */
	if (!motion)
		rd_surface_pool_start(CW_WALL_FIRST_FRAME_SCREENS * 4 * (size_t)o.width * (size_t)o.height);
	int64_t t0 = o.fixed_clock ? o.clock : cw_now();
	struct cw_setup s;
	struct rd_err err;
	struct rd_theme fonts; /* the fonts warmed on another core while the files load */
	rd_theme_default(&fonts);
	rd_text_warm_start(&fonts);
	bool loaded = cw_setup_load(&o, NULL, t0, &s, &err);
	rd_text_warm_join();
	if (!loaded) {
		fprintf(stderr, "cbwall bench: %s\n", err.msg);
		cw_setup_finish(&s);
		free(args);
		return 1;
	}
	rd_text_warm(&s.theme);
	struct cw_view view;
	if (!cw_opts_view(&o, o.width, o.height, &view, &err)) {
		fprintf(stderr, "cbwall bench: %s\n", err.msg);
		cw_setup_finish(&s);
		free(args);
		return 2;
	}
	struct feed_sim feed = {.base = s.snap};
	cw_bench_metric(&s.playlist, (double)t0, o.utc_offset_min, view.canvas_w, view.canvas_h,
	                feed.metric);
	bool ok = true;
	if (motion) {
		struct timings tr = {0}, pz = {0};
		char scene[64] = "";
		ok = run_transitions(&o, &s, view, t0, &feed, o.frames, &tr, &err);
		if (ok)
			timings_print(&tr, 0, "playlist", o.width, o.height, "motion=transition");
		char tag[160];
		ok = ok && run_panzoom(&o, &s, view, t0, &feed, o.frames, &pz, scene, sizeof scene, tag,
		                       sizeof tag, &err);
		if (ok)
			timings_print(&pz, 0, scene, o.width, o.height, tag);
		free(tr.ms);
		free(pz.ms);
	} else {
		struct cw_wall *wall = cw_wall_new(&s.playlist, &s.theme, view, o.utc_offset_min, &err);
		struct cw_presenter *out = wall ? present_rgb_new(o.width, o.height) : NULL;
		struct timings t = {0};
		double first_ms = 0;
		ok = wall != NULL;
		for (int i = 0; i < o.frames && ok; i++) {
			const struct cw_snapshot *snap = feed_at(&feed, i / 60.0);
			struct rd_damage damage;
			rd_damage_init(&damage, o.width, o.height);
			double a = cw_mono_ms();
			ok = cw_wall_draw(wall, out->ops->target(out), snap, t0 + i / 60.0, &damage, &err) &&
			     out->ops->present(out, &damage, &err);
			double b = cw_mono_ms();
			if (i == 0) {
				double p = cw_bench_since_start_ms();
				first_ms = p >= 0 ? p : b - start;
				rd_surface_pool_end();
			}
			timings_add(&t, b - a);
		}
		if (ok)
			timings_print(&t, first_ms, cw_wall_scene(wall), o.width, o.height, NULL);
		free(t.ms);
		cw_presenter_free(out);
		cw_wall_free(wall);
	}
	if (!ok)
		fprintf(stderr, "cbwall bench: %s\n", err.msg);
	cw_snapshot_unref(feed.snap);
	cw_setup_finish(&s);
	free(args);
	return ok ? 0 : 1;
}
