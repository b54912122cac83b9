/*
 * person_edit.c - corrections of bio-data, document expiry and addresses; see
 * person_edit.h.  Kept apart from person.c (registration and reading) because these are
 * the writes that change what was registered, each with its own reason and refusals.
 */
#include "model/store/person_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/text.h"
#include "model/identity/countries.h"
#include "model/identity/docnum.h"
#include "model/store/person.h"
#include "model/store/person_internal.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* The correctable columns, in the order of the SELECT below; the caller names one by
 * these words and never supplies SQL. */
enum { F_SURNAME, F_GIVEN, F_SURNAME_LATIN, F_GIVEN_LATIN, F_SEX, F_DOB, F_NATIONALITY, F_BIRTH_PLACE, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"surname", "given", "surname_latin", "given_latin", "sex", "dob", "nationality", "birth_place",
};

/* One UPDATE for the whole correction: ?2k+1 says whether field k is corrected, ?2k+2 its
 * value.  One statement raises the row version once (the store raises it on any update
 * that does not, schema 16), and checks the version read, under the write lock. */
static const char update_sql[] =
	"UPDATE person SET surname = CASE WHEN ?1 THEN ?2 ELSE surname END,"
	" given = CASE WHEN ?3 THEN ?4 ELSE given END,"
	" surname_latin = CASE WHEN ?5 THEN ?6 ELSE surname_latin END,"
	" given_latin = CASE WHEN ?7 THEN ?8 ELSE given_latin END,"
	" sex = CASE WHEN ?9 THEN ?10 ELSE sex END,"
	" dob = CASE WHEN ?11 THEN ?12 ELSE dob END,"
	" nationality = CASE WHEN ?13 THEN ?14 ELSE nationality END,"
	" birth_place = CASE WHEN ?15 THEN ?16 ELSE birth_place END,"
	" row_version = row_version + 1, updated_at = ?17 WHERE id = ?18 AND row_version = ?19";

static int field_of(const char *name)
{
	for (int i = 0; name && i < F_COUNT; i++)
		if (strcmp(name, field_names[i]) == 0)
			return i;
	return -1;
}

static int check_reason(const char *reason, char **out, struct cd_error *err)
{
	int rc;
	*out = NULL;
	if (!reason || !reason[strspn(reason, " \t")])
		return cd_error_set(err, CD_EINPUT, _("reason: say why (it goes into the person's history)"));
	if ((rc = text_nfc(reason, "reason", TEXT_LINE, out, err)))
		return rc;
	if (strlen(*out) > 500) {
		free(*out);
		*out = NULL;
		return cd_error_set(err, CD_EINPUT, _("reason: at most 500 bytes"));
	}
	return CD_OK;
}

/* One typed value checked and brought to its stored form (malloc'd; NULL for a cleared
 * birth place).  The same rules as registration (person.c's add_person). */
