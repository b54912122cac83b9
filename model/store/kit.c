/*
 * kit.c - leased blocks of numbers for field kits; see kit.h.
 *
 * Owns the number_blocks table (schema 17) on both sides of a lease, the lease arithmetic,
 * and the numbering rule store_next_counter asks of it.  Kept in one module so that the
 * national tier can lease blocks the same way: it needs kit_lease_first and
 * kit_range_overlaps over its own rows, and writes the kit's rows with kit_blocks_write.
 */
#include "model/store/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/buf.h"
#include "model/store/audit.h"
#include "model/store/bundle.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

/* ---- rows ----------------------------------------------------------------------------- */

void kit_blocks_release(struct kit_blocks *b)
{
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

static int blocks_push(struct kit_blocks *b, const struct kit_block *k, struct cd_error *err)
{
	int rc = CD_OK;
	ST_GROW(b->v, b->n, b->cap);
	b->v[b->n++] = *k;
out:
	return rc;
}

static int counter_value(struct cd_store *s, const char *name, int64_t *value, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT value FROM counters WHERE name = ?1", &st, err);
	*value = 0;
	if (rc)
		return rc;
	st_bind_text(st, 1, name);
	rc = st_row(s, st, _("numbering"), err);
	if (rc > 0)
		*value = sqlite3_column_int64(st, 0);
	st_finish(s, st);
	return rc < 0 ? CD_ESTORE : CD_OK;
}

static void counter_name(const char *series, int year, char *buf, size_t size)
{
	if (year)
		snprintf(buf, size, "%s:%d", series, year);
	else
		snprintf(buf, size, "%s", series);
}

int kit_leased_is(struct cd_store *s, int *is, char *name, size_t size, struct cd_error *err)
{
	char v[64];
	int found = st_setting_read(s, "kit_name", v, sizeof v, err);
	*is = found > 0;
	if (name && size)
		snprintf(name, size, "%s", found > 0 ? v : "");
	return found < 0 ? CD_ESTORE : CD_OK;
}

/* ---- status --------------------------------------------------------------------------- */

int kit_block_status(struct cd_store *s, const char *series, int year, int64_t *left, int64_t *total,
		     struct cd_error *err)
{
	struct kit_range *r = NULL;
	size_t n = 0;
	char name[48];
	int64_t counter;
	int is, rc;

	*left = *total = 0;
	if ((rc = kit_leased_is(s, &is, NULL, 0, err)) || !is)
		return rc;
	counter_name(series, year, name, sizeof name);
	if ((rc = counter_value(s, name, &counter, err)) || (rc = store_number_ranges(s, series, year, &r, &n, err)))
		return rc;
	kit_range_left(r, n, counter, left, total);
	free(r);
	return CD_OK;
}

/* The distinct series and years of the store's blocks. */
static int series_list(struct cd_store *s, struct kit_blocks *out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT DISTINCT series, year FROM number_blocks ORDER BY series, year", &st, err);
	if (rc)
		return rc;
	for (;;) {
		struct kit_block k = { 0 };
		int got = st_row(s, st, _("reading the leased blocks of numbers"), err);
		if (got <= 0) {
			rc = got < 0 ? CD_ESTORE : CD_OK;
			break;
		}
		snprintf(k.series, sizeof k.series, "%s", (const char *)sqlite3_column_text(st, 0));
		k.year = sqlite3_column_int(st, 1);
		if ((rc = blocks_push(out, &k, err)))
			break;
	}
	st_finish(s, st);
	return rc;
}

int kit_block_low(struct cd_store *s, int *low, char *series, size_t size, int *year, int64_t *left,
		  int64_t *total, struct cd_error *err)
{
	struct kit_blocks all = { 0 };
	int is, rc, this_year, m, d;

	*low = 0;
	*left = *total = 0;
	if ((rc = kit_leased_is(s, &is, NULL, 0, err)) || !is)
		return rc;
	cd_days_to_date(store_today(s), &this_year, &m, &d);
	if ((rc = series_list(s, &all, err)))
		goto out;
	for (size_t i = 0; i < all.n; i++) {
		int64_t l, t;
		if (all.v[i].year && all.v[i].year != this_year)
			continue;
		if ((rc = kit_block_status(s, all.v[i].series, all.v[i].year, &l, &t, err)))
			goto out;
		if (kit_range_low(l, t) && (!*low || l < *left)) {
			*low = 1;
			*left = l;
			*total = t;
			*year = all.v[i].year;
			snprintf(series, size, "%s", all.v[i].series);
		}
	}
out:
	kit_blocks_release(&all);
	return rc;
}

int kit_next_year_missing(struct cd_store *s, int *missing, char *series, size_t size, int *year,
			  struct cd_error *err)
{
	struct kit_blocks all = { 0 };
	int is, rc, y, m, d;

	*missing = 0;
	if ((rc = kit_leased_is(s, &is, NULL, 0, err)) || !is)
		return rc;
	cd_days_to_date(store_today(s), &y, &m, &d);
	if (m != 12)
		return CD_OK;
	if ((rc = series_list(s, &all, err)))
		goto out;
	for (size_t i = 0; i < all.n && !*missing; i++) {
		int next = 0;
		if (all.v[i].year != y)
			continue;
		for (size_t j = 0; j < all.n; j++)
			if (all.v[j].year == y + 1 && strcmp(all.v[j].series, all.v[i].series) == 0)
				next = 1;
		if (!next) {
			*missing = 1;
			*year = y + 1;
			snprintf(series, size, "%s", all.v[i].series);
		}
	}
out:
	kit_blocks_release(&all);
	return rc;
}

int kit_status(struct cd_store *s, struct kit_blocks *out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT series, year, first, last, coalesce(returned, 0), kit_name, uuid FROM number_blocks"
			       " ORDER BY series, year, first", &st, err);
	if (rc)
		return rc;
	for (;;) {
		struct kit_block k = { 0 };
		int got = st_row(s, st, _("reading the leased blocks of numbers"), err);
		if (got <= 0) {
			rc = got < 0 ? CD_ESTORE : CD_OK;
			break;
		}
		snprintf(k.series, sizeof k.series, "%s", (const char *)sqlite3_column_text(st, 0));
		k.year = sqlite3_column_int(st, 1);
		k.first = sqlite3_column_int64(st, 2);
		k.last = sqlite3_column_int64(st, 3);
		k.returned = sqlite3_column_int64(st, 4);
		snprintf(k.kit_name, sizeof k.kit_name, "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(k.uuid, sizeof k.uuid, "%s", (const char *)sqlite3_column_text(st, 6));
		if ((rc = blocks_push(out, &k, err)))
			break;
	}
	st_finish(s, st);
	for (size_t i = 0; !rc && i < out->n; i++)
		rc = kit_block_status(s, out->v[i].series, out->v[i].year, &out->v[i].left, &out->v[i].total, err);
	return rc;
}

/* ---- leasing -------------------------------------------------------------------------- */

static int setting(struct cd_store *s, const char *key, char *buf, size_t size, struct cd_error *err)
{
	int found = st_setting_read(s, key, buf, size, err);
	if (found < 0)
		return CD_ESTORE;
	if (!found)
		buf[0] = '\0';
	return CD_OK;
}

static int insert_block(struct cd_store *s, const char *uuid, const struct kit_block *k, const char *kit_uuid,
			const char *at, const char *by, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "INSERT INTO number_blocks(uuid, series, year, first, last, kit_name, kit_uuid,"
			       " leased_at, leased_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, uuid);
	st_bind_text(st, 2, k->series);
	sqlite3_bind_int(st, 3, k->year);
	sqlite3_bind_int64(st, 4, k->first);
	sqlite3_bind_int64(st, 5, k->last);
	st_bind_text(st, 6, k->kit_name);
	st_bind_text(st, 7, kit_uuid);
	st_bind_text(st, 8, at);
	st_bind_text(st, 9, by);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(s, _("recording a leased block of numbers"), err);
	st_finish(s, st);
	return rc;
}

static int lease_outbox(struct cd_store *s, const char *uuid, const struct kit_block *k, const char *kit_uuid,
			const char *op, struct cd_error *err)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;
	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "series", k->series);
	json_kv_int(&w, "year", k->year);
	json_kv_int(&w, "first", k->first);
	json_kv_int(&w, "last", k->last);
	if (k->returned)
		json_kv_int(&w, "returned", k->returned);
	json_kv_string(&w, "kit", k->kit_name);
	json_kv_string(&w, "kit_uuid", kit_uuid);
	json_object_end(&w);
	rc = store_add_outbox(s, "number_block", uuid, op, &w, err);
	buf_release(&b);
	return rc;
}

