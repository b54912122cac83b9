/*
 * demo.c - `casedesk demo`: a training store filled with synthetic but realistic people and
 * cases, for learning, testing and benchmarks.
 *
 * Names come from data/demo/names.tsv (original script + ICAO Latin), birth places from
 * data/demo/places.tsv.  Cases are walked through their workflow by the real engine
 * (cw_case_move), backdated step by step, so every case's state, deadline and history
 * agree exactly as they would after real work: the demo is a replay, not a fabrication.
 * Demo rows carry no audit or outbox entries (store_set_bulk): nobody saw or changed these
 * people, and there is nothing to send to the national tier.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/base/caldate.h"
#include "model/store/cases.h"
#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/person.h"
#include "model/store/roles.h"
#include "model/store/users.h"
#include "app/cli.h"

#define DEMO_BATCH 2000

/* xorshift64*: reproducible for a given --seed on every machine. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}
static unsigned rnd_below(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }
static int chance(unsigned percent) { return rnd_below(100) < percent; }

struct name_pair {
	char *original, *latin;
};

struct pool {
	struct name_pair *items;
	size_t n, cap;
};

struct nation {
	char code[4];
	unsigned weight;               /* share of arrivals, per mille */
	const char *workflows;         /* which case types its people mostly have */
	struct pool surname, surname_f, given_m, given_f, places;
};

/* A plausible mix for an office in central Europe; weights are per mille. */
static struct nation nations[] = {
	{ "UKR", 190, "residence work residence asylum", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "SYR", 110, "asylum asylum asylum residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "AFG", 100, "asylum asylum asylum residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "GEO", 70, "visa work residence asylum", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "RUS", 60, "visa residence asylum work", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "TUR", 60, "work visa residence asylum", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "IRQ", 50, "asylum asylum residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "ARM", 40, "visa work residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "BLR", 40, "residence work asylum visa", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "MDA", 40, "work residence visa", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "IRN", 30, "asylum visa residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "IND", 30, "work visa work", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "VNM", 25, "work visa residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "PAK", 25, "asylum work visa", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "AZE", 25, "visa work residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "NGA", 20, "visa work asylum", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "ERI", 20, "asylum asylum", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "CHN", 20, "visa work", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "ALB", 15, "work visa", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "SRB", 10, "work visa residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "BGR", 5, "residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "ROU", 5, "residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "POL", 5, "residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "CZE", 5, "residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
	{ "DEU", 5, "residence", { 0 }, { 0 }, { 0 }, { 0 }, { 0 } },
};
#define N_NATIONS (sizeof nations / sizeof nations[0])

static struct nation *nation_by_code(const char *code)
{
	for (size_t i = 0; i < N_NATIONS; i++)
		if (strcmp(nations[i].code, code) == 0)
			return &nations[i];
	return NULL;
}

static int pool_add(struct pool *p, const char *original, const char *latin)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 32;
		struct name_pair *g = realloc(p->items, ncap * sizeof *g);
		if (!g)
			return -1;
		p->items = g;
		p->cap = ncap;
	}
	p->items[p->n].original = strdup(original);
	p->items[p->n].latin = strdup(latin);
	p->n++;
	return 0;
}

static void pools_free(void)
{
	for (size_t i = 0; i < N_NATIONS; i++) {
		struct pool *all[] = { &nations[i].surname, &nations[i].surname_f, &nations[i].given_m,
				       &nations[i].given_f, &nations[i].places };
		for (size_t k = 0; k < 5; k++) {
			for (size_t j = 0; j < all[k]->n; j++) {
				free(all[k]->items[j].original);
				free(all[k]->items[j].latin);
			}
			free(all[k]->items);
			memset(all[k], 0, sizeof *all[k]);
		}
	}
}

