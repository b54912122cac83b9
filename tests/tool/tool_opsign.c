/*
 * tool_opsign.c - signs every unsigned op of a store's own origin with the store's key, as
 * the store would have signed them had it written them at schema 27 (opsig_sign).  For the
 * measurement of `store check` on a million signed ops only: tests/bench/gen_ops.sql.sh
 * writes the bench's ops with one SQL statement and no signatures, and a store signs each op
 * as it writes it, which no SQL can do.  Goes around the outbox's triggers the way a hostile
 * user with sqlite3 would (drops them, puts them back as they were): never run it on a store
 * that matters.
 *
 *   tool_opsign STORE      the store must have its key (bundle_key: its first op made it)
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "model/base/error.h"
#include "model/store/opsig.h"

static char priv[64];

/* cd_opsign(uuid, origin, seq, entity, entity_uuid, op, at, payload): "SIG COMMIT". */
static void fn_opsign(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char sig[OPSIG_SIG_B64], commit[OPSIG_COMMIT_HEX], out[OPSIG_SIG_B64 + OPSIG_COMMIT_HEX + 1];
	struct cd_error err = CD_ERROR_INIT;
	struct opsig_op o = { (const char *)sqlite3_value_text(argv[0]), (const char *)sqlite3_value_text(argv[1]),
			      sqlite3_value_int64(argv[2]), (const char *)sqlite3_value_text(argv[3]),
			      (const char *)sqlite3_value_text(argv[4]), (const char *)sqlite3_value_text(argv[5]),
			      (const char *)sqlite3_value_text(argv[6]), (const char *)sqlite3_value_text(argv[7]) };

	(void)argc;
	if (opsig_sign(&o, priv, NULL, sig, commit, &err)) {
		sqlite3_result_error(ctx, err.msg, -1);
		return;
	}
	snprintf(out, sizeof out, "%s %s", sig, commit);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	fprintf(stderr, "tool_opsign: %s\n", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return 1;
}

int main(int argc, char **argv)
{
	static const char *const triggers[] = { "outbox_no_update", "outbox_sig_fixed" };
	char saved[2][4096], sql[4200];
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: tool_opsign STORE\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT private_key FROM bundle_key WHERE id = 1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "tool_opsign: %s: no store key (make one op first)\n", argv[1]);
		goto out;
	}
	snprintf(priv, sizeof priv, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	for (int i = 0; i < 2; i++) {
		if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", -1, &st,
				       NULL) != SQLITE_OK)
			goto out;
		sqlite3_bind_text(st, 1, triggers[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			fprintf(stderr, "tool_opsign: no trigger %s\n", triggers[i]);
			goto out;
		}
		snprintf(saved[i], sizeof saved[i], "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		st = NULL;
	}
	sqlite3_create_function(db, "cd_opsign", 8, SQLITE_UTF8, NULL, fn_opsign, NULL, NULL);
	if (exec(db, "BEGIN IMMEDIATE; DROP TRIGGER outbox_no_update; DROP TRIGGER outbox_sig_fixed;") ||
	    exec(db, "UPDATE outbox SET (sig, sig_commit) = (SELECT substr(v, 1, 88), substr(v, 90) FROM (SELECT"
		     " cd_opsign(uuid, origin, origin_seq, entity, entity_uuid, op, at, payload) AS v))"
		     " WHERE sig IS NULL AND origin = (SELECT value FROM settings WHERE key = 'store_uuid')"))
		goto out;
	for (int i = 0; i < 2; i++) {
		snprintf(sql, sizeof sql, "%s;", saved[i]);
		if (exec(db, sql))
			goto out;
	}
	if (exec(db, "COMMIT"))
		goto out;
	printf("%d ops signed\n", sqlite3_total_changes(db));
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