struct lease {
	struct kit_block k;
	char uuid[37];
};

/*
 * Leases one block of each series on the office and commits; the leases in *out (with
 * their uuids, written the same on the kit).  The ranges start after the series' counter
 * and every block leased before, so they never overlap (the insert trigger holds that too).
 */
static int lease_on_office(struct cd_store *office, const struct cd_actor *actor, const char *kit_name,
			   const char *kit_uuid, const struct kit_lease_opts *o, int year, int with_person,
			   struct lease **out, size_t *n_out, struct cd_error *err)
{
	struct lease *l = NULL;
	size_t n = 1 + o->n_case_prefixes, done = with_person ? 0 : 1;
	char now[32];
	int rc;

	*out = NULL;
	*n_out = 0;
	if (!(l = calloc(n, sizeof *l)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = store_begin(office, err)))
		goto fail;
	store_now(office, now, sizeof now);
	for (; done < n; done++) {
		struct kit_range *r = NULL;
		size_t nr = 0;
		char cname[48];
		int64_t counter;
		struct kit_block *k = &l[done].k;
		if (done == 0) {
			snprintf(k->series, sizeof k->series, "person");
			k->year = 0;
		} else {
			snprintf(k->series, sizeof k->series, "case:%s", o->case_prefixes[done - 1]);
			k->year = year;
		}
		snprintf(k->kit_name, sizeof k->kit_name, "%s", kit_name);
		counter_name(k->series, k->year, cname, sizeof cname);
		if ((rc = counter_value(office, cname, &counter, err)) ||
		    (rc = store_number_ranges(office, k->series, k->year, &r, &nr, err)))
			goto fail_txn;
		k->first = kit_lease_first(r, nr, counter);
		k->last = k->first + o->block - 1;
		free(r);
		cd_uuid7(l[done].uuid);
		/* From the national tier: above the office's own numbers and every block it knows
		 * (the floor), and above every block the tier leased to anyone. */
		if (o->lease && (rc = o->lease(o->lease_ctx, "kit", l[done].uuid, kit_uuid, store_office(office), k, o->block,
					       k->first - 1, err)))
			goto fail_txn;
		if ((rc = insert_block(office, l[done].uuid, k, kit_uuid, now, actor->name, err)) ||
		    (rc = lease_outbox(office, l[done].uuid, k, kit_uuid, "lease", err)))
			goto fail_txn;
	}
	if ((rc = store_add_audit(office, actor, "change", "number_blocks", kit_uuid, "leased numbers to a field kit", err)) ||
	    (rc = store_commit(office, err)))
		goto fail;
	if (!with_person) {
		/* Only the case series were leased: close up the unused first slot. */
		memmove(l, l + 1, (n - 1) * sizeof *l);
		n--;
	}
	*out = l;
	*n_out = n;
	return CD_OK;
fail_txn:
	store_rollback(office);
fail:
	free(l);
	return rc;
}

