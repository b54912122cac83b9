/*
 * bundle.c - bundles carried by hand (bundle.h): the Ed25519 keys, the format's writer and
 * its strict reader, and export, import and acknowledgement against the store.
 *
 * Why the reader checks the structure before the signature: a signature only says "not
 * this file", while a person holding a cut or shuffled stick needs to hear "cut short at
 * byte 1234" or "op 5 stands where 4 belongs"; every check runs before anything is
 * applied, so the order of the checks changes only the message, never the store.
 * Why the op lines are read here and not with SQLite's json functions: the reader must
 * run without a store (unit tests, the fuzzer) and must never accept what it cannot name.
 */
#include "model/store/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "model/base/b64.h"
#include "model/base/ed25519.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/outfile.h"
#include "model/base/privilege.h"
#include "model/store/opsig.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

#define MAGIC "casedesk-bundle "
#define SIG_PREFIX "signature ed25519 "
#define SIG_B64 88

/* ---- keys ------------------------------------------------------------------------------ */

int bundle_keypair_new(char priv_b64[BUNDLE_KEY_B64], char pub_b64[BUNDLE_KEY_B64], struct cd_error *err)
{
	return ed25519_keypair_new(priv_b64, pub_b64, err);
}

int bundle_sign_line(const unsigned char digest[32], const char *priv_b64, char line[128], struct cd_error *err)
{
	unsigned char seed[32], sig[64];
	size_t n = sizeof sig;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	int rc = CD_OK;

	if (b64_decode(priv_b64, strlen(priv_b64), seed, 32)) {
		rc = cd_error_set(err, CD_ESTORE, _("this store's bundle key is damaged (not 32 bytes of base64)"));
		goto out;
	}
	if (!(key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32)) || !(md = EVP_MD_CTX_new()) ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key) <= 0 || EVP_DigestSign(md, sig, &n, digest, 32) <= 0 ||
	    n != 64) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not sign the bundle"));
		goto out;
	}
	memcpy(line, SIG_PREFIX, sizeof SIG_PREFIX - 1);
	b64_encode(sig, 64, line + sizeof SIG_PREFIX - 1);
	memcpy(line + sizeof SIG_PREFIX - 1 + SIG_B64, "\n", 2);
out:
	OPENSSL_cleanse(seed, sizeof seed);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return rc;
}

int bundle_verify(const struct bundle *b, const char *pub_b64, struct cd_error *err)
{
	unsigned char pub[32];
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	int rc = CD_OK;

	if (b64_decode(pub_b64, strlen(pub_b64), pub, 32))
		return cd_error_set(err, CD_EINPUT, _("the trusted key of origin %s is not 32 bytes of base64"), b->origin);
	if (!(key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32)) || !(md = EVP_MD_CTX_new()) ||
	    EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) <= 0) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not read an Ed25519 key"));
		goto out;
	}
	if (EVP_DigestVerify(md, b->sig, 64, b->digest, 32) != 1)
		rc = cd_error_set(err, CD_EREFUSED,
				  _("the signature does not match the key trusted for origin %s (office %s): the file was "
				    "altered, or signed by another store; nothing was applied"),
				  b->origin, b->office);
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return rc;
}

int bundle_fingerprint(const char *pub_b64, char fpr[BUNDLE_FPR], struct cd_error *err)
{
	unsigned char pub[32], md[SHA256_DIGEST_LENGTH];

	if (b64_decode(pub_b64, strlen(pub_b64), pub, 32))
		return cd_error_set(err, CD_EINPUT, _("--key: not a public key (the 44 characters `casedesk bundle key` "
						      "prints)"));
	SHA256(pub, 32, md);
	snprintf(fpr, BUNDLE_FPR, "%02x%02x-%02x%02x-%02x%02x-%02x%02x", md[0], md[1], md[2], md[3], md[4], md[5], md[6],
		 md[7]);
	return CD_OK;
}

/* ---- the reader ------------------------------------------------------------------------ */

