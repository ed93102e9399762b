/* The chart and list widgets of rd_charts.h: each, at several sizes and with normal, empty,
 * absurd and long-labelled data, draws inside its rectangle and nowhere else and leaves the
 * cairo_t without error; the ticker repeats seamlessly; one gallery golden per group. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_png.h"
#include "rd_widgets.h"

static struct rd_theme theme;

static void setup(void)
{
	rd_theme_default(&theme);
}

TestSuite(widgets, .init = setup);

/* ---- data ---- */

static const char LONG[] = "合肥市新站高新技术产业开发区少荃湖片区综合执法大队城市管理网格";

static double today[24] = {290, 265, 268, 280, 240, 262, 232, 370, 470, 540, 575, 620,
                           665, 640, 555, 520, 478, 330, 296, 289, 290, 232, 240, 275};
static double yesterday[24] = {250, 240, 226, 231, 220, 260, 300, 410, 500, 520, 540, 580,
                               600, 610, 580, 540, 500, 420, 380, 350, 330, 300, 280, 260};
static double absurd_v[6] = {NAN, 1e300, -1e300, INFINITY, -INFINITY, 0};

static const struct rd_line_series line_series[] = {{"今日", today, 24}, {"昨日", yesterday, 24}};
static const struct rd_line_series line_absurd[] = {
    {LONG, absurd_v, 6}, {NULL, NULL, 99}, {"", absurd_v, 0}, {"4th", today, 24}};
static const struct rd_line_chart line_ok = {
    .series = line_series, .series_count = 2, .unit = "件"};
static const struct rd_line_chart line_empty = {.unit = "件"};
static const struct rd_line_chart line_bad = {
    .series = line_absurd, .series_count = 4, .unit = LONG, .decimals = 99, .first_hour = -7};

static const struct rd_bar_item bars[] = {
    {"瑶海区", 1840, 12.5}, {"庐阳区", 1620, 8.1}, {"蜀山区", 2105, -3.2},
    {"包河区", 2230, 15.4}, {"长丰县", 980, NAN},  {"肥东县", 1150, 4.4},
    {"肥西县", 1390, 6.6},  {"庐江县", 760, 2.0},  {"巢湖市", 771, -1.5}};
static const struct rd_bar_item bars_bad[] = {
    {LONG, NAN, 1e300}, {NULL, 1e300, NAN}, {LONG, -1e300, -INFINITY},
    {"", INFINITY, 5},  {LONG, -5, 0},      {LONG, 0, NAN},
    {LONG, 3, 2},       {LONG, 12, 1}};
static const struct rd_bar_chart bar_ok = {
    .items = bars, .count = 9, .unit = "件", .value_name = "事件数", .growth_name = "同比增速"};
static const struct rd_bar_chart bar_empty = {.unit = "件", .value_name = "事件数"};
static const struct rd_bar_chart bar_bad = {.items = bars_bad,
                                            .count = 8,
                                            .unit = LONG,
                                            .decimals = -3,
                                            .value_name = LONG,
                                            .growth_name = LONG};

static const struct rd_ring_item ring_items[] = {{"市容环境", 2585}, {"交通出行", 2234},
                                                 {"公共安全", 1284}, {"民生服务", 1870},
                                                 {"生态环境", 919},  {"其他", 1102}};
static const struct rd_ring_item ring_items_bad[] = {
    {LONG, NAN}, {LONG, 1e300}, {NULL, -5}, {LONG, INFINITY}, {LONG, 1},  {LONG, 2},
    {LONG, 3},   {LONG, 4},     {LONG, 5},  {LONG, 6},        {LONG, 7},  {LONG, 8},
    {LONG, 9},   {LONG, 10},    {LONG, 11}, {LONG, 12},       {LONG, 13}, {LONG, 14}};
static const struct rd_ring_chart ring_ok = {
    .items = ring_items, .count = 6, .center_label = "事件总数", .unit = "件"};
static const struct rd_ring_chart ring_empty = {.center_label = "事件总数", .unit = "件"};
static const struct rd_ring_chart ring_bad = {
    .items = ring_items_bad, .count = 18, .center_label = LONG, .unit = LONG};

static const struct rd_gauge gauge_ok = {.value = 96.3,
                                         .min = 0,
                                         .max = 100,
                                         .warn = 90,
                                         .bad = 80,
                                         .higher_is_better = true,
                                         .label = "事件处置率",
                                         .unit = "%",
                                         .decimals = 1};
static const struct rd_gauge gauge_empty = {
    .value = NAN, .min = NAN, .max = NAN, .warn = NAN, .bad = NAN};
static const struct rd_gauge gauge_bad = {.value = -1e300,
                                          .min = 1e300,
                                          .max = -INFINITY,
                                          .warn = 1e300,
                                          .bad = NAN,
                                          .label = LONG,
                                          .unit = LONG,
                                          .decimals = 40};

static const struct rd_rank_item rank_items[] = {{"合肥京东方光电科技有限公司", 1250.6},
                                                 {"蔚来汽车（安徽）有限公司", 980.2},
                                                 {"合肥长鑫存储技术有限公司", 870.9},
                                                 {"阳光电源股份有限公司", 720.4},
                                                 {"科大讯飞股份有限公司", 535.1},
                                                 {"联宝（合肥）电子科技有限公司", 498.7},
                                                 {"江淮汽车集团", 430.0}};
static const struct rd_rank_item rank_items_bad[] = {
    {LONG, NAN}, {NULL, 1e300}, {LONG, -1e300}, {LONG, INFINITY}, {"", -3}};
static const struct rd_rank_list rank_ok = {
    .items = rank_items, .count = 7, .unit = "亿元", .decimals = 1};
