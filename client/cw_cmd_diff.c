#include <stdio.h>
#include <string.h>

#include "cw_commands.h"
#include "rd_png.h"

static const char usage[] =
    "usage: cbwall diff EXPECTED.png ACTUAL.png [-o DIFF.png]\n"
    "Compares two pictures the way the screenshot tests do: exit 0 when identical or within\n"
    "the documented tolerance (no channel off by more than 48, at most 500 pixels per\n"
    "million changed), 1 otherwise, 2 on bad usage or unreadable files.\n";

int cw_cmd_diff(int argc, char **argv)
{
	const char *files[2] = {NULL, NULL}, *diff_path = NULL;
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			diff_path = argv[++i];
		} else if (argv[i][0] != '-' && n < 2) {
			files[n++] = argv[i];
		} else {
			fprintf(stderr, "cbwall diff: unexpected argument %s\n%s", argv[i], usage);
			return 2;
		}
	}
	if (n != 2) {
		fputs(usage, stderr);
		return 2;
	}
	struct rd_err err;
	cairo_surface_t *a = rd_png_read(files[0], &err), *b = a ? rd_png_read(files[1], &err) : NULL;
	if (!a || !b) {
		fprintf(stderr, "cbwall diff: %s\n", err.msg);
		cairo_surface_destroy(a);
		return 2;
	}
	struct rd_diff d;
	cairo_surface_t *diff = NULL;
	int code = 2;
	if (!rd_image_diff(a, b, &d, diff_path ? &diff : NULL, &err)) {
		fprintf(stderr, "cbwall diff: %s\n", err.msg);
	} else {
		int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
		bool ok = rd_diff_within(&d, RD_GOLDEN_TOLERANCE, w, h);
		if (d.changed == 0)
			printf("identical\n");
		else
			printf("%ld pixels differ (max channel delta %d), first at (%d,%d): expected #%06x, "
			       "got #%06x: %s\n",
			       d.changed, d.max_delta, d.first_x, d.first_y, d.expected_rgb, d.actual_rgb,
			       ok ? "within tolerance" : "over tolerance");
		if (diff && !rd_png_write(diff, diff_path, &err))
			fprintf(stderr, "cbwall diff: %s\n", err.msg);
		code = ok ? 0 : 1;
	}
	cairo_surface_destroy(diff);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	return code;
}