void bundle_free(struct bundle *b)
{
	free(b->ops);
	free(b->text);
	b->ops = NULL;
	b->text = NULL;
	b->n_ops = 0;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* p at '"': past the closing quote of a valid JSON string, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (++p >= e)
				return NULL;
			if (*p == 'u') {
				for (int i = 0; i < 4; i++)
					if (++p >= e || !strchr("0123456789abcdefABCDEF", *p) || !*p)
						return NULL;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
	}
	return NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_number(const char *p, const char *e)
{
	if (p < e && *p == '-')
		p++;
	if (p >= e || !is_digit(*p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < e && is_digit(*p))
			p++;
	if (p < e && *p == '.') {
		if (++p >= e || !is_digit(*p))
			return NULL;
		while (p < e && is_digit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !is_digit(*p))
			return NULL;
		while (p < e && is_digit(*p))
			p++;
	}
	return p;
}

/* Past one JSON value, or NULL; nesting deeper than 64 is refused (a payload is shallow). */
static const char *skip_value(const char *p, const char *e, int depth)
{
	if (depth > 64 || p >= e)
		return NULL;
	switch (*p) {
	case '"':
		return skip_string(p, e);
	case '{':
	case '[': {
		char close = *p == '{' ? '}' : ']';
		int first = 1;
		p = skip_ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (!first) {
				if (p >= e || *p != ',')
					return NULL;
				p = skip_ws(p + 1, e);
			}
			first = 0;
			if (close == '}') {
				if (p >= e || *p != '"' || !(p = skip_string(p, e)))
					return NULL;
				p = skip_ws(p, e);
				if (p >= e || *p != ':')
					return NULL;
				p = skip_ws(p + 1, e);
			}
			if (!(p = skip_value(p, e, depth + 1)))
				return NULL;
			p = skip_ws(p, e);
			if (p < e && *p == close)
				return p + 1;
		}
	}
	default:
		if ((size_t)(e - p) >= 4 && (!memcmp(p, "true", 4) || !memcmp(p, "null", 4)))
			return p + 4;
		if ((size_t)(e - p) >= 5 && !memcmp(p, "false", 5))
			return p + 5;
		return skip_number(p, e);
	}
}

/* A decimal 0 .. 10^15, all of it. */
static int parse_count(const char *p, size_t n, int64_t *v)
{
	int64_t x = 0;
	if (n == 0 || n > 15 || (n > 1 && p[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 0;
}

/* A store uuid: 36 characters of hex digits and dashes. */
static int is_uuid(const char *p, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != '-' : !strchr("0123456789abcdef", p[i]) || !p[i])
			return 0;
	}
	return 1;
}

static int is_office(const char *p, size_t n)
{
	if (n < 2 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 'A' || p[i] > 'Z')
			return 0;
	return 1;
}

/* Printable ASCII, no space: a timestamp. */
static int is_word(const char *p, size_t n, size_t max)
{
	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~')
			return 0;
	return 1;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/*
 * Decodes the JSON string body p .. e (already checked by skip_string) in place and ends
 * it with a NUL; NULL when done, or where it holds what no op member may: a control
 * character or a surrogate (every member is a uuid, a code, a name or a timestamp).
 */
static const char *unescape(char *p, const char *e)
{
	char *out = p;
	while (p < e) {
		const char *at = p;
		unsigned c = (unsigned char)*p++;
		if (c == '\\') {
			char k = *p++;
			if (k != 'u') {
				if (k != '"' && k != '\\' && k != '/')
					return at;     /* \b \f \n \r \t: control characters */
				*out++ = k;
				continue;
			}
			c = hex4(p);
			p += 4;
			if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff))
				return at;
			if (c < 0x80) {
				*out++ = (char)c;
			} else if (c < 0x800) {
				*out++ = (char)(0xc0 | (c >> 6));
				*out++ = (char)(0x80 | (c & 0x3f));
			} else {
				*out++ = (char)(0xe0 | (c >> 12));
				*out++ = (char)(0x80 | ((c >> 6) & 0x3f));
				*out++ = (char)(0x80 | (c & 0x3f));
			}
			continue;
		}
		*out++ = (char)c;
	}
	*out = '\0';
	return NULL;
}

#define BAD(...) cd_error_set(err, CD_EINPUT, __VA_ARGS__)

enum {
	M_UUID, M_ORIGIN, M_SEQ, M_OFFICE, M_ENTITY, M_ENTITY_UUID, M_OP, M_AT, M_PAYLOAD, M_SIG, M_COMMIT, M_COUNT
};
/* sig and commit (format 3) are optional: an op made before its origin signed has none. */
static const char *const member_names[M_COUNT] = { "uuid", "origin", "seq", "office", "entity",
						   "entity_uuid", "op", "at", "payload", "sig", "commit" };

/*
 * One op line (l .. e, without its '\n'), read in place: the strings are cut with NULs once
 * the whole line has been read.  Refusals name the line, the byte offset in the file and
 * the member, never a value.
 */
static int parse_op(char *l, char *e, size_t line, size_t offset, struct bundle_op *o, struct cd_error *err)
{
	const char *start[M_COUNT] = { 0 }, *end[M_COUNT] = { 0 };
	const char *p = skip_ws(l, e);
	int64_t seq = 0;
	int first = 1;

#define AT(q) (offset + (size_t)((q) - l))
	if (p >= e || *p != '{')
		return BAD(_("line %zu (byte %zu): an op is a JSON object"), line, AT(p));
	p = skip_ws(p + 1, e);
	for (;;) {
		if (p < e && *p == '}' && first)
			break;
		if (!first) {
			if (p < e && *p == '}')
				break;
			if (p >= e || *p != ',')
				return BAD(_("line %zu (byte %zu): a ',' or '}' was expected"), line, AT(p));
			p = skip_ws(p + 1, e);
		}
		first = 0;
		const char *k = p, *ke;
		if (p >= e || *p != '"' || !(ke = skip_string(p, e)))
			return BAD(_("line %zu (byte %zu): a member name was expected"), line, AT(p));
		int m;
		for (m = 0; m < M_COUNT; m++)
			if ((size_t)(ke - k - 2) == strlen(member_names[m]) && !memcmp(k + 1, member_names[m], ke - k - 2))
				break;
		if (m == M_COUNT)
			return BAD(_("line %zu (byte %zu): an op has no such member"), line, AT(k));
		if (start[m])
			return BAD(_("line %zu (byte %zu): member %s twice"), line, AT(k), member_names[m]);
		p = skip_ws(ke, e);
		if (p >= e || *p != ':')
			return BAD(_("line %zu (byte %zu): a ':' was expected"), line, AT(p));
		p = skip_ws(p + 1, e);
		const char *v = p;
		if (m == M_PAYLOAD) {
			if (p >= e || *p != '{' || !(p = skip_value(p, e, 0)))
				return BAD(_("line %zu (byte %zu): member payload is not a valid JSON object"), line, AT(v));
			start[m] = v;
			end[m] = p;
		} else if (m == M_SEQ) {
			while (p < e && is_digit(*p))
				p++;
			if (parse_count(v, (size_t)(p - v), &seq) || seq < 1)
				return BAD(_("line %zu (byte %zu): member seq is not a number from 1"), line, AT(v));
			start[m] = v;
			end[m] = p;
		} else {
			if (p >= e || *p != '"')
				return BAD(_("line %zu (byte %zu): member %s is not a string"), line, AT(v), member_names[m]);
			if (!(p = skip_string(p, e)))
				return BAD(_("line %zu (byte %zu): member %s is not a valid JSON string"), line, AT(v),
					   member_names[m]);
			if (p - v - 2 == 0 || p - v - 2 > 400)
				return BAD(_("line %zu (byte %zu): member %s is empty or too long"), line, AT(v),
					   member_names[m]);
			start[m] = v + 1;
			end[m] = p - 1;
		}
		p = skip_ws(p, e);
	}
	p = skip_ws(p + 1, e);
	if (p != e)
		return BAD(_("line %zu (byte %zu): something follows the op's closing '}'"), line, AT(p));
	for (int m = 0; m < M_SIG; m++)
		if (!start[m])
			return BAD(_("line %zu (byte %zu): the op has no member %s"), line, offset, member_names[m]);
	if (!start[M_SIG] != !start[M_COMMIT])
		return BAD(_("line %zu (byte %zu): the op has no member %s"), line, offset,
			   member_names[start[M_SIG] ? M_COMMIT : M_SIG]);
	if (!is_uuid(start[M_ORIGIN], (size_t)(end[M_ORIGIN] - start[M_ORIGIN])))
		return BAD(_("line %zu (byte %zu): member origin is not a store uuid"), line, AT(start[M_ORIGIN]));
	/* Every member read: the strings decoded in place (a decoded string is never longer
	 * than its JSON form) and cut where they end; no member overlaps another. */
	for (int m = 0; m < M_COUNT; m++) {
		if (m == M_SEQ || !start[m])
			continue;
		if (m == M_PAYLOAD) {
			*(char *)end[m] = '\0';
			continue;
		}
		const char *bad = unescape((char *)start[m], end[m]);
		if (bad)
			return BAD(_("line %zu (byte %zu): member %s holds a control character or a lone surrogate"), line,
				   AT(bad), member_names[m]);
	}
	if (start[M_SIG] && !opsig_sig_form(start[M_SIG], strlen(start[M_SIG])))
		return BAD(_("line %zu (byte %zu): member sig is not an Ed25519 signature in base64"), line,
			   AT(start[M_SIG]));
	if (start[M_COMMIT] && !opsig_commit_form(start[M_COMMIT], strlen(start[M_COMMIT])))
		return BAD(_("line %zu (byte %zu): member commit is not 64 or 96 hex digits"), line,
			   AT(start[M_COMMIT]));
	o->op.uuid = start[M_UUID];
	o->op.origin = start[M_ORIGIN];
	o->op.origin_seq = seq;
	o->op.origin_office = start[M_OFFICE];
	o->op.entity = start[M_ENTITY];
	o->op.entity_uuid = start[M_ENTITY_UUID];
	o->op.op = start[M_OP];
	o->op.at = start[M_AT];
	o->op.payload = start[M_PAYLOAD];
	o->sig = start[M_SIG];
	o->commit = start[M_COMMIT];
	o->line = line;
	o->offset = offset;
	o->carried = 0;
	return CD_OK;
#undef AT
}

enum { H_KIND, H_ID, H_ORIGIN, H_OFFICE, H_CREATED, H_FIRST, H_LAST, H_COUNT, H_ACKED, H_FOR, H_SEQ, H_APPLIED,
       H_ALREADY, H_CONFLICTS, H_NAME, H_ROLE, H_CARRIED, H_HELD, H_TO, H_N };
static const char *const header_names[H_N] = { "kind", "id", "origin", "office", "created", "first", "last", "count",
					       "acked", "for", "seq", "applied", "already", "conflicts", "name", "role",
					       "carried", "held", "to" };

/* One header line "name value": checked and stored in b. */
static int parse_header(struct bundle *b, const char *l, size_t n, size_t line, size_t offset, int seen[H_N],
			struct cd_error *err)
{
	const char *sp = memchr(l, ' ', n);
	int h;

	if (!sp)
		return BAD(_("line %zu (byte %zu): a header line is a name, a space and a value"), line, offset);
	for (h = 0; h < H_N; h++)
		if ((size_t)(sp - l) == strlen(header_names[h]) && !memcmp(l, header_names[h], (size_t)(sp - l)))
			break;
	if (h == H_N)
		return BAD(_("line %zu (byte %zu): not a header of a bundle"), line, offset);
	if (seen[h])
		return BAD(_("line %zu (byte %zu): header %s twice"), line, offset, header_names[h]);
	seen[h] = 1;
	const char *v = sp + 1;
	size_t vn = n - (size_t)(v - l);
	int ok = 1;
	switch (h) {
	case H_KIND:
		if (vn == 3 && !memcmp(v, "ops", 3))
			b->kind = BUNDLE_OPS;
		else if (vn == 3 && !memcmp(v, "ack", 3))
			b->kind = BUNDLE_ACK;
		else
			ok = 0;
		break;
	case H_ID:
	case H_ORIGIN:
	case H_FOR:
	case H_TO:
		if ((ok = is_uuid(v, vn)))
			memcpy(h == H_ID ? b->id : h == H_ORIGIN ? b->origin : h == H_FOR ? b->for_origin : b->to, v, vn);
		break;
	case H_OFFICE:
		if ((ok = is_office(v, vn)))
			memcpy(b->office, v, vn);
		break;
	case H_CREATED:
		if ((ok = is_word(v, vn, sizeof b->created)))
			memcpy(b->created, v, vn);
		break;
	case H_NAME:
		/* Optional (relay): the origin's name as the national tier lists it (K07, TBS). */
		if ((ok = is_word(v, vn, sizeof b->name)))
			memcpy(b->name, v, vn);
		break;
	case H_ROLE:
		if ((ok = (vn == 3 && !memcmp(v, "kit", 3)) || (vn == 6 && !memcmp(v, "office", 6))))
			memcpy(b->role, v, vn);
		break;
	default: {
		int64_t *slot[H_N] = { [H_FIRST] = &b->first, [H_LAST] = &b->last, [H_COUNT] = &b->count,
				       [H_ACKED] = &b->acked, [H_SEQ] = &b->seq, [H_APPLIED] = &b->applied,
				       [H_ALREADY] = &b->already, [H_CONFLICTS] = &b->conflicts,
				       [H_CARRIED] = &b->carried, [H_HELD] = &b->held };
		ok = parse_count(v, vn, slot[h]) == 0;
	}
	}
	if (!ok)
		return BAD(_("line %zu (byte %zu): header %s has no valid value"), line, offset, header_names[h]);
	return CD_OK;
}

/*
 * The carried op just read (b->ops[b->n_ops]) comes after every earlier carried op of its
 * origin: the seqs of one origin rise (gaps allowed: the sender held only its scope).  A
 * linear look back per origin: a bundle carries the ops of a handful of stores.
 */
static int carried_in_order(const struct bundle *b, size_t line, size_t pos, struct cd_error *err)
{
	const struct bundle_op *o = &b->ops[b->n_ops];
	for (size_t i = b->n_ops; i-- > 0;) {
		if (!b->ops[i].carried || strcmp(b->ops[i].op.origin, o->op.origin) != 0)
			continue;
		if (b->ops[i].op.origin_seq >= o->op.origin_seq)
			return BAD(_("out of order: line %zu (byte %zu) holds op %lld of origin %s after its op %lld"), line,
				   pos, (long long)o->op.origin_seq, o->op.origin, (long long)b->ops[i].op.origin_seq);
		return CD_OK;
	}
	return CD_OK;
}

int bundle_parse(const char *data, size_t len, struct bundle *b, struct cd_error *err)
{
	static const int need_ops[] = { H_KIND, H_ID, H_ORIGIN, H_OFFICE, H_CREATED, H_FIRST, H_LAST, H_COUNT, H_ACKED };
	static const int need_ack[] = { H_KIND, H_ID, H_ORIGIN, H_OFFICE, H_CREATED, H_FOR, H_SEQ, H_APPLIED,
					H_ALREADY, H_CONFLICTS };
	int seen[H_N] = { 0 }, in_header = 1, signed_ = 0, rc = CD_OK;
	size_t pos = 0, line = 0, cap = 0;

	memset(b, 0, sizeof *b);
	if (len > BUNDLE_MAX_BYTES)
		return BAD(_("larger than a bundle can be (%zu bytes)"), len);
	if (len < sizeof MAGIC - 1 || memcmp(data, MAGIC, sizeof MAGIC - 1) != 0)
		return BAD(_("not a casedesk bundle: it does not begin with \"casedesk-bundle\""));
	if (!(b->text = malloc(len + 1)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	memcpy(b->text, data, len);
	b->text[len] = '\0';
	if (memchr(data, '\0', len)) {
		size_t at = (size_t)((const char *)memchr(data, '\0', len) - data);
		rc = BAD(_("a NUL byte at byte %zu: not a bundle, or damaged"), at);
		goto out;
	}
	while (pos < len) {
		char *l = b->text + pos, *nl = memchr(l, '\n', len - pos);
		line++;
		if (!nl) {
			rc = BAD(_("cut short: line %zu (byte %zu) does not end, and the file ends at byte %zu before its "
				   "signature"),
				 line, pos, len);
			goto out;
		}
		size_t n = (size_t)(nl - l), next = pos + n + 1;
		if (line == 1) {
			int64_t v;
			if (parse_count(l + sizeof MAGIC - 1, n - (sizeof MAGIC - 1), &v)) {
				rc = BAD(_("line 1: no format version after \"casedesk-bundle\""));
				goto out;
			}
			if (v < BUNDLE_FORMAT_OLDEST || v > BUNDLE_FORMAT) {
				rc = BAD(_("bundle format %lld; this program reads formats %d to %d%s"), (long long)v,
					 BUNDLE_FORMAT_OLDEST, BUNDLE_FORMAT,
					 v > BUNDLE_FORMAT ? _(" (made by a newer casedesk: update this one)") : "");
				goto out;
			}
			b->format = (int)v;
		} else if (in_header) {
			if (n == 2 && !memcmp(l, "--", 2)) {
				in_header = 0;
				const int *need = b->kind == BUNDLE_ACK ? need_ack : need_ops;
				size_t nn = b->kind == BUNDLE_ACK ? sizeof need_ack / sizeof *need_ack
								  : sizeof need_ops / sizeof *need_ops;
				for (size_t i = 0; i < nn; i++)
					if (!seen[need[i]]) {
						rc = BAD(_("line %zu (byte %zu): the header has no %s"), line, pos,
							 header_names[need[i]]);
						goto out;
					}
				/* Format 2: the others' ops counted, and (then only) none of its own. */
				if (b->format >= 2 && b->kind == BUNDLE_OPS && (!seen[H_CARRIED] || !seen[H_HELD])) {
					rc = BAD(_("line %zu (byte %zu): the header has no %s"), line, pos,
						 header_names[seen[H_CARRIED] ? H_HELD : H_CARRIED]);
					goto out;
				}
				if (b->format < 2 && (seen[H_CARRIED] || seen[H_HELD] || seen[H_TO])) {
					rc = BAD(_("line %zu (byte %zu): a format 1 bundle carries no other origin's ops"),
						 line, pos);
					goto out;
				}
				if (b->kind == BUNDLE_OPS && (b->count < (b->carried ? 0 : 1) || b->first < 1 ||
							      b->last != b->first + b->count - 1)) {
					rc = BAD(_("the header's first, last and count do not agree"));
					goto out;
				}
			} else if ((rc = parse_header(b, l, n, line, pos, seen, err))) {
				goto out;
			}
		} else if (n >= sizeof SIG_PREFIX - 1 && !memcmp(l, SIG_PREFIX, sizeof SIG_PREFIX - 1)) {
			if (n - (sizeof SIG_PREFIX - 1) != SIG_B64 ||
			    b64_decode(l + sizeof SIG_PREFIX - 1, SIG_B64, b->sig, 64)) {
				rc = BAD(_("line %zu (byte %zu): the signature is cut short or damaged"), line, pos);
				goto out;
			}
			if (next != len) {
				rc = BAD(_("byte %zu: something follows the signature (line %zu ends the bundle)"), next, line);
				goto out;
			}
			SHA256((const unsigned char *)data, pos, b->digest);
			signed_ = 1;
		} else if (b->kind == BUNDLE_OPS && n && l[0] == '{') {
			ST_GROW(b->ops, b->n_ops, cap);
			if ((rc = parse_op(l, nl, line, pos, &b->ops[b->n_ops], err)))
				goto out;
			struct bundle_op *o = &b->ops[b->n_ops];
			int64_t want = b->first + (int64_t)b->n_own;
			if (b->format < 3 && o->sig) {
				rc = BAD(_("line %zu (byte %zu): a format %d bundle carries no op signatures"), line, pos,
					 b->format);
				goto out;
			}
			if (strcmp(o->op.origin, b->origin) != 0) {
				/* Another origin's op: carried (format 2), among the bundle's own in the
				 * order they happened at the sender. */
				if (!b->carried) {
					rc = BAD(_("line %zu (byte %zu): an op of another origin than the bundle's"), line,
						 pos);
					goto out;
				}
				o->carried = 1;
				if ((rc = carried_in_order(b, line, pos, err)))
					goto out;
				b->n_ops++;
				if ((int64_t)(b->n_ops - b->n_own) > b->carried) {
					rc = BAD(_("line %zu (byte %zu): more ops of other origins than the header's "
						   "carried (%lld)"),
						 line, pos, (long long)b->carried);
					goto out;
				}
				pos = next;
				continue;
			}
			if (o->op.origin_seq != want) {
				rc = BAD(_("out of order: line %zu (byte %zu) holds op %lld where op %lld belongs"), line, pos,
					 (long long)o->op.origin_seq, (long long)want);
				goto out;
			}
			b->n_ops++;
			b->n_own++;
			if ((int64_t)b->n_own > b->count) {
				rc = BAD(_("line %zu (byte %zu): more ops than the header's count (%lld)"), line, pos,
					 (long long)b->count);
				goto out;
			}
		} else {
			rc = BAD(_("line %zu (byte %zu): neither an op nor the signature"), line, pos);
			goto out;
		}
		pos = next;
	}
	if (!signed_) {
		rc = BAD(_("cut short: the file ends at byte %zu (line %zu) without its signature%s"), len, line,
			 in_header ? _(", inside its header") : "");
		goto out;
	}
	if (b->kind == BUNDLE_OPS && (int64_t)b->n_own != b->count) {
		rc = BAD(_("cut short: the header says %lld ops, the file holds %zu"), (long long)b->count, b->n_own);
		goto out;
	}
	if (b->kind == BUNDLE_OPS && (int64_t)(b->n_ops - b->n_own) != b->carried) {
		rc = BAD(_("cut short: the header says %lld ops of other origins, the file holds %zu"),
			 (long long)b->carried, b->n_ops - b->n_own);
		goto out;
	}
	return CD_OK;
out:
	bundle_free(b);
	return rc;
}

/* ---- the store's side ------------------------------------------------------------------ */

static int admin_only(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor && (actor->roles & CD_ROLE_ADMIN))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED, _("bundles are for admins; %s is not one"), actor ? actor->name : "?");
}

/* This store's key pair, made (inside the caller's transaction) when it has none yet: the
 * key its ops are signed with too (opsig.h). */
static int own_key(struct cd_store *s, char priv[BUNDLE_KEY_B64], char pub[BUNDLE_KEY_B64], struct cd_error *err)
{
	return opsig_own_key(s, priv, pub, err);
}

int bundle_key_public(struct cd_store *s, const struct cd_actor *actor, char pub_b64[BUNDLE_KEY_B64],
		      char fpr[BUNDLE_FPR], struct cd_error *err)
{
	char priv[BUNDLE_KEY_B64];
	int rc;

	if ((rc = admin_only(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = own_key(s, priv, pub_b64, err)) || (rc = bundle_fingerprint(pub_b64, fpr, err)))
		goto out;
	OPENSSL_cleanse(priv, sizeof priv);
	return store_commit(s, err);
out:
	OPENSSL_cleanse(priv, sizeof priv);
	store_rollback(s);
	return rc;
}

/* The key and office `origin` is trusted with: 1 found, 0 not trusted, -1 store error. */
static int trusted_key(struct cd_store *s, const char *origin, char office[8], char pub[BUNDLE_KEY_B64],
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;
	if (st_prepare(s, "SELECT office, public_key FROM trusted_origins WHERE origin = ?1", &st, err))
		return -1;
	st_bind_text(st, 1, origin);
	r = st_row(s, st, _("reading the trusted origins"), err);
	if (r > 0) {
		snprintf(office, 8, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(pub, BUNDLE_KEY_B64, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	st_finish(s, st);
	return r;
}

/* *added: 1 when the origin was trusted now, 0 when it was already (with the same key). */
static int trust_add(struct cd_store *s, const char *origin, const char *office, const char *pub_b64, int *added,
		     struct cd_error *err)
{
	char have_office[8], have_key[BUNDLE_KEY_B64], fpr[BUNDLE_FPR], now[40];
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (!origin || !is_uuid(origin, strlen(origin)))
		return cd_error_set(err, CD_EINPUT, _("--origin: a store's uuid (36 characters, as `casedesk bundle key` "
						      "prints it)"));
	if (!office || !is_office(office, strlen(office)))
		return cd_error_set(err, CD_EINPUT, _("--office: an office code of 2 to 5 capital letters"));
	if ((rc = bundle_fingerprint(pub_b64, fpr, err)))
		return rc;
	if (strcmp(origin, s->uuid) == 0)
		return cd_error_set(err, CD_EREFUSED, _("origin %s is this store itself: trust another store's key"),
				    origin);
	if ((r = trusted_key(s, origin, have_office, have_key, err)) < 0)
		return CD_ESTORE;
	*added = r == 0;
	if (r > 0) {
		if (strcmp(have_key, pub_b64) == 0 && strcmp(have_office, office) == 0)
			return CD_OK;
		return cd_error_set(err, CD_EREFUSED,
				    _("origin %s is already trusted, as office %s with another key or office; a key is "
				      "never replaced here"),
				    origin, have_office);
	}
	store_now(s, now, sizeof now);
	if ((rc = st_prepare(s, "INSERT INTO trusted_origins(origin, office, public_key, added_at) VALUES (?1, ?2, ?3, ?4)",
			     &st, err)))
		return rc;
	st_bind_text(st, 1, origin);
	st_bind_text(st, 2, office);
	st_bind_text(st, 3, pub_b64);
	st_bind_text(st, 4, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("trusting an origin"), err);
	st_finish(s, st);
	return rc;
}

int bundle_trust_add(struct cd_store *s, const char *origin, const char *office, const char *pub_b64,
		     struct cd_error *err)
{
	int added;
	return trust_add(s, origin, office, pub_b64, &added, err);
}

int bundle_trust_kit(struct cd_store *office, struct cd_store *kit, struct cd_error *err)
{
	char priv[BUNDLE_KEY_B64], opub[BUNDLE_KEY_B64], kpub[BUNDLE_KEY_B64];
	int rc, added;

	/* The office's key first (kept even if what follows fails: it is the office's anyway),
	 * then the kit's with its trust of the office, then the office's trust of the kit. */
	if ((rc = store_begin(office, err)))
		return rc;
	if ((rc = own_key(office, priv, opub, err)) || (rc = store_commit(office, err)))
		goto fail_office;
	if ((rc = store_begin(kit, err)))
		goto out;
	if ((rc = own_key(kit, priv, kpub, err)) ||
	    (rc = trust_add(kit, office->uuid, store_office(office), opub, &added, err)) || (rc = store_commit(kit, err))) {
		store_rollback(kit);
		goto out;
	}
	if ((rc = store_begin(office, err)))
		goto out;
	if ((rc = trust_add(office, kit->uuid, store_office(kit), kpub, &added, err)) || (rc = store_commit(office, err)))
		goto fail_office;
	goto out;
fail_office:
	store_rollback(office);
out:
	OPENSSL_cleanse(priv, sizeof priv);
	return rc;
}

int bundle_trust(struct cd_store *s, const struct cd_actor *actor, const char *origin, const char *office,
		 const char *pub_b64, struct cd_error *err)
{
	int rc, added = 0;
	if ((rc = admin_only(actor, err)) || (rc = store_begin(s, err)))
		return rc;
	if ((rc = trust_add(s, origin, office, pub_b64, &added, err)) ||
	    (added && (rc = store_add_audit(s, actor, "change", "trusted_origin", origin, "bundle trust", err)))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* The writer's pieces go to the file and into the digest the signature covers. */
struct emitter {
	struct outfile *o;
	EVP_MD_CTX *md;
};

static int emit(struct emitter *em, const char *text, size_t n, struct cd_error *err)
{
	int rc = outfile_write(em->o, text, n, err);
	if (!rc && EVP_DigestUpdate(em->md, text, n) != 1)
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not hash the bundle"));
	return rc;
}

static int emit_buf(struct emitter *em, struct cd_buf *b, struct cd_error *err)
{
	if (b->failed)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory writing a bundle"));
	return emit(em, buf_str(b), b->len, err);
}

/*
 * The held ops (schema 25) a receiver may lack: ?1 the receiver, or NULL for every trusted
 * store.  Not its own, not what its own bundle brought, not what its acknowledgement said it
 * had (carry_acks).  ?4: the receiver's office when it is known (--for): then only what the
 * network's pull would give it (model/national/national_push.c national_pull): persons and
 * their documents, aliases, addresses and families of every office, cases of its office
 * only - a kit of TBS gets no case of BTM from a bundle either.  SEL is the select list.
 */
#define IN_SCOPE(H, OFFICE)                                                                                      \
	"(" H ".entity IN ('person', 'document', 'alias', 'address', 'family') OR (" H ".entity = 'case'"             \
	" AND EXISTS (SELECT 1 FROM cases c WHERE c.uuid = " H ".entity_uuid AND c.office = " OFFICE ")))"
#define CARRIED_FROM(SEL)                                                                                        \
	"SELECT " SEL " FROM held_ops h WHERE EXISTS (SELECT 1 FROM trusted_origins t"                                \
	" LEFT JOIN carry_acks c ON c.receiver = t.origin WHERE (?1 IS NULL OR t.origin = ?1)"                        \
	" AND t.origin <> h.origin AND h.via IS NOT t.origin AND h.pos > coalesce(c.held, 0))"                        \
	" AND (?4 IS NULL OR " IN_SCOPE("h", "?4") ") AND h.payload <> '" BUNDLE_OUT_OF_SCOPE "'"

static int carried_count(struct cd_store *s, const char *for_origin, const char *scope, int64_t *n, int64_t *held,
			 struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(s, CARRIED_FROM("count(*)"), &st, err)))
		return rc;
	st_bind_text(st, 1, for_origin);
	st_bind_text(st, 4, scope);
	if ((r = st_row(s, st, _("reading the ops held from other stores"), err)) > 0)
		*n = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : st_fail(s, _("reading the ops held from other stores"), err);
	if ((rc = st_prepare(s, "SELECT coalesce(max(pos), 0) FROM held_ops", &st, err)))
		return rc;
	if ((r = st_row(s, st, _("reading the ops held from other stores"), err)) > 0)
		*held = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : st_fail(s, _("reading the ops held from other stores"), err);
	return CD_OK;
}

/*
 * A bundle for every trusted store (no --for) is cut to no receiver's scope: how many of its
 * carried ops the network's pull would not give every store (cases, and so of which offices;
 * checks and the like, which it gives none), so that the export can say so.
 */
static int unfiltered_count(struct cd_store *s, struct bundle_export_result *res, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(s, "SELECT count(*), coalesce(group_concat(DISTINCT c.office), '') FROM (" CARRIED_FROM("h.*")
				") x LEFT JOIN cases c ON x.entity = 'case' AND c.uuid = x.entity_uuid"
				" WHERE x.entity NOT IN ('person', 'document', 'alias', 'address', 'family')",
			     &st, err)))
		return rc;
	if ((r = st_row(s, st, _("reading the ops held from other stores"), err)) > 0) {
		res->unfiltered = sqlite3_column_int64(st, 0);
		snprintf(res->unfiltered_offices, sizeof res->unfiltered_offices, "%s",
			 (const char *)sqlite3_column_text(st, 1));
	}
	st_finish(s, st);
	if (r <= 0)
		return r < 0 ? CD_ESTORE : st_fail(s, _("reading the ops held from other stores"), err);
	return CD_OK;
}

/* One op line: the members in the reader's order, the op's signature and commitment as its
 * origin wrote them (none when it has none), the stored payload spliced as it is (the one
 * writer's JSON, one line: the bytes its signature covers). */
static int emit_op(struct emitter *em, struct cd_buf *b, const char *uuid, const char *origin, int64_t seq,
		   const char *office, const char *entity, const char *entity_uuid, const char *op, const char *at,
		   const char *sig, const char *commit, const char *payload, struct cd_error *err)
{
	struct json_writer w;
	int rc;

	buf_reset(b);
	json_init(&w, b);
	json_object(&w);
	json_kv_string(&w, "uuid", uuid);
	json_kv_string(&w, "origin", origin);
	json_kv_int(&w, "seq", seq);
	json_kv_string(&w, "office", office);
	json_kv_string(&w, "entity", entity);
	json_kv_string(&w, "entity_uuid", entity_uuid);
	json_kv_string(&w, "op", op);
	json_kv_string(&w, "at", at);
	if (sig && commit) {
		json_kv_string(&w, "sig", sig);
		json_kv_string(&w, "commit", commit);
	}
	json_object_end(&w);
	if ((rc = json_done(&w, err)))
		return rc;
	b->len--;
	buf_printf(b, ",\"payload\":%s}\n", payload ? payload : "{}");
	return emit_buf(em, b, err);
}

int bundle_export(struct cd_store *s, const struct cd_actor *actor, const char *path, unsigned flags,
		  struct bundle_export_result *res, struct cd_error *err)
{
	return bundle_export_for(s, actor, path, NULL, flags, res, err);
}

int bundle_export_for(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *for_origin,
		      unsigned flags, struct bundle_export_result *res, struct cd_error *err)
{
	static const char range_sql[] = "SELECT count(*), coalesce(min(origin_seq), 0), coalesce(max(origin_seq), 0)"
					" FROM outbox WHERE origin = ?1 AND origin_seq > ?2";
	/* Acknowledged per receiver (schema 26): what this one said it has; for every trusted
	 * store, what the one that has the least said (an op goes in when one may lack it). */
	static const char acked_sql[] =
		"SELECT CASE WHEN ?1 IS NOT NULL THEN coalesce((SELECT acked_seq FROM own_acks WHERE receiver = ?1), 0)"
		" ELSE coalesce((SELECT min(coalesce(a.acked_seq, 0)) FROM trusted_origins t"
		"  LEFT JOIN own_acks a ON a.receiver = t.origin), 0) END";
	char priv[BUNDLE_KEY_B64] = "", pub[BUNDLE_KEY_B64], id[37], now[40], sig[128], kit_name[32] = "";
	char scope[8] = "";
	unsigned char digest[32];
	struct outfile o = OUTFILE_INIT;
	struct emitter em = { &o, NULL };
	struct cd_buf b = CD_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, r, opened = 0;

	memset(res, 0, sizeof *res);
	if ((rc = admin_only(actor, err)) || (rc = outfile_check(path, flags, err)) || (rc = store_begin(s, err)))
		return rc;
	if (for_origin) {
		/* The receiver's office, as it was trusted (its bundles and acknowledgements are
		 * refused when they say another): the scope its bundle is cut to. */
		char fk[BUNDLE_KEY_B64];
		if ((r = trusted_key(s, for_origin, scope, fk, err)) <= 0) {
			rc = r < 0 ? CD_ESTORE
				   : cd_error_set(err, CD_EINPUT, _("--for %s: not a store trusted here (`casedesk bundle "
								    "trust` first)"),
						  for_origin);
			goto out;
		}
		snprintf(res->scope, sizeof res->scope, "%s", scope);
	}
	if ((rc = own_key(s, priv, pub, err)) ||
	    (rc = carried_count(s, for_origin, scope[0] ? scope : NULL, &res->carried, &res->held, err)) ||
	    (!scope[0] && (rc = unfiltered_count(s, res, err))) || (rc = st_prepare(s, acked_sql, &st, err)))
		goto out;
	st_bind_text(st, 1, for_origin);
	if ((r = st_row(s, st, _("reading the op log"), err)) <= 0) {
		rc = r < 0 ? CD_ESTORE : st_fail(s, _("reading the op log"), err);
		goto out;
	}
	res->acked = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	if ((rc = st_prepare(s, range_sql, &st, err)))
		goto out;
	st_bind_text(st, 1, s->uuid);
	sqlite3_bind_int64(st, 2, res->acked);
	if ((r = st_row(s, st, _("reading the op log"), err)) <= 0) {
		rc = r < 0 ? CD_ESTORE : st_fail(s, _("reading the op log"), err);
		goto out;
	}
	res->count = sqlite3_column_int64(st, 0);
	res->first = sqlite3_column_int64(st, 1);
	res->last = sqlite3_column_int64(st, 2);
	st_finish(s, st);
	st = NULL;
	/* Own ops go in order, every seq (the format's own seqs are consecutive), but those on
	 * cases of another office than the receiver's go without their payload (the stub
	 * BUNDLE_OUT_OF_SCOPE): counted, so that the export says so. */
	if (scope[0]) {
		if ((rc = st_prepare(s, "SELECT count(*) FROM outbox o JOIN cases c ON c.uuid = o.entity_uuid"
					" WHERE o.origin = ?1 AND o.origin_seq > ?2 AND o.entity = 'case' AND c.office <> ?3",
				     &st, err)))
			goto out;
		st_bind_text(st, 1, s->uuid);
		sqlite3_bind_int64(st, 2, res->acked);
		st_bind_text(st, 3, scope);
		if ((r = st_row(s, st, _("reading the op log"), err)) <= 0) {
			rc = r < 0 ? CD_ESTORE : st_fail(s, _("reading the op log"), err);
			goto out;
		}
		res->own_other_office = sqlite3_column_int64(st, 0);
		st_finish(s, st);
		st = NULL;
	}
	if (res->count == 0 && res->carried == 0) {
		/* Nothing to carry: the key made (if it was) is kept, no file is written. */
		OPENSSL_cleanse(priv, sizeof priv);
		return store_commit(s, err);
	}
	if (res->count == 0) {
		/* Others' ops only: the own range is empty, just after what was acknowledged. */
		res->first = res->acked + 1;
		res->last = res->acked;
	}
	if (res->last - res->first + 1 != res->count) {
		rc = cd_error_set(err, CD_ESTORE, _("this store's op log is not whole (ops %lld to %lld, %lld of them): "
						    "run `casedesk store check`"),
				  (long long)res->first, (long long)res->last, (long long)res->count);
		goto out;
	}
	if (!(em.md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(em.md, EVP_sha256(), NULL) != 1) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not hash the bundle"));
		goto out;
	}
	if ((rc = outfile_open(&o, path, flags, err)))
		goto out;
	opened = 1;
	cd_uuid7(id);
	store_now(s, now, sizeof now);
	/* Who this store is, for a receiver that relays its ops to the national tier under
	 * this store's own origin (a kit's name, else the office code). */
	if ((r = st_setting_read(s, "kit_name", kit_name, sizeof kit_name, err)) < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	buf_printf(&b,
		   "%s%d\nkind ops\nid %s\norigin %s\noffice %s\ncreated %s\nfirst %lld\nlast %lld\ncount %lld\n"
		   "acked %lld\nname %s\nrole %s\ncarried %lld\nheld %lld\n",
		   MAGIC, BUNDLE_FORMAT, id, s->uuid, store_office(s), now, (long long)res->first, (long long)res->last,
		   (long long)res->count, (long long)res->acked, r > 0 && kit_name[0] ? kit_name : store_office(s),
		   r > 0 && kit_name[0] ? "kit" : "office", (long long)res->carried, (long long)res->held);
	/* Made for one store: only its acknowledgement moves what it is known to hold. */
	if (for_origin)
		buf_printf(&b, "to %s\n", for_origin);
	buf_puts(&b, "--\n");
	/* One stream in the order things happened here: the own ops by seq, each held op just
	 * after the own op that was the last when it came (after_seq), so that what an op needs
	 * (the insert of the person it changes, whoever made it) comes before it. */
	if ((rc = emit_buf(&em, &b, err)) ||
	    (rc = st_prepare(s, "SELECT uuid, ?2, origin_seq, ?3, entity, entity_uuid, op, at,"
				" CASE WHEN ?4 IS NOT NULL AND entity = 'case' AND EXISTS (SELECT 1 FROM cases c"
				"  WHERE c.uuid = outbox.entity_uuid AND c.office <> ?4) THEN '" BUNDLE_OUT_OF_SCOPE "'"
				"  ELSE payload END, origin_seq AS k1,"
				" 1 AS k2, 0 AS k3, sig, sig_commit FROM outbox WHERE origin = ?2 AND origin_seq > ?5"
				" UNION ALL "
				/* Each held op with its origin's signature as it came (schema 27); one
				 * pulled from the national tier has none (the tier keeps none). */
				CARRIED_FROM("h.uuid, h.origin, h.origin_seq, coalesce(h.origin_office, (SELECT"
					     " o.office FROM origins o WHERE o.origin = h.origin), '?'), h.entity,"
					     " h.entity_uuid, h.op, coalesce(h.at, '?'), h.payload, h.after_seq + 1, 0, h.pos,"
					     " h.sig, h.sig_commit")
				" ORDER BY k1, k2, k3",
			     &st, err)))
		goto out;
	st_bind_text(st, 1, for_origin);
	st_bind_text(st, 2, s->uuid);
	st_bind_text(st, 3, store_office(s));
	st_bind_text(st, 4, scope[0] ? scope : NULL);
	sqlite3_bind_int64(st, 5, res->acked);
	int64_t n = 0, nc = 0;
	while ((r = st_row(s, st, _("reading the op log"), err)) > 0) {
		const char *payload = (const char *)sqlite3_column_text(st, 8);
		/* An own op on another office's case goes as a stub without its content: its
		 * signature, which covers the content, stays here. */
		int stub = payload && strcmp(payload, BUNDLE_OUT_OF_SCOPE) == 0;
		if ((rc = emit_op(&em, &b, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
				  sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
				  (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
				  (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7),
				  stub ? NULL : (const char *)sqlite3_column_text(st, 12),
				  stub ? NULL : (const char *)sqlite3_column_text(st, 13), payload, err)))
			goto out;
		if (sqlite3_column_int(st, 10))
			n++;
		else
			nc++;
	}
	if (r < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	if (n != res->count || nc != res->carried) {
		rc = cd_error_set(err, CD_EINTERNAL, _("internal error: the op log changed during the export; please report it"));
		goto out;
	}
	if (EVP_DigestFinal_ex(em.md, digest, NULL) != 1) {
		rc = cd_error_set(err, CD_EINTERNAL, _("OpenSSL could not hash the bundle"));
		goto out;
	}
	if ((rc = bundle_sign_line(digest, priv, sig, err)) || (rc = outfile_write(&o, sig, strlen(sig), err)))
		goto out;
	/* The bundle carries personal data out of the store: one audit row names it. */
	if ((rc = store_add_audit(s, actor, "export", "bundle", id, "bundle export", err)) ||
	    (rc = outfile_close(&o, err))) {
		opened = 0;
		goto out;
	}
	opened = 0;
	if ((rc = store_commit(s, err))) {
		unlink(path);
		goto out;
	}
	OPENSSL_cleanse(priv, sizeof priv);
	EVP_MD_CTX_free(em.md);
	buf_release(&b);
	return CD_OK;
out:
	if (opened)
		outfile_abandon(&o);
	OPENSSL_cleanse(priv, sizeof priv);
	st_finish(s, st);
	store_rollback(s);
	EVP_MD_CTX_free(em.md);
	buf_release(&b);
	return rc;
}

/* The whole of a bundle file into memory; refusals name the file. */
static int read_file(const char *path, char **data, size_t *len, struct cd_error *err)
{
	struct stat sb;
	int fd = -1;
	char *d = NULL;
	size_t got = 0;
	int rc = CD_OK;

	*data = NULL;
	/* Setgid: the user's file, opened with the user's rights only (model/base/privilege.h):
	 * the group opens the store, never a file the user could not read. */
	if (privilege_as_user() == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		int e = errno;
		privilege_restore();
		errno = e;
	}
	if (fd < 0)
		return cd_error_set(err, errno == ENOENT ? CD_ENOTFOUND : CD_EINPUT, _("%s: cannot open: %s"), path,
				    strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = cd_error_set(err, CD_EINPUT, _("%s: not a regular file"), path);
		goto out;
	}
	if ((size_t)sb.st_size > BUNDLE_MAX_BYTES) {
		rc = cd_error_set(err, CD_EINPUT, _("%s: larger than a bundle can be"), path);
		goto out;
	}
	if (!(d = malloc((size_t)sb.st_size + 1))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, d + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = cd_error_set(err, CD_EINPUT, _("%s: cannot read: %s"), path, n < 0 ? strerror(errno) : "EOF");
			goto out;
		}
		got += (size_t)n;
	}
	*data = d;
	*len = got;
	d = NULL;
out:
	free(d);
	close(fd);
	return rc;
}

/* Reads, parses and authenticates a bundle of `kind` at path; every refusal names the file.
 * key (may be NULL) gets the public key its origin is trusted with. */
static int load_verified(struct cd_store *s, const char *path, int kind, struct bundle *b, char key[BUNDLE_KEY_B64],
			 struct cd_error *err)
{
	char office[8], pub[BUNDLE_KEY_B64];
	char *data = NULL;
	size_t len = 0;
	int rc, r;

	memset(b, 0, sizeof *b);
	if ((rc = read_file(path, &data, &len, err)))
		return rc;
	rc = bundle_parse(data, len, b, err);
	free(data);
	if (rc) {
		cd_error_prefix(err, "%s", path);
		return rc;
	}
	if (b->kind != kind) {
		rc = cd_error_set(err, CD_EINPUT,
				  kind == BUNDLE_OPS ? _("%s is an acknowledgement: `casedesk bundle ack %s` reads it on the "
							 "store that sent the ops")
						     : _("%s is a bundle of ops, not an acknowledgement: `casedesk bundle "
							 "import %s` reads it"),
				  path, path);
		goto out;
	}
	if (strcmp(b->origin, s->uuid) == 0) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s was made by this store itself (origin %s): it goes to another store"),
				  path, b->origin);
		goto out;
	}
	if ((r = trusted_key(s, b->origin, office, pub, err)) <= 0) {
		rc = r < 0 ? CD_ESTORE
			   : cd_error_set(err, CD_EREFUSED,
					  _("%s: origin %s (office %s) is not trusted here: ask its admin for the key "
					    "(`casedesk bundle key`) and trust it with `casedesk bundle trust`; nothing was "
					    "applied"),
					  path, b->origin, b->office);
		goto out;
	}
	if (strcmp(office, b->office) != 0) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s: origin %s says it is office %s, but it is trusted as office %s"),
				  path, b->origin, b->office, office);
		goto out;
	}
	if ((rc = bundle_verify(b, pub, err))) {
		cd_error_prefix(err, "%s", path);
		goto out;
	}
	if (key)
		snprintf(key, BUNDLE_KEY_B64, "%s", pub);
	return CD_OK;
out:
	bundle_free(b);
	return rc;
}

/*
 * Keeps an op that came in this bundle for this store's sync to relay to the national tier
 * (schema 23's relay_ops; app/sync_relay.c), under its origin as the tier should name it:
 * the bundle's name and role, or - a bundle from before they were written - the kit this
 * store leased numbers to under that uuid, else the office code.  Twice changes nothing.
 */
static int relay_keep(struct cd_store *s, const struct bundle *b, const struct bundle_op *bo, struct cd_error *err)
{
	/* With the op's own signature (schema 27), as its origin wrote it. */
	static const char sql[] =
		"INSERT INTO relay_ops(uuid, origin, origin_seq, origin_office, origin_name, origin_kind, at, entity,"
		" entity_uuid, op, payload, received_at, sig, sig_commit)"
		" SELECT ?1, ?2, ?3, ?4, coalesce(?5, (SELECT max(kit_name) FROM number_blocks WHERE kit_uuid = ?2), ?4),"
		"  coalesce(?6, CASE WHEN EXISTS (SELECT 1 FROM number_blocks WHERE kit_uuid = ?2) THEN 'kit'"
		"   ELSE 'office' END), ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14"
		" ON CONFLICT DO NOTHING";
	const struct cd_remote_op *op = &bo->op;
	sqlite3_stmt *st = NULL;
	char now[40];
	int rc;

	if ((rc = st_prepare(s, sql, &st, err)))
		return rc;
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, op->uuid);
	st_bind_text(st, 2, op->origin);
	sqlite3_bind_int64(st, 3, op->origin_seq);
	st_bind_text(st, 4, b->office);
	st_bind_text(st, 5, b->name[0] ? b->name : NULL);
	st_bind_text(st, 6, b->role[0] ? b->role : NULL);
	st_bind_text(st, 7, op->at);
	st_bind_text(st, 8, op->entity);
	st_bind_text(st, 9, op->entity_uuid);
	st_bind_text(st, 10, op->op);
	st_bind_text(st, 11, op->payload);
	st_bind_text(st, 12, now);
	st_bind_text(st, 13, bo->sig);
	st_bind_text(st, 14, bo->commit);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("keeping an op to relay to the national tier"), err);
	st_finish(s, st);
	return rc;
}

