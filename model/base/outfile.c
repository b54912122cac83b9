/*
 * outfile.c - the creation of files with personal data (see outfile.h for the rules).
 * Every step that touches the file system by name (open, mkstemp, rename, unlink) runs
 * with the user's ids when casedesk is setgid, so the group never lends its rights to a
 * path the user chose.
 */
#define _GNU_SOURCE  /* mkostemp */
#include "model/base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

static int as_user(unsigned flags)
{
	return flags & OUTFILE_OFFICE ? 0 : privilege_as_user();
}

static void as_before(unsigned flags)
{
	if (!(flags & OUTFILE_OFFICE))
		privilege_restore();
}

static int cannot(const char *path, int e, struct cd_error *err)
{
	return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(e));
}

/* What stands at path decides: nothing (go), a regular file (only with --force), else refuse. */
static int check_target(const char *path, unsigned flags, struct cd_error *err)
{
	struct stat sb;
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return CD_OK;
		return cannot(path, errno, err);
	}
	if (S_ISLNK(sb.st_mode))
		return cd_error_set(err, CD_EREFUSED,
				    _("%s is a symbolic link; casedesk never writes through one (not even with "
				      "--force): remove it or choose another file"), path);
	if (!S_ISREG(sb.st_mode))
		return cd_error_set(err, CD_EREFUSED, _("%s exists and is not a regular file; choose another file"),
				    path);
	if (!(flags & OUTFILE_FORCE))
		return cd_error_set(err, CD_EUSAGE, _("%s already exists; add --force to replace it"), path);
	return CD_OK;
}

int outfile_check(const char *path, unsigned flags, struct cd_error *err)
{
	int rc;
	if (as_user(flags) != 0)
		return cannot(path, errno, err);
	rc = check_target(path, flags, err);
	as_before(flags);
	return rc;
}

int outfile_open(struct outfile *o, const char *path, unsigned flags, struct cd_error *err)
{
	int rc = CD_OK, e;

	o->fd = -1;
	o->f = NULL;
	o->flags = flags;
	o->tmp[0] = '\0';
	o->made = 0;
	if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path)
		return cannot(path, ENAMETOOLONG, err);
	if (as_user(flags) != 0)
		return cannot(path, errno, err);
	if (!(flags & OUTFILE_FORCE)) {
		o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		e = errno;
		if (o->fd < 0)
			rc = e == EEXIST ? check_target(path, flags, err) : cannot(path, e, err);
		/* check_target says CD_OK only if the file vanished meanwhile: still not ours. */
		if (o->fd < 0 && rc == CD_OK)
			rc = cannot(path, EEXIST, err);
	} else if ((rc = check_target(path, flags, err)) == CD_OK) {
		/* The temporary sits beside the target so that rename() is atomic; hidden by its dot. */
		const char *slash = strrchr(path, '/');
		int dir_len = slash ? (int)(slash - path + 1) : 0;
		if (snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.XXXXXX", dir_len, path, slash ? slash + 1 : path) >=
		    (int)sizeof o->tmp) {
			rc = cannot(path, ENAMETOOLONG, err);
		} else if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) < 0) {
			rc = cannot(path, errno, err);
			o->tmp[0] = '\0';
		}
	}
	o->made = o->fd >= 0;
	/* 0600 exactly, whatever the umask took away or left. */
	if (rc == CD_OK && fchmod(o->fd, 0600) != 0)
		rc = cannot(path, errno, err);
	as_before(flags);
	if (rc != CD_OK)
		outfile_abandon(o);
	return rc;
}

FILE *outfile_stream(struct outfile *o, struct cd_error *err)
{
	if (!o->f && !(o->f = fdopen(o->fd, "w")))
		cannot(o->path, errno, err);
	return o->f;
}

int outfile_write(struct outfile *o, const void *data, size_t n, struct cd_error *err)
{
	const char *p = data;
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return cannot(o->path, w < 0 ? errno : EIO, err);
		p += w;
		n -= (size_t)w;
	}
	return CD_OK;
}

int outfile_close(struct outfile *o, struct cd_error *err)
{
	int rc = CD_OK, e = 0;

	if (o->f) {
		if (fflush(o->f) != 0 && !e)
			e = errno;
	}
	if (fsync(o->fd) != 0 && errno != EINVAL && !e)
		e = errno;
	if (o->f ? fclose(o->f) != 0 : close(o->fd) != 0) {
		if (!e)
			e = errno;
	}
	o->f = NULL;
	o->fd = -1;
	if (e) {
		rc = cannot(o->path, e, err);
		goto out;
	}
	if (o->tmp[0]) {
		if (as_user(o->flags) != 0) {
			rc = cannot(o->path, errno, err);
			goto out;
		}
		/* rename() replaces a link planted since the check instead of following it. */
		if (rename(o->tmp, o->path) != 0)
			rc = cannot(o->path, errno, err);
		else
			o->tmp[0] = '\0';
		as_before(o->flags);
	}
	if (rc == CD_OK)
		o->made = 0;
out:
	if (rc != CD_OK)
		outfile_abandon(o);
	return rc;
}

void outfile_abandon(struct outfile *o)
{
	const char *made = o->tmp[0] ? o->tmp : o->path;
	if (o->f)
		fclose(o->f);
	else if (o->fd >= 0)
		close(o->fd);
	o->f = NULL;
	o->fd = -1;
	if (o->made && made[0] && as_user(o->flags) == 0) {
		unlink(made);
		as_before(o->flags);
	}
	o->made = 0;
	o->tmp[0] = '\0';
}

int outfile_save(const char *path, unsigned flags, const void *data, size_t n, struct cd_error *err)
{
	struct outfile o = OUTFILE_INIT;
	int rc = outfile_open(&o, path, flags, err);
	if (rc != CD_OK)
		return rc;
	if ((rc = outfile_write(&o, data, n, err)) != CD_OK) {
		outfile_abandon(&o);
		return rc;
	}
	return outfile_close(&o, err);
}

int outfile_copy(const char *path, unsigned flags, const char *from, struct cd_error *err)
{
	struct outfile o = OUTFILE_INIT;
	char chunk[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;
	ssize_t n;

	if (in < 0)
		return cd_error_set(err, CD_EINTERNAL, _("cannot read back %s: %s"), from, strerror(errno));
	if ((rc = outfile_open(&o, path, flags, err)) != CD_OK)
		goto out;
	while ((n = read(in, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = cd_error_set(err, CD_EINTERNAL, _("cannot read back %s: %s"), from, strerror(errno));
			break;
		}
		if ((rc = outfile_write(&o, chunk, (size_t)n, err)) != CD_OK)
			break;
	}
	if (rc == CD_OK)
		rc = outfile_close(&o, err);
	else
		outfile_abandon(&o);
out:
	close(in);
	return rc;
}
