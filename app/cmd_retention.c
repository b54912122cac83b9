/*
 * cmd_retention.c - `retention plan [--until D] [--json]` and `retention run [--json]`:
 * what the workflows' [retention] sections make due, and the purge (model/store/retention.c).
 *
 * The rules are the current version of each workflow (retention is the law of today, not
 * of the version a case started on), shortened where the office's casedesk.ini says so
 * ([retention] asylum = 8y); a setting that would keep cases longer than the workflow
 * allows is refused naming its file and line, since a workflow's period is a legal
 * ceiling an office may only go under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/retention.h"
#include "model/store/roles.h"
#include "app/cli.h"
#include "app/config.h"

#define RETENTION_USAGE "retention plan [--until YYYY-MM-DD] [--json] | retention run [--json]"

/* The case fields a purge keeps: categories (choice, yes/no) and what the permit statistics read. */
static const char *const stats_fields[] = { "permit_reason", "valid_from", "valid_until" };

struct rules {
	struct ret_rule *v;
	const struct workflow **wf;
	const char ***keep;
	size_t n;
	struct cli *c;
};

static void rules_release(struct rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->keep[i]);
	free(r->keep);
	free(r->v);
	free(r->wf);
}

static const char *from_name(enum ret_from f)
{
	return f == RET_FROM_OPENED ? "opened" : "decision";
}

static const char *action_name(enum ret_action a)
{
	return a == RET_PURGE ? "purge" : a == RET_ANONYMISE ? "anonymise" : "review";
}

static const char *scope_name(enum ret_scope s)
{
	static const char *const names[] = { "person", "case", "wait", "review" };
	return names[s];
}

static void set_period(struct ret_rule *r, struct wf_duration d)
{
	r->months = d.unit == WF_MONTHS ? d.amount : 0;
	r->days = d.unit == WF_WEEKS ? 7 * d.amount : d.unit == WF_DAYS ? d.amount : 0;
}

/* Whether `a` ends later than `b` from any first of the month over four years (leap years, month lengths). */
static int longer(struct wf_duration a, struct wf_duration b)
{
	long base = cd_date_to_days(2024, 1, 1);
	for (int m = 0; m < 48; m++) {
		long from = cd_days_add_months(base, m);
		if (wf_duration_add(from, a) > wf_duration_add(from, b))
			return 1;
	}
	return 0;
}

static int office_period(void *ctx, const char *workflow_id, const char *period, const char *where)
{
	struct rules *r = ctx;
	struct cd_error why = CD_ERROR_INIT;
	struct wf_duration d;
	char own[32];

	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].workflow_id, workflow_id) != 0)
			continue;
		const struct workflow *wf = r->wf[i];
		if (wf_retention_period_parse(period, &d, &why) != CD_OK)
			return cd_error_set(&r->c->err, CD_EINPUT, "%s: [retention] %s: %s", where, workflow_id, why.msg);
		wf_duration_format(wf->retention.period, own, sizeof own);
		if (longer(d, wf->retention.period))
			return cd_error_set(&r->c->err, CD_EINPUT,
					    _("%s: [retention] %s = %s is longer than the workflow's period %s (%s:%d); "
					      "an office may only shorten it"),
					    where, workflow_id, period, own, wf->path, wf->retention.line);
		set_period(&r->v[i], d);
		return CD_OK;
	}
	return cd_error_set(&r->c->err, CD_EINPUT,
			    _("%s: [retention] %s: no workflow of that id has a [retention] section to shorten "
			      "(`casedesk workflow list` shows the workflows)"),
			    where, workflow_id);
}

/* One rule for the current version of each workflow that has [retention]. */
static int rules_build(struct cli *c, struct rules *r)
{
	size_t n = registry_count(c->reg);
	int rc = CD_OK;

	memset(r, 0, sizeof *r);
	r->c = c;
	r->v = calloc(n ? n : 1, sizeof *r->v);
	r->wf = calloc(n ? n : 1, sizeof *r->wf);
	r->keep = calloc(n ? n : 1, sizeof *r->keep);
	if (!r->v || !r->wf || !r->keep)
		return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		const struct workflow *wf = registry_current(c->reg, registry_at(c->reg, i)->id);
		size_t k;
		for (k = 0; k < r->n && r->wf[k] != wf; k++)
			;
		if (!wf || k < r->n || wf->retention.from == WF_RET_NONE)
			continue;
		const char **keep = calloc(wf->n_fields + sizeof stats_fields / sizeof stats_fields[0] + 1, sizeof *keep);
		if (!keep)
			return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
		size_t nk = 0;
		for (size_t f = 0; f < wf->n_fields; f++)
			if (wf->fields[f].type == WF_CHOICE || wf->fields[f].type == WF_YESNO)
				keep[nk++] = wf->fields[f].id;
		for (size_t f = 0; f < sizeof stats_fields / sizeof stats_fields[0]; f++)
			keep[nk++] = stats_fields[f];
		struct ret_rule *rule = &r->v[r->n];
		rule->workflow_id = wf->id;
		rule->from = wf->retention.from == WF_RET_OPENED ? RET_FROM_OPENED : RET_FROM_DECISION;
		set_period(rule, wf->retention.period);
		rule->action = wf->retention.action == WF_RET_PURGE ? RET_PURGE
			       : wf->retention.action == WF_RET_ANONYMISE ? RET_ANONYMISE : RET_REVIEW;
		rule->keep = keep;
		r->keep[r->n] = keep;
		r->wf[r->n++] = wf;
	}
	rc = config_retention_each(office_period, r, &c->err);
	return rc;
}

