#include "rd_damage.h"

void rd_damage_init(struct rd_damage *d, int w, int h)
{
	d->count = 0;
	d->bounds = (struct rd_irect){0, 0, w, h};
}

void rd_damage_clear(struct rd_damage *d)
{
	d->count = 0;
}

bool rd_damage_empty(const struct rd_damage *d)
{
	return d->count == 0;
}

static bool touches(struct rd_irect a, struct rd_irect b)
{
	return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

void rd_damage_add(struct rd_damage *d, struct rd_irect r)
{
	if (!rd_irect_intersect(r, d->bounds, &r))
		return;
	/* Merge with every rectangle it touches until it touches none: the set stays disjoint. */
	for (int i = 0; i < d->count;) {
		if (touches(d->rects[i], r)) {
			r = rd_irect_union(r, d->rects[i]);
			d->rects[i] = d->rects[--d->count];
			i = 0;
		} else {
			i++;
		}
	}
	if (d->count == RD_DAMAGE_MAX) {
		for (int i = 0; i < d->count; i++)
			r = rd_irect_union(r, d->rects[i]);
		d->count = 0;
	}
	d->rects[d->count++] = r;
}

void rd_damage_add_all(struct rd_damage *d)
{
	d->count = 0;
	rd_damage_add(d, d->bounds);
}

long rd_damage_area(const struct rd_damage *d)
{
	long a = 0;
	for (int i = 0; i < d->count; i++)
		a += (long)d->rects[i].w * d->rects[i].h;
	return a;
}
