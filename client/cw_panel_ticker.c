/* The alert ticker: a strip under the grid on every scene. Alerts that are not resolved scroll
 * by, colored by grade, new ones flashing until acknowledged, with the count of
 * unacknowledged alerts per grade fixed at the right. While a grade-1 (特别重大) alert is
 * unacknowledged the strip becomes its banner.
 *
 * Everything moving derives from the clock (offset = seconds × speed), so every tile of a
 * spliced wall scrolls in step and a snapshot at a given clock is always the same picture.
 * The items are rendered once into an opaque strip (rd_ticker_new); a step repaints the
 * visible window of it at a whole-pixel offset. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_alarm.h"
#include "cw_panel.h"
#include "rd_charts.h"
#include "rd_widgets.h"

enum {
	TICKER_SPEED = 110,     /* px/s at a 1080-pixel-high screen; scaled with it */
	FLASH_STEPS = 8,        /* flash states per second for new alerts */
	BANNER_STEPS = 12,      /* banner pulse states per period */
	TICKER_ITEMS_MAX = 200, /* the newest and most severe first; the rest are counted only */
};
static const double banner_period_s = 1.5;

struct ticker_state {
	struct rd_ticker *strip;
	uint64_t items_key; /* what strip shows; 0: nothing built */
};

static bool shown(const struct pr_alert *a)
{
	return a->status != PR_ALERT_RESOLVED && a->grade >= PR_GRADE_MIN &&
	       a->grade <= PR_GRADE_MAX;
}

/* The unacknowledged grade-1 alert the banner shows, or NULL (alerts are in screen order:
 * new before acked, most severe first, newest first).
 * Escalation (issue 7, cw_alarm.h): a grade-2 alert left unacknowledged past the configured
 * escalate_after_s gets the banner too; cw_alarm_escalated says exactly that. */
static const struct pr_alert *banner_alert(const struct cw_snapshot *snap, double now)
{
	for (size_t i = 0; snap && i < snap->alert_count; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (a->status == PR_ALERT_NEW && (a->grade == 1 || cw_alarm_escalated(a, now)))
			return a;
	}
	return NULL;
}

static const char *place_of(const struct cw_snapshot *snap, const struct pr_alert *a)
{
	const struct pr_district *d =
	    snap->has_districts ? pr_districts_find(&snap->districts, a->adcode) : NULL;
	return d ? d->name : a->adcode;
}

static uint64_t items_key(const struct cw_snapshot *snap, int h, int counts[RD_GRADES],
                          bool *any_new)
{
	uint64_t k = cw_hash(CW_HASH_INIT, &h, sizeof h);
	*any_new = false;
	memset(counts, 0, sizeof(int) * RD_GRADES);
	size_t n = 0;
	for (size_t i = 0; snap && i < snap->alert_count; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (!shown(a))
			continue;
		if (a->status == PR_ALERT_NEW) {
			counts[a->grade - 1]++;
			*any_new = true;
		}
		if (n++ >= TICKER_ITEMS_MAX)
			continue;
		k = cw_hash_str(k, a->id);
		k = cw_hash(k, &a->seq, sizeof a->seq);
		k = cw_hash_str(k, place_of(snap, a));
	}
	return n ? k : 0;
}

static double speed(const struct cw_panel_ctx *c)
{
	return fmax(1, round(TICKER_SPEED * c->scale_h / 1080.0));
}

static void rebuild(struct ticker_state *s, const struct cw_panel *p,
                    const struct cw_panel_ctx *c, uint64_t key)
{
	if (key == s->items_key)
		return;
	rd_ticker_free(s->strip);
	s->strip = NULL;
	s->items_key = key;
	if (!key)
		return;
	const struct cw_snapshot *snap = c->snap;
	struct rd_ticker_item *items = calloc(TICKER_ITEMS_MAX, sizeof *items);
	if (!items)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < snap->alert_count && n < TICKER_ITEMS_MAX; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (!shown(a))
			continue;
		items[n++] = (struct rd_ticker_item){.grade = a->grade,
		                                     .place = place_of(snap, a),
		                                     .title = a->title,
		                                     .is_new = a->status == PR_ALERT_NEW};
	}
	s->strip = rd_ticker_new(c->theme, items, n, (int)round(p->rect.h), c->scale_h);
	free(items);
}

static void ticker_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	(void)c;
	p->state = calloc(1, sizeof(struct ticker_state));
	if (!p->state)
		abort();
}

static void ticker_finish(struct cw_panel *p)
{
	struct ticker_state *s = p->state;
	if (s)
		rd_ticker_free(s->strip);
	free(s);
}

