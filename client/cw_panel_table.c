/* The scrolling table (轮播表) bound to a list of the snapshot ("bind"):
 *   events.latest  grid events, newest reported first: time, type, title, district, status
 *   alerts.latest  alerts, newest raised first: time, grade, title, district, status
 * When there are more rows than fit, the table advances one row every STEP_S seconds with a
 * short eased slide. The position is a function of the clock alone (never of how many frames
 * were drawn), so every PC of a wall and every golden at a fixed clock show the same rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cw_panel.h"
#include "pr_err.h"
#include "rd_charts.h"
#include "rd_draw.h"
#include "rd_widgets.h"

enum {
	ROWS_MAX = 50,     /* the newest rows the carousel cycles through */
	COLS_MAX = 5,
	SLIDE_FRAMES = 15, /* animation frames of one slide */
};
static const double STEP_S = 3.0;  /* one row every 3 s */
static const double SLIDE_S = 0.5; /* of which the last 0.5 s slide */

enum bind { BIND_UNKNOWN, BIND_EVENTS_LATEST, BIND_ALERTS_LATEST };
static const char *const bind_names[] = {"", "events.latest", "alerts.latest"};

struct state {
	enum bind bind;
	struct rd_rect table; /* where the table goes inside the frame */
	int visible;          /* whole body rows it shows */
	bool narrow;          /* too narrow for the type/grade column */
	/* The panel's frame as drawn on cr's target (background and frame, before the table):
	 * usable while the last draw there was the table over it. */
	struct cw_still still;
	struct rd_table_cache *rows_pic; /* the carousel's rows as a picture, for its slides */
};

/* The rows of one frame: cells as rd_table takes them. */
struct rows {
	size_t n, cols;
	char text[ROWS_MAX][COLS_MAX][160];
	const char *cells[ROWS_MAX * COLS_MAX];
	struct rd_color colors[ROWS_MAX * COLS_MAX];
};

