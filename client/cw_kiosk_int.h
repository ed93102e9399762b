#pragma once
/* The kiosk controller's insides, shared by its input (cw_kiosk_input.c) and its cards
 * (cw_kiosk_card.c). Not for other modules. */
#include <cairo.h>

#include "cw_frame.h"
#include "cw_kiosk.h"
#include "cw_panel.h"

enum cw_kiosk_card { CW_KIOSK_CARD_NONE, CW_KIOSK_CARD_DISTRICT, CW_KIOSK_CARD_ALERT };

/* Touch targets of a card, for press feedback and taps. */
enum {
	CW_KIOSK_T_NONE = -1,
	CW_KIOSK_T_CLOSE = 0,   /* the ✕ */
	CW_KIOSK_T_BUTTON = 1,  /* the card's buttons: 1 .. CW_KIOSK_BUTTONS */
	CW_KIOSK_BUTTONS = 2,
	CW_KIOSK_T_ROW = 8,     /* the district card's alert rows: 8 .. 8 + CW_KIOSK_ROWS - 1 */
	CW_KIOSK_ROWS = 8,
};
enum cw_kiosk_button { CW_KIOSK_BTN_CLOSE, CW_KIOSK_BTN_BACK };

struct cw_kiosk {
	struct cw_kiosk_config cfg;
	double target_px;           /* 9 mm at the display's DPI */
	struct cw_gesture g;
	struct cw_inertia inertia;
	struct cw_wall *wall;
	int canvas_w, canvas_h;     /* the cards are centred on the canvas */
	struct cw_frame_overlay overlay;
	/* the card */
	enum cw_kiosk_card card;
	char adcode[8];             /* the district card's district */
	char alert_id[24];          /* the alert card's alert */
	bool from_district;         /* the alert card came from the district card: 返回 goes back */
	int pressed;                /* the target under a finger that is down (CW_KIOSK_T_*) */
	uint64_t generation;        /* bumps with every change of what the card shows */
	/* its geometry at the last draw, canvas pixels */
	struct rd_rect box, close_box;
	int nbuttons;
	struct rd_rect buttons[CW_KIOSK_BUTTONS];
	enum cw_kiosk_button button_kind[CW_KIOSK_BUTTONS];
	int nrows;
	struct rd_rect rows[CW_KIOSK_ROWS];
	char row_ids[CW_KIOSK_ROWS][24];
	/* the map being moved: a panel of `frame`; reset when the frame changes */
	struct cw_frame *frame;
	int map_panel;              /* -1: none */
	struct cw_map_pose pose;
	bool moved;                 /* a view was changed since the last idle reset */
	bool settle_due;            /* the map's view changed: settle it once it rests */
	double view_changed;        /* monotonic s of the last change */
	double mono;                /* monotonic s of the event or update being handled */
	/* time */
	double last_input;          /* monotonic s */
	bool idle_done;             /* nothing happened since the last reset */
	double last_update;
	bool gesture_active;        /* a pan or pinch ran: log the view when it ends */
	char scene[64];             /* last logged */
	const struct cw_snapshot *snap; /* the latest, for taps (valid until the next update) */
	double now;
};

/* The overlay callbacks (cw_kiosk_card.c). */
uint64_t cw_kiosk_card_key(void *ud, const struct cw_panel_ctx *c);
void cw_kiosk_card_draw(void *ud, cairo_t *cr, const struct cw_panel_ctx *c);
/* The alert rows an alerts panel shows (its order: grade, then newest), as ids, and their
 * rectangles; returns how many (at most max). Mirrors cw_panel_trend.c's alerts_draw. */
int cw_kiosk_alert_rows(struct cw_panel *p, const struct cw_panel_ctx *c, char ids[][24],
                        struct rd_rect *rects, int max);
