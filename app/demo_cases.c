/*
 * demo_cases.c - the cases of `casedesk demo`: each walked through its workflow by the real
 * engine (cw_case_move), backdated step by step, with plausible field values and the
 * four-eyes rule, so that every case's state, deadline and history agree exactly as they
 * would after real work; and at least one case in every state for training.  See demo_cases.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/store/cases.h"
#include "model/store/checks.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "app/demo_cases.h"
#include "app/demo_dice.h"

/* A plausible value for a field, so required fields are filled as a caseworker would. */
static void field_value(const struct wf_field *f, long day, char *buf, size_t size)
{
	switch (f->type) {
	case WF_DATE:
		/* Ends of validity lie a year or more ahead, due dates a month; other dates are the step's. */
		if (strstr(f->id, "until") || strstr(f->id, "valid_to") || strstr(f->id, "expir"))
			cd_days_format(cd_days_add_months(day, 12 * (1 + (int)demo_rnd_below(3)) - (demo_chance(30) ? 6 : 0)), buf,
				       (unsigned)size);
		else if (strstr(f->id, "due"))
			cd_days_format(day + 30, buf, (unsigned)size);
		else if (strstr(f->id, "exit") || strstr(f->id, "departure"))
			cd_days_format(day + 7 + (long)demo_rnd_below(60), buf, (unsigned)size);
		else
			cd_days_format(day, buf, (unsigned)size);
		break;
	case WF_CHOICE:
		snprintf(buf, size, "%s", f->n_choices ? f->choices[demo_rnd_below((unsigned)f->n_choices)] : "");
		break;
	case WF_NUMBER: {
		double lo = f->has_min ? f->min : 0, hi = f->has_max ? f->max : lo + 100;
		snprintf(buf, size, "%.0f", lo + (double)demo_rnd_below((unsigned)(hi - lo + 1)));
		break;
	}
	case WF_YESNO:
		snprintf(buf, size, "%s", demo_chance(70) ? "yes" : "no");
		break;
	case WF_TEXT:
	default:
		snprintf(buf, size, "%s (demo)", f->label ? f->label : f->id);
		break;
	}
}


static size_t fill_values(const struct workflow *wf, const struct wf_transition *t, long day,
			  struct wf_value values[16], char texts[16][96]);

/*
 * The shortest way from the initial state to `target` (breadth-first over transitions);
 * writes the transitions into path and returns their number, or -1 when unreachable.
 */
static int path_to(const struct workflow *wf, size_t target, const struct wf_transition **path, int max)
{
	size_t n = wf->n_states, *prev_state, *queue, head = 0, tail = 0;
	const struct wf_transition **via;
	int len = -1;

	prev_state = calloc(n, sizeof *prev_state);
	queue = calloc(n, sizeof *queue);
	via = calloc(n, sizeof *via);
	if (!prev_state || !queue || !via)
		goto out;
	for (size_t i = 0; i < n; i++)
		prev_state[i] = (size_t)-1;
	prev_state[wf->initial] = wf->initial;
	queue[tail++] = wf->initial;
	while (head < tail) {
		size_t at = queue[head++];
		if (wf->states[at].final)
			continue;
		for (size_t k = 0; k < wf->n_transitions; k++) {
			const struct wf_transition *t = &wf->transitions[k];
			if (!wf_transition_from(wf, t, wf->states[at].id) || prev_state[t->to] != (size_t)-1)
				continue;
			prev_state[t->to] = at;
			via[t->to] = t;
			queue[tail++] = t->to;
		}
	}
	if (prev_state[target] == (size_t)-1)
		goto out;
	len = 0;
	for (size_t at = target; at != wf->initial; at = prev_state[at])
		len++;
	if (len > max) {
		len = -1;
		goto out;
	}
	int i = len;
	for (size_t at = target; at != wf->initial; at = prev_state[at])
		path[--i] = via[at];
out:
	free(prev_state);
	free(queue);
	free(via);
	return len;
}

/*
 * A user who holds one of the step's roles, preferring the most senior, and not the one
 * who made the last step when another can: decisions are taken under the four-eyes rule.
 */
