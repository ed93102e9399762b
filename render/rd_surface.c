#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "rd_surface.h"

enum { HUGE_PAGE = 2 << 20 };

static const cairo_user_data_key_t memory_key;

static void memory_free(void *data)
{
	const size_t *head = data;
	munmap(data, *head);
}

cairo_surface_t *rd_surface_new(cairo_format_t format, int w, int h)
{
	int stride = cairo_format_stride_for_width(format, w);
	if (stride <= 0 || h <= 0 || (size_t)stride * (size_t)h < HUGE_PAGE)
		return cairo_image_surface_create(format, w, h);
	/* whole huge pages, aligned on one, with a page in front holding the mapping's size */
	size_t bytes = (size_t)stride * (size_t)h;
	size_t len = (bytes + 4096 + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE + HUGE_PAGE;
	unsigned char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return cairo_image_surface_create(format, w, h);
	/* trim to a huge-page-aligned start: [base - 4096, base + bytes) */
	uintptr_t a = ((uintptr_t)map + 4096 + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	unsigned char *base = (unsigned char *)a, *start = base - 4096;
	size_t keep = ((size_t)4096 + bytes + 4095) & ~(size_t)4095;
	if (start > map)
		munmap(map, (size_t)(start - map));
	if (map + len > start + keep)
		munmap(start + keep, (size_t)(map + len - (start + keep)));
#ifdef MADV_HUGEPAGE
	madvise(base, bytes & ~(size_t)(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
	*(size_t *)start = keep;
	/* anonymous memory is zero: transparent black, as cairo_image_surface_create clears it */
	cairo_surface_t *s = cairo_image_surface_create_for_data(base, format, w, h, stride);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_set_user_data(s, &memory_key, start, memory_free) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		munmap(start, keep);
		return cairo_image_surface_create(format, w, h);
	}
	return s;
}
