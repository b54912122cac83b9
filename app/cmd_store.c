/*
 * cmd_store.c - `init`, `user` and `store check`: making a store (with its first seal key,
 * escrowed) and saying who works in it: their roles and the workflows they work on
 * (need-to-know, model/store/users.h); `store check` verifies the audit trail too.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/audit.h"
#include "model/store/office.h"
#include "model/store/passphrase.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "model/store/oplog.h"
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

/* What an admin does after `init`, with the store's own path in every command. */
static void init_next_steps(struct cli *c, int training, int kit)
{
	char abs[4096];
	const char *path = c->store_path;

	if (path[0] != '/' && realpath(path, abs))
		path = abs;
	printf("\n%s\n", _("Next steps:"));
	if (cli_load_workflows(c) == CD_OK)
		printf(ngettext("  - the shipped workflow is installed (%zu); add your own: casedesk workflow install FILE\n",
			"  - the shipped workflows are installed (%zu); add your own: casedesk workflow install FILE\n",
				registry_count(c->reg)),
		       registry_count(c->reg));
	if (training)
		printf("%s\n", _("  - the users clerk, caseworker, supervisor and admin are there: act as one with "
				   "--user NAME"));
	else
		printf("%s\n", _("  - add each person who works here, by their login account: casedesk user add NAME "
				   "--role caseworker --workflows all"));
	printf("%s\n", _("  - set the office's letterhead and appeal court: casedesk office set name \"...\" "
			   "(casedesk office show lists the settings)"));
	printf(_("  - the store is %s: export CASEDESK_STORE=%s (or give --store each time)\n"), path, path);
	if (training)
		printf("%s\n", _("  - start: casedesk --user caseworker (the terminal interface; F10 quits)"));
	else if (kit)
		printf("%s\n", _("  - start: casedesk --user NAME (each user gives their passphrase; F10 quits)"));
	else
		printf("%s\n", _("  - start: casedesk (the terminal interface, as your own login account; F10 quits)"));
}

int cmd_init(struct cli *c)
{
	const char *office = cli_take(c, "--office");
	int training = cli_flag(c, "--training"), kit = cli_flag(c, "--kit");
	struct passwd *pw = getpwuid(getuid());
	char escrow[4200], pass[PASSPHRASE_MAX_BYTES + 2] = "";
	int rc;

	if ((rc = cli_positional(c, 0, 0, "init --office CODE [--training | --kit]")))
		return rc;
	if (!c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE, _("which file? give --store FILE or set CASEDESK_STORE"));
	/* The office's code goes into every case number it ever makes (RP-TBS-2026-000123):
	 * never guessed, for a training store either (practice is on the office's own numbers;
	 * `demo` keeps a default of its own). */
	if (!office || !*office)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("init needs --office CODE: the office's code, 2 to 5 capital letters, which every "
				      "case number carries (RP-CODE-2026-000123); e.g. casedesk --store %s init --office TBS"),
				    c->store_path);
	if (kit && training)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("--kit and --training exclude each other: a training store's users have no "
				      "passphrases"));
	struct cd_store_create_opts opts = {
		.office = office,
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
	c->creating = 1;   /* the gate of cli_open_store asks for a user this store is about to get */
	/* The shipped workflows are installed (audited) before the first seal, which covers them. */
	if ((rc = store_create(c->store_path, &opts, &c->err)) || (rc = cli_open_store(c)) ||
	    (kit && (rc = kit_init(c->store, opts.admin_os_account, pass, &c->err))) ||
	    (rc = cli_install_shipped(c)) || (rc = audit_keys_create(c->store, escrow, sizeof escrow, &c->err))) {
		/* A store whose trail can never be sealed from its start, or a kit without its
		 * admin's passphrase, is not worth keeping. */
		explicit_bzero(pass, sizeof pass);
		if (!c->store)
			return rc;
		store_close(c->store);
		c->store = NULL;
		store_remove_files(c->store_path);
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
	init_next_steps(c, training, kit);
	return CD_OK;
}

/* --role words into bits; 0 with c->err set on an unknown role, 0 without when none given. */
static unsigned take_roles(struct cli *c)
{
	unsigned roles = 0;
	const char *r;

	while ((r = cli_take(c, "--role"))) {
		unsigned bit = cd_role_from_name(r);
		if (!bit) {
			cd_error_set(&c->err, CD_EINPUT, _("--role %s: roles are clerk, caseworker, supervisor, admin"), r);
			return 0;
		}
		roles |= bit;
	}
	return roles;
}

/*
 * Every workflow named in --workflows must be one this office runs (data/workflows), so
 * that a typo does not silently leave a user without their cases.
 */
static int check_workflows(struct cli *c, const char *typed)
{
	char list[256];
	int rc;

	if (!typed)
		return CD_OK;
	if (cd_workflows_parse(typed, list, sizeof list))
		return cd_error_set(&c->err, CD_EINPUT,
				    _("--workflows: give workflow ids separated by commas (asylum,visa), all, or none"));
	if (strcmp(list, "*") == 0 || !list[0])
		return CD_OK;
	if ((rc = cli_load_workflows(c)))
		return rc;
	for (char *p = list; *p;) {
		char *end = strchr(p, ',');
		if (end)
			*end = '\0';
		if (!registry_current(c->reg, p)) {
			struct cd_buf known = CD_BUF_INIT;
			for (size_t i = 0; i < registry_count(c->reg); i++)
				buf_printf(&known, "%s%s", i ? ", " : "", registry_at(c->reg, i)->id);
			rc = cd_error_set(&c->err, CD_EINPUT, _("--workflows: no workflow %s; this office runs %s"), p,
					  buf_str(&known));
			buf_release(&known);
			return rc;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return CD_OK;
}

static int user_add_cmd(struct cli *c)
{
	const char *os = cli_take(c, "--os-account"), *workflows = cli_take(c, "--workflows");
	unsigned roles = take_roles(c);
	int rc;

	if ((rc = cli_positional(c, 1, 1, "user add NAME --role ROLE... [--workflows LIST] [--os-account ACCOUNT]")))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = check_workflows(c, workflows)) ||
	    (rc = user_add(c->store, &c->actor, c->argv[1], roles, os, workflows, &c->err)))
		return rc;
	char list[256] = "";
	cd_workflows_parse(workflows ? workflows : "none", list, sizeof list);
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		char names[128];
		cd_roles_format(roles, names, sizeof names);
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "user", c->argv[1]);
		json_kv_string(&w, "roles", names);
		json_kv_string(&w, "workflows", cd_workflows_show(list));
		json_kv_string(&w, "os_account", os);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf(_("added user %s\n"), c->argv[1]);
	if (!list[0])
		printf(_("%s works on no workflow yet and reads no case: `casedesk user set %s --workflows LIST`\n"),
		       c->argv[1], c->argv[1]);
	return CD_OK;
}

