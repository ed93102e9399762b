/* The industry panorama's panels (产业发展全景图), all drawn from the snapshot's industry data
 * (pr_industry.h): bars and ring of output by sector, the ranking of key enterprises, the
 * investment projects' progress and the chain diagram. What each binds to is in
 * docs/scenes.md. The scene loader does not know these names, so each kind checks its bind
 * when it is set up and says once on stderr when it is unknown; such a panel, like one
 * without industry data, draws its frame and the empty state. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cw_panel.h"
#include "rd_i18n.h"
#include "pr_err.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_format.h"
#include "rd_widgets.h"

enum { ITEMS_MAX = 32 }; /* >= PR_SECTORS_MAX, PR_ENTERPRISES_MAX, PR_PROJECTS_MAX */

/* What a bind string selects. */
enum source {
	SRC_UNKNOWN,
	SRC_SECTOR_OUTPUT,
	SRC_SECTOR_GROWTH,
	SRC_ENTERPRISES,
	SRC_PROJECTS,
	SRC_CHAIN /* the chain named by the bind; "" the first */
};

struct binding {
	const char *bind;
	enum source src;
	const char *title; /* when the scene gives none */
};

static const struct binding bars_binds[] = {
    {"industry.sectors.output", SRC_SECTOR_OUTPUT, "重点产业产值"},
    {"industry.sectors.growth", SRC_SECTOR_GROWTH, "重点产业产值增速"},
    {NULL, SRC_UNKNOWN, NULL}};
static const struct binding ring_binds[] = {
    {"industry.sectors.output", SRC_SECTOR_OUTPUT, "产业产值构成"}, {NULL, SRC_UNKNOWN, NULL}};
static const struct binding rank_binds[] = {
    {"industry.enterprises", SRC_ENTERPRISES, "重点企业产值排行"}, {NULL, SRC_UNKNOWN, NULL}};
static const struct binding projects_binds[] = {
    {"industry.projects", SRC_PROJECTS, "重大招商项目进度"},
    {"", SRC_PROJECTS, "重大招商项目进度"},
    {NULL, SRC_UNKNOWN, NULL}};

struct ind_state {
	enum source src;
	const char *title; /* default title */
	bool warned;       /* chain: an unknown id was reported */
};

static struct ind_state *state(struct cw_panel *p)
{
	return p->state;
}

static void new_state(struct cw_panel *p, enum source src, const char *title)
{
	struct ind_state *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->src = src;
	s->title = title;
	p->state = s;
}

/* Looks the bind up in table; an unknown one is reported with the known ones. */
static void init_bound(struct cw_panel *p, const struct cw_panel_ctx *c,
                       const struct binding *table)
{
	for (const struct binding *b = table; b->bind; b++) {
		if (strcmp(p->def->bind, b->bind) == 0) {
			new_state(p, b->src, b->title);
			return;
		}
	}
	char known[256] = "";
	size_t len = 0;
	for (const struct binding *b = table; b->bind && len < sizeof known; b++) {
		if (!*b->bind)
			continue;
		pr_fmt(known + len, sizeof known - len, "%s%s", len ? ", " : "", b->bind);
		len += strlen(known + len);
	}
	fprintf(stderr, "cbwall: scene %s: %s: bind \"%s\": unknown (known: %s)\n", c->scene->name,
	        p->def->id, p->def->bind, known);
	new_state(p, SRC_UNKNOWN, table[0].title);
}

static void bars_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	init_bound(p, c, bars_binds);
}

static void ring_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	init_bound(p, c, ring_binds);
}

static void rank_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	init_bound(p, c, rank_binds);
}

static void projects_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	init_bound(p, c, projects_binds);
}

/* Chain ids are data: the bind is checked against the chains of the first snapshot that has
 * industry data (ind_data), and an unknown one is reported then. */
static void chain_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)c;
	new_state(p, SRC_CHAIN, "产业链图谱");
}

static void ind_finish(struct cw_panel *p)
{
	free(p->state);
	p->state = NULL;
}

/* ---- what a panel shows ---- */

/* The data a panel draws: the industry, the items in display order, the chain. */
struct view {
	const struct pr_industry *ind; /* NULL: the empty state */
	const struct pr_chain *chain;  /* SRC_CHAIN */
	size_t n;
	size_t idx[ITEMS_MAX]; /* indexes into the source array, in display order */
};

static const struct pr_chain *find_chain(const struct pr_industry *ind, const char *id)
{
	if (!*id)
		return ind->chain_count ? &ind->chains[0] : NULL;
	for (size_t i = 0; i < ind->chain_count; i++)
		if (strcmp(ind->chains[i].id, id) == 0)
			return &ind->chains[i];
	return NULL;
}

