/*
 * test_checks.c - checks recorded by hand (model/store/checks.h, workflow/casework.h) on a
 * real store with the shipped workflows installed: recording, replacing, a supervisor's
 * clearing, the checks_clear guard naming the lists it waits for, the roles, the lists a
 * workflow names, and the event and audit row every change leaves.  The CLI and the case
 * screen are tests/script/t_checks.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "model/store/cases.h"
#include "model/store/checks.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/store.h"
#include "model/store/users.h"
#include "workflow/casework.h"
#include "tests/unit/store_dir.h"

struct fixture {
	struct cd_store *s;
	struct wf_registry *reg;
	struct cd_actor clerk, caseworker, supervisor, admin;
	char person[32], number[40];
};

static struct fixture fx;

/* The guard's words, then (since issue 16) what each queued network check waits for. */
static void assert_guard_says(const char *msg, const char *want)
{
	size_t n = strlen(want);
	if (strncmp(msg, want, n) != 0 || (msg[n] && msg[n] != ';'))
		fail_msg("'%s' does not start with '%s'", msg, want);
}

static void as(const char *name, struct cd_actor *a)
{
	struct cd_error err = CD_ERROR_INIT;
	assert_int_equal(user_resolve(fx.s, name, a, &err), CD_OK);
}

/*
 * An office with no check gateway: residence without its `network.` lines (version 70), so
 * its lists are answered by hand.  A list the gateway is asked about is the gateway's to
 * answer while pending (test_checkqueue.c, t_checks_hand_network.sh).
 */