static int user_set_cmd(struct cli *c)
{
	const char *workflows = cli_take(c, "--workflows");
	unsigned roles = take_roles(c);
	int rc;

	if ((rc = cli_positional(c, 1, 1, "user set NAME [--role ROLE]... [--workflows LIST]")))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = check_workflows(c, workflows)) ||
	    (rc = user_set(c->store, &c->actor, c->argv[1], roles, workflows, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "user", c->argv[1]);
		json_kv_bool(&w, "changed", 1);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf(_("changed user %s\n"), c->argv[1]);
	return CD_OK;
}

/* `user disable NAME` / `user enable NAME`: whether the account may act (model/store/users.h). */
static int user_active_cmd(struct cli *c, int active)
{
	int rc;

	if ((rc = cli_positional(c, 1, 1, active ? "user enable NAME" : "user disable NAME")) ||
	    (rc = cli_open_acting(c)) || (rc = user_set_active(c->store, &c->actor, c->argv[1], active, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "user", c->argv[1]);
		json_kv_bool(&w, "active", active);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	if (active)
		printf(_("enabled user %s: they can act again\n"), c->argv[1]);
	else
		printf(_("disabled user %s: they cannot act until an admin runs `casedesk user enable %s`\n"),
		       c->argv[1], c->argv[1]);
	return CD_OK;
}

static int user_disable_cmd(struct cli *c) { return user_active_cmd(c, 0); }
static int user_enable_cmd(struct cli *c) { return user_active_cmd(c, 1); }

static int user_list_cmd(struct cli *c)
{
	struct cd_user *users;
	size_t n;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "user list")) || (rc = cli_open_acting(c)) ||
	    (rc = user_list(c->store, &users, &n, &c->err)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	json_init(&w, &b);
	if (c->json)
		json_array(&w);
	for (size_t i = 0; i < n; i++) {
		char roles[128];
		cd_roles_format(users[i].roles, roles, sizeof roles);
		if (c->json) {
			json_object(&w);
			json_kv_string(&w, "name", users[i].name);
			json_kv_string(&w, "os_account", users[i].os_account);
			json_kv_string(&w, "roles", roles);
			json_kv_string(&w, "workflows", cd_workflows_show(users[i].workflows));
			json_kv_bool(&w, "active", users[i].active);
			json_object_end(&w);
		} else {
			/* Names come from the store: shown, never executed by the terminal. */
			out_safef(stdout, "%-20s %-20s %-32s %s%s", users[i].name,
				  users[i].os_account ? users[i].os_account : "-", roles,
				  cd_workflows_show(users[i].workflows), users[i].active ? "" : _("  (disabled)"));
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

/* `user glass [--all]` lists break-glass reads for review; `user glass --reviewed ID` marks one. */
static int user_glass_cmd(struct cli *c)
{
	struct cd_glass *rows = NULL;
	const char *reviewed = cli_take(c, "--reviewed");
	int all = cli_flag(c, "--all");
	size_t n = 0;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "user glass [--all] | user glass --reviewed ID")) || (rc = cli_open_acting(c)))
		return rc;
	if (reviewed) {
		char *end;
		long long id = strtoll(reviewed, &end, 10);
		if (*end || id <= 0)
			return cd_error_set(&c->err, CD_EUSAGE, _("--reviewed: give the number `casedesk user glass` shows"));
		if ((rc = user_glass_review(c->store, &c->actor, id, &c->err)))
			return rc;
		if (!c->json)
			printf(_("break-glass read %lld reviewed\n"), id);
		else
			printf("{\"reviewed\":%lld}\n", id);
		return CD_OK;
	}
	if ((rc = user_glass_list(c->store, &c->actor, all, &rows, &n, &c->err)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			json_object(&w);
			json_kv_int(&w, "id", rows[i].id);
			json_kv_string(&w, "at", rows[i].at);
			json_kv_string(&w, "user", rows[i].user);
			json_kv_string(&w, "case", rows[i].case_number);
			json_kv_string(&w, "purpose", rows[i].purpose);
			json_kv_string(&w, "reviewed_by", rows[i].reviewed_by);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%-5lld %.19s  %-12s %-22s ", (long long)rows[i].id, rows[i].at, rows[i].user,
			       rows[i].case_number);
			out_safe(stdout, rows[i].purpose);
			if (rows[i].reviewed_by)
				printf(_("  (reviewed by %s)"), rows[i].reviewed_by);
			fputc('\n', stdout);
		}
		if (!n)
			printf("%s\n", _("no break-glass reads to review"));
	}
	buf_release(&b);
	user_glass_list_free(rows, n);
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
	static const struct {
		const char *name;
		int (*run)(struct cli *);
	} subs[] = {
		{ "add", user_add_cmd }, { "set", user_set_cmd }, { "list", user_list_cmd }, { "glass", user_glass_cmd },
		{ "passphrase", user_passphrase_cmd }, { "disable", user_disable_cmd }, { "enable", user_enable_cmd },
	};
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			c->argv++;
			c->argc--;
			return subs[i].run(c);
		}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk user add NAME --role ROLE... [--workflows LIST] | "
			      "user set NAME [--role ROLE]... [--workflows LIST] | user disable NAME | user enable NAME | "
			      "user list | user glass | user passphrase NAME"));
}

