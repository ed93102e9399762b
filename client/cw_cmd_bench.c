#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cw_commands.h"
#include "cw_wall.h"
#include "cw_opts.h"
#include "cw_present.h"
#include "rd_text.h"

static const char usage[] =
    "usage: cbwall bench [--scene NAME | --playlist NAME] [--size WxH] [--frames N] [--feed URL]\n"
    "                    [--theme NAME]\n"
    "                    [--clock ISO8601] [--viewport X,Y,W,H --canvas W,H]\n"
    "Renders N frames headless at 60 frames per second of simulated time (the clock advances\n"
    "1/60 s a frame) and prints one line:\n"
    "  frame_ms p50=... p99=... max=... fps=... first_ms=... rss_mb=... late=...\n"
    "first_ms: from the start of the command to the first frame drawn; late: frames over\n"
    "16.7 ms; fps: frames per second of drawing time.\n";

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

int cw_cmd_bench(int argc, char **argv)
{
	double start = cw_mono_ms();
	struct cw_opts o;
	int code;
	if (!cw_opts_parse(argc, argv, usage, &o, &code))
		return code;
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
		return 1;
	}
	rd_text_warm(&s.theme);
	struct cw_view view;
	if (!cw_opts_view(&o, o.width, o.height, &view, &err)) {
		fprintf(stderr, "cbwall %s: %s\n", argv[0], err.msg);
		cw_setup_finish(&s);
		return 2;
	}
	struct cw_wall *wall = cw_wall_new(&s.playlist, &s.theme, view, o.utc_offset_min, &err);
	if (!wall) {
		fprintf(stderr, "cbwall bench: %s\n", err.msg);
		cw_setup_finish(&s);
		return 1;
	}
	struct cw_presenter *out = cw_present_image_new(o.width, o.height);
	double *ms = calloc((size_t)o.frames, sizeof *ms);
	if (!ms)
		abort();
	double first_ms = 0, total = 0;
	int late = 0;
	bool ok = true;
	for (int i = 0; i < o.frames && ok; i++) {
		struct rd_damage damage;
		rd_damage_init(&damage, o.width, o.height);
		double a = cw_mono_ms();
		ok = cw_wall_draw(wall, out->ops->target(out), s.snap, t0 + i / 60.0, &damage, &err) &&
		     out->ops->present(out, &damage, &err);
		double b = cw_mono_ms();
		if (i == 0)
			first_ms = b - start;
		ms[i] = b - a;
		total += ms[i];
		late += ms[i] > 1000.0 / 60;
	}
	if (ok) {
		qsort(ms, (size_t)o.frames, sizeof *ms, cmp_double);
		int n = o.frames;
		printf("frame_ms p50=%.3f p99=%.3f max=%.3f fps=%.0f first_ms=%.1f rss_mb=%.1f late=%d "
		       "scene=%s size=%dx%d frames=%d\n",
		       ms[n / 2], ms[(int)floor((n - 1) * 0.99)], ms[n - 1],
		       total > 0 ? n * 1000.0 / total : 0, first_ms, rss_mb(), late, cw_wall_scene(wall),
		       o.width, o.height, n);
	} else {
		fprintf(stderr, "cbwall bench: %s\n", err.msg);
	}
	free(ms);
	cw_presenter_free(out);
	cw_wall_free(wall);
	cw_setup_finish(&s);
	return ok ? 0 : 1;
}
