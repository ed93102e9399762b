/* Failed allocations and I/O errors in the ack outbox (docs/testing.md, "Fault injection").
 *
 * A normal run of open + add + record(DONE) + close is counted: N SQLite allocations
 * (sqlite3_config(SQLITE_CONFIG_MALLOC) wrapping SQLite's own allocator) and M file writes,
 * syncs and truncates (a VFS that wraps the default one). Then for every k in 1..N the k-th
 * allocation fails, and for every k in 1..M the k-th write/sync fails (SQLITE_IOERR), in a
 * fresh outbox each time. Each run must: not crash (ASan/UBSan), return false with a message
 * from the call that failed, and lose nothing it confirmed: reopened without faults, an add
 * that returned true is there with its key, a record that returned true is DONE.
 * The outbox's own small allocations abort on out-of-memory by design (docs/architecture.md);
 * this covers SQLite's, which the outbox does handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cw_outbox.h"

static sqlite3_mem_methods real_mem;
static long alloc_n, io_n, fail_alloc_at, fail_io_at;
static int failures;

static bool alloc_fails(void)
{
	return ++alloc_n == fail_alloc_at;
}

static void *f_malloc(int n)
{
	return alloc_fails() ? NULL : real_mem.xMalloc(n);
}
static void *f_realloc(void *p, int n)
{
	return alloc_fails() ? NULL : real_mem.xRealloc(p, n);
}

/* ---- a VFS whose files fail the k-th write, sync or truncate -------------------------- */
static sqlite3_vfs *real_vfs, fault_vfs;

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct */
};

static bool io_fails(void)
{
	return ++io_n == fail_io_at;
}

#define REAL(f) (((struct ffile *)(f))->real)
static int x_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int x_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int x_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return io_fails() ? SQLITE_IOERR_WRITE : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	return io_fails() ? SQLITE_IOERR_TRUNCATE : REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int x_sync(sqlite3_file *f, int flags)
{
	return io_fails() ? SQLITE_IOERR_FSYNC : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int x_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int x_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int x_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int x_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int x_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int x_dev(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int x_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int x_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void x_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int x_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods fault_io = {
    2,        x_close, x_read,   x_write, x_truncate, x_sync,      x_size,     x_lock,
    x_unlock, x_check, x_fcntl,  x_sector, x_dev,      x_shmmap,   x_shmlock, x_shmbarrier,
    x_shmunmap, NULL,  NULL};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	struct ffile *ff = (struct ffile *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = rc == SQLITE_OK ? &fault_io : NULL;
	return rc;
}

static void install_vfs(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs = *real_vfs;
	fault_vfs.zName = "faults";
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	fault_vfs.xOpen = x_open;
	fault_vfs.pNext = NULL;
	sqlite3_vfs_register(&fault_vfs, 1);
}

/* ---- the sequence ------------------------------------------------------------------- */

struct result {
	bool opened, added, recorded;
	char key[40];
	int64_t id;
};

static void bad(const char *what, long k, const char *msg)
{
	fprintf(stderr, "FAIL: %s fault %ld: %s\n", what, k, msg);
	failures++;
}

static struct result sequence(const char *path, const char *what, long k)
{
	struct result r = {0};
	struct rd_err err = {0};
	struct cw_outbox *ob = cw_outbox_open(path, &err);
	if (!ob) {
		if (!err.msg[0])
			bad(what, k, "cw_outbox_open failed without a message");
		return r;
	}
	r.opened = true;
	struct cw_ack a;
	int64_t now = (int64_t)time(NULL); /* settled rows older than 30 days are purged at open */
	memset(&err, 0, sizeof err);
	if (cw_outbox_add(ob, "AL00000042", "已通知属地", "0123456789abcdef", now, &a, &err)) {
		r.added = true;
		snprintf(r.key, sizeof r.key, "%s", a.key);
		r.id = a.id;
		cw_ack_judge(&a, 200, "{}", 2, NULL, now * 1000, 1000, 60000);
		memset(&err, 0, sizeof err);
		if (cw_outbox_record(ob, &a, now, &err))
			r.recorded = true;
		else if (!err.msg[0])
			bad(what, k, "cw_outbox_record failed without a message");
	} else if (!err.msg[0]) {
		bad(what, k, "cw_outbox_add failed without a message");
	}
	cw_outbox_close(ob);
	return r;
}

/* Reopened without faults: what the sequence confirmed is there. */
static void verify(const char *path, const char *what, long k, const struct result *r)
{
	struct rd_err err = {0};
	struct cw_outbox *ob = cw_outbox_open(path, &err);
	if (!ob) {
		if (r->added)
			bad(what, k, "the outbox with a confirmed ack cannot be reopened");
		return;
	}
	struct cw_ack a;
	if (r->added) {
		if (!cw_outbox_get(ob, r->id, &a, &err) || strcmp(a.key, r->key) != 0)
			bad(what, k, "an ack cw_outbox_add confirmed is lost");
		else if (r->recorded && a.state != CW_ACK_DONE)
			bad(what, k, "a record cw_outbox_record confirmed is lost");
	}
	cw_outbox_close(ob);
}

static void clean(const char *path)
{
	char p[700];
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
}

int main(void)
{
	sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
	sqlite3_mem_methods m = real_mem;
	m.xMalloc = f_malloc;
	m.xRealloc = f_realloc;
	sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
	install_vfs();
	const char *out = getenv("TEST_OUT") ? getenv("TEST_OUT") : "/tmp";
	char dir[600], path[700];
	snprintf(dir, sizeof dir, "%s/outbox_faults_%d", out, (int)getpid());
	mkdir(out, 0755);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/outbox.db", dir);

	/* a normal run, counted (sqlite3_initialize's own allocations happen before) */
	sqlite3_initialize();
	clean(path);
	alloc_n = io_n = 0;
	struct result r = sequence(path, "none", 0);
	long n_alloc = alloc_n, n_io = io_n;
	if (!r.recorded) {
		fprintf(stderr, "FAIL: the normal run failed\n");
		return 1;
	}
	long confirmed = 0, refused = 0;
	for (long k = 1; k <= n_alloc; k++) {
		clean(path);
		alloc_n = io_n = 0;
		fail_alloc_at = k;
		r = sequence(path, "allocation", k);
		fail_alloc_at = 0;
		verify(path, "allocation", k, &r);
		confirmed += r.recorded;
		refused += !r.recorded;
	}
	long io_confirmed = 0, io_refused = 0;
	for (long k = 1; k <= n_io; k++) {
		clean(path);
		alloc_n = io_n = 0;
		fail_io_at = k;
		r = sequence(path, "I/O", k);
		fail_io_at = 0;
		verify(path, "I/O", k, &r);
		io_confirmed += r.recorded;
		io_refused += !r.recorded;
	}
	clean(path);
	rmdir(dir);
	printf("outbox_faults: %ld SQLite allocations and %ld writes/syncs in a normal run; "
	       "failing each allocation: %ld runs completed anyway (SQLite recovered), %ld "
	       "reported an error; failing each write/sync: %ld completed, %ld reported an error; "
	       "no crash, nothing confirmed was lost\n",
	       n_alloc, n_io, confirmed, refused, io_confirmed, io_refused);
	return failures ? 1 : 0;
}
