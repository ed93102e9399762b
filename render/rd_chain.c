#include <math.h>
#include <stdlib.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_text.h"

enum { NODES_MAX = 64, LINKS_MAX = 256 };

/* Palette entries of the three columns: cyan, violet, green. */
static const size_t stage_color[RD_CHAIN_STAGES] = {0, 5, 3};

struct node {
	size_t src; /* index in chain->nodes */
	int stage;
	struct rd_rect box;
	double in_sum, out_sum, in_at, out_at; /* link weights, and the stacking cursors */
};

struct link {
	struct node *a, *b; /* a's stage < b's stage */
	double w;
};

static int stage_of(const struct rd_chain_node *n)
{
	return n->stage < 0 ? 0 : n->stage >= RD_CHAIN_STAGES ? RD_CHAIN_STAGES - 1 : n->stage;
}

/* Links leave their node in the order of their far end's height, so bands do not cross at
 * the node. */
static int by_far_end(const void *x, const void *y)
{
	const struct link *p = x, *q = y;
	double d = (p->b->box.y - q->b->box.y) + (p->a->box.y - q->a->box.y) * 1e-3;
	return d < 0 ? -1 : d > 0;
}

static void draw_band(cairo_t *cr, const struct link *l, double k, double ya, double yb,
                      struct rd_color ca, struct rd_color cb)
{
	double x0 = l->a->box.x + l->a->box.w, x1 = l->b->box.x, t = fmax(1, l->w * k);
	double xm = (x0 + x1) / 2;
	cairo_new_path(cr);
	cairo_move_to(cr, x0, ya);
	cairo_curve_to(cr, xm, ya, xm, yb, x1, yb);
	cairo_line_to(cr, x1, yb + t);
	cairo_curve_to(cr, xm, yb + t, xm, ya + t, x0, ya + t);
	cairo_close_path(cr);
	cairo_pattern_t *p = cairo_pattern_create_linear(x0, 0, x1, 0);
	cairo_pattern_add_color_stop_rgba(p, 0, ca.r, ca.g, ca.b, 0.55);
	cairo_pattern_add_color_stop_rgba(p, 1, cb.r, cb.g, cb.b, 0.35);
	cairo_set_source(cr, p);
	cairo_fill(cr);
	cairo_pattern_destroy(p);
}

static void draw_node(cairo_t *cr, const struct rd_theme *th, const struct rd_chain *ch,
                      const struct node *n, double px, double u)
{
	const struct rd_color *c = th->colors;
	struct rd_color col = rd_palette(th, stage_color[n->stage]);
	struct rd_rect b = n->box;
	cairo_save(cr);
	cairo_pattern_t *p = cairo_pattern_create_linear(b.x, 0, b.x + b.w, 0);
	struct rd_color f = rd_color_mix(c[RD_BG2], col, 0.35);
	cairo_pattern_add_color_stop_rgba(p, 0, f.r, f.g, f.b, 0.95);
	f = rd_color_mix(c[RD_BG2], col, 0.15);
	cairo_pattern_add_color_stop_rgba(p, 1, f.r, f.g, f.b, 0.95);
	cairo_set_source(cr, p);
	rd_rounded_rect(cr, b, fmin(4 * u, b.h / 4));
	cairo_fill(cr);
	cairo_pattern_destroy(p);
	rd_set_color(cr, rd_color_alpha(col, 0.9));
	cairo_set_line_width(cr, 1);
	rd_rounded_rect(cr, rd_rect_inset(b, 0.5, 0.5), fmin(4 * u, b.h / 4));
	cairo_stroke(cr);
	cairo_rectangle(cr, b.x, b.y + b.h * 0.2, fmax(2, round(3 * u)), b.h * 0.6);
	cairo_fill(cr);
	cairo_restore(cr);

	const struct rd_chain_node *src = &ch->nodes[n->src];
	struct rd_rect in = rd_rect_inset(b, round(px * 0.55), 0);
	struct rd_text_style ns = rd_text_style(th, px, c[RD_TITLE], RD_ALIGN_CENTER);
	ns.bold = true;
	ns.px = rd_text_fit_px(cr, src->name, &ns, in.w, px * 0.8);
	double v = rd_sane(src->value);
	if (b.h >= px * 3 && !isnan(v)) { /* name over value */
		double lh = b.h / 2;
		rd_text_draw(cr, src->name, in.x, in.y + lh * 0.12, in.w, lh, &ns);
		char num[64], unit[64];
		rd_format_value(v, ch->decimals, ch->unit, num, sizeof num, unit, sizeof unit);
		struct rd_text_style vs = rd_text_style(th, px, c[RD_VALUE], RD_ALIGN_CENTER);
		vs.bold = true;
		rd_draw_value_unit(cr, num, unit, &vs, c[RD_TEXT_DIM],
		                   (struct rd_rect){in.x, in.y + lh * 0.88, in.w, lh * 0.9});
	} else {
		rd_text_draw(cr, src->name, in.x, in.y, in.w, in.h, &ns);
	}
}

