/*
 * test_opsig.c - per-op signatures (model/store/opsig.h, schema 27): the canonical bytes,
 * exactly; sign and verify round trip; a changed payload, a swapped seq, any other member
 * changed and another key each refused; an erased payload verifies by its digest alone and
 * only when erased; bundle format 3 op lines read with their sig and commit, format 2 ones
 * refused with them; and on a real store file, every op written is signed by the store's
 * key (made with the first op of a training store) and the signature cannot be changed with
 * sqlite3; a store of schema 26 keeps its old ops unsigned and signs the new; a held op's
 * signature is set once, and its erasure drops the salt only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "model/base/buf.h"
#include "model/store/bundle.h"
#include "model/store/oplog.h"
#include "model/store/opsig.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"
#include "model/store/users.h"
#include "tests/unit/store_dir.h"

#define ORIGIN "01a2436e-572d-78ad-9c39-c5540d19d3f2"
#define PAYLOAD "{\"fields\":{\"surname\":{\"base\":3,\"old\":\"Koval\",\"new\":\"Kovalenko\"}}}"

static char priv[BUNDLE_KEY_B64], pub[BUNDLE_KEY_B64], priv2[BUNDLE_KEY_B64], pub2[BUNDLE_KEY_B64];
static const unsigned char salt[OPSIG_SALT] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static int setup(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	store_dir_make("opsig");
	setenv("CASEDESK_TODAY", "2026-03-02", 1);
	if (bundle_keypair_new(priv, pub, &err) || bundle_keypair_new(priv2, pub2, &err))
		return -1;
	return 0;
}

static struct opsig_op sample(void)
{
	struct opsig_op o = { "01a2436e-0000-7000-8000-000000000001", ORIGIN, 12, "person",
			      "01a2436e-0000-7000-8000-0000000000aa", "update", "2026-03-02T10:00:00.000Z", PAYLOAD };
	return o;
}

static void test_encoding(void **state)
{
	struct opsig_op o = sample();
	unsigned char digest[32];
	struct cd_buf b = CD_BUF_INIT;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	memset(digest, 0xab, sizeof digest);
	assert_int_equal(opsig_encode(&o, digest, &b, &err), CD_OK);
	assert_string_equal(buf_str(&b), "casedesk-op-signature 1\n"
					 "uuid 36:01a2436e-0000-7000-8000-000000000001\n"
					 "origin 36:" ORIGIN "\n"
					 "seq 2:12\n"
					 "entity 6:person\n"
					 "entity_uuid 36:01a2436e-0000-7000-8000-0000000000aa\n"
					 "op 6:update\n"
					 "at 24:2026-03-02T10:00:00.000Z\n"
					 "payload abababababababababababababababababababababababababababababababab\n");
	/* Lengths keep members apart: "ab" + "c" is not "a" + "bc". */
	struct cd_buf c = CD_BUF_INIT;
	o.entity = "ab";
	o.op = "c";
	assert_int_equal(opsig_encode(&o, digest, &b, &err), CD_OK);
	o.entity = "a";
	o.op = "bc";
	assert_int_equal(opsig_encode(&o, digest, &c, &err), CD_OK);
	assert_true(b.len != c.len || memcmp(buf_str(&b), buf_str(&c), b.len) != 0);
	/* The digest is SHA-256 of salt || payload as stored, byte for byte. */
	unsigned char d1[32], d2[32], in[OPSIG_SALT + sizeof PAYLOAD - 1];
	memcpy(in, salt, OPSIG_SALT);
	memcpy(in + OPSIG_SALT, PAYLOAD, sizeof PAYLOAD - 1);
	SHA256(in, sizeof in, d1);
	assert_int_equal(opsig_digest(salt, PAYLOAD, d2), 0);
	assert_memory_equal(d1, d2, 32);
	buf_release(&b);
	buf_release(&c);
}

