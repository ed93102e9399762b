#pragma once
/* Big image surfaces (whole screens, panel caches) whose memory is asked of the kernel in huge
 * pages. On the KVM machines the wall runs on, first touching a fresh 4K-screen surface
 * (33 MB, 8k page faults of 4 KB) costs more than drawing it; with 2 MB pages (transparent huge
 * pages in "madvise" mode, Debian's default) that is 16 faults. Pixels and stride are what
 * cairo_image_surface_create gives; only where the memory comes from differs.
 * Any thread; the caller owns the surface (cairo_surface_destroy frees the memory). */
#include <stddef.h>

#include <cairo.h>

/* A new image surface of w x h, cleared to transparent black (opaque black for RGB24), as
 * cairo_image_surface_create. Surfaces under 2 MB come from cairo_image_surface_create. */
cairo_surface_t *rd_surface_new(cairo_format_t format, int w, int h);

/* Startup: even in huge pages, fresh memory costs 1-3 ms per MB on these VMs (the host backs
 * it on first touch), and the first frame needs about three screens of it. This maps `bytes`
 * and has a thread of its own fault its huge pages in, ahead of what surfaces took, while the
 * caller loads and lays out; the next rd_surface_new calls take their memory from it in
 * order. rd_surface_pool_end (after the first frame) stops the thread and unmaps what no
 * surface took. One pool per process; nothing happens when one is open or mmap fails:
 * surfaces then come from rd_surface_new's own mappings. */
void rd_surface_pool_start(size_t bytes);
void rd_surface_pool_end(void);
