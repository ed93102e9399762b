#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <pango/pangocairo.h>

#include "rd_i18n.h"
#include "rd_text.h"

static _Thread_local PangoContext *thread_context;

/* One mapping of each font file for the whole process. Every thread that draws text has its
 * own Pango font map (they are not thread-safe), and each font map maps a font file once per
 * face it uses (a .ttc holds several): on a live wall the Noto CJK collections were mapped nine
 * times, each mapping's touched pages counted in resident memory again (~24 MB against ~15 MB
 * for one of each) and faulted in again (~12 µs a page on these VMs). Pango's fc font map gets
 * its HarfBuzz blob from hb_blob_create_from_file; defining that symbol here (exported from the
 * executable, see render/CMakeLists.txt) puts this cache in front of HarfBuzz's own: a blob is
 * immutable and reference-counted atomically, so threads may share it. The cache keeps one
 * reference to each blob for the life of the process, as the font maps would have. */
static struct {
	pthread_mutex_t lock;
	struct font_blob {
		char *path;
		hb_blob_t *blob;
	} *v;
	size_t n, cap;
} font_blobs = {.lock = PTHREAD_MUTEX_INITIALIZER};

hb_blob_t *hb_blob_create_from_file(const char *file_name);

hb_blob_t *hb_blob_create_from_file(const char *file_name)
{
	static hb_blob_t *(*next)(const char *);
	hb_blob_t *blob = NULL;
	pthread_mutex_lock(&font_blobs.lock);
	if (!next)
		*(void **)&next = dlsym(RTLD_NEXT, "hb_blob_create_from_file");
	for (size_t i = 0; file_name && i < font_blobs.n && !blob; i++)
		if (strcmp(font_blobs.v[i].path, file_name) == 0)
			blob = hb_blob_reference(font_blobs.v[i].blob);
	if (!blob && next) {
		blob = next(file_name);
		/* An empty blob (the file could not be read) is not kept: a later call tries again. */
		if (file_name && hb_blob_get_length(blob) > 0) {
			if (font_blobs.n == font_blobs.cap) {
				size_t cap = font_blobs.cap ? font_blobs.cap * 2 : 8;
				struct font_blob *v = realloc(font_blobs.v, cap * sizeof *v);
				if (v) {
					font_blobs.v = v;
					font_blobs.cap = cap;
				}
			}
			char *path = font_blobs.n < font_blobs.cap ? strdup(file_name) : NULL;
			if (path)
				font_blobs.v[font_blobs.n++] =
				    (struct font_blob){.path = path, .blob = hb_blob_reference(blob)};
		}
	}
	pthread_mutex_unlock(&font_blobs.lock);
	return blob ? blob : hb_blob_get_empty();
}


static PangoContext *context_for(cairo_t *cr)
{
	if (!thread_context) {
		PangoFontMap *map = pango_cairo_font_map_new();
		pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
		thread_context = pango_font_map_create_context(map);
		g_object_unref(map);
		cairo_font_options_t *fo = cairo_font_options_create();
		cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
		pango_cairo_context_set_font_options(thread_context, fo);
		cairo_font_options_destroy(fo);
		pango_context_set_round_glyph_positions(thread_context, FALSE);
		pango_context_set_language(thread_context, pango_language_from_string("zh-cn"));
	}
	if (cr)
		pango_cairo_update_context(cr, thread_context);
	return thread_context;
}

struct rd_text_style rd_text_style(const struct rd_theme *theme, double px, struct rd_color color,
                                   enum rd_align align)
{
	return (struct rd_text_style){.family = theme->font_family,
	                              .px = px,
	                              .color = color,
	                              .align = align,
	                              .valign = RD_VALIGN_MIDDLE,
	                              .max_lines = 1};
}

static PangoLayout *layout_new(cairo_t *cr, const char *utf8, const struct rd_text_style *st)
{
	PangoLayout *layout = pango_layout_new(context_for(cr));
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, st->family && *st->family ? st->family
	                                                                : "Noto Sans CJK SC");
	pango_font_description_set_absolute_size(fd, st->px * PANGO_SCALE);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	if (st->letter_spacing != 0) {
		PangoAttrList *attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs,
		                       pango_attr_letter_spacing_new((int)(st->letter_spacing * PANGO_SCALE)));
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
	}
	const char *text = utf8 ? utf8 : "";
	if (g_utf8_validate(text, -1, NULL)) {
		pango_layout_set_text(layout, text, -1);
	} else {
		gchar *valid = g_utf8_make_valid(text, -1);
		pango_layout_set_text(layout, valid, -1);
		g_free(valid);
	}
	return layout;
}

