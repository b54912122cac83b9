/*
 * assign.c - who may take, hand over and release a case; see assign.h.  The rule is kept
 * in this one file so the command line and both screens cannot differ; the store writes
 * the change (model/store/cases.c, case_assign).
 */
#include "workflow/assign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/users.h"

int cw_may_hold(unsigned roles)
{
	return (roles & (CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR)) != 0;
}

int cw_may_hand_over(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor->roles & CD_ROLE_SUPERVISOR)
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED,
			    _("only a supervisor hands a case over; you can take an unassigned case or release "
			      "your own"));
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int cw_assign_rule(const struct cd_actor *actor, enum cw_assign_want want, const char *number, const char *holder,
		   const char *to, unsigned to_roles, enum cw_assign_kind *kind, struct cd_error *err)
{
	char roles[64];

	*kind = CW_ASSIGN_KEEP;
	if (want == CW_WANT_ME) {
		to = actor->name;
		to_roles = actor->roles;
	} else if (want == CW_WANT_NONE) {
		to = NULL;
	}
	if (same(holder, to))
		return CD_OK;
	if (!to) {
		/* Release: the holder lets go of their own, a supervisor of anyone's. */
		if (strcmp(holder, actor->name) != 0 && !(actor->roles & CD_ROLE_SUPERVISOR))
			return cd_error_set(err, CD_EREFUSED,
					    _("case %s is held by %s; only they or a supervisor may release it"), number,
					    holder);
		*kind = CW_ASSIGN_RELEASE;
		return CD_OK;
	}
	if (strcmp(to, actor->name) == 0 && holder && want == CW_WANT_ME)
		return cd_error_set(err, CD_EREFUSED,
				    _("case %s is held by %s; a supervisor can hand it over"), number, holder);
	if (strcmp(to, actor->name) == 0 && !holder) {
		if (!cw_may_hold(actor->roles)) {
			cd_roles_format(actor->roles, roles, sizeof roles);
			return cd_error_set(err, CD_EREFUSED,
					    _("you hold no caseworker or supervisor role (yours: %s), so you cannot "
					      "take a case"), roles);
		}
		*kind = CW_ASSIGN_TAKE;
		return CD_OK;
	}
	/* Anything else gives the case to someone by name: a supervisor's hand-over. */
	if (!(actor->roles & CD_ROLE_SUPERVISOR)) {
		if (holder && strcmp(holder, actor->name) != 0)
			return cd_error_set(err, CD_EREFUSED,
					    _("case %s is held by %s; a supervisor can hand it over"), number, holder);
		return cw_may_hand_over(actor, err);
	}
	if (!cw_may_hold(to_roles)) {
		cd_roles_format(to_roles, roles, sizeof roles);
		return cd_error_set(err, CD_EREFUSED,
				    _("%s cannot hold a case (roles: %s); hand it to a caseworker or a supervisor"), to,
				    roles);
	}
	*kind = CW_ASSIGN_HANDOVER;
	return CD_OK;
}

int cw_case_assign(struct cd_store *s, const struct cd_actor *actor, const char *number, enum cw_assign_want want,
		   const char *to, int64_t expected_version, enum cw_assign_kind *kind,
		   struct cd_case_assigned *out, struct cd_error *err)
{
	struct cd_case *c = NULL;
	struct cd_user *users = NULL;
	size_t n_users = 0;
	unsigned to_roles = 0;
	int rc;

	*kind = CW_ASSIGN_KEEP;
	memset(out, 0, sizeof *out);
	/* Need-to-know first: the model refuses a case outside the actor's workflows. */
	if ((rc = case_load(s, actor, number, NULL, &c, err)))
		return rc;
	if (c->closed_at) {
		rc = cd_error_set(err, CD_EREFUSED, _("case %s is closed; nobody takes it any more"), c->number);
		goto out;
	}
	struct cd_case_assign in = {
		.number = c->number,
		.expected_version = expected_version ? expected_version : c->row_version,
	};
	if (expected_version && expected_version != c->row_version) {
		/* Let the store say who changed it since. */
		in.assignee = c->assignee;
		rc = case_assign(s, actor, &in, out, err);
		goto out;
	}
	if (want == CW_WANT_USER) {
		int found = 0;
		if (!to || !*to) {
			rc = cd_error_set(err, CD_EUSAGE, _("say whom to hand the case to: a user name"));
			goto out;
		}
		if ((rc = user_list(s, &users, &n_users, err)))
			goto out;
		for (size_t i = 0; i < n_users; i++)
			if (strcmp(users[i].name, to) == 0) {
				found = 1;
				to_roles = users[i].roles;
			}
		if (!found) {
			rc = cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store; `casedesk user list` shows them"),
					  to);
			goto out;
		}
	}
	if ((rc = cw_assign_rule(actor, want, c->number, c->assignee, to, to_roles, kind, err)))
		goto out;
	in.assignee = want == CW_WANT_ME ? actor->name : want == CW_WANT_NONE ? NULL : to;
	if ((rc = case_assign(s, actor, &in, out, err)))
		*kind = CW_ASSIGN_KEEP;
