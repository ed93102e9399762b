#pragma once
/* The client's config file (docs/config.md): which backend to read, with which token, how
 * often, and where the ack outbox lives. Strict JSON like themes and scenes: an unknown key, a
 * wrong type or a value out of range fails with "FILE: key: message". Command-line options
 * (--backend, --token-file, --config) override it through cw_config_resolve.
 * Plain value type; any thread. */
#include <stdbool.h>
#include <stddef.h>

#include "cw_snapshot.h"
#include "rd_err.h"

struct cw_config {
	char path[1024];        /* the file it came from; "" when only defaults */
	char backend[512];      /* "http://127.0.0.1:8640", "https://...", "file:///DIR"; "" = demo */
	char token_file[1024];  /* first line is the bearer token; "" = none */
	char ca_file[1024];     /* PEM bundle for https; "" = the system's */
	char outbox[1024];      /* "" = $XDG_STATE_HOME/cbwall/outbox.db */
	int interval_s[CW_SRC_COUNT]; /* alerts: unused (long-poll) */
	int alerts_wait_s;
	int connect_timeout_s, timeout_s;
	int backoff_max_s;
};

void cw_config_default(struct cw_config *c);
/* Loads path over the defaults. Relative paths inside are relative to the file's folder;
 * "~/" is $HOME. */
bool cw_config_load(const char *path, struct cw_config *c, struct rd_err *err);
/* The config a subcommand runs with: config_path if given (must exist), else
 * $XDG_CONFIG_HOME/cbwall/config.json (~/.config/...) if it exists, else defaults; then
 * backend and token_file (either may be NULL) override. */
bool cw_config_resolve(const char *config_path, const char *backend, const char *token_file,
                       struct cw_config *c, struct rd_err *err);
/* Reads the bearer token: the first line of the file, trimmed; printable ASCII, 8..512 chars.
 * An empty token_file gives an empty token and true. */
bool cw_config_token(const struct cw_config *c, char *buf, size_t n, struct rd_err *err);
/* The outbox path: c->outbox or $XDG_STATE_HOME/cbwall/outbox.db (~/.local/state/...). */
bool cw_config_outbox(const struct cw_config *c, char *buf, size_t n, struct rd_err *err);
/* True for http:// and https:// URLs (a live backend rather than fixtures). */
bool cw_url_is_http(const char *url);
