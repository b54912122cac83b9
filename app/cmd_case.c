/* cmd_case.c - `case new|show|history|list|move|assign`: carrying cases through their workflow. */
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/number.h"
#include "model/store/cases.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "print/case_form.h"
#include "workflow/assign.h"
#include "workflow/deadline.h"
#include "app/cli.h"

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

static int case_new_cmd(struct cli *c)
{
	const char *person = cli_take(c, "--person"), *assign = cli_take(c, "--assign");
	char number[40];
	int rc;

	if ((rc = cli_positional(c, 1, 1, "case new WORKFLOW --person ID [--assign USER]")))
		return rc;
	if (!person)
		return cd_error_set(&c->err, CD_EUSAGE, _("--person is required: casedesk case new WORKFLOW --person ID"));
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)) ||
	    (rc = cw_case_new(c->store, c->reg, &c->actor, c->argv[1], person, assign, number, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", number);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf("%s\n", number);
	return CD_OK;
}

static int case_show_cmd(struct cli *c)
{
	struct cd_case *k = NULL;
	const struct workflow *wf;
	struct cw_option *opts = NULL;
	size_t n_opts = 0;
	struct cd_buf b = CD_BUF_INIT;
	char due[16], left[64];
	long today;
	int rc;

	const char *glass = cli_take(c, "--break-glass");
	if ((rc = cli_positional(c, 1, 1, "case show NUMBER [--break-glass PURPOSE]")) || (rc = cli_open_acting(c)) ||
	    (rc = cli_load_workflows(c)))
		return rc;
	c->actor.break_glass = glass;
	if ((rc = case_load(c->store, &c->actor, c->argv[1], c->purpose, &k, &c->err)))
		return rc;
	if ((rc = registry_for_case(c->reg, c->store, k->workflow_id, k->workflow_version, &wf, &c->err)) ||
	    (rc = cw_case_options(c->store, c->reg, &c->actor, k, &opts, &n_opts, &c->err)))
		goto out;
	today = store_today(c->store);
	cli_day(k->due_day, due, sizeof due);
	deadline_text(k->due_day, k->frozen_left, today, DL_LONG, left, sizeof left);
	const struct wf_state *state = wf_find_state(wf, k->state);
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", k->number);
		json_kv_string(&w, "uuid", k->uuid);
		json_kv_string(&w, "workflow", k->workflow_id);
		json_kv_int(&w, "workflow_version", k->workflow_version);
		json_kv_string(&w, "state", k->state);
		json_kv_string(&w, "state_title", state ? state->title : NULL);
		json_kv_string(&w, "person", k->person_number);
		json_kv_string(&w, "person_name", k->person_surname_latin);
		json_kv_int(&w, "row_version", k->row_version);
		json_kv_string(&w, "opened_at", k->opened_at);
		json_kv_bool(&w, "closed", k->closed_at != NULL);
		json_kv_string(&w, "assignee", k->assignee);
		json_kv_string(&w, "deadline", k->due_day >= 0 ? due : NULL);
		json_kv_bool(&w, "clock_stopped", k->frozen_left >= 0);
		if (k->frozen_left >= 0)
			json_kv_int(&w, "days_left", k->frozen_left);
		else if (k->due_day >= 0)
			json_kv_int(&w, "days_left", k->due_day - today);
		else
			json_kv_null(&w, "days_left");
		json_key(&w, "fields");
		json_object(&w);
		for (size_t i = 0; i < k->n_fields; i++)
			json_kv_string(&w, k->fields[i].name, k->fields[i].value);
		json_object_end(&w);
		json_key(&w, "transitions");
		json_array(&w);
		for (size_t i = 0; i < n_opts; i++) {
			json_object(&w);
			json_kv_string(&w, "id", opts[i].t->id);
			json_kv_string(&w, "to", wf->states[opts[i].t->to].id);
			json_kv_bool(&w, "allowed", opts[i].allowed);
			json_kv_string(&w, "reason", opts[i].allowed ? NULL : opts[i].reason);
			json_key(&w, "fields");
			json_array(&w);
			for (size_t f = 0; f < opts[i].t->n_fields; f++)
				json_string(&w, wf->fields[opts[i].t->fields[f]].id);
			json_array_end(&w);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		goto out;
	}
	/* Every text here comes from the store or its installed workflow: shown, never executed. */
	out_safef(stdout, "%s  %s (v%d)  %s", k->number, wf->title, k->workflow_version, k->closed_at ? _("closed") : _("open"));
	fputc('\n', stdout);
	out_safef(stdout, "  %s: %s", _("person"), k->person_number);
	fputs("  ", stdout);
	out_safe(stdout, k->person_surname_latin);
	fputs(", ", stdout);
	out_safe(stdout, k->person_given_latin);
	fputc('\n', stdout);
	out_safef(stdout, "  %s: %s (%s %s)", _("state"), wf_state_title(wf, k->state), _("since"), k->state_since);
	fputc('\n', stdout);
	printf("  %s: %s (%s)\n", _("deadline"), due, left);
	out_safef(stdout, "  %s: %s   %s: %lld", _("assignee"), k->assignee ? k->assignee : _("unassigned"), _("version"),
		  (long long)k->row_version);
	fputc('\n', stdout);
	if (k->n_fields)
		printf("%s:\n", _("fields"));
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct wf_field *f = wf_find_field(wf, k->fields[i].name);
		out_safef(stdout, "  %-28s ", f && f->label ? f->label : k->fields[i].name);
		out_safe(stdout, wf_value_text(wf, k->fields[i].name, k->fields[i].value));
		fputc('\n', stdout);
	}
	if (!k->closed_at) {
		printf("%s %s:\n", _("steps open to"), c->actor.name);
		for (size_t i = 0; i < n_opts; i++) {
			const struct wf_transition *t = opts[i].t;
			/* The id is what `case move` takes; the titles are what the step is. */
			out_safef(stdout, "  %s %-24s %s -> %s", opts[i].allowed ? "+" : "-", t->id,
				  t->title ? t->title : t->id, wf_state_title(wf, wf->states[t->to].id));
			if (!opts[i].allowed) {
				out_safef(stdout, " %s: %s", _("blocked"), opts[i].reason);
			} else if (t->n_fields) {
				printf(" %s:", _("needs"));
				for (size_t f = 0; f < t->n_fields; f++)
					out_safef(stdout, " --set %s=...", wf->fields[t->fields[f]].id);
			}
			fputc('\n', stdout);
		}
		if (!n_opts)
			printf("  %s\n", _("none"));
	}
out:
	buf_release(&b);
	free(opts);
	case_free(k);
	return rc;
}