void rd_chain_draw(cairo_t *cr, const struct rd_theme *th, struct rd_rect r,
                   const struct rd_chain *ch, int canvas_h)
{
	if (!ch || r.w < 8 || r.h < 8)
		return;
	const struct rd_color *c = th->colors;
	double u = rd_unit(canvas_h), px = rd_theme_px(th, RD_SIZE_BODY, canvas_h);
	static const char *const titles[RD_CHAIN_STAGES] = {"上游", "中游", "下游"};

	/* Columns: three boxes' widths, bands in the two gaps. */
	double bw = round(r.w * (r.w > r.h * 1.6 ? 0.2 : 0.25));
	double colx[RD_CHAIN_STAGES] = {r.x, round(r.x + (r.w - bw) / 2), r.x + r.w - bw};
	double title_h = ceil(px * 1.9), vgap = round(px * 0.6);
	if (r.h < title_h * 2.5)
		return;
	struct rd_text_style ts = rd_text_style(th, px, c[RD_TITLE], RD_ALIGN_CENTER);
	ts.bold = true;
	for (int s = 0; s < RD_CHAIN_STAGES; s++) {
		const char *t = ch->stage_titles[s] ? ch->stage_titles[s] : titles[s];
		struct rd_color col = rd_palette(th, stage_color[s]);
		rd_draw_badge(cr, (struct rd_rect){colx[s] + bw * 0.15, r.y, bw * 0.7, title_h - 2},
		              rd_color_alpha(col, 0.35), t, &ts);
	}
	struct rd_rect area = {r.x, r.y + title_h + vgap, r.w, r.h - title_h - vgap};

	/* Nodes per column, as many as fit at 1.6 text heights each. */
	struct node nodes[NODES_MAX];
	size_t nn = 0, count[RD_CHAIN_STAGES] = {0};
	size_t total = ch->nodes ? ch->node_count : 0;
	double min_h = ceil(px * 1.6);
	size_t fit = (size_t)fmax(0, floor((area.h + vgap) / (min_h + vgap)));
	for (size_t i = 0; i < total && nn < NODES_MAX; i++) {
		int s = stage_of(&ch->nodes[i]);
		if (count[s] < fit)
			nodes[nn++] = (struct node){.src = i, .stage = s}, count[s]++;
	}
	if (nn == 0) {
		rd_draw_no_data(cr, th, area, canvas_h);
		return;
	}
	size_t seen[RD_CHAIN_STAGES] = {0};
	for (size_t i = 0; i < nn; i++) {
		int s = nodes[i].stage;
		/* Spread over the height (up to a box's height apart), so the bands can curve. */
		double k = (double)count[s];
		double bh = floor(fmin(px * 3.6, (area.h - (k - 1) * vgap) / k));
		double step = fmin(area.h / k, bh * 2), used = (k - 1) * step + bh;
		double y = round(area.y + (area.h - used) / 2 + seen[s]++ * step);
		nodes[i].box = (struct rd_rect){colx[s], y, bw, bh};
	}

	/* Links between kept nodes of different stages, weighted. */
	struct link links[LINKS_MAX];
	size_t nl = 0;
	for (size_t i = 0; ch->links && i < ch->link_count && nl < LINKS_MAX; i++) {
		const struct rd_chain_link *l = &ch->links[i];
		struct node *a = NULL, *b = NULL;
		for (size_t k = 0; k < nn; k++) {
			if (nodes[k].src == l->from)
				a = &nodes[k];
			if (nodes[k].src == l->to)
				b = &nodes[k];
		}
		if (!a || !b || a->stage == b->stage)
			continue;
		if (a->stage > b->stage) {
			struct node *t = a;
			a = b, b = t;
		}
		double w = rd_sane(l->value);
		if (isnan(w) || w <= 0) {
			double va = rd_sane(ch->nodes[a->src].value),
			       vb = rd_sane(ch->nodes[b->src].value);
			w = fmin(isnan(va) ? 0 : va, isnan(vb) ? 0 : vb);
		}
		w = fmax(w, 0);
		links[nl++] = (struct link){a, b, w};
		a->out_sum += w;
		b->in_sum += w;
	}
	/* One scale for all bands: the busiest node edge is filled to 80 %. */
	double k = INFINITY, wmax = 0;
	for (size_t i = 0; i < nn; i++) {
		double busiest = fmax(nodes[i].in_sum, nodes[i].out_sum);
		if (busiest > 0)
			k = fmin(k, nodes[i].box.h * 0.8 / busiest);
	}
	for (size_t i = 0; i < nl; i++)
		wmax = fmax(wmax, links[i].w);
	if (!isfinite(k) || wmax <= 0)
		k = 0;
	for (size_t i = 0; i < nn; i++) {
		struct rd_rect b = nodes[i].box;
		nodes[i].out_at = b.y + (b.h - nodes[i].out_sum * k) / 2;
		nodes[i].in_at = b.y + (b.h - nodes[i].in_sum * k) / 2;
	}
	qsort(links, nl, sizeof links[0], by_far_end);
	cairo_save(cr);
	for (size_t i = 0; i < nl; i++) {
		struct link *l = &links[i];
		double t = l->w * k;
		draw_band(cr, l, k, l->a->out_at, l->b->in_at,
		          rd_palette(th, stage_color[l->a->stage]),
		          rd_palette(th, stage_color[l->b->stage]));
		l->a->out_at += t;
		l->b->in_at += t;
	}
	cairo_restore(cr);
	double npx = fmin(px, min_h / 1.4);
	for (size_t i = 0; i < nn; i++)
		draw_node(cr, th, ch, &nodes[i], npx, u);
}
