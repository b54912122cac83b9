/*
 * person_edit.h - changes to a registered person after registration: correcting bio-data
 * with a reason, expiring a document, adding an address.  (Adding documents, aliases and
 * family links is person.h's.)
 *
 * Each is one transaction with its event, audit row and outbox row.  A correction's event
 * holds the field, its old and its new value and the reason: personal data in events is
 * how a person's history is kept here; error messages never carry it.
 *
 * Who may: correcting bio-data is for caseworkers and supervisors.  A clerk registers and
 * adds what a person brings (documents, aliases, addresses), but a correction rewrites an
 * identity that cases and decisions already rest on, so it is left to the people who
 * answer for those cases.  Expiring a document and adding an address are for clerks,
 * caseworkers and supervisors; an admin runs the system and edits no one.
 */
#ifndef CD_PERSON_EDIT_H
#define CD_PERSON_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* The bio-data fields a correction may name. */
#define PERSON_FIELDS "surname, given, surname_latin, given_latin, sex, dob, nationality, birth_place"

struct cd_person_fix {
	const char *field;       /* one of PERSON_FIELDS */
	const char *value;       /* the new value as typed; "" clears birth_place */
};

/*
 * Corrects one or more fields of person `person_ref` for `reason`.  `row_version` is the
 * version the caller read (0: whatever is stored now, for a command line that read
 * nothing); another desk's change since is CD_ECONFLICT and nothing is written.  Names are
 * checked and stored in NFC as at registration; a corrected name whose Latin form is not
 * given has it derived again, and the search index follows.  A field given the value it
 * already has is no change; nothing changed at all is CD_EINPUT.  On success
 * *new_version (if not NULL) is the person's new row version.
 */
int person_correct(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, int64_t row_version,
		   const struct cd_person_fix *fixes, size_t n, const char *reason, int64_t *new_version,
		   struct cd_error *err);

/*
 * Sets the expiry of the person's document `number` (normalised as at entry) to `on`
 * (YYYY-MM-DD; NULL or "": today) for `reason`.  A document already expired by then is
 * CD_EINPUT; no such document on the person's file is CD_ENOTFOUND.
 */
int document_expire(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, const char *number,
		    const char *on, const char *reason, struct cd_error *err);

struct cd_address_input {
	const char *kind;        /* residence (default), stay, postal, previous */
	const char *line;        /* street and house: required */
	const char *city;        /* optional */
	const char *country;     /* optional: ISO 3166-1 alpha-3 */
	const char *since;       /* optional: YYYY-MM-DD, not after today */
};

int address_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		const struct cd_address_input *in, struct cd_error *err);

#endif