/* Kept layouts. Making a PangoLayout (itemizing, shaping with HarfBuzz) costs more than
 * drawing it, and a wall draws the same strings frame after frame (a scrolling table's cells,
 * a ticker's counts, labels of panels that redraw for one changing number). So each thread
 * keeps the layouts it made, direct-mapped by a hash of everything they were made from, and
 * hands the same layout back for the same text and settings. The layouts belong to the
 * thread's Pango context, which pango_cairo_update_context keeps in step with each cairo_t
 * (a layout re-shapes itself when the context changed), so what is drawn is what a new layout
 * would draw. Borrowed: valid until the next call on this thread; never unref them. */
enum { LAYOUT_SLOTS = 1024 };

enum layout_mode { MODE_PLAIN, MODE_SINGLE, MODE_BOX };

struct layout_slot {
	uint64_t hash;
	char *key; /* the settings and the text the layout was made from */
	PangoLayout *layout;
};

static _Thread_local struct layout_slot *layout_slots;

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* A layout of utf8 in style st; MODE_BOX also with the width w, ellipsis, wrapping and
 * alignment of rd_text_draw, MODE_SINGLE in single-paragraph mode. */
static PangoLayout *layout_get(cairo_t *cr, const char *utf8, const struct rd_text_style *st,
                               enum layout_mode mode, double w)
{
	/* every string drawn is looked up whole in the language table (rd_i18n.h): fixed UI text
	 * and listed data labels are translated here; formats are translated before formatting */
	const char *text = utf8 ? rd_tr(utf8) : "";
	const char *family = st->family && *st->family ? st->family : "Noto Sans CJK SC";
	int lines = st->max_lines > 1 ? st->max_lines : 1;
	int align = mode == MODE_BOX ? (int)st->align : 0;
	int width = mode == MODE_BOX ? (int)(w * PANGO_SCALE) : 0;
	int size = (int)(st->px * PANGO_SCALE), spacing = (int)(st->letter_spacing * PANGO_SCALE);
	int bold = st->bold, box_lines = mode == MODE_BOX ? lines : 0;
	/* the key: exactly the values handed to Pango, then the family and the text */
	char head[96];
	int hn = snprintf(head, sizeof head, "%d|%d|%d|%d|%d|%d|%d|", (int)mode, size, bold, spacing,
	                  width, box_lines, align);
	size_t fl = strlen(family), tl = strlen(text);
	size_t kn = (size_t)hn + fl + 1 + tl + 1;
	uint64_t h = fnv(0xcbf29ce484222325ull, head, (size_t)hn);
	h = fnv(h, family, fl + 1);
	h = fnv(h, text, tl + 1);
	if (!layout_slots) {
		layout_slots = calloc(LAYOUT_SLOTS, sizeof *layout_slots);
		if (!layout_slots)
			abort();
	}
	struct layout_slot *slot = &layout_slots[h % LAYOUT_SLOTS];
	if (slot->layout && slot->hash == h && strncmp(slot->key, head, (size_t)hn) == 0 &&
	    strcmp(slot->key + hn, family) == 0 && strcmp(slot->key + hn + fl + 1, text) == 0) {
		context_for(cr); /* the layout follows the context's changes */
		return slot->layout;
	}
	PangoLayout *layout = layout_new(cr, text, st);
	if (mode == MODE_BOX) {
		pango_layout_set_width(layout, width);
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
		if (lines > 1) {
			pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
			pango_layout_set_height(layout, -lines);
		} else {
			pango_layout_set_single_paragraph_mode(layout, TRUE);
		}
		pango_layout_set_alignment(layout, st->align == RD_ALIGN_CENTER  ? PANGO_ALIGN_CENTER
		                                   : st->align == RD_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
		                                                                 : PANGO_ALIGN_LEFT);
	} else if (mode == MODE_SINGLE) {
		pango_layout_set_single_paragraph_mode(layout, TRUE);
	}
	if (slot->layout)
		g_object_unref(slot->layout);
	char *key = realloc(slot->key, kn);
	if (!key)
		abort();
	memcpy(key, head, (size_t)hn);
	memcpy(key + hn, family, fl + 1);
	memcpy(key + hn + fl + 1, text, tl + 1);
	*slot = (struct layout_slot){.hash = h, .key = key, .layout = layout};
	return layout;
}

