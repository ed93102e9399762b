#include <math.h>

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

void rd_table_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_table *t, int canvas_h)
{
	if (!t || !t->columns || t->column_count == 0 || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	struct metrics m = metrics(th, r, canvas_h);
	size_t nc = t->column_count < COLUMNS_MAX ? t->column_count : COLUMNS_MAX;
	size_t nr = t->cells ? (t->row_count < ROWS_MAX ? t->row_count : ROWS_MAX) : 0;
	double cx[COLUMNS_MAX], cw[COLUMNS_MAX], sum = 0;
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
		double s = isfinite(t->scroll) ? fmod(t->scroll, (double)nr) : 0;
		if (s < 0)
			s += nr;
		size_t first = (size_t)floor(s) % nr;
		double off = round((s - floor(s)) * m.row_h);
		for (int j = 0; j <= m.visible; j++)
			draw_row(cr, th, t, cx, cw, nc, (first + (size_t)j) % nr,
			         body.y + j * m.row_h - off, m.row_h, &m);
	}
	cairo_restore(cr);
}
