/*
 * assign.h - who holds a case, and the one rule of who may change that: take (to me),
 * hand over (to a named user) and release (to nobody).  The CLI (`case assign`), the
 * worklist and the case screen all come through here, so the rule is the same wherever
 * it is used; the store (model/store/cases.h, case_assign) writes the change with its
 * event and audit row and keeps need-to-know and the row version.
 *
 * The rule:
 *  - a case is held by a caseworker or a supervisor (the roles that work its steps);
 *  - anyone who may hold cases takes an unassigned case of their workflows;
 *  - only a supervisor hands a case over (to anyone who may hold it, themselves too);
 *    an admin role alone gives no such right: admins keep the system, not the casework;
 *  - the holder releases their own case, and a supervisor releases anyone's;
 *  - taking a case someone else holds is refused, naming who holds it.
 */
#ifndef CD_ASSIGN_H
#define CD_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/cases.h"
#include "model/store/store.h"

/* What the user asked for: the case to me (a, --me), to a named user (h, NAME), to nobody (r, --none). */
enum cw_assign_want { CW_WANT_ME, CW_WANT_USER, CW_WANT_NONE };

/* What a permitted change is. */
enum cw_assign_kind { CW_ASSIGN_KEEP, CW_ASSIGN_TAKE, CW_ASSIGN_HANDOVER, CW_ASSIGN_RELEASE };

/* 1 when a user with `roles` (CD_ROLE_* bits) may hold a case: caseworker or supervisor. */
int cw_may_hold(unsigned roles);

/* CD_OK when the actor may hand cases over (a supervisor); CD_EREFUSED saying who may. */
int cw_may_hand_over(const struct cd_actor *actor, struct cd_error *err);

/*
 * The rule itself, on facts already read: the case `number` held by `holder` (NULL:
 * nobody) is to go to `to` (NULL: nobody), whose roles are `to_roles`.  CD_OK with *kind,
 * or CD_EREFUSED with a message that says who may instead.
 */
int cw_assign_rule(const struct cd_actor *actor, enum cw_assign_want want, const char *number, const char *holder,
		   const char *to, unsigned to_roles, enum cw_assign_kind *kind, struct cd_error *err);

/*
 * Applies the rule to the stored case and writes the change (case_assign).  `to` is the
 * user's name for CW_WANT_USER and ignored otherwise.  expected_version: the version the
 * user saw (0: the version read now); a case changed since is CD_ECONFLICT naming who
 * changed it.  *out says what the case holds now; *kind what happened.
 */
int cw_case_assign(struct cd_store *s, const struct cd_actor *actor, const char *number, enum cw_assign_want want,
		   const char *to, int64_t expected_version, enum cw_assign_kind *kind,
		   struct cd_case_assigned *out, struct cd_error *err);

/*
 * A new case of `workflow_id` given to `to` at opening (`case new --assign`): the same rule
 * as for a case nobody holds yet - the opener takes it (a caseworker or supervisor), or a
 * supervisor hands it to someone who may hold it.  CD_OK, CD_ENOTFOUND for no such user,
 * CD_EREFUSED with the rule's message.  The store checks the account is active and works
 * on the workflow (case_create).
 */
int cw_assign_new_case(struct cd_store *s, const struct cd_actor *actor, const char *workflow_id, const char *to,
		       struct cd_error *err);

/*
 * Who holds a case the actor opens on a screen: the actor when the rule lets them hold a
 * case of `workflow_id` (caseworker or supervisor working on it), else NULL (unassigned,
 * for a caseworker to take).
 */
const char *cw_opener_holds(const struct cd_actor *actor, const char *workflow_id);

/*
 * The users a case of workflow `workflow_id` may be handed to, by name: active, able to
 * hold cases, working on that workflow; `holder` (NULL: none) left out.  free with
 * cw_assign_candidates_free.
 */
int cw_assign_candidates(struct cd_store *s, const char *workflow_id, const char *holder, char ***names,
			 size_t *n, struct cd_error *err);
void cw_assign_candidates_free(char **names, size_t n);

/* What a change did, as one sentence for the message line and the command line. */
void cw_assign_said(enum cw_assign_kind kind, const struct cd_case_assigned *a, char *buf, size_t size);

/* A history event of kind "assigned" (done by `user`, holder `old` -> `new`, NULL: nobody), in words. */
void cw_assign_event_text(const char *user, const char *old, const char *new_holder, char *buf, size_t size);

#endif
