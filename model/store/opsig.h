/*
 * opsig.h - every op signed by the store that made it (issue 15, trust; schema 27).
 *
 * A bundle is signed whole by the store that wrote it, but it also carries ops of other
 * stores (format 2, "carried"): for those the bundle's signature says only that the carrier
 * vouches for them, and a trusted carrier could forge "kit A changed this person".  So each
 * store signs each op it makes, when the op is written to its outbox, with its own Ed25519
 * key (the bundle key, made on first need), and the signature travels with the op wherever
 * it is held and carried; a receiver that knows the origin's key checks it (bundle.c).
 *
 * What is signed, byte for byte (opsig_encode):
 *   "casedesk-op-signature 1\n"
 *   then for uuid, origin, seq, entity, entity_uuid, op and at, in that order:
 *     NAME ' ' LENGTH ':' BYTES '\n'          LENGTH the decimal byte count of BYTES, so that
 *                                            no value can run into the next; seq in decimal
 *   "payload " HEX '\n'                      HEX: the SHA-256 of SALT followed by the
 *                                            payload text exactly as stored (64 hex digits)
 * SALT is 16 random bytes made for the op.  The commitment (salt and digest, "commit") is
 * kept beside the signature as 96 hex digits.  Why a salted digest and not the payload
 * itself: a purged or anonymised record's payload is erased ({"purged":true}, retention.c)
 * and the op must still prove its identity where it is carried (a forged stub under a real
 * seq would otherwise shut out the real op); when the payload is erased the salt goes with
 * it (schema 27's triggers keep only the 64 hex digits of the digest), and a digest of
 * erased values with its salt gone confirms no guess of what they were.
 *
 * Ops that come from the national tier by a pull carry no signature: the tier keeps the
 * payload as jsonb and gives it back re-encoded, so no byte-exact signature could survive
 * it (out of scope of schema 27; model/national/ is untouched).
 */
#ifndef CD_OPSIG_H
#define CD_OPSIG_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/buf.h"
#include "model/base/error.h"
#include "model/store/store.h"

#define OPSIG_SALT 16
/* An Ed25519 signature as base64 of its 64 bytes (88 characters) + NUL. */
#define OPSIG_SIG_B64 89
/* The commitment: salt and digest as 96 hex digits + NUL (64 once the payload is erased). */
#define OPSIG_COMMIT_HEX 97
/* The payload of an op whose values were erased (retention.c). */
#define OPSIG_ERASED "{\"purged\":true}"

/* The members of an op the signature covers. */
struct opsig_op {
	const char *uuid, *origin;
	int64_t seq;
	const char *entity, *entity_uuid, *op, *at;
	const char *payload;
};

/* SHA-256 of salt || payload (-1: OpenSSL failed). */
int opsig_digest(const unsigned char salt[OPSIG_SALT], const char *payload, unsigned char digest[32]);
/* The bytes the signature covers (above) into out (reset first). */
int opsig_encode(const struct opsig_op *op, const unsigned char digest[32], struct cd_buf *out, struct cd_error *err);

/*
 * Signs op with the private seed priv_b64 (base64 of 32 bytes): sig (base64) and commit
 * (96 hex digits).  salt NULL: a random one (tests pass their own).
 */
int opsig_sign(const struct opsig_op *op, const char *priv_b64, const unsigned char *salt, char sig[OPSIG_SIG_B64],
	       char commit[OPSIG_COMMIT_HEX], struct cd_error *err);

/*
 * Checks op's signature sig (base64) and commitment commit against the public key pub_b64:
 * CD_OK when they hold; CD_EREFUSED when they do not (a changed payload or member, another
 * key), err saying which; CD_EINPUT when sig or commit are not of their form.  A commitment
 * of its digest only (64 hex digits) holds only for an erased payload (OPSIG_ERASED).
 */
int opsig_verify(const struct opsig_op *op, const char *sig, const char *commit, const char *pub_b64,
		 struct cd_error *err);

/*
 * A public key loaded once for many checks: `store check` verifies every op of an origin
 * with one key, and loading it per op would cost as much as a third of the check.
 */
struct opsig_key;
/* *out the key pub_b64 names (CD_EINPUT when it is not 32 bytes of base64). */
int opsig_key_load(const char *pub_b64, struct opsig_key **out, struct cd_error *err);
void opsig_key_free(struct opsig_key *key);
/*
 * opsig_verify with a loaded key.  A payload NULL holds only with a commitment of its digest
 * alone (64 hex digits): relay_ops drops an op's values once relayed (oplog_relay_mark).
 */
int opsig_verify_key(const struct opsig_op *op, const char *sig, const char *commit, const struct opsig_key *key,
		     struct cd_error *err);

/*
 * The two halves of opsig_verify_key: the bytes the signature covers (into enc, reset first)
 * and the signature raw, once sig and commit are of their form and the payload is the one
 * committed to (CD_EINPUT, CD_EREFUSED otherwise, as opsig_verify); then the Ed25519 check.
 */
int opsig_message(const struct opsig_op *op, const char *sig, const char *commit, unsigned char raw[64],
		  struct cd_buf *enc, struct cd_error *err);
int opsig_verify_message(const struct cd_buf *enc, const unsigned char raw[64], const struct opsig_key *key,
			 struct cd_error *err);

/*
 * `store check`'s checkpoint of this store's own ops (oplog_sig_check): an HMAC-SHA-256,
 * keyed from the store's private seed, over each verified op's signed bytes and signature.
 * Why a MAC may stand in for a signature check already made: only the holder of the seed
 * can make either, so a checkpoint that still holds says the ops are the bytes that were
 * verified, at a few microseconds an op instead of an Ed25519 verification's hundred.
 */
struct opsig_mac;
int opsig_mac_new(const char *priv_b64, struct opsig_mac **out, struct cd_error *err);
void opsig_mac_add(struct opsig_mac *m, const struct cd_buf *enc, const char *sig);
/* The MAC so far as 64 hex digits (once: it ends the MAC); -1 when OpenSSL failed. */
int opsig_mac_hex(struct opsig_mac *m, char hex[65]);
void opsig_mac_free(struct opsig_mac *m);

/* Whether text is of the form of a signature or a commitment (no key needed). */
int opsig_sig_form(const char *text, size_t n);
int opsig_commit_form(const char *text, size_t n);

/*
 * This store's Ed25519 pair (the bundle key, schema 19), made inside the caller's
 * transaction when it has none yet: base64 of the private seed and of the public key.
 * A store made before its first op or bundle has none; the first op it writes makes it.
 */
int opsig_own_key(struct cd_store *s, char priv[45], char pub[45], struct cd_error *err);

/* Signs one of this store's own ops with its key (opsig_own_key), inside its transaction. */
int opsig_sign_own(struct cd_store *s, const struct opsig_op *op, char sig[OPSIG_SIG_B64],
		   char commit[OPSIG_COMMIT_HEX], struct cd_error *err);

#endif
