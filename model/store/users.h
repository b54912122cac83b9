/*
 * users.h - who may act in a store.  On a real store a person is the OS account they are
 * logged in as (thin clients ssh into the office server with their own accounts), mapped
 * to a casedesk user; a training store has one user per role and lets --user choose.
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
	int active;
};

/* Adds a user; only an admin may.  os_account NULL on a real store means "same as name". */
int user_add(struct cd_store *s, const struct cd_actor *actor, const char *name, unsigned roles,
	     const char *os_account, struct cd_error *err);

/*
 * Resolves who acts.  `requested` is --user (or CASEDESK_USER): honoured on a training
 * store, refused with CD_EUSAGE on a real one.  Without it the OS account decides.
 */
int user_resolve(struct cd_store *s, const char *requested, struct cd_actor *out, struct cd_error *err);

int user_list(struct cd_store *s, struct cd_user **out, size_t *n, struct cd_error *err);
void user_list_free(struct cd_user *users, size_t n);

/* Names of users are identifiers, not personal data: [a-z][a-z0-9._-]{1,31}. */
int user_name_valid(const char *name);

#endif
