/* The map: layers, projection, classes, live values, view, hit index (see ly_map.h). */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ly_mapint.h"

struct ly_map *ly_map_new(enum ly_proj proj)
{
	struct ly_map *m = ly_xcalloc(1, sizeof *m);
	m->proj = proj;
	m->dirty = true;
	m->view = (struct ly_view){.proj = proj, .w = 1, .h = 1, .scale = 1};
	return m;
}

static void free_index(struct ly_map *m)
{
	free(m->cell_start);
	free(m->cell_items);
	m->cell_start = m->cell_items = NULL;
	m->index_ok = false;
}

void ly_map_free_labels(struct ly_map *m)
{
	for (int i = 0; i < m->nplaced; i++)
		free(m->placed[i].text);
	free(m->placed);
	m->placed = NULL;
	m->nplaced = 0;
}

static void free_mlayer(struct mlayer *ml)
{
	ly_layer_free(ml->l);
	free(ml->wx);
	free(ml->wy);
	free(ml->imp);
	free(ml->fbox);
	free(ml->area);
	free(ml->lab_x);
	free(ml->lab_y);
	free(ml->sorted);
	free(ml->live_has);
	free(ml->live_val);
	free(ml->cls);
	free(ml->val);
}

void ly_map_free(struct ly_map *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n; i++)
		free_mlayer(&m->ml[i]);
	free(m->ml);
	free_index(m);
	ly_map_free_labels(m);
	if (m->cache)
		cairo_surface_destroy(m->cache);
	free(m);
}

static void invalidate(struct ly_map *m)
{
	m->dirty = true;
}

/* ---- values and classes ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void classify(struct mlayer *ml)
{
	const struct ly_layer *l = ml->l;
	const struct ly_style *s = &ml->st;
	int vf = ly_layer_field_index(l, s->value_field);
	int n = l->nfeat;
	ml->vmin = INFINITY;
	ml->vmax = -INFINITY;
	for (int i = 0; i < n; i++) {
		double v = NAN;
		if (ml->live_has && ml->live_has[i]) {
			v = ml->live_val[i];
		} else if (vf >= 0) {
			const char *a = ly_layer_attr(l, i, vf);
			char *end;
			double d = strtod(a, &end);
			if (end != a && !*end && isfinite(d))
				v = d;
		}
		ml->val[i] = v;
		if (!isnan(v)) {
			ml->vmin = fmin(ml->vmin, v);
			ml->vmax = fmax(ml->vmax, v);
		}
		ml->cls[i] = -1;
	}
	ml->nclass = 0;
	int k = s->classes < 2 ? 2 : s->classes > LY_CLASSES_MAX ? LY_CLASSES_MAX : s->classes;
	if (s->classify == LY_CLASSIFY_CATEGORICAL) {
		if (vf < 0)
			return;
		for (int i = 0; i < n; i++) {
			const char *a = ly_layer_attr(l, i, vf);
			if (!*a)
				continue;
			int c = 0;
			while (c < ml->nclass && strcmp(ml->cats[c], a))
				c++;
			if (c == ml->nclass && ml->nclass < LY_CLASSES_MAX)
				snprintf(ml->cats[ml->nclass++], sizeof ml->cats[0], "%s", a);
			ml->cls[i] = c < ml->nclass ? c : -1;
		}
		return;
	}
	if (s->classify == LY_CLASSIFY_NONE || !(ml->vmax >= ml->vmin))
		return;
	double *sorted = ml->sorted;
	int m = 0;
	for (int i = 0; i < n; i++)
		if (!isnan(ml->val[i]))
			sorted[m++] = ml->val[i];
	qsort(sorted, (size_t)m, sizeof *sorted, cmp_double);
	double b[LY_CLASSES_MAX + 1];
	for (int c = 0; c <= k; c++) {
		if (s->classify == LY_CLASSIFY_QUANTILE)
			b[c] = c == k ? sorted[m - 1] : sorted[(size_t)c * (size_t)m / (size_t)k];
		else
			b[c] = ml->vmin + (ml->vmax - ml->vmin) * c / k;
	}
	/* drop repeated breaks (many equal values) */
	int nb = 1;
	for (int c = 1; c <= k; c++)
		if (b[c] > b[nb - 1] || c == k)
			b[nb++] = b[c];
	if (nb >= 2 && b[nb - 1] == b[nb - 2] && nb > 2)
		nb--;
	if (nb < 2)
		b[nb++] = b[0];
	memcpy(ml->breaks, b, (size_t)nb * sizeof *b);
	ml->nclass = nb - 1;
	for (int i = 0; i < n; i++) {
		double v = ml->val[i];
		if (isnan(v))
			continue;
		int c = 0;
		while (c + 1 < ml->nclass && v >= ml->breaks[c + 1])
			c++;
		ml->cls[i] = c;
	}
}

