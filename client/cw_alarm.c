#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <SDL.h>

#include "cw_alarm.h"

static atomic_int escalate_after_s = 300;

void cw_alarm_set_escalate_after(int seconds)
{
	atomic_store(&escalate_after_s, seconds < 10 ? 10 : seconds > 86400 ? 86400 : seconds);
}

int cw_alarm_escalate_after(void)
{
	return atomic_load(&escalate_after_s);
}

bool cw_alarm_escalated(const struct pr_alert *a, double now)
{
	return a->status == PR_ALERT_NEW && (a->grade == 1 || a->grade == 2) &&
	       now - (double)a->raised_at >= cw_alarm_escalate_after();
}

static bool silenced(const struct cw_alarm_watch *w, const char *id)
{
	for (int i = 0; i < w->silenced_count; i++)
		if (strcmp(w->silenced[i], id) == 0)
			return true;
	return false;
}

bool cw_alarm_watch_update(struct cw_alarm_watch *w, const struct cw_snapshot *snap, double now)
{
	bool was = w->ringing;
	w->escalated = 0;
	w->first[0] = '\0';
	/* keep only the silenced alerts that are still escalated */
	int keep = 0;
	for (int i = 0; i < w->silenced_count; i++) {
		const struct pr_alert *a = snap ? cw_snapshot_alert(snap, w->silenced[i]) : NULL;
		if (a && cw_alarm_escalated(a, now))
			memmove(w->silenced[keep++], w->silenced[i], sizeof w->silenced[0]);
	}
	w->silenced_count = keep;
	for (size_t i = 0; snap && i < snap->alert_count; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (!cw_alarm_escalated(a, now))
			continue;
		w->escalated++;
		if (!w->first[0] && !silenced(w, a->id))
			snprintf(w->first, sizeof w->first, "%s", a->id);
	}
	w->ringing = w->first[0] != '\0';
	return w->ringing != was;
}

void cw_alarm_watch_silence(struct cw_alarm_watch *w, const struct cw_snapshot *snap, double now)
{
	for (size_t i = 0; snap && i < snap->alert_count; i++) {
		const struct pr_alert *a = &snap->alerts[i];
		if (cw_alarm_escalated(a, now) && !silenced(w, a->id) &&
		    w->silenced_count < CW_ALARM_SILENCED_MAX)
			snprintf(w->silenced[w->silenced_count++], sizeof w->silenced[0], "%s", a->id);
	}
	cw_alarm_watch_update(w, snap, now);
}

/* The tone: 960 Hz and 770 Hz alternating every 0.35 s (the two-tone of an emergency
 * vehicle), a soft 5 ms edge on every switch so it does not click, at a third of full scale. */
enum { RATE = 48000, HALF_PERIOD = RATE * 35 / 100, EDGE = RATE / 200 };

struct cw_alarm {
	SDL_AudioDeviceID dev; /* 0: no audio, the tone is skipped */
	struct cw_alarm_watch watch;
	bool playing;
	/* audio thread */
	double phase;
	long pos;
};

static void fill(void *ud, Uint8 *stream, int len)
{
	struct cw_alarm *al = ud;
	Sint16 *out = (Sint16 *)stream;
	int n = len / (int)sizeof *out;
	for (int i = 0; i < n; i++) {
		long in_half = al->pos % HALF_PERIOD;
		bool high = (al->pos / HALF_PERIOD) % 2 == 0;
		double env = 1;
		if (in_half < EDGE)
			env = (double)in_half / EDGE;
		else if (in_half > HALF_PERIOD - EDGE)
			env = (double)(HALF_PERIOD - in_half) / EDGE;
		al->phase += 2 * M_PI * (high ? 960.0 : 770.0) / RATE;
		if (al->phase > 2 * M_PI)
			al->phase -= 2 * M_PI;
		out[i] = (Sint16)(sin(al->phase) * env * 32767 / 3);
		al->pos = (al->pos + 1) % (2L * HALF_PERIOD);
	}
}

struct cw_alarm *cw_alarm_new(void)
{
	struct cw_alarm *al = calloc(1, sizeof *al);
	if (!al)
		abort();
	/* libasound prints its own lines on stderr when there is no card; the one line below
	 * says it all, so stderr is quiet while SDL looks for a device (render thread, before the
	 * feed thread starts) */
	fflush(stderr);
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	char why[256] = "";
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		snprintf(why, sizeof why, "%s", SDL_GetError());
	} else {
		SDL_AudioSpec want = {.freq = RATE, .format = AUDIO_S16SYS, .channels = 1,
		                      .samples = 2048, .callback = fill, .userdata = al};
		al->dev = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
		if (!al->dev) {
			snprintf(why, sizeof why, "%s", SDL_GetError());
			SDL_QuitSubSystem(SDL_INIT_AUDIO);
		}
	}
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	if (!al->dev)
		fprintf(stderr, "cbwall: alarm: no audio device (%s): the alarm tone is skipped, the "
		                "banner still shows\n", why);
	return al;
}

void cw_alarm_free(struct cw_alarm *al)
{
	if (!al)
		return;
	if (al->dev) {
		SDL_CloseAudioDevice(al->dev);
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
	}
	free(al);
}

static void follow(struct cw_alarm *al)
{
	if (al->watch.ringing == al->playing)
		return;
	al->playing = al->watch.ringing;
	if (al->dev) {
		if (al->playing) {
			SDL_LockAudioDevice(al->dev);
			al->pos = 0;
			al->phase = 0;
			SDL_UnlockAudioDevice(al->dev);
		}
		SDL_PauseAudioDevice(al->dev, al->playing ? 0 : 1);
	}
}

void cw_alarm_update(struct cw_alarm *al, const struct cw_snapshot *snap, double now)
{
	if (!al)
		return;
	cw_alarm_watch_update(&al->watch, snap, now);
	if (al->watch.ringing && !al->playing) {
		const struct pr_alert *a = cw_snapshot_alert(snap, al->watch.first);
		fprintf(stderr, "cbwall: alarm: %s (%s) unacknowledged for over %d s: %s\n",
		        al->watch.first, a ? pr_grade_name(a->grade) : "?", cw_alarm_escalate_after(),
		        al->dev ? "sounding the alarm" : "alarm (no audio device)");
	} else if (!al->watch.ringing && al->playing && al->watch.escalated == 0) {
		fprintf(stderr, "cbwall: alarm: no escalated alert left, alarm off\n");
	}
	follow(al);
}

void cw_alarm_silence(struct cw_alarm *al, const struct cw_snapshot *snap, double now)
{
	if (!al)
		return;
	bool was = al->watch.ringing;
	cw_alarm_watch_silence(&al->watch, snap, now);
	if (was && !al->watch.ringing)
		fprintf(stderr, "cbwall: alarm: silenced (%d escalated alert%s) until another one "
		                "escalates\n", al->watch.escalated, al->watch.escalated == 1 ? "" : "s");
	follow(al);
}

const struct cw_alarm_watch *cw_alarm_state(const struct cw_alarm *al)
{
	return al ? &al->watch : NULL;
}

bool cw_alarm_has_audio(const struct cw_alarm *al)
{
	return al && al->dev;
}
