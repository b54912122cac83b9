/*
 * workflow.h - case types as data: one INI file per workflow in data/workflows/, read
 * through the one INI reader (model/base/ini), checked, and applied.  The engine knows
 * nothing of SQL; the caller (app/ or screens/) gathers the facts a guard needs from the
 * model and hands them in.
 *
 * Where it lives: wf_load.c loads and checks (lint) a file and holds the translations and
 * the forms index; wf_rules.c answers at run time (durations, the clock, field values,
 * guards); wf_dot.c draws a workflow for Graphviz.  The file format is documented in
 * data/workflows/FORMAT.md.
 */
#ifndef CD_WORKFLOW_H
#define CD_WORKFLOW_H

#include <stddef.h>
#include <stdio.h>

#include "model/base/error.h"

enum wf_field_type { WF_TEXT, WF_DATE, WF_CHOICE, WF_NUMBER, WF_YESNO };

enum wf_unit { WF_NONE = 0, WF_DAYS, WF_WORKING_DAYS, WF_WEEKS, WF_MONTHS };

struct wf_duration {
	int amount;
	enum wf_unit unit;       /* WF_NONE: no duration */
};

enum wf_guard {
	WF_GUARD_FOUR_EYES = 1u << 0,
	WF_GUARD_FIELDS_COMPLETE = 1u << 1,
	WF_GUARD_DOCUMENTS_PRESENT = 1u << 2,
	WF_GUARD_BIOMETRICS_ENROLLED = 1u << 3,
	WF_GUARD_CHECKS_CLEAR = 1u << 4,      /* every list answered, no hit standing: grants */
	WF_GUARD_CHECKS_ANSWERED = 1u << 5,   /* every list answered, a hit too: refusals */
};

/*
 * A cross-field rule on a date field (`after = valid_from`, `not_before = today` in the
 * field's section): this field's date must be after (before, not before, not after) the
 * other field's date or today.  Checked when a step sets the field (wf_check) and by the
 * forms as the field is left (wf_field_rules_check).
 */
enum wf_date_rel { WF_REL_AFTER, WF_REL_BEFORE, WF_REL_NOT_BEFORE, WF_REL_NOT_AFTER };
#define WF_TODAY ((size_t)-2)          /* a rule's `other` naming today, not a field */
#define WF_RULES_MAX 8
struct wf_date_rule {
	enum wf_date_rel rel;
	size_t other;                  /* index into fields, or WF_TODAY */
	int line;
};

struct wf_field {
	char *id;
	char *label;
	enum wf_field_type type;
	char **choices;          /* WF_CHOICE */
	size_t n_choices;
	/*
	 * Parallel to choices: the label users see (`choice.grant = Grant` in the field's
	 * section, translated as `choice.grant[uk] = ...`); NULL, or a NULL entry, when the
	 * file gives none.  Read it through wf_choice_label.
	 */
	char **choice_labels;
	/*
	 * `multiple = yes`: the value is one or more of the choices, their ids separated by
	 * commas ("no_fear, not_credible"; spaces around an id do not count).  Read the ids
	 * with wf_multi_next; wf_value_text joins their labels.
	 */
	int multiple;
	int required;            /* needed for the fields_complete guard */
	int has_min, has_max;    /* WF_NUMBER */
	double min, max;
	struct wf_date_rule rules[WF_RULES_MAX];   /* WF_DATE: after = ..., not_before = today */
	size_t n_rules;
	int line;                /* where [field.ID] starts in the file */
};

struct wf_state {
	char *id;
	char *title;
	struct wf_duration deadline;   /* a new clock starts on entry; WF_NONE: the running clock goes on */
	int clock_stops;               /* the clock pauses here (waiting on the applicant) */
	int final;                     /* a decision: no way out, no clock */
	char *outcome;                 /* for final states: granted, refused, withdrawn, ... */
	/*
	 * `legal_basis = ...` (translated as legal_basis[ru]): the law a decision letter cites
	 * for a decision that leads here ({decision.legal_basis}); NULL when the file gives none.
	 */
	char *legal_basis;
	int line;
};

