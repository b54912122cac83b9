/*
 * biometric.h - biometric enrolment as the store keeps it: captures encrypted at rest, the
 * helper process that owns the devices, 1:1 verification and 1:N search.
 *
 * Three parts, used in this order by `casedesk enrol` and by the TUI's enrolment screen:
 *
 *   1. bio_key_load: the AES-256-GCM key, from a file outside the store (CASEDESK_KEY or
 *      /etc/casedesk/biometric.key) readable by its owner only.  A store copied without
 *      its key holds no usable biometric.
 *   2. bio_helper_*: casedesk-enrol started as a child and driven over pipes with the line
 *      protocol of app/enrol_protocol.h.  Every wait has a deadline; a helper that is
 *      missing, crashes, hangs past its deadline (it is killed) or writes something that
 *      is not the protocol ends the session with a sentence saying which.
 *   3. bio_enrolment: the captures and exceptions of one session, collected in memory and
 *      written by bio_enrolment_commit in one transaction (rows, events, audit, outbox) -
 *      nothing half-done reaches the store.
 *
 * Templates are never logged, printed or put into error messages; neither is the photo.
 */
#ifndef CD_BIOMETRIC_H
#define CD_BIOMETRIC_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* A failed helper or device (missing, crashed, hung, garbage, no device, timeout, cancel)
 * is CD_EDEVICE (error.h): exit code 8 of the command line. */

#define BIO_DEFAULT_KEY_FILE "/etc/casedesk/biometric.key"

/* ---- 1. the key ----------------------------------------------------------------------- */

struct bio_key {
	unsigned char k[32];
	int loaded;
};

/*
 * Loads the key from CASEDESK_KEY or BIO_DEFAULT_KEY_FILE: 32 raw bytes or 64 hex digits.
 * CD_EREFUSED when the file is missing, not a regular file, readable or writable by group
 * or others, or not a key; the message says how to fix it.
 */
int bio_key_load(struct bio_key *key, struct cd_error *err);
/* Wipes the key from memory. */
void bio_key_wipe(struct bio_key *key);

/*
 * AES-256-GCM with a fresh 96-bit nonce; `aad` binds the blob to its row (person uuid,
 * modality, position) so that a template moved to another person fails to open.  Blob:
 * "CDB1" | nonce (12) | tag (16) | ciphertext.  Both return malloc'd buffers.
 * bio_open fails with CD_EREFUSED ("wrong key, or the template was altered").
 */
int bio_seal(const struct bio_key *key, const char *aad, const void *plain, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err);
int bio_open(const struct bio_key *key, const char *aad, const void *blob, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err);
/* The binding text (aad) of a template: its person's uuid, modality and position. */
void bio_aad(const char *person_uuid, const char *modality, const char *position, char *out, size_t size);

/* ---- 2. the helper -------------------------------------------------------------------- */

struct bio_helper;

/*
 * Progress of a running request, also called about every 200 ms while casedesk waits:
 * `finger` is NULL on a mere tick.  Return non-zero to cancel the request (the helper is
 * asked to stop; the call then fails with CD_EDEVICE "cancelled").
 */
typedef int (*bio_progress_fn)(void *ctx, const char *finger, int stage, int stages);

struct bio_helper_opts {
	const char *path;            /* NULL: $CASEDESK_ENROL, else casedesk-enrol next to this program */
	int timeout_ms;              /* longest wait for one touch; 0: $CASEDESK_ENROL_TIMEOUT_MS or 30000 */
	int quality_threshold;       /* 0-100; -1: 40 */
	int retries;                 /* further touches below the threshold; -1: 2 */
	bio_progress_fn progress;
	void *progress_ctx;
};

/*
 * Starts the helper and asks it which devices it has.  CD_EDEVICE when it is missing or
 * fails to answer.  A helper without a fingerprint reader still starts (face from files
 * works); bio_helper_has_finger says whether a reader is there.
 */
int bio_helper_start(const struct bio_helper_opts *opts, struct bio_helper **out, struct cd_error *err);
/* Asks the helper to quit, kills it after a second if it does not, and frees everything. */
void bio_helper_stop(struct bio_helper *h);
int bio_helper_has_finger(const struct bio_helper *h);
/* "finger:virtual_image", "face:file" or (modality "camera") "face:camera": what goes into
 * the biometric row's device column. */
const char *bio_helper_device(const struct bio_helper *h, const char *modality);

/* One capture's outcome. */
struct bio_sample {
	char position[16];           /* right_index ...; "face" for a photo */
	int code;                    /* protocol code: 0, or 104 (kept, below threshold) */
	int quality;                 /* 0-100 */
	int attempts;
	unsigned char *tmpl;         /* malloc'd: the libfprint print, or the photo file */
	size_t tmpl_len;
};
void bio_sample_release(struct bio_sample *s);

/*
 * Captures one finger (ISO/IEC 19794-4 name, see bw_finger_code) or a face photo from a
 * file (NULL: from the helper's camera).  CD_OK with code 0 or 104; CD_EDEVICE for no device, timeout, cancel, a device
 * failure or a helper fault; CD_EINPUT for a photo that fails its checks (the reason in
 * words).
 */
int bio_helper_capture_finger(struct bio_helper *h, const char *finger, struct bio_sample *out,
			      struct cd_error *err);
int bio_helper_capture_face(struct bio_helper *h, const char *file, struct bio_sample *out,
			    struct cd_error *err);

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
 * PGM or PPM, model/pnm.h), malloc'd into *photo; the caller wipes and frees it.  An audit
 * row records who read it and why (`purpose`, e.g. "print").  CD_ENOTFOUND when no photo
 * is enrolled; CD_EREFUSED when the key does not open it.
 */
int bio_face_photo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
		   const char *person_ref, const char *purpose, unsigned char **photo, size_t *n,
		   struct cd_error *err);

#endif