static void report_chain(struct cw_panel *p, const struct cw_panel_ctx *c,
                         const struct pr_industry *ind)
{
	struct ind_state *s = state(p);
	if (s->warned)
		return;
	s->warned = true;
	char known[256] = "";
	size_t len = 0;
	for (size_t i = 0; i < ind->chain_count && len < sizeof known; i++) {
		pr_fmt(known + len, sizeof known - len, "%s%s", len ? ", " : "", ind->chains[i].id);
		len += strlen(known + len);
	}
	fprintf(stderr, "cbwall: scene %s: %s: bind \"%s\": unknown (known: %s)\n", c->scene->name,
	        p->def->id, p->def->bind, ind->chain_count ? known : "no chains in the data");
}

/* Sorts idx[0..n) by key descending, NaN last, ties in data order (stable). */
static void sort_desc(size_t *idx, size_t n, const double *key)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		double kv = isnan(key[v]) ? -INFINITY : key[v];
		while (j > 0 && (isnan(key[idx[j - 1]]) ? -INFINITY : key[idx[j - 1]]) < kv) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

/* The rows a panel shows at most: the scene's rows, else all. */
static size_t cap_rows(const struct cw_panel *p, size_t n)
{
	return p->def->rows > 0 && (size_t)p->def->rows < n ? (size_t)p->def->rows : n;
}

static bool ind_data(struct cw_panel *p, const struct cw_panel_ctx *c, struct view *v)
{
	struct ind_state *s = state(p);
	memset(v, 0, sizeof *v);
	if (!s || s->src == SRC_UNKNOWN || !c->snap || !c->snap->has_industry)
		return false;
	const struct pr_industry *ind = &c->snap->industry;
	double key[ITEMS_MAX];
	size_t n = 0;
	switch (s->src) {
	case SRC_SECTOR_OUTPUT:
	case SRC_SECTOR_GROWTH:
		n = ind->sector_count < ITEMS_MAX ? ind->sector_count : ITEMS_MAX;
		for (size_t i = 0; i < n; i++)
			key[i] = s->src == SRC_SECTOR_OUTPUT ? ind->sectors[i].output
			                                     : ind->sectors[i].growth_pct;
		break;
	case SRC_ENTERPRISES:
		n = ind->enterprise_count < ITEMS_MAX ? ind->enterprise_count : ITEMS_MAX;
		for (size_t i = 0; i < n; i++)
			key[i] = ind->enterprises[i].output;
		break;
	case SRC_PROJECTS:
		n = ind->project_count < ITEMS_MAX ? ind->project_count : ITEMS_MAX;
		for (size_t i = 0; i < n; i++)
			key[i] = ind->projects[i].investment;
		break;
	case SRC_CHAIN:
		v->chain = find_chain(ind, p->def->bind);
		if (!v->chain) {
			if (*p->def->bind)
				report_chain(p, c, ind);
			return false;
		}
		v->ind = ind;
		return true;
	case SRC_UNKNOWN:
		return false;
	}
	for (size_t i = 0; i < n; i++)
		v->idx[i] = i;
	sort_desc(v->idx, n, key);
	v->n = n;
	v->ind = ind;
	return true;
}

static uint64_t hash_num(uint64_t h, double v)
{
	return cw_hash(h, &v, sizeof v);
}

/* Everything the panel draws, item by item (strings up to their NUL, so the bytes after it
 * never count). */
static uint64_t ind_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct view v;
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->kind->name);
	h = cw_hash_str(h, p->def->id);
	int size[2] = {(int)p->rect.w, (int)p->rect.h};
	h = cw_hash(h, size, sizeof size);
	if (!ind_data(p, c, &v))
		return cw_hash_str(h, "no data");
	const struct pr_industry *ind = v.ind;
	h = cw_hash_str(h, ind->unit);
	h = cw_hash(h, &v.n, sizeof v.n);
	for (size_t k = 0; k < v.n; k++) {
		size_t i = v.idx[k];
		switch (state(p)->src) {
		case SRC_SECTOR_OUTPUT:
		case SRC_SECTOR_GROWTH:
			h = cw_hash_str(h, ind->sectors[i].name);
			h = hash_num(hash_num(h, ind->sectors[i].output), ind->sectors[i].growth_pct);
			break;
		case SRC_ENTERPRISES:
			h = cw_hash_str(h, ind->enterprises[i].name);
			h = hash_num(hash_num(h, ind->enterprises[i].output),
			             ind->enterprises[i].growth_pct);
			break;
		case SRC_PROJECTS:
			h = cw_hash_str(h, ind->projects[i].name);
			h = hash_num(hash_num(h, ind->projects[i].investment), ind->projects[i].progress_pct);
			h = cw_hash(h, &ind->projects[i].phase, sizeof ind->projects[i].phase);
			break;
		default:
			break;
		}
	}
	if (v.chain) {
		const struct pr_chain *ch = v.chain;
		h = cw_hash_str(cw_hash_str(h, ch->id), ch->name);
		h = hash_num(hash_num(h, ch->output), ch->growth_pct);
		for (size_t i = 0; i < ch->node_count; i++) {
			h = cw_hash_str(cw_hash_str(h, ch->nodes[i].id), ch->nodes[i].name);
			h = hash_num(h, ch->nodes[i].output);
			h = cw_hash(h, &ch->nodes[i].stage, sizeof ch->nodes[i].stage);
		}
		for (size_t i = 0; i < ch->link_count; i++)
			h = cw_hash_str(cw_hash_str(h, ch->links[i].from), ch->links[i].to);
	}
	return h;
}

