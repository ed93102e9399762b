#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "bk_http.h"
#include "bk_sim.h"
#include "pr_alert.h"
#include "pr_json.h"

enum { PAGE_DEFAULT = 500 };

enum state { ST_NEW, ST_WAIT, ST_OP };

/* One request. Small on purpose: a GET allocates only this; the write (ingest, ack, resolve)
 * handed to the committer is allocated when the request turns out to be one. */
struct req {
	struct bk_http *h;
	struct MHD_Connection *conn;
	struct sock *sock; /* its connection's, NULL if it could not be had */
	char *body;
	size_t len, cap;
	bool too_big;
	enum state state;
	int64_t since;
	size_t limit;
	int64_t deadline_ms;
	struct req *wprev, *wnext;
	bool waiting;
	bool op_done;
	struct bk_op *op; /* writes only */
};

/* A TCP connection, for the request deadline: while a request is still arriving (`reading`),
 * it must be complete within request_timeout_s of `since` (the connection's start or the end
 * of its previous answer), or the timer thread shuts the socket down. libmicrohttpd's own
 * timeout is an idle timeout that every received byte restarts, so on its own it never cuts a
 * client that sends a header byte a second. */
struct sock {
	struct MHD_Connection *conn;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	/* Written by the connection's worker without a lock, read by the timer thread: `since` is
	 * stored before `reading` is set (release), and read after it (acquire). */
	_Atomic int64_t since;
	_Atomic bool reading;
	bool cut; /* under slock */
	/* A request is in progress (from the handler's first call to completed): what drain
	 * waits for. Counted here rather than in one counter of the daemon, which every request
	 * on every worker would write twice. */
	_Atomic bool busy;
	struct req *req; /* that request, the worker's */
	struct sock *prev, *next;
	/* The last Authorization value this connection presented that named a known token, and
	 * what it named: a keep-alive client presents the same bytes on every request, so the
	 * token is hashed once per connection, not per request (the worker's only). */
	char *auth;
	size_t auth_len;
	enum bk_role auth_role;
	char auth_who[64];
};