/* The same leases into the kit, in one transaction. */
static int lease_into_kit(struct cd_store *kit, const struct cd_actor *actor, const char *kit_uuid,
			  const struct lease *l, size_t n, struct cd_error *err)
{
	char now[32];
	int rc;
	if ((rc = store_begin(kit, err)))
		return rc;
	store_now(kit, now, sizeof now);
	for (size_t i = 0; i < n; i++)
		if ((rc = insert_block(kit, l[i].uuid, &l[i].k, kit_uuid, now, actor->name, err)))
			goto fail;
	if ((rc = store_add_audit(kit, actor, "change", "number_blocks", kit_uuid, "leased numbers from the office",
				  err)) ||
	    (rc = store_commit(kit, err)))
		return rc;
	return CD_OK;
fail:
	store_rollback(kit);
	return rc;
}

static int this_year(struct cd_store *s)
{
	int y, m, d;
	cd_days_to_date(store_today(s), &y, &m, &d);
	return y;
}

static int check_office(struct cd_store *office, const struct cd_actor *actor, const struct kit_lease_opts *o,
			int *year, struct cd_error *err)
{
	int is, rc, m, d;
	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin leases numbers to a field kit; %s is not one"),
				    actor->name);
	if ((rc = kit_leased_is(office, &is, NULL, 0, err)))
		return rc;
	if (is)
		return cd_error_set(err, CD_EREFUSED,
				    _("%s is itself a field kit; numbers are leased by the office store"),
				    store_path(office));
	if (!o->office || strcmp(o->office, store_office(office)) != 0)
		return cd_error_set(err, CD_EINPUT, _("--office %s: this store is office %s's"),
				    o->office ? o->office : "", store_office(office));
	if (o->block < 1 || o->block > 1000000)
		return cd_error_set(err, CD_EINPUT, _("--block %lld: a block is 1 to 1000000 numbers"),
				    (long long)o->block);
	cd_days_to_date(store_today(office), year, &m, &d);
	if (o->year) {
		if (o->year < *year || o->year > *year + 1)
			return cd_error_set(err, CD_EINPUT,
					    _("--year %d: a kit is leased numbers for this year (%d) or the next"),
					    o->year, *year);
		*year = o->year;
	}
	return CD_OK;
}

static int copy_blocks_out(const struct lease *l, size_t n, struct kit_blocks *out, struct cd_error *err)
{
	int rc = CD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		rc = blocks_push(out, &l[i].k, err);
	return rc;
}

