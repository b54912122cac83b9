/*
 * vfs_fail.c - a test shim, never part of casedesk: loaded with LD_PRELOAD into the real
 * binary, it wraps the default SQLite VFS and fails the Nth read of a store file (the main
 * database or its WAL) with SQLITE_IOERR_READ, so that tests can check that a read error in
 * the middle of a query reaches the person as a store error (exit 7), never as a short list
 * or "not found" (issue 11).
 *
 *   CASEDESK_FAIL_READ=N        fail the Nth read (1-based); unset or 0: fail nothing
 *   CASEDESK_READ_COUNT=FILE    at exit, write how many reads there were (to pick N)
 *
 * Memory-mapped reads would bypass xRead: xFetch hands out no mapping, so every page is read.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;          /* the default VFS's file, allocated right after */
	int counted;                 /* main database or WAL */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static long fail_at, reads;

#define REAL(f) (((struct shim_file *)(f))->real)

static int x_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	if (((struct shim_file *)f)->counted && ++reads == fail_at)
		return SQLITE_IOERR_READ;
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 size) { return REAL(f)->pMethods->xTruncate(REAL(f), size); }
static int x_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int x_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int x_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int x_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int x_check(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int x_control(sqlite3_file *f, int op, void *arg)
{
	if (op == SQLITE_FCNTL_MMAP_SIZE) {
		/* No mapping: reads must go through xRead to be counted. */
		if (arg && *(sqlite3_int64 *)arg > 0)
			*(sqlite3_int64 *)arg = 0;
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int x_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int x_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int x_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int x_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void x_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int x_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int x_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	(void)f; (void)off; (void)n;
	*pp = NULL;
	return SQLITE_OK;
}
static int x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f; (void)off; (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods shim_io = {
	3, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock, x_unlock, x_check, x_control,
	x_sector, x_dev, x_shm_map, x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch,
};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct shim_file *s = (struct shim_file *)f;
	(void)vfs;
	s->real = (sqlite3_file *)(s + 1);
	s->counted = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
	int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	s->base.pMethods = rc == SQLITE_OK && s->real->pMethods ? &shim_io : NULL;
	return rc;
}

static void write_count(void)
{
	const char *path = getenv("CASEDESK_READ_COUNT");
	FILE *f;
	if (path && *path && (f = fopen(path, "w"))) {
		fprintf(f, "%ld\n", reads);
		fclose(f);
	}
}

__attribute__((constructor)) static void shim_init(void)
{
	const char *n = getenv("CASEDESK_FAIL_READ");
	fail_at = n ? strtol(n, NULL, 10) : 0;
	if (sqlite3_initialize() != SQLITE_OK || !(real_vfs = sqlite3_vfs_find(NULL)))
		return;
	shim_vfs = *real_vfs;
	shim_vfs.zName = "casedesk-fail-read";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = x_open;
	sqlite3_vfs_register(&shim_vfs, 1);
	atexit(write_count);
}
