/* The feed: an accumulator of what the backend said (struct state, feed thread only), the
 * decoders that update it from one body (the same for http:// answers and file:// fixtures),
 * the snapshot made from it, and the curl multi loop that drives the requests. */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cw_config.h"
#include "cw_curl.h"
#include "cw_feed.h"
#include "cw_opts.h"
#include "cw_outbox.h"
#include "cw_paths.h"
#include "pr_json.h"

enum {
	RETAIN_S = 24 * 3600,   /* resolved alerts and closed events stay this long */
	ALERTS_KEEP_MAX = 20000, /* and never more than this many of each */
	ACK_VIEW_MAX = 64,
	ACK_VIEW_HOURS = 1,
	OUTBOX_POLL_MS = 3000,  /* rows added by other processes (`cbwall ack`) */
	LONGPOLL_MIN_MS = 500,  /* a long-poll answered at once with nothing new waits this much */
};

/* ---- the accumulator ---------------------------------------------------------------- */

struct state {
	char source[256];
	bool live;
	enum cw_conn conn;
	int64_t down_since;
	char conn_error[192];
	struct cw_source_state src[CW_SRC_COUNT];
	struct pr_metrics *metrics;   /* heap; NULL until the first good body */
	struct pr_districts *districts;
	struct pr_industry *industry;
	struct pr_alert *alerts;      /* sorted by id */
	size_t alert_count, alert_cap;
	int64_t alerts_next;
	struct pr_event *events;      /* sorted by id */
	size_t event_count, event_cap;
	int64_t events_next;
	struct cw_ack_view acks[ACK_VIEW_MAX];
	size_t ack_count;
	uint64_t generation;
};

