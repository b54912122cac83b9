/*
 * biometric.c - enrolment, 1:1 verification and 1:N search on the store: the templates'
 * rows, their events, audit and outbox rows, and the gallery read for a search; see
 * biometric.h.  The key and sealing are model/bio/seal.c's, the helper process
 * model/bio/client.c's.  The only store file that opens a template; none leaves it but
 * sealed, or to the helper.
 */
#include "model/store/biometric.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/bio/wire.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/person.h"
#include "model/store/store_internal.h"

/* ---- 3. enrolment --------------------------------------------------------------------- */

static struct bio_item *new_item(struct bio_enrolment *e, struct cd_error *err)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct bio_item *grown = realloc(e->items, cap * sizeof *grown);
		if (!grown) {
			cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			return NULL;
		}
		e->items = grown;
		e->cap = cap;
	}
	struct bio_item *it = &e->items[e->n];
	memset(it, 0, sizeof *it);
	return it;
}

int bio_enrolment_add_sample(struct bio_enrolment *e, const char *modality, struct bio_sample *s,
			     const char *device, struct cd_error *err)
{
	struct bio_item *it = new_item(e, err);
	if (!it)
		return CD_EINTERNAL;
	snprintf(it->modality, sizeof it->modality, "%s", modality);
	snprintf(it->position, sizeof it->position, "%s", s->position);
	snprintf(it->device, sizeof it->device, "%s", device);
	it->quality = s->quality;
	it->tmpl = s->tmpl;
	it->tmpl_len = s->tmpl_len;
	s->tmpl = NULL;
	s->tmpl_len = 0;
	e->n++;
	return CD_OK;
}

int bio_enrolment_add_exception(struct bio_enrolment *e, const char *position, const char *reason,
				struct cd_error *err)
{
	if (!bw_finger_code(position))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s in an exception; fingers are right_thumb ... "
						      "left_little"), position);
	if (!reason || !*reason || strlen(reason) > 200)
		return cd_error_set(err, CD_EINPUT, _("the exception for %s needs a reason of 1-200 bytes"), position);
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cd_error_set(err, CD_EINPUT, _("the exception reason for %s holds a control character"),
					    position);
	struct bio_item *it = new_item(e, err);
	if (!it)
		return CD_EINTERNAL;
	snprintf(it->modality, sizeof it->modality, "finger");
	snprintf(it->position, sizeof it->position, "%s", position);
	snprintf(it->device, sizeof it->device, "none");
	it->quality = -1;
	if (!(it->exception = strdup(reason)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	e->n++;
	return CD_OK;
}

void bio_enrolment_release(struct bio_enrolment *e)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->items[i].tmpl) {
			OPENSSL_cleanse(e->items[i].tmpl, e->items[i].tmpl_len);
			free(e->items[i].tmpl);
		}
		free(e->items[i].exception);
	}
	free(e->items);
	memset(e, 0, sizeof *e);
}

