/*
 * client.h - casedesk's side of the enrolment helper: casedesk-enrol started as a child and
 * driven over pipes with the line protocol of app/enrol/protocol.h (codec: model/bio/wire.h).
 * Every wait has a deadline; a helper that is missing, crashes, hangs past its deadline (it
 * is killed) or writes something that is not the protocol ends the session with a sentence
 * saying which.  No SQL and no store here: model/store/biometric.c gives the templates it
 * read and records what the helper answered.
 *
 * A failed helper or device (missing, crashed, hung, garbage, no device, timeout, cancel)
 * is CD_EDEVICE (error.h): exit code 8 of the command line.
 */
#ifndef CD_BIO_CLIENT_H
#define CD_BIO_CLIENT_H

#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/error.h"

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

/* ---- matching: the templates come from the store, already opened --------------------- */

/*
 * 1:1: hands `tmpl` (a libfprint print) to the helper, which asks for one touch of `finger`
 * and answers whether it matches.  `doing` names the step in error messages.
 */
int bio_helper_verify(struct bio_helper *h, const char *finger, const void *tmpl, size_t n, const char *doing,
		      int *match, struct cd_error *err);

/*
 * The helper's gallery for 1:N.  bio_helper_gallery_clear empties it; bio_gallery_add
 * queues one print under `ref` (a person number) and sends a batch when it is full,
 * bio_gallery_flush sends the rest; bio_helper_identify takes one touch against the `n`
 * prints loaded (*found, and the matching ref); bio_helper_gallery_drop empties it after
 * use, ignoring failures.  The batch's buffers are wiped when sent and by
 * bio_gallery_release.
 */
struct bio_gallery {
	struct cd_buf refs, tmpls;
	int n;
};
#define BIO_GALLERY_INIT { CD_BUF_INIT, CD_BUF_INIT, 0 }
int bio_helper_gallery_clear(struct bio_helper *h, const char *doing, struct cd_error *err);
int bio_gallery_add(struct bio_helper *h, struct bio_gallery *g, const char *ref, const void *tmpl, size_t n,
		    const char *doing, struct cd_error *err);
int bio_gallery_flush(struct bio_helper *h, struct bio_gallery *g, const char *doing, struct cd_error *err);
void bio_gallery_release(struct bio_gallery *g);
int bio_helper_identify(struct bio_helper *h, const char *finger, int n, const char *doing, int *found,
			char ref_out[32], struct cd_error *err);
void bio_helper_gallery_drop(struct bio_helper *h, const char *doing);

#endif
