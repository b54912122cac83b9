/*
 * registration.c - the duplicate policy of registration (see registration.h): the one
 * place where scores become "registered" or "refused", so the command line and the
 * screen cannot decide the same input differently.
 */
#include "workflow/registration.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"

void registration_verdict_release(struct reg_verdict *v)
{
	dupes_free(v->candidates, v->n);
	v->candidates = NULL;
	v->n = 0;
	v->n_blocking = 0;
	v->outcome = REG_CLEAR;
}

int registration_check(struct cd_store *s, const struct cd_person_input *in, const char *doc_number,
		       const struct cd_dupe_thresholds *th, struct reg_verdict *v, struct cd_error *err)
{
	struct cd_dupe *d = NULL;
	size_t n = 0, keep = 0;
	int rc;

	assert(th && th->warn <= th->block);
	registration_verdict_release(v);
	v->th = *th;
	/*
	 * The thresholds come from the user's own settings file.  On a real store that file may
	 * make the check stricter, never looser: the office's thresholds are the ceiling, so no
	 * account switches the duplicate block off for itself (an auditor's finding).  Training
	 * stores take any value, to practise with.
	 */
	if (!store_is_training(s)) {
		if (v->th.block > DUPES_BLOCK_DEFAULT)
			v->th.block = DUPES_BLOCK_DEFAULT;
		if (v->th.warn > DUPES_WARN_DEFAULT)
			v->th.warn = DUPES_WARN_DEFAULT;
	}
	th = &v->th;
	if ((rc = dupes_find(s, in, doc_number && *doc_number ? doc_number : NULL, &d, &n, err)))
		return rc;
	/* Best first: keep those at or above warn; the rest are not this policy's business. */
	while (keep < n && d[keep].score >= th->warn)
		keep++;
	for (size_t i = keep; i < n; i++) {
		free(d[i].surname);
		free(d[i].given);
		free(d[i].surname_latin);
		free(d[i].given_latin);
	}
	v->candidates = d;
	v->n = keep;
	for (size_t i = 0; i < keep; i++)
		v->n_blocking += d[i].score >= th->block;
	v->outcome = v->n_blocking ? REG_BLOCKED : keep ? REG_WARN : REG_CLEAR;
	return CD_OK;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

int registration_add(struct cd_store *s, const struct cd_actor *actor, const struct cd_person_input *in,
		     const struct reg_document *doc, const struct cd_dupe_thresholds *th, const char *override,
		     struct reg_verdict *v, struct cd_person *out, struct cd_error *err)
{
	struct cd_buf note = CD_BUF_INIT;
	struct cd_person_input with_note = *in;
	int rc, began = 0;

	if ((rc = registration_check(s, in, doc ? doc->number : NULL, th, v, err)))
		goto out;
	th = &v->th;   /* the thresholds in force (a real store caps the user's) */
	if (v->outcome == REG_BLOCKED && blank(override)) {
		rc = cd_error_set(err, CD_EREFUSED,
				  ngettext("not registered: %d person already registered scores %d or more (the "
					   "[duplicates] block threshold); give a reason to register a new person anyway",
					   "not registered: %d people already registered score %d or more (the "
					   "[duplicates] block threshold); give a reason to register a new person anyway",
					   (unsigned long)v->n_blocking),
				  v->n_blocking, th->block);
		goto out;
	}
	if (v->outcome == REG_BLOCKED) {
		/* The record says what was overridden and why: numbers and scores, no names. */
		buf_puts(&note, "duplicate block overridden (");
		for (size_t i = 0; i < v->n && v->candidates[i].score >= th->block; i++)
			buf_printf(&note, "%s%s score %d", i ? ", " : "", v->candidates[i].number, v->candidates[i].score);
		buf_printf(&note, "; block %d): %s", th->block, override);
		with_note.note = buf_str(&note);
	}
	/* Person and document together: registered whole, or not at all. */
	if ((rc = store_begin(s, err)))
		goto out;
	began = 1;
	if ((rc = person_add(s, actor, &with_note, out, err)))
		goto out;
	if (doc && doc->number && *doc->number &&
	    (rc = document_add(s, actor, out->number, doc->kind ? doc->kind : "passport", doc->number, doc->issuer, NULL,
			       doc->expires && *doc->expires ? doc->expires : NULL, 0, err)))
		goto out;
	rc = store_commit(s, err);
	began = 0;
out:
	if (began)
		store_rollback(s);
	buf_release(&note);
	return rc;
}