static int person_uuid(struct cd_store *s, int64_t pid, char uuid[37], struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT uuid FROM person WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(uuid, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		rc = st_fail(s, _("reading a person"), err);
	st_finish(s, st);
	return rc;
}

int bio_enrolment_commit(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 const char *person_ref, const struct bio_enrolment *e, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	unsigned char *sealed = NULL;
	size_t sealed_n = 0;
	char puuid[37], aad[160], uuid[37], now[32];
	int64_t pid;
	int rc;

	if (!e->n)
		return cd_error_set(err, CD_EUSAGE, _("nothing to enrol: no capture and no exception"));
	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		goto out;
	for (size_t i = 0; i < e->n; i++) {
		const struct bio_item *it = &e->items[i];
		free(sealed);
		sealed = NULL;
		if (it->tmpl) {
			bio_aad(puuid, it->modality, it->position, aad, sizeof aad);
			if ((rc = bio_seal(key, aad, it->tmpl, it->tmpl_len, &sealed, &sealed_n, err)))
				goto out;
		}
		if ((rc = st_prepare(s, "INSERT INTO biometric(uuid, person_id, modality, position, quality, template,"
					" exception, device, synthetic, captured_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,0,?9)",
				     &st, err)))
			goto out;
		cd_uuid7(uuid);
		store_now(s, now, sizeof now);
		st_bind_text(st, 1, uuid);
		sqlite3_bind_int64(st, 2, pid);
		st_bind_text(st, 3, it->modality);
		st_bind_text(st, 4, it->position);
		if (it->quality >= 0)
			sqlite3_bind_int(st, 5, it->quality);
		if (sealed)
			sqlite3_bind_blob(st, 6, sealed, (int)sealed_n, SQLITE_STATIC);
		st_bind_text(st, 7, it->exception);
		st_bind_text(st, 8, it->device);
		st_bind_text(st, 9, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(s, _("recording a biometric capture"), err);
			goto out;
		}
		st_finish(s, st);
		st = NULL;
		/* History and the national tier learn what was captured, never the template. */
		struct cd_event ev = { .person_id = pid, .kind = it->exception ? "biometric_exception" : "biometric",
				       .field = it->modality, .new_value = it->position, .note = it->exception };
		struct cd_op op;
		op_init(&op, 0);
		op_text(&op, "person", NULL, puuid);
		op_text(&op, "modality", NULL, it->modality);
		op_text(&op, "position", NULL, it->position);
		if (it->quality >= 0)
			op_int(&op, "quality", 0, 0, it->quality);
		else
			op_text(&op, "quality", NULL, NULL);
		op_int(&op, "exception", 0, 0, it->exception != NULL);
		rc = op_record(s, actor, &ev, "enrolment", &op, "biometric", uuid, "insert", err);
		op_release(&op);
		if (rc)
			goto out;
	}
	free(sealed);
	return store_commit(s, err);
out:
	free(sealed);
	st_finish(s, st);
	store_rollback(s);
	return rc;
}

/* ---- verification and search ----------------------------------------------------------- */

/* Records one verification or search: an event (person 0 for a search) and an audit row. */
static int record_check(struct cd_store *s, const struct cd_actor *actor, int64_t pid, const char *kind,
			const char *finger, const char *outcome, const char *audit_action, const char *entity_uuid,
			const char *purpose, struct cd_error *err)
{
	int rc;
	if ((rc = store_begin(s, err)))
		return rc;
	struct cd_event ev = { .person_id = pid, .kind = kind, .field = "finger", .new_value = finger, .note = outcome };
	if ((rc = store_add_event(s, actor, &ev, err)) ||
	    (rc = store_add_audit(s, actor, audit_action, "biometric", entity_uuid, purpose, err))) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/*
 * Empties the helper's gallery and fills it with the latest `finger` template of every
 * person of the store but `exclude` (0: nobody) and merged records, referred to by person
 * number; *n says how many.
 */
static int gallery_load(struct cd_store *s, const struct bio_key *key, struct bio_helper *h, const char *finger,
			int64_t exclude, const char *doing, int *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	struct bio_gallery g = BIO_GALLERY_INIT;
	char aad[160];
	int rc;

	*n = 0;
	if ((rc = bio_helper_gallery_clear(h, doing, err)))
		return rc;
	if ((rc = st_prepare(s, "SELECT p.number, p.uuid, b.template FROM biometric b JOIN person p ON p.id = b.person_id"
				" WHERE b.id IN (SELECT max(id) FROM biometric WHERE modality = 'finger' AND position = ?1"
				"  AND exception IS NULL AND template IS NOT NULL AND synthetic = 0 GROUP BY person_id)"
				" AND b.person_id <> ?2 AND p.merged_into IS NULL ORDER BY b.id", &st, err)))
		return rc;
	st_bind_text(st, 1, finger);
	sqlite3_bind_int64(st, 2, exclude);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char *plain = NULL;
		size_t plain_n = 0;
		bio_aad((const char *)sqlite3_column_text(st, 1), "finger", finger, aad, sizeof aad);
		if ((rc = bio_open(key, aad, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), &plain,
				   &plain_n, err)))
			goto out;
		rc = bio_gallery_add(h, &g, (const char *)sqlite3_column_text(st, 0), plain, plain_n, doing, err);
		OPENSSL_cleanse(plain, plain_n);
		free(plain);
		if (rc)
			goto out;
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		rc = st_fail(s, _("reading enrolled templates"), err);
		goto out;
	}
	rc = bio_gallery_flush(h, &g, doing, err);
out:
	st_finish(s, st);
	bio_gallery_release(&g);
	return rc;
}

