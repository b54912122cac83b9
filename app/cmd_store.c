/*
 * cmd_store.c - `init`, `user` and `store check`: making a store (with its first seal key,
 * escrowed) and saying who works in it; `store check` verifies the audit trail too.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/audit.h"
#include "model/store/passphrase.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "app/cli.h"

/*
 * A new passphrase for `name`: typed twice at the terminal (a typo would lock its owner
 * out), or one line of --passphrase-fd; checked before anything is written.
 */
static int new_passphrase(struct cli *c, const char *name, char *pass, size_t size)
{
	char again[PASSPHRASE_MAX_BYTES + 2], prompt[128];
	int rc;

	snprintf(prompt, sizeof prompt, _("new passphrase of %s: "), name);
	if ((rc = cli_read_secret(c, prompt, pass, size)) || (rc = passphrase_acceptable(name, pass, &c->err)))
		goto out;
	if (c->passphrase_fd >= 0)
		goto out;
	snprintf(prompt, sizeof prompt, _("the same passphrase again: "));
	if ((rc = cli_read_secret(c, prompt, again, sizeof again)))
		goto out;
	if (strcmp(pass, again) != 0)
		rc = cd_error_set(&c->err, CD_EINPUT, _("the two passphrases differ; nothing was changed"));
out:
	explicit_bzero(again, sizeof again);
	if (rc)
		explicit_bzero(pass, size);
	return rc;
}

int cmd_init(struct cli *c)
{
	const char *office = cli_take(c, "--office");
	int training = cli_flag(c, "--training"), kit = cli_flag(c, "--kit");
	struct passwd *pw = getpwuid(getuid());
	char escrow[4200], pass[PASSPHRASE_MAX_BYTES + 2] = "";
	int rc;

	if ((rc = cli_positional(c, 0, 0, "init [--office CODE] [--training | --kit]")))
		return rc;
	if (!c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE, _("which file? give --store FILE or set CASEDESK_STORE"));
	if (kit && training)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("--kit and --training exclude each other: a training store's users have no "
				      "passphrases"));
	struct cd_store_create_opts opts = {
		.office = office ? office : "TBS",
		.training = training,
		.admin_os_account = pw ? pw->pw_name : NULL,
	};
	if (kit) {
		/* On a kit the OS account is everyone's: the first admin is named by --user (or
		 * after the account), and their passphrase is read before the store is made. */
		if (c->user && *c->user)
			opts.admin_os_account = c->user;
		if (!opts.admin_os_account || !user_name_valid(opts.admin_os_account))
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("init --kit: name the first admin with --user NAME (2-32 characters "
					      "a-z, 0-9, '.', '_' or '-', starting with a letter)"));
		if ((rc = new_passphrase(c, opts.admin_os_account, pass, sizeof pass)))
			return rc;
	}
	if ((rc = store_create(c->store_path, &opts, &c->err)) || (rc = cli_open_store(c)) ||
	    (kit && (rc = kit_init(c->store, opts.admin_os_account, pass, &c->err))) ||
	    (rc = audit_keys_create(c->store, escrow, sizeof escrow, &c->err))) {
		/* A store whose trail can never be sealed from its start, or a kit without its
		 * admin's passphrase, is not worth keeping. */
		char side[4200];
		explicit_bzero(pass, sizeof pass);
		if (!c->store)
			return rc;
		store_close(c->store);
		c->store = NULL;
		unlink(c->store_path);
		snprintf(side, sizeof side, "%s-wal", c->store_path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", c->store_path);
		unlink(side);
		return rc;
	}
	explicit_bzero(pass, sizeof pass);
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "store", c->store_path);
		json_kv_string(&w, "office", opts.office);
		json_kv_bool(&w, "training", training);
		json_kv_bool(&w, "kit", kit);
		json_kv_string(&w, "escrow", escrow);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	if (training)
		printf(_("created training store %s for office %s; users: clerk, caseworker, supervisor, admin\n"),
		       c->store_path, opts.office);
	else if (kit)
		printf(_("created field kit %s for office %s; %s is its first admin and acts with --user %s and "
			 "their passphrase\n"),
		       c->store_path, opts.office, opts.admin_os_account, opts.admin_os_account);
	else
		printf(_("created store %s for office %s; %s is its first admin\n"), c->store_path, opts.office,
		       opts.admin_os_account ? opts.admin_os_account : "?");
	cli_escrow_notice(escrow);
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
			buf_printf(&b, "%-20s %-20s %s\n", users[i].name,
				   users[i].os_account ? users[i].os_account : "-", roles);
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

