/* A KPI card bound to one metric of metrics.json. */
#include "cw_panel.h"
#include "rd_format.h"
#include "rd_widgets.h"

static const struct pr_metric *metric(const struct cw_panel *p, const struct cw_panel_ctx *c)
{
	return c->snap && c->snap->has_metrics ? pr_metrics_find(&c->snap->metrics, p->def->metric)
	                                       : NULL;
}

static uint64_t kpi_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	const struct pr_metric *pm = metric(p, c);
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	return pm ? cw_hash(h, pm, sizeof *pm) : cw_hash_str(h, "no data");
}

static void kpi_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	const struct pr_metric *pm = metric(p, c);
	char num[48], unit[48];
	struct rd_kpi k = {.label = p->def->title[0] ? p->def->title : p->def->metric,
	                   .value = "--",
	                   .unit = ""};
	if (pm) {
		rd_format_value(pm->value, pm->decimals, pm->unit, num, sizeof num, unit, sizeof unit);
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

const struct cw_panel_kind cw_panel_kpi = {.name = "kpi", .key = kpi_key, .draw = kpi_draw};
