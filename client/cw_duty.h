#pragma once
/* The duty officer's alert console (docs/modes.md): a list of alerts with grade, category,
 * district, time and status, filtered by grade, status, district and a search in titles; a
 * selection the keyboard, mouse and touch move; acknowledgement (with an optional note)
 * through the feed's ack outbox; and beside it a map that flies to the selected alert.
 *
 * Two layers:
 * - the list logic (cw_duty_list.h: filter, order, selection, scrolling, the status text of
 *   a row): pure functions, no SDL, unit-tested;
 * - struct cw_duty, the console: the officer's choices and the rows of the latest snapshot;
 *   cw_duty_event takes SDL events. The scene's "duty" panels (cw_duty_panel.c) draw it.
 *
 * Panels have no way to be handed a console, so the window attaches its console
 * (cw_duty_attach) and the panels read cw_duty_current(); a headless frame (`cbwall
 * snapshot --scene duty`) gets one made by the console panel with the default filter.
 * Render thread only; one console per process. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "cw_duty_list.h"
#include "cw_snapshot.h"
#include "rd_geom.h"

struct cw_feed;
struct cw_alarm;

/* The buttons of the console, for hit-testing and drawing. */
enum cw_duty_button {
	CW_DUTY_BTN_ACK,     /* 确认 (A) */
	CW_DUTY_BTN_NOTE,    /* 备注 (N) */
	CW_DUTY_BTN_DETAILS, /* 详情 (Enter) */
	CW_DUTY_BTN_SEARCH,  /* 搜索 (/) */
	CW_DUTY_BTN_SILENCE, /* 静音 (S) */
	CW_DUTY_BTN_COUNT
};

/* The text field at the bottom of the console. */
enum cw_duty_field { CW_DUTY_FIELD_NONE, CW_DUTY_FIELD_NOTE, CW_DUTY_FIELD_SEARCH };

struct cw_duty {
	struct cw_duty_filter filter;
	struct cw_feed *feed;        /* acks go to its outbox; NULL: no backend (fixtures) */
	struct cw_alarm *alarm;      /* S silences it; may be NULL */
	int utc_offset_min;
	/* the rows of snap under filter */
	struct cw_snapshot *snap;    /* a reference, so rows stay valid between frames */
	uint64_t snap_gen;
	bool stale;                  /* filter changed: recompute the rows */
	size_t row_count;
	uint32_t rows[CW_DUTY_ROWS_MAX];
	int sel, first;              /* selected row (-1 none) and the first row shown */
	char selected[24];           /* the selected alert's id, kept across data changes */
	int visible;                 /* rows that fit, from the last draw (page size) */
	bool details;                /* the details card of the selected alert is open */
	enum cw_duty_field field;
	char text[512];              /* what is typed in the field */
	char note_for[24];           /* the alert the note is for */
	char message[256];           /* a short line under the list ("没有连接后端" ...) */
	double message_until;
	double now;                  /* time of the last refresh */
	uint64_t generation;         /* bumps on every change the console shows */
	/* geometry of the last draw, canvas pixels (for clicks) */
	struct rd_rect list_box;     /* the rows */
	double row_h;
	struct rd_rect buttons[CW_DUTY_BTN_COUNT];
	struct rd_rect grade_chips[4], status_chip, district_chip;
	/* ack states already logged, so each change is logged once */
	int logged_count;
	struct {
		char id[24];
		int state;
	} logged[64];
	double started;              /* acks made before this are not logged */
};

struct cw_duty *cw_duty_new(struct cw_feed *feed, struct cw_alarm *alarm, int utc_offset_min);
void cw_duty_free(struct cw_duty *d);
/* The console the duty panels draw (NULL to detach). */
void cw_duty_attach(struct cw_duty *d);
struct cw_duty *cw_duty_current(void);
/* Brings the rows up to date with snap (a new reference is taken) and the filter; keeps the
 * selection on the same alert. Logs every change of our acks once ("cbwall: duty: ..."). */
void cw_duty_refresh(struct cw_duty *d, struct cw_snapshot *snap, double now);
/* The selected alert, or NULL. */
const struct pr_alert *cw_duty_selected(const struct cw_duty *d);
/* Handles one input event; (ox, oy) is the window's offset in the canvas (a tile's
 * viewport). True when the event was the console's (it may have changed the picture). */
bool cw_duty_event(struct cw_duty *d, const SDL_Event *ev, int ox, int oy, double now);
/* Acknowledges the selected alert with note (may be ""): through the feed's outbox. */
void cw_duty_ack(struct cw_duty *d, const char *note, double now);
