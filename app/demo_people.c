/*
 * demo_people.c - the synthetic people of `casedesk demo`: names from data/demo/names.tsv
 * (original script + ICAO Latin) and birth places from data/demo/places.tsv, drawn by each
 * nation's share of arrivals, households registered together, and the seeded duplicates a
 * benchmark looks for.  See demo_people.h.
 */
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/identity/countries.h"
#include "model/store/cases.h"
#include "model/store/person.h"
#include "model/store/person_edit.h"
#include "app/demo_dice.h"
#include "app/demo_people.h"


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

void demo_pools_free(void)
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

struct nation *demo_draw_nation(void)
{
	unsigned total = 0, r;
	for (size_t i = 0; i < N_NATIONS; i++)
		total += nations[i].surname.n ? nations[i].weight : 0;
	r = demo_rnd_below(total);
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
	return p->n ? &p->items[demo_rnd_below((unsigned)p->n)] : NULL;
}

/* A workflow id drawn from the nation's typical mix. */
void demo_draw_workflow(const struct nation *nat, char *out, size_t size)
{
	const char *mix = nat->workflows, *p = mix;
	int words = 1, pick;
	for (const char *q = mix; *q; q++)
		words += *q == ' ';
	pick = (int)demo_rnd_below((unsigned)words);
	while (pick-- > 0)
		p = strchr(p, ' ') + 1;
	size_t len = strcspn(p, " ");
	snprintf(out, size, "%.*s", (int)len, p);
}

/*
 * Where the person lives in the office's town, for the letters (a decision is served at
 * its addressee's postal address, issue 14).  Made from the person's number, not from the
 * dice, so that every other draw of a seeded demo stays as it was.
 */
static int demo_address(struct demo *d, const char *number, struct cd_error *err)
{
	static const char *const streets[] = { "Rustaveli Avenue", "Chavchavadze Avenue", "Pekini Street",
					       "Kostava Street", "Tsereteli Avenue", "Vazha-Pshavela Avenue" };
	unsigned h = 0;
	char line[96];

	for (const char *c = number; *c; c++)
		h = h * 31u + (unsigned char)*c;
	snprintf(line, sizeof line, "%u %s, apt. %u", 1 + h % 120, streets[(h / 120) % 6], 1 + (h / 720) % 90);
	struct cd_address_input in = { .kind = "residence", .line = line, .city = "Tbilisi", .country = "GEO" };
	return address_add(d->s, &d->users[0], number, &in, err);
}

