/* enrolment.c - the duplicate-search policy of an enrolment (see enrolment.h). */
#include "workflow/enrolment.h"

#include <stdio.h>

int enr_search_due(const struct enr_policy *p, const struct bio_helper *h)
{
	return p->state == ENR_PENDING && h && bio_helper_has_finger(h);
}

enum enr_next enr_search(struct enr_policy *p, struct cd_store *s, const struct cd_actor *actor,
			 const struct bio_key *key, struct bio_helper **h, const char *person_ref,
			 const char *finger, const int *cancel)
{
	struct cd_error err = CD_ERROR_INIT;
	struct bio_duplicate d = { 0 };
	int rc;

	if (cancel && *cancel)
		rc = CD_EDEVICE;
	else
		rc = bio_duplicate_search(s, actor, key, *h, person_ref, finger, "enrolment", &d, &err);
	if (cancel && *cancel) {
		/* Cancelled with the capture it came before: as if not made. */
		bio_helper_stop(*h);
		*h = NULL;
		return ENR_CANCELLED;
	}
	if (rc) {
		p->state = ENR_FAILED;
		snprintf(p->failure, sizeof p->failure, "%s", err.msg);
		/* The helper may be gone: the captures get a fresh one. */
		bio_helper_stop(*h);
		*h = NULL;
		return ENR_RESTART;
	}
	if (!d.searched) {
		p->nobody_yet = 1;      /* nobody else has this finger: the next one may do */
		return ENR_CAPTURE;
	}
	p->found = d;
	p->state = d.found ? ENR_HIT : ENR_CLEAR;
	return ENR_CAPTURE;
}

const char *enr_search_outcome(const struct enr_policy *p)
{
	switch (p->state) {
	case ENR_FAILED:
		return "failed";
	case ENR_HIT:
		return "match";
	case ENR_CLEAR:
		return "no match";
	case ENR_PENDING:
		break;
	}
	return "none";
}
