/*
 * seal.h - the biometric key and sealing: AES-256-GCM over each template, bound to its row,
 * with a key kept outside the store (CASEDESK_KEY or /etc/casedesk/biometric.key) readable
 * by its owner only.  A store copied without its key holds no usable biometric.  Pure
 * crypto: no SQL, no helper process; model/store/biometric.c seals what it writes and opens
 * what it reads.
 */
#ifndef CD_BIO_SEAL_H
#define CD_BIO_SEAL_H

#include <stddef.h>

#include "model/base/error.h"

#define BIO_DEFAULT_KEY_FILE "/etc/casedesk/biometric.key"

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

#endif
