/*
 * ed25519.h - a new Ed25519 key pair as base64 text (OpenSSL): the stores' keys for
 * bundles (model/store/bundle.c) and for signing each op (model/store/opsig.c).
 */
#ifndef CD_BASE_ED25519_H
#define CD_BASE_ED25519_H

#include "model/base/error.h"

#define ED25519_KEY_B64 45   /* the base64 of 32 bytes and its NUL */

/* A fresh key pair: the private seed and the public key, 32 bytes each, as base64. */
int ed25519_keypair_new(char priv_b64[ED25519_KEY_B64], char pub_b64[ED25519_KEY_B64], struct cd_error *err);

#endif
