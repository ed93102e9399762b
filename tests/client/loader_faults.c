/* Failed allocations and I/O errors in the loaders and the map (docs/testing.md, "Fault
 * injection").
 *
 * For each loader and a real input (the shipped shapefiles, a GBK one among them, and two the
 * test writes: Web Mercator with a ring across the antimeridian and no .cpg, and the GBK layer
 * without its .cpg; themes, scenes, the playlist, a config file, the English language file),
 * and for each shipped layer (and merc_split) put on a map:
 *
 *  1. a normal run is counted: N allocations and M file operations. A load counts every
 *     allocation made while it runs, by our code and by Shapelib, json-c and libc (malloc,
 *     calloc, realloc, strdup and strndup are defined in this executable, so the dynamic
 *     linker sends the libraries' calls here too; see "the allocator" below), but for those
 *     the libraries make without checking the result (unchecked(): listed there, counted
 *     apart), plus our iconv_open (wrapped by the linker). A map case counts our code's
 *     allocations only. File operations: the shapefile loader's through Shapelib's SAHooks,
 *     which serve the real files; the JSON loaders' fopen, fstat and fread (-Wl,--wrap);
 *  2. for every k in 1..N the k-th allocation fails, and for every k in 1..M the k-th file
 *     operation fails (an open with EIO, a read that gets nothing), then again for every read
 *     a short one (half of what was asked), each in a fresh run;
 *  3. every run must not crash (ASan/UBSan), leak nothing (LSan, checked after each input),
 *     and either fail with a message naming the file (for an allocation: "memory"; for an I/O
 *     fault: the very file that failed) and leave nothing half-built (NULL layer; the theme,
 *     scene, playlist, config reset to their documented state; the language table empty; the
 *     map as it was, which then gives the normal map), or succeed with exactly the normal
 *     result (a digest of everything the loader gives back, of the map's pixels and labels).
 *
 * Every k is tried for every input except the big layers: anhui_districts (105k vertices) and
 * world_countries_10m (545k vertices, a tenth of a second or more a load under ASan), 100 and
 * 24 k spread evenly from the first to the last; on a map also anhui_cities, 40, 16 and 4.
 * CBWALL_FAULTS_ALL=1 tries every k of those too (minutes). `loader_faults NAME...` runs only
 * the inputs named (hefei_districts, dark.json ...); CBWALL_FAULTS_VERBOSE=1 lists the faults
 * a run absorbed, 2 also every message; CBWALL_FAULTS_PROBE=1 lists the library allocations
 * that crash or lose data when they fail (probe()). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <unwind.h>

#include <json-c/json.h>
#include <shapefil.h>

#include "cw_config.h"
#include "cw_i18n.h"
#include "cw_playlist.h"
#include "cw_scene.h"
#include "cw_theme.h"
#include "ly_hooks.h"
#include "ly_map.h"
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
static char current[512];          /* the case running, for a crash report */
static bool recording;             /* the normal load: what it did is kept */

/* A growable array kept with the real allocator (real_realloc, below): the test's own
 * bookkeeping is never counted. */
struct words {
	uintptr_t *v;
	long n, cap;
};
static struct words reads;   /* the normal load's reads: which k a short read can hit */
static struct words callers; /* the callers of its allocations, for messages */
static void push(struct words *w, uintptr_t v);

/* ---- the allocator ----------------------------------------------------------------------
 * malloc, calloc, realloc, strdup and strndup are defined here, in the executable. Our static
 * libraries are linked into it, and the dynamic linker looks in the executable before any
 * shared library, so Shapelib's, json-c's and libc's calls (fopen's FILE, iconv's tables)
 * come here too. Each forwards to the allocator that would have answered otherwise: ASan's in
 * a sanitizer build (the __interceptor_ entry points GCC's libasan exports), glibc's
 * (__libc_malloc ...) without; not through dlsym, which may itself allocate. free is not
 * replaced: every block is the real allocator's. strdup and strndup are ours (a malloc and a
 * copy), so that ASan's strdup, which allocates without calling malloc, is not bypassed.
 *
 * Nothing is counted unless a case is armed. A load counts every allocation made while it
 * runs, ours and the libraries' (REACH_ALL), but for the ones the libraries make without
 * checking the result (unchecked() below); the map cases count only those whose caller is in
 * this executable, i.e. our code (REACH_OURS): the draw calls Cairo and Pango, and GLib's
 * g_malloc aborts on out-of-memory by contract. Counting is not thread-safe: every case runs
 * on this thread alone (the map is left at one thread, ly_map_set_threads).
 *
 * These functions are not instrumented by ASan (HOOK): libc and ld.so allocate while ASan
 * itself starts, before its shadow memory exists. */