/* ---- adding layers ---- */

/* Projection and Douglas–Peucker tolerances of parts p0..p1 (every vertex is in one part). */
struct project_job {
	enum ly_proj proj;
	struct mlayer *ml;
	uint32_t p0, p1;
	bool oom; /* the tolerances' work stack could not grow */
};

static void *project_parts(void *arg)
{
	struct project_job *j = arg;
	struct mlayer *ml = j->ml;
	const struct ly_layer *l = ml->l;
	struct ly_dp_work work = {0};
	for (uint32_t p = j->p0; p < j->p1 && !j->oom; p++) {
		const struct ly_part *pt = &l->part[p];
		for (size_t i = pt->start; i < (size_t)pt->start + pt->count; i++)
			ly_project(j->proj, l->x[i], l->y[i], &ml->wx[i], &ml->wy[i]);
		if (l->geom != LY_GEOM_POINT)
			j->oom = !ly_dp_importance(ml->wx + pt->start, ml->wy + pt->start, pt->count,
			                           l->geom == LY_GEOM_POLYGON, ml->imp + pt->start, &work);
		else if (pt->count)
			ml->imp[pt->start] = FLT_MAX;
	}
	ly_dp_work_free(&work);
	return NULL;
}

/* n elements of size bytes, or NULL; n = 0 allocates one (NULL means out of memory). */
static void *alloc_n(size_t n, size_t size, bool zero)
{
	n = n ? n : 1;
	if (n > SIZE_MAX / size)
		return NULL;
	return zero ? calloc(n, size) : malloc(n * size);
}

/* Projects ml's layer and computes what drawing and hit-testing need. False when out of
 * memory: what was allocated stays in ml for free_mlayer. */
