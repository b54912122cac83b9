/* person.c - people, documents, aliases and family links; see person.h. */
#include "model/store/person.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/identity/docnum.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/checkqueue.h"
#include "model/store/lostdocs.h"
#include "model/store/person_internal.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"
#include "model/base/text.h"
#include "model/identity/translit.h"

#define NAME_MAX_BYTES 200

/* ---- validation ---------------------------------------------------------------------- */

int person_check_name(const char *text, const char *field, struct cd_error *err)
{
	size_t len = text ? strlen(text) : 0;

	if (len == 0)
		return cd_error_set(err, CD_EINPUT, _("%s: must not be empty"), field);
	if (len > NAME_MAX_BYTES)
		return cd_error_set(err, CD_EINPUT, ngettext("%s: longer than %d byte", "%s: longer than %d bytes",
							     (unsigned long)NAME_MAX_BYTES), field, NAME_MAX_BYTES);
	/* Strict UTF-8; no C0, DEL or C1 (which some terminals execute), no new line. */
	return text_check(text, field, TEXT_LINE, err);
}

int person_check_latin(const char *text, const char *field, struct cd_error *err)
{
	size_t n = strlen(text);
	if (n == 0 || n > NAME_MAX_BYTES)
		return cd_error_set(err, CD_EINPUT, ngettext("%s: give 1 to %d letter", "%s: give 1 to %d letters",
							     (unsigned long)NAME_MAX_BYTES), field, NAME_MAX_BYTES);
	for (const char *p = text; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == ' ' || *p == '-' || *p == '\''))
			return cd_error_set(err, CD_EINPUT,
					    _("%s: the ICAO Latin form uses A-Z, space, '-' and ''' only"), field);
	return CD_OK;
}

/*
 * The ICAO Latin form of a name as written (data/translit/, the nationality choosing the
 * language's rows: Ukrainian Г is H, Russian Г is G).  NULL with CD_EINPUT when nothing of
 * it transliterates (a script without a table): then the caller must give the Latin form.
 */
char *person_icao_of(const char *name, const char *nationality, const char *field, const char *option,
			    struct cd_error *err)
{
	char buf[NAME_MAX_BYTES * 4 + 1];
	char *out;

	if (translit_load(err))
		return NULL;
	if (translit_icao(name, nationality, buf, sizeof buf) < 0 || !buf[0]) {
		cd_error_set(err, CD_EINPUT,
			     _("%s: no ICAO Latin form can be derived from this script; give it with %s"), field,
			     option);
		return NULL;
	}
	if (!(out = strdup(buf)))
		cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return out;
}

/* ---- lookup -------------------------------------------------------------------------- */

