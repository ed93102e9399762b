#include <math.h>
#include <string.h>

#include "rd_surface.h"
#include "cw_panel.h"

uint64_t cw_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

uint64_t cw_hash_str(uint64_t h, const char *s)
{
	return cw_hash(h, s, strlen(s) + 1);
}

const char *cw_panel_title_text(const struct cw_panel *p)
{
	return p->def && p->def->title[0] ? p->def->title : NULL;
}

const struct cw_panel_kind *cw_panel_kind_of(enum cw_panel_type type)
{
	static const struct cw_panel_kind *const kinds[CW_PANEL_TYPE_COUNT] = {
	    [CW_PANEL_KPI] = &cw_panel_kpi,         [CW_PANEL_MAP] = &cw_panel_map,
	    [CW_PANEL_TREND] = &cw_panel_trend,     [CW_PANEL_GAUGE] = &cw_panel_gauge,
	    [CW_PANEL_BARS] = &cw_panel_bars,       [CW_PANEL_RING] = &cw_panel_ring,
	    [CW_PANEL_RANK] = &cw_panel_rank,       [CW_PANEL_PROJECTS] = &cw_panel_projects,
	    [CW_PANEL_CHAIN] = &cw_panel_chain,     [CW_PANEL_TABLE] = &cw_panel_table,
	    [CW_PANEL_STATS] = &cw_panel_stats,     [CW_PANEL_ALERTS] = &cw_panel_alerts,
	    [CW_PANEL_DUTY] = &cw_panel_duty};
	return (unsigned)type < CW_PANEL_TYPE_COUNT ? kinds[type] : &cw_panel_kpi;
}

unsigned cw_panel_sources(const struct cw_panel *p)
{
	if (!p->def)
		return p->kind == &cw_panel_ticker ? 1u << CW_SRC_ALERTS : 0;
	switch (p->def->type) {
	case CW_PANEL_KPI:
	case CW_PANEL_TREND:
	case CW_PANEL_GAUGE:
		return 1u << CW_SRC_METRICS;
	case CW_PANEL_MAP: {
		unsigned o = p->def->overlays, src = 1u << CW_SRC_DISTRICTS;
		if (o & (CW_OVERLAY_ALERTS | CW_OVERLAY_FLOWS))
			src |= 1u << CW_SRC_ALERTS;
		if (o & (CW_OVERLAY_EVENTS | CW_OVERLAY_HEAT | CW_OVERLAY_GRID | CW_OVERLAY_FLOWS))
			src |= 1u << CW_SRC_EVENTS;
		return src;
	}
	case CW_PANEL_BARS:
	case CW_PANEL_RING:
	case CW_PANEL_RANK:
	case CW_PANEL_PROJECTS:
	case CW_PANEL_CHAIN:
		return 1u << CW_SRC_INDUSTRY;
	case CW_PANEL_TABLE:
	case CW_PANEL_STATS:
		return 1u << CW_SRC_EVENTS;
	case CW_PANEL_ALERTS:
	case CW_PANEL_DUTY:
		return 1u << CW_SRC_ALERTS;
	case CW_PANEL_TYPE_COUNT:
		break;
	}
	return 0;
}

bool cw_panel_device_box(const struct cw_panel *p, cairo_t *cr, struct rd_irect *box)
{
	cairo_surface_t *t = cairo_get_target(cr);
	if (cairo_get_group_target(cr) != t || cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE)
		return false;
	cairo_format_t fmt = cairo_image_surface_get_format(t);
	if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
		return false;
	double ox, oy;
	cairo_surface_get_device_offset(t, &ox, &oy);
	cairo_matrix_t m;
	cairo_get_matrix(cr, &m);
	if (ox != 0 || oy != 0 || m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 ||
	    m.x0 != floor(m.x0) || m.y0 != floor(m.y0))
		return false;
	struct rd_irect r = rd_rect_outer(p->rect);
	r.x += (int)m.x0, r.y += (int)m.y0;
	struct rd_irect all = {0, 0, cairo_image_surface_get_width(t),
	                       cairo_image_surface_get_height(t)};
	return rd_irect_intersect(r, all, box);
}

void cw_still_take(struct cw_still *s, const struct cw_panel *p, cairo_t *cr, uint64_t key)
{
	struct rd_irect box;
	s->target = NULL;
	if (!cw_panel_device_box(p, cr, &box))
		return;
	cairo_surface_t *t = cairo_get_target(cr);
	cairo_format_t fmt = cairo_image_surface_get_format(t);
	if (s->pic && (cairo_image_surface_get_width(s->pic) != box.w ||
	               cairo_image_surface_get_height(s->pic) != box.h ||
	               cairo_image_surface_get_format(s->pic) != fmt)) {
		cairo_surface_destroy(s->pic);
		s->pic = NULL;
	}
	if (!s->pic)
		s->pic = rd_surface_new(fmt, box.w, box.h);
	cairo_surface_flush(t);
	cairo_t *c2 = cairo_create(s->pic);
	cairo_set_source_surface(c2, t, -box.x, -box.y);
	cairo_set_operator(c2, CAIRO_OPERATOR_SOURCE);
	cairo_paint(c2);
	bool ok = cairo_status(c2) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(c2);
	s->box = box;
	s->key = key;
	s->target = ok ? t : NULL;
}

bool cw_still_usable(const struct cw_still *s, const struct cw_panel *p, cairo_t *cr,
                     uint64_t key)
{
	struct rd_irect box;
	return s->pic && s->target && s->target == cairo_get_target(cr) && s->key == key &&
	       cw_panel_device_box(p, cr, &box) && memcmp(&box, &s->box, sizeof box) == 0;
}

void cw_still_put(const struct cw_still *s, cairo_t *cr, struct rd_irect clip)
{
	cairo_save(cr);
	cairo_rectangle(cr, clip.x, clip.y, clip.w, clip.h);
	cairo_clip(cr);
	cairo_identity_matrix(cr);
	cairo_set_source_surface(cr, s->pic, s->box.x, s->box.y);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_restore(cr);
}

void cw_still_forget(struct cw_still *s)
{
	s->target = NULL;
}

void cw_still_free(struct cw_still *s)
{
	if (s->pic)
		cairo_surface_destroy(s->pic);
	*s = (struct cw_still){0};
}
