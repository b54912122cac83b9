/*
 * cmd_national.c - `casedesk national init|status|use`: the national tier's PostgreSQL
 * database (issue 15).  It joins the two models the rest of casedesk keeps apart: the store
 * (model/store, which names its national database) and the tier (model/national, libpq).
 *
 * Which database: --db CONNINFO; else $CASEDESK_NATIONAL_DB (ignored when installed setgid,
 * like every variable that could redirect casedesk: for tests and development); else the
 * store's own setting (`national use`), when a store is given.
 *
 * On a real store --db is an admin's: a clerk's sync to a database of their own would send
 * it every op (every person's values), mark them sent so that the named tier never gets
 * them, and apply whatever that database holds as other stores' ops.  The admin names the
 * tier with `national use` anyway; a training store is open to sqlite3 and keeps --db.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/privilege.h"
#include "model/national/national.h"
#include "model/store/nationaldb.h"
#include "model/store/oplog.h"
#include "model/store/roles.h"
#include "model/store/store.h"
#include "app/cli.h"

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

int cli_national_open(struct cli *c, const char *db, struct cd_national **out)
{
	char *from_store = NULL;
	int rc;

	*out = NULL;
	if (db && *db && c->store && !store_is_training(c->store) && !(c->actor.roles & CD_ROLE_ADMIN))
		return cd_error_set(&c->err, CD_EREFUSED,
				    _("--db: on the real store %s only an admin names the national database "
				      "(`casedesk national use --db CONNINFO`); leave --db out to use the one it names"),
				    c->store_path);
	if (!db || !*db)
		db = cd_env("CASEDESK_NATIONAL_DB");
	if ((!db || !*db) && c->store_path && *c->store_path) {
		if ((rc = cli_open_store(c)) || (rc = store_national_db(c->store, &from_store, &c->err)))
			return rc;
		if (!from_store)
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("the store %s names no national database: an admin names one with "
					      "`casedesk national use --db CONNINFO`, or give --db CONNINFO"),
					    c->store_path);
		db = from_store;
	}
	rc = national_connect(db, out, &c->err);
	free(from_store);
	/* Reads of the tier's persons are recorded there under the store, user and purpose. */
	if (!rc && c->store)
		national_set_reader(*out, oplog_origin(c->store), store_office(c->store), c->actor.name, c->purpose);
	return rc;
}

