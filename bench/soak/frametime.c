/* LD_PRELOAD shim for bench/soak: times every frame of the real cbwall window without
 * touching its code. A frame is from the return of SDL_WaitEventTimeout (the loop wakes) to
 * the return of SDL_UpdateWindowSurfaceRects (the present): feed snapshot, drawing and
 * present. Each is appended as `MONO_MS FRAME_MS` to $SOAK_FRAMES. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <SDL2/SDL.h>

static double woke = -1;
static FILE *out;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int SDL_WaitEventTimeout(SDL_Event *ev, int timeout)
{
	static int (*real)(SDL_Event *, int);
	if (!real)
		real = (int (*)(SDL_Event *, int))dlsym(RTLD_NEXT, "SDL_WaitEventTimeout");
	int r = real(ev, timeout);
	woke = now_ms();
	return r;
}

int SDL_UpdateWindowSurfaceRects(SDL_Window *w, const SDL_Rect *rects, int n)
{
	static int (*real)(SDL_Window *, const SDL_Rect *, int);
	if (!real)
		real = (int (*)(SDL_Window *, const SDL_Rect *, int))dlsym(RTLD_NEXT,
		                                                           "SDL_UpdateWindowSurfaceRects");
	int r = real(w, rects, n);
	double t = now_ms();
	if (!out && getenv("SOAK_FRAMES"))
		out = fopen(getenv("SOAK_FRAMES"), "a");
	if (out && woke >= 0) {
		fprintf(out, "%.1f %.2f\n", t, t - woke);
		fflush(out);
	}
	woke = -1;
	return r;
}
