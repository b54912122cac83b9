/*
 * person.h - people, their names in the original script and in ICAO Latin form, partial
 * dates of birth, nationality, aliases, identity documents and family links.
 *
 * Every change is one transaction with its event, audit row and outbox row.  Reading a
 * person with a purpose writes an audit row: who saw whom, and why.
 */
#ifndef CD_PERSON_H
#define CD_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct cd_person_input {
	const char *surname, *given;              /* as written, any script */
	const char *surname_latin, *given_latin;  /* ICAO Latin form; derived when the name is plain Latin */
	const char *sex;                          /* M, F or X */
	const char *dob;                          /* YYYY, YYYY-MM or YYYY-MM-DD */
	const char *nationality;                  /* ISO 3166-1 alpha-3 or ICAO code */
	const char *birth_place;                  /* optional */
	const char *at;                           /* NULL: now (demo passes its own) */
	const char *note;                         /* on the registration event: why a block was overridden */
};

struct cd_person {
	int64_t id;
	char uuid[37];
	char number[32];                          /* P-TBS-000123 */
	char *surname, *given, *surname_latin, *given_latin;
	char sex[2];
	char dob[11];
	char nationality[4];
	char *birth_place;
	char *created_at;
	int64_t row_version;
};

struct cd_document {
	char uuid[37];
	char *kind, *number, *issuer, *issued, *expires;
};

struct cd_alias {
	char *kind, *surname, *given, *surname_latin, *given_latin;
};

struct cd_relative {
	char *relation;                           /* spouse, child, parent, sibling: what they are to this person */
	char number[32];
	char *surname_latin, *given_latin;
	char dob[11];
};

struct cd_address {
	char *kind;                               /* residence, stay, postal, previous */
	char *line, *city;                        /* city may be NULL */
	char country[4];                          /* "" when not given */
	char since[11];                           /* "" when not given */
};

/*
 * A case of the person.  One outside the reader's workflows (need-to-know, users.h) is
 * only "a case in another unit": other_unit set, number "", workflow_id and state NULL,
 * no clock, and ref its opaque uuid, by which a supervisor may break the glass.
 */
struct cd_case_brief {
	char number[40];
	char *workflow_id;
	char *state;
	long due_day;                             /* -1: no running clock */
	long frozen_left;                         /* -1: not stopped */
	int closed;
	int other_unit;
	char ref[37];
};

struct cd_person_record {
	struct cd_person person;
	struct cd_document *documents;
	size_t n_documents;
	struct cd_alias *aliases;
	size_t n_aliases;
	struct cd_relative *relatives;
	size_t n_relatives;
	struct cd_address *addresses;
	size_t n_addresses;
	struct cd_case_brief *cases;
	size_t n_cases;
	int biometrics;                           /* enrolled captures on file */
};

/* Adds a person; fills out->uuid and out->number (other fields untouched). */
int person_add(struct cd_store *s, const struct cd_actor *actor, const struct cd_person_input *in,
	       struct cd_person *out, struct cd_error *err);

/*
 * Loads a person by number (P-TBS-000123) or uuid, with documents, aliases, family and
 * cases.  A purpose writes an audit row ("casework", "registration" ...); NULL reads
 * without one and is only for re-reading what this desk already opened and audited.
 */
int person_load(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *purpose,
		struct cd_person_record **out, struct cd_error *err);
void person_record_free(struct cd_person_record *r);

/* The person's row id for a number or uuid; CD_ENOTFOUND otherwise. */
int person_resolve(struct cd_store *s, const char *ref, int64_t *id, struct cd_error *err);

/*
 * Adds an identity document.  One on the lost/stolen list is refused (CD_EREFUSED) unless
 * `force` (a caseworker who checked the document in hand); either way it is recorded.
 */
int document_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		 const char *kind, const char *number, const char *issuer, const char *issued,
		 const char *expires, int force, struct cd_error *err);

/*
 * document_add for a front-end that asks why: `force_reason` NULL is not forced; given, it
 * must say something, forces past a lost/stolen hit and is kept as the event's note.
 */
int document_add_because(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
			 const char *kind, const char *number, const char *issuer, const char *issued,
			 const char *expires, const char *force_reason, struct cd_error *err);

int alias_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
	      const char *kind, const char *surname, const char *given, struct cd_error *err);

/* Links two people; `relation` is what `relative` is to `person` (spouse, child, parent, sibling). */
int family_link(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		const char *relative_ref, const char *relation, struct cd_error *err);

/* Checks a name as typed (UTF-8, no control characters, 1-200 bytes); CD_EINPUT naming `field`. */
int person_check_name(const char *text, const char *field, struct cd_error *err);

#endif
