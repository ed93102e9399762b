#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rd_surface.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_text.h"

enum { COLUMNS_MAX = 16, ROWS_MAX = 100000 };

struct metrics {
	double px, head_h, row_h; /* text size; header and body row heights, whole pixels */
	int visible;
};

static struct metrics metrics(const struct rd_theme *th, struct rd_rect r, int canvas_h)
{
	struct metrics m = {.px = rd_theme_px(th, RD_SIZE_BODY, canvas_h)};
	/* A header and at least one row: shrink the text for very short tables. */
	if (m.px * 4.4 > r.h)
		m.px = fmax(fmin(9, m.px), r.h / 4.4);
	m.head_h = round(m.px * 2.0);
	double body_h = r.h - m.head_h, want = round(m.px * 2.3);
	m.visible = body_h >= want ? (int)floor(body_h / want) : 0;
	m.row_h = m.visible ? floor(body_h / m.visible) : want;
	return m;
}

int rd_table_visible_rows(const struct rd_theme *th, struct rd_rect r, int canvas_h)
{
	return metrics(th, r, canvas_h).visible;
}

static void draw_row(cairo_t *cr, const struct rd_theme *th, const struct rd_table *t,
                     const double *cx, const double *cw, size_t nc, size_t row, double y, double h,
                     const struct metrics *m)
{
	struct rd_text_style st = rd_text_style(th, m->px, th->colors[RD_TEXT], RD_ALIGN_LEFT);
	if (row % 2 == 1) {
		rd_set_color(cr, rd_color_alpha(th->colors[RD_PANEL_TITLE], 0.18));
		cairo_rectangle(cr, cx[0], y, cx[nc - 1] + cw[nc - 1] - cx[0], h);
		cairo_fill(cr);
	}
	for (size_t k = 0; k < nc; k++) {
		size_t i = row * t->column_count + k;
		st.align = t->columns[k].align;
		st.color = t->cell_colors && t->cell_colors[i].a > 0 ? t->cell_colors[i]
		                                                     : th->colors[RD_TEXT];
		double pad = round(m->px * 0.45), w = cw[k] - 2 * pad;
		/* Narrow columns shrink their text a little before it ends in "…". */
		st.px = m->px;
		st.px = rd_text_fit_px(cr, t->cells[i], &st, w, m->px * 0.8);
		rd_text_draw(cr, t->cells[i], cx[k] + pad, y, w, h, &st);
	}
}

/* The columns' left edges and widths, whole pixels; returns how many. */
static size_t columns(const struct rd_table *t, struct rd_rect r, double *cx, double *cw)
{
	size_t nc = t->column_count < COLUMNS_MAX ? t->column_count : COLUMNS_MAX;
	double sum = 0;
	for (size_t k = 0; k < nc; k++) {
		double w = t->columns[k].weight;
		sum += isfinite(w) && w > 0 && w < 1e6 ? w : 1;
	}
	double x = r.x;
	for (size_t k = 0; k < nc; k++) {
		double w = t->columns[k].weight;
		w = isfinite(w) && w > 0 && w < 1e6 ? w : 1;
		cx[k] = round(x);
		x += r.w * w / sum;
		cw[k] = round(x) - cx[k];
	}
	return nc;
}

/* The first row and the whole-pixel offset a scroll position shows (nr > 0). */
static size_t scroll_first(double scroll, size_t nr, double row_h, double *off)
{
	double s = isfinite(scroll) ? fmod(scroll, (double)nr) : 0;
	if (s < 0)
		s += nr;
	*off = round((s - floor(s)) * row_h);
	return (size_t)floor(s) % nr;
}

