/*
 * workflows.h - the workflow versions installed in a store: the only rules a store
 * applies.  An admin installs a version (`casedesk workflow install`, and `init` installs
 * what the package ships); nothing read at run time from a folder or an environment
 * variable changes them.  A version, once installed, never changes its rules: the text
 * may only be replaced by one whose rules are the same (new translations), which the
 * caller (workflow/casework.c, which can parse a file) decides.  Every install is audited.
 */
#ifndef CD_WORKFLOWS_H
#define CD_WORKFLOWS_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/store.h"

/*
 * Installs `text` as workflow `id` version `version`; `replace` replaces the text of an
 * installed version (the caller has checked that only translations differ).  Only an
 * admin may: CD_EREFUSED otherwise.  An audit row names the version.
 */
int workflow_put(struct cd_store *s, const struct cd_actor *actor, const char *id, int version,
		 const char *text, int replace, struct cd_error *err);

struct cd_wf_installed {
	char *id;
	int version;
	char *text;
};

/* The newest installed version of every workflow, by id. */
int workflow_installed(struct cd_store *s, struct cd_wf_installed **out, size_t *n, struct cd_error *err);
void workflow_installed_free(struct cd_wf_installed *rows, size_t n);

/* The newest installed version of `id`; CD_ENOTFOUND naming `workflow install` when none. */
int workflow_newest(struct cd_store *s, const char *id, int *version, struct cd_error *err);

#endif
