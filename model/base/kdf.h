/*
 * kdf.h - passphrase hashes: scrypt (RFC 7914, OpenSSL's EVP_PBE_scrypt) with a random
 * salt, stored as one text that carries its own parameters,
 *
 *     scrypt$ln=14,r=8,p=1$<salt, hex>$<key, hex>
 *
 * so that the cost can rise later without invalidating the passphrases already set: a hash
 * is always checked with the parameters written in it.  Comparison is in constant time
 * (CRYPTO_memcmp).  No SQL here: model/store/passphrase.c keeps the hashes in the store.
 */
#ifndef CD_KDF_H
#define CD_KDF_H

#include <stddef.h>

#include "model/base/error.h"

/* scrypt's cost: N = 2^log2n, block size r, parallelism p. */
struct kdf_params {
	unsigned log2n, r, p;
};

/*
 * What new hashes use: N=2^15, r=8, p=1 (32 MiB), about 75 ms for one check on the
 * 2-core machine this was measured on, more under load (`make bench` prints the figure).
 * A field kit's passphrase is its only door; the lock after five failures bounds guessing
 * at the door, the cost bounds guessing at a copied store.
 */
#define KDF_LOG2N_DEFAULT 15
#define KDF_R_DEFAULT 8
#define KDF_P_DEFAULT 1

#define KDF_SALT_LEN 16
#define KDF_KEY_LEN 32
/* Room for the longest hash text this module writes or accepts, with its NUL. */
#define KDF_HASH_MAX 192

void kdf_params_default(struct kdf_params *p);

/* Hashes `pass` (len bytes) under a fresh random salt into out (KDF_HASH_MAX bytes). */
int kdf_hash(const char *pass, size_t len, const struct kdf_params *p, char *out, size_t size,
	     struct cd_error *err);
/* The same under a given salt (tests, known answers). */
int kdf_hash_salt(const char *pass, size_t len, const struct kdf_params *p, const unsigned char *salt,
		  size_t salt_len, char *out, size_t size, struct cd_error *err);

/*
 * Checks `pass` against a stored hash: CD_OK with *match 1 or 0; CD_EINPUT when `stored` is
 * not a hash this module understands (or asks for a cost beyond its limits, which would let
 * whoever wrote it stall every login), CD_EINTERNAL when the KDF itself failed.
 */
int kdf_verify(const char *pass, size_t len, const char *stored, int *match, struct cd_error *err);

/* Reads the parameters of a stored hash; 0 on success, -1 when it is not one. */
int kdf_parse_params(const char *stored, struct kdf_params *p);

#endif