struct bk_http {
	struct bk_core *core;
	const struct bk_auth *auth;
	struct bk_http_opts opts;
	struct MHD_Daemon *d;
	MHD_socket quiesced;
	uint16_t port;
	pthread_mutex_t wlock; /* waiters, suspend/resume pairs */
	struct req *waiters;
	pthread_t timer;
	pthread_mutex_t tlock;
	pthread_cond_t tcond;
	bool timer_stop;
	_Atomic bool draining;
	_Atomic long inflight; /* requests in progress without a struct sock (none in practice) */
	pthread_key_t tkey;
	pthread_mutex_t slock; /* socks */
	struct sock *socks;
	_Atomic unsigned long cut; /* connections cut by the request deadline */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The same clock at the kernel tick's resolution (a few ms), without reading the clock
 * source: enough for request deadlines of seconds, and taken once per request. */
static int64_t coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void add_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

/* Takes ownership of body (malloc'd). */
static enum MHD_Result send_body(struct MHD_Connection *conn, unsigned status, char *body,
                                 size_t len, bool close)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	add_headers(r);
	if (close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct bk_http *h, struct MHD_Connection *conn,
                                  unsigned status, const char *error, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static enum MHD_Result send_error(struct bk_http *h, struct MHD_Connection *conn,
                                  unsigned status, const char *error, const char *fmt, ...)
{
	struct pr_api_error e = {0};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof e.reason, fmt, ap);
	va_end(ap);
	snprintf(e.error, sizeof e.error, "%s", error);
	struct json_object *o = pr_api_error_to_json(&e, BK_TZ_OFFSET_MIN);
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *body = strndup(s, n);
	json_object_put(o);
	if (!body)
		abort();
	struct MHD_Response *r = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	add_headers(r);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, error[0] == 'm' ? "GET, HEAD" : "");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"cbwalld\"");
	if (atomic_load(&h->draining) || status == MHD_HTTP_CONTENT_TOO_LARGE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_405(struct bk_http *h, struct MHD_Connection *conn, const char *allow,
                                const char *method)
{
	struct pr_api_error e = {0};
	snprintf(e.error, sizeof e.error, "method_not_allowed");
	snprintf(e.reason, sizeof e.reason, "%s is not allowed here; use %s", method, allow);
	struct json_object *o = pr_api_error_to_json(&e, BK_TZ_OFFSET_MIN);
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *body = strndup(s, n);
	json_object_put(o);
	if (!body)
		abort();
	struct MHD_Response *r = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	add_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	(void)h;
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return ret;
}

/* Serves a body that changes rarely from a response built once per generation and kept per
 * worker thread (thread-specific data), so the hot path takes no lock shared between workers
 * and serializes nothing: a request only queues the prebuilt, reference-counted response. The
 * response carries its own Date header (libmicrohttpd then adds none, and formats no time per
 * request), so once a second a new response is made around the same body, which every
 * response of it references (and connections still sending an older one keep alive). The
 * destructor frees a worker's responses when MHD joins it. */
typedef char *(*make_body_fn)(struct bk_http *h, size_t *len, uint64_t *gen);

enum { CACHE_ALERTS0 = BK_BLOB_COUNT, CACHE_SLOTS };

/* A body shared by the responses made around it; freed with the last of them. */
struct body {
	_Atomic unsigned refs;
	size_t len;
	char data[];
};

static void body_unref(void *p)
{
	struct body *b = p;
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

struct cached {
	uint64_t gen;
	struct body *body; /* a reference */
	time_t sec;        /* the Date in r */
	struct MHD_Response *r;
};

struct tcache {
	time_t date_sec;
	char date[80]; /* IMF-fixdate of date_sec (29 bytes; room for any int) */
	struct cached slot[CACHE_SLOTS];
};

static void tcache_free(void *p)
{
	struct tcache *tc = p;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (tc->slot[i].r)
			MHD_destroy_response(tc->slot[i].r);
		body_unref(tc->slot[i].body);
	}
	free(tc);
}

static struct tcache *tcache_get(struct bk_http *h)
{
	struct tcache *tc = pthread_getspecific(h->tkey);
	if (!tc) {
		tc = calloc(1, sizeof *tc);
		if (!tc)
			abort();
		tc->date_sec = -1;
		pthread_setspecific(h->tkey, tc);
	}
	return tc;
}

/* The HTTP Date of now (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"), formatted once
 * per second per worker; not strftime, whose names follow the locale. */
static const char *tcache_date(struct tcache *tc, time_t now)
{
	if (now != tc->date_sec) {
		static const char wd[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
		static const char mo[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
		struct tm tm;
		gmtime_r(&now, &tm);
		snprintf(tc->date, sizeof tc->date, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		         wd[tm.tm_wday % 7], tm.tm_mday, mo[tm.tm_mon % 12], tm.tm_year + 1900,
		         tm.tm_hour, tm.tm_min, tm.tm_sec);
		tc->date_sec = now;
	}
	return tc->date;
}

static enum MHD_Result send_cached(struct bk_http *h, struct MHD_Connection *conn, int slot,
                                   uint64_t gen, make_body_fn make)
{
	struct tcache *tc = tcache_get(h);
	struct cached *c = &tc->slot[slot];
	if (!c->body || c->gen != gen) {
		size_t len = 0;
		uint64_t g = gen;
		char *body = make(h, &len, &g);
		if (!body)
			return send_error(h, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
			                  "no data yet (start cbwalld with --simulate SEED, or wait for "
			                  "the first ingest)");
		struct body *b = malloc(sizeof *b + len);
		if (!b)
			abort();
		atomic_init(&b->refs, 1);
		b->len = len;
		memcpy(b->data, body, len);
		free(body);
		body_unref(c->body);
		c->body = b;
		c->gen = g;
		if (c->r)
			MHD_destroy_response(c->r);
		c->r = NULL;
	}
	time_t now = time(NULL);
	if (!c->r || c->sec != now) {
		atomic_fetch_add(&c->body->refs, 1);
		struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
		        c->body->len, c->body->data, body_unref, c->body);
		if (!r) {
			body_unref(c->body);
			return MHD_NO;
		}
		MHD_add_response_header(r, MHD_HTTP_HEADER_DATE, tcache_date(tc, now));
		add_headers(r);
		if (c->r)
			MHD_destroy_response(c->r);
		c->r = r;
		c->sec = now;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, c->r);
}

static char *make_blob_metrics(struct bk_http *h, size_t *len, uint64_t *gen)
{
	return bk_core_blob(h->core, BK_BLOB_METRICS, len, gen);
}
static char *make_blob_districts(struct bk_http *h, size_t *len, uint64_t *gen)
{
	return bk_core_blob(h->core, BK_BLOB_DISTRICTS, len, gen);
}
static char *make_blob_industry(struct bk_http *h, size_t *len, uint64_t *gen)
{
	return bk_core_blob(h->core, BK_BLOB_INDUSTRY, len, gen);
}
static char *make_alerts0(struct bk_http *h, size_t *len, uint64_t *gen)
{
	*gen = bk_core_alerts_gen(h->core);
	return bk_core_alerts_page(h->core, 0, PAGE_DEFAULT, len);
}

static bool parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || strlen(s) > 19 || strspn(s, "0123456789") != strlen(s))
		return false;
	long long v = strtoll(s, NULL, 10);
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void waiter_remove_locked(struct bk_http *h, struct req *r)
{
	if (!r->waiting)
		return;
	if (r->wprev)
		r->wprev->wnext = r->wnext;
	else
		h->waiters = r->wnext;
	if (r->wnext)
		r->wnext->wprev = r->wprev;
	r->wprev = r->wnext = NULL;
	r->waiting = false;
}

static void resume_all(struct bk_http *h, bool expired_only)
{
	int64_t now = now_ms();
	pthread_mutex_lock(&h->wlock);
	for (struct req *r = h->waiters, *next; r; r = next) {
		next = r->wnext;
		if (expired_only && r->deadline_ms > now)
			continue;
		waiter_remove_locked(h, r);
		MHD_resume_connection(r->conn);
	}
	pthread_mutex_unlock(&h->wlock);
}

static void on_alerts(void *ctx)
{
	resume_all(ctx, false);
}

/* Shuts down the socket of every connection whose request is overdue. Under slock, which
 * on_connection takes before the socket is closed, so fd is still this connection's; the peer
 * address is compared as well, to be sure. */
static void reap_slow(struct bk_http *h)
{
	if (h->opts.request_timeout_s <= 0)
		return;
	int64_t limit = coarse_ms() - (int64_t)h->opts.request_timeout_s * 1000;
	pthread_mutex_lock(&h->slock);
	for (struct sock *s = h->socks; s; s = s->next) {
		if (s->cut || !atomic_load_explicit(&s->reading, memory_order_acquire) ||
		    atomic_load_explicit(&s->since, memory_order_relaxed) > limit)
			continue;
		struct sockaddr_storage peer;
		socklen_t len = sizeof peer;
		if (getpeername(s->fd, (struct sockaddr *)&peer, &len) == 0 && len == s->peer_len &&
		    memcmp(&peer, &s->peer, len) == 0) {
			shutdown(s->fd, SHUT_RDWR);
			atomic_fetch_add(&h->cut, 1);
		}
		s->cut = true;
	}
	pthread_mutex_unlock(&h->slock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
                          enum MHD_ConnectionNotificationCode code)
{
	struct bk_http *h = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct sock *s = calloc(1, sizeof *s);
		if (!s)
			abort();
		s->conn = conn;
		atomic_init(&s->since, coarse_ms());
		atomic_init(&s->reading, true);
		const union MHD_ConnectionInfo *fi =
		        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		s->fd = fi ? fi->connect_fd : -1;
		s->peer_len = sizeof s->peer;
		if (s->fd < 0 || getpeername(s->fd, (struct sockaddr *)&s->peer, &s->peer_len) != 0)
			s->cut = true; /* cannot check it: leave it to the idle timeout */
		pthread_mutex_lock(&h->slock);
		s->next = h->socks;
		if (h->socks)
			h->socks->prev = s;
		h->socks = s;
		pthread_mutex_unlock(&h->slock);
		*ctx = s;
		return;
	}
	struct sock *s = *ctx;
	if (!s)
		return;
	if (s->req) /* completed() was not called first: it must not reach s */
		s->req->sock = NULL;
	pthread_mutex_lock(&h->slock);
	if (s->prev)
		s->prev->next = s->next;
	else
		h->socks = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&h->slock);
	free(s->auth);
	free(s);
	*ctx = NULL;
}