/* ---- the office's settings (model/store/office.h) ------------------------------------- */

/* `office set KEY VALUE`: an admin sets (or with "" removes) one setting; audited. */
static int office_set_cmd(struct cli *c)
{
	int rc;

	if ((rc = cli_positional(c, 2, 2, "office set KEY VALUE")) || (rc = cli_open_acting(c)) ||
	    (rc = office_set(c->store, &c->actor, c->argv[1], c->argv[2], &c->err)))
		return rc;
	if (c->json) {
		printf("{\"changed\":true}\n");
		return CD_OK;
	}
	if (*c->argv[2])
		printf(_("office setting %s set\n"), c->argv[1]);
	else
		printf(_("office setting %s removed\n"), c->argv[1]);
	return CD_OK;
}

/* `office show [--json]`: every setting, what each is for, and where the letterhead comes from. */
static int office_show_cmd(struct cli *c)
{
	struct cd_office_setting *rows = NULL;
	struct cd_letterhead lh;
	size_t n = 0, nkeys;
	const struct cd_office_key *keys = office_keys(&nkeys);
	int rc, own = 0;

	if ((rc = cli_positional(c, 0, 0, "office show [--json]")) || (rc = cli_open_acting(c)) ||
	    (rc = office_list(c->store, &rows, &n, &c->err)) ||
	    (rc = office_letterhead(c->store, NULL, &lh, &own, &c->err)))
		goto out;
	office_letterhead_release(&lh);
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "code", store_office(c->store));
		json_kv_string(&w, "letterhead", own ? "store" : "data/forms/office.ini");
		json_key(&w, "settings");
		json_object(&w);
		for (size_t i = 0; i < n; i++)
			json_kv_string(&w, rows[i].key, rows[i].value);
		json_object_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		goto out;
	}
	printf(_("office %s\n"), store_office(c->store));
	for (size_t k = 0; k < nkeys; k++) {
		int shown = 0;
		size_t len = strlen(keys[k].key);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(rows[i].key, keys[k].key, len) != 0 || (rows[i].key[len] && rows[i].key[len] != '['))
				continue;
			out_safe_pad(stdout, rows[i].key, 30);
			fputc(' ', stdout);
			out_safe(stdout, rows[i].value);
			fputc('\n', stdout);
			shown = 1;
		}
		if (!shown)
			printf("%-30s %s\n", keys[k].key, _("(not set)"));
		printf("%-30s   %s\n", "", _(keys[k].help));
	}
	if (!own)
		printf("%s\n", _("note: no letterhead of its own yet (name is not set): forms print the package's "
				   "data/forms/office.ini; set one with casedesk office set name \"...\""));