out:
	user_list_free(users, n_users);
	case_free(c);
	return rc;
}

int cw_assign_new_case(struct cd_store *s, const struct cd_actor *actor, const char *workflow_id, const char *to,
		       struct cd_error *err)
{
	struct cd_user *users = NULL;
	size_t n_users = 0;
	enum cw_assign_kind kind;
	unsigned to_roles = 0;
	int rc, found = 0;

	if ((rc = user_list(s, &users, &n_users, err)))
		return rc;
	for (size_t i = 0; i < n_users; i++)
		if (strcmp(users[i].name, to) == 0) {
			found = 1;
			to_roles = users[i].roles;
		}
	if (!found)
		rc = cd_error_set(err, CD_ENOTFOUND, _("no user %s in this store; `casedesk user list` shows them"), to);
	else
		/* Nobody holds a new case: the opener's own name is a take, anyone else's a hand-over. */
		rc = cw_assign_rule(actor, strcmp(to, actor->name) == 0 ? CW_WANT_ME : CW_WANT_USER, workflow_id, NULL,
				    to, to_roles, &kind, err);
	user_list_free(users, n_users);
	return rc;
}

const char *cw_opener_holds(const struct cd_actor *actor, const char *workflow_id)
{
	return cw_may_hold(actor->roles) && cd_workflows_include(actor->workflows, workflow_id) ? actor->name : NULL;
}

int cw_assign_candidates(struct cd_store *s, const char *workflow_id, const char *holder, char ***names,
			 size_t *n, struct cd_error *err)
{
	struct cd_user *users = NULL;
	size_t n_users = 0, count = 0;
	char **out = NULL;
	int rc;

	*names = NULL;
	*n = 0;
	if ((rc = user_list(s, &users, &n_users, err)))
		return rc;
	if (n_users && !(out = calloc(n_users, sizeof *out))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n_users; i++) {
		const struct cd_user *u = &users[i];
		if (!u->active || !cw_may_hold(u->roles) || !u->workflows || !cd_workflows_include(u->workflows, workflow_id) ||
		    (holder && strcmp(holder, u->name) == 0))
			continue;
		if (!(out[count] = strdup(u->name))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		count++;
	}
	*names = out;
	*n = count;
	out = NULL;
	count = 0;
out:
	cw_assign_candidates_free(out, count);
	user_list_free(users, n_users);
	return rc;
}

void cw_assign_candidates_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

void cw_assign_said(enum cw_assign_kind kind, const struct cd_case_assigned *a, char *buf, size_t size)
{
	switch (kind) {
	case CW_ASSIGN_TAKE:
		snprintf(buf, size, _("%s: taken by %s (version %lld)"), a->number, a->after, (long long)a->row_version);
		return;
	case CW_ASSIGN_HANDOVER:
		if (a->before[0])
			snprintf(buf, size, _("%s: handed over from %s to %s (version %lld)"), a->number, a->before,
				 a->after, (long long)a->row_version);
		else
			snprintf(buf, size, _("%s: handed to %s (version %lld)"), a->number, a->after,
				 (long long)a->row_version);
		return;
	case CW_ASSIGN_RELEASE:
		snprintf(buf, size, _("%s: released (it was held by %s); nobody has taken it now (version %lld)"),
			 a->number, a->before, (long long)a->row_version);
		return;
	case CW_ASSIGN_KEEP:
		break;
	}
	if (a->after[0])
		snprintf(buf, size, _("%s: %s holds it already; nothing changed"), a->number, a->after);
	else
		snprintf(buf, size, _("%s: nobody has taken it; nothing changed"), a->number);
}

void cw_assign_event_text(const char *user, const char *old, const char *new_holder, char *buf, size_t size)
{
	if (!old && new_holder && user && strcmp(user, new_holder) == 0)
		snprintf(buf, size, "%s", _("took the case"));
	else if (!old && new_holder)
		snprintf(buf, size, _("handed the case to %s"), new_holder);
	else if (old && new_holder)
		snprintf(buf, size, _("handed the case over from %s to %s"), old, new_holder);
	else if (old && user && strcmp(user, old) == 0)
		snprintf(buf, size, "%s", _("released the case"));
	else
		snprintf(buf, size, _("released the case (held by %s)"), old ? old : "?");
}