/* The held op `uuid` (written by op_apply just now) came in `via`'s bundle. */
static int held_via(struct cd_store *s, const char *uuid, const char *via, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = st_prepare(s, "UPDATE held_ops SET via = ?2 WHERE uuid = ?1 AND via IS NULL", &st, err)))
		return rc;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, via);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("noting which bundle brought an op"), err);
	st_finish(s, st);
	return rc;
}

/* The held op `uuid` (written by op_apply just now) keeps its origin's signature, so that a
 * bundle carrying it on carries the signature too (schema 27): set once, never changed. */
static int held_sig(struct cd_store *s, const char *uuid, const char *sig, const char *commit, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!sig || !commit)
		return CD_OK;
	if ((rc = st_prepare(s, "UPDATE held_ops SET sig = ?2, sig_commit = ?3 WHERE uuid = ?1 AND sig IS NULL"
				" AND sig_commit IS NULL", &st, err)))
		return rc;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, sig);
	st_bind_text(st, 3, commit);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("keeping an op's signature to carry it on"), err);
	st_finish(s, st);
	return rc;
}

/* An origin a bundle's ops name, and whether its key is known here (trusted, or the bundle's
 * signer): then a signature its ops carry is checked against that key. */
struct origin_key {
	char origin[40];
	int known;
	char pub[BUNDLE_KEY_B64];
	char office[8];
	char name[32];             /* as people know it: a kit's name, else its office code */
};