static void test_round_trip(void **state)
{
	struct opsig_op o = sample();
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], sig2[OPSIG_SIG_B64], commit2[OPSIG_COMMIT_HEX];
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	assert_int_equal(strlen(sig), 88);
	assert_int_equal(strlen(commit), 96);
	assert_memory_equal(commit, "0102030405060708090a0b0c0d0e0f10", 32);
	assert_true(opsig_sig_form(sig, strlen(sig)));
	assert_true(opsig_commit_form(commit, strlen(commit)));
	assert_int_equal(opsig_verify(&o, sig, commit, pub, &err), CD_OK);
	/* Ed25519 is deterministic: the same op, salt and key sign alike; a random salt differs. */
	assert_int_equal(opsig_sign(&o, priv, salt, sig2, commit2, &err), CD_OK);
	assert_string_equal(sig, sig2);
	assert_int_equal(opsig_sign(&o, priv, NULL, sig2, commit2, &err), CD_OK);
	assert_string_not_equal(commit, commit2);
	assert_int_equal(opsig_verify(&o, sig2, commit2, pub, &err), CD_OK);
}

static void refused(const struct opsig_op *o, const char *sig, const char *commit, const char *key, const char *why)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(opsig_verify(o, sig, commit, key, &err), CD_EREFUSED);
	if (!strstr(err.msg, why))
		fail_msg("wanted \"%s\" in \"%s\"", why, err.msg);
}

static void test_tampered(void **state)
{
	struct opsig_op o = sample(), t;
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], c2[OPSIG_COMMIT_HEX];
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	/* The payload changed by one letter, or re-encoded with a space. */
	t = o;
	t.payload = "{\"fields\":{\"surname\":{\"base\":3,\"old\":\"Koval\",\"new\":\"Kovalenka\"}}}";
	refused(&t, sig, commit, pub, "content is not the content that was signed");
	t.payload = "{\"fields\": {\"surname\":{\"base\":3,\"old\":\"Koval\",\"new\":\"Kovalenko\"}}}";
	refused(&t, sig, commit, pub, "content is not the content that was signed");
	/* The payload changed and the commitment made again for it: the signature is not its. */
	unsigned char d[32];
	assert_int_equal(opsig_digest(salt, t.payload, d), 0);
	memcpy(c2, commit, 32);
	for (int i = 0; i < 32; i++)
		snprintf(c2 + 32 + 2 * i, 3, "%02x", d[i]);
	refused(&t, sig, c2, pub, "signature does not match");
	/* A swapped seq, another uuid, entity, op, time or origin. */
	t = o;
	t.seq = 13;
	refused(&t, sig, commit, pub, "signature does not match");
	t = o;
	t.uuid = "01a2436e-0000-7000-8000-000000000002";
	refused(&t, sig, commit, pub, "signature does not match");
	t = o;
	t.entity_uuid = "01a2436e-0000-7000-8000-0000000000ab";
	refused(&t, sig, commit, pub, "signature does not match");
	t = o;
	t.op = "insert";
	refused(&t, sig, commit, pub, "signature does not match");
	t = o;
	t.at = "2026-03-02T10:00:01.000Z";
	refused(&t, sig, commit, pub, "signature does not match");
	t = o;
	t.origin = "01a2436e-572d-78ad-9c39-c5540d19d3f3";
	refused(&t, sig, commit, pub, "signature does not match");
	/* Another store's key. */
	refused(&o, sig, commit, pub2, "signature does not match");
	/* Not of their form. */
	assert_int_equal(opsig_verify(&o, "AAAA", commit, pub, &err), CD_EINPUT);
	assert_int_equal(opsig_verify(&o, sig, "0102", pub, &err), CD_EINPUT);
	assert_false(opsig_commit_form("0102030405060708090A0b0c0d0e0f10", 32));
}

static void test_erased(void **state)
{
	struct opsig_op o = sample(), e;
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX];
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	/* Erased where it was held: the digest alone (the salt gone) proves who made the op. */
	e = o;
	e.payload = OPSIG_ERASED;
	assert_int_equal(opsig_verify(&e, sig, commit + 32, pub, &err), CD_OK);
	refused(&e, sig, commit, pub, "content is not the content that was signed");
	/* The digest alone is no cover for content. */
	refused(&o, sig, commit + 32, pub, "only the digest of erased content");
	/* An erased stub under another seq or uuid is still refused. */
	e.seq = 11;
	refused(&e, sig, commit + 32, pub, "signature does not match");
}

