#pragma once
/* Big image surfaces (whole screens, panel caches) whose memory is asked of the kernel in huge
 * pages. On the KVM machines the wall runs on, first touching a fresh 4K-screen surface
 * (33 MB, 8k page faults of 4 KB) costs more than drawing it; with 2 MB pages (transparent huge
 * pages in "madvise" mode, Debian's default) that is 16 faults. Pixels and stride are what
 * cairo_image_surface_create gives; only where the memory comes from differs.
 * Any thread; the caller owns the surface (cairo_surface_destroy frees the memory). */
#include <cairo.h>

/* A new image surface of w x h, cleared to transparent black (opaque black for RGB24), as
 * cairo_image_surface_create. Surfaces under 2 MB come from cairo_image_surface_create. */
cairo_surface_t *rd_surface_new(cairo_format_t format, int w, int h);