struct wf_transition {
	char *id;
	char *title;
	size_t *from;                  /* indexes into states */
	size_t n_from;
	size_t to;
	unsigned roles;                /* CD_ROLE_* bits, see model/roles.h */
	size_t *fields;                /* indexes into fields: required in this step */
	size_t n_fields;
	size_t *optional;              /* indexes into fields: may be set in this step */
	size_t n_optional;
	unsigned guards;               /* WF_GUARD_* bits */
	char *form;                    /* form id printed by this step, or NULL */
	struct wf_duration extend;     /* pushes the running deadline back (visa 15 -> 45 days) */
	/*
	 * Four-eyes pairing (`four_eyes = propose_decision`): the index into transitions of
	 * the step that must have been taken on the case by someone else since the case last
	 * entered that step's from-states; WF_NO_PAIR when the transition has none.
	 */
	size_t four_eyes;
	/* A decision: the forms show a summary and ask before saving (`confirm = yes`, or a final `to`). */
	int confirm;
	int line;
};

#define WF_NO_PAIR ((size_t)-1)

/*
 * A translation of one title or label: `title[ru] = ...` in the file.  `slot` points at
 * the text users see (wf->title, a state's or transition's title, a field's label),
 * which wf_localize points at `base` (as written) or at the text in the chosen language.
 */
/*
 * How long a workflow's cases are kept ([retention] in the file): from which event the
 * clock runs, for how long (years are kept as months), and what happens when it ends.
 * WF_RET_NONE: the file has no [retention], so its cases are kept.
 */
enum wf_retention_from { WF_RET_NONE = 0, WF_RET_OPENED, WF_RET_DECISION };
enum wf_retention_action { WF_RET_PURGE, WF_RET_ANONYMISE, WF_RET_REVIEW };
struct wf_retention {
	enum wf_retention_from from;
	struct wf_duration period;
	enum wf_retention_action action;
	int line;                      /* where [retention] starts */
};

struct wf_translation {
	char **slot;
	char *base;                    /* the text as written, owned by the slot's struct */
	char (*langs)[4];              /* "ru", "uk" ... */
	char **texts;
	size_t n;
};

struct workflow {
	char *id;
	char *title;                   /* titles and labels: in the language of wf_localize */
	char *prefix;                  /* case number prefix, "RP" */
	int version;
	size_t initial;
	struct wf_state *states;
	size_t n_states;
	struct wf_transition *transitions;
	size_t n_transitions;
	struct wf_field *fields;
	size_t n_fields;
	struct wf_retention retention;
	/*
	 * `checks = sis, sltd, national_watchlist` in [workflow]: the lists every case is
	 * checked against, which the checks_clear guard reads.  A file whose steps use
	 * checks_clear must name them; text a store kept from before the key (versions 1-3)
	 * reads as sis, sltd, national_watchlist.
	 */
	char **checks;
	size_t n_checks;
	/*
	 * `network.sltd = document`, `network.sis = person` in [workflow]: the lists of `checks`
	 * asked of the country's check gateway (model/net/gateway.h) rather than recorded by
	 * hand; queued when a case is opened (person) or a document entered (document).
	 * network_kinds[i] is WF_NET_DOCUMENT or WF_NET_PERSON for network_lists[i].
	 */
	char **network_lists;
	int *network_kinds;
	size_t n_network;
	char *path;                    /* file it came from, for messages */
	/*
	 * The file's text without its translation lines (`title[ru] = ...`), kept so a store
	 * can pin this version: translations are not part of a version, so adding one needs
	 * no new version and every store, older ones too, keeps the same text.
	 */
	char *source;
	struct wf_translation *translations;
	size_t n_translations;
	char lang[4];                  /* what wf_localize chose; "" as written */
};

/*
 * Which forms exist (ids), for lint; NULL lists skip the form check.  Parallel to forms,
 * what the index says of each (NULL entries or lists: not given): `states = ...` and
 * `outcomes = ...`, the states a form may be printed in, and `decision = yes`, a letter
 * that is a decision's (dated and signed as decided, its prints recorded).
 */
struct wf_known {
	const char *const *forms;
	size_t n_forms;
	const char *const *states;     /* "residence:granted, asylum:refugee_status", "*" */
	const char *const *outcomes;   /* "refused, rejected" */
	const int *decision;
};

/*
 * Whether the index lets `form` be printed for a case of workflow `wf_id` in state
 * `state_id` (whose outcome is `outcome`, NULL when not final): a `states` entry
 * WORKFLOW:STATE or STATE (any workflow) or `*`, or an `outcomes` entry naming the
 * outcome.  A form the index names neither for is printable in any state; a form the
 * index does not list is not.
 */
int wf_form_allows(const struct wf_known *known, const char *form, const char *wf_id, const char *state_id,
		   const char *outcome);