/* A format 3 bundle whose op line carries sig and commit, signed whole by priv. */
static void bundle3(struct cd_buf *b, int format, const char *extra)
{
	unsigned char digest[32];
	char line[128];
	struct cd_error err = CD_ERROR_INIT;

	buf_reset(b);
	buf_printf(b,
		   "casedesk-bundle %d\nkind ops\nid 01a2436e-57c1-746d-8317-47e7d815c7f4\norigin " ORIGIN
		   "\noffice TBS\ncreated 2026-03-02T10:00:00.000Z\nfirst 12\nlast 12\ncount 1\nacked 11\n"
		   "carried 0\nheld 0\n--\n"
		   "{\"uuid\":\"01a2436e-0000-7000-8000-000000000001\",\"origin\":\"" ORIGIN "\",\"seq\":12,"
		   "\"office\":\"TBS\",\"entity\":\"person\",\"entity_uuid\":\"01a2436e-0000-7000-8000-0000000000aa\","
		   "\"op\":\"update\",\"at\":\"2026-03-02T10:00:00.000Z\"%s,\"payload\":" PAYLOAD "}\n",
		   format, extra);
	SHA256((const unsigned char *)buf_str(b), b->len, digest);
	assert_int_equal(bundle_sign_line(digest, priv, line, &err), CD_OK);
	buf_puts(b, line);
}

static void test_bundle_members(void **state)
{
	struct opsig_op o = sample();
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], extra[300];
	struct cd_buf b = CD_BUF_INIT;
	struct bundle bd;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	/* base64 may hold '/', which a JSON writer may escape: read either way. */
	char esc[200];
	size_t k = 0;
	for (const char *p = sig; *p; p++) {
		if (*p == '/')
			esc[k++] = '\\';
		esc[k++] = *p;
	}
	esc[k] = '\0';
	snprintf(extra, sizeof extra, ",\"sig\":\"%s\",\"commit\":\"%s\"", esc, commit);
	bundle3(&b, 3, extra);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_int_equal(bd.n_ops, 1);
	assert_string_equal(bd.ops[0].sig, sig);
	assert_string_equal(bd.ops[0].commit, commit);
	/* What the reader hands on verifies: the payload is the bytes as written. */
	struct opsig_op r = { bd.ops[0].op.uuid, bd.ops[0].op.origin, bd.ops[0].op.origin_seq, bd.ops[0].op.entity,
			      bd.ops[0].op.entity_uuid, bd.ops[0].op.op, bd.ops[0].op.at, bd.ops[0].op.payload };
	assert_int_equal(opsig_verify(&r, bd.ops[0].sig, bd.ops[0].commit, pub, &err), CD_OK);
	bundle_free(&bd);
	/* Unsigned ops (made before schema 27) are read with no sig. */
	bundle3(&b, 3, "");
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_OK);
	assert_null(bd.ops[0].sig);
	assert_null(bd.ops[0].commit);
	bundle_free(&bd);
	/* Format 2 has no op signatures. */
	bundle3(&b, 2, extra);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "a format 2 bundle carries no op signatures"));
	/* One without the other, or not of their form. */
	snprintf(extra, sizeof extra, ",\"sig\":\"%s\"", esc);
	bundle3(&b, 3, extra);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "the op has no member commit"));
	snprintf(extra, sizeof extra, ",\"sig\":\"%s\",\"commit\":\"%.95s\"", esc, commit);
	bundle3(&b, 3, extra);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "member commit is not 64 or 96 hex digits"));
	snprintf(extra, sizeof extra, ",\"sig\":\"%.80s\",\"commit\":\"%s\"", sig, commit);
	bundle3(&b, 3, extra);
	assert_int_equal(bundle_parse(buf_str(&b), b.len, &bd, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "member sig is not an Ed25519 signature"));
	buf_release(&b);
}

