/* Window helpers that need SDL but no display (the window itself is `cbwall` without a
 * subcommand, cw_window.c). */
#ifndef CW_WINDOW_H
#define CW_WINDOW_H

#include <SDL.h>

/* HiDPI: frames are drawn in pixels (SDL_WINDOW_ALLOW_HIGHDPI, the window's surface), while
 * SDL reports mouse positions in window points. Scales ev's mouse coordinates (button,
 * motion, wheel position) by (sx, sy) pixels per point; other events are left alone (touch
 * positions are fractions of the window). */
void cw_window_event_to_pixels(SDL_Event *ev, double sx, double sy);

/* The window's size in pixels and its pixels per point (1 without HiDPI scaling). */
void cw_window_pixels(SDL_Window *w, int *pw, int *ph, double *sx, double *sy);

#endif
