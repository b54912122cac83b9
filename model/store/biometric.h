/*
 * biometric.h - biometric enrolment as the store keeps it: captures encrypted at rest,
 * 1:1 verification and 1:N search.
 *
 * Three parts, used in this order by `casedesk enrol` and by the TUI's enrolment screen:
 *
 *   1. the key and sealing (model/bio/seal.h): AES-256-GCM, key outside the store.
 *   2. the helper (model/bio/client.h): casedesk-enrol started as a child, driven over pipes.
 *   3. here: bio_enrolment, the captures and exceptions of one session, collected in memory
 *      and written by bio_enrolment_commit in one transaction (rows, events, audit, outbox) -
 *      nothing half-done reaches the store; verification and search read the templates,
 *      open them and hand them to the helper.
 *
 * Templates are never logged, printed or put into error messages; neither is the photo.
 */
#ifndef CD_BIOMETRIC_H
#define CD_BIOMETRIC_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/bio/client.h"
#include "model/bio/seal.h"
#include "model/store/store.h"

/* ---- 3. enrolment, verification, search ------------------------------------------------ */

struct bio_item {
	char modality[8];            /* finger, face */
	char position[16];
	int quality;                 /* -1 for an exception */
	unsigned char *tmpl;
	size_t tmpl_len;
	char *exception;             /* the reason a finger is missing (amputated, injured ...) */
	char device[64];
};

struct bio_enrolment {
	struct bio_item *items;
	size_t n, cap;
};

#define BIO_ENROLMENT_INIT { NULL, 0, 0 }

/* Takes the sample's template (the sample is emptied). */
int bio_enrolment_add_sample(struct bio_enrolment *e, const char *modality, struct bio_sample *s,
			     const char *device, struct cd_error *err);
/* A finger that cannot be captured, with its reason (1-200 bytes, no control characters). */
int bio_enrolment_add_exception(struct bio_enrolment *e, const char *position, const char *reason,
				struct cd_error *err);
void bio_enrolment_release(struct bio_enrolment *e);

/*
 * Writes every item of the session for one person in one transaction: each template
 * sealed with `key`, a biometric row, an event, an audit row and an outbox row (without
 * the template) per item.  Nothing is written when anything fails.
 */
int bio_enrolment_commit(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 const char *person_ref, const struct bio_enrolment *e, struct cd_error *err);

/*
 * Duplicate detection at enrolment: is the finger in front of the desk enrolled for someone
 * else?  libfprint matches a touch against prints, never a print against a print, so this
 * takes one touch of `finger` (identify) against the latest `finger` template of every other
 * person of the store (merged records left out).  With nobody to search against it takes no
 * touch and records nothing (gallery 0).  Otherwise it records, in one transaction, a
 * biometric_search event on the person and a search audit row; on a hit also a
 * biometric_duplicate event on both records, each naming the other (model/dupes.h lists
 * them for whoever handles duplicates), and a view audit row for the person named.
 * A failure is the helper's (CD_EDEVICE ...) and leaves the enrolment to go on without it.
 */
struct bio_duplicate {
	int gallery;                 /* other people's templates of the finger */
	int searched;                /* a touch was matched against them */
	int found;
	char finger[16];             /* the finger searched */
	char number[32];             /* the other record */
	char name[420];              /* its "Surname, Given" as written, for the caseworker's screen */
};
int bio_duplicate_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
			 struct bio_duplicate *out, struct cd_error *err);

/*
 * 1:1: the person's latest template for `finger`, opened with `key`, handed to the
 * helper, which asks for the finger and answers match or not.  Writes an event and an
 * audit row (with `purpose`).  CD_ENOTFOUND when the person has no such template.
 */
int bio_verify(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
	       int *match, struct cd_error *err);

/*
 * 1:N: every enrolled person's latest template for `finger` goes into the helper's
 * gallery, one touch is matched against all (libfprint identify).  *found is 0 or 1 and
 * `person_number` names the match.  An event and an audit row record the search, and an
 * audit row per person it names.
 */
int bio_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *finger, const char *purpose, int *found,
	       char person_number[32], int *gallery_size, struct cd_error *err);

/*
 * The person's latest face photo, opened with `key`: the file as it was enrolled (binary
 * PGM or PPM, model/base/pnm.h), malloc'd into *photo; the caller wipes and frees it.  An audit
 * row records who read it and why (`purpose`, e.g. "print").  CD_ENOTFOUND when no photo
 * is enrolled; CD_EREFUSED when the key does not open it.
 */
int bio_face_photo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
		   const char *person_ref, const char *purpose, unsigned char **photo, size_t *n,
		   struct cd_error *err);

#endif
