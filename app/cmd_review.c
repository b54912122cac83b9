/*
 * cmd_review.c - `review list [--all]`, `review show ID`, `review dismiss ID --reason R` and
 * `review merge ID --reason R [--keep-arrived]`: the duplicate review queue that persons
 * arriving from other offices fill (model/store/review.h), for a supervisor.  The rows name
 * people: the model audits each listing and showing ("duplicate review").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/biometric.h"
#include "model/store/review.h"
#include "app/cli.h"

static void row_json(struct json_writer *w, const struct cd_review *r)
{
	json_object(w);
	json_kv_int(w, "id", r->id);
	json_kv_string(w, "uuid", r->uuid);
	json_kv_string(w, "arrived", r->person_number);
	json_kv_string(w, "arrived_uuid", r->person_uuid);
	json_kv_string(w, "local", r->candidate_number);
	json_kv_string(w, "local_uuid", r->candidate_uuid);
	json_kv_int(w, "score", r->score);
	json_kv_string(w, "reasons", r->reasons);
	json_kv_string(w, "office", r->origin_office);
	json_kv_string(w, "queued_at", r->queued_at);
	json_kv_string(w, "decision", r->decision[0] ? r->decision : NULL);
	json_kv_string(w, "decided_by", r->decided_by[0] ? r->decided_by : NULL);
	json_kv_string(w, "decided_at", r->decided_at[0] ? r->decided_at : NULL);
	json_kv_string(w, "reason", r->reason[0] ? r->reason : NULL);
	json_object_end(w);
}

static int print_json(struct cli *c, const struct cd_review *rows, size_t n, int array)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;
	json_init(&w, &b);
	if (array)
		json_array(&w);
	for (size_t i = 0; i < n; i++)
		row_json(&w, &rows[i]);
	if (array)
		json_array_end(&w);
	if ((rc = json_done(&w, &c->err)) == CD_OK) {
		out_safef(stdout, "%s\n", buf_str(&b));
		c->json_written = 1;
	}
	buf_release(&b);
	return rc;
}

static int review_list_cmd(struct cli *c)
{
	static const char usage[] = "review list [--all] [--json]";
	int all = cli_flag(c, "--all"), rc;
	struct cd_review *rows = NULL;
	size_t n = 0;

	if ((rc = cli_positional(c, 0, 0, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = review_list(c->store, &c->actor, all, &rows, &n, &c->err)))
		return rc;
	if (c->json) {
		rc = print_json(c, rows, n, 1);
		review_free(rows, n);
		return rc;
	}
	if (!n) {
		printf("%s\n", all ? _("no duplicate review in this store") : _("no possible duplicate waiting for review"));
	} else {
		printf("%s\n", _("ID    SCORE ARRIVED         FROM   LOCAL           REASONS"));
		for (size_t i = 0; i < n; i++) {
			const struct cd_review *r = &rows[i];
			printf("%-5lld %5d ", (long long)r->id, r->score);
			out_safe_pad(stdout, r->person_number, 15);
			printf(" ");
			out_safe_pad(stdout, r->origin_office, 6);
			printf(" ");
			out_safe_pad(stdout, r->candidate_number, 15);
			out_safef(stdout, " %s%s%s\n", r->reasons, r->decision[0] ? " - " : "",
				  r->decision[0] ? _(r->decision) : "");
		}
	}
	review_free(rows, n);
	return CD_OK;
}

static int review_show_cmd(struct cli *c)
{
	static const char usage[] = "review show ID [--json]";
	struct cd_review r;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = review_show(c->store, &c->actor, c->argv[1], &r, &c->err)))
		return rc;
	if (c->json) {
		rc = print_json(c, &r, 1, 0);
		review_clear(&r);
		return rc;
	}
	out_safef(stdout, _("duplicate review %lld (%s): score %d\n"), (long long)r.id, r.uuid, r.score);
	out_safef(stdout, _("  arrived from %s: %s  %s  born %s  %s\n"), r.origin_office[0] ? r.origin_office : "?",
		  r.person_number, r.person_names ? r.person_names : "", r.person_dob, r.person_nat);
	out_safef(stdout, _("  this office's:   %s  %s  born %s  %s\n"), r.candidate_number,
		  r.candidate_names ? r.candidate_names : "", r.candidate_dob, r.candidate_nat);
	out_safef(stdout, _("  why: %s\n"), r.reasons);
	out_safef(stdout, _("  queued: %s\n"), r.queued_at);
	if (r.decision[0]) {
		out_safef(stdout, _("  decided by %s at %s: %s\n"), r.decided_by, r.decided_at, _(r.decision));
		out_safef(stdout, _("  reason: %s\n"), r.reason);
	} else {
		printf("%s\n", _("  open: casedesk review dismiss ID --reason TEXT | merge ID --reason TEXT [--keep-arrived]"));
	}
	review_clear(&r);
	return CD_OK;
}

static int review_dismiss_cmd(struct cli *c)
{
	static const char usage[] = "review dismiss ID --reason TEXT";
	const char *reason = cli_take(c, "--reason");
	int rc;

	if (c->err.code)
		return c->err.code;
	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = review_dismiss(c->store, &c->actor, c->argv[1], reason, &c->err)))
		return rc;
	out_safef(stdout, _("duplicate review %s dismissed: two people\n"), c->argv[1]);
	return CD_OK;
}

static int review_merge_cmd(struct cli *c)
{
	static const char usage[] = "review merge ID --reason TEXT [--keep-arrived]";
	const char *reason = cli_take(c, "--reason");
	int keep_arrived = cli_flag(c, "--keep-arrived"), rc;
	char survivor[32] = "", duplicate[32] = "";
	struct bio_key key;
	struct cd_error ignore = CD_ERROR_INIT;
	const struct bio_key *k;

	if (c->err.code)
		return c->err.code;
	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	/* The biometric key only when there is one: merge.c says when sealed templates need it. */
	k = bio_key_load(&key, &ignore) == CD_OK ? &key : NULL;
	rc = review_merge(c->store, &c->actor, k, c->argv[1], keep_arrived, reason, survivor, duplicate, &c->err);
	if (k)
		bio_key_wipe(&key);
	if (rc)
		return rc;
	out_safef(stdout, _("duplicate review %s: %s merged into %s\n"), c->argv[1], duplicate, survivor);
	return CD_OK;
}

int cmd_review(struct cli *c)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *c);
	} subs[] = { { "list", review_list_cmd },
		     { "show", review_show_cmd },
		     { "dismiss", review_dismiss_cmd },
		     { "merge", review_merge_cmd } };
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			c->argv++;
			c->argc--;
			return subs[i].run(c);
		}
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk review list [--all] | show ID | dismiss ID --reason "
						  "TEXT | merge ID --reason TEXT [--keep-arrived]"));
}