#define HOOK __attribute__((no_sanitize_address))

extern void *__interceptor_malloc(size_t n) __attribute__((weak));
extern void *__interceptor_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *p, size_t n) __attribute__((weak));
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern const char __executable_start[], etext[]; /* this executable's code (the linker's) */

HOOK static void *real_malloc(size_t n)
{
	return __interceptor_malloc ? __interceptor_malloc(n) : __libc_malloc(n);
}

HOOK static void *real_calloc(size_t n, size_t size)
{
	return __interceptor_calloc ? __interceptor_calloc(n, size) : __libc_calloc(n, size);
}

HOOK static void *real_realloc(void *p, size_t n)
{
	return __interceptor_realloc ? __interceptor_realloc(p, n) : __libc_realloc(p, n);
}

HOOK static void push(struct words *w, uintptr_t v)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->v = real_realloc(w->v, (size_t)w->cap * sizeof *w->v);
		if (!w->v)
			abort();
	}
	w->v[w->n++] = v;
}

/* -- what Shapelib 1.5.0 and json-c 0.16 allocate without checking --
 *
 * Failing every allocation of a load, one at a time, found these (CBWALL_FAULTS_PROBE=1 lists
 * them again: see probe() below); each was then read in the library's source. They are not
 * failed, and counted apart ("unchecked" in the summary):
 *
 * Shapelib 1.5.0 (shpopen.c, dbfopen.c), each a NULL dereference inside Shapelib:
 *  - SHPOpenLL: its first three, the SHPInfo handle (calloc), the file name buffer and the
 *    100-byte header buffer (malloc). Its record index (panRecOffset, panRecSize and the .shx
 *    buffer, sized by the header's record count) is checked: "Not enough memory to allocate
 *    requested memory (nRecords=...)".
 *  - DBFOpenLL: all of them: the name buffer, the DBFInfo handle, the header buffers, the
 *    record buffer and the four field arrays (sizes from the .dbf header's 16-bit header and
 *    record lengths, so at most 64 KiB each).
 *  - SHPReadObject: the SHPObject itself (its first calloc after reading the record), and in a
 *    point file the four one-coordinate arrays of each point. The record buffer and the
 *    coordinate and part arrays of lines, polygons and multipoints are checked (NULL and a
 *    message, which the loader turns into "out of memory").
 * json-c 0.16 (json_tokener.c, json_object.c, linkhash.c):
 *  - json_tokener_parse_ex's copy of each object key (strdup, unchecked: json_object_object_add
 *    then takes strlen(NULL));
 *  - json_object_object_add_ex's copy of the key, and lh_table_new's allocations when
 *    lh_table_resize grows an object's table: they fail cleanly, but json_tokener_parse_ex
 *    ignores json_object_object_add's result and drops the member, so the parse "succeeds"
 *    with a key missing;
 *  - printbuf_memappend's growth of the tokener's text buffer (the realloc in the static
 *    printbuf_extend): json_tokener_parse_ex appends through printbuf_memappend_fast and
 *    ignores its failure, so a string or number comes out cut short.
 *    (json-c 0.17 checks all three: json_tokener_error_memory.)
 * Every other allocation of the libraries in a load is failed: Shapelib's checked ones above,
 * json-c's objects, strings, arrays, tokener and print buffers (a NULL from
 * json_tokener_parse_ex with no error set, which pr_json_parse reports as out of memory),
 * libc's (fopen's FILE, stdio buffers, locales for json-c, iconv's tables). */
