#pragma once
/* Damage: the rectangles of a frame that changed since the last present. Past
 * RD_DAMAGE_MAX rectangles the region collapses to its bounding box (as wlroots does).
 * Caller-owned value type; not thread safe. */
#include <stdbool.h>

#include "rd_geom.h"

enum { RD_DAMAGE_MAX = 20 };

struct rd_damage {
	int count;
	struct rd_irect rects[RD_DAMAGE_MAX];
	struct rd_irect bounds; /* limits every added rectangle (the frame) */
};

void rd_damage_init(struct rd_damage *d, int w, int h);
/* Adds r clipped to the bounds; overlapping or touching rectangles are merged. */
void rd_damage_add(struct rd_damage *d, struct rd_irect r);
void rd_damage_add_all(struct rd_damage *d);
void rd_damage_clear(struct rd_damage *d);
bool rd_damage_empty(const struct rd_damage *d);
/* Total pixels covered (rectangles do not overlap after add). */
long rd_damage_area(const struct rd_damage *d);
