/* cbwall shp2png: render shapefiles to a PNG (see cw_shp2png.h). */
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cairo.h>

#include "cw_shp2png.h"
#include "cw_theme.h"
#include "ly_layer.h"
#include "ly_map.h"
#include "rd_err.h"
#include "rd_png.h"
#include "rd_surface.h"
#include "rd_theme.h"

enum { MAX_FILES = 32, MAX_STYLES = 64 };

/* The heap on transparent huge pages. shp2png is one short process that touches tens of
 * megabytes of fresh memory (vertices, their projection and tolerances, Cairo's stroke
 * polygons); on the KVM machines we run on, first touching memory in 4 KB pages costs about
 * 3 ms per MB, a third of a cold world render. So: every allocation from the main heap (one
 * arena, mmap only past 32 MB), the heap grown in one step of `pad` bytes and never trimmed,
 * and that step advised as huge pages (THP "madvise" mode, Debian's default; the same as
 * glibc's glibc.malloc.hugetlb=1 tunable, which can only be set before the process starts).
 * Harmless where it does not apply (another allocator, THP off). */
static void heap_on_huge_pages(size_t pad)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) || !mallopt(M_TRIM_THRESHOLD, INT32_MAX) ||
	    !mallopt(M_TOP_PAD, (int)pad) || !mallopt(M_ARENA_MAX, 1))
		return;
	uintptr_t lo = (uintptr_t)sbrk(0);
	void *volatile p = malloc(1 << 20); /* more than the heap holds at start: grows it by 1 MB + pad */
	uintptr_t hi = (uintptr_t)sbrk(0);
	free(p);
	uintptr_t a = (lo + huge - 1) & ~(huge - 1), b = hi & ~(huge - 1);
	if (lo != (uintptr_t)-1 && b > a)
		madvise((void *)a, b - a, MADV_HUGEPAGE);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: cbwall shp2png FILE.shp... -o OUT.png [--size WxH] [--label FIELD] [--theme NAME]\n"
	           "                      [--proj auto|merc|eqc] [--pad PX] [--style KEY=VALUE]... [-q]\n"
	           "  --size WxH        image size (default 1920x1080)\n"
	           "  --label FIELD     label features from this .dbf field (all files that have it)\n"
	           "  --theme NAME      theme name or file (default: the built-in dark theme)\n"
	           "  --proj P          merc (Web Mercator), eqc (lon/lat), auto: merc unless the data\n"
	           "                    reaches beyond ±85° latitude (default)\n"
	           "  --pad PX          margin around the data (default 2%% of the smaller side)\n"
	           "  --style K=V       a style property for the file named before it (e.g. fill=#ff000080,\n"
	           "                    classify=quantile, value_field=adcode, legend=true; docs/layers.md)\n"
	           "  -q                no per-layer summary, only problems\n");
}