/* reading: a request is arriving (false once it is all here; true again after the answer,
 * when its time starts anew). No lock: see struct sock. */
static void sock_reading(struct sock *s, bool reading)
{
	if (!s)
		return;
	if (reading)
		atomic_store_explicit(&s->since, coarse_ms(), memory_order_relaxed);
	atomic_store_explicit(&s->reading, reading, memory_order_release);
}

static void *timer_main(void *arg)
{
	struct bk_http *h = arg;
	pthread_mutex_lock(&h->tlock);
	while (!h->timer_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&h->tcond, &h->tlock, &ts);
		pthread_mutex_unlock(&h->tlock);
		resume_all(h, !atomic_load(&h->draining));
		reap_slow(h);
		pthread_mutex_lock(&h->tlock);
	}
	pthread_mutex_unlock(&h->tlock);
	return NULL;
}

static void op_complete(struct bk_op *op, void *ctx)
{
	struct req *r = ctx;
	struct bk_http *h = r->h;
	/* Once resumed, the worker may answer and reach completed(), which takes wlock before it
	 * frees r: so r is not touched after the resume, and stays valid until the unlock. */
	pthread_mutex_lock(&h->wlock);
	r->op_done = true;
	MHD_resume_connection(r->conn);
	pthread_mutex_unlock(&h->wlock);
	(void)op;
}