static bool project_layer(struct ly_map *m, struct mlayer *ml)
{
	const struct ly_layer *l = ml->l;
	size_t npt = l->npt, nf = (size_t)l->nfeat;
	ml->wx = alloc_n(npt, sizeof *ml->wx, false);
	ml->wy = alloc_n(npt, sizeof *ml->wy, false);
	ml->imp = alloc_n(npt, sizeof *ml->imp, false);
	ml->fbox = alloc_n(nf, sizeof *ml->fbox, false);
	ml->area = alloc_n(nf, sizeof *ml->area, true);
	ml->lab_x = alloc_n(nf, sizeof *ml->lab_x, false);
	ml->lab_y = alloc_n(nf, sizeof *ml->lab_y, false);
	ml->cls = alloc_n(nf, sizeof *ml->cls, false);
	ml->val = alloc_n(nf, sizeof *ml->val, false);
	ml->sorted = alloc_n(nf, sizeof *ml->sorted, false);
	if (!ml->wx || !ml->wy || !ml->imp || !ml->fbox || !ml->area || !ml->lab_x || !ml->lab_y || !ml->cls ||
	    !ml->val || !ml->sorted)
		return false;
	/* The parts in two halves of about as many vertices, the second on a helper thread when
	 * the map may use threads (ly_map_set_threads): the tolerances are most of adding a
	 * large layer. Each part's result is the same whichever thread computes it. */
	struct project_job jobs[2] = {{m->proj, ml, 0, l->npart, false}, {m->proj, ml, l->npart, l->npart, false}};
	pthread_t helper;
	bool threaded = false;
	if (m->threads > 1 && npt >= 50000) {
		uint32_t p = 0;
		for (size_t half = 0; p < l->npart && half < npt / 2; p++)
			half += l->part[p].count;
		jobs[0].p1 = jobs[1].p0 = p;
		threaded = pthread_create(&helper, NULL, project_parts, &jobs[1]) == 0;
	}
	project_parts(&jobs[0]);
	if (threaded)
		pthread_join(helper, NULL);
	else
		project_parts(&jobs[1]);
	if (jobs[0].oom || jobs[1].oom)
		return false;
	ml->max_part = 0;
	for (uint32_t p = 0; p < l->npart; p++)
		ml->max_part = l->part[p].count > ml->max_part ? l->part[p].count : ml->max_part;
	ml->wbox[0] = ml->wbox[1] = INFINITY;
	ml->wbox[2] = ml->wbox[3] = -INFINITY;
	for (size_t f = 0; f < nf; f++) {
		const struct ly_feat *ft = &l->feat[f];
		double *b = ml->fbox[f];
		b[0] = b[1] = INFINITY;
		b[2] = b[3] = -INFINITY;
		double best_len = -1;
		for (uint32_t p = 0; p < ft->nparts; p++) {
			const struct ly_part *pt = &l->part[ft->part0 + p];
			const double *x = ml->wx + pt->start, *y = ml->wy + pt->start;
			double a = 0, len = 0;
			for (uint32_t i = 0; i < pt->count; i++) {
				/* comparisons, not fmin/fmax: those are calls (gcc keeps their NaN rules);
				 * projected coordinates are finite */
				b[0] = x[i] < b[0] ? x[i] : b[0], b[1] = y[i] < b[1] ? y[i] : b[1];
				b[2] = x[i] > b[2] ? x[i] : b[2], b[3] = y[i] > b[3] ? y[i] : b[3];
				if (i) {
					a += x[i - 1] * y[i] - x[i] * y[i - 1];
					if (l->geom == LY_GEOM_LINE)
						len += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
				}
			}
			if (l->geom == LY_GEOM_POLYGON)
				ml->area[f] += a / 2; /* holes wind the other way and subtract */
			else
				ml->area[f] += len;
			if (l->geom == LY_GEOM_LINE && len > best_len) {
				/* label a line at the middle vertex of its longest part */
				best_len = len;
				ml->lab_x[f] = x[pt->count / 2];
				ml->lab_y[f] = y[pt->count / 2];
			}
		}
		ml->area[f] = fabs(ml->area[f]);
		if (l->geom == LY_GEOM_POINT) {
			ml->lab_x[f] = ml->wx[l->part[ft->part0].start];
			ml->lab_y[f] = ml->wy[l->part[ft->part0].start];
		}
		for (int k = 0; k < 2; k++) {
			ml->wbox[k] = fmin(ml->wbox[k], b[k]);
			ml->wbox[k + 2] = fmax(ml->wbox[k + 2], b[k + 2]);
		}
	}
	ml->labels_ok = l->geom != LY_GEOM_POLYGON;
	return true;
}

bool ly_map_label_points(struct mlayer *ml)
{
	if (ml->labels_ok)
		return true;
	const struct ly_layer *l = ml->l;
	for (int f = 0; f < l->nfeat; f++) {
		const struct ly_feat *ft = &l->feat[f];
		double *b = ml->fbox[f];
		double size = fmax(b[2] - b[0], b[3] - b[1]);
		/* a vertex tolerance of 1/500 of the feature and 1/400 precision: exact at any screen size
		 * where the label fits */
		if (!ly_polylabel(ml->wx, ml->wy, l->part + ft->part0, ft->nparts, ml->imp, (float)(size / 500),
		                  size / 400, &ml->lab_x[f], &ml->lab_y[f]))
			return false;
	}
	ml->labels_ok = true;
	return true;
}


int ly_map_add_layer(struct ly_map *m, struct ly_layer *layer, const struct ly_style *style, struct rd_err *err)
{
	if (!layer)
		return rd_err_set(err, "ly_map_add_layer: no layer"), -1;
	if (m->n >= 255) {
		rd_err_set(err, "%s: too many layers in one map (255)", layer->path);
		ly_layer_free(layer);
		return -1;
	}
	if (m->n == m->cap) {
		int cap = m->cap ? m->cap * 2 : 8;
		struct mlayer *ml = realloc(m->ml, (size_t)cap * sizeof *m->ml);
		if (!ml) {
			rd_err_set(err, "%s: out of memory for a map layer", layer->path);
			ly_layer_free(layer);
			return -1;
		}
		m->ml = ml;
		m->cap = cap;
	}
	struct mlayer *ml = &m->ml[m->n];
	memset(ml, 0, sizeof *ml);
	ml->l = layer;
	if (style)
		ml->st = *style;
	else
		ly_style_default(&ml->st);
	if (!project_layer(m, ml)) {
		rd_err_set(err, "%s: out of memory for %zu vertices of %d features", layer->path, layer->npt, layer->nfeat);
		free_mlayer(ml); /* the layer too: the map took it */
		return -1;
	}
	classify(ml);
	m->n++;
	free_index(m);
	invalidate(m);
	return m->n - 1;
}

