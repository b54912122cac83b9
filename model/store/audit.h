/*
 * audit.h - the audit trail that proves itself: hash chains over the audit rows and the
 * history events, seals under a key that moves forward, and the verification of both.
 *
 * Each audit row carries the SHA-256 of the one before it, and each history event the
 * SHA-256 of the event before it and its own contents.  A chain alone proves nothing to
 * someone who can rewrite the file: anyone can recompute it.  So every N rows or T minutes
 * a seal row is written: an HMAC-SHA256 over both chain heads under key[epoch], after
 * which the key moves on (key[i+1] = HMAC(key[i], "next")) and key[i] is overwritten.
 * Rewriting sealed history would need a key that no longer exists anywhere but in the
 * escrow file, which `init` writes once for the office safe.
 *
 * Files beside the store STORE (mode 0600, never followed through a link):
 *   STORE.seal.key         the current key, its epoch and the head of the last seal;
 *                          replaced crash-safely (write new, fsync, rename, fsync folder)
 *   STORE.seal-escrow.key  key[0], written once; belongs in the office safe, not here
 */
#ifndef CD_AUDIT_H
#define CD_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/store.h"

/* Defaults of the store settings audit_seal_rows and audit_seal_minutes. */
#define AUDIT_SEAL_ROWS 256
#define AUDIT_SEAL_MINUTES 10

/* The key file and the escrow file of a store. */
void audit_key_path(const struct cd_store *s, char *buf, size_t size);
void audit_escrow_path(const struct cd_store *s, char *buf, size_t size);

/*
 * Makes the first key of a store that has none: writes the escrow file (refused when it
 * exists), the key file, and seal 0 over the history as it stands.  `init` and `demo` call
 * it; `audit init` for stores made before seals existed.  escrow_out gets the escrow's path.
 */
int audit_keys_create(struct cd_store *s, char *escrow_out, size_t size, struct cd_error *err);

/* Writes a seal now, whatever the settings say; CD_EREFUSED without a usable key file. */
int audit_seal_now(struct cd_store *s, struct cd_error *err);

/* Sets audit_seal_rows and audit_seal_minutes (0: leave as it is); audited as a change. */
int audit_set_policy(struct cd_store *s, const struct cd_actor *actor, long rows, long minutes,
		     struct cd_error *err);

enum audit_severity { AUDIT_INFO, AUDIT_WARN, AUDIT_FAIL };

struct audit_finding {
	enum audit_severity severity;
	char *text;               /* names ids and epochs, never personal data */
};

struct audit_report {
	int64_t audit_rows, audit_first_id, audit_last_id;
	char first_at[32], last_at[32];
	int64_t event_rows, events_unchained;
	int64_t events_erased;        /* text erased by retention, as allowed (a note, not a failure) */
	int64_t events_text_changed;  /* note or values changed, or erased where that is not allowed */
	int64_t seals, seals_mac_checked;
	int64_t unsealed_audit, unsealed_events;
	int64_t broken_id;        /* first audit row whose link is broken, 0 none */
	int64_t broken_event_id;  /* first event whose link is broken, 0 none */
	int64_t gaps, backwards;
	int escrow_used, key_checked;
	struct audit_finding *findings;
	size_t n_findings;
	int warnings, failures;
};

/*
 * Walks both chains and every seal; with escrow_file, checks every seal's MAC from epoch
 * 0.  Fills `r` (release with audit_report_release); returns CD_OK when it could look,
 * whatever it found: r->failures and r->warnings say what.  CD_EINPUT for an escrow file
 * that is not one, CD_ESTORE when the store cannot be read.
 */
int audit_verify(struct cd_store *s, const char *escrow_file, struct audit_report *r, struct cd_error *err);
void audit_report_release(struct audit_report *r);

#endif
