/* A KPI card bound to one metric of metrics.json. When the value changes the number rolls
 * from the old value to the new one (ROLL_S seconds, easing out), the way a counter board
 * turns; the first value shown does not roll. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cw_panel.h"
#include "rd_format.h"
#include "rd_widgets.h"

static const double roll_s = 1.2, roll_fps = 30;

struct kpi_state {
	bool has;
	double from, target; /* the roll goes from -> target */
	double t0;           /* when it started (Unix s); 0: no roll */
};

static const struct pr_metric *metric(const struct cw_panel *p, const struct cw_panel_ctx *c)
{
	return c->snap && c->snap->has_metrics ? pr_metrics_find(&c->snap->metrics, p->def->metric)
	                                       : NULL;
}

static bool rolling(const struct kpi_state *s, double now)
{
	return s->t0 > 0 && now >= s->t0 && now < s->t0 + roll_s;
}

/* The value on screen at now: rolls advance in roll_fps steps, so a key changes per step. */
static double shown_value(const struct kpi_state *s, double now)
{
	if (!rolling(s, now))
		return s->target;
	double t = (floor(now * roll_fps) / roll_fps - s->t0) / roll_s;
	t = t < 0 ? 0 : t;
	double e = 1 - pow(1 - t, 3);
	return s->from + (s->target - s->from) * e;
}

/* Follows the metric: a new value starts a roll from what is on screen now. */
static void follow(struct kpi_state *s, const struct pr_metric *pm, double now)
{
	if (!pm)
		return;
	if (!s->has) {
		*s = (struct kpi_state){.has = true, .from = pm->value, .target = pm->value};
	} else if (pm->value != s->target) {
		s->from = shown_value(s, now);
		s->target = pm->value;
		s->t0 = now;
	}
}

static void kpi_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)c;
	p->state = calloc(1, sizeof(struct kpi_state));
	if (!p->state)
		abort();
}

static void kpi_finish(struct cw_panel *p)
{
	free(p->state);
}

static uint64_t kpi_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct kpi_state *s = p->state;
	const struct pr_metric *pm = metric(p, c);
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	if (!pm)
		return cw_hash_str(h, "no data");
	follow(s, pm, c->now);
	struct pr_metric m = *pm;
	m.value = shown_value(s, c->now);
	return cw_hash(h, &m, sizeof m);
}

static void kpi_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct kpi_state *s = p->state;
	const struct pr_metric *pm = metric(p, c);
	char num[48], unit[48];
	struct rd_kpi k = {.label = p->def->title[0] ? p->def->title : p->def->metric,
	                   .value = "--",
	                   .unit = "",
	                   .corner = c->stale_corner};
	if (pm) {
		follow(s, pm, c->now);
		rd_format_value(shown_value(s, c->now), pm->decimals, pm->unit, num, sizeof num, unit,
		                sizeof unit);
		if (!p->def->title[0])
			k.label = pm->label;
		k.value = num;
		k.unit = unit;
		k.has_change = pm->has_change;
		k.change_pct = pm->change_pct;
		k.change_label = pm->change_label;
		k.higher_is_better = pm->higher_is_better;
		k.history = pm->history;
		k.history_len = pm->history_len;
	}
	rd_kpi_card(cr, c->theme, p->rect, &k, c->scale_h);
}

static double kpi_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct kpi_state *s = p->state;
	if (!rolling(s, c->now))
		return 0;
	return (floor(c->now * roll_fps) + 1) / roll_fps;
}

const struct cw_panel_kind cw_panel_kpi = {.name = "kpi",
                                           .init = kpi_init,
                                           .key = kpi_key,
                                           .draw = kpi_draw,
                                           .next_change = kpi_next,
                                           .finish = kpi_finish};