/* Whether the index marks `form` as a decision's letter (`decision = yes`). */
int wf_form_is_decision(const struct wf_known *known, const char *form);

/* Loads and validates one workflow file; the first problem fails the load with file:line. */
int wf_load_file(const char *path, const struct wf_known *known,
		 struct workflow **out, struct cd_error *err);
/* The same from text kept in a store; `name` stands for the path in messages. */
int wf_load_text(const char *text, const char *name, struct workflow **out, struct cd_error *err);
void wf_free(struct workflow *wf);

/*
 * Lints one file and writes every problem found, one a line, as "FILE:LINE: message",
 * to `report`, then every warning as "FILE:LINE: warning: message" (a warning does not
 * stop a load: a decision without a four-eyes pairing).  Returns the number of problems
 * (0 = clean); *warnings (may be NULL) gets the number of warnings.
 */
int wf_lint_file(const char *path, const struct wf_known *known, FILE *report, int *warnings);

/*
 * The outcome of a final state grants or refuses something (and so needs four-eyes):
 * every outcome but those that record no decision on the merits (withdrawn,
 * discontinued, transferred...).
 */
int wf_outcome_decides(const char *outcome);

/* Reads the ids in data/forms/index.ini ([form.ID] sections) into *known; free with wf_known_release. */
int wf_known_load(const char *forms_index_path, struct wf_known *known, struct cd_error *err);
void wf_known_release(struct wf_known *known);

const struct wf_state *wf_find_state(const struct workflow *wf, const char *id);
const struct wf_transition *wf_find_transition(const struct workflow *wf, const char *id);
const struct wf_field *wf_find_field(const struct workflow *wf, const char *id);
/* Whether transition t may start from state `state_id`. */
int wf_transition_from(const struct workflow *wf, const struct wf_transition *t, const char *state_id);

/*
 * Shows titles and labels in `lang` ("ru") where the file translates them, as written
 * otherwise (NULL or "": as written).  A text `wf` does not translate takes the
 * translation `also` (may be NULL) has for the same kind of text written the same way:
 * a case on an older version reads its titles in the language of the current file.
 */
void wf_localize(struct workflow *wf, const char *lang, const struct workflow *also);

/* Writes Graphviz for the workflow: states as nodes (finals doubled), transitions as labelled edges. */
void wf_write_dot(const struct workflow *wf, FILE *out);

/* "90d", "3wd", "2w", "6m" -> duration; CD_EINPUT otherwise. */
int wf_duration_parse(const char *text, struct wf_duration *out, struct cd_error *err);
/*
 * A [retention] period: "10y" (kept as 120 months), "60m", "26w" or "365d"; CD_EINPUT
 * otherwise.  Working days make no sense over years and are refused.
 */
int wf_retention_period_parse(const char *text, struct wf_duration *out, struct cd_error *err);
/* Adds the duration to a day number (see model/caldate.h). */
long wf_duration_add(long day, struct wf_duration d);
void wf_duration_format(struct wf_duration d, char *buf, size_t size);

/* A field value as given by the user: "decision_reason=..." */
struct wf_value {
	const char *field;
	const char *value;
};

/* The label of choice i of a choice field: its `choice.ID` label, else the id itself. */
const char *wf_choice_label(const struct wf_field *f, size_t i);

/*
 * What users read for an id the workflow names: a state's or step's title, a field's
 * label, a value's choice label (a value of another type as it is).  The id itself when
 * the workflow (may be NULL) has no such thing, so an old event still reads.
 */
const char *wf_state_title(const struct workflow *wf, const char *state_id);
const char *wf_step_title(const struct workflow *wf, const char *transition_id);
const char *wf_field_label(const struct workflow *wf, const char *field_id);
const char *wf_value_text(const struct workflow *wf, const char *field_id, const char *value);

/*
 * What users read for a value of field f: a choice's label, a multiple choice's labels
 * joined by ", " (held in one of a few rotating buffers: use it before the fifth call),
 * any other value as it is.
 */
const char *wf_field_value_text(const struct wf_field *f, const char *value);

/*
 * One id of a multiple choice value: *pos starts at the value and moves past each id;
 * the id is copied to id (trimmed).  0 when there is none left, -1 when an id is too
 * long for id.
 */
int wf_multi_next(const char **pos, char *id, size_t size);

/* Checks one value against its field's type; CD_EINPUT naming the field. */
int wf_field_validate(const struct wf_field *f, const char *value, struct cd_error *err);