static int install_without_network(void)
{
	struct cd_error err = CD_ERROR_INIT;
	enum registry_installed done;
	char file[160], line[512];
	FILE *in = fopen("data/workflows/residence.ini", "r"), *out;
	int rc;

	snprintf(file, sizeof file, "%s/residence.ini", dir);
	if (!in || !(out = fopen(file, "w"))) {
		if (in)
			fclose(in);
		return CD_EINTERNAL;
	}
	while (fgets(line, sizeof line, in)) {
		if (strncmp(line, "network.", 8) == 0)
			continue;
		if (strncmp(line, "version = ", 10) == 0)
			fputs("version = 70\n", out);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	FILE *quiet = fopen("/dev/null", "w");
	rc = registry_install(fx.s, &fx.admin, file, NULL, quiet, &done, &err);
	if (quiet)
		fclose(quiet);
	if (rc)
		print_error("%s\n", err.msg);
	return rc;
}

/* A training store with data/workflows installed, a person with a passport and a residence
 * case taken to assessment, where propose_decision waits for the checks. */
static int setup(void **state)
{
	struct cd_store_create_opts o = { .office = "TBS", .training = 1 };
	struct cd_error err = CD_ERROR_INIT;
	struct cd_person p;
	struct cd_person_input in = { .surname = "Roe", .given = "Ann", .sex = "F", .dob = "1980",
				      .nationality = "UKR" };
	(void)state;

	memset(&fx, 0, sizeof fx);
	store_dir_make("checks");
	assert_int_equal(store_create(path, &o, &err), CD_OK);
	assert_int_equal(store_open(path, &fx.s, &err), CD_OK);
	as("clerk", &fx.clerk);
	as("caseworker", &fx.caseworker);
	as("supervisor", &fx.supervisor);
	as("admin", &fx.admin);
	if (registry_install_dir(fx.s, &fx.admin, "data/workflows", &err) != CD_OK ||
	    install_without_network() != CD_OK || registry_open(fx.s, &fx.reg, &err) != CD_OK) {
		print_error("%s\n", err.msg);
		return -1;
	}
	assert_int_equal(person_add(fx.s, &fx.clerk, &in, &p, &err), CD_OK);
	memcpy(fx.person, p.number, sizeof fx.person);
	assert_int_equal(document_add(fx.s, &fx.clerk, fx.person, "passport", "FE1", "UKR", NULL, "2034-12-31", 0, &err),
			 CD_OK);
	assert_int_equal(cw_case_new(fx.s, fx.reg, &fx.clerk, "residence", fx.person, NULL, fx.number, &err), CD_OK);
	struct wf_value v[] = { { "permit_reason", "family" } };
	struct cw_move mv = { .number = fx.number, .transition = "confirm_receipt", .values = v, .n_values = 1,
			      .today = -1 };
	if (cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, &err) != CD_OK) {
		print_error("%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown_fx(void **state)
{
	registry_free(fx.reg);
	store_close(fx.s);
	return teardown(state);
}

static long long count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int propose(struct cd_error *err)
{
	struct wf_value v[] = { { "proposed_outcome", "grant" }, { "proposal_reason", "meets the conditions" } };
	struct cw_move mv = { .number = fx.number, .transition = "propose_decision", .values = v, .n_values = 2,
			      .today = -1 };
	return cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, err);
}

/* The supervisor decides the proposal: "grant" or "refuse". */
static int decide(const char *how, struct cd_error *err)
{
	struct wf_value g[] = { { "valid_from", "2027-01-01" }, { "valid_until", "2028-01-01" } };
	struct wf_value r[] = { { "refusal_grounds", "public_policy" }, { "refusal_reasoning", "entry ban in force" } };
	int grant = !strcmp(how, "grant");
	struct cw_move mv = { .number = fx.number, .transition = how, .values = grant ? g : r,
			      .n_values = 2, .today = -1 };
	return cw_case_move(fx.s, fx.reg, &fx.supervisor, &mv, NULL, err);
}

static int record(const struct cd_actor *a, const char *list, const char *result, const char *note,
		  struct cd_error *err)
{
	return cw_check_record(fx.s, fx.reg, a, fx.number, list, result, note, err);
}

/* The reason the case screen and `case show` give for propose_decision. */
static void blocked_reason(char *buf, size_t size)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_case *c = NULL;
	struct cw_option *opts = NULL;
	size_t n = 0;

	buf[0] = '\0';
	assert_int_equal(case_load(fx.s, &fx.caseworker, fx.number, NULL, &c, &err), CD_OK);
	assert_int_equal(cw_case_options(fx.s, fx.reg, &fx.caseworker, c, &opts, &n, &err), CD_OK);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(opts[i].t->id, "propose_decision"))
			snprintf(buf, size, "%s", opts[i].allowed ? "allowed" : opts[i].reason);
	free(opts);
	case_free(c);
}

static void test_guard_names_lists_until_all_clear(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	char why[CD_ERRMSG_MAX];
	(void)state;

	assert_int_equal(propose(&err), CD_EREFUSED);
	assert_guard_says(err.msg, "checks missing: sis, sltd, national_watchlist");
	blocked_reason(why, sizeof why);
	assert_guard_says(why, "checks missing: sis, sltd, national_watchlist");
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", "checked at the counter", &err), CD_OK);
	assert_int_equal(propose(&err), CD_EREFUSED);
	assert_guard_says(err.msg, "checks missing: sis, national_watchlist");
	assert_int_equal(record(&fx.supervisor, "sis", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "national_watchlist", "clear", "", &err), CD_OK);
	blocked_reason(why, sizeof why);
	assert_string_equal(why, "allowed");
	assert_int_equal(propose(&err), CD_OK);

	/* each answer an event in the case's history and an audit row */
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check'"), 3);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check' AND field = 'sltd' AND new_value = 'clear'"
			       " AND note = 'checked at the counter' AND user_name = 'caseworker'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'check'"
			       " AND entity_uuid IN (SELECT uuid FROM checks)"), 3);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE entity = 'check'"), 3);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE source = 'hand' AND recorded_by ="
			       " (SELECT id FROM users WHERE name = 'supervisor') AND list = 'sis'"), 1);
}

