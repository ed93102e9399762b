/* Failed allocations and I/O errors in the loaders (docs/testing.md, "Fault injection").
 *
 * For each loader and a real input (the shipped shapefiles, a GBK one among them, and two the
 * test writes: Web Mercator with a ring across the antimeridian and no .cpg, and the GBK layer
 * without its .cpg; themes, scenes, the playlist, a config file, the English language file):
 *
 *  1. a normal load is counted: N allocations our code makes while loading (malloc, calloc,
 *     realloc, strdup, strndup and iconv_open, wrapped by the linker with -Wl,--wrap on this
 *     executable, so every call from our static libraries is seen; the test's own calls are
 *     not counted) and M file operations (the shapefile loader's through Shapelib's SAHooks,
 *     which serve the real files; the JSON loaders' fopen, fstat and fread, wrapped too);
 *  2. for every k in 1..N the k-th allocation fails, and for every k in 1..M the k-th file
 *     operation fails (an open with EIO, a read that gets nothing), then again for every read
 *     a short one (half of what was asked), each in a fresh load;
 *  3. every load must not crash (ASan/UBSan), leak nothing (LSan, checked after each input),
 *     and either fail with a message naming the file (for an allocation: "out of memory"; for
 *     an I/O fault: the very file that failed) and leave nothing half-built (NULL layer; the
 *     theme, scene, playlist, config reset to their documented state; the language table
 *     empty), or succeed with exactly the normal result (a digest of everything the loader
 *     gives back).
 *
 * Allocations inside the shared libraries (Shapelib's, json-c's, libc's) are not failed:
 * --wrap only reaches objects linked into this executable. Their NULLs are still reached
 * through the I/O faults (Shapelib opens and reads through our hooks). json-c 0.16 itself
 * crashes when its strdup fails inside json_tokener_parse_ex, so failing its allocations
 * would test json-c, not us.
 *
 * Every k is tried for every input except the two big layers, anhui_districts (105k vertices)
 * and world_countries_10m (545k vertices, a tenth of a second or more a load under ASan): for
 * them 100 and 24 k spread evenly from the first to the last. CBWALL_FAULTS_ALL=1 tries every
 * k of those too (about 5 minutes). `loader_faults NAME...` runs only the inputs named (hefei_districts,
 * dark.json ...); CBWALL_FAULTS_VERBOSE=1 lists the faults a loader absorbed, 2 also every
 * message. */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <shapefil.h>

#include "cw_config.h"
#include "cw_i18n.h"
#include "cw_playlist.h"
#include "cw_scene.h"
#include "cw_theme.h"
#include "ly_hooks.h"
#include "rd_i18n.h"

/* LSan and ASan hooks, when built with them. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));


/* ---- the fault points ------------------------------------------------------------------ */

static bool armed;                 /* counting: only while a loader runs */
static long alloc_n, io_n;         /* allocations, file operations so far */
static long fail_alloc_at, fail_io_at;
static bool io_short;              /* the failing read returns half instead of nothing */
static char io_failed_on[512];     /* the file whose operation was failed */
static char current[256];          /* the case running, for a crash report */
static long *reads, nreads, capreads; /* the normal load's reads: which k a short read can hit */
static bool recording;

/* The linker's names for the real functions (__real_) and ours (__wrap_). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
iconv_t __real_iconv_open(const char *to, const char *from);
FILE *__real_fopen(const char *path, const char *mode);
int __real_fstat(int fd, struct stat *st);
size_t __real_fread(void *p, size_t size, size_t n, FILE *f);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
iconv_t __wrap_iconv_open(const char *to, const char *from);
FILE *__wrap_fopen(const char *path, const char *mode);
int __wrap_fstat(int fd, struct stat *st);
size_t __wrap_fread(void *p, size_t size, size_t n, FILE *f);

static bool alloc_fails(void)
{
	if (!armed)
		return false;
	if (++alloc_n != fail_alloc_at)
		return false;
	errno = ENOMEM;
	return true;
}

/* Counts a file operation on name; true when it is the one to fail. The normal load records
 * which operations are reads (the short-read pass tries only those). */
