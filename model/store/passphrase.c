/*
 * passphrase.c - the field kit's door: passphrases, failures counted in the store, locks;
 * see passphrase.h.  The hashing itself is model/base/kdf.c.
 */
#include "model/store/passphrase.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model/base/i18n.h"
#include "model/base/kdf.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"

int kit_store_is(struct cd_store *s, int *kit, struct cd_error *err)
{
	char v[16];
	int found = st_setting_read(s, "kit", v, sizeof v, err);

	*kit = found > 0 && strcmp(v, "1") == 0;
	return found < 0 ? CD_ESTORE : CD_OK;
}

static int lock_minutes(struct cd_store *s, long *minutes, struct cd_error *err)
{
	char v[32], *end;
	int found = st_setting_read(s, "kit_lock_minutes", v, sizeof v, err);

	*minutes = KIT_LOCK_MINUTES_DEFAULT;
	if (found < 0)
		return CD_ESTORE;
	if (found) {
		long n = strtol(v, &end, 10);
		/* A setting someone broke by hand locks for the default, never for zero minutes. */
		if (!*end && n >= 1 && n <= 24 * 60)
			*minutes = n;
	}
	return CD_OK;
}

/* One user as the door sees it. */
struct door_user {
	int known;
	int64_t id;
	unsigned roles;
	char uuid[40];
	char hash[KDF_HASH_MAX];   /* empty: no passphrase set */
};

