#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "rd_surface.h"

enum { HUGE_PAGE = 2 << 20 };

/* rd_surface_pool_start's memory: [next, end) is not taken yet; the thread populates the
 * whole mapping from the front. */
static struct {
	pthread_mutex_t mu;
	unsigned char *next, *end;
	unsigned char *touched; /* the populate thread has written to the pages below */
	pthread_t thread;
	bool open;
	atomic_bool stop;
	atomic_int taking; /* threads waiting in pool_take */
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *populate(void *arg)
{
	(void)arg;
	/* A huge page at a time, from the front, which the first surfaces take: one write a page
	 * makes the kernel allocate and clear it. Not MADV_POPULATE_WRITE, which holds the
	 * process's mmap lock through each call: every mmap and munmap of the threads loading files
	 * (malloc's big blocks, font files) waited behind it, and loading took 9 ms in most runs but
	 * up to 126 in some. A write fault takes only its memory area's lock. Under the pool's
	 * mutex and only ahead of what was handed out, so no surface's pixels are written here. */
	for (;;) {
		if (atomic_load(&pool.taking)) { /* glibc's mutex is not fair: let the taker in */
			sched_yield();
			continue;
		}
		pthread_mutex_lock(&pool.mu);
		unsigned char *p = pool.touched > pool.next ? pool.touched : pool.next;
		p = (unsigned char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
		bool more = p < pool.end && !atomic_load(&pool.stop);
		if (more) {
			*(volatile unsigned char *)p = 0;
			pool.touched = p + HUGE_PAGE;
		}
		pthread_mutex_unlock(&pool.mu);
		if (!more)
			return NULL;
	}
}

void rd_surface_pool_start(size_t bytes)
{
	pthread_mutex_lock(&pool.mu);
	if (pool.open || bytes == 0) {
		pthread_mutex_unlock(&pool.mu);
		return;
	}
	size_t len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	unsigned char *map = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
	                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		pthread_mutex_unlock(&pool.mu);
		return;
	}
	/* huge-page aligned: [base, base + len) */
	uintptr_t a = ((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	unsigned char *base = (unsigned char *)a;
	if (base > map)
		munmap(map, (size_t)(base - map));
	if (map + len + HUGE_PAGE > base + len)
		munmap(base + len, (size_t)(map + len + HUGE_PAGE - (base + len)));
#ifdef MADV_HUGEPAGE
	madvise(base, len, MADV_HUGEPAGE);
#endif
	pool.next = pool.touched = base, pool.end = base + len;
	atomic_store(&pool.stop, false);
	if (pthread_create(&pool.thread, NULL, populate, NULL) != 0) {
		munmap(base, len);
		pool.next = pool.end = NULL;
		pthread_mutex_unlock(&pool.mu);
		return;
	}
	pool.open = true;
	pthread_mutex_unlock(&pool.mu);
}

void rd_surface_pool_end(void)
{
	pthread_mutex_lock(&pool.mu);
	bool open = pool.open;
	pool.open = false; /* nothing more is taken from it */
	atomic_store(&pool.stop, true);
	pthread_mutex_unlock(&pool.mu);
	if (!open)
		return;
	pthread_join(pool.thread, NULL); /* outside the mutex, which it takes a page at a time */
	pthread_mutex_lock(&pool.mu);
	if (pool.end > pool.next)
		munmap(pool.next, (size_t)(pool.end - pool.next));
	pool.next = pool.end = pool.touched = NULL;
	pthread_mutex_unlock(&pool.mu);
}

/* keep whole pages [start, start + keep) of the pool, or NULL when it has not that much */
static unsigned char *pool_take(size_t keep)
{
	unsigned char *start = NULL;
	atomic_fetch_add(&pool.taking, 1);
	pthread_mutex_lock(&pool.mu);
	atomic_fetch_sub(&pool.taking, 1);
	if (pool.open && (size_t)(pool.end - pool.next) >= keep) {
		start = pool.next;
		pool.next += keep;
	}
	pthread_mutex_unlock(&pool.mu);
	return start;
}

static const cairo_user_data_key_t memory_key;

static void memory_free(void *data)
{
	const size_t *head = data;
	munmap(data, *head);
}

/* The surface over [start + 4096, start + keep), the first page holding keep. */
static cairo_surface_t *wrap(cairo_format_t format, int w, int h, int stride,
                             unsigned char *start, size_t keep)
{
	*(size_t *)start = keep;
	/* anonymous memory is zero: transparent black, as cairo_image_surface_create clears it */
	cairo_surface_t *s = cairo_image_surface_create_for_data(start + 4096, format, w, h, stride);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_set_user_data(s, &memory_key, start, memory_free) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		munmap(start, keep);
		return cairo_image_surface_create(format, w, h);
	}
	return s;
}

cairo_surface_t *rd_surface_new(cairo_format_t format, int w, int h)
{
	int stride = cairo_format_stride_for_width(format, w);
	if (stride <= 0 || h <= 0 || (size_t)stride * (size_t)h < HUGE_PAGE)
		return cairo_image_surface_create(format, w, h);
	size_t bytes = (size_t)stride * (size_t)h;
	size_t keep = ((size_t)4096 + bytes + 4095) & ~(size_t)4095;
	unsigned char *start = pool_take(keep);
	if (start)
		return wrap(format, w, h, stride, start, keep);
	/* whole huge pages, aligned on one, with a page in front holding the mapping's size */
	size_t len = (bytes + 4096 + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE + HUGE_PAGE;
	unsigned char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return cairo_image_surface_create(format, w, h);
	/* trim to a huge-page-aligned start: [base - 4096, base + bytes) */
	uintptr_t a = ((uintptr_t)map + 4096 + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	unsigned char *base = (unsigned char *)a;
	start = base - 4096;
	if (start > map)
		munmap(map, (size_t)(start - map));
	if (map + len > start + keep)
		munmap(start + keep, (size_t)(map + len - (start + keep)));
#ifdef MADV_HUGEPAGE
	madvise(base, bytes & ~(size_t)(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
	return wrap(format, w, h, stride, start, keep);
}