static bool io_fails(const char *name, bool is_read)
{
	if (!armed)
		return false;
	++io_n;
	if (recording && is_read) {
		if (nreads == capreads) {
			capreads = capreads ? 2 * capreads : 1024;
			reads = __real_realloc(reads, (size_t)capreads * sizeof *reads);
			if (!reads)
				abort();
		}
		reads[nreads++] = io_n;
	}
	if (io_n != fail_io_at)
		return false;
	snprintf(io_failed_on, sizeof io_failed_on, "%s", name);
	return true;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return alloc_fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return alloc_fails() ? NULL : __real_strndup(s, n);
}

iconv_t __wrap_iconv_open(const char *to, const char *from)
{
	return alloc_fails() ? (iconv_t)-1 : __real_iconv_open(to, from);
}

/* The JSON loaders' file access (cw_read_file): the FILE's name is kept for the check. */
static const char *json_file;

FILE *__wrap_fopen(const char *path, const char *mode)
{
	json_file = path;
	if (io_fails(path, false)) {
		errno = EIO;
		return NULL;
	}
	return __real_fopen(path, mode);
}

int __wrap_fstat(int fd, struct stat *st)
{
	if (io_fails(json_file ? json_file : "?", false)) {
		errno = EIO;
		return -1;
	}
	return __real_fstat(fd, st);
}

/* A short read gets half the items that are there (the rest of the buffer may be written). */
size_t __wrap_fread(void *p, size_t size, size_t n, FILE *f)
{
	if (!io_fails(json_file ? json_file : "?", true))
		return __real_fread(p, size, n, f);
	if (!io_short)
		return 0;
	size_t got = __real_fread(p, size, n, f);
	fseek(f, -(long)((got - got / 2) * size), SEEK_CUR);
	return got / 2;
}

/* The shapefile loader's: SAHooks over Shapelib's default ones (the real files). */
static SAHooks disk;

struct tfile {
	SAFile f;
	char name[500];
};

static SAFile t_open(const char *name, const char *access)
{
	if (io_fails(name, false)) {
		errno = EIO;
		return NULL;
	}
	SAFile f = disk.FOpen(name, access);
	if (!f)
		return NULL;
	struct tfile *t = __real_malloc(sizeof *t);
	if (!t)
		abort();
	t->f = f;
	snprintf(t->name, sizeof t->name, "%s", name);
	return (SAFile)(void *)t;
}

#define TF(file) ((struct tfile *)(void *)(file))

static SAOffset t_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	SAFile f = TF(file)->f;
	if (!io_fails(TF(file)->name, true))
		return disk.FRead(p, size, nmemb, f);
	if (!io_short)
		return 0;
	SAOffset pos = disk.FTell(f), got = disk.FRead(p, size, nmemb, f);
	disk.FSeek(f, pos + got / 2 * size, SEEK_SET);
	return got / 2;
}

static SAOffset t_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	return disk.FWrite(p, size, nmemb, TF(file)->f);
}

static SAOffset t_seek(SAFile file, SAOffset offset, int whence)
{
	return disk.FSeek(TF(file)->f, offset, whence);
}

static SAOffset t_tell(SAFile file)
{
	return disk.FTell(TF(file)->f);
}

static int t_flush(SAFile file)
{
	return disk.FFlush(TF(file)->f);
}

static int t_close(SAFile file)
{
	int r = disk.FClose(TF(file)->f);
	free(TF(file));
	return r;
}

static SAHooks test_hooks(void)
{
	SASetupDefaultHooks(&disk);
	SAHooks h = disk;
	h.FOpen = t_open;
	h.FRead = t_read;
	h.FWrite = t_write;
	h.FSeek = t_seek;
	h.FTell = t_tell;
	h.FFlush = t_flush;
	h.FClose = t_close;
	return h;
}

/* ---- results ---------------------------------------------------------------------------- */

static int failures;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: %s: ", current);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (++failures > 50) {
		fprintf(stderr, "too many failures, stopping\n");
		exit(1);
	}
}

static void on_death(void)
{
	fprintf(stderr, "loader_faults: died in %s\n", current);
}

struct tally {
	long refused, absorbed; /* failed with a good message / completed with the normal result */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return h;
}

