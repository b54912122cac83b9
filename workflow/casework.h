/*
 * casework.h - the steps a person takes on a case, with the workflow's rules applied:
 * the glue between the engine (workflow.h, pure rules) and the store (model/).  The CLI
 * and the TUI both come through here, so a rule holds the same wherever it is used.
 */
#ifndef CD_CASEWORK_H
#define CD_CASEWORK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/store/cases.h"
#include "model/store/checks.h"
#include "model/base/error.h"
#include "model/store/store.h"
#include "workflow/workflow.h"

/*
 * The workflows a store runs and the older versions running cases still use.  The rules
 * a store applies come only from the versions an admin installed into it (see
 * model/store/workflows.h): registry_open reads them; a registry read from files
 * (registry_load) serves lint, tools and titles, and even then a case's step and a new
 * case use the store's installed text.
 */
struct wf_registry;

/* The newest installed version of every workflow in the store. */
int registry_open(struct cd_store *s, struct wf_registry **out, struct cd_error *err);
/* Loads every *.ini of `dir`; any broken file fails the load with file:line. */
int registry_load(const char *dir, struct wf_registry **out, struct cd_error *err);

enum registry_installed {
	REGISTRY_INSTALLED,     /* a new version */
	REGISTRY_TRANSLATED,    /* the same rules with other translations: the text replaced */
	REGISTRY_UNCHANGED,     /* installed already, the same text */
};

/*
 * Installs one workflow file into the store: admin only; lint first (problems go to
 * `report`, nothing is installed); a version installed already with other rules is
 * refused (raise `version`).  An audited event.
 */
int registry_install(struct cd_store *s, const struct cd_actor *actor, const char *path,
		     const struct wf_known *known, FILE *report, enum registry_installed *done,
		     struct cd_error *err);
/* Installs every *.ini of `dir` (what `init` and `demo` do with data/workflows). */
int registry_install_dir(struct cd_store *s, const struct cd_actor *actor, const char *dir,
			 struct cd_error *err);
void registry_free(struct wf_registry *reg);
size_t registry_count(const struct wf_registry *reg);
const struct workflow *registry_at(const struct wf_registry *reg, size_t i);
/* The current definition of a workflow id, or NULL. */
const struct workflow *registry_current(const struct wf_registry *reg, const char *id);
/* The definition a case runs on: its own version, kept in the store. */
int registry_for_case(struct wf_registry *reg, struct cd_store *s, const char *id, int version,
		      const struct workflow **out, struct cd_error *err);
/*
 * Titles and labels of every workflow, current and kept, in `lang` ("ru") where the files
 * translate them (see wf_localize); NULL or "en": as written.  Nothing but the text
 * users read changes.
 */
void registry_set_lang(struct wf_registry *reg, const char *lang);
/* The forms known to lint (data/forms/index.ini). */
const struct wf_known *registry_known(const struct wf_registry *reg);

/* Opens a case of workflow `workflow_id` for a person; number_out gets RP-TBS-2026-000123. */
int cw_case_new(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		const char *workflow_id, const char *person_ref, const char *assignee,
		char number_out[40], struct cd_error *err);
/* The same, as of day `today` and instant `at` (demo history). */
int cw_case_new_at(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		   const char *workflow_id, const char *person_ref, const char *assignee,
		   long today, const char *at, char number_out[40], struct cd_error *err);

struct cw_move {
	const char *number;
	const char *transition;
	const struct wf_value *values;
	size_t n_values;
	const char *note;
	int64_t expected_version;     /* 0: the version read now */
	const char *at;               /* NULL: now (demo history passes its own) */
	long today;                   /* -1: the store's today */
};

/* Takes one step if the workflow allows it for this actor now; see wf_check for refusals. */
int cw_case_move(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		 const struct cw_move *mv, int64_t *new_version, struct cd_error *err);

struct cw_option {
	const struct wf_transition *t;
	int allowed;                  /* role and guards hold now (fields are asked when taken) */
	char reason[CD_ERRMSG_MAX];   /* why not, when not */
};

/* The transitions out of the case's state, each with whether this actor may take it now. */
int cw_case_options(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		    const struct cd_case *c, struct cw_option **out, size_t *n, struct cd_error *err);

/* ---- checks against other registers (model/store/checks.h) ----------------------------- */

/*
 * Records an answer (`result` clear or hit, an optional note) for one of the lists the
 * case's workflow names (`checks =` in its file); see checks_record for who may and when.
 */
int cw_check_record(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const char *number,
		    const char *list, const char *result, const char *note, struct cd_error *err);
/* The same with the source and time the demo gives its history. */
int cw_check_record_at(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		       const char *number, const char *list, const char *result, const char *note,
		       const char *source, const char *at, struct cd_error *err);
/* A supervisor clears the hit on `list` with a reason; see checks_clear. */
int cw_check_clear(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor, const char *number,
		   const char *list, const char *reason, struct cd_error *err);

/* One list of a case: required by its workflow, or answered though the workflow names it not. */
struct cw_check {
	const char *list;
	int required;
	enum wf_check_answer answer;
	const struct cd_check *row;    /* the newest answer; NULL: none */
};

struct cw_checks {
	struct cw_check *v;            /* the workflow's lists in its order, then others by name */
	size_t n;
	size_t outstanding;            /* required lists with no answer or an uncleared hit */
	struct cd_check *rows;
	size_t n_rows;
};

/*
 * The case's lists with their answers.  A purpose audits the read ("view",
 * "case_checks"); NULL reads what a screen has opened already.
 */
int cw_case_checks(struct cd_store *s, struct wf_registry *reg, const struct cd_actor *actor,
		   const struct cd_case *c, const char *purpose, struct cw_checks *out, struct cd_error *err);
void cw_checks_release(struct cw_checks *k);

#endif
