#pragma once
/* The HTTP API v1 on libmicrohttpd: routing, roles, body limits, long-polls and acks that
 * hold no thread while they wait (the connection is suspended and resumed by the committer or
 * the wait timer), responses queued on the handler's call after the body, hot reads served
 * from cached responses of what bk_core has in memory. Start and stop from the main thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bk_auth.h"
#include "bk_core.h"
#include "pr_err.h"

struct bk_http_opts {
	const char *listen;     /* "127.0.0.1:8640"; port 0 picks a free one */
	int threads;            /* worker threads (epoll each) */
	int conn_timeout_s;     /* idle clients are closed after this */
	int request_timeout_s;  /* a request (line, headers, body) must arrive within this many
	                         * seconds of the connection's start or its previous answer, however
	                         * slowly it trickles in (slowloris); 0: no limit */
	int wait_max_s;         /* the longest long-poll */
	size_t body_max;        /* request bodies larger than this get 413 */
	const char *tls_cert;   /* PEM certificate chain (contents, not a path): serve HTTPS */
	const char *tls_key;    /* PEM private key (contents); both or neither */
};

struct bk_http;

struct bk_http *bk_http_start(struct bk_core *core, const struct bk_auth *auth,
                              const struct bk_http_opts *opts, struct pr_err *err);
/* Whether listen is an ADDR:PORT bk_http_start accepts (IPv4, `*` or `localhost`, port
 * 0..65535); opens no socket, so an address in use or not of this machine passes. */
bool bk_http_listen_check(const char *listen, struct pr_err *err);
uint16_t bk_http_port(const struct bk_http *h);
/* Stops accepting, answers waiting long-polls, waits up to timeout_ms for requests in
 * progress. Call before freeing the core; then bk_http_free. */
void bk_http_drain(struct bk_http *h, int timeout_ms);
void bk_http_free(struct bk_http *h);