/* The office's reference data into a kit store just made, in one transaction. */
static int copy_reference(struct cd_store *kit, struct cd_store *office, const struct cd_actor *actor,
			  const char *name, struct cd_error *err)
{
	static const char *const copy_sql =
		"DELETE FROM main.users;"
		"INSERT INTO main.users SELECT * FROM parent.users;"
		"INSERT INTO main.workflow_def SELECT * FROM parent.workflow_def;"
		"INSERT INTO main.lostdoc_import SELECT * FROM parent.lostdoc_import;"
		"INSERT INTO main.lostdoc SELECT * FROM parent.lostdoc;"
		"INSERT OR REPLACE INTO main.settings SELECT key, value FROM parent.settings"
		" WHERE key LIKE 'office.%' OR key IN ('audit_seal_rows', 'audit_seal_minutes', 'kit_lock_minutes');";
	sqlite3_stmt *st = NULL;
	char parent_uuid[40];
	int rc, attached = 0;

	if ((rc = setting(office, "store_uuid", parent_uuid, sizeof parent_uuid, err)))
		return rc;
	if (sqlite3_prepare_v2(kit->db, "ATTACH DATABASE ?1 AS parent", -1, &st, NULL) != SQLITE_OK)
		return st_fail(kit, _("reading the office store"), err);
	sqlite3_bind_text(st, 1, store_path(office), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_fail(kit, _("reading the office store"), err);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	attached = 1;
	if ((rc = store_begin(kit, err)))
		goto out;
	if ((rc = st_exec(kit, copy_sql, err)) || (rc = st_setting_write(kit, "kit_name", name, err)) ||
	    (rc = st_setting_write(kit, "kit_parent_uuid", parent_uuid, err)) ||
	    (rc = store_add_audit(kit, actor, "change", "settings", parent_uuid, "made a field kit from the office store",
				  err))) {
		store_rollback(kit);
		goto out;
	}
	rc = store_commit(kit, err);
out:
	if (attached)
		sqlite3_exec(kit->db, "DETACH DATABASE parent", NULL, NULL, NULL);
	return rc;
}

/* A kit name: 1 to 31 letters, digits, '-' or '_'. */
static int name_valid(const char *n)
{
	size_t len = strlen(n);
	return len >= 1 && len <= 31 &&
	       strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == len;
}

static int name_used(struct cd_store *s, const char *name, int *used, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = st_prepare(s, "SELECT 1 FROM number_blocks WHERE kit_name = ?1 LIMIT 1", &st, err);
	if (rc)
		return rc;
	st_bind_text(st, 1, name);
	rc = st_row(s, st, _("reading the leased blocks of numbers"), err);
	st_finish(s, st);
	if (rc < 0)
		return CD_ESTORE;
	*used = rc;
	return CD_OK;
}

static int office_own(struct cd_store *office, const struct cd_actor *actor, const struct kit_lease_opts *o,
		      struct cd_error *err);

int kit_make(struct cd_store *office, const struct cd_actor *actor, const char *path,
	     const struct kit_lease_opts *o, struct kit_blocks *leased, char *escrow, size_t escrow_size,
	     struct cd_error *err)
{
	struct cd_store_create_opts co = { 0 };
	struct cd_store *kit = NULL;
	struct lease *l = NULL;
	size_t n = 0;
	char name[32], kit_uuid[40];
	int rc, year, used = 0, made = 0;

	if ((rc = check_office(office, actor, o, &year, err)))
		return rc;
	if (o->name) {
		if (!name_valid(o->name))
			return cd_error_set(err, CD_EINPUT,
					    _("--name %s: a kit's name is 1 to 31 letters, digits, '-' or '_' (e.g. K07)"),
					    o->name);
		snprintf(name, sizeof name, "%s", o->name);
		if ((rc = name_used(office, name, &used, err)))
			return rc;
		if (used)
			return cd_error_set(err, CD_EREFUSED,
					    _("a field kit named %s was leased numbers already; choose another --name"),
					    name);
	} else {
		for (int i = 1; i < 1000; i++) {
			snprintf(name, sizeof name, "K%02d", i);
			if ((rc = name_used(office, name, &used, err)))
				return rc;
			if (!used)
				break;
		}
	}
	/* From the tier: the office first holds its own blocks, so that its numbers never meet
	 * the blocks the tier leases this kit at its syncs. */
	if (o->lease && (rc = office_own(office, actor, o, err)))
		return rc;
	co.office = store_office(office);
	co.training = store_is_training(office);
	if ((rc = store_create(path, &co, err)))
		return rc;
	made = 1;
	/* The kit seals its own trail from its start, as `init` does (audit.h). */
	if ((rc = store_open(path, &kit, err)) || (rc = copy_reference(kit, office, actor, name, err)) ||
	    (rc = audit_keys_create(kit, escrow, escrow_size, err)) ||
	    (rc = setting(kit, "store_uuid", kit_uuid, sizeof kit_uuid, err)))
		goto out;
	/* A kit leased from the national tier tops up from it at each sync (kit_sync_topup); one
	 * leased from the office's own numbers does not: the office would not know its blocks. */
	if (o->lease && ((rc = st_setting_write(kit, "kit_national", "1", err)) ||
			 (o->national_db && (rc = st_setting_write(kit, "national.db", o->national_db, err)))))
		goto out;
	/* From here the office commits its leases: the kit exists whatever follows. */
	if ((rc = lease_on_office(office, actor, name, kit_uuid, o, year, 1, &l, &n, err)))
		goto out;
	made = 0;
	if ((rc = lease_into_kit(kit, actor, kit_uuid, l, n, err))) {
		cd_error_set(err, rc,
			     _("the office leased numbers to kit %s but writing them into %s failed (%s); those "
			       "numbers stay unused; run `casedesk kit topup --kit %s --block N` for new ones"),
			     name, path, err->msg, path);
		goto out;
	}
	/* The office's own kit: each knows the other's key (bundle.h), so that the ops each signs
	 * are checked wherever they are carried (schema 27). */
	if ((rc = bundle_trust_kit(office, kit, err))) {
		cd_error_prefix(err, _("kit %s is made, but the office and the kit do not know each other's keys yet "
				       "(trust them with `casedesk bundle key` and `casedesk bundle trust`)"),
				path);
		goto out;
	}
	rc = copy_blocks_out(l, n, leased, err);
out:
	free(l);
	store_close(kit);
	if (made)
		store_remove_files(path);
	return rc;
}

static int open_kit_of(struct cd_store *office, const char *kit_path, struct cd_store **kit, char *name,
		       size_t size, char *kit_uuid, size_t usize, struct cd_error *err)
{
	char parent[40], own[40];
	int is, rc;
	if ((rc = store_open(kit_path, kit, err)) || (rc = kit_leased_is(*kit, &is, name, size, err)))
		return rc;
	if (!is)
		return cd_error_set(err, CD_EREFUSED, _("%s is no field kit (made by `casedesk kit new`)"), kit_path);
	if ((rc = setting(*kit, "kit_parent_uuid", parent, sizeof parent, err)) ||
	    (rc = setting(office, "store_uuid", own, sizeof own, err)) ||
	    (rc = setting(*kit, "store_uuid", kit_uuid, usize, err)))
		return rc;
	if (strcmp(parent, own) != 0)
		return cd_error_set(err, CD_EREFUSED,
				    _("field kit %s was made from another office store (%s), not %s; that store "
				      "leases its numbers"), kit_path, parent, store_path(office));
	return CD_OK;
}

int kit_topup(struct cd_store *office, const struct cd_actor *actor, const char *kit_path,
	      const struct kit_lease_opts *o, struct kit_blocks *leased, struct cd_error *err)
{
	struct cd_store *kit = NULL;
	struct lease *l = NULL;
	size_t n = 0;
	char name[32], kit_uuid[40];
	int rc, year;

	/* Person numbers are not counted per year: next year's topup leases case numbers only. */
	if ((rc = check_office(office, actor, o, &year, err)) ||
	    (rc = open_kit_of(office, kit_path, &kit, name, sizeof name, kit_uuid, sizeof kit_uuid, err)) ||
	    (o->lease && (rc = office_own(office, actor, o, err))) ||
	    (rc = lease_on_office(office, actor, name, kit_uuid, o, year, !o->year || o->year == this_year(office),
				  &l, &n, err)))
		goto out;
	if ((rc = lease_into_kit(kit, actor, kit_uuid, l, n, err))) {
		cd_error_set(err, rc,
			     _("the office leased numbers to kit %s but writing them into %s failed (%s); those "
			       "numbers stay unused; run the topup again"), name, kit_path, err->msg);
		goto out;
	}
	rc = copy_blocks_out(l, n, leased, err);
out:
	free(l);
	store_close(kit);
	return rc;
}

/* ---- returning ------------------------------------------------------------------------ */

/* The office marks returned what the kit returned (idempotent: rows already marked stay). */
static int return_on_office(struct cd_store *kit, const struct cd_actor *actor, const char *office_path,
			    struct cd_error *err)
{
	struct cd_store *office = NULL;
	sqlite3_stmt *rd = NULL, *up = NULL;
	char parent[40], own[40], kit_uuid[40], now[32];
	int rc;

	if ((rc = store_open(office_path, &office, err)) ||
	    (rc = setting(kit, "kit_parent_uuid", parent, sizeof parent, err)) ||
	    (rc = setting(kit, "store_uuid", kit_uuid, sizeof kit_uuid, err)) ||
	    (rc = setting(office, "store_uuid", own, sizeof own, err)))
		goto out;
	if (strcmp(parent, own) != 0) {
		rc = cd_error_set(err, CD_EREFUSED, _("this kit was made from another office store (%s), not %s"),
				  parent, office_path);
		goto out;
	}
	if ((rc = store_begin(office, err)))
		goto out;
	store_now(office, now, sizeof now);
	if ((rc = st_prepare(kit, "SELECT uuid, returned, series, year, first, last, kit_name FROM number_blocks"
				  " WHERE returned IS NOT NULL", &rd, err)) ||
	    (rc = st_prepare(office, "UPDATE number_blocks SET returned = ?2, returned_at = ?3"
				     " WHERE uuid = ?1 AND returned IS NULL", &up, err)))
		goto txn;
	for (;;) {
		int got = st_row(kit, rd, _("reading the leased blocks of numbers"), err);
		if (got < 0) {
			rc = CD_ESTORE;
			goto txn;
		}
		if (!got)
			break;
		sqlite3_bind_text(up, 1, (const char *)sqlite3_column_text(rd, 0), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, sqlite3_column_int64(rd, 1));
		st_bind_text(up, 3, now);
		if (sqlite3_step(up) != SQLITE_DONE) {
			rc = st_fail(office, _("marking returned numbers"), err);
			goto txn;
		}
		if (sqlite3_changes(office->db) == 1) {
			struct kit_block k = { 0 };
			snprintf(k.series, sizeof k.series, "%s", (const char *)sqlite3_column_text(rd, 2));
			k.year = sqlite3_column_int(rd, 3);
			k.first = sqlite3_column_int64(rd, 4);
			k.last = sqlite3_column_int64(rd, 5);
			k.returned = sqlite3_column_int64(rd, 1);
			snprintf(k.kit_name, sizeof k.kit_name, "%s", (const char *)sqlite3_column_text(rd, 6));
			if ((rc = lease_outbox(office, (const char *)sqlite3_column_text(rd, 0), &k, kit_uuid, "return", err)))
				goto txn;
		}
		sqlite3_reset(up);
	}
	st_finish(kit, rd);
	rd = NULL;
	st_finish(office, up);
	up = NULL;
	if ((rc = store_add_audit(office, actor, "change", "number_blocks", kit_uuid, "a field kit returned numbers",
				  err)))
		goto txn;
	rc = store_commit(office, err);
	goto out;
txn:
	st_finish(kit, rd);
	st_finish(office, up);
	store_rollback(office);
out:
	store_close(office);
	return rc;
}

int kit_return(struct cd_store *kit, const struct cd_actor *actor, const char *office_path,
	       struct kit_blocks *returned, struct cd_error *err)
{
	struct kit_blocks all = { 0 };
	char name[32], now[32], kit_uuid[40];
	int is, rc;

	if (!(actor->roles & CD_ROLE_ADMIN))
		return cd_error_set(err, CD_EREFUSED, _("only an admin returns a field kit's numbers; %s is not one"),
				    actor->name);
	if ((rc = kit_leased_is(kit, &is, name, sizeof name, err)))
		return rc;
	if (!is)
		return cd_error_set(err, CD_EREFUSED,
				    _("%s is no field kit: `kit return` runs on the kit, with --office-store naming its "
				      "office store"), store_path(kit));
	if ((rc = setting(kit, "store_uuid", kit_uuid, sizeof kit_uuid, err)) || (rc = store_begin(kit, err)))
		return rc;
	store_now(kit, now, sizeof now);
	if ((rc = kit_status(kit, &all, err)))
		goto txn;
	for (size_t i = 0; i < all.n; i++) {
		struct kit_block *k = &all.v[i];
		struct kit_range r = { k->first, k->last, k->returned }, u;
		struct cd_event ev = { 0 };
		sqlite3_stmt *st = NULL;
		char cname[48], lo[48], hi[48], note[160];
		int64_t counter;
		counter_name(k->series, k->year, cname, sizeof cname);
		if ((rc = counter_value(kit, cname, &counter, err)))
			goto txn;
		if (!kit_range_unused(&r, counter, &u))
			continue;
		/* The whole range is void, once: a number once leased may have been written on
		 * paper (a receipt, a form filled by hand while the laptop was down), so a
		 * returned number is never issued again, here or at the office. */
		if ((rc = st_prepare(kit, "UPDATE number_blocks SET returned = ?3, returned_at = ?4"
					  " WHERE series = ?1 AND year = ?2 AND first = ?5", &st, err)))
			goto txn;
		st_bind_text(st, 1, k->series);
		sqlite3_bind_int(st, 2, k->year);
		sqlite3_bind_int64(st, 3, u.first);
		st_bind_text(st, 4, now);
		sqlite3_bind_int64(st, 5, k->first);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = st_fail(kit, _("returning unused numbers"), err);
			st_finish(kit, st);
			goto txn;
		}
		st_finish(kit, st);
		kit_number_text(store_office(kit), k->series, k->year, u.first, lo, sizeof lo);
		kit_number_text(store_office(kit), k->series, k->year, u.last, hi, sizeof hi);
		snprintf(note, sizeof note, "%s..%s", lo, hi);
		ev.kind = "void";
		ev.field = k->series;
		ev.note = note;
		if ((rc = store_add_event(kit, actor, &ev, err)))
			goto txn;
		/* What is given back: the void range itself, as an op too, so that a sync or a
		 * bundle carries it to the national tier, which never issues it. */
		k->first = u.first;
		k->last = u.last;
		k->returned = 0;
		k->left = k->total = 0;
		if ((rc = lease_outbox(kit, k->uuid, k, kit_uuid, "void", err)))
			goto txn;
		if ((rc = blocks_push(returned, k, err)))
			goto txn;
	}
	if ((rc = store_add_audit(kit, actor, "change", "number_blocks", NULL, "returned unused numbers", err)) ||
	    (rc = store_commit(kit, err)))
		goto out;
	if (office_path)
		rc = return_on_office(kit, actor, office_path, err);
	goto out;
txn:
	store_rollback(kit);
out:
	kit_blocks_release(&all);
	return rc;
}

