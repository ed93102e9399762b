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
#include "cw_opts.h"
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
    "--motion: scene transitions (slide, then fade) and map pan/zoom instead, one line each.\n";

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

/* Map pan/zoom: a gesture every four seconds (zoom in to 2x, pan right, pan down, zoom back
 * out and return), one step a frame, on the scene's frame with everything else running. */
static bool run_panzoom(const struct cw_opts *o, const struct cw_setup *s, struct cw_view view,
                        int64_t t0, struct feed_sim *feed, int frames, struct timings *t,
                        char *scene_name, size_t scene_size, struct rd_err *err)
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
	bool ok = true;
	for (int i = -1; i < frames && ok; i++) {
		double now = (double)t0 + (i + 1) / 60.0;
		int k = i < 0 ? 0 : i % 240, step = k % 60;
		double zoom = 1, px = 0, py = 0;
		switch (k / 60) {
		case 0: zoom = 1 + step / 60.0; break;
		case 1: zoom = 2, px = -6 * u * step; break;
		case 2: zoom = 2, px = -360 * u, py = -4 * u * step; break;
		default: {
			double back = 1 - step / 60.0;
			zoom = 1 + back, px = -360 * u * back, py = -240 * u * back;
		}
		}
		cw_frame_map_view(frame, round(px), round(py), zoom);
		const struct cw_snapshot *snap = feed_at(feed, now - (double)t0);
		struct rd_damage damage;
		rd_damage_init(&damage, view.w, view.h);
		double a = cw_mono_ms();
		ok = cw_frame_draw(frame, out->ops->target(out), snap, now, &damage, err) &&
		     out->ops->present(out, &damage, err);
		double b = cw_mono_ms();
		if (i >= 0) /* the first frame paints the whole screen: not a pan/zoom frame */
			timings_add(t, b - a);
	}
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
	int64_t t0 = o.fixed_clock ? o.clock : cw_now();
	struct cw_setup s;
	struct rd_err err;
	if (!cw_setup_load(&o, NULL, t0, &s, &err)) {
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
		ok = ok && run_panzoom(&o, &s, view, t0, &feed, o.frames, &pz, scene, sizeof scene, &err);
		if (ok)
			timings_print(&pz, 0, scene, o.width, o.height, "motion=panzoom");
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
