/*
 * bundle.h - bundles: the op log carried by hand where there is no link (issue 15,
 * deliverable 7).  A store's ops not yet acknowledged go into a signed file; the receiving
 * store checks it whole before it applies anything, applies it in one transaction through
 * op_apply (apply.h: the same rules as the network), and writes a signed acknowledgement
 * that goes back to the sender, which then marks its ops acknowledged.
 *
 * The file (format 1), text, one item a line, every line ending in '\n':
 *   casedesk-bundle 1
 *   kind ops                 (or: kind ack)
 *   id UUID                  this bundle's own uuid
 *   origin UUID              the store that wrote and signed it
 *   office CODE              that store's office
 *   created TIMESTAMP        informational
 *   first N / last N / count N    (ops) the seqs it carries, strictly consecutive
 *   acked N                  (ops) the highest seq the sender knows acknowledged by the store it
 *                            is for (without `to`: by every store it trusts; 0: none)
 *   name NAME / role kit|office   (ops, optional) the sender as the national tier names it, so
 *                            that a receiver relays its ops to the tier under the sender's origin
 *   to UUID                  (ops, format 2, optional) made for that store (export --for):
 *                            another store may import it, but its acknowledgement gives no held
 *   carried N / held N       (ops, format 2) N ops of other origins follow the sender's own, and
 *                            the sender's held_ops position they go up to; (ack, optional) held N:
 *                            that position given back.  Format 2 allows count 0 (then first is
 *                            acked + 1 and last is acked) when it carries others' ops only.
 *   for UUID / seq N / applied N / already N / conflicts N   (ack) which origin's ops this
 *                            store now has up to seq N, and what the import did
 *   --
 *   {"uuid":...,"origin":...,"seq":N,"office":...,"entity":...,"entity_uuid":...,"op":...,
 *    "at":...,"sig":...,"commit":...,"payload":{...}}
 *                            (ops) one op a line, its own in seq order; among them
 *                            (format 2) the carried ops, each under its own origin and seq,
 *                            all in the order they happened at the sender (an own op on a
 *                            person another store made after that person's insert; per origin
 *                            its seqs rising, gaps allowed: the sender holds only what was in
 *                            its scope, as a pull does)
 *                            (format 3) sig and commit: the op's own Ed25519 signature by its
 *                            origin's key and the salted digest of its payload it covers
 *                            (opsig.h), as the origin wrote them and every store passed them
 *                            on; absent for an op its origin made before schema 27, or that a
 *                            store pulled from the national tier (which keeps no signature).
 *                            A receiver that knows the origin's key (trusted, or its own)
 *                            refuses the whole bundle for a signature that does not hold, and
 *                            does not apply an unsigned op of that origin carried by another
 *                            store (it comes from its origin itself or the tier)
 *   signature ed25519 BASE64  the Ed25519 signature of the SHA-256 of every byte before
 *                            this line, by the key of `origin`; nothing may follow it
 *
 * Why a signature over everything and the counts in the header: a bundle that was cut
 * (a stick pulled out), changed, reordered or made by another store must be told apart
 * from a good one before anything is applied, and every such refusal names what is wrong.
 * Keys: each store makes its Ed25519 pair on first need and keeps the private half in its
 * own table (never printed; a real store is a group-protected file); a receiving store
 * trusts another store's public key only when an admin says so (`bundle trust`).
 */
#ifndef CD_BUNDLE_H
#define CD_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"
#include "model/store/apply.h"
#include "model/store/store.h"

/* Format 2 adds the ops of other origins a store holds (carried, held); format 3 each op's own
 * signature by its origin (sig, commit); formats 1 and 2, written by older stores, are still
 * read, their carried ops vouched for by the bundle's signer alone. */
#define BUNDLE_FORMAT 3
#define BUNDLE_FORMAT_OLDEST 1
/*
 * The payload an own op goes with in a bundle made for a store whose scope does not hold it
 * (a case of another office): its uuid, seq and kind only, so that the receiver's sequence of
 * the sender's ops stays whole.  The receiver records it as skipped, never relays it to the
 * tier (the sender's own sync sends it whole) and never carries it on.
 */
#define BUNDLE_OUT_OF_SCOPE "{\"out_of_scope\":true}"
/* The largest bundle read: a kit's surge weeks are a few hundred MB at most. */
#define BUNDLE_MAX_BYTES ((size_t)1 << 30)
/* A public key as base64 of its 32 raw bytes (44 characters) + NUL. */
#define BUNDLE_KEY_B64 45
/* A fingerprint "ab12-cd34-ef56-7890" + NUL. */
#define BUNDLE_FPR 20

