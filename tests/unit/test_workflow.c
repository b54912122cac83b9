/*
 * test_workflow.c - unit tests for workflow/: the shipped workflows lint clean and
 * draw, every lint problem kind is reported at its FILE:LINE, loading from text, field
 * validation per type, wf_check's refusals and their reasons, four-eyes pairings,
 * installing versions into a store (admin only, rules fixed per version), and deadlines
 * with the clock stopping, resuming and being extended.
 *
 * Data files are read relative to $CASEDESK_DATA (default "data"): run from the repo root.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/caldate.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "model/store/workflows.h"
#include "workflow/casework.h"
#include "workflow/workflow.h"

static const char *data_dir(void)
{
	const char *d = getenv("CASEDESK_DATA");
	return d && *d ? d : "data";
}

static long day(const char *text)
{
	long d = 0;
	assert_int_equal(cd_days_parse(text, "test", &d, NULL), CD_OK);
	return d;
}

/* ---- the shipped workflows ------------------------------------------------------- */

static const char *const shipped[] = { "residence", "work", "visa", "asylum" };

static void test_shipped_workflows_lint_clean(void **state)
{
	struct wf_known known = { 0 };
	struct cd_error err = CD_ERROR_INIT;
	char path[512];
	(void)state;

	snprintf(path, sizeof path, "%s/forms/index.ini", data_dir());
	assert_int_equal(wf_known_load(path, &known, &err), CD_OK);
	assert_true(known.n_forms >= 8);
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		char *report = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&report, &len);
		struct workflow *wf = NULL;

		snprintf(path, sizeof path, "%s/workflows/%s.ini", data_dir(), shipped[i]);
		int warnings = -1;
		int problems = wf_lint_file(path, &known, out, &warnings);
		fclose(out);
		if (problems || warnings)
			print_error("%s", report);
		assert_int_equal(problems, 0);
		assert_int_equal(warnings, 0);   /* no decision without a four-eyes pairing */
		free(report);

		assert_int_equal(wf_load_file(path, &known, &wf, &err), CD_OK);
		assert_string_equal(wf->id, shipped[i]);
		assert_true(wf->version >= 1);
		assert_non_null(wf->source);
		/* every workflow can be withdrawn, and every decision pairs with another user's step */
		assert_non_null(wf_find_transition(wf, "withdraw"));
		for (size_t t = 0; t < wf->n_transitions; t++) {
			const struct wf_transition *tr = &wf->transitions[t];
			const struct wf_state *to = &wf->states[tr->to];
			if (to->final && wf_outcome_decides(to->outcome))
				assert_true(tr->four_eyes != WF_NO_PAIR);
			/* every way to a final state that gives something waits for the checks
			 * and no hit standing; a refusal waits for the answers, a hit being one */
			int gives = to->final && strcmp(to->outcome, "refused") && strcmp(to->outcome, "rejected") &&
				    strcmp(to->outcome, "inadmissible") && strcmp(to->outcome, "withdrawn") &&
				    strcmp(to->outcome, "discontinued") && strcmp(to->outcome, "transferred_dublin");
			if (gives && !(tr->guards & WF_GUARD_CHECKS_CLEAR))
				print_error("%s: %s to %s without checks_clear\n", shipped[i], tr->id, to->id);
			assert_true(!gives || (tr->guards & WF_GUARD_CHECKS_CLEAR));
			if (!strcmp(tr->id, "refuse") || !strcmp(tr->id, "reject") ||
			    !strcmp(tr->id, "propose_decision")) {
				assert_true(tr->guards & WF_GUARD_CHECKS_ANSWERED);
				assert_false(tr->guards & WF_GUARD_CHECKS_CLEAR);
			}
		}

		char *dot = NULL;
		size_t dot_len = 0;
		out = open_memstream(&dot, &dot_len);
		wf_write_dot(wf, out);
		fclose(out);
		assert_true(strncmp(dot, "digraph ", 8) == 0);
		assert_non_null(strstr(dot, "peripheries=2"));
		assert_true(dot[dot_len - 2] == '}');
		free(dot);
		wf_free(wf);
	}
	wf_known_release(&known);
}

static void test_visa_extension_to_45_days(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char path[512];
	long due, frozen, lodged = day("2026-03-02");
	(void)state;

	snprintf(path, sizeof path, "%s/workflows/visa.ini", data_dir());
	assert_int_equal(wf_load_file(path, NULL, &wf, &err), CD_OK);
	wf_next_deadline(wf, NULL, lodged, -1, -1, &due, &frozen);
	assert_int_equal(due, lodged + 15);
	wf_next_deadline(wf, wf_find_transition(wf, "declare_admissible"), lodged + 1, due, frozen,
			 &due, &frozen);
	assert_int_equal(due, lodged + 15);
	wf_next_deadline(wf, wf_find_transition(wf, "extend_examination"), lodged + 10, due, frozen,
			 &due, &frozen);
	assert_int_equal(due, lodged + 45);
	wf_next_deadline(wf, wf_find_transition(wf, "propose_decision"), lodged + 20, due, frozen,
			 &due, &frozen);
	assert_int_equal(due, lodged + 45);
	wf_next_deadline(wf, wf_find_transition(wf, "refuse"), lodged + 21, due, frozen, &due, &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, -1);
	wf_free(wf);
}

static void test_asylum_registration_in_working_days(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char path[512];
	long due, frozen;
	(void)state;

	snprintf(path, sizeof path, "%s/workflows/asylum.ini", data_dir());
	assert_int_equal(wf_load_file(path, NULL, &wf, &err), CD_OK);
	/* made on Friday 2026-03-06: register by Wednesday 2026-03-11 */
	wf_next_deadline(wf, NULL, day("2026-03-06"), -1, -1, &due, &frozen);
	assert_int_equal(due, day("2026-03-11"));
	/* lodged on 2026-08-31: decide within 6 months, clamped to 2027-02-28 */
	wf_next_deadline(wf, wf_find_transition(wf, "lodge"), day("2026-08-31"), due, frozen, &due,
			 &frozen);
	assert_int_equal(due, day("2027-02-28"));
	/* extended by 9 months */
	wf_next_deadline(wf, wf_find_transition(wf, "extend_examination"), day("2026-12-01"), due,
			 frozen, &due, &frozen);
	assert_int_equal(due, day("2027-11-28"));
	wf_free(wf);
}

/* ---- lint: each broken snippet gives its FILE:LINE message ------------------------- */

/* Line numbers below refer to this text; line 39 is the first appended line. */
static const char base_ini[] =
	"[workflow]\n"                    /* 1 */
	"id = mini\n"                     /* 2 */
	"title = Mini\n"                  /* 3 */
	"prefix = MI\n"                   /* 4 */
	"version = 1\n"                   /* 5 */
	"initial = lodged\n"              /* 6 */
	"\n"                              /* 7 */
	"[state.lodged]\n"                /* 8 */
	"title = Lodged\n"                /* 9 */
	"deadline = 10d\n"                /* 10 */
	"[state.waiting]\n"               /* 11 */
	"title = Waiting\n"               /* 12 */
	"clock = stop\n"                  /* 13 */
	"[state.done]\n"                  /* 14 */
	"title = Done\n"                  /* 15 */
	"final = yes\n"                   /* 16 */
	"outcome = granted\n"             /* 17 */
	"[transition.ask]\n"              /* 18 */
	"title = Ask\n"                   /* 19 */
	"from = lodged\n"                 /* 20 */
	"to = waiting\n"                  /* 21 */
	"role = caseworker\n"             /* 22 */
	"fields = missing\n"              /* 23 */
	"form = request_documents\n"      /* 24 */
	"[transition.back]\n"             /* 25 */
	"title = Back\n"                  /* 26 */
	"from = waiting\n"                /* 27 */
	"to = lodged\n"                   /* 28 */
	"role = clerk\n"                  /* 29 */
	"[transition.finish]\n"           /* 30 */
	"title = Finish\n"                /* 31 */
	"from = lodged\n"                 /* 32 */
	"to = done\n"                     /* 33 */
	"role = supervisor\n"             /* 34 */
	"guards = four_eyes\n"            /* 35 */
	"[field.missing]\n"               /* 36 */
	"type = text\n"                   /* 37 */
	"label = Missing\n";              /* 38 */