int ly_map_layer_count(const struct ly_map *m) { return m->n; }

const struct ly_layer *ly_map_layer(const struct ly_map *m, int i) { return i >= 0 && i < m->n ? m->ml[i].l : NULL; }

const struct ly_style *ly_map_style(const struct ly_map *m, int i) { return i >= 0 && i < m->n ? &m->ml[i].st : NULL; }

bool ly_map_set_style(struct ly_map *m, int i, const struct ly_style *style, struct rd_err *err)
{
	if (i < 0 || i >= m->n)
		return rd_err_set(err, "map: no layer %d", i);
	if (!memcmp(&m->ml[i].st, style, sizeof *style))
		return true;
	m->ml[i].st = *style;
	classify(&m->ml[i]);
	invalidate(m);
	return true;
}

bool ly_map_set_values(struct ly_map *m, int i, const char *const *keys, const double *values, int n, int *unmatched,
                       struct rd_err *err)
{
	if (i < 0 || i >= m->n)
		return rd_err_set(err, "map: no layer %d", i);
	struct mlayer *ml = &m->ml[i];
	const struct ly_layer *l = ml->l;
	if (unmatched)
		*unmatched = 0;
	if (n <= 0) {
		if (!ml->live_has)
			return true; /* no values before either: the picture stands */
		free(ml->live_has);
		free(ml->live_val);
		ml->live_has = NULL;
		ml->live_val = NULL;
		classify(ml);
		invalidate(m);
		return true;
	}
	int kf = ly_layer_field_index(l, ml->st.join_field);
	if (kf < 0)
		return rd_err_set(err, "%s: join field \"%s\" not in the layer", l->path, ml->st.join_field);
	size_t nf = (size_t)l->nfeat;
	bool *has = alloc_n(nf, sizeof *has, true);
	double *val = alloc_n(nf, sizeof *val, true);
	if (!has || !val) {
		free(has);
		free(val);
		return rd_err_set(err, "%s: out of memory for the live values of %d features", l->path, l->nfeat);
	}
	for (int k = 0; k < n; k++) {
		bool hit = false;
		for (int f = 0; f < l->nfeat; f++) {
			if (!strcmp(ly_layer_attr(l, f, kf), keys[k])) {
				has[f] = isfinite(values[k]);
				val[f] = values[k];
				hit = true;
			}
		}
		if (!hit && unmatched)
			(*unmatched)++;
	}
	/* the same values again (a frame redrawn for its overlays): the cached picture stands */
	bool same = ml->live_has && memcmp(has, ml->live_has, nf * sizeof *has) == 0 &&
	            memcmp(val, ml->live_val, nf * sizeof *val) == 0;
	free(ml->live_has);
	free(ml->live_val);
	ml->live_has = has;
	ml->live_val = val;
	if (!same) {
		classify(ml);
		invalidate(m);
	}
	return true;
}

/* ---- view ---- */

void ly_map_bbox(const struct ly_map *m, double bbox[4])
{
	bbox[0] = bbox[1] = INFINITY;
	bbox[2] = bbox[3] = -INFINITY;
	for (int i = 0; i < m->n; i++) {
		const double *b = m->ml[i].l->bbox;
		bbox[0] = fmin(bbox[0], b[0]), bbox[1] = fmin(bbox[1], b[1]);
		bbox[2] = fmax(bbox[2], b[2]), bbox[3] = fmax(bbox[3], b[3]);
	}
	if (!m->n)
		bbox[0] = bbox[1] = -1, bbox[2] = bbox[3] = 1;
}

void ly_map_fit(struct ly_map *m, int w, int h, double pad)
{
	double b[4];
	ly_map_bbox(m, b);
	struct ly_view v;
	ly_view_fit(&v, m->proj, w, h, b, pad);
	ly_map_set_view(m, &v);
}