static void hhmm(int64_t t, int offset_min, char *buf, size_t size)
{
	time_t lt = (time_t)(t + (int64_t)offset_min * 60);
	struct tm tm;
	gmtime_r(&lt, &tm);
	pr_fmt(buf, size, "%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100);
}

/* The district's name from districts.json, else the first word of the address, else the
 * code. */
static void district_name(const struct cw_snapshot *s, const char *adcode, const char *address,
                          char *buf, size_t size)
{
	const struct pr_district *d =
	    s->has_districts ? pr_districts_find(&s->districts, adcode) : NULL;
	if (d && d->name[0]) {
		pr_fmt(buf, size, "%s", d->name);
	} else if (address && address[0]) {
		size_t n = strcspn(address, " ");
		pr_fmt(buf, size, "%.*s", (int)(n < 64 ? n : 64), address);
	} else {
		pr_fmt(buf, size, "%s", adcode);
	}
}

/* The title without the district's name in front ("巢湖市柘皋镇…" -> "柘皋镇…"): the
 * district has a column of its own, and the title needs the room. */
static const char *without_prefix(const char *title, const char *district)
{
	size_t n = strlen(district);
	if (n > 0 && strncmp(title, district, n) == 0 && title[n] != '\0')
		return title + n + strspn(title + n, " ");
	return title;
}

static bool has_source(const struct cw_snapshot *s, enum bind b)
{
	if (!s)
		return false;
	if (b == BIND_EVENTS_LATEST)
		return s->src[CW_SRC_EVENTS].has;
	if (b == BIND_ALERTS_LATEST)
		return s->src[CW_SRC_ALERTS].has;
	return false;
}

/* Newest first; ties by id so the order never depends on qsort. */
static int event_cmp(const void *a, const void *b)
{
	const struct pr_event *x = *(const struct pr_event *const *)a,
	                      *y = *(const struct pr_event *const *)b;
	int64_t tx = x->step_at[PR_EVENT_REPORTED], ty = y->step_at[PR_EVENT_REPORTED];
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(y->id, x->id);
}

static int alert_cmp(const void *a, const void *b)
{
	const struct pr_alert *x = *(const struct pr_alert *const *)a,
	                      *y = *(const struct pr_alert *const *)b;
	if (x->raised_at != y->raised_at)
		return x->raised_at > y->raised_at ? -1 : 1;
	return strcmp(y->id, x->id);
}

static struct rd_color status_color(const struct rd_theme *th, const struct pr_event *e)
{
	if (e->overdue && e->status != PR_EVENT_CLOSED)
		return th->colors[RD_BAD];
	switch (e->status) {
	case PR_EVENT_REPORTED:
		return th->grade[1]; /* waiting for dispatch */
	case PR_EVENT_DISPATCHED:
	case PR_EVENT_HANDLED:
		return th->colors[RD_ACCENT];
	case PR_EVENT_VERIFIED:
		return th->grade[2];
	default:
		return th->colors[RD_GOOD];
	}
}

static void put(struct rows *r, size_t row, size_t col, struct rd_color color, const char *s)
{
	pr_fmt(r->text[row][col], sizeof r->text[row][col], "%s", s);
	r->colors[row * r->cols + col] = color;
}

static void build_events(const struct cw_snapshot *s, const struct cw_panel_ctx *c, bool narrow,
                         struct rows *r)
{
	const struct rd_theme *th = c->theme;
	struct rd_color none = {0, 0, 0, 0};
	size_t n = s->event_count;
	const struct pr_event **ev = malloc((n ? n : 1) * sizeof *ev);
	if (!ev)
		abort();
	for (size_t i = 0; i < n; i++)
		ev[i] = &s->events[i];
	qsort(ev, n, sizeof *ev, event_cmp);
	r->cols = narrow ? 4 : 5;
	r->n = n < ROWS_MAX ? n : ROWS_MAX;
	for (size_t i = 0; i < r->n; i++) {
		const struct pr_event *e = ev[i];
		char t[16], d[64], st[32];
		size_t k = 0;
		hhmm(e->step_at[PR_EVENT_REPORTED], c->utc_offset_min, t, sizeof t);
		put(r, i, k++, th->colors[RD_TEXT_DIM], t);
		if (!narrow)
			put(r, i, k++, none, e->type[0] ? e->type : e->category);
		district_name(s, e->adcode, e->address, d, sizeof d);
		put(r, i, k++, none, without_prefix(e->title, d));
		put(r, i, k++, none, d);
		/* Open and overdue: the step it waits for ran late ("处置超期" for a dispatched
		 * event); otherwise the step reached ("已派遣"). */
		if (e->overdue && e->status != PR_EVENT_CLOSED)
			pr_fmt(st, sizeof st, "%s超期", pr_event_status_label((enum pr_event_status)(e->status + 1)));
		else
			pr_fmt(st, sizeof st, "已%s", pr_event_status_label(e->status));
		put(r, i, k++, status_color(th, e), st);
	}
	free(ev);
}

static void build_alerts(const struct cw_snapshot *s, const struct cw_panel_ctx *c, bool narrow,
                         struct rows *r)
{
	const struct rd_theme *th = c->theme;
	struct rd_color none = {0, 0, 0, 0};
	size_t n = s->alert_count;
	const struct pr_alert **al = malloc((n ? n : 1) * sizeof *al);
	if (!al)
		abort();
	for (size_t i = 0; i < n; i++)
		al[i] = &s->alerts[i];
	qsort(al, n, sizeof *al, alert_cmp);
	r->cols = narrow ? 4 : 5;
	r->n = n < ROWS_MAX ? n : ROWS_MAX;
	for (size_t i = 0; i < r->n; i++) {
		const struct pr_alert *a = al[i];
		char t[16], d[64];
		size_t k = 0;
		int g = a->grade >= PR_GRADE_MIN && a->grade <= PR_GRADE_MAX ? a->grade : PR_GRADE_MAX;
		hhmm(a->raised_at, c->utc_offset_min, t, sizeof t);
		put(r, i, k++, th->colors[RD_TEXT_DIM], t);
		if (!narrow)
			put(r, i, k++, th->grade[g - 1], pr_grade_name(g));
		district_name(s, a->adcode, NULL, d, sizeof d);
		put(r, i, k++, narrow ? th->grade[g - 1] : none, without_prefix(a->title, d));
		put(r, i, k++, none, d);
		const char *st = a->status == PR_ALERT_NEW     ? "待确认"
		                 : a->status == PR_ALERT_ACKED ? "已确认"
		                                               : "已处置";
		struct rd_color sc = a->status == PR_ALERT_NEW     ? th->grade[1]
		                     : a->status == PR_ALERT_ACKED ? th->colors[RD_ACCENT]
		                                                   : th->colors[RD_GOOD];
		put(r, i, k++, sc, st);
	}
	free(al);
}

/* Fills r; false when the panel shows its empty state. */
static bool build(const struct cw_panel *p, const struct cw_panel_ctx *c, struct rows *r)
{
	const struct state *st = p->state;
	r->n = 0;
	if (!st || !has_source(c->snap, st->bind))
		return false;
	if (st->bind == BIND_EVENTS_LATEST)
		build_events(c->snap, c, st->narrow, r);
	else
		build_alerts(c->snap, c, st->narrow, r);
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->cols; k++)
			r->cells[i * r->cols + k] = r->text[i][k];
	return true;
}