static void set_color(cairo_t *cr, struct rd_color c)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

double rd_text_draw(cairo_t *cr, const char *utf8, double x, double y, double w, double h,
                    const struct rd_text_style *st)
{
	if (w <= 0 || h <= 0)
		return 0;
	PangoLayout *layout = layout_get(cr, utf8, st, MODE_BOX, w);
	PangoRectangle ink, logical;
	pango_layout_get_pixel_extents(layout, &ink, &logical);
	double ty = y;
	if (st->valign == RD_VALIGN_MIDDLE)
		ty = y + (h - logical.height) / 2.0;
	else if (st->valign == RD_VALIGN_BOTTOM)
		ty = y + h - logical.height;
	cairo_save(cr);
	set_color(cr, st->color);
	cairo_move_to(cr, x, ty);
	pango_cairo_show_layout(cr, layout);
	cairo_restore(cr);
	return logical.width < w ? logical.width : w;
}

void rd_text_size(cairo_t *cr, const char *utf8, const struct rd_text_style *st, double *w,
                  double *h)
{
	PangoLayout *layout = layout_get(cr, utf8, st, MODE_PLAIN, 0);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	if (w)
		*w = logical.width / (double)PANGO_SCALE;
	if (h)
		*h = logical.height / (double)PANGO_SCALE;
}

double rd_text_baseline(cairo_t *cr, const struct rd_text_style *st)
{
	PangoLayout *layout = layout_get(cr, "0", st, MODE_PLAIN, 0);
	return pango_layout_get_baseline(layout) / (double)PANGO_SCALE;
}

static void at_baseline(cairo_t *cr, PangoLayout *layout, double x, double baseline)
{
	double b = pango_layout_get_baseline(layout) / (double)PANGO_SCALE;
	cairo_move_to(cr, x, baseline - b);
}

void rd_text_path(cairo_t *cr, const char *utf8, double x, double baseline,
                  const struct rd_text_style *st)
{
	PangoLayout *layout = layout_get(cr, utf8, st, MODE_SINGLE, 0);
	at_baseline(cr, layout, x, baseline);
	pango_cairo_layout_path(cr, layout);
}

void rd_text_draw_at(cairo_t *cr, const char *utf8, double x, double baseline,
                     const struct rd_text_style *st)
{
	PangoLayout *layout = layout_get(cr, utf8, st, MODE_SINGLE, 0);
	cairo_save(cr);
	set_color(cr, st->color);
	at_baseline(cr, layout, x, baseline);
	pango_cairo_show_layout(cr, layout);
	cairo_restore(cr);
}

/* Frees this thread's Pango context and kept layouts (a thread that ends). */
static void thread_caches_free(void)
{
	for (int i = 0; layout_slots && i < LAYOUT_SLOTS; i++) {
		if (layout_slots[i].layout)
			g_object_unref(layout_slots[i].layout);
		free(layout_slots[i].key);
	}
	free(layout_slots);
	layout_slots = NULL;
	if (thread_context)
		g_object_unref(thread_context);
	thread_context = NULL;
}

void rd_text_thread_end(void)
{
	thread_caches_free();
}

static struct {
	struct rd_theme theme;
	pthread_t thread;
	bool running;
} warm;

static void *warm_main(void *arg)
{
	(void)arg;
	rd_text_warm(&warm.theme);
	thread_caches_free();
	return NULL;
}

void rd_text_warm_start(const struct rd_theme *theme)
{
	if (warm.running)
		return;
	warm.theme = *theme;
	warm.running = pthread_create(&warm.thread, NULL, warm_main, NULL) == 0;
}

void rd_text_warm_join(void)
{
	if (warm.running)
		pthread_join(warm.thread, NULL);
	warm.running = false;
}

void rd_text_warm(const struct rd_theme *theme)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 64, 64);
	cairo_t *cr = cairo_create(s);
	struct rd_text_style st = rd_text_style(theme, 16, (struct rd_color){1, 1, 1, 1},
	                                        RD_ALIGN_LEFT);
	static const char sample[] = "0123456789.,:%-+ 合肥市城市运行管理指挥中心空气质量指数拥堵"
	                             "热线人口万亿元件星期一二三四五六日较昨日▲▼…";
	rd_text_draw(cr, sample, 0, 0, 64, 64, &st);
	st.bold = true;
	rd_text_draw(cr, sample, 0, 0, 64, 64, &st);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}
