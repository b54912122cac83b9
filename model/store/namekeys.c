/*
 * namekeys.c - the SQL functions a store connection needs: cd_name_keys(), which computes
 * the person_key row (the skeleton keys of every name word, and the date of birth as
 * tokens) in C for migrations and bulk index fills (SEARCH_KEYS_SQL in store_internal.h).
 * A module of its own so that opening a store needs only model/identity, not search.
 */
#include "model/store/namekeys.h"

#include <stdio.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/identity/namescore.h"
#include "model/identity/translit.h"

/* Appends key to b unless empty or there already. */
static void add_key(struct cd_buf *b, const char *key)
{
	/* Tokens are whole words of the key text: " KEY " once is enough. */
	char probe[40];
	if (!key[0])
		return;
	snprintf(probe, sizeof probe, " %s ", key);
	if (strstr(buf_str(b), probe))
		return;
	buf_puts(b, key);
	buf_puts(b, " ");
}

/* Appends the skeleton keys of every word of `name` to b, each once; an Arabic word's
 * also without its article (MLK for المالكي), which MALIKI and مالكي look up. */
static void add_keys(struct cd_buf *b, const char *name, const char *hint)
{
	struct cd_name_word w[16];
	size_t n = name_words(name, NULL, hint, 0, w, 16);
	for (size_t i = 0; i < n; i++) {
		add_key(b, w[i].key);
		if (w[i].arabic)
			add_key(b, w[i].key2);
	}
}

/* cd_name_keys(nationality, dob, name, ...): "KEY KEY ... y1987 m198704". */
static void sql_name_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cd_buf b = CD_BUF_INIT;
	const char *nat = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
	const char *dob = argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL;

	if (translit_load(NULL)) {
		sqlite3_result_error(ctx, _("the transliteration tables (data/translit) cannot be read"), -1);
		return;
	}
	buf_puts(&b, " ");
	for (int i = 2; i < argc; i++) {
		const char *text = (const char *)sqlite3_value_text(argv[i]);
		if (text)
			add_keys(&b, text, nat);
	}
	if (dob && strlen(dob) >= 4) {
		buf_printf(&b, "y%.4s", dob);
		if (strlen(dob) >= 7)
			buf_printf(&b, " m%.4s%.2s", dob, dob + 5);
	}
	if (b.failed)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, buf_str(&b) + 1, -1, SQLITE_TRANSIENT);
	buf_release(&b);
}

int namekeys_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "cd_name_keys", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       sql_name_keys, NULL, NULL);
}