static const struct rd_rank_list rank_empty = {.unit = "亿元"};
static const struct rd_rank_list rank_bad = {
    .items = rank_items_bad, .count = 5, .unit = LONG, .decimals = 1000};

static const struct rd_table_column table_cols[] = {{"时间", 1, RD_ALIGN_LEFT},
                                                    {"区县", 1.1, RD_ALIGN_LEFT},
                                                    {"类型", 1.1, RD_ALIGN_LEFT},
                                                    {"事件", 3, RD_ALIGN_LEFT},
                                                    {"状态", 1, RD_ALIGN_CENTER}};
static const char *const table_cells[] = {"14:52",
                                          "庐阳区",
                                          "公共安全",
                                          "消防通道堵塞 · 肥东第4网格",
                                          "处置中",
                                          "14:46",
                                          "蜀山区",
                                          "市容环境",
                                          "井盖缺失 · 庐阳第5网格",
                                          "已办结",
                                          "14:40",
                                          "包河区",
                                          "市容环境",
                                          "占道经营 · 肥西第6网格",
                                          "已办结",
                                          "14:34",
                                          "长丰县",
                                          "生态环境",
                                          "树木倒伏 · 蜀山第7网格",
                                          "待派遣",
                                          "14:28",
                                          "肥东县",
                                          "市容环境",
                                          "井盖缺失 · 庐江第8网格",
                                          "已办结",
                                          "14:22",
                                          "肥西县",
                                          "市容环境",
                                          "路灯故障 · 包河第9网格",
                                          "已办结",
                                          "14:16",
                                          "庐江县",
                                          "交通出行",
                                          "违章停车 · 巢湖第10网格",
                                          "已办结",
                                          "14:10",
                                          "巢湖市",
                                          "生态环境",
                                          "积水内涝 · 长丰第11网格（下穿通道积水严重需抽排）",
                                          "待派遣",
                                          "14:04",
                                          "瑶海区",
                                          "民生服务",
                                          "噪声扰民 · 瑶海第12网格",
                                          "待派遣",
                                          "13:58",
                                          "庐阳区",
                                          "公共安全",
                                          "消防通道堵塞 · 肥东第13网格",
                                          "待派遣",
                                          "13:52",
                                          "蜀山区",
                                          "交通出行",
                                          "信号灯故障 · 蜀山第14网格",
                                          "处置中",
                                          "13:46",
                                          "包河区",
                                          "民生服务",
                                          "供水管道破裂 · 包河第15网格",
                                          "已办结"};
static struct rd_color table_colors[12 * 5];
static const struct rd_table_column table_cols_bad[] = {
    {LONG, NAN, RD_ALIGN_RIGHT}, {NULL, -1, RD_ALIGN_CENTER}, {"", 1e300, RD_ALIGN_LEFT}};
static const char *const table_cells_bad[] = {LONG, NULL, "\xff\xfe bad utf-8", "", LONG, LONG};
static struct rd_table table_ok = {.columns = table_cols,
                                   .column_count = 5,
                                   .cells = table_cells,
                                   .cell_colors = table_colors,
                                   .row_count = 12,
                                   .scroll = 1.4};
static const struct rd_table table_empty = {.columns = table_cols, .column_count = 5};
static const struct rd_table table_bad = {.columns = table_cols_bad,
                                          .column_count = 3,
                                          .cells = table_cells_bad,
                                          .row_count = 2,
                                          .scroll = NAN};

static struct rd_progress_item progress_items[] = {
    {.name = "京东方第10.5代TFT-LCD生产线扩建项目", .percent = 86.5, .status = "进行中"},
    {.name = "蔚来第二先进制造基地", .percent = 100, .status = "已投产"},
    {.name = "长鑫存储二期", .percent = 42.0, .status = "滞后"},
    {.name = "合肥新桥国际机场T2航站楼", .percent = 67.3, .status = NULL},
    {.name = "滨湖科学城量子信息实验室", .percent = 12.8, .status = "新开工"}};
static const struct rd_progress_item progress_bad[] = {
    {.name = LONG, .percent = NAN, .status = LONG},
    {.name = NULL, .percent = 1e300, .status = NULL},
    {.name = LONG, .percent = -1e300, .status = ""},
    {.name = "", .percent = INFINITY, .status = LONG, .status_color = {1, 0, 0, 1}}};

static const struct rd_chain_node chain_nodes[] = {
    {"动力电池", 709.55, 0},   {"电机电控", 322.52, 0},  {"车规级芯片", 193.51, 0},
    {"汽车零部件", 548.29, 1}, {"整车制造", 1225.58, 1}, {"充换电服务", 129.01, 2},
    {"汽车后市场", 96.76, 2}};
static const struct rd_chain_link chain_links[] = {
    {0, 4, NAN}, {1, 4, NAN}, {2, 3, NAN}, {3, 4, NAN}, {4, 5, NAN}, {4, 6, NAN}, {2, 6, 40}};
static const struct rd_chain_node chain_nodes_bad[] = {
    {LONG, NAN, 0}, {NULL, 1e300, 7}, {LONG, -1e300, -3}, {LONG, 1, 1}, {LONG, 2, 1},
    {LONG, 3, 1},   {LONG, 4, 1},     {LONG, 5, 1},       {LONG, 6, 1}, {LONG, 7, 1},
    {LONG, 8, 1},   {LONG, 9, 1},     {LONG, 10, 1},      {LONG, 11, 1}};
static const struct rd_chain_link chain_links_bad[] = {
    {0, 1, INFINITY}, {1, 0, NAN},     {2, 99, 5},   {3, 3, 1},
    {3, 4, 1},        {0, 13, -1e300}, {2, 1, 1e300}};
static const struct rd_chain chain_ok = {.nodes = chain_nodes,
                                         .node_count = 7,
                                         .links = chain_links,
                                         .link_count = 7,
                                         .unit = "亿元",
                                         .decimals = 1};
