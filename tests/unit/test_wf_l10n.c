/*
 * test_wf_l10n.c - a workflow in the user's language: choice labels (`choice.ID = Label`)
 * and their translations (`choice.ID[uk] = ...`), the text a store pins without the
 * translation lines, the titles shown for ids, and lint naming every missing translation
 * with its line and language.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "workflow/workflow.h"

/* One step, one choice field; line numbers in the comments are the file's lines. */
static const char plain_ini[] =
	"[workflow]\n"                         /* 1 */
	"id = tiny\n"                          /* 2 */
	"title = Tiny\n"                       /* 3 */
	"prefix = TI\n"                        /* 4 */
	"version = 1\n"                        /* 5 */
	"initial = open\n"                     /* 6 */
	"[state.open]\n"                       /* 7 */
	"title = Open\n"                       /* 8 */
	"[state.done]\n"                       /* 9 */
	"title = Done\n"                       /* 10 */
	"final = yes\n"                        /* 11 */
	"outcome = withdrawn\n"                /* 12 */
	"[transition.close]\n"                 /* 13 */
	"title = Close the case\n"             /* 14 */
	"from = open\n"                        /* 15 */
	"to = done\n"                          /* 16 */
	"role = caseworker\n"                  /* 17 */
	"fields = outcome\n"                   /* 18 */
	"[field.outcome]\n"                    /* 19 */
	"type = choice\n"                      /* 20 */
	"label = Outcome\n"                    /* 21 */
	"choices = grant, refuse\n"            /* 22 */
	"choice.grant = Grant\n"               /* 23 */
	"choice.refuse = Refuse\n";            /* 24 */

/* The same text with a translation line after each line in `after` (whole lines). */
static char *translated(const char *text, const char *const pairs[][2], size_t n)
{
	char *out = strdup(text);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(out, pairs[i][0]);
		assert_non_null(at);
		size_t head = (size_t)(at - out) + strlen(pairs[i][0]);
		size_t add = strlen(pairs[i][1]), tail = strlen(out + head);
		char *next = malloc(head + add + tail + 1);
		assert_non_null(next);
		memcpy(next, out, head);
		memcpy(next + head, pairs[i][1], add);
		memcpy(next + head + add, out + head, tail + 1);
		free(out);
		out = next;
	}
	return out;
}

static const char *const all_ru[][2] = {
	{ "title = Tiny\n", "title[ru] = Крошка\n" },
	{ "title = Open\n", "title[ru] = Открыто\n" },
	{ "title = Done\n", "title[ru] = Готово\n" },
	{ "title = Close the case\n", "title[ru] = Закрыть дело\n" },
	{ "label = Outcome\n", "label[ru] = Итог\n" },
	{ "choice.grant = Grant\n", "choice.grant[ru] = Удовлетворить\n" },
	{ "choice.refuse = Refuse\n", "choice.refuse[ru] = Отказать\n" },
};
/* uk for what letters print (else the load fails) and for one choice: the rest only warns. */
static const char *const some_uk[][2] = {
	{ "title = Tiny\n", "title[uk] = Крихта\n" },
	{ "title = Open\n", "title[uk] = Відкрито\n" },
	{ "title = Done\n", "title[uk] = Готово\n" },
	{ "choice.refuse = Refuse\n", "choice.refuse[uk] = Відмовити\n" },
};
#define N_ALL_RU (sizeof all_ru / sizeof all_ru[0])

