/* cmd_store.c - `init`, `user` and `store check`: making a store and saying who works in it. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "app/cli.h"

int cmd_init(struct cli *c)
{
	const char *office = cli_take(c, "--office");
	int training = cli_flag(c, "--training");
	struct passwd *pw = getpwuid(getuid());
	int rc;

	if ((rc = cli_positional(c, 0, 0, "init [--office CODE] [--training]")))
		return rc;
	if (!c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE, _("which file? give --store FILE or set CASEDESK_STORE"));
	struct cd_store_create_opts opts = {
		.office = office ? office : "TBS",
		.training = training,
		.admin_os_account = pw ? pw->pw_name : NULL,
	};
	if ((rc = store_create(c->store_path, &opts, &c->err)))
		return rc;
	if (training)
		printf(_("created training store %s for office %s; users: clerk, caseworker, supervisor, admin\n"),
		       c->store_path, opts.office);
	else
		printf(_("created store %s for office %s; %s is its first admin\n"), c->store_path, opts.office,
		       opts.admin_os_account ? opts.admin_os_account : "?");
	return CD_OK;
}

static int user_add_cmd(struct cli *c)
{
	unsigned roles = 0;
	const char *r, *os = cli_take(c, "--os-account");
	int rc;

	while ((r = cli_take(c, "--role"))) {
		unsigned bit = cd_role_from_name(r);
		if (!bit)
			return cd_error_set(&c->err, CD_EINPUT,
					    _("--role %s: roles are clerk, caseworker, supervisor, admin"), r);
		roles |= bit;
	}
	if ((rc = cli_positional(c, 1, 1, "user add NAME --role ROLE... [--os-account ACCOUNT]")))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = user_add(c->store, &c->actor, c->argv[1], roles, os, &c->err)))
		return rc;
	printf(_("added user %s\n"), c->argv[1]);
	return CD_OK;
}

static int user_list_cmd(struct cli *c)
{
	struct cd_user *users;
	size_t n;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "user list")) || (rc = cli_open_store(c)) ||
	    (rc = user_list(c->store, &users, &n, &c->err)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	if (c->json)
		buf_puts(&b, "[");
	for (size_t i = 0; i < n; i++) {
		char roles[128];
		cd_roles_format(users[i].roles, roles, sizeof roles);
		if (c->json) {
			buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			buf_json_str(&b, users[i].name);
			buf_puts(&b, ",\"os_account\":");
			buf_json_str(&b, users[i].os_account);
			buf_puts(&b, ",\"roles\":");
			buf_json_str(&b, roles);
			buf_printf(&b, ",\"active\":%s}", users[i].active ? "true" : "false");
		} else {
			buf_printf(&b, "%-20s %-20s %s\n", users[i].name,
				   users[i].os_account ? users[i].os_account : "-", roles);
		}
	}
	if (c->json)
		buf_puts(&b, "]\n");
	fputs(buf_str(&b), stdout);
	buf_release(&b);
	user_list_free(users, n);
	return CD_OK;
}

int cmd_user(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "add") == 0) {
		c->argv++;
		c->argc--;
		return user_add_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "list") == 0) {
		c->argv++;
		c->argc--;
		return user_list_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk user add NAME --role ROLE... | user list"));
}

/*
 * `store check [--rebuild-index]`: SQLite's integrity check, every case against its history,
 * and the search indexes against the people.  A finding marks the store damaged
 * (store_damage_mark): it then refuses every change until a check comes back clean, which
 * clears the mark.  --rebuild-index first refills the search indexes from the people (the
 * repair for an index that does not match them).
 */
int cmd_store(struct cli *c)
{
	int64_t bad = 0, unsynced = 0, index_bad = 0;
	struct cd_buf finding = CD_BUF_INIT;
	int rc, rebuild;

	if (c->argc < 2 || strcmp(c->argv[1], "check") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk store check [--rebuild-index]"));
	c->argv++;
	c->argc--;
	rebuild = cli_flag(c, "--rebuild-index");
	if ((rc = cli_positional(c, 0, 0, "store check [--rebuild-index]")) || (rc = cli_open_store(c)))
		return rc;
	if (rebuild && (rc = store_search_index_rebuild(c->store, &c->err)))
		return rc;
	/* What SQLite finds damaged is the finding itself; a failure to read is the store's error. */
	char integrity[400];
	if ((rc = store_integrity_check(c->store, integrity, sizeof integrity, &c->err)))
		goto out;
	if (integrity[0]) {
		/* The other checks read what SQLite just found damaged: mark it now. */
		buf_printf(&finding, _("integrity check: %s"), integrity);
		goto found;
	}
	if ((rc = case_consistency(c->store, &bad, &c->err)) ||
	    (rc = store_search_index_check(c->store, &index_bad, &c->err)) ||
	    (rc = store_unsynced_count(c->store, &unsynced, &c->err)))
		goto out;
	if (bad)
		buf_printf(&finding, _("%s%lld cases disagree with their last history event"), finding.len ? "; " : "",
			   (long long)bad);
	if (index_bad)
		buf_printf(&finding, _("%sthe search index does not match the people (%lld rows)"), finding.len ? "; " : "",
			   (long long)index_bad);
found:
	if (finding.len) {
		if ((rc = store_damage_mark(c->store, buf_str(&finding), &c->err)))
			goto out;
		rc = cd_error_set(&c->err, CD_ESTORE,
				  _("store %s is damaged: %s.  It takes no changes until repaired: %s; then run "
				    "`casedesk store check` again"),
				  store_path(c->store), buf_str(&finding),
				  index_bad && !bad && !integrity[0]
					  ? _("`casedesk store check --rebuild-index` rebuilds the search index")
					  : _("restore it from a backup (see \"A damaged store\" in the README)"));
		goto out;
	}
	if ((rc = store_damage_clear(c->store, &c->err)))
		goto out;
	if (c->json)
		printf("{\"integrity\":\"ok\",\"cases_disagreeing\":0,\"search_index\":\"ok\",\"schema\":%d,"
		       "\"unsynced\":%lld}\n", store_schema_version(c->store), (long long)unsynced);
	else
		printf(_("store ok: integrity ok, every case agrees with its history, the search index matches the "
			 "people, schema %d, %lld changes not yet synced\n"),
		       store_schema_version(c->store), (long long)unsynced);
out:
	buf_release(&finding);
	return rc;
}
