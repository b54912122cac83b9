/*
 * libversion.c - the versions of the libraries model/base is built on: OpenSSL (hashing,
 * sealing, key derivation) and libunistring (UTF-8 checks, NFC, display width).  See
 * libversion.h for why both the built and the running version are told.
 */
#include "model/base/libversion.h"

#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <unistring/version.h>

/* libunistring packs its version as 0xMMmmpp (major, minor, subminor). */
static void unistring_text(char *buf, size_t size, int v)
{
	snprintf(buf, size, "%d.%d.%d", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

size_t base_lib_versions(struct cd_libversion *out, size_t max)
{
	size_t n = 0;

	if (n < max) {
		out[n].name = "OpenSSL";
		snprintf(out[n].built, sizeof out[n].built, "%s", OPENSSL_VERSION_STR);
		snprintf(out[n].running, sizeof out[n].running, "%s", OpenSSL_version(OPENSSL_VERSION_STRING));
		n++;
	}
	if (n < max) {
		out[n].name = "libunistring";
		unistring_text(out[n].built, sizeof out[n].built, _LIBUNISTRING_VERSION);
		unistring_text(out[n].running, sizeof out[n].running, _libunistring_version);
		n++;
	}
	return n;
}
