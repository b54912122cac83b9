/*
 * passphrase.h - field kits: one OS account shared by several casedesk users, where the OS
 * account proves nothing and a passphrase is the only door.
 *
 * A store is a kit store by its `kit` setting (made so by `init --kit` or `store set-kit`).
 * There every command that acts names its user (--user or CASEDESK_USER) and gives that
 * user's passphrase, checked here: scrypt hashes (model/base/kdf.h) in users.passphrase;
 * failures counted in the store (table login_lock, per name typed, whether or not such a
 * user exists) so that no process can reset them; five in a row lock the name for the
 * kit_lock_minutes setting.  Every failure and every lock is an audit row.  A wrong
 * passphrase, an unknown user and a user with no passphrase get the same refusal after
 * the same work, so the door does not say who exists.
 */
#ifndef CD_PASSPHRASE_H
#define CD_PASSPHRASE_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* Failures in a row that lock a name; the lock's default length. */
#define KIT_FAILURES_LOCK 5
#define KIT_LOCK_MINUTES_DEFAULT 15
/* What a passphrase must be: at least this many characters (not bytes), at most this many bytes. */
#define PASSPHRASE_MIN_CHARS 10
#define PASSPHRASE_MAX_BYTES 1024

/* *kit 1 when the store is a field kit's. */
int kit_store_is(struct cd_store *s, int *kit, struct cd_error *err);

/*
 * Makes a store a kit store: only an admin may, on a real (not training) store, and only
 * an admin who has a passphrase (or nobody could act afterwards).  lock_minutes > 0 sets
 * kit_lock_minutes as well.  Audited.
 */
int kit_enable(struct cd_store *s, const struct cd_actor *actor, int lock_minutes, struct cd_error *err);

/*
 * `init --kit`: the store just made, its first admin `admin`: sets the admin's passphrase
 * and the kit setting in one transaction.  Audited.
 */
int kit_init(struct cd_store *s, const char *admin, const char *pass, struct cd_error *err);

/* CD_OK when `pass` may be `name`'s passphrase; CD_EINPUT saying why not (never echoing it). */
int passphrase_acceptable(const char *name, const char *pass, struct cd_error *err);

/*
 * Sets `name`'s passphrase: the user themself (who, on a kit, has just given the old one to
 * act at all) or an admin resetting it, which also lifts a lock on the name.  Audited.
 */
int passphrase_set(struct cd_store *s, const struct cd_actor *actor, const char *name, const char *pass,
		   struct cd_error *err);

/*
 * The door: CD_OK with *out the user when `pass` is `name`'s passphrase and the name is not
 * locked; CD_EREFUSED otherwise ("wrong user name or passphrase", or "locked until HH:MM"),
 * the same for a user that does not exist.  CD_ESTORE when the store could not be read or
 * the failure could not be counted (then nobody gets in either).
 */
int passphrase_login(struct cd_store *s, const char *name, const char *pass, struct cd_actor *out,
		     struct cd_error *err);

#endif
