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

/* What the window is for (docs/modes.md). NONE: a developer's plain window (Esc or q quits). */
enum cw_mode { CW_MODE_NONE, CW_MODE_WALL, CW_MODE_KIOSK, CW_MODE_DUTY };

/* A key chord: modifiers (CW_CHORD_*) and one key named as SDL_GetKeyFromName knows it ("Q",
 * "F12", "Escape"). Parsed without SDL; the window turns the name into a keycode. */
enum { CW_CHORD_CTRL = 1, CW_CHORD_ALT = 2, CW_CHORD_SHIFT = 4, CW_CHORD_SUPER = 8 };
struct cw_chord {
	unsigned mods;
	char key[16];
};

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
	enum cw_mode mode;          /* "mode"; NONE when the file does not say */
	struct cw_chord admin_chord; /* "admin_chord": the only way out of wall and kiosk modes */
	int escalate_after_s;       /* "escalate_after_s": a new grade 1-2 alert escalates after */
	int kiosk_idle_s;           /* "kiosk_idle_s": the kiosk returns to the overview after */
	char language[8];           /* "language": "zh" (default) or a config/i18n/LANG.json */
};

void cw_config_default(struct cw_config *c);
/* Loads path over the defaults. Relative paths inside are relative to the file's folder;
 * "~/" is $HOME. False with err naming the file (and key) when it cannot be opened or read in
 * full, is over 1 MiB, is not valid JSON, fails validation, or its buffer cannot be allocated
 * ("FILE: out of memory for N bytes"); *c then holds the defaults, never half a config. */
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
/* "wall", "kiosk", "duty" -> mode; false for anything else. */
bool cw_mode_parse(const char *s, enum cw_mode *mode);
/* "wall", "kiosk", "duty", "window" (NONE). */
const char *cw_mode_name(enum cw_mode mode);
/* "Ctrl+Alt+Shift+Q" (case-insensitive modifier names Ctrl, Alt, Shift, Super; then one key:
 * a printable ASCII character, F1..F24, or Escape, Delete, Backspace, Pause, Home, End,
 * Insert, Space, Tab, Return). At least one modifier. False for anything else. */
bool cw_chord_parse(const char *s, struct cw_chord *chord);
/* True for http:// and https:// URLs (a live backend rather than fixtures). */
bool cw_url_is_http(const char *url);