/* The name an origin goes by here: the kit this store leased numbers to under that uuid, the
 * name its own bundle gave it, else "" (the caller falls back to its uuid's first digits). */
static int origin_name(struct cd_store *s, const char *origin, char name[32], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	name[0] = '\0';
	if ((rc = st_prepare(s, "SELECT coalesce((SELECT max(kit_name) FROM number_blocks WHERE kit_uuid = ?1),"
				" (SELECT max(origin_name) FROM relay_ops WHERE origin = ?1))", &st, err)))
		return rc;
	st_bind_text(st, 1, origin);
	if ((r = st_row(s, st, _("reading the trusted origins"), err)) > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(name, 32, "%s", (const char *)sqlite3_column_text(st, 0));
	st_finish(s, st);
	return r < 0 ? CD_ESTORE : CD_OK;
}

static int origin_key_load(struct cd_store *s, const struct bundle *b, const struct bundle_op *o, const char *bundle_pub,
			   struct origin_key *k, struct cd_error *err)
{
	const char *origin = o->op.origin;
	int rc = CD_OK, r;

	memset(k, 0, sizeof *k);
	snprintf(k->origin, sizeof k->origin, "%s", origin);
	if (strcmp(origin, b->origin) == 0) {
		k->known = 1;
		snprintf(k->pub, sizeof k->pub, "%s", bundle_pub);
		snprintf(k->office, sizeof k->office, "%s", b->office);
		snprintf(k->name, sizeof k->name, "%s", b->name);
	} else {
		if ((r = trusted_key(s, origin, k->office, k->pub, err)) < 0)
			return CD_ESTORE;
		k->known = r > 0;
		if (!k->known)
			snprintf(k->office, sizeof k->office, "%s", o->op.origin_office);
		if ((rc = origin_name(s, origin, k->name, err)))
			return rc;
	}
	if (!k->name[0])
		snprintf(k->name, sizeof k->name, "%.8s", origin);
	return CD_OK;
}

/*
 * Each op's own signature (format 3), checked before anything is applied.  An op whose
 * origin's key is known here (trusted, or the bundle's signer) and that carries a
 * signature must be signed by that key, or the whole bundle is refused: its signer altered
 * or forged it.  A carried op of such an origin without a signature (pulled from the tier,
 * which keeps none, or made before its origin signed its ops) is not applied (skip[i] = 1):
 * it comes from its origin or the tier.  An op of an origin whose key is not known here is
 * vouched for by the bundle's signer alone, as before schema 27.  The bundle's own ops are
 * its signer's: unsigned ones (from before schema 27) are covered by the bundle's signature.
 * This store's own ops that come back are judged against its outbox instead (own_came_back).
 */
static int check_op_sigs(struct cd_store *s, const struct bundle *b, const char *path, const char *bundle_pub,
			 unsigned char *skip, struct bundle_import_result *res, struct cd_error *err)
{
	struct origin_key *keys = NULL;
	size_t nk = 0, cap = 0;
	int rc = CD_OK;

	for (size_t i = 0; i < b->n_ops; i++) {
		const struct bundle_op *o = &b->ops[i];
		struct origin_key *k = NULL;
		/* This store's own ops that came back are judged against its outbox, which is
		 * stronger than any signature (own_came_back), and are never applied. */
		if (strcmp(o->op.origin, s->uuid) == 0)
			continue;
		for (size_t j = 0; j < nk && !k; j++)
			if (strcmp(keys[j].origin, o->op.origin) == 0)
				k = &keys[j];
		if (!k) {
			ST_GROW(keys, nk, cap);
			k = &keys[nk];
			if ((rc = origin_key_load(s, b, o, bundle_pub, k, err)))
				goto out;
			nk++;
		}
		if (!o->sig) {
			if (o->carried) {
				if (k->known) {
					skip[i] = 1;
					res->carried_unsigned++;
				} else {
					res->carried_vouched++;
				}
			}
			continue;
		}
		if (!k->known) {
			res->carried_vouched += o->carried;
			continue;
		}
		struct opsig_op so = { o->op.uuid, o->op.origin, o->op.origin_seq, o->op.entity, o->op.entity_uuid,
				       o->op.op, o->op.at, o->op.payload };
		struct cd_error why = CD_ERROR_INIT;
		int v = opsig_verify(&so, o->sig, o->commit, k->pub, &why);
		if (v == CD_EINTERNAL) {
			*err = why;
			rc = v;
			goto out;
		}
		if (v) {
			rc = cd_error_set(err, CD_EREFUSED,
					  _("%s: op %zu (line %zu) claims to come from %s/%s but is not signed by %s's key (%s):"
					    " the bundle was altered or forged by the store that made it (%s/%s); it was not"
					    " applied"),
					  path, i + 1, o->line, k->office, k->name, k->name, why.msg, b->office,
					  b->name[0] ? b->name : b->office);
			goto out;
		}
		/* The office an op names is not signed (the origin's trusted office is): a carried
		 * op must not pass its origin off as another office's. */
		if (o->carried && strcmp(o->op.origin_office, k->office) != 0) {
			rc = cd_error_set(err, CD_EREFUSED,
					  _("%s: op %zu (line %zu) of %s/%s says it is of office %s, but %s is trusted here as "
					    "office %s: the bundle was altered or forged by the store that made it (%s/%s); it "
					    "was not applied"),
					  path, i + 1, o->line, k->office, k->name, o->op.origin_office, k->name, k->office,
					  b->office, b->name[0] ? b->name : b->office);
			goto out;
		}
		res->carried_verified += o->carried;
	}
out:
	free(keys);
	return rc;
}

/* An op under this store's own origin that a bundle carried back: CD_OK when it is this
 * store's op (its outbox holds that uuid at that seq), else refused: another store uses this
 * store's identity (its file copied) or the op was forged. */
static int own_came_back(struct cd_store *s, const struct cd_remote_op *op, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if ((rc = st_prepare(s, "SELECT 1 FROM outbox WHERE uuid = ?1 AND origin = ?2 AND origin_seq = ?3", &st, err)))
		return rc;
	st_bind_text(st, 1, op->uuid);
	st_bind_text(st, 2, op->origin);
	sqlite3_bind_int64(st, 3, op->origin_seq);
	r = st_row(s, st, _("reading the op log"), err);
	st_finish(s, st);
	if (r < 0)
		return CD_ESTORE;
	if (r == 0)
		return cd_error_set(err, CD_EREFUSED,
				    _("op %lld of this store (%s) came back with another identity than its own op %lld: "
				      "two stores are using one identity (this store's file copied to a second machine?) "
				      "or the bundle was forged"),
				    (long long)op->origin_seq, op->origin, (long long)op->origin_seq);
	return CD_OK;
}

int bundle_import(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *ack_path,
		  unsigned ack_flags, struct bundle_import_result *res, struct cd_error *err)
{
	char priv[BUNDLE_KEY_B64] = "", pub[BUNDLE_KEY_B64], id[37], now[40], sig[128], bundle_pub[BUNDLE_KEY_B64];
	unsigned char digest[32], *skip = NULL;
	struct cd_buf ack = CD_BUF_INIT;
	struct bundle b;
	int64_t hw = 0;
	int rc, begun = 0;

	memset(res, 0, sizeof *res);
	memset(&b, 0, sizeof b);
	if ((rc = admin_only(actor, err)) || (rc = load_verified(s, path, BUNDLE_OPS, &b, bundle_pub, err)))
		return rc;
	snprintf(res->origin, sizeof res->origin, "%s", b.origin);
	snprintf(res->office, sizeof res->office, "%s", b.office);
	res->first = b.first;
	res->last = b.last;
	if (ack_path && (rc = outfile_check(ack_path, ack_flags, err)))
		goto out;
	if ((rc = store_begin(s, err)))
		goto out;
	begun = 1;
	if ((rc = op_origin_high_water(s, b.origin, &hw, err)))
		goto out;
	if (b.count > 0 && b.first > hw + 1) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("%s: ops %lld to %lld of origin %s (office %s) are missing here: import the bundle "
				    "that carries them first (this one starts at op %lld); nothing was applied"),
				  path, (long long)(hw + 1), (long long)(b.first - 1), b.origin, b.office, (long long)b.first);
		goto out;
	}
	/* Every op's own signature first: a refusal leaves nothing applied. */
	if (b.n_ops && !(skip = calloc(b.n_ops, 1))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	if ((rc = check_op_sigs(s, &b, path, bundle_pub, skip, res, err)))
		goto out;
	/* All or none: op_apply joins this transaction. */
	res->carried = (int64_t)(b.n_ops - b.n_own);
	for (size_t i = 0; i < b.n_ops; i++) {
		struct cd_apply_result ar;
		struct cd_remote_op op = b.ops[i].op;
		int carried = b.ops[i].carried;
		if (skip[i])
			continue;
		/* A carried op of this store's own making came back: had only when the outbox holds
		 * that very op; any other op under this store's identity is refused. */
		if (carried && strcmp(op.origin, s->uuid) == 0) {
			if ((rc = own_came_back(s, &op, err))) {
				cd_error_prefix(err, _("%s line %zu (op %lld of origin %s); nothing was applied"), path,
						b.ops[i].line, (long long)op.origin_seq, op.origin);
				goto out;
			}
			res->n_already++;
			continue;
		}
		/* Every other op is judged by op_apply: had only when its uuid was applied here
		 * under its origin and seq (never by the mark alone: a forged or copied op under
		 * a seq applied here is refused, not dropped as had).  Carried: what the sender
		 * held of its scope, as a pull brings it (a jump no gap). */
		op.scoped = carried;
		op.via = b.origin;
		memset(&ar, 0, sizeof ar);
		if ((rc = op_apply(s, actor, &op, &ar, err))) {
			cd_error_prefix(err, _("%s line %zu (op %lld of origin %s); nothing was applied"), path, b.ops[i].line,
					(long long)op.origin_seq, op.origin);
			goto out;
		}
		if (ar.outcome == APPLY_ALREADY) {
			res->n_already++;
		} else {
			res->n_new++;
			res->carried_new += carried;
			/* Never carried back to the store whose bundle brought it; carried on
			 * with its origin's signature. */
			if ((rc = held_via(s, op.uuid, b.origin, err)) ||
			    (rc = held_sig(s, op.uuid, b.ops[i].sig, b.ops[i].commit, err)))
				goto out;
			/* Its own op came by hand, not from the tier: kept until this store's sync
			 * relays it.  A carried op is not: its sender got it from the tier, or
			 * relays it itself, and a kit must never pass it on as if it were its own. */
			if (!carried && strcmp(op.payload, BUNDLE_OUT_OF_SCOPE) != 0 &&
			    (rc = relay_keep(s, &b, &b.ops[i], err)))
				goto out;
		}
		res->n_conflicts += ar.n_conflicts;
	}
	res->acked = b.count > 0 && b.last > hw ? b.last : hw;
	if (ack_path && (rc = own_key(s, priv, pub, err)))
		goto out;
	if ((rc = store_commit(s, err)))
		goto out;
	begun = 0;
	if (!ack_path)
		goto done;
	/* The acknowledgement: what this store now has of that origin, signed by this store. */
	cd_uuid7(id);
	store_now(s, now, sizeof now);
	buf_printf(&ack,
		   "%s%d\nkind ack\nid %s\norigin %s\noffice %s\ncreated %s\nfor %s\nseq %lld\napplied %lld\nalready %lld\n"
		   "conflicts %lld\n",
		   MAGIC, b.format, id, s->uuid, store_office(s), now, b.origin, (long long)res->acked,
		   (long long)res->n_new, (long long)res->n_already, (long long)res->n_conflicts);
	/* What of the sender's held ops this store now has (format 2): its next bundle starts after. */
	if (b.held > 0 && (!b.to[0] || strcmp(b.to, s->uuid) == 0))
		buf_printf(&ack, "held %lld\n", (long long)b.held);
	buf_puts(&ack, "--\n");
	if (ack.failed) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	SHA256((const unsigned char *)buf_str(&ack), ack.len, digest);
	if ((rc = bundle_sign_line(digest, priv, sig, err)) || (rc = buf_puts(&ack, sig)) ||
	    (rc = outfile_save(ack_path, ack_flags, buf_str(&ack), ack.len, err))) {
		cd_error_prefix(err, _("the ops were imported, but no acknowledgement was written (import the bundle "
				       "again to write it: nothing is applied twice)"));
		goto out;
	}
	res->ack_written = 1;
done:
	OPENSSL_cleanse(priv, sizeof priv);
	buf_release(&ack);
	bundle_free(&b);
	free(skip);
	return CD_OK;
out:
	OPENSSL_cleanse(priv, sizeof priv);
	if (begun)
		store_rollback(s);
	buf_release(&ack);
	bundle_free(&b);
	free(skip);
	return rc;
}