struct lint_case {
	const char *find;      /* replaced by `replace`; NULL: `replace` is appended */
	const char *replace;
	int line;
	const char *expect;    /* part of the message */
};

static const struct lint_case lint_cases[] = {
	{ NULL, "[state.orphan]\ntitle = Orphan\n", 39, "state orphan cannot be reached from the initial state lodged" },
	{ NULL, "[state.orphan]\ntitle = Orphan\n", 39, "state orphan is not final but no transition leads out of it" },
	{ "deadline = 10d\n", "dealine = 10d\n", 10, "unknown key 'dealine' in [state.lodged]; did you mean 'deadline'?" },
	{ "deadline = 10d\n", "colour = red\n", 10, "unknown key 'colour' in [state.lodged] (known keys:" },
	{ "deadline = 10d\n", "deadline = 10x\n", 10, "not a duration" },
	{ "deadline = 10d\n", "deadline = 0d\n", 10, "a duration is from 1" },
	{ "prefix = MI\n", "prefix = mi1\n", 4, "prefix 'mi1' must be 1 to 4 capital letters" },
	{ "prefix = MI\n", "prefix = ABCDE\n", 4, "prefix 'ABCDE'" },
	{ "id = mini\n", "id = Mini-Workflow\n", 2, "workflow id 'Mini-Workflow' may use only" },
	{ "id = mini\n", "", 1, "[workflow] needs the key 'id'" },
	{ "title = Mini\n", "title =\n", 3, "key 'title' in [workflow] is empty" },
	{ "version = 1\n", "version = 0\n", 5, "version '0' must be a whole number" },
	{ "version = 1\n", "version = one\n", 5, "version 'one'" },
	{ "initial = lodged\n", "initial = nowhere\n", 6, "initial state 'nowhere' is not a [state.nowhere]" },
	{ "initial = lodged\n", "initial = done\n", 6, "the initial state done cannot be final" },
	/* checks = LISTS: the lists checks_clear needs, named in a file */
	{ "guards = four_eyes\n", "guards = checks_clear\n", 35,
	  "transition finish has the guard checks_clear, but [workflow] names no lists" },
	{ "guards = four_eyes\n", "guards = checks_answered\n", 35,
	  "transition finish has the guard checks_answered, but [workflow] names no lists" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, sis\n", 7, "check list sis is named twice in checks" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, SLTD-list\n", 7, "check list 'SLTD-list' may use only" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis,, sltd\n", 7, "empty item in checks" },
	{ "initial = lodged\n", "initial = lodged\nchecks =\n", 7, "key 'checks' in [workflow] is empty" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, sltd\n", 0, NULL },
	/* network.LIST = document|person: a list of checks asked of the check gateway (issue 16) */
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, sltd\nnetwork.sltd = document\nnetwork.sis = person\n", 0,
	  NULL },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, sltd\nnetwork.sltd = passport\n", 8,
	  "key 'network.sltd' in [workflow]: a list is asked about a document or a person, not 'passport'" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis, sltd\nnetwork.eurodac = person\n", 8,
	  "key 'network.eurodac' in [workflow]: list 'eurodac' is not named in checks" },
	{ "initial = lodged\n", "initial = lodged\nchecks = sis\nnetwork.sis = person\nnetwork.sis = document\n", 9,
	  "duplicate key 'network.sis' in [workflow]" },
	{ "to = waiting\n", "to = limbo\n", 21, "transition ask goes to unknown state 'limbo'" },
	{ "from = lodged\n", "from = lodged, nowhere\n", 20, "transition ask comes from unknown state 'nowhere'" },
	{ "guards = four_eyes\n", "guards = four_eyes, luck\n", 35, "unknown guard 'luck'" },
	{ "role = supervisor\n", "role = boss\n", 34, "unknown role 'boss'" },
	{ "role = supervisor\n", "", 30, "[transition.finish] needs the key 'role'" },
	{ "fields = missing\n", "fields = missing, absent\n", 23, "unknown field 'absent' in fields" },
	{ "fields = missing\n", "fields = missing\noptional = absent\n", 24, "unknown field 'absent' in optional" },
	{ "fields = missing\n", "fields = missing\noptional = missing\n", 24, "both required and optional" },
	{ "fields = missing\n", "fields = missing, missing\n", 23, "field missing is listed twice in fields" },
	{ "fields = missing\n", "optional = missing,missing\n", 23, "field missing is listed twice in optional" },
	{ "type = text\n", "type = choice\nchoices = a, b, a\n", 38, "choice 'a' of field missing is listed twice" },
	{ "form = request_documents\n", "form = no_such_form\n", 24, "unknown form 'no_such_form'" },
	{ "type = text\n", "type = txt\n", 37, "unknown field type 'txt'" },
	{ "type = text\n", "type = choice\n", 36, "field missing is a choice but has no choices" },
	{ "type = text\n", "type = text\nchoices = a, b\n", 38, "choices are only for fields of type choice" },
	{ "label = Missing\n", "label = Missing\nmin = 3\n", 39, "min is only for fields of type number" },
	{ "type = text\n", "type = number\nmin = 5\nmax = 2\n", 39, "max is below min" },
	{ "type = text\n", "type = number\nmin = five\n", 38, "min 'five' is not a number" },
	{ NULL, "[states.x]\ntitle = X\n", 39, "unknown section kind [states.x]" },
	/* a title that would retitle and clear a supervisor's terminal */
	{ "title = Mini\n", "title = Mini\x1b]2;pwned\x07\x1b[2J\n", 3,
	  "key 'title' in [workflow]: title: contains a control character at character 5" },
	{ "label = Missing\n", "label = Miss\xc2\x9bing\n", 38, "key 'label' in [field.missing]: label: contains a control character" },
	{ "guards = four_eyes\n", "four_eyes = propose\n", 35, "four_eyes names unknown transition 'propose'" },
	{ "guards = four_eyes\n", "four_eyes = finish\n", 35, "transition finish cannot pair with itself" },
	{ NULL, "[state.lodged]\ntitle = again\n", 39, "duplicate section [state.lodged] (first at line 8)" },
	{ NULL, "[state.lodged]\ntitle = again\n", 40, "duplicate key 'title' in [state.lodged] (first at line 9)" },
	{ "title = Mini\n", "title = Mini\nTitle = Maxi\n", 4, "duplicate key 'Title' in [workflow] (first at line 3)" },
	{ NULL, "[transition.reopen]\ntitle = Reopen\nfrom = done\nto = lodged\nrole = supervisor\n", 39, "final state done has a way out (transition reopen)" },
	{ "from = waiting\n", "from = lodged\n", 11, "state waiting is not final but no transition leads out of it" },
	{ NULL, "this is not ini\n[state.x2]\ntitle = X2\n", 39, "expected [section], key = value or a comment" },
	{ NULL, "this is not ini\n[state.x2]\ntitle = X2\n", 40, "state x2 cannot be reached" },
	{ NULL, "[state.Bad]\ntitle = Bad\n", 39, "id 'Bad' in [state.Bad] may use only a-z" },
	{ NULL, "key = value\\\n", 39, "backslash" },
	{ "[workflow]\n", "[flow]\n", 1, "no [workflow] section" },
	{ "[workflow]\n", "[flow]\n", 1, "unknown section kind [flow]" },
	{ "clock = stop\n", "clock = stop\ndeadline = 5d\n", 14, "stops the clock, so it cannot start a deadline" },
	{ "clock = stop\n", "clock = sometimes\n", 13, "clock is 'stop'" },
	{ "final = yes\n", "final = maybe\n", 16, "final is yes or no" },
	{ "outcome = granted\n", "", 14, "final state done needs an outcome" },
	{ "outcome = granted\n", "outcome = granted\ndeadline = 3d\n", 18, "final state done has no clock" },
	{ "title = Waiting\n", "title = Waiting\noutcome = granted\n", 13, "has an outcome but is not final" },
	{ "final = yes\n", "final = no\n", 1, "the workflow has no final state" },
	{ "to = lodged\n", "to = lodged\nextend = 2q\n", 29, "extend: '2q' is not a duration" },
	{ "from = waiting\n", "from = waiting, lodged\n", 27, "enters state lodged (which starts a deadline) from itself" },
	{ "from = waiting\n", "from = waiting, *\n", 27, "'*' (every non-final state) must stand alone" },
	{ "label = Missing\n", "label = Missing\nrequired = yes\n[field.other]\ntype = date\nlabel = Other\nrequired = yes\n", 40, "required field other is not taken by any transition" },
	{ "[state.waiting]\n", "[state.waiting] ; a comment is fine here\n", 0, NULL },
	{ "to = waiting\n", "to = waiting ; a comment\n", 0, NULL },
};

