/*
 * cmd_conflict.c - `conflict list [--all]`, `conflict show ID` and `conflict resolve ID
 * --keep ours|theirs | --value V --reason R`: the conflict queue (model/store/conflicts.h)
 * for a supervisor.  Values are personal data: each listing and showing is audited by the
 * model; a resolution is an op of its own that syncs onward like any change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/conflicts.h"
#include "app/cli.h"

/* A conflict as JSON; its values are JSON already and are written as they are. */
static int print_json(struct cli *c, const struct cd_conflict *k)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;
	json_init(&w, &b);
	json_object(&w);
	json_kv_int(&w, "id", k->id);
	json_kv_string(&w, "uuid", k->uuid);
	json_kv_string(&w, "entity", k->entity);
	json_kv_string(&w, "entity_uuid", k->entity_uuid);
	json_kv_string(&w, "record", k->label);
	json_kv_string(&w, "field", k->field);
	json_kv_string(&w, "op", k->op_uuid);
	json_kv_string(&w, "origin", k->origin);
	json_kv_string(&w, "office", k->origin_office);
	json_kv_string(&w, "kit", k->origin_kit[0] ? k->origin_kit : NULL);
	json_kv_string(&w, "at", k->at);
	json_kv_string(&w, "by", k->by[0] ? k->by : NULL);
	json_kv_string(&w, "made_at", k->made_at[0] ? k->made_at : NULL);
	json_kv_string(&w, "resolved_by", k->resolved_by[0] ? k->resolved_by : NULL);
	json_kv_string(&w, "resolved_at", k->resolved_at[0] ? k->resolved_at : NULL);
	json_kv_string(&w, "resolution", k->resolution[0] ? k->resolution : NULL);
	json_kv_string(&w, "reason", k->reason);
	json_kv_string(&w, "resolution_op", k->resolution_op[0] ? k->resolution_op : NULL);
	json_object_end(&w);
	if ((rc = json_done(&w, &c->err)) == CD_OK)
		printf("%.*s,\"base\":%s,\"theirs\":%s,\"ours\":%s,\"resolved_value\":%s}", (int)(b.len - 1), buf_str(&b),
		       k->base, k->theirs, k->ours, k->resolved_value ? k->resolved_value : "null");
	buf_release(&b);
	return rc;
}

static int conflict_list_cmd(struct cli *c)
{
	static const char usage[] = "conflict list [--all] [--json]";
	int all = cli_flag(c, "--all"), rc;
	struct cd_conflict *rows = NULL;
	size_t n = 0;

	if ((rc = cli_positional(c, 0, 0, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = conflict_list(c->store, &c->actor, all, &rows, &n, &c->err)))
		return rc;
	if (c->json) {
		printf("[");
		for (size_t i = 0; i < n && !rc; i++) {
			printf("%s", i ? ",\n" : "");
			rc = print_json(c, &rows[i]);
		}
		printf("]\n");
		c->json_written = rc == CD_OK;
		conflict_free(rows, n);
		return rc;
	}
	if (!n) {
		printf("%s\n", all ? _("no conflict in this store") : _("no open conflict"));
	} else {
		printf("%s\n", _("ID    RECORD              FIELD            BASE           THEIRS         OURS           FROM     QUEUED"));
		for (size_t i = 0; i < n; i++) {
			const struct cd_conflict *k = &rows[i];
			printf("%-5lld ", (long long)k->id);
			out_safe_pad(stdout, k->label[0] ? k->label : k->entity, 19);
			printf(" ");
			out_safe_pad(stdout, k->field, 16);
			printf(" ");
			out_safe_pad(stdout, k->base, 14);
			printf(" ");
			out_safe_pad(stdout, k->theirs, 14);
			printf(" ");
			out_safe_pad(stdout, k->ours, 14);
			printf(" ");
			char from[48];
			snprintf(from, sizeof from, "%s%s%s", k->origin_office, k->origin_kit[0] ? "/" : "", k->origin_kit);
			out_safe_pad(stdout, from, 8);
			out_safef(stdout, " %s%s\n", k->at, k->resolved_at[0] ? _(" (resolved)") : "");
		}
	}
	conflict_free(rows, n);
	return CD_OK;
}

static int conflict_show_cmd(struct cli *c)
{
	static const char usage[] = "conflict show ID [--json]";
	struct cd_conflict k;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = conflict_show(c->store, &c->actor, c->argv[1], &k, &c->err)))
		return rc;
	if (c->json) {
		rc = print_json(c, &k);
		printf("\n");
		c->json_written = rc == CD_OK;
		conflict_clear(&k);
		return rc;
	}
	out_safef(stdout, _("conflict %lld (%s)\n"), (long long)k.id, k.uuid);
	out_safef(stdout, _("  %s %s %s, field %s\n"), k.entity, k.label, k.entity_uuid, k.field);
	out_safef(stdout, _("  base:   %s\n"), k.base);
	if (k.origin_kit[0])
		out_safef(stdout, _("  theirs: %s (kit %s of office %s, op %s)\n"), k.theirs, k.origin_kit,
			  k.origin_office[0] ? k.origin_office : "?", k.op_uuid);
	else
		out_safef(stdout, _("  theirs: %s (office %s, op %s)\n"), k.theirs,
			  k.origin_office[0] ? k.origin_office : "?", k.op_uuid);
	if (k.by[0])
		out_safef(stdout, _("  theirs made by %s at %s\n"), k.by, k.made_at[0] ? k.made_at : "?");
	out_safef(stdout, _("  ours:   %s (kept here)\n"), k.ours);
	out_safef(stdout, _("  queued: %s\n"), k.at);
	if (k.resolved_at[0]) {
		out_safef(stdout, _("  resolved by %s at %s: %s, value %s\n"), k.resolved_by, k.resolved_at, k.resolution,
			  k.resolved_value ? k.resolved_value : "null");
		out_safef(stdout, _("  reason: %s\n"), k.reason ? k.reason : "");
		out_safef(stdout, _("  resolution op: %s\n"), k.resolution_op);
	} else {
		printf("%s\n", _("  open: casedesk conflict resolve ID --keep ours|theirs | --value V --reason TEXT"));
	}
	conflict_clear(&k);
	return CD_OK;
}