static const struct rd_chain chain_empty = {.unit = "亿元"};
static const struct rd_chain chain_bad = {.nodes = chain_nodes_bad,
                                          .node_count = 14,
                                          .links = chain_links_bad,
                                          .link_count = 7,
                                          .unit = LONG,
                                          .stage_titles = {LONG, NULL, ""}};

static const struct rd_legend_item legend_items[] = {{"市容环境", {0.25, 0.82, 1, 1}, "25.9%"},
                                                     {"交通出行", {0.12, 0.48, 1, 1}, "22.4%"},
                                                     {"公共安全", {1, 0.55, 0.1, 1}, "12.8%"},
                                                     {"民生服务", {0.24, 0.86, 0.6, 1}, NULL},
                                                     {LONG, {1, 0.82, 0.12, 1}, LONG}};

static const struct rd_banner banner_ok = {.title = "蜀山区长江西路与潜山路交口严重积水，"
                                                    "深度42cm，已派遣排水二队",
                                           .time = "14:32:08",
                                           .place = "蜀山区 长江西路"};
static const struct rd_banner banner_empty = {0};
static const struct rd_banner banner_bad = {
    .grade_label = LONG, .title = LONG, .time = LONG, .place = LONG, .phase = NAN};

static const struct rd_ticker_item ticker_items[] = {
    {1, "瑶海区", "大兴镇路段严重拥堵，持续超过30分钟", true},
    {2, "包河区", "滨湖新区燃气管网压力异常，燃气集团抢修中", false},
    {3, "庐阳区", "三孝口商圈人流密度3.8人/㎡，启动限流", true},
    {4, "肥东县", "桥头集镇路面塌陷，已设置围挡", false},
    {9, NULL, LONG, false}};
static const int counts_ok[RD_GRADES] = {1, 3, 12, 27};
static const int counts_bad[RD_GRADES] = {-5, 0, 99999, 2147483647};

/* ---- drawing any widget through one signature ---- */

typedef void (*draw_fn)(cairo_t *cr, struct rd_rect r, const void *data, int canvas_h);

static void line(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_line_chart_draw(cr, &theme, r, d, h);
}
static void bar(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_bar_chart_draw(cr, &theme, r, d, h);
}
static void ring(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_ring_chart_draw(cr, &theme, r, d, h);
}
static void gauge(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_gauge_draw(cr, &theme, r, d, h);
}
static void rank(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_rank_draw(cr, &theme, r, d, h);
}
static void table(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_table_draw(cr, &theme, r, d, h);
}
struct items {
	const void *items;
	size_t n;
};
static void progress(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	const struct items *it = d;
	rd_progress_draw(cr, &theme, r, it->items, it->n, h);
}
static void legend_flow(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	const struct items *it = d;
	rd_legend_draw(cr, &theme, r, it->items, it->n, RD_LEGEND_FLOW, h);
}
static void legend_column(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	const struct items *it = d;
	rd_legend_draw(cr, &theme, r, it->items, it->n, RD_LEGEND_COLUMN, h);
}
static void chain(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_chain_draw(cr, &theme, r, d, h);
}
static void banner(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	rd_banner_draw(cr, &theme, r, d, h);
}
struct ticker_case {
	const struct rd_ticker_item *items;
	size_t n;
	const int *counts;
	long offset;
};
static void ticker(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	const struct ticker_case *tc = d;
	struct rd_ticker *t = rd_ticker_new(&theme, tc->items, tc->n, (int)r.h, h);
	rd_ticker_draw(cr, &theme, r, t, tc->offset, 0.25, tc->counts, h);
	rd_ticker_free(t);
}

/* ---- the checks ---- */

enum { MARGIN = 24 };

/* Draws into an empty surface with a margin around r; returns the pixels with ink outside r
 * (and inside it through *inside). */
static long draw_counting(draw_fn fn, const void *data, int canvas_h, int w, int h, long *inside,
                          const char *label)
{
	cairo_surface_t *s =
	    cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w + 2 * MARGIN, h + 2 * MARGIN);
	cairo_t *cr = cairo_create(s);
	fn(cr, (struct rd_rect){MARGIN, MARGIN, w, h}, data, canvas_h);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS, "cairo: %s",
	             cairo_status_to_string(cairo_status(cr)));
	cairo_destroy(cr);
	cairo_surface_flush(s);
	const unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	long out = 0, in = 0;
	int fx = -1, fy = -1;
	for (int y = 0; y < h + 2 * MARGIN; y++)
		for (int x = 0; x < w + 2 * MARGIN; x++) {
			uint32_t p;
			memcpy(&p, px + (size_t)y * stride + (size_t)x * 4, 4);
			if (!(p >> 24))
				continue;
			bool is_in = x >= MARGIN && x < MARGIN + w && y >= MARGIN && y < MARGIN + h;
			(*(is_in ? &in : &out))++;
			if (!is_in && fx < 0)
				fx = x - MARGIN, fy = y - MARGIN;
		}
	if (out > 0) { /* for a look: TEST_OUT/outside-NAME.png */
		char path[512];
		snprintf(path, sizeof path, "%s/outside-%s.png",
		         getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp", label);
		rd_png_write(s, path, NULL);
		cr_log_warn("%s: first pixel outside at %d,%d of the rectangle", label, fx, fy);
	}
	cairo_surface_destroy(s);
	if (inside)
		*inside = in;
	return out;
}

/* Sizes: a 1920x1080 panel, a 7680x2160 wall panel, a narrow, a short and a thin one. */
static const struct size {
	int canvas_h, w, h;
} sizes[] = {
    {1080, 440, 300}, {2160, 1400, 620}, {1080, 150, 96}, {1080, 600, 56}, {1080, 64, 420}};

