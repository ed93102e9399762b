/* HiDPI input: mouse positions in window points become frame pixels (cw_window.h). */
#include <criterion/criterion.h>

#include "cw_window.h"

Test(window, mouse_points_scale_to_pixels)
{
	SDL_Event ev = {.button = {.type = SDL_MOUSEBUTTONDOWN, .x = 301, .y = 150}};
	cw_window_event_to_pixels(&ev, 2, 2);
	cr_expect_eq(ev.button.x, 602);
	cr_expect_eq(ev.button.y, 300);

	ev = (SDL_Event){.motion = {.type = SDL_MOUSEMOTION, .x = 10, .y = 20, .xrel = -3, .yrel = 4}};
	cw_window_event_to_pixels(&ev, 1.5, 1.5);
	cr_expect_eq(ev.motion.x, 15);
	cr_expect_eq(ev.motion.y, 30);
	cr_expect_eq(ev.motion.xrel, -5); /* lround(-4.5) */
	cr_expect_eq(ev.motion.yrel, 6);

	ev = (SDL_Event){.wheel = {.type = SDL_MOUSEWHEEL, .y = 1, .mouseX = 100, .mouseY = 40}};
	cw_window_event_to_pixels(&ev, 2, 2);
	cr_expect_eq(ev.wheel.mouseX, 200);
	cr_expect_eq(ev.wheel.mouseY, 80);
	cr_expect_eq(ev.wheel.y, 1, "the wheel's steps are not positions");
}

Test(window, touch_and_unscaled_events_untouched)
{
	SDL_Event ev = {.tfinger = {.type = SDL_FINGERDOWN, .x = 0.25f, .y = 0.5f}};
	cw_window_event_to_pixels(&ev, 2, 2);
	cr_expect_float_eq(ev.tfinger.x, 0.25f, 1e-6, "touch is a fraction of the window");
	ev = (SDL_Event){.button = {.type = SDL_MOUSEBUTTONUP, .x = 7, .y = 9}};
	cw_window_event_to_pixels(&ev, 1, 1);
	cr_expect_eq(ev.button.x, 7);
	cr_expect_eq(ev.button.y, 9);
}