static uint64_t fnv_s(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

/* Everything a loaded layer gives back. */
static uint64_t layer_digest(const struct ly_layer *l)
{
	uint64_t h = 14695981039346656037u;
	int v[5] = {ly_layer_geom(l), ly_layer_crs(l), ly_layer_count(l), ly_layer_skipped(l),
	            ly_layer_field_count(l)};
	h = fnv(h, v, sizeof v);
	size_t nv = ly_layer_vertex_count(l);
	h = fnv(h, &nv, sizeof nv);
	double bb[4];
	ly_layer_bbox(l, bb);
	h = fnv(h, bb, sizeof bb);
	h = fnv_s(h, ly_layer_path(l));
	h = fnv_s(h, ly_layer_name(l));
	h = fnv_s(h, ly_layer_encoding(l));
	int nm = ly_layer_message_count(l);
	h = fnv(h, &nm, sizeof nm);
	for (int i = 0; i < nm; i++)
		h = fnv_s(h, ly_layer_message(l, i));
	for (int f = 0; f < ly_layer_field_count(l); f++)
		h = fnv_s(h, ly_layer_field_name(l, f));
	for (int i = 0; i < ly_layer_count(l); i++) {
		int rec = ly_layer_record(l, i), np = ly_layer_part_count(l, i);
		h = fnv(h, &rec, sizeof rec);
		h = fnv(h, &np, sizeof np);
		for (int f = 0; f < ly_layer_field_count(l); f++)
			h = fnv_s(h, ly_layer_attr(l, i, f));
		for (int p = 0; p < np; p++) {
			const double *x, *y;
			int n = ly_layer_part(l, i, p, &x, &y);
			h = fnv(h, &n, sizeof n);
			h = fnv(h, x, (size_t)n * sizeof *x);
			h = fnv(h, y, (size_t)n * sizeof *y);
		}
	}
	return h;
}

/* A failed load's message: names the file, and what failed. */
static int verbose; /* CBWALL_FAULTS_VERBOSE=1: the faults a loader absorbed; 2: every message */

static void check_message(const char *msg, const char *name, bool alloc)
{
	if (verbose > 1)
		fprintf(stderr, "%s: %s\n", current, msg);
	if (!msg[0]) {
		bad("failed without a message");
		return;
	}
	if (!strstr(msg, name))
		bad("the message does not name %s: %s", name, msg);
	if (alloc && !strstr(msg, "memory"))
		bad("an allocation failed but the message does not say so: %s", msg);
	if (!alloc) {
		/* the file whose open/read failed, by its base name */
		const char *base = strrchr(io_failed_on, '/');
		base = base ? base + 1 : io_failed_on;
		if (!strstr(msg, base))
			bad("the I/O fault was on %s but the message says: %s", base, msg);
	}
}

/* ---- the sweeps ------------------------------------------------------------------------- */

struct loader {
	const char *what;  /* "shapefile", "theme" ... */
	const char *input; /* file or name as given to the loader */
	const char *name;  /* what every message must name */
	/* runs the loader armed; true if it succeeded. Checks its own result against the normal
	 * one (reference true) or records it (reference false). */
	bool (*run)(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t);
	int samples; /* k tried per sweep, spread evenly from the first to the last; 0: every k */
};

static void arm(long alloc_at, long io_at, bool short_read)
{
	alloc_n = io_n = 0;
	fail_alloc_at = alloc_at;
	fail_io_at = io_at;
	io_short = short_read;
	io_failed_on[0] = 0;
	json_file = NULL;
	armed = true;
}

static void disarm(void)
{
	armed = false;
	fail_alloc_at = fail_io_at = 0;
}

/* -- shapefiles -- */

static uint64_t shp_reference;

static bool run_shp(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	SAHooks hooks = test_hooks();
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load_hooks(ld->input, &hooks, NULL, &err);
	disarm();
	if (reference) {
		if (!l) {
			bad("the normal load failed: %s", err.msg);
			exit(1);
		}
		shp_reference = layer_digest(l);
	} else if (l) {
		if (layer_digest(l) != shp_reference)
			bad("a load with a fault succeeded with a different layer");
		t->absorbed++;
	} else {
		check_message(err.msg, ld->name, alloc_fault);
		t->refused++;
	}
	ly_layer_free(l);
	return l != NULL;
}

/* -- themes -- */

static struct rd_theme theme_reference;

static bool run_theme(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	struct rd_theme th;
	struct rd_err err = {{0}};
	bool ok = cw_theme_load(ld->input, &th, &err);
	disarm();
	if (reference) {
		if (!ok) {
			bad("the normal load failed: %s", err.msg);
			exit(1);
		}
		theme_reference = th;
		return ok;
	}
	if (ok) {
		if (memcmp(&th, &theme_reference, sizeof th) != 0)
			bad("a load with a fault succeeded with a different theme");
		t->absorbed++;
		return ok;
	}
	check_message(err.msg, ld->name, alloc_fault);
	struct rd_theme def;
	rd_theme_default(&def);
	if (memcmp(&th, &def, sizeof th) != 0)
		bad("a failed load left a theme that is not the built-in one");
	t->refused++;
	return ok;
}

/* -- scenes -- */

static struct cw_scene *scene_reference, *scene_out, *scene_zero;

static bool run_scene(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	struct rd_err err = {{0}};
	memset(scene_out, 0x5a, sizeof *scene_out);
	bool ok = cw_scene_load(ld->input, scene_out, &err);
	disarm();
	if (reference) {
		if (!ok) {
			bad("the normal load failed: %s", err.msg);
			exit(1);
		}
		memcpy(scene_reference, scene_out, sizeof *scene_out);
		return ok;
	}
	if (ok) {
		if (memcmp(scene_out, scene_reference, sizeof *scene_out) != 0)
			bad("a load with a fault succeeded with a different scene");
		t->absorbed++;
		return ok;
	}
	check_message(err.msg, ld->name, alloc_fault);
	if (memcmp(scene_out, scene_zero, sizeof *scene_out) != 0)
		bad("a failed load left half a scene");
	t->refused++;
	return ok;
}

/* -- playlists -- */

static struct cw_playlist playlist_reference;

static bool run_playlist(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	struct cw_playlist pl, zero;
	struct rd_err err = {{0}};
	memset(&pl, 0x5a, sizeof pl);
	memset(&zero, 0, sizeof zero);
	bool ok = cw_playlist_load(ld->input, &pl, &err);
	disarm();
	if (reference) {
		if (!ok) {
			bad("the normal load failed: %s", err.msg);
			exit(1);
		}
		playlist_reference = pl;
		return ok;
	}
	if (ok) {
		if (memcmp(&pl, &playlist_reference, sizeof pl) != 0)
			bad("a load with a fault succeeded with a different playlist");
		t->absorbed++;
		return ok;
	}
	check_message(err.msg, ld->name, alloc_fault);
	if (memcmp(&pl, &zero, sizeof pl) != 0)
		bad("a failed load left half a playlist");
	t->refused++;
	return ok;
}

/* -- config -- */

static struct cw_config config_reference;

static bool run_config(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	struct cw_config c, def;
	struct rd_err err = {{0}};
	memset(&c, 0x5a, sizeof c);
	bool ok = cw_config_load(ld->input, &c, &err);
	disarm();
	if (reference) {
		if (!ok) {
			bad("the normal load failed: %s", err.msg);
			exit(1);
		}
		config_reference = c;
		return ok;
	}
	if (ok) {
		if (memcmp(&c, &config_reference, sizeof c) != 0)
			bad("a load with a fault succeeded with a different config");
		t->absorbed++;
		return ok;
	}
	check_message(err.msg, ld->name, alloc_fault);
	cw_config_default(&def);
	if (memcmp(&c, &def, sizeof c) != 0)
		bad("a failed load left a config that is not the defaults");
	t->refused++;
	return ok;
}

/* -- the language file: the table is global; checked through rd_tr against the file -- */

static struct json_object *lang_file;

/* 1: every entry translated as the file says; 0: no entry translated; -1: a mix. Entries the
 * file leaves as they are ("PM2.5") say nothing. */
static int lang_state(void)
{
	int translated = 0, n = 0;
	json_object_object_foreach(lang_file, zh, text)
	{
		if (strcmp(zh, json_object_get_string(text)) == 0)
			continue;
		n++;
		translated += strcmp(rd_tr(zh), json_object_get_string(text)) == 0;
	}
	return translated == n ? 1 : translated == 0 ? 0 : -1;
}

static bool run_i18n(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	struct rd_err err = {{0}};
	bool ok = cw_i18n_use(ld->input, &err);
	disarm();
	int state = lang_state();
	if (reference) {
		if (!ok || state != 1) {
			bad("the normal load failed or translates wrongly: %s", ok ? "" : err.msg);
			exit(1);
		}
	} else if (ok) {
		if (state != 1)
			bad("a load with a fault succeeded with a different table");
		t->absorbed++;
	} else {
		check_message(err.msg, ld->name, alloc_fault);
		if (state != 0)
			bad("a failed load left %s table", state < 0 ? "half a" : "a full");
		t->refused++;
	}
	rd_i18n_reset();
	return ok;
}

/* ---- the runs --------------------------------------------------------------------------- */

static bool sweep_all;

/* How many k of 1..n a sweep tries, and the i-th of them: all of them, or for a big input
 * `samples` spread evenly from the first to the last. */
static long sweep_count(long n, int samples)
{
	return !samples || sweep_all || n <= samples ? n : samples;
}

static long sweep_k(long i, long n, int samples)
{
	long count = sweep_count(n, samples);
	return count == n ? i + 1 : 1 + i * (n - 1) / (count - 1);
}

static void absorbed_note(void)
{
	if (verbose)
		fprintf(stderr, "absorbed: %s%s%s\n", current, io_failed_on[0] ? " on " : "", io_failed_on);
}

struct counts {
	long n_alloc, n_io, n_reads, runs;
	struct tally alloc, io, io_short;
};

static void leak_check(const char *what)
{
	if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check())
		bad("LSan found leaks after the sweeps of %s (stacks above)", what);
}