static void check_widget(const char *name, draw_fn fn, const void *ok, const void *empty,
                         const void *bad)
{
	const void *cases[] = {ok, empty, bad};
	static const char *const case_names[] = {"data", "empty", "absurd"};
	for (size_t c = 0; c < 3; c++) {
		if (!cases[c])
			continue;
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			char label[128];
			snprintf(label, sizeof label, "%s-%s-%dx%d-%d", name, case_names[c],
			         sizes[i].w, sizes[i].h, sizes[i].canvas_h);
			for (char *p = label; *p; p++)
				*p = *p == ' ' ? '_' : *p;
			long in, out = draw_counting(fn, cases[c], sizes[i].canvas_h, sizes[i].w,
			                             sizes[i].h, &in, label);
			cr_expect_eq(out, 0,
			             "%s, %s, %dx%d at %d: %ld pixels outside its rectangle", name,
			             case_names[c], sizes[i].w, sizes[i].h, sizes[i].canvas_h, out);
			if (c == 0 && i < 2)
				cr_expect_gt(in, 1000, "%s draws at %dx%d", name, sizes[i].w,
				             sizes[i].h);
		}
	}
}

Test(widgets, line_chart_stays_inside)
{
	check_widget("line", line, &line_ok, &line_empty, &line_bad);
}

Test(widgets, bar_chart_stays_inside)
{
	check_widget("bar", bar, &bar_ok, &bar_empty, &bar_bad);
}

Test(widgets, ring_chart_stays_inside)
{
	check_widget("ring", ring, &ring_ok, &ring_empty, &ring_bad);
}

Test(widgets, gauge_stays_inside)
{
	check_widget("gauge", gauge, &gauge_ok, &gauge_empty, &gauge_bad);
}

Test(widgets, rank_list_stays_inside)
{
	check_widget("rank", rank, &rank_ok, &rank_empty, &rank_bad);
}

Test(widgets, table_stays_inside)
{
	check_widget("table", table, &table_ok, &table_empty, &table_bad);
}

Test(widgets, progress_stays_inside)
{
	struct items ok = {progress_items, 5}, empty = {NULL, 3}, bad = {progress_bad, 4};
	check_widget("progress", progress, &ok, &empty, &bad);
}

Test(widgets, legend_stays_inside)
{
	struct items ok = {legend_items, 5}, empty = {NULL, 0}, bad = {legend_items, 5};
	check_widget("legend flow", legend_flow, &ok, &empty, &bad);
	check_widget("legend column", legend_column, &ok, &empty, &bad);
}

Test(widgets, chain_stays_inside)
{
	check_widget("chain", chain, &chain_ok, &chain_empty, &chain_bad);
}

Test(widgets, banner_stays_inside)
{
	check_widget("banner", banner, &banner_ok, &banner_empty, &banner_bad);
}

Test(widgets, ticker_stays_inside)
{
	struct ticker_case ok = {ticker_items, 5, counts_ok, 137}, empty = {NULL, 0, NULL, 0},
	                   bad = {ticker_items, 5, counts_bad, -9000000000L};
	check_widget("ticker", ticker, &ok, &empty, &bad);
}

/* ---- behaviour ---- */

static cairo_surface_t *render(draw_fn fn, const void *data, int w, int h, int canvas_h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	fn(cr, (struct rd_rect){0, 0, w, h}, data, canvas_h);
	cairo_destroy(cr);
	return s;
}

static long differing(cairo_surface_t *a, cairo_surface_t *b, struct rd_irect in)
{
	struct rd_diff d;
	cairo_surface_t *ca = cairo_surface_create_for_rectangle(a, in.x, in.y, in.w, in.h);
	cairo_surface_t *cb = cairo_surface_create_for_rectangle(b, in.x, in.y, in.w, in.h);
	cairo_surface_t *ia = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, in.w, in.h);
	cairo_surface_t *ib = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, in.w, in.h);
	cairo_surface_t *src[2] = {ca, cb}, *dst[2] = {ia, ib};
	for (int i = 0; i < 2; i++) {
		cairo_t *cr = cairo_create(dst[i]);
		cairo_set_source_surface(cr, src[i], 0, 0);
		cairo_paint(cr);
		cairo_destroy(cr);
	}
	cr_assert(rd_image_diff(ia, ib, &d, NULL, NULL));
	for (int i = 0; i < 2; i++) {
		cairo_surface_destroy(src[i]);
		cairo_surface_destroy(dst[i]);
	}
	return d.changed;
}

Test(widgets, ticker_repeats_seamlessly_at_its_period)
{
	struct rd_ticker *t = rd_ticker_new(&theme, ticker_items, 5, 48, 1080);
	cr_assert_not_null(t);
	int period = rd_ticker_period(t);
	cr_assert_gt(period, 1000, "five items make a long strip, got %d", period);
	rd_ticker_free(t);
	cr_assert_null(rd_ticker_new(&theme, ticker_items, 0, 48, 1080));
	cr_assert_null(rd_ticker_new(&theme, ticker_items, 5, 0, 1080));
	rd_ticker_free(NULL);

	struct ticker_case a = {ticker_items, 5, counts_ok, 300}, b = a, c = a, d = a;
	b.offset = 300 + period;
	c.offset = 300 - 3L * period;
	d.offset = 301;
	cairo_surface_t *sa = render(ticker, &a, 1920, 48, 1080);
	cairo_surface_t *sb = render(ticker, &b, 1920, 48, 1080);
	cairo_surface_t *sc = render(ticker, &c, 1920, 48, 1080);
	cairo_surface_t *sd = render(ticker, &d, 1920, 48, 1080);
	struct rd_irect all = {0, 0, 1920, 48}, counts = {1650, 0, 270, 48},
	                label = {0, 0, 100, 48};
	cr_expect_eq(differing(sa, sb, all), 0, "offset + period draws the same strip");
	cr_expect_eq(differing(sa, sc, all), 0, "offset - 3 periods draws the same strip");
	cr_expect_gt(differing(sa, sd, all), 100, "one pixel further moves the items");
	cr_expect_eq(differing(sa, sd, counts), 0, "the counts stay put");
	cr_expect_eq(differing(sa, sd, label), 0, "the label stays put");
	cairo_surface_destroy(sa);
	cairo_surface_destroy(sb);
	cairo_surface_destroy(sc);
	cairo_surface_destroy(sd);
}