/* A person's number, uuid and name as written ("Surname, Given"), by row id. */
static int person_brief(struct cd_store *s, int64_t pid, char number[32], char uuid[37], char *name, size_t name_size,
			struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT number, uuid, surname, given FROM person WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(number, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(uuid, 37, "%s", (const char *)sqlite3_column_text(st, 1));
		if (name)
			snprintf(name, name_size, "%s, %s", (const char *)sqlite3_column_text(st, 2),
				 (const char *)sqlite3_column_text(st, 3));
	} else {
		rc = st_fail(s, _("reading a person"), err);
	}
	st_finish(s, st);
	return rc;
}

int bio_duplicate_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
			 struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
			 struct bio_duplicate *out, struct cd_error *err)
{
	char doing[96], number[32], uuid[37], other_uuid[37] = "";
	int64_t pid, other = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	snprintf(doing, sizeof doing, _("the duplicate search by %s"), finger);
	snprintf(out->finger, sizeof out->finger, "%s", finger);
	if ((rc = person_resolve(s, person_ref, &pid, err)) ||
	    (rc = person_brief(s, pid, number, uuid, NULL, 0, err)))
		return rc;
	if ((rc = gallery_load(s, key, h, finger, pid, doing, &out->gallery, err)) || !out->gallery)
		goto out;
	if ((rc = bio_helper_identify(h, finger, out->gallery, doing, &out->found, out->number, err)))
		goto out;
	out->searched = 1;
	if (out->found) {
		char ignored[32];
		if ((rc = person_resolve(s, out->number, &other, err)) ||
		    (rc = person_brief(s, other, ignored, other_uuid, out->name, sizeof out->name, err)))
			goto out;
	}
	/* The search, and on a hit the candidate on both records and who it named: together. */
	if ((rc = store_begin(s, err)))
		goto out;
	struct cd_event ev = { .person_id = pid, .kind = "biometric_search", .field = "finger", .new_value = finger,
			       .note = out->found ? "duplicate check: match" : "duplicate check: no match" };
	struct cd_event mine = { .person_id = pid, .kind = "biometric_duplicate", .field = finger,
				 .new_value = out->number, .note = "the same finger is enrolled for this person" };
	struct cd_event theirs = { .person_id = other, .kind = "biometric_duplicate", .field = finger,
				   .new_value = number, .note = "the same finger was given at this person's enrolment" };
	if ((rc = store_add_event(s, actor, &ev, err)) ||
	    (rc = store_add_audit(s, actor, "search", "biometric", uuid, purpose, err)) ||
	    (out->found && ((rc = store_add_event(s, actor, &mine, err)) || (rc = store_add_event(s, actor, &theirs, err)) ||
			    (rc = store_add_audit(s, actor, "view", "person", other_uuid, purpose, err))))) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, err);
out:
	bio_helper_gallery_drop(h, doing);
	if (rc)
		out->found = out->searched = 0;
	return rc;
}

/*
 * The latest usable template of a person for `modality` at `position` (a finger, or
 * "face"), opened with `key` into *plain (malloc'd; the caller wipes it); its row's uuid
 * in row_uuid.  CD_ENOTFOUND, with no message, when there is none: the caller says what.
 */
static int latest_template(struct cd_store *s, const struct bio_key *key, int64_t pid, const char *puuid,
			   const char *modality, const char *position, char row_uuid[37], unsigned char **plain,
			   size_t *n, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	char aad[160];
	int rc = st_prepare(s, "SELECT uuid, template FROM biometric WHERE person_id = ?1 AND modality = ?2"
			       " AND position = ?3 AND exception IS NULL AND template IS NOT NULL AND synthetic = 0"
			       " ORDER BY id DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	st_bind_text(st, 2, modality);
	st_bind_text(st, 3, position);
	if ((rc = st_row(s, st, _("reading a template"), err)) <= 0) {
		st_finish(s, st);
		return rc < 0 ? CD_ESTORE : CD_ENOTFOUND;
	}
	snprintf(row_uuid, 37, "%s", (const char *)sqlite3_column_text(st, 0));
	bio_aad(puuid, modality, position, aad, sizeof aad);
	rc = bio_open(key, aad, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), plain, n, err);
	st_finish(s, st);
	return rc;
}