static void test_hit_held_until_a_supervisor_clears_it(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cw_checks ks;
	struct cd_case *c = NULL;
	struct cd_check_answer a = { .number = fx.number, .list = "sis", .text = "x" };
	(void)state;

	assert_int_equal(record(&fx.caseworker, "sis", "hit", "name and year match", &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "national_watchlist", "clear", NULL, &err), CD_OK);
	/* a hit is an answer: the decision may be proposed (refusing may be what it is for) */
	assert_int_equal(propose(&err), CD_OK);
	assert_int_equal(decide("grant", &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks: a hit on sis holds the case until a supervisor clears it");
	/* nobody answers a hit away */
	assert_int_equal(record(&fx.caseworker, "sis", "clear", NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "has a hit on sis"));
	assert_int_equal(record(&fx.supervisor, "sis", "clear", NULL, &err), CD_EREFUSED);
	/* supervisor only, with a reason */
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.caseworker, fx.number, "sis", "not her", &err), CD_EREFUSED);
	assert_string_equal(err.msg, "clearing a hit needs the role supervisor");
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sis", "  \n", &err), CD_EINPUT);
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sltd", "nothing", &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "no hit on sltd"));
	assert_int_equal(decide("grant", &err), CD_EREFUSED);
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sis", "another person, born 1961", &err),
			 CD_OK);
	/* once */
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sis", "again", &err), CD_EREFUSED);
	/* the model itself refuses a list outside those given, as the workflow's call does */
	a.lists = NULL;
	a.n_lists = 0;
	assert_int_equal(checks_clear(fx.s, &fx.supervisor, &a, &err), CD_EINPUT);

	assert_int_equal(case_load(fx.s, &fx.caseworker, fx.number, NULL, &c, &err), CD_OK);
	assert_int_equal(cw_case_checks(fx.s, fx.reg, &fx.caseworker, c, "casework", &ks, &err), CD_OK);
	assert_int_equal(ks.n, 3);
	assert_int_equal(ks.outstanding, 0);
	assert_string_equal(ks.v[0].list, "sis");
	assert_int_equal(ks.v[0].answer, WF_CHECK_CLEARED);
	assert_string_equal(ks.v[0].row->cleared_by, "supervisor");
	assert_string_equal(ks.v[0].row->clear_reason, "another person, born 1961");
	assert_string_equal(ks.v[0].row->recorded_by, "caseworker");
	assert_string_equal(ks.v[0].row->note, "name and year match");
	cw_checks_release(&ks);
	case_free(c);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'view' AND entity = 'case_checks'"), 1);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check_cleared' AND field = 'sis'"
			       " AND note = 'another person, born 1961' AND user_name = 'supervisor'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'change' AND entity = 'check'"), 4);
	assert_int_equal(decide("grant", &err), CD_OK);
}

/*
 * checks_answered: a refusal waits for every list's answer, but a hit does not hold it (it
 * may be what the refusal is for), where it holds a grant.
 */
static void test_refusal_waits_for_answers_not_for_clearing(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	(void)state;

	assert_int_equal(record(&fx.caseworker, "sis", "hit", "listed for refusal of entry", &err), CD_OK);
	assert_int_equal(propose(&err), CD_EREFUSED);
	assert_guard_says(err.msg, "checks missing: sltd, national_watchlist");
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "national_watchlist", "clear", NULL, &err), CD_OK);
	assert_int_equal(propose(&err), CD_OK);
	assert_int_equal(decide("grant", &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "a hit on sis"));
	assert_int_equal(decide("refuse", &err), CD_OK);
	assert_int_equal(count("SELECT count(*) FROM cases WHERE state = 'refused'"), 1);
}