/* Every op of the store verifies with the store's public key, as stored. */
static int all_verify(struct cd_store *s, const char *key)
{
	sqlite3_stmt *st;
	int n = 0;
	assert_int_equal(sqlite3_prepare_v2(s->db,
					    "SELECT uuid, origin, origin_seq, entity, entity_uuid, op, at, payload, sig,"
					    " sig_commit FROM outbox ORDER BY origin_seq",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct cd_error err = CD_ERROR_INIT;
		struct opsig_op o = { (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
				      sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
				      (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
				      (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7) };
		int rc = opsig_verify(&o, (const char *)sqlite3_column_text(st, 8), (const char *)sqlite3_column_text(st, 9),
				      key, &err);
		if (rc)
			fail_msg("op %lld: %s", (long long)o.seq, err.msg);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static void test_store_signs(void **state)
{
	struct cd_store_create_opts opts = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor clerk;
	struct cd_person p;
	char key[BUNDLE_KEY_B64];
	(void)state;

	unlink(path);
	assert_int_equal(store_create(path, &opts, &err), CD_OK);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(user_resolve(s, "clerk", &clerk, &err), CD_OK);
	struct cd_person_input in = { .surname = "Koval", .given = "Anna", .sex = "F", .dob = "1990-01-02",
				      .nationality = "UKR" };
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	in.surname = "Bondar";
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	/* The key was made with the first op; every op is signed by it. */
	snprintf(key, sizeof key, "%s", store_text(s, "SELECT public_key FROM bundle_key"));
	assert_int_equal(strlen(key), 44);
	assert_string_equal(store_text(s, "SELECT count(*) FROM outbox WHERE sig IS NULL OR length(sig_commit) <> 96"), "0");
	assert_true(all_verify(s, key) >= 2);
	/* Not with another key. */
	struct cd_error e2 = CD_ERROR_INIT;
	struct opsig_op o = { "x", "y", 1, "person", "z", "insert", "t", "{}" };
	char sig1[OPSIG_SIG_B64], commit1[OPSIG_COMMIT_HEX];
	snprintf(sig1, sizeof sig1, "%s", store_text(s, "SELECT sig FROM outbox LIMIT 1"));
	snprintf(commit1, sizeof commit1, "%s", store_text(s, "SELECT sig_commit FROM outbox LIMIT 1"));
	assert_int_equal(opsig_verify(&o, sig1, commit1, key, &e2), CD_EREFUSED);
	/* The signature never changes, not even with sqlite3 on the file. */
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE outbox SET sig = (SELECT sig FROM outbox WHERE origin_seq = 2)"
						 " WHERE origin_seq = 1", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE outbox SET sig_commit = substr(sig_commit, 33) WHERE origin_seq = 1",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE outbox SET sig = NULL WHERE origin_seq = 1", NULL, NULL, NULL),
			     SQLITE_OK);
	store_close(s);
}

/* A store of schema 26 keeps its ops unsigned (NULL) through migration 27; the ops written
 * after are signed.  held_ops: a signature is set once on an unsigned row and then never
 * changes; erasing the payload drops the salt and keeps the digest. */
static void test_upgrade_from_26(void **state)
{
	struct cd_store_create_opts opts = { .office = "TBS", .training = 1, .schema_version = 26 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct cd_actor clerk;
	struct cd_person p;
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], sql[1024];
	sqlite3 *db;
	(void)state;

	unlink(path);
	assert_int_equal(store_create(path, &opts, &err), CD_OK);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)"
					  " SELECT 'old-1', value, 1, '2026-01-01T00:00:00.000Z', 'person', 'p-1', 'insert',"
					  " '{\"fields\":{}}' FROM settings WHERE key = 'store_uuid'",
					  NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(store_schema_version(s), CD_SCHEMA_VERSION);
	assert_string_equal(store_text(s, "SELECT coalesce(sig, 'NULL') || coalesce(sig_commit, 'NULL') FROM outbox WHERE uuid = 'old-1'"),
			    "NULLNULL");
	assert_int_equal(user_resolve(s, "clerk", &clerk, &err), CD_OK);
	struct cd_person_input in = { .surname = "Koval", .given = "Anna", .sex = "F", .dob = "1990-01-02",
				      .nationality = "UKR" };
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	assert_string_equal(store_text(s, "SELECT count(*) FROM outbox WHERE origin_seq > 1 AND sig IS NULL"), "0");
	assert_string_equal(store_text(s, "SELECT count(*) > 0 FROM outbox WHERE origin_seq > 1"), "1");
	/* The old op cannot be given a signature afterwards: what it was is not known. */
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE outbox SET sig = (SELECT sig FROM outbox WHERE origin_seq = 2)"
						 " WHERE uuid = 'old-1'", NULL, NULL, NULL),
			     SQLITE_OK);
	/* A held op of another store: unsigned as applied, its signature set once. */
	struct opsig_op o = sample();
	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	snprintf(sql, sizeof sql,
		 "INSERT INTO held_ops(uuid, origin, origin_seq, origin_office, at, entity, entity_uuid, op, payload)"
		 " VALUES ('%s', '%s', %lld, 'TBS', '%s', '%s', '%s', '%s', '%s')",
		 o.uuid, o.origin, (long long)o.seq, o.at, o.entity, o.entity_uuid, o.op, o.payload);
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "UPDATE held_ops SET sig = '%s', sig_commit = '%s' WHERE uuid = '%s'", sig, commit, o.uuid);
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE held_ops SET sig = NULL, sig_commit = NULL", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(s->db, "UPDATE held_ops SET sig_commit = substr(sig_commit, 33)", NULL, NULL,
					  NULL),
			     SQLITE_OK);
	/* Erased (retention.c): the salt goes, the digest stays, and the stub still checks. */
	assert_int_equal(sqlite3_exec(s->db, "UPDATE held_ops SET payload = '{\"purged\":true}'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_string_equal(store_text(s, "SELECT sig_commit FROM held_ops"), commit + 32);
	struct opsig_op e = o;
	e.payload = OPSIG_ERASED;
	assert_int_equal(opsig_verify(&e, sig, commit + 32, pub, &err), CD_OK);
	store_close(s);
}

/* ---- store check's walker (oplog_sig_check) ------------------------------------------------ */

static void exec_ok(struct cd_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A store with three persons' ops (signed), checked clean once (its checkpoint left). */
static struct cd_store *three_ops(void)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = store_fresh();
	struct cd_actor clerk;
	struct cd_person p;
	struct oplog_sig_report r;
	const char *names[] = { "Koval", "Bondar", "Melnyk" };

	store_actor(s, "clerk", &clerk);
	for (int i = 0; i < 3; i++) {
		struct cd_person_input in = { .surname = names[i], .given = "Anna", .sex = "F", .dob = "1990-01-02",
					      .nationality = "UKR" };
		assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	}
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.verified, 3);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.unsigned_ok, 0);
	return s;
}