/* The carousel at `now`, in 1/SLIDE_FRAMES of a row since the epoch: at rest for most of
 * each step, then SLIDE_FRAMES frames of slide at its end, the last of which equals the rest
 * position of the next step. */
static long long carousel_pos(double now)
{
	double k = floor(now / STEP_S), t = now - k * STEP_S, rest = STEP_S - SLIDE_S;
	long long pos = (long long)k * SLIDE_FRAMES;
	if (t >= rest)
		pos += (long long)fmin(SLIDE_FRAMES, floor((t - rest) / SLIDE_S * SLIDE_FRAMES) + 1);
	return pos;
}

/* First visible row, fractional, with an ease-out across the slide. */
static double carousel_scroll(long long pos, size_t n)
{
	long long row = pos / SLIDE_FRAMES;
	double f = (double)(pos % SLIDE_FRAMES) / SLIDE_FRAMES;
	return (double)(row % (long long)n) + (1 - (1 - f) * (1 - f) * (1 - f));
}

static bool scrolling(const struct state *st, size_t n)
{
	return st && st->visible > 0 && n > (size_t)st->visible;
}

static void table_init(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	struct state *st = calloc(1, sizeof *st);
	if (!st)
		abort();
	p->state = st;
	for (size_t i = 1; i < sizeof bind_names / sizeof bind_names[0]; i++)
		if (strcmp(p->def->bind, bind_names[i]) == 0)
			st->bind = (enum bind)i;
	if (st->bind == BIND_UNKNOWN)
		fprintf(stderr, "cbwall: scene %s: %s: bind \"%s\": unknown (known: events.latest, "
		        "alerts.latest)\n", c->scene ? c->scene->name : "?", p->def->id, p->def->bind);
	/* The content rectangle is geometry alone: frame a throwaway 1x1 surface to learn it. */
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cairo_t *cr = cairo_create(s);
	struct rd_rect in =
	    rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	double px = rd_theme_px(c->theme, RD_SIZE_BODY, c->scale_h);
	st->narrow = in.w < px * 26;
	st->table = in;
	st->visible = rd_table_visible_rows(c->theme, in, c->scale_h);
	if (p->def->rows > 0 && p->def->rows < st->visible) {
		/* Exactly `rows` rows: the tallest table that holds no more (whole pixels; lo
		 * holds at most `rows`, hi more). */
		double lo = 1, hi = floor(in.h);
		while (hi - lo > 1) {
			double mid = floor((lo + hi) / 2);
			struct rd_rect t = in;
			t.h = mid;
			if (rd_table_visible_rows(c->theme, t, c->scale_h) > p->def->rows)
				hi = mid;
			else
				lo = mid;
		}
		st->table.h = lo;
		st->visible = rd_table_visible_rows(c->theme, st->table, c->scale_h);
	}
	/* Rows are floor(body / visible) high, and a scrolling table draws one row more for the
	 * slide: end the table at its last whole row so that row never peeks out at rest. The
	 * header is 2 text heights (rd_table.c); if that ever changes, the row count tells. */
	if (st->visible > 0 && px * 4.4 <= st->table.h) {
		double head = round(px * 2.0), body = st->table.h - head;
		struct rd_rect t = st->table;
		t.h = head + floor(body / st->visible) * st->visible;
		if (rd_table_visible_rows(c->theme, t, c->scale_h) == st->visible)
			st->table = t;
	}
}

