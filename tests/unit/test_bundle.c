/*
 * test_bundle.c - the bundle reader (model/store/bundle.c: bundle_parse, bundle_verify)
 * without a store: a good bundle read whole; every prefix of it refused (a stick pulled
 * out at any byte); each malformed header, op line and signature refused naming its line
 * and byte; ops out of order and of another origin refused; the signature checked against
 * the right key and refused with any other, and for any byte changed.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "model/base/buf.h"
#include "model/store/bundle.h"

#define ORIGIN "01a2436e-572d-78ad-9c39-c5540d19d3f2"

static const char header[] = "casedesk-bundle 1\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
			     "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n--\n";

static void op_line(struct cd_buf *b, int seq, const char *origin)
{
	buf_printf(b,
		   "{\"uuid\":\"op-%d\",\"origin\":\"%s\",\"seq\":%d,\"office\":\"TBS\",\"entity\":\"person\","
		   "\"entity_uuid\":\"p-1\",\"op\":\"update\",\"at\":\"2026-03-02T10:00:0%d.000Z\","
		   "\"payload\":{\"fields\":{\"surname\":{\"base\":%d,\"old\":\"A\\u00e9\",\"new\":[1,-2.5e3,true,null]}}}}\n",
		   seq, origin, seq, seq, seq);
}

/* header + ops 4, 5, 6 (or as given) + a signature by priv. */
static void make(struct cd_buf *b, const char *head, const int *seqs, int n, const char *priv)
{
	unsigned char digest[32];
	char sig[128];
	struct cd_error err = CD_ERROR_INIT;

	buf_reset(b);
	buf_puts(b, head);
	for (int i = 0; i < n; i++)
		op_line(b, seqs[i], ORIGIN);
	SHA256((const unsigned char *)buf_str(b), b->len, digest);
	assert_int_equal(bundle_sign_line(digest, priv, sig, &err), CD_OK);
	buf_puts(b, sig);
}

static char priv[BUNDLE_KEY_B64], pub[BUNDLE_KEY_B64];
static const int in_order[] = { 4, 5, 6 };

static int setup(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	return bundle_keypair_new(priv, pub, &err);
}

static void test_good_bundle(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	make(&b, header, in_order, 3, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.kind, BUNDLE_OPS);
	assert_string_equal(bd.origin, ORIGIN);
	assert_string_equal(bd.office, "TBS");
	assert_int_equal(bd.first, 4);
	assert_int_equal(bd.last, 6);
	assert_int_equal(bd.acked, 3);
	assert_int_equal(bd.n_ops, 3);
	assert_string_equal(bd.ops[1].op.uuid, "op-5");
	assert_int_equal(bd.ops[1].op.origin_seq, 5);
	assert_string_equal(bd.ops[1].op.entity, "person");
	assert_string_equal(bd.ops[1].op.payload,
			    "{\"fields\":{\"surname\":{\"base\":5,\"old\":\"A\\u00e9\",\"new\":[1,-2.5e3,true,null]}}}");
	assert_int_equal(bd.ops[0].line, 12);
	assert_int_equal(bd.ops[0].offset, strlen(header));
	assert_int_equal(bundle_verify(&bd, pub, &err), CD_OK);
	bundle_free(&bd);
	buf_release(&b);
}

/* Plain members written by the one JSON writer come back as they were: quotes, backslashes,
 * \u escapes of letters. */
static void test_escaped_members(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	buf_puts(&b, header);
	buf_puts(&b, "{\"uuid\":\"op-4\",\"origin\":\"" ORIGIN "\",\"seq\":4,\"office\":\"TBS\",\"entity\":\"setting\","
		     "\"entity_uuid\":\"office.name[\\\"r\\u0075\\u00e9\\u20ac\\\\\\/]\",\"op\":\"update\",\"at\":\"t\","
		     "\"payload\":{}}\n");
	op_line(&b, 5, ORIGIN);
	op_line(&b, 6, ORIGIN);
	buf_puts(&b, "signature ed25519 ");
	for (int i = 0; i < 86; i++)
		buf_puts(&b, "A");
	buf_puts(&b, "==\n");
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_string_equal(bd.ops[0].op.entity_uuid, "office.name[\"ru\u00e9\u20ac\\/]");
	assert_string_equal(bd.ops[0].op.payload, "{}");
	bundle_free(&bd);
	buf_release(&b);
}

