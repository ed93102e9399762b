#include <stdio.h>

#include "cw_commands.h"
#include "cw_wall.h"
#include "cw_opts.h"
#include "cw_present.h"
#include "rd_png.h"

static const char usage[] =
    "usage: cbwall snapshot [--scene NAME|FILE | --playlist NAME|FILE] [--size WxH]\n"
    "                       [--clock ISO8601]\n"
    "                       [--feed URL] [--theme NAME|FILE] [--lang zh|en]\n"
    "                       [--viewport X,Y,W,H --canvas W,H [--bezel PX]]\n"
    "                       -o OUT.png\n"
    "Renders one frame with no display. Same inputs, same pixels.\n"
    "  --scene   scene name (config/scenes/NAME.json) or file; default city\n"
    "  --playlist  the scene a playlist (config/playlists/NAME.json) shows at --clock\n"
    "  --size    canvas size; default 1920x1080\n"
    "  --clock   the time shown, e.g. 2026-11-23T14:30:00+08:00; default now\n"
    "  --feed    file:///DIR of fixture JSON (docs/feed.md); default the demo fixtures\n"
    "  --theme   dark, high-contrast, or a theme file; default dark\n"
    "  --viewport X,Y,W,H --canvas W,H\n"
    "            one tile of a wall driven by several PCs: the part X,Y,W,H of a W x H canvas\n"
    "  --bezel   pixels hidden behind the frame between two screens of that wall\n"
    "  --lang    the language of the screens (config/i18n/LANG.json); default the config's\n";

int cw_cmd_snapshot(int argc, char **argv)
{
	struct cw_opts o;
	int code;
	if (!cw_opts_parse(argc, argv, usage, &o, &code))
		return code;
	if (!o.output) {
		fprintf(stderr, "cbwall snapshot: -o OUT.png is required\n%s", usage);
		return 2;
	}
	if (!o.width)
		o.width = 1920, o.height = 1080;
	int64_t now = o.fixed_clock ? o.clock : cw_now();
	struct cw_setup s;
	struct rd_err err;
	if (!cw_setup_load(&o, NULL, now, &s, &err)) {
		fprintf(stderr, "cbwall snapshot: %s\n", err.msg);
		cw_setup_finish(&s);
		return 1;
	}
	struct cw_view view;
	if (!cw_opts_view(&o, o.width, o.height, &view, &err)) {
		fprintf(stderr, "cbwall %s: %s\n", argv[0], err.msg);
		cw_setup_finish(&s);
		return 2;
	}
	struct cw_wall *wall = cw_wall_new(&s.playlist, &s.theme, view, o.utc_offset_min, &err);
	if (!wall) {
		fprintf(stderr, "cbwall snapshot: %s\n", err.msg);
		cw_setup_finish(&s);
		return 1;
	}
	struct cw_presenter *out = cw_present_image_new(o.width, o.height);
	struct rd_damage damage;
	rd_damage_init(&damage, o.width, o.height);
	bool ok = cw_wall_draw(wall, out->ops->target(out), s.snap, (double)now, &damage, &err) &&
	          rd_png_write(out->ops->target(out), o.output, &err);
	if (!ok)
		fprintf(stderr, "cbwall snapshot: %s\n", err.msg);
	cw_presenter_free(out);
	cw_wall_free(wall);
	cw_setup_finish(&s);
	return ok ? 0 : 1;
}
