/*
 * opsig.c - per-op Ed25519 signatures (opsig.h): the canonical bytes, signing with this
 * store's key as each op is written (oplog.c), and the check a receiver makes of a carried
 * op (bundle.c) and `store check` makes of every op (oplog_sig_check, with the MAC of its
 * checkpoint).  Owns the store's key pair too (the bundle key of schema 19): the op log
 * and bundles need the same key, and neither should need the other module for it.
 *
 * Why a cached key: every op of a store is signed in its change's transaction, and OpenSSL
 * derives the public point from the seed each time a key is loaded; the seed read from the
 * store is compared with the cached one on every use, so a key made inside a transaction
 * that rolled back is never used for another.
 */
#include "model/store/opsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "model/base/b64.h"
#include "model/base/ed25519.h"
#include "model/base/i18n.h"
#include "model/store/store_internal.h"

#define ENC_MAGIC "casedesk-op-signature 1\n"

/* Lower-case hex only (the one form written), n digits into n / 2 bytes. */
static int hex_decode(const char *text, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

int opsig_sig_form(const char *text, size_t n)
{
	unsigned char raw[64];
	return text && n == OPSIG_SIG_B64 - 1 && b64_decode(text, n, raw, 64) == 0;
}

int opsig_commit_form(const char *text, size_t n)
{
	unsigned char raw[48];
	return text && (n == 96 || n == 64) && hex_decode(text, n, raw) == 0;
}

int opsig_digest(const unsigned char salt[OPSIG_SALT], const char *payload, unsigned char digest[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 32;
	int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, salt, OPSIG_SALT) == 1 &&
		 EVP_DigestUpdate(c, payload, strlen(payload)) == 1 && EVP_DigestFinal_ex(c, digest, &n) == 1;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

static void enc_member(struct cd_buf *out, const char *name, const char *value)
{
	size_t n = value ? strlen(value) : 0;
	buf_printf(out, "%s %zu:", name, n);
	buf_add(out, value ? value : "", n);
	buf_puts(out, "\n");
}

int opsig_encode(const struct opsig_op *op, const unsigned char digest[32], struct cd_buf *out, struct cd_error *err)
{
	char seq[24], hex[65];

	buf_reset(out);
	snprintf(seq, sizeof seq, "%lld", (long long)op->seq);
	hex_encode(digest, 32, hex);
	buf_puts(out, ENC_MAGIC);
	enc_member(out, "uuid", op->uuid);
	enc_member(out, "origin", op->origin);
	enc_member(out, "seq", seq);
	enc_member(out, "entity", op->entity);
	enc_member(out, "entity_uuid", op->entity_uuid);
	enc_member(out, "op", op->op);
	enc_member(out, "at", op->at);
	buf_printf(out, "payload %s\n", hex);
	if (out->failed)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return CD_OK;
}

/* The signing key of the last seed used: loading it costs more than signing one op. */
static struct {
	char seed[45];
	EVP_PKEY *key;
} cache;

static EVP_PKEY *signing_key(const char *priv_b64)
{
	unsigned char seed[32];
	EVP_PKEY *key;

	if (cache.key && strcmp(cache.seed, priv_b64) == 0)
		return cache.key;
	if (strlen(priv_b64) >= sizeof cache.seed || b64_decode(priv_b64, strlen(priv_b64), seed, 32))
		return NULL;
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	OPENSSL_cleanse(seed, sizeof seed);
	if (!key)
		return NULL;
	EVP_PKEY_free(cache.key);
	OPENSSL_cleanse(cache.seed, sizeof cache.seed);
	cache.key = key;
	snprintf(cache.seed, sizeof cache.seed, "%s", priv_b64);
	return key;
}

int opsig_sign(const struct opsig_op *op, const char *priv_b64, const unsigned char *salt, char sig[OPSIG_SIG_B64],
	       char commit[OPSIG_COMMIT_HEX], struct cd_error *err)
{
	unsigned char s[OPSIG_SALT], digest[32], raw[64];
	size_t n = sizeof raw;
	struct cd_buf enc = CD_BUF_INIT;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *key;
	int rc;

	if (!(key = signing_key(priv_b64)))
		return cd_error_set(err, CD_ESTORE, _("this store's signing key is damaged (not 32 bytes of base64)"));
	if (salt)
		memcpy(s, salt, sizeof s);
	else if (RAND_bytes(s, sizeof s) != 1)
		return cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not make random bytes to sign an op"));
	if (opsig_digest(s, op->payload, digest))
		return cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not hash an op"));
	if ((rc = opsig_encode(op, digest, &enc, err)))
		goto out;
	if (!(md = EVP_MD_CTX_new()) || EVP_DigestSignInit(md, NULL, NULL, NULL, key) <= 0 ||
	    EVP_DigestSign(md, raw, &n, (const unsigned char *)buf_str(&enc), enc.len) <= 0 || n != 64) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not sign an op"));
		goto out;
	}
	b64_encode(raw, 64, sig);
	hex_encode(s, OPSIG_SALT, commit);
	hex_encode(digest, 32, commit + 2 * OPSIG_SALT);
out:
	EVP_MD_CTX_free(md);
	buf_release(&enc);
	return rc;
}

struct opsig_key {
	EVP_PKEY *pkey;
};

int opsig_key_load(const char *pub_b64, struct opsig_key **out, struct cd_error *err)
{
	unsigned char pub[32];
	struct opsig_key *k;

	*out = NULL;
	if (!pub_b64 || b64_decode(pub_b64, strlen(pub_b64), pub, 32))
		return cd_error_set(err, CD_EINPUT, _("the key it is checked with is not 32 bytes of base64"));
	if (!(k = calloc(1, sizeof *k)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if (!(k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32))) {
		free(k);
		return cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not read an Ed25519 key"));
	}
	*out = k;
	return CD_OK;
}

void opsig_key_free(struct opsig_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

int opsig_message(const struct opsig_op *op, const char *sig, const char *commit, unsigned char raw[64],
		  struct cd_buf *enc, struct cd_error *err)
{
	unsigned char salt[OPSIG_SALT], digest[32], want[32];
	size_t cn = commit ? strlen(commit) : 0;

	if (!sig || strlen(sig) != OPSIG_SIG_B64 - 1 || b64_decode(sig, strlen(sig), raw, 64))
		return cd_error_set(err, CD_EINPUT, _("its signature is not 64 bytes of base64"));
	if (!opsig_commit_form(commit, cn))
		return cd_error_set(err, CD_EINPUT, _("its commitment is not 48 or 32 bytes of hex"));
	if (cn == 96) {
		/* The payload is here: it must be the one committed to. */
		hex_decode(commit, 32, salt);
		hex_decode(commit + 32, 64, want);
		if (!op->payload)
			return cd_error_set(err, CD_EREFUSED, _("its content is gone but its commitment still has its salt"));
		if (opsig_digest(salt, op->payload, digest))
			return cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not hash an op"));
		if (CRYPTO_memcmp(digest, want, 32) != 0)
			return cd_error_set(err, CD_EREFUSED, _("its content is not the content that was signed"));
	} else {
		/* Erased at some store on the way (or its values dropped once relayed, NULL): the
		 * digest alone, for an erased payload only. */
		if (op->payload && strcmp(op->payload, OPSIG_ERASED) != 0)
			return cd_error_set(err, CD_EREFUSED, _("it carries content but only the digest of erased content"));
		hex_decode(commit, 64, digest);
	}
	return opsig_encode(op, digest, enc, err);
}

int opsig_verify_message(const struct cd_buf *enc, const unsigned char raw[64], const struct opsig_key *key,
			 struct cd_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = CD_OK;

	if (!md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, key->pkey) <= 0)
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not read an Ed25519 key"));
	else if (EVP_DigestVerify(md, raw, 64, (const unsigned char *)enc->data, enc->len) != 1)
		rc = cd_error_set(err, CD_EREFUSED, _("its signature does not match its members or the key"));
	EVP_MD_CTX_free(md);
	return rc;
}

int opsig_verify_key(const struct opsig_op *op, const char *sig, const char *commit, const struct opsig_key *key,
		     struct cd_error *err)
{
	unsigned char raw[64];
	struct cd_buf enc = CD_BUF_INIT;
	int rc = opsig_message(op, sig, commit, raw, &enc, err);

	if (!rc)
		rc = opsig_verify_message(&enc, raw, key, err);
	buf_release(&enc);
	return rc;
}

/* ---- the check's checkpoint ---------------------------------------------------------------- */

struct opsig_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

int opsig_mac_new(const char *priv_b64, struct opsig_mac **out, struct cd_error *err)
{
	static const char label[] = "casedesk-opsig-checkpoint 1\n";
	unsigned char seed[32], key[32];
	char sha256[] = "SHA256";
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, sha256, 0), OSSL_PARAM_construct_end() };
	struct opsig_mac *m = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned int n = 32;
	int rc = CD_OK;

	*out = NULL;
	if (!priv_b64 || b64_decode(priv_b64, strlen(priv_b64), seed, 32))
		return cd_error_set(err, CD_ESTORE, _("this store's signing key is damaged (not 32 bytes of base64)"));
	/* The MAC key is the seed's own, apart from any signature: SHA-256(label || seed). */
	if (!(md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, label, sizeof label - 1) != 1 || EVP_DigestUpdate(md, seed, 32) != 1 ||
	    EVP_DigestFinal_ex(md, key, &n) != 1 || !(m = calloc(1, sizeof *m)) ||
	    !(m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) || !(m->ctx = EVP_MAC_CTX_new(m->mac)) ||
	    EVP_MAC_init(m->ctx, key, 32, params) != 1) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not start an HMAC"));
		opsig_mac_free(m);
		m = NULL;
	}
	EVP_MD_CTX_free(md);
	OPENSSL_cleanse(seed, sizeof seed);
	OPENSSL_cleanse(key, sizeof key);
	*out = m;
	return rc;
}