int bio_verify(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *person_ref, const char *finger, const char *purpose,
	       int *match, struct cd_error *err)
{
	unsigned char *plain = NULL;
	size_t plain_n = 0;
	char puuid[37], row_uuid[37] = "", doing[96];
	int64_t pid;
	int rc;

	*match = 0;
	snprintf(doing, sizeof doing, _("verifying %s"), finger);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		return rc;
	rc = latest_template(s, key, pid, puuid, "finger", finger, row_uuid, &plain, &plain_n, err);
	if (rc == CD_ENOTFOUND)
		rc = cd_error_set(err, CD_ENOTFOUND, _("%s has no enrolled %s to verify against"), person_ref, finger);
	if (rc)
		goto out;
	if ((rc = bio_helper_verify(h, finger, plain, plain_n, doing, match, err)))
		goto out;
	rc = record_check(s, actor, pid, "biometric_verify", finger, *match ? "match" : "no match", "verify", row_uuid,
			  purpose, err);
out:
	if (plain) {
		OPENSSL_cleanse(plain, plain_n);
		free(plain);
	}
	return rc;
}

int bio_search(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
	       struct bio_helper *h, const char *finger, const char *purpose, int *found,
	       char person_number[32], int *gallery_size, struct cd_error *err)
{
	char doing[96], match_uuid[37] = "";
	int rc;

	*found = 0;
	*gallery_size = 0;
	person_number[0] = '\0';
	snprintf(doing, sizeof doing, _("searching by %s"), finger);
	if (!bw_finger_code(finger))
		return cd_error_set(err, CD_EUSAGE, _("unknown finger %s; fingers are right_thumb ... left_little"),
				    finger);
	if ((rc = gallery_load(s, key, h, finger, 0, doing, gallery_size, err)))
		goto out;
	if (*gallery_size && (rc = bio_helper_identify(h, finger, *gallery_size, doing, found, person_number, err)))
		goto out;
	rc = CD_OK;
	if (*found) {
		int64_t pid = 0;
		if ((rc = person_resolve(s, person_number, &pid, err)) || (rc = person_uuid(s, pid, match_uuid, err)))
			goto out;
	}
	/* The search itself, and who it named. */
	if ((rc = record_check(s, actor, 0, "biometric_search", finger, *found ? "match" : "no match", "search", NULL,
			       purpose, err)))
		goto out;
	if (*found) {
		if ((rc = store_begin(s, err)))
			goto out;
		if ((rc = store_add_audit(s, actor, "view", "person", match_uuid, purpose, err))) {
			store_rollback(s);
			goto out;
		}
		rc = store_commit(s, err);
	}
out:
	bio_helper_gallery_drop(h, doing);
	return rc;
}

/* ---- the face photo, for forms ---------------------------------------------------------- */

int bio_face_photo(struct cd_store *s, const struct cd_actor *actor, const struct bio_key *key,
		   const char *person_ref, const char *purpose, unsigned char **photo, size_t *n,
		   struct cd_error *err)
{
	char puuid[37], row_uuid[37];
	int64_t pid;
	int rc;

	*photo = NULL;
	*n = 0;
	if ((rc = person_resolve(s, person_ref, &pid, err)) || (rc = person_uuid(s, pid, puuid, err)))
		return rc;
	rc = latest_template(s, key, pid, puuid, "face", "face", row_uuid, photo, n, err);
	if (rc == CD_ENOTFOUND)
		return cd_error_set(err, CD_ENOTFOUND, _("%s has no enrolled face photo"), person_ref);
	if (rc)
		return rc;
	if ((rc = store_begin(s, err)) == CD_OK) {
		if ((rc = store_add_audit(s, actor, "view", "biometric", row_uuid, purpose, err)))
			store_rollback(s);
		else
			rc = store_commit(s, err);
	}
	if (rc) {
		OPENSSL_cleanse(*photo, *n);
		free(*photo);
		*photo = NULL;
		*n = 0;
	}
	return rc;
}
