#include <math.h>

#include "rd_geom.h"

double rd_unit(int canvas_h)
{
	return canvas_h / 1080.0;
}

struct rd_rect rd_grid_cell(const struct rd_grid *g, struct rd_rect area, double unit, int col,
                            int row, int colspan, int rowspan)
{
	double gap = round(g->gap * unit);
	double cw = (area.w - gap * (g->cols - 1)) / g->cols;
	double ch = (area.h - gap * (g->rows - 1)) / g->rows;
	double x0 = round(area.x + col * (cw + gap));
	double y0 = round(area.y + row * (ch + gap));
	double x1 = round(area.x + (col + colspan) * (cw + gap) - gap);
	double y1 = round(area.y + (row + rowspan) * (ch + gap) - gap);
	return (struct rd_rect){x0, y0, x1 - x0, y1 - y0};
}

struct rd_rect rd_rect_inset(struct rd_rect r, double dx, double dy)
{
	return (struct rd_rect){r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy};
}

bool rd_irect_intersect(struct rd_irect a, struct rd_irect b, struct rd_irect *out)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	if (x1 <= x0 || y1 <= y0)
		return false;
	*out = (struct rd_irect){x0, y0, x1 - x0, y1 - y0};
	return true;
}

struct rd_irect rd_irect_union(struct rd_irect a, struct rd_irect b)
{
	if (a.w <= 0 || a.h <= 0)
		return b;
	if (b.w <= 0 || b.h <= 0)
		return a;
	int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
	int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
	return (struct rd_irect){x0, y0, x1 - x0, y1 - y0};
}

struct rd_irect rd_rect_outer(struct rd_rect r)
{
	int x0 = (int)floor(r.x), y0 = (int)floor(r.y);
	int x1 = (int)ceil(r.x + r.w), y1 = (int)ceil(r.y + r.h);
	return (struct rd_irect){x0, y0, x1 - x0, y1 - y0};
}