static char *make_text(const struct lint_case *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!c->find) {
		fputs(base_ini, out);
		fputs(c->replace, out);
	} else {
		const char *at = strstr(base_ini, c->find);
		assert_non_null(at);
		fwrite(base_ini, 1, (size_t)(at - base_ini), out);
		fputs(c->replace, out);
		fputs(at + strlen(c->find), out);
	}
	fclose(out);
	return text;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_lint_reports_each_problem_at_its_line(void **state)
{
	static const char *const forms[] = { "request_documents", "acknowledgement" };
	const struct wf_known known = { .forms = forms, .n_forms = 2 };
	char dir[] = "/tmp/casedesk-test-XXXXXX", path[128];
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/case.ini", dir);
	/* the base itself is clean */
	write_file(path, base_ini);
	assert_int_equal(wf_lint_file(path, &known, stderr, NULL), 0);

	for (size_t i = 0; i < sizeof lint_cases / sizeof lint_cases[0]; i++) {
		const struct lint_case *c = &lint_cases[i];
		char *text = make_text(c), *report = NULL, expect[512];
		size_t len = 0;
		FILE *out = open_memstream(&report, &len);
		struct workflow *wf = NULL;
		struct cd_error err = CD_ERROR_INIT;

		write_file(path, text);
		int problems = wf_lint_file(path, &known, out, NULL);
		fclose(out);
		if (!c->expect) {
			if (problems)
				print_error("case %zu:\n%s", i, report);
			assert_int_equal(problems, 0);
		} else {
			snprintf(expect, sizeof expect, "%s:%d: ", path, c->line);
			const char *hit = NULL;
			for (const char *p = report; (p = strstr(p, expect)); p++) {
				const char *eol = strchr(p, '\n');
				const char *m = strstr(p, c->expect);
				if (m && eol && m < eol) {
					hit = p;
					break;
				}
			}
			if (!hit)
				print_error("case %zu: wanted %s%s\ngot:\n%s", i, expect, c->expect, report);
			assert_non_null(hit);
			assert_true(problems >= 1);
			/* a load refuses the same file, naming a file:line */
			assert_int_equal(wf_load_file(path, &known, &wf, &err), CD_EINPUT);
			assert_null(wf);
			assert_non_null(strstr(err.msg, path));
		}
		free(report);
		free(text);
	}
	unlink(path);
	rmdir(dir);
}

static void test_lint_reports_every_problem(void **state)
{
	char dir[] = "/tmp/casedesk-test-XXXXXX", path[128];
	char *report = NULL;
	size_t len = 0;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/many.ini", dir);
	write_file(path,
		   "[workflow]\nid = many\ntitle = Many\nprefix = mm\nversion = x\ninitial = a\n"
		   "[state.a]\ntitle = A\ndealine = 3d\n"
		   "[state.b]\ntitle = B\nfinal = yes\noutcome = ok\n"
		   "[transition.go]\ntitle = Go\nfrom = a\nto = c\nrole = king\nguards = luck\n");
	FILE *out = open_memstream(&report, &len);
	int problems = wf_lint_file(path, NULL, out, NULL);
	fclose(out);
	/* prefix, version, dealine, unknown state c, king, luck, a has no way out, b unreachable */
	assert_true(problems >= 8);
	assert_non_null(strstr(report, ":4: "));
	assert_non_null(strstr(report, ":5: "));
	assert_non_null(strstr(report, ":9: "));
	assert_non_null(strstr(report, ":17: "));
	assert_non_null(strstr(report, ":18: "));
	assert_non_null(strstr(report, ":19: "));
	/* sorted by line */
	assert_true(strstr(report, ":4: ") < strstr(report, ":19: "));
	free(report);

	/* a file that is not there */
	report = NULL;
	out = open_memstream(&report, &len);
	assert_int_equal(wf_lint_file("/nonexistent/x.ini", NULL, out, NULL), 1);
	fclose(out);
	assert_non_null(strstr(report, "/nonexistent/x.ini"));
	free(report);
	unlink(path);
	rmdir(dir);
}

/* ---- translations: title[ru] = ... --------------------------------------------------- */

/* base_ini with `add` inserted after the line `after` (a whole line, with its \n). */
static char *with_line(const char *text, const char *after, const char *add)
{
	const char *at = strstr(text, after);
	assert_non_null(at);
	size_t head = (size_t)(at - text) + strlen(after);
	size_t n_add = strlen(add), n_tail = strlen(text + head);
	char *out = malloc(head + n_add + n_tail + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	memcpy(out + head, add, n_add);
	memcpy(out + head + n_add, text + head, n_tail + 1);
	return out;
}

static char *translated_ini(void)
{
	static const char *const adds[][2] = {
		{ "title = Mini\n", "title[ru] = Мини\n" },
		{ "title = Lodged\n", "title[ru] = Подано   ; a comment goes too\n" },
		{ "title = Waiting\n", "Title[RU] = Ожидание\n" },
		{ "title = Done\n", "title[ru] = Готово\n" },
		{ "title = Ask\n", "title[ru] = Запросить\n" },
	};
	char *text = strdup(base_ini);
	for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++) {
		char *next = with_line(text, adds[i][0], adds[i][1]);
		free(text);
		text = next;
	}
	return text;
}

