#include <string.h>

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
	switch (type) {
	case CW_PANEL_KPI:
		return &cw_panel_kpi;
	case CW_PANEL_MAP:
		return &cw_panel_map;
	}
	return &cw_panel_kpi;
}
