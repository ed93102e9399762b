#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bk_sim.h"
#include "pr_json.h"

const struct bk_district_info bk_districts[BK_DISTRICT_COUNT] = {
	{"340102", "瑶海区", 117.309546, 31.857917, 1125000, 9.6e10,
	 {"合肥站", "长江东路", "明光路", "铜陵北路", "大兴镇", "龙岗开发区"}},
	{"340103", "庐阳区", 117.264786, 31.878589, 785000, 1.21e11,
	 {"三孝口", "四牌楼", "逍遥津公园", "杏花公园", "亳州路", "阜阳北路"}},
	{"340104", "蜀山区", 117.260521, 31.851240, 1205000, 1.68e11,
	 {"天鹅湖", "大蜀山", "南七里站", "科学大道", "黄山路", "长江西路"}},
	{"340111", "包河区", 117.309519, 31.793859, 1312000, 1.92e11,
	 {"滨湖新区", "合肥南站", "徽州大道", "包公园", "骆岗公园", "万达城"}},
	{"340121", "长丰县", 117.167564, 32.478018, 801000, 8.1e10,
	 {"双凤开发区", "水湖镇", "岗集镇", "下塘镇", "吴山镇", "杜集乡"}},
	{"340122", "肥东县", 117.469382, 31.887940, 954000, 1.02e11,
	 {"店埠镇", "撮镇", "长临河镇", "肥东经开区", "桥头集镇", "众兴乡"}},
	{"340123", "肥西县", 117.157981, 31.706809, 1046000, 1.21e11,
	 {"上派镇", "三河古镇", "桃花工业园", "紫蓬山", "花岗镇", "严店乡"}},
	{"340124", "庐江县", 117.288200, 31.256524, 946000, 5.1e10,
	 {"庐城镇", "汤池镇", "冶父山", "白湖镇", "金牛镇", "矾山镇"}},
	{"340181", "巢湖市", 117.890354, 31.624522, 723000, 5.0e10,
	 {"卧牛山", "半汤街道", "中庙街道", "姥山岛", "烔炀镇", "柘皋镇"}},
};

const struct bk_district_info *bk_district_find(const char *adcode)
{
	for (int i = 0; i < BK_DISTRICT_COUNT; i++)
		if (strcmp(bk_districts[i].adcode, adcode) == 0)
			return &bk_districts[i];
	return NULL;
}

/* splitmix64 over the arguments: every draw is addressed, never sequential. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t h4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	return mix(mix(mix(seed ^ 0x5bd1e995ULL) ^ a) ^ (b * 0x9e3779b97f4a7c15ULL)) ^ mix(c);
}

static double u4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	return (double)(h4(seed, a, b, c) >> 11) / 9007199254740992.0;
}

/* Smooth noise in [-1, 1] over t with the given period (cosine-interpolated lattice). */
static double smooth(uint64_t seed, uint64_t stream, int64_t t, int64_t period)
{
	int64_t i = t >= 0 ? t / period : (t - period + 1) / period;
	double f = (double)(t - i * period) / (double)period;
	double a = u4(seed, stream, (uint64_t)i, 7) * 2 - 1;
	double b = u4(seed, stream, (uint64_t)(i + 1), 7) * 2 - 1;
	double w = (1 - cos(f * M_PI)) / 2;
	return a * (1 - w) + b * w;
}

static double local_hour(int64_t t)
{
	int64_t s = (t + BK_TZ_OFFSET_MIN * 60) % 86400;
	if (s < 0)
		s += 86400;
	return (double)s / 3600.0;
}

static int64_t local_midnight(int64_t t)
{
	int64_t l = t + BK_TZ_OFFSET_MIN * 60;
	int64_t d = l >= 0 ? l / 86400 : (l - 86399) / 86400;
	return d * 86400 - BK_TZ_OFFSET_MIN * 60;
}

static double aqi_at(uint64_t seed, int64_t t)
{
	double h = local_hour(t);
	return 74 + 16 * cos(2 * M_PI * (h - 8) / 24) + 22 * smooth(seed, 1, t, 6 * 3600) +
	       9 * smooth(seed, 2, t, 5400);
}

static double congestion_at(uint64_t seed, int64_t t)
{
	double h = local_hour(t);
	double c = 1.25 + 0.85 * exp(-(h - 8.2) * (h - 8.2) / 1.2) +
	           0.95 * exp(-(h - 18) * (h - 18) / 1.8) + 0.15 * smooth(seed, 3, t, 1800);
	return c < 1 ? 1 : c;
}

/* Hotline (12345) cases received since local midnight. */
static double hotline_at(uint64_t seed, int64_t t)
{
	int64_t m0 = local_midnight(t);
	double day = 0.85 + 0.3 * u4(seed, 4, (uint64_t)(m0 / 86400), 0);
	double total = 0;
	for (int64_t s = m0; s < t; s += 600) {
		double h = local_hour(s);
		double rate = 40 + 260 * exp(-(h - 10) * (h - 10) / 6) +
		              190 * exp(-(h - 15.5) * (h - 15.5) / 7) + 50 * exp(-(h - 20) * (h - 20) / 4);
		double step = (double)(t - s < 600 ? t - s : 600) / 3600.0;
		total += rate * step * day;
	}
	return floor(total);
}

static double pm25_of(double aqi)
{
	return aqi <= 50 ? aqi * 0.7 : 35 + (aqi - 50) * 0.8;
}

static void history(struct pr_metric *m, uint64_t seed, int64_t t,
                    double (*f)(uint64_t, int64_t), double scale, int decimals)
{
	double p = pow(10, decimals);
	m->history_len = 24;
	for (int i = 0; i < 24; i++) {
		int64_t ti = t - (int64_t)(23 - i) * 3600;
		m->history[i] = round(f(seed, ti) * scale * p) / p;
	}
}