/* What a receiver acknowledged, in `table` (own_acks or carry_acks, keyed by receiver): its
 * `column` only rises. */
static int ack_rise(struct cd_store *s, const char *table, const char *column, const char *receiver, int64_t value,
		    const char *now, struct cd_error *err)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	snprintf(sql, sizeof sql, "INSERT INTO %s(receiver, %s, acked_at) VALUES (?1, ?2, ?3) ON CONFLICT(receiver) DO"
		 " UPDATE SET %s = max(%s, excluded.%s), acked_at = excluded.acked_at", table, column, column, column,
		 column);
	int rc = st_prepare(s, sql, &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, receiver);
	sqlite3_bind_int64(st, 2, value);
	st_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("keeping what a receiver acknowledged"), err);
	st_finish(s, st);
	return rc;
}

int bundle_ack(struct cd_store *s, const struct cd_actor *actor, const char *path, struct bundle_ack_result *res,
	       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct bundle b;
	char now[40];
	int64_t made = 0;
	int rc, r;

	memset(res, 0, sizeof *res);
	if ((rc = admin_only(actor, err)) || (rc = load_verified(s, path, BUNDLE_ACK, &b, NULL, err)))
		return rc;
	snprintf(res->receiver, sizeof res->receiver, "%s", b.origin);
	snprintf(res->office, sizeof res->office, "%s", b.office);
	res->seq = b.seq;
	res->conflicts = b.conflicts;
	if (strcmp(b.for_origin, s->uuid) != 0) {
		rc = cd_error_set(err, CD_EREFUSED, _("%s acknowledges the ops of another store (origin %s), not this one's"),
				  path, b.for_origin);
		goto out;
	}
	if ((rc = store_begin(s, err)))
		goto out;
	if ((rc = st_prepare(s, "SELECT coalesce(max(origin_seq), 0) FROM outbox WHERE origin = ?1", &st, err)))
		goto rollback;
	st_bind_text(st, 1, s->uuid);
	if ((r = st_row(s, st, _("reading the op log"), err)) <= 0) {
		rc = r < 0 ? CD_ESTORE : st_fail(s, _("reading the op log"), err);
		goto rollback;
	}
	made = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	st = NULL;
	if (b.seq > made) {
		rc = cd_error_set(err, CD_EREFUSED,
				  _("%s acknowledges op %lld, but this store has made only %lld: is this store a restored "
				    "older copy?"),
				  path, (long long)b.seq, (long long)made);
		goto rollback;
	}
	store_now(s, now, sizeof now);
	/* Acknowledged only: sent_at stays for the national tier.  The receiving store relays
	 * the ops at its next sync (app/sync_relay.c), but when that is nobody knows here: the
	 * kit's next sync sends them too, and the tier and the receiver take ops they already
	 * have as already there. */
	if ((rc = st_prepare(s, "UPDATE outbox SET acked_at = ?3"
				" WHERE origin = ?1 AND origin_seq <= ?2 AND acked_at IS NULL",
			     &st, err)))
		goto rollback;
	st_bind_text(st, 1, s->uuid);
	sqlite3_bind_int64(st, 2, b.seq);
	st_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("marking ops acknowledged"), err);
		goto rollback;
	}
	res->n_marked = sqlite3_changes(s->db);
	st_finish(s, st);
	st = NULL;
	/* Acknowledged by this receiver (schema 26): only its next bundle starts after them; another
	 * store's still carries them until its own acknowledgement comes back. */
	if ((rc = ack_rise(s, "own_acks", "acked_seq", b.origin, b.seq, now, err)))
		goto rollback;
	/* The carried ops the receiver now has: its next bundle from here starts after them. */
	if (b.held > 0) {
		if ((rc = ack_rise(s, "carry_acks", "held", b.origin, b.held, now, err)))
			goto rollback;
		res->held = b.held;
	}
	if ((rc = store_commit(s, err)))
		goto out;
	bundle_free(&b);
	return CD_OK;
rollback:
	st_finish(s, st);
	store_rollback(s);
out:
	bundle_free(&b);
	return rc;
}
