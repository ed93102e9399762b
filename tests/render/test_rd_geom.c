#include <math.h>

#include <criterion/criterion.h>

#include "rd_damage.h"
#include "rd_geom.h"

Test(grid, cells_tile_the_area_without_overlap_at_every_size)
{
	struct rd_grid g = {.cols = 24, .rows = 12, .gap = 14};
	const int sizes[][2] = {{1920, 1080}, {3840, 2160}, {7680, 2160}, {1080, 1920}, {1366, 768}};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		double u = rd_unit(sizes[s][1]);
		struct rd_rect area = {16 * u, 100, sizes[s][0] - 32 * u, sizes[s][1] - 116};
		for (int c = 0; c + 1 < g.cols; c++) {
			struct rd_rect a = rd_grid_cell(&g, area, u, c, 0, 1, 1);
			struct rd_rect b = rd_grid_cell(&g, area, u, c + 1, 0, 1, 1);
			cr_assert_eq(a.x, (double)(long)a.x, "edges on whole pixels");
			cr_assert_eq(b.x - (a.x + a.w), round(14 * u), "gap between columns %d and %d", c,
			             c + 1);
		}
		struct rd_rect all = rd_grid_cell(&g, area, u, 0, 0, g.cols, g.rows);
		cr_assert_float_eq(all.x, round(area.x), 1e-9);
		cr_assert_float_eq(all.x + all.w, round(area.x + area.w), 1e-9);
		cr_assert_float_eq(all.y + all.h, round(area.y + area.h), 1e-9);
	}
}

Test(grid, scales_with_the_canvas)
{
	struct rd_grid g = {.cols = 24, .rows = 12, .gap = 14};
	struct rd_rect a1 = rd_grid_cell(&g, (struct rd_rect){0, 0, 1920, 1080}, 1, 3, 2, 5, 4);
	struct rd_rect a2 = rd_grid_cell(&g, (struct rd_rect){0, 0, 3840, 2160}, 2, 3, 2, 5, 4);
	cr_assert(fabs(a2.x - 2 * a1.x) <= 1 && fabs(a2.w - 2 * a1.w) <= 1);
	cr_assert(fabs(a2.y - 2 * a1.y) <= 1 && fabs(a2.h - 2 * a1.h) <= 1);
}

Test(damage, merges_touching_rectangles_and_clips_to_bounds)
{
	struct rd_damage d;
	rd_damage_init(&d, 100, 100);
	rd_damage_add(&d, (struct rd_irect){0, 0, 10, 10});
	rd_damage_add(&d, (struct rd_irect){10, 0, 10, 10});
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.rects[0].w, 20);
	rd_damage_add(&d, (struct rd_irect){90, 90, 50, 50});
	cr_assert_eq(d.count, 2);
	cr_assert_eq(d.rects[1].w, 10, "clipped to the frame");
	rd_damage_add(&d, (struct rd_irect){200, 200, 5, 5});
	cr_assert_eq(d.count, 2, "outside the frame adds nothing");
	cr_assert_eq(rd_damage_area(&d), 200 + 100);
}

Test(damage, collapses_to_the_bounding_box_past_the_limit)
{
	struct rd_damage d;
	rd_damage_init(&d, 1000, 1000);
	for (int i = 0; i < RD_DAMAGE_MAX; i++)
		rd_damage_add(&d, (struct rd_irect){i * 40, i * 40, 10, 10});
	cr_assert_eq(d.count, RD_DAMAGE_MAX);
	rd_damage_add(&d, (struct rd_irect){900, 0, 10, 10});
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.rects[0].x, 0);
	cr_assert_eq(d.rects[0].y, 0);
	cr_assert_eq(d.rects[0].x + d.rects[0].w, 910);
	cr_assert_eq(d.rects[0].y + d.rects[0].h, (RD_DAMAGE_MAX - 1) * 40 + 10);
}