static void ticker_phase(cairo_t *cr, struct rd_rect r, const void *d, int h)
{
	struct rd_ticker *t = rd_ticker_new(&theme, ticker_items, 5, (int)r.h, h);
	rd_ticker_draw(cr, &theme, r, t, 0, *(const double *)d, counts_ok, h);
	rd_ticker_free(t);
}

Test(widgets, new_alerts_flash_with_the_phase)
{
	double p0 = 0, p1 = 0.5, p2 = 1;
	cairo_surface_t *a = render(ticker_phase, &p0, 1920, 48, 1080);
	cairo_surface_t *b = render(ticker_phase, &p1, 1920, 48, 1080);
	cairo_surface_t *c = render(ticker_phase, &p2, 1920, 48, 1080);
	struct rd_irect all = {0, 0, 1920, 48};
	cr_expect_gt(differing(a, b, all), 500, "the first item is new and flashes");
	cr_expect_eq(differing(a, c, all), 0, "the flash repeats each phase");
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	cairo_surface_destroy(c);
}

Test(widgets, table_scrolls_round_and_by_whole_pixels)
{
	struct rd_rect r = {0, 0, 600, 300};
	int visible = rd_table_visible_rows(&theme, r, 1080);
	cr_assert(visible >= 5 && visible < 12, "visible rows %d", visible);
	cr_assert_eq(rd_table_visible_rows(&theme, (struct rd_rect){0, 0, 600, 10}, 1080), 0);
	struct rd_table a = table_ok, b = table_ok, c = table_ok;
	a.scroll = 2.25, b.scroll = 2.25 + 12, c.scroll = 2.25 - 24;
	cairo_surface_t *sa = render(table, &a, 600, 300, 1080);
	cairo_surface_t *sb = render(table, &b, 600, 300, 1080);
	cairo_surface_t *sc = render(table, &c, 600, 300, 1080);
	struct rd_irect all = {0, 0, 600, 300};
	cr_expect_eq(differing(sa, sb, all), 0, "scroll wraps at the row count");
	cr_expect_eq(differing(sa, sc, all), 0, "negative scroll wraps too");
	cairo_surface_destroy(sa);
	cairo_surface_destroy(sb);
	cairo_surface_destroy(sc);
}

Test(widgets, nice_axes_and_unit_scales)
{
	double t0, step;
	int n = rd_nice_axis(0, 665, 5, &t0, &step);
	cr_expect(t0 == 0 && step == 200 && n == 4, "0..665: %g + %d x %g", t0, n, step);
	n = rd_nice_axis(-3.2, 15.4, 4, &t0, &step);
	cr_expect(t0 <= -3.2 && t0 + n * step >= 15.4 && n <= 4, "%g + %d x %g", t0, n, step);
	n = rd_nice_axis(NAN, INFINITY, 0, &t0, &step);
	cr_expect(n >= 1 && isfinite(t0) && step > 0);
	n = rd_nice_axis(-1e300, 1e300, 6, &t0, &step);
	cr_expect(n >= 1 && n <= 6 && isfinite(t0) && isfinite(step));
	n = rd_nice_axis(42, 42, 5, &t0, &step);
	cr_expect(t0 <= 0 && t0 + n * step >= 42);
	char unit[32];
	cr_expect_eq(rd_unit_scale(2230, "件", unit, sizeof unit), 1);
	cr_expect_str_eq(unit, "件");
	cr_expect_eq(rd_unit_scale(350000, "人", unit, sizeof unit), 1e4);
	cr_expect_str_eq(unit, "万人");
	cr_expect_eq(rd_unit_scale(3.2e11, "元", unit, sizeof unit), 1e8);
	cr_expect_str_eq(unit, "亿元");
	struct rd_axis ax = rd_axis_make(0, 3.7, 4, 1);
	cr_expect_eq(ax.decimals, 0, "step %g", ax.step);
	ax = rd_axis_make(0, 0.9, 4, 1);
	cr_expect_eq(ax.decimals, 2, "0.25 steps need two decimals, step %g", ax.step);
}

/* ---- gallery goldens at 1920x1080 ---- */

static cairo_surface_t *gallery_start(cairo_t **cr)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1920, 1080);
	*cr = cairo_create(s);
	rd_draw_background(*cr, &theme, 1920, 1080, 1080, 0);
	return s;
}

static struct rd_rect panel(cairo_t *cr, double x, double y, double w, double h, const char *t)
{
	return rd_panel_frame(cr, &theme, (struct rd_rect){x, y, w, h}, t, 1080);
}

static void gallery_check(cairo_surface_t *s, cairo_t *cr, const char *name)
{
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	const char *src = getenv("TEST_SRC"), *out = getenv("TEST_OUT");
	char golden[512];
	snprintf(golden, sizeof golden, "%s/golden/%s.png", src ? src : "tests", name);
	struct rd_err err = {{0}};
	cr_expect(rd_golden_check(s, golden, out ? out : "/tmp", name, &err), "%s", err.msg);
	cairo_surface_destroy(s);
}

