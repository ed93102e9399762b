#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_feed.h"
#include "cw_opts.h"
#include "cw_i18n.h"
#include "cw_theme.h"
#include "pr_json.h"

bool cw_parse_size(const char *s, int *w, int *h)
{
	int n = 0;
	if (sscanf(s, "%dx%d%n", w, h, &n) != 2 || s[n] != '\0')
		return false;
	return *w >= 64 && *h >= 64 && *w <= 16384 && *h <= 16384;
}

int64_t cw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

double cw_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool cw_opts_parse(int argc, char **argv, const char *usage, struct cw_opts *o, int *exit_code)
{
	static const struct option longs[] = {
	    {"scene", required_argument, NULL, 's'},   {"theme", required_argument, NULL, 't'},
	    {"feed", required_argument, NULL, 'f'},    {"size", required_argument, NULL, 'S'},
	    {"clock", required_argument, NULL, 'c'},   {"output", required_argument, NULL, 'o'},
	    {"frames", required_argument, NULL, 'n'},  {"fullscreen", no_argument, NULL, 'F'},
	    {"display", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
	    {"viewport", required_argument, NULL, 'V'}, {"canvas", required_argument, NULL, 'C'},
	    {"bezel", required_argument, NULL, 'z'},
	    {"backend", required_argument, NULL, 'B'}, {"config", required_argument, NULL, 'G'},
	    {"token-file", required_argument, NULL, 'T'},
	    {"playlist", required_argument, NULL, 'P'}, {"mode", required_argument, NULL, 'M'},
	    {"span", no_argument, NULL, 'A'},           {"lang", required_argument, NULL, 'L'},
	    {"freeze-clock", no_argument, NULL, 'Z'},
	    {NULL, 0, NULL, 0}};
	*o = (struct cw_opts){.theme_name = "dark", .utc_offset_min = 480};
	*exit_code = 2;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":o:h", longs, NULL)) != -1) {
		switch (c) {
		case 's': o->scene_name = optarg; break;
		case 'P': o->playlist_name = optarg; break;
		case 't': o->theme_name = optarg; break;
		case 'L': o->lang = optarg; break;
		case 'f': o->feed_url = optarg; break;
		case 'B': o->backend = optarg; break;
		case 'G': o->config_path = optarg; break;
		case 'T': o->token_file = optarg; break;
		case 'o': o->output = optarg; break;
		case 'F': o->fullscreen = true; break;
		case 'A': o->span = true; break;
		case 'Z': o->freeze_clock = true; break;
		case 'M':
			if (!cw_mode_parse(optarg, &o->mode)) {
				fprintf(stderr, "cbwall %s: --mode %s: expected wall, kiosk or duty\n", argv[0],
				        optarg);
				return false;
			}
			break;
		case 'S':
			if (!cw_parse_size(optarg, &o->width, &o->height)) {
				fprintf(stderr, "cbwall %s: --size %s: expected WIDTHxHEIGHT, each 64..16384\n",
				        argv[0], optarg);
				return false;
			}
			break;
		case 'c':
			if (!pr_time_parse(optarg, &o->clock, &o->utc_offset_min)) {
				fprintf(stderr,
				        "cbwall %s: --clock %s: expected an ISO 8601 time with offset, "
				        "e.g. 2026-11-23T14:30:00+08:00\n",
				        argv[0], optarg);
				return false;
			}
			o->fixed_clock = true;
			break;
		case 'n':
		case 'd': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 10000000) {
				fprintf(stderr, "cbwall %s: --%s %s: expected a number\n", argv[0],
				        c == 'n' ? "frames" : "display", optarg);
				return false;
			}
			if (c == 'n')
				o->frames = (int)v;
			else
				o->display = (int)v, o->display_given = true;
			break;
		}
		case 'V':
			if (sscanf(optarg, "%d,%d,%d,%d", &o->vx, &o->vy, &o->vw, &o->vh) != 4 ||
			    o->vx < 0 || o->vy < 0 || o->vw < 64 || o->vh < 64 || o->vw > 16384 ||
			    o->vh > 16384) {
				fprintf(stderr, "cbwall %s: --viewport %s: expected X,Y,W,H inside the canvas\n",
				        argv[0], optarg);
				return false;
			}
			o->tiled = true;
			break;
		case 'z': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 2000) {
				fprintf(stderr, "cbwall %s: --bezel %s: expected pixels, 0..2000\n", argv[0],
				        optarg);
				return false;
			}
			o->bezel = (int)v;
			break;
		}
		case 'C':
			if (sscanf(optarg, "%d,%d", &o->canvas_w, &o->canvas_h) != 2 &&
			    !cw_parse_size(optarg, &o->canvas_w, &o->canvas_h)) {
				fprintf(stderr, "cbwall %s: --canvas %s: expected W,H\n", argv[0], optarg);
				return false;
			}
			if (o->canvas_w < 64 || o->canvas_h < 64 || o->canvas_w > 65536 ||
			    o->canvas_h > 65536) {
				fprintf(stderr, "cbwall %s: --canvas %s: each side 64..65536\n", argv[0], optarg);
				return false;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			*exit_code = 0;
			return false;
		case ':':
			fprintf(stderr, "cbwall %s: %s needs a value\n%s", argv[0], argv[optind - 1], usage);
			return false;
		default:
			fprintf(stderr, "cbwall %s: unknown option %s\n%s", argv[0], argv[optind - 1], usage);
			return false;
		}
	}
	if (o->scene_name && o->playlist_name) {
		fprintf(stderr, "cbwall %s: --scene and --playlist exclude each other\n%s", argv[0], usage);
		return false;
	}
	if (o->feed_url && o->backend) {
		fprintf(stderr, "cbwall %s: give --feed or --backend, not both\n%s", argv[0], usage);
		return false;
	}
	if (o->span && o->display_given) {
		fprintf(stderr, "cbwall %s: --span covers every display; leave out --display\n%s",
		        argv[0], usage);
		return false;
	}
	if (o->bezel && !o->tiled) {
		fprintf(stderr, "cbwall %s: --bezel needs --viewport X,Y,W,H\n%s", argv[0], usage);
		return false;
	}
	if (o->canvas_w && !o->tiled) {
		fprintf(stderr, "cbwall %s: --canvas needs --viewport X,Y,W,H\n%s", argv[0], usage);
		return false;
	}
	if (o->tiled && !o->width) /* a tile's output is the viewport's size */
		o->width = o->vw, o->height = o->vh;
	if (optind < argc) {
		fprintf(stderr, "cbwall %s: unexpected argument %s\n%s", argv[0], argv[optind], usage);
		return false;
	}
	return true;
}