void rd_table_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_table *t, int canvas_h)
{
	if (!t || !t->columns || t->column_count == 0 || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	struct metrics m = metrics(th, r, canvas_h);
	double cx[COLUMNS_MAX], cw[COLUMNS_MAX];
	size_t nc = columns(t, r, cx, cw);
	size_t nr = t->cells ? (t->row_count < ROWS_MAX ? t->row_count : ROWS_MAX) : 0;

	/* Header. */
	cairo_save(cr);
	rd_set_color(cr, rd_color_alpha(c[RD_PANEL_TITLE], 0.6));
	cairo_rectangle(cr, r.x, r.y, r.w, m.head_h);
	cairo_fill(cr);
	rd_set_color(cr, rd_color_alpha(c[RD_ACCENT], 0.6));
	cairo_rectangle(cr, r.x, r.y + m.head_h - 1, r.w, 1);
	cairo_fill(cr);
	cairo_restore(cr);
	struct rd_text_style hs = rd_text_style(th, m.px, c[RD_ACCENT], RD_ALIGN_LEFT);
	hs.bold = true;
	for (size_t k = 0; k < nc; k++) {
		double pad = round(m.px * 0.45), w = cw[k] - 2 * pad;
		hs.align = t->columns[k].align;
		hs.px = m.px;
		hs.px = rd_text_fit_px(cr, t->columns[k].title, &hs, w, m.px * 0.8);
		rd_text_draw(cr, t->columns[k].title, cx[k] + pad, r.y, w, m.head_h, &hs);
	}

	struct rd_rect body = {r.x, r.y + m.head_h, r.w, r.h - m.head_h};
	if (nr == 0) {
		rd_draw_no_data(cr, th, body, canvas_h);
		return;
	}
	if (m.visible == 0)
		return;
	cairo_save(cr);
	cairo_rectangle(cr, body.x, body.y, body.w, body.h);
	cairo_clip(cr);
	if (nr <= (size_t)m.visible) {
		for (size_t i = 0; i < nr; i++)
			draw_row(cr, th, t, cx, cw, nc, i, body.y + i * m.row_h, m.row_h, &m);
	} else {
		/* Scrolling: rows wrap around; the fraction moves them by whole pixels. */
		double off;
		size_t first = scroll_first(t->scroll, nr, m.row_h, &off);
		for (int j = 0; j <= m.visible; j++)
			draw_row(cr, th, t, cx, cw, nc, (first + (size_t)j) % nr,
			         body.y + j * m.row_h - off, m.row_h, &m);
	}
	cairo_restore(cr);
}

struct rd_rect rd_table_body(const struct rd_theme *th, struct rd_rect r, int canvas_h)
{
	struct metrics m = metrics(th, r, canvas_h);
	return (struct rd_rect){r.x, r.y + m.head_h, r.w, r.h - m.head_h};
}

struct rd_table_cache {
	cairo_surface_t *rows; /* ARGB32: rows first..first+visible at rest, transparent between */
	int ox, oy;            /* its top-left corner, device pixels */
	uint64_t rows_key;
	size_t first;
	struct rd_rect r;
	int canvas_h;
	double dx, dy; /* the device offset it was made for */
};

void rd_table_cache_free(struct rd_table_cache *c)
{
	if (!c)
		return;
	if (c->rows)
		cairo_surface_destroy(c->rows);
	free(c);
}

/* The carousel moved on by one row: the picture moves up a row (whole pixels, the body's
 * top on a pixel edge) and only the new last row is drawn. */
static void shift_rows(struct rd_table_cache *c, const struct rd_theme *th,
                       const struct rd_table *t, const double *cx, const double *cw, size_t nc,
                       size_t nr, const struct metrics *m, struct rd_rect body, double dy)
{
	int rh = (int)m->row_h, h = cairo_image_surface_get_height(c->rows);
	int stride = cairo_image_surface_get_stride(c->rows);
	if (rh < 1 || rh >= h)
		return;
	cairo_surface_flush(c->rows);
	unsigned char *px = cairo_image_surface_get_data(c->rows);
	memmove(px, px + (size_t)rh * stride, (size_t)(h - rh) * stride);
	memset(px + (size_t)(h - rh) * stride, 0, (size_t)rh * stride);
	cairo_surface_mark_dirty(c->rows);
	c->first = (c->first + 1) % nr;
	cairo_t *rc = cairo_create(c->rows);
	cairo_translate(rc, c->dx - c->ox, dy - c->oy);
	cairo_rectangle(rc, body.x, body.y + m->visible * m->row_h, body.w, m->row_h);
	cairo_clip(rc);
	draw_row(rc, th, t, cx, cw, nc, (c->first + (size_t)m->visible) % nr,
	         body.y + m->visible * m->row_h, m->row_h, m);
	cairo_destroy(rc);
	cairo_surface_flush(c->rows);
}

bool rd_table_draw_body_cached(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                               const struct rd_table *t, int canvas_h, uint64_t rows_key,
                               struct rd_table_cache **cache)
{
	if (!cache || !t || !t->columns || t->column_count == 0 || !t->cells || r.w < 8 || r.h < 8)
		return false;
	struct metrics m = metrics(th, r, canvas_h);
	size_t nr = t->row_count < ROWS_MAX ? t->row_count : ROWS_MAX;
	if (m.visible == 0 || nr <= (size_t)m.visible)
		return false;
	cairo_matrix_t mx;
	cairo_get_matrix(cr, &mx);
	if (mx.xx != 1 || mx.yy != 1 || mx.xy != 0 || mx.yx != 0 || mx.x0 != floor(mx.x0) ||
	    mx.y0 != floor(mx.y0))
		return false;
	double cx[COLUMNS_MAX], cw[COLUMNS_MAX];
	size_t nc = columns(t, r, cx, cw);
	struct rd_rect body = {r.x, r.y + m.head_h, r.w, r.h - m.head_h};
	double off;
	size_t first = scroll_first(t->scroll, nr, m.row_h, &off);
	struct rd_table_cache *c = *cache;
	bool same = c && c->rows && c->rows_key == rows_key && c->canvas_h == canvas_h &&
	            memcmp(&c->r, &r, sizeof r) == 0 && c->dx == mx.x0 && c->dy == mx.y0;
	double top = body.y + mx.y0;
	if (same && c->first != first && first == (c->first + 1) % nr && top == floor(top))
		shift_rows(c, th, t, cx, cw, nc, nr, &m, body, mx.y0);
	if (!same || c->first != first) {
		if (!c) {
			c = calloc(1, sizeof *c);
			if (!c)
				return false;
			*cache = c;
		}
		if (c->rows)
			cairo_surface_destroy(c->rows);
		/* the rows at rest, in device pixels: the same pixel grid as cr's target */
		double left = body.x + mx.x0;
		c->ox = (int)floor(left), c->oy = (int)floor(top);
		int w = (int)ceil(left + body.w) - c->ox;
		int h = (int)ceil(top + (m.visible + 1) * m.row_h) - c->oy;
		c->rows = rd_surface_new(CAIRO_FORMAT_ARGB32, w, h);
		c->rows_key = rows_key, c->first = first, c->r = r, c->canvas_h = canvas_h;
		c->dx = mx.x0, c->dy = mx.y0;
		if (cairo_surface_status(c->rows) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(c->rows);
			c->rows = NULL;
			return false;
		}
		cairo_t *rc = cairo_create(c->rows);
		cairo_translate(rc, mx.x0 - c->ox, mx.y0 - c->oy);
		for (int j = 0; j <= m.visible; j++)
			draw_row(rc, th, t, cx, cw, nc, (first + (size_t)j) % nr, body.y + j * m.row_h,
			         m.row_h, &m);
		cairo_destroy(rc);
		cairo_surface_flush(c->rows);
	}
	cairo_save(cr);
	cairo_rectangle(cr, body.x, body.y, body.w, body.h);
	cairo_clip(cr);
	cairo_set_source_surface(cr, c->rows, c->ox - mx.x0, c->oy - mx.y0 - off);
	cairo_paint(cr);
	cairo_restore(cr);
	return true;
}