static int plan_cmd(struct cli *c)
{
	const char *until_text = cli_take(c, "--until");
	struct ret_item *items = NULL;
	struct rules r = { 0 };
	struct cd_buf b = CD_BUF_INIT;
	size_t n = 0, due = 0;
	long until = -1;
	char day[16], today_text[16];
	int rc;

	if ((rc = cli_positional(c, 0, 0, RETENTION_USAGE)))
		return rc;
	if (until_text && (rc = cd_days_parse(until_text, "--until", &until, &c->err)))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	if (!(c->actor.roles & (CD_ROLE_ADMIN | CD_ROLE_SUPERVISOR)))
		return cd_error_set(&c->err, CD_EREFUSED, _("the retention plan is for supervisors and admins"));
	if ((rc = rules_build(c, &r)))
		goto out;
	long today = store_today(c->store);
	if ((rc = retention_plan(c->store, &c->actor, r.v, r.n, today, until, &items, &n, &c->err)))
		goto out;
	cli_day(today, today_text, sizeof today_text);
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "today", today_text);
		json_key(&w, "items");
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			const struct ret_rule *rule = NULL;
			for (size_t k = 0; k < r.n; k++)
				if (strcmp(r.v[k].workflow_id, items[i].workflow_id) == 0)
					rule = &r.v[k];
			json_object(&w);
			json_kv_string(&w, "person", items[i].person_number);
			json_kv_string(&w, "case", items[i].case_number);
			json_kv_string(&w, "workflow", items[i].workflow_id);
			json_kv_string(&w, "from", rule ? from_name(rule->from) : "");
			json_kv_string(&w, "started", items[i].started);
			cli_day(items[i].due_day, day, sizeof day);
			json_kv_string(&w, "due_on", day);
			json_kv_bool(&w, "due", items[i].due);
			json_kv_string(&w, "action", action_name(items[i].action));
			json_kv_string(&w, "scope", scope_name(items[i].scope));
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cli_day(items[i].due_day, day, sizeof day);
		due += items[i].due;
		buf_printf(&b, "%-10s %-3s %-9s %-6s %-22s %-16s %-10s %s\n", day, items[i].due ? _("due") : "",
			   action_name(items[i].action), scope_name(items[i].scope), items[i].case_number,
			   items[i].person_number, items[i].workflow_id, items[i].started);
	}
	fputs(buf_str(&b), stdout);
	printf(ngettext("%zu case under retention, %zu due on %s\n", "%zu cases under retention, %zu due on %s\n",
			(unsigned long)n),
	       n, due, today_text);
out:
	free(items);
	buf_release(&b);
	rules_release(&r);
	return rc;
}

static int run_cmd(struct cli *c)
{
	struct rules r = { 0 };
	struct ret_result res;
	int rc;

	if ((rc = cli_positional(c, 0, 0, RETENTION_USAGE)))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)))
		return rc;
	if ((rc = rules_build(c, &r)))
		goto out;
	if ((rc = retention_run(c->store, &c->actor, r.v, r.n, &res, &c->err)))
		goto out;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_int(&w, "cases_purged", res.cases);
		json_kv_int(&w, "people_purged", res.people);
		json_kv_int(&w, "people_anonymised", res.anonymised);
		json_kv_int(&w, "biometrics_deleted", res.biometrics);
		json_kv_bool(&w, "log_checkpointed", res.checkpointed);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		goto out;
	}
	/* One count a line, each with its label: no plural forms to get wrong. */
	printf(_("cases purged: %ld\npeople purged: %ld\nbiometric records deleted: %ld\npeople anonymised: %ld\n"),
	       res.cases, res.people, res.biometrics, res.anonymised);
	if ((res.cases || res.people || res.anonymised) && !res.checkpointed)
		printf("%s", _("the write-ahead log is still in use by another desk; what was purged leaves it at the next checkpoint\n"));
out:
	rules_release(&r);
	return rc;
}

int cmd_retention(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	c->argv++;
	c->argc--;
	if (strcmp(sub, "plan") == 0)
		return plan_cmd(c);
	if (strcmp(sub, "run") == 0)
		return run_cmd(c);
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), RETENTION_USAGE);
}
