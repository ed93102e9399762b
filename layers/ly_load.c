/* Shapefile loading and validation (see ly_layer.h). */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <shapefil.h>

#include "ly_hooks.h"
#include "ly_internal.h"

/* ---- small helpers ---------------------------------------------------------------- */

void *ly_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void ly_load_opts_default(struct ly_load_opts *opts)
{
	*opts = (struct ly_load_opts){
		.encoding = NULL,
		.max_file_bytes = (size_t)1 << 30,
		.max_vertices_per_shape = 10000000,
		.max_parts_per_shape = 1000000,
		.max_messages = 200,
	};
}

/* Grows an array to n elements of size bytes; NULL (p untouched) on overflow or failure. */
static void *grow(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n && size ? n * size : 1);
}

/* Shapelib reports through a hook without user data: keep its last message per thread. */
static _Thread_local char shapelib_msg[256];

static void hook_error(const char *message)
{
	snprintf(shapelib_msg, sizeof shapelib_msg, "%s", message);
	size_t n = strlen(shapelib_msg);
	while (n && (shapelib_msg[n - 1] == '\n' || shapelib_msg[n - 1] == ' '))
		shapelib_msg[--n] = 0;
}

/* ---- file access ------------------------------------------------------------------------
 * All file access goes through Shapelib's hooks (ly_hooks.h), so a layer can be read from
 * memory exactly as from disk. The loader wraps the caller's hooks, and Shapelib's own reads
 * go through the same wrappers, to tell
 *  - a file that is absent (FOpen: NULL with errno ENOENT or 0) from one that cannot be
 *    opened (any other errno), and
 *  - a file that ends early (a data problem the checks below handle: records past the end are
 *    skipped) from a read that comes back short inside the file (an I/O error).
 * The first I/O error fails the load with a message naming its file, even where Shapelib
 * would carry on with less (a .dbf it cannot read would mean no attributes). SAHooks carry no
 * user data, so the wrappers find the load in progress through a thread-local pointer. */

enum { WATCH_FILES = 8 }; /* open at once: ours (.shp), Shapelib's (.shp .shx .dbf .cpg), a probe */

struct watched {
	SAFile f;       /* the caller's handle; NULL: the slot is free */
	long long size; /* -1: unknown */
	char name[320];
};

struct watch {
	SAHooks inner; /* the caller's hooks */
	struct watched file[WATCH_FILES];
	char err[512]; /* the first I/O error, "FILE: ..."; "" none */
};

static _Thread_local struct watch *watching;

static void watch_fail(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void watch_fail(struct watch *w, const char *fmt, ...)
{
	if (w->err[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof w->err, fmt, ap);
	va_end(ap);
}

static struct watched *watched(SAFile file)
{
	return (struct watched *)(void *)file;
}

static SAFile w_open(const char *name, const char *access)
{
	struct watch *w = watching;
	struct watched *h = NULL;
	for (int i = 0; i < WATCH_FILES && !h; i++)
		if (!w->file[i].f)
			h = &w->file[i];
	if (!h) {
		watch_fail(w, "%s: cannot open: more than %d files open at once", name, WATCH_FILES);
		errno = EMFILE;
		return NULL;
	}
	errno = 0;
	SAFile f = w->inner.FOpen(name, access);
	if (!f) {
		int e = errno;
		if (e && e != ENOENT)
			watch_fail(w, "%s: cannot open: %s", name, strerror(e));
		errno = e;
		return NULL;
	}
	h->f = f;
	h->size = -1;
	snprintf(h->name, sizeof h->name, "%s", name);
	if (w->inner.FSeek(f, 0, SEEK_END) == 0) {
		SAOffset n = w->inner.FTell(f);
		h->size = n > (SAOffset)LLONG_MAX ? -1 : (long long)n;
	}
	if (w->inner.FSeek(f, 0, SEEK_SET) != 0)
		watch_fail(w, "%s: cannot seek", name);
	return (SAFile)(void *)h;
}

static SAOffset w_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	struct watch *w = watching;
	struct watched *h = watched(file);
	SAOffset pos = w->inner.FTell(h->f);
	SAOffset got = w->inner.FRead(p, size, nmemb, h->f);
	/* short inside the file: an I/O error, not the end of a truncated file */
	if (got < nmemb && size && h->size >= 0 && pos <= (SAOffset)h->size) {
		SAOffset there = ((SAOffset)h->size - pos) / size;
		if (there > nmemb)
			there = nmemb;
		if (got < there)
			watch_fail(w, "%s: read error at byte %llu (got %llu of %llu bytes)", h->name,
			           (unsigned long long)pos, (unsigned long long)(got * size),
			           (unsigned long long)(there * size));
	}
	return got;
}

static SAOffset w_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	return watching->inner.FWrite(p, size, nmemb, watched(file)->f);
}

static SAOffset w_seek(SAFile file, SAOffset offset, int whence)
{
	return watching->inner.FSeek(watched(file)->f, offset, whence);
}

static SAOffset w_tell(SAFile file)
{
	return watching->inner.FTell(watched(file)->f);
}

static int w_flush(SAFile file)
{
	return watching->inner.FFlush(watched(file)->f);
}

static int w_close(SAFile file)
{
	struct watched *h = watched(file);
	int r = watching->inner.FClose(h->f);
	h->f = NULL;
	return r;
}

/* hooks: the caller's (or Shapelib's default) on entry; the watched ones on return. */
static void watch_hooks(struct watch *w, SAHooks *hooks)
{
	w->inner = *hooks;
	hooks->FOpen = w_open;
	hooks->FRead = w_read;
	hooks->FWrite = w_write;
	hooks->FSeek = w_seek;
	hooks->FTell = w_tell;
	hooks->FFlush = w_flush;
	hooks->FClose = w_close;
}

/* base + ext; NULL when out of memory. */
static char *sibling(const char *base, const char *ext)
{
	size_t n = strlen(base);
	char *s = malloc(n + strlen(ext) + 1);
	if (s) {
		memcpy(s, base, n);
		strcpy(s + n, ext);
	}
	return s;
}

static bool io_exists(const SAHooks *io, const char *path)
{
	SAFile f = io->FOpen(path, "rb");
	if (!f)
		return false;
	io->FClose(f);
	return true;
}

/* base + ".shp" or ".SHP", whichever exists (ext given lower-case; the lower-case name when
 * neither does). NULL when out of memory. */