static void test_translations(void **state)
{
	struct workflow *wf = NULL, *old = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char *text = translated_ini();
	(void)state;

	assert_int_equal(wf_load_text(text, "tr", &wf, &err), CD_OK);
	/* Translations are not part of a version: the store pins the text without them. */
	assert_string_equal(wf->source, base_ini);
	assert_string_equal(wf->title, "Mini");
	wf_localize(wf, "ru", NULL);
	assert_string_equal(wf->title, "Мини");
	assert_string_equal(wf_find_state(wf, "lodged")->title, "Подано");
	assert_string_equal(wf_find_state(wf, "waiting")->title, "Ожидание");
	assert_string_equal(wf_find_transition(wf, "ask")->title, "Запросить");
	assert_string_equal(wf_find_transition(wf, "back")->title, "Back");   /* none: as written */
	wf_localize(wf, "uk", NULL);
	assert_string_equal(wf->title, "Mini");
	assert_string_equal(wf_find_state(wf, "lodged")->title, "Lodged");
	wf_localize(wf, "ru", NULL);
	wf_localize(wf, "en", NULL);
	assert_string_equal(wf_find_state(wf, "done")->title, "Done");

	/* A version kept in a store without translations reads those of the current file
	 * for texts written the same way, and only those. */
	char *older = with_line(base_ini, "title = Waiting", " for papers");
	assert_int_equal(wf_load_text(older, "store:mini@1", &old, &err), CD_OK);
	wf_localize(wf, "ru", NULL);
	wf_localize(old, "ru", wf);
	assert_string_equal(old->title, "Мини");
	assert_string_equal(wf_find_state(old, "lodged")->title, "Подано");
	assert_string_equal(wf_find_state(old, "waiting")->title, "Waiting for papers");
	wf_localize(old, NULL, wf);
	assert_string_equal(old->title, "Mini");
	wf_localize(old, "ru", wf);
	wf_free(old);
	wf_free(wf);
	free(older);

	/* Mistakes: a key that cannot carry a language, a bad language, an empty text, and a
	 * state title missing a language the file has (it would print English on a letter). */
	static const char *const bad[][3] = {
		{ "deadline = 10d\n", "deadline[ru] = 5d\n", "only 'title' may carry a language" },
		{ "title = Ask\n", "title[r] = Ask\n", "a language is written as 2 or 3 small letters" },
		{ "title = Ask\n", "title[ro] =\n", "key 'title[ro]' in [transition.ask] is empty" },
		{ "title = Ask\n", "title[ka] = ჰკითხე\n", "[workflow] has no title[ka]" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *b = with_line(text, bad[i][0], bad[i][1]);
		wf = NULL;
		assert_int_equal(wf_load_text(b, "bad", &wf, &err), CD_EINPUT);
		assert_null(wf);
		if (!strstr(err.msg, bad[i][2]))
			fail_msg("wanted '%s' in: %s", bad[i][2], err.msg);
		free(b);
	}
	char *b = with_line(base_ini, "title = Lodged\n", "title[ru] = Подано\n");
	assert_int_equal(wf_load_text(b, "bad", &wf, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "bad:3: [workflow] has no title[ru]"));
	free(b);
	free(text);
}

/* ---- loading from text ------------------------------------------------------------ */

static void test_load_text(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(wf_load_text(base_ini, "store:mini@1", &wf, &err), CD_OK);
	assert_string_equal(wf->id, "mini");
	assert_string_equal(wf->prefix, "MI");
	assert_string_equal(wf->title, "Mini");
	assert_string_equal(wf->path, "store:mini@1");
	assert_string_equal(wf->source, base_ini);
	assert_int_equal(wf->n_states, 3);
	assert_int_equal(wf->n_transitions, 3);
	assert_int_equal(wf->n_fields, 1);
	assert_string_equal(wf->states[wf->initial].id, "lodged");
	const struct wf_state *lodged = wf_find_state(wf, "lodged");
	assert_non_null(lodged);
	assert_int_equal(lodged->deadline.amount, 10);
	assert_int_equal(lodged->deadline.unit, WF_DAYS);
	assert_int_equal(lodged->line, 8);
	assert_true(wf_find_state(wf, "waiting")->clock_stops);
	assert_true(wf_find_state(wf, "done")->final);
	assert_string_equal(wf_find_state(wf, "done")->outcome, "granted");
	const struct wf_transition *ask = wf_find_transition(wf, "ask");
	assert_non_null(ask);
	assert_string_equal(ask->form, "request_documents");
	assert_int_equal(ask->roles, CD_ROLE_CASEWORKER);
	assert_int_equal(ask->n_fields, 1);
	assert_true(wf_transition_from(wf, ask, "lodged"));
	assert_false(wf_transition_from(wf, ask, "waiting"));
	assert_false(wf_transition_from(wf, ask, "nowhere"));
	assert_int_equal(wf_find_transition(wf, "finish")->guards, WF_GUARD_FOUR_EYES);
	assert_null(wf_find_transition(wf, "nothing"));
	assert_null(wf_find_field(wf, "nothing"));
	wf_free(wf);

	/* A byte order mark and CRLF line ends are fine. */
	char *crlf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&crlf, &len);
	fputs("\xEF\xBB\xBF", out);
	for (const char *p = base_ini; *p; p++) {
		if (*p == '\n')
			fputc('\r', out);
		fputc(*p, out);
	}
	fclose(out);
	assert_int_equal(wf_load_text(crlf, "crlf", &wf, &err), CD_OK);
	wf_free(wf);
	free(crlf);

	/* Broken text fails with the first problem by line, and nothing is half-loaded. */
	wf = (struct workflow *)1;
	assert_int_equal(wf_load_text("[workflow]\nid = x\ntitle = X\nprefix = X\nversion = 1\n"
				      "initial = a\n[state.a]\ntitle = A\n", "store:x@1", &wf, &err),
			 CD_EINPUT);
	assert_null(wf);
	assert_non_null(strstr(err.msg, "store:x@1:"));
	assert_int_equal(wf_load_text("", "empty", &wf, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "empty:1: no [workflow] section"));
}

/* ---- durations ----------------------------------------------------------------------- */

/*
 * `checks =` is read into the workflow; text kept in a store from before the key (the
 * shipped versions 1-3) reads as the three lists those workflows name now, so its running
 * cases can still be decided; a file without it is a problem (test_lint_reports_...).
 */
static void test_checks_key(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char *text = NULL;
	(void)state;

	assert_true(asprintf(&text, "%.*schecks = eurodac , sis\n%s", (int)(strstr(base_ini, "\n[state.") - base_ini),
			     base_ini, strstr(base_ini, "\n[state.") + 1) > 0);
	assert_int_equal(wf_load_text(text, "with", &wf, &err), CD_OK);
	assert_int_equal(wf->n_checks, 2);
	assert_string_equal(wf->checks[0], "eurodac");
	assert_string_equal(wf->checks[1], "sis");
	wf_free(wf);
	free(text);
	/* no checks_clear, no key: no lists */
	assert_int_equal(wf_load_text(base_ini, "without", &wf, &err), CD_OK);
	assert_int_equal(wf->n_checks, 0);
	wf_free(wf);
	/* stored text with checks_clear and no key: the lists it always meant */
	const char *g = strstr(base_ini, "guards = four_eyes\n");
	assert_non_null(g);
	assert_true(asprintf(&text, "%.*sguards = checks_clear\n%s", (int)(g - base_ini), base_ini,
			     g + strlen("guards = four_eyes\n")) > 0);
	assert_int_equal(wf_load_text(text, "kept", &wf, &err), CD_OK);
	assert_int_equal(wf->n_checks, 3);
	assert_string_equal(wf->checks[0], "sis");
	assert_string_equal(wf->checks[1], "sltd");
	assert_string_equal(wf->checks[2], "national_watchlist");
	wf_free(wf);
	free(text);
}

