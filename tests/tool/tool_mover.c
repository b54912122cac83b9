/*
 * tool_mover.c - a test helper (in the spirit of git's t/helper): one process that moves
 * the cases it is given back and forth (request_documents <-> documents_received) through
 * the real model and workflow API, printing a line after every committed step, until it
 * has made N steps or is killed.  t_faults.sh kills it with SIGKILL mid-stream.
 *
 * usage: tool_mover STORE STEPS CASE...   (STEPS 0 = forever)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/store/cases.h"
#include "model/identity/countries.h"
#include "model/store/users.h"
#include "workflow/casework.h"

int main(int argc, char **argv)
{
	struct cd_error err = CD_ERROR_INIT;
	struct cd_store *s = NULL;
	struct wf_registry *reg = NULL;
	struct cd_actor caseworker, clerk;
	char dir[4096];
	long steps, done = 0;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: tool_mover STORE STEPS CASE...\n");
		return 2;
	}
	steps = atol(argv[2]);
	snprintf(dir, sizeof dir, "%s/workflows", cd_data_dir());
	if ((rc = store_open(argv[1], &s, &err)) || (rc = registry_load(dir, &reg, &err)) ||
	    (rc = user_resolve(s, "caseworker", &caseworker, &err)) ||
	    (rc = user_resolve(s, "clerk", &clerk, &err)))
		goto out;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long i = 0; steps == 0 || done < steps; i++) {
		const char *number = argv[3 + i % (argc - 3)];
		struct cd_case *c = NULL;
		if ((rc = case_load(s, &clerk, number, NULL, &c, &err)))
			goto out;
		int waiting = strcmp(c->state, "awaiting_documents") == 0;
		case_free(c);
		struct wf_value v[2] = { { "missing_documents", "passport copy" }, { "documents_due", "2026-12-31" } };
		struct cw_move mv = { .number = number, .today = -1 };
		mv.transition = waiting ? "documents_received" : "request_documents";
		mv.values = waiting ? NULL : v;
		mv.n_values = waiting ? 0 : 2;
		if ((rc = cw_case_move(s, reg, waiting ? &clerk : &caseworker, &mv, NULL, &err)))
			goto out;
		printf("step %ld %s\n", ++done, number);
	}
out:
	if (rc)
		fprintf(stderr, "tool_mover: %s\n", err.msg);
	registry_free(reg);
	store_close(s);
	return rc;
}