enum bundle_kind { BUNDLE_OPS = 1, BUNDLE_ACK = 2 };

struct bundle_op {
	struct cd_remote_op op;    /* its strings point into the bundle's text */
	size_t line;               /* 1-based line of the file */
	size_t offset;             /* byte offset of that line */
	int carried;               /* 1: another origin's op the sender held (format 2) */
	const char *sig, *commit;  /* (format 3) its origin's signature of it and the commitment to its
				    * payload (opsig.h); NULL: unsigned (made before its origin signed,
				    * or pulled from the national tier) */
};

/* A parsed bundle: what the header says, its ops, and the digest its signature covers. */
struct bundle {
	int kind, format;
	char id[40], origin[40], office[8], created[40];
	char name[32], role[8];                             /* ops, optional: the origin as the tier names it */
	int64_t first, last, count, acked;                 /* ops */
	char for_origin[40];                               /* ack */
	char to[40];                                       /* ops, optional: made for this store only */
	int64_t seq, applied, already, conflicts;          /* ack */
	int64_t carried;           /* ops (format 2): how many ops of other origins follow its own */
	int64_t held;              /* ops: the sender's held_ops position it carried up to; ack: the
				    * same, given back, so the sender carries from there next time */
	size_t n_own;              /* how many of ops are its origin's own (the rest: carried) */
	unsigned char digest[32];  /* SHA-256 of every byte before the signature line */
	unsigned char sig[64];
	struct bundle_op *ops;
	size_t n_ops;
	char *text;                /* the parsed copy the ops point into */
};

/*
 * Parses and checks the structure of `len` bytes of a bundle (no key needed): the magic and
 * format, every header member, each op line a JSON object of the members above, the ops'
 * seqs strictly consecutive from `first`, count and last as the header says, the signature
 * the last line.  CD_EINPUT naming the line and byte offset and what is wrong (cut short,
 * out of order, malformed); never quotes a value.  Free with bundle_free (also on failure).
 */
int bundle_parse(const char *data, size_t len, struct bundle *b, struct cd_error *err);
void bundle_free(struct bundle *b);

/* Checks b's signature against a public key (base64): CD_EREFUSED when it does not match. */
int bundle_verify(const struct bundle *b, const char *pub_b64, struct cd_error *err);

/* A new key pair (for tests and the store): the private seed and the public key, base64. */
int bundle_keypair_new(char priv_b64[BUNDLE_KEY_B64], char pub_b64[BUNDLE_KEY_B64], struct cd_error *err);
/* "signature ed25519 BASE64\n" for the SHA-256 `digest`, signed with the private seed. */
int bundle_sign_line(const unsigned char digest[32], const char *priv_b64, char line[128], struct cd_error *err);
/* The short fingerprint people compare when they trust a key (CD_EINPUT: not a key). */
int bundle_fingerprint(const char *pub_b64, char fpr[BUNDLE_FPR], struct cd_error *err);

/* This store's public key and fingerprint, the pair made on first need; admins only. */
int bundle_key_public(struct cd_store *s, const struct cd_actor *actor, char pub_b64[BUNDLE_KEY_B64],
		      char fpr[BUNDLE_FPR], struct cd_error *err);

/*
 * Trusts `origin` (a store uuid) of office `office` with public key `pub_b64` (base64 of 32
 * bytes): its bundles and acknowledgements are then accepted here.  The same key again
 * changes nothing; another key for a trusted origin is refused (CD_EREFUSED).  No role
 * check and no audit: for `kit new`, which registers a kit it is making, inside its own
 * transaction.  bundle_trust is the admin's command: admins only, audited.
 */
int bundle_trust_add(struct cd_store *s, const char *origin, const char *office, const char *pub_b64,
		     struct cd_error *err);
int bundle_trust(struct cd_store *s, const struct cd_actor *actor, const char *origin, const char *office,
		 const char *pub_b64, struct cd_error *err);
/*
 * `kit new`: the office and the kit it is making trust each other's keys (each made now when
 * it has none), so that the office's own kits are known here without a telephone call: the
 * office holds both files.  Three short transactions (the office's key, the kit's side, the
 * office's side); CD_EREFUSED when either already trusts the other's uuid with another key.
 */
int bundle_trust_kit(struct cd_store *office, struct cd_store *kit, struct cd_error *err);