/* Equality of two strings of n bytes in time that depends on n only. */
static bool same_bytes(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The role and name of a bearer token: bk_auth_check (a SHA-256 and a constant-time pass over
 * every tokens-file line), or, when this connection presented exactly these bytes before and
 * they named a token, what they named then (the tokens file is read once, at start). The bytes
 * are compared in constant time: behind a proxy that reuses upstream connections the previous
 * token may be another client's, and the comparison must not tell how much of it matches. */
static enum bk_role token_role(struct bk_http *h, struct sock *s, const char *tok, char who[64])
{
	size_t n = strlen(tok);
	if (s && s->auth && s->auth_len == n && same_bytes(s->auth, tok, n)) {
		memcpy(who, s->auth_who, 64);
		return s->auth_role;
	}
	enum bk_role role = bk_auth_check(h->auth, tok, n, who);
	if (s && role != BK_ROLE_NONE) {
		if (!s->auth || s->auth_len < n) {
			free(s->auth);
			s->auth = malloc(n);
			if (!s->auth)
				abort();
		}
		memcpy(s->auth, tok, n);
		s->auth_len = n;
		s->auth_role = role;
		memcpy(s->auth_who, who, 64);
	}
	return role;
}

/* Role needed per route; NONE means no token needed. */
static enum MHD_Result check_role(struct bk_http *h, struct MHD_Connection *conn, struct sock *s,
                                  enum bk_role need, char who[64], bool *ok)
{
	*ok = false;
	if (!bk_auth_enabled(h->auth)) {
		if (need == BK_ROLE_VIEWER) {
			snprintf(who, 64, "anonymous");
			*ok = true;
			return MHD_YES;
		}
		return send_error(h, conn, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		                  "cbwalld runs without a tokens file (--tokens): it is read-only");
	}
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !auth[7])
		return send_error(h, conn, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		                  "missing bearer token (Authorization: Bearer TOKEN)");
	enum bk_role role = token_role(h, s, auth + 7, who);
	if (role == BK_ROLE_NONE)
		return send_error(h, conn, MHD_HTTP_UNAUTHORIZED, "unauthorized", "unknown token");
	if (need != BK_ROLE_VIEWER && role != need)
		return send_error(h, conn, MHD_HTTP_FORBIDDEN, "forbidden",
		                  "the %s role may not do this; it needs the %s role",
		                  bk_role_name(role), bk_role_name(need));
	*ok = true;
	return MHD_YES;
}

static enum MHD_Result health(struct bk_http *h, struct MHD_Connection *conn)
{
	struct bk_health hl;
	bk_core_health(h->core, &hl);
	char when[32];
	pr_time_format(hl.now, BK_TZ_OFFSET_MIN, when);
	char *body = malloc(1024);
	if (!body)
		abort();
	int n = snprintf(body, 1024,
	                 "{\"status\":\"%s\",\"version\":\"%s\",\"now\":\"%s\",\"alerts_seq\":%lld,"
	                 "\"events_seq\":%lld,\"alerts_active\":%zu,\"alerts_in_memory\":%zu,"
	                 "\"events_in_memory\":%zu,\"last_alert_id\":\"%s\",\"commits\":%llu,"
	                 "\"writes\":%llu,\"simulate\":%s,\"auth\":%s}",
	                 atomic_load(&h->draining) ? "draining" : "ok", CBWALL_VERSION, when,
	                 (long long)hl.alerts_seq, (long long)hl.events_seq, hl.alerts_active,
	                 hl.alerts_in_memory, hl.events_in_memory, hl.last_alert_id,
	                 (unsigned long long)hl.commits, (unsigned long long)hl.ops,
	                 hl.simulate ? "true" : "false",
	                 bk_auth_enabled(h->auth) ? "true" : "false");
	if (n < 0 || n >= 1024)
		abort();
	return send_body(conn, atomic_load(&h->draining) ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK,
	                 body, (size_t)n, false);
}