static void test_durations(void **state)
{
	struct wf_duration d;
	struct cd_error err = CD_ERROR_INIT;
	char buf[16];
	(void)state;

	assert_int_equal(wf_duration_parse("90d", &d, &err), CD_OK);
	assert_int_equal(d.amount, 90);
	assert_int_equal(d.unit, WF_DAYS);
	assert_int_equal(wf_duration_parse("3wd", &d, &err), CD_OK);
	assert_int_equal(d.unit, WF_WORKING_DAYS);
	wf_duration_format(d, buf, sizeof buf);
	assert_string_equal(buf, "3wd");
	assert_int_equal(wf_duration_parse("2w", &d, &err), CD_OK);
	assert_int_equal(d.unit, WF_WEEKS);
	assert_int_equal(wf_duration_parse("6m", &d, &err), CD_OK);
	assert_int_equal(d.unit, WF_MONTHS);
	wf_duration_format(d, buf, sizeof buf);
	assert_string_equal(buf, "6m");
	const char *bad[] = { "", "d", "90", "90 d", "90D", "-3d", "0d", "3y", "1.5m", "99999d", "9999999d" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(wf_duration_parse(bad[i], &d, &err), CD_EINPUT);

	struct wf_duration wd = { 3, WF_WORKING_DAYS }, m = { 1, WF_MONTHS }, w = { 2, WF_WEEKS };
	struct wf_duration none = { 0, WF_NONE };
	assert_int_equal(wf_duration_add(day("2026-03-06"), wd), day("2026-03-11"));
	assert_int_equal(wf_duration_add(day("2026-01-31"), m), day("2026-02-28"));
	assert_int_equal(wf_duration_add(day("2026-01-31"), w), day("2026-02-14"));
	assert_int_equal(wf_duration_add(day("2026-01-31"), none), day("2026-01-31"));
	wf_duration_format(none, buf, sizeof buf);
	assert_string_equal(buf, "");
}

/* ---- a workflow to check steps and deadlines against -------------------------------- */

static const char step_ini[] =
	"[workflow]\nid = steps\ntitle = Steps\nprefix = ST\nversion = 3\ninitial = lodged\n"
	"checks = sis, watchlist\n"
	"[state.lodged]\ntitle = Lodged\ndeadline = 30d\n"
	"[state.review]\ntitle = Review\n"
	"[state.waiting]\ntitle = Waiting\nclock = stop\n"
	"[state.waiting_more]\ntitle = Waiting more\nclock = stop\n"
	"[state.restart]\ntitle = Restart\ndeadline = 2m\n"
	"[state.proposed]\ntitle = Proposed\n"
	"[state.granted]\ntitle = Granted\nfinal = yes\noutcome = granted\n"
	"[state.withdrawn]\ntitle = Withdrawn\nfinal = yes\noutcome = withdrawn\n"
	"[transition.start]\ntitle = Start\nfrom = lodged\nto = review\nrole = clerk, caseworker\n"
	"optional = note\n"
	"[transition.ask]\ntitle = Ask\nfrom = lodged, review\nto = waiting\nrole = caseworker\n"
	"fields = missing\noptional = due_on\n"
	"[transition.ask_more]\ntitle = Ask more\nfrom = waiting\nto = waiting_more\nrole = caseworker\n"
	"[transition.back]\ntitle = Back\nfrom = waiting, waiting_more\nto = review\nrole = clerk\n"
	"[transition.back_extended]\ntitle = Back, extended\nfrom = waiting\nto = review\nrole = clerk\nextend = 5d\n"
	"[transition.extend]\ntitle = Extend\nfrom = review\nto = review\nrole = supervisor\nextend = 10d\n"
	"[transition.extend_waiting]\ntitle = Extend while waiting\nfrom = waiting\nto = waiting\nrole = supervisor\nextend = 1w\n"
	"[transition.reset]\ntitle = Reset\nfrom = review\nto = restart\nrole = supervisor\n"
	"[transition.resume]\ntitle = Resume\nfrom = restart\nto = review\nrole = caseworker\n"
	"[transition.propose]\ntitle = Propose\nfrom = review\nto = proposed\nrole = caseworker\n"
	"fields = outcome, decided_on\noptional = amount, urgent, note\nguards = fields_complete\n"
	"[transition.grant]\ntitle = Grant\nfrom = proposed\nto = granted\nrole = supervisor\n"
	"guards = four_eyes, fields_complete, documents_present, biometrics_enrolled, checks_clear\n"
	"[transition.withdraw]\ntitle = Withdraw\nfrom = *\nto = withdrawn\nrole = clerk, caseworker\n"
	"[field.note]\ntype = text\nlabel = Note\n"
	"[field.missing]\ntype = text\nlabel = Missing\n"
	"[field.due_on]\ntype = date\nlabel = Due on\n"
	"[field.outcome]\ntype = choice\nlabel = Outcome\nchoices = grant, refuse\nrequired = yes\n"
	"[field.decided_on]\ntype = date\nlabel = Decided on\n"
	"[field.amount]\ntype = number\nlabel = Amount\nmin = 0\nmax = 10\n"
	"[field.urgent]\ntype = yesno\nlabel = Urgent\n"
	"[field.reference]\ntype = text\nlabel = Reference\nrequired = yes\n"
	"[transition.set_reference]\ntitle = Set reference\nfrom = review\nto = review\nrole = clerk\nfields = reference\n";

static struct workflow *step_wf;

static int setup_steps(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;
	if (wf_load_text(step_ini, "steps", &step_wf, &err) != CD_OK) {
		print_error("%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown_steps(void **state)
{
	(void)state;
	wf_free(step_wf);
	step_wf = NULL;
	return 0;
}

static void test_field_validation(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	const struct wf_field *f;
	(void)state;

	f = wf_find_field(step_wf, "decided_on");
	assert_int_equal(wf_field_validate(f, "2026-02-28", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "2026-02-30", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "decided_on"));
	assert_int_equal(wf_field_validate(f, "28.02.2026", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "2026", &err), CD_EINPUT);

	f = wf_find_field(step_wf, "outcome");
	assert_int_equal(wf_field_validate(f, "grant", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "Grant", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field outcome: expected one of: grant, refuse"));

	f = wf_find_field(step_wf, "amount");
	assert_int_equal(wf_field_validate(f, "0", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "9.5", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "10", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "11", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field amount: expected a number from 0 to 10"));
	assert_int_equal(wf_field_validate(f, "-1", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "1e3", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "nan", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "0x5", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "five", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field amount: expected a number"));

	f = wf_find_field(step_wf, "urgent");
	assert_int_equal(wf_field_validate(f, "yes", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "no", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "maybe", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field urgent: expected yes or no"));

	f = wf_find_field(step_wf, "note");
	assert_int_equal(wf_field_validate(f, "Line one\nline two, \xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "escape \x1b[2J", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "bad \xC3", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "c1 \xC2\x9B", &err), CD_EINPUT);
}

struct case_values {
	const char *names[4];
	const char *values[4];
};

static const char *lookup(void *ctx, const char *field)
{
	const struct case_values *cv = ctx;
	for (int i = 0; i < 4 && cv->names[i]; i++)
		if (!strcmp(cv->names[i], field))
			return cv->values[i];
	return NULL;
}

static void test_check_state_role_fields(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct wf_facts facts = { .state = "review", .actor = "ana", .actor_roles = CD_ROLE_CASEWORKER };
	const struct wf_transition *ask = wf_find_transition(step_wf, "ask");
	const struct wf_transition *start = wf_find_transition(step_wf, "start");
	const struct wf_transition *propose = wf_find_transition(step_wf, "propose");
	(void)state;

	/* wrong state */
	assert_int_equal(wf_check(step_wf, start, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "«Start» is not open from the state «Review»");
	/* wrong role */
	facts.actor_roles = CD_ROLE_CLERK;
	assert_int_equal(wf_check(step_wf, ask, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "«Ask» needs the role caseworker");
	facts.actor_roles = CD_ROLE_CLERK | CD_ROLE_CASEWORKER;

	/* required field missing, then given, then given empty */
	assert_int_equal(wf_check(step_wf, ask, &facts, NULL, 0, &err), CD_EINPUT);
	assert_string_equal(err.msg, "field missing is required for «Ask»");
	struct wf_value ok[] = { { "missing", "passport copy" }, { "due_on", "2026-04-01" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, ok, 2, &err), CD_OK);
	struct wf_value empty[] = { { "missing", "" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, empty, 1, &err), CD_EINPUT);
	/* an empty optional value clears it and is fine */
	struct wf_value clear[] = { { "missing", "x" }, { "due_on", "" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, clear, 2, &err), CD_OK);
	/* invalid value */
	struct wf_value bad_date[] = { { "missing", "x" }, { "due_on", "2026-02-30" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, bad_date, 2, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field due_on"));
	/* a field the transition does not take, or no field at all */
	struct wf_value foreign[] = { { "missing", "x" }, { "outcome", "grant" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, foreign, 2, &err), CD_EINPUT);
	assert_string_equal(err.msg, "field outcome is not set by «Ask»");
	struct wf_value unknown[] = { { "colour", "red" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, unknown, 1, &err), CD_EINPUT);
	assert_string_equal(err.msg, "unknown field colour");
	struct wf_value twice[] = { { "missing", "x" }, { "missing", "y" } };
	assert_int_equal(wf_check(step_wf, ask, &facts, twice, 2, &err), CD_EINPUT);

	/* a required field already set on the case need not be given again */
	struct case_values cv = { { "decided_on", "outcome" }, { "2026-03-01", "grant" } };
	facts.value_of = lookup;
	facts.ctx = &cv;
	struct wf_value with_ref[] = { { "note", "ok" } };
	/* fields_complete: reference is required by the workflow and not set */
	assert_int_equal(wf_check(step_wf, propose, &facts, with_ref, 1, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "fields incomplete: field reference is required first");
	cv.names[2] = "reference";
	cv.values[2] = "R-1";
	assert_int_equal(wf_check(step_wf, propose, &facts, with_ref, 1, &err), CD_OK);
	/* a value given now for a case field overrides the stored one, and is validated */
	struct wf_value wrong_choice[] = { { "outcome", "perhaps" } };
	assert_int_equal(wf_check(step_wf, propose, &facts, wrong_choice, 1, &err), CD_EINPUT);
	facts.value_of = NULL;
	assert_int_equal(wf_check(step_wf, propose, &facts, with_ref, 1, &err), CD_EINPUT);
	assert_string_equal(err.msg, "field outcome is required for «Propose»");
}

/* A decision without a pairing is a warning: the file loads, lint says so, naming the line. */
static void test_lint_warns_unpaired_decision(void **state)
{
	char dir[] = "/tmp/casedesk-test-XXXXXX", path[300];
	char *report = NULL;
	size_t len = 0;
	int warnings = -1;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/case.ini", dir);
	write_file(path, base_ini);   /* finish: lodged -> done (granted), guards = four_eyes only */
	FILE *out = open_memstream(&report, &len);
	assert_int_equal(wf_lint_file(path, NULL, out, &warnings), 0);
	fclose(out);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(report, "case.ini:30: warning: transition finish decides"));
	free(report);
	unlink(path);
	rmdir(dir);
}

static const char pair_ini[] =
	"[workflow]\nid = pair\ntitle = Pair\nprefix = PA\nversion = 1\ninitial = review\n"
	"[state.review]\ntitle = Review\n"
	"[state.proposed]\ntitle = Proposed\n"
	"[state.granted]\ntitle = Granted\nfinal = yes\noutcome = granted\n"
	"[transition.propose]\ntitle = Propose\nfrom = review\nto = proposed\nrole = caseworker, supervisor\n"
	"[transition.send_back]\ntitle = Back\nfrom = proposed\nto = review\nrole = supervisor\n"
	"[transition.note]\ntitle = Note\nfrom = proposed\nto = proposed\nrole = caseworker\n"
	"[transition.grant]\ntitle = Grant\nfrom = proposed\nto = granted\nrole = caseworker, supervisor\n"
	"four_eyes = propose\n";

/* pair_ini with Russian titles: the same rules. */
static const char pair_ru_ini[] =
	"[workflow]\nid = pair\ntitle = Pair\ntitle[ru] = Пара\nprefix = PA\nversion = 1\ninitial = review\n"
	"[state.review]\ntitle = Review\ntitle[ru] = Рассмотрение\n"
	"[state.proposed]\ntitle = Proposed\ntitle[ru] = Предложено\n"
	"[state.granted]\ntitle = Granted\ntitle[ru] = Предоставлено\nfinal = yes\noutcome = granted\n"
	"[transition.propose]\ntitle = Propose\nfrom = review\nto = proposed\nrole = caseworker, supervisor\n"
	"[transition.send_back]\ntitle = Back\nfrom = proposed\nto = review\nrole = supervisor\n"
	"[transition.note]\ntitle = Note\nfrom = proposed\nto = proposed\nrole = caseworker\n"
	"[transition.grant]\ntitle = Grant\nfrom = proposed\nto = granted\nrole = caseworker, supervisor\n"
	"four_eyes = propose\n";

/* four_eyes = propose: the proposal stands, and someone else made it. */
static void test_four_eyes_pairing(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct workflow *wf = NULL;
	(void)state;

	assert_int_equal(wf_load_text(pair_ini, "pair", &wf, &err), CD_OK);
	const struct wf_transition *grant = wf_find_transition(wf, "grant");
	assert_true(grant->four_eyes == (size_t)(wf_find_transition(wf, "propose") - wf->transitions));
	struct wf_step_done steps[] = {
		{ "start", "review", "clerk" },
		{ "propose", "proposed", "ana" },
		{ "note", "proposed", "ana" },
		{ "send_back", "review", "boris" },
		{ "propose", "proposed", "boris" },
	};
	struct wf_facts facts = { .state = "proposed", .actor = "ana", .actor_roles = CD_ROLE_SUPERVISOR,
				  .entered_by = "clerk", .steps = steps, .n_steps = 2 };
	/* the same user proposing and deciding: refused, naming the pairing */
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "four-eyes rule: needs «Propose» by someone else; you took that step yourself");
	/* even after another user's step into the state (the old rule looked only at that) */
	facts.n_steps = 3;
	facts.entered_by = "boris";
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_EREFUSED);
	/* another user decides: allowed */
	facts.actor = "carla";
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_OK);
	/* sent back after the proposal: the proposal no longer stands */
	facts.n_steps = 4;
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "four-eyes rule: needs «Propose» by someone else first");
	/* proposed again, by boris: carla may decide, boris may not */
	facts.n_steps = 5;
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_OK);
	facts.actor = "boris";
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_EREFUSED);
	/* no proposal at all (the case got there some other way): refused */
	facts.actor = "carla";
	facts.steps = NULL;
	facts.n_steps = 0;
	assert_int_equal(wf_check_guards(wf, grant, &facts, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "four-eyes rule: needs «Propose» by someone else first");
	wf_free(wf);
}

/*
 * Installing: only an admin; a version's rules never change once installed; its
 * translations may; a new case starts on the newest installed version whatever files a
 * registry was read from.
 */
static void test_install(void **state)
{
	char dir[] = "/tmp/casedesk-test-XXXXXX", store[300], file[300], *text = NULL;
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor clerk, admin;
	struct cd_store *s = NULL;
	struct wf_registry *reg = NULL;
	enum registry_installed done;
	FILE *quiet = fopen("/dev/null", "w");
	int version = 0;
	(void)state;

	assert_non_null(quiet);
	assert_non_null(mkdtemp(dir));
	snprintf(store, sizeof store, "%s/s.casedesk", dir);
	snprintf(file, sizeof file, "%s/pair.ini", dir);
	assert_int_equal(store_create(store, &o, &err), CD_OK);
	assert_int_equal(store_open(store, &s, &err), CD_OK);
	assert_int_equal(user_resolve(s, "clerk", &clerk, &err), CD_OK);
	assert_int_equal(user_resolve(s, "admin", &admin, &err), CD_OK);
	write_file(file, pair_ini);

	/* not an admin: refused, in the store as well as before lint */
	assert_int_equal(registry_install(s, &clerk, file, NULL, quiet, &done, &err), CD_EREFUSED);
	assert_int_equal(workflow_put(s, &clerk, "pair", 1, pair_ini, 0, &err), CD_EREFUSED);
	assert_int_equal(workflow_newest(s, "pair", &version, &err), CD_ENOTFOUND);
	/* the admin installs it */
	assert_int_equal(registry_install(s, &admin, file, NULL, quiet, &done, &err), CD_OK);
	assert_int_equal(done, REGISTRY_INSTALLED);
	assert_int_equal(workflow_newest(s, "pair", &version, &err), CD_OK);
	assert_int_equal(version, 1);
	/* the same file again: nothing new */
	assert_int_equal(registry_install(s, &admin, file, NULL, quiet, &done, &err), CD_OK);
	assert_int_equal(done, REGISTRY_UNCHANGED);
	/* other rules under the same version: refused, naming what to do */
	assert_int_equal(asprintf(&text, "%s", pair_ini) > 0, 1);
	char *role = strstr(text, "role = caseworker, supervisor\nfour_eyes");
	assert_non_null(role);
	memcpy(role, "role = clerk     ", 17);
	write_file(file, text);
	assert_int_equal(registry_install(s, &admin, file, NULL, quiet, &done, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "installed already with other rules; raise `version`"));
	free(text);
	/* a translation added: the same rules, the text replaced */
	write_file(file, pair_ru_ini);
	assert_int_equal(registry_install(s, &admin, file, NULL, quiet, &done, &err), CD_OK);
	assert_int_equal(done, REGISTRY_TRANSLATED);
	/* the registry is what the store installed, translations included */
	assert_int_equal(registry_open(s, &reg, &err), CD_OK);
	const struct workflow *wf = registry_current(reg, "pair");
	assert_non_null(wf);
	assert_int_equal(wf->version, 1);
	registry_set_lang(reg, "ru");
	assert_string_equal(wf->title, "Пара");
	registry_free(reg);
	store_close(s);
	fclose(quiet);
	unlink(file);
	unlink(store);
	rmdir(dir);
}

static void test_check_guards(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct case_values cv = { { "outcome", "reference" }, { "grant", "R-1" } };
	struct wf_check_fact answers[3] = { { "sis", WF_CHECK_MISSING }, { "watchlist", WF_CHECK_MISSING },
					    { "eurodac", WF_CHECK_HIT } };
	struct wf_facts facts = {
		.state = "proposed", .actor = "ana", .actor_roles = CD_ROLE_SUPERVISOR,
		.entered_by = "ana", .documents_present = 0, .biometrics_enrolled = 0,
		.checks = answers, .n_checks = 0, .value_of = lookup, .ctx = &cv,
	};
	const struct wf_transition *grant = wf_find_transition(step_wf, "grant");
	(void)state;

	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "four-eyes rule: you proposed this yourself; another user must decide");
	facts.actor = "boris";
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "no valid identity document on file");
	facts.documents_present = 1;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "biometrics not enrolled");
	facts.biometrics_enrolled = 1;
	/* no answers at all: every list the workflow names is missing, by name */
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks missing: sis, watchlist");
	/* a hit on a list the workflow does not name holds nothing */
	facts.n_checks = 3;
	answers[0].answer = WF_CHECK_CLEAR;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks missing: watchlist");
	/* a hit holds the case, and says so before what is missing */
	answers[0].answer = WF_CHECK_HIT;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks: a hit on sis holds the case until a supervisor clears it; "
				     "no answer yet from watchlist");
	answers[1].answer = WF_CHECK_CLEAR;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks: a hit on sis holds the case until a supervisor clears it");
	assert_int_equal(wf_check_answer_of(&facts, "sis"), WF_CHECK_HIT);
	assert_int_equal(wf_check_answer_of(&facts, "nowhere"), WF_CHECK_MISSING);
	/* a hit a supervisor cleared lets the case go on */
	answers[0].answer = WF_CHECK_CLEARED;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_OK);
	/* fields_complete comes before the document guard */
	cv.names[1] = NULL;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "fields incomplete: field reference is required first");
	cv.names[1] = "reference";
	/* no acting user: four eyes cannot be shown */
	facts.actor = NULL;
	assert_int_equal(wf_check(step_wf, grant, &facts, NULL, 0, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "four-eyes rule"));
	/* checks_answered (a refusal): a missing answer holds it, a hit does not */
	{
		static const char refusing[] =
			"[workflow]\nid = r\ntitle = R\nprefix = R\nversion = 1\ninitial = proposed\n"
			"checks = sis, watchlist\n"
			"[state.proposed]\ntitle = Proposed\n"
			"[state.refused]\ntitle = Refused\nfinal = yes\noutcome = refused\n"
			"[transition.refuse]\ntitle = Refuse\nfrom = proposed\nto = refused\nrole = supervisor\n"
			"guards = checks_answered\n"
			"[transition.withdraw]\ntitle = Withdraw\nfrom = *\nto = refused\nrole = clerk\n";
		struct workflow *rw = NULL;
		assert_int_equal(wf_load_text(refusing, "refusing", &rw, &err), CD_OK);
		const struct wf_transition *refuse = wf_find_transition(rw, "refuse");
		assert_true(refuse->guards & WF_GUARD_CHECKS_ANSWERED);
		answers[0].answer = WF_CHECK_HIT;
		answers[1].answer = WF_CHECK_MISSING;
		facts.n_checks = 2;
		assert_int_equal(wf_check(rw, refuse, &facts, NULL, 0, &err), CD_EREFUSED);
		assert_string_equal(err.msg, "checks missing: watchlist");
		facts.n_checks = 0;
		assert_int_equal(wf_check(rw, refuse, &facts, NULL, 0, &err), CD_EREFUSED);
		assert_string_equal(err.msg, "checks missing: sis, watchlist");
		facts.n_checks = 2;
		answers[1].answer = WF_CHECK_CLEAR;
		assert_int_equal(wf_check(rw, refuse, &facts, NULL, 0, &err), CD_OK);
		wf_free(rw);
	}
	/* withdraw from = * is open from every non-final state and none of the final ones */
	const struct wf_transition *withdraw = wf_find_transition(step_wf, "withdraw");
	assert_true(wf_transition_from(step_wf, withdraw, "waiting"));
	assert_true(wf_transition_from(step_wf, withdraw, "proposed"));
	assert_false(wf_transition_from(step_wf, withdraw, "granted"));
	assert_false(wf_transition_from(step_wf, withdraw, "withdrawn"));
}

static void test_deadlines(void **state)
{
	const struct workflow *wf = step_wf;
	long t0 = day("2026-03-02"), due, frozen;
	(void)state;

	/* creation in the initial state starts its clock */
	wf_next_deadline(wf, NULL, t0, 123, 7, &due, &frozen);
	assert_int_equal(due, t0 + 30);
	assert_int_equal(frozen, -1);
	/* a state without a deadline keeps the running clock */
	wf_next_deadline(wf, wf_find_transition(wf, "start"), t0 + 2, due, frozen, &due, &frozen);
	assert_int_equal(due, t0 + 30);
	/* the clock stops with 20 days left ... */
	wf_next_deadline(wf, wf_find_transition(wf, "ask"), t0 + 10, due, frozen, &due, &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, 20);
	/* ... stays stopped through another stopping state and an extension while stopped ... */
	wf_next_deadline(wf, wf_find_transition(wf, "extend_waiting"), t0 + 40, due, frozen, &due,
			 &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, 27);
	wf_next_deadline(wf, wf_find_transition(wf, "ask_more"), t0 + 50, due, frozen, &due, &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, 27);
	/* ... and resumes with what was left */
	wf_next_deadline(wf, wf_find_transition(wf, "back"), t0 + 60, due, frozen, &due, &frozen);
	assert_int_equal(due, t0 + 87);
	assert_int_equal(frozen, -1);
	/* an extension on a loop pushes the due day back without restarting anything */
	wf_next_deadline(wf, wf_find_transition(wf, "extend"), t0 + 61, due, frozen, &due, &frozen);
	assert_int_equal(due, t0 + 97);
	/* a loop with no extension changes nothing */
	wf_next_deadline(wf, wf_find_transition(wf, "set_reference"), t0 + 62, due, frozen, &due,
			 &frozen);
	assert_int_equal(due, t0 + 97);
	/* resuming and extending in one step */
	long d2, f2;
	wf_next_deadline(wf, wf_find_transition(wf, "back_extended"), t0 + 5, -1, 3, &d2, &f2);
	assert_int_equal(d2, t0 + 5 + 3 + 5);
	assert_int_equal(f2, -1);
	/* an overdue case that stops resumes due on the day it comes back */
	wf_next_deadline(wf, wf_find_transition(wf, "ask"), t0 + 200, due, -1, &d2, &f2);
	assert_int_equal(f2, 0);
	wf_next_deadline(wf, wf_find_transition(wf, "back"), t0 + 300, d2, f2, &d2, &f2);
	assert_int_equal(d2, t0 + 300);
	/* a state with its own deadline starts a new clock, months clamped */
	wf_next_deadline(wf, wf_find_transition(wf, "reset"), day("2026-12-31"), due, -1, &due, &frozen);
	assert_int_equal(due, day("2027-02-28"));
	/* no clock at all stays without one */
	wf_next_deadline(wf, wf_find_transition(wf, "ask"), t0, -1, -1, &d2, &f2);
	assert_int_equal(d2, -1);
	assert_int_equal(f2, -1);
	wf_next_deadline(wf, wf_find_transition(wf, "back"), t0, -1, -1, &d2, &f2);
	assert_int_equal(d2, -1);
	assert_int_equal(f2, -1);
	/* a final state clears the clock */
	wf_next_deadline(wf, wf_find_transition(wf, "withdraw"), t0, due, -1, &due, &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, -1);
	wf_next_deadline(wf, wf_find_transition(wf, "withdraw"), t0, -1, 12, &due, &frozen);
	assert_int_equal(due, -1);
	assert_int_equal(frozen, -1);
}

static void test_known_forms(void **state)
{
	char dir[] = "/tmp/casedesk-test-XXXXXX", path[128];
	struct wf_known known = { 0 };
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/index.ini", dir);
	write_file(path, "[form.a]\ntitle = A\n[form.b]\ntitle = B\n");
	assert_int_equal(wf_known_load(path, &known, &err), CD_OK);
	assert_int_equal(known.n_forms, 2);
	assert_string_equal(known.forms[1], "b");
	wf_known_release(&known);
	write_file(path, "[form.a]\ntitle = A\n[blank]\ntitle = B\n");
	assert_int_equal(wf_known_load(path, &known, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, ":3: "));
	write_file(path, "[form.a]\n");
	assert_int_equal(wf_known_load(path, &known, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "needs the key 'title'"));
	unlink(path);
	rmdir(dir);
	assert_int_equal(wf_known_load("/nonexistent/index.ini", &known, &err), CD_ENOTFOUND);
}

/* A choice field with `multiple = yes` takes a set of its ids; letters and screens read the labels. */
static const char multi_ini[] =
	"[workflow]\nid = m\ntitle = M\nprefix = M\nversion = 1\ninitial = a\n"
	"[state.a]\ntitle = A\n"
	"[state.b]\ntitle = B\nfinal = yes\noutcome = refused\n"
	"[transition.go]\ntitle = Go\nfrom = a\nto = b\nrole = caseworker\nfields = grounds\n"
	"[field.grounds]\ntype = choice\nmultiple = yes\nlabel = Grounds\nchoices = x, y, z\n"
	"choice.x = Ex\nchoice.y = Why\nchoice.z = Zed\n";

static void test_multiple_choice(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	const struct wf_field *f;
	char *bad = NULL;
	(void)state;

	assert_int_equal(wf_load_text(multi_ini, "multi", &wf, &err), CD_OK);
	f = wf_find_field(wf, "grounds");
	assert_true(f->multiple);
	assert_int_equal(wf_field_validate(f, "x, y", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "z,x", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "y", &err), CD_OK);
	assert_int_equal(wf_field_validate(f, "x, x", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "field grounds: 'x' is given twice"));
	assert_int_equal(wf_field_validate(f, "x, w", &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "'w' is not one of its choices (one or more of: x, y, z"));
	assert_int_equal(wf_field_validate(f, " , ", &err), CD_EINPUT);
	assert_int_equal(wf_field_validate(f, "Ex", &err), CD_EINPUT);
	/* Labels joined in the order stored; an unknown id (an old event) shows as itself. */
	assert_string_equal(wf_value_text(wf, "grounds", "x, z"), "Ex, Zed");
	assert_string_equal(wf_value_text(wf, "grounds", "y,x"), "Why, Ex");
	assert_string_equal(wf_value_text(wf, "grounds", "gone, y"), "gone, Why");
	/* Two texts held at once (history shows old and new) stay apart. */
	const char *a = wf_value_text(wf, "grounds", "x"), *b = wf_value_text(wf, "grounds", "z");
	assert_string_equal(a, "Ex");
	assert_string_equal(b, "Zed");
	wf_free(wf);
	wf = NULL;

	/* multiple is for choice fields only, and a yes or no. */
	assert_true(asprintf(&bad, "%s", multi_ini) > 0);
	char *t = strstr(bad, "type = choice");
	memcpy(t, "type = text  ", 13);
	t = strstr(bad, "choices = x, y, z\nchoice.x = Ex\nchoice.y = Why\nchoice.z = Zed\n");
	*t = '\0';
	assert_int_equal(wf_load_text(bad, "bad", &wf, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "multiple is only for fields of type choice (field grounds is not one)"));
	free(bad);
	bad = NULL;
	assert_true(asprintf(&bad, "%s", multi_ini) > 0);
	t = strstr(bad, "multiple = yes");
	memcpy(t, "multiple = may", 14);
	assert_int_equal(wf_load_text(bad, "bad", &wf, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "multiple is yes or no, not 'may'"));
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_workflows_lint_clean),
		cmocka_unit_test(test_visa_extension_to_45_days),
		cmocka_unit_test(test_asylum_registration_in_working_days),
		cmocka_unit_test(test_lint_reports_each_problem_at_its_line),
		cmocka_unit_test(test_lint_reports_every_problem),
		cmocka_unit_test(test_load_text),
		cmocka_unit_test(test_checks_key),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_durations),
		cmocka_unit_test_setup_teardown(test_field_validation, setup_steps, teardown_steps),
		cmocka_unit_test_setup_teardown(test_check_state_role_fields, setup_steps, teardown_steps),
		cmocka_unit_test_setup_teardown(test_check_guards, setup_steps, teardown_steps),
		cmocka_unit_test(test_lint_warns_unpaired_decision),
		cmocka_unit_test(test_four_eyes_pairing),
		cmocka_unit_test(test_install),
		cmocka_unit_test_setup_teardown(test_deadlines, setup_steps, teardown_steps),
		cmocka_unit_test(test_known_forms),
		cmocka_unit_test(test_multiple_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