/* What a hostile user with sqlite3 does first: the triggers that keep ops as written go. */
static void drop_guards(struct cd_store *s)
{
	exec_ok(s, "DROP TRIGGER outbox_no_update; DROP TRIGGER outbox_sig_fixed;");
}

static void test_check_clean(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct cd_store *s = three_ops();
	(void)state;

	/* Again, through the checkpoint: the same counts. */
	assert_string_equal(store_text(s, "SELECT substr(value, 1, 2) FROM settings WHERE key = 'opsig_checked'"), "3 ");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.verified, 3);
	assert_int_equal(r.bad, 0);
	/* A checkpoint edited by hand costs a full check, and hides nothing. */
	exec_ok(s, "UPDATE settings SET value = '3 " "0000000000000000000000000000000000000000000000000000000000000000'"
		   " WHERE key = 'opsig_checked'");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.verified, 3);
	assert_int_equal(r.bad, 0);
	store_close(s);
}

static void test_check_tampered_payload(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct cd_store *s = three_ops();
	(void)state;

	drop_guards(s);
	exec_ok(s, "UPDATE outbox SET payload = replace(payload, '\"Bondar\"', '\"Bondarenko\"') WHERE origin_seq = 2");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.verified, 2);
	assert_int_equal(r.first_seq, 2);
	assert_string_equal(r.first_origin, s->uuid);
	assert_string_equal(r.first_table, "outbox");
	assert_non_null(strstr(r.first_why, "not the content that was signed"));
	/* No checkpoint from a check with findings: the old one stays. */
	assert_string_equal(store_text(s, "SELECT substr(value, 1, 2) FROM settings WHERE key = 'opsig_checked'"), "3 ");
	store_close(s);
}

/* A member the payload's digest does not cover: only the signature (or the checkpoint's
 * MAC, then the signature) finds it. */
static void test_check_tampered_seq(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct cd_store *s = three_ops();
	(void)state;

	drop_guards(s);
	exec_ok(s, "UPDATE outbox SET origin_seq = 4 WHERE origin_seq = 3");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.verified, 2);
	assert_int_equal(r.first_seq, 4);
	assert_non_null(strstr(r.first_why, "does not match its members"));
	/* Under the checkpoint (seq 2 stays below it): the MAC differs, every op is verified. */
	exec_ok(s, "UPDATE outbox SET origin_seq = 3 WHERE origin_seq = 4; UPDATE outbox SET entity = 'case' WHERE origin_seq = 2");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.verified, 2);
	assert_int_equal(r.first_seq, 2);
	store_close(s);
}

