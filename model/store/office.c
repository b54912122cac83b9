/*
 * office.c - the office's settings in its store (letterhead, appeal court, appeal time
 * limit, the employment service letters go to); see office.h.  Kept as rows "office.KEY" of the settings table, which every store
 * has, so no migration is needed and a store made before them simply has none (forms then
 * use the package's data/forms/office.ini).
 */
#include "model/store/office.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/text.h"
#include "model/identity/countries.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

static const struct cd_office_key keys[] = {
	{ "name", N_("the office's name, first line of the letterhead"), 1 },
	{ "address", N_("postal address, second line of the letterhead"), 1 },
	{ "phone", N_("telephone, on the letterhead's third line"), 0 },
	{ "email", N_("email address, on the letterhead's third line"), 0 },
	{ "appeal_court", N_("the court that hears an appeal against a decision"), 1 },
	{ "appeal_court_address", N_("that court's address"), 1 },
	{ "appeal_limit", N_("time allowed for an appeal: 30d, 4w, 1m or 10wd"), 0 },
	/* The authority a labour-market test is asked of (work permits, Directive 2011/98/EU):
	 * the addressee of labour_market_test_request, never the applicant. */
	{ "employment_service", N_("the employment service that carries out labour-market tests"), 1 },
	{ "employment_service_address", N_("that service's postal address"), 1 },
	/* The issuing State in the MRZ of residence cards and visas (ICAO Doc 9303): the
	 * package's data/forms/office.ini holds an example until the office sets its own. */
	{ "state", N_("the issuing State in cards' and visas' MRZ: ISO 3166-1 alpha-3 (DEU, AUT ...)"), 0 },
};

#define VALUE_MAX 400   /* bytes: a letterhead line, not a letter */

const struct cd_office_key *office_keys(size_t *n)
{
	*n = sizeof keys / sizeof keys[0];
	return keys;
}

/* The key's entry for "name" or "name[ru]", or NULL; the language must be 2-3 letters a-z. */
static const struct cd_office_key *find_key(const char *key)
{
	size_t base = strcspn(key, "[");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strlen(keys[i].key) != base || strncmp(keys[i].key, key, base) != 0)
			continue;
		if (!key[base])
			return &keys[i];
		if (!keys[i].per_language)
			return NULL;
		const char *lang = key + base + 1;
		size_t n = strspn(lang, "abcdefghijklmnopqrstuvwxyz");
		return n >= 2 && n <= 3 && strcmp(lang + n, "]") == 0 ? &keys[i] : NULL;
	}
	return NULL;
}

/* A duration as the workflows write one (workflow/wf_rules.c): 1-9999 and d, wd, w or m. */
static int duration_valid(const char *v)
{
	size_t digits = strspn(v, "0123456789");
	if (digits == 0 || digits > 4 || v[0] == '0')
		return 0;
	const char *unit = v + digits;
	return !strcmp(unit, "d") || !strcmp(unit, "wd") || !strcmp(unit, "w") || !strcmp(unit, "m");
}

int office_check(const char *key, const char *value, char **norm, struct cd_error *err)
{
	const struct cd_office_key *k = find_key(key ? key : "");
	char field[64];
	int rc;

	*norm = NULL;
	if (!k) {
		struct cd_buf known = CD_BUF_INIT;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", keys[i].key);
		rc = cd_error_set(err, CD_EINPUT,
				  _("no office setting '%s'; the settings are %s (name, address, the court's and the "
				    "employment service's may carry a language: name[ru])"),
				  key ? key : "", buf_str(&known));
		buf_release(&known);
		return rc;
	}
	snprintf(field, sizeof field, "%s", key);
	if (!value || !*value) {
		if (!(*norm = strdup("")))
			return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		return CD_OK;
	}
	if (strlen(value) > VALUE_MAX)
		return cd_error_set(err, CD_EINPUT, _("%s: at most %d bytes"), field, VALUE_MAX);
	if ((rc = text_nfc(value, field, TEXT_LINE, norm, err)))
		return rc;
	if (strcmp(k->key, "appeal_limit") == 0 && !duration_valid(*norm)) {
		free(*norm);
		*norm = NULL;
		return cd_error_set(err, CD_EINPUT,
				    _("appeal_limit: give a number and d, wd, w or m (30d, 10wd, 4w, 1m)"));
	}
	if (strcmp(k->key, "state") == 0) {
		countries_load(NULL);
		if (strlen(*norm) != 3 || strspn(*norm, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3 || !country_known(*norm)) {
			free(*norm);
			*norm = NULL;
			return cd_error_set(err, CD_EINPUT, _("state: give the issuing State's ISO 3166-1 alpha-3 code in "
							      "capitals (DEU, AUT ...)"));
		}
	}
	if (strcmp(k->key, "email") == 0) {
		const char *at = strchr(*norm, '@');
		if (!at || at == *norm || !at[1] || strchr(*norm, ' ')) {
			free(*norm);
			*norm = NULL;
			return cd_error_set(err, CD_EINPUT, _("email: give an address like office@example.org"));
		}
	}
	return CD_OK;
}

int office_set(struct cd_store *s, const struct cd_actor *actor, const char *key, const char *value,
	       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_op op;
	char *norm = NULL, row[80], was[512];
	int rc, had;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin may change the office's settings; %s is not one"),
				    actor->name);
	if ((rc = office_check(key, value, &norm, err)))
		return rc;
	snprintf(row, sizeof row, "office.%s", key);
	op_init(&op, 0);
	if ((rc = store_begin(s, err)))
		goto out_free;
	if ((had = st_setting_read(s, row, was, sizeof was, err)) < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	if ((rc = st_prepare(s, *norm ? "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)"
				      : "DELETE FROM settings WHERE key = ?1",
			     &st, err)))
		goto out;
	st_bind_text(st, 1, row);
	if (*norm)
		st_bind_text(st, 2, norm);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("writing the office's settings"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	/* Settings keep no row version: an office's settings are its own, never merged, so
	 * their ops carry base 0 with the value before and after. */
	op_text(&op, "value", had ? was : NULL, *norm ? norm : NULL);
	op_meta_text(&op, "key", key);
	if ((rc = store_add_audit(s, actor, "change", "office", row, "administration", err)) ||
	    (rc = op_write(s, &op, "setting", row, *norm ? "update" : "delete", err)))
		goto out;
	rc = store_commit(s, err);
	goto out_free;
out:
	st_finish(s, st);
	store_rollback(s);
out_free:
	op_release(&op);
	free(norm);
	return rc;
}

/* One stored value, or NULL; -1 on a failed read (err filled). */
static int get_row(struct cd_store *s, const char *row, char **out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = st_prepare(s, "SELECT value FROM settings WHERE key = ?1", &st, err)))
		return rc;
	st_bind_text(st, 1, row);
	if ((rc = st_row(s, st, _("reading the office's settings"), err)) > 0) {
		if (!(*out = st_dup_column(st, 0)))
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		else
			rc = CD_OK;
	} else {
		rc = rc < 0 ? CD_ESTORE : CD_OK;
	}
	st_finish(s, st);
	return rc;
}

