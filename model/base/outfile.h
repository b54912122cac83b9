/*
 * outfile.h - every file casedesk writes with personal data is created here, so that one
 * place holds the rules (issue 12 item 10, issue 14 item 5):
 *  - mode 0600 whatever the umask, created with O_CREAT|O_EXCL|O_NOFOLLOW: an existing file
 *    is never replaced and a symbolic link is never followed;
 *  - with OUTFILE_FORCE an existing regular file is replaced, by writing a temporary file in
 *    the same folder and renaming it over the target (a reader never sees half a file, and
 *    rename replaces a link planted meanwhile instead of writing through it); a symbolic link
 *    or anything but a regular file at the target is still refused;
 *  - created with the user's own ids when casedesk runs setgid (model/base/privilege.h),
 *    unless OUTFILE_OFFICE says the file belongs to the office (forms printed on a move,
 *    into the store's own folder);
 *  - a failure says the path and the reason in words.
 * Exit codes: an existing file without --force is CD_EUSAGE (2), a link or a special file
 * CD_EREFUSED (4), a path that cannot be written CD_EINPUT (6).
 */
#ifndef CD_OUTFILE_H
#define CD_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "model/base/error.h"

enum {
	OUTFILE_FORCE = 1,    /* --force: replace an existing regular file */
	OUTFILE_OFFICE = 2,   /* written with casedesk's group, not the user's ids */
};

struct outfile {
	int fd;
	FILE *f;              /* outfile_stream() */
	unsigned flags;
	char path[4096];      /* the target */
	char tmp[4096];       /* with OUTFILE_FORCE: the temporary file renamed over it */
	int made;             /* a file was created that a failure must remove */
};

#define OUTFILE_INIT { -1, NULL, 0, "", "", 0 }

/* Creates the file (or with OUTFILE_FORCE its temporary) for writing; o->fd is open. */
int outfile_open(struct outfile *o, const char *path, unsigned flags, struct cd_error *err);
/* A stdio stream on the file, owned by o (closed by outfile_close / outfile_abandon). */
FILE *outfile_stream(struct outfile *o, struct cd_error *err);
/* Writes all of data. */
int outfile_write(struct outfile *o, const void *data, size_t n, struct cd_error *err);
/* Flushes, syncs and closes; with OUTFILE_FORCE renames into place.  On failure nothing is left. */
int outfile_close(struct outfile *o, struct cd_error *err);
/* Closes and removes what outfile_open made (after a failure on the way). */
void outfile_abandon(struct outfile *o);

/* One call: the whole of data into path. */
int outfile_save(const char *path, unsigned flags, const void *data, size_t n, struct cd_error *err);
/* One call: a copy of the file `from` (which casedesk made itself) into path. */
int outfile_copy(const char *path, unsigned flags, const char *from, struct cd_error *err);

/*
 * Checks that path may be written, before work is spent producing it: CD_OK when nothing is
 * there (or, with OUTFILE_FORCE, a regular file is); the same codes as outfile_open.
 */
int outfile_check(const char *path, unsigned flags, struct cd_error *err);

#endif