static void test_every_prefix_refused(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	(void)state;

	make(&b, header, in_order, 3, priv);
	for (size_t n = 0; n < b.len; n++) {
		struct cd_error err = CD_ERROR_INIT;
		if (bundle_parse(buf_str(&b), n, &bd, &err) != CD_EINPUT)
			fail_msg("a bundle cut at byte %zu of %zu was read", n, b.len);
		assert_non_null(err.msg[0] ? err.msg : NULL);
		assert_null(bd.text);
	}
	buf_release(&b);
}

static void test_every_byte_changed_refused(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	(void)state;

	make(&b, header, in_order, 3, priv);
	char *copy = strdup(buf_str(&b));
	for (size_t i = 0; i < b.len; i++) {
		struct cd_error err = CD_ERROR_INIT;
		char was = copy[i];
		copy[i] = (char)(was ^ 0x01);
		int rc = bundle_parse(copy, b.len, &bd, &err);
		if (rc == CD_OK) {
			rc = bundle_verify(&bd, pub, &err);
			bundle_free(&bd);
		}
		if (rc == CD_OK)
			fail_msg("byte %zu changed and the bundle still read and verified", i);
		copy[i] = was;
	}
	free(copy);
	buf_release(&b);
}

static void test_other_key_refused(void **state)
{
	char p2[BUNDLE_KEY_B64], q2[BUNDLE_KEY_B64];
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(bundle_keypair_new(p2, q2, &err), CD_OK);
	make(&b, header, in_order, 3, p2);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bundle_verify(&bd, pub, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, ORIGIN));
	bundle_free(&bd);
	buf_release(&b);
}

static void expect_refused(const char *text, const char *says)
{
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	int rc = bundle_parse(text, strlen(text), &bd, &err);
	if (rc != CD_EINPUT || !strstr(err.msg, says))
		fail_msg("wanted a refusal saying '%s', got %d '%s'", says, rc, err.msg);
}

static void test_order_and_origin(void **state)
{
	static const int swapped[] = { 5, 4, 6 }, gap[] = { 4, 6, 7 };
	struct cd_buf b = CD_BUF_INIT;
	(void)state;

	make(&b, header, swapped, 3, priv);
	expect_refused(buf_str(&b), "out of order: line 12 (byte 189) holds op 5 where op 4 belongs");
	make(&b, header, gap, 3, priv);
	expect_refused(buf_str(&b), "out of order: line 13");
	make(&b, header, in_order, 2, priv);
	expect_refused(buf_str(&b), "the header says 3 ops, the file holds 2");
	static const int four[] = { 4, 5, 6, 7 };
	make(&b, header, four, 4, priv);
	expect_refused(buf_str(&b), "more ops than the header's count");
	buf_reset(&b);
	buf_puts(&b, header);
	op_line(&b, 4, "01a2436e-572d-78ad-9c39-c5540d19d3f3");
	buf_puts(&b, "signature ed25519 x\n");
	expect_refused(buf_str(&b), "line 12 (byte 189): an op of another origin");
	buf_release(&b);
}

/* The members after uuid, for a line whose uuid is the fault. */
#define REST ",\"origin\":\"" ORIGIN "\",\"seq\":4,\"office\":\"TBS\",\"entity\":\"person\",\"entity_uuid\":\"p\"," \
	     "\"op\":\"update\",\"at\":\"t\",\"payload\":{}}\n"