static void metric(struct pr_metric *m, const char *key, const char *label, const char *unit,
                   double value, int decimals, bool hib, double change_pct)
{
	memset(m, 0, sizeof *m);
	snprintf(m->key, sizeof m->key, "%s", key);
	snprintf(m->label, sizeof m->label, "%s", label);
	snprintf(m->unit, sizeof m->unit, "%s", unit);
	double p = pow(10, decimals);
	m->value = round(value * p) / p;
	m->decimals = decimals;
	m->higher_is_better = hib;
	if (!isnan(change_pct)) {
		m->has_change = true;
		m->change_pct = round(change_pct * 10) / 10;
		snprintf(m->change_label, sizeof m->change_label, "较昨日");
	}
}

static double pct(double now, double before)
{
	return before != 0 ? (now - before) / fabs(before) * 100 : 0;
}

static double population_at(int64_t t)
{
	double total = 0;
	for (int i = 0; i < BK_DISTRICT_COUNT; i++)
		total += bk_districts[i].population;
	/* grows about 1.9 % a year */
	return round(total * (1 + 0.019 * (double)(t - 1798732800) / (365.25 * 86400)));
}

static double gdp_ytd(int64_t t)
{
	double total = 0;
	for (int i = 0; i < BK_DISTRICT_COUNT; i++)
		total += bk_districts[i].gdp;
	/* the year's output so far: days since 1 January (local) over the year */
	int64_t l = t + BK_TZ_OFFSET_MIN * 60;
	int64_t day = l / 86400;
	/* 1 January of the year of day: walk back by years from 2026-01-01 (day 20454) */
	int64_t jan1 = 20454;
	while (day < jan1)
		jan1 -= 365;
	while (day >= jan1 + 365)
		jan1 += 365;
	return total * (double)(day - jan1 + 1) / 365.0;
}

/* Day of the year as a fraction 0..1 (local time; 365-day years, as gdp_ytd). */
static double year_frac(int64_t t)
{
	int64_t day = (t + BK_TZ_OFFSET_MIN * 60) / 86400, jan1 = 20454;
	while (day < jan1)
		jan1 -= 365;
	while (day >= jan1 + 365)
		jan1 += 365;
	return ((double)(day - jan1) + local_hour(t) / 24) / 365.0;
}

/* Sensing devices online (台): some 48,600 installed, growing by about 9 a day, 98.5-99.8 %
 * online, with dips when a batch goes offline for maintenance. */
static double sensors_at(uint64_t seed, int64_t t)
{
	double installed = 48600 + 9 * (double)(t - 1795415400) / 86400;
	double online = 0.9915 + 0.0035 * smooth(seed, 80, t, 6 * 3600) +
	                0.0015 * smooth(seed, 81, t, 1800);
	return round(installed * online);
}

/* The city's electric load (万千瓦): a daily curve with a morning, an afternoon and an
 * evening peak, higher in summer (air conditioning) and a little in winter, lower at
 * weekends. A November afternoon is about 950. */
static double power_at(uint64_t seed, int64_t t)
{
	double h = local_hour(t), y = year_frac(t);
	double shape = 0.60 - 0.04 * exp(-(h - 4) * (h - 4) / 4) +
	               0.30 * exp(-(h - 10.5) * (h - 10.5) / 6) +
	               0.26 * exp(-(h - 15.5) * (h - 15.5) / 8) +
	               0.36 * exp(-(h - 19.8) * (h - 19.8) / 5);
	double season = 1 + 0.38 * exp(-pow((y - 0.58) / 0.07, 2)) +
	                0.15 * (exp(-pow((y - 0.04) / 0.08, 2)) + exp(-pow((y - 1.04) / 0.08, 2)));
	int64_t dow = ((local_midnight(t) + BK_TZ_OFFSET_MIN * 60) / 86400 + 4) % 7; /* 0 Sunday */
	double week = dow == 0 || dow == 6 ? 0.93 : 1.0;
	return 1100 * shape * season * week * (1 + 0.025 * smooth(seed, 82, t, 3 * 3600));
}

/* The level of 巢湖 (m): about 8.4 in winter, 9.3 at the end of July, drifting over days. */
static double water_at(uint64_t seed, int64_t t)
{
	double y = year_frac(t);
	return 8.85 + 0.45 * cos(2 * M_PI * (y - 0.57)) + 0.12 * smooth(seed, 83, t, 5 * 86400) +
	       0.01 * smooth(seed, 84, t, 3 * 3600);
}

/* The grid's events of a time window, reduced to what the KPIs need: when each was reported,
 * when each of its steps ends (its fate is fixed when it is reported) and the steps' limits,
 * in seconds after the report. */
struct ev_fate {
	int64_t reported;
	int32_t end[PR_EVENT_STEPS - 1], limit[PR_EVENT_STEPS - 1];
};

struct ev_window {
	size_t n;
	struct ev_fate *v;
};

static void ev_window_init(struct ev_window *w, uint64_t seed, int64_t from, int64_t to);
/* Events reported since local midnight of t, up to t. */
static double ev_today(const struct ev_window *w, int64_t t);
/* Of the events reported in the 24 hours before t that are closed or overdue at t, the
 * percentage closed (events still inside their time limits do not count yet). */
static double ev_closure(const struct ev_window *w, int64_t t);
/* Hours from report to close of the events closed in the 24 hours before t. */
static double ev_handle_hours(const struct ev_window *w, int64_t t);