static enum MHD_Result get_page(struct bk_http *h, struct MHD_Connection *conn, struct req *r,
                                bool alerts)
{
	int64_t since = 0, wait = 0, limit = PAGE_DEFAULT;
	const char *s = NULL, *w = NULL, *l = NULL;
	if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) > 0) {
		s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
		w = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "wait");
		l = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	}
	if (s && !parse_int(s, 0, INT64_MAX, &since))
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
		                  "since: \"%.40s\" is not a non-negative integer", s);
	if (w && (!alerts || !parse_int(w, 0, h->opts.wait_max_s, &wait)))
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
		                  alerts ? "wait: \"%.40s\" is not an integer of seconds 0..%d"
		                         : "wait: not supported here (\"%.40s\", %d)",
		                  w, h->opts.wait_max_s);
	if (l && !parse_int(l, 1, alerts ? PR_ALERT_PAGE_MAX : PR_EVENT_PAGE_MAX, &limit))
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
		                  "limit: \"%.40s\" is not an integer 1..%d", l,
		                  alerts ? PR_ALERT_PAGE_MAX : PR_EVENT_PAGE_MAX);
	size_t len = 0;
	if (!alerts) {
		char *body = bk_core_events_page(h->core, since, (size_t)limit, &len);
		return send_body(conn, MHD_HTTP_OK, body, len, false);
	}
	if (wait > 0 && !atomic_load(&h->draining)) {
		pthread_mutex_lock(&h->wlock);
		if (bk_core_alerts_seq(h->core) == since) {
			r->state = ST_WAIT;
			r->since = since;
			r->limit = (size_t)limit;
			r->deadline_ms = now_ms() + wait * 1000;
			r->wnext = h->waiters;
			r->wprev = NULL;
			if (h->waiters)
				h->waiters->wprev = r;
			h->waiters = r;
			r->waiting = true;
			MHD_suspend_connection(conn);
			pthread_mutex_unlock(&h->wlock);
			return MHD_YES;
		}
		pthread_mutex_unlock(&h->wlock);
	}
	if (since == 0 && limit == PAGE_DEFAULT)
		return send_cached(h, conn, CACHE_ALERTS0, bk_core_alerts_gen(h->core), make_alerts0);
	char *body = bk_core_alerts_page(h->core, since, (size_t)limit, &len);
	return send_body(conn, MHD_HTTP_OK, body, len, false);
}

static bool parse_body(struct bk_http *h, struct MHD_Connection *conn, struct req *r,
                       struct json_object **out, enum MHD_Result *ret)
{
	struct pr_err err = {{0}};
	if (!pr_json_parse(r->body ? r->body : "", r->len, out, &err)) {
		*ret = send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request", "%s", err.msg);
		return false;
	}
	return true;
}

static enum MHD_Result submit(struct bk_http *h, struct MHD_Connection *conn, struct req *r)
{
	r->state = ST_OP;
	r->op->complete = op_complete;
	r->op->ctx = r;
	pthread_mutex_lock(&h->wlock);
	bk_core_submit(h->core, r->op);
	MHD_suspend_connection(conn);
	pthread_mutex_unlock(&h->wlock);
	return MHD_YES;
}

static enum MHD_Result ingest(struct bk_http *h, struct MHD_Connection *conn, struct req *r)
{
	struct json_object *o;
	enum MHD_Result ret;
	if (!parse_body(h, conn, r, &o, &ret))
		return ret;
	struct pr_err err = {{0}};
	bool ok = pr_alert_in_from_json(o, &r->op->in, &err);
	json_object_put(o);
	if (!ok)
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request", "%s", err.msg);
	if (!bk_district_find(r->op->in.adcode))
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
		                  "alert.adcode: %s is not a district of the jurisdiction (合肥市)",
		                  r->op->in.adcode);
	r->op->kind = BK_OP_INGEST;
	return submit(h, conn, r);
}