static bool parse_size(const char *s, int *w, int *h)
{
	char *end;
	long a = strtol(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return false;
	const char *p = end + 1;
	long b = strtol(p, &end, 10);
	if (end == p || *end || a < 1 || b < 1 || a > 16384 || b > 16384)
		return false;
	*w = (int)a;
	*h = (int)b;
	return true;
}

int cw_shp2png_main(int argc, char **argv)
{
	const char *files[MAX_FILES], *out = NULL, *label = NULL, *theme_name = NULL, *proj_name = "auto";
	const char *styles[MAX_STYLES];
	int style_file[MAX_STYLES];
	int nfiles = 0, nstyles = 0, w = 1920, h = 1080;
	double pad = -1;
	bool quiet = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
			out = argv[++i];
		} else if (!strcmp(a, "--size") && has_next) {
			if (!parse_size(argv[++i], &w, &h)) {
				fprintf(stderr, "shp2png: --size: expected WxH (1..16384), got \"%s\"\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--label") && has_next) {
			label = argv[++i];
		} else if (!strcmp(a, "--theme") && has_next) {
			theme_name = argv[++i];
		} else if (!strcmp(a, "--proj") && has_next) {
			proj_name = argv[++i];
		} else if (!strcmp(a, "--pad") && has_next) {
			char *end;
			pad = strtod(argv[++i], &end);
			if (*end || !(pad >= 0)) {
				fprintf(stderr, "shp2png: --pad: expected pixels, got \"%s\"\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--style") && has_next) {
			if (nfiles == 0 || nstyles == MAX_STYLES) {
				fprintf(stderr, "shp2png: --style applies to the file named before it\n");
				return 2;
			}
			style_file[nstyles] = nfiles - 1;
			styles[nstyles++] = argv[++i];
		} else if (!strcmp(a, "-q")) {
			quiet = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "shp2png: unknown or incomplete option \"%s\"\n", a);
			usage(stderr);
			return 2;
		} else if (nfiles < MAX_FILES) {
			files[nfiles++] = a;
		} else {
			fprintf(stderr, "shp2png: at most %d files\n", MAX_FILES);
			return 2;
		}
	}
	if (!nfiles || !out) {
		usage(stderr);
		return 2;
	}
	enum ly_proj proj = LY_PROJ_MERCATOR;
	bool auto_proj = !strcmp(proj_name, "auto");
	if (!strcmp(proj_name, "eqc"))
		proj = LY_PROJ_EQUIRECT;
	else if (strcmp(proj_name, "merc") && !auto_proj) {
		fprintf(stderr, "shp2png: --proj: expected auto, merc or eqc, got \"%s\"\n", proj_name);
		return 2;
	}

	heap_on_huge_pages((size_t)256 << 20);
	struct rd_theme theme;
	struct rd_err err = {{0}};
	rd_theme_default(&theme);
	if (theme_name && !cw_theme_load(theme_name, &theme, &err)) {
		fprintf(stderr, "shp2png: %s\n", err.msg);
		return 2;
	}

	/* Load everything first: the projection may depend on the extent. */
	struct ly_layer *layers[MAX_FILES] = {0};
	struct ly_style st[MAX_FILES];
	int loaded = 0;
	double lat0 = INFINITY, lat1 = -INFINITY;
	for (int i = 0; i < nfiles; i++) {
		ly_style_default(&st[i]);
		layers[i] = ly_layer_load(files[i], NULL, &err);
		if (!layers[i]) {
			fprintf(stderr, "%s\n", err.msg);
			continue;
		}
		for (int k = 0; k < ly_layer_message_count(layers[i]) && k < 200; k++)
			fprintf(stderr, "%s\n", ly_layer_message(layers[i], k));
		if (!quiet)
			fprintf(stderr, "%s: %d features (%d skipped), %zu vertices, %s attributes\n", ly_layer_path(layers[i]),
			        ly_layer_count(layers[i]), ly_layer_skipped(layers[i]), ly_layer_vertex_count(layers[i]),
			        ly_layer_encoding(layers[i]));
		if (label) {
			if (ly_layer_field_index(layers[i], label) >= 0)
				snprintf(st[i].label_field, sizeof st[i].label_field, "%s", label);
			else
				fprintf(stderr, "%s: no field \"%s\" to label with\n", ly_layer_path(layers[i]), label);
		}
		double b[4];
		ly_layer_bbox(layers[i], b);
		lat0 = fmin(lat0, b[1]);
		lat1 = fmax(lat1, b[3]);
		loaded++;
	}
	int status = 1;
	for (int k = 0; k < nstyles; k++) {
		char key[64];
		const char *eq = strchr(styles[k], '=');
		if (!eq || (size_t)(eq - styles[k]) >= sizeof key) {
			fprintf(stderr, "shp2png: --style: expected KEY=VALUE, got \"%s\"\n", styles[k]);
			status = 2;
			goto out;
		}
		memcpy(key, styles[k], (size_t)(eq - styles[k]));
		key[eq - styles[k]] = 0;
		if (!ly_style_set(&st[style_file[k]], key, eq + 1, &err)) {
			fprintf(stderr, "shp2png: %s\n", err.msg);
			status = 2;
			goto out;
		}
	}
	if (!loaded) {
		fprintf(stderr, "shp2png: nothing to draw\n");
		goto out;
	}
	if (auto_proj)
		proj = lat0 < -85 || lat1 > 85 ? LY_PROJ_EQUIRECT : LY_PROJ_MERCATOR;

	struct ly_map *map = ly_map_new(proj);
	/* one short process with the machine to itself: all cores (same pixels as one) */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	ly_map_set_threads(map, cores < 1 ? 1 : cores > 8 ? 8 : (int)cores);
	/* outlines by coverage: 3-4x faster than cairo_stroke on big layers (ly_map.h) */
	ly_map_set_fast_strokes(map, true);
	for (int i = 0; i < nfiles; i++) {
		if (!layers[i])
			continue;
		struct ly_layer *l = layers[i];
		layers[i] = NULL; /* the map owns it now */
		if (ly_map_add_layer(map, l, &st[i], &err) < 0)
			fprintf(stderr, "%s\n", err.msg);
	}
	if (pad < 0)
		pad = fmin(w, h) * 0.02;
	ly_map_fit(map, w, h, pad);
	ly_map_set_opaque(map, true);
	cairo_surface_t *surf = rd_surface_new(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(surf);
	bool ok = ly_map_render(map, cr, &theme, &err);
	cairo_destroy(cr);
	if (!ok) {
		fprintf(stderr, "shp2png: %s\n", err.msg);
	} else if (!rd_png_write(surf, out, &err)) {
		fprintf(stderr, "shp2png: %s\n", err.msg);
	} else {
		status = 0;
	}
	cairo_surface_destroy(surf);
	ly_map_free(map);
out:
	for (int i = 0; i < nfiles; i++)
		ly_layer_free(layers[i]);
	return status;
}