static void state_finish(struct state *st)
{
	free(st->metrics);
	free(st->districts);
	free(st->industry);
	free(st->alerts);
	free(st->events);
	memset(st, 0, sizeof *st);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

/* Alerts and events are merged by id, the first field of both. */
static_assert(offsetof(struct pr_alert, id) == 0 && offsetof(struct pr_event, id) == 0,
              "merge() compares ids at offset 0");

static int cmp_id(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Replaces items of *arr (sorted by id) with the same id, appends new ones, keeps it sorted. */
static void merge(void **arr, size_t *count, size_t *cap, const void *items, size_t n,
                  size_t size)
{
	size_t old = *count;
	for (size_t i = 0; i < n; i++) {
		const char *item = (const char *)items + i * size;
		char *hit = old ? bsearch(item, *arr, old, size, cmp_id) : NULL;
		if (hit) {
			memcpy(hit, item, size);
			continue;
		}
		if (*count == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			void *grown = reallocarray(*arr, ncap, size);
			if (!grown)
				abort();
			*arr = grown, *cap = ncap;
		}
		memcpy((char *)*arr + *count * size, item, size);
		(*count)++;
	}
	if (*count != old)
		qsort(*arr, *count, size, cmp_id);
}

/* Drops resolved alerts and closed events older than RETAIN_S, then the oldest past the cap. */
static void retire(struct state *st, int64_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < st->alert_count; i++) {
		const struct pr_alert *a = &st->alerts[i];
		if (!(a->status == PR_ALERT_RESOLVED && a->resolved_at < now - RETAIN_S))
			st->alerts[k++] = *a;
	}
	st->alert_count = k < ALERTS_KEEP_MAX ? k : ALERTS_KEEP_MAX;
	k = 0;
	for (size_t i = 0; i < st->event_count; i++) {
		const struct pr_event *e = &st->events[i];
		if (!(e->status == PR_EVENT_CLOSED && e->step_at[PR_EVENT_CLOSED] < now - RETAIN_S))
			st->events[k++] = *e;
	}
	st->event_count = k < ALERTS_KEEP_MAX ? k : ALERTS_KEEP_MAX;
}

/* Decodes one body of `source` into the state. On any error the state is unchanged and err
 * says why (the caller puts the file or URL in front). *more is set when the answer was a
 * full page and the next one should be fetched at once. */
static bool apply(struct state *st, int source, const char *body, size_t len, int64_t now,
                  bool *more, struct pr_err *err)
{
	struct json_object *obj;
	*more = false;
	if (!pr_json_parse(body, len, &obj, err))
		return false;
	bool ok = false;
	switch (source) {
	case CW_SRC_METRICS: {
		struct pr_metrics *m = xcalloc(1, sizeof *m);
		if ((ok = pr_metrics_from_json(obj, m, err)))
			free(st->metrics), st->metrics = m;
		else
			free(m);
		break;
	}
	case CW_SRC_DISTRICTS: {
		struct pr_districts *d = xcalloc(1, sizeof *d);
		if ((ok = pr_districts_from_json(obj, d, err)))
			free(st->districts), st->districts = d;
		else
			free(d);
		break;
	}
	case CW_SRC_INDUSTRY: {
		struct pr_industry *in = xcalloc(1, sizeof *in);
		if ((ok = pr_industry_from_json(obj, in, err)))
			free(st->industry), st->industry = in;
		else
			free(in);
		break;
	}
	case CW_SRC_EVENTS: {
		struct pr_event_list l = {0};
		if ((ok = pr_event_list_from_json(obj, &l, err))) {
			if (l.next < st->events_next) /* the backend's database was replaced */
				st->event_count = 0;
			merge((void **)&st->events, &st->event_count, &st->event_cap, l.items, l.count,
			      sizeof *l.items);
			st->events_next = l.next;
			*more = l.count >= PR_EVENT_PAGE_MAX;
		}
		pr_event_list_finish(&l);
		break;
	}
	case CW_SRC_ALERTS: {
		struct pr_alert_list l = {0};
		if ((ok = pr_alert_list_from_json(obj, &l, err))) {
			if (l.next < st->alerts_next) /* replaced database: cbwalld restarts from 0 */
				st->alert_count = 0;
			merge((void **)&st->alerts, &st->alert_count, &st->alert_cap, l.items, l.count,
			      sizeof *l.items);
			*more = l.count >= PR_ALERT_PAGE_MAX || l.next != st->alerts_next;
			st->alerts_next = l.next;
		}
		pr_alert_list_finish(&l);
		break;
	}
	}
	json_object_put(obj);
	if (ok) {
		struct cw_source_state *s = &st->src[source];
		s->has = true;
		s->fetched_at = now;
		s->failed = false;
		s->failed_since = 0;
		s->error[0] = '\0';
		retire(st, now);
	}
	return ok;
}

static int alert_screen_order(const void *pa, const void *pb)
{
	const struct pr_alert *a = pa, *b = pb;
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if (a->grade != b->grade)
		return a->grade < b->grade ? -1 : 1;
	if (a->raised_at != b->raised_at)
		return a->raised_at > b->raised_at ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int event_seq_order(const void *pa, const void *pb)
{
	const struct pr_event *a = pa, *b = pb;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void *copy_array(const void *p, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *q = xcalloc(n, size);
	memcpy(q, p, n * size);
	return q;
}

/* A new immutable snapshot of the state. */
static struct cw_snapshot *make_snapshot(struct state *st, int64_t now)
{
	struct cw_snapshot *s = cw_snapshot_new();
	s->generation = ++st->generation;
	snprintf(s->source, sizeof s->source, "%s", st->source);
	s->live = st->live;
	s->made_at = now;
	s->conn = st->conn;
	s->down_since = st->down_since;
	snprintf(s->conn_error, sizeof s->conn_error, "%s", st->conn_error);
	memcpy(s->src, st->src, sizeof s->src);
	if ((s->has_metrics = st->metrics != NULL))
		s->metrics = *st->metrics;
	if ((s->has_districts = st->districts != NULL))
		s->districts = *st->districts;
	if ((s->has_industry = st->industry != NULL))
		s->industry = *st->industry;
	s->metrics_at = st->src[CW_SRC_METRICS].fetched_at;
	s->districts_at = st->src[CW_SRC_DISTRICTS].fetched_at;
	s->alert_count = st->alert_count;
	s->alerts = copy_array(st->alerts, st->alert_count, sizeof *st->alerts);
	if (s->alerts)
		qsort(s->alerts, s->alert_count, sizeof *s->alerts, alert_screen_order);
	s->alerts_next = st->alerts_next;
	s->event_count = st->event_count;
	s->events = copy_array(st->events, st->event_count, sizeof *st->events);
	if (s->events)
		qsort(s->events, s->event_count, sizeof *s->events, event_seq_order);
	s->events_next = st->events_next;
	s->ack_count = st->ack_count;
	s->acks = copy_array(st->acks, st->ack_count, sizeof *st->acks);
	return s;
}

/* ---- file:// ------------------------------------------------------------------------ */

static const char *const file_names[CW_SRC_COUNT] = {"metrics.json", "districts.json",
                                                     "events.json", "industry.json",
                                                     "alerts.json"};

static const char *dir_of(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return url + 7;
	if (strstr(url, "://"))
		return NULL;
	return url;
}

struct cw_snapshot *cw_feed_read(const char *url, int64_t now, struct rd_err *err)
{
	const char *dir = dir_of(url);
	if (!dir || !*dir) {
		rd_err_set(err, "%s: unsupported feed URL here (file:///DIR; http(s) backends are "
		                "read with --backend)", url);
		return NULL;
	}
	struct state st = {.conn = CW_CONN_OK};
	snprintf(st.source, sizeof st.source, "%s", url);
	for (int s = 0; s < CW_SRC_COUNT; s++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, file_names[s]);
		if (s != CW_SRC_METRICS && access(path, F_OK) != 0)
			continue;
		size_t len;
		char *body = cw_read_file(path, PR_BODY_MAX, &len, err);
		if (!body) {
			state_finish(&st);
			return NULL;
		}
		struct pr_err perr;
		bool more, ok = apply(&st, s, body, len, now, &more, &perr);
		free(body);
		if (!ok) {
			rd_err_set(err, "%s: %s", path, perr.msg);
			state_finish(&st);
			return NULL;
		}
	}
	struct cw_snapshot *snap = make_snapshot(&st, now);
	state_finish(&st);
	return snap;
}

bool cw_feed_default_url(char *buf, size_t size, struct rd_err *err)
{
	char path[4096];
	if (!cw_data_path("assets/fixtures/demo/metrics.json", path, sizeof path, err))
		return false;
	*strrchr(path, '/') = '\0';
	if (snprintf(buf, size, "file://%s", path) >= (int)size)
		return rd_err_set(err, "feed path too long");
	return true;
}

/* ---- HTTP --------------------------------------------------------------------------- */

void cw_feed_config_default(struct cw_feed_config *cfg)
{
	struct cw_config c;
	cw_config_default(&c);
	cw_feed_config_from(cfg, &c);
	cfg->url = NULL;
	cfg->outbox = NULL;
}

void cw_feed_config_from(struct cw_feed_config *cfg, const struct cw_config *c)
{
	*cfg = (struct cw_feed_config){
	    .url = c->backend,
	    .ca_file = c->ca_file[0] ? c->ca_file : NULL,
	    .alerts_wait_s = c->alerts_wait_s,
	    .connect_timeout_s = c->connect_timeout_s,
	    .timeout_s = c->timeout_s,
	    .backoff_min_ms = 1000,
	    .backoff_max_ms = c->backoff_max_s * 1000,
	    .body_max = PR_BODY_MAX,
	};
	memcpy(cfg->interval_s, c->interval_s, sizeof cfg->interval_s);
}

bool cw_feed_config_resolve(const char *config_path, const char *backend, const char *token_file,
                            struct cw_config *c, char *token, size_t token_n,
                            struct cw_feed_config *cfg, struct rd_err *err)
{
	if (!cw_config_resolve(config_path, backend, token_file, c, err) ||
	    !cw_config_token(c, token, token_n, err))
		return false;
	if (!cw_url_is_http(c->backend))
		return rd_err_set(err, "no backend: give --backend http://HOST:PORT or set \"backend\" "
		                  "in the config file (docs/config.md)");
	cw_feed_config_from(cfg, c);
	cfg->token = token;
	return true;
}

static size_t body_write(char *p, size_t size, size_t n, void *ud)
{
	struct cw_body *b = ud;
	size_t add = size * n; /* curl guarantees size == 1 */
	if (add > b->max - b->len) {
		b->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR, chunked or not */
	}
	if (b->len + add + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		while (cap < b->len + add + 1)
			cap = cap > b->max / 2 + 1 ? b->max + 1 : cap * 2;
		char *grown = realloc(b->data, cap);
		if (!grown)
			abort();
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

void cw_body_finish(struct cw_body *b)
{
	free(b->data);
	*b = (struct cw_body){.max = b->max};
}

static struct curl_slist *add_header(struct curl_slist *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct curl_slist *add_header(struct curl_slist *h, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	struct curl_slist *n = cw_curl->slist_append(h, line);
	if (!n)
		abort();
	return n;
}

void cw_http_setup(CURL *e, const struct cw_feed_config *cfg, const char *url, int extra_s,
                   const char *post_body, const char *idem_key, struct cw_body *body,
                   struct curl_slist **headers, char errbuf[CURL_ERROR_SIZE])
{
	cw_curl->easy_reset(e);
	errbuf[0] = '\0';
	body->max = cfg->body_max ? cfg->body_max : PR_BODY_MAX;
	cw_curl->easy_setopt(e, CURLOPT_URL, url);
	cw_curl->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	cw_curl->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	cw_curl->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cw_curl->easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)cfg->connect_timeout_s);
	cw_curl->easy_setopt(e, CURLOPT_TIMEOUT, (long)(cfg->timeout_s + extra_s));
	/* a server that trickles: under 16 bytes/s for this long ends the request */
	cw_curl->easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 16L);
	cw_curl->easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
	                     (long)((cfg->timeout_s < 10 ? cfg->timeout_s : 10) + extra_s));
	cw_curl->easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	cw_curl->easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	cw_curl->easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (cfg->ca_file)
		cw_curl->easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file);
	cw_curl->easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)body->max);
	cw_curl->easy_setopt(e, CURLOPT_USERAGENT, "cbwall/" CBWALL_VERSION);
	cw_curl->easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	cw_curl->easy_setopt(e, CURLOPT_WRITEFUNCTION, body_write);
	cw_curl->easy_setopt(e, CURLOPT_WRITEDATA, body);
	struct curl_slist *h = add_header(NULL, "Accept: application/json");
	if (cfg->token && *cfg->token)
		h = add_header(h, "Authorization: Bearer %s", cfg->token);
	if (idem_key)
		h = add_header(h, "Idempotency-Key: %s", idem_key);
	if (post_body) {
		h = add_header(h, "Content-Type: application/json");
		h = add_header(h, "Expect:");
		cw_curl->easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(post_body));
		cw_curl->easy_setopt(e, CURLOPT_COPYPOSTFIELDS, post_body);
	}
	cw_curl->easy_setopt(e, CURLOPT_HTTPHEADER, h);
	*headers = h;
}