static enum MHD_Result alert_op(struct bk_http *h, struct MHD_Connection *conn, struct req *r,
                                const char *id, enum bk_op_kind kind)
{
	const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
	if (key) {
		size_t n = strlen(key);
		bool printable = n > 0 && n < sizeof r->op->idem_key;
		for (size_t i = 0; printable && i < n; i++)
			printable = key[i] > 0x20 && key[i] < 0x7f;
		if (!printable)
			return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
			                  "Idempotency-Key must be 1..128 printable ASCII characters");
		snprintf(r->op->idem_key, sizeof r->op->idem_key, "%s", key);
	} else if (kind == BK_OP_ACK) {
		return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request",
		                  "an ack needs an Idempotency-Key header");
	}
	if (r->len > 0) {
		struct json_object *o;
		enum MHD_Result ret;
		if (!parse_body(h, conn, r, &o, &ret))
			return ret;
		struct pr_err err = {{0}};
		bool ok = pr_ack_in_from_json(o, &r->op->ack, &err);
		json_object_put(o);
		if (!ok)
			return send_error(h, conn, MHD_HTTP_BAD_REQUEST, "bad_request", "%s", err.msg);
	}
	snprintf(r->op->alert_id, sizeof r->op->alert_id, "%s", id);
	r->op->kind = kind;
	return submit(h, conn, r);
}

/* The write this request will hand to the committer (allocated on first use). */
static struct bk_op *req_op(struct req *r)
{
	if (!r->op) {
		r->op = calloc(1, sizeof *r->op);
		if (!r->op)
			abort();
	}
	return r->op;
}

