/*
 * access.c - auditing reads of many people at once, and gathering what the store holds
 * about one person for a subject access request (GDPR art. 15).  See access.h for why.
 *
 * The export is a list of SQL queries, each over "the subject": the person and any record
 * merged into them (pid), their cases (cid), and every row's uuid an audit row may name
 * (subj).  Templates of biometrics are never selected, only what describes them.
 */
#include "model/store/access.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* ---- auditing lists ------------------------------------------------------------------ */

void access_sha256_hex(const char *text, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (!EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL))
		return;
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int access_audit_list(struct cd_store *s, const struct cd_actor *actor, const char *action, const char *entity,
		      const char *detail, const int64_t *ids, size_t n_ids, const char *purpose,
		      struct cd_error *err)
{
	int64_t *sorted = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_begin(s, err)))
		return rc;
	if ((rc = store_add_audit(s, actor, action, entity, detail, purpose, err)))
		goto out;
	if (n_ids == 0 || n_ids > ACCESS_NAMED_MAX)
		goto out;
	/* One row per person, however many of their cases the list showed. */
	if (!(sorted = malloc(n_ids * sizeof *sorted))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	memcpy(sorted, ids, n_ids * sizeof *sorted);
	qsort(sorted, n_ids, sizeof *sorted, cmp_id);
	for (size_t i = 0; i < n_ids && rc == CD_OK; i++) {
		char uuid[40];
		if (i > 0 && sorted[i] == sorted[i - 1])
			continue;
		if ((rc = st_prepare(s, "SELECT uuid FROM person WHERE id = ?1", &st, err)))
			break;
		sqlite3_bind_int64(st, 1, sorted[i]);
		uuid[0] = '\0';
		if ((rc = st_row(s, st, _("reading a person's uuid for the audit trail"), err)) > 0)
			snprintf(uuid, sizeof uuid, "%s", (const char *)sqlite3_column_text(st, 0));
		st_finish(s, st);
		if (rc < 0) {
			rc = CD_ESTORE;
			break;
		}
		rc = CD_OK;
		if (uuid[0])
			rc = store_add_audit(s, actor, action, "person", uuid, purpose, err);
	}
out:
	free(sorted);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int access_may_audit(const struct cd_actor *actor, struct cd_error *err)
{
	if (actor->roles & (CD_ROLE_SUPERVISOR | CD_ROLE_ADMIN))
		return CD_OK;
	return cd_error_set(err, CD_EREFUSED,
			    _("only a supervisor or an admin may read who saw a person's data or export it; "
			      "%s is neither"), actor->name);
}

/* ---- the subject's tables ------------------------------------------------------------ */

/* ?1 is the person's row id.  pid: the person and the records merged into them. */
#define SUBJECT                                                                                  \
	"WITH pid(id) AS (SELECT id FROM person WHERE id = ?1 OR merged_into = ?1),"             \
	" cid(id) AS (SELECT id FROM cases WHERE person_id IN (SELECT id FROM pid)),"              \
	" subj(u) AS (SELECT uuid FROM person WHERE id IN (SELECT id FROM pid)"                    \
	"  UNION SELECT uuid FROM cases WHERE id IN (SELECT id FROM cid)"                          \
	"  UNION SELECT uuid FROM document WHERE person_id IN (SELECT id FROM pid)"                \
	"  UNION SELECT uuid FROM alias WHERE person_id IN (SELECT id FROM pid)"                   \
	"  UNION SELECT uuid FROM family WHERE person_id IN (SELECT id FROM pid)"                  \
	"   OR relative_id IN (SELECT id FROM pid)"                                                \
	"  UNION SELECT uuid FROM address WHERE person_id IN (SELECT id FROM pid)"                 \
	"  UNION SELECT uuid FROM biometric WHERE person_id IN (SELECT id FROM pid)"               \
	"  UNION SELECT uuid FROM checks WHERE person_id IN (SELECT id FROM pid)"                  \
	"   OR case_id IN (SELECT id FROM cid)"                                                    \
	"  UNION SELECT uuid FROM attachment WHERE person_id IN (SELECT id FROM pid)"              \
	"   OR case_id IN (SELECT id FROM cid)) "

/* Audit actions that change data; every other action is a read of it. */
#define CHANGE_ACTIONS "('change', 'merge', 'unmerge', 'refused', 'override', 'import')"

/* The record an audit row names, as people know it: a case or person number. */
#define AUDIT_COLUMNS                                                                            \
	"SELECT a.id AS audit_id, a.at, a.user_name AS user, a.action, a.entity,"                  \
	" coalesce((SELECT number FROM cases WHERE uuid = a.entity_uuid),"                         \
	"  (SELECT number FROM person WHERE uuid = a.entity_uuid)) AS record, a.purpose"           \
	" FROM audit a WHERE a.entity_uuid IN (SELECT u FROM subj)"

static const char reads_sql[] = SUBJECT AUDIT_COLUMNS " AND a.action NOT IN " CHANGE_ACTIONS " ORDER BY a.id";

static const struct section {
	const char *key, *title;
	int single;
	const char *sql;
} sections[] = {
	{ "person", N_("Person"), 1,
	  "SELECT number, uuid, surname, given, surname_latin, given_latin, sex, dob AS date_of_birth,"
	  " nationality, birth_place, created_at AS registered_at, updated_at FROM person WHERE id = ?1" },
	{ "merged_records", N_("Records merged into this one"), 0,
	  "SELECT number, surname, given, surname_latin, given_latin, dob AS date_of_birth, merged_at"
	  " FROM person WHERE merged_into = ?1 ORDER BY id" },
	{ "aliases", N_("Other names"), 0,
	  SUBJECT "SELECT kind, surname, given, surname_latin, given_latin, created_at AS recorded_at"
	  " FROM alias WHERE person_id IN (SELECT id FROM pid) ORDER BY id" },
	{ "documents", N_("Identity documents"), 0,
	  SUBJECT "SELECT kind, number, issuer, issued, expires, created_at AS recorded_at"
	  " FROM document WHERE person_id IN (SELECT id FROM pid) ORDER BY id" },
	{ "family", N_("Family links"), 0,
	  SUBJECT "SELECT q.number AS relative, q.surname_latin, q.given_latin,"
	  " CASE WHEN f.person_id IN (SELECT id FROM pid) THEN f.relation END AS relative_is,"
	  " CASE WHEN f.person_id IN (SELECT id FROM pid) THEN NULL ELSE f.relation END AS this_person_is,"
	  " f.created_at AS recorded_at FROM family f JOIN person q ON q.id ="
	  "  CASE WHEN f.person_id IN (SELECT id FROM pid) THEN f.relative_id ELSE f.person_id END"
	  " WHERE f.person_id IN (SELECT id FROM pid) OR f.relative_id IN (SELECT id FROM pid) ORDER BY f.id" },
	{ "addresses", N_("Addresses"), 0,
	  SUBJECT "SELECT kind, line, city, country, since, until, created_at AS recorded_at"
	  " FROM address WHERE person_id IN (SELECT id FROM pid) ORDER BY id" },
	/* Never the template: what was captured, how well, on which device. */
	{ "biometrics", N_("Biometrics (what was captured; templates are not exported)"), 0,
	  SUBJECT "SELECT modality, position, quality, exception, device, template IS NOT NULL AS template_held,"
	  " synthetic, captured_at FROM biometric WHERE person_id IN (SELECT id FROM pid) ORDER BY id" },
	{ "cases", N_("Cases"), 0,
	  SUBJECT "SELECT c.number, c.workflow_id AS workflow, c.workflow_version, c.office, c.state, c.state_since,"
	  " c.opened_at, c.closed_at,"
	  " CASE WHEN c.due_day IS NOT NULL THEN date(c.due_day * 86400, 'unixepoch') END AS deadline,"
	  " u.name AS assignee, c.updated_at, c.updated_by"
	  " FROM cases c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.id IN (SELECT id FROM cid) ORDER BY c.id" },
	{ "case_fields", N_("Case fields"), 0,
	  SUBJECT "SELECT c.number AS case_number, f.name AS field, f.value, f.updated_at"
	  " FROM case_field f JOIN cases c ON c.id = f.case_id WHERE f.case_id IN (SELECT id FROM cid)"
	  " ORDER BY c.id, f.name" },
	{ "attachments", N_("Attachments (listed; their contents are not exported)"), 0,
	  SUBJECT "SELECT (SELECT number FROM cases WHERE id = a.case_id) AS case_number, a.kind, a.name, a.mime,"
	  " length(a.data) AS bytes, a.created_at FROM attachment a"
	  " WHERE a.person_id IN (SELECT id FROM pid) OR a.case_id IN (SELECT id FROM cid) ORDER BY a.id" },
	{ "history", N_("History of the record and its cases"), 0,
	  SUBJECT "SELECT e.at, e.user_name AS user, (SELECT number FROM cases WHERE id = e.case_id) AS case_number,"
	  " e.kind, e.transition, e.from_state, e.to_state, e.field, e.old_value, e.new_value, e.note"
	  " FROM event e WHERE e.person_id IN (SELECT id FROM pid) OR e.case_id IN (SELECT id FROM cid)"
	  " ORDER BY e.id" },
	{ "reads", N_("Who read this person's data, when and why"), 0, reads_sql },
	{ "changes", N_("Who changed this person's data (audit trail)"), 0,
	  SUBJECT AUDIT_COLUMNS " AND a.action IN " CHANGE_ACTIONS " ORDER BY a.id" },
	{ "checks", N_("Disclosures: checks asked of other registers"), 0,
	  SUBJECT "SELECT (SELECT number FROM cases WHERE id = k.case_id) AS case_number, k.list, k.asked_at,"
	  " k.answered_at, k.result, k.source FROM checks k"
	  " WHERE k.person_id IN (SELECT id FROM pid) OR k.case_id IN (SELECT id FROM cid) ORDER BY k.id" },
	/* Whatever names the person or one of their rows goes to the national tier. */
	{ "national_tier", N_("Disclosures: records sent or waiting for the national tier"), 0,
	  SUBJECT "SELECT o.at, o.entity, o.op, CASE WHEN o.sent_at IS NULL THEN 'waiting' ELSE 'sent' END AS status,"
	  " o.sent_at FROM outbox_state o WHERE o.entity_uuid IN (SELECT u FROM subj)"
	  " OR instr(o.payload, (SELECT uuid FROM person WHERE id = ?1)) > 0 ORDER BY o.id" },
	{ "sources", N_("Sources: who recorded what"), 0,
	  SUBJECT "SELECT e.at, e.user_name AS user, e.kind AS recorded,"
	  " (SELECT number FROM cases WHERE id = e.case_id) AS case_number, e.note FROM event e"
	  " WHERE (e.person_id IN (SELECT id FROM pid) AND e.kind IN"
	  "  ('person_added', 'document_added', 'alias_added', 'family_linked', 'biometric',"
	  "   'person_corrected', 'document_expired', 'address_added'))"
	  " OR (e.case_id IN (SELECT id FROM cid) AND e.kind = 'created') ORDER BY e.id" },
	{ "lost_stolen", N_("Sources: lost and stolen documents lists that matched"), 0,
	  SUBJECT "SELECT e.at, e.user_name AS user, e.kind AS outcome, l.number, l.issuer, l.kind, l.reported,"
	  " l.source, i.file AS list_file, i.at AS list_imported_at"
	  " FROM event e JOIN lostdoc l ON l.uuid = e.new_value LEFT JOIN lostdoc_import i ON i.id = l.import_id"
	  " WHERE e.person_id IN (SELECT id FROM pid) AND e.field = 'lostdoc' ORDER BY e.id" },
	/* No workflow states a retention period yet: the dates that start the clocks are known. */
	{ "retention", N_("Retention: the dates the periods count from"), 0,
	  SUBJECT "SELECT c.number AS case_number, c.workflow_id AS workflow, c.opened_at, c.closed_at,"
	  " NULL AS keep_until FROM cases c WHERE c.id IN (SELECT id FROM cid) ORDER BY c.id" },
};

static void table_release(struct access_table *t)
{
	for (size_t i = 0; i < t->n_cols; i++)
		free(t->cols[i]);
	free(t->cols);
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i].text);
	free(t->cells);
}