static int case_history_cmd(struct cli *c)
{
	struct cd_history_row *rows;
	size_t n;
	int rc;

	const char *glass = cli_take(c, "--break-glass");
	if ((rc = cli_positional(c, 1, 1, "case history NUMBER [--break-glass PURPOSE]")) || (rc = cli_open_acting(c)))
		return rc;
	c->actor.break_glass = glass;
	if ((rc = case_history(c->store, &c->actor, c->argv[1], c->purpose, &rows, &n, &c->err)))
		return rc;
	struct cd_buf b = CD_BUF_INIT;
	/*
	 * Titles for the human lines: the case's own workflow version (the case read again
	 * silently).  A read that fails fails the command: never ids in place of titles.
	 */
	const struct workflow *wf = NULL;
	if (!c->json) {
		struct cd_case *k = NULL;
		if ((rc = cli_load_workflows(c)) || (rc = case_load(c->store, &c->actor, c->argv[1], NULL, &k, &c->err)) ||
		    (rc = registry_for_case(c->reg, c->store, k->workflow_id, k->workflow_version, &wf, &c->err))) {
			case_free(k);
			case_history_free(rows, n);
			return rc;
		}
		case_free(k);
	}
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			const struct cd_history_row *h = &rows[i];
			json_object(&w);
			json_kv_string(&w, "at", h->at);
			json_kv_string(&w, "user", h->user);
			json_kv_string(&w, "kind", h->kind);
			json_kv_string(&w, "transition", h->transition);
			json_kv_string(&w, "from", h->from_state);
			json_kv_string(&w, "to", h->to_state);
			json_kv_string(&w, "field", h->field);
			json_kv_string(&w, "old", h->old_value);
			json_kv_string(&w, "new", h->new_value);
			json_kv_string(&w, "note", h->note);
			json_kv_int(&w, "row_version", h->row_version);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct cd_history_row *h = &rows[i];
			out_safef(stdout, "%.19s  %-11s v%-3lld ", h->at, h->user, (long long)h->row_version);
			if (strcmp(h->kind, "transition") == 0)
				out_safef(stdout, "%s: %s -> %s", wf_step_title(wf, h->transition),
					  h->from_state ? wf_state_title(wf, h->from_state) : "",
					  h->to_state ? wf_state_title(wf, h->to_state) : "");
			else if (strcmp(h->kind, "created") == 0)
				out_safef(stdout, "%s %s", _("opened in"), h->to_state ? wf_state_title(wf, h->to_state) : "");
			else if (strcmp(h->kind, "assigned") == 0) {
				char said[256];
				cw_assign_event_text(h->user, h->old_value, h->new_value, said, sizeof said);
				out_safe(stdout, said);
			} else if (strcmp(h->kind, "field") == 0) {
				out_safef(stdout, "  %s: ", h->field ? wf_field_label(wf, h->field) : "");
				out_safe(stdout, h->old_value ? wf_value_text(wf, h->field, h->old_value) : "");
				fputs(" -> ", stdout);
				out_safe(stdout, h->new_value ? wf_value_text(wf, h->field, h->new_value) : "");
			} else if (!strcmp(h->kind, "check") || !strcmp(h->kind, "check_cleared")) {
				/* check sis: hit — the note (the clearing's reason) */
				out_safef(stdout, "%s %s: %s", _("check"), h->field ? h->field : "",
					  h->new_value ? h->new_value : "");
				if (h->note) {
					fputs(" — ", stdout);
					out_safe(stdout, h->note);
				}
				fputc('\n', stdout);
				continue;
			} else
				out_safe(stdout, h->kind);
			if (h->note) {
				fputs("  ", stdout);
				out_safe(stdout, h->note);
			}
			fputc('\n', stdout);
		}
	}
	buf_release(&b);
	case_history_free(rows, n);
	return rc;
}