static void test_choice_labels_read_and_translated(void **state)
{
	struct workflow *wf = NULL, *plain = NULL;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	char *ru = translated(plain_ini, all_ru, N_ALL_RU);
	char *text = translated(ru, some_uk, sizeof some_uk / sizeof some_uk[0]);
	free(ru);
	assert_int_equal(wf_load_text(text, "tiny", &wf, &err), CD_OK);
	const struct wf_field *f = wf_find_field(wf, "outcome");
	assert_non_null(f);
	assert_int_equal(f->n_choices, 2);
	assert_string_equal(wf_choice_label(f, 0), "Grant");
	assert_string_equal(wf_choice_label(f, 1), "Refuse");
	assert_string_equal(wf_value_text(wf, "outcome", "refuse"), "Refuse");
	assert_string_equal(wf_value_text(wf, "outcome", "unknown"), "unknown");

	wf_localize(wf, "ru", NULL);
	assert_string_equal(wf_choice_label(f, 0), "Удовлетворить");
	assert_string_equal(wf_choice_label(f, 1), "Отказать");
	assert_string_equal(wf_value_text(wf, "outcome", "grant"), "Удовлетворить");
	assert_string_equal(wf_field_label(wf, "outcome"), "Итог");
	assert_string_equal(wf_step_title(wf, "close"), "Закрыть дело");
	assert_string_equal(wf_state_title(wf, "open"), "Открыто");
	/* an id the workflow does not know reads as itself (an old event) */
	assert_string_equal(wf_state_title(wf, "gone"), "gone");
	assert_string_equal(wf_state_title(NULL, "gone"), "gone");
	wf_localize(wf, "uk", NULL);
	assert_string_equal(wf_choice_label(f, 0), "Grant");       /* none in uk: as written */
	assert_string_equal(wf_choice_label(f, 1), "Відмовити");
	wf_localize(wf, NULL, NULL);
	assert_string_equal(wf_choice_label(f, 1), "Refuse");

	/* Translations are not part of a version: the store pins the same text with or without them. */
	assert_int_equal(wf_load_text(plain_ini, "tiny", &plain, &err), CD_OK);
	assert_string_equal(wf->source, plain_ini);
	assert_string_equal(plain->source, wf->source);

	/* A kept version without translations borrows the current file's, choice labels too. */
	wf_localize(wf, "ru", NULL);
	wf_localize(plain, "ru", wf);
	assert_string_equal(wf_choice_label(wf_find_field(plain, "outcome"), 1), "Отказать");
	wf_free(plain);
	wf_free(wf);
	free(text);
}

static void test_choice_without_labels_shows_ids(void **state)
{
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	/* No choice.ID lines at all: the ids are what there is. */
	char *text = strdup(plain_ini);
	*strstr(text, "choice.grant") = '\0';
	assert_int_equal(wf_load_text(text, "tiny", &wf, &err), CD_OK);
	assert_null(wf_find_field(wf, "outcome")->choice_labels);
	assert_string_equal(wf_choice_label(wf_find_field(wf, "outcome"), 0), "grant");
	wf_free(wf);
	free(text);
}