/* The frame with the scene's title (or the kind's own); returns the content rectangle. */
static struct rd_rect frame(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                            const char *title)
{
	const char *t = p->def->title[0] ? p->def->title : title;
	return rd_panel_frame(cr, c->theme, p->rect, t, c->scale_h);
}

/* The frame and "暂无数据" when there is nothing to show; returns whether it drew them. */
static bool draw_empty(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                       const struct view *v)
{
	if (v->ind)
		return false;
	struct ind_state *s = state(p);
	struct rd_rect in = frame(p, cr, c, s ? s->title : NULL);
	rd_draw_no_data(cr, c->theme, in, c->scale_h);
	return true;
}

/* ---- bars: output or growth by sector ---- */

static void bars_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct view v;
	ind_data(p, c, &v);
	if (draw_empty(p, cr, c, &v))
		return;
	bool growth = state(p)->src == SRC_SECTOR_GROWTH;
	struct rd_bar_item items[ITEMS_MAX];
	size_t n = cap_rows(p, v.n);
	for (size_t k = 0; k < n; k++) {
		const struct pr_sector *s = &v.ind->sectors[v.idx[k]];
		items[k] = (struct rd_bar_item){s->name, growth ? s->growth_pct : s->output,
		                                growth ? NAN : s->growth_pct};
	}
	struct rd_bar_chart chart = {.items = items,
	                             .count = n,
	                             .unit = growth ? "%" : v.ind->unit,
	                             .decimals = growth ? 1 : 0,
	                             .value_name = growth ? "同比增速" : "产值",
	                             .growth_name = "同比增速"};
	struct rd_rect in = frame(p, cr, c, state(p)->title);
	rd_bar_chart_draw(cr, c->theme, in, &chart, c->scale_h);
}

/* ---- ring: share of output by sector ---- */

static void ring_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct view v;
	ind_data(p, c, &v);
	if (draw_empty(p, cr, c, &v))
		return;
	struct rd_ring_item items[ITEMS_MAX];
	size_t n = 0;
	for (size_t k = 0; k < v.n; k++) {
		const struct pr_sector *s = &v.ind->sectors[v.idx[k]];
		double out = isfinite(s->output) && s->output > 0 ? s->output : 0;
		if (p->def->rows > 1 && n == (size_t)p->def->rows) {
			/* rows slices at most: the smallest merged into "其他" */
			items[n - 1].label = "其他";
			items[n - 1].value += out;
			continue;
		}
		items[n++] = (struct rd_ring_item){s->name, out};
	}
	struct rd_ring_chart chart = {.items = items,
	                              .count = n,
	                              .center_label = "总产值",
	                              .unit = v.ind->unit,
	                              .decimals = 1};
	struct rd_rect in = frame(p, cr, c, state(p)->title);
	rd_ring_chart_draw(cr, c->theme, in, &chart, c->scale_h);
}

/* ---- rank: key enterprises by output, with growth ---- */

static void rank_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct view v;
	ind_data(p, c, &v);
	if (draw_empty(p, cr, c, &v))
		return;
	struct rd_rank_item items[ITEMS_MAX];
	double growth[ITEMS_MAX];
	for (size_t k = 0; k < v.n; k++) {
		const struct pr_enterprise *e = &v.ind->enterprises[v.idx[k]];
		items[k] = (struct rd_rank_item){e->name, e->output};
		growth[k] = e->growth_pct;
	}
	struct rd_rank_list list = {.items = items,
	                            .count = v.n,
	                            .unit = v.ind->unit,
	                            .decimals = 1,
	                            .max_rows = (size_t)(p->def->rows > 0 ? p->def->rows : 0),
	                            .growth_pct = growth};
	struct rd_rect in = frame(p, cr, c, state(p)->title);
	rd_rank_draw(cr, c->theme, in, &list, c->scale_h);
}

/* ---- projects: investment projects with their progress ---- */

static struct rd_color phase_color(const struct rd_theme *th, enum pr_project_phase ph)
{
	switch (ph) {
	case PR_PHASE_SIGNED:
		return rd_palette(th, 5); /* violet */
	case PR_PHASE_STARTED:
		return th->grade[2]; /* yellow */
	case PR_PHASE_BUILDING:
		return th->colors[RD_ACCENT];
	case PR_PHASE_PRODUCING:
		return th->colors[RD_GOOD];
	}
	return th->colors[RD_ACCENT];
}

