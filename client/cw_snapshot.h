#pragma once
/* A feed snapshot: everything a screen shows, decoded and validated, at one moment, with how
 * fresh each part is.
 *
 * Ownership: immutable once published and reference-counted. The feed (cw_feed.h) or
 * cw_feed_read makes it; the render thread takes a reference (cw_feed_latest) for as long as it
 * draws from it; whoever drops the last reference frees it (and the alert, event and ack
 * arrays it owns). Nobody writes to a snapshot someone else can see: to change one, take a
 * private copy with cw_snapshot_dup (tests do this to fake a backend that is down).
 *
 * Freshness, per source (CW_SRC_*): src[i].fetched_at is the Unix time of the last successful
 * fetch (0: never), src[i].failed whether the latest attempt failed (its one-line reason in
 * src[i].error). The data of a failed source is the last good data, kept. cw_snapshot_stale
 * says whether a panel bound to that source should carry a stale mark, and
 * cw_snapshot_age_text writes the mark's text ("数据更新于 3 分钟前"). conn is the header's
 * connection indicator: OK, CONNECTING (no answer yet since start) or DOWN since down_since. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pr_alert.h"
#include "pr_district.h"
#include "pr_event.h"
#include "pr_industry.h"
#include "pr_metrics.h"
#include "rd_err.h"

enum cw_source {
	CW_SRC_METRICS,   /* GET /api/v1/metrics,   metrics.json */
	CW_SRC_DISTRICTS, /* GET /api/v1/districts, districts.json */
	CW_SRC_EVENTS,    /* GET /api/v1/events,    events.json */
	CW_SRC_INDUSTRY,  /* GET /api/v1/industry,  industry.json */
	CW_SRC_ALERTS,    /* GET /api/v1/alerts (long-poll), alerts.json */
	CW_SRC_COUNT
};

enum cw_conn {
	CW_CONN_OK,         /* the latest request that completed got an answer from cbwalld */
	CW_CONN_CONNECTING, /* started, nothing answered yet (never shown as an error) */
	CW_CONN_DOWN        /* the latest request failed: refused, timed out, 5xx, 401... */
};

struct cw_source_state {
	bool has;             /* data of this source is in the snapshot (maybe old) */
	int64_t fetched_at;   /* Unix s of the last successful fetch; 0 = never */
	bool failed;          /* the latest attempt failed: the data shown is the last good one */
	int64_t failed_since; /* Unix s of the first failure of the current run of failures */
	int stale_after;      /* seconds after fetched_at when the data counts as old even without
	                         a failure (about three poll intervals); 0 = never (file feeds) */
	char error[192];      /* why the latest attempt failed, one line; "" when it did not */
};

/* The state of an acknowledgement this client made (cw_outbox.h), for the duty screen. */
enum cw_ack_state {
	CW_ACK_PENDING,  /* on disk, not answered yet: retried until it is */
	CW_ACK_DONE,     /* 2xx: the backend recorded it */
	CW_ACK_CONFLICT, /* 409: someone acked (or resolved) first; text says who and when */
	CW_ACK_REFUSED   /* another 4xx: refused for good; text holds the backend's reason */
};

struct cw_ack_view {
	char alert_id[24];
	enum cw_ack_state state;
	int64_t created_at;   /* when the officer acked (Unix s) */
	char text[320];       /* "已由 王伟 于 14:31 确认", the refusal reason, or the last error */
};

struct cw_snapshot {
	int refs;              /* atomic; use cw_snapshot_ref/unref */
	uint64_t generation;   /* increases with every new snapshot of a feed */
	char source[256];      /* the feed URL it came from */
	bool live;             /* from an http(s) backend (false: file:// fixtures) */
	int64_t made_at;       /* Unix s when this snapshot was published */

	enum cw_conn conn;     /* the header's connection indicator */
	int64_t down_since;    /* Unix s; meaningful when conn == CW_CONN_DOWN */
	char conn_error[192];  /* the failure that made it DOWN, one line */
	struct cw_source_state src[CW_SRC_COUNT];

	/* The data. has_X and X_at mirror src[CW_SRC_X].has and .fetched_at. */
	bool has_metrics;
	int64_t metrics_at;
	struct pr_metrics metrics;
	bool has_districts;
	int64_t districts_at;
	struct pr_districts districts;
	bool has_industry;
	struct pr_industry industry;

	/* Alerts known to this client: every alert the feed has seen and not yet retired (resolved
	 * ones are kept 24 h), in screen order: new before acked before resolved; then by grade
	 * (1 特别重大 first); then newest raised_at first. alerts_next is the feed's cursor. */
	size_t alert_count;
	struct pr_alert *alerts;
	int64_t alerts_next;
	/* Grid events, oldest change (seq) first; closed ones are kept 24 h. */
	size_t event_count;
	struct pr_event *events;
	int64_t events_next;
	/* Acks made on this machine with this token, newest first (pending ones and those settled
	 * in the last hour). */
	size_t ack_count;
	struct cw_ack_view *acks;
};

/* A new empty snapshot with one reference. Aborts on out of memory. */
struct cw_snapshot *cw_snapshot_new(void);
struct cw_snapshot *cw_snapshot_ref(struct cw_snapshot *s);
void cw_snapshot_unref(struct cw_snapshot *s);
/* A private deep copy (one reference, generation kept) the caller may change before sharing. */
struct cw_snapshot *cw_snapshot_dup(const struct cw_snapshot *s);

/* "metrics", "districts", "events", "industry", "alerts"; "?" out of range. */
const char *cw_source_name(int source);
/* True when a panel showing `source` should be marked stale at `now`: its latest fetch failed,
 * or its data is older than stale_after, or the connection is down. False when the source has
 * no data at all (the panel shows its empty state instead). */
bool cw_snapshot_stale(const struct cw_snapshot *s, int source, int64_t now);
/* The stale mark's text for `source` at `now`, e.g. "数据更新于 3 分钟前" ("刚刚" under a minute,
 * then 分钟, 小时, 天); "暂无数据" when the source never arrived. Always NUL-terminated. */
void cw_snapshot_age_text(const struct cw_snapshot *s, int source, int64_t now, char *buf,
                          size_t n);
/* Copies src into dst[n], cut (if it must be) at a UTF-8 character boundary, so text put
 * into a snapshot stays valid UTF-8 for Cairo. */
void cw_utf8_copy(char *dst, size_t n, const char *src);
/* The alert with id, or NULL. */
const struct pr_alert *cw_snapshot_alert(const struct cw_snapshot *s, const char *id);

/* Reads a feed once, synchronously. "file:///dir" (or a plain directory path) reads the fixture
 * files of docs/feed.md through the same decoders as the live feed: metrics.json is required,
 * the others are optional, every file present must be valid. "http(s)://host:port" fetches
 * every endpoint once (no long-poll) with the options in cw_feed.h's defaults; the token, if
 * any, comes from token (may be NULL). Returns a new snapshot or NULL with err naming the file
 * or URL and the field. */
struct cw_snapshot *cw_feed_read(const char *url, int64_t now, struct rd_err *err);
/* The feed used when none is given: the demo fixtures in assets/fixtures/demo. */
bool cw_feed_default_url(char *buf, size_t size, struct rd_err *err);