static int normalise(int f, const char *value, long today, char **out, struct cd_error *err)
{
	struct cd_date d;
	char buf[16];
	int rc;

	*out = NULL;
	switch (f) {
	case F_SURNAME:
	case F_GIVEN:
		if ((rc = person_check_name(value, f == F_SURNAME ? "surname" : "given names", err)))
			return rc;
		return text_nfc(value, f == F_SURNAME ? "surname" : "given names", TEXT_LINE, out, err);
	case F_BIRTH_PLACE:
		if (!value || !*value)
			return CD_OK;
		if ((rc = person_check_name(value, "place of birth", err)))
			return rc;
		return text_nfc(value, "place of birth", TEXT_LINE, out, err);
	case F_SURNAME_LATIN:
	case F_GIVEN_LATIN:
		if ((rc = person_check_latin(value ? value : "", f == F_SURNAME_LATIN ? "surname (Latin)"
									      : "given names (Latin)", err)))
			return rc;
		break;
	case F_SEX:
		if (!value || strlen(value) != 1 || !strchr("MFX", value[0]))
			return cd_error_set(err, CD_EINPUT, _("sex: give M, F or X"));
		break;
	case F_DOB:
		if ((rc = cd_date_parse(value, "date of birth", 1, &d, err)))
			return rc;
		if (d.year < 1900 || cd_date_to_days(d.year, d.month ? d.month : 1, d.day ? d.day : 1) > today)
			return cd_error_set(err, CD_EINPUT, _("date of birth: must lie between 1900 and today"));
		cd_date_format(&d, buf, sizeof buf);
		value = buf;
		break;
	case F_NATIONALITY:
		if ((rc = countries_load(err)))
			return rc;
		if (!value || !country_known(value))
			return cd_error_set(err, CD_EINPUT,
					    _("nationality: not an ISO 3166-1 alpha-3 or ICAO code "
					      "(e.g. UKR, SYR, XXA for stateless); see data/countries.tsv"));
		break;
	}
	if (!(*out = strdup(value)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return CD_OK;
}

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int require_role(const struct cd_actor *actor, unsigned roles, const char *what, struct cd_error *err)
{
	if (actor->roles & roles)
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED, "%s", what);
}

int person_correct(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, int64_t row_version,
		   const struct cd_person_fix *fixes, size_t n, const char *reason, int64_t *new_version,
		   struct cd_error *err)
{
	char *want[F_COUNT] = { 0 }, *old[F_COUNT] = { 0 };
	int given[F_COUNT] = { 0 };
	char *why = NULL, uuid[37] = "", now[32];
	sqlite3_stmt *st = NULL;
	int64_t pid, version;
	int rc, changed = 0, in_txn = 0;

	if ((rc = require_role(actor, CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR,
			       _("correcting bio-data is for caseworkers and supervisors; ask one to make it"), err)))
		return rc;
	if (n == 0)
		return cd_error_set(err, CD_EINPUT, _("nothing to correct: name a field (%s)"), PERSON_FIELDS);
	if ((rc = check_reason(reason, &why, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		int f = field_of(fixes[i].field);
		if (f < 0) {
			rc = cd_error_set(err, CD_EINPUT, _("field %s: not a bio-data field; give one of %s"),
					  fixes[i].field ? fixes[i].field : "", PERSON_FIELDS);
			goto out;
		}
		if (given[f]) {
			rc = cd_error_set(err, CD_EINPUT, _("field %s: given twice"), field_names[f]);
			goto out;
		}
		given[f] = 1;
		if ((rc = normalise(f, fixes[i].value, store_today(s), &want[f], err)))
			goto out;
	}

	if ((rc = store_begin(s, err)))
		goto out;
	in_txn = 1;
	if ((rc = person_resolve(s, person_ref, &pid, err)))
		goto out;
	if ((rc = st_prepare(s, "SELECT surname, given, surname_latin, given_latin, sex, dob, nationality, birth_place,"
				" row_version, uuid FROM person WHERE id = ?1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	if ((rc = st_row(s, st, _("reading a person"), err)) <= 0) {
		rc = rc < 0 ? CD_ESTORE : cd_error_set(err, CD_ENOTFOUND, _("no person %s in this store"), person_ref);
		goto out;
	}
	for (int f = 0; f < F_COUNT; f++)
		old[f] = st_dup_column(st, f);
	version = sqlite3_column_int64(st, 8);
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 9));
	st_finish(s, st);
	st = NULL;
	rc = CD_OK;
	/* Optimistic locking: what the caller read must still be what is stored. */
	if (row_version > 0 && row_version != version) {
		rc = cd_error_set(err, CD_ECONFLICT,
				  _("person %s was changed by another desk since you read it (version %lld, now %lld); "
				    "read it again and repeat the correction"),
				  person_ref, (long long)row_version, (long long)version);
		goto out;
	}
	/* A corrected name takes a new Latin form unless one is given with it: the old one
	 * belonged to the old spelling.  The nationality (perhaps corrected too) picks the rows. */
	for (int f = F_SURNAME; f <= F_GIVEN; f++) {
		int lf = f == F_SURNAME ? F_SURNAME_LATIN : F_GIVEN_LATIN;
		const char *nat = want[F_NATIONALITY] ? want[F_NATIONALITY] : old[F_NATIONALITY];
		if (!want[f] || given[lf] || same(want[f], old[f]))
			continue;
		if (!(want[lf] = person_icao_of(want[f], nat, field_names[f],
						f == F_SURNAME ? "--field surname_latin" : "--field given_latin", err))) {
			rc = err ? err->code : CD_EINPUT;
			goto out;
		}
		if ((rc = person_check_latin(want[lf], f == F_SURNAME ? "surname (Latin)" : "given names (Latin)", err)))
			goto out;
		given[lf] = 1;
	}

	store_now(s, now, sizeof now);
	{
		if ((rc = st_prepare(s, update_sql, &st, err)))
			goto out;
		for (int f = 0; f < F_COUNT; f++) {
			int fix = given[f] && !same(want[f], old[f]);
			sqlite3_bind_int(st, 2 * f + 1, fix);
			st_bind_text(st, 2 * f + 2, fix ? want[f] : NULL);
			changed += fix;
		}
		if (!changed) {
			rc = cd_error_set(err, CD_EINPUT, _("nothing to correct: the value is the one on file"));
			goto out;
		}
		st_bind_text(st, 17, now);
		sqlite3_bind_int64(st, 18, pid);
		sqlite3_bind_int64(st, 19, version);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("correcting a person"), err);
			goto out;
		}
		if (sqlite3_changes(s->db) != 1) {
			rc = cd_error_set(err, CD_ECONFLICT, _("person %s was changed by another desk; read it again"),
					  person_ref);
			goto out;
		}
		st_finish(s, st);
		st = NULL;
		struct cd_op op;
		op_init(&op, version);
		/* One event a changed field, each with the version it made; one op with them all. */
		for (int f = 0; f < F_COUNT && !rc; f++) {
			if (!given[f] || same(want[f], old[f]))
				continue;
			struct cd_event ev = { .person_id = pid, .kind = "person_corrected", .field = field_names[f],
					       .old_value = old[f], .new_value = want[f], .note = why,
					       .row_version = version + 1 };
			rc = store_add_event(s, actor, &ev, err);
			op_text(&op, field_names[f], old[f], want[f]);
		}
		op_meta_text(&op, "reason", why);
		if (!rc && !(rc = person_fts_refresh(s, pid, err)))
			rc = op_record(s, actor, NULL, "correction", &op, "person", uuid, "update", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	if ((rc = store_commit(s, err)))
		goto out_nort;
	in_txn = 0;
	if (new_version)
		*new_version = version + 1;
out:
	st_finish(s, st);
	if (in_txn)
		store_rollback(s);
out_nort:
	for (int f = 0; f < F_COUNT; f++) {
		free(want[f]);
		free(old[f]);
	}
	free(why);
	return rc;
}

int document_expire(struct cd_store *s, const struct cd_actor *actor, const char *person_ref, const char *number,
		    const char *on, const char *reason, struct cd_error *err)
{
	char norm[64], day[16], uuid[37] = "";
	char *why = NULL, *was = NULL;
	sqlite3_stmt *st = NULL;
	int64_t pid, doc_id, doc_version;
	long d;
	int rc, in_txn = 0;

	if ((rc = require_role(actor, CD_ROLE_CLERK | CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR,
			       _("expiring a document is for clerks, caseworkers and supervisors"), err)))
		return rc;
	if (!number || !*number || strlen(number) > 40)
		return cd_error_set(err, CD_EINPUT, _("document number: give 1 to 40 characters"));
	document_number_normalise(number, norm, sizeof norm);
	/* "Expired" says the document is no longer valid from a day that has come: a day still
	 * to come is refused (until then it counts as valid; its printed expiry is kept). */
	if (on && *on) {
		if ((rc = cd_days_parse(on, "--on", &d, err)))
			return rc;
		if (d > store_today(s)) {
			char today[16];
			cd_days_format(store_today(s), today, sizeof today);
			return cd_error_set(err, CD_EINPUT, _("--on: %s is after today (%s); a document is expired from a "
							      "day that has come, and until then it counts as valid"),
					    on, today);
		}
	} else {
		d = store_today(s);
	}
	cd_days_format(d, day, sizeof day);
	if ((rc = check_reason(reason, &why, err)))
		return rc;
	if ((rc = store_begin(s, err)))
		goto out;
	in_txn = 1;
	if ((rc = person_resolve(s, person_ref, &pid, err)))
		goto out;
	if ((rc = st_prepare(s, "SELECT d.id, d.uuid, d.expires, d.issued, p.dob, d.row_version FROM document d"
				" JOIN person p ON p.id = d.person_id WHERE d.person_id = ?1 AND d.number = ?2"
				" ORDER BY d.id DESC LIMIT 1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	st_bind_text(st, 2, norm);
	if ((rc = st_row(s, st, _("reading a person's documents"), err)) <= 0) {
		rc = rc < 0 ? CD_ESTORE
			    : cd_error_set(err, CD_ENOTFOUND,
					   _("no document with that number on the file of %s; `casedesk person show %s` "
					     "lists them"), person_ref, person_ref);
		goto out;
	}
	doc_id = sqlite3_column_int64(st, 0);
	doc_version = sqlite3_column_int64(st, 5);
	snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 1));
	was = st_dup_column(st, 2);
	{
		/* Not before the document was issued, nor before its holder was born (a date of
		 * birth may be a year or a month: the text's order compares them). */
		const char *issued = (const char *)sqlite3_column_text(st, 3);
		const char *dob = (const char *)sqlite3_column_text(st, 4);
		if (issued && strcmp(day, issued) < 0) {
			rc = cd_error_set(err, CD_EINPUT, _("--on: %s is before the document's issue date (person show lists it)"),
					  day);
			goto out;
		}
		if (dob && *dob && strncmp(day, dob, strlen(dob)) < 0) {
			rc = cd_error_set(err, CD_EINPUT, _("--on: %s is before its holder's date of birth"), day);
			goto out;
		}
	}
	st_finish(s, st);
	st = NULL;
	rc = CD_OK;
	if (was && strcmp(was, day) <= 0) {
		rc = cd_error_set(err, CD_EINPUT, _("the document expires on %s already, not later than %s; nothing changed"),
				  was, day);
		goto out;
	}
	if ((rc = st_prepare(s, "UPDATE document SET expires = ?1 WHERE id = ?2", &st, err)))
		goto out;
	st_bind_text(st, 1, day);
	sqlite3_bind_int64(st, 2, doc_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("expiring a document"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	{
		struct cd_event ev = { .person_id = pid, .kind = "document_expired", .field = "expires",
				       .old_value = was, .new_value = day, .note = why };
		struct cd_op op;
		op_init(&op, doc_version);
		op_text(&op, "expires", was, day);
		op_meta_text(&op, "reason", why);
		rc = op_record(s, actor, &ev, "correction", &op, "document", uuid, "update", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	in_txn = 0;   /* store_commit rolls back what it cannot write */
	rc = store_commit(s, err);
out:
	st_finish(s, st);
	if (in_txn)
		store_rollback(s);
	free(why);
	free(was);
	return rc;
}

int address_add(struct cd_store *s, const struct cd_actor *actor, const char *person_ref,
		const struct cd_address_input *in, struct cd_error *err)
{
	static const char *const kinds[] = { "residence", "stay", "postal", "previous" };
	const char *kind = in->kind && *in->kind ? in->kind : "residence";
	char *line = NULL, *city = NULL, uuid[37], now[32], since[16] = "";
	sqlite3_stmt *st = NULL;
	int64_t pid;
	int rc, known = 0, in_txn = 0;

	if ((rc = require_role(actor, CD_ROLE_CLERK | CD_ROLE_CASEWORKER | CD_ROLE_SUPERVISOR,
			       _("adding an address is for clerks, caseworkers and supervisors"), err)))
		return rc;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return cd_error_set(err, CD_EINPUT, _("address kind: give residence, stay, postal or previous"));
	if ((rc = person_check_name(in->line, "address line", err)) ||
	    (rc = text_nfc(in->line, "address line", TEXT_LINE, &line, err)))
		goto out;
	if (in->city && *in->city &&
	    ((rc = person_check_name(in->city, "city", err)) || (rc = text_nfc(in->city, "city", TEXT_LINE, &city, err))))
		goto out;
	if (in->country && *in->country) {
		if ((rc = countries_load(err)))
			goto out;
		if (!country_known(in->country)) {
			rc = cd_error_set(err, CD_EINPUT, _("country: not a known alpha-3 or ICAO code (e.g. GEO, UKR)"));
			goto out;
		}
	}
	if (in->since && *in->since) {
		long d;
		if ((rc = cd_days_parse(in->since, "since", &d, err)))
			goto out;
		if (d > store_today(s)) {
			rc = cd_error_set(err, CD_EINPUT, _("since: must not lie after today"));
			goto out;
		}
		cd_days_format(d, since, sizeof since);
	}
	if ((rc = store_begin(s, err)))
		goto out;
	in_txn = 1;
	if ((rc = person_resolve(s, person_ref, &pid, err)))
		goto out;
	if ((rc = st_prepare(s, "INSERT INTO address(uuid, person_id, kind, line, city, country, since, created_at)"
				" VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &st, err)))
		goto out;
	cd_uuid7(uuid);
	store_now(s, now, sizeof now);
	st_bind_text(st, 1, uuid);
	sqlite3_bind_int64(st, 2, pid);
	st_bind_text(st, 3, kind);
	st_bind_text(st, 4, line);
	st_bind_text(st, 5, city);
	st_bind_text(st, 6, in->country && *in->country ? in->country : NULL);
	st_bind_text(st, 7, since[0] ? since : NULL);
	st_bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("adding an address"), err);
		goto out;
	}
	st_finish(s, st);
	st = NULL;
	{
		struct cd_event ev = { .person_id = pid, .kind = "address_added", .field = kind };
		struct cd_op op;
		op_init(&op, 0);
		op_person(s, &op, "person", 0, pid);
		op_text(&op, "kind", NULL, kind);
		op_text(&op, "line", NULL, line);
		op_text(&op, "city", NULL, city);
		op_text(&op, "country", NULL, in->country && *in->country ? in->country : NULL);
		op_text(&op, "since", NULL, since[0] ? since : NULL);
		rc = op_record(s, actor, &ev, "registration", &op, "address", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	in_txn = 0;
	rc = store_commit(s, err);
out:
	st_finish(s, st);
	if (in_txn)
		store_rollback(s);
	free(line);
	free(city);
	return rc;
}