/* ---- top-up at sync ------------------------------------------------------------------- */

/* One block of `series` and `year` for the kit `s` itself, from the tier, written in. */
static int sync_lease_one(struct cd_store *s, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
			  const char *kit_uuid, const char *name, const char *series, int year, int64_t size,
			  struct kit_blocks *leased, struct cd_error *err)
{
	struct lease l = { 0 };
	char now[32];
	int rc;

	snprintf(l.k.series, sizeof l.k.series, "%s", series);
	snprintf(l.k.kit_name, sizeof l.k.kit_name, "%s", name);
	l.k.year = year;
	cd_uuid7(l.uuid);
	if ((rc = lease(ctx, "kit", l.uuid, kit_uuid, store_office(s), &l.k, size, 0, err)))
		return rc;
	snprintf(l.k.uuid, sizeof l.k.uuid, "%s", l.uuid);
	if ((rc = store_begin(s, err)))
		goto fail;
	store_now(s, now, sizeof now);
	if ((rc = insert_block(s, l.uuid, &l.k, kit_uuid, now, actor->name, err)) ||
	    (rc = store_add_audit(s, actor, "change", "number_blocks", kit_uuid, "leased numbers from the national tier",
				  err))) {
		store_rollback(s);
		goto fail;
	}
	if ((rc = store_commit(s, err)))
		goto fail;
	return blocks_push(leased, &l.k, err);
fail:
	/* Leased on the tier, not written here: burnt, never issued twice; the next sync leases again. */
	return rc;
}

