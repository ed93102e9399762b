/* Geometry algorithms: Douglas–Peucker importance and the pole of inaccessibility. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "ly_mapint.h"

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay;
	double t = 0;
	double len2 = dx * dx + dy * dy;
	if (len2 > 0) {
		t = ((px - ax) * dx + (py - ay) * dy) / len2;
		if (t < 0)
			t = 0;
		else if (t > 1)
			t = 1;
	}
	double ex = ax + t * dx - px, ey = ay + t * dy - py;
	return ex * ex + ey * ey;
}

struct span {
	size_t a, b;
	float limit;
};

void ly_dp_work_free(struct ly_dp_work *w)
{
	free(w->spans);
	*w = (struct ly_dp_work){0};
}

/* Room for n spans in w; false (w as it was) when out of memory. */
static bool spans_need(struct ly_dp_work *w, size_t n)
{
	if (n <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 64;
	while (cap < n)
		cap *= 2;
	void *p = cap <= SIZE_MAX / sizeof(struct span) ? realloc(w->spans, cap * sizeof(struct span)) : NULL;
	if (!p)
		return false;
	w->spans = p;
	w->cap = cap;
	return true;
}

/* imp[i] = the largest Douglas–Peucker tolerance at which vertex i is still kept; endpoints
 * (and for rings the vertex farthest from the start and one more) are never dropped. The
 * values are capped by the parent split's so that keeping a vertex keeps its ancestors. */
bool ly_dp_importance(const double *x, const double *y, size_t n, bool closed, float *imp, struct ly_dp_work *w)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		imp[i] = 0;
	imp[0] = imp[n - 1] = FLT_MAX;
	if (n < 3)
		return true;
	size_t top = 0;
	if (!spans_need(w, 2))
		return false;
	struct span *st = w->spans;
	if (closed) {
		size_t k = 0;
		double best = -1;
		for (size_t i = 1; i < n - 1; i++) {
			double d = (x[i] - x[0]) * (x[i] - x[0]) + (y[i] - y[0]) * (y[i] - y[0]);
			if (d > best)
				best = d, k = i;
		}
		imp[k] = FLT_MAX;
		st[top++] = (struct span){0, k, FLT_MAX};
		st[top++] = (struct span){k, n - 1, FLT_MAX};
	} else {
		st[top++] = (struct span){0, n - 1, FLT_MAX};
	}
	while (top) {
		struct span s = st[--top];
		if (s.b <= s.a + 1)
			continue;
		size_t k = s.a + 1;
		double best = -1;
		for (size_t i = s.a + 1; i < s.b; i++) {
			double d = seg_dist2(x[i], y[i], x[s.a], y[s.a], x[s.b], y[s.b]);
			if (d > best)
				best = d, k = i;
		}
		float d = (float)sqrt(best);
		if (d > s.limit)
			d = s.limit;
		imp[k] = d;
		if (!spans_need(w, top + 2))
			return false;
		st = w->spans;
		st[top++] = (struct span){s.a, k, d};
		st[top++] = (struct span){k, s.b, d};
	}
	if (closed) {
		/* keep a triangle: the most important remaining vertex never drops either */
		size_t k = 0;
		float best = -1;
		for (size_t i = 1; i < n - 1; i++)
			if (imp[i] < FLT_MAX && imp[i] > best)
				best = imp[i], k = i;
		if (k)
			imp[k] = FLT_MAX;
	}
	return true;
}

/* ---- pole of inaccessibility (after Mapbox's polylabel) ---- */

struct ring {
	double *x, *y;
	size_t n;
};

struct cell {
	double x, y, h, d, max;
};

static double signed_dist(const struct ring *r, int nr, double px, double py)
{
	bool in = false;
	double best = INFINITY;
	for (int k = 0; k < nr; k++) {
		const double *x = r[k].x, *y = r[k].y;
		size_t n = r[k].n;
		for (size_t i = 0, j = n - 1; i < n; j = i++) {
			if ((y[i] > py) != (y[j] > py) && px < (x[j] - x[i]) * (py - y[i]) / (y[j] - y[i]) + x[i])
				in = !in;
			/* the distance to the edge's box is a lower bound: an edge that cannot be nearer
			 * is skipped (the minimum, and so the result, is the same) */
			double x0 = x[i] < x[j] ? x[i] : x[j], x1 = x[i] < x[j] ? x[j] : x[i];
			double y0 = y[i] < y[j] ? y[i] : y[j], y1 = y[i] < y[j] ? y[j] : y[i];
			double bx = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
			double by = py < y0 ? y0 - py : py > y1 ? py - y1 : 0;
			if (bx * bx + by * by >= best)
				continue;
			double d = seg_dist2(px, py, x[i], y[i], x[j], y[j]);
			if (d < best)
				best = d;
		}
	}
	return (in ? 1 : -1) * sqrt(best);
}

static struct cell mkcell(const struct ring *r, int nr, double x, double y, double h)
{
	struct cell c = {x, y, h, signed_dist(r, nr, x, y), 0};
	c.max = c.d + h * M_SQRT2;
	return c;
}