static const struct cd_actor *pick_actor(const struct demo *d, const struct wf_transition *t,
					 const struct cd_actor *last)
{
	const struct cd_actor *fallback = NULL;
	for (int u = 2; u >= 0; u--) {
		if (!(d->users[u].roles & t->roles))
			continue;
		if (&d->users[u] != last)
			return &d->users[u];
		fallback = &d->users[u];
	}
	return fallback;
}

/*
 * The checks the case's workflow names, answered clear by the caseworker through the same
 * model call as a caseworker's (model/store/checks.h: its rules, event and audit row), so
 * demo cases are decidable as real ones.  Source 'demo', so no one takes them for real.
 */
static int record_checks(struct demo *d, const char *number, const char *at, struct cd_error *err)
{
	const struct workflow *wf;
	struct cd_case *c = NULL;
	int rc;

	if ((rc = case_load(d->s, &d->users[1], number, NULL, &c, err)) ||
	    (rc = registry_for_case(d->reg, d->s, c->workflow_id, c->workflow_version, &wf, err)))
		goto out;
	for (size_t i = 0; i < wf->n_checks && rc == CD_OK; i++) {
		struct cd_check_answer a = {
			.number = c->number, .list = wf->checks[i], .result = "clear", .source = "demo",
			.lists = (const char *const *)wf->checks, .n_lists = wf->n_checks, .at = at,
		};
		rc = checks_record(d->s, &d->users[1], &a, err);
	}
out:
	case_free(c);
	return rc;
}

/* Walks a new case through its workflow with the real engine, as users would have. */
int demo_walk_case(struct demo *d, const char *workflow_id, const char *person, const char *nationality,
		     long opened, struct cd_error *err)
{
	const struct workflow *wf = registry_current(d->reg, workflow_id);
	char number[40], at[40];
	long day = opened;
	int rc;

	if (!wf)
		return cd_error_set(err, CD_ENOTFOUND, _("demo: no workflow %s"), workflow_id);
	demo_iso_at(day, at, sizeof at);
	/* Opened by the clerk or the caseworker; a case in the caseworker's hands from the
	 * start was opened by them (the assignment rule: a clerk hands no case over). */
	int by_caseworker = demo_chance(60);
	const char *holder = demo_chance(75) ? "caseworker" : NULL;
	if ((rc = cw_case_new_at(d->s, d->reg, &d->users[by_caseworker || holder ? 1 : 0], wf->id, person, holder,
				 day, at, number, err)))
		return rc;
	d->cases++;
	/* Guards read real rows: most people were fingerprinted and checked by now. */
	if (demo_chance(85) && (rc = record_checks(d, number, at, err)))
		return rc;
	/* Old cases have mostly been decided, recent ones are under way: walk until today,
	 * a step every few days, sometimes stopping where real cases wait. */
	const char *state = wf->states[wf->initial].id;
	const struct wf_transition *taken[40];
	const struct cd_actor *last_actor = NULL;
	int n_taken = 0, enrolled_now = 0, checked_now = 0, documented_now = 0;
	for (int i = 0, tries = 0; i < 40 && tries < 60; tries++) {
		const struct wf_transition *options[64];
		size_t n = 0;
		for (size_t t = 0; t < wf->n_transitions && n < 64; t++)
			if (wf_transition_from(wf, &wf->transitions[t], state))
				options[n++] = &wf->transitions[t];
		if (!n || (demo_chance(4) && d->today - day < 90))
			break;
		const struct wf_transition *t = options[demo_rnd_below((unsigned)n)];
		/* Loops (documents asked again, sent back) happen, but rarely twice. */
		int seen = 0;
		for (int k = 0; k < n_taken; k++)
			seen |= taken[k] == t;
		if (seen && !demo_chance(15))
			continue;
		/* Withdrawals, discontinuations and inadmissibility are the exception. */
		if ((strstr(t->id, "withdraw") || strstr(t->id, "discontinu") || strstr(t->id, "inadmissib")) &&
		    !demo_chance(5))
			continue;
		long next = day + 1 + (long)demo_rnd_below(12);
		if (next > d->today)
			break;
		/* The actor: a user with the role; four-eyes steps go to whoever did not propose. */
		const struct cd_actor *actor = pick_actor(d, t, last_actor);
		if (!actor)
			continue;
		/* Before a decision, most offices get the fingerprints taken and the checks run
		 * that are still missing; some cases stay waiting for them, as in life. */
		if ((t->guards & WF_GUARD_BIOMETRICS_ENROLLED) && !enrolled_now && demo_chance(60)) {
			if ((rc = biometric_record(d->s, &d->users[0], person, "finger", "all", 60 + (int)demo_rnd_below(40), NULL,
						   0, "demo (synthetic, no template)", 1, err)))
				return rc;
			enrolled_now = 1;
		}
		if ((t->guards & WF_GUARD_DOCUMENTS_PRESENT) && !documented_now && demo_chance(50)) {
			char docno[16];
			snprintf(docno, sizeof docno, "N%c%07u", 'A' + demo_rnd_below(26), demo_rnd_below(10000000));
			if ((rc = document_add(d->s, &d->users[0], person, "passport", docno, nationality, NULL, "2034-12-31", 0, err)))
				return rc;
			documented_now = 1;
		}
		if ((t->guards & (WF_GUARD_CHECKS_CLEAR | WF_GUARD_CHECKS_ANSWERED)) && !checked_now && demo_chance(60)) {
			char checked_at[40];
			demo_iso_at(day, checked_at, sizeof checked_at);
			if ((rc = record_checks(d, number, checked_at, err)))
				return rc;
			checked_now = 1;
		}
		struct wf_value values[16];
		char texts[16][96];
		size_t nv = fill_values(wf, t, next, values, texts);
		demo_iso_at(next, at, sizeof at);
		struct cw_move mv = { .number = number, .transition = t->id, .values = values, .n_values = nv,
				      .at = at, .today = next };
		struct cd_error why = CD_ERROR_INIT;
		rc = cw_case_move(d->s, d->reg, actor, &mv, NULL, &why);
		if (rc == CD_EREFUSED || rc == CD_EINPUT) {
			/* A guard holds the case here (no biometrics, no document): try another way. */
			d->refused++;
			continue;
		}
		if (rc)
			return cd_error_set(err, rc, "%s", why.msg);
		d->steps++;
		last_actor = actor;
		if (n_taken < 40)
			taken[n_taken++] = t;
		i++;
		day = next;
		state = wf->states[t->to].id;
		if (wf->states[t->to].final)
			break;
	}
	return CD_OK;
}

