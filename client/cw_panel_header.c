/* The header's three pieces: the scene title, the weather line, the date and clock. */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "cw_frame.h"
#include "cw_panel.h"
#include "rd_widgets.h"

static uint64_t title_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)p;
	return cw_hash_str(CW_HASH_INIT, c->scene->title);
}

static void title_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	rd_header_title(cr, c->theme, p->rect, c->scene->title, c->scale_h);
}

const struct cw_panel_kind cw_panel_title = {.name = "title", .key = title_key, .draw = title_draw};

static void weather_text(const struct cw_snapshot *snap, char *buf, size_t size)
{
	if (!snap || !snap->has_metrics || !snap->metrics.has_weather) {
		snprintf(buf, size, "%s", snap && snap->has_metrics ? snap->metrics.city : "");
		return;
	}
	const struct pr_weather *w = &snap->metrics.weather;
	snprintf(buf, size, "%s %.0f°C · 空气质量 %s · %s", w->text, w->temp_c, w->air, w->wind);
}

static uint64_t weather_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)p;
	char text[256];
	weather_text(c->snap, text, sizeof text);
	return cw_hash_str(CW_HASH_INIT, text);
}

static void weather_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	char text[256];
	weather_text(c->snap, text, sizeof text);
	rd_header_text(cr, c->theme, p->rect, text, false, c->scale_h);
}

const struct cw_panel_kind cw_panel_weather = {
    .name = "weather", .key = weather_key, .draw = weather_draw};

void cw_format_clock(int64_t now, int utc_offset_min, char date[48], char time_s[16])
{
	static const char *const wd[] = {"日", "一", "二", "三", "四", "五", "六"};
	time_t t = (time_t)(now + (int64_t)utc_offset_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(date, 48, "%04d-%02d-%02d 星期%s", (tm.tm_year + 1900) % 10000,
	         (tm.tm_mon + 1) % 100, tm.tm_mday % 100, wd[tm.tm_wday % 7]);
	snprintf(time_s, 16, "%02d:%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
}

static uint64_t clock_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)p;
	int64_t sec = (int64_t)floor(c->now);
	return cw_hash(CW_HASH_INIT, &sec, sizeof sec);
}

static void clock_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	char date[48], time_s[16];
	cw_format_clock((int64_t)floor(c->now), c->utc_offset_min, date, time_s);
	rd_header_clock(cr, c->theme, p->rect, date, time_s, c->scale_h);
}

static double clock_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)p;
	return floor(c->now) + 1;
}

const struct cw_panel_kind cw_panel_clock = {
    .name = "clock", .key = clock_key, .draw = clock_draw, .next_change = clock_next};