static int conflict_resolve_cmd(struct cli *c)
{
	static const char usage[] = "conflict resolve ID --keep ours|theirs | --value V --reason TEXT";
	const char *keep = cli_take(c, "--keep"), *value = cli_take(c, "--value"), *reason = cli_take(c, "--reason");
	enum cd_conflict_choice how;
	char op_uuid[40];
	struct cd_conflict_pair pair;
	int rc;

	if (c->err.code)
		return c->err.code;
	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if ((keep != NULL) == (value != NULL))
		return cd_error_set(&c->err, CD_EUSAGE, _("conflict resolve: give one of --keep ours|theirs and --value V"));
	if (keep && strcmp(keep, "ours") == 0)
		how = CONFLICT_KEEP_OURS;
	else if (keep && strcmp(keep, "theirs") == 0)
		how = CONFLICT_TAKE_THEIRS;
	else if (keep)
		return cd_error_set(&c->err, CD_EUSAGE, _("--keep: ours or theirs, not %s"), keep);
	else
		how = CONFLICT_TYPED;
	if ((rc = cli_open_acting(c)))
		return rc;
	if ((rc = conflict_resolve(c->store, &c->actor, c->argv[1], how, value, reason, op_uuid, &pair, &c->err)))
		return rc;
	out_safef(stdout, _("conflict %s resolved; the resolution is op %s\n"), c->argv[1], op_uuid);
	if (pair.id && pair.resolved && pair.how == CONFLICT_TYPED)
		out_safef(stdout, _("conflict %lld on %s, raised by the same change, resolved with the name's Latin form "
				    "%s; op %s\n"), (long long)pair.id, pair.field, pair.value, pair.op_uuid);
	else if (pair.id && pair.resolved)
		out_safef(stdout, _("conflict %lld on %s, raised by the same change, resolved the same way; op %s\n"),
			  (long long)pair.id, pair.field, pair.op_uuid);
	else if (pair.id)
		out_safef(stdout, _("conflict %lld on %s, raised by the same change, is still open: type its value too "
				    "(casedesk conflict resolve %lld --value V --reason TEXT)\n"),
			  (long long)pair.id, pair.field, (long long)pair.id);
	return CD_OK;
}

int cmd_conflict(struct cli *c)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *c);
	} subs[] = { { "list", conflict_list_cmd }, { "show", conflict_show_cmd }, { "resolve", conflict_resolve_cmd } };
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			c->argv++;
			c->argc--;
			return subs[i].run(c);
		}
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk conflict list [--all] | show ID | resolve ID "
						  "--keep ours|theirs | --value V --reason TEXT"));
}
