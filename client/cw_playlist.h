#pragma once
/* Playlists (config/playlists/NAME.json): which scene a wall shows when. A playlist has
 * schedules by time of day (a night playlist, a morning-briefing scene), each a list of
 * scenes with their durations, and a transition. The position is a pure function of the
 * clock, so every tile of a spliced wall switches scene in the same second without talking
 * to the others. Format: docs/scenes.md. Immutable once loaded; any thread. */
#include <stdbool.h>
#include <stdint.h>

#include "rd_err.h"

enum { CW_PLAYLIST_ITEMS_MAX = 16, CW_SCHEDULES_MAX = 8 };

enum cw_transition { CW_TRANSITION_NONE, CW_TRANSITION_FADE, CW_TRANSITION_SLIDE };

struct cw_playlist_item {
	char scene[64];
	int seconds;          /* 5..86400 */
};

struct cw_schedule {
	int from_min, to_min; /* minutes after local midnight; from == to: all day; may wrap */
	int count;
	struct cw_playlist_item items[CW_PLAYLIST_ITEMS_MAX];
	int total;            /* sum of the items' seconds */
};

struct cw_playlist {
	char name[32];
	enum cw_transition transition;
	double transition_s;  /* 0..5 */
	int count;            /* schedules; the first whose time range holds the clock wins */
	struct cw_schedule schedules[CW_SCHEDULES_MAX];
};

/* Where the playlist is at a moment. */
struct cw_playlist_pos {
	const struct cw_playlist_item *item;      /* the scene shown */
	const struct cw_playlist_item *previous;  /* the scene before it (for the transition) */
	double into;          /* seconds since this scene came on */
	double transition;    /* 0..1 while the transition from previous runs, else 1 */
};

/* name_or_file: "default" (config/playlists/default.json) or a path. False with err naming
 * the file (and key) when it cannot be found, opened or read in full, is over 1 MiB, is not
 * valid JSON, fails validation, or its buffer cannot be allocated ("FILE: out of memory for
 * N bytes"); *pl is then all zero (no schedules), never half a playlist. */
bool cw_playlist_load(const char *name_or_file, struct cw_playlist *pl, struct rd_err *err);
bool cw_playlist_load_file(const char *path, struct cw_playlist *pl, struct rd_err *err);
/* A playlist of one scene shown all day (for --scene). */
void cw_playlist_single(struct cw_playlist *pl, const char *scene);
/* The position at `now` (Unix seconds, fractional) in the local time of utc_offset_min.
 * False when no schedule covers that time of day (the wall then keeps its last scene). */
bool cw_playlist_at(const struct cw_playlist *pl, double now, int utc_offset_min,
                    struct cw_playlist_pos *pos);
