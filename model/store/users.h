/*
 * users.h - who may act in a store.  On a real store a person is the OS account they are
 * logged in as (thin clients ssh into the office server with their own accounts), mapped
 * to a casedesk user; a training store has one user per role and lets --user choose.
 *
 * Need-to-know: a user holds roles and the workflows they work on.  Who a person is
 * (names, birth, nationality, documents) every user may see, to find and de-duplicate
 * people; a case's fields, history and forms only a user whose workflows include the
 * case's (model/store/cases.c enforces it for every front-end).  A supervisor may read
 * another case with a typed purpose, "breaking the glass": allowed, audited, and listed
 * for an admin's review (user_glass_list).
 */
#ifndef CD_USERS_H
#define CD_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct cd_user {
	int64_t id;
	char *name;
	char *os_account;  /* NULL on training users */
	unsigned roles;
	char *workflows;   /* stored form (roles.h): "*", "" or "asylum,visa" */
	int active;
};

/*
 * Adds a user; only an admin may.  os_account NULL on a real store means "same as name".
 * `workflows` as typed ("asylum,visa", "all", "none"); NULL is none: a new user reads no
 * case until an admin says which workflows they work on.
 */
int user_add(struct cd_store *s, const struct cd_actor *actor, const char *name, unsigned roles,
	     const char *os_account, const char *workflows, struct cd_error *err);

/*
 * Changes a user's roles (0: keep) and workflows (as typed; NULL: keep); only an admin
 * may, and it is audited.  Roles given replace the user's roles.  An admin cannot take
 * admin away from themselves, nor from the last active admin (the store would be left with
 * no one to manage it).
 */
int user_set(struct cd_store *s, const struct cd_actor *actor, const char *name, unsigned roles,
	     const char *workflows, struct cd_error *err);

/*
 * Disables (active 0) or enables a user; only an admin may, audited.  A disabled user keeps
 * their history but cannot act: every way of resolving who acts refuses them, saying an
 * admin can enable them.  No admin disables themselves or the last active admin.
 */
int user_set_active(struct cd_store *s, const struct cd_actor *actor, const char *name, int active,
		    struct cd_error *err);

/*
 * Resolves who acts.  `requested` is --user (or CASEDESK_USER): honoured on a training
 * store, refused with CD_EUSAGE on a real one.  Without it the OS account decides.
 */
int user_resolve(struct cd_store *s, const char *requested, struct cd_actor *out, struct cd_error *err);
/*
 * The active user called `name` (a disabled one is refused, CD_EREFUSED), roles and workflows filled, whatever the store's kind: for
 * callers that proved who acts some other way (a field kit's passphrase, the store's first
 * admin at init).  CD_ENOTFOUND naming the name.
 */
int user_by_name(struct cd_store *s, const char *name, struct cd_actor *out, struct cd_error *err);

int user_list(struct cd_store *s, struct cd_user **out, size_t *n, struct cd_error *err);
void user_list_free(struct cd_user *users, size_t n);

/* Reads of cases outside a supervisor's workflows, newest first (admins only). */
struct cd_glass {
	int64_t id;
	char *at, *user, *case_number, *purpose, *reviewed_by, *reviewed_at;
};
int user_glass_list(struct cd_store *s, const struct cd_actor *actor, int include_reviewed,
		    struct cd_glass **out, size_t *n, struct cd_error *err);
void user_glass_list_free(struct cd_glass *rows, size_t n);
/* Marks a break-glass read reviewed by this admin (audited). */
int user_glass_review(struct cd_store *s, const struct cd_actor *actor, int64_t id, struct cd_error *err);

/* Names of users are identifiers, not personal data: [a-z][a-z0-9._-]{1,31}. */
int user_name_valid(const char *name);

#endif