static void ev_history(struct pr_metric *m, const struct ev_window *w, int64_t t,
                       double (*f)(const struct ev_window *, int64_t))
{
	double p = pow(10, m->decimals);
	m->history_len = 24;
	for (int i = 0; i < 24; i++)
		m->history[i] = round(f(w, t - (int64_t)(23 - i) * 3600) * p) / p;
}

void bk_sim_metrics(uint64_t seed, int64_t t, const struct bk_live *live, struct pr_metrics *m)
{
	memset(m, 0, sizeof *m);
	snprintf(m->city, sizeof m->city, "合肥市");
	m->generated_at = t;
	m->has_weather = true;
	static const char *skies[] = {"晴", "多云", "阴", "小雨", "晴", "多云"};
	static const char *winds[] = {"东北风", "东风", "东南风", "北风", "西北风"};
	int64_t day = local_midnight(t) / 86400;
	snprintf(m->weather.text, sizeof m->weather.text, "%s",
	         skies[h4(seed, 10, (uint64_t)day, 0) % 6]);
	m->weather.temp_c =
	        round((9 + 5 * sin(2 * M_PI * (local_hour(t) - 9) / 24) + 3 * smooth(seed, 11, t, 86400)) *
	              10) / 10;
	snprintf(m->weather.wind, sizeof m->weather.wind, "%s %d级",
	         winds[h4(seed, 12, (uint64_t)day, 0) % 5], 1 + (int)(h4(seed, 13, (uint64_t)day, 0) % 4));
	double aqi = aqi_at(seed, t);
	snprintf(m->weather.air, sizeof m->weather.air, "%s",
	         aqi <= 50 ? "优" : aqi <= 100 ? "良" : aqi <= 150 ? "轻度污染" : "中度污染");

	int open = 0, overdue = 0, active = 0;
	for (int i = 0; live && i < BK_DISTRICT_COUNT; i++) {
		open += live->events_open[i];
		overdue += live->events_overdue[i];
		active += live->alerts_active[i];
	}
	size_t n = 0;
	metric(&m->items[n], "aqi", "空气质量指数", "", aqi, 0, false,
	       pct(aqi, aqi_at(seed, t - 86400)));
	history(&m->items[n++], seed, t, aqi_at, 1, 0);
	metric(&m->items[n], "pm25", "PM2.5浓度", "μg/m³", pm25_of(aqi), 0, false,
	       pct(pm25_of(aqi), pm25_of(aqi_at(seed, t - 86400))));
	history(&m->items[n], seed, t, aqi_at, 1, 0);
	for (size_t i = 0; i < m->items[n].history_len; i++)
		m->items[n].history[i] = round(pm25_of(m->items[n].history[i]));
	n++;
	double cg = congestion_at(seed, t);
	metric(&m->items[n], "congestion", "交通拥堵指数", "", cg, 2, false,
	       pct(cg, congestion_at(seed, t - 86400)));
	history(&m->items[n++], seed, t, congestion_at, 1, 2);
	double hl = hotline_at(seed, t);
	metric(&m->items[n], "hotline_today", "12345热线今日受理", "件", hl, 0, false,
	       pct(hl, hotline_at(seed, t - 86400)));
	m->items[n].history_len = 24;
	for (int i = 0; i < 24; i++)
		m->items[n].history[i] = hotline_at(seed, t - (int64_t)(23 - i) * 3600);
	n++;
	metric(&m->items[n++], "events_open", "网格在办事件", "件", open, 0, false, NAN);
	metric(&m->items[n++], "events_overdue", "超期未办事件", "件", overdue, 0, false, NAN);
	metric(&m->items[n++], "alerts_active", "未处置预警", "条", active, 0, false, NAN);
	double pop = population_at(t);
	metric(&m->items[n++], "population", "常住人口", "人", pop, 0, true,
	       pct(pop, population_at(t - 365 * 86400)));
	m->items[n - 1].has_change = true;
	snprintf(m->items[n - 1].change_label, sizeof m->items[n - 1].change_label, "较上年");
	double gdp = gdp_ytd(t);
	metric(&m->items[n++], "gdp", "地区生产总值(年内累计)", "元", gdp, 0, true, 5.8);
	snprintf(m->items[n - 1].change_label, sizeof m->items[n - 1].change_label, "同比");

	/* From the grid's events of the last three days: yesterday's figures look back 48 hours
	 * and an event takes at most about 22 hours from report to close. */
	struct ev_window w;
	ev_window_init(&w, seed, t - 72 * 3600, t);
	double v = ev_today(&w, t);
	metric(&m->items[n], "events_today", "今日城市事件", "件", v, 0, false,
	       pct(v, ev_today(&w, t - 86400)));
	ev_history(&m->items[n++], &w, t, ev_today);
	v = ev_closure(&w, t);
	metric(&m->items[n], "closure_rate", "事件处置完成率", "%", v, 1, true,
	       pct(v, ev_closure(&w, t - 86400)));
	ev_history(&m->items[n++], &w, t, ev_closure);
	v = ev_handle_hours(&w, t);
	metric(&m->items[n], "avg_handle_hours", "平均处置时长", "小时", v, 1, false,
	       pct(v, ev_handle_hours(&w, t - 86400)));
	ev_history(&m->items[n++], &w, t, ev_handle_hours);
	free(w.v);

	v = sensors_at(seed, t);
	metric(&m->items[n], "sensors_online", "在线感知设备", "台", v, 0, true,
	       pct(v, sensors_at(seed, t - 86400)));
	history(&m->items[n++], seed, t, sensors_at, 1, 0);
	v = power_at(seed, t);
	metric(&m->items[n], "power_load", "全市用电负荷", "万千瓦", v, 1, true,
	       pct(v, power_at(seed, t - 86400)));
	history(&m->items[n++], seed, t, power_at, 1, 1);
	v = water_at(seed, t);
	metric(&m->items[n], "water_level", "巢湖水位", "米", v, 2, false,
	       pct(v, water_at(seed, t - 86400)));
	history(&m->items[n++], seed, t, water_at, 1, 2);
	m->count = n;
}