int kit_sync_topup(struct cd_store *s, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
		   struct kit_blocks *leased, struct cd_error *err)
{
	struct kit_blocks all = { 0 };
	char name[32], kit_uuid[40];
	int is, rc, y, m, d;

	char national[8];
	if ((rc = kit_leased_is(s, &is, name, sizeof name, err)) || !is ||
	    (rc = setting(s, "kit_national", national, sizeof national, err)) || !national[0])
		return rc;
	if ((rc = setting(s, "store_uuid", kit_uuid, sizeof kit_uuid, err)) || (rc = kit_status(s, &all, err)))
		goto out;
	cd_days_to_date(store_today(s), &y, &m, &d);
	for (size_t i = 0; i < all.n; i++) {
		const char *series = all.v[i].series;
		int64_t size = 0;
		int seen = 0, held_this = 0, held_next = 0, low = 0;
		/* Each series once: the first of its rows (rows come ordered by series). */
		for (size_t j = 0; j < i; j++)
			if (strcmp(all.v[j].series, series) == 0)
				seen = 1;
		if (seen)
			continue;
		for (size_t j = i; j < all.n; j++) {
			const struct kit_block *b = &all.v[j];
			if (strcmp(b->series, series) != 0)
				continue;
			/* The newest block's size is the next one's: what the office chose for this kit. */
			size = b->last - b->first + 1;
			if (b->year == 0 || b->year == y) {
				held_this = 1;
				low = kit_range_low(b->left, b->total);
			}
			if (b->year == y + 1)
				held_next = 1;
		}
		if ((!held_this || low) &&
		    (rc = sync_lease_one(s, actor, lease, ctx, kit_uuid, name, series, all.v[i].year ? y : 0, size, leased,
					 err)))
			goto out;
		/* From 1 December, next year's case numbers: a kit offline over New Year goes on. */
		if (all.v[i].year && m == 12 && !held_next &&
		    (rc = sync_lease_one(s, actor, lease, ctx, kit_uuid, name, series, y + 1, size, leased, err)))
			goto out;
	}
out:
	kit_blocks_release(&all);
	return rc;
}

