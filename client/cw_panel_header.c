/* The header's three pieces: the scene title, the weather line, the date and clock. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cw_frame.h"
#include "cw_panel.h"
#include "rd_i18n.h"
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

/* "东北风 2级" in the wall's language: the direction looked up whole, then the force
 * ("级": "force" gives "NE wind force 2"); untranslated, or anything else, as it is. */
static void wind_text(const char *wind, char *buf, size_t size)
{
	static const char ji[] = "级";
	const char *sp = strchr(wind, ' '), *force = rd_tr(ji);
	size_t n = strlen(wind);
	if (!sp || strcmp(force, ji) == 0 || n < sizeof ji ||
	    strcmp(wind + n - (sizeof ji - 1), ji) != 0) {
		snprintf(buf, size, "%s", rd_tr(wind));
		return;
	}
	char dir[64];
	snprintf(dir, sizeof dir, "%.*s", (int)(sp - wind), wind);
	snprintf(buf, size, "%s %s %.*s", rd_tr(dir), force,
	         (int)(wind + n - (sizeof ji - 1) - (sp + 1)), sp + 1);
}

static void weather_text(const struct cw_snapshot *snap, char *buf, size_t size)
{
	if (!snap || !snap->has_metrics || !snap->metrics.has_weather) {
		snprintf(buf, size, "%s", snap && snap->has_metrics ? snap->metrics.city : "");
		return;
	}
	const struct pr_weather *w = &snap->metrics.weather;
	/* the air quality has its own KPI card; the header keeps to the weather */
	char wind[96];
	wind_text(w->wind, wind, sizeof wind);
	snprintf(buf, size, "%s %.0f°C · %s", rd_tr(w->text), w->temp_c, wind);
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
	static const char *const wd[] = {"星期日", "星期一", "星期二", "星期三",
	                                 "星期四", "星期五", "星期六"};
	time_t t = (time_t)(now + (int64_t)utc_offset_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(date, 48, "%04d-%02d-%02d %s", (tm.tm_year + 1900) % 10000,
	         (tm.tm_mon + 1) % 100, tm.tm_mday % 100, rd_tr(wd[tm.tm_wday % 7]));
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

/* The connection indicator: live, connecting, down for how long, or local fixture data. */
static enum rd_conn_look conn_text(const struct cw_panel_ctx *c, char *buf, size_t n)
{
	const struct cw_snapshot *s = c->snap;
	if (!s || (s->live && s->conn == CW_CONN_CONNECTING)) {
		snprintf(buf, n, "正在连接…");
		return RD_CONN_LOOK_WAIT;
	}
	if (!s->live) {
		snprintf(buf, n, "本地数据");
		return RD_CONN_LOOK_WAIT;
	}
	if (s->conn == CW_CONN_OK) {
		snprintf(buf, n, "实时连接");
		return RD_CONN_LOOK_OK;
	}
	int64_t min = ((int64_t)floor(c->now) - s->down_since) / 60;
	if (min < 1)
		snprintf(buf, n, "连接中断");
	else if (min < 60)
		snprintf(buf, n, rd_tr("连接中断 %lld 分钟"), (long long)min);
	else
		snprintf(buf, n, rd_tr("连接中断 %lld 小时"), (long long)(min / 60));
	return RD_CONN_LOOK_DOWN;
}

static uint64_t conn_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)p;
	char text[64];
	enum rd_conn_look look = conn_text(c, text, sizeof text);
	return cw_hash_str(cw_hash(CW_HASH_INIT, &look, sizeof look), text);
}

static void conn_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	char text[64];
	enum rd_conn_look look = conn_text(c, text, sizeof text);
	rd_conn_indicator(cr, c->theme, p->rect, look, text, c->scale_h);
}

const struct cw_panel_kind cw_panel_conn = {.name = "conn", .key = conn_key, .draw = conn_draw};