struct range {
	const char *name;
	const char *lo, *hi; /* the function's code, from its symbol */
};
enum {
	R_SHPOPEN, R_DBFOPEN, R_SHPREAD, R_TOKENER, R_OBJADD, R_LHNEW, R_LHRESIZE, R_APPEND,
	NRANGES,
	R_JSONC = NRANGES /* all of libjson-c's code */
};
static struct range ranges[NRANGES + 1] = {
    {"SHPOpenLL", 0, 0},         {"DBFOpenLL", 0, 0},       {"SHPReadObject", 0, 0},
    {"json_tokener_parse_ex", 0, 0}, {"json_object_object_add_ex", 0, 0}, {"lh_table_new", 0, 0},
    {"lh_table_resize", 0, 0},   {"printbuf_memappend", 0, 0}, {"libjson-c", 0, 0},
};
enum kind { K_MALLOC, K_CALLOC, K_REALLOC };
static bool probing;             /* CBWALL_FAULTS_PROBE: the rules off, to find them again */
static bool point_file;          /* the .shp loaded holds points */
static long shpopen_allocs;      /* allocations SHPOpenLL made in this load */
static long shpread_callocs;     /* callocs SHPReadObject made since the last read */
static long unchecked_n;         /* unchecked allocations in this load */
static bool unwinding;

HOOK static bool in_range(int r, const void *ra)
{
	return (const char *)ra >= ranges[r].lo && (const char *)ra < ranges[r].hi;
}

/* Whether a caller up the stack is in range r: libgcc's unwinder, called directly (glibc's
 * backtrace would dlopen it in the middle of a load). */
struct unwind {
	int r, depth;
	bool found;
};

HOOK static _Unwind_Reason_Code unwind_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct unwind *u = arg;
	u->found = in_range(u->r, (const void *)_Unwind_GetIP(ctx));
	return u->found || ++u->depth > 12 ? _URC_END_OF_STACK : _URC_NO_REASON;
}

HOOK static bool called_from(int r)
{
	struct unwind u = {r, 0, false};
	unwinding = true;
	_Unwind_Backtrace(unwind_frame, &u);
	unwinding = false;
	return u.found;
}

HOOK static bool unchecked(const void *ra, enum kind kind)
{
	if (probing)
		return false;
	if (in_range(R_DBFOPEN, ra) || in_range(R_TOKENER, ra) || in_range(R_OBJADD, ra))
		return true;
	if (in_range(R_SHPOPEN, ra))
		return ++shpopen_allocs <= 3;
	if (in_range(R_SHPREAD, ra) && kind == K_CALLOC)
		return ++shpread_callocs == 1 || point_file;
	if (in_range(R_LHNEW, ra))
		return called_from(R_LHRESIZE);
	if (kind == K_REALLOC && in_range(R_JSONC, ra) && !in_range(R_APPEND, ra))
		return called_from(R_APPEND); /* from printbuf_extend, static */
	return false;
}

/* The executable segment of the library whose name holds ranges[r].name. */
static int find_lib(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct range *r = arg;
	if (!strstr(info->dlpi_name, r->name))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			r->lo = (const char *)(info->dlpi_addr + ph->p_vaddr);
			r->hi = r->lo + ph->p_memsz;
		}
	}
	return 1;
}

