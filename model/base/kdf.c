/* kdf.c - scrypt passphrase hashes in a self-describing text; see kdf.h. */
#include "model/base/kdf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/b64.h"
#include "model/base/i18n.h"

/*
 * Limits on what a stored hash may ask for: a hash is text in a store anyone with the kit's
 * OS account can write, and an absurd N would make every login take minutes or fail for
 * memory.  2^20 with r=8 is 1 GiB, the most a laptop can be asked for.
 */
#define LOG2N_MIN 10
#define LOG2N_MAX 20
#define R_MAX 32
#define P_MAX 16

void kdf_params_default(struct kdf_params *p)
{
	p->log2n = KDF_LOG2N_DEFAULT;
	p->r = KDF_R_DEFAULT;
	p->p = KDF_P_DEFAULT;
}

static int params_ok(const struct kdf_params *p)
{
	return p->log2n >= LOG2N_MIN && p->log2n <= LOG2N_MAX && p->r >= 1 && p->r <= R_MAX && p->p >= 1 &&
	       p->p <= P_MAX;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads exactly `n` hex digits (lower case) into n/2 bytes; -1 when they are not that. */
static int from_hex(const char *in, size_t n, unsigned char *out)
{
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(in[2 * i]), lo = hex_digit(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int derive(const char *pass, size_t len, const struct kdf_params *p, const unsigned char *salt,
		  size_t salt_len, unsigned char *key, size_t key_len, struct cd_error *err)
{
	uint64_t n = (uint64_t)1 << p->log2n;
	/* scrypt needs 128·r·N bytes for V and 128·r·p for B; OpenSSL refuses above maxmem. */
	uint64_t mem = 128u * (uint64_t)p->r * (n + p->p + 2) + (1u << 20);

	if (EVP_PBE_scrypt(pass, len, salt, salt_len, n, p->r, p->p, mem, key, key_len) != 1)
		return cd_error_set(err, CD_EINTERNAL,
				    _("the passphrase hash (scrypt N=2^%u r=%u p=%u) failed: out of memory?"), p->log2n,
				    p->r, p->p);
	return CD_OK;
}

int kdf_hash_salt(const char *pass, size_t len, const struct kdf_params *p, const unsigned char *salt,
		  size_t salt_len, char *out, size_t size, struct cd_error *err)
{
	unsigned char key[KDF_KEY_LEN];
	char salt_hex[2 * 32 + 1], key_hex[2 * KDF_KEY_LEN + 1];
	int rc;

	if (!params_ok(p) || salt_len == 0 || salt_len > 32)
		return cd_error_set(err, CD_EINTERNAL, _("passphrase hash: parameters out of range"));
	if ((rc = derive(pass, len, p, salt, salt_len, key, sizeof key, err)))
		return rc;
	hex_encode(salt, salt_len, salt_hex);
	hex_encode(key, sizeof key, key_hex);
	OPENSSL_cleanse(key, sizeof key);
	if ((size_t)snprintf(out, size, "scrypt$ln=%u,r=%u,p=%u$%s$%s", p->log2n, p->r, p->p, salt_hex, key_hex) >=
	    size)
		return cd_error_set(err, CD_EINTERNAL, _("passphrase hash: no room for the hash text"));
	return CD_OK;
}

int kdf_hash(const char *pass, size_t len, const struct kdf_params *p, char *out, size_t size,
	     struct cd_error *err)
{
	unsigned char salt[KDF_SALT_LEN];

	if (RAND_bytes(salt, sizeof salt) != 1)
		return cd_error_set(err, CD_EINTERNAL, _("no random bytes for a passphrase salt"));
	return kdf_hash_salt(pass, len, p, salt, sizeof salt, out, size, err);
}

/* Splits a stored hash: parameters, salt (bytes) and key (bytes); -1 when it is not one. */
static int parse(const char *stored, struct kdf_params *p, unsigned char *salt, size_t *salt_len,
		 unsigned char *key)
{
	unsigned ln, r, par;
	int at = 0;
	const char *s, *k;

	if (!stored || strncmp(stored, "scrypt$", 7) != 0)
		return -1;
	if (sscanf(stored + 7, "ln=%u,r=%u,p=%u$%n", &ln, &r, &par, &at) != 3 || at == 0)
		return -1;
	p->log2n = ln;
	p->r = r;
	p->p = par;
	if (!params_ok(p))
		return -1;
	s = stored + 7 + at;
	if (!(k = strchr(s, '$')))
		return -1;
	*salt_len = (size_t)(k - s) / 2;
	if (*salt_len == 0 || *salt_len > 32 || from_hex(s, (size_t)(k - s), salt))
		return -1;
	k++;
	if (strlen(k) != 2 * KDF_KEY_LEN || from_hex(k, 2 * KDF_KEY_LEN, key))
		return -1;
	return 0;
}

int kdf_parse_params(const char *stored, struct kdf_params *p)
{
	unsigned char salt[32], key[KDF_KEY_LEN];
	size_t salt_len;
	return parse(stored, p, salt, &salt_len, key);
}

int kdf_verify(const char *pass, size_t len, const char *stored, int *match, struct cd_error *err)
{
	unsigned char salt[32], want[KDF_KEY_LEN], got[KDF_KEY_LEN];
	struct kdf_params p;
	size_t salt_len;
	int rc;

	*match = 0;
	if (parse(stored, &p, salt, &salt_len, want))
		return cd_error_set(err, CD_EINPUT, _("a stored passphrase hash is not one casedesk can read"));
	if ((rc = derive(pass, len, &p, salt, salt_len, got, sizeof got, err)))
		return rc;
	/* Constant time: how much of the key matched must not show in how long the check took. */
	*match = CRYPTO_memcmp(got, want, sizeof got) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return CD_OK;
}
