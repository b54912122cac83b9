/*
 * ed25519.c - a new Ed25519 key pair (ed25519.h).  The private seed lives on this stack
 * only while it is encoded, and is wiped before the function returns.
 */
#include "model/base/ed25519.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "model/base/b64.h"
#include "model/base/i18n.h"

int ed25519_keypair_new(char priv_b64[ED25519_KEY_B64], char pub_b64[ED25519_KEY_B64], struct cd_error *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *key = NULL;
	unsigned char priv[32], pub[32];
	size_t np = sizeof priv, nq = sizeof pub;
	int rc = CD_OK;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0 ||
	    EVP_PKEY_get_raw_private_key(key, priv, &np) <= 0 || EVP_PKEY_get_raw_public_key(key, pub, &nq) <= 0 ||
	    np != 32 || nq != 32) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not make an Ed25519 key pair"));
		goto out;
	}
	b64_encode(priv, 32, priv_b64);
	b64_encode(pub, 32, pub_b64);
out:
	OPENSSL_cleanse(priv, sizeof priv);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}