static struct counts sweep(const struct loader *ld)
{
	struct counts c = {0};
	snprintf(current, sizeof current, "%s %s, normal load", ld->what, ld->input);
	arm(0, 0, false);
	nreads = 0;
	recording = true;
	ld->run(ld, true, false, NULL);
	recording = false;
	c.n_alloc = alloc_n;
	c.n_io = io_n;
	c.n_reads = nreads;
	if (!c.n_alloc || !c.n_io)
		bad("the normal load made %ld allocations and %ld file operations: the wraps do not "
		    "reach it (built with _FORTIFY_SOURCE or another libc?)", c.n_alloc, c.n_io);
	for (long i = 0; i < sweep_count(c.n_alloc, ld->samples); i++) {
		long k = sweep_k(i, c.n_alloc, ld->samples);
		snprintf(current, sizeof current, "%s %s, allocation %ld of %ld failed", ld->what,
		         ld->input, k, c.n_alloc);
		arm(k, 0, false);
		long before = c.alloc.absorbed;
		ld->run(ld, false, true, &c.alloc);
		c.runs++;
		if (c.alloc.absorbed > before)
			absorbed_note();
	}
	/* every operation failed, then every read short */
	for (int mode = 0; mode < 2; mode++) {
		long n = mode ? c.n_reads : c.n_io;
		for (long i = 0; i < sweep_count(n, ld->samples); i++) {
			long j = sweep_k(i, n, ld->samples), k = mode ? reads[j - 1] : j;
			snprintf(current, sizeof current, "%s %s, file operation %ld of %ld %s", ld->what,
			         ld->input, k, c.n_io, mode ? "read short" : "failed");
			arm(0, k, mode == 1);
			struct tally *t = mode ? &c.io_short : &c.io;
			long before = t->absorbed;
			ld->run(ld, false, false, t);
			c.runs++;
			if (t->absorbed > before)
				absorbed_note();
		}
	}
	leak_check(ld->input);
	return c;
}