/* `national init [--db CONNINFO]`: creates or upgrades the national schema. */
static int national_init_cmd(struct cli *c)
{
	struct cd_national *n = NULL;
	const char *db = cli_take(c, "--db");
	int rc, from = 0, to = 0;

	if ((rc = cli_positional(c, 0, 0, "national init [--db CONNINFO]")) || (rc = cli_national_open(c, db, &n)) ||
	    (rc = national_init(n, &from, &to, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "national", national_where(n));
		json_kv_int(&w, "from_version", from);
		json_kv_int(&w, "version", to);
		json_object_end(&w);
		if (!(rc = cli_json_print(c, &w)))
			c->json_written = 1;
		buf_release(&b);
	} else if (from == to) {
		printf(_("national tier (%s): schema version %d already; nothing to do\n"), national_where(n), to);
	} else if (from == 0) {
		printf(_("national tier (%s): schema created at version %d\n"), national_where(n), to);
	} else {
		printf(_("national tier (%s): schema upgraded from version %d to %d\n"), national_where(n), from, to);
	}
out:
	national_close(n);
	return rc;
}

static void status_json(struct cli *c, struct json_writer *w, struct cd_national *n,
			const struct cd_national_status *st)
{
	(void)c;
	json_object(w);
	json_kv_string(w, "national", national_where(n));
	json_kv_int(w, "schema_version", st->version);
	json_kv_int(w, "ops", st->ops);
	json_kv_int(w, "persons", st->persons);
	json_kv_int(w, "cases", st->cases);
	json_kv_int(w, "number_blocks", st->number_blocks);
	json_kv_int(w, "open_conflicts", st->open_conflicts);
	json_key(w, "origins");
	json_array(w);
	for (size_t i = 0; i < st->n_origins; i++) {
		const struct cd_national_origin *o = &st->origins[i];
		json_object(w);
		json_kv_string(w, "store_uuid", o->store_uuid);
		json_kv_string(w, "office", o->office);
		json_kv_string(w, "name", o->name);
		json_kv_string(w, "kind", o->kind);
		json_kv_int(w, "high_water", o->high_water);
		json_kv_int(w, "ops", o->ops);
		json_kv_string(w, "last_sync", o->last_sync);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* `national status [--db CONNINFO] [--json]`: schema version, origins and op counts. */
static int national_status_cmd(struct cli *c)
{
	struct cd_national_status st = { 0 };
	struct cd_national *n = NULL;
	const char *db = cli_take(c, "--db");
	int rc;

	if ((rc = cli_positional(c, 0, 0, "national status [--db CONNINFO] [--json]")) ||
	    (rc = cli_national_open(c, db, &n)) || (rc = national_status(n, &st, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		status_json(c, &w, n, &st);
		if (!(rc = cli_json_print(c, &w)))
			c->json_written = 1;
		buf_release(&b);
		goto out;
	}
	printf(_("national tier: %s\n"), national_where(n));
	printf(_("schema version: %d\n"), st.version);
	printf(_("ops: %lld, persons: %lld, cases: %lld, number blocks: %lld, open conflicts: %lld\n"), (long long)st.ops,
	       (long long)st.persons, (long long)st.cases, (long long)st.number_blocks, (long long)st.open_conflicts);
	printf(ngettext("%zu origin\n", "%zu origins\n", (unsigned long)st.n_origins), st.n_origins);
	for (size_t i = 0; i < st.n_origins; i++) {
		const struct cd_national_origin *o = &st.origins[i];
		/* Office and name come from the stores that pushed them: written safe. */
		out_safef(stdout, "  %s %s (%s, %s): ", o->office, o->name, o->kind, o->store_uuid);
		printf(_("high-water %lld, %lld ops, last sync %s\n"), (long long)o->high_water, (long long)o->ops,
		       o->last_sync ? o->last_sync : _("never"));
	}
out:
	national_status_release(&st);
	national_close(n);
	return rc;
}

/* `national use --db CONNINFO | --none`: the store names its national database (admin);
 * without an option, says which one it names. */
static int national_use_cmd(struct cli *c)
{
	static const char usage[] = "national use [--db CONNINFO | --none]";
	const char *db = cli_take(c, "--db");
	int none = cli_flag(c, "--none"), rc;
	char *current = NULL;

	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (db && none)
		return cd_error_set(&c->err, CD_EUSAGE, _("give --db CONNINFO or --none, not both"));
	if (!db && !none) {
		if ((rc = cli_open_store(c)) || (rc = store_national_db(c->store, &current, &c->err)))
			return rc;
		if (current)
			out_safef(stdout, _("the store syncs with the national database %s\n"), current);
		else
			printf("%s", _("the store names no national database (an admin names one with `casedesk national use "
				       "--db CONNINFO`)\n"));
		free(current);
		return CD_OK;
	}
	if (db && (rc = national_conninfo_check(db, &c->err)))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = store_national_db_set(c->store, &c->actor, none ? NULL : db, &c->err)))
		return rc;
	if (none)
		printf("%s", _("the store names no national database now\n"));
	else
		out_safef(stdout, _("the store syncs with the national database %s (check it with `casedesk national status`)\n"),
			  db);
	return CD_OK;
}

int cmd_national(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	if (strcmp(sub, "init") == 0) {
		shift(c);
		return national_init_cmd(c);
	}
	if (strcmp(sub, "status") == 0) {
		shift(c);
		return national_status_cmd(c);
	}
	if (strcmp(sub, "use") == 0) {
		shift(c);
		return national_use_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk national init [--db CONNINFO] | national status [--db CONNINFO] | "
			      "national use [--db CONNINFO | --none]"));
}