/* One series and year of the office's own, when due: none held, or a fifth or less left. */
static int office_lease_one(struct cd_store *office, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
			    const char *own_uuid, const char *series, int year, int only_if_none,
			    struct kit_blocks *leased, struct cd_error *err)
{
	struct kit_range *all = NULL, *own = NULL;
	size_t n_all = 0, n_own = 0;
	struct lease l = { 0 };
	char cname[48], now[32];
	int64_t counter, left, total, size;
	int rc, holds;

	if ((rc = store_begin(office, err)))
		return rc;
	counter_name(series, year, cname, sizeof cname);
	if ((rc = counter_value(office, cname, &counter, err)) ||
	    (rc = store_number_ranges(office, series, year, &all, &n_all, err)) ||
	    (rc = store_own_number_ranges(office, series, year, &own, &n_own, &holds, err)))
		goto txn;
	kit_range_left(own, n_own, counter, &left, &total);
	if (n_own && (only_if_none || !kit_range_low(left, total))) {
		store_rollback(office);
		goto out;
	}
	size = n_own ? own[n_own - 1].last - own[n_own - 1].first + 1 : KIT_OFFICE_BLOCK;
	snprintf(l.k.series, sizeof l.k.series, "%s", series);
	snprintf(l.k.kit_name, sizeof l.k.kit_name, "%s", store_office(office));
	l.k.year = year;
	cd_uuid7(l.uuid);
	store_now(office, now, sizeof now);
	if ((rc = lease(ctx, "office", l.uuid, own_uuid, store_office(office), &l.k, size,
			kit_lease_first(all, n_all, counter) - 1, err)) ||
	    (rc = insert_block(office, l.uuid, &l.k, own_uuid, now, actor->name, err)) ||
	    (rc = store_add_audit(office, actor, "change", "number_blocks", own_uuid,
				  "leased the office's own numbers from the national tier", err)))
		goto txn;
	if ((rc = store_commit(office, err)))
		goto out;
	snprintf(l.k.uuid, sizeof l.k.uuid, "%s", l.uuid);
	rc = blocks_push(leased, &l.k, err);
	goto out;
txn:
	store_rollback(office);
out:
	free(all);
	free(own);
	return rc;
}

