#pragma once
/* The live data feed: libcurl (multi interface) on its own thread polls cbwalld's metrics,
 * districts, events and industry on their intervals, long-polls /api/v1/alerts, delivers the
 * ack outbox, and publishes a new immutable cw_snapshot after every change. The render thread
 * only ever calls cw_feed_latest (a mutex-protected pointer swap) and never waits on the network.
 *
 * Failures keep the last good data: the source is marked failed with its reason, the
 * connection DOWN, and the request retried with capped exponential backoff with jitter. Each
 * run of failures of a source logs one line (URL and reason) when it starts or its reason
 * changes, and one line when it recovers.
 *
 * Hardening of every request (cw_http_setup): connect and total timeouts, a low-speed limit,
 * NOSIGNAL, http/https only, no redirects followed, TLS >= 1.2 with verification on (CA file
 * configurable), the token only in the Authorization header, bodies capped in the write
 * callback (cfg.body_max) because CURLOPT_MAXFILESIZE does not stop a chunked body.
 *
 * Threads: cw_feed_new/start/free on one thread (the owner); cw_feed_latest and cw_feed_ack
 * from any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "cw_snapshot.h"
#include "rd_err.h"

struct cw_config;

struct cw_feed_config {
	const char *url;          /* backend base, "http://127.0.0.1:8640" (a path prefix is kept) */
	const char *token;        /* bearer token or NULL (copied) */
	const char *ca_file;      /* PEM bundle for https; NULL: the system's */
	const char *outbox;       /* ack outbox (cw_outbox.h) to deliver, or NULL for none */
	int interval_s[CW_SRC_COUNT]; /* poll intervals; alerts: unused (long-poll) */
	int alerts_wait_s;        /* long-poll wait asked of the server, 0..600 */
	int connect_timeout_s;    /* TCP + TLS connect */
	int timeout_s;            /* a whole request (long-polls get alerts_wait_s on top) */
	int backoff_min_ms, backoff_max_ms; /* retry delay: doubles from min up to max, jittered */
	size_t body_max;          /* bytes; a longer answer is cut and counted as a failure */
	/* Where log lines go (one line, no newline); NULL: stderr with "cbwall: " in front. */
	void (*log)(void *ud, const char *line);
	void *log_ud;
	/* Called on the feed thread after each publish (e.g. SDL_PushEvent); may be NULL. */
	void (*on_publish)(void *ud);
	void *publish_ud;
};

/* Defaults: intervals metrics 10 s, districts 30 s, events 15 s, industry 300 s; wait 25 s;
 * connect 5 s; timeout 20 s; backoff 1 s .. 60 s; body_max PR_BODY_MAX (8 MiB). */
void cw_feed_config_default(struct cw_feed_config *cfg);
/* The same filled from a loaded config file (strings borrowed from it). */
void cw_feed_config_from(struct cw_feed_config *cfg, const struct cw_config *file);

/* For the terminal commands (ack, alerts): cw_config_resolve, then the token, then cfg (its
 * strings point into *c and token). False with err when no http(s) backend is configured. */
bool cw_feed_config_resolve(const char *config_path, const char *backend, const char *token_file,
                            struct cw_config *c, char *token, size_t token_n,
                            struct cw_feed_config *cfg, struct rd_err *err);

struct cw_feed;

/* A feed for an http(s) URL; false-y NULL with err on a bad URL or outbox. Nothing runs yet. */
struct cw_feed *cw_feed_new(const struct cw_feed_config *cfg, struct rd_err *err);
/* Starts the thread. */
bool cw_feed_start(struct cw_feed *feed, struct rd_err *err);
/* Stops the thread (an in-flight long-poll is abandoned at once) and frees everything. */
void cw_feed_free(struct cw_feed *feed);
/* The latest snapshot, with a new reference the caller drops (never NULL once created: before
 * any answer it is an empty snapshot with conn CONNECTING). */
struct cw_snapshot *cw_feed_latest(struct cw_feed *feed);
/* Puts an ack into the outbox (fsynced, fresh idempotency key) and wakes the thread to send it.
 * True means "pending": it will be delivered by this or any other cbwall with the same token. */
bool cw_feed_ack(struct cw_feed *feed, const char *alert_id, const char *note,
                 struct rd_err *err);

/* Fetches every endpoint once (alerts without waiting), synchronously, bounded by the
 * configured timeouts: for `cbwall snapshot --backend`. NULL with err when metrics could not be
 * fetched; other sources that failed are marked failed in the snapshot. */
struct cw_snapshot *cw_feed_once(const struct cw_feed_config *cfg, int64_t now,
                                 struct rd_err *err);

/* Applies the hardening above to an easy handle for url (method GET unless post_body is
 * given; post_body is copied). extra_s is added to the total timeout and the low-speed window
 * (a long-poll's wait). body receives the answer; its size is capped at cfg->body_max.
 * *headers (the caller frees it after the transfer) gets Authorization when cfg->token is set
 * and Idempotency-Key when idem_key is. */
struct cw_body {
	char *data;   /* NUL-terminated, malloc'd */
	size_t len, max;
	size_t cap;   /* bytes allocated at data (grown geometrically: a big answer is not
	               * copied again for every piece curl hands over) */
	bool too_big; /* the answer passed max and was cut */
};
void cw_http_setup(CURL *easy, const struct cw_feed_config *cfg, const char *url, int extra_s,
                   const char *post_body, const char *idem_key, struct cw_body *body,
                   struct curl_slist **headers, char errbuf[CURL_ERROR_SIZE]);
void cw_body_finish(struct cw_body *body);
/* One line for a failed transfer: "http://h/api/v1/metrics: Connection refused", "...: HTTP
 * 503: no data yet", "...: answer over 8388608 bytes". */
void cw_http_describe(const char *url, CURLcode rc, const char *errbuf, long status,
                      const struct cw_body *body, char *buf, size_t n);
