/* The shapefile loader from memory (MapServer's fuzzers/shapefuzzer.c idea). One input holds
 * every file of a layer:
 *
 *   u32le shp_len, shx_len, dbf_len, cpg_len   (0xFFFFFFFF: that file is absent)
 *   shp bytes, shx bytes, dbf bytes, cpg bytes (a length past the input's end is cut to it)
 *   the rest: the .prj (absent when empty)
 *
 * tests/fuzz/pack-shp makes one from a shapefile on disk. The files are served to
 * ly_layer_load_hooks through Shapelib's SAHooks, so everything from the header checks through
 * Shapelib's parsing to our validation, antimeridian splitting and attribute decoding runs.
 * Debian's Shapelib is not instrumented for coverage: what is fuzzed is our code in front of
 * and behind it. Every kept feature is then read back through the public accessors and its
 * invariants checked (finite lon/lat, polygons within ±180°, attributes valid UTF-8). */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ly_hooks.h"

enum { F_SHP, F_SHX, F_DBF, F_CPG, F_PRJ, F_COUNT };

struct memfile {
	const char *name;
	const unsigned char *data;
	size_t size;
	bool present;
};

static struct memfile files[F_COUNT] = {
	{"/fuzz/layer.shp", NULL, 0, false}, {"/fuzz/layer.shx", NULL, 0, false},
	{"/fuzz/layer.dbf", NULL, 0, false}, {"/fuzz/layer.cpg", NULL, 0, false},
	{"/fuzz/layer.prj", NULL, 0, false},
};

struct handle {
	const struct memfile *f;
	size_t pos;
};

static SAFile mem_open(const char *name, const char *access)
{
	if (strchr(access, 'w') || strchr(access, '+') || strchr(access, 'a'))
		return NULL;
	for (int i = 0; i < F_COUNT; i++) {
		if (files[i].present && strcmp(name, files[i].name) == 0) {
			struct handle *h = malloc(sizeof *h);
			if (!h)
				abort();
			*h = (struct handle){&files[i], 0};
			return (SAFile)(void *)h;
		}
	}
	return NULL;
}

static SAOffset mem_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	struct handle *h = (struct handle *)(void *)file;
	if (size == 0 || h->pos >= h->f->size)
		return 0;
	SAOffset n = (SAOffset)(h->f->size - h->pos) / size;
	if (n > nmemb)
		n = nmemb;
	memcpy(p, h->f->data + h->pos, n * size);
	h->pos += n * size;
	return n;
}

static SAOffset mem_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	(void)p, (void)size, (void)nmemb, (void)file;
	return 0;
}

static SAOffset mem_seek(SAFile file, SAOffset offset, int whence)
{
	struct handle *h = (struct handle *)(void *)file;
	/* SEEK_CUR and SEEK_END take a negative offset as its unsigned image */
	long long base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (long long)h->pos : (long long)h->f->size;
	long long delta = whence == SEEK_SET ? (offset > (SAOffset)LLONG_MAX ? -1 : (long long)offset)
	                                     : (long long)(long)offset;
	if (delta > LLONG_MAX - base || base + delta < 0)
		return (SAOffset)-1;
	h->pos = (size_t)(base + delta);
	return 0;
}

static SAOffset mem_tell(SAFile file)
{
	return ((struct handle *)(void *)file)->pos;
}

static int mem_flush(SAFile file)
{
	(void)file;
	return 0;
}

static int mem_close(SAFile file)
{
	free(file);
	return 0;
}

static int mem_remove(const char *name)
{
	(void)name;
	return -1;
}

static void mem_error(const char *message)
{
	(void)message;
}

static double mem_atof(const char *s)
{
	return atof(s);
}

static const SAHooks mem_hooks = {
	.FOpen = mem_open, .FRead = mem_read, .FWrite = mem_write, .FSeek = mem_seek, .FTell = mem_tell,
	.FFlush = mem_flush, .FClose = mem_close, .Remove = mem_remove, .Error = mem_error, .Atof = mem_atof,
};