int person_resolve(struct cd_store *s, const char *ref, int64_t *id, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	/* A record merged into another takes no new documents, cases or links: they would be
	 * lost to the survivor.  The caller is told where to act instead. */
	int rc = st_prepare(s, "SELECT p.id, q.number FROM person p LEFT JOIN person q ON q.id = p.merged_into"
			       " WHERE p.number = ?1 OR p.uuid = lower(?1)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	int step = st_row(s, st, _("reading a person"), err);
	if (step < 0)
		rc = CD_ESTORE;   /* a failed read is the store's error, never "no such person" */
	else if (step > 0 && sqlite3_column_type(st, 1) != SQLITE_NULL)
		rc = cd_error_set(err, CD_EREFUSED,
				  _("person %s was merged into %s; act on %s (or unmerge %s first)"), ref,
				  (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 1), ref);
	else if (step > 0 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*id = sqlite3_column_int64(st, 0);
	else
		rc = cd_error_set(err, CD_ENOTFOUND,
				  _("no person %s in this store; find people with `casedesk search`"),
				  ref);
	st_finish(s, st);
	return rc;
}

/* Rewrites a person's rows in both search indexes (names, and their skeleton keys); a person
 * the index does not hold (SEARCH_INDEXED_SQL: merged, purged) is left with none. */
int person_fts_refresh(struct cd_store *s, int64_t person_id, struct cd_error *err)
{
	static const char names_sql[] = "INSERT INTO person_fts(rowid, names)" SEARCH_NAMES_SQL
					" WHERE p.id = ?1 AND " SEARCH_INDEXED_SQL;
	static const char keys_sql[] = "INSERT INTO person_key(rowid, keys)" SEARCH_KEYS_SQL
				       " WHERE p.id = ?1 AND " SEARCH_INDEXED_SQL;
	const char *const sqls[4] = { "DELETE FROM person_fts WHERE rowid = ?1", "DELETE FROM person_key WHERE rowid = ?1",
				      names_sql, keys_sql };
	sqlite3_stmt *st = NULL;
	int rc = CD_OK;

	if (s->bulk)
		return CD_OK;   /* built in one pass when bulk mode ends */
	for (int i = 0; i < 4 && rc == CD_OK; i++) {
		if ((rc = st_prepare(s, sqls[i], &st, err)))
			break;
		sqlite3_bind_int64(st, 1, person_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = st_fail(s, _("updating the search index"), err);
		st_finish(s, st);
		st = NULL;
	}
	return rc;
}

/* ---- person_add ---------------------------------------------------------------------- */

static int add_person(struct cd_store *s, const struct cd_actor *actor, const struct cd_person_input *in,
		      struct cd_person *out, struct cd_error *err)
{
	struct cd_date dob;
	char dob_text[16], now[32], uuid[37], number[32];
	char *surname_latin = NULL, *given_latin = NULL;
	sqlite3_stmt *st = NULL;
	int64_t seq = 0, id;
	int rc;

	if ((rc = person_check_name(in->surname, "surname", err)) ||
	    (rc = person_check_name(in->given, "given names", err)))
		return rc;
	if (!in->sex || strlen(in->sex) != 1 || !strchr("MFX", in->sex[0]))
		return cd_error_set(err, CD_EINPUT, _("sex: give M, F or X"));
	if ((rc = cd_date_parse(in->dob, "date of birth", 1, &dob, err)))
		return rc;
	if (dob.year < 1900 || cd_date_to_days(dob.year, dob.month ? dob.month : 1, dob.day ? dob.day : 1) >
				       store_today(s))
		return cd_error_set(err, CD_EINPUT,
				    _("date of birth: must lie between 1900 and today"));
	if ((rc = countries_load(err)))
		return rc;
	if (!in->nationality || !country_known(in->nationality))
		return cd_error_set(err, CD_EINPUT,
				    _("nationality: %s is not an ISO 3166-1 alpha-3 or ICAO code "
				      "(e.g. UKR, SYR, XXA for stateless); see data/countries.tsv"),
				    in->nationality ? in->nationality : "");
	if (in->birth_place && in->birth_place[0] && (rc = person_check_name(in->birth_place, "place of birth", err)))
		return rc;

	/* Latin forms not given are derived: ICAO transliteration with the nationality's rows. */
	if (in->surname_latin)
		surname_latin = strdup(in->surname_latin);
	else if (!(surname_latin = person_icao_of(in->surname, in->nationality, "surname", "--surname-latin", err)))
		return err ? err->code : CD_EINPUT;
	if (in->given_latin)
		given_latin = strdup(in->given_latin);
	else if (!(given_latin = person_icao_of(in->given, in->nationality, "given names", "--given-latin", err))) {
		free(surname_latin);
		return err ? err->code : CD_EINPUT;
	}
	if (!surname_latin || !given_latin) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out_free;
	}
	if ((rc = person_check_latin(surname_latin, "surname (Latin)", err)) ||
	    (rc = person_check_latin(given_latin, "given names (Latin)", err)))
		goto out_free;

	cd_date_format(&dob, dob_text, sizeof dob_text);
	if ((rc = store_begin(s, err)))
		goto out_free;
	if ((rc = store_next_counter(s, "person", &seq, err)))
		goto out;
	snprintf(number, sizeof number, "P-%s-%06lld", s->office, (long long)seq);
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	if ((rc = st_prepare(s, "INSERT INTO person(uuid, number, surname, given, surname_latin,"
				" given_latin, sex, dob, nationality, birth_place, created_at, updated_at)"
				" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)", &st, err)))
		goto out;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, number);
	st_bind_text(st, 3, in->surname);
	st_bind_text(st, 4, in->given);
	st_bind_text(st, 5, surname_latin);
	st_bind_text(st, 6, given_latin);
	st_bind_text(st, 7, in->sex);
	st_bind_text(st, 8, dob_text);
	st_bind_text(st, 9, in->nationality);
	st_bind_text(st, 10, in->birth_place && in->birth_place[0] ? in->birth_place : NULL);
	st_bind_text(st, 11, in->at ? in->at : now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("adding a person"), err);
		goto out;
	}
	id = sqlite3_last_insert_rowid(s->db);
	if ((rc = person_fts_refresh(s, id, err)))
		goto out;
	{
		struct cd_event ev = { .person_id = id, .kind = "person_added", .row_version = 1, .at = in->at,
				       .note = in->note };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	}
	if (!s->bulk) {
		struct cd_op op;
		op_init(&op, 0);
		op_text(&op, "number", NULL, number);
		op_text(&op, "surname", NULL, in->surname);
		op_text(&op, "given", NULL, in->given);
		op_text(&op, "surname_latin", NULL, surname_latin);
		op_text(&op, "given_latin", NULL, given_latin);
		op_text(&op, "sex", NULL, in->sex);
		op_text(&op, "dob", NULL, dob_text);
		op_text(&op, "nationality", NULL, in->nationality);
		op_text(&op, "birth_place", NULL, in->birth_place && in->birth_place[0] ? in->birth_place : NULL);
		rc = op_record(s, actor, NULL, "registration", &op, "person", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	st_finish(s, st);
	st = NULL;
	if ((rc = store_commit(s, err)))
		goto out_free;
	if (out) {
		out->id = id;
		memcpy(out->uuid, uuid, sizeof out->uuid);
		memcpy(out->number, number, sizeof out->number);
	}
	goto out_free;
out:
	st_finish(s, st);
	store_rollback(s);
out_free:
	free(surname_latin);
	free(given_latin);
	return rc;
}

/*
 * Names are checked strictly and stored in NFC (model/base/text.h): "Müller" typed with a
 * composed ü and with u + U+0308 is then one name, found and transliterated alike.
 */
int person_add(struct cd_store *s, const struct cd_actor *actor, const struct cd_person_input *in,
	       struct cd_person *out, struct cd_error *err)
{
	struct cd_person_input nfc = *in;
	char *sn = NULL, *gn = NULL, *bp = NULL, *sl = NULL, *gl = NULL;
	int rc;

	if ((rc = person_check_name(in->surname, "surname", err)) ||
	    (rc = person_check_name(in->given, "given names", err)) ||
	    (rc = text_nfc(in->surname, "surname", TEXT_LINE, &sn, err)) ||
	    (rc = text_nfc(in->given, "given names", TEXT_LINE, &gn, err)) ||
	    (rc = text_nfc(in->birth_place, "place of birth", TEXT_LINE, &bp, err)) ||
	    (rc = text_nfc(in->surname_latin, "surname (Latin)", TEXT_LINE, &sl, err)) ||
	    (rc = text_nfc(in->given_latin, "given names (Latin)", TEXT_LINE, &gl, err)))
		goto out;
	nfc.surname = sn;
	nfc.given = gn;
	nfc.birth_place = bp;
	nfc.surname_latin = sl;
	nfc.given_latin = gl;
	rc = add_person(s, actor, &nfc, out, err);
out:
	free(sn);
	free(gn);
	free(bp);
	free(sl);
	free(gl);
	return rc;
}

/* ---- documents, aliases, family ---------------------------------------------------- */

/* A document's own dates hold together: issued on a day that has come, and expiring after it. */
static int document_dates_check(const struct cd_store *s, const char *issued, const char *expires,
				struct cd_error *err)
{
	long from = 0, to = 0, today = store_today(s);
	char day[16];
	int rc;

	if (issued && *issued && (rc = cd_days_parse(issued, "issue date", &from, err)))
		return rc;
	if (expires && *expires) {
		if ((rc = cd_days_parse(expires, "expiry date", &to, err)))
			return rc;
		if (issued && *issued && to <= from)
			return cd_error_set(err, CD_EINPUT, _("expiry date: %s is not after the issue date %s; one of the "
							      "two is mistyped"), expires, issued);
	}
	if (issued && *issued && from > today) {
		cd_days_format(today, day, sizeof day);
		return cd_error_set(err, CD_EINPUT, _("issue date: %s is after today (%s); give the date printed in "
						      "the document"), issued, day);
	}
	return CD_OK;
}

/*
 * One document (number and issuer) is on one person's file once.  The same document on
 * another person's file is a mistyped number, a duplicate record or a forgery: refused
 * naming that person, unless forced with a reason (kept on the event, as for a
 * lost/stolen hit).  The demo's synthetic numbers are random; a collision there means
 * nothing, so bulk mode asks only about the person's own file.  Uses document_number.
 */
static int document_unique(struct cd_store *s, int64_t pid, const char *norm, const char *issuer, int force,
			   const char *reason, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT d.person_id, p.number FROM document d JOIN person p ON p.id = d.person_id"
			       " WHERE d.number = ?1 AND d.issuer = ?2 ORDER BY d.person_id = ?3 DESC LIMIT 1",
			    &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, norm);
	st_bind_text(st, 2, issuer);
	sqlite3_bind_int64(st, 3, pid);
	int r = st_row(s, st, _("reading a person's documents"), err);
	if (r < 0)
		rc = CD_ESTORE;
	else if (r == 0)
		rc = CD_OK;
	else if (sqlite3_column_int64(st, 0) == pid)
		rc = cd_error_set(err, CD_EREFUSED, _("a document with this number from %s is already on file for "
						      "this person; nothing added"), issuer);
	else if (!s->bulk && (!force || !reason))
		rc = cd_error_set(err, CD_EREFUSED,
				  _("a document with this number from %s is on file for person %s: one document belongs to one person "
				    "(a mistyped number, a duplicate record or a forgery); check it, or take it anyway with "
				    "--force --reason TEXT"), issuer, (const char *)sqlite3_column_text(st, 1));
	st_finish(s, st);
	return rc;
}

static int add_document(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
			const char *kind, const char *number, const char *issuer, const char *issued,
			const char *expires, int force, const char *note, struct cd_error *err)
{
	char norm[64], uuid[37], now[32];
	struct cd_date d;
	sqlite3_stmt *st = NULL;
	int64_t pid;
	int rc;

	if (!kind || !*kind)
		kind = "passport";
	if ((rc = text_check(kind, "document kind", TEXT_LINE, err)))
		return rc;
	if (!number || strlen(number) > 40)
		return cd_error_set(err, CD_EINPUT, _("document number: give 1 to 40 characters"));
	document_number_normalise(number, norm, sizeof norm);
	if (!*norm)
		return cd_error_set(err, CD_EINPUT, _("document number: must not be empty"));
	for (const char *p = norm; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return cd_error_set(err, CD_EINPUT,
					    _("document number: use letters A-Z and digits only"));
	if ((rc = countries_load(err)))
		return rc;
	if (!issuer || !country_known(issuer))
		return cd_error_set(err, CD_EINPUT, _("issuing country: not a known alpha-3 or ICAO code"));
	if (issued && *issued && (rc = cd_date_parse(issued, "issue date", 0, &d, err)))
		return rc;
	if (expires && *expires && (rc = cd_date_parse(expires, "expiry date", 0, &d, err)))
		return rc;
	if ((rc = document_dates_check(s, issued, expires, err)))
		return rc;
	/* Offline check against the lost/stolen list: a hit refuses (or, forced, is recorded),
	 * naming the person when the reference finds one (an unknown one is reported below). */
	{
		struct cd_error ignore = CD_ERROR_INIT;
		int64_t gate_pid = 0;
		if (person_ref && person_resolve(s, person_ref, &gate_pid, &ignore))
			gate_pid = 0;
		if ((rc = lostdocs_gate(s, actor, gate_pid, norm, issuer, force, err)))
			return rc;
	}
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, person_ref, &pid, err)) ||
	    (rc = document_unique(s, pid, norm, issuer, force, note, err)))
		goto out;
	if ((rc = st_prepare(s, "INSERT INTO document(uuid, person_id, kind, number, issuer, issued,"
				" expires, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, pid);
	st_bind_text(st, 3, kind);
	st_bind_text(st, 4, norm);
	st_bind_text(st, 5, issuer);
	st_bind_text(st, 6, issued && *issued ? issued : NULL);
	st_bind_text(st, 7, expires && *expires ? expires : NULL);
	st_bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("adding a document"), err);
		goto out;
	}
	/* The person's open cases that ask about documents ask about this one (issue 16). */
	if ((rc = checkqueue_document_entered(s, pid, sqlite3_last_insert_rowid(s->db), err)))
		goto out;
	{
		struct cd_event ev = { .person_id = pid, .kind = "document_added", .field = kind, .note = note };
		if ((rc = store_add_event(s, actor, &ev, err)))
			goto out;
	}
	if (!s->bulk) {
		struct cd_op op;
		op_init(&op, 0);
		op_person(s, &op, "person", 0, pid);
		op_text(&op, "kind", NULL, kind);
		op_text(&op, "number", NULL, norm);
		op_text(&op, "issuer", NULL, issuer);
		op_text(&op, "issued", NULL, issued && *issued ? issued : NULL);
		op_text(&op, "expires", NULL, expires && *expires ? expires : NULL);
		rc = op_record(s, actor, NULL, "registration", &op, "document", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	st_finish(s, st);
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

int document_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		 const char *kind, const char *number, const char *issuer, const char *issued,
		 const char *expires, int force, struct cd_error *err)
{
	return add_document(s, actor, person_ref, kind, number, issuer, issued, expires, force, NULL, err);
}

/* The screen's way past a lost/stolen hit: the caseworker's typed reason goes on the
 * document's event, so the history says why a listed document was taken anyway. */
int document_add_because(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
			 const char *kind, const char *number, const char *issuer, const char *issued,
			 const char *expires, const char *force_reason, struct cd_error *err)
{
	char *reason = NULL;
	int rc;

	if (force_reason && (rc = text_nfc(force_reason, "reason", TEXT_LINE, &reason, err)))
		return rc;
	if (force_reason && !reason[strspn(reason, " ")]) {
		free(reason);
		return cd_error_set(err, CD_EINPUT, _("reason: say why the listed document is taken anyway"));
	}
	rc = add_document(s, actor, person_ref, kind, number, issuer, issued, expires, reason != NULL, reason, err);
	free(reason);
	return rc;
}

static int add_alias(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		     const char *kind, const char *surname, const char *given, struct cd_error *err)
{
	char uuid[37], now[32];
	char *sl = NULL, *gl = NULL;
	sqlite3_stmt *st = NULL;
	int64_t pid;
	int rc;

	if ((rc = person_check_name(surname, "alias surname", err)) ||
	    (rc = person_check_name(given, "alias given names", err)))
		return rc;
	if ((rc = translit_load(err)) || (rc = store_begin(s, err)))
		goto out_free;
	if ((rc = person_resolve(s, person_ref, &pid, err)))
		goto out;
	/* The alias's ICAO form, with the person's nationality choosing the language's rows;
	 * none when its script has no table (it is still found as written). */
	if ((rc = st_prepare(s, "SELECT nationality FROM person WHERE id = ?1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	{
		char nat[4] = "", buf[NAME_MAX_BYTES * 4 + 1];
		if ((rc = st_row(s, st, _("reading a person"), err)) < 0) {
			rc = CD_ESTORE;   /* the alias would get no Latin form */
			goto out;
		}
		if (rc)
			snprintf(nat, sizeof nat, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = CD_OK;
		st_finish(s, st);
		st = NULL;
		if (translit_icao(surname, nat, buf, sizeof buf) >= 0 && buf[0] && !(sl = strdup(buf)))
			goto oom;
		if (translit_icao(given, nat, buf, sizeof buf) >= 0 && buf[0] && !(gl = strdup(buf)))
			goto oom;
	}
	if ((rc = st_prepare(s, "INSERT INTO alias(uuid, person_id, kind, surname, given,"
				" surname_latin, given_latin, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
			     &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, pid);
	st_bind_text(st, 3, kind && *kind ? kind : "alias");
	st_bind_text(st, 4, surname);
	st_bind_text(st, 5, given);
	st_bind_text(st, 6, sl);
	st_bind_text(st, 7, gl);
	st_bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("adding an alias"), err);
		goto out;
	}
	if ((rc = person_fts_refresh(s, pid, err)))
		goto out;
	{
		struct cd_event ev = { .person_id = pid, .kind = "alias_added" };
		struct cd_op op;
		op_init(&op, 0);
		op_person(s, &op, "person", 0, pid);
		op_text(&op, "kind", NULL, kind && *kind ? kind : "alias");
		op_text(&op, "surname", NULL, surname);
		op_text(&op, "given", NULL, given);
		op_text(&op, "surname_latin", NULL, sl);
		op_text(&op, "given_latin", NULL, gl);
		rc = op_record(s, actor, &ev, "registration", &op, "alias", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	st_finish(s, st);
	rc = store_commit(s, err);
	goto out_free;
oom:
	rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
out:
	st_finish(s, st);
	store_rollback(s);
out_free:
	free(sl);
	free(gl);
	return rc;
}

/* An alias is a name like any other: checked strictly, stored in NFC. */
int alias_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
	      const char *kind, const char *surname, const char *given, struct cd_error *err)
{
	char *sn = NULL, *gn = NULL, *kn = NULL;
	int rc;

	if ((rc = person_check_name(surname, "alias surname", err)) ||
	    (rc = person_check_name(given, "alias given names", err)) ||
	    (rc = text_nfc(surname, "alias surname", TEXT_LINE, &sn, err)) ||
	    (rc = text_nfc(given, "alias given names", TEXT_LINE, &gn, err)) ||
	    (rc = text_nfc(kind, "alias kind", TEXT_LINE, &kn, err)))
		goto out;
	rc = add_alias(s, actor, person_ref, kn, sn, gn, err);
out:
	free(sn);
	free(gn);
	free(kn);
	return rc;
}

int family_link(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		const char *relative_ref, const char *relation, struct cd_error *err)
{
	static const char *const relations[] = { "spouse", "child", "parent", "sibling" };
	/* What the person is to the relative, for the link written the other way. */
	static const char *const inverse[] = { "spouse", "parent", "child", "sibling" };
	sqlite3_stmt *st = NULL;
	int64_t pid, rid;
	int which = -1, rc;

	for (int i = 0; i < 4; i++)
		if (relation && strcmp(relation, relations[i]) == 0)
			which = i;
	if (which < 0)
		return cd_error_set(err, CD_EINPUT, _("relation: give spouse, child, parent or sibling"));
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, person_ref, &pid, err)) ||
	    (rc = person_resolve(s, relative_ref, &rid, err)))
		goto out;
	if (pid == rid) {
		rc = cd_error_set(err, CD_EINPUT, _("a person cannot be their own relative"));
		goto out;
	}
	if ((rc = st_prepare(s, "INSERT INTO family(uuid, person_id, relative_id, relation, created_at)"
				" VALUES (?1,?2,?3,?4,?5)", &st, err)))
		goto out;
	for (int dir = 0; dir < 2; dir++) {
		char uuid[37], now[32];
		cd_uuid7(uuid);
		store_now(s, now, sizeof now);
		sqlite3_reset(st);
		st_bind_text(st, 1, uuid);
		sqlite3_bind_int64(st, 2, dir ? rid : pid);
		sqlite3_bind_int64(st, 3, dir ? pid : rid);
		st_bind_text(st, 4, dir ? inverse[which] : relations[which]);
		st_bind_text(st, 5, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
				rc = cd_error_set(err, CD_EINPUT, _("these two people are linked already"));
			else
				rc = st_fail(s, _("linking family"), err);
			goto out;
		}
		struct cd_event ev = { .person_id = dir ? rid : pid, .kind = "family_linked",
				       .new_value = dir ? inverse[which] : relations[which] };
		struct cd_op op;
		op_init(&op, 0);
		op_person(s, &op, "person", 0, dir ? rid : pid);
		op_person(s, &op, "relative", 0, dir ? pid : rid);
		op_text(&op, "relation", NULL, dir ? inverse[which] : relations[which]);
		rc = op_record(s, actor, &ev, "registration", &op, "family", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	st_finish(s, st);
	return store_commit(s, err);
out:
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- person_load --------------------------------------------------------------------- */

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

int person_load(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *purpose,
		struct cd_person_record **out, struct cd_error *err)
{
	struct cd_person_record *r;
	sqlite3_stmt *st = NULL;
	size_t cap;
	int rc, own_read = 0;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	/* One read transaction: the person, documents and cases come from one snapshot
	 * (unless the caller's own transaction already gives one). */
	own_read = s->txn_depth == 0;
	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		goto out_free;
	if ((rc = st_prepare(s, "SELECT id, uuid, number, surname, given, surname_latin, given_latin,"
				" sex, dob, nationality, birth_place, created_at, row_version"
				" FROM person WHERE number = ?1 OR uuid = lower(?1)", &st, err)))
		goto out;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = st_row(s, st, _("reading a person"), err)) <= 0) {
		/* A failed read is the store's error, never "no such person". */
		rc = rc < 0 ? CD_ESTORE
			    : cd_error_set(err, CD_ENOTFOUND,
					   _("no person %s in this store; find people with `casedesk search`"), ref);
		goto out;
	}
	struct cd_person *p = &r->person;
	p->id = sqlite3_column_int64(st, 0);
	copy_col(p->uuid, sizeof p->uuid, st, 1);
	copy_col(p->number, sizeof p->number, st, 2);
	p->surname = st_dup_column(st, 3);
	p->given = st_dup_column(st, 4);
	p->surname_latin = st_dup_column(st, 5);
	p->given_latin = st_dup_column(st, 6);
	copy_col(p->sex, sizeof p->sex, st, 7);
	copy_col(p->dob, sizeof p->dob, st, 8);
	copy_col(p->nationality, sizeof p->nationality, st, 9);
	p->birth_place = st_dup_column(st, 10);
	p->created_at = st_dup_column(st, 11);
	p->row_version = sqlite3_column_int64(st, 12);
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT uuid, kind, number, issuer, issued, expires FROM document"
				" WHERE person_id = ?1 ORDER BY id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	cap = 0;
	while ((rc = st_row(s, st, _("reading a person's documents"), err)) > 0) {
		ST_GROW(r->documents, r->n_documents, cap);
		struct cd_document *d = &r->documents[r->n_documents++];
		copy_col(d->uuid, sizeof d->uuid, st, 0);
		d->kind = st_dup_column(st, 1);
		d->number = st_dup_column(st, 2);
		d->issuer = st_dup_column(st, 3);
		d->issued = st_dup_column(st, 4);
		d->expires = st_dup_column(st, 5);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT kind, surname, given, surname_latin, given_latin FROM alias"
				" WHERE person_id = ?1 ORDER BY id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	cap = 0;
	while ((rc = st_row(s, st, _("reading a person's aliases"), err)) > 0) {
		ST_GROW(r->aliases, r->n_aliases, cap);
		struct cd_alias *a = &r->aliases[r->n_aliases++];
		a->kind = st_dup_column(st, 0);
		a->surname = st_dup_column(st, 1);
		a->given = st_dup_column(st, 2);
		a->surname_latin = st_dup_column(st, 3);
		a->given_latin = st_dup_column(st, 4);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT f.relation, q.number, q.surname_latin, q.given_latin, q.dob"
				" FROM family f JOIN person q ON q.id = f.relative_id"
				" WHERE f.person_id = ?1 ORDER BY f.id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	cap = 0;
	while ((rc = st_row(s, st, _("reading a person's family"), err)) > 0) {
		ST_GROW(r->relatives, r->n_relatives, cap);
		struct cd_relative *f = &r->relatives[r->n_relatives++];
		f->relation = st_dup_column(st, 0);
		copy_col(f->number, sizeof f->number, st, 1);
		f->surname_latin = st_dup_column(st, 2);
		f->given_latin = st_dup_column(st, 3);
		copy_col(f->dob, sizeof f->dob, st, 4);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT kind, line, city, country, since FROM address"
				" WHERE person_id = ?1 ORDER BY id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	cap = 0;
	while ((rc = st_row(s, st, _("reading a person's addresses"), err)) > 0) {
		ST_GROW(r->addresses, r->n_addresses, cap);
		struct cd_address *a = &r->addresses[r->n_addresses++];
		a->kind = st_dup_column(st, 0);
		a->line = st_dup_column(st, 1);
		a->city = st_dup_column(st, 2);
		copy_col(a->country, sizeof a->country, st, 3);
		copy_col(a->since, sizeof a->since, st, 4);
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT number, workflow_id, state, due_day, frozen_left, closed_at, uuid"
				" FROM cases WHERE person_id = ?1 ORDER BY id", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	cap = 0;
	while ((rc = st_row(s, st, _("reading a person's cases"), err)) > 0) {
		ST_GROW(r->cases, r->n_cases, cap);
		struct cd_case_brief *c = &r->cases[r->n_cases++];
		memset(c, 0, sizeof *c);
		copy_col(c->ref, sizeof c->ref, st, 6);
		/* Need-to-know (users.h): another unit's case is there, and nothing more. */
		if (!cd_workflows_include(actor->workflows, (const char *)sqlite3_column_text(st, 1))) {
			c->other_unit = 1;
			c->due_day = c->frozen_left = -1;
			continue;
		}
		copy_col(c->number, sizeof c->number, st, 0);
		c->workflow_id = st_dup_column(st, 1);
		c->state = st_dup_column(st, 2);
		c->due_day = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 3);
		c->frozen_left = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 4);
		c->closed = sqlite3_column_type(st, 5) != SQLITE_NULL;
	}
	if (rc < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	st_finish(s, st);
	st = NULL;

	if ((rc = st_prepare(s, "SELECT count(*) FROM biometric WHERE person_id = ?1 AND exception IS NULL",
			     &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, p->id);
	if ((rc = st_row(s, st, _("counting a person's biometrics"), err)) < 0) {
		rc = CD_ESTORE;
		goto out;
	}
	r->biometrics = rc ? sqlite3_column_int(st, 0) : 0;
	rc = CD_OK;
	st_finish(s, st);
	st = NULL;
	if (own_read)
		st_exec(s, "COMMIT", NULL);

	if (purpose) {
		if ((rc = store_begin(s, err)))
			goto out_free;
		if ((rc = store_add_audit(s, actor, "view", "person", p->uuid, purpose, err))) {
			store_rollback(s);
			goto out_free;
		}
		if ((rc = store_commit(s, err)))
			goto out_free;
	}
	*out = r;
	return CD_OK;
out:
	st_finish(s, st);
	if (own_read)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
out_free:
	person_record_free(r);
	return rc;
}

void person_record_free(struct cd_person_record *r)
{
	if (!r)
		return;
	free(r->person.surname);
	free(r->person.given);
	free(r->person.surname_latin);
	free(r->person.given_latin);
	free(r->person.birth_place);
	free(r->person.created_at);
	for (size_t i = 0; i < r->n_documents; i++) {
		free(r->documents[i].kind);
		free(r->documents[i].number);
		free(r->documents[i].issuer);
		free(r->documents[i].issued);
		free(r->documents[i].expires);
	}
	free(r->documents);
	for (size_t i = 0; i < r->n_aliases; i++) {
		free(r->aliases[i].kind);
		free(r->aliases[i].surname);
		free(r->aliases[i].given);
		free(r->aliases[i].surname_latin);
		free(r->aliases[i].given_latin);
	}
	free(r->aliases);
	for (size_t i = 0; i < r->n_relatives; i++) {
		free(r->relatives[i].relation);
		free(r->relatives[i].surname_latin);
		free(r->relatives[i].given_latin);
	}
	free(r->relatives);
	for (size_t i = 0; i < r->n_addresses; i++) {
		free(r->addresses[i].kind);
		free(r->addresses[i].line);
		free(r->addresses[i].city);
	}
	free(r->addresses);
	for (size_t i = 0; i < r->n_cases; i++) {
		free(r->cases[i].workflow_id);
		free(r->cases[i].state);
	}
	free(r->cases);
	free(r);
}