/* A hit recorded after the grant holds the card: the final, positive step checks again. */
static void test_hit_after_grant_holds_the_card(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	/* the card's type of permit is given as it is ordered (residence.ini version 5) */
	struct wf_value type = { .field = "permit_type", .value = "temporary_residence" };
	struct cw_move mv = { .number = fx.number, .transition = "order_card", .values = &type, .n_values = 1,
			      .today = -1 };
	(void)state;

	assert_int_equal(record(&fx.caseworker, "sis", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "national_watchlist", "clear", NULL, &err), CD_OK);
	assert_int_equal(propose(&err), CD_OK);
	assert_int_equal(decide("grant", &err), CD_OK);
	assert_int_equal(biometric_record(fx.s, &fx.clerk, fx.person, "finger", "all", 77, NULL, 0, "demo", 1, &err),
			 CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "hit", "passport reported stolen", &err), CD_OK);
	assert_int_equal(cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, &err), CD_EREFUSED);
	assert_string_equal(err.msg, "checks: a hit on sltd holds the case until a supervisor clears it");
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sltd", "other passport", &err), CD_OK);
	assert_int_equal(cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, &err), CD_OK);
}

static void test_replace_keeps_history(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_check *rows = NULL;
	size_t n = 0;
	(void)state;

	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "hit", "a second look", &err), CD_OK);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND source != 'network'"), 2);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind = 'check' AND field = 'sltd' AND old_value = 'clear'"
			       " AND new_value = 'hit'"), 1);
	assert_int_equal(checks_read(fx.s, &fx.caseworker, fx.number, NULL, &rows, &n, &err), CD_OK);
	/* no list asked of the network here (install_without_network): sltd's the one row. */
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].list, "sltd");
	assert_string_equal(rows[0].result, "hit");
	assert_string_equal(rows[0].note, "a second look");
	checks_free(rows, n);
	/* a cleared hit may be answered again */
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sltd", "document found again", &err),
			 CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(count("SELECT count(*) FROM checks WHERE list = 'sltd' AND source != 'network'"), 3);
}

static void test_refusals(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor vera;
	(void)state;

	/* a list the workflow does not name: the lists it does are named */
	assert_int_equal(record(&fx.caseworker, "interpol", "clear", NULL, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "'interpol'"));
	assert_non_null(strstr(err.msg, "sis, sltd, national_watchlist"));
	/* clerks register; checks are a caseworker's */
	assert_int_equal(record(&fx.clerk, "sis", "clear", NULL, &err), CD_EREFUSED);
	assert_int_equal(record(&fx.admin, "sis", "clear", NULL, &err), CD_EREFUSED);
	assert_int_equal(record(&fx.caseworker, "sis", "maybe", NULL, &err), CD_EINPUT);
	assert_int_equal(record(&fx.caseworker, "sis", "clear", "bell\a", &err), CD_EINPUT);
	assert_int_equal(cw_check_record(fx.s, fx.reg, &fx.caseworker, "RP-TBS-2026-999999", "sis", "clear", NULL, &err),
			 CD_ENOTFOUND);
	/* need-to-know: another unit's case */
	assert_int_equal(user_add(fx.s, &fx.admin, "vera", CD_ROLE_CASEWORKER, NULL, "visa", &err), CD_OK);
	as("vera", &vera);
	assert_int_equal(record(&vera, "sis", "clear", NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "need-to-know"));
	assert_int_equal(count("SELECT count(*) FROM checks WHERE source != 'network'"), 0);
	assert_int_equal(count("SELECT count(*) FROM event WHERE kind LIKE 'check%'"), 0);
	/* a closed case keeps its checks as they were */
	struct wf_value w[] = { { "withdrawal_date", "2026-03-02" } };
	struct cw_move mv = { .number = fx.number, .transition = "withdraw", .values = w, .n_values = 1, .today = -1 };
	assert_int_equal(cw_case_move(fx.s, fx.reg, &fx.caseworker, &mv, NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "sis", "clear", NULL, &err), CD_EREFUSED);
	assert_non_null(strstr(err.msg, "closed"));
}