static void table_finish(struct cw_panel *p)
{
	struct state *st = p->state;
	if (st) {
		cw_still_free(&st->still);
		rd_table_cache_free(st->rows_pic);
	}
	free(p->state);
	p->state = NULL;
}

static uint64_t table_key(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	static _Thread_local struct rows r;
	uint64_t h = cw_hash_str(CW_HASH_INIT, p->def->id);
	h = cw_hash(h, &p->rect, sizeof p->rect);
	if (!build(p, c, &r))
		return cw_hash_str(h, "no data");
	for (size_t i = 0; i < r.n * r.cols; i++) {
		h = cw_hash_str(h, r.cells[i]);
		h = cw_hash(h, &r.colors[i], sizeof r.colors[i]);
	}
	h = cw_hash(h, &r.n, sizeof r.n);
	if (scrolling(p->state, r.n)) {
		long long pos = carousel_pos(c->now) % ((long long)r.n * SLIDE_FRAMES);
		h = cw_hash(h, &pos, sizeof pos);
	}
	return h;
}

static void draw_table(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                       const struct rows *rp);
static struct rd_table table_of(const struct cw_panel *p, const struct cw_panel_ctx *c,
                                const struct rows *rp);

static void table_draw(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c)
{
	static _Thread_local struct rows r;
	struct state *st = p->state;
	struct rd_rect in = rd_panel_frame(cr, c->theme, p->rect, cw_panel_title_text(p), c->scale_h);
	if (st)
		cw_still_forget(&st->still);
	if (!build(p, c, &r)) {
		rd_draw_no_data(cr, c->theme, in, c->scale_h);
		return;
	}
	if (st && scrolling(st, r.n))
		cw_still_take(&st->still, p, cr, 0);
	draw_table(p, cr, c, &r);
}

/* What the rows show (cells, colors, columns), for the carousel's picture of them. */
static uint64_t rows_key(const struct state *st, const struct rows *r)
{
	uint64_t h = cw_hash(CW_HASH_INIT, &r->n, sizeof r->n);
	h = cw_hash(h, &st->narrow, sizeof st->narrow);
	h = cw_hash(h, &st->bind, sizeof st->bind);
	for (size_t i = 0; i < r->n * r->cols; i++) {
		h = cw_hash_str(h, r->cells[i]);
		h = cw_hash(h, &r->colors[i], sizeof r->colors[i]);
	}
	return h;
}

/* A carousel step over the table it last drew on this target: the frame's still back under
 * the table's body, then the body's rows, from their picture (rd_table_draw_body_cached)
 * while the rows stay the same: a slide frame costs two copies. */
static int table_update(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                        struct rd_irect *rects, int max)
{
	static _Thread_local struct rows r;
	struct state *st = p->state;
	if (!st || max < 1 || !cw_still_usable(&st->still, p, cr, 0) || !build(p, c, &r) ||
	    !scrolling(st, r.n))
		return -1;
	/* The body from its still and the rows' picture; the header stays. A body that does not
	 * start on a pixel edge shares a pixel row with the header: then the whole panel from
	 * its still and the whole table. One pixel row under the body too: glyphs were seen to
	 * touch it (1920x1080). */
	struct rd_table tab = table_of(p, c, &r);
	struct rd_rect body = rd_table_body(c->theme, st->table, c->scale_h);
	struct rd_irect t = rd_rect_outer(p->rect);
	bool rows_only = body.y == floor(body.y);
	if (rows_only) {
		struct rd_irect b = rd_rect_outer(body);
		b.h += 1;
		if (!rd_irect_intersect(b, rd_rect_outer(p->rect), &t))
			return -1;
	}
	cw_still_put(&st->still, cr, t);
	cairo_save(cr);
	cairo_rectangle(cr, t.x, t.y, t.w, t.h);
	cairo_clip(cr);
	if (!rows_only || !rd_table_draw_body_cached(cr, c->theme, st->table, &tab, c->scale_h,
	                                             rows_key(st, &r), &st->rows_pic))
		rd_table_draw(cr, c->theme, st->table, &tab, c->scale_h);
	cairo_restore(cr);
	rects[0] = t;
	return 1;
}