Test(widgets, gallery_charts)
{
	cairo_t *cr;
	cairo_surface_t *s = gallery_start(&cr);
	rd_line_chart_draw(cr, &theme, panel(cr, 20, 20, 620, 340, "24小时事件趋势"), &line_ok,
	                   1080);
	rd_line_chart_draw(cr, &theme, panel(cr, 20, 380, 300, 200, "窄图"), &line_ok, 1080);
	rd_line_chart_draw(cr, &theme, panel(cr, 340, 380, 300, 200, "无数据"), &line_empty, 1080);
	rd_bar_chart_draw(cr, &theme, panel(cr, 660, 20, 620, 340, "各区县事件数"), &bar_ok, 1080);
	static const struct rd_bar_item ind[] = {
	    {"新能源汽车", 3225.21, 24.4}, {"集成电路", 761.51, 16.1}, {"新型显示", 1650, 9.5},
	    {"人工智能", 920, 30.2},       {"生物医药", 410.5, 12},    {"装备制造", 1800, 7.1},
	    {"光伏及新能源", 1300, -4.0},  {"智能家电", 2100, 3.3},    {"新材料产业集群", 640, 11},
	    {"节能环保", 380, 8}};
	struct rd_bar_chart bc = {.items = ind,
	                          .count = 10,
	                          .unit = "亿元",
	                          .decimals = 1,
	                          .value_name = "产值",
	                          .growth_name = "增速"};
	rd_bar_chart_draw(cr, &theme, panel(cr, 660, 380, 620, 300, "重点产业产值"), &bc, 1080);
	rd_bar_chart_draw(cr, &theme, panel(cr, 660, 700, 300, 360, "窄柱图"), &bc, 1080);
	rd_bar_chart_draw(cr, &theme, panel(cr, 980, 700, 300, 360, "数据异常"), &bar_bad, 1080);
	rd_ring_chart_draw(cr, &theme, panel(cr, 1300, 20, 600, 340, "事件类型构成"), &ring_ok,
	                   1080);
	rd_ring_chart_draw(cr, &theme, panel(cr, 1300, 380, 290, 420, "窄环图"), &ring_ok, 1080);
	rd_ring_chart_draw(cr, &theme, panel(cr, 1610, 380, 290, 200, "长标签"), &ring_bad, 1080);
	rd_ring_chart_draw(cr, &theme, panel(cr, 1610, 600, 290, 200, "无数据"), &ring_empty, 1080);
	rd_gauge_draw(cr, &theme, panel(cr, 20, 600, 300, 220, "处置率"), &gauge_ok, 1080);
	struct rd_gauge aqi = {.value = 162,
	                       .min = 0,
	                       .max = 300,
	                       .warn = 100,
	                       .bad = 150,
	                       .label = "空气质量指数 AQI"};
	rd_gauge_draw(cr, &theme, panel(cr, 340, 600, 300, 220, "空气质量"), &aqi, 1080);
	struct rd_gauge mid = {.value = 84.2,
	                       .min = 0,
	                       .max = 100,
	                       .warn = 90,
	                       .bad = 80,
	                       .higher_is_better = true,
	                       .label = "按期办结率",
	                       .unit = "%",
	                       .decimals = 1};
	rd_gauge_draw(cr, &theme, panel(cr, 20, 840, 200, 220, "小"), &mid, 1080);
	rd_gauge_draw(cr, &theme, panel(cr, 240, 840, 400, 220, "异常"), &gauge_bad, 1080);
	rd_gauge_draw(cr, &theme, panel(cr, 1300, 820, 600, 240, "宽"), &gauge_ok, 1080);
	gallery_check(s, cr, "widgets_charts");
}

Test(widgets, gallery_lists)
{
	cairo_t *cr;
	cairo_surface_t *s = gallery_start(&cr);
	rd_rank_draw(cr, &theme, panel(cr, 20, 20, 460, 420, "重点企业产值排行"), &rank_ok, 1080);
	rd_rank_draw(cr, &theme, panel(cr, 20, 460, 220, 300, "窄"), &rank_ok, 1080);
	rd_rank_draw(cr, &theme, panel(cr, 260, 460, 220, 300, "异常"), &rank_bad, 1080);
	for (size_t i = 0; i < 12; i++) {
		const char *st = table_cells[i * 5 + 4];
		table_colors[i * 5 + 4] = strcmp(st, "已办结") == 0   ? theme.colors[RD_GOOD]
		                          : strcmp(st, "待派遣") == 0 ? theme.colors[RD_BAD]
		                                                      : theme.grade[1];
	}
	rd_table_draw(cr, &theme, panel(cr, 500, 20, 700, 480, "实时事件列表"), &table_ok, 1080);
	rd_table_draw(cr, &theme, panel(cr, 500, 520, 340, 240, "窄表"), &table_ok, 1080);
	rd_table_draw(cr, &theme, panel(cr, 860, 520, 340, 240, "异常"), &table_bad, 1080);
	progress_items[1].status_color = theme.colors[RD_GOOD];
	progress_items[2].status_color = theme.colors[RD_BAD];
	rd_progress_draw(cr, &theme, panel(cr, 1220, 20, 680, 380, "招商项目进度"), progress_items,
	                 5, 1080);
	rd_progress_draw(cr, &theme, panel(cr, 1220, 420, 330, 340, "窄"), progress_items, 5, 1080);
	rd_progress_draw(cr, &theme, panel(cr, 1570, 420, 330, 340, "异常"), progress_bad, 4, 1080);
	struct rd_rect lr = panel(cr, 20, 780, 600, 280, "图例");
	double used = rd_legend_draw(cr, &theme, lr, legend_items, 5, RD_LEGEND_FLOW, 1080);
	lr.y += used + 12, lr.h -= used + 12;
	rd_legend_draw(cr, &theme, lr, legend_items, 5, RD_LEGEND_COLUMN, 1080);
	rd_legend_draw(cr, &theme, panel(cr, 640, 780, 200, 280, "窄图例"), legend_items, 5,
	               RD_LEGEND_FLOW, 1080);
	gallery_check(s, cr, "widgets_lists");
}

