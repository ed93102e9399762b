#pragma once
/* Alerts that demand attention (docs/modes.md): a grade-1 or grade-2 alert still new (not
 * acknowledged) escalate_after seconds after it was raised escalates. The ticker then shows
 * it as its banner (grade 1 shows there at once anyway) and the window sounds an alarm: a
 * two-tone beep made in code and played through SDL audio. A duty officer can silence it;
 * the silence lasts until an alert that was not escalated at that moment escalates.
 *
 * Three parts:
 * - the threshold: a process-wide setting, set once by the window before the first frame
 *   (default 300 s); read by the ticker panel and by the watch below, any thread;
 * - the watch (struct cw_alarm_watch): pure bookkeeping of which escalated alerts were
 *   silenced, no SDL, for unit tests;
 * - the tone (struct cw_alarm): an SDL audio device with a callback. When there is no audio
 *   device (a wall without a sound card, Xvfb) the tone is skipped with one log line; that is
 *   never an error. Render thread, except the callback (SDL's audio thread). */
#include <stdbool.h>
#include <stddef.h>

#include "cw_snapshot.h"
#include "pr_alert.h"

/* The escalation threshold, seconds (10..86400; other values are clamped). */
void cw_alarm_set_escalate_after(int seconds);
int cw_alarm_escalate_after(void);
/* True when a is grade 1 or 2, new, and was raised at least the threshold before now. */
bool cw_alarm_escalated(const struct pr_alert *a, double now);

enum { CW_ALARM_SILENCED_MAX = 256 };

struct cw_alarm_watch {
	int escalated;        /* escalated alerts at the last update */
	bool ringing;         /* the tone should sound */
	char first[24];       /* one of the escalated alerts that is not silenced ("" none) */
	int silenced_count;
	char silenced[CW_ALARM_SILENCED_MAX][24]; /* escalated when the officer silenced */
};

/* Recomputes from the snapshot at now (snap may be NULL): ringing while some escalated alert
 * is not in the silenced set. Forgets silenced alerts that are no longer escalated (acked,
 * resolved, gone), so the set stays small. Returns true when ringing changed. */
bool cw_alarm_watch_update(struct cw_alarm_watch *w, const struct cw_snapshot *snap, double now);
/* Silences every alert escalated at the last update. */
void cw_alarm_watch_silence(struct cw_alarm_watch *w, const struct cw_snapshot *snap, double now);

struct cw_alarm;

/* Opens the default audio device (initializing SDL's audio subsystem). Never fails: without a
 * device it logs one line and the tone is skipped. */
struct cw_alarm *cw_alarm_new(void);
void cw_alarm_free(struct cw_alarm *alarm);
/* Follows the snapshot: starts or stops the tone, logs when it starts. */
void cw_alarm_update(struct cw_alarm *alarm, const struct cw_snapshot *snap, double now);
/* The duty officer's silence (key S, the 静音 button). */
void cw_alarm_silence(struct cw_alarm *alarm, const struct cw_snapshot *snap, double now);
/* For the console: the watch's state (alarm may be NULL: nothing escalated). */
const struct cw_alarm_watch *cw_alarm_state(const struct cw_alarm *alarm);
/* True when a device is open (the tone can be heard). */
bool cw_alarm_has_audio(const struct cw_alarm *alarm);