/* The picture's moving parts at c->now. */
struct motion {
	long offset;
	int flash, pulse; /* steps; -1 when not moving */
};

static struct motion motion_at(struct ticker_state *s, const struct cw_panel_ctx *c,
                               bool any_new, bool banner)
{
	struct motion m = {0, -1, -1};
	if (banner) {
		m.pulse = (int)floor(fmod(c->now, banner_period_s) / banner_period_s * BANNER_STEPS);
		return m;
	}
	int period = rd_ticker_period(s->strip);
	if (period > 0)
		m.offset = (long)fmod(floor(c->now * speed(c)), period);
	if (any_new)
		m.flash = (int)floor(fmod(c->now, 1.0) * FLASH_STEPS);
	return m;
}

static uint64_t ticker_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct ticker_state *s = p->state;
	int counts[RD_GRADES];
	bool any_new;
	uint64_t items = items_key(c->snap, (int)round(p->rect.h), counts, &any_new);
	const struct pr_alert *b = banner_alert(c->snap, c->now);
	uint64_t k = cw_hash(CW_HASH_INIT, &items, sizeof items);
	k = cw_hash(k, counts, sizeof counts);
	if (b) {
		k = cw_hash_str(k, b->id);
		k = cw_hash(k, &b->seq, sizeof b->seq);
	} else {
		rebuild(s, p, c, items);
	}
	struct motion m = motion_at(s, c, any_new, b != NULL);
	return cw_hash(k, &m, sizeof m);
}

static void ticker_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	struct ticker_state *s = p->state;
	int counts[RD_GRADES];
	bool any_new;
	uint64_t items = items_key(c->snap, (int)round(p->rect.h), counts, &any_new);
	const struct pr_alert *b = banner_alert(c->snap, c->now);
	if (b) {
		char when[16];
		time_t t = (time_t)(b->raised_at + (int64_t)c->utc_offset_min * 60);
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(when, sizeof when, "%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100);
		struct motion m = motion_at(s, c, any_new, true);
		struct rd_banner banner = {.title = b->title,
		                           .time = when,
		                           .place = place_of(c->snap, b),
		                           .phase = (double)m.pulse / BANNER_STEPS};
		rd_banner_draw(cr, c->theme, p->rect, &banner, c->scale_h);
		return;
	}
	rebuild(s, p, c, items);
	struct motion m = motion_at(s, c, any_new, false);
	double phase = m.flash >= 0 ? (double)m.flash / FLASH_STEPS : 0.5;
	rd_ticker_draw(cr, c->theme, p->rect, s->strip, m.offset, phase, counts, c->scale_h);
}

static double ticker_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct ticker_state *s = p->state;
	if (banner_alert(c->snap, c->now)) {
		double step = banner_period_s / BANNER_STEPS;
		return (floor(c->now / step) + 1) * step;
	}
	if (!s->strip)
		return 0;
	/* the next whole pixel, but not more often than a display refreshes */
	double px = (floor(c->now * speed(c)) + 1) / speed(c);
	double frame = (floor(c->now * 60) + 1) / 60;
	return px > frame ? px : frame;
}

const struct cw_panel_kind cw_panel_ticker = {.name = "ticker",
                                              .init = ticker_init,
                                              .key = ticker_key,
                                              .draw = ticker_draw,
                                              .next_change = ticker_next,
                                              .finish = ticker_finish};

const struct pr_alert *cw_panel_ticker_alert_at(struct cw_panel *p, const struct cw_panel_ctx *c,
                                                double x, double y, double slop)
{
	if (!p || p->kind != &cw_panel_ticker || !p->state || !c->snap ||
	    !(x >= p->rect.x && x < p->rect.x + p->rect.w && y >= p->rect.y &&
	      y < p->rect.y + p->rect.h))
		return NULL;
	const struct pr_alert *b = banner_alert(c->snap, c->now);
	if (b)
		return b;
	struct ticker_state *s = p->state;
	int counts[RD_GRADES];
	bool any_new;
	rebuild(s, p, c, items_key(c->snap, (int)round(p->rect.h), counts, &any_new));
	struct motion m = motion_at(s, c, any_new, false);
	int i = rd_ticker_item_at(c->theme, p->rect, s->strip, m.offset, counts, c->scale_h, x, slop);
	/* the i-th alert the strip was built from (rebuild's order) */
	for (size_t k = 0, n = 0; i >= 0 && k < c->snap->alert_count; k++)
		if (shown(&c->snap->alerts[k]) && (int)n++ == i)
			return &c->snap->alerts[k];
	return NULL;
}