static void test_malformed(void **state)
{
	struct cd_buf b = CD_BUF_INIT;
	(void)state;

	expect_refused("", "not a casedesk bundle");
	expect_refused("casedesk-bundle 4\n", "bundle format 4; this program reads formats 1 to 3 (made by a newer");
	expect_refused("casedesk-bundle 0\n", "bundle format 0; this program reads formats 1 to 3");
	expect_refused("casedesk-bundle x\n", "no format version");
	expect_refused("casedesk-bundle 1\nkind ops\nkind ops\n", "line 3 (byte 27): header kind twice");
	expect_refused("casedesk-bundle 1\nkind maybe\n", "line 2 (byte 18): header kind has no valid value");
	expect_refused("casedesk-bundle 1\ncolour blue\n", "line 2 (byte 18): not a header");
	expect_refused("casedesk-bundle 1\nkind ops\n--\n", "line 3 (byte 27): the header has no id");
	expect_refused("casedesk-bundle 1\nkind ops\norigin ../../etc\n", "header origin has no valid value");
	expect_refused("casedesk-bundle 1\nkind ops\nfirst 01\n", "header first has no valid value");
	expect_refused("casedesk-bundle 1\nkind ops\n", "without its signature, inside its header");
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(bundle_parse("casedesk-bundle 1\nkind ops\0\n", 28, &bd, &err), CD_EINPUT);
	assert_string_equal(err.msg, "a NUL byte at byte 26: not a bundle, or damaged");

	/* Op lines: each fault named with its line and byte. */
	static const struct {
		const char *line, *says;
	} bad[] = {
		{ "{\"uuid\":\"a\"}\n", "line 12 (byte 189): the op has no member origin" },
		{ "{\"uuid\":\"a\",\"uuid\":\"b\"}\n", "line 12 (byte 201): member uuid twice" },
		{ "{\"colour\":\"a\"}\n", "line 12 (byte 190): an op has no such member" },
		{ "{\"uuid\":\"a\\n\"" REST, "line 12 (byte 199): member uuid holds a control character or a lone surrogate" },
		{ "{\"uuid\":\"a\\ud800\"" REST, "member uuid holds a control character or a lone surrogate" },
		{ "{\"uuid\":\"a\\u0000\"" REST, "member uuid holds a control character or a lone surrogate" },
		{ "{\"uuid\":\"a\nb\"}\n", "member uuid is not a valid JSON string" },
		{ "{\"uuid\":1}\n", "member uuid is not a string" },
		{ "{\"seq\":0}\n", "member seq is not a number from 1" },
		{ "{\"payload\":{\"a\":}}\n", "member payload is not a valid JSON object" },
		{ "{\"payload\":[]}\n", "member payload is not a valid JSON object" },
		{ "{\"payload\":{\"a\":\"\\x\"}}\n", "member payload is not a valid JSON object" },
		{ "{\"uuid\":\"a\"} x\n", "something follows the op's closing '}'" },
		{ "{\"uuid\":\"a\" \"op\":\"b\"}\n", "a ',' or '}' was expected" },
		{ "{\"uuid\"\"a\"}\n", "a ':' was expected" },
		{ "nonsense\n", "line 12 (byte 189): neither an op nor the signature" },
		{ "signature ed25519 abc\n", "line 12 (byte 189): the signature is cut short or damaged" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&b);
		buf_puts(&b, header);
		buf_puts(&b, bad[i].line);
		expect_refused(buf_str(&b), bad[i].says);
	}
	/* A payload nested deeper than anyone writes. */
	buf_reset(&b);
	buf_puts(&b, header);
	buf_puts(&b, "{\"payload\":");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "{\"a\":");
	buf_puts(&b, "1");
	for (int i = 0; i < 101; i++)
		buf_puts(&b, "}");
	buf_puts(&b, "}\n");
	expect_refused(buf_str(&b), "member payload is not a valid JSON object");
	buf_release(&b);
}

static void test_ack(void **state)
{
	static const char ack[] = "casedesk-bundle 1\nkind ack\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				  "\noffice KUT\ncreated 2026-03-02T10:00:00.000Z\nfor 01a2436e-572d-78ad-9c39-c5540d19d3f3"
				  "\nseq 6\napplied 3\nalready 0\nconflicts 1\n--\n";
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	make(&b, ack, NULL, 0, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.kind, BUNDLE_ACK);
	assert_int_equal(bd.seq, 6);
	assert_int_equal(bd.conflicts, 1);
	assert_string_equal(bd.for_origin, "01a2436e-572d-78ad-9c39-c5540d19d3f3");
	assert_int_equal(bundle_verify(&bd, pub, &err), CD_OK);
	bundle_free(&bd);
	/* An acknowledgement carries no ops. */
	make(&b, ack, in_order, 1, priv);
	expect_refused(buf_str(&b), "line 13 (byte 237): neither an op nor the signature");
	buf_release(&b);
}