/* Fills a step's required fields as a caseworker would. */
static size_t fill_values(const struct workflow *wf, const struct wf_transition *t, long day,
			  struct wf_value values[16], char texts[16][96])
{
	size_t nv = 0;
	for (size_t f = 0; f < t->n_fields + t->n_optional && nv < 16; f++) {
		int optional = f >= t->n_fields;
		const struct wf_field *fd = &wf->fields[optional ? t->optional[f - t->n_fields] : t->fields[f]];
		/* Optional fields a later fields_complete guard needs are filled too. */
		if (optional && !fd->required)
			continue;
		field_value(fd, day, texts[nv], sizeof texts[nv]);
		values[nv].field = fd->id;
		values[nv].value = texts[nv];
		nv++;
	}
	return nv;
}

/*
 * Before a step guarded by fields_complete: take the loops out of the current state that
 * set a required field (a labour-market-test exemption recorded in place, say), as a
 * caseworker completing the file would.  Refusals here only mean the loop was not needed.
 */
static void take_field_loops(struct demo *d, const struct workflow *wf, const char *number,
			     const struct wf_transition *next, long *day, const struct cd_actor **last)
{
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		int useful = 0;
		if (t == next || t->n_from != 1 || t->from[0] != t->to || !wf_transition_from(wf, t, wf->states[next->from[0]].id))
			continue;
		for (size_t f = 0; f < t->n_fields; f++)
			useful |= wf->fields[t->fields[f]].required;
		if (!useful || t->extend.unit != WF_NONE)
			continue;
		struct wf_value values[16];
		char texts[16][96], at[40];
		size_t nv = fill_values(wf, t, *day + 5, values, texts);
		const struct cd_actor *actor = pick_actor(d, t, *last);
		struct cd_error ignored = CD_ERROR_INIT;
		demo_iso_at(*day + 5, at, sizeof at);
		struct cw_move mv = { .number = number, .transition = t->id, .values = values, .n_values = nv,
				      .at = at, .today = *day + 5 };
		if (actor && cw_case_move(d->s, d->reg, actor, &mv, NULL, &ignored) == CD_OK) {
			*day += 5;
			*last = actor;
			d->steps++;
		}
	}
}

