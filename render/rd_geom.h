#pragma once
/* Rectangles in pixels and the scene grid: panels are placed in grid cells and scaled from the
 * canvas size, so one scene file fits 1920x1080, 3840x2160 and a 7680x2160 spliced wall. */
#include <stdbool.h>

struct rd_rect {
	double x, y, w, h;
};

/* Integer rectangle (damage, uploads). */
struct rd_irect {
	int x, y, w, h;
};

struct rd_grid {
	int cols, rows;
	double gap; /* between cells, in units of the canvas height / 1080 */
};

/* The pixel rectangle of cells [col, col+colspan) x [row, row+rowspan) of grid laid over area,
 * with edges on whole pixels so neighbouring panels never overlap or leave seams. */
struct rd_rect rd_grid_cell(const struct rd_grid *grid, struct rd_rect area, double unit, int col,
                            int row, int colspan, int rowspan);

/* Scale unit of a canvas: 1.0 at 1080 px high, 2.0 at 2160. */
double rd_unit(int canvas_h);

struct rd_rect rd_rect_inset(struct rd_rect r, double dx, double dy);
bool rd_irect_intersect(struct rd_irect a, struct rd_irect b, struct rd_irect *out);
struct rd_irect rd_irect_union(struct rd_irect a, struct rd_irect b);
/* Smallest integer rectangle holding r. */
struct rd_irect rd_rect_outer(struct rd_rect r);