static int read_user(struct cd_store *s, const char *name, struct door_user *u, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(u, 0, sizeof *u);
	if ((rc = st_prepare(s, "SELECT id, roles, uuid, passphrase FROM users WHERE name = ?1",
			     &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading users"), err)) > 0) {
		const char *h = (const char *)sqlite3_column_text(st, 3);
		u->known = 1;
		u->id = sqlite3_column_int64(st, 0);
		u->roles = (unsigned)sqlite3_column_int(st, 1);
		snprintf(u->uuid, sizeof u->uuid, "%s", (const char *)sqlite3_column_text(st, 2));
		if (h)
			snprintf(u->hash, sizeof u->hash, "%s", h);
	}
	st_finish(s, st);
	return rc < 0 ? CD_ESTORE : CD_OK;
}

static int read_lock(struct cd_store *s, const char *name, int *failures, long long *until, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*failures = 0;
	*until = 0;
	if ((rc = st_prepare(s, "SELECT failures, locked_until FROM login_lock WHERE name = ?1", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading the passphrase locks"), err)) > 0) {
		*failures = sqlite3_column_int(st, 0);
		*until = sqlite3_column_int64(st, 1);
	}
	st_finish(s, st);
	return rc < 0 ? CD_ESTORE : CD_OK;
}

static int write_lock(struct cd_store *s, const char *name, int failures, long long until, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "INSERT OR REPLACE INTO login_lock(name, failures, locked_until) VALUES (?1, ?2, ?3)",
			    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, failures);
	sqlite3_bind_int64(st, 3, until);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("counting a failed passphrase"), err);
	st_finish(s, st);
	return rc;
}

static int clear_lock(struct cd_store *s, const char *name, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "DELETE FROM login_lock WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("clearing a passphrase lock"), err);
	st_finish(s, st);
	return rc;
}

static void local_time(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static int locked_error(const char *who, long long until, struct cd_error *err)
{
	char when[32];
	local_time(until, when, sizeof when);
	return cd_error_set(err, CD_EREFUSED,
			    _("%s is locked until %s after %d wrong passphrases in a row; wait, or ask an admin "
			      "to set a new passphrase (`casedesk user passphrase %s`)"),
			    who, when, KIT_FAILURES_LOCK, who);
}

int passphrase_login(struct cd_store *s, const char *name, const char *pass, struct cd_actor *out,
		     struct cd_error *err)
{
	struct door_user u;
	/* An unknown user is checked against this hash, so that the refusal takes as long. */
	char dummy[KDF_HASH_MAX];
	const char *who = user_name_valid(name) ? name : "?";
	struct cd_actor as = { 0 };
	long long until, now = (long long)time(NULL);
	long minutes;
	int failures, match = 0, rc;

	memset(out, 0, sizeof *out);
	snprintf(dummy, sizeof dummy, "scrypt$ln=%u,r=%u,p=%u$%032d$%064d", KDF_LOG2N_DEFAULT, KDF_R_DEFAULT,
		 KDF_P_DEFAULT, 0, 0);
	memset(&u, 0, sizeof u);
	if (who == name && (rc = read_user(s, name, &u, err)))
		return rc;
	if ((rc = read_lock(s, who, &failures, &until, err)) || (rc = lock_minutes(s, &minutes, err)))
		return rc;
	snprintf(as.name, sizeof as.name, "%s", who);
	as.user_id = u.id;
	if (until <= now) {
		/* Outside the write lock: scrypt is slow on purpose, other desks need not wait. */
		struct cd_error why = CD_ERROR_INIT;
		int vrc = kdf_verify(pass, strlen(pass), u.known && u.hash[0] ? u.hash : dummy, &match, &why);
		if (vrc == CD_EINTERNAL)
			return cd_error_set(err, vrc, "%s", why.msg);
		/* A stored hash nobody can read (written by hand) opens nothing. */
		match = vrc == CD_OK && match && u.known && u.hash[0];
	}
	if ((rc = store_begin(s, err)))
		return rc;
	/* Again under the write lock: another process may have locked the name meanwhile. */
	if ((rc = read_lock(s, who, &failures, &until, err)))
		goto out;
	if (until > now) {
		if ((rc = store_add_audit(s, &as, "login_refused", "user", u.known ? u.uuid : NULL, "locked", err)) ||
		    (rc = store_commit(s, err)))
			goto out;
		return locked_error(who, until, err);
	}
	if (match) {
		if ((rc = clear_lock(s, who, err)) || (rc = store_commit(s, err)))
			goto out;
		/* The whole actor, the workflows of need-to-know included (users.h). */
		return user_by_name(s, name, out, err);
	}
	failures++;
	until = 0;
	if (failures >= KIT_FAILURES_LOCK) {
		until = now + (long long)minutes * 60;
		failures = 0;
	}
	if ((rc = write_lock(s, who, failures, until, err)) ||
	    (rc = store_add_audit(s, &as, "login_failed", "user", u.known ? u.uuid : NULL, "wrong passphrase", err)) ||
	    (until && (rc = store_add_audit(s, &as, "lock", "user", u.known ? u.uuid : NULL,
					    "five wrong passphrases in a row", err))) ||
	    (rc = store_commit(s, err)))
		goto out;
	if (until) {
		char when[32];
		local_time(until, when, sizeof when);
		return cd_error_set(err, CD_EREFUSED,
				    _("wrong user name or passphrase; %s is now locked until %s after %d wrong "
				      "passphrases in a row"),
				    who, when, KIT_FAILURES_LOCK);
	}
	return cd_error_set(err, CD_EREFUSED, _("wrong user name or passphrase"));
out:
	store_rollback(s);
	return rc;
}

int passphrase_acceptable(const char *name, const char *pass, struct cd_error *err)
{
	size_t bytes = strlen(pass), chars = 0;

	for (const unsigned char *p = (const unsigned char *)pass; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return cd_error_set(err, CD_EINPUT, _("a passphrase cannot hold control characters"));
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	if (chars < PASSPHRASE_MIN_CHARS)
		return cd_error_set(err, CD_EINPUT,
				    _("a passphrase needs at least %d characters; a few words are easier to remember "
				      "than a short password"), PASSPHRASE_MIN_CHARS);
	if (bytes > PASSPHRASE_MAX_BYTES)
		return cd_error_set(err, CD_EINPUT, _("a passphrase may have at most %d bytes"), PASSPHRASE_MAX_BYTES);
	if (strcasecmp(pass, name) == 0)
		return cd_error_set(err, CD_EINPUT, _("the user name cannot be its own passphrase"));
	return CD_OK;
}

/* Writes the hash of `pass` as `name`'s passphrase inside the caller's transaction; its uuid out. */
static int store_hash(struct cd_store *s, const char *name, const char *pass, char *uuid, size_t size,
		      struct cd_error *err)
{
	struct kdf_params p;
	struct door_user u;
	char hash[KDF_HASH_MAX];
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = read_user(s, name, &u, err)))
		return rc;
	if (!u.known)
		return cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store"), name);
	snprintf(uuid, size, "%s", u.uuid);
	kdf_params_default(&p);
	if ((rc = kdf_hash(pass, strlen(pass), &p, hash, sizeof hash, err)))
		return rc;
	if ((rc = st_prepare(s, "UPDATE users SET passphrase = ?1 WHERE id = ?2", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, u.id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("setting a passphrase"), err);
out:
	st_finish(s, st);
	OPENSSL_cleanse(hash, sizeof hash);
	return rc;
}

int passphrase_set(struct cd_store *s, const struct cd_actor *actor, const char *name, const char *pass,
		   struct cd_error *err)
{
	char uuid[40];
	int self = strcmp(actor->name, name) == 0, rc;

	if (!self && !(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED,
				    _("only an admin may set another user's passphrase; %s is not one"), actor->name);
	if ((rc = passphrase_acceptable(name, pass, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	/* A new passphrase set by an admin is the way out of a lock. */
	if ((rc = store_hash(s, name, pass, uuid, sizeof uuid, err)) || (rc = clear_lock(s, name, err)) ||
	    (rc = store_add_audit(s, actor, "change", "user", uuid,
				  self ? "passphrase changed by its user" : "passphrase set by an admin", err)))
		goto out;
	return store_commit(s, err);
out:
	store_rollback(s);
	return rc;
}

int kit_enable(struct cd_store *s, const struct cd_actor *actor, int minutes, struct cd_error *err)
{
	struct door_user u;
	char num[16];
	int rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may make this store a field kit; %s is not one"),
				    actor->name);
	if (store_is_training(s))
		return cd_error_set(err, CD_EUSAGE,
				    _("a training store cannot be a field kit: its users have no passphrases"));
	if (minutes < 0 || minutes > 24 * 60)
		return cd_error_set(err, CD_EINPUT, _("--lock-minutes: give a whole number from 1 to 1440"));
	if ((rc = read_user(s, actor->name, &u, err)))
		return rc;
	if (!u.hash[0])
		return cd_error_set(err, CD_EREFUSED,
				    _("set your own passphrase first (`casedesk user passphrase %s`): on a field kit "
				      "nobody acts without one"), actor->name);
	if ((rc = store_begin(s, err)))
		return rc;
	snprintf(num, sizeof num, "%d", minutes);
	if ((rc = st_setting_write(s, "kit", "1", err)) ||
	    (minutes > 0 && (rc = st_setting_write(s, "kit_lock_minutes", num, err))) ||
	    (rc = store_add_audit(s, actor, "change", "settings", NULL, "made a field kit", err)))
		goto out;
	return store_commit(s, err);
out:
	store_rollback(s);
	return rc;
}

int kit_init(struct cd_store *s, const char *admin, const char *pass, struct cd_error *err)
{
	struct door_user u;
	struct cd_actor actor = { 0 };
	char uuid[40];
	int rc;

	if ((rc = passphrase_acceptable(admin, pass, err)) || (rc = read_user(s, admin, &u, err)))
		return rc;
	if (!u.known || !(u.roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EINTERNAL, _("the new store has no admin %s"), admin);
	actor.user_id = u.id;
	actor.roles = u.roles;
	snprintf(actor.name, sizeof actor.name, "%s", admin);
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = store_hash(s, admin, pass, uuid, sizeof uuid, err)) || (rc = st_setting_write(s, "kit", "1", err)) ||
	    (rc = store_add_audit(s, &actor, "change", "settings", NULL, "made a field kit", err)) ||
	    (rc = store_add_audit(s, &actor, "change", "user", uuid, "passphrase set at init", err)))
		goto out;
	return store_commit(s, err);
out:
	store_rollback(s);
	return rc;
}