struct heap {
	struct cell *a;
	size_t n, cap;
};

/* false (the heap as it was) when out of memory */
static bool hpush(struct heap *hp, struct cell c)
{
	if (hp->n == hp->cap) {
		size_t cap = hp->cap ? hp->cap * 2 : 256;
		struct cell *a = realloc(hp->a, cap * sizeof *hp->a);
		if (!a)
			return false;
		hp->a = a;
		hp->cap = cap;
	}
	size_t i = hp->n++;
	hp->a[i] = c;
	while (i && hp->a[(i - 1) / 2].max < hp->a[i].max) {
		struct cell t = hp->a[i];
		hp->a[i] = hp->a[(i - 1) / 2];
		hp->a[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return true;
}

static struct cell hpop(struct heap *hp)
{
	struct cell top = hp->a[0];
	hp->a[0] = hp->a[--hp->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < hp->n && hp->a[l].max > hp->a[m].max)
			m = l;
		if (r < hp->n && hp->a[r].max > hp->a[m].max)
			m = r;
		if (m == i)
			break;
		struct cell t = hp->a[i];
		hp->a[i] = hp->a[m];
		hp->a[m] = t;
		i = m;
	}
	return top;
}

bool ly_polylabel(const double *x, const double *y, const struct ly_part *parts, uint32_t nparts,
                  const float *imp, float min_imp, double precision, double *ox, double *oy)
{
	/* Work on the rings simplified to min_imp: the label point needs no more detail. */
	struct ring *r = calloc(nparts ? nparts : 1, sizeof *r);
	if (!r)
		return false;
	int nr = 0;
	bool ok = true;
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	for (uint32_t p = 0; p < nparts; p++) {
		const struct ly_part *pt = &parts[p];
		struct ring *rg = &r[nr];
		rg->x = malloc((pt->count ? pt->count : 1) * sizeof *rg->x);
		rg->y = malloc((pt->count ? pt->count : 1) * sizeof *rg->y);
		rg->n = 0;
		if (!rg->x || !rg->y) {
			free(rg->x);
			free(rg->y);
			ok = false;
			goto done;
		}
		for (uint32_t i = 0; i < pt->count; i++) {
			size_t v = pt->start + i;
			if (imp && imp[v] < min_imp)
				continue;
			rg->x[rg->n] = x[v];
			rg->y[rg->n++] = y[v];
			x0 = fmin(x0, x[v]), y0 = fmin(y0, y[v]), x1 = fmax(x1, x[v]), y1 = fmax(y1, y[v]);
		}
		if (rg->n >= 3) {
			nr++;
		} else {
			free(rg->x);
			free(rg->y);
		}
	}
	if (!nr) {
		*ox = (x0 + x1) / 2;
		*oy = (y0 + y1) / 2;
		goto done;
	}
	double w = x1 - x0, h = y1 - y0, size = fmin(w, h);
	if (size <= 0) {
		*ox = x0 + w / 2, *oy = y0 + h / 2;
		goto done;
	}
	struct heap hp = {0};
	double half = size / 2;
	for (double cx = x0; ok && cx < x1; cx += size)
		for (double cy = y0; ok && cy < y1; cy += size)
			ok = hpush(&hp, mkcell(r, nr, cx + half, cy + half, half));
	/* first guess: the bbox centre, then the area centroid of the first ring */
	struct cell best = mkcell(r, nr, x0 + w / 2, y0 + h / 2, 0);
	{
		double a = 0, cx = 0, cy = 0;
		const struct ring *g = &r[0];
		for (size_t i = 0, j = g->n - 1; i < g->n; j = i++) {
			double f = g->x[i] * g->y[j] - g->x[j] * g->y[i];
			cx += (g->x[i] + g->x[j]) * f;
			cy += (g->y[i] + g->y[j]) * f;
			a += f * 3;
		}
		if (a != 0) {
			struct cell c = mkcell(r, nr, cx / a, cy / a, 0);
			if (c.d > best.d)
				best = c;
		}
	}
	int guard = 0;
	while (ok && hp.n && guard++ < 20000) {
		struct cell c = hpop(&hp);
		if (c.d > best.d)
			best = c;
		if (c.max - best.d <= precision)
			continue;
		double hh = c.h / 2;
		ok = hpush(&hp, mkcell(r, nr, c.x - hh, c.y - hh, hh)) && hpush(&hp, mkcell(r, nr, c.x + hh, c.y - hh, hh)) &&
		     hpush(&hp, mkcell(r, nr, c.x - hh, c.y + hh, hh)) && hpush(&hp, mkcell(r, nr, c.x + hh, c.y + hh, hh));
	}
	free(hp.a);
	if (ok) {
		*ox = best.x;
		*oy = best.y;
	}
done:
	for (int k = 0; k < nr; k++) {
		free(r[k].x);
		free(r[k].y);
	}
	free(r);
	return ok;
}
