/* cmd_store.c - `init`, `user` and `store check`: making a store and saying who works in it. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
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
	if ((rc = store_create(c->store_path, &opts, &c->err)) || (rc = cli_install_shipped(c)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "store", c->store_path);
		json_kv_string(&w, "office", opts.office);
		json_kv_bool(&w, "training", training);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
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
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		char names[128];
		cd_roles_format(roles, names, sizeof names);
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "user", c->argv[1]);
		json_kv_string(&w, "roles", names);
		json_kv_string(&w, "os_account", os);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
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
	struct json_writer w;
	json_init(&w, &b);
	json_array(&w);
	for (size_t i = 0; i < n; i++) {
		char roles[128];
		cd_roles_format(users[i].roles, roles, sizeof roles);
		if (c->json) {
			json_object(&w);
			json_kv_string(&w, "name", users[i].name);
			json_kv_string(&w, "os_account", users[i].os_account);
			json_kv_string(&w, "roles", roles);
			json_kv_bool(&w, "active", users[i].active);
			json_object_end(&w);
		} else {
			/* Names come from the store: shown, never executed by the terminal. */
			out_safef(stdout, "%-20s %-20s %s", users[i].name,
				  users[i].os_account ? users[i].os_account : "-", roles);
			fputc('\n', stdout);
		}
	}
	if (c->json) {
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		fputs(buf_str(&b), stdout);
	}
	buf_release(&b);
	user_list_free(users, n);
	return rc;
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

int cmd_store(struct cli *c)
{
	int64_t bad = 0, unsynced = 0;
	int rc;

	if (c->argc < 2 || strcmp(c->argv[1], "check") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk store check"));
	c->argv++;
	c->argc--;
	if ((rc = cli_positional(c, 0, 0, "store check")) || (rc = cli_open_store(c)) ||
	    (rc = store_integrity_check(c->store, &c->err)) ||
	    (rc = case_consistency(c->store, &bad, &c->err)) ||
	    (rc = store_unsynced_count(c->store, &unsynced, &c->err)))
		return rc;
	if (bad)
		return cd_error_set(&c->err, CD_ESTORE,
				    ngettext("%lld case disagrees with its last history event",
					     "%lld cases disagree with their last history event", (unsigned long)bad),
				    (long long)bad);
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "integrity", "ok");
		json_kv_int(&w, "cases_disagreeing", 0);
		json_kv_int(&w, "schema", store_schema_version(c->store));
		json_kv_int(&w, "unsynced", unsynced);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	} else
		printf(ngettext("store ok: integrity ok, every case agrees with its history, schema %d, %lld change not "
				"yet synced\n",
				"store ok: integrity ok, every case agrees with its history, schema %d, %lld changes not "
				"yet synced\n", (unsigned long)unsynced),
		       store_schema_version(c->store), (long long)unsynced);
	return CD_OK;
}