static bool is_read(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
	struct bk_http *h = cls;
	struct req *r = *con_cls;
	(void)version;
	if (!r) {
		r = malloc(sizeof *r); /* not calloc: glibc's calloc skips the thread cache */
		if (!r)
			abort();
		*r = (struct req){.h = h, .conn = conn};
		const union MHD_ConnectionInfo *ci =
		        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		r->sock = ci ? ci->socket_context : NULL;
		*con_cls = r;
		if (r->sock) {
			r->sock->req = r;
			atomic_store_explicit(&r->sock->busy, true, memory_order_relaxed);
		} else {
			atomic_fetch_add(&h->inflight, 1);
		}
		const char *cl =
		        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl && (!parse_int(cl, 0, INT64_MAX, &n) || (uint64_t)n > h->opts.body_max))
			return send_error(h, conn, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
			                  "the body is larger than %zu bytes", h->opts.body_max);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big) {
			if (r->len + *upload_size > h->opts.body_max) {
				r->too_big = true;
				free(r->body);
				r->body = NULL;
				r->len = 0;
			} else {
				if (r->len + *upload_size + 1 > r->cap) {
					r->cap = (r->len + *upload_size + 1) * 2;
					if (r->cap > h->opts.body_max + 1)
						r->cap = h->opts.body_max + 1;
					r->body = realloc(r->body, r->cap);
					if (!r->body)
						abort();
				}
				memcpy(r->body + r->len, upload, *upload_size);
				r->len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	/* The whole request is here (or we were resumed). */
	if (r->state == ST_NEW)
		sock_reading(r->sock, false);
	if (r->state == ST_OP) {
		if (!r->op_done)
			return MHD_YES;
		char *body = r->op->body;
		r->op->body = NULL;
		return send_body(conn, (unsigned)r->op->status, body, r->op->body_len, false);
	}
	if (r->state == ST_WAIT) {
		size_t len = 0;
		char *body = bk_core_alerts_page(h->core, r->since, r->limit, &len);
		return send_body(conn, MHD_HTTP_OK, body, len, atomic_load(&h->draining));
	}
	if (r->too_big)
		return send_error(h, conn, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
		                  "the body is larger than %zu bytes", h->opts.body_max);
	if (strncmp(url, "/api/v1/", 8) != 0)
		return send_error(h, conn, MHD_HTTP_NOT_FOUND, "not_found", "no route %.200s", url);
	const char *p = url + 8;
	if (atomic_load(&h->draining))
		return send_error(h, conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
		                  "cbwalld is shutting down");
	if (strcmp(p, "health") == 0) {
		if (!is_read(method))
			return send_405(h, conn, "GET, HEAD", method);
		return health(h, conn);
	}
	enum MHD_Result ret;
	bool ok;
	char who[64] = "";
	static const struct {
		const char *name;
		enum bk_blob blob;
		make_body_fn make;
	} blobs[] = {{"metrics", BK_BLOB_METRICS, make_blob_metrics},
	             {"districts", BK_BLOB_DISTRICTS, make_blob_districts},
	             {"industry", BK_BLOB_INDUSTRY, make_blob_industry}};
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(p, blobs[i].name) != 0)
			continue;
		if (!is_read(method))
			return send_405(h, conn, "GET, HEAD", method);
		ret = check_role(h, conn, r->sock, BK_ROLE_VIEWER, who, &ok);
		if (!ok)
			return ret;
		return send_cached(h, conn, (int)blobs[i].blob,
		                   bk_core_blob_gen(h->core, blobs[i].blob), blobs[i].make);
	}
	if (strcmp(p, "events") == 0) {
		if (!is_read(method))
			return send_405(h, conn, "GET, HEAD", method);
		ret = check_role(h, conn, r->sock, BK_ROLE_VIEWER, who, &ok);
		return ok ? get_page(h, conn, r, false) : ret;
	}
	if (strcmp(p, "alerts") == 0) {
		if (is_read(method)) {
			ret = check_role(h, conn, r->sock, BK_ROLE_VIEWER, who, &ok);
			return ok ? get_page(h, conn, r, true) : ret;
		}
		if (strcmp(method, "POST") != 0)
			return send_405(h, conn, "GET, HEAD, POST", method);
		ret = check_role(h, conn, r->sock, BK_ROLE_INGEST, req_op(r)->who, &ok);
		return ok ? ingest(h, conn, r) : ret;
	}
	if (strncmp(p, "alerts/", 7) == 0) {
		const char *id = p + 7, *slash = strchr(id, '/');
		size_t idlen = slash ? (size_t)(slash - id) : 0;
		enum bk_op_kind kind;
		if (slash && strcmp(slash, "/ack") == 0)
			kind = BK_OP_ACK;
		else if (slash && strcmp(slash, "/resolve") == 0)
			kind = BK_OP_RESOLVE;
		else
			return send_error(h, conn, MHD_HTTP_NOT_FOUND, "not_found", "no route %.200s", url);
		char idbuf[24];
		bool valid = idlen > 0 && idlen < sizeof idbuf;
		for (size_t i = 0; valid && i < idlen; i++)
			valid = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'Z') ||
			        (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-' || id[i] == '_';
		if (!valid)
			return send_error(h, conn, MHD_HTTP_NOT_FOUND, "not_found", "no such alert");
		memcpy(idbuf, id, idlen);
		idbuf[idlen] = '\0';
		if (strcmp(method, "POST") != 0)
			return send_405(h, conn, "POST", method);
		ret = check_role(h, conn, r->sock, BK_ROLE_OFFICER, req_op(r)->who, &ok);
		return ok ? alert_op(h, conn, r, idbuf, kind) : ret;
	}
	return send_error(h, conn, MHD_HTTP_NOT_FOUND, "not_found", "no route %.200s", url);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct bk_http *h = cls;
	struct req *r = *con_cls;
	(void)toe;
	if (!r)
		return;
	(void)conn;
	sock_reading(r->sock, true);
	/* Only a request that was suspended (a long-poll, a write) can be on the waiters list or
	 * still be touched by op_complete: a plain read takes no lock shared between workers. */
	if (r->state != ST_NEW) {
		pthread_mutex_lock(&h->wlock);
		waiter_remove_locked(h, r);
		pthread_mutex_unlock(&h->wlock);
	}
	free(r->body);
	if (r->op)
		free(r->op->body);
	free(r->op);
	if (r->sock) {
		r->sock->req = NULL;
		atomic_store_explicit(&r->sock->busy, false, memory_order_release);
	} else {
		atomic_fetch_sub(&h->inflight, 1);
	}
	free(r);
	*con_cls = NULL;
}

static bool parse_listen(const char *s, struct sockaddr_in *sa, struct pr_err *err)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	int64_t port;
	if (!colon || (size_t)(colon - s) >= sizeof host || !parse_int(colon + 1, 0, 65535, &port))
		return pr_err_set(err, "listen: \"%s\" is not ADDR:PORT", s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "*") == 0 || !host[0])
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return pr_err_set(err, "listen: \"%s\" is not an IPv4 address", host);
	return true;
}