void access_report_free(struct access_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_tables; i++)
		table_release(&r->tables[i]);
	free(r->tables);
	free(r);
}

/* Runs one section's query for person `pid` into t. */
static int run_section(struct cd_store *s, const struct section *sec, int64_t pid, struct access_table *t,
		       struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	t->key = sec->key;
	t->title = sec->title;
	t->single = sec->single;
	if ((rc = st_prepare(s, sec->sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	t->n_cols = (size_t)sqlite3_column_count(st);
	if (!(t->cols = calloc(t->n_cols ? t->n_cols : 1, sizeof *t->cols))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t c = 0; c < t->n_cols; c++)
		if (!(t->cols[c] = strdup(sqlite3_column_name(st, (int)c)))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	for (;;) {
		int step = sqlite3_step(st);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = st_fail(s, _("gathering a person's data"), err);
			goto out;
		}
		/* Room for one more row of cells. */
		if (t->n_rows == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			void *g = realloc(t->cells, ncap * (t->n_cols ? t->n_cols : 1) * sizeof *t->cells);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			t->cells = g;
			cap = ncap;
		}
		struct access_cell *row = &t->cells[t->n_rows * t->n_cols];
		memset(row, 0, t->n_cols * sizeof *row);
		t->n_rows++;
		for (size_t c = 0; c < t->n_cols; c++) {
			int type = sqlite3_column_type(st, (int)c);
			if (type == SQLITE_INTEGER) {
				row[c].is_num = 1;
				row[c].num = sqlite3_column_int64(st, (int)c);
			} else if (type != SQLITE_NULL && !(row[c].text = st_dup_column(st, (int)c))) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
		}
	}
out:
	st_finish(s, st);
	return rc;
}

/* Resolves ref (following a merge to its survivor) to the person's id, uuid and number. */
static int subject_resolve(struct cd_store *s, const char *ref, int64_t *id, char uuid[37], char number[32],
			   struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT coalesce(q.id, p.id), coalesce(q.uuid, p.uuid), coalesce(q.number, p.number)"
			       " FROM person p LEFT JOIN person q ON q.id = p.merged_into"
			       " WHERE p.number = ?1 OR p.uuid = lower(?1)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(uuid, 37, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(number, 32, "%s", (const char *)sqlite3_column_text(st, 2));
	} else {
		rc = cd_error_set(err, CD_ENOTFOUND, _("no person %s in this store; find people with `casedesk search`"),
				  ref);
	}
	st_finish(s, st);
	return rc;
}

/*
 * The common path of export and reads: role, subject, the audit row (its own
 * transaction, committed before the reading so that it is listed too), then the tables
 * from one read snapshot.
 */
static int gather(struct cd_store *s, const struct cd_actor *actor, const char *kind, const char *ref,
		  const char *action, const char *entity, const char *purpose, const struct section *secs, size_t n_secs,
		  struct access_report **out, struct cd_error *err)
{
	struct access_report *r = NULL;
	char uuid[37];
	int64_t pid = 0;
	int rc, own_read = 0;

	*out = NULL;
	if ((rc = access_may_audit(actor, err)))
		return rc;
	if (!(r = calloc(1, sizeof *r)) || !(r->tables = calloc(n_secs, sizeof *r->tables))) {
		free(r);
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	r->kind = kind;
	if ((rc = subject_resolve(s, ref, &pid, uuid, r->person_number, err)))
		goto out;
	if ((rc = store_begin(s, err)))
		goto out;
	if ((rc = store_add_audit(s, actor, action, entity, uuid, purpose, err))) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s, err)))
		goto out;
	store_now(s, r->made_at, sizeof r->made_at);
	snprintf(r->made_by, sizeof r->made_by, "%s", actor->name);
	snprintf(r->office, sizeof r->office, "%s", store_office(s));
	own_read = s->txn_depth == 0;
	if (own_read && (rc = st_exec(s, "BEGIN", err)))
		goto out;
	for (size_t i = 0; i < n_secs && rc == CD_OK; i++) {
		rc = run_section(s, &secs[i], pid, &r->tables[i], err);
		r->n_tables = i + 1;
	}
	if (own_read)
		st_exec(s, rc ? "ROLLBACK" : "COMMIT", NULL);
out:
	if (rc) {
		access_report_free(r);
		return rc;
	}
	*out = r;
	return CD_OK;
}