static int case_list_cmd(struct cli *c)
{
	struct cd_case_filter f = { 0 };
	struct cd_case_row *rows;
	const char *limit_s;
	size_t n;
	int rc, mine;

	f.workflow = cli_take(c, "--workflow");
	f.state = cli_take(c, "--state");
	f.overdue_only = cli_flag(c, "--overdue");
	f.include_closed = cli_flag(c, "--all");
	mine = cli_flag(c, "--mine");
	f.unassigned_only = cli_flag(c, "--unassigned");
	limit_s = cli_take(c, "--limit");
	if (limit_s) {
		long limit;
		if (cd_parse_long(limit_s, "--limit", 1, INT_MAX, &limit, NULL))
			return cd_error_set(&c->err, CD_EUSAGE, _("--limit: give a positive number"));
		f.limit = (int)limit;
	}
	if ((rc = cli_positional(c, 0, 0, "case list [--mine|--unassigned] [--state S] [--overdue] [--workflow W] [--all] [--limit N]")) ||
	    (rc = cli_open_acting(c)))
		return rc;
	if (mine && f.unassigned_only)
		return cd_error_set(&c->err, CD_EUSAGE, _("--mine and --unassigned exclude each other"));
	if (mine)
		f.assignee_id = c->actor.user_id;
	f.today = store_today(c->store);
	if ((rc = case_list_read(c->store, &c->actor, &f, c->purpose, &rows, &n, &c->err)))
		return rc;
	/* State titles (the current workflow's): a failed read fails the command. */
	int have_wfs = !c->json;
	if (have_wfs && (rc = cli_load_workflows(c))) {
		case_list_free(rows, n);
		return rc;
	}
	struct cd_buf b = CD_BUF_INIT;
	if (c->json) {
		struct json_writer w;
		json_init(&w, &b);
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			const struct cd_case_row *r = &rows[i];
			char due[16];
			cli_day(r->due_day, due, sizeof due);
			json_object(&w);
			json_kv_string(&w, "number", r->number);
			json_kv_string(&w, "workflow", r->workflow_id);
			json_kv_string(&w, "state", r->state);
			json_kv_string(&w, "assignee", r->assignee);
			json_kv_string(&w, "person", r->person_name);
			json_kv_string(&w, "deadline", r->due_day >= 0 ? due : NULL);
			json_kv_bool(&w, "clock_stopped", r->frozen_left >= 0);
			json_kv_bool(&w, "overdue", r->frozen_left < 0 && r->due_day >= 0 && r->due_day < f.today);
			json_kv_bool(&w, "closed", r->closed);
			json_object_end(&w);
		}
		json_array_end(&w);
		rc = cli_json_print(c, &w);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct cd_case_row *r = &rows[i];
			char due[16], left[64];
			cli_day(r->due_day, due, sizeof due);
			deadline_text(r->due_day, r->frozen_left, f.today, DL_LONG, left, sizeof left);
			const struct workflow *rwf = have_wfs ? registry_current(c->reg, r->workflow_id) : NULL;
			out_safef(stdout, "%-22s %-10s %-24s %-10s %-28s %-11s ", r->number, r->workflow_id,
				  wf_state_title(rwf, r->state), due, left, r->assignee ? r->assignee : "-");
			out_safe(stdout, r->person_name);
			fputc('\n', stdout);
		}
	}
	buf_release(&b);
	case_list_free(rows, n);
	return rc;
}