/*
 * Random walks leave rare states empty in a small demo; a trainer needs a case in every
 * state of every workflow.  For each empty state: a person with a passport, enrolled
 * biometrics and clear checks, and a case walked along the shortest path to it.
 */
int demo_cover_every_state(struct demo *d, struct cli *c)
{
	struct cd_case_count *counts;
	size_t n_counts;
	int rc;

	if ((rc = case_counts(d->s, d->today, &counts, &n_counts, &c->err)))
		return rc;
	for (size_t w = 0; w < registry_count(d->reg); w++) {
		const struct workflow *wf = registry_at(d->reg, w);
		for (size_t st = 0; st < wf->n_states; st++) {
			int have = 0;
			for (size_t i = 0; i < n_counts; i++)
				have |= strcmp(counts[i].workflow_id, wf->id) == 0 &&
					strcmp(counts[i].state, wf->states[st].id) == 0;
			if (have)
				continue;
			const struct wf_transition *path[32];
			int len = path_to(wf, st, path, 32);
			if (len < 0)
				continue;
			char person[32], number[40], at[40];
			long day = d->today - 20L * (len + 1);
			/* An existing person takes the case, so --persons N means N people. */
			snprintf(person, sizeof person, "P-%s-%06lu", store_office(d->s),
				 1 + (unsigned long)demo_rnd_below((unsigned)(d->persons > 0 ? d->persons : 1)));
			/* The guards read these rows: make sure this person passes them. */
			struct cd_person_record *pr = NULL;
			char docno[16], issuer[4];
			if ((rc = person_load(d->s, &d->users[0], person, NULL, &pr, &c->err)))
				goto out;
			snprintf(issuer, sizeof issuer, "%s", pr->person.nationality);
			person_record_free(pr);
			snprintf(docno, sizeof docno, "R%c%07u", 'A' + demo_rnd_below(26), demo_rnd_below(10000000));
			if ((rc = document_add(d->s, &d->users[0], person, "passport", docno, issuer, NULL,
					       "2036-01-01", 0, &c->err)) ||
			    (rc = biometric_record(d->s, &d->users[0], person, "finger", "all", 90, NULL, 0,
						   "demo (synthetic, no template)", 1, &c->err)))
				goto out;
			demo_iso_at(day, at, sizeof at);
			if ((rc = cw_case_new_at(d->s, d->reg, &d->users[1], wf->id, person, "caseworker", day, at,
						 number, &c->err)) ||
			    (rc = record_checks(d, number, at, &c->err)))
				goto out;
			d->cases++;
			const struct cd_actor *last = &d->users[0];
			for (int k = 0, pre_taken = -1; k < len; k++) {
				struct wf_value values[16];
				char texts[16][96];
				size_t nv;
				/* A decision paired with a step taken in place (a loop, which no shortest
				 * path holds): that step first, by someone else than the decider. */
				const struct wf_transition *step = path[k];
				if (pre_taken != k && step->four_eyes != WF_NO_PAIR) {
					const struct wf_transition *p = &wf->transitions[step->four_eyes];
					if (p->n_from == 1 && p->from[0] == p->to) {
						step = p;
						pre_taken = k;
						k--;   /* path[k] itself comes next */
					}
				}
				if (step->guards & WF_GUARD_FIELDS_COMPLETE)
					take_field_loops(d, wf, number, step, &day, &last);
				day += 20;
				nv = fill_values(wf, step, day, values, texts);
				demo_iso_at(day, at, sizeof at);
				const struct cd_actor *actor = pick_actor(d, step, last);
				struct cw_move mv = { .number = number, .transition = step->id, .values = values,
						      .n_values = nv, .at = at, .today = day };
				if (!actor || (rc = cw_case_move(d->s, d->reg, actor, &mv, NULL, &c->err))) {
					/* Say which state could not be reached; the demo is still usable. */
					fprintf(stderr, _("demo: no case reaches %s/%s: %s\n"), wf->id, wf->states[st].id,
						actor ? c->err.msg : _("no user holds the role"));
					rc = CD_OK;
					break;
				}
				d->steps++;
				last = actor;
			}
		}
	}
out:
	case_counts_free(counts, n_counts);
	return rc;
}