void cw_http_describe(const char *url, CURLcode rc, const char *errbuf, long status,
                      const struct cw_body *body, char *buf, size_t n)
{
	if (body->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		pr_fmt(buf, n, "%s: answer larger than %zu bytes, not read", url, body->max);
	} else if (rc != CURLE_OK) {
		pr_fmt(buf, n, "%s: %s", url, errbuf && *errbuf ? errbuf : cw_curl->easy_strerror(rc));
	} else {
		struct pr_api_error e;
		struct json_object *obj;
		if (body->data && pr_json_parse(body->data, body->len, &obj, NULL)) {
			bool ok = pr_api_error_from_json(obj, &e, NULL);
			json_object_put(obj);
			if (ok) {
				pr_fmt(buf, n, "%s: HTTP %ld %s: %s", url, status, e.error, e.reason);
				return;
			}
		}
		pr_fmt(buf, n, "%s: HTTP %ld", url, status);
	}
}

/* ---- the feed thread ---------------------------------------------------------------- */

struct job {
	CURL *easy;
	bool busy;
	struct cw_body body;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	char url[640];      /* with the query */
	char name[512];     /* without: what log lines name */
	double started_ms;
	struct cw_ack ack;  /* the ack job's row */
};

struct cw_feed {
	struct cw_feed_config cfg;
	char url[384], token[600], ca_file[1024], outbox_path[1024], tag[17];
	CURLM *multi;
	pthread_t thread;
	bool started, once;
	bool curl_up; /* curl_open called libcurl's global init (the feed's thread, or once's) */
	atomic_bool stop, ack_kick;