/* `user passphrase NAME`: the user themself, or an admin resetting it (which lifts a lock). */
static int user_passphrase_cmd(struct cli *c)
{
	char pass[PASSPHRASE_MAX_BYTES + 2] = "";
	int rc;

	if ((rc = cli_positional(c, 1, 1, "user passphrase NAME")) || (rc = cli_open_acting(c)))
		return rc;
	if (strcmp(c->actor.name, c->argv[1]) != 0 && !(c->actor.roles & CD_ROLE_ADMIN))
		return cd_error_set(&c->err, CD_EREFUSED,
				    _("only an admin may set another user's passphrase; %s is not one"), c->actor.name);
	if (!(rc = new_passphrase(c, c->argv[1], pass, sizeof pass)))
		rc = passphrase_set(c->store, &c->actor, c->argv[1], pass, &c->err);
	explicit_bzero(pass, sizeof pass);
	if (rc)
		return rc;
	printf(_("passphrase of %s set\n"), c->argv[1]);
	return CD_OK;
}

int cmd_user(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "passphrase") == 0) {
		c->argv++;
		c->argc--;
		return user_passphrase_cmd(c);
	}
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
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk user add NAME --role ROLE... | user list | user passphrase NAME"));
}

/* `store set-kit [--lock-minutes N]`: an admin makes an existing store a field kit (audited). */
static int store_set_kit(struct cli *c)
{
	const char *m = cli_take(c, "--lock-minutes");
	long minutes = 0;
	char *end;
	int rc;

	if (m) {
		minutes = strtol(m, &end, 10);
		if (!*m || *end || minutes < 1 || minutes > 24 * 60)
			return cd_error_set(&c->err, CD_EINPUT, _("--lock-minutes: give a whole number from 1 to 1440"));
	}
	if ((rc = cli_positional(c, 0, 0, "store set-kit [--lock-minutes N]")) || (rc = cli_open_acting(c)) ||
	    (rc = kit_enable(c->store, &c->actor, (int)minutes, &c->err)))
		return rc;
	printf(_("%s is a field kit now: every user acts with --user NAME and their passphrase\n"),
	       store_path(c->store));
	return CD_OK;
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
	int rc, rebuild, audit_warnings = 0;

	if (c->argc >= 2 && strcmp(c->argv[1], "set-kit") == 0) {
		c->argv++;
		c->argc--;
		return store_set_kit(c);
	}
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
		buf_printf(&finding, ngettext("%s%lld case disagrees with its last history event",
					      "%s%lld cases disagree with their last history event", (unsigned long)bad),
			   finding.len ? "; " : "", (long long)bad);
	if (index_bad)
		buf_printf(&finding, ngettext("%sthe search index does not match the people (%lld row)",
					      "%sthe search index does not match the people (%lld rows)",
					      (unsigned long)index_bad),
			   finding.len ? "; " : "", (long long)index_bad);
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
	/* The audit trail as `audit verify` sees it without the escrow key: tampering fails the
	 * check; warnings (rows not yet sealed) are shown but the store is still ok. */
	if ((rc = cli_audit_check(c, c->json ? stderr : stdout, &audit_warnings)))
		goto out;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "integrity", "ok");
		json_kv_int(&w, "cases_disagreeing", 0);
		json_kv_string(&w, "search_index", "ok");
		json_kv_int(&w, "schema", store_schema_version(c->store));
		json_kv_int(&w, "unsynced", unsynced);
		json_kv_string(&w, "audit", audit_warnings ? "warning" : "ok");
		json_kv_int(&w, "audit_warnings", audit_warnings);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		goto out;
	}
	/* One count a phrase: each takes its own plural. */
	printf(ngettext("store ok: integrity ok, every case agrees with its history, the search index matches the "
			"people, schema %d, %lld change not yet synced",
			"store ok: integrity ok, every case agrees with its history, the search index matches the "
			"people, schema %d, %lld changes not yet synced", (unsigned long)unsynced),
	       store_schema_version(c->store), (long long)unsynced);
	printf(ngettext(", audit trail whole (%d warning)\n", ", audit trail whole (%d warnings)\n",
			(unsigned long)audit_warnings), audit_warnings);
out:
	buf_release(&finding);
	return rc;
}
