#include <math.h>
#include <string.h>

#include "rd_theme.h"

static const char *const role_names[RD_ROLE_COUNT] = {
	[RD_BG] = "bg",
	[RD_BG2] = "bg2",
	[RD_PANEL] = "panel",
	[RD_PANEL_BORDER] = "panel_border",
	[RD_PANEL_TITLE] = "panel_title",
	[RD_ACCENT] = "accent",
	[RD_ACCENT2] = "accent2",
	[RD_TITLE] = "title",
	[RD_TEXT] = "text",
	[RD_TEXT_DIM] = "text_dim",
	[RD_VALUE] = "value",
	[RD_GOOD] = "good",
	[RD_BAD] = "bad",
	[RD_GRID] = "grid",
	[RD_MAP_FILL] = "map_fill",
	[RD_MAP_STROKE] = "map_stroke",
	[RD_MAP_LABEL] = "map_label",
	[RD_MAP_HALO] = "map_halo",
};

static const char *const size_names[RD_SIZE_COUNT] = {
	[RD_SIZE_TITLE] = "title",
	[RD_SIZE_HEADER] = "header",
	[RD_SIZE_PANEL_TITLE] = "panel_title",
	[RD_SIZE_KPI_VALUE] = "kpi_value",
	[RD_SIZE_KPI_LABEL] = "kpi_label",
	[RD_SIZE_BODY] = "body",
	[RD_SIZE_SMALL] = "small",
	[RD_SIZE_MAP_LABEL] = "map_label",
};

const char *rd_role_name(enum rd_role role)
{
	return role < RD_ROLE_COUNT ? role_names[role] : "?";
}

const char *rd_size_name(enum rd_size size)
{
	return size < RD_SIZE_COUNT ? size_names[size] : "?";
}

const struct rd_ramp *rd_theme_ramp(const struct rd_theme *theme, const char *name)
{
	for (int i = 0; i < theme->ramp_count; i++)
		if (strcmp(theme->ramps[i].name, name) == 0)
			return &theme->ramps[i];
	return NULL;
}

struct rd_color rd_ramp_at(const struct rd_ramp *ramp, double t)
{
	if (ramp->n <= 0)
		return (struct rd_color){0, 0, 0, 1};
	if (ramp->n == 1 || !(t > 0))
		return ramp->stops[0];
	if (t >= 1)
		return ramp->stops[ramp->n - 1];
	double pos = t * (ramp->n - 1);
	int i = (int)floor(pos);
	double f = pos - i;
	const struct rd_color *a = &ramp->stops[i], *b = &ramp->stops[i + 1];
	return (struct rd_color){a->r + (b->r - a->r) * f, a->g + (b->g - a->g) * f,
	                         a->b + (b->b - a->b) * f, a->a + (b->a - a->a) * f};
}

double rd_theme_px(const struct rd_theme *theme, enum rd_size size, int canvas_h)
{
	double px = theme->sizes[size] * canvas_h;
	return px < 9 ? 9 : px;
}

static struct rd_color hex(unsigned rgb, double a)
{
	return (struct rd_color){((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
	                         (rgb & 0xff) / 255.0, a};
}

void rd_theme_default(struct rd_theme *t)
{
	memset(t, 0, sizeof *t);
	strcpy(t->name, "dark");
	strcpy(t->font_family, "Noto Sans CJK SC");
	t->colors[RD_BG] = hex(0x061a3a, 1);
	t->colors[RD_BG2] = hex(0x020b1f, 1);
	t->colors[RD_PANEL] = hex(0x0b2a5c, 0.55);
	t->colors[RD_PANEL_BORDER] = hex(0x1f5fa8, 0.9);
	t->colors[RD_PANEL_TITLE] = hex(0x1456a6, 0.85);
	t->colors[RD_ACCENT] = hex(0x3fd0ff, 1);
	t->colors[RD_ACCENT2] = hex(0x1e7bff, 1);
	t->colors[RD_TITLE] = hex(0xe8f6ff, 1);
	t->colors[RD_TEXT] = hex(0xd6e6ff, 1);
	t->colors[RD_TEXT_DIM] = hex(0x8fb2dd, 1);
	t->colors[RD_VALUE] = hex(0x5fe3ff, 1);
	t->colors[RD_GOOD] = hex(0x3ddc97, 1);
	t->colors[RD_BAD] = hex(0xff6b5a, 1);
	t->colors[RD_GRID] = hex(0x2a4f86, 0.6);
	t->colors[RD_MAP_FILL] = hex(0x134a8c, 1);
	t->colors[RD_MAP_STROKE] = hex(0x7fd4ff, 1);
	t->colors[RD_MAP_LABEL] = hex(0xffffff, 1);
	t->colors[RD_MAP_HALO] = hex(0x04132e, 0.85);
	t->grade[0] = hex(0xff3b3b, 1);
	t->grade[1] = hex(0xff8c1a, 1);
	t->grade[2] = hex(0xffd21f, 1);
	t->grade[3] = hex(0x2f8cff, 1);
	const double sizes[RD_SIZE_COUNT] = {0.036, 0.016, 0.0165, 0.040, 0.0155, 0.0135, 0.0115, 0.013};
	memcpy(t->sizes, sizes, sizeof sizes);
	t->ramp_count = 2;
	strcpy(t->ramps[0].name, "blue_orange");
	t->ramps[0].n = 5;
	t->ramps[0].stops[0] = hex(0x123f7a, 1);
	t->ramps[0].stops[1] = hex(0x1f78c8, 1);
	t->ramps[0].stops[2] = hex(0x3fb7e8, 1);
	t->ramps[0].stops[3] = hex(0xf6b25a, 1);
	t->ramps[0].stops[4] = hex(0xf0643c, 1);
	strcpy(t->ramps[1].name, "heat");
	t->ramps[1].n = 4;
	t->ramps[1].stops[0] = hex(0x1e7bff, 0);
	t->ramps[1].stops[1] = hex(0x3fd0ff, 0.6);
	t->ramps[1].stops[2] = hex(0xffd21f, 0.8);
	t->ramps[1].stops[3] = hex(0xff3b3b, 0.9);
}