static const struct {
	const char *key, *label, *unit;
	int decimals;
	bool hib;
} indicators[] = {
	{"aqi", "空气质量指数", "", 0, false},
	{"pm25", "PM2.5浓度", "μg/m³", 0, false},
	{"congestion", "交通拥堵指数", "", 2, false},
	{"hotline_today", "12345热线今日受理", "件", 0, false},
	{"events_open", "网格在办事件", "件", 0, false},
	{"events_overdue", "超期未办事件", "件", 0, false},
	{"alerts_active", "未处置预警", "条", 0, false},
	{"population", "常住人口", "人", 0, true},
	{"gdp", "地区生产总值", "元", 0, true},
};

void bk_sim_districts(uint64_t seed, int64_t t, const struct bk_live *live,
                      struct pr_districts *d)
{
	memset(d, 0, sizeof *d);
	d->generated_at = t;
	d->indicator_count = sizeof indicators / sizeof indicators[0];
	for (size_t i = 0; i < d->indicator_count; i++) {
		struct pr_indicator *p = &d->indicators[i];
		snprintf(p->key, sizeof p->key, "%s", indicators[i].key);
		snprintf(p->label, sizeof p->label, "%s", indicators[i].label);
		snprintf(p->unit, sizeof p->unit, "%s", indicators[i].unit);
		p->decimals = indicators[i].decimals;
		p->higher_is_better = indicators[i].hib;
	}
	double aqi = aqi_at(seed, t), cg = congestion_at(seed, t), hl = hotline_at(seed, t);
	double pop_total = 0;
	for (int i = 0; i < BK_DISTRICT_COUNT; i++)
		pop_total += bk_districts[i].population;
	d->count = BK_DISTRICT_COUNT;
	for (int i = 0; i < BK_DISTRICT_COUNT; i++) {
		const struct bk_district_info *b = &bk_districts[i];
		struct pr_district *p = &d->items[i];
		snprintf(p->adcode, sizeof p->adcode, "%s", b->adcode);
		snprintf(p->name, sizeof p->name, "%s", b->name);
		p->lon = b->lon;
		p->lat = b->lat;
		bool urban = i < 4;
		double a = aqi * (0.85 + 0.3 * u4(seed, 20, (uint64_t)i, 0)) +
		           8 * smooth(seed, 21 + (uint64_t)i, t, 3600);
		p->values[0] = round(a < 15 ? 15 : a);
		p->values[1] = round(pm25_of(p->values[0]));
		double c = 1 + (cg - 1) * (urban ? 1.0 + 0.2 * u4(seed, 30, (uint64_t)i, 0) : 0.45) +
		           0.08 * smooth(seed, 31 + (uint64_t)i, t, 1200);
		p->values[2] = round((c < 1 ? 1 : c) * 100) / 100;
		p->values[3] = floor(hl * b->population / pop_total *
		                     (0.9 + 0.2 * u4(seed, 40, (uint64_t)i, 0)));
		p->values[4] = live ? live->events_open[i] : 0;
		p->values[5] = live ? live->events_overdue[i] : 0;
		p->values[6] = live ? live->alerts_active[i] : 0;
		p->values[7] = round(b->population);
		p->values[8] = round(b->gdp);
	}
}

struct node_def {
	const char *id, *name;
	enum pr_stage stage;
	double share;
};