int demo_add_person(struct demo *d, struct nation *nat, char sex, const struct name_pair *surname,
		      int age, char number_out[32], struct cd_error *err)
{
	const struct name_pair *given = draw(sex == 'F' ? &nat->given_f : &nat->given_m);
	const struct name_pair *place = draw(&nat->places);
	char dob[16], sexs[2] = { sex == 'X' ? 'X' : sex, 0 }, at[40];
	int y, m, dd;
	long born = d->today - age * 365L - (long)demo_rnd_below(365);
	struct cd_person p;
	int rc;

	cd_days_to_date(born, &y, &m, &dd);
	/* Some people only know the year or the month of their birth (ICAO allows it). */
	unsigned r = demo_rnd_below(100);
	if (r < 5)
		snprintf(dob, sizeof dob, "%04d", y);
	else if (r < 8)
		snprintf(dob, sizeof dob, "%04d-%02d", y, m);
	else
		snprintf(dob, sizeof dob, "%04d-%02d-%02d", y, m, dd);
	demo_iso_at(d->today - 400 - (long)demo_rnd_below(200), at, sizeof at);
	struct cd_person_input in = {
		.surname = surname->original, .given = given->original,
		.surname_latin = surname->latin, .given_latin = given->latin,
		.sex = sexs, .dob = dob, .nationality = nat->code,
		.birth_place = place ? place->original : NULL, .at = at,
	};
	if ((rc = person_add(d->s, &d->users[0], &in, &p, err)))
		return rc;
	memcpy(number_out, p.number, 32);
	if (demo_chance(88)) {
		char docno[16], expires[16];
		snprintf(docno, sizeof docno, "%c%c%07u", 'A' + demo_rnd_below(26), 'A' + demo_rnd_below(26),
			 demo_rnd_below(10000000));
		/* Most passports valid, some expired: documents_present reads the expiry. */
		cd_days_format(d->today - 400 + (long)demo_rnd_below(3650), expires, sizeof expires);
		if ((rc = document_add(d->s, &d->users[0], p.number, "passport", docno, nat->code, NULL, expires, 0, err)))
			return rc;
	}
	if (demo_chance(80) && (rc = biometric_record(d->s, &d->users[0], p.number, "finger", "all", 60 + (int)demo_rnd_below(40),
						 NULL, 0, "demo (synthetic, no template)", 1, err)))
		return rc;
	return demo_address(d, p.number, err);
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
	for (size_t start = demo_rnd_below((unsigned)len + 1), k = 0; k < 2 && !hit; k++, start = 0)
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
		size_t i = 1 + demo_rnd_below((unsigned)len - 2);
		if (!is_letter(s[i]) || !is_letter(s[i + 1]))
			continue;
		switch (demo_rnd_below(3)) {
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

/*
 * The date of birth as a second registration may give it: the year only, a day or a month
 * off - never a day after `today` (a baby registered on the day it was born, given a day
 * later, is refused like any future birth: the year alone then).
 */
static void vary_dob(const char *dob, long today, char *out, size_t size)
{
	int y, m, d;
	if (strlen(dob) != 10 || sscanf(dob, "%d-%d-%d", &y, &m, &d) != 3 || demo_chance(34)) {
		snprintf(out, size, "%.4s", dob);
		return;
	}
	if (demo_chance(50)) {
		long day = cd_date_to_days(y, m, d) + (demo_chance(50) ? 1 : -1);
		if (day > today)
			snprintf(out, size, "%.4s", dob);
		else
			cd_days_format(day, out, (unsigned)size);
		return;
	}
	m = m == 12 ? 11 : m == 1 ? 2 : m + (demo_chance(50) ? 1 : -1);
	if (d > cd_days_in_month(y, m))
		d = cd_days_in_month(y, m);
	if (cd_date_to_days(y, m, d) > today)
		snprintf(out, size, "%.4s", dob);
	else
		snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

int demo_add_duplicates(struct demo *d, long originals, long count, FILE *truth, struct cd_error *err)
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
			orig = 1 + demo_rnd_below((unsigned)originals);
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
		unsigned r = demo_rnd_below(100);
		int changed = 0;
		if (r < 50) {
			/* One or two spelling rules, on the surname, the given names, or both. */
			snprintf(kind, sizeof kind, "translit");
			size_t used = N_TRANSLIT_RULES;
			for (int k = 0, want = 1 + (int)demo_rnd_below(2); k < 40 && changed < want; k++) {
				size_t ri = demo_rnd_below(N_TRANSLIT_RULES);
				const char *const *rule = translit_rules[ri];
				/* Never the same rule twice, nor one undoing or re-spelling the other's result. */
				if (used < N_TRANSLIT_RULES && (ri == used || strstr(translit_rules[used][1], rule[0]) ||
								strstr(rule[1], translit_rules[used][1])))
					continue;
				if (apply_rule(demo_chance(60) ? sur : giv, sizeof sur, rule[0], rule[1])) {
					changed++;
					used = ri;
				}
			}
		} else if (r < 75) {
			snprintf(kind, sizeof kind, "typo");
			for (int k = 0; k < 4 && !changed; k++)
				changed = apply_typo(demo_chance(60) ? sur : giv, sizeof sur);
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
		if (strcmp(kind, "dob") == 0 || demo_chance(30)) {
			char v[16];
			vary_dob(dob, d->today, v, sizeof v);
			if (strcmp(v, dob) != 0) {
				memcpy(dob, v, sizeof dob);
				size_t kl = strlen(kind);
				if (strcmp(kind, "dob") != 0)
					snprintf(kind + kl, sizeof kind - kl, "+dob");
			} else if (strcmp(kind, "dob") == 0) {
				snprintf(kind, sizeof kind, "exact");   /* a year-only date cannot be cut further */
			}
		}
		demo_iso_at(d->today - (long)demo_rnd_below(300), at, sizeof at);
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

int demo_load_names(struct cd_error *err)
{
	int rc = load_tsv("names.tsv", 4, err);
	return rc ? rc : load_tsv("places.tsv", 3, err);
}