/*
 * A step that names a form produces it: CASE-FORM.pdf in the print folder (see
 * print/case_form.h).  The step is saved whatever happens here; a form that cannot be
 * printed is said on stderr with the command that prints it later.
 */
static void print_step_form(struct cli *c, const struct cd_case *k, const char *transition, char *out, size_t size)
{
	const struct workflow *wf;
	const struct wf_transition *t;
	struct cd_error err = CD_ERROR_INIT;

	out[0] = '\0';
	if (registry_for_case(c->reg, c->store, k->workflow_id, k->workflow_version, &wf, &err) != CD_OK ||
	    !(t = wf_find_transition(wf, transition)) || !t->form)
		return;
	const char *numbers[1] = { k->number };
	if (case_form_step_path(store_path(c->store), k->number, t->form, out, size, &err) != CD_OK ||
	    case_form_print(c->store, c->reg, &c->actor, t->form, NULL, numbers, 1, 0, out, OUTFILE_OFFICE, &err) != CD_OK) {
		fprintf(stderr, _("casedesk: the step is saved, but form %s was not printed: "), t->form);
		out_safe(stderr, err.msg);
		fprintf(stderr, _("; print it with `casedesk form %s %s -o FILE.pdf`\n"), k->number, t->form);
		out[0] = '\0';
	}
}

static int case_move_cmd(struct cli *c)
{
	static const char usage[] = "case move NUMBER TRANSITION [--set FIELD=VALUE]... [--note TEXT] [--expect-version N] [--no-print]";
	struct wf_value *values = NULL;
	size_t n_values = 0;
	const char *set, *note, *expect;
	int64_t version = 0;
	int rc;

	note = cli_take(c, "--note");
	expect = cli_take(c, "--expect-version");
	int no_print = cli_flag(c, "--no-print");
	while ((set = cli_take(c, "--set"))) {
		const char *eq = strchr(set, '=');
		if (!eq || eq == set) {
			free(values);
			return cd_error_set(&c->err, CD_EUSAGE, _("--set takes FIELD=VALUE"));
		}
		struct wf_value *g = realloc(values, (n_values + 1) * sizeof *g);
		if (!g) {
			free(values);
			return cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
		}
		values = g;
		/* The word is the caller's and lives as long as argv: cut it in place. */
		((char *)set)[eq - set] = '\0';
		values[n_values].field = set;
		values[n_values].value = eq + 1;
		n_values++;
	}
	if ((rc = cli_positional(c, 2, 2, usage)))
		goto out;
	struct cw_move mv = {
		.number = c->argv[1],
		.transition = c->argv[2],
		.values = values,
		.n_values = n_values,
		.note = note,
		.expected_version = expect ? atoll(expect) : 0,
		.today = -1,
	};
	if (expect && mv.expected_version <= 0) {
		rc = cd_error_set(&c->err, CD_EUSAGE, _("--expect-version: give the row version you saw (1, 2, ...)"));
		goto out;
	}
	if ((rc = cli_open_acting(c)) || (rc = cli_load_workflows(c)) ||
	    (rc = cw_case_move(c->store, c->reg, &c->actor, &mv, &version, &c->err)))
		goto out;
	{
		struct cd_case *k = NULL;
		if (case_load(c->store, &c->actor, mv.number, NULL, &k, NULL) == CD_OK) {
			char printed[4096] = "";
			if (!no_print)
				print_step_form(c, k, mv.transition, printed, sizeof printed);
			if (c->json) {
				struct cd_buf pb = CD_BUF_INIT;
				struct json_writer w;
				json_init(&w, &pb);
				json_object(&w);
				json_kv_string(&w, "number", k->number);
				json_kv_string(&w, "state", k->state);
				json_kv_int(&w, "row_version", version);
				json_kv_string(&w, "printed", printed[0] ? printed : NULL);
				json_object_end(&w);
				rc = cli_json_print(c, &w);
				buf_release(&pb);
			} else {
				const struct workflow *kwf = NULL;
				if (registry_for_case(c->reg, c->store, k->workflow_id, k->workflow_version, &kwf, NULL) != CD_OK)
					kwf = NULL;
				out_safef(stdout, _("%s is now %s (version %lld)\n"), k->number, wf_state_title(kwf, k->state),
					  (long long)version);
				if (printed[0])
					printf(_("printed %s\n"), printed);
			}
			case_free(k);
		}
	}
out:
	free(values);
	return rc;
}

