#pragma once
/* The command line shared by the window, `snapshot` and `bench`: which scene, theme, feed,
 * size and clock to draw, loaded and validated into what the frame needs. */
#include <stdbool.h>
#include <stdint.h>

#include "cw_config.h"
#include "cw_frame.h"
#include "cw_playlist.h"
#include "cw_snapshot.h"
#include "rd_err.h"
#include "rd_theme.h"

struct cw_opts {
	const char *scene_name;  /* --scene: one scene all day */
	const char *playlist_name; /* --playlist: scenes by the clock */
	const char *theme_name;  /* default "dark" */
	const char *lang;        /* --lang zh|en: overrides the config's language */
	const char *feed_url;    /* --feed; default: the config's backend, else the demo fixtures */
	const char *backend;     /* --backend URL: overrides the config's backend */
	const char *config_path; /* --config FILE (docs/config.md) */
	const char *token_file;  /* --token-file FILE: overrides the config's token_file */
	bool live_feed;          /* set by the window: an http(s) feed is not fetched by
	                            cw_setup_load but left to a cw_feed thread (setup.live) */
	const char *output;      /* -o, snapshot */
	int width, height;       /* --size; 0: default for the command */
	bool fixed_clock;        /* --clock given */
	int64_t clock;           /* --clock, Unix seconds */
	bool freeze_clock;       /* --freeze-clock, window: the scene clock stands still (tests) */
	int utc_offset_min;      /* from --clock, else +08:00 (China Standard Time) */
	int frames;              /* --frames, bench */
	bool fullscreen;         /* window */
	int display;             /* --display, window */
	bool display_given;      /* --display N was given */
	bool span;               /* --span: one borderless window over the union of all displays */
	enum cw_mode mode;       /* --mode wall|kiosk|duty; NONE when not given (the config may) */
	bool lenient;            /* set by the window in wall and kiosk modes: a theme that does not
	                            load falls back to the built-in one with one log line */
	bool tiled;              /* --viewport given: draw one tile of a larger canvas */
	int canvas_w, canvas_h;  /* --canvas W,H: the whole wall; default the output size */
	int vx, vy, vw, vh;      /* --viewport X,Y,W,H: the part of the canvas this output shows */
	int bezel;               /* --bezel PX: the frames between the wall's screens hide this
	                            many pixels of the picture (cw_opts_view) */
};

/* What the options name, loaded: the playlist (one scene with --scene), the theme and the
 * first snapshot. */
struct cw_setup {
	struct cw_playlist playlist;
	struct rd_theme theme;
	struct cw_snapshot *snap;
	char feed_url[4096];
	struct cw_config config;  /* the config file with the command line's overrides */
	char token[600];          /* read from the token file; "" when none */
	bool live;                /* feed_url is http(s) and opts.live_feed: start a cw_feed */
};

/* Parses argv (argv[0] is the subcommand). Prints the error and usage and returns false on
 * bad options; *exit_code receives 0 after --help. */
bool cw_opts_parse(int argc, char **argv, const char *usage, struct cw_opts *o, int *exit_code);
/* Loads playlist, theme and feed; false with err naming the file and key. Without --scene
 * or --playlist the playlist is default_playlist, or the scene "city" when that is NULL. */
bool cw_setup_load(const struct cw_opts *o, const char *default_playlist, int64_t now,
                   struct cw_setup *s, struct rd_err *err);
void cw_setup_finish(struct cw_setup *s);
/* "WxH" into w, h (each 64..16384). */
bool cw_parse_size(const char *s, int *w, int *h);
/* The view the options describe for an output of w x h: the whole canvas, or the
 * --viewport tile of the --canvas. False with err when the tile lies outside the canvas. */
bool cw_opts_view(const struct cw_opts *o, int w, int h, struct cw_view *view, struct rd_err *err);
/* Seconds since the epoch, now. */
int64_t cw_now(void);
/* Monotonic milliseconds. */
double cw_mono_ms(void);