int access_export(struct cd_store *s, const struct cd_actor *actor, const char *ref, struct access_report **out,
		  struct cd_error *err)
{
	return gather(s, actor, "subject_access", ref, "export", "person", "subject access", sections,
		      sizeof sections / sizeof sections[0], out, err);
}

int access_reads(struct cd_store *s, const struct cd_actor *actor, const char *ref, const char *purpose,
		 struct access_report **out, struct cd_error *err)
{
	static const struct section reads[] = {
		{ "reads", N_("Who read this person's data, when and why"), 0, reads_sql },
	};
	return gather(s, actor, "audit_trail", ref, "view", "person_audit", purpose, reads, 1, out, err);
}

const struct access_table *access_table_get(const struct access_report *r, const char *key)
{
	for (size_t i = 0; i < r->n_tables; i++)
		if (strcmp(r->tables[i].key, key) == 0)
			return &r->tables[i];
	return NULL;
}

const struct access_cell *access_cell(const struct access_table *t, size_t row, const char *col)
{
	if (row >= t->n_rows)
		return NULL;
	for (size_t c = 0; c < t->n_cols; c++)
		if (strcmp(t->cols[c], col) == 0)
			return &t->cells[row * t->n_cols + c];
	return NULL;
}

static void json_row(const struct access_table *t, size_t row, struct json_writer *w)
{
	json_object(w);
	for (size_t c = 0; c < t->n_cols; c++) {
		const struct access_cell *cell = &t->cells[row * t->n_cols + c];
		if (cell->is_num)
			json_kv_int(w, t->cols[c], cell->num);
		else
			json_kv_string(w, t->cols[c], cell->text);
	}
	json_object_end(w);
}

void access_json(const struct access_report *r, struct json_writer *w)
{
	json_object(w);
	json_key(w, r->kind);
	json_object(w);
	json_kv_string(w, "person", r->person_number);
	json_kv_string(w, "office", r->office);
	json_kv_string(w, "made_at", r->made_at);
	json_kv_string(w, "made_by", r->made_by);
	json_object_end(w);
	for (size_t i = 0; i < r->n_tables; i++) {
		const struct access_table *t = &r->tables[i];
		json_key(w, t->key);
		if (t->single) {
			if (t->n_rows)
				json_row(t, 0, w);
			else
				json_null(w);
			continue;
		}
		json_array(w);
		for (size_t row = 0; row < t->n_rows; row++)
			json_row(t, row, w);
		json_array_end(w);
	}
	json_object_end(w);
}