static const struct {
	const char *id, *name;
	double output; /* 亿元 a year */
	double growth;
	struct node_def nodes[7];
	const char *links[8][2];
} chains[] = {
	{"nev", "新能源汽车", 3600, 23.5,
	 {{"battery", "动力电池", PR_STAGE_UPSTREAM, 0.22},
	  {"motor", "电机电控", PR_STAGE_UPSTREAM, 0.10},
	  {"chip", "车规级芯片", PR_STAGE_UPSTREAM, 0.06},
	  {"parts", "汽车零部件", PR_STAGE_MIDSTREAM, 0.17},
	  {"vehicle", "整车制造", PR_STAGE_MIDSTREAM, 0.38},
	  {"charging", "充换电服务", PR_STAGE_DOWNSTREAM, 0.04},
	  {"aftermarket", "汽车后市场", PR_STAGE_DOWNSTREAM, 0.03}},
	 {{"battery", "vehicle"}, {"motor", "vehicle"}, {"chip", "parts"}, {"parts", "vehicle"},
	  {"vehicle", "charging"}, {"vehicle", "aftermarket"}, {NULL, NULL}, {NULL, NULL}}},
	{"ic", "集成电路", 850, 16.2,
	 {{"design", "芯片设计", PR_STAGE_UPSTREAM, 0.18},
	  {"materials", "材料与设备", PR_STAGE_UPSTREAM, 0.12},
	  {"foundry", "晶圆制造", PR_STAGE_MIDSTREAM, 0.40},
	  {"packaging", "封装测试", PR_STAGE_MIDSTREAM, 0.16},
	  {"apps", "终端应用", PR_STAGE_DOWNSTREAM, 0.14},
	  {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}},
	 {{"design", "foundry"}, {"materials", "foundry"}, {"foundry", "packaging"},
	  {"packaging", "apps"}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}},
	{"display", "新型显示", 1450, 9.8,
	 {{"glass", "玻璃基板", PR_STAGE_UPSTREAM, 0.10},
	  {"driver", "驱动芯片", PR_STAGE_UPSTREAM, 0.08},
	  {"panel", "面板制造", PR_STAGE_MIDSTREAM, 0.52},
	  {"module", "模组", PR_STAGE_MIDSTREAM, 0.15},
	  {"terminal", "智能终端", PR_STAGE_DOWNSTREAM, 0.15},
	  {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}},
	 {{"glass", "panel"}, {"driver", "module"}, {"panel", "module"}, {"module", "terminal"},
	  {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}},
	{"ai", "人工智能", 820, 21.4,
	 {{"compute", "智能算力", PR_STAGE_UPSTREAM, 0.25},
	  {"data", "数据服务", PR_STAGE_UPSTREAM, 0.10},
	  {"models", "语音与大模型", PR_STAGE_MIDSTREAM, 0.30},
	  {"robots", "智能机器人", PR_STAGE_DOWNSTREAM, 0.15},
	  {"apps", "行业应用", PR_STAGE_DOWNSTREAM, 0.20},
	  {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}},
	 {{"compute", "models"}, {"data", "models"}, {"models", "robots"}, {"models", "apps"},
	  {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}},
	{"bio", "生物医药", 560, 11.7,
	 {{"api", "原料药", PR_STAGE_UPSTREAM, 0.20},
	  {"devices", "医疗器械", PR_STAGE_MIDSTREAM, 0.30},
	  {"vaccines", "疫苗与生物制品", PR_STAGE_MIDSTREAM, 0.30},
	  {"health", "医疗健康服务", PR_STAGE_DOWNSTREAM, 0.20},
	  {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}},
	 {{"api", "vaccines"}, {"devices", "health"}, {"vaccines", "health"}, {NULL, NULL},
	  {NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}},
};

static const struct {
	const char *name, *chain, *adcode;
	double lon, lat, output, growth;
} enterprises[] = {
	{"蔚来汽车(合肥)", "nev", "340102", 117.3520, 31.8770, 620, 38.2},
	{"比亚迪合肥基地", "nev", "340121", 117.1690, 32.0450, 980, 45.6},
	{"大众汽车(安徽)", "nev", "340111", 117.3920, 31.7520, 410, 27.1},
	{"国轩高科", "nev", "340111", 117.3080, 31.7600, 340, 18.9},
	{"江淮汽车", "nev", "340102", 117.3340, 31.8820, 450, 9.4},
	{"长鑫存储", "ic", "340121", 117.2080, 31.9590, 260, 31.5},
	{"晶合集成", "ic", "340122", 117.4040, 31.8610, 110, 22.8},
	{"通富微电(合肥)", "ic", "340104", 117.1720, 31.8290, 45, 14.3},
	{"京东方(合肥)", "display", "340122", 117.3920, 31.8680, 520, 7.6},
	{"维信诺(合肥)", "display", "340123", 117.1860, 31.7570, 160, 19.2},
	{"联宝科技", "display", "340104", 117.1820, 31.8090, 1150, 6.1},
	{"科大讯飞", "ai", "340104", 117.1560, 31.8300, 230, 17.8},
	{"阳光电源", "ai", "340104", 117.1940, 31.8060, 720, 26.4},
	{"安科生物", "bio", "340104", 117.1890, 31.8150, 28, 8.9},
	{"智飞龙科马", "bio", "340111", 117.2640, 31.7230, 65, 12.5},
};

static const struct {
	const char *name, *chain, *adcode;
	double investment;
	int64_t signed_at;
	int months; /* to production */
} projects[] = {
	{"新能源汽车零部件产业园二期", "nev", "340122", 120, 1767225600, 24},
	{"动力电池正极材料项目", "nev", "340121", 85, 1772409600, 18},
	{"12英寸晶圆制造扩产项目", "ic", "340122", 210, 1754006400, 30},
	{"车规级芯片封装测试基地", "ic", "340104", 45, 1777593600, 16},
	{"第8.6代AMOLED生产线", "display", "340111", 630, 1743465600, 36},
	{"智能语音产业园三期", "ai", "340104", 38, 1759276800, 14},
	{"人工智能计算中心扩容", "ai", "340111", 26, 1782864000, 10},
	{"生物医药创新产业园", "bio", "340123", 60, 1746057600, 28},
	{"高端医疗器械产业化项目", "bio", "340102", 22, 1788220800, 12},
};

void bk_sim_industry(uint64_t seed, int64_t t, struct pr_industry *in)
{
	memset(in, 0, sizeof *in);
	in->generated_at = t;
	snprintf(in->unit, sizeof in->unit, "亿元");
	int64_t l = t + BK_TZ_OFFSET_MIN * 60;
	int64_t day = l / 86400, jan1 = 20454;
	while (day < jan1)
		jan1 -= 365;
	while (day >= jan1 + 365)
		jan1 += 365;
	double frac = (double)(day - jan1 + 1) / 365.0;
	int64_t week = day / 7;
	in->chain_count = sizeof chains / sizeof chains[0];
	for (size_t c = 0; c < in->chain_count; c++) {
		struct pr_chain *pc = &in->chains[c];
		snprintf(pc->id, sizeof pc->id, "%s", chains[c].id);
		snprintf(pc->name, sizeof pc->name, "%s", chains[c].name);
		double g = chains[c].growth + 2 * (u4(seed, 50, c, (uint64_t)week) - 0.5);
		pc->output = round(chains[c].output * frac * 100) / 100;
		pc->growth_pct = round(g * 10) / 10;
		for (size_t k = 0; k < 7 && chains[c].nodes[k].id; k++) {
			struct pr_chain_node *n = &pc->nodes[pc->node_count++];
			snprintf(n->id, sizeof n->id, "%s", chains[c].nodes[k].id);
			snprintf(n->name, sizeof n->name, "%s", chains[c].nodes[k].name);
			n->stage = chains[c].nodes[k].stage;
			n->output = round(pc->output * chains[c].nodes[k].share * 100) / 100;
			n->growth_pct = round((g + 8 * (u4(seed, 51, c * 16 + k, (uint64_t)week) - 0.5)) *
			                      10) / 10;
			n->enterprises = 12 + (int)(h4(seed, 52, c * 16 + k, 0) % 140);
		}
		for (size_t k = 0; k < 8 && chains[c].links[k][0]; k++) {
			struct pr_chain_link *lk = &pc->links[pc->link_count++];
			snprintf(lk->from, sizeof lk->from, "%s", chains[c].links[k][0]);
			snprintf(lk->to, sizeof lk->to, "%s", chains[c].links[k][1]);
		}
		struct pr_sector *s = &in->sectors[in->sector_count++];
		snprintf(s->name, sizeof s->name, "%s", chains[c].name);
		s->output = pc->output;
		s->growth_pct = pc->growth_pct;
	}
	static const struct {
		const char *name;
		double output, growth;
	} more[] = {{"装备制造", 2100, 8.2}, {"家电", 1650, 4.1}, {"光伏及新能源", 1300, 19.5},
	            {"节能环保", 420, 7.3}};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
		struct pr_sector *s = &in->sectors[in->sector_count++];
		snprintf(s->name, sizeof s->name, "%s", more[i].name);
		s->output = round(more[i].output * frac * 100) / 100;
		s->growth_pct =
		        round((more[i].growth + 2 * (u4(seed, 53, i, (uint64_t)week) - 0.5)) * 10) / 10;
	}
	in->enterprise_count = sizeof enterprises / sizeof enterprises[0];
	for (size_t i = 0; i < in->enterprise_count; i++) {
		struct pr_enterprise *e = &in->enterprises[i];
		snprintf(e->name, sizeof e->name, "%s", enterprises[i].name);
		snprintf(e->chain, sizeof e->chain, "%s", enterprises[i].chain);
		snprintf(e->adcode, sizeof e->adcode, "%s", enterprises[i].adcode);
		e->lon = enterprises[i].lon;
		e->lat = enterprises[i].lat;
		e->output = round(enterprises[i].output * frac * 100) / 100;
		e->growth_pct = round((enterprises[i].growth +
		                       3 * (u4(seed, 54, i, (uint64_t)week) - 0.5)) * 10) / 10;
	}
	for (size_t i = 0; i < sizeof projects / sizeof projects[0]; i++) {
		if (projects[i].signed_at > t)
			continue;
		struct pr_project *p = &in->projects[in->project_count++];
		snprintf(p->id, sizeof p->id, "PJ%04zu", i + 1);
		snprintf(p->name, sizeof p->name, "%s", projects[i].name);
		snprintf(p->chain, sizeof p->chain, "%s", projects[i].chain);
		snprintf(p->adcode, sizeof p->adcode, "%s", projects[i].adcode);
		p->investment = projects[i].investment;
		p->signed_at = projects[i].signed_at;
		double months = (double)(t - projects[i].signed_at) / (30.4 * 86400);
		double prog = months / projects[i].months * 100;
		prog = prog > 100 ? 100 : prog;
		p->progress_pct = round(prog * 10) / 10;
		p->phase = prog >= 100  ? PR_PHASE_PRODUCING
		           : prog >= 25 ? PR_PHASE_BUILDING
		           : prog >= 8  ? PR_PHASE_STARTED
		                        : PR_PHASE_SIGNED;
	}
}

/* Alerts: about five an hour, graded 1 (3 %), 2 (12 %), 3 (35 %), 4 (50 %). */
static const struct {
	const char *category, *fmt; /* fmt: %s district, %s place */
} alert_templates[] = {
	{"应急", "%s%s附近燃气管道泄漏，已疏散周边群众"},
	{"应急", "%s%s出现城市内涝积水，最深约40厘米"},
	{"应急", "%s%s一居民楼发生火情，消防已到场处置"},
	{"交通", "%s%s发生多车追尾事故，占用两条车道"},
	{"交通", "%s%s路段严重拥堵，持续超过30分钟"},
	{"交通", "%s%s信号灯大面积故障"},
	{"安全生产", "%s%s在建工地塔吊风速超限"},
	{"安全生产", "%s%s企业储罐温度异常升高"},
	{"安全生产", "%s%s深基坑监测位移超过预警值"},
	{"生态环保", "%s%s空气PM2.5小时浓度超过预警阈值"},
	{"生态环保", "%s%s监测断面水质氨氮超标"},
	{"生态环保", "%s%s工地扬尘在线监测超标"},
	{"市场监管", "%s%s农贸市场抽检农药残留超标"},
	{"市场监管", "%s%s商场电梯困人"},
	{"城市管理", "%s%s路面塌陷，已设置围挡"},
	{"城市管理", "%s%s供水主管爆裂，周边停水"},
	{"城市管理", "%s%s井盖缺失，存在安全隐患"},
};

size_t bk_sim_alerts(uint64_t seed, int64_t minute, struct pr_alert_in out[2])
{
	double u = u4(seed, 60, (uint64_t)minute, 0);
	size_t n = u < 0.006 ? 2 : u < 0.085 ? 1 : 0;
	for (size_t k = 0; k < n; k++) {
		struct pr_alert_in *a = &out[k];
		memset(a, 0, sizeof *a);
		double g = u4(seed, 61, (uint64_t)minute, k);
		a->grade = g < 0.03 ? 1 : g < 0.15 ? 2 : g < 0.50 ? 3 : 4;
		size_t tpl = h4(seed, 62, (uint64_t)minute, k) % (sizeof alert_templates /
		                                                  sizeof alert_templates[0]);
		const struct bk_district_info *d =
		        &bk_districts[h4(seed, 63, (uint64_t)minute, k) % BK_DISTRICT_COUNT];
		const char *place = d->places[h4(seed, 64, (uint64_t)minute, k) % 6];
		snprintf(a->category, sizeof a->category, "%s", alert_templates[tpl].category);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(a->title, sizeof a->title, alert_templates[tpl].fmt, d->name, place);
#pragma GCC diagnostic pop
		snprintf(a->adcode, sizeof a->adcode, "%s", d->adcode);
		a->has_location = true;
		a->lon = round((d->lon + (u4(seed, 65, (uint64_t)minute, k) - 0.5) * 0.06) * 1e6) / 1e6;
		a->lat = round((d->lat + (u4(seed, 66, (uint64_t)minute, k) - 0.5) * 0.05) * 1e6) / 1e6;
		snprintf(a->source_id, sizeof a->source_id, "sim:%lld:%zu", (long long)minute, k);
		a->raised_at = minute * 60 + (int64_t)(h4(seed, 67, (uint64_t)minute, k) % 60);
	}
	return n;
}

int64_t bk_sim_alert_duration(uint64_t seed, const char *source_id)
{
	long long minute;
	unsigned k;
	if (sscanf(source_id, "sim:%lld:%u", &minute, &k) != 2)
		return -1;
	return 25 + (int64_t)(h4(seed, 68, (uint64_t)minute, k) % 95);
}

static const struct {
	const char *category, *type, *fmt;
	int limit_handle_min; /* time allowed to handle once dispatched */
} event_kinds[] = {
	{"城市管理", "占道经营", "%s%s附近流动摊贩占道经营", 120},
	{"城市管理", "乱堆物料", "%s%s人行道堆放建筑垃圾", 240},
	{"城市管理", "违规广告", "%s%s违规设置户外广告牌", 480},
	{"城市管理", "道路破损", "%s%s机动车道路面破损坑洼", 480},
	{"城市管理", "垃圾满溢", "%s%s垃圾桶满溢未及时清运", 120},
	{"城市管理", "井盖缺失", "%s%s人行道井盖破损", 60},
	{"生态环保", "噪音扰民", "%s%s夜间施工噪音扰民", 120},
	{"生态环保", "油烟污染", "%s%s餐饮店油烟直排", 240},
	{"生态环保", "露天焚烧", "%s%s露天焚烧垃圾", 60},
	{"交通", "违停占道", "%s%s车辆违停堵塞消防通道", 60},
	{"交通", "信号灯故障", "%s%s路口信号灯故障", 90},
	{"交通", "护栏损坏", "%s%s道路隔离护栏损坏", 240},
	{"安全生产", "电动车违规充电", "%s%s楼道内电动车飞线充电", 120},
	{"安全生产", "燃气隐患", "%s%s餐饮店燃气管线老化", 120},
	{"市场监管", "无证经营", "%s%s无证经营食品摊点", 480},
	{"市场监管", "价格投诉", "%s%s商户明码标价不规范", 480},
	{"应急", "树木倒伏", "%s%s行道树倒伏影响通行", 60},
	{"应急", "积水内涝", "%s%s下穿通道积水", 60},
};

int bk_sim_event_count(uint64_t seed, int64_t minute)
{
	double h = local_hour(minute * 60);
	double rate = 0.15 + 0.75 * exp(-(h - 10) * (h - 10) / 8) + 0.6 * exp(-(h - 16) * (h - 16) / 8);
	double u = u4(seed, 70, (uint64_t)minute, 0);
	return u < rate * 0.12 ? 2 : u < rate * 0.8 ? 1 : 0;
}

/* The fate of event k of minute `minute`, fixed when it is reported: its kind, report time,
 * the time limit and the duration of each step (minutes). */
struct event_plan {
	size_t kind;
	int64_t at;
	int64_t limit[PR_EVENT_STEPS];
	int64_t dur[PR_EVENT_STEPS - 1];
};

static void event_plan(uint64_t seed, int64_t minute, int k, struct event_plan *p)
{
	uint64_t m = (uint64_t)minute, kk = (uint64_t)k;
	p->kind = h4(seed, 71, m, kk) % (sizeof event_kinds / sizeof event_kinds[0]);
	/* the city's 时限 of each step */
	int64_t limit[PR_EVENT_STEPS] = {30, event_kinds[p->kind].limit_handle_min, 60, 60, 0};
	memcpy(p->limit, limit, sizeof limit);
	for (int s = 0; s < PR_EVENT_STEPS - 1; s++) {
		double u = u4(seed, 77, m * 8 + kk, (uint64_t)s);
		/* mostly inside the limit, one in eight over it */
		double f = u < 0.875 ? 0.15 + 0.8 * (u / 0.875) : 1.05 + (u - 0.875) * 8;
		p->dur[s] = 1 + (int64_t)(f * (double)limit[s]);
	}
	p->at = minute * 60 + (int64_t)(h4(seed, 78, m, kk) % 60);
}

void bk_sim_event(uint64_t seed, int64_t minute, int k, int64_t t, struct pr_event *e)
{
	memset(e, 0, sizeof *e);
	uint64_t m = (uint64_t)minute, kk = (uint64_t)k;
	struct event_plan p;
	event_plan(seed, minute, k, &p);
	size_t kind = p.kind;
	size_t di = h4(seed, 72, m, kk) % BK_DISTRICT_COUNT;
	const struct bk_district_info *d = &bk_districts[di];
	const char *place = d->places[h4(seed, 73, m, kk) % 6];
	char when[32];
	pr_time_format(minute * 60, BK_TZ_OFFSET_MIN, when);
	/* "2026-11-23T14:30:00+08:00" -> EV202611231430NN */
	snprintf(e->id, sizeof e->id, "EV%.4s%.2s%.2s%.2s%.2s%02d", when, when + 5, when + 8,
	         when + 11, when + 14, k);
	snprintf(e->category, sizeof e->category, "%s", event_kinds[kind].category);
	snprintf(e->type, sizeof e->type, "%s", event_kinds[kind].type);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(e->title, sizeof e->title, event_kinds[kind].fmt, d->name, place);
#pragma GCC diagnostic pop
	snprintf(e->address, sizeof e->address, "%s%s", d->name, place);
	e->lon = round((d->lon + (u4(seed, 74, m, kk) - 0.5) * 0.08) * 1e6) / 1e6;
	e->lat = round((d->lat + (u4(seed, 75, m, kk) - 0.5) * 0.06) * 1e6) / 1e6;
	snprintf(e->adcode, sizeof e->adcode, "%s", d->adcode);
	snprintf(e->grid, sizeof e->grid, "%s-%03d", d->adcode,
	         1 + (int)(h4(seed, 76, m, kk) % 48));
	const int64_t *limit = p.limit, *dur = p.dur;
	e->step_at[0] = p.at;
	e->status = PR_EVENT_REPORTED;
	for (int s = 0; s < PR_EVENT_STEPS - 1; s++) {
		int64_t next = e->step_at[s] + dur[s] * 60;
		if (next > t)
			break;
		e->step_at[s + 1] = next;
		e->status = (enum pr_event_status)(s + 1);
	}
	if (e->status == PR_EVENT_CLOSED) {
		e->deadline = 0;
		/* overdue stays true for an event that missed any limit */
		for (int s = 0; s < PR_EVENT_STEPS - 1; s++)
			if (dur[s] > limit[s])
				e->overdue = true;
	} else {
		e->deadline = e->step_at[e->status] + limit[e->status] * 60;
		e->overdue = t > e->deadline;
		for (int s = 0; s < (int)e->status; s++)
			if (dur[s] > limit[s])
				e->overdue = true;
	}
}

static void ev_window_init(struct ev_window *w, uint64_t seed, int64_t from, int64_t to)
{
	int64_t m0 = from / 60, m1 = to / 60;
	size_t cap = (size_t)(m1 - m0 + 1) * BK_SIM_EVENTS_PER_MINUTE_MAX;
	w->n = 0;
	w->v = malloc(cap * sizeof *w->v);
	if (!w->v)
		abort();
	for (int64_t m = m0; m <= m1; m++) {
		int ne = bk_sim_event_count(seed, m);
		for (int k = 0; k < ne; k++) {
			struct event_plan p;
			event_plan(seed, m, k, &p);
			struct ev_fate *f = &w->v[w->n++];
			f->reported = p.at;
			int64_t end = 0;
			for (int s = 0; s < PR_EVENT_STEPS - 1; s++) {
				end += p.dur[s] * 60;
				f->end[s] = (int32_t)end;
				f->limit[s] = (int32_t)(p.limit[s] * 60);
			}
		}
	}
}

static bool ev_closed(const struct ev_fate *f, int64_t t)
{
	return f->reported + f->end[PR_EVENT_STEPS - 2] <= t;
}

/* As bk_sim_event's overdue, for an event not closed at t. */
static bool ev_overdue(const struct ev_fate *f, int64_t t)
{
	int64_t age = t - f->reported, start = 0;
	for (int s = 0; s < PR_EVENT_STEPS - 1; s++) {
		if (f->end[s] > age)
			return age - start > f->limit[s];
		if (f->end[s] - start > f->limit[s])
			return true;
		start = f->end[s];
	}
	return false;
}

static double ev_today(const struct ev_window *w, int64_t t)
{
	int64_t m0 = local_midnight(t);
	double n = 0;
	for (size_t i = 0; i < w->n; i++)
		n += w->v[i].reported >= m0 && w->v[i].reported <= t;
	return n;
}

static double ev_closure(const struct ev_window *w, int64_t t)
{
	double settled = 0, closed = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct ev_fate *f = &w->v[i];
		if (f->reported <= t - 86400 || f->reported > t)
			continue;
		if (ev_closed(f, t)) {
			closed++;
			settled++;
		} else if (ev_overdue(f, t)) {
			settled++;
		}
	}
	return settled > 0 ? closed / settled * 100 : 100;
}

static double ev_handle_hours(const struct ev_window *w, int64_t t)
{
	double n = 0, sum = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct ev_fate *f = &w->v[i];
		int64_t closed = f->reported + f->end[PR_EVENT_STEPS - 2];
		if (closed <= t - 86400 || closed > t)
			continue;
		n++;
		sum += (double)(closed - f->reported) / 3600;
	}
	return n > 0 ? sum / n : 0;
}

bool bk_sim_event_id_parse(const char *id, int64_t *minute, int *k)
{
	int y, mo, d, h, mi, kk, n = 0;
	if (sscanf(id, "EV%4d%2d%2d%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &kk, &n) != 6 || n != 16 ||
	    id[16])
		return false;
	char buf[40];
	int64_t t;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00+08:00", y, mo, d, h, mi);
	if (!pr_time_parse(buf, &t, NULL))
		return false;
	*minute = t / 60;
	*k = kk;
	return true;
}