void ly_map_set_view(struct ly_map *m, const struct ly_view *v)
{
	m->view = *v;
	m->view.proj = m->proj;
	m->have_view = true;
}

const struct ly_view *ly_map_view(const struct ly_map *m) { return &m->view; }

void ly_map_set_opaque(struct ly_map *m, bool opaque)
{
	if (m->opaque != opaque) {
		m->opaque = opaque;
		if (m->cache)
			cairo_surface_destroy(m->cache);
		m->cache = NULL;
		invalidate(m);
	}
}

bool ly_map_animated(const struct ly_map *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->ml[i].st.visible && m->ml[i].l->geom == LY_GEOM_POINT && m->ml[i].st.symbol == LY_SYMBOL_PULSE &&
		    !m->ml[i].st.heat)
			return true;
	return false;
}

void ly_map_stats(const struct ly_map *m, struct ly_map_stats *s) { *s = m->stats; }

int ly_map_label_count(const struct ly_map *m) { return m->nplaced; }

bool ly_map_legend_box(const struct ly_map *m, double box[4])
{
	if (m->have_legend)
		memcpy(box, m->legend_box, sizeof m->legend_box);
	return m->have_legend;
}

bool ly_map_label(const struct ly_map *m, int i, struct ly_label_info *info)
{
	if (i < 0 || i >= m->nplaced)
		return false;
	const struct placed *p = &m->placed[i];
	info->text = p->text;
	info->layer = p->layer;
	info->feature = p->feature;
	info->x = p->x;
	info->y = p->y;
	memcpy(info->box, p->box, sizeof p->box);
	return true;
}

bool ly_map_label_point(struct ly_map *m, int layer, int f, double *lon, double *lat)
{
	if (layer < 0 || layer >= m->n || m->ml[layer].l->geom != LY_GEOM_POLYGON || f < 0 || f >= m->ml[layer].l->nfeat)
		return false;
	if (!ly_map_label_points(&m->ml[layer]))
		return false;
	ly_unproject(m->proj, m->ml[layer].lab_x[f], m->ml[layer].lab_y[f], lon, lat);
	return true;
}

/* ---- hit index: a uniform grid of feature bboxes in world units ---- */

/* False (no index) when out of memory. */
static bool build_index(struct ly_map *m)
{
	free_index(m);
	double *g = m->gbox;
	g[0] = g[1] = INFINITY;
	g[2] = g[3] = -INFINITY;
	size_t total = 0;
	for (int i = 0; i < m->n; i++) {
		for (int k = 0; k < 2; k++) {
			g[k] = fmin(g[k], m->ml[i].wbox[k]);
			g[k + 2] = fmax(g[k + 2], m->ml[i].wbox[k + 2]);
		}
		total += (size_t)m->ml[i].l->nfeat;
	}
	int side = (int)ceil(sqrt((double)total)) * 2;
	m->gw = m->gh = side < 4 ? 4 : side > 256 ? 256 : side;
	double cw = (g[2] - g[0]) / m->gw, ch = (g[3] - g[1]) / m->gh;
	if (!(cw > 0))
		cw = 1;
	if (!(ch > 0))
		ch = 1;
	size_t ncell = (size_t)m->gw * (size_t)m->gh;
	int *count = calloc(ncell + 1, sizeof *count);
	if (!count)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < m->n; i++) {
			for (int f = 0; f < m->ml[i].l->nfeat; f++) {
				const double *b = m->ml[i].fbox[f];
				int cx0 = (int)((b[0] - g[0]) / cw), cx1 = (int)((b[2] - g[0]) / cw);
				int cy0 = (int)((b[1] - g[1]) / ch), cy1 = (int)((b[3] - g[1]) / ch);
				cx0 = cx0 < 0 ? 0 : cx0 >= m->gw ? m->gw - 1 : cx0;
				cx1 = cx1 < 0 ? 0 : cx1 >= m->gw ? m->gw - 1 : cx1;
				cy0 = cy0 < 0 ? 0 : cy0 >= m->gh ? m->gh - 1 : cy0;
				cy1 = cy1 < 0 ? 0 : cy1 >= m->gh ? m->gh - 1 : cy1;
				for (int cy = cy0; cy <= cy1; cy++)
					for (int cx = cx0; cx <= cx1; cx++) {
						size_t c = (size_t)cy * (size_t)m->gw + (size_t)cx;
						if (pass == 0)
							count[c + 1]++;
						else
							m->cell_items[m->cell_start[c] + count[c]++] = i << 24 | f;
					}
			}
		}
		if (pass == 0) {
			m->cell_start = malloc((ncell + 1) * sizeof *m->cell_start);
			if (m->cell_start) {
				m->cell_start[0] = 0;
				for (size_t c = 0; c < ncell; c++)
					m->cell_start[c + 1] = m->cell_start[c] + count[c + 1];
				m->cell_items = malloc(((size_t)m->cell_start[ncell] + 1) * sizeof *m->cell_items);
			}
			if (!m->cell_items) {
				free(count);
				free_index(m);
				return false;
			}
			memset(count, 0, (ncell + 1) * sizeof *count);
		}
	}
	free(count);
	m->index_ok = true;
	return true;
}