static char *sibling_any(const SAHooks *io, const char *base, const char *ext)
{
	char *s = sibling(base, ext);
	if (!s || io_exists(io, s))
		return s;
	size_t n = strlen(base);
	for (size_t i = n; s[i]; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	if (!io_exists(io, s))
		strcpy(s + n, ext);
	return s;
}

/* Size of an open file (position left at the end), -1 if unknown. */
static long long io_size(const SAHooks *io, SAFile f)
{
	if (io->FSeek(f, 0, SEEK_END) != 0)
		return -1;
	SAOffset n = io->FTell(f);
	return n > (SAOffset)LLONG_MAX ? -1 : (long long)n;
}

/* -1 with errno set (0 when the hooks did not say) when the file cannot be opened. */
static long long file_size(const SAHooks *io, const char *path)
{
	errno = 0;
	SAFile f = io->FOpen(path, "rb");
	if (!f)
		return -1;
	long long n = io_size(io, f);
	io->FClose(f);
	return n;
}

/* The first cap bytes of a small file (.prj, .cpg) as a string. NULL when the file is absent
 * or *nomem; a read error is the watch's. */
static char *read_small_file(const SAHooks *io, const char *path, size_t cap, bool *nomem)
{
	SAFile f = io->FOpen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(cap + 1);
	if (buf) {
		size_t n = (size_t)io->FRead(buf, 1, cap, f);
		buf[n < cap ? n : cap] = 0;
	} else {
		*nomem = true;
	}
	io->FClose(f);
	return buf;
}

/* Reads n bytes at off; false when they are not all there. */
static bool io_read_at(const SAHooks *io, SAFile f, long long off, void *buf, size_t n)
{
	return off >= 0 && io->FSeek(f, (SAOffset)off, SEEK_SET) == 0 && io->FRead(buf, 1, n, f) == n;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	size_t i = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* ---- .prj -------------------------------------------------------------------------- */

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* Returns false with err set for a CRS we cannot draw. */
static bool parse_prj(const char *path, const char *wkt, enum ly_crs *crs, struct rd_err *err)
{
	while (isspace((unsigned char)*wkt))
		wkt++;
	if (strncasecmp(wkt, "PROJCS", 6) == 0 || strncasecmp(wkt, "PROJCRS", 7) == 0) {
		static const char *const merc[] = {"Mercator_Auxiliary_Sphere", "Pseudo-Mercator", "Pseudo_Mercator",
		                                   "Popular Visualisation", "Web_Mercator", "WebMercator",
		                                   "\"3857\"", "\"900913\"", "Google Maps Global Mercator"};
		for (size_t i = 0; i < sizeof merc / sizeof *merc; i++)
			if (contains_ci(wkt, merc[i])) {
				*crs = LY_CRS_WEBMERC;
				return true;
			}
	} else if (strncasecmp(wkt, "GEOGCS", 6) == 0 || strncasecmp(wkt, "GEOGCRS", 7) == 0) {
		static const char *const geo[] = {"WGS_1984", "WGS 84", "WGS84", "WGS_84", "\"4326\"",
		                                  "China_2000", "China Geodetic Coordinate System 2000",
		                                  "China_Geodetic_Coordinate_System_2000", "CGCS2000", "\"4490\""};
		for (size_t i = 0; i < sizeof geo / sizeof *geo; i++)
			if (contains_ci(wkt, geo[i])) {
				*crs = LY_CRS_WGS84;
				return true;
			}
	}
	char head[72];
	snprintf(head, sizeof head, "%s", wkt);
	for (char *p = head; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return rd_err_set(err, "%s: unsupported coordinate system \"%s%s\" (need WGS84 lon/lat or Web Mercator; "
	                       "reproject, e.g. ogr2ogr -t_srs EPSG:4326)",
	                  path, head, strlen(wkt) > strlen(head) ? "..." : "");
}

/* ---- text decoding ------------------------------------------------------------------ */

static const char REPL[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid or cut. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	else if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	unsigned cp = c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(u + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

struct decoder {
	bool utf8;
	iconv_t cd;
	char name[32];
};

/* Appends to a growable buffer; out of memory leaves it as it was, with oom set. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		char *p = grow(b->p, b->n + n + 1, 2);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = (b->n + n + 1) * 2;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

/* The text, or NULL (freed) when an append ran out of memory. */
static char *sb_take(struct sbuf *b)
{
	if (!b->oom)
		return b->p;
	free(b->p);
	return NULL;
}

/* Decodes n bytes of field text to a new UTF-8 string; *bad counts replacements. NULL when
 * out of memory. */
static char *decode(struct decoder *d, const char *s, size_t n, int *bad)
{
	struct sbuf b = {0};
	sb_put(&b, "", 0);
	if (d->utf8) {
		const unsigned char *u = (const unsigned char *)s;
		for (size_t i = 0; i < n && !b.oom;) {
			size_t k = utf8_len(u + i, n - i);
			if (k) {
				sb_put(&b, s + i, k);
				i += k;
			} else {
				sb_put(&b, REPL, 3);
				(*bad)++;
				/* skip the rest of a broken sequence */
				i++;
				while (i < n && (u[i] & 0xC0) == 0x80)
					i++;
			}
		}
		return sb_take(&b);
	}
	iconv(d->cd, NULL, NULL, NULL, NULL);
	char *in = (char *)s;
	size_t inleft = n;
	char out[256];
	while (inleft && !b.oom) {
		char *o = out;
		size_t oleft = sizeof out;
		size_t r = iconv(d->cd, &in, &inleft, &o, &oleft);
		sb_put(&b, out, (size_t)(o - out));
		if (r == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			/* EILSEQ: invalid byte; EINVAL: a character cut at the field's end */
			sb_put(&b, REPL, 3);
			(*bad)++;
			if (errno == EINVAL)
				break;
			in++;
			inleft--;
		}
	}
	return sb_take(&b);
}

static bool decoder_open(struct decoder *d, const char *name, struct rd_err *err, const char *path)
{
	char norm[32];
	snprintf(norm, sizeof norm, "%s", name);
	trim(norm);
	const char *iconv_name = norm;
	if (!strcasecmp(norm, "UTF-8") || !strcasecmp(norm, "UTF8") || !strcmp(norm, "65001")) {
		d->utf8 = true;
		snprintf(d->name, sizeof d->name, "UTF-8");
		return true;
	}
	/* GB18030 is a superset of GBK/CP936 and GB2312: decoding with it accepts all three. */
	if (!strcasecmp(norm, "CP936") || !strcasecmp(norm, "GBK") || !strcasecmp(norm, "936") ||
	    !strcasecmp(norm, "ANSI 936") || !strcasecmp(norm, "GB2312") || !strcasecmp(norm, "GB18030") ||
	    !strcasecmp(norm, "54936")) {
		snprintf(d->name, sizeof d->name, "CP936");
		iconv_name = "GB18030";
	} else {
		snprintf(d->name, sizeof d->name, "%s", norm);
		if (!strncasecmp(norm, "ANSI ", 5) || isdigit((unsigned char)norm[0])) {
			/* "1252", "ANSI 1252" -> CP1252 */
			const char *digits = norm + strcspn(norm, "0123456789");
			snprintf(d->name, sizeof d->name, "CP%s", digits);
			iconv_name = d->name;
		}
	}
	d->utf8 = false;
	errno = 0;
	d->cd = iconv_open("UTF-8", iconv_name);
	if (d->cd == (iconv_t)-1 && errno == EINVAL)
		return rd_err_set(err, "%s: unknown attribute encoding \"%s\"", path, norm);
	if (d->cd == (iconv_t)-1) /* out of memory or descriptors */
		return rd_err_set(err, "%s: cannot open the %s decoder: %s", path, norm, strerror(errno ? errno : ENOMEM));
	return true;
}

static void decoder_close(struct decoder *d)
{
	if (!d->utf8 && d->cd != (iconv_t)-1 && d->cd)
		iconv_close(d->cd);
}

/* ---- geometry ------------------------------------------------------------------------ */

struct geo {
	/* growable output arrays of the layer being built */
	double *x, *y;
	size_t npt, cappt;
	struct ly_part *part;
	uint32_t npart, cappart;
	bool oom; /* an allocation failed: nothing more is added, the load fails */
};

static void geo_pt(struct geo *g, double x, double y)
{
	if (g->oom)
		return;
	if (g->npt == g->cappt) {
		size_t cap = g->cappt ? g->cappt * 2 : 4096;
		double *nx = grow(g->x, cap, sizeof *g->x);
		if (nx)
			g->x = nx;
		double *ny = nx ? grow(g->y, cap, sizeof *g->y) : NULL;
		if (!ny) {
			g->oom = true;
			return;
		}
		g->y = ny;
		g->cappt = cap;
	}
	g->x[g->npt] = x;
	g->y[g->npt] = y;
	g->npt++;
}

/* Room for n vertices at once (the most the .shp can hold, 16 bytes each), so that the arrays
 * are not copied as they grow: growing by doubling copied them about twice over, a sixth of
 * loading the world layer. Without the memory they just grow as before. */
static void geo_reserve(struct geo *g, size_t n)
{
	if (g->x || n <= 4096 || n > SIZE_MAX / sizeof *g->x)
		return;
	double *x = malloc(n * sizeof *x), *y = x ? malloc(n * sizeof *y) : NULL;
	if (!y) {
		free(x);
		return;
	}
	g->x = x, g->y = y, g->cappt = n;
}

static void geo_begin_part(struct geo *g)
{
	if (g->oom)
		return;
	if (g->npart == g->cappart) {
		uint32_t cap = g->cappart ? g->cappart * 2 : 256;
		struct ly_part *np = cap > g->cappart ? grow(g->part, cap, sizeof *g->part) : NULL;
		if (!np) {
			g->oom = true;
			return;
		}
		g->part = np;
		g->cappart = cap;
	}
	g->part[g->npart++] = (struct ly_part){(uint32_t)g->npt, 0};
}

static void geo_end_part(struct geo *g)
{
	if (g->oom)
		return;
	struct ly_part *p = &g->part[g->npart - 1];
	p->count = (uint32_t)(g->npt - p->start);
	if (p->count == 0)
		g->npart--;
}

/* Clips the unwrapped ring (u, y) to lon in [lo, hi], shifting by -shift, appending parts. */
static void clip_window(struct geo *g, const double *u, const double *y, size_t n, double lo, double hi, double shift)
{
	/* Sutherland–Hodgman against two vertical half-planes. */
	size_t cap = 2 * n + 8;
	double *ax = grow(NULL, cap, sizeof *ax), *ay = grow(NULL, cap, sizeof *ay);
	double *bx = grow(NULL, cap, sizeof *bx), *by = grow(NULL, cap, sizeof *by);
	if (!ax || !ay || !bx || !by) {
		g->oom = true;
		goto out;
	}
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < n; i++)
		ax[na] = u[i], ay[na++] = y[i];
	for (int side = 0; side < 2; side++) {
		double edge = side ? hi : lo;
		nb = 0;
		for (size_t i = 0; i < na; i++) {
			size_t j = (i + 1) % na;
			double xi = ax[i], xj = ax[j];
			bool ini = side ? xi <= edge : xi >= edge;
			bool inj = side ? xj <= edge : xj >= edge;
			if (ini)
				bx[nb] = xi, by[nb++] = ay[i];
			if (ini != inj) {
				double t = (edge - xi) / (xj - xi);
				bx[nb] = edge, by[nb++] = ay[i] + t * (ay[j] - ay[i]);
			}
		}
		double *t;
		t = ax, ax = bx, bx = t;
		t = ay, ay = by, by = t;
		na = nb;
	}
	if (na >= 3) {
		double area = 0;
		for (size_t i = 0; i < na; i++) {
			size_t j = (i + 1) % na;
			area += ax[i] * ay[j] - ax[j] * ay[i];
		}
		if (fabs(area) > 1e-12) {
			geo_begin_part(g);
			for (size_t i = 0; i < na; i++)
				geo_pt(g, ax[i] - shift, ay[i]);
			geo_pt(g, ax[0] - shift, ay[0]);
			geo_end_part(g);
		}
	}
out:
	free(ax);
	free(ay);
	free(bx);
	free(by);
}

/* Appends a closed lon/lat ring, split at ±180° if it crosses the antimeridian. Returns the
 * number of parts added (0 or more). */
static void add_ring_geo(struct geo *g, const double *x, const double *y, size_t n, bool *split)
{
	int jumps = 0;
	for (size_t i = 1; i < n; i++)
		if (fabs(x[i] - x[i - 1]) > 180)
			jumps++;
	/* 0..360 longitudes (Pacific-centred data) go through the windows too, which wrap them
	 * into -180..180 (the fuzzer found a ring at 184 drawn off the map) */
	for (size_t i = 0; i < n && !jumps; i++)
		if (x[i] > 180 || x[i] < -180)
			jumps++;
	if (!jumps) {
		geo_begin_part(g);
		for (size_t i = 0; i < n; i++)
			geo_pt(g, x[i], y[i]);
		geo_end_part(g);
		return;
	}
	*split = true;
	/* Unwrap longitudes so consecutive vertices are less than 180° apart. */
	double *u = grow(NULL, n + 4, sizeof *u), *v = grow(NULL, n + 4, sizeof *v);
	if (!u || !v) {
		g->oom = true;
		free(u);
		free(v);
		return;
	}
	u[0] = x[0];
	v[0] = y[0];
	double umin = u[0], umax = u[0], ysum = y[0];
	for (size_t i = 1; i < n; i++) {
		double d = x[i] - x[i - 1];
		while (d > 180)
			d -= 360;
		while (d < -180)
			d += 360;
		u[i] = u[i - 1] + d;
		v[i] = y[i];
		ysum += y[i];
		umin = fmin(umin, u[i]);
		umax = fmax(umax, u[i]);
	}
	size_t m = n;
	if (fabs(u[n - 1] - u[0]) > 180) {
		/* The ring circles a pole: close it along the pole. */
		double pole = ysum / (double)n < 0 ? -90 : 90;
		u[m] = u[m - 1], v[m++] = pole;
		u[m] = u[0], v[m++] = pole;
		u[m] = u[0], v[m++] = v[0];
	}
	/* drop the closing vertex for clipping */
	if (m > 1 && u[m - 1] == u[0] && v[m - 1] == v[0])
		m--;
	for (int k = (int)floor((umin + 180) / 360); k <= (int)floor((umax + 180) / 360) && !g->oom; k++) {
		double lo = -180 + 360.0 * k, hi = 180 + 360.0 * k;
		clip_window(g, u, v, m, lo, hi, 360.0 * k);
	}
	free(u);
	free(v);
}

/* ---- the loader -------------------------------------------------------------------------- */

struct loader {
	struct ly_layer *l;
	const struct ly_load_opts *o;
	SHPHandle shp;
	DBFHandle dbf;
	const SAHooks *io;
	SAFile shpf;
	long long shp_size;
	int nshx, nrec_dbf, dbf_usable;
	int shp_type;
	struct decoder dec;
	int bad_text, bad_bbox;
	bool split;
	struct watch *watch; /* its err: the first I/O error */
	char oom[96];        /* what an allocation that failed was for; "" none */
};

/* Records the first allocation that failed ("120000 vertices of record 17"); the load then
 * fails with "FILE: out of memory for ...". Returns false. */
static bool nomem(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool nomem(struct loader *L, const char *fmt, ...)
{
	if (!L->oom[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(L->oom, sizeof L->oom, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* An allocation or I/O error happened: the load fails, whatever else said. */
static bool failed(const struct loader *L)
{
	return L->oom[0] || L->watch->err[0];
}

static void addmsg(struct loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addmsg(struct loader *L, const char *fmt, ...)
{
	struct ly_layer *l = L->l;
	l->nmsg_total++;
	if (l->nmsg >= l->max_msg || L->oom[0])
		return;
	char buf[600];
	int n = snprintf(buf, sizeof buf, "%s: ", l->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	char **msg = grow(l->msg, (size_t)l->nmsg + 1, sizeof *l->msg);
	if (msg)
		l->msg = msg;
	char *s = msg ? strdup(buf) : NULL;
	if (!s) {
		nomem(L, "message %d", l->nmsg + 1);
		return;
	}
	l->msg[l->nmsg++] = s;
}

static enum ly_geom geom_of(int t, bool *ok)
{
	*ok = true;
	switch (t) {
	case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM:
	case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM:
		return LY_GEOM_POINT;
	case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
		return LY_GEOM_LINE;
	case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM:
		return LY_GEOM_POLYGON;
	default:
		*ok = false;
		return LY_GEOM_POINT;
	}
}

/* Shape types equal as 2D kinds (Point vs PointZ fine; Point vs MultiPoint not). */
static int base_type(int t)
{
	switch (t) {
	case SHPT_POINTZ: case SHPT_POINTM: return SHPT_POINT;
	case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM: return SHPT_MULTIPOINT;
	case SHPT_ARCZ: case SHPT_ARCM: return SHPT_ARC;
	case SHPT_POLYGONZ: case SHPT_POLYGONM: return SHPT_POLYGON;
	default: return t;
	}
}

/* Checks that the .shx entry i points at record i+1 in the .shp with the same length. */
static const char *check_shx_entry(struct loader *L, int i)
{
	static _Thread_local char why[160];
	unsigned off = L->shp->panRecOffset[i], len = L->shp->panRecSize[i];
	if ((long long)off + 8 + len > L->shp_size) {
		snprintf(why, sizeof why, ".shx points past the end of the .shp (offset %u + %u > %lld bytes; truncated .shp?)",
		         off, len + 8, L->shp_size);
		return why;
	}
	unsigned char h[8];
	if (!io_read_at(L->io, L->shpf, off, h, 8)) {
		snprintf(why, sizeof why, "cannot read record header at offset %u", off);
		return why;
	}
	uint32_t num = be32(h), clen = be32(h + 4) * 2;
	if (num != (uint32_t)i + 1 || clen != len) {
		snprintf(why, sizeof why, ".shx disagrees with .shp: at offset %u the .shp has record %u of %u bytes, "
		         "the .shx expects record %d of %u bytes", off, num, clen, i + 1, len);
		return why;
	}
	return NULL;
}

static bool coord_ok(struct loader *L, double x, double y)
{
	if (L->l->crs == LY_CRS_WGS84)
		return x >= -360 && x <= 360 && y >= -90.5 && y <= 90.5;
	return fabs(x) <= 20037508.35 * 3 && fabs(y) <= 20037508.35 * 1.5;
}

/* Validates and appends one shape; returns NULL or the reason it was skipped. */
static const char *take_shape(struct loader *L, SHPObject *o, struct geo *g, double bbox[4])
{
	static _Thread_local char why[200];
	struct ly_layer *l = L->l;
	if (o->nSHPType == SHPT_NULL)
		return "null shape (no geometry)";
	if (base_type(o->nSHPType) != base_type(L->shp_type)) {
		snprintf(why, sizeof why, "shape type %s does not match the file's %s", SHPTypeName(o->nSHPType),
		         SHPTypeName(L->shp_type));
		return why;
	}
	if (o->nVertices <= 0)
		return "empty shape (0 vertices)";
	if (o->nVertices > L->o->max_vertices_per_shape) {
		snprintf(why, sizeof why, "%d vertices exceed the limit of %d", o->nVertices, L->o->max_vertices_per_shape);
		return why;
	}
	int nparts = o->nParts > 0 ? o->nParts : 1;
	if (o->nParts > L->o->max_parts_per_shape) {
		snprintf(why, sizeof why, "%d parts exceed the limit of %d", o->nParts, L->o->max_parts_per_shape);
		return why;
	}
	double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
	for (int i = 0; i < o->nVertices; i++) {
		double x = o->padfX[i], y = o->padfY[i];
		if (!isfinite(x) || !isfinite(y)) {
			snprintf(why, sizeof why, "non-finite coordinate at vertex %d (%g, %g)", i, x, y);
			return why;
		}
		if (!coord_ok(L, x, y)) {
			snprintf(why, sizeof why, "coordinate out of range at vertex %d (%.10g, %.10g)", i, x, y);
			return why;
		}
		bx0 = fmin(bx0, x), by0 = fmin(by0, y), bx1 = fmax(bx1, x), by1 = fmax(by1, y);
	}
	/* Shapelib copies the record's bbox unchecked: compare with ours. */
	double tol = 1e-6 * fmax(1, fmax(fabs(bx1), fabs(by1)));
	if (fabs(o->dfXMin - bx0) > tol || fabs(o->dfYMin - by0) > tol || fabs(o->dfXMax - bx1) > tol ||
	    fabs(o->dfYMax - by1) > tol)
		L->bad_bbox++;
	/* Part starts must be increasing and within the vertices. */
	for (int p = 0; p < nparts; p++) {
		int s = o->nParts > 0 ? o->panPartStart[p] : 0;
		int e = p + 1 < nparts ? o->panPartStart[p + 1] : o->nVertices;
		if (s < 0 || e > o->nVertices || s > e || (p == 0 && s != 0)) {
			snprintf(why, sizeof why, "part %d has an invalid start (%d..%d of %d vertices)", p, s, e, o->nVertices);
			return why;
		}
		int cnt = e - s;
		if (l->geom == LY_GEOM_POLYGON) {
			if (cnt < 4) {
				snprintf(why, sizeof why, "ring %d has %d point%s (a ring needs at least 4)", p, cnt,
				         cnt == 1 ? "" : "s");
				return why;
			}
			if (o->padfX[s] != o->padfX[e - 1] || o->padfY[s] != o->padfY[e - 1]) {
				snprintf(why, sizeof why, "ring %d is not closed (first point (%.10g, %.10g), last (%.10g, %.10g))",
				         p, o->padfX[s], o->padfY[s], o->padfX[e - 1], o->padfY[e - 1]);
				return why;
			}
		} else if (l->geom == LY_GEOM_LINE && cnt < 2) {
			snprintf(why, sizeof why, "line part %d has %d point%s (a line needs at least 2)", p, cnt,
			         cnt == 1 ? "" : "s");
			return why;
		}
	}
	/* Accepted: append, converting Web Mercator to lon/lat. */
	double *tx = o->padfX, *ty = o->padfY;
	double *cx = NULL, *cy = NULL;
	if (l->crs == LY_CRS_WEBMERC) {
		cx = grow(NULL, (size_t)o->nVertices, sizeof *cx);
		cy = grow(NULL, (size_t)o->nVertices, sizeof *cy);
		if (!cx || !cy) {
			g->oom = true;
			free(cx);
			free(cy);
			return NULL;
		}
		for (int i = 0; i < o->nVertices; i++)
			ly_merc_inv(tx[i], ty[i], &cx[i], &cy[i]);
		tx = cx, ty = cy;
	}
	if (l->geom == LY_GEOM_POINT) {
		for (int i = 0; i < o->nVertices; i++) {
			geo_begin_part(g);
			geo_pt(g, tx[i], ty[i]);
			geo_end_part(g);
		}
	} else {
		for (int p = 0; p < nparts; p++) {
			int s = o->nParts > 0 ? o->panPartStart[p] : 0;
			int e = p + 1 < nparts ? o->panPartStart[p + 1] : o->nVertices;
			if (l->geom == LY_GEOM_POLYGON) {
				add_ring_geo(g, tx + s, ty + s, (size_t)(e - s), &L->split);
			} else {
				geo_begin_part(g);
				for (int i = s; i < e; i++)
					geo_pt(g, tx[i], ty[i]);
				geo_end_part(g);
			}
		}
	}
	free(cx);
	free(cy);
	(void)bbox;
	return NULL;
}

/* The attributes of a .dbf row (raw; NULL: none, all empty) into out[nfield]. False when out
 * of memory; out then holds nothing. */
static bool read_attrs(struct loader *L, const char *raw, char **out)
{
	struct ly_layer *l = L->l;
	for (int f = 0; f < l->nfield; f++) {
		const char *s = "";
		size_t n = 0;
		int w = 0, dec = 0;
		if (raw) {
			char nm[XBASE_FLDNAME_LEN_READ + 1];
			DBFGetFieldInfo(L->dbf, f, nm, &w, &dec);
			int off = L->dbf->panFieldOffset[f];
			if (off >= 0 && w >= 0 && off + w <= L->dbf->nRecordLength) {
				/* Copy the field out of Shapelib's reused record buffer, then trim. */
				s = raw + off;
				n = (size_t)w;
				while (n && (s[n - 1] == ' ' || s[n - 1] == 0))
					n--;
				while (n && *s == ' ')
					s++, n--;
			}
		}
		out[f] = n ? decode(&L->dec, s, n, &L->bad_text) : strdup("");
		if (!out[f]) {
			while (f--)
				free(out[f]);
			return false;
		}
	}
	return true;
}

/* A .dbf row that should be there cannot be read: an I/O error. */
static void dbf_unreadable(struct loader *L, const char *dbf_path, int rec)
{
	watch_fail(L->watch, "%s: cannot read record %d", dbf_path, rec);
}

static void finish_loader(struct loader *L)
{
	if (L->shp)
		SHPClose(L->shp);
	if (L->dbf)
		DBFClose(L->dbf);
	if (L->shpf)
		L->io->FClose(L->shpf);
	decoder_close(&L->dec);
}

struct ly_layer *ly_layer_load(const char *path, const struct ly_load_opts *opts, struct rd_err *err)
{
	return ly_layer_load_hooks(path, NULL, opts, err);
}

struct ly_layer *ly_layer_load_hooks(const char *path, const SAHooks *io_hooks, const struct ly_load_opts *opts,
                                     struct rd_err *err)
{
	/* Shapelib, with its messages captured and every file access watched (see above). */
	SAHooks hooks;
	if (io_hooks)
		hooks = *io_hooks;
	else
		SASetupDefaultHooks(&hooks);
	hooks.Error = hook_error;
	struct watch watch = {0};
	watch_hooks(&watch, &hooks);
	struct watch *outer = watching;
	watching = &watch;
	const SAHooks *io = &hooks;
	struct ly_load_opts defopts;
	if (!opts) {
		ly_load_opts_default(&defopts);
		opts = &defopts;
	}
	struct loader L = {.o = opts, .io = io, .dec = {.cd = (iconv_t)-1}, .watch = &watch};
	struct geo g = {0};
	bool ok = false;
	char *base = NULL, *shp_path = NULL, *shx_path = NULL, *dbf_path = NULL, *prj_path = NULL, *cpg_path = NULL;
	struct ly_layer *l = calloc(1, sizeof *l);
	L.l = l;
	if (!l) {
		nomem(&L, "the layer");
		goto out;
	}
	l->max_msg = opts->max_messages > 0 ? opts->max_messages : 200;

	/* Names: base path without .shp; display path with it. */
	size_t plen = strlen(path);
	base = strdup(path);
	if (!base) {
		nomem(&L, "file names");
		goto out;
	}
	if (plen > 4 && (!strcasecmp(path + plen - 4, ".shp") || !strcasecmp(path + plen - 4, ".shx") ||
	                 !strcasecmp(path + plen - 4, ".dbf")))
		base[plen - 4] = 0;
	shp_path = sibling_any(io, base, ".shp");
	shx_path = sibling_any(io, base, ".shx");
	dbf_path = sibling_any(io, base, ".dbf");
	prj_path = sibling_any(io, base, ".prj");
	cpg_path = sibling_any(io, base, ".cpg");
	const char *slash = strrchr(base, '/');
	if (shp_path && shx_path && dbf_path && prj_path && cpg_path) {
		l->path = strdup(shp_path);
		l->name = strdup(slash ? slash + 1 : base);
	}
	if (!l->path || !l->name) {
		nomem(&L, "file names");
		goto out;
	}
	if (failed(&L))
		goto out;

	/* Files and sizes. */
	errno = 0;
	L.shpf = io->FOpen(shp_path, "rb");
	L.shp_size = L.shpf ? io_size(io, L.shpf) : -1;
	if (L.shp_size < 0) {
		rd_err_set(err, "%s: cannot open: %s", shp_path, errno ? strerror(errno) : "no such file");
		goto out;
	}
	if ((unsigned long long)L.shp_size > opts->max_file_bytes) {
		rd_err_set(err, "%s: %lld bytes exceed the limit of %zu", shp_path, L.shp_size, opts->max_file_bytes);
		goto out;
	}
	if (L.shp_size < 100) {
		rd_err_set(err, "%s: not a shapefile (%lld bytes, shorter than the 100-byte header)", shp_path, L.shp_size);
		goto out;
	}
	if (file_size(io, shx_path) < 0) {
		rd_err_set(err, "%s: missing its index %s", shp_path, shx_path);
		goto out;
	}
	unsigned char hdr[100];
	if (!io_read_at(io, L.shpf, 0, hdr, 100)) {
		rd_err_set(err, "%s: cannot read the header", shp_path);
		goto out;
	}
	if (be32(hdr) != 9994) {
		rd_err_set(err, "%s: not a shapefile (file code %u, expected 9994)", shp_path, be32(hdr));
		goto out;
	}
	long long declared = (long long)be32(hdr + 24) * 2;
	if (declared > L.shp_size)
		addmsg(&L, "truncated .shp: the header says %lld bytes, the file has %lld; records past the end are skipped",
		       declared, L.shp_size);
	L.shp_type = (int)le32(hdr + 32);
	bool known;
	l->geom = geom_of(L.shp_type, &known);
	if (!known) {
		rd_err_set(err, "%s: unsupported shape type %d (%s)", shp_path, L.shp_type, SHPTypeName(L.shp_type));
		goto out;
	}

	/* Coordinate system. */
	bool small_nomem = false;
	char *prj = read_small_file(io, prj_path, 65536, &small_nomem);
	if (small_nomem || failed(&L)) {
		free(prj);
		if (small_nomem)
			nomem(&L, "reading %s", prj_path);
		goto out;
	}
	if (prj) {
		bool prj_ok = parse_prj(prj_path, prj, &l->crs, err);
		free(prj);
		if (!prj_ok)
			goto out;
	} else {
		/* No .prj: lon/lat if the header's extent fits, else Web Mercator if that fits. */
		double b[4];
		memcpy(b, hdr + 36, sizeof b); /* little-endian doubles on the machines we build for */
		if (b[0] >= -180.5 && b[2] <= 180.5 && b[1] >= -90.5 && b[3] <= 90.5) {
			l->crs = LY_CRS_WGS84;
			addmsg(&L, "no .prj: assuming WGS84 longitude/latitude");
		} else if (fabs(b[0]) <= 20037509 && fabs(b[2]) <= 20037509) {
			l->crs = LY_CRS_WEBMERC;
			addmsg(&L, "no .prj: extent is not lon/lat, assuming Web Mercator (EPSG:3857)");
		} else {
			rd_err_set(err, "%s: no .prj and the extent (%g, %g)-(%g, %g) is neither lon/lat nor Web Mercator",
			           shp_path, b[0], b[1], b[2], b[3]);
			goto out;
		}
	}

	shapelib_msg[0] = 0;
	errno = 0;
	L.shp = SHPOpenLL(shp_path, "rb", &hooks);
	if (!L.shp && errno == ENOMEM && !failed(&L)) {
		/* its record index (Shapelib checks the count against the file first) */
		nomem(&L, "the .shx record index");
		goto out;
	}
	if (!L.shp || failed(&L)) {
		rd_err_set(err, "%s: %s", shp_path, shapelib_msg[0] ? shapelib_msg : "Shapelib cannot open it");
		goto out;
	}
	SHPGetInfo(L.shp, &L.nshx, NULL, NULL, NULL);
	long long shx_size = file_size(io, shx_path);
	if (failed(&L))
		goto out;
	if (shx_size >= 100 && (shx_size - 100) / 8 != L.nshx)
		addmsg(&L, ".shx has %lld bytes for %lld records but its header says %d", shx_size, (shx_size - 100) / 8,
		       L.nshx);

	/* Walk the .shp's own record headers to count its records. */
	int nwalk = 0;
	for (long long off = 100; off + 8 <= L.shp_size && nwalk <= L.nshx + 1;) {
		unsigned char rh[8];
		if (!io_read_at(io, L.shpf, off, rh, 8))
			break;
		long long len = (long long)be32(rh + 4) * 2;
		if (off + 8 + len > L.shp_size)
			break;
		nwalk++;
		off += 8 + len;
	}
	if (failed(&L))
		goto out;
	if (nwalk != L.nshx)
		addmsg(&L, "record counts differ: .shx lists %d, .shp holds %d complete records", L.nshx, nwalk);

	/* Attributes. */
	long long dbf_size = file_size(io, dbf_path);
	if (failed(&L))
		goto out;
	if (dbf_size < 0) {
		addmsg(&L, "missing %s: features have no attributes", dbf_path);
	} else if ((unsigned long long)dbf_size > opts->max_file_bytes) {
		addmsg(&L, "%s: %lld bytes exceed the limit of %zu: attributes ignored", dbf_path, dbf_size,
		       opts->max_file_bytes);
	} else {
		shapelib_msg[0] = 0;
		L.dbf = DBFOpenLL(dbf_path, "rb", &hooks);
		if (failed(&L))
			goto out;
		if (!L.dbf)
			addmsg(&L, "%s: %s: features have no attributes", dbf_path,
			       shapelib_msg[0] ? shapelib_msg : "cannot open");
	}
	if (L.dbf) {
		L.nrec_dbf = DBFGetRecordCount(L.dbf);
		long long fit = L.dbf->nRecordLength > 0
		                    ? (dbf_size - L.dbf->nHeaderLength) / L.dbf->nRecordLength : 0;
		if (fit < 0)
			fit = 0;
		L.dbf_usable = L.nrec_dbf;
		if (L.nrec_dbf > fit) {
			addmsg(&L, "%s: the header claims %d records but the file holds %lld", dbf_path, L.nrec_dbf, fit);
			L.dbf_usable = (int)fit;
		}
		if (L.dbf_usable != L.nshx)
			addmsg(&L, "record counts differ: .shx lists %d, .dbf %d; %s", L.nshx, L.dbf_usable,
			       L.dbf_usable < L.nshx ? "extra shapes get empty attributes" : "extra .dbf rows ignored");
		l->nfield = DBFGetFieldCount(L.dbf);
		if (l->nfield < 0)
			l->nfield = 0;
		l->field_names = calloc((size_t)l->nfield + 1, sizeof *l->field_names);
		for (int f = 0; l->field_names && f < l->nfield; f++) {
			char nm[XBASE_FLDNAME_LEN_READ + 1] = "";
			DBFGetFieldInfo(L.dbf, f, nm, NULL, NULL);
			if (!(l->field_names[f] = strdup(nm)))
				break;
		}
		if (!l->field_names || (l->nfield && !l->field_names[l->nfield - 1])) {
			nomem(&L, "%d field names", l->nfield);
			goto out;
		}
		/* Encoding: option, .cpg, language driver, then sniffing. */
		char *cpg = opts->encoding ? strdup(opts->encoding) : read_small_file(io, cpg_path, 64, &small_nomem);
		if ((opts->encoding && !cpg) || small_nomem || failed(&L)) {
			free(cpg);
			if (small_nomem)
				nomem(&L, "reading %s", cpg_path);
			else if (!failed(&L))
				nomem(&L, "the encoding name");
			goto out;
		}
		if (cpg)
			trim(cpg);
		if (cpg && *cpg) {
			if (!decoder_open(&L.dec, cpg, err, cpg_path)) {
				free(cpg);
				goto out;
			}
		} else {
			const char *cp = DBFGetCodePage(L.dbf);
			bool gbk = cp && (!strcmp(cp, "LDID/77") || strstr(cp, "936"));
			if (!gbk) {
				/* sniff: any invalid UTF-8 text means the legacy GBK */
				for (int r = 0; r < L.dbf_usable && !gbk; r++) {
					const char *raw = DBFReadTuple(L.dbf, r);
					if (!raw) {
						dbf_unreadable(&L, dbf_path, r);
						free(cpg);
						goto out;
					}
					if (!utf8_valid(raw, (size_t)L.dbf->nRecordLength))
						gbk = true;
				}
			}
			if (!decoder_open(&L.dec, gbk ? "CP936" : "UTF-8", err, dbf_path)) {
				free(cpg);
				goto out;
			}
			addmsg(&L, "no .cpg: attributes read as %s", gbk ? "CP936 (GBK)" : "UTF-8");
		}
		free(cpg);
	} else {
		decoder_open(&L.dec, "UTF-8", NULL, cpg_path);
	}
	l->encoding = strdup(L.dec.name);
	if (!l->encoding) {
		nomem(&L, "the encoding name");
		goto out;
	}

	/* Records. */
	geo_reserve(&g, (size_t)(L.shp_size - 100) / 16);
	size_t capfeat = 0;
	for (int i = 0; i < L.nshx; i++) {
		const char *why = check_shx_entry(&L, i);
		SHPObject *o = NULL;
		if (!why) {
			shapelib_msg[0] = 0;
			errno = 0;
			o = SHPReadObject(L.shp, i);
			/* Shapelib checks the counts of the record against its size before it allocates,
			 * so a failed allocation there is out of memory, not a broken record (its message
			 * says "Probably broken SHP file" either way) */
			if (!o && errno == ENOMEM && !failed(&L)) {
				nomem(&L, "record %d (%u bytes)", i, L.shp->panRecSize[i]);
				goto out;
			}
			if (!o)
				why = shapelib_msg[0] ? shapelib_msg : "unreadable";
		}
		size_t pt0 = g.npt;
		uint32_t part0 = g.npart;
		int nvert = o ? o->nVertices : 0;
		if (!why) {
			double bb[4];
			why = take_shape(&L, o, &g, bb);
		}
		if (o)
			SHPDestroyObject(o);
		if (g.oom)
			nomem(&L, "%d vertices of record %d", nvert, i);
		if (failed(&L))
			goto out;
		/* the row is read here, not by DBFIsRecordDeleted, which takes a read error for "not
		 * deleted"; read_attrs below finds it in Shapelib's record buffer */
		const char *raw = NULL;
		if (!why && L.dbf && i < L.dbf_usable) {
			raw = DBFReadTuple(L.dbf, i);
			if (!raw) {
				dbf_unreadable(&L, dbf_path, i);
				goto out;
			}
			if (raw[0] == '*')
				why = "deleted in the .dbf";
		}
		if (!why && g.npart == part0)
			why = "nothing left after splitting at the antimeridian";
		if (why) {
			g.npt = pt0;
			g.npart = part0;
			l->skipped++;
			addmsg(&L, "record %d: %s", i, why);
			continue;
		}
		if ((size_t)l->nfeat == capfeat) {
			size_t cap = capfeat ? capfeat * 2 : 64;
			struct ly_feat *feat = grow(l->feat, cap, sizeof *l->feat);
			if (feat)
				l->feat = feat;
			char **attr = feat ? grow(l->attr, cap * ((size_t)l->nfield + 1), sizeof *l->attr) : NULL;
			if (!attr) {
				nomem(&L, "%zu features", cap);
				goto out;
			}
			l->attr = attr;
			capfeat = cap;
		}
		struct ly_feat *f = &l->feat[l->nfeat];
		f->record = i;
		f->part0 = part0;
		f->nparts = g.npart - part0;
		f->bbox[0] = f->bbox[1] = INFINITY;
		f->bbox[2] = f->bbox[3] = -INFINITY;
		for (size_t k = pt0; k < g.npt; k++) {
			f->bbox[0] = fmin(f->bbox[0], g.x[k]);
			f->bbox[1] = fmin(f->bbox[1], g.y[k]);
			f->bbox[2] = fmax(f->bbox[2], g.x[k]);
			f->bbox[3] = fmax(f->bbox[3], g.y[k]);
		}
		if (!read_attrs(&L, raw, l->attr + (size_t)l->nfeat * (size_t)l->nfield)) {
			nomem(&L, "the attributes of record %d", i);
			goto out;
		}
		l->nfeat++;
	}
	if (L.bad_bbox)
		addmsg(&L, "%d record%s had a stored bounding box that disagrees with the vertices (recomputed)", L.bad_bbox,
		       L.bad_bbox == 1 ? "" : "s");
	if (L.bad_text)
		addmsg(&L, "%d undecodable byte sequence%s in %s attributes replaced by U+FFFD", L.bad_text,
		       L.bad_text == 1 ? "" : "s", l->encoding);
	if (l->nfeat == 0) {
		rd_err_set(err, "%s: no usable features (%d record%s, %d skipped)%s%s", shp_path, L.nshx,
		           L.nshx == 1 ? "" : "s", l->skipped, l->nmsg ? "; first problem: " : "",
		           l->nmsg ? l->msg[l->nmsg - 1] + strlen(l->path) + 2 : "");
		goto out;
	}
	l->x = g.x, l->y = g.y, l->npt = g.npt;
	l->part = g.part, l->npart = g.npart;
	g = (struct geo){0};
	l->bbox[0] = l->bbox[1] = INFINITY;
	l->bbox[2] = l->bbox[3] = -INFINITY;
	for (int i = 0; i < l->nfeat; i++) {
		l->bbox[0] = fmin(l->bbox[0], l->feat[i].bbox[0]);
		l->bbox[1] = fmin(l->bbox[1], l->feat[i].bbox[1]);
		l->bbox[2] = fmax(l->bbox[2], l->feat[i].bbox[2]);
		l->bbox[3] = fmax(l->bbox[3], l->feat[i].bbox[3]);
	}
	if (l->nmsg_total > l->nmsg) {
		int more = l->nmsg_total - l->nmsg;
		l->max_msg++;
		l->nmsg_total--;
		addmsg(&L, "... and %d more message%s", more, more == 1 ? "" : "s");
		l->nmsg_total = l->nmsg + more - 1;
	}
	if (failed(&L))
		goto out;
	ok = true;
out:
	finish_loader(&L);
	watching = outer;
	if (!ok && L.oom[0])
		rd_err_set(err, "%s: out of memory for %s", shp_path ? shp_path : path, L.oom);
	else if (!ok && watch.err[0])
		rd_err_set(err, "%s", watch.err);
	free(g.x);
	free(g.y);
	free(g.part);
	free(base);
	free(shp_path);
	free(shx_path);
	free(dbf_path);
	free(prj_path);
	free(cpg_path);
	if (!ok) {
		ly_layer_free(l);
		return NULL;
	}
	return l;
}

void ly_layer_free(struct ly_layer *l)
{
	if (!l)
		return;
	if (l->attr)
		for (size_t i = 0; i < (size_t)l->nfeat * (size_t)l->nfield; i++)
			free(l->attr[i]);
	free(l->attr);
	if (l->field_names)
		for (int f = 0; f < l->nfield; f++)
			free(l->field_names[f]);
	free(l->field_names);
	for (int i = 0; i < l->nmsg; i++)
		free(l->msg[i]);
	free(l->msg);
	free(l->feat);
	free(l->part);
	free(l->x);
	free(l->y);
	free(l->path);
	free(l->name);
	free(l->encoding);
	free(l);
}

/* ---- accessors ------------------------------------------------------------------------ */

const char *ly_layer_path(const struct ly_layer *l) { return l->path; }
const char *ly_layer_name(const struct ly_layer *l) { return l->name; }
enum ly_geom ly_layer_geom(const struct ly_layer *l) { return l->geom; }
enum ly_crs ly_layer_crs(const struct ly_layer *l) { return l->crs; }
const char *ly_layer_encoding(const struct ly_layer *l) { return l->encoding; }
int ly_layer_count(const struct ly_layer *l) { return l->nfeat; }
int ly_layer_skipped(const struct ly_layer *l) { return l->skipped; }
size_t ly_layer_vertex_count(const struct ly_layer *l) { return l->npt; }
void ly_layer_bbox(const struct ly_layer *l, double bbox[4]) { memcpy(bbox, l->bbox, sizeof l->bbox); }
int ly_layer_message_count(const struct ly_layer *l) { return l->nmsg_total; }
const char *ly_layer_message(const struct ly_layer *l, int i) { return i >= 0 && i < l->nmsg ? l->msg[i] : ""; }
int ly_layer_field_count(const struct ly_layer *l) { return l->nfield; }

const char *ly_layer_field_name(const struct ly_layer *l, int f)
{
	return f >= 0 && f < l->nfield ? l->field_names[f] : "";
}

int ly_layer_field_index(const struct ly_layer *l, const char *name)
{
	if (!name || !*name)
		return -1;
	for (int f = 0; f < l->nfield; f++)
		if (!strcasecmp(l->field_names[f], name))
			return f;
	return -1;
}

const char *ly_layer_attr(const struct ly_layer *l, int i, int f)
{
	if (i < 0 || i >= l->nfeat || f < 0 || f >= l->nfield)
		return "";
	return l->attr[(size_t)i * (size_t)l->nfield + (size_t)f];
}

int ly_layer_record(const struct ly_layer *l, int i) { return i >= 0 && i < l->nfeat ? l->feat[i].record : -1; }

int ly_layer_find(const struct ly_layer *l, int f, const char *value)
{
	for (int i = 0; i < l->nfeat; i++)
		if (!strcmp(ly_layer_attr(l, i, f), value))
			return i;
	return -1;
}

int ly_layer_part_count(const struct ly_layer *l, int i)
{
	return i >= 0 && i < l->nfeat ? (int)l->feat[i].nparts : 0;
}

int ly_layer_part(const struct ly_layer *l, int i, int p, const double **x, const double **y)
{
	if (i < 0 || i >= l->nfeat || p < 0 || (uint32_t)p >= l->feat[i].nparts)
		return 0;
	const struct ly_part *pt = &l->part[l->feat[i].part0 + (uint32_t)p];
	*x = l->x + pt->start;
	*y = l->y + pt->start;
	return (int)pt->count;
}
