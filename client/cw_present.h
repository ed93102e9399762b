#pragma once
/* Presenters: where frames go. The same few callbacks for a window on a screen and for a
 * headless image (snapshots, benchmarks, tests), the way mpv's vo drivers make headless
 * output just another driver. A presenter is used from the thread that made it. */
#include <stdbool.h>

#include <cairo.h>

#include "rd_damage.h"
#include "rd_err.h"

struct cw_presenter;

struct cw_presenter_ops {
	/* The surface the next frame is drawn into: view-sized, kept between frames, so what
	 * was not damaged is still there. NULL when the output is gone. */
	cairo_surface_t *(*target)(struct cw_presenter *p);
	/* Shows the damaged rectangles of the target. */
	bool (*present)(struct cw_presenter *p, const struct rd_damage *damage, struct rd_err *err);
	void (*destroy)(struct cw_presenter *p);
};

struct cw_presenter {
	const struct cw_presenter_ops *ops;
};

/* Headless: an ARGB32 image surface of w x h; present() does nothing. The caller may take
 * the surface from target() and write it as PNG. */
struct cw_presenter *cw_present_image_new(int w, int h);

static inline void cw_presenter_free(struct cw_presenter *p)
{
	if (p)
		p->ops->destroy(p);
}