static void test_check_dropped_signature(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct cd_store *s = three_ops();
	(void)state;

	drop_guards(s);
	exec_ok(s, "UPDATE outbox SET sig = NULL, sig_commit = NULL WHERE origin_seq = 3");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.verified, 2);
	assert_int_equal(r.first_seq, 3);
	assert_non_null(strstr(r.first_why, "no signature"));
	/* The signature without its commitment is no better. */
	exec_ok(s, "UPDATE outbox SET sig_commit = NULL WHERE origin_seq = 2");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 2);
	assert_int_equal(r.first_seq, 2);
	store_close(s);
}

/* Ops from before schema 27 carry none and pass; the ones after are checked. */
static void test_check_pre27(void **state)
{
	struct cd_store_create_opts opts = { .office = "TBS", .training = 1, .schema_version = 26 };
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct cd_store *s = NULL;
	struct cd_actor clerk;
	struct cd_person p;
	sqlite3 *db;
	(void)state;

	unlink(path);
	assert_int_equal(store_create(path, &opts, &err), CD_OK);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO outbox(uuid, origin, origin_seq, at, entity, entity_uuid, op, payload)"
					  " SELECT 'old-' || n, value, n, '2026-01-01T00:00:00.000Z', 'person', 'p-1', 'insert',"
					  " '{\"fields\":{}}' FROM settings, (SELECT 1 AS n UNION ALL SELECT 2)"
					  " WHERE key = 'store_uuid'",
					  NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &s, &err), CD_OK);
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.unsigned_ok, 2);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.verified, 0);
	store_actor(s, "clerk", &clerk);
	struct cd_person_input in = { .surname = "Koval", .given = "Anna", .sex = "F", .dob = "1990-01-02",
				      .nationality = "UKR" };
	assert_int_equal(person_add(s, &clerk, &in, &p, &err), CD_OK);
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.unsigned_ok, 2);
	assert_int_equal(r.verified, 1);
	assert_int_equal(r.bad, 0);
	store_close(s);
}

/* Another origin's ops: checked by the key this store trusts it with, counted when unknown. */
static void test_check_held(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct oplog_sig_report r;
	struct opsig_op o = sample();
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], sql[1200];
	struct cd_store *s = three_ops();
	(void)state;

	assert_int_equal(opsig_sign(&o, priv, salt, sig, commit, &err), CD_OK);
	snprintf(sql, sizeof sql,
		 "INSERT INTO held_ops(uuid, origin, origin_seq, origin_office, at, entity, entity_uuid, op, payload, sig,"
		 " sig_commit) VALUES ('%s', '%s', %lld, 'BTM', '%s', '%s', '%s', '%s', '%s', '%s', '%s')",
		 o.uuid, o.origin, (long long)o.seq, o.at, o.entity, o.entity_uuid, o.op, o.payload, sig, commit);
	exec_ok(s, sql);
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.unknown, 1);
	assert_int_equal(r.bad, 0);
	snprintf(sql, sizeof sql, "INSERT INTO trusted_origins(origin, office, public_key, added_at) VALUES ('%s', 'BTM',"
		 " '%s', '2026-03-02')", ORIGIN, pub);
	exec_ok(s, sql);
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.unknown, 0);
	assert_int_equal(r.verified, 4);
	exec_ok(s, "DROP TRIGGER held_ops_update; DROP TRIGGER held_ops_sig_fixed;"
		   " UPDATE held_ops SET payload = replace(payload, 'Kovalenko', 'Kovalchuk')");
	assert_int_equal(oplog_sig_check(s, &r, &err), CD_OK);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.first_seq, 12);
	assert_string_equal(r.first_origin, ORIGIN);
	assert_string_equal(r.first_table, "held_ops");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_erased),
		cmocka_unit_test(test_bundle_members),
		cmocka_unit_test(test_store_signs),
		cmocka_unit_test(test_upgrade_from_26),
		cmocka_unit_test(test_check_clean),
		cmocka_unit_test(test_check_tampered_payload),
		cmocka_unit_test(test_check_tampered_seq),
		cmocka_unit_test(test_check_dropped_signature),
		cmocka_unit_test(test_check_pre27),
		cmocka_unit_test(test_check_held),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