struct bundle_export_result {
	int64_t first, last, count, acked;
	int64_t carried, held;     /* other origins' ops in it; the held_ops position it goes up to */
	char scope[8];             /* the receiver's office the carried ops were cut to ("": none known) */
	int64_t unfiltered;        /* no receiver known: carried ops the network's pull would not give
				    * every store (cases, checks ...) */
	char unfiltered_offices[64];  /* the offices of the cases among them, comma-separated */
	int64_t own_other_office;  /* with a receiver: own ops on cases of another office than its own
				    * (they go as BUNDLE_OUT_OF_SCOPE stubs) */
};
/*
 * Writes this store's ops not yet acknowledged by every store it trusts (own_acks, schema 26:
 * per receiver), in seq order, into a new
 * bundle at `path` (model/base/outfile.h: 0600, OUTFILE_FORCE to replace, never a link).
 * Marks nothing: an op stays in every export until its acknowledgement comes back.  With no
 * op waiting, writes nothing (count 0).  Admins only; audited as one export.
 */
int bundle_export(struct cd_store *s, const struct cd_actor *actor, const char *path, unsigned flags,
		  struct bundle_export_result *res, struct cd_error *err);
/*
 * The same, and (format 2) the ops of other stores this store applied (held_ops, schema 25:
 * from pulls and from bundles) that a receiver may not have yet, each under its own origin
 * and seq: those whose origin is not the receiver, that did not come from the receiver's own
 * bundle, and that lie after what the receiver's last acknowledgement said it had.  The
 * receiver: `for_origin` (a trusted store's uuid), or NULL: every trusted store (an op goes
 * in when one of them may lack it).  Own ops: those after what that receiver acknowledged
 * (NULL: after the least any trusted store acknowledged).  With a receiver, the carried ops
 * are cut to its scope as the network's pull cuts it (its office as trusted: persons,
 * documents, aliases, addresses, families of every office, cases of its office only); with
 * none, they are not, and res->unfiltered says how many lie outside that scope.  A store's
 * own ops go every one, in order (the receiver relays them to the tier), those outside the
 * receiver's scope as BUNDLE_OUT_OF_SCOPE stubs.  Writes a file when there is an own op or a
 * carried one.
 */
int bundle_export_for(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *for_origin,
		      unsigned flags, struct bundle_export_result *res, struct cd_error *err);

struct bundle_import_result {
	char origin[40], office[8];
	int64_t first, last;
	int64_t n_new, n_already, n_conflicts;
	int64_t carried, carried_new;  /* of them, other origins' ops the bundle carried; how many new */
	int64_t carried_verified;  /* carried ops signed by their origin, checked with its key known here */
	int64_t carried_vouched;   /* carried ops of origins whose key is not known here: the carrier's word */
	int64_t carried_unsigned;  /* carried ops without a signature of origins whose key is known here:
				    * not applied (pulled from the tier, or made before schema 27) */
	int64_t acked;             /* the seq the acknowledgement says this store has */
	int ack_written;
};
/*
 * Checks the bundle at `path` whole (structure, a trusted key of its origin, its signature,
 * no gap after this store's high-water mark for that origin, and (format 3) every op's own
 * signature whose origin's key is known here - trusted, or the bundle's signer: one that does
 * not hold refuses the whole bundle naming the op's position and its origin; a carried op of
 * such an origin without a signature is not applied, res->carried_unsigned), then applies the ops it does
 * not have in one transaction (all or none): an op is had only when its uuid was applied here
 * under its origin and seq - another op under a seq applied here refuses the whole bundle
 * (two stores with one identity, or forged), and so does an op under this store's own origin
 * that is not the very op of its outbox; the origin's own as before, the carried ones by
 * the rules of a scoped pull (by uuid and seq alone, a jump no gap and never moving a mark;
 * decisions of an origin this store does not know skipped, apply.h; never kept for relay to
 * the tier: the store they came from has them, or relays them itself), then writes the
 * signed acknowledgement to
 * `ack_path` (NULL: none; ack_flags as outfile.h).  Every refusal names the file and leaves
 * the store as it was.  Admins only.
 */
int bundle_import(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *ack_path,
		  unsigned ack_flags, struct bundle_import_result *res, struct cd_error *err);

struct bundle_ack_result {
	char receiver[40], office[8];
	int64_t seq, n_marked, conflicts;
	int64_t held;              /* the carried position the receiver now has (0: none said) */
};
/* Reads an acknowledgement (signed by a trusted receiver, for this store's ops) and marks
 * this store's ops up to its seq acknowledged by that receiver (own_acks; acked_at: by some
 * store, the first time), and the receiver's carried position (held)
 * raised (not sent: the national tier has not got them,
 * sync still sends them).  Twice changes nothing.  Admins only. */
int bundle_ack(struct cd_store *s, const struct cd_actor *actor, const char *path, struct bundle_ack_result *res,
	       struct cd_error *err);

#endif
