/*
 * seal.c - the biometric key and AES-256-GCM sealing of templates; see seal.h.  OpenSSL's
 * EVP does the crypto; this file owns the blob format and the rules for the key file.
 */
#include "model/bio/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

#define SEAL_MAGIC "CDB1"
#define SEAL_IV 12
#define SEAL_TAG 16
#define SEAL_HEAD (4 + SEAL_IV + SEAL_TAG)

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int bio_key_load(struct bio_key *key, struct cd_error *err)
{
	const char *path = cd_env("CASEDESK_KEY");
	unsigned char raw[80];
	struct stat sb;
	ssize_t n = 0;
	int fd = -1, rc;

	memset(key, 0, sizeof *key);
	if (!path || !*path)
		path = BIO_DEFAULT_KEY_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("no biometric key at %s (%s); create one readable by its owner only, e.g. "
				    "`head -c 32 /dev/urandom > FILE && chmod 600 FILE`, and set CASEDESK_KEY=FILE"),
				  path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = cd_error_set(err, CD_EREFUSED, _("the biometric key %s is not a regular file"), path);
		goto out;
	}
	/* Installed setgid, the key is the group's (root:casedesk 0640) like the store's folder. */
	if (sb.st_mode & (privilege_setgid() && sb.st_gid == getegid() ? 027 : 077)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the biometric key %s is open to group or others (mode %03o); refusing it: "
				    "`chmod 600 %s`, and consider the key exposed"),
				  path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	n = read(fd, raw, sizeof raw);
	/* One line ending may follow the key (`echo`, an editor), and only one: a raw key's
	 * own last byte may be 0x0A or 0x0D (one key in 128), and stripping every trailing
	 * newline cut such a key to 31 bytes.  32 and 64 bytes are taken as they are. */
	if (n == 33 || n == 65) {
		if (raw[n - 1] == '\n' || raw[n - 1] == '\r')
			n--;
	} else if (n == 34 || n == 66) {
		if (raw[n - 2] == '\r' && raw[n - 1] == '\n')
			n -= 2;
	}
	if (n == 32) {
		memcpy(key->k, raw, 32);
	} else if (n == 64) {
		for (int i = 0; i < 32; i++) {
			int hi = hexval(raw[2 * i]), lo = hexval(raw[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				n = -1;
				break;
			}
			key->k[i] = (unsigned char)(hi * 16 + lo);
		}
	}
	if (n != 32 && n != 64) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the biometric key %s is not a key: it must hold 32 bytes, or 64 hex digits"), path);
		goto out;
	}
	key->loaded = 1;
	rc = CD_OK;
out:
	OPENSSL_cleanse(raw, sizeof raw);
	if (fd >= 0)
		close(fd);
	if (rc)
		bio_key_wipe(key);
	return rc;
}

void bio_key_wipe(struct bio_key *key)
{
	OPENSSL_cleanse(key, sizeof *key);
}

int bio_seal(const struct bio_key *key, const char *aad, const void *plain, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err)
{
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *blob = NULL;
	int len = 0, rc = CD_EINTERNAL;

	*out = NULL;
	*out_n = 0;
	if (!key->loaded || n > INT_MAX - SEAL_HEAD)
		return cd_error_set(err, CD_EINTERNAL, _("sealing a template without a key"));
	if (!(blob = malloc(SEAL_HEAD + n + 16)) || !(cx = EVP_CIPHER_CTX_new()))
		goto out;
	memcpy(blob, SEAL_MAGIC, 4);
	if (RAND_bytes(blob + 4, SEAL_IV) != 1 ||
	    EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV, NULL) != 1 ||
	    EVP_EncryptInit_ex(cx, NULL, NULL, key->k, blob + 4) != 1 ||
	    EVP_EncryptUpdate(cx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(cx, blob + SEAL_HEAD, &len, plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(cx, blob + SEAL_HEAD + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, blob + 4 + SEAL_IV) != 1)
		goto out;
	*out = blob;
	*out_n = SEAL_HEAD + n;
	blob = NULL;
	rc = CD_OK;
out:
	EVP_CIPHER_CTX_free(cx);
	free(blob);
	if (rc)
		cd_error_set(err, rc, _("encrypting a template failed (OpenSSL)"));
	return rc;
}

int bio_open(const struct bio_key *key, const char *aad, const void *blob_in, size_t n,
	     unsigned char **out, size_t *out_n, struct cd_error *err)
{
	const unsigned char *blob = blob_in;
	EVP_CIPHER_CTX *cx = NULL;
	unsigned char *plain = NULL;
	int len = 0, len2 = 0, rc = CD_EREFUSED;

	*out = NULL;
	*out_n = 0;
	if (!key->loaded || n < SEAL_HEAD || n > INT_MAX || memcmp(blob, SEAL_MAGIC, 4) != 0)
		return cd_error_set(err, CD_EREFUSED, _("a stored template is not in casedesk's sealed format"));
	if (!(plain = malloc(n - SEAL_HEAD + 1)) || !(cx = EVP_CIPHER_CTX_new())) {
		rc = CD_EINTERNAL;
		goto out;
	}
	if (EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV, NULL) != 1 ||
	    EVP_DecryptInit_ex(cx, NULL, NULL, key->k, blob + 4) != 1 ||
	    EVP_DecryptUpdate(cx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(cx, plain, &len, blob + SEAL_HEAD, (int)(n - SEAL_HEAD)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, (void *)(blob + 4 + SEAL_IV)) != 1 ||
	    EVP_DecryptFinal_ex(cx, plain + len, &len2) != 1)
		goto out;
	*out = plain;
	*out_n = (size_t)len + (size_t)len2;
	plain = NULL;
	rc = CD_OK;
out:
	EVP_CIPHER_CTX_free(cx);
	if (plain) {
		OPENSSL_cleanse(plain, n - SEAL_HEAD);
		free(plain);
	}
	if (rc == CD_EREFUSED)
		cd_error_set(err, rc, _("a stored template does not open with this biometric key: the wrong key "
					"(a store copied without its key), or the template was altered"));
	else if (rc)
		cd_error_set(err, rc, _("out of memory"));
	return rc;
}

void bio_aad(const char *person_uuid, const char *modality, const char *position, char *out, size_t size)
{
	snprintf(out, size, "casedesk-biometric-1|%s|%s|%s", person_uuid, modality, position ? position : "");
}
