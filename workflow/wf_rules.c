/*
 * wf_rules.c - what a loaded workflow decides at run time: durations and the case clock
 * (deadlines that start, stop, resume and extend), field values checked against their
 * types, and whether a step may be taken now (state, role, guards).  Apart from loading
 * (wf_load.c) because none of it reads a file: it answers from a struct workflow and the
 * facts the caller gathered.
 */
#define _GNU_SOURCE
#include "workflow/workflow.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "workflow/wf_internal.h"

/* Large enough for any duration a statute sets, small enough never to overflow a day number. */
#define DURATION_MAX 9999
/* A text field value: a paragraph, not a document. */
#define TEXT_VALUE_MAX 8000

/* Digits with an optional sign and decimal part; no hex, exponents, inf or nan. */
int wf_parse_number(const char *s, double *out)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (*p != '\0' || digits == 0 || strlen(s) > 32)
		return -1;
	*out = strtod(s, NULL);
	return isfinite(*out) ? 0 : -1;
}

/* ------------------------------------------------------------------------------------ */
/* Durations.                                                                            */

int wf_duration_parse(const char *text, struct wf_duration *out, struct cd_error *err)
{
	const char *p = text ? text : "";
	long amount = 0;
	int digits = 0;
	enum wf_unit unit;

	while (*p == ' ')
		p++;
	while (isdigit((unsigned char)*p) && digits < 6) {
		amount = amount * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (!strcmp(p, "d"))
		unit = WF_DAYS;
	else if (!strcmp(p, "wd"))
		unit = WF_WORKING_DAYS;
	else if (!strcmp(p, "w"))
		unit = WF_WEEKS;
	else if (!strcmp(p, "m"))
		unit = WF_MONTHS;
	else
		unit = WF_NONE;
	if (digits == 0 || unit == WF_NONE)
		return cd_error_set(err, CD_EINPUT,
				    _("'%s' is not a duration (a number and d, wd, w or m: 90d, 3wd, 2w, 6m)"),
				    text ? text : "");
	if (amount < 1 || amount > DURATION_MAX)
		return cd_error_set(err, CD_EINPUT, _("'%s': a duration is from 1 to %d"), text,
				    DURATION_MAX);
	if (out) {
		out->amount = (int)amount;
		out->unit = unit;
	}
	return CD_OK;
}

long wf_duration_add(long day, struct wf_duration d)
{
	switch (d.unit) {
	case WF_DAYS:
		return day + d.amount;
	case WF_WORKING_DAYS:
		return cd_days_add_working(day, d.amount);
	case WF_WEEKS:
		return day + 7L * d.amount;
	case WF_MONTHS:
		return cd_days_add_months(day, d.amount);
	case WF_NONE:
		break;
	}
	return day;
}

void wf_duration_format(struct wf_duration d, char *buf, size_t size)
{
	static const char *const units[] = { "", "d", "wd", "w", "m" };

	if (size == 0)
		return;
	if (d.unit == WF_NONE || (unsigned)d.unit >= sizeof units / sizeof units[0])
		buf[0] = '\0';
	else
		snprintf(buf, size, "%d%s", d.amount, units[d.unit]);
}

/* ------------------------------------------------------------------------------------ */
/* Lookups: one each, at run time, so a scan is enough (the loader indexes its own).      */

static size_t state_index(const struct workflow *wf, const char *id)
{
	for (size_t i = 0; i < wf->n_states; i++)
		if (wf->states[i].id && !strcmp(wf->states[i].id, id))
			return i;
	return NO_INDEX;
}

static size_t field_index(const struct workflow *wf, const char *id)
{
	for (size_t i = 0; i < wf->n_fields; i++)
		if (wf->fields[i].id && !strcmp(wf->fields[i].id, id))
			return i;
	return NO_INDEX;
}

const struct wf_state *wf_find_state(const struct workflow *wf, const char *id)
{
	size_t i = id ? state_index(wf, id) : NO_INDEX;
	return i == NO_INDEX ? NULL : &wf->states[i];
}

const struct wf_transition *wf_find_transition(const struct workflow *wf, const char *id)
{
	for (size_t i = 0; id && i < wf->n_transitions; i++)
		if (!strcmp(wf->transitions[i].id, id))
			return &wf->transitions[i];
	return NULL;
}

const struct wf_field *wf_find_field(const struct workflow *wf, const char *id)
{
	size_t i = id ? field_index(wf, id) : NO_INDEX;
	return i == NO_INDEX ? NULL : &wf->fields[i];
}

int wf_transition_from(const struct workflow *wf, const struct wf_transition *t, const char *state_id)
{
	/* By the ids of t's own states: listing the steps open from a state asks this of every
	 * transition, and a lookup of the state among all states made that quadratic. */
	for (size_t i = 0; state_id && i < t->n_from; i++)
		if (wf->states[t->from[i]].id && !strcmp(wf->states[t->from[i]].id, state_id))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Field values.                                                                         */

const char *wf_choice_label(const struct wf_field *f, size_t i)
{
	if (i >= f->n_choices)
		return "";
	return f->choice_labels && f->choice_labels[i] ? f->choice_labels[i] : f->choices[i];
}

int wf_multi_next(const char **pos, char *id, size_t size)
{
	const char *p = *pos, *end;
	size_t n;

	while (*p == ' ' || *p == ',')
		p++;
	if (!*p) {
		*pos = p;
		return 0;
	}
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	*pos = end;
	while (end > p && end[-1] == ' ')
		end--;
	n = (size_t)(end - p);
	if (n >= size)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	return 1;
}

/* The ids of a choice field, "a, b, c", for a message. */
static void choice_list(const struct wf_field *f, char *list, size_t size)
{
	size_t used = 0;

	list[0] = '\0';
	for (size_t i = 0; i < f->n_choices && used < size; i++) {
		int n = snprintf(list + used, size - used, "%s%s", i ? ", " : "", f->choices[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/*
 * A multiple choice value: one or more known ids, separated by commas, none twice
 * (`--set rejection_grounds=no_fear,not_credible`).
 */
static int multi_validate(const struct wf_field *f, const char *value, struct cd_error *err)
{
	const char *pos = value, *start;
	char id[128], before[128], list[256];
	size_t count = 0;
	int r;

	for (start = pos; (r = wf_multi_next(&pos, id, sizeof id)) != 0; start = pos) {
		const char *back = value;
		size_t i = f->n_choices;
		if (r > 0)
			for (i = 0; i < f->n_choices; i++)
				if (!strcmp(f->choices[i], id))
					break;
		if (i == f->n_choices) {
			choice_list(f, list, sizeof list);
			return cd_error_set(err, CD_EINPUT,
					    _("field %s: '%s' is not one of its choices (one or more of: %s, separated by commas)"),
					    f->id, r > 0 ? id : "...", list);
		}
		while (back < start && wf_multi_next(&back, before, sizeof before) > 0)
			if (!strcmp(before, id))
				return cd_error_set(err, CD_EINPUT, _("field %s: '%s' is given twice"), f->id, id);
		count++;
	}
	if (count == 0)
		return cd_error_set(err, CD_EINPUT, _("field %s: a value is needed"), f->id);
	return CD_OK;
}

int wf_field_validate(const struct wf_field *f, const char *value, struct cd_error *err)
{
	double number;
	char list[256];

	if (!value || value[0] == '\0')
		return cd_error_set(err, CD_EINPUT, _("field %s: a value is needed"), f->id);
	switch (f->type) {
	case WF_TEXT:
		if (strlen(value) > TEXT_VALUE_MAX)
			return cd_error_set(err, CD_EINPUT, ngettext("field %s: longer than %d byte", "field %s: longer than %d bytes",
								     (unsigned long)TEXT_VALUE_MAX), f->id,
					    TEXT_VALUE_MAX);
		/* Text fields may hold several lines (a summary, grounds); other controls are refused. */
		return text_check(value, f->id, TEXT_MULTILINE, err);
	case WF_DATE:
		return cd_days_parse(value, f->id, NULL, err);
	case WF_CHOICE:
		if (f->multiple)
			return multi_validate(f, value, err);
		for (size_t i = 0; i < f->n_choices; i++)
			if (!strcmp(f->choices[i], value))
				return CD_OK;
		choice_list(f, list, sizeof list);
		return cd_error_set(err, CD_EINPUT, _("field %s: expected one of: %s"), f->id, list);
	case WF_NUMBER:
		if (wf_parse_number(value, &number) < 0)
			return cd_error_set(err, CD_EINPUT, _("field %s: expected a number"), f->id);
		if ((f->has_min && number < f->min) || (f->has_max && number > f->max)) {
			if (f->has_min && f->has_max)
				return cd_error_set(err, CD_EINPUT, _("field %s: expected a number from %g to %g"),
						    f->id, f->min, f->max);
			if (f->has_min)
				return cd_error_set(err, CD_EINPUT, _("field %s: expected a number of at least %g"),
						    f->id, f->min);
			return cd_error_set(err, CD_EINPUT, _("field %s: expected a number of at most %g"),
					    f->id, f->max);
		}
		return CD_OK;
	case WF_YESNO:
		if (!strcmp(value, "yes") || !strcmp(value, "no"))
			return CD_OK;
		return cd_error_set(err, CD_EINPUT, _("field %s: expected yes or no"), f->id);
	}
	return cd_error_set(err, CD_EINTERNAL, _("field %s: unknown type"), f->id);
}

/* ------------------------------------------------------------------------------------ */
/* Cross-field date rules.                                                               */

/* A date as it stands, or -1: unset, or not a date (wf_field_validate says so). */
static long date_of(const char *(*value_of)(void *ctx, const char *field), void *ctx, const char *field)
{
	const char *v = value_of ? value_of(ctx, field) : NULL;
	long day;

	if (!v || !v[0] || cd_days_parse(v, field, &day, NULL) != CD_OK)
		return -1;
	return day;
}

static const char *label_of(const struct wf_field *f)
{
	return f->label && f->label[0] ? f->label : f->id;
}

/* One rule of field `f` (day `day`) against `other` (day `than`); CD_EINPUT when broken. */
static int rule_holds(const struct workflow *wf, const struct wf_field *f, const struct wf_date_rule *r, long day,
		      long than, struct cd_error *err)
{
	char shown[16];
	const char *other = r->other == WF_TODAY ? _("today") : label_of(&wf->fields[r->other]);
	int ok = 0;

	switch (r->rel) {
	case WF_REL_AFTER: ok = day > than; break;
	case WF_REL_BEFORE: ok = day < than; break;
	case WF_REL_NOT_BEFORE: ok = day >= than; break;
	case WF_REL_NOT_AFTER: ok = day <= than; break;
	}
	if (ok)
		return CD_OK;
	cd_days_format(than, shown, sizeof shown);
	switch (r->rel) {
	case WF_REL_AFTER:
		return cd_error_set(err, CD_EINPUT, _("%s must be after %s (%s)"), label_of(f), other, shown);
	case WF_REL_BEFORE:
		return cd_error_set(err, CD_EINPUT, _("%s must be before %s (%s)"), label_of(f), other, shown);
	case WF_REL_NOT_BEFORE:
		return cd_error_set(err, CD_EINPUT, _("%s must not be before %s (%s)"), label_of(f), other, shown);
	case WF_REL_NOT_AFTER:
		break;
	}
	return cd_error_set(err, CD_EINPUT, _("%s must not be after %s (%s)"), label_of(f), other, shown);
}

/* The rules of field g that involve field `touch` (SIZE_MAX: all of g's rules). */
static int field_rules(const struct workflow *wf, size_t g, size_t touch,
		       const char *(*value_of)(void *ctx, const char *field), void *ctx, long today,
		       struct cd_error *err)
{
	const struct wf_field *f = &wf->fields[g];
	long day = -1;

	for (size_t i = 0; i < f->n_rules; i++) {
		const struct wf_date_rule *r = &f->rules[i];
		long than;
		int rc;
		if (touch != (size_t)-1 && r->other != touch)
			continue;
		if (day < 0 && (day = date_of(value_of, ctx, f->id)) < 0)
			return CD_OK;   /* unset: nothing to compare */
		than = r->other == WF_TODAY ? today : r->other < wf->n_fields ? date_of(value_of, ctx, wf->fields[r->other].id) : -1;
		if (than < 0)
			continue;
		if ((rc = rule_holds(wf, f, r, day, than, err)) != CD_OK)
			return rc;
	}
	return CD_OK;
}

int wf_field_rules_check(const struct workflow *wf, const struct wf_field *f,
			 const char *(*value_of)(void *ctx, const char *field), void *ctx, long today,
			 struct cd_error *err)
{
	size_t self = (size_t)(f - wf->fields);
	int rc;

	if (self >= wf->n_fields)
		return CD_OK;
	if ((rc = field_rules(wf, self, (size_t)-1, value_of, ctx, today, err)) != CD_OK)
		return rc;
	/* The rules of other fields that name this one: moving valid_from past valid_until. */
	for (size_t g = 0; g < wf->n_fields; g++)
		if (g != self && (rc = field_rules(wf, g, self, value_of, ctx, today, err)) != CD_OK)
			return rc;
	return CD_OK;
}

int wf_transition_confirms(const struct workflow *wf, const struct wf_transition *t)
{
	return t->confirm || (t->to < wf->n_states && wf->states[t->to].final);
}

/* ------------------------------------------------------------------------------------ */
/* May this step be taken now?                                                          */

static const char *given_value(const struct wf_value *values, size_t n, const char *field)
{
	for (size_t i = 0; i < n; i++)
		if (values[i].field && !strcmp(values[i].field, field))
			return values[i].value;
	return NULL;
}

/* Set now (non-empty) or already on the case. */
static int field_is_set(const struct wf_facts *facts, const struct wf_value *values, size_t n,
			const char *field)
{
	const char *v = given_value(values, n, field);

	if (v)
		return v[0] != '\0';
	if (facts->value_of) {
		v = facts->value_of(facts->ctx, field);
		return v && v[0] != '\0';
	}
	return 0;
}

/* A field's value as it will stand after the step: given now, else the case's. */
struct step_values {
	const struct wf_value *values;
	size_t n;
	const struct wf_facts *facts;
};

static const char *step_value(void *ctx, const char *field)
{
	const struct step_values *sv = ctx;
	const char *v = given_value(sv->values, sv->n, field);

	if (v)
		return v;
	return sv->facts->value_of ? sv->facts->value_of(sv->facts->ctx, field) : NULL;
}

static int takes_field(const struct wf_transition *t, size_t f, int *required)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i] == f) {
			*required = 1;
			return 1;
		}
	for (size_t i = 0; i < t->n_optional; i++)
		if (t->optional[i] == f) {
			*required = 0;
			return 1;
		}
	return 0;
}

/*
 * Four-eyes that means it (`four_eyes = P`): P was taken on this case, by someone other
 * than the one deciding now, and the case has not gone back into P's from-states since
 * (a proposal sent back for more work must be made again).  The last P counts.
 */
/* A state as the user reads it: its title (wf_state_title lives in wf_load, which needs us). */
static const char *state_name(const struct workflow *wf, const char *id)
{
	const struct wf_state *st = id ? wf_find_state(wf, id) : NULL;
	return st && st->title && st->title[0] ? st->title : id ? id : "?";
}

/* A step as the user reads it in a reason: its title, in the workflow's language, quoted. */
static const char *step_name(const struct wf_transition *t)
{
	return t->title && t->title[0] ? t->title : t->id;
}

static int check_pairing(const struct workflow *wf, const struct wf_transition *p,
			 const struct wf_facts *facts, struct cd_error *err)
{
	size_t last = facts->n_steps;

	if (!facts->actor || !facts->actor[0])
		return cd_error_set(err, CD_EREFUSED, _("four-eyes rule: the acting user is not known"));
	for (size_t i = facts->n_steps; i-- > 0;)
		if (facts->steps[i].transition && !strcmp(facts->steps[i].transition, p->id)) {
			last = i;
			break;
		}
	for (size_t i = last + 1; last < facts->n_steps && i < facts->n_steps; i++) {
		const char *to = facts->steps[i].to_state;
		for (size_t k = 0; to && k < p->n_from; k++)
			if (!strcmp(wf->states[p->from[k]].id, to))
				last = facts->n_steps;   /* sent back: the proposal no longer stands */
	}
	if (last == facts->n_steps)
		return cd_error_set(err, CD_EREFUSED, _("four-eyes rule: needs «%s» by someone else first"), step_name(p));
	if (facts->steps[last].user && !strcmp(facts->steps[last].user, facts->actor))
		return cd_error_set(err, CD_EREFUSED,
				    _("four-eyes rule: needs «%s» by someone else; you took that step yourself"), step_name(p));
	return CD_OK;
}

/* The guards in enum order; values are those given in this step (none when listing). */
static int check_guards(const struct workflow *wf, const struct wf_transition *t,
			const struct wf_facts *facts, const struct wf_value *values, size_t n_values,
			struct cd_error *err)
{
	if (t->guards & WF_GUARD_FOUR_EYES) {
		if (!facts->actor || !facts->actor[0])
			return cd_error_set(err, CD_EREFUSED, _("four-eyes rule: the acting user is not known"));
		if (facts->entered_by && !strcmp(facts->entered_by, facts->actor))
			return cd_error_set(err, CD_EREFUSED,
					    _("four-eyes rule: you proposed this yourself; another user must decide"));
	}
	if (t->four_eyes != WF_NO_PAIR && t->four_eyes < wf->n_transitions) {
		int rc = check_pairing(wf, &wf->transitions[t->four_eyes], facts, err);
		if (rc)
			return rc;
	}
	if (t->guards & WF_GUARD_FIELDS_COMPLETE) {
		int required_here;
		for (size_t f = 0; f < wf->n_fields; f++)
			/* When listing the steps (no values yet), the step's own fields will be asked
			 * for by its form: they do not block it. */
			if (wf->fields[f].required && !(!values && takes_field(t, f, &required_here)) &&
			    !field_is_set(facts, values, n_values, wf->fields[f].id))
				return cd_error_set(err, CD_EREFUSED,
						    _("fields incomplete: field %s is required first"),
						    wf->fields[f].id);
	}
	if ((t->guards & WF_GUARD_DOCUMENTS_PRESENT) && !facts->documents_present)
		return cd_error_set(err, CD_EREFUSED, _("no valid identity document on file"));
	if ((t->guards & WF_GUARD_BIOMETRICS_ENROLLED) && !facts->biometrics_enrolled)
		return cd_error_set(err, CD_EREFUSED, _("biometrics not enrolled"));
	if (t->guards & WF_GUARD_CHECKS_CLEAR) {
		char hits[256], missing[256];
		if (wf_checks_outstanding(wf, facts, hits, sizeof hits, missing, sizeof missing) > 0) {
			/* A hit says more than a missing answer: it is what holds the case. */
			if (hits[0] && missing[0])
				return cd_error_set(err, CD_EREFUSED,
						    _("checks: a hit on %s holds the case until a supervisor clears it; "
						      "no answer yet from %s"), hits, missing);
			if (hits[0])
				return cd_error_set(err, CD_EREFUSED,
						    _("checks: a hit on %s holds the case until a supervisor clears it"),
						    hits);
			return cd_error_set(err, CD_EREFUSED, _("checks missing: %s"), missing);
		}
	}
	/* A refusal needs every answer in, but a hit is an answer: it may be what the refusal
	 * is for, so it does not hold this step as it holds a grant. */
	if (t->guards & WF_GUARD_CHECKS_ANSWERED) {
		char hits[256], missing[256];
		wf_checks_outstanding(wf, facts, hits, sizeof hits, missing, sizeof missing);
		if (missing[0])
			return cd_error_set(err, CD_EREFUSED, _("checks missing: %s"), missing);
	}
	return CD_OK;
}

enum wf_check_answer wf_check_answer_of(const struct wf_facts *facts, const char *list)
{
	for (size_t i = 0; facts && list && i < facts->n_checks; i++)
		if (facts->checks[i].list && !strcmp(facts->checks[i].list, list))
			return facts->checks[i].answer;
	return WF_CHECK_MISSING;
}

/* Appends ", item" (or "item") to buf, cutting with "..." when it is full. */
static void list_append(char *buf, size_t size, const char *item)
{
	size_t used = strlen(buf);
	int n;

	if (used + 4 >= size)
		return;
	n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", item);
	if (n < 0 || (size_t)n >= size - used)
		snprintf(buf + size - 4, 4, "...");
}

size_t wf_checks_outstanding(const struct workflow *wf, const struct wf_facts *facts, char *hits,
			     size_t hits_size, char *missing, size_t missing_size)
{
	size_t n = 0;

	hits[0] = '\0';
	missing[0] = '\0';
	for (size_t i = 0; i < wf->n_checks; i++) {
		enum wf_check_answer a = wf_check_answer_of(facts, wf->checks[i]);
		if (a == WF_CHECK_HIT)
			list_append(hits, hits_size, wf->checks[i]);
		else if (a == WF_CHECK_MISSING)
			list_append(missing, missing_size, wf->checks[i]);
		else
			continue;
		n++;
	}
	return n;
}

/* State and role: whether this actor could take the step at all from here. */
static int check_state_and_role(const struct wf_transition *t, const struct workflow *wf,
				const struct wf_facts *facts, struct cd_error *err)
{
	char roles[128];

	if (!facts->state || !wf_transition_from(wf, t, facts->state))
		return cd_error_set(err, CD_EREFUSED, _("«%s» is not open from the state «%s»"), step_name(t),
				    state_name(wf, facts->state));
	if (!(facts->actor_roles & t->roles)) {
		cd_roles_format(t->roles, roles, sizeof roles);
		return cd_error_set(err, CD_EREFUSED, _("«%s» needs the role %s"), step_name(t), roles);
	}
	return CD_OK;
}

int wf_check_guards(const struct workflow *wf, const struct wf_transition *t,
		    const struct wf_facts *facts, struct cd_error *err)
{
	int rc = check_state_and_role(t, wf, facts, err);
	return rc ? rc : check_guards(wf, t, facts, NULL, 0, err);
}

int wf_check(const struct workflow *wf, const struct wf_transition *t,
	     const struct wf_facts *facts, const struct wf_value *values, size_t n_values,
	     struct cd_error *err)
{
	int rc = check_state_and_role(t, wf, facts, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < n_values; i++) {
		const char *name = values[i].field ? values[i].field : "";
		size_t f = field_index(wf, name);
		int required = 0;
		if (f == NO_INDEX)
			return cd_error_set(err, CD_EINPUT, _("unknown field %s"), name);
		if (!takes_field(t, f, &required))
			return cd_error_set(err, CD_EINPUT, _("field %s is not set by «%s»"), name,
					    step_name(t));
		for (size_t k = 0; k < i; k++)
			if (values[k].field && !strcmp(values[k].field, name))
				return cd_error_set(err, CD_EINPUT, _("field %s is given twice"), name);
		/*
		 * An empty optional value clears the field; an empty required one counts as
		 * not given, which the check below reports.
		 */
		(void)required;
		if (!values[i].value || values[i].value[0] == '\0')
			continue;
		rc = wf_field_validate(&wf->fields[f], values[i].value, err);
		if (rc != CD_OK)
			return rc;
	}
	for (size_t i = 0; i < t->n_fields; i++) {
		const char *id = wf->fields[t->fields[i]].id;
		if (!field_is_set(facts, values, n_values, id))
			return cd_error_set(err, CD_EINPUT, _("field %s is required for «%s»"), id,
					    step_name(t));
	}
	/* Dates against each other and today, as they will stand after the step. */
	struct step_values sv = { values, n_values, facts };
	for (size_t i = 0; i < n_values; i++) {
		const struct wf_field *f = values[i].value && values[i].value[0] ? wf_find_field(wf, values[i].field) : NULL;
		if (f && (rc = wf_field_rules_check(wf, f, step_value, &sv, facts->today, err)) != CD_OK)
			return rc;
	}
	return check_guards(wf, t, facts, values, n_values, err);
}

/* ------------------------------------------------------------------------------------ */
/* Deadlines.                                                                            */

/*
 * t may be NULL: the case is being created in the initial state.  A pure loop
 * (from = X, to = X) is not an entry: it keeps the clock as it is, so that an
 * extension or a note never restarts a statutory period.
 */
void wf_next_deadline(const struct workflow *wf, const struct wf_transition *t, long today,
		      long due, long frozen_left, long *new_due, long *new_frozen_left)
{
	size_t to = t ? t->to : wf->initial;
	const struct wf_state *st = to < wf->n_states ? &wf->states[to] : NULL;
	int loop = t && t->n_from == 1 && t->from[0] == t->to;

	if (!t) {
		due = -1;
		frozen_left = -1;
	}
	if (!st || st->final) {
		due = -1;
		frozen_left = -1;
	} else if (loop) {
		/* the clock stays as it is */
	} else if (st->deadline.unit != WF_NONE) {
		due = wf_duration_add(today, st->deadline);
		frozen_left = -1;
	} else if (st->clock_stops) {
		if (frozen_left < 0 && due >= 0)
			/* An overdue case stays due on the day it resumes, not before it. */
			frozen_left = due > today ? due - today : 0;
		due = -1;
	} else if (frozen_left >= 0) {
		due = today + frozen_left;
		frozen_left = -1;
	}
	if (t && st && !st->final && t->extend.unit != WF_NONE) {
		if (due >= 0)
			due = wf_duration_add(due, t->extend);
		else if (frozen_left >= 0)
			frozen_left = wf_duration_add(today + frozen_left, t->extend) - today;
	}
	*new_due = due;
	*new_frozen_left = frozen_left;
}
