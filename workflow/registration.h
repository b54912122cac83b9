/*
 * registration.h - the rule for registering a person over likely duplicates, in one place
 * for the command line (`person add`) and the registration screen.
 *
 * The duplicate search (model/store/dupes.h) scores the people already registered against
 * the new one; the settings ([duplicates] warn and block) turn the scores into a verdict:
 *   clear    nobody at or above `warn`: registered;
 *   warn     candidates at or above `warn`, none at `block`: registered, candidates shown;
 *   blocked  someone at or above `block`: refused unless overridden.
 * Only an override with a reason lifts a block: `--force` on the command line (its reason
 * is REG_FORCED_NOTE), a reason typed on the screen.  The override, with the candidates it
 * went past, is written on the person's registration event.  The front-ends only present
 * the verdict; neither decides anything of its own.
 */
#ifndef CD_REGISTRATION_H
#define CD_REGISTRATION_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/dupes.h"
#include "model/store/person.h"
#include "model/store/store.h"

/* The reason `--force` gives: stored in the event as it is (the record is not translated). */
#define REG_FORCED_NOTE "forced from the command line"

enum reg_outcome { REG_CLEAR, REG_WARN, REG_BLOCKED };

struct reg_verdict {
	enum reg_outcome outcome;
	struct cd_dupe *candidates;    /* those at or above warn, best first */
	size_t n;
	int n_blocking;                /* how many of them reach block */
	struct cd_dupe_thresholds th;  /* the thresholds the verdict was made with */
};
#define REG_VERDICT_INIT { REG_CLEAR, NULL, 0, 0, { DUPES_WARN_DEFAULT, DUPES_BLOCK_DEFAULT } }

/* An identity document registered with the person (the screen's full form); may be NULL. */
struct reg_document {
	const char *kind, *number, *issuer, *expires;
};

/*
 * The verdict for `in` (and `doc_number`, may be NULL or "") under `th`.  Replaces what
 * `v` held.  CD_OK, or the search's failure (the verdict is then clear and empty).
 */
int registration_check(struct cd_store *s, const struct cd_person_input *in, const char *doc_number,
		       const struct cd_dupe_thresholds *th, struct reg_verdict *v, struct cd_error *err);
void registration_verdict_release(struct reg_verdict *v);

/*
 * Registers `in` (and `doc` when it has a number) in one transaction after a fresh check
 * (left in `v` for the front-end to present).  A blocked verdict without an `override`
 * reason (NULL or blank) is CD_EREFUSED and the store is unchanged; with one, the reason
 * and the candidates passed over go on the registration event.  `out` gets the person.
 */
int registration_add(struct cd_store *s, const struct cd_actor *actor, const struct cd_person_input *in,
		     const struct reg_document *doc, const struct cd_dupe_thresholds *th, const char *override,
		     struct reg_verdict *v, struct cd_person *out, struct cd_error *err);

#endif
