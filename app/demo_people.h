/*
 * demo_people.h - the synthetic people of `casedesk demo` (app/demo_people.c): the name
 * pools of each nation, one person or a seeded duplicate at a time, and the state of a demo
 * being built (struct demo) that the people and the cases (app/demo_cases.h) write into.
 */
#ifndef CD_APP_DEMO_PEOPLE_H
#define CD_APP_DEMO_PEOPLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/base/error.h"
#include "model/store/store.h"
#include "model/store/users.h"

/* Rows per transaction while filling the store. */
#define DEMO_BATCH 2000

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

struct demo {
	struct cd_store *s;
	struct wf_registry *reg;
	struct cd_actor users[4];      /* clerk, caseworker, supervisor, admin */
	long today;
	long persons;
	int64_t cases, steps, refused;
};

/* Reads data/demo/names.tsv and places.tsv into each nation's pools. */
int demo_load_names(struct cd_error *err);
void demo_pools_free(void);
/* A nation by its share of arrivals, among those with names. */
struct nation *demo_draw_nation(void);
/* A workflow id drawn from the nation's typical mix. */
void demo_draw_workflow(const struct nation *nat, char *out, size_t size);
/* Registers one synthetic person of `age` years; their number into number_out. */
int demo_add_person(struct demo *d, struct nation *nat, char sex, const struct name_pair *surname, int age,
		    char number_out[32], struct cd_error *err);
/* `count` second registrations of people among the first `originals`; the truth to `truth`. */
int demo_add_duplicates(struct demo *d, long originals, long count, FILE *truth, struct cd_error *err);

#endif