	pthread_mutex_t lock;      /* latest, ui_outbox */
	struct cw_snapshot *latest;
	struct cw_outbox *ui_outbox; /* for cw_feed_ack, on the caller's thread */

	/* feed thread only */
	struct state st;
	struct job jobs[CW_SRC_COUNT];
	double due_ms[CW_SRC_COUNT];
	int fails[CW_SRC_COUNT];
	char logged[CW_SRC_COUNT][512]; /* the failure last logged, "" while fine */
	bool done[CW_SRC_COUNT];        /* once: the source got its answer */
	struct job ack;
	double ack_due_ms;
	struct cw_outbox *outbox;
};

static void flog(struct cw_feed *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void flog(struct cw_feed *f, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (f->cfg.log)
		f->cfg.log(f->cfg.log_ud, line);
	else
		fprintf(stderr, "cbwall: %s\n", line);
}

static void publish(struct cw_feed *f)
{
	struct cw_snapshot *s = make_snapshot(&f->st, cw_now()), *old;
	pthread_mutex_lock(&f->lock);
	old = f->latest;
	f->latest = s;
	pthread_mutex_unlock(&f->lock);
	cw_snapshot_unref(old);
	if (f->cfg.on_publish)
		f->cfg.on_publish(f->cfg.publish_ud);
}

static bool copy_str(char *dst, size_t n, const char *src, const char *what, struct rd_err *err)
{
	if (snprintf(dst, n, "%s", src ? src : "") >= (int)n)
		return rd_err_set(err, "%s too long", what);
	return true;
}

struct cw_feed *cw_feed_new(const struct cw_feed_config *cfg, struct rd_err *err)
{
	if (!cfg->url || !cw_url_is_http(cfg->url)) {
		rd_err_set(err, "%s: the live feed needs an http:// or https:// URL",
		           cfg->url ? cfg->url : "(none)");
		return NULL;
	}
	struct cw_feed *f = xcalloc(1, sizeof *f);
	f->cfg = *cfg;
	if (!copy_str(f->url, sizeof f->url, cfg->url, "backend URL", err) ||
	    !copy_str(f->token, sizeof f->token, cfg->token, "token", err) ||
	    !copy_str(f->ca_file, sizeof f->ca_file, cfg->ca_file, "CA file", err) ||
	    !copy_str(f->outbox_path, sizeof f->outbox_path, cfg->outbox, "outbox", err)) {
		free(f);
		return NULL;
	}
	size_t ul = strlen(f->url);
	while (ul > 0 && f->url[ul - 1] == '/')
		f->url[--ul] = '\0';
	f->cfg.url = f->url;
	f->cfg.token = f->token;
	f->cfg.ca_file = f->ca_file[0] ? f->ca_file : NULL;
	f->cfg.outbox = f->outbox_path[0] ? f->outbox_path : NULL;
	if (f->cfg.backoff_min_ms <= 0)
		f->cfg.backoff_min_ms = 1000;
	if (f->cfg.backoff_max_ms < f->cfg.backoff_min_ms)
		f->cfg.backoff_max_ms = f->cfg.backoff_min_ms;
	cw_outbox_token_tag(f->token, f->tag);
	pthread_mutex_init(&f->lock, NULL);
	f->st.live = true;
	f->st.conn = CW_CONN_CONNECTING;
	pr_fmt(f->st.source, sizeof f->st.source, "%s", f->url);
	for (int s = 0; s < CW_SRC_COUNT; s++)
		f->st.src[s].stale_after = s == CW_SRC_ALERTS
		                               ? 3 * (f->cfg.alerts_wait_s + f->cfg.timeout_s)
		                               : 3 * f->cfg.interval_s[s] + f->cfg.timeout_s;
	f->latest = make_snapshot(&f->st, cw_now());
	if (f->cfg.outbox && f->token[0]) {
		f->outbox = cw_outbox_open(f->cfg.outbox, err);
		if (!f->outbox) {
			cw_feed_free(f);
			return NULL;
		}
	}
	return f;
}

/* Loads libcurl (on the feed's thread: see cw_curl.h) and makes the transfer handles; the
 * multi handle is published last, under the lock, for cw_feed_ack and cw_feed_free to wake
 * the thread with. */
static bool curl_open(struct cw_feed *f, struct rd_err *err)
{
	if (!cw_curl_load(err))
		return false;
	cw_curl->global_init(CURL_GLOBAL_DEFAULT); /* reference-counted; thread-safe since 7.84 */
	f->curl_up = true;
	for (int s = 0; s < CW_SRC_COUNT; s++)
		f->jobs[s].easy = cw_curl->easy_init();
	f->ack.easy = cw_curl->easy_init();
	CURLM *multi = cw_curl->multi_init();
	pthread_mutex_lock(&f->lock);
	f->multi = multi;
	pthread_mutex_unlock(&f->lock);
	bool ok = multi && f->ack.easy;
	for (int s = 0; s < CW_SRC_COUNT; s++)
		ok = ok && f->jobs[s].easy;
	return ok || rd_err_set(err, "libcurl: out of memory for the feed's transfers");
}

static void wake(struct cw_feed *f)
{
	pthread_mutex_lock(&f->lock);
	CURLM *multi = f->multi;
	pthread_mutex_unlock(&f->lock);
	if (multi) /* otherwise the thread has not polled yet and sees the news first */
		cw_curl->multi_wakeup(multi);
}

static void job_finish(struct cw_feed *f, struct job *j)
{
	if (j->busy)
		cw_curl->multi_remove_handle(f->multi, j->easy);
	j->busy = false;
	if (j->headers)
		cw_curl->slist_free_all(j->headers);
	j->headers = NULL;
	cw_body_finish(&j->body);
}

static void job_start(struct cw_feed *f, struct job *j, int extra_s, const char *post,
                      const char *key)
{
	cw_http_setup(j->easy, &f->cfg, j->url, extra_s, post, key, &j->body, &j->headers,
	              j->errbuf);
	cw_curl->easy_setopt(j->easy, CURLOPT_PRIVATE, j);
	j->started_ms = cw_mono_ms();
	j->busy = true;
	cw_curl->multi_add_handle(f->multi, j->easy);
}

static const char *const paths[CW_SRC_COUNT] = {"/api/v1/metrics", "/api/v1/districts",
                                                "/api/v1/events", "/api/v1/industry",
                                                "/api/v1/alerts"};

static void start_source(struct cw_feed *f, int s)
{
	struct job *j = &f->jobs[s];
	int wait = 0;
	/* built in locals: j->name and j->url live in the same object as f->url */
	char name[sizeof j->name], url[sizeof j->url];
	pr_fmt(name, sizeof name, "%s%s", f->url, paths[s]);
	if (s == CW_SRC_ALERTS) {
		/* the first poll, and the first after a failure, answer at once */
		if (!f->once && f->st.src[s].has && !f->st.src[s].failed)
			wait = f->cfg.alerts_wait_s;
		pr_fmt(url, sizeof url, "%s?since=%lld&wait=%d&limit=%d", name,
		       (long long)f->st.alerts_next, wait, PR_ALERT_PAGE_MAX);
	} else if (s == CW_SRC_EVENTS) {
		pr_fmt(url, sizeof url, "%s?since=%lld&limit=%d", name, (long long)f->st.events_next,
		       PR_EVENT_PAGE_MAX);
	} else {
		pr_fmt(url, sizeof url, "%s", name);
	}
	memcpy(j->name, name, sizeof name);
	memcpy(j->url, url, sizeof url);
	job_start(f, j, wait, NULL, NULL);
}

static void set_conn(struct cw_feed *f, bool up, const char *why)
{
	struct state *st = &f->st;
	if (up) {
		if (st->conn == CW_CONN_DOWN) {
			flog(f, "feed: %s: answering again after %lld s", f->url,
			     (long long)(cw_now() - st->down_since));
			/* every source that was failing retries now rather than at its backoff */
			for (int s = 0; s < CW_SRC_COUNT; s++)
				if (f->fails[s] && !f->jobs[s].busy)
					f->due_ms[s] = 0;
			f->ack_due_ms = 0;
		}
		st->conn = CW_CONN_OK;
		st->conn_error[0] = '\0';
	} else {
		if (st->conn != CW_CONN_DOWN)
			st->down_since = cw_now();
		st->conn = CW_CONN_DOWN;
		cw_utf8_copy(st->conn_error, sizeof st->conn_error, why);
	}
}

static void source_done(struct cw_feed *f, int s, CURLcode rc)
{
	struct job *j = &f->jobs[s];
	long status = 0;
	cw_curl->easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	double now_ms = cw_mono_ms(), took = now_ms - j->started_ms;
	int64_t now = cw_now();
	char why[1200];
	bool answered = rc == CURLE_OK && status >= 200 && status < 300, more = false, ok = false;
	if (answered) {
		struct pr_err perr;
		ok = apply(&f->st, s, j->body.data ? j->body.data : "", j->body.len, now, &more, &perr);
		if (!ok)
			snprintf(why, sizeof why, "%s: bad answer: %s", j->name, perr.msg);
	} else {
		cw_http_describe(j->name, rc, j->errbuf, status, &j->body, why, sizeof why);
	}
	/* an HTTP answer means cbwalld is there (bad data, even a cut body, is the source's
	 * problem); no answer, 5xx, or a token it refuses is the connection's */
	set_conn(f, status > 0 && status < 500 && status != 401 && status != 403, why);
	f->done[s] = true;
	if (ok) {
		if (f->logged[s][0])
			flog(f, "feed: %s: ok again after %d failed attempts", j->name, f->fails[s]);
		f->logged[s][0] = '\0';
		f->fails[s] = 0;
		double next = f->cfg.interval_s[s] * 1000.0;
		if (s == CW_SRC_ALERTS)
			next = more || took >= LONGPOLL_MIN_MS ? 0 : LONGPOLL_MIN_MS;
		else if (more)
			next = 0;
		f->due_ms[s] = now_ms + next;
	} else {
		struct cw_source_state *src = &f->st.src[s];
		if (!src->failed)
			src->failed_since = now;
		src->failed = true;
		cw_utf8_copy(src->error, sizeof src->error, why);
		int64_t delay = cw_backoff_ms(++f->fails[s], f->cfg.backoff_min_ms,
		                              f->cfg.backoff_max_ms);
		f->due_ms[s] = now_ms + (double)delay;
		if (strcmp(f->logged[s], why) != 0 && !f->once) {
			flog(f, "feed: %s (retry in %.1f s, keeping the data of %s)", why, delay / 1000.0,
			     src->fetched_at ? "the last good answer" : "none yet");
			cw_utf8_copy(f->logged[s], sizeof f->logged[s], why);
		}
	}
	job_finish(f, j);
	if (!f->once)
		publish(f);
}

static void refresh_acks(struct cw_feed *f)
{
	if (!f->outbox)
		return;
	int n = cw_outbox_recent(f->outbox, f->tag, cw_now() - ACK_VIEW_HOURS * 3600, f->st.acks,
	                         ACK_VIEW_MAX, NULL);
	f->st.ack_count = n > 0 ? (size_t)n : 0;
}

static void start_ack(struct cw_feed *f)
{
	struct rd_err err;
	struct cw_ack a;
	int64_t wall_ms = cw_now() * 1000;
	int n = cw_outbox_due(f->outbox, f->tag, wall_ms, &a, 1, &err);
	if (n < 0)
		flog(f, "ack outbox: %s", err.msg);
	if (n <= 0) {
		f->ack_due_ms = cw_mono_ms() + OUTBOX_POLL_MS;
		return;
	}
	struct job *j = &f->ack;
	j->ack = a;
	snprintf(j->name, sizeof j->name, "%s/api/v1/alerts/%s/ack", f->url, a.alert_id);
	snprintf(j->url, sizeof j->url, "%s", j->name);
	struct pr_ack_in in = {{0}};
	snprintf(in.note, sizeof in.note, "%s", a.note);
	struct json_object *o = pr_ack_in_to_json(&in);
	job_start(f, j, 0, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), a.key);
	json_object_put(o);
}