static struct rd_table table_of(const struct cw_panel *p, const struct cw_panel_ctx *c,
                                const struct rows *rp)
{
	const struct rows *r = rp;
	const struct state *st = p->state;
	static const struct rd_table_column ev_cols[] = {{"时间", 0.95, RD_ALIGN_LEFT},
	                                                 {"类型", 1.6, RD_ALIGN_LEFT},
	                                                 {"事件", 3.7, RD_ALIGN_LEFT},
	                                                 {"区县", 1.15, RD_ALIGN_LEFT},
	                                                 {"状态", 1.3, RD_ALIGN_CENTER}};
	static const struct rd_table_column ev_narrow[] = {{"时间", 1.0, RD_ALIGN_LEFT},
	                                                   {"事件", 3.4, RD_ALIGN_LEFT},
	                                                   {"区县", 1.3, RD_ALIGN_LEFT},
	                                                   {"状态", 1.4, RD_ALIGN_CENTER}};
	static const struct rd_table_column al_cols[] = {{"时间", 1.0, RD_ALIGN_LEFT},
	                                                 {"等级", 1.3, RD_ALIGN_CENTER},
	                                                 {"告警", 4.0, RD_ALIGN_LEFT},
	                                                 {"区县", 1.25, RD_ALIGN_LEFT},
	                                                 {"状态", 1.2, RD_ALIGN_CENTER}};
	static const struct rd_table_column al_narrow[] = {{"时间", 1.0, RD_ALIGN_LEFT},
	                                                   {"告警", 3.6, RD_ALIGN_LEFT},
	                                                   {"区县", 1.3, RD_ALIGN_LEFT},
	                                                   {"状态", 1.3, RD_ALIGN_CENTER}};
	bool ev = st->bind == BIND_EVENTS_LATEST;
	return (struct rd_table){
	    .columns = ev ? (st->narrow ? ev_narrow : ev_cols) : (st->narrow ? al_narrow : al_cols),
	    .column_count = r->cols,
	    .cells = r->cells,
	    .cell_colors = r->colors,
	    .row_count = r->n,
	    .scroll = scrolling(st, r->n) ? carousel_scroll(carousel_pos(c->now), r->n) : 0};
}

static void draw_table(struct cw_panel *p, cairo_t *cr, const struct cw_panel_ctx *c,
                       const struct rows *r)
{
	struct rd_table t = table_of(p, c, r);
	rd_table_draw(cr, c->theme, ((const struct state *)p->state)->table, &t, c->scale_h);
}

static double table_next(struct cw_panel *p, const struct cw_panel_ctx *c)
{
	const struct state *st = p->state;
	if (!st || !has_source(c->snap, st->bind))
		return 0;
	size_t n = st->bind == BIND_EVENTS_LATEST ? c->snap->event_count : c->snap->alert_count;
	if (!scrolling(st, n < ROWS_MAX ? n : ROWS_MAX))
		return 0;
	/* The start of the next frame of the slide, or of the next slide; a hair late so the
	 * clock has surely reached it. */
	double k = floor(c->now / STEP_S), rest = k * STEP_S + STEP_S - SLIDE_S;
	long long j = carousel_pos(c->now) - (long long)k * SLIDE_FRAMES;
	if (j >= SLIDE_FRAMES)
		rest += STEP_S;
	return rest + (double)(j % SLIDE_FRAMES) * (SLIDE_S / SLIDE_FRAMES) + 1e-4;
}

const struct cw_panel_kind cw_panel_table = {.name = "table",
                                             .init = table_init,
                                             .key = table_key,
                                             .draw = table_draw,
                                             .update = table_update,
                                             .next_change = table_next,
                                             .finish = table_finish};