static double dist_to_line_px(const struct mlayer *ml, int f, double wx, double wy)
{
	const struct ly_layer *l = ml->l;
	const struct ly_feat *ft = &l->feat[f];
	double best = INFINITY;
	for (uint32_t p = 0; p < ft->nparts; p++) {
		const struct ly_part *pt = &l->part[ft->part0 + p];
		for (uint32_t i = 1; i < pt->count; i++) {
			double ax = ml->wx[pt->start + i - 1], ay = ml->wy[pt->start + i - 1];
			double bx = ml->wx[pt->start + i], by = ml->wy[pt->start + i];
			double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
			double t = len2 > 0 ? ((wx - ax) * dx + (wy - ay) * dy) / len2 : 0;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			best = fmin(best, hypot(ax + t * dx - wx, ay + t * dy - wy));
		}
	}
	return best;
}

struct ly_hit_result ly_hit(struct ly_map *m, double x, double y)
{
	struct ly_hit_result r = {-1, -1};
	if (!m->n)
		return r;
	if (!m->index_ok && !build_index(m))
		return r; /* out of memory: nothing hit (ly_map.h) */
	double wx, wy;
	ly_view_to_world(&m->view, x, y, &wx, &wy);
	double scale = m->view.scale;
	double slop = 8 / scale; /* points and lines: a finger's tolerance in world units */
	double cw = (m->gbox[2] - m->gbox[0]) / m->gw, ch = (m->gbox[3] - m->gbox[1]) / m->gh;
	if (!(cw > 0))
		cw = 1;
	if (!(ch > 0))
		ch = 1;
	int best_layer = -1, best_f = -1;
	double best_d = INFINITY;
	/* cells within the slop around the point */
	int cx0 = (int)floor((wx - slop - m->gbox[0]) / cw), cx1 = (int)floor((wx + slop - m->gbox[0]) / cw);
	int cy0 = (int)floor((wy - slop - m->gbox[1]) / ch), cy1 = (int)floor((wy + slop - m->gbox[1]) / ch);
	cx0 = cx0 < 0 ? 0 : cx0, cy0 = cy0 < 0 ? 0 : cy0;
	cx1 = cx1 >= m->gw ? m->gw - 1 : cx1, cy1 = cy1 >= m->gh ? m->gh - 1 : cy1;
	for (int cy = cy0; cy <= cy1; cy++) {
		for (int cx = cx0; cx <= cx1; cx++) {
			size_t c = (size_t)cy * (size_t)m->gw + (size_t)cx;
			for (int k = m->cell_start[c]; k < m->cell_start[c + 1]; k++) {
				int i = m->cell_items[k] >> 24, f = m->cell_items[k] & 0xFFFFFF;
				const struct mlayer *ml = &m->ml[i];
				if (!ml->st.visible || i < best_layer)
					continue;
				const double *b = ml->fbox[f];
				if (wx < b[0] - slop || wx > b[2] + slop || wy < b[1] - slop || wy > b[3] + slop)
					continue;
				const struct ly_layer *l = ml->l;
				double d = INFINITY;
				if (l->geom == LY_GEOM_POLYGON) {
					if (wx >= b[0] && wx <= b[2] && wy >= b[1] && wy <= b[3] &&
					    ly_pip(ml->wx, ml->wy, l->part + l->feat[f].part0, l->feat[f].nparts, wx, wy))
						d = 0;
				} else if (l->geom == LY_GEOM_LINE) {
					d = dist_to_line_px(ml, f, wx, wy);
					if (d > slop)
						d = INFINITY;
				} else {
					const struct ly_feat *ft = &l->feat[f];
					double rad = fmax(ml->st.symbol_size * (m->canvas_h > 0 ? m->canvas_h : m->view.h) / 1080.0 / 2, 8) / scale;
					for (uint32_t p = 0; p < ft->nparts; p++) {
						size_t v = l->part[ft->part0 + p].start;
						double dd = hypot(ml->wx[v] - wx, ml->wy[v] - wy);
						if (dd <= rad)
							d = fmin(d, dd);
					}
				}
				if (d == INFINITY)
					continue;
				if (i > best_layer || d < best_d) {
					best_layer = i;
					best_f = f;
					best_d = d;
				}
			}
		}
	}
	r.layer = best_layer;
	r.feature = best_f;
	return r;
}