static void find_ranges(void)
{
	for (int r = 0; r < NRANGES; r++) {
		void *f = dlsym(RTLD_DEFAULT, ranges[r].name);
		Dl_info info;
		const ElfW(Sym) *sym = NULL;
		if (!f || !dladdr1(f, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym || !sym->st_size) {
			fprintf(stderr, "loader_faults: no %s in the libraries\n", ranges[r].name);
			exit(1);
		}
		ranges[r].lo = f;
		ranges[r].hi = (const char *)f + sym->st_size;
	}
	dl_iterate_phdr(find_lib, &ranges[R_JSONC]);
	if (!ranges[R_JSONC].lo) {
		fprintf(stderr, "loader_faults: libjson-c is not loaded\n");
		exit(1);
	}
	if (json_c_version_num() != (0 << 16 | 16 << 8))
		fprintf(stderr, "loader_faults: json-c is %s; the allocations left unfailed are those "
		        "json-c 0.16 does not check\n", json_c_version());
}

enum reach { REACH_ALL, REACH_OURS };
static enum reach reach;

/* An allocation called from ra: counted when armed (and within reach); true when it is the
 * one to fail. */
HOOK static bool alloc_fails(const void *ra, enum kind kind)
{
	if (!armed || unwinding)
		return false;
	if (reach == REACH_OURS ? !((const char *)ra >= __executable_start && (const char *)ra < etext)
	                        : unchecked(ra, kind)) {
		unchecked_n += reach == REACH_ALL;
		return false;
	}
	++alloc_n;
	if (recording)
		push(&callers, (uintptr_t)ra);
	if (alloc_n != fail_alloc_at)
		return false;
	errno = ENOMEM;
	return true;
}

HOOK void *malloc(size_t n)
{
	return alloc_fails(__builtin_return_address(0), K_MALLOC) ? NULL : real_malloc(n);
}

HOOK void *calloc(size_t n, size_t size)
{
	return alloc_fails(__builtin_return_address(0), K_CALLOC) ? NULL : real_calloc(n, size);
}

HOOK void *realloc(void *p, size_t n)
{
	return alloc_fails(__builtin_return_address(0), K_REALLOC) ? NULL : real_realloc(p, n);
}

HOOK static char *dup_n(const char *s, size_t n, const void *ra)
{
	size_t len = strnlen(s, n);
	char *d = alloc_fails(ra, K_MALLOC) ? NULL : real_malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

HOOK char *strdup(const char *s)
{
	return dup_n(s, SIZE_MAX, __builtin_return_address(0));
}

HOOK char *strndup(const char *s, size_t n)
{
	return dup_n(s, n, __builtin_return_address(0));
}

/* iconv_open (the attribute decoder) fails as if out of descriptors or memory; wrapped by the
 * linker (-Wl,--wrap), so only our calls come here. */
iconv_t __real_iconv_open(const char *to, const char *from);
iconv_t __wrap_iconv_open(const char *to, const char *from);

iconv_t __wrap_iconv_open(const char *to, const char *from)
{
	return alloc_fails(__builtin_return_address(0), K_MALLOC) ? (iconv_t)-1 : __real_iconv_open(to, from);
}

/* Counts a file operation on name; true when it is the one to fail. The normal load records
 * which operations are reads (the short-read pass tries only those). */
static bool io_fails(const char *name, bool is_read)
{
	if (!armed)
		return false;
	++io_n;
	if (recording && is_read)
		push(&reads, (uintptr_t)io_n);
	if (io_n != fail_io_at)
		return false;
	snprintf(io_failed_on, sizeof io_failed_on, "%s", name);
	return true;
}

/* The JSON loaders' stdio, wrapped by the linker. */
FILE *__real_fopen(const char *path, const char *mode);
int __real_fstat(int fd, struct stat *st);
size_t __real_fread(void *p, size_t size, size_t n, FILE *f);
FILE *__wrap_fopen(const char *path, const char *mode);
int __wrap_fstat(int fd, struct stat *st);
size_t __wrap_fread(void *p, size_t size, size_t n, FILE *f);

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
	struct tfile *t = real_malloc(sizeof *t);
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
	shpread_callocs = 0; /* unchecked(): SHPReadObject reads a record, then allocates */
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
	bool no_io;  /* makes no file operation while armed (the map cases) */
	bool points; /* a .shp of (single) points: see unchecked() */
};

static void arm(long alloc_at, long io_at, bool short_read)
{
	alloc_n = io_n = 0;
	reach = REACH_ALL;
	shpopen_allocs = shpread_callocs = unchecked_n = 0;
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
	point_file = ld->points;
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

/* -- the map: the layer added to a map, live values joined, the first draw, hit-testing --
 *
 * Set up unarmed: the layer loaded, a map holding one layer already (three points drawn as a
 * heat map), a 480x270 surface. Armed, counting only our allocations: ly_map_add_layer with
 * labels, a legend and quantile classes, ly_map_set_values on the layer's first field,
 * ly_map_draw (fast strokes: the coverage buffers too), ly_hit at five points. A step that
 * fails must name the layer's file and say "memory", and leave the map as it was: after
 * that, the steps from the failed one on, unarmed, must give exactly the normal map. ly_hit
 * has no error to give: out of memory for its index it finds nothing (ly_map.h). */
enum { MAP_W = 480, MAP_H = 270, MAP_HITS = 5 };

struct map_case {
	struct ly_map *map;
	cairo_surface_t *surf;
	struct ly_style style;
	char keys[5][64];
	int nkeys;
	struct ly_hit_result hit[MAP_HITS];
};

static struct {
	uint64_t digest;
	struct ly_hit_result hit[MAP_HITS];
} map_reference;

static struct rd_theme map_theme;

/* The pixels, labels, legend and statistics of the last draw. */
static uint64_t map_digest(struct map_case *mc)
{
	uint64_t h = 14695981039346656037u;
	cairo_surface_flush(mc->surf);
	const unsigned char *px = cairo_image_surface_get_data(mc->surf);
	int stride = cairo_image_surface_get_stride(mc->surf);
	h = fnv(h, px, (size_t)stride * MAP_H);
	struct ly_map_stats st;
	ly_map_stats(mc->map, &st);
	st.static_renders = 0;
	h = fnv(h, &st, sizeof st);
	int n = ly_map_label_count(mc->map), nl = ly_map_layer_count(mc->map);
	h = fnv(h, &n, sizeof n);
	h = fnv(h, &nl, sizeof nl);
	for (int i = 0; i < n; i++) {
		struct ly_label_info li;
		ly_map_label(mc->map, i, &li);
		h = fnv_s(h, li.text);
		h = fnv(h, li.box, sizeof li.box);
	}
	double box[4] = {0};
	bool legend = ly_map_legend_box(mc->map, box);
	h = fnv(h, &legend, sizeof legend);
	return fnv(h, box, sizeof box);
}

enum map_step { STEP_ADD, STEP_VALUES, STEP_DRAW, STEP_DONE };

/* The steps from `from` on; false with err set (and *failed the step) when one fails. l is
 * the layer to add (taken). */
static bool map_steps(struct map_case *mc, struct ly_layer *l, enum map_step from, enum map_step *failed,
                      struct rd_err *err)
{
	*failed = from;
	if (from <= STEP_ADD) {
		if (ly_map_add_layer(mc->map, l, &mc->style, err) < 0)
			return false;
		ly_map_fit(mc->map, MAP_W, MAP_H, 8);
	}
	*failed = STEP_VALUES;
	if (from <= STEP_VALUES) {
		const char *keys[5];
		double values[5];
		for (int i = 0; i < mc->nkeys; i++)
			keys[i] = mc->keys[i], values[i] = 10 * (i + 1);
		if (!ly_map_set_values(mc->map, 1, keys, values, mc->nkeys, NULL, err))
			return false;
	}
	*failed = STEP_DRAW;
	cairo_t *cr = cairo_create(mc->surf);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_set_source_rgba(cr, 0, 0, 0, 0);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	bool ok = ly_map_draw(mc->map, cr, &map_theme, 0, err);
	cairo_destroy(cr);
	if (!ok)
		return false;
	*failed = STEP_DONE;
	/* the middle first: the index is built by the first */
	static const double at[MAP_HITS][2] = {{0.5, 0.5}, {0.3, 0.4}, {0.7, 0.6}, {0.4, 0.7}, {0.6, 0.3}};
	for (int i = 0; i < MAP_HITS; i++)
		mc->hit[i] = ly_hit(mc->map, MAP_W * at[i][0], MAP_H * at[i][1]);
	return true;
}

static bool run_map(const struct loader *ld, bool reference, bool alloc_fault, struct tally *t)
{
	(void)alloc_fault;
	bool was_armed = armed;
	armed = false;
	struct rd_err err = {{0}};
	struct ly_layer *l = ly_layer_load(ld->input, NULL, &err);
	if (!l) {
		bad("cannot load the layer: %s", err.msg);
		exit(1);
	}
	struct map_case mc = {.map = ly_map_new(LY_PROJ_MERCATOR)};
	ly_map_set_fast_strokes(mc.map, true);
	static const double lon[3] = {117.2, 117.3, 116.9}, lat[3] = {31.8, 31.9, 31.7};
	struct ly_style heat;
	ly_style_default(&heat);
	heat.heat = true;
	heat.heat_radius = 30;
	if (ly_map_add_layer(mc.map, ly_layer_new_points("base", 3, lon, lat, NULL), &heat, &err) != 0) {
		bad("cannot add the base layer: %s", err.msg);
		exit(1);
	}
	ly_style_default(&mc.style);
	snprintf(mc.style.label_field, sizeof mc.style.label_field, "%s", ly_layer_field_name(l, 1));
	snprintf(mc.style.join_field, sizeof mc.style.join_field, "%s", ly_layer_field_name(l, 0));
	mc.style.classify = LY_CLASSIFY_QUANTILE;
	mc.style.classes = 5;
	mc.style.legend = true;
	for (int f = 0; f < ly_layer_count(l) && mc.nkeys < 5; f++)
		snprintf(mc.keys[mc.nkeys++], sizeof mc.keys[0], "%s", ly_layer_attr(l, f, 0));
	mc.surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, MAP_W, MAP_H);

	armed = was_armed;
	reach = REACH_OURS;
	enum map_step failed;
	bool ok = map_steps(&mc, l, STEP_ADD, &failed, &err);
	disarm();
	if (reference) {
		if (!ok) {
			bad("the normal map failed: %s", err.msg);
			exit(1);
		}
		map_reference.digest = map_digest(&mc);
		memcpy(map_reference.hit, mc.hit, sizeof mc.hit);
	} else {
		/* ly_hit: the normal answer, or nothing when its index could not be built */
		bool missed = false;
		for (int i = 0; ok && i < MAP_HITS; i++) {
			if (mc.hit[i].layer == map_reference.hit[i].layer && mc.hit[i].feature == map_reference.hit[i].feature)
				continue;
			if (mc.hit[i].layer != -1 || mc.hit[i].feature != -1)
				bad("ly_hit %d gave layer %d feature %d, not the normal answer or nothing", i, mc.hit[i].layer,
				    mc.hit[i].feature);
			missed = true;
		}
		if (ok && !missed) {
			if (map_digest(&mc) != map_reference.digest)
				bad("a map with a fault succeeded with a different picture");
			t->absorbed++;
		} else {
			if (!ok) {
				/* the base layer's heat grid names the base layer */
				check_message(err.msg, strncmp(err.msg, "base:", 5) ? ld->name : "base", true);
				int want = failed == STEP_ADD ? 1 : 2;
				if (ly_map_layer_count(mc.map) != want)
					bad("after a failed %s the map has %d layers, not %d",
					    failed == STEP_ADD ? "ly_map_add_layer" : failed == STEP_VALUES ? "ly_map_set_values" : "draw",
					    ly_map_layer_count(mc.map), want);
			}
			t->refused++;
			/* the map is as it was: the rest, unarmed, gives the normal map */
			struct ly_layer *again = failed == STEP_ADD ? ly_layer_load(ld->input, NULL, &err) : NULL;
			if (!map_steps(&mc, again, ok ? STEP_DRAW : failed, &failed, &err))
				bad("the map failed again without a fault: %s", err.msg);
			else if (map_digest(&mc) != map_reference.digest ||
			         memcmp(mc.hit, map_reference.hit, sizeof mc.hit) != 0)
				bad("the map left by a failed step does not give the normal one any more");
		}
	}
	cairo_surface_destroy(mc.surf);
	ly_map_free(mc.map);
	return ok;
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

/* "libc.so.6 _IO_file_doallocate+0x8c": where the normal load's k-th allocation was made. */
static const char *caller_name(long k)
{
	static char buf[200];
	Dl_info di = {0};
	const void *ra = k >= 1 && k <= callers.n ? (const void *)callers.v[k - 1] : NULL;
	if (!ra || !dladdr(ra, &di)) {
		snprintf(buf, sizeof buf, "?");
		return buf;
	}
	const char *lib = di.dli_fname ? strrchr(di.dli_fname, '/') : NULL;
	snprintf(buf, sizeof buf, "%s %s+0x%lx", lib ? lib + 1 : "?", di.dli_sname ? di.dli_sname : "?",
	         (unsigned long)((const char *)ra - (const char *)(di.dli_sname ? di.dli_saddr : di.dli_fbase)));
	return buf;
}

/* After a run that completed with the normal result: the allocation k that failed (0: a
 * file operation) */
static void absorbed_note(long k)
{
	if (verbose)
		fprintf(stderr, "absorbed: %s%s%s\n", current, k ? "" : " on ", k ? "" : io_failed_on);
}

struct counts {
	long n_alloc, n_unchecked, n_io, n_reads, runs;
	struct tally alloc, io, io_short;
};

static void leak_check(const char *what)
{
	if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check())
		bad("LSan found leaks after the sweeps of %s (stacks above)", what);
}

/* CBWALL_FAULTS_PROBE=1: with the rules of unchecked() off, fails each allocation of the
 * normal load in a child process and lists those after which the child crashed or a check
 * failed, by caller (function+offset in its library): how the list above was made, and how
 * to make it again for another Shapelib or json-c. */
static void probe(const struct loader *ld, long n)
{
	for (long k = 1; k <= n; k++) {
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid == 0) {
			struct tally t = {0};
			arm(k, 0, false);
			ld->run(ld, false, true, &t);
			_exit(failures ? 3 : 0);
		}
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			perror("loader_faults: fork");
			exit(1);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		printf("probe: %s %s: allocation %ld of %ld from %s: %s\n", ld->what, ld->name, k, n, caller_name(k),
		       WIFEXITED(st) && WEXITSTATUS(st) == 3 ? "a check failed" : "crashed");
	}
}