static void projects_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct view v;
	ind_data(p, c, &v);
	if (draw_empty(p, cr, c, &v))
		return;
	struct rd_progress_item items[ITEMS_MAX];
	char status[ITEMS_MAX][96];
	size_t n = cap_rows(p, v.n);
	for (size_t k = 0; k < n; k++) {
		const struct pr_project *pj = &v.ind->projects[v.idx[k]];
		char num[48], unit[48];
		double inv = pj->investment;
		rd_format_value(inv, isfinite(inv) && inv == round(inv) ? 0 : 1, v.ind->unit, num,
		                sizeof num, unit, sizeof unit);
		pr_fmt(status[k], sizeof status[k], "%s%s · %s", num, unit,
		       rd_tr(pr_project_phase_label(pj->phase)));
		items[k] = (struct rd_progress_item){pj->name, pj->progress_pct, status[k],
		                                     phase_color(c->theme, pj->phase)};
	}
	struct rd_rect in = frame(p, cr, c, state(p)->title);
	rd_progress_draw(cr, c->theme, in, items, n, c->scale_h);
}

/* ---- chain: upstream -> midstream -> downstream ---- */

static void chain_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct view v;
	ind_data(p, c, &v);
	if (draw_empty(p, cr, c, &v))
		return;
	const struct pr_chain *ch = v.chain;
	struct rd_chain_node nodes[PR_CHAIN_NODES_MAX];
	struct rd_chain_link links[PR_CHAIN_LINKS_MAX];
	size_t nn = ch->node_count < PR_CHAIN_NODES_MAX ? ch->node_count : PR_CHAIN_NODES_MAX;
	size_t nl = 0;
	for (size_t i = 0; i < nn; i++)
		nodes[i] = (struct rd_chain_node){ch->nodes[i].name, ch->nodes[i].output,
		                                  (int)ch->nodes[i].stage};
	/* Links by node id; a band is as wide as the smaller of its two nodes' output. */
	for (size_t i = 0; i < ch->link_count && i < PR_CHAIN_LINKS_MAX; i++) {
		size_t a = nn, b = nn;
		for (size_t k = 0; k < nn; k++) {
			if (strcmp(ch->nodes[k].id, ch->links[i].from) == 0)
				a = k;
			if (strcmp(ch->nodes[k].id, ch->links[i].to) == 0)
				b = k;
		}
		if (a < nn && b < nn)
			links[nl++] = (struct rd_chain_link){a, b, NAN};
	}
	struct rd_chain chain = {.nodes = nodes,
	                         .node_count = nn,
	                         .links = links,
	                         .link_count = nl,
	                         .unit = v.ind->unit,
	                         .decimals = 1};
	/* The title says which chain, its output and growth: "新能源汽车产业链 · 3,225.2亿元 ▲24.4%". */
	char title[192], num[48], unit[48];
	rd_format_value(ch->output, 1, v.ind->unit, num, sizeof num, unit, sizeof unit);
	if (isfinite(ch->growth_pct))
		pr_fmt(title, sizeof title, rd_tr("%s产业链 · 产值 %s%s · 同比 %s%.1f%%"), rd_tr(ch->name), num, unit,
		       ch->growth_pct >= 0 ? "+" : "", ch->growth_pct);
	else
		pr_fmt(title, sizeof title, rd_tr("%s产业链 · 产值 %s%s"), rd_tr(ch->name), num, unit);
	struct rd_rect in = frame(p, cr, c, title);
	rd_chain_draw(cr, c->theme, in, &chain, c->scale_h);
}

const struct cw_panel_kind cw_panel_bars = {.name = "bars",
                                            .init = bars_init,
                                            .key = ind_key,
                                            .draw = bars_draw,
                                            .finish = ind_finish};
const struct cw_panel_kind cw_panel_ring = {.name = "ring",
                                            .init = ring_init,
                                            .key = ind_key,
                                            .draw = ring_draw,
                                            .finish = ind_finish};
const struct cw_panel_kind cw_panel_rank = {.name = "rank",
                                            .init = rank_init,
                                            .key = ind_key,
                                            .draw = rank_draw,
                                            .finish = ind_finish};
const struct cw_panel_kind cw_panel_projects = {.name = "projects",
                                                .init = projects_init,
                                                .key = ind_key,
                                                .draw = projects_draw,
                                                .finish = ind_finish};
const struct cw_panel_kind cw_panel_chain = {.name = "chain",
                                             .init = chain_init,
                                             .key = ind_key,
                                             .draw = chain_draw,
                                             .finish = ind_finish};