static void ack_done(struct cw_feed *f, CURLcode rc)
{
	struct job *j = &f->ack;
	long status = 0;
	cw_curl->easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	char neterr[512] = "";
	if (rc != CURLE_OK)
		cw_http_describe(j->name, rc, j->errbuf, 0, &j->body, neterr, sizeof neterr);
	struct cw_ack *a = &j->ack;
	cw_ack_judge(a, rc == CURLE_OK ? status : 0, j->body.data, j->body.len, neterr,
	             cw_now() * 1000, f->cfg.backoff_min_ms, f->cfg.backoff_max_ms);
	struct rd_err err;
	if (!cw_outbox_record(f->outbox, a, cw_now(), &err))
		flog(f, "ack outbox: %s", err.msg);
	if (a->state == CW_ACK_PENDING)
		flog(f, "ack %s: not delivered yet: %s", a->alert_id, a->text);
	else
		flog(f, "ack %s: %s", a->alert_id, a->state == CW_ACK_REFUSED ? a->text : "delivered");
	if (rc == CURLE_OK && status > 0 && status < 500)
		set_conn(f, true, "");
	/* the answer carries the alert as it is now: show it before the long-poll brings it */
	struct json_object *obj;
	if (rc == CURLE_OK && (status == 200 || status == 409) && j->body.data &&
	    pr_json_parse(j->body.data, j->body.len, &obj, NULL)) {
		struct pr_alert al;
		struct pr_api_error e;
		if (status == 200 && pr_alert_from_json(obj, "alert", &al, NULL))
			merge((void **)&f->st.alerts, &f->st.alert_count, &f->st.alert_cap, &al, 1,
			      sizeof al);
		else if (status == 409 && pr_api_error_from_json(obj, &e, NULL) && e.has_alert)
			merge((void **)&f->st.alerts, &f->st.alert_count, &f->st.alert_cap, &e.alert, 1,
			      sizeof e.alert);
		json_object_put(obj);
	}
	job_finish(f, j);
	/* settled: look for the next row at once; pending: when the earliest row is due */
	f->ack_due_ms = 0;
	if (a->state == CW_ACK_PENDING) {
		int64_t wait = cw_outbox_next_due(f->outbox, f->tag, cw_now() * 1000);
		f->ack_due_ms = cw_mono_ms() + (wait < 0 ? OUTBOX_POLL_MS : (double)wait);
	}
	refresh_acks(f);
	publish(f);
}