static bool utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		int len = *u < 0x80 ? 1 : (*u & 0xE0) == 0xC0 ? 2 : (*u & 0xF0) == 0xE0 ? 3 : (*u & 0xF8) == 0xF0 ? 4 : 0;
		if (!len)
			return false;
		for (int i = 1; i < len; i++)
			if ((u[i] & 0xC0) != 0x80)
				return false;
		u += len;
	}
	return true;
}

static void check_layer(const struct ly_layer *l)
{
	enum ly_geom geom = ly_layer_geom(l);
	int n = ly_layer_count(l), nfield = ly_layer_field_count(l);
	FUZZ_CHECK(n > 0, "a loaded layer has %d features", n);
	size_t vertices = 0;
	for (int i = 0; i < n; i++) {
		int parts = ly_layer_part_count(l, i);
		FUZZ_CHECK(parts > 0, "feature %d has no parts", i);
		for (int p = 0; p < parts; p++) {
			const double *x, *y;
			int cnt = ly_layer_part(l, i, p, &x, &y);
			FUZZ_CHECK(cnt > 0, "feature %d part %d is empty", i, p);
			vertices += (size_t)cnt;
			for (int k = 0; k < cnt; k++) {
				FUZZ_CHECK(isfinite(x[k]) && isfinite(y[k]), "feature %d: vertex %d not finite", i, k);
				FUZZ_CHECK(y[k] >= -91 && y[k] <= 91, "feature %d: latitude %g", i, y[k]);
				FUZZ_CHECK(geom != LY_GEOM_POLYGON || (x[k] >= -180 - 1e-9 && x[k] <= 180 + 1e-9),
				           "feature %d: polygon longitude %g outside ±180", i, x[k]);
			}
		}
		for (int f = 0; f < nfield; f++)
			FUZZ_CHECK(utf8_ok(ly_layer_attr(l, i, f)), "feature %d field %d: not UTF-8", i, f);
		(void)ly_layer_record(l, i);
	}
	FUZZ_CHECK(vertices == ly_layer_vertex_count(l), "%zu vertices counted, %zu reported", vertices,
	           ly_layer_vertex_count(l));
	for (int f = 0; f < nfield; f++) {
		const char *name = ly_layer_field_name(l, f);
		int at = ly_layer_field_index(l, name);
		FUZZ_CHECK(!*name || (at >= 0 && at <= f), "field %d \"%s\" found at %d", f, name, at);
		if (n > 0)
			(void)ly_layer_find(l, f, ly_layer_attr(l, n - 1, f));
	}
	for (int m = 0; m < ly_layer_message_count(l) + 1; m++)
		(void)strlen(ly_layer_message(l, m));
	double bbox[4];
	ly_layer_bbox(l, bbox);
	FUZZ_CHECK(bbox[0] <= bbox[2] && bbox[1] <= bbox[3], "bbox (%g %g %g %g)", bbox[0], bbox[1], bbox[2], bbox[3]);
	(void)strlen(ly_layer_encoding(l));
	(void)strlen(ly_layer_name(l));
	(void)strlen(ly_layer_path(l));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16)
		return 0;
	uint32_t len[4];
	for (int i = 0; i < 4; i++)
		len[i] = le32(data + 4 * i);
	data += 16, size -= 16;
	for (int i = 0; i < 4; i++) {
		files[i].present = len[i] != UINT32_MAX;
		size_t n = files[i].present && len[i] < size ? len[i] : files[i].present ? size : 0;
		files[i].data = data;
		files[i].size = n;
		data += n, size -= n;
	}
	files[F_PRJ].present = size > 0;
	files[F_PRJ].data = data;
	files[F_PRJ].size = size;

	struct ly_load_opts opts;
	ly_load_opts_default(&opts);
	opts.max_messages = 20;
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load_hooks(files[F_SHP].name, &mem_hooks, &opts, &err);
	if (l)
		check_layer(l);
	else
		FUZZ_CHECK(err.msg[0], "NULL layer without a message");
	if (getenv("CBWALL_FUZZ_VERBOSE")) {
		if (l)
			fprintf(stderr, "  %d features, %d skipped, %d messages, %s\n", ly_layer_count(l),
			        ly_layer_skipped(l), ly_layer_message_count(l), ly_layer_encoding(l));
		else
			fprintf(stderr, "  %s\n", err.msg);
	}
	ly_layer_free(l);
	return 0;
}