bool cw_setup_load(const struct cw_opts *o, const char *default_playlist, int64_t now,
                   struct cw_setup *s, struct rd_err *err)
{
	memset(s, 0, sizeof *s);
	if (!cw_theme_load(o->theme_name, &s->theme, err)) {
		if (!o->lenient)
			return false;
		/* an unattended wall shows something rather than nothing */
		fprintf(stderr, "cbwall: %s; using the built-in theme\n", err->msg);
		rd_theme_default(&s->theme);
	}
	const char *playlist = o->playlist_name ? o->playlist_name
	                       : o->scene_name  ? NULL
	                                        : default_playlist;
	if (playlist) {
		if (!cw_playlist_load(playlist, &s->playlist, err))
			return false;
	} else {
		cw_playlist_single(&s->playlist, o->scene_name ? o->scene_name : "city");
	}
	if (!cw_config_resolve(o->config_path, o->backend, o->token_file, &s->config, err))
		return false;
	if (!cw_i18n_use(o->lang ? o->lang : s->config.language, err)) {
		if (!o->lenient)
			return false;
		fprintf(stderr, "cbwall: %s; the screens stay in Chinese\n", err->msg);
	}
	if (o->feed_url) /* file:///DIR, a plain directory, or a backend URL */
		snprintf(s->feed_url, sizeof s->feed_url, "%s", o->feed_url);
	else if (s->config.backend[0])
		snprintf(s->feed_url, sizeof s->feed_url, "%s", s->config.backend);
	else if (!cw_feed_default_url(s->feed_url, sizeof s->feed_url, err))
		return false;
	if (!cw_url_is_http(s->feed_url)) {
		s->snap = cw_feed_read(s->feed_url, now, err);
		return s->snap != NULL;
	}
	if (!cw_config_token(&s->config, s->token, sizeof s->token, err))
		return false;
	if (o->live_feed) { /* the window: never wait for the network, the feed thread fills in */
		s->live = true;
		s->snap = cw_snapshot_new();
		return true;
	}
	struct cw_feed_config fc;
	cw_feed_config_from(&fc, &s->config);
	fc.url = s->feed_url; /* --feed's, when it named the backend (it was dropped here) */
	fc.token = s->token;
	s->snap = cw_feed_once(&fc, now, err);
	return s->snap != NULL;
}

bool cw_opts_view(const struct cw_opts *o, int w, int h, struct cw_view *view, struct rd_err *err)
{
	if (!o->tiled) {
		*view = (struct cw_view){w, h, 0, 0, w, h};
		return true;
	}
	int cw = o->canvas_w ? o->canvas_w : w, ch = o->canvas_h ? o->canvas_h : h;
	if (o->vw != w || o->vh != h)
		return rd_err_set(err, "--viewport %dx%d differs from the output size %dx%d", o->vw,
		                  o->vh, w, h);
	if (o->vx + o->vw > cw || o->vy + o->vh > ch)
		return rd_err_set(err, "--viewport %d,%d,%d,%d lies outside the %dx%d canvas", o->vx,
		                  o->vy, o->vw, o->vh, cw, ch);
	if (o->bezel) {
		/* The picture runs on behind the screens' frames: each screen of the grid is moved
		 * on by a bezel per screen before it, and the canvas grows by the frames between. */
		if (cw % o->vw || ch % o->vh || o->vx % o->vw || o->vy % o->vh)
			return rd_err_set(err, "--bezel: the canvas %dx%d must be a grid of %dx%d screens "
			                  "and --viewport one of them", cw, ch, o->vw, o->vh);
		int cols = cw / o->vw, rows = ch / o->vh, col = o->vx / o->vw, row = o->vy / o->vh;
		*view = (struct cw_view){cw + (cols - 1) * o->bezel, ch + (rows - 1) * o->bezel,
		                         o->vx + col * o->bezel, o->vy + row * o->bezel, o->vw, o->vh};
		return true;
	}
	*view = (struct cw_view){cw, ch, o->vx, o->vy, o->vw, o->vh};
	return true;
}

void cw_setup_finish(struct cw_setup *s)
{
	cw_snapshot_unref(s->snap);
	s->snap = NULL;
}