/* One turn of the loop: start what is due, run transfers, handle what finished. Returns the
 * milliseconds until something is due (the poll timeout). */
static int turn(struct cw_feed *f)
{
	double now = cw_mono_ms();
	for (int s = 0; s < CW_SRC_COUNT; s++)
		if (!f->jobs[s].busy && !(f->once && f->done[s]) && now >= f->due_ms[s])
			start_source(f, s);
	if (f->outbox && !f->once) {
		if (atomic_exchange(&f->ack_kick, false)) {
			f->ack_due_ms = 0;
			refresh_acks(f);
			publish(f);
		}
		if (!f->ack.busy && now >= f->ack_due_ms)
			start_ack(f);
	}
	int running;
	cw_curl->multi_perform(f->multi, &running);
	CURLMsg *m;
	int left;
	while ((m = cw_curl->multi_info_read(f->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct job *j = NULL;
		CURLcode rc = m->data.result;
		cw_curl->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		if (j == &f->ack)
			ack_done(f, rc);
		else
			source_done(f, (int)(j - f->jobs), rc);
	}
	double next = now + 1000;
	for (int s = 0; s < CW_SRC_COUNT; s++)
		if (!f->jobs[s].busy && !(f->once && f->done[s]) && f->due_ms[s] < next)
			next = f->due_ms[s];
	if (f->outbox && !f->once && !f->ack.busy && f->ack_due_ms < next)
		next = f->ack_due_ms;
	double wait = next - cw_mono_ms();
	return wait < 0 ? 0 : (int)wait + 1;
}

static void *thread_main(void *arg)
{
	struct cw_feed *f = arg;
	struct rd_err err;
	if (!curl_open(f, &err)) {
		/* nothing can be fetched: the wall says why and keeps what it shows */
		flog(f, "feed: %s", err.msg);
		set_conn(f, false, err.msg);
		publish(f);
		while (!atomic_load(&f->stop))
			usleep(50 * 1000);
		return NULL;
	}
	refresh_acks(f);
	while (!atomic_load(&f->stop)) {
		int wait = turn(f);
		if (!atomic_load(&f->stop))
			cw_curl->multi_poll(f->multi, NULL, 0, wait, NULL);
	}
	return NULL;
}

bool cw_feed_start(struct cw_feed *f, struct rd_err *err)
{
	int rc = pthread_create(&f->thread, NULL, thread_main, f);
	if (rc != 0)
		return rd_err_set(err, "cannot start the feed thread: %s", strerror(rc));
	f->started = true;
	return true;
}

void cw_feed_free(struct cw_feed *f)
{
	if (!f)
		return;
	if (f->started) {
		atomic_store(&f->stop, true);
		wake(f);
		pthread_join(f->thread, NULL);
	}
	for (int s = 0; s < CW_SRC_COUNT; s++)
		job_finish(f, &f->jobs[s]);
	job_finish(f, &f->ack);
	bool opened = f->curl_up;
	if (opened) {
		for (int s = 0; s < CW_SRC_COUNT; s++)
			cw_curl->easy_cleanup(f->jobs[s].easy);
		cw_curl->easy_cleanup(f->ack.easy);
		cw_curl->multi_cleanup(f->multi);
	}
	cw_outbox_close(f->outbox);
	cw_outbox_close(f->ui_outbox);
	cw_snapshot_unref(f->latest);
	state_finish(&f->st);
	pthread_mutex_destroy(&f->lock);
	free(f);
	if (opened)
		cw_curl->global_cleanup();
}

struct cw_snapshot *cw_feed_latest(struct cw_feed *f)
{
	pthread_mutex_lock(&f->lock);
	struct cw_snapshot *s = cw_snapshot_ref(f->latest);
	pthread_mutex_unlock(&f->lock);
	return s;
}

bool cw_feed_ack(struct cw_feed *f, const char *alert_id, const char *note, struct rd_err *err)
{
	if (!f->token[0] || !f->cfg.outbox)
		return rd_err_set(err, "acknowledging needs a token file and an outbox (docs/config.md)");
	pthread_mutex_lock(&f->lock);
	if (!f->ui_outbox)
		f->ui_outbox = cw_outbox_open(f->cfg.outbox, err);
	bool ok = f->ui_outbox &&
	          cw_outbox_add(f->ui_outbox, alert_id, note, f->tag, cw_now(), NULL, err);
	pthread_mutex_unlock(&f->lock);
	if (ok) {
		atomic_store(&f->ack_kick, true);
		wake(f);
	}
	return ok;
}

struct cw_snapshot *cw_feed_once(const struct cw_feed_config *cfg, int64_t now,
                                 struct rd_err *err)
{
	struct cw_feed_config c = *cfg;
	c.outbox = NULL;
	struct cw_feed *f = cw_feed_new(&c, err);
	if (!f)
		return NULL;
	f->once = true;
	if (!curl_open(f, err)) {
		cw_feed_free(f);
		return NULL;
	}
	for (;;) {
		bool pending = false;
		int wait = turn(f);
		for (int s = 0; s < CW_SRC_COUNT; s++)
			pending |= !f->done[s];
		if (!pending)
			break;
		cw_curl->multi_poll(f->multi, NULL, 0, wait, NULL);
	}
	struct cw_snapshot *snap = NULL;
	if (!f->st.metrics)
		rd_err_set(err, "%s", f->st.src[CW_SRC_METRICS].error);
	else
		snap = make_snapshot(&f->st, now);
	cw_feed_free(f);
	return snap;
}
