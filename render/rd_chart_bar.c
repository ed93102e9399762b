#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_i18n.h"
#include "rd_text.h"

enum { MAX_BARS = 500 };

/* How category labels fit under their bars, tried in this order. */
enum label_mode { ONE_LINE, TWO_LINES, SLANTED };

struct labels {
	enum label_mode mode;
	double px, h, len; /* text size, height of the label row, slanted: text length */
	size_t every;      /* draw every n-th label */
};

static const double SLANT = M_PI / 4;

/* Neighbouring slanted labels sit slot * sin apart across their baselines: keep every n-th
 * so they are a line apart. */
static size_t slant_every(double px, double slot)
{
	return (size_t)fmax(1, ceil(px * 1.3 / (slot * sin(SLANT))));
}

static bool ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* The width of the widest word of text that must not break: space-separated words of
 * Latin letters ("Equipment"); CJK runs break anywhere and count 0. */
static double longest_word(cairo_t *cr, const char *text, const struct rd_text_style *st)
{
	if (!text)
		return 0;
	double widest = 0;
	char word[128];
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		if (len > 0 && len < sizeof word && ascii(p, len)) {
			memcpy(word, p, len);
			word[len] = '\0';
			double w;
			rd_text_size(cr, word, st, &w, NULL);
			widest = fmax(widest, w);
		}
		p += len + (p[len] == ' ');
	}
	return widest;
}

static struct labels fit_labels(cairo_t *cr, const struct rd_theme *th,
                                const struct rd_bar_chart *ch, size_t n, double slot, double r_h,
                                double px)
{
	struct rd_text_style st = rd_text_style(th, px, th->colors[RD_TEXT], RD_ALIGN_CENTER);
	double widest = 0, widest_word = 0; /* as drawn: translated (draw_label) */
	for (size_t i = 0; i < n; i++) {
		double w;
		const char *text = rd_tr(ch->items[i].label);
		rd_text_size(cr, text, &st, &w, NULL);
		widest = fmax(widest, w);
		widest_word = fmax(widest_word, longest_word(cr, text, &st));
	}
	struct labels l = {.mode = ONE_LINE, .px = px, .h = ceil(px * 1.5), .every = 1};
	double room = slot * 0.94;
	if (widest <= room)
		return l;
	/* Shrink a little first: a 5-character name in a 4.5-character slot. */
	if (widest * 0.85 <= room) {
		l.px = px * room / widest;
		return l;
	}
	/* Two lines when CJK names break in the middle (each line needs two characters), or
	 * words at a space: each word must fit a line, if need be a little smaller. */
	double k = widest_word > room ? room / widest_word : 1;
	if (room >= px * 2 && k >= 0.8 && widest * k <= room * 1.85 && r_h > px * 12) {
		l.mode = TWO_LINES;
		l.px = px * k;
		l.h = ceil(l.px * 2.8);
		return l;
	}
	l.mode = SLANTED;
	l.len = fmin(widest, fmax(px * 2, (r_h * 0.3 - px) / sin(SLANT)));
	l.h = ceil(l.len * sin(SLANT) + px * 1.2);
	l.every = slant_every(px, slot);
	return l;
}

/* text with a line break after the middle character ("新能源\n汽车"), so two-line labels
 * come out even instead of one character on the second line. */
static const char *balanced(const char *text, char *buf, size_t size)
{
	if (!text || strchr(text, '\n') || strchr(text, ' ') || strlen(text) + 2 > size ||
	    ascii(text, strlen(text)))
		return text; /* words (a translation) wrap at their spaces, a word stays whole */
	size_t chars = 0, i = 0, cut = 0;
	for (const char *p = text; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (chars < 3) /* "家电" stays whole: a line of one character is no balance */
		return text;
	for (size_t seen = 0; text[i]; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80 && seen++ == (chars + 1) / 2)
			cut = i;
	}
	if (!cut)
		return text;
	memcpy(buf, text, cut);
	buf[cut] = '\n';
	strcpy(buf + cut + 1, text + cut);
	return buf;
}

static void draw_label(cairo_t *cr, const struct rd_theme *th, const struct labels *l,
                       const char *text, double cx, double y, double slot)
{
	struct rd_text_style st = rd_text_style(th, l->px, th->colors[RD_TEXT], RD_ALIGN_CENTER);
	text = rd_tr(text);
	if (l->mode != SLANTED) {
		char two[256];
		if (l->mode == TWO_LINES)
			text = balanced(text, two, sizeof two);
		st.max_lines = l->mode == TWO_LINES ? 2 : 1;
		st.valign = RD_VALIGN_TOP;
		double w = slot * 0.96;
		rd_text_draw(cr, text, cx - w / 2, y, w, l->h, &st);
		return;
	}
	/* Slanted 45 degrees down to the left, ending under the bar's center. */
	st.align = RD_ALIGN_RIGHT;
	double lh = ceil(l->px * 1.3);
	cairo_save(cr);
	cairo_translate(cr, cx + l->px * 0.35, y + l->px * 0.2);
	cairo_rotate(cr, -SLANT);
	rd_text_draw(cr, text, -l->len, 0, l->len, lh, &st);
	cairo_restore(cr);
}