static void test_choice_label_mistakes(void **state)
{
	static const struct {
		const char *after, *add, *want;
	} bad[] = {
		{ "choice.refuse = Refuse\n", "choice.other = Other\n", "tiny:25: key 'choice.other' in [field.outcome] names no choice of field outcome (choices: grant, refuse)" },
		{ "choice.refuse = Refuse\n", "choice.grant[ro] =\n", "tiny:25: key 'choice.grant[ro]' in [field.outcome] is empty" },
		{ "choice.refuse = Refuse\n", "choice.grant[r] = x\n", "tiny:25: key 'choice.grant[r]' in [field.outcome]: a language is written as 2 or 3 small letters" },
		{ "label = Outcome\n", "choice.nope[ru] = Нет\n", "tiny:22: key 'choice.nope[ru]' in [field.outcome] names no choice" },
		{ "title = Close the case\n", "choice.x = X\n", "tiny:15: unknown key 'choice.x' in [transition.close]" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *const pair[][2] = { { bad[i].after, bad[i].add } };
		struct workflow *wf = NULL;
		struct cd_error err = CD_ERROR_INIT;
		char *text = translated(plain_ini, pair, 1);
		assert_int_equal(wf_load_text(text, "tiny", &wf, &err), CD_EINPUT);
		assert_null(wf);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("case %zu: wanted '%s' in: %s", i, bad[i].want, err.msg);
		free(text);
	}
	/* A label translated where the field gives no label: says what to add. */
	char *text = strdup(plain_ini);
	*strstr(text, "choice.grant") = '\0';
	const char *const pair[][2] = { { "choices = grant, refuse\n", "choice.grant[ru] = Да\n" } };
	char *bad_text = translated(text, pair, 1);
	struct workflow *wf = NULL;
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(wf_load_text(bad_text, "tiny", &wf, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "tiny:23: key 'choice.grant[ru]' in [field.outcome] translates a label the field does not give: add choice.grant = ... first"));
	free(bad_text);
	free(text);
}

/* Lint: every missing translation, by line and language; the file still loads (warnings). */
static void test_lint_names_missing_translations(void **state)
{
	char dir[] = "/tmp/casedesk-l10n-XXXXXX", path[64], *report = NULL;
	size_t len = 0;
	int warnings = -1;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/tiny.ini", dir);
	/* ru everywhere but the step title, the field label and the refuse label; no uk at all */
	const char *const some_ru[][2] = {
		{ "title = Tiny\n", "title[ru] = Крошка\n" },
		{ "title = Open\n", "title[ru] = Открыто\n" },
		{ "title = Done\n", "title[ru] = Готово\n" },
		{ "choice.grant = Grant\n", "choice.grant[ru] = Удовлетворить\n" },
	};
	char *text = translated(plain_ini, some_ru, sizeof some_ru / sizeof some_ru[0]);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);

	FILE *out = open_memstream(&report, &len);
	assert_int_equal(wf_lint_file(path, NULL, out, &warnings), 0);
	fclose(out);
	assert_int_equal(warnings, 3);
	char want[256];
	/* lines in the translated text: title[ru] lines moved what follows them down */
	snprintf(want, sizeof want, "%s:17: warning: [transition.close] has no title[ru]", path);
	if (!strstr(report, want))
		fail_msg("wanted '%s' in:\n%s", want, report);
	snprintf(want, sizeof want, "%s:24: warning: [field.outcome] has no label[ru]", path);
	if (!strstr(report, want))
		fail_msg("wanted '%s' in:\n%s", want, report);
	snprintf(want, sizeof want, "%s:28: warning: [field.outcome] has no choice.refuse[ru]", path);
	if (!strstr(report, want))
		fail_msg("wanted '%s' in:\n%s", want, report);
	free(report);

	/* The same with every text translated: clean, no warning. */
	free(text);
	text = strdup(plain_ini);
	char *full = translated(text, all_ru, N_ALL_RU);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(full, f);
	fclose(f);
	report = NULL;
	out = open_memstream(&report, &len);
	assert_int_equal(wf_lint_file(path, NULL, out, &warnings), 0);
	fclose(out);
	if (warnings != 0)
		fail_msg("wanted no warning:\n%s", report);
	free(report);

	/* A choice left without a label in a translated file: its id would show. */
	char *unlabelled = strdup(full);
	char *at = strstr(unlabelled, "choice.refuse = Refuse\n");
	memmove(at, at + strlen("choice.refuse = Refuse\n"), strlen(at + strlen("choice.refuse = Refuse\n")) + 1);
	at = strstr(unlabelled, "choice.refuse[ru] = Отказать\n");
	*at = '\0';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(unlabelled, f);
	fclose(f);
	report = NULL;
	out = open_memstream(&report, &len);
	assert_int_equal(wf_lint_file(path, NULL, out, &warnings), 0);
	fclose(out);
	assert_non_null(strstr(report, "warning: choice 'refuse' of field outcome has no label: its id would be shown; add choice.refuse = ..."));
	free(report);

	free(unlabelled);
	free(full);
	free(text);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_labels_read_and_translated),
		cmocka_unit_test(test_choice_without_labels_shows_ids),
		cmocka_unit_test(test_choice_label_mistakes),
		cmocka_unit_test(test_lint_names_missing_translations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
