/*
 * demo_cases.h - the cases of `casedesk demo` (app/demo_cases.c), walked through their
 * workflows by the real engine.
 */
#ifndef CD_APP_DEMO_CASES_H
#define CD_APP_DEMO_CASES_H

#include "model/base/error.h"
#include "app/cli.h"
#include "app/demo_people.h"

/* Walks a new case through its workflow with the real engine, as users would have. */
int demo_walk_case(struct demo *d, const char *workflow_id, const char *person, const char *nationality,
		   long opened, struct cd_error *err);
/* Leaves at least one case in every state of every workflow, for training. */
int demo_cover_every_state(struct demo *d, struct cli *c);

#endif
