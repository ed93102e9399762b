#include <stdlib.h>

#include "cw_present.h"

struct image_presenter {
	struct cw_presenter base;
	cairo_surface_t *surface;
};

static cairo_surface_t *image_target(struct cw_presenter *p)
{
	return ((struct image_presenter *)p)->surface;
}

static bool image_present(struct cw_presenter *p, const struct rd_damage *damage,
                          struct rd_err *err)
{
	(void)p, (void)damage, (void)err;
	return true;
}

static void image_destroy(struct cw_presenter *p)
{
	cairo_surface_destroy(((struct image_presenter *)p)->surface);
	free(p);
}

static const struct cw_presenter_ops image_ops = {image_target, image_present, image_destroy};

struct cw_presenter *cw_present_image_new(int w, int h)
{
	struct image_presenter *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->base.ops = &image_ops;
	p->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	return &p->base;
}