Test(widgets, gallery_chain)
{
	cairo_t *cr;
	cairo_surface_t *s = gallery_start(&cr);
	rd_chain_draw(cr, &theme, panel(cr, 20, 20, 1000, 560, "新能源汽车产业链"), &chain_ok,
	              1080);
	rd_chain_draw(cr, &theme, panel(cr, 1040, 20, 860, 360, "矮"), &chain_ok, 1080);
	rd_chain_draw(cr, &theme, panel(cr, 1040, 400, 420, 300, "窄"), &chain_ok, 1080);
	rd_chain_draw(cr, &theme, panel(cr, 1480, 400, 420, 300, "异常"), &chain_bad, 1080);
	rd_chain_draw(cr, &theme, panel(cr, 20, 600, 600, 300, "无数据"), &chain_empty, 1080);
	gallery_check(s, cr, "widgets_chain");
}

Test(widgets, gallery_alerts)
{
	cairo_t *cr;
	cairo_surface_t *s = gallery_start(&cr);
	rd_banner_draw(cr, &theme, (struct rd_rect){20, 20, 1880, 96}, &banner_ok, 1080);
	struct rd_banner dim = banner_ok;
	dim.phase = 0.5;
	rd_banner_draw(cr, &theme, (struct rd_rect){20, 136, 1880, 64}, &dim, 1080);
	rd_banner_draw(cr, &theme, (struct rd_rect){20, 220, 600, 80}, &banner_ok, 1080);
	rd_banner_draw(cr, &theme, (struct rd_rect){640, 220, 600, 80}, &banner_bad, 1080);
	rd_banner_draw(cr, &theme, (struct rd_rect){1260, 220, 640, 80}, &banner_empty, 1080);
	int y = 340;
	const long offsets[] = {0, 480};
	for (size_t i = 0; i < 2; i++, y += 70) {
		struct rd_ticker *t = rd_ticker_new(&theme, ticker_items, 5, 48, 1080);
		rd_ticker_draw(cr, &theme, (struct rd_rect){0, y, 1920, 48}, t, offsets[i], i * 0.5,
		               counts_ok, 1080);
		rd_ticker_free(t);
	}
	rd_ticker_draw(cr, &theme, (struct rd_rect){0, y, 1920, 48}, NULL, 0, 0, NULL, 1080);
	y += 70;
	struct rd_ticker *t = rd_ticker_new(&theme, ticker_items, 5, 40, 1080);
	rd_ticker_draw(cr, &theme, (struct rd_rect){0, y, 700, 40}, t, 50, 0, counts_bad, 1080);
	rd_ticker_free(t);
	gallery_check(s, cr, "widgets_alerts");
}

Test(widgets, ticker_hit_test_follows_the_strip)
{
	struct rd_ticker *t = rd_ticker_new(&theme, ticker_items, 5, 48, 1080);
	cr_assert_not_null(t);
	int period = rd_ticker_period(t);
	struct rd_rect r = {0, 0, 1920, 48};
	cr_expect_eq(rd_ticker_item_at(&theme, r, t, 0, counts_ok, 1080, 10, 0), -1, "the label");
	cr_expect_eq(rd_ticker_item_at(&theme, r, t, 0, counts_ok, 1080, 1915, 0), -1, "the counts");
	cr_expect_eq(rd_ticker_item_at(&theme, r, NULL, 0, counts_ok, 1080, 900, 0), -1);
	cr_expect_eq(rd_ticker_item_at(&theme, r, t, 0, counts_ok, 1080, NAN, 0), -1);
	/* at offset 0 the items enter in order from the window's left edge */
	int last = -1, seen = 0;
	for (int x = 0; x < 1920; x++) {
		int i = rd_ticker_item_at(&theme, r, t, 0, counts_ok, 1080, x, 0);
		if (i < 0 || i == last)
			continue;
		cr_assert_eq(i, last + 1, "item %d after %d at x %d", i, last, x);
		last = i;
		seen++;
	}
	cr_expect_geq(seen, 2);
	/* whole periods change nothing; moving by d shows at x what was at x + d */
	for (int x = 400; x < 1200; x += 7) {
		int i = rd_ticker_item_at(&theme, r, t, 137, counts_ok, 1080, x, 0);
		cr_expect_eq(i, rd_ticker_item_at(&theme, r, t, 137 + 2L * period, counts_ok, 1080, x, 0));
		cr_expect_eq(i, rd_ticker_item_at(&theme, r, t, 137 - 100, counts_ok, 1080, x + 100, 0));
	}
	rd_ticker_free(t);
}

/* The carousel's rows kept as a picture (rd_table_draw_body_cached) draw what rd_table_draw
 * draws, at rest, mid-slide and after the picture moved on row by row, on a whole-pixel and a
 * fractional left edge, on a translated context as a wall tile has. As the table panel does,
 * the body's pixels go back to the ground (its still) and the cached rows go over them. */
static void ground(cairo_t *cr, struct rd_irect r)
{
	cairo_set_source_rgb(cr, 0.05, 0.1, 0.2);
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_fill(cr);
}