out:
	office_list_free(rows, n);
	return rc;
}

int cmd_office(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "set") == 0) {
		c->argv++;
		c->argc--;
		return office_set_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "show") == 0) {
		c->argv++;
		c->argc--;
		return office_show_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk office show [--json] | office set KEY VALUE"));
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
 * the search indexes against the people, the op log's numbering and every op's signature.  A finding marks the store damaged
 * (store_damage_mark): it then refuses every change until a check comes back clean, which
 * clears the mark.  --rebuild-index first refills the search indexes from the people (the
 * repair for an index that does not match them).
 */
int cmd_store(struct cli *c)
{
	int64_t bad = 0, unsynced = 0, index_bad = 0, checks_bad = 0, ops_bad = 0, ops_first = 0;
	struct oplog_sig_report sigs = { 0 };
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
	    (rc = store_checks_trail_check(c->store, &checks_bad, &c->err)) ||
	    (rc = oplog_check(c->store, &ops_bad, &ops_first, &c->err)) ||
	    (rc = oplog_sig_check(c->store, &sigs, &c->err)) ||
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
	if (checks_bad)
		buf_printf(&finding, ngettext("%s%lld check answer disagrees with the history (a row without its event, "
					      "or an event without its row)",
					      "%s%lld check answers disagree with the history (rows without their event, "
					      "or events without their row)", (unsigned long)checks_bad),
			   finding.len ? "; " : "", (long long)checks_bad);
	/* A gap in the op log's numbering: the national tier would wait for that op forever. */
	if (ops_bad)
		buf_printf(&finding, ngettext("%sthe op log's numbering is broken from op %lld on (%lld op out of place)",
					      "%sthe op log's numbering is broken from op %lld on (%lld ops out of place)",
					      (unsigned long)ops_bad),
			   finding.len ? "; " : "", (long long)ops_first, (long long)ops_bad);
	/* An op that is not as its origin signed it: the national tier and every store it is
	 * carried to would take it as the origin's. */
	if (sigs.bad)
		buf_printf(&finding, ngettext("%s%lld op is not as its origin signed it (the first: op %lld of origin %s "
					      "in %s: %s)",
					      "%s%lld ops are not as their origins signed them (the first: op %lld of origin %s "
					      "in %s: %s)", (unsigned long)sigs.bad),
			   finding.len ? "; " : "", (long long)sigs.bad, (long long)sigs.first_seq, sigs.first_origin,
			   sigs.first_table, sigs.first_why);
found:
	if (finding.len) {
		if ((rc = store_damage_mark(c->store, buf_str(&finding), &c->err)))
			goto out;
		rc = cd_error_set(&c->err, CD_ESTORE,
				  _("store %s is damaged: %s.  It takes no changes until repaired: %s; then run "
				    "`casedesk store check` again"),
				  store_path(c->store), buf_str(&finding),
				  index_bad && !bad && !checks_bad && !ops_bad && !sigs.bad && !integrity[0]
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
		json_kv_int(&w, "op_signatures_verified", sigs.verified);
		json_kv_int(&w, "op_signatures_absent", sigs.unsigned_ok);
		json_kv_int(&w, "op_signatures_unknown_key", sigs.unknown);
		json_kv_int(&w, "op_signatures_bad", sigs.bad);
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
	printf(ngettext(", %lld op signature holds", ", %lld op signatures hold", (unsigned long)sigs.verified),
	       (long long)sigs.verified);
	if (sigs.unknown)
		printf(ngettext(" (%lld of an origin whose key this store does not know, not checked)",
				" (%lld of origins whose keys this store does not know, not checked)",
				(unsigned long)sigs.unknown),
		       (long long)sigs.unknown);
	printf(ngettext(", audit trail whole (%d warning)\n", ", audit trail whole (%d warnings)\n",
			(unsigned long)audit_warnings), audit_warnings);
out:
	buf_release(&finding);
	return rc;
}