bool bk_http_listen_check(const char *listen, struct pr_err *err)
{
	struct sockaddr_in sa;
	return parse_listen(listen, &sa, err);
}

struct bk_http *bk_http_start(struct bk_core *core, const struct bk_auth *auth,
                              const struct bk_http_opts *opts, struct pr_err *err)
{
	struct sockaddr_in sa;
	if (!parse_listen(opts->listen, &sa, err))
		return NULL;
	struct bk_http *h = calloc(1, sizeof *h);
	if (!h)
		abort();
	h->core = core;
	h->auth = auth;
	h->opts = *opts;
	h->quiesced = MHD_INVALID_SOCKET;
	pthread_mutex_init(&h->wlock, NULL);
	pthread_mutex_init(&h->tlock, NULL);
	pthread_cond_init(&h->tcond, NULL);
	pthread_mutex_init(&h->slock, NULL);
	pthread_key_create(&h->tkey, tcache_free);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_TURBO;
	struct MHD_OptionItem tls[4] = {{MHD_OPTION_END, 0, NULL}};
	if ((opts->tls_cert != NULL) != (opts->tls_key != NULL)) {
		pr_err_set(err, "tls_cert and tls_key go together: give both or neither");
		bk_http_free(h);
		return NULL;
	}
	if (opts->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			pr_err_set(err, "this libmicrohttpd was built without TLS: cannot serve HTTPS");
			bk_http_free(h);
			return NULL;
		}
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)opts->tls_cert};
		tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)opts->tls_key};
		/* GnuTLS's defaults without SSL 3.0, TLS 1.0 and 1.1 */
		tls[2] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
		                                 (void *)"NORMAL:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1"};
	}
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR, &sa,
	                        MHD_OPTION_ARRAY, tls, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opts->threads,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opts->conn_timeout_s,
	                        MHD_OPTION_CONNECTION_LIMIT, 8192u, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	                        1024u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192,
	                        MHD_OPTION_NOTIFY_COMPLETED, completed, h, MHD_OPTION_END);
	if (!h->d) {
		if (opts->tls_cert)
			pr_err_set(err, "cannot listen on %s (in use, not an address of this machine, "
			                "or the TLS certificate and key are not PEM of one key pair)",
			           opts->listen);
		else
			pr_err_set(err, "cannot listen on %s (in use, or not an address of this machine)",
			           opts->listen);
		bk_http_free(h);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : ntohs(sa.sin_port);
	bk_core_on_alerts(core, on_alerts, h);
	if (pthread_create(&h->timer, NULL, timer_main, h) != 0)
		abort();
	return h;
}

uint16_t bk_http_port(const struct bk_http *h)
{
	return h->port;
}

/* Requests in progress. */
static long inflight(struct bk_http *h)
{
	long n = atomic_load(&h->inflight);
	pthread_mutex_lock(&h->slock);
	for (struct sock *s = h->socks; s; s = s->next)
		n += atomic_load_explicit(&s->busy, memory_order_acquire);
	pthread_mutex_unlock(&h->slock);
	return n;
}

void bk_http_drain(struct bk_http *h, int timeout_ms)
{
	if (!h || !h->d)
		return;
	atomic_store(&h->draining, true);
	h->quiesced = MHD_quiesce_daemon(h->d);
	resume_all(h, false);
	int64_t end = now_ms() + timeout_ms;
	while (inflight(h) > 0 && now_ms() < end) {
		resume_all(h, false);
		usleep(10000);
	}
}

void bk_http_free(struct bk_http *h)
{
	if (!h)
		return;
	if (h->d) {
		pthread_mutex_lock(&h->tlock);
		h->timer_stop = true;
		pthread_cond_signal(&h->tcond);
		pthread_mutex_unlock(&h->tlock);
		pthread_join(h->timer, NULL);
		bk_core_on_alerts(h->core, NULL, NULL);
		resume_all(h, false);
		MHD_stop_daemon(h->d);
		if (h->quiesced != MHD_INVALID_SOCKET)
			close(h->quiesced);
	}
	pthread_key_delete(h->tkey);
	pthread_mutex_destroy(&h->slock);
	pthread_mutex_destroy(&h->wlock);
	pthread_mutex_destroy(&h->tlock);
	pthread_cond_destroy(&h->tcond);
	free(h);
}