/* Reads a TAB-separated data file; `columns` 4 for names (code, kind, original, latin), 3 for places. */
static int load_tsv(const char *name, int columns, struct cd_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0, lineno = 0;
	FILE *f;
	int rc = CD_OK;

	snprintf(path, sizeof path, "%s/demo/%s", cd_data_dir(), name);
	if (!(f = fopen(path, "r")))
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read demo data"), path);
	while (getline(&line, &cap, f) > 0) {
		char *col[4] = { 0 }, *p = line;
		int n = 0;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		while (n < 4) {
			col[n++] = p;
			if (!(p = strchr(p, '\t')))
				break;
			*p++ = '\0';
		}
		if (n != columns) {
			rc = cd_error_set(err, CD_EINPUT, ngettext("%s:%zu: expected %d TAB-separated column",
						   "%s:%zu: expected %d TAB-separated columns", (unsigned long)columns), path,
					  lineno, columns);
			break;
		}
		struct nation *nat = nation_by_code(col[0]);
		if (!nat)
			continue;   /* a nationality the demo mix does not draw */
		struct pool *pool;
		if (columns == 3)
			pool = &nat->places;
		else if (strcmp(col[1], "surname") == 0)
			pool = &nat->surname;
		else if (strcmp(col[1], "surname_f") == 0)
			pool = &nat->surname_f;
		else if (strcmp(col[1], "given_m") == 0)
			pool = &nat->given_m;
		else if (strcmp(col[1], "given_f") == 0)
			pool = &nat->given_f;
		else {
			rc = cd_error_set(err, CD_EINPUT, _("%s:%zu: unknown kind %s"), path, lineno, col[1]);
			break;
		}
		if (columns == 3 ? pool_add(pool, col[1], col[2]) : pool_add(pool, col[2], col[3])) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static struct nation *draw_nation(void)
{
	unsigned total = 0, r;
	for (size_t i = 0; i < N_NATIONS; i++)
		total += nations[i].surname.n ? nations[i].weight : 0;
	r = rnd_below(total);
	for (size_t i = 0; i < N_NATIONS; i++) {
		if (!nations[i].surname.n)
			continue;
		if (r < nations[i].weight)
			return &nations[i];
		r -= nations[i].weight;
	}
	return &nations[0];
}

static const struct name_pair *draw(const struct pool *p)
{
	return p->n ? &p->items[rnd_below((unsigned)p->n)] : NULL;
}

/* A workflow id drawn from the nation's typical mix. */
static void draw_workflow(const struct nation *nat, char *out, size_t size)
{
	const char *mix = nat->workflows, *p = mix;
	int words = 1, pick;
	for (const char *q = mix; *q; q++)
		words += *q == ' ';
	pick = (int)rnd_below((unsigned)words);
	while (pick-- > 0)
		p = strchr(p, ' ') + 1;
	size_t len = strcspn(p, " ");
	snprintf(out, size, "%.*s", (int)len, p);
}

static void iso_at(long day, char *buf, size_t size)
{
	int y, m, d;
	cd_days_to_date(day, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02dT%02u:%02u:00.000Z", y, m, d, 8 + rnd_below(9), rnd_below(60));
}

/* A plausible value for a field, so required fields are filled as a caseworker would. */
static void field_value(const struct wf_field *f, long day, char *buf, size_t size)
{
	switch (f->type) {
	case WF_DATE:
		/* Ends of validity lie a year or more ahead, due dates a month; other dates are the step's. */
		if (strstr(f->id, "until") || strstr(f->id, "valid_to") || strstr(f->id, "expir"))
			cd_days_format(cd_days_add_months(day, 12 * (1 + (int)rnd_below(3)) - (chance(30) ? 6 : 0)), buf,
				       (unsigned)size);
		else if (strstr(f->id, "due"))
			cd_days_format(day + 30, buf, (unsigned)size);
		else if (strstr(f->id, "exit") || strstr(f->id, "departure"))
			cd_days_format(day + 7 + (long)rnd_below(60), buf, (unsigned)size);
		else
			cd_days_format(day, buf, (unsigned)size);
		break;
	case WF_CHOICE:
		snprintf(buf, size, "%s", f->n_choices ? f->choices[rnd_below((unsigned)f->n_choices)] : "");
		break;
	case WF_NUMBER: {
		double lo = f->has_min ? f->min : 0, hi = f->has_max ? f->max : lo + 100;
		snprintf(buf, size, "%.0f", lo + (double)rnd_below((unsigned)(hi - lo + 1)));
		break;
	}
	case WF_YESNO:
		snprintf(buf, size, "%s", chance(70) ? "yes" : "no");
		break;
	case WF_TEXT:
	default:
		snprintf(buf, size, "%s (demo)", f->label ? f->label : f->id);
		break;
	}
}

struct demo {
	struct cd_store *s;
	struct wf_registry *reg;
	struct cd_actor users[4];      /* clerk, caseworker, supervisor, admin */
	long today;
	long persons;
	int64_t cases, steps, refused;
};

static size_t fill_values(const struct workflow *wf, const struct wf_transition *t, long day,
			  struct wf_value values[16], char texts[16][96]);

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

/* Walks a new case through its workflow with the real engine, as users would have. */
static int walk_case(struct demo *d, const char *workflow_id, const char *person, const char *nationality,
		     long opened, struct cd_error *err)
{
	const struct workflow *wf = registry_current(d->reg, workflow_id);
	char number[40], at[40];
	long day = opened;
	int rc;

	if (!wf)
		return cd_error_set(err, CD_ENOTFOUND, _("demo: no workflow %s"), workflow_id);
	iso_at(day, at, sizeof at);
	if ((rc = cw_case_new_at(d->s, d->reg, &d->users[chance(60) ? 1 : 0], wf->id, person,
				 chance(75) ? "caseworker" : NULL, day, at, number, err)))
		return rc;
	d->cases++;
	/* Guards read real rows: most people were fingerprinted and checked by now. */
	if (chance(85) && (rc = case_check_record(d->s, &d->users[1], number, "sis-lost-stolen", "clear",
						  "demo", err)))
		return rc;
	/* Old cases have mostly been decided, recent ones are under way: walk until today,
	 * a step every few days, sometimes stopping where real cases wait. */
	const char *state = wf->states[wf->initial].id;
	const struct wf_transition *taken[40];
	const struct cd_actor *taken_by[40];
	const struct cd_actor *last_actor = NULL;
	int n_taken = 0, enrolled_now = 0, checked_now = 0, documented_now = 0;
	for (int i = 0, tries = 0; i < 40 && tries < 60; tries++) {
		const struct wf_transition *options[64];
		size_t n = 0;
		for (size_t t = 0; t < wf->n_transitions && n < 64; t++)
			if (wf_transition_from(wf, &wf->transitions[t], state))
				options[n++] = &wf->transitions[t];
		if (!n || (chance(4) && d->today - day < 90))
			break;
		const struct wf_transition *t = options[rnd_below((unsigned)n)];
		/* A proposal made in place (a loop: the inadmissibility proposed, the judgment
		 * entered) is mostly followed by the decision it pairs with. */
		for (size_t k = 0; k < n && n_taken > 0 && chance(90); k++)
			if (options[k]->four_eyes != WF_NO_PAIR &&
			    &wf->transitions[options[k]->four_eyes] == taken[n_taken - 1] &&
			    taken[n_taken - 1]->n_from == 1 && taken[n_taken - 1]->from[0] == taken[n_taken - 1]->to) {
				t = options[k];
				break;
			}
		/* Loops (documents asked again, sent back) happen, but rarely twice. */
		int seen = 0;
		for (int k = 0; k < n_taken; k++)
			seen |= taken[k] == t;
		if (seen && !chance(15))
			continue;
		/* A four-eyes decision goes to someone other than who took the step it pairs with. */
		const struct cd_actor *avoid = last_actor;
		int proposed = 0;
		for (int k = n_taken; k-- > 0 && t->four_eyes != WF_NO_PAIR;)
			if (taken[k] == &wf->transitions[t->four_eyes]) {
				avoid = taken_by[k];
				proposed = 1;
				break;
			}
		/* Withdrawals, discontinuations and inadmissibility are the exception (once
		 * proposed, an inadmissibility is decided). */
		if ((strstr(t->id, "withdraw") || strstr(t->id, "discontinu") || strstr(t->id, "inadmissib")) &&
		    !proposed && !chance(t->n_from == 1 && t->from[0] == t->to ? 15 : 5))
			continue;
		long next = day + 1 + (long)rnd_below(12);
		if (next > d->today)
			break;
		/* The actor: a user with the role; four-eyes steps go to whoever did not propose. */
		const struct cd_actor *actor = pick_actor(d, t, avoid);
		if (!actor)
			continue;
		/* Before a decision, most offices get the fingerprints taken and the checks run
		 * that are still missing; some cases stay waiting for them, as in life. */
		if ((t->guards & WF_GUARD_BIOMETRICS_ENROLLED) && !enrolled_now && chance(60)) {
			if ((rc = biometric_record(d->s, &d->users[0], person, "finger", "all", 60 + (int)rnd_below(40), NULL,
						   0, "demo (synthetic, no template)", 1, err)))
				return rc;
			enrolled_now = 1;
		}
		if ((t->guards & WF_GUARD_DOCUMENTS_PRESENT) && !documented_now && chance(50)) {
			char docno[16];
			snprintf(docno, sizeof docno, "N%c%07u", 'A' + rnd_below(26), rnd_below(10000000));
			if ((rc = document_add(d->s, &d->users[0], person, "passport", docno, nationality, NULL, "2034-12-31", 0, err)))
				return rc;
			documented_now = 1;
		}
		if ((t->guards & WF_GUARD_CHECKS_CLEAR) && !checked_now && chance(60)) {
			if ((rc = case_check_record(d->s, &d->users[1], number, "sis-lost-stolen", "clear", "demo", err)))
				return rc;
			checked_now = 1;
		}
		struct wf_value values[16];
		char texts[16][96];
		size_t nv = fill_values(wf, t, next, values, texts);
		iso_at(next, at, sizeof at);
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
		if (n_taken < 40) {
			taken_by[n_taken] = actor;
			taken[n_taken++] = t;
		}
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

static int add_person(struct demo *d, struct nation *nat, char sex, const struct name_pair *surname,
		      int age, char number_out[32], struct cd_error *err)
{
	const struct name_pair *given = draw(sex == 'F' ? &nat->given_f : &nat->given_m);
	const struct name_pair *place = draw(&nat->places);
	char dob[16], sexs[2] = { sex == 'X' ? 'X' : sex, 0 }, at[40];
	int y, m, dd;
	long born = d->today - age * 365L - (long)rnd_below(365);
	struct cd_person p;
	int rc;

	cd_days_to_date(born, &y, &m, &dd);
	/* Some people only know the year or the month of their birth (ICAO allows it). */
	unsigned r = rnd_below(100);
	if (r < 5)
		snprintf(dob, sizeof dob, "%04d", y);
	else if (r < 8)
		snprintf(dob, sizeof dob, "%04d-%02d", y, m);
	else
		snprintf(dob, sizeof dob, "%04d-%02d-%02d", y, m, dd);
	iso_at(d->today - 400 - (long)rnd_below(200), at, sizeof at);
	struct cd_person_input in = {
		.surname = surname->original, .given = given->original,
		.surname_latin = surname->latin, .given_latin = given->latin,
		.sex = sexs, .dob = dob, .nationality = nat->code,
		.birth_place = place ? place->original : NULL, .at = at,
	};
	if ((rc = person_add(d->s, &d->users[0], &in, &p, err)))
		return rc;
	memcpy(number_out, p.number, 32);
	if (chance(88)) {
		char docno[16], expires[16];
		snprintf(docno, sizeof docno, "%c%c%07u", 'A' + rnd_below(26), 'A' + rnd_below(26),
			 rnd_below(10000000));
		/* Most passports valid, some expired: documents_present reads the expiry. */
		cd_days_format(d->today - 400 + (long)rnd_below(3650), expires, sizeof expires);
		if ((rc = document_add(d->s, &d->users[0], p.number, "passport", docno, nat->code, NULL, expires, 0, err)))
			return rc;
	}
	if (chance(80) && (rc = biometric_record(d->s, &d->users[0], p.number, "finger", "all", 60 + (int)rnd_below(40),
						 NULL, 0, "demo (synthetic, no template)", 1, err)))
		return rc;
	return CD_OK;
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
		iso_at(*day + 5, at, sizeof at);
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
static int cover_every_state(struct demo *d, struct cli *c)
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
				 1 + (unsigned long)rnd_below((unsigned)(d->persons > 0 ? d->persons : 1)));
			/* The guards read these rows: make sure this person passes them. */
			struct cd_person_record *pr = NULL;
			char docno[16], issuer[4];
			if ((rc = person_load(d->s, &d->users[0], person, NULL, &pr, &c->err)))
				goto out;
			snprintf(issuer, sizeof issuer, "%s", pr->person.nationality);
			person_record_free(pr);
			snprintf(docno, sizeof docno, "R%c%07u", 'A' + rnd_below(26), rnd_below(10000000));
			if ((rc = document_add(d->s, &d->users[0], person, "passport", docno, issuer, NULL,
					       "2036-01-01", 0, &c->err)) ||
			    (rc = biometric_record(d->s, &d->users[0], person, "finger", "all", 90, NULL, 0,
						   "demo (synthetic, no template)", 1, &c->err)))
				goto out;
			iso_at(day, at, sizeof at);
			if ((rc = cw_case_new_at(d->s, d->reg, &d->users[0], wf->id, person, "caseworker", day, at,
						 number, &c->err)) ||
			    (rc = case_check_record(d->s, &d->users[1], number, "sis-lost-stolen", "clear", "demo",
						    &c->err)))
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
				iso_at(day, at, sizeof at);
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

/*
 * Seeded duplicates (--seed-duplicates PERCENT, for the benchmark): that share of the N people
 * is a person registered a second time the way a real office gets duplicates: typed in Latin
 * by a clerk under a transliteration variant (SHEVCHENKO -> SCHEVCHENKO, ALEKSANDR ->
 * ALEXANDR), with a typo, with surname and given names swapped, or with the date of birth
 * cut to the year or off by a day or a month; same nationality, no document, no case.  The
 * truth goes to STORE.duplicates.tsv (original, duplicate, kind): bench data, not store data.
 */
static const char *const translit_rules[][2] = {
	{ "KH", "H" }, { "SH", "SCH" }, { "IA", "YA" }, { "IU", "YU" }, { "E", "IE" }, { "KS", "X" },
	{ "V", "W" }, { "CH", "TSCH" }, { "TS", "Z" }, { "Y", "I" }, { "J", "Y" }, { "OU", "U" },
	{ "ZH", "J" }, { "OO", "U" }, { "IE", "E" }, { "YA", "IA" }, { "YU", "IU" },
};
#define N_TRANSLIT_RULES (sizeof translit_rules / sizeof translit_rules[0])

/* Replaces the first `from` at or after a random position in s (size bytes); 1 when changed. */
static int apply_rule(char *s, size_t size, const char *from, const char *to)
{
	size_t len = strlen(s), fl = strlen(from), tl = strlen(to);
	char *hit = NULL;
	for (size_t start = rnd_below((unsigned)len + 1), k = 0; k < 2 && !hit; k++, start = 0)
		hit = strstr(s + start, from);
	if (!hit || len - fl + tl + 1 > size)
		return 0;
	memmove(hit + tl, hit + fl, len - (size_t)(hit - s) - fl + 1);
	memcpy(hit, to, tl);
	return 1;
}

static int is_letter(char ch) { return ch >= 'A' && ch <= 'Z'; }

/* A typo: a letter doubled, a letter left out, or two neighbours swapped; 1 when changed. */
static int apply_typo(char *s, size_t size)
{
	size_t len = strlen(s);
	if (len < 4)
		return 0;
	for (int tries = 0; tries < 8; tries++) {
		size_t i = 1 + rnd_below((unsigned)len - 2);
		if (!is_letter(s[i]) || !is_letter(s[i + 1]))
			continue;
		switch (rnd_below(3)) {
		case 0:
			if (len + 2 > size)
				return 0;
			memmove(s + i + 1, s + i, len - i + 1);
			return 1;
		case 1:
			memmove(s + i, s + i + 1, len - i);
			return 1;
		default:
			if (s[i] == s[i + 1])
				continue;
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
			return 1;
		}
	}
	return 0;
}

/* The date of birth as a second registration may give it: the year only, a day or a month off. */
static void vary_dob(const char *dob, char *out, size_t size)
{
	int y, m, d;
	if (strlen(dob) != 10 || sscanf(dob, "%d-%d-%d", &y, &m, &d) != 3 || chance(34)) {
		snprintf(out, size, "%.4s", dob);
		return;
	}
	if (chance(50)) {
		cd_days_format(cd_date_to_days(y, m, d) + (chance(50) ? 1 : -1), out, (unsigned)size);
		return;
	}
	m = m == 12 ? 11 : m == 1 ? 2 : m + (chance(50) ? 1 : -1);
	if (d > cd_days_in_month(y, m))
		d = cd_days_in_month(y, m);
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

static int add_duplicates(struct demo *d, long originals, long count, FILE *truth, struct cd_error *err)
{
	unsigned char *taken = calloc((size_t)originals + 1, 1);
	int rc = CD_OK;
	if (!taken)
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	if ((rc = store_begin(d->s, err)))
		goto out;
	for (long i = 0; i < count; i++) {
		unsigned long orig;
		do
			orig = 1 + rnd_below((unsigned)originals);
		while (taken[orig]);
		taken[orig] = 1;
		char number[32], sur[160], giv[160], dob[16], at[40], kind[24];
		struct cd_person_record *pr = NULL;
		snprintf(number, sizeof number, "P-%s-%06lu", store_office(d->s), orig);
		if ((rc = person_load(d->s, &d->users[0], number, NULL, &pr, err)))
			goto out_txn;
		snprintf(sur, sizeof sur, "%s", pr->person.surname_latin);
		snprintf(giv, sizeof giv, "%s", pr->person.given_latin);
		snprintf(dob, sizeof dob, "%s", pr->person.dob);
		unsigned r = rnd_below(100);
		int changed = 0;
		if (r < 50) {
			/* One or two spelling rules, on the surname, the given names, or both. */
			snprintf(kind, sizeof kind, "translit");
			size_t used = N_TRANSLIT_RULES;
			for (int k = 0, want = 1 + (int)rnd_below(2); k < 40 && changed < want; k++) {
				size_t ri = rnd_below(N_TRANSLIT_RULES);
				const char *const *rule = translit_rules[ri];
				/* Never the same rule twice, nor one undoing or re-spelling the other's result. */
				if (used < N_TRANSLIT_RULES && (ri == used || strstr(translit_rules[used][1], rule[0]) ||
								strstr(rule[1], translit_rules[used][1])))
					continue;
				if (apply_rule(chance(60) ? sur : giv, sizeof sur, rule[0], rule[1])) {
					changed++;
					used = ri;
				}
			}
		} else if (r < 75) {
			snprintf(kind, sizeof kind, "typo");
			for (int k = 0; k < 4 && !changed; k++)
				changed = apply_typo(chance(60) ? sur : giv, sizeof sur);
		} else if (r < 90) {
			char t[160];
			snprintf(kind, sizeof kind, "swapped");
			memcpy(t, sur, sizeof t);
			memcpy(sur, giv, sizeof sur);
			memcpy(giv, t, sizeof giv);
			changed = strcmp(sur, giv) != 0;
		} else {
			snprintf(kind, sizeof kind, "dob");
		}
		if (!changed && strcmp(kind, "dob") != 0)
			snprintf(kind, sizeof kind, "dob");
		/* A second registration often gets the date of birth less exactly. */
		if (strcmp(kind, "dob") == 0 || chance(30)) {
			char v[16];
			vary_dob(dob, v, sizeof v);
			if (strcmp(v, dob) != 0) {
				memcpy(dob, v, sizeof dob);
				size_t kl = strlen(kind);
				if (strcmp(kind, "dob") != 0)
					snprintf(kind + kl, sizeof kind - kl, "+dob");
			} else if (strcmp(kind, "dob") == 0) {
				snprintf(kind, sizeof kind, "exact");   /* a year-only date cannot be cut further */
			}
		}
		iso_at(d->today - (long)rnd_below(300), at, sizeof at);
		struct cd_person_input in = {
			.surname = sur, .given = giv, .sex = pr->person.sex, .dob = dob,
			.nationality = pr->person.nationality, .at = at,
		};
		struct cd_person p;
		rc = person_add(d->s, &d->users[0], &in, &p, err);
		person_record_free(pr);
		if (rc)
			goto out_txn;
		fprintf(truth, "%s\t%s\t%s\n", number, p.number, kind);
		if ((i + 1) % DEMO_BATCH == 0 && ((rc = store_commit(d->s, err)) || (rc = store_begin(d->s, err))))
			goto out;
	}
	rc = store_commit(d->s, err);
	goto out;
out_txn:
	store_rollback(d->s);
out:
	free(taken);
	return rc;
}

int cmd_demo(struct cli *c)
{
	const char *persons_s = cli_take(c, "--persons"), *seed_s = cli_take(c, "--seed");
	const char *office = cli_take(c, "--office");
	const char *dup_s = cli_take(c, "--seed-duplicates");
	long persons, dup_percent, n_dups = 0;
	FILE *truth = NULL;
	char truth_path[4200] = "";
	struct demo d = { 0 };
	struct timespec t0, t1;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "demo --persons N [--seed S] [--office CODE] [--seed-duplicates PERCENT]")))
		return rc;
	persons = persons_s ? strtol(persons_s, NULL, 10) : 0;
	if (persons < 1 || persons > 20000000)
		return cd_error_set(&c->err, CD_EUSAGE, _("--persons: give a number from 1 to 20000000"));
	dup_percent = dup_s ? strtol(dup_s, NULL, 10) : 0;
	if (dup_percent < 0 || dup_percent > 50)
		return cd_error_set(&c->err, CD_EUSAGE, _("--seed-duplicates: give a percentage from 0 to 50"));
	/* The duplicates count inside N: N - n_dups originals, then n_dups second registrations. */
	n_dups = persons * dup_percent / 100;
	rng_state = seed_s ? strtoull(seed_s, NULL, 10) * 0x9e3779b97f4a7c15ull + 1 : 0x2545f4914f6cdd1dull;
	if (!c->store_path)
		return cd_error_set(&c->err, CD_EUSAGE, _("which file? give --store FILE or set CASEDESK_STORE"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Millions of short-lived rows: keep freed memory instead of trimming the heap each time. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	if ((rc = load_tsv("names.tsv", 4, &c->err)) || (rc = load_tsv("places.tsv", 3, &c->err)))
		goto out;
	struct cd_store_create_opts opts = { .office = office ? office : "TBS", .training = 1 };
	if ((rc = store_create(c->store_path, &opts, &c->err)) || (rc = cli_open_store(c)) ||
	    (rc = cli_install_shipped(c)) || (rc = cli_load_workflows(c)))
		goto out;
	d.s = c->store;
	d.reg = c->reg;
	d.persons = persons;
	persons -= n_dups;
	d.today = store_today(c->store);
	static const char *const names[] = { "clerk", "caseworker", "supervisor", "admin" };
	for (int i = 0; i < 4; i++)
		if ((rc = user_resolve(c->store, names[i], &d.users[i], &c->err)))
			goto out;
	if ((rc = store_set_bulk(c->store, 1, &c->err)))
		goto out;
	if ((rc = store_begin(c->store, &c->err)))
		goto out;
	long committed_at = 0;
	for (long i = 0; i < persons;) {
		struct nation *nat = draw_nation();
		char head[32], partner[32], child[32], wfid[32];
		char sex = chance(1) ? 'X' : chance(58) ? 'M' : 'F';
		int household = chance(25) && i + 2 < persons;
		long opened = d.today - (long)rnd_below(420);
		size_t si = rnd_below((unsigned)nat->surname.n);
		const struct name_pair *sur = &nat->surname.items[si];
		const struct name_pair *sur_f = nat->surname_f.n == nat->surname.n ? &nat->surname_f.items[si] : sur;

		if ((rc = add_person(&d, nat, sex, sex == 'F' ? sur_f : sur, 18 + (int)rnd_below(50), head, &c->err)))
			goto out_txn;
		i++;
		if (chance(70)) {
			draw_workflow(nat, wfid, sizeof wfid);
			if ((rc = walk_case(&d, wfid, head, nat->code, opened, &c->err)))
				goto out_txn;
		}
		if (household) {
			/* A family arriving together: a partner and children with the family name. */
			char psex = sex == 'M' ? 'F' : 'M';
			if ((rc = add_person(&d, nat, psex, psex == 'F' ? sur_f : sur, 18 + (int)rnd_below(45), partner,
					     &c->err)) ||
			    (rc = family_link(c->store, &d.users[0], head, partner, "spouse", &c->err)))
				goto out_txn;
			i++;
			if (chance(60) && (rc = walk_case(&d, strstr(nat->workflows, "asylum") ? "asylum" : "residence",
							  partner, nat->code, opened, &c->err)))
				goto out_txn;
			for (int k = (int)rnd_below(4); k > 0 && i < persons; k--, i++) {
				char csex = chance(50) ? 'M' : 'F';
				if ((rc = add_person(&d, nat, csex, csex == 'F' ? sur_f : sur, (int)rnd_below(17), child,
						     &c->err)) ||
				    (rc = family_link(c->store, &d.users[0], head, child, "child", &c->err)))
					goto out_txn;
			}
		}
		if (i - committed_at >= DEMO_BATCH || i >= persons) {
			committed_at = i;
			if ((rc = store_commit(c->store, &c->err)))
				goto out;
			if (persons >= 20000 && isatty(2))
				fprintf(stderr, "\r%s %ld/%ld", _("demo: people"), i, persons);
			if (i < persons && (rc = store_begin(c->store, &c->err)))
				goto out;
		}
	}
	if (n_dups > 0) {
		snprintf(truth_path, sizeof truth_path, "%s.duplicates.tsv", c->store_path);
		if (!(truth = fopen(truth_path, "w"))) {
			rc = cd_error_set(&c->err, CD_ESTORE, _("%s: cannot write"), truth_path);
			goto out;
		}
		fprintf(truth, "# seeded duplicates of %s: original_number\tduplicate_number\tkind\n", c->store_path);
		if ((rc = add_duplicates(&d, persons, n_dups, truth, &c->err)))
			goto out;
		if (fclose(truth)) {
			truth = NULL;
			rc = cd_error_set(&c->err, CD_ESTORE, _("%s: cannot write"), truth_path);
			goto out;
		}
		truth = NULL;
		persons += n_dups;
	}
	if ((rc = store_begin(c->store, &c->err)))
		goto out;
	if ((rc = cover_every_state(&d, c))) {
		store_rollback(c->store);
		goto out;
	}
	if ((rc = store_commit(c->store, &c->err)))
		goto out;
	if (c->store && persons >= 20000 && isatty(2))
		fprintf(stderr, "\n%s\n", _("demo: building the search index"));
	if ((rc = store_set_bulk(c->store, 0, &c->err)))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (c->json) {
			struct cd_buf b = CD_BUF_INIT;
			struct json_writer w;
			json_init(&w, &b);
			json_object(&w);
			json_kv_string(&w, "store", c->store_path);
			json_kv_int(&w, "persons", persons);
			json_kv_int(&w, "cases", d.cases);
			json_kv_int(&w, "steps", d.steps);
			json_key(&w, "seconds");
			json_fixed(&w, secs, 1);
			json_object_end(&w);
			rc = cli_json_print(c, &w);
			buf_release(&b);
		} else
		{
			/* One count a phrase: each takes its own plural. */
			printf(_("demo store %s: "), c->store_path);
			printf(ngettext("%ld person", "%ld people", (unsigned long)persons), persons);
			fputs(", ", stdout);
			printf(ngettext("%lld case", "%lld cases", (unsigned long)d.cases), (long long)d.cases);
			fputs(", ", stdout);
			printf(ngettext("%lld workflow step", "%lld workflow steps", (unsigned long)d.steps), (long long)d.steps);
			printf(_(" in %.1f s\n"), secs);
		}
	}
	goto out;
out_txn:
	store_rollback(c->store);
out:
	pools_free();
	if (truth)
		fclose(truth);
	if (rc != CD_OK && *truth_path)
		unlink(truth_path);
	if (rc != CD_OK && rc != CD_EUSAGE && d.s) {
		/* A half-filled demo is worth nothing and would mislead: remove it. */
		char side[4096];
		store_close(c->store);
		c->store = NULL;
		unlink(c->store_path);
		snprintf(side, sizeof side, "%s-wal", c->store_path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", c->store_path);
		unlink(side);
	}
	return rc;
}