static void test_keys(void **state)
{
	char fpr[BUNDLE_FPR];
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(strlen(pub), 44);
	assert_int_equal(bundle_fingerprint(pub, fpr, &err), CD_OK);
	assert_int_equal(strlen(fpr), 19);
	assert_int_equal(bundle_fingerprint("abc", fpr, &err), CD_EINPUT);
	/* Base64 that is not canonical (one of the last character's two unused bits set) is
	 * not a key: a key has one spelling, so a trusted key compares as text. */
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char odd[BUNDLE_KEY_B64];
	memcpy(odd, pub, sizeof odd);
	odd[42] = alphabet[(strchr(alphabet, odd[42]) - alphabet) | 1];
	assert_int_equal(bundle_fingerprint(odd, fpr, &err), CD_EINPUT);
}

/* The optional name and role (relay): read when there, refused when not a kit or office. */
static void test_name_and_role(void **state)
{
	static const char named[] = "casedesk-bundle 1\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				    "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n"
				    "name K07\nrole kit\n--\n";
	static const char bad_role[] = "casedesk-bundle 1\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				       "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n"
				       "role national\n--\n";
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	make(&b, named, in_order, 3, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_string_equal(bd.name, "K07");
	assert_string_equal(bd.role, "kit");
	bundle_free(&bd);
	make(&b, header, in_order, 3, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_string_equal(bd.name, "");
	assert_string_equal(bd.role, "");
	bundle_free(&bd);
	make(&b, bad_role, in_order, 3, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "header role has no valid value"));
	buf_release(&b);
}

/* Format 2: the sender's own ops 4..6, then ops of two other origins it holds. */
#define OTHER1 "01a2436e-572d-78ad-9c39-c5540d19d3f3"
#define OTHER2 "01a2436e-572d-78ad-9c39-c5540d19d3f4"
static const char header2[] = "casedesk-bundle 2\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
			      "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n"
			      "carried 3\nheld 42\n--\n";

struct carried { const char *origin; int seq; };

static void make2(struct cd_buf *b, const char *head, const int *own, int n_own, const struct carried *c, int n_c)
{
	unsigned char digest[32];
	char sig[128];
	struct cd_error err = CD_ERROR_INIT;

	buf_reset(b);
	buf_puts(b, head);
	for (int i = 0; i < n_own; i++)
		op_line(b, own[i], ORIGIN);
	for (int i = 0; i < n_c; i++)
		op_line(b, c[i].seq, c[i].origin);
	SHA256((const unsigned char *)buf_str(b), b->len, digest);
	assert_int_equal(bundle_sign_line(digest, priv, sig, &err), CD_OK);
	buf_puts(b, sig);
}

static void test_carried(void **state)
{
	static const struct carried good[] = { { OTHER1, 2 }, { OTHER2, 1 }, { OTHER1, 7 } };
	static const struct carried back[] = { { OTHER1, 7 }, { OTHER2, 1 }, { OTHER1, 2 } };
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	make2(&b, header2, in_order, 3, good, 3);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.format, 2);
	assert_int_equal(bd.n_own, 3);
	assert_int_equal(bd.n_ops, 6);
	assert_int_equal(bd.carried, 3);
	assert_int_equal(bd.held, 42);
	assert_string_equal(bd.ops[3].op.origin, OTHER1);
	assert_int_equal(bd.ops[5].op.origin_seq, 7);
	assert_int_equal(bundle_verify(&bd, pub, &err), CD_OK);
	bundle_free(&bd);
	/* Cut anywhere: refused. */
	for (size_t n = 0; n < b.len; n++) {
		struct cd_error e2 = CD_ERROR_INIT;
		if (bundle_parse(buf_str(&b), n, &bd, &e2) != CD_EINPUT)
			fail_msg("a format 2 bundle cut at byte %zu of %zu was read", n, b.len);
	}
	/* One origin's ops going back: reordered. */
	make2(&b, header2, in_order, 3, back, 3);
	expect_refused(buf_str(&b), "holds op 2 of origin " OTHER1 " after its op 7");
	/* Fewer or more than the header says. */
	make2(&b, header2, in_order, 3, good, 2);
	expect_refused(buf_str(&b), "the header says 3 ops of other origins, the file holds 2");
	static const struct carried four[] = { { OTHER1, 2 }, { OTHER2, 1 }, { OTHER1, 7 }, { OTHER1, 8 } };
	make2(&b, header2, in_order, 3, four, 4);
	expect_refused(buf_str(&b), "more ops of other origins than the header's carried (3)");
	/* Carried ops among the sender's own (the order things happened there): read. */
	{
		struct cd_buf m = CD_BUF_INIT;
		unsigned char digest[32];
		char sig[128];
		buf_puts(&m, header2);
		op_line(&m, 4, ORIGIN);
		op_line(&m, 2, OTHER1);
		op_line(&m, 5, ORIGIN);
		op_line(&m, 1, OTHER2);
		op_line(&m, 7, OTHER1);
		op_line(&m, 6, ORIGIN);
		SHA256((const unsigned char *)buf_str(&m), m.len, digest);
		assert_int_equal(bundle_sign_line(digest, priv, sig, &err), CD_OK);
		buf_puts(&m, sig);
		assert_int_equal(bundle_parse(buf_str(&m), m.len, &bd, &err), CD_OK);
		assert_int_equal(bd.n_own, 3);
		assert_int_equal(bd.ops[1].carried, 1);
		assert_int_equal(bd.ops[2].carried, 0);
		assert_int_equal(bd.ops[2].op.origin_seq, 5);
		bundle_free(&bd);
		/* ... but the own ones still in their order. */
		buf_reset(&m);
		buf_puts(&m, header2);
		op_line(&m, 4, ORIGIN);
		op_line(&m, 2, OTHER1);
		op_line(&m, 6, ORIGIN);
		expect_refused(buf_str(&m), "holds op 6 where op 5 belongs");
		buf_release(&m);
	}
	/* Format 1 carries none; format 2 says how many. */
	static const char h1[] = "casedesk-bundle 1\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				 "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n"
				 "carried 3\nheld 42\n--\n";
	make2(&b, h1, in_order, 3, good, 3);
	expect_refused(buf_str(&b), "a format 1 bundle carries no other origin's ops");
	make(&b, header, in_order, 3, priv);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.format, 1);
	bundle_free(&bd);
	static const char h2bare[] = "casedesk-bundle 2\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				     "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 6\ncount 3\nacked 3\n--\n";
	make(&b, h2bare, in_order, 3, priv);
	expect_refused(buf_str(&b), "the header has no carried");
	/* Others' ops only: count 0, first just after acked. */
	static const char h0[] = "casedesk-bundle 2\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				 "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 3\ncount 0\nacked 3\n"
				 "carried 3\nheld 9\n--\n";
	make2(&b, h0, NULL, 0, good, 3);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.n_own, 0);
	assert_int_equal(bd.n_ops, 3);
	bundle_free(&bd);
	static const char h00[] = "casedesk-bundle 2\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
				  "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 4\nlast 3\ncount 0\nacked 3\n"
				  "carried 0\nheld 9\n--\n";
	make2(&b, h00, NULL, 0, NULL, 0);
	expect_refused(buf_str(&b), "the header's first, last and count do not agree");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_bundle),
		cmocka_unit_test(test_escaped_members),
		cmocka_unit_test(test_every_prefix_refused),
		cmocka_unit_test(test_every_byte_changed_refused),
		cmocka_unit_test(test_other_key_refused),
		cmocka_unit_test(test_order_and_origin),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_name_and_role),
		cmocka_unit_test(test_carried),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
