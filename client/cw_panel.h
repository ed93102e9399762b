#pragma once
/* Panels: the pieces a frame is made of (header title, weather, clock, and the scene's
 * panels). Each kind says what it would show as a key — a hash, equal keys meaning equal
 * pixels — and draws itself inside its rectangle. The frame redraws a panel only when its
 * key changes; animated panels put the animation phase into their key and say when it next
 * changes, so the window sleeps until then. Render thread only. */
#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "cw_scene.h"
#include "cw_snapshot.h"
#include "rd_geom.h"
#include "rd_theme.h"

/* What every panel sees when it draws. */
struct cw_panel_ctx {
	const struct rd_theme *theme;
	const struct cw_scene *scene;
	int scale_h;          /* the reference height sizes scale with (rd_widgets.h) */
	int utc_offset_min;
	double now;           /* Unix seconds, fractional */
	const struct cw_snapshot *snap; /* may be NULL: no data yet */
};

struct cw_panel;

struct cw_panel_kind {
	const char *name;
	/* Sets up p->state (may be NULL); messages about skipped parts go to stderr. */
	void (*init)(struct cw_panel *p, const struct cw_panel_ctx *c);
	uint64_t (*key)(struct cw_panel *p, const struct cw_panel_ctx *c);
	void (*draw)(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c);
	/* The time (Unix s) its picture changes next without new data; 0: only with new data. */
	double (*next_change)(struct cw_panel *p, const struct cw_panel_ctx *c);
	void (*finish)(struct cw_panel *p);
};

struct cw_panel {
	const struct cw_panel_kind *kind;
	const struct cw_panel_def *def; /* NULL for the header's pieces */
	struct rd_rect rect;            /* canvas pixels */
	uint64_t key;                   /* what it showed last; 0: nothing yet */
	void *state;                    /* owned by the kind */
};

extern const struct cw_panel_kind cw_panel_title, cw_panel_weather, cw_panel_clock;
extern const struct cw_panel_kind cw_panel_kpi, cw_panel_map;

/* The kind that draws a scene panel of this type. */
const struct cw_panel_kind *cw_panel_kind_of(enum cw_panel_type type);

/* FNV-1a, for keys. */
uint64_t cw_hash(uint64_t h, const void *data, size_t len);
uint64_t cw_hash_str(uint64_t h, const char *s);
#define CW_HASH_INIT 0xcbf29ce484222325ull
/* Panel title from the scene, or NULL. */
const char *cw_panel_title_text(const struct cw_panel *p);
