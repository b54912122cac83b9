/*
 * cmd_ops.c - `ops list [--unsent]` and `ops show UUID`: the op log (model/store/oplog.h)
 * for an admin.  The list carries no personal data (what changed, its uuid, the op, its
 * number, whether sent), so it needs no purpose; `show` prints the values an op changed,
 * so it needs --purpose and is audited as a read of the record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/oplog.h"
#include "app/cli.h"

struct list_out {
	struct cli *c;
	int64_t n;
};

/* One op as a JSON object: the members `ops list --json` and `ops show --json` share. */
static void op_members(struct json_writer *w, const struct cd_op_row *op)
{
	json_kv_string(w, "uuid", op->uuid);
	json_kv_string(w, "origin", op->origin);
	json_kv_int(w, "seq", op->seq);
	json_kv_string(w, "at", op->at);
	json_kv_string(w, "entity", op->entity);
	json_kv_string(w, "entity_uuid", op->entity_uuid);
	json_kv_string(w, "op", op->op);
	json_kv_string(w, "sent_at", op->sent_at[0] ? op->sent_at : NULL);
	json_kv_string(w, "acked_at", op->acked_at[0] ? op->acked_at : NULL);
}

/* A list of a million ops is printed as it is read, one object at a time, never held whole. */
static int print_one(void *ctx, const struct cd_op_row *op)
{
	struct list_out *o = ctx;
	if (o->c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		int rc;
		json_init(&w, &b);
		json_object(&w);
		op_members(&w, op);
		json_object_end(&w);
		if ((rc = json_done(&w, &o->c->err)) == CD_OK)
			printf("%s%s", o->n ? ",\n" : "[", buf_str(&b));
		buf_release(&b);
		o->n++;
		return rc;
	}
	if (!o->n)
		printf("%s\n", _("SEQ      ENTITY     OP          ENTITY UUID                           SENT"));
	out_safef(stdout, "%-8lld %-10s %-11s %-37s %s\n", (long long)op->seq, op->entity, op->op, op->entity_uuid,
		  op->sent_at[0] ? op->sent_at : "-");
	o->n++;
	return CD_OK;
}

static int ops_list(struct cli *c)
{
	static const char usage[] = "ops list [--unsent] [--json]";
	int unsent = cli_flag(c, "--unsent"), rc;
	struct list_out o = { c, 0 };

	if ((rc = cli_positional(c, 0, 0, usage)) || (rc = cli_open_acting(c)))
		return rc;
	/* Under --json the array opens with its first op, so a refusal prints only the error. */
	rc = oplog_list(c->store, &c->actor, unsent, print_one, &o, &c->err);
	if (c->json) {
		if (!rc || o.n)
			printf("%s]\n", o.n ? "" : "[");
		return rc;
	}
	if (rc)
		return rc;
	if (!o.n)
		printf("%s\n", unsent ? _("no op waiting to be sent") : _("no op in this store"));
	return CD_OK;
}

static int ops_show(struct cli *c)
{
	static const char usage[] = "ops show UUID --purpose TEXT";
	struct cd_op_row op;
	char *payload = NULL;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	/* An op shows values: the reader says why, every time (no default purpose). */
	if ((rc = oplog_show(c->store, &c->actor, c->argv[1], c->purpose_given ? c->purpose : NULL, &op, &payload,
			     &c->err)))
		return rc;
	if (c->json) {
		/* The payload is stored JSON: printed as the op's "payload" member, as it is. */
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		op_members(&w, &op);
		json_object_end(&w);
		if ((rc = json_done(&w, &c->err)) == CD_OK)
			printf("%.*s,\"payload\":%s}\n", (int)(b.len - 1), buf_str(&b), payload);
		buf_release(&b);
		free(payload);
		c->json_written = rc == CD_OK;
		return rc;
	}
	out_safef(stdout, _("op %s\n"), op.uuid);
	out_safef(stdout, _("  origin %s, seq %lld\n"), op.origin, (long long)op.seq);
	out_safef(stdout, _("  %s %s %s at %s\n"), op.op, op.entity, op.entity_uuid, op.at);
	out_safef(stdout, _("  sent: %s, acknowledged: %s\n"), op.sent_at[0] ? op.sent_at : _("not yet"),
		  op.acked_at[0] ? op.acked_at : _("not yet"));
	printf("  ");
	out_safe(stdout, payload);
	printf("\n");
	free(payload);
	return CD_OK;
}

int cmd_ops(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "list") == 0) {
		c->argv++;
		c->argc--;
		return ops_list(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "show") == 0) {
		c->argv++;
		c->argc--;
		return ops_show(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk ops list [--unsent] [--json] | ops show UUID --purpose TEXT"));
}
