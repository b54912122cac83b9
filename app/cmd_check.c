/*
 * cmd_check.c - `check record|clear|list`: a case's checks against other registers,
 * answered by hand (until a service answers, and after it for lists no service answers).
 * The rules (which lists, who records, who clears a hit) are the model's and the
 * workflow's (model/store/checks.h, workflow/casework.h); this file reads the words and
 * prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/cases.h"
#include "model/store/checks.h"
#include "app/cli.h"
#include "app/cmd_checkrun.h"

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

static int check_record_cmd(struct cli *c)
{
	static const char usage[] = "check record NUMBER --list L --result clear|hit [--note TEXT]";
	const char *list = cli_take(c, "--list"), *result = cli_take(c, "--result"), *note = cli_take(c, "--note");
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!list || !result)
		return cd_error_set(&c->err, CD_EUSAGE, _("--list and --result are required: casedesk %s"), usage);
	if (strcmp(result, "clear") != 0 && strcmp(result, "hit") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("--result is clear or hit, not '%s'"), result);
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)) ||
	    (rc = cw_check_record(c->store, c->reg, &c->actor, c->argv[1], list, result, note, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", c->argv[1]);
		json_kv_string(&w, "list", list);
		json_kv_string(&w, "result", result);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	out_safef(stdout, _("%s: %s recorded as %s\n"), c->argv[1], list, result);
	return CD_OK;
}

static int check_clear_cmd(struct cli *c)
{
	static const char usage[] = "check clear NUMBER --list L --reason TEXT";
	const char *list = cli_take(c, "--list"), *reason = cli_take(c, "--reason");
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!list || !reason)
		return cd_error_set(&c->err, CD_EUSAGE, _("--list and --reason are required: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)) ||
	    (rc = cw_check_clear(c->store, c->reg, &c->actor, c->argv[1], list, reason, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", c->argv[1]);
		json_kv_string(&w, "list", list);
		json_kv_string(&w, "result", "cleared");
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	out_safef(stdout, _("%s: the hit on %s is cleared\n"), c->argv[1], list);
	return CD_OK;
}

/* What a list's answer is called in the listing. */
static const char *answer_word(const struct cw_check *k)
{
	switch (k->answer) {
	case WF_CHECK_CLEAR: return "clear";
	case WF_CHECK_HIT: return "hit";
	case WF_CHECK_CLEARED: return "cleared";
	case WF_CHECK_MISSING: break;
	}
	return k->row ? k->row->result : "missing";
}