int kit_office_topup(struct cd_store *office, const struct cd_actor *actor, kit_lease_fn lease, void *ctx,
		     const char *const *case_prefixes, size_t n_case_prefixes, struct kit_blocks *leased,
		     struct cd_error *err)
{
	char own_uuid[40], series[32];
	int is, rc, y, m, d;

	if ((rc = kit_leased_is(office, &is, NULL, 0, err)) || is)
		return rc;
	if ((rc = setting(office, "store_uuid", own_uuid, sizeof own_uuid, err)))
		return rc;
	cd_days_to_date(store_today(office), &y, &m, &d);
	if ((rc = office_lease_one(office, actor, lease, ctx, own_uuid, "person", 0, 0, leased, err)))
		return rc;
	for (size_t i = 0; i < n_case_prefixes; i++) {
		snprintf(series, sizeof series, "case:%s", case_prefixes[i]);
		if ((rc = office_lease_one(office, actor, lease, ctx, own_uuid, series, y, 0, leased, err)))
			return rc;
		/* From 1 December next year's, once: an office offline over New Year goes on too. */
		if (m == 12 && (rc = office_lease_one(office, actor, lease, ctx, own_uuid, series, y + 1, 1, leased, err)))
			return rc;
	}
	return CD_OK;
}

static int office_own(struct cd_store *office, const struct cd_actor *actor, const struct kit_lease_opts *o,
		      struct cd_error *err)
{
	struct kit_blocks b = { 0 };
	int rc = kit_office_topup(office, actor, o->lease, o->lease_ctx, o->case_prefixes, o->n_case_prefixes, &b, err);
	kit_blocks_release(&b);
	return rc;
}