Test(widgets, table_rows_picture_equals_the_table)
{
	const struct rd_rect rects[2] = {{10, 20, 600, 300}, {10.5, 20, 600, 300}};
	for (int k = 0; k < 2; k++) {
		struct rd_table_cache *cache = NULL;
		cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 340);
		cairo_surface_t *b = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 340);
		struct rd_irect all = {-10, -10, 660, 360};
		cairo_t *cb = cairo_create(b);
		cairo_translate(cb, -3, 7);
		ground(cb, all);
		rd_table_draw(cb, &theme, rects[k], &table_ok, 1080); /* the panel's full draw */
		struct rd_rect body = rd_table_body(&theme, rects[k], 1080);
		cr_assert_eq(body.y, floor(body.y));
		for (double s = 0; s < 14; s += 0.25) {
			struct rd_table t = table_ok;
			t.scroll = s;
			cairo_t *ca = cairo_create(a);
			cairo_translate(ca, -3, 7);
			ground(ca, all);
			rd_table_draw(ca, &theme, rects[k], &t, 1080);
			cairo_destroy(ca);
			ground(cb, rd_rect_outer(body));
			cr_assert(rd_table_draw_body_cached(cb, &theme, rects[k], &t, 1080, 42, &cache));
			cairo_surface_flush(b);
			struct rd_diff d;
			cr_assert(rd_image_diff(a, b, &d, NULL, NULL));
			/* glyph edges composited once more round a little differently */
			cr_assert_leq(d.max_delta, 16, "rect %d scroll %.2f: delta %d at %d,%d", k, s,
			              d.max_delta, d.first_x, d.first_y);
		}
		/* no carousel, or not whole pixels: the caller draws the table itself */
		struct rd_table few = table_ok;
		few.row_count = 2;
		cr_expect_not(rd_table_draw_body_cached(cb, &theme, rects[k], &few, 1080, 1, &cache));
		cairo_scale(cb, 2, 2);
		cr_expect_not(rd_table_draw_body_cached(cb, &theme, rects[k], &table_ok, 1080, 1, &cache));
		cairo_destroy(cb);
		rd_table_cache_free(cache);
		cairo_surface_destroy(a);
		cairo_surface_destroy(b);
	}
	rd_table_cache_free(NULL);
}

/* The gauge in two parts (a panel keeps the still one) is the gauge. */
Test(widgets, gauge_parts_make_the_gauge)
{
	struct rd_gauge g = {.value = 87.5, .min = 0, .max = 100, .warn = 90, .bad = 80,
	                     .higher_is_better = true, .label = "环比 +1.2%", .unit = "%",
	                     .decimals = 1};
	struct rd_gauge_cache *cache = NULL;
	for (int k = 0; k < 3; k++) {
		g.value = 40 + 25 * k;
		cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 500, 320);
		cairo_surface_t *b = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 500, 320);
		cairo_t *ca = cairo_create(a), *cb = cairo_create(b);
		cairo_set_source_rgb(ca, 0.05, 0.1, 0.2);
		cairo_paint(ca);
		cairo_set_source_rgb(cb, 0.05, 0.1, 0.2);
		cairo_paint(cb);
		struct rd_rect r = {10, 10, 480, 300};
		rd_gauge_draw(ca, &theme, r, &g, 1080);
		rd_gauge_draw_cached(cb, &theme, r, &g, 1080, RD_GAUGE_STILL, &cache);
		rd_gauge_draw_cached(cb, &theme, r, &g, 1080, RD_GAUGE_VALUE, &cache);
		cairo_destroy(ca);
		cairo_destroy(cb);
		struct rd_diff d;
		cr_assert(rd_image_diff(a, b, &d, NULL, NULL));
		/* the gradient from its picture rounds like the gradient itself, within a level */
		cr_expect_leq(d.max_delta, 1, "value %g: %ld pixels differ by up to %d", g.value,
		              d.changed, d.max_delta);
		cairo_surface_destroy(a);
		cairo_surface_destroy(b);
	}
	rd_gauge_cache_free(cache);
	rd_gauge_cache_free(NULL);
}

/* A KPI card under the stale mark keeps its label clear of the mark's chip: the corner the chip
 * covers looks the same as on the same card with no label at all (it did not: a long label
 * centered in a narrow card ran under the chip). */
static cairo_surface_t *kpi_with_label(const char *label, double corner, struct rd_rect r)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 220);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.05, 0.1, 0.2);
	cairo_paint(cr);
	struct rd_kpi k = {.label = label, .value = "2,877", .unit = "件", .has_change = true,
	                   .change_pct = 15.4, .change_label = "较昨日", .corner = corner};
	rd_kpi_card(cr, &theme, r, &k, 1080);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

Test(widgets, a_stale_chip_never_covers_a_kpi_label)
{
	struct rd_rect r = {10, 10, 226, 200}; /* a city-scene KPI card at 1080p */
	cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
	cairo_t *pc = cairo_create(probe);
	double corner = rd_stale_corner(pc, &theme, r, "数据更新于 刚刚", "刚刚", 1080);
	cairo_destroy(pc);
	cairo_surface_destroy(probe);
	cr_assert_gt(corner, 0, "no chip on a card this size");
	struct rd_irect zone = {(int)(r.x + r.w - corner), (int)r.y, (int)corner, 60};
	const char *label = "12345热线今日受理";
	for (int pass = 0; pass < 2; pass++) {
		double c = pass ? corner : 0;
		cairo_surface_t *a = kpi_with_label(label, c, r), *b = kpi_with_label("", c, r);
		int stride = cairo_image_surface_get_stride(a);
		long differ = 0;
		for (int y = zone.y; y < zone.y + zone.h; y++)
			differ += memcmp(cairo_image_surface_get_data(a) + y * stride + zone.x * 4,
			                 cairo_image_surface_get_data(b) + y * stride + zone.x * 4,
			                 (size_t)zone.w * 4) != 0;
		if (pass)
			cr_expect_eq(differ, 0, "the label reaches %ld rows of the chip's corner", differ);
		else /* the case is real: without the corner the label runs there */
			cr_expect_gt(differ, 0, "this label does not reach the corner on a plain card");
		cairo_surface_destroy(a);
		cairo_surface_destroy(b);
	}
}