void opsig_mac_add(struct opsig_mac *m, const struct cd_buf *enc, const char *sig)
{
	EVP_MAC_update(m->ctx, (const unsigned char *)enc->data, enc->len);
	EVP_MAC_update(m->ctx, (const unsigned char *)sig, OPSIG_SIG_B64 - 1);
}

int opsig_mac_hex(struct opsig_mac *m, char hex[65])
{
	unsigned char out[32];
	size_t n = 0;

	if (EVP_MAC_final(m->ctx, out, &n, sizeof out) != 1 || n != 32)
		return -1;
	hex_encode(out, 32, hex);
	return 0;
}

void opsig_mac_free(struct opsig_mac *m)
{
	if (!m)
		return;
	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
	free(m);
}

int opsig_verify(const struct opsig_op *op, const char *sig, const char *commit, const char *pub_b64,
		 struct cd_error *err)
{
	struct opsig_key *key = NULL;
	int rc;

	/* The op's own form first, then the key: the message names what is wrong with the op. */
	if (!sig || b64_decode(sig, strlen(sig), (unsigned char[64]){ 0 }, 64))
		return cd_error_set(err, CD_EINPUT, _("its signature is not 64 bytes of base64"));
	if (!opsig_commit_form(commit, commit ? strlen(commit) : 0))
		return cd_error_set(err, CD_EINPUT, _("its commitment is not 48 or 32 bytes of hex"));
	if ((rc = opsig_key_load(pub_b64, &key, err)))
		return rc;
	rc = opsig_verify_key(op, sig, commit, key, err);
	opsig_key_free(key);
	return rc;
}