static void out_dir(char *buf, size_t n)
{
	const char *o = getenv("TEST_OUT");
	snprintf(buf, n, "%s/loader_faults_%d", o ? o : "/tmp", (int)getpid());
	mkdir(o ? o : "/tmp", 0755);
	mkdir(buf, 0700);
}

static void copy_file(const char *from, const char *to)
{
	FILE *a = __real_fopen(from, "rb"), *b = __real_fopen(to, "wb");
	if (!a || !b) {
		fprintf(stderr, "cannot copy %s to %s\n", from, to);
		exit(1);
	}
	char buf[65536];
	size_t n;
	while ((n = __real_fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	fclose(b);
}

/* base.prj := text */
static void write_text(const char *base, const char *ext, const char *text)
{
	char p[800];
	snprintf(p, sizeof p, "%s%s", base, ext);
	FILE *f = __real_fopen(p, "wb");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(1);
	}
}

/* A Web Mercator layer without .cpg (the encoding is sniffed from the .dbf): a square, a
 * donut, and a ring from 170° to 190° east that is split at the antimeridian. */
static void make_merc(const char *base)
{
	SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
	DBFHandle dbf = DBFCreate(base);
	if (!shp || !dbf) {
		fprintf(stderr, "cannot create %s\n", base);
		exit(1);
	}
	DBFAddField(dbf, "name", FTString, 24, 0);
	const double R = 6378137.0, d = M_PI / 180 * R;
	static const double rings[3][10][2] = {
	    {{116, 31}, {116, 32}, {117, 32}, {117, 31}, {116, 31}},
	    {{100, 20}, {100, 30}, {110, 30}, {110, 20}, {100, 20}, {103, 23}, {107, 23}, {107, 27}, {103, 27}, {103, 23}},
	    {{170, -20}, {170, -10}, {190, -10}, {190, -20}, {170, -20}},
	};
	static const int counts[3] = {5, 10, 5}, parts[3] = {1, 2, 1};
	static const char *const names[3] = {"合肥", "donut 环", "斐济 Fiji"};
	for (int r = 0; r < 3; r++) {
		double x[10], y[10];
		for (int i = 0; i < counts[r]; i++) {
			x[i] = rings[r][i][0] * d;
			y[i] = R * log(tan(M_PI / 4 + rings[r][i][1] * M_PI / 360));
		}
		int starts[2] = {0, 5};
		SHPObject *o = SHPCreateObject(SHPT_POLYGON, -1, parts[r], starts, NULL, counts[r], x, y, NULL, NULL);
		SHPWriteObject(shp, -1, o);
		SHPDestroyObject(o);
		DBFWriteStringAttribute(dbf, r, 0, names[r]);
	}
	SHPClose(shp);
	DBFClose(dbf);
	write_text(base, ".prj",
	           "PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\",DATUM["
	           "\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]]],PROJECTION["
	           "\"Mercator_Auxiliary_Sphere\"]]");
}

int main(int argc, char **argv)
{
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	sweep_all = getenv("CBWALL_FAULTS_ALL") && atoi(getenv("CBWALL_FAULTS_ALL"));
	verbose = getenv("CBWALL_FAULTS_VERBOSE") ? atoi(getenv("CBWALL_FAULTS_VERBOSE")) : 0;
	const char *data = getenv("CBWALL_DATADIR") ? getenv("CBWALL_DATADIR") : ".";
	char dir[512], merc[640], gbk[640];
	out_dir(dir, sizeof dir);
	snprintf(merc, sizeof merc, "%s/merc_split", dir);
	make_merc(merc);
	snprintf(gbk, sizeof gbk, "%s/chizhou_nocpg", dir);
	static const char *const gbk_ext[] = {".shp", ".shx", ".dbf", ".prj"};
	for (int i = 0; i < 4; i++) {
		char from[800], to[800];
		snprintf(from, sizeof from, "%s/assets/gis/chizhou_districts_gbk%s", data, gbk_ext[i]);
		snprintf(to, sizeof to, "%s%s", gbk, gbk_ext[i]);
		copy_file(from, to);
	}
	char lang_path[700];
	snprintf(lang_path, sizeof lang_path, "%s/config/i18n/en.json", data);
	lang_file = json_object_from_file(lang_path);
	if (!lang_file) {
		fprintf(stderr, "cannot read %s\n", lang_path);
		return 1;
	}
	scene_reference = __real_malloc(sizeof *scene_reference);
	scene_out = __real_malloc(sizeof *scene_out);
	scene_zero = __real_calloc(1, sizeof *scene_zero);
	if (!scene_reference || !scene_out || !scene_zero)
		return 1;

	/* every k for all but the two big layers */
	static const struct {
		const char *name;
		int samples;
	} layers[] = {
	    {"hefei_districts", 0}, {"chizhou_districts_gbk", 0}, {"anhui_district_seats", 0},
	    {"anhui_city_borders", 0}, {"anhui_cities", 0}, {"anhui_districts", 100},
	    {"world_countries_10m", 24},
	};
	enum { NLAYERS = sizeof layers / sizeof layers[0] };
	static char shp_in[NLAYERS + 2][800];
	struct loader loaders[NLAYERS + 12];
	int n = 0;
	for (int i = 0; i < NLAYERS; i++) {
		snprintf(shp_in[i], sizeof shp_in[i], "%s/assets/gis/%s.shp", data, layers[i].name);
		loaders[n++] = (struct loader){"shapefile", shp_in[i], layers[i].name, run_shp, layers[i].samples};
	}
	snprintf(shp_in[NLAYERS], sizeof shp_in[0], "%s.shp", merc);
	loaders[n++] = (struct loader){"shapefile", shp_in[NLAYERS], "merc_split", run_shp, 0};
	snprintf(shp_in[NLAYERS + 1], sizeof shp_in[0], "%s.shp", gbk);
	loaders[n++] = (struct loader){"shapefile", shp_in[NLAYERS + 1], "chizhou_nocpg", run_shp, 0};
	loaders[n++] = (struct loader){"theme", "dark", "dark.json", run_theme, 0};
	loaders[n++] = (struct loader){"theme", "high-contrast", "high-contrast.json", run_theme, 0};
	loaders[n++] = (struct loader){"scene", "city", "city.json", run_scene, 0};
	loaders[n++] = (struct loader){"scene", "governance", "governance.json", run_scene, 0};
	loaders[n++] = (struct loader){"scene", "industry", "industry.json", run_scene, 0};
	loaders[n++] = (struct loader){"scene", "duty", "duty.json", run_scene, 0};
	loaders[n++] = (struct loader){"playlist", "default", "default.json", run_playlist, 0};
	static char config_in[700];
	snprintf(config_in, sizeof config_in, "%s/config/cbwall.json", data);
	loaders[n++] = (struct loader){"config", config_in, "cbwall.json", run_config, 0};
	loaders[n++] = (struct loader){"language", "en", "en.json", run_i18n, 0};

	long total_runs = 0;
	int swept = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		bool wanted = argc < 2; /* loader_faults [NAME...]: only those (e.g. hefei_districts) */
		for (int a = 1; a < argc && !wanted; a++)
			wanted = strcmp(argv[a], loaders[i].name) == 0;
		if (!wanted)
			continue;
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		struct counts c = sweep(&loaders[i]);
		swept++;
		clock_gettime(CLOCK_MONOTONIC, &b);
		total_runs += c.runs + 1;
		bool sampled = sweep_count(c.n_alloc, loaders[i].samples) < c.n_alloc;
		printf("%-9s %-22s N=%-5ld allocations: %ld refused, %ld absorbed; M=%-4ld file ops "
		       "failed: %ld refused, %ld absorbed; %ld reads short: %ld refused, %ld absorbed%s "
		       "(%.1f s)\n",
		       loaders[i].what, loaders[i].name, c.n_alloc, c.alloc.refused, c.alloc.absorbed,
		       c.n_io, c.io.refused, c.io.absorbed, c.n_reads, c.io_short.refused,
		       c.io_short.absorbed, sampled ? " (sampled)" : "",
		       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
		fflush(stdout);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loader_faults: %d inputs, %ld loads in %.1f s; %s\n", swept, total_runs,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       failures ? "FAILED" : "no crash, no leak, every failure named its file, nothing half-built");

	json_object_put(lang_file);
	free(reads);
	free(scene_reference);
	free(scene_out);
	free(scene_zero);
	if (!failures) {
		static const char *const ext[] = {".shp", ".shx", ".dbf", ".prj"};
		for (int i = 0; i < 4; i++) {
			char p[800];
			snprintf(p, sizeof p, "%s%s", merc, ext[i]);
			unlink(p);
			snprintf(p, sizeof p, "%s%s", gbk, ext[i]);
			unlink(p);
		}
		rmdir(dir);
	}
	return failures ? 1 : 0;
}