/* A stored time (2026-03-02T10:15:00.000Z) to the minute, as the column holds it. */
static void minute(const char *at, char *buf, size_t size)
{
	snprintf(buf, size, "%.16s", at && at[0] ? at : "-");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

static int check_list_cmd(struct cli *c)
{
	static const char usage[] = "check list NUMBER";
	struct cd_case *k = NULL;
	struct cw_checks ks = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	/* The case read is audited as the checks' read ("case_checks"), not twice. */
	if ((rc = case_load(c->store, &c->actor, c->argv[1], NULL, &k, &c->err)) ||
	    (rc = cw_case_checks(c->store, c->reg, &c->actor, k, c->purpose, &ks, &c->err)))
		goto out;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", k->number);
		json_kv_bool(&w, "clear", ks.outstanding == 0);
		json_key(&w, "checks");
		json_array(&w);
		for (size_t i = 0; i < ks.n; i++) {
			const struct cw_check *x = &ks.v[i];
			json_object(&w);
			json_kv_string(&w, "list", x->list);
			json_kv_bool(&w, "required", x->required);
			json_kv_string(&w, "result", answer_word(x));
			json_kv_string(&w, "by", x->row ? x->row->recorded_by : NULL);
			json_kv_string(&w, "at", x->row ? x->row->answered_at : NULL);
			json_kv_string(&w, "source", x->row ? x->row->source : NULL);
			json_kv_string(&w, "note", x->row ? x->row->note : NULL);
			json_kv_string(&w, "cleared_by", x->row ? x->row->cleared_by : NULL);
			json_kv_string(&w, "cleared_at", x->row ? x->row->cleared_at : NULL);
			json_kv_string(&w, "clear_reason", x->row ? x->row->clear_reason : NULL);
			if (x->row && x->row->kind) {   /* a network check: its queue */
				json_kv_string(&w, "asked_at", x->row->asked_at);
				json_kv_int(&w, "attempts", x->row->attempts);
				json_kv_string(&w, "reason", x->row->reason);
			}
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		goto out;
	}
	/* Every text here comes from the store: shown, never executed. */
	/* Headers padded as the rows are, by columns (a translation's letters are not bytes). */
	out_safe_pad(stdout, _("list"), 20);
	fputc(' ', stdout);
	out_safe_pad(stdout, _("result"), 8);
	fputc(' ', stdout);
	out_safe_pad(stdout, _("by"), 12);
	fputc(' ', stdout);
	out_safe_pad(stdout, _("when"), 16);
	fputc(' ', stdout);
	fputs(_("cleared"), stdout);
	fputc('\n', stdout);
	for (size_t i = 0; i < ks.n; i++) {
		const struct cw_check *x = &ks.v[i];
		const struct cd_check *r = x->row;
		char when[20];
		out_safe_pad(stdout, x->list, 20);
		fputc(' ', stdout);
		out_safe_pad(stdout, answer_word(x), 8);
		fputc(' ', stdout);
		out_safe_pad(stdout, r && r->recorded_by ? r->recorded_by : "-", 12);
		fputc(' ', stdout);
		minute(r ? r->answered_at : NULL, when, sizeof when);
		out_safe_pad(stdout, when, 16);
		fputc(' ', stdout);
		if (r && r->cleared_by)
		{
			minute(r->cleared_at, when, sizeof when);
			out_safef(stdout, _("by %s at %s: %s"), r->cleared_by, when, r->clear_reason);
		}
		else
			fputs("-", stdout);
		if (!x->required)
			printf("  (%s)", _("not a list this workflow names"));
		fputc('\n', stdout);
		if (r && r->kind && (!strcmp(r->result, "pending") || !strcmp(r->result, "error"))) {
			/* "pending since 2026-12-05 10:14, 3 tries: gateway unreachable" */
			minute(r->asked_at, when, sizeof when);
			fputs("    ", stdout);
			if (!strcmp(r->result, "error"))
				out_safef(stdout, _("failed after %d tries: %s (a supervisor: casedesk check requeue %s --list %s)"),
					  r->attempts, r->reason ? r->reason : "", k->number, x->list);
			else
				out_safef(stdout, ngettext("pending since %s, %d try: %s", "pending since %s, %d tries: %s",
							   (unsigned long)r->attempts),
					  when, r->attempts, r->reason ? _(r->reason) : _("not asked yet"));
			fputc('\n', stdout);
		}
		if (r && r->note && r->note[0]) {
			fputs("    ", stdout);
			out_safef(stdout, _("note: %s"), r->note);
			fputc('\n', stdout);
		}
	}
	if (ks.outstanding)
		printf(ngettext("%zu list holds the case (missing, waiting for the gateway, or a hit)\n",
				"%zu lists hold the case (missing, waiting for the gateway, or a hit)\n", (unsigned long)ks.outstanding),
		       ks.outstanding);
	else
		printf("%s\n", _("every list the workflow names is clear"));
out:
	buf_release(&b);
	cw_checks_release(&ks);
	case_free(k);
	return rc;
}

int cmd_check(struct cli *c)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *);
	} subs[] = {
		{ "record", check_record_cmd }, { "clear", check_clear_cmd }, { "list", check_list_cmd },
		{ "run", check_run_cmd }, { "hits", check_hits_cmd }, { "requeue", check_requeue_cmd },
	};
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			shift(c);
			return subs[i].run(c);
		}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk check record NUMBER --list L --result clear|hit [--note TEXT] | "
			      "check clear NUMBER --list L --reason TEXT | check list NUMBER | "
			      "check run [--watch] [--all] [--limit N] [--parallel N] | check hits | check requeue NUMBER --list L"));
}