int office_get(struct cd_store *s, const char *key, const char *lang, char **out, struct cd_error *err)
{
	char row[80];
	int rc;

	*out = NULL;
	if (lang && *lang && strcmp(lang, "en") != 0) {
		snprintf(row, sizeof row, "office.%s[%s]", key, lang);
		if ((rc = get_row(s, row, out, err)) || *out)
			return rc;
	}
	snprintf(row, sizeof row, "office.%s", key);
	return get_row(s, row, out, err);
}

int office_list(struct cd_store *s, struct cd_office_setting **out, size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct cd_office_setting *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = st_prepare(s, "SELECT substr(key, 8), value FROM settings WHERE key LIKE 'office.%' ORDER BY key",
			     &st, err)))
		return rc;
	while ((rc = st_row(s, st, _("reading the office's settings"), err)) > 0) {
		ST_GROW(rows, count, cap);
		rows[count].key = st_dup_column(st, 0);
		rows[count].value = st_dup_column(st, 1);
		count++;
		if (!rows[count - 1].key || !rows[count - 1].value) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	rc = CD_OK;
	*out = rows;
	*n = count;
	rows = NULL;
	count = 0;
out:
	st_finish(s, st);
	office_list_free(rows, count);
	return rc;
}

void office_list_free(struct cd_office_setting *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].key);
		free(rows[i].value);
	}
	free(rows);
}

int office_letterhead(struct cd_store *s, const char *lang, struct cd_letterhead *out, int *found,
		      struct cd_error *err)
{
	char *phone = NULL, *email = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	*found = 0;
	if ((rc = office_get(s, "name", lang, &out->name, err)) || !out->name)
		goto out;
	*found = 1;
	if ((rc = office_get(s, "address", lang, &out->address, err)) || (rc = office_get(s, "phone", lang, &phone, err)) ||
	    (rc = office_get(s, "email", lang, &email, err)))
		goto out;
	if (phone || email) {
		struct cd_buf b = CD_BUF_INIT;
		/* One line, as the package's letterhead writes it: "Tel. ... - office@...". */
		buf_printf(&b, "%s%s%s", phone ? phone : "", phone && email ? " - " : "", email ? email : "");
		if (!(out->contact = strdup(buf_str(&b))))
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		buf_release(&b);
	}
out:
	free(phone);
	free(email);
	if (rc) {
		office_letterhead_release(out);
		*found = 0;
	}
	return rc;
}

void office_letterhead_release(struct cd_letterhead *l)
{
	free(l->name);
	free(l->address);
	free(l->contact);
	memset(l, 0, sizeof *l);
}

int office_appeal(struct cd_store *s, const char *lang, struct cd_office_appeal *out, struct cd_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = office_get(s, "appeal_court", lang, &out->court, err)) ||
	    (rc = office_get(s, "appeal_court_address", lang, &out->court_address, err)) ||
	    (rc = office_get(s, "appeal_limit", NULL, &out->limit, err)))
		office_appeal_release(out);
	return rc;
}

void office_appeal_release(struct cd_office_appeal *a)
{
	free(a->court);
	free(a->court_address);
	free(a->limit);
	memset(a, 0, sizeof *a);
}