static double color_distance(struct rd_color a, struct rd_color b)
{
	return fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b);
}

/* The growth line: the yellow grade, unless the theme's bars are (nearly) that color too, as
 * in the high-contrast theme; then its "good" color, else its title color. */
static struct rd_color growth_color(const struct rd_theme *th)
{
	const struct rd_color cand[3] = {th->grade[2], th->colors[RD_GOOD], th->colors[RD_TITLE]};
	const struct rd_color *c = th->colors;
	for (int i = 0; i < 3; i++)
		if (color_distance(cand[i], c[RD_ACCENT]) > 0.6 &&
		    color_distance(cand[i], c[RD_ACCENT2]) > 0.6)
			return cand[i];
	return th->grade[2];
}

void rd_bar_chart_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                       const struct rd_bar_chart *ch, int canvas_h)
{
	if (!ch || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_SMALL, canvas_h);
	size_t n = ch->items ? (ch->count < MAX_BARS ? ch->count : MAX_BARS) : 0;
	double lo = 0, hi = 0, glo = 0, ghi = 0;
	bool growth = false;
	for (size_t i = 0; i < n; i++) {
		double v = rd_sane(ch->items[i].value), g = rd_sane(ch->items[i].growth_pct);
		if (!isnan(v))
			lo = fmin(lo, v), hi = fmax(hi, v);
		if (!isnan(g))
			glo = fmin(glo, g), ghi = fmax(ghi, g), growth = true;
	}
	struct rd_color bar_c = c[RD_ACCENT], growth_c = growth_color(th);
	struct rd_legend_item legend[2];
	size_t nl = 0;
	if (ch->value_name && *ch->value_name)
		legend[nl++] = (struct rd_legend_item){ch->value_name, bar_c, NULL};
	if (growth && ch->growth_name && *ch->growth_name)
		legend[nl++] = (struct rd_legend_item){ch->growth_name, growth_c, NULL};

	char unit[64];
	double div = rd_unit_scale(fmax(fabs(lo), fabs(hi)), ch->unit, unit, sizeof unit);
	double top = rd_chart_top_row(cr, th, r, unit, growth ? "%" : NULL, legend, nl, canvas_h);

	/* Value labels need a line over the tallest bar. */
	double vlh = ceil(px * 1.3), gap = round(px * 0.5);
	double plot_top = r.y + top + vlh + ceil(px * 0.3);
	double est_plot_h = r.y + r.h - plot_top - px * 2;
	int max_ticks = (int)fmax(1, fmin(5, floor(est_plot_h / (px * 2.6))));
	struct rd_axis axis = rd_axis_make(lo, hi, max_ticks, div);
	struct rd_axis gaxis = rd_axis_make(glo, ghi, axis.n, 1);
	gaxis.n = axis.n; /* the same grid: stretch the growth axis to the value axis's ticks */
	struct rd_text_style ys = rd_text_style(th, px, c[RD_TEXT_DIM], RD_ALIGN_RIGHT);
	struct rd_text_style gs = ys;
	gs.align = RD_ALIGN_LEFT;
	double ylw = fmin(rd_axis_label_width(cr, &axis, &ys), r.w * 0.2);
	double glw = growth ? fmin(rd_axis_label_width(cr, &gaxis, &gs), r.w * 0.15) : 0;
	double left = ylw + gap, right = growth ? glw + gap : 0;
	double slot = (r.w - left - right) / (n ? n : 1);
	struct labels lab = fit_labels(cr, th, ch, n, slot, r.h, px);
	if (lab.mode == SLANTED) { /* the first label reaches left past its bar */
		left = fmax(left, ceil(lab.len * cos(SLANT) + px * 0.5 - slot / 2));
		right = fmax(right, ceil(px * 1.3 - slot / 2)); /* and the last one right of it */
		slot = (r.w - left - right) / (n ? n : 1);
		lab.every = slant_every(px, slot);
	}
	struct rd_rect plot = {r.x + left, plot_top, r.w - left - right,
	                       r.y + r.h - lab.h - gap - plot_top};
	if (plot.h < px * 2 || plot.w < px * 2)
		return;
	rd_axis_draw(cr, th, &axis, plot, r.x, ylw, &ys, true);
	if (growth)
		rd_axis_draw(cr, th, &gaxis, plot, plot.x + plot.w + gap, glw, &gs, false);
	if (n == 0) {
		rd_draw_no_data(cr, th, plot, canvas_h);
		return;
	}

	/* Value labels: one size for all, skipped when even small digits do not fit a slot. */
	struct rd_text_style vs = rd_text_style(th, px, c[RD_TITLE], RD_ALIGN_CENTER);
	int vdec = div > 1 ? 1 : ch->decimals;
	double vpx = px;
	for (size_t i = 0; i < n; i++) {
		char buf[64];
		rd_format_grouped(rd_sane(ch->items[i].value) / div, vdec, buf, sizeof buf);
		double w;
		rd_text_size(cr, buf, &vs, &w, NULL);
		vpx = fmin(vpx, w > 0 ? px * slot * 0.96 / w : px);
	}
	bool values = vpx >= fmax(9, px * 0.7);
	vs.px = vpx;

	double y0 = rd_axis_y(&axis, plot.y, plot.h, 0);
	double bw = fmax(1, round(fmin(slot * 0.55, 34 * u)));
	cairo_save(cr);
	for (size_t i = 0; i < n; i++) {
		double v = rd_sane(ch->items[i].value), cx = plot.x + slot * (i + 0.5);
		if (i % lab.every == 0)
			draw_label(cr, th, &lab, ch->items[i].label, cx, plot.y + plot.h + gap,
			           slot);
		if (isnan(v))
			continue;
		double y = rd_axis_y(&axis, plot.y, plot.h, v);
		double x = round(cx - bw / 2), yt = round(fmin(y, y0)), yb = round(fmax(y, y0));
		cairo_pattern_t *g = cairo_pattern_create_linear(0, yt, 0, yb);
		double a0 = v >= 0 ? 1 : 0.25, a1 = v >= 0 ? 0.25 : 1;
		cairo_pattern_add_color_stop_rgba(g, 0, bar_c.r, bar_c.g, bar_c.b, a0);
		cairo_pattern_add_color_stop_rgba(g, 1, c[RD_ACCENT2].r, c[RD_ACCENT2].g,
		                                  c[RD_ACCENT2].b, a1);
		cairo_set_source(cr, g);
		cairo_rectangle(cr, x, yt, bw, yb - yt);
		cairo_fill(cr);
		cairo_pattern_destroy(g);
		/* A bright cap at the value's end. */
		rd_set_color(cr, c[RD_TITLE]);
		cairo_rectangle(cr, x, v >= 0 ? yt : yb - fmax(1, round(2 * u)), bw,
		                fmax(1, round(2 * u)));
		cairo_fill(cr);
	}
	if (growth) {
		double lw = fmax(1.5, 2 * u);
		bool pen = false;
		for (size_t i = 0; i < n; i++) {
			double g = rd_sane(ch->items[i].growth_pct), cx = plot.x + slot * (i + 0.5);
			if (isnan(g)) {
				pen = false;
				continue;
			}
			double y = rd_axis_y(&gaxis, plot.y, plot.h, g);
			if (pen)
				cairo_line_to(cr, cx, y);
			else
				cairo_move_to(cr, cx, y);
			pen = true;
		}
		rd_set_color(cr, growth_c);
		cairo_set_line_width(cr, lw);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
		for (size_t i = 0; i < n; i++) {
			double g = rd_sane(ch->items[i].growth_pct);
			if (isnan(g))
				continue;
			cairo_new_sub_path(cr);
			cairo_arc(cr, plot.x + slot * (i + 0.5),
			          rd_axis_y(&gaxis, plot.y, plot.h, g), 3 * u, 0, 2 * M_PI);
		}
		rd_set_color(cr, c[RD_BG2]);
		cairo_fill_preserve(cr);
		rd_set_color(cr, growth_c);
		cairo_set_line_width(cr, fmax(1, 1.5 * u));
		cairo_stroke(cr);
	}
	/* Value labels last, over the growth line. */
	for (size_t i = 0; values && i < n; i++) {
		double v = rd_sane(ch->items[i].value), cx = plot.x + slot * (i + 0.5);
		if (isnan(v))
			continue;
		char buf[64];
		rd_format_grouped(v / div, vdec, buf, sizeof buf);
		double yt = round(fmin(rd_axis_y(&axis, plot.y, plot.h, v), y0));
		double yb = round(fmax(rd_axis_y(&axis, plot.y, plot.h, v), y0));
		double ly = v >= 0 ? yt - vlh : fmin(yb, plot.y + plot.h - vlh);
		rd_text_draw(cr, buf, cx - slot * 0.48, ly, slot * 0.96, vlh, &vs);
	}
	cairo_restore(cr);
}