/*
 * `case assign NUMBER USER|--me|--none`: take a case, hand it over (supervisors) or release
 * it; the rule is workflow/assign.h's.  Exit 4 when the rule refuses, 5 when the case
 * changed since --expect-version.
 */
static int case_assign_cmd(struct cli *c)
{
	static const char usage[] = "case assign NUMBER USER|--me|--none [--expect-version N]";
	const char *expect = cli_take(c, "--expect-version");
	int me = cli_flag(c, "--me"), none = cli_flag(c, "--none");
	enum cw_assign_want want = me ? CW_WANT_ME : none ? CW_WANT_NONE : CW_WANT_USER;
	enum cw_assign_kind kind;
	struct cd_case_assigned done;
	long long expected = 0;
	char said[512];
	int rc;

	if ((rc = cli_positional(c, 1, want == CW_WANT_USER ? 2 : 1, usage)))
		return rc;
	if ((me && none) || (want == CW_WANT_USER && c->argc != 3))
		return cd_error_set(&c->err, CD_EUSAGE, _("say who holds the case: a user name, --me or --none; usage: "
							  "casedesk %s"), usage);
	if (expect) {
		long v;
		if (cd_parse_long(expect, "--expect-version", 1, LONG_MAX, &v, NULL))
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("--expect-version: give the row version you saw (1, 2, ...)"));
		expected = v;
	}
	if ((rc = cli_open_acting(c)) ||
	    (rc = cw_case_assign(c->store, &c->actor, c->argv[1], want, want == CW_WANT_USER ? c->argv[2] : NULL,
				 expected, &kind, &done, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "number", done.number);
		json_kv_string(&w, "assignee", done.after[0] ? done.after : NULL);
		json_kv_string(&w, "previous", done.before[0] ? done.before : NULL);
		json_kv_bool(&w, "changed", done.changed);
		json_kv_int(&w, "row_version", done.row_version);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	cw_assign_said(kind, &done, said, sizeof said);
	out_safef(stdout, "%s\n", said);
	return CD_OK;
}

int cmd_case(struct cli *c)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *);
	} subs[] = {
		{ "new", case_new_cmd }, { "show", case_show_cmd }, { "history", case_history_cmd },
		{ "list", case_list_cmd }, { "move", case_move_cmd }, { "assign", case_assign_cmd },
	};
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			shift(c);
			return subs[i].run(c);
		}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk case new WORKFLOW --person ID | show NUMBER [--break-glass PURPOSE] | "
			      "history NUMBER [--break-glass PURPOSE] | "
			      "list [...] | move NUMBER TRANSITION [--set F=V]... | assign NUMBER USER|--me|--none"));
}