/*
 * The race the review found (grant while a hit commits): one desk reads the case and its
 * checks (all clear), another desk records a hit, the first desk then moves the case on the
 * version it read.  This is cw_case_move's order (case_load, checks_current, case_step),
 * taken apart so the hit lands in between every time: the move is a conflict.
 */
static void test_hit_after_the_read_is_a_conflict(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *b = NULL;
	struct cd_case *c = NULL;
	struct cd_check *rows = NULL;
	size_t n = 0;
	int64_t seen, after = 0;
	(void)state;

	assert_int_equal(record(&fx.caseworker, "sis", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "sltd", "clear", NULL, &err), CD_OK);
	assert_int_equal(record(&fx.caseworker, "national_watchlist", "clear", NULL, &err), CD_OK);
	assert_int_equal(case_load(fx.s, &fx.caseworker, fx.number, NULL, &c, &err), CD_OK);
	seen = c->row_version;
	assert_int_equal(checks_current(fx.s, c->id, &rows, &n, &err), CD_OK);
	assert_int_equal(n, 3);
	checks_free(rows, n);

	/* the other desk, its own handle on the same file */
	assert_int_equal(store_open(path, &b, &err), CD_OK);
	assert_int_equal(cw_check_record(b, fx.reg, &fx.caseworker, fx.number, "sis", "hit", "name matches", &err),
			 CD_OK);
	store_close(b);

	const char *names[] = { "proposed_outcome", "proposal_reason" };
	const char *values[] = { "grant", "fine" };
	struct cd_case_step step = { .number = fx.number, .expected_version = seen, .transition = "propose_decision",
				     .to_state = "proposed", .names = names, .values = values, .n_values = 2 };
	assert_int_equal(case_step(fx.s, &fx.supervisor, &step, &after, &err), CD_ECONFLICT);
	assert_non_null(strstr(err.msg, "caseworker recorded a check on sis"));
	assert_int_equal(count("SELECT count(*) FROM cases WHERE state = 'proposed'"), 0);
	/* the check's event carries the version it made, as every change's does */
	assert_int_equal(count("SELECT count(*) FROM event e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'check'"
			       " AND e.new_value = 'hit' AND e.row_version = c.row_version"), 1);
	case_free(c);

	/* and a clearing too */
	assert_int_equal(case_load(fx.s, &fx.caseworker, fx.number, NULL, &c, &err), CD_OK);
	seen = c->row_version;
	case_free(c);
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sis", "another man", &err), CD_OK);
	step.expected_version = seen;
	assert_int_equal(case_step(fx.s, &fx.caseworker, &step, &after, &err), CD_ECONFLICT);
}

/* Four eyes on a hit: who recorded it does not clear it; another supervisor does. */
static void test_recorder_does_not_clear_own_hit(void **state)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_actor sam;
	(void)state;

	assert_int_equal(record(&fx.supervisor, "sltd", "hit", "document listed", &err), CD_OK);
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &fx.supervisor, fx.number, "sltd", "my mistake", &err),
			 CD_EREFUSED);
	assert_non_null(strstr(err.msg, "you recorded the hit on sltd yourself; a supervisor other than supervisor "
					"clears it (four-eyes rule)"));
	assert_int_equal(count("SELECT count(*) FROM checks WHERE cleared_at IS NOT NULL"), 0);
	assert_int_equal(user_add(fx.s, &fx.admin, "sam", CD_ROLE_SUPERVISOR, NULL, "all", &err), CD_OK);
	as("sam", &sam);
	assert_int_equal(cw_check_clear(fx.s, fx.reg, &sam, fx.number, "sltd", "another document", &err), CD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guard_names_lists_until_all_clear, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_hit_held_until_a_supervisor_clears_it, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_replace_keeps_history, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_hit_after_the_read_is_a_conflict, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_recorder_does_not_clear_own_hit, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_refusal_waits_for_answers_not_for_clearing, setup, teardown_fx),
		cmocka_unit_test_setup_teardown(test_hit_after_grant_holds_the_card, setup, teardown_fx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