/* ---- in-memory point layers ---- */

struct ly_layer *ly_layer_new_points(const char *name, int n, const double *lon, const double *lat,
                                     const char *const *ids)
{
	struct ly_layer *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	n = n < 0 ? 0 : n;
	l->path = strdup(name);
	l->name = strdup(name);
	l->encoding = strdup("UTF-8");
	l->geom = LY_GEOM_POINT;
	l->crs = LY_CRS_WGS84;
	l->max_msg = 1;
	l->nfield = 1;
	l->field_names = calloc(1, sizeof *l->field_names);
	if (l->field_names)
		l->field_names[0] = strdup("id");
	l->feat = alloc_n((size_t)n, sizeof *l->feat, true);
	l->part = alloc_n((size_t)n, sizeof *l->part, true);
	l->attr = alloc_n((size_t)n, sizeof *l->attr, true);
	l->x = alloc_n((size_t)n, sizeof *l->x, true);
	l->y = alloc_n((size_t)n, sizeof *l->y, true);
	if (!l->path || !l->name || !l->encoding || !l->field_names || !l->field_names[0] || !l->feat || !l->part ||
	    !l->attr || !l->x || !l->y)
		goto oom;
	l->bbox[0] = l->bbox[1] = INFINITY;
	l->bbox[2] = l->bbox[3] = -INFINITY;
	for (int i = 0; i < n; i++) {
		if (!isfinite(lon[i]) || !isfinite(lat[i])) {
			l->skipped++;
			continue;
		}
		int k = l->nfeat++;
		l->x[k] = lon[i];
		l->y[k] = lat[i];
		l->part[k] = (struct ly_part){(uint32_t)k, 1};
		l->feat[k] = (struct ly_feat){.record = i, .part0 = (uint32_t)k, .nparts = 1,
		                              .bbox = {lon[i], lat[i], lon[i], lat[i]}};
		if (!(l->attr[k] = strdup(ids && ids[i] ? ids[i] : "")))
			goto oom;
		l->bbox[0] = fmin(l->bbox[0], lon[i]), l->bbox[1] = fmin(l->bbox[1], lat[i]);
		l->bbox[2] = fmax(l->bbox[2], lon[i]), l->bbox[3] = fmax(l->bbox[3], lat[i]);
	}
	l->npt = (size_t)l->nfeat;
	l->npart = (uint32_t)l->nfeat;
	if (!l->nfeat)
		l->bbox[0] = l->bbox[1] = l->bbox[2] = l->bbox[3] = 0;
	return l;
oom:
	if (!l->field_names)
		l->nfield = 0;
	ly_layer_free(l);
	return NULL;
}

void ly_map_set_threads(struct ly_map *m, int threads)
{
	m->threads = threads < 1 ? 1 : threads;
}

void ly_map_set_fast_strokes(struct ly_map *m, bool fast)
{
	if (m->fast_strokes != fast) {
		m->fast_strokes = fast;
		m->dirty = true;
	}
}

void ly_map_set_canvas_height(struct ly_map *m, int canvas_h)
{
	if (m->canvas_h != canvas_h) {
		m->canvas_h = canvas_h;
		m->dirty = true;
	}
}