static struct counts sweep(const struct loader *ld)
{
	struct counts c = {0};
	snprintf(current, sizeof current, "%s %s, normal load", ld->what, ld->input);
	/* once unarmed first: what the process sets up on first use (iconv's modules, stdio)
	 * is not counted as part of every load */
	ld->run(ld, true, false, NULL);
	arm(0, 0, false);
	reads.n = callers.n = 0;
	recording = true;
	ld->run(ld, true, false, NULL);
	recording = false;
	c.n_alloc = alloc_n;
	c.n_unchecked = unchecked_n;
	c.n_io = io_n;
	c.n_reads = reads.n;
	if (!c.n_alloc || (!c.n_io && !ld->no_io))
		bad("the normal load made %ld allocations and %ld file operations: the hooks do not "
		    "reach it (built with _FORTIFY_SOURCE or another libc?)", c.n_alloc, c.n_io);
	if (probing) {
		probe(ld, c.n_alloc);
		return c;
	}
	for (long i = 0; i < sweep_count(c.n_alloc, ld->samples); i++) {
		long k = sweep_k(i, c.n_alloc, ld->samples);
		snprintf(current, sizeof current, "%s %s, allocation %ld of %ld failed (from %s)", ld->what,
		         ld->input, k, c.n_alloc, caller_name(k));
		arm(k, 0, false);
		long before = c.alloc.absorbed;
		ld->run(ld, false, true, &c.alloc);
		c.runs++;
		if (c.alloc.absorbed > before)
			absorbed_note(k);
	}
	/* every operation failed, then every read short */
	for (int mode = 0; mode < 2; mode++) {
		long n = mode ? c.n_reads : c.n_io;
		for (long i = 0; i < sweep_count(n, ld->samples); i++) {
			long j = sweep_k(i, n, ld->samples), k = mode ? (long)reads.v[j - 1] : j;
			snprintf(current, sizeof current, "%s %s, file operation %ld of %ld %s", ld->what,
			         ld->input, k, c.n_io, mode ? "read short" : "failed");
			arm(0, k, mode == 1);
			struct tally *t = mode ? &c.io_short : &c.io;
			long before = t->absorbed;
			ld->run(ld, false, false, t);
			c.runs++;
			if (t->absorbed > before)
				absorbed_note(0);
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

/* Whether a .shp holds single points (SHPT_POINT, POINTZ, POINTM): unchecked(). */
static bool shp_points(const char *path)
{
	int type = 0;
	SHPHandle h = SHPOpen(path, "rb");
	if (h) {
		SHPGetInfo(h, NULL, &type, NULL, NULL);
		SHPClose(h);
	}
	return type == SHPT_POINT || type == SHPT_POINTZ || type == SHPT_POINTM;
}

int main(int argc, char **argv)
{
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	find_ranges();
	rd_theme_default(&map_theme);
	sweep_all = getenv("CBWALL_FAULTS_ALL") && atoi(getenv("CBWALL_FAULTS_ALL"));
	probing = getenv("CBWALL_FAULTS_PROBE") && atoi(getenv("CBWALL_FAULTS_PROBE"));
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
	scene_reference = real_malloc(sizeof *scene_reference);
	scene_out = real_malloc(sizeof *scene_out);
	scene_zero = real_calloc(1, sizeof *scene_zero);
	if (!scene_reference || !scene_out || !scene_zero)
		return 1;

	/* every k for all but the big layers: k tried in a load, in a map */
	static const struct {
		const char *name;
		int samples, map_samples;
	} layers[] = {
	    {"hefei_districts", 0, 0},    {"chizhou_districts_gbk", 0, 0}, {"anhui_district_seats", 0, 0},
	    {"anhui_city_borders", 0, 0}, {"anhui_cities", 0, 40},         {"anhui_districts", 100, 16},
	    {"world_countries_10m", 24, 4},
	};
	enum { NLAYERS = sizeof layers / sizeof layers[0] };
	static char shp_in[NLAYERS + 2][800];
	struct loader loaders[2 * NLAYERS + 13];
	int n = 0;
	for (int i = 0; i < NLAYERS; i++) {
		snprintf(shp_in[i], sizeof shp_in[i], "%s/assets/gis/%s.shp", data, layers[i].name);
		loaders[n++] = (struct loader){"shapefile", shp_in[i], layers[i].name, run_shp, layers[i].samples,
		                               .points = shp_points(shp_in[i])};
	}
	snprintf(shp_in[NLAYERS], sizeof shp_in[0], "%s.shp", merc);
	loaders[n++] = (struct loader){"shapefile", shp_in[NLAYERS], "merc_split", run_shp, .samples = 0};
	snprintf(shp_in[NLAYERS + 1], sizeof shp_in[0], "%s.shp", gbk);
	loaders[n++] = (struct loader){"shapefile", shp_in[NLAYERS + 1], "chizhou_nocpg", run_shp, .samples = 0};
	loaders[n++] = (struct loader){"theme", "dark", "dark.json", run_theme, .samples = 0};
	loaders[n++] = (struct loader){"theme", "high-contrast", "high-contrast.json", run_theme, .samples = 0};
	loaders[n++] = (struct loader){"scene", "city", "city.json", run_scene, .samples = 0};
	loaders[n++] = (struct loader){"scene", "governance", "governance.json", run_scene, .samples = 0};
	loaders[n++] = (struct loader){"scene", "industry", "industry.json", run_scene, .samples = 0};
	loaders[n++] = (struct loader){"scene", "duty", "duty.json", run_scene, .samples = 0};
	loaders[n++] = (struct loader){"playlist", "default", "default.json", run_playlist, .samples = 0};
	static char config_in[700];
	snprintf(config_in, sizeof config_in, "%s/config/cbwall.json", data);
	loaders[n++] = (struct loader){"config", config_in, "cbwall.json", run_config, .samples = 0};
	loaders[n++] = (struct loader){"language", "en", "en.json", run_i18n, .samples = 0};
	/* the maps last: Pango and fontconfig start up in the first draw */
	for (int i = 0; i < NLAYERS; i++)
		loaders[n++] = (struct loader){"map", shp_in[i], layers[i].name, run_map, layers[i].map_samples, .no_io = true};
	loaders[n++] = (struct loader){"map", shp_in[NLAYERS], "merc_split", run_map, 0, .no_io = true};

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
		double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (loaders[i].no_io)
			printf("%-9s %-22s N=%-5ld allocations: %ld refused, %ld absorbed%s (%.1f s)\n", loaders[i].what,
			       loaders[i].name, c.n_alloc, c.alloc.refused, c.alloc.absorbed, sampled ? " (sampled)" : "",
			       secs);
		else
			printf("%-9s %-22s N=%-5ld allocations (+%ld unchecked): %ld refused, %ld absorbed; M=%-4ld "
			       "file ops failed: %ld refused, %ld absorbed; %ld reads short: %ld refused, %ld absorbed%s "
			       "(%.1f s)\n",
			       loaders[i].what, loaders[i].name, c.n_alloc, c.n_unchecked, c.alloc.refused,
			       c.alloc.absorbed, c.n_io, c.io.refused, c.io.absorbed, c.n_reads, c.io_short.refused,
			       c.io_short.absorbed, sampled ? " (sampled)" : "", secs);
		fflush(stdout);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loader_faults: %d inputs, %ld loads in %.1f s; %s\n", swept, total_runs,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       failures ? "FAILED" : "no crash, no leak, every failure named its file, nothing half-built");

	json_object_put(lang_file);
	free(reads.v);
	free(callers.v);
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