/* ---- the store's own key ----------------------------------------------------------------- */

int opsig_own_key(struct cd_store *s, char priv[45], char pub[45], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[40];
	int rc, r;

	if ((rc = st_prepare(s, "SELECT private_key, public_key FROM bundle_key WHERE id = 1", &st, err)))
		return rc;
	r = st_row(s, st, _("reading this store's bundle key"), err);
	if (r > 0) {
		snprintf(priv, 45, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(pub, 45, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	st_finish(s, st);
	if (r != 0)
		return r < 0 ? CD_ESTORE : CD_OK;
	if ((rc = ed25519_keypair_new(priv, pub, err)))
		return rc;
	store_now(s, now, sizeof now);
	if ((rc = st_prepare(s, "INSERT INTO bundle_key(id, private_key, public_key, created_at) VALUES (1, ?1, ?2, ?3)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, priv);
	st_bind_text(st, 2, pub);
	st_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("keeping this store's bundle key"), err);
	st_finish(s, st);
	return rc;
}

int opsig_sign_own(struct cd_store *s, const struct opsig_op *op, char sig[OPSIG_SIG_B64],
		   char commit[OPSIG_COMMIT_HEX], struct cd_error *err)
{
	char priv[45], pub[45];
	int rc = opsig_own_key(s, priv, pub, err);

	if (!rc)
		rc = opsig_sign(op, priv, NULL, sig, commit, err);
	OPENSSL_cleanse(priv, sizeof priv);
	return rc;
}