/*
 * The cross-field rules that touch field f: f's own (`after = valid_from`) and those of
 * other fields naming f, each checked where both dates are known.  `value_of` gives any
 * field's value as it stands (the form's or the case's; NULL or "" when unset, and a
 * value that is no date is left to wf_field_validate).  CD_EINPUT with a message naming
 * both fields by their labels: "Valid until must be after Valid from (2026-12-10)".
 */
int wf_field_rules_check(const struct workflow *wf, const struct wf_field *f,
			 const char *(*value_of)(void *ctx, const char *field), void *ctx, long today,
			 struct cd_error *err);

/* Whether a step asks before it is saved: into a final state, or `confirm = yes`. */
int wf_transition_confirms(const struct workflow *wf, const struct wf_transition *t);

enum { WF_NET_DOCUMENT = 1, WF_NET_PERSON = 2 };   /* the values of cd_gw_kind */

/* One step taken on a case, as its history keeps it. */
struct wf_step_done {
	const char *transition;
	const char *to_state;
	const char *user;
};

/*
 * A case's answer for one check list, as the checks_clear guard reads it: the newest answer
 * recorded for the list (model/store/checks.h).
 */
enum wf_check_answer {
	WF_CHECK_MISSING = 0,     /* none yet, or asked and not answered (pending, error) */
	WF_CHECK_CLEAR,
	WF_CHECK_HIT,             /* a hit no supervisor has cleared: it holds the case */
	WF_CHECK_CLEARED,         /* a hit a supervisor cleared, with a reason */
};

struct wf_check_fact {
	const char *list;
	enum wf_check_answer answer;
};

/*
 * What the caller knows about the case and the acting user, gathered from the store.
 * `value_of` looks up a case field's current value (NULL when unset).
 */
struct wf_facts {
	const char *state;             /* the case's current state id */
	const char *actor;             /* acting user name */
	unsigned actor_roles;
	const char *entered_by;        /* who made the step into the current state (guards = four_eyes) */
	const struct wf_step_done *steps;  /* the case's steps, oldest first (four_eyes = STEP) */
	size_t n_steps;
	int documents_present;         /* the person has a valid identity document */
	int biometrics_enrolled;       /* an enrolment exists for the person */
	const struct wf_check_fact *checks;  /* the case's answer per list (lists not named: missing) */
	size_t n_checks;
	const char *(*value_of)(void *ctx, const char *field);
	void *ctx;
	long today;                    /* day number (model/base/caldate.h) for `not_before = today` */
};

/* The case's answer for `list` in facts; WF_CHECK_MISSING when it has none. */
enum wf_check_answer wf_check_answer_of(const struct wf_facts *facts, const char *list);

/*
 * What keeps checks_clear from holding (checks_answered: only `missing` counts): the lists of wf->checks with a hit not cleared
 * (into `hits`) and those with no answer (into `missing`), each ", "-separated ("" for
 * none).  Returns how many lists are outstanding (0: the guard holds).
 */
size_t wf_checks_outstanding(const struct workflow *wf, const struct wf_facts *facts, char *hits,
			     size_t hits_size, char *missing, size_t missing_size);

/*
 * May `actor` take transition t now, with these values?  CD_OK, or CD_EREFUSED with
 * the reason (wrong state, role, which guard and why), or CD_EINPUT naming a missing or
 * invalid field.  Values for fields the transition does not take are CD_EINPUT too.
 */
int wf_check(const struct workflow *wf, const struct wf_transition *t,
	     const struct wf_facts *facts, const struct wf_value *values, size_t n_values,
	     struct cd_error *err);

/*
 * The same as wf_check without field values: state, role and guards only.  Used to list
 * the steps open now; the fields are asked for when the step is taken.
 */
int wf_check_guards(const struct workflow *wf, const struct wf_transition *t,
		    const struct wf_facts *facts, struct cd_error *err);

/*
 * The case's deadline after moving into state `to` on day `today`.
 * In: the current due day (or -1 for none) and the days left frozen by a stopped clock
 * (or -1).  Out: the new due day (-1 none) and frozen days left (-1 when running).
 * Rules: a state with a deadline starts a new clock; a clock-stopping state freezes what
 * is left; leaving it resumes with what was left; a final state clears the clock; a
 * transition's `extend` pushes the due day back.
 */
void wf_next_deadline(const struct workflow *wf, const struct wf_transition *t, long today,
		      long due, long frozen_left, long *new_due, long *new_frozen_left);

#endif
