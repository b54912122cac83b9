/*
 * workflow.c - the workflow engine: reads a workflow file (one INI file per case type in data/workflows),
 * checks it, and answers what a case may do next and when it is due.
 *
 * Loading and linting are one checker: lint writes every problem it finds, a load
 * fails with the first (by line), so no workflow is ever half-loaded and the two can
 * never disagree.  The engine does no I/O on cases: the caller hands in the facts.
 * The file format is documented in data/workflows/FORMAT.md.
 */
#define _GNU_SOURCE
#include "workflow/workflow.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/store/roles.h"
#include "model/base/ini.h"

#define NO_INDEX ((size_t)-1)
#define ID_MAX 64
/* Large enough for any duration a statute sets, small enough never to overflow a day number. */
#define DURATION_MAX 9999
/* A text field value: a paragraph, not a document. */
#define TEXT_VALUE_MAX 8000

/* ------------------------------------------------------------------------------------ */
/* Problems: collected, then sorted by line, so lint reads top to bottom.               */

struct problem {
	int line;
	size_t seq;
	char *msg;
};

struct problems {
	struct problem *v;
	size_t n, cap;
	int oom;
};

static void problem_add(struct problems *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem_add(struct problems *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct problem *grown = realloc(p->v, cap * sizeof *grown);
		if (!grown) {
			p->oom = 1;
			return;
		}
		p->v = grown;
		p->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg) {
		p->oom = 1;
		return;
	}
	p->v[p->n].line = line;
	p->v[p->n].seq = p->n;
	p->v[p->n].msg = msg;
	p->n++;
}

static void scan_report(void *ctx, int line, const char *msg)
{
	problem_add(ctx, line, "%s", msg);
}

static int problem_cmp(const void *a, const void *b)
{
	const struct problem *pa = a, *pb = b;

	if (pa->line != pb->line)
		return pa->line < pb->line ? -1 : 1;
	return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

static void problems_release(struct problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].msg);
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------------------ */
/* Small helpers.                                                                        */

static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int is_blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Splits "a, b ,c" into trimmed items; empty items stay (as "") so they can be reported. */
static char **split_list(const char *s, size_t *n_out)
{
	size_t n = 1, i = 0;
	char **items;

	*n_out = 0;
	for (const char *p = s; *p; p++)
		n += (*p == ',');
	items = calloc(n, sizeof *items);
	if (!items)
		return NULL;
	for (const char *p = s;; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		items[i] = strndup(p, len);
		if (!items[i]) {
			for (size_t k = 0; k < i; k++)
				free(items[k]);
			free(items);
			return NULL;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*n_out = n;
	return items;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* Digits with an optional sign and decimal part; no hex, exponents, inf or nan. */
static int parse_number(const char *s, double *out)
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

/* yes/no in a workflow file; true/false/1/0 too, since administrators write those. */
static int parse_flag(const char *s, int *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* Edit distance, for "did you mean" on mistyped keys; names are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[ID_MAX + 1];

	if (la > ID_MAX || lb > ID_MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = 3;  /* suggest only near misses */

	for (size_t i = 0; names[i]; i++) {
		size_t d = edit_distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

static void join_names(const char *const *names, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
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
/* Names the format knows.                                                               */

static const char *const workflow_keys[] = { "id", "title", "prefix", "version", "initial", NULL };
static const char *const state_keys[] = { "title", "deadline", "clock", "final", "outcome", NULL };
static const char *const transition_keys[] = { "title", "from", "to", "role", "fields",
					       "optional", "guards", "form", "extend", NULL };
static const char *const field_keys[] = { "type", "label", "required", "choices", "min", "max",
					  NULL };
static const char *const type_names[] = { "text", "date", "choice", "number", "yesno", NULL };
static const char *const guard_names[] = { "four_eyes", "fields_complete", "documents_present",
					   "biometrics_enrolled", "checks_clear", NULL };
static const char *const role_names[] = { "clerk", "caseworker", "supervisor", "admin", NULL };

/* ------------------------------------------------------------------------------------ */
/* Freeing.                                                                              */

void wf_free(struct workflow *wf)
{
	if (!wf)
		return;
	/* Every slot back to the text it owns; the translations go with their table. */
	wf_localize(wf, NULL, NULL);
	for (size_t i = 0; i < wf->n_translations; i++) {
		free_list(wf->translations[i].texts, wf->translations[i].n);
		free(wf->translations[i].langs);
	}
	free(wf->translations);
	for (size_t i = 0; i < wf->n_states; i++) {
		free(wf->states[i].id);
		free(wf->states[i].title);
		free(wf->states[i].outcome);
	}
	free(wf->states);
	for (size_t i = 0; i < wf->n_transitions; i++) {
		struct wf_transition *t = &wf->transitions[i];
		free(t->id);
		free(t->title);
		free(t->from);
		free(t->fields);
		free(t->optional);
		free(t->form);
	}
	free(wf->transitions);
	for (size_t i = 0; i < wf->n_fields; i++) {
		struct wf_field *f = &wf->fields[i];
		free(f->id);
		free(f->label);
		free_list(f->choices, f->n_choices);
	}
	free(wf->fields);
	free(wf->id);
	free(wf->title);
	free(wf->prefix);
	free(wf->path);
	free(wf->source);
	free(wf);
}

/* ------------------------------------------------------------------------------------ */
/* The checker: builds a struct workflow and reports every problem on the way.           */

struct builder {
	struct problems *p;
	struct wf_ini_scan scan;
	dictionary *dict;
	struct workflow *wf;
	const struct wf_known *known;
	int oom;
};

static char *bdup(struct builder *b, const char *s)
{
	char *copy = strdup(s ? s : "");
	if (!copy)
		b->oom = 1;
	return copy;
}

/* The value of section:key as iniparser read it, or NULL when the key is absent. */
static const char *value_of(struct builder *b, const char *section, const char *key)
{
	char entry[2 * WF_INI_MAX_LINE + 2];

	snprintf(entry, sizeof entry, "%s:%s", section, key);
	return iniparser_getstring(b->dict, entry, NULL);
}

static int line_of(struct builder *b, const char *section, const char *key)
{
	return wf_ini_line(&b->scan, section, key);
}

/*
 * "title[ru]" -> 5 (the length of "title") with lang "ru"; 0 when the name carries no
 * language.  A language is 2 or 3 small letters (ISO 639-1, else 639-2), as in locale/.
 */
static size_t translation_key(const char *name, char lang[4])
{
	const char *br = strchr(name, '[');
	size_t n;

	if (!br || br == name)
		return 0;
	n = strspn(br + 1, "abcdefghijklmnopqrstuvwxyz");
	if (n < 2 || n > 3 || br[1 + n] != ']' || br[2 + n] != '\0')
		return 0;
	memcpy(lang, br + 1, n);
	lang[n] = '\0';
	return (size_t)(br - name);
}

/*
 * Reports keys the section kind does not know, with a suggestion for typos.  The key
 * `translatable` (title or label) may also carry a language: title[ru].
 */
static void check_keys(struct builder *b, const struct wf_ini_section *s, const char *const *known,
		       const char *translatable)
{
	char list[256], lang[4];

	for (size_t k = 0; k < s->n_keys; k++) {
		const char *name = s->keys[k].name;
		size_t i, base = translation_key(name, lang);
		if (base) {
			if (strlen(translatable) == base && !strncmp(name, translatable, base))
				continue;
			problem_add(b->p, s->keys[k].line,
				    _("key '%s' in [%s]: only '%s' may carry a language, as in %s[%s]"),
				    s->keys[k].raw, s->raw, translatable, translatable, lang);
			continue;
		}
		if (strchr(name, '[')) {
			problem_add(b->p, s->keys[k].line,
				    _("key '%s' in [%s]: a language is written as 2 or 3 small letters, as in %s[ru]"),
				    s->keys[k].raw, s->raw, translatable);
			continue;
		}
		for (i = 0; known[i]; i++)
			if (!strcmp(known[i], name))
				break;
		if (known[i])
			continue;
		const char *near = closest(name, known);
		if (near) {
			problem_add(b->p, s->keys[k].line, _("unknown key '%s' in [%s]; did you mean '%s'?"),
				    s->keys[k].raw, s->raw, near);
		} else {
			join_names(known, list, sizeof list);
			problem_add(b->p, s->keys[k].line, _("unknown key '%s' in [%s] (known keys: %s)"),
				    s->keys[k].raw, s->raw, list);
		}
	}
}

/* A key that must be there and not be blank; NULL (reported) otherwise. */
static const char *required_value(struct builder *b, const char *section, const char *key)
{
	const char *v = value_of(b, section, key);

	if (!v || is_blank(v)) {
		if (v)
			problem_add(b->p, line_of(b, section, key), _("key '%s' in [%s] is empty"), key,
				    section);
		else
			problem_add(b->p, line_of(b, section, key), _("[%s] needs the key '%s'"), section,
				    key);
		return NULL;
	}
	return v;
}

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

/* ------------------------------------------------------------------------------------ */
/* Translations: title[ru] = ... beside title = ...                                     */

static struct wf_translation *translation_of(const struct workflow *wf, char *const *slot)
{
	for (size_t i = 0; i < wf->n_translations; i++)
		if (wf->translations[i].slot == slot)
			return &wf->translations[i];
	return NULL;
}

static const char *translated(const struct wf_translation *t, const char *lang)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->langs[i], lang))
			return t->texts[i];
	return NULL;
}

/* Records the section's key[xx] values as translations of *slot (already read, or NULL). */
static void add_translations(struct builder *b, const struct wf_ini_section *s, const char *key, char **slot)
{
	struct workflow *wf = b->wf;
	struct wf_translation *t = NULL;
	size_t len = strlen(key);
	char lang[4];

	for (size_t k = 0; k < s->n_keys; k++) {
		const char *name = s->keys[k].name;
		if (translation_key(name, lang) != len || strncmp(name, key, len))
			continue;
		const char *v = value_of(b, s->name, name);
		if (!v || is_blank(v)) {
			problem_add(b->p, s->keys[k].line, _("key '%s' in [%s] is empty"), s->keys[k].raw, s->raw);
			continue;
		}
		if (!*slot)
			continue;   /* the missing key itself is reported */
		if (!t) {
			struct wf_translation *grown =
				realloc(wf->translations, (wf->n_translations + 1) * sizeof *grown);
			if (!grown) {
				b->oom = 1;
				return;
			}
			wf->translations = grown;
			t = &wf->translations[wf->n_translations++];
			memset(t, 0, sizeof *t);
			t->slot = slot;
			t->base = *slot;
		}
		char (*langs)[4] = realloc(t->langs, (t->n + 1) * sizeof *langs);
		if (langs)
			t->langs = langs;
		char **texts = langs ? realloc(t->texts, (t->n + 1) * sizeof *texts) : NULL;
		if (texts)
			t->texts = texts;
		if (!langs || !texts || !(t->texts[t->n] = strdup(v))) {
			b->oom = 1;
			return;
		}
		memcpy(t->langs[t->n++], lang, sizeof lang);
	}
}

/*
 * The workflow's title and its state titles are printed on letters ({case.workflow_title},
 * {case.state_title}): each needs every language the file translates any of them into,
 * or a letter would mix languages.  Transition titles and field labels, read on screen
 * only, may fall back to the text as written.
 */
static void check_translations_complete(struct builder *b)
{
	struct workflow *wf = b->wf;
	char langs[32][4];
	size_t n_langs = 0;

	for (size_t i = 0; i < wf->n_translations; i++)
		for (size_t k = 0; k < wf->translations[i].n; k++) {
			size_t j;
			for (j = 0; j < n_langs && strcmp(langs[j], wf->translations[i].langs[k]); j++)
				;
			if (j == n_langs && n_langs < sizeof langs / sizeof langs[0])
				memcpy(langs[n_langs++], wf->translations[i].langs[k], 4);
		}
	for (size_t l = 0; l < n_langs; l++) {
		if (wf->title && !translated(translation_of(wf, &wf->title), langs[l]))
			problem_add(b->p, line_of(b, "workflow", "title"),
				    _("[workflow] has no title[%s]: the file translates titles into %s, and the workflow's title and every state title are printed on letters"),
				    langs[l], langs[l]);
		for (size_t i = 0; i < wf->n_states; i++) {
			const struct wf_state *st = &wf->states[i];
			char sec[2 * WF_INI_MAX_LINE];
			if (!st->title || !st->id || translated(translation_of(wf, &st->title), langs[l]))
				continue;
			snprintf(sec, sizeof sec, "state.%s", st->id);
			problem_add(b->p, line_of(b, sec, "title"),
				    _("[state.%s] has no title[%s]: the file translates titles into %s, and the workflow's title and every state title are printed on letters"),
				    st->id, langs[l], langs[l]);
		}
	}
}

/* The translation `also` has for a text of the same kind written as `base`. */
static const char *borrowed(const struct workflow *also, int is_label, const char *base, const char *lang)
{
	for (size_t i = 0; also && i < also->n_translations; i++) {
		const struct wf_translation *t = &also->translations[i];
		int label = 0;
		for (size_t f = 0; f < also->n_fields && !label; f++)
			label = t->slot == &also->fields[f].label;
		if (label == is_label && !strcmp(t->base, base))
			return translated(t, lang);
	}
	return NULL;
}

static void localize_slot(struct workflow *wf, char **slot, int is_label, const char *lang,
			  const struct workflow *also)
{
	struct wf_translation *t = translation_of(wf, slot);
	char *base = t ? t->base : *slot;
	const char *text = lang ? translated(t, lang) : NULL;

	if (!text && lang && base)
		text = borrowed(also, is_label, base, lang);
	if (t)
		*slot = base;
	else if (!text)
		return;
	/*
	 * A borrowed text belongs to `also`, which outlives a kept version in the registry;
	 * a slot without a table entry of its own gets one, so that wf_free finds its base.
	 */
	if (text && !t) {
		struct wf_translation *grown = realloc(wf->translations, (wf->n_translations + 1) * sizeof *grown);
		if (!grown)
			return;
		wf->translations = grown;
		t = &wf->translations[wf->n_translations++];
		memset(t, 0, sizeof *t);
		t->slot = slot;
		t->base = base;
	}
	if (text)
		*slot = (char *)text;
}

void wf_localize(struct workflow *wf, const char *lang, const struct workflow *also)
{
	if (lang && (!*lang || !strcmp(lang, "en")))
		lang = NULL;
	snprintf(wf->lang, sizeof wf->lang, "%s", lang ? lang : "");
	localize_slot(wf, &wf->title, 0, lang, also);
	for (size_t i = 0; i < wf->n_states; i++)
		localize_slot(wf, &wf->states[i].title, 0, lang, also);
	for (size_t i = 0; i < wf->n_transitions; i++)
		localize_slot(wf, &wf->transitions[i].title, 0, lang, also);
	for (size_t i = 0; i < wf->n_fields; i++)
		localize_slot(wf, &wf->fields[i].label, 1, lang, also);
}

/* The text without its translation lines: what a store pins as this version. */
static char *strip_translations(struct builder *b, const char *text)
{
	struct cd_buf out = CD_BUF_INIT;
	const char *p = text;
	char lang[4];
	int line = 1;

	while (*p) {
		size_t len = strcspn(p, "\n");
		int drop = 0;
		for (size_t i = 0; i < b->scan.n_sections && !drop; i++)
			for (size_t k = 0; k < b->scan.sections[i].n_keys && !drop; k++)
				drop = b->scan.sections[i].keys[k].line == line &&
				       translation_key(b->scan.sections[i].keys[k].name, lang) > 0;
		if (p[len] == '\n')
			len++;
		if (!drop)
			buf_add(&out, p, len);
		p += len;
		line++;
	}
	char *kept = out.failed ? NULL : buf_detach(&out);
	if (!kept)
		b->oom = 1;
	buf_release(&out);
	return kept;
}

static void check_workflow_section(struct builder *b)
{
	const struct wf_ini_section *s = wf_ini_section(&b->scan, "workflow");
	struct workflow *wf = b->wf;
	const char *v;

	if (!s) {
		problem_add(b->p, 1, _("no [workflow] section (it needs id, title, prefix, version, initial)"));
		return;
	}
	check_keys(b, s, workflow_keys, "title");
	if ((v = required_value(b, "workflow", "id"))) {
		if (!valid_id(v))
			problem_add(b->p, line_of(b, "workflow", "id"),
				    _("workflow id '%s' may use only a-z, 0-9 and _ (at most %d)"), v, ID_MAX);
		wf->id = bdup(b, v);
	}
	if ((v = required_value(b, "workflow", "title")))
		wf->title = bdup(b, v);
	add_translations(b, s, "title", &wf->title);
	if ((v = required_value(b, "workflow", "prefix"))) {
		size_t n = strlen(v), i;
		for (i = 0; i < n && v[i] >= 'A' && v[i] <= 'Z'; i++)
			;
		if (n < 1 || n > 4 || i != n)
			problem_add(b->p, line_of(b, "workflow", "prefix"),
				    _("prefix '%s' must be 1 to 4 capital letters A-Z"), v);
		wf->prefix = bdup(b, v);
	}
	if ((v = required_value(b, "workflow", "version"))) {
		size_t n = strlen(v), i;
		for (i = 0; i < n && isdigit((unsigned char)v[i]); i++)
			;
		long version = (n > 0 && n <= 6 && i == n) ? strtol(v, NULL, 10) : 0;
		if (version < 1)
			problem_add(b->p, line_of(b, "workflow", "version"),
				    _("version '%s' must be a whole number from 1 to 999999"), v);
		wf->version = (int)version;
	}
}

static void check_state(struct builder *b, const struct wf_ini_section *s, struct wf_state *st)
{
	const char *sec = s->name, *v;
	struct cd_error err = CD_ERROR_INIT;

	check_keys(b, s, state_keys, "title");
	if ((v = required_value(b, sec, "title")))
		st->title = bdup(b, v);
	add_translations(b, s, "title", &st->title);
	if ((v = value_of(b, sec, "deadline")) && wf_duration_parse(v, &st->deadline, &err) != CD_OK)
		problem_add(b->p, line_of(b, sec, "deadline"), _("deadline: %s"), err.msg);
	if ((v = value_of(b, sec, "clock"))) {
		if (!strcasecmp(v, "stop"))
			st->clock_stops = 1;
		else if (strcasecmp(v, "run"))
			problem_add(b->p, line_of(b, sec, "clock"),
				    _("clock is 'stop' (the clock pauses here) or 'run', not '%s'"), v);
	}
	if ((v = value_of(b, sec, "final")) && parse_flag(v, &st->final) < 0)
		problem_add(b->p, line_of(b, sec, "final"), _("final is yes or no, not '%s'"), v);
	if ((v = value_of(b, sec, "outcome"))) {
		if (!valid_id(v))
			problem_add(b->p, line_of(b, sec, "outcome"),
				    _("outcome '%s' may use only a-z, 0-9 and _"), v);
		st->outcome = bdup(b, v);
		if (!st->final)
			problem_add(b->p, line_of(b, sec, "outcome"),
				    _("state %s has an outcome but is not final"), st->id);
	}
	if (st->final && !st->outcome)
		problem_add(b->p, s->line, _("final state %s needs an outcome (granted, refused, ...)"),
			    st->id);
	if (st->final && (st->deadline.unit != WF_NONE || st->clock_stops))
		problem_add(b->p, line_of(b, sec, st->deadline.unit != WF_NONE ? "deadline" : "clock"),
			    _("final state %s has no clock: remove deadline and clock"), st->id);
	if (!st->final && st->clock_stops && st->deadline.unit != WF_NONE)
		problem_add(b->p, line_of(b, sec, "deadline"),
			    _("state %s stops the clock, so it cannot start a deadline"), st->id);
}

static void check_field(struct builder *b, const struct wf_ini_section *s, struct wf_field *f)
{
	const char *sec = s->name, *v;
	char list[256];
	int typed = 0;

	check_keys(b, s, field_keys, "label");
	if ((v = required_value(b, sec, "label")))
		f->label = bdup(b, v);
	add_translations(b, s, "label", &f->label);
	if ((v = required_value(b, sec, "type"))) {
		size_t i;
		for (i = 0; type_names[i]; i++)
			if (!strcmp(type_names[i], v))
				break;
		if (type_names[i]) {
			f->type = (enum wf_field_type)i;
			typed = 1;
		} else {
			join_names(type_names, list, sizeof list);
			problem_add(b->p, line_of(b, sec, "type"), _("unknown field type '%s' (types: %s)"),
				    v, list);
		}
	}
	if ((v = value_of(b, sec, "required")) && parse_flag(v, &f->required) < 0)
		problem_add(b->p, line_of(b, sec, "required"), _("required is yes or no, not '%s'"), v);
	v = value_of(b, sec, "choices");
	if (typed && f->type == WF_CHOICE) {
		if (!v || is_blank(v)) {
			problem_add(b->p, line_of(b, sec, v ? "choices" : NULL),
				    _("field %s is a choice but has no choices = a, b, c"), f->id);
		} else {
			f->choices = split_list(v, &f->n_choices);
			if (!f->choices)
				b->oom = 1;
			for (size_t i = 0; i < f->n_choices; i++) {
				if (f->choices[i][0] == '\0')
					problem_add(b->p, line_of(b, sec, "choices"),
						    _("empty item in the choices of field %s"), f->id);
				for (size_t k = 0; k < i; k++)
					if (!strcmp(f->choices[i], f->choices[k]) && f->choices[i][0])
						problem_add(b->p, line_of(b, sec, "choices"),
							    _("choice '%s' of field %s is listed twice"),
							    f->choices[i], f->id);
			}
		}
	} else if (typed && v) {
		problem_add(b->p, line_of(b, sec, "choices"),
			    _("choices are only for fields of type choice"));
	}
	static const char *const bounds[] = { "min", "max" };
	for (int i = 0; i < 2; i++) {
		double number;
		if (!(v = value_of(b, sec, bounds[i])))
			continue;
		if (typed && f->type != WF_NUMBER) {
			problem_add(b->p, line_of(b, sec, bounds[i]),
				    _("%s is only for fields of type number"), bounds[i]);
		} else if (parse_number(v, &number) < 0) {
			problem_add(b->p, line_of(b, sec, bounds[i]), _("%s '%s' is not a number"),
				    bounds[i], v);
		} else if (i == 0) {
			f->has_min = 1;
			f->min = number;
		} else {
			f->has_max = 1;
			f->max = number;
		}
	}
	if (f->has_min && f->has_max && f->min > f->max)
		problem_add(b->p, line_of(b, sec, "max"), _("max is below min in field %s"), f->id);
}

/* Resolves a list of field ids into indexes; every unknown id is reported. */
static size_t *resolve_fields(struct builder *b, const char *sec, const char *key, size_t *n_out)
{
	const char *v = value_of(b, sec, key);
	size_t n = 0, kept = 0;
	size_t *idx = NULL;
	char **items;

	*n_out = 0;
	if (!v || is_blank(v))
		return NULL;
	items = split_list(v, &n);
	if (!items) {
		b->oom = 1;
		return NULL;
	}
	idx = calloc(n, sizeof *idx);
	if (!idx) {
		b->oom = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t f = field_index(b->wf, items[i]);
		if (items[i][0] == '\0') {
			problem_add(b->p, line_of(b, sec, key), _("empty item in %s"), key);
			continue;
		}
		if (f == NO_INDEX) {
			problem_add(b->p, line_of(b, sec, key),
				    _("unknown field '%s' in %s (no [field.%s] section)"), items[i], key,
				    items[i]);
			continue;
		}
		size_t k;
		for (k = 0; k < kept && idx[k] != f; k++)
			;
		if (k < kept) {
			problem_add(b->p, line_of(b, sec, key), _("field %s is listed twice in %s"),
				    items[i], key);
			continue;
		}
		idx[kept++] = f;
	}
	*n_out = kept;
out:
	free_list(items, n);
	return idx;
}

static int known_form(const struct wf_known *known, const char *form)
{
	for (size_t i = 0; i < known->n_forms; i++)
		if (!strcmp(known->forms[i], form))
			return 1;
	return 0;
}

static void check_transition(struct builder *b, const struct wf_ini_section *s,
			     struct wf_transition *t)
{
	struct workflow *wf = b->wf;
	const char *sec = s->name, *v;
	struct cd_error err = CD_ERROR_INIT;
	char list[256];
	char **items = NULL;
	size_t n = 0;

	check_keys(b, s, transition_keys, "title");
	t->to = NO_INDEX;
	if ((v = required_value(b, sec, "title")))
		t->title = bdup(b, v);
	add_translations(b, s, "title", &t->title);
	if ((v = required_value(b, sec, "to"))) {
		t->to = state_index(wf, v);
		if (t->to == NO_INDEX)
			problem_add(b->p, line_of(b, sec, "to"),
				    _("transition %s goes to unknown state '%s'"), t->id, v);
	}
	if ((v = required_value(b, sec, "from"))) {
		if (!strcmp(v, "*")) {
			/* Every state a case can still be in: withdrawal and the like. */
			t->from = calloc(wf->n_states ? wf->n_states : 1, sizeof *t->from);
			if (!t->from)
				b->oom = 1;
			for (size_t i = 0; t->from && i < wf->n_states; i++)
				if (!wf->states[i].final && i != t->to)
					t->from[t->n_from++] = i;
		} else if ((items = split_list(v, &n))) {
			t->from = calloc(n, sizeof *t->from);
			if (!t->from)
				b->oom = 1;
			for (size_t i = 0; t->from && i < n; i++) {
				size_t st = state_index(wf, items[i]);
				if (!strcmp(items[i], "*"))
					problem_add(b->p, line_of(b, sec, "from"),
						    _("'*' (every non-final state) must stand alone in from"));
				else if (st == NO_INDEX)
					problem_add(b->p, line_of(b, sec, "from"),
						    _("transition %s comes from unknown state '%s'"), t->id,
						    items[i]);
				else
					t->from[t->n_from++] = st;
			}
		} else {
			b->oom = 1;
		}
	}
	if ((v = required_value(b, sec, "role"))) {
		free_list(items, n);
		items = split_list(v, &n);
		if (!items)
			b->oom = 1;
		for (size_t i = 0; items && i < n; i++) {
			unsigned bit = cd_role_from_name(items[i]);
			if (!bit) {
				join_names(role_names, list, sizeof list);
				problem_add(b->p, line_of(b, sec, "role"), _("unknown role '%s' (roles: %s)"),
					    items[i], list);
			}
			t->roles |= bit;
		}
	}
	t->fields = resolve_fields(b, sec, "fields", &t->n_fields);
	t->optional = resolve_fields(b, sec, "optional", &t->n_optional);
	for (size_t i = 0; i < t->n_optional; i++)
		for (size_t k = 0; k < t->n_fields; k++)
			if (t->optional[i] == t->fields[k])
				problem_add(b->p, line_of(b, sec, "optional"),
					    _("field %s is both required and optional in transition %s"),
					    wf->fields[t->optional[i]].id, t->id);
	if ((v = value_of(b, sec, "guards")) && !is_blank(v)) {
		free_list(items, n);
		items = split_list(v, &n);
		if (!items)
			b->oom = 1;
		for (size_t i = 0; items && i < n; i++) {
			size_t g;
			for (g = 0; guard_names[g]; g++)
				if (!strcmp(guard_names[g], items[i]))
					break;
			if (guard_names[g]) {
				t->guards |= 1u << g;
				continue;
			}
			join_names(guard_names, list, sizeof list);
			problem_add(b->p, line_of(b, sec, "guards"), _("unknown guard '%s' (guards: %s)"),
				    items[i], list);
		}
	}
	if ((v = value_of(b, sec, "form")) && !is_blank(v)) {
		if (!valid_id(v))
			problem_add(b->p, line_of(b, sec, "form"),
				    _("form id '%s' may use only a-z, 0-9 and _"), v);
		else if (b->known && b->known->forms && !known_form(b->known, v))
			problem_add(b->p, line_of(b, sec, "form"),
				    _("unknown form '%s' (not in the forms index)"), v);
		t->form = bdup(b, v);
	}
	if ((v = value_of(b, sec, "extend")) && wf_duration_parse(v, &t->extend, &err) != CD_OK)
		problem_add(b->p, line_of(b, sec, "extend"), _("extend: %s"), err.msg);
	/*
	 * A pure loop (from = X, to = X) keeps the running clock: "extend" and notes must not
	 * restart a statutory period.  Entering a deadline state from itself and from others
	 * in one transition would need both behaviours at once, so it is refused.
	 */
	if (t->to != NO_INDEX && wf->states[t->to].deadline.unit != WF_NONE && t->n_from > 1)
		for (size_t i = 0; i < t->n_from; i++)
			if (t->from[i] == t->to)
				problem_add(b->p, line_of(b, sec, "from"),
					    _("transition %s enters state %s (which starts a deadline) from itself and from other states; make the loop a transition of its own"),
					    t->id, wf->states[t->to].id);
	free_list(items, n);
}

static void check_graph(struct builder *b, int wf_line)
{
	struct workflow *wf = b->wf;
	unsigned char *reach = NULL, *ends = NULL;
	size_t n_final = 0;
	int changed;

	if (wf->n_states == 0) {
		problem_add(b->p, wf_line, _("the workflow has no [state.ID] sections"));
		return;
	}
	reach = calloc(wf->n_states, 1);
	ends = calloc(wf->n_states, 1);
	if (!reach || !ends) {
		b->oom = 1;
		goto out;
	}
	/* Forward from the initial state. */
	if (wf->initial != NO_INDEX) {
		reach[wf->initial] = 1;
		do {
			changed = 0;
			for (size_t i = 0; i < wf->n_transitions; i++) {
				struct wf_transition *t = &wf->transitions[i];
				if (t->to == NO_INDEX || reach[t->to])
					continue;
				for (size_t k = 0; k < t->n_from; k++)
					if (reach[t->from[k]]) {
						reach[t->to] = changed = 1;
						break;
					}
			}
		} while (changed);
	}
	/* Backward from the final states. */
	for (size_t i = 0; i < wf->n_states; i++)
		if (wf->states[i].final) {
			ends[i] = 1;
			n_final++;
		}
	do {
		changed = 0;
		for (size_t i = 0; i < wf->n_transitions; i++) {
			struct wf_transition *t = &wf->transitions[i];
			if (t->to == NO_INDEX || !ends[t->to])
				continue;
			for (size_t k = 0; k < t->n_from; k++)
				if (!ends[t->from[k]])
					ends[t->from[k]] = changed = 1;
		}
	} while (changed);
	if (n_final == 0)
		problem_add(b->p, wf_line, _("the workflow has no final state (final = yes)"));
	for (size_t s = 0; s < wf->n_states; s++) {
		struct wf_state *st = &wf->states[s];
		const struct wf_transition *out_t = NULL;
		for (size_t i = 0; i < wf->n_transitions && !out_t; i++) {
			const struct wf_transition *t = &wf->transitions[i];
			for (size_t k = 0; k < t->n_from; k++)
				if (t->from[k] == s && t->to != s && t->to != NO_INDEX) {
					out_t = t;
					break;
				}
		}
		if (wf->initial != NO_INDEX && !reach[s])
			problem_add(b->p, st->line, _("state %s cannot be reached from the initial state %s"),
				    st->id, wf->states[wf->initial].id);
		if (st->final) {
			for (size_t i = 0; i < wf->n_transitions; i++) {
				const struct wf_transition *t = &wf->transitions[i];
				for (size_t k = 0; k < t->n_from; k++)
					if (t->from[k] == s)
						problem_add(b->p, t->line,
							    _("final state %s has a way out (transition %s)"),
							    st->id, t->id);
			}
		} else if (!out_t) {
			problem_add(b->p, st->line,
				    _("state %s is not final but no transition leads out of it"), st->id);
		} else if (n_final > 0 && !ends[s]) {
			problem_add(b->p, st->line, _("no final state can be reached from state %s"),
				    st->id);
		}
	}
out:
	free(reach);
	free(ends);
}

/* Which kind of section: 0 unknown, and the id after the dot. */
enum section_kind { SEC_UNKNOWN, SEC_WORKFLOW, SEC_STATE, SEC_TRANSITION, SEC_FIELD };

static enum section_kind section_kind(const struct wf_ini_section *s, const char **raw_id)
{
	static const struct {
		const char *prefix;
		enum section_kind kind;
	} kinds[] = {
		{ "state.", SEC_STATE }, { "transition.", SEC_TRANSITION }, { "field.", SEC_FIELD },
	};

	*raw_id = NULL;
	if (!strcmp(s->name, "workflow"))
		return SEC_WORKFLOW;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i].prefix);
		if (!strncmp(s->name, kinds[i].prefix, n)) {
			*raw_id = s->raw + n;
			return kinds[i].kind;
		}
	}
	return SEC_UNKNOWN;
}

/*
 * Checks `text` and builds the workflow; every problem goes to *p.  *out is set only
 * when there is no problem.  CD_EINTERNAL when memory runs out.
 */
static int build(const char *text, const char *name, const struct wf_known *known,
		 struct problems *p, struct workflow **out)
{
	struct builder b = { .p = p, .known = known };
	struct cd_error err = CD_ERROR_INIT;
	size_t n_states = 0, n_transitions = 0, n_fields = 0;
	int n_syntax = 0, rc = CD_OK;
	struct workflow *wf = NULL;
	const char *v;

	*out = NULL;
	rc = wf_ini_scan(text, &b.scan, scan_report, p, &n_syntax);
	if (rc != CD_OK)
		goto out;
	b.dict = wf_ini_load_text(b.scan.clean, &err);
	if (!b.dict) {
		problem_add(p, 1, "%s", err.msg);
		goto out;
	}
	wf = b.wf = calloc(1, sizeof *wf);
	if (!wf) {
		rc = CD_EINTERNAL;
		goto out;
	}
	wf->initial = NO_INDEX;
	wf->path = bdup(&b, name);
	wf->source = strip_translations(&b, text);

	for (size_t i = 0; i < b.scan.n_sections; i++) {
		const char *id;
		switch (section_kind(&b.scan.sections[i], &id)) {
		case SEC_STATE: n_states++; break;
		case SEC_TRANSITION: n_transitions++; break;
		case SEC_FIELD: n_fields++; break;
		case SEC_WORKFLOW: break;
		case SEC_UNKNOWN:
			problem_add(p, b.scan.sections[i].line,
				    _("unknown section kind [%s] (expected [workflow], [state.ID], [transition.ID] or [field.ID])"),
				    b.scan.sections[i].raw);
			break;
		}
	}
	wf->states = calloc(n_states ? n_states : 1, sizeof *wf->states);
	wf->transitions = calloc(n_transitions ? n_transitions : 1, sizeof *wf->transitions);
	wf->fields = calloc(n_fields ? n_fields : 1, sizeof *wf->fields);
	if (!wf->states || !wf->transitions || !wf->fields) {
		rc = CD_EINTERNAL;
		goto out;
	}
	/* Ids first, so that references may point forwards in the file. */
	for (size_t i = 0; i < b.scan.n_sections; i++) {
		const struct wf_ini_section *s = &b.scan.sections[i];
		const char *id;
		enum section_kind kind = section_kind(s, &id);
		char **slot;
		int *line;
		if (kind == SEC_STATE) {
			slot = &wf->states[wf->n_states].id;
			line = &wf->states[wf->n_states++].line;
		} else if (kind == SEC_TRANSITION) {
			slot = &wf->transitions[wf->n_transitions].id;
			line = &wf->transitions[wf->n_transitions++].line;
		} else if (kind == SEC_FIELD) {
			slot = &wf->fields[wf->n_fields].id;
			line = &wf->fields[wf->n_fields++].line;
		} else {
			continue;
		}
		/* iniparser lowercases names, so "State.Lodged" would silently become "lodged". */
		if (!valid_id(id))
			problem_add(p, s->line, _("id '%s' in [%s] may use only a-z, 0-9 and _ (at most %d)"),
				    id, s->raw, ID_MAX);
		*slot = bdup(&b, id);
		*line = s->line;
	}
	check_workflow_section(&b);
	size_t si = 0, ti = 0, fi = 0;
	for (size_t i = 0; i < b.scan.n_sections; i++) {
		const struct wf_ini_section *s = &b.scan.sections[i];
		const char *id;
		if (section_kind(s, &id) == SEC_STATE)
			check_state(&b, s, &wf->states[si++]);
		else if (section_kind(s, &id) == SEC_FIELD)
			check_field(&b, s, &wf->fields[fi++]);
	}
	for (size_t i = 0; i < b.scan.n_sections; i++) {
		const struct wf_ini_section *s = &b.scan.sections[i];
		const char *id;
		if (section_kind(s, &id) == SEC_TRANSITION)
			check_transition(&b, s, &wf->transitions[ti++]);
	}
	if (wf_ini_section(&b.scan, "workflow") && (v = required_value(&b, "workflow", "initial"))) {
		wf->initial = state_index(wf, v);
		if (wf->initial == NO_INDEX)
			problem_add(p, line_of(&b, "workflow", "initial"), _("initial state '%s' is not a [state.%s]"),
				    v, v);
		else if (wf->states[wf->initial].final)
			problem_add(p, line_of(&b, "workflow", "initial"),
				    _("the initial state %s cannot be final"), v);
	}
	for (size_t f = 0; f < wf->n_fields; f++) {
		int taken = 0;
		if (!wf->fields[f].required)
			continue;
		for (size_t i = 0; i < wf->n_transitions && !taken; i++) {
			const struct wf_transition *t = &wf->transitions[i];
			for (size_t k = 0; k < t->n_fields; k++)
				taken |= t->fields[k] == f;
			for (size_t k = 0; k < t->n_optional; k++)
				taken |= t->optional[k] == f;
		}
		if (!taken)
			problem_add(p, wf->fields[f].line,
				    _("required field %s is not taken by any transition, so fields_complete could never hold"),
				    wf->fields[f].id);
	}
	check_graph(&b, wf_ini_line(&b.scan, "workflow", NULL));
	check_translations_complete(&b);
	(void)n_syntax;
out:
	if (rc == CD_OK && (b.oom || p->oom))
		rc = CD_EINTERNAL;
	if (rc == CD_OK && p->n == 0) {
		*out = wf;
		wf = NULL;
	}
	wf_free(wf);
	if (b.dict)
		iniparser_freedict(b.dict);
	wf_ini_scan_release(&b.scan);
	if (p->n > 1)
		qsort(p->v, p->n, sizeof *p->v, problem_cmp);
	return rc;
}

/* Loads with the checker; the first problem (by line) becomes the error. */
static int load(const char *text, const char *name, const struct wf_known *known,
		struct workflow **out, struct cd_error *err)
{
	struct problems p = { 0 };
	int rc = build(text, name, known, &p, out);

	if (rc != CD_OK) {
		rc = cd_error_set(err, rc, _("%s: out of memory while loading the workflow"), name);
	} else if (p.n > 0) {
		if (p.n == 1)
			rc = cd_error_set(err, CD_EINPUT, "%s:%d: %s", name, p.v[0].line, p.v[0].msg);
		else
			rc = cd_error_set(err, CD_EINPUT,
					  ngettext("%s:%d: %s (and %zu more problem: run the workflow lint)",
						   "%s:%d: %s (and %zu more problems: run the workflow lint)",
						   (unsigned long)(p.n - 1)),
					  name, p.v[0].line, p.v[0].msg, p.n - 1);
	}
	problems_release(&p);
	return rc;
}

int wf_load_file(const char *path, const struct wf_known *known,
		 struct workflow **out, struct cd_error *err)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	rc = wf_ini_read_file(path, &text, err);
	if (rc == CD_OK)
		rc = load(text, path, known, out, err);
	free(text);
	return rc;
}

int wf_load_text(const char *text, const char *name, struct workflow **out, struct cd_error *err)
{
	*out = NULL;
	return load(text ? text : "", name ? name : "(workflow)", NULL, out, err);
}

int wf_lint_file(const char *path, const struct wf_known *known, FILE *report)
{
	struct cd_error err = CD_ERROR_INIT;
	struct problems p = { 0 };
	struct workflow *wf = NULL;
	char *text = NULL;
	int count;

	if (wf_ini_read_file(path, &text, &err) != CD_OK) {
		fprintf(report, "%s\n", err.msg);
		return 1;
	}
	if (build(text, path, known, &p, &wf) != CD_OK) {
		fprintf(report, _("%s: out of memory while checking the workflow\n"), path);
		count = p.n > 0 ? (int)p.n : 1;
		goto out;
	}
	for (size_t i = 0; i < p.n; i++)
		fprintf(report, "%s:%d: %s\n", path, p.v[i].line, p.v[i].msg);
	count = (int)p.n;
out:
	wf_free(wf);
	problems_release(&p);
	free(text);
	return count;
}

/* ------------------------------------------------------------------------------------ */
/* The forms index.                                                                      */

int wf_known_load(const char *forms_index_path, struct wf_known *known, struct cd_error *err)
{
	struct wf_ini_scan scan = { 0 };
	struct problems p = { 0 };
	char **ids = NULL;
	char *text = NULL;
	size_t n = 0;
	int n_syntax = 0, rc;

	known->forms = NULL;
	known->n_forms = 0;
	rc = wf_ini_read_file(forms_index_path, &text, err);
	if (rc != CD_OK)
		goto out;
	rc = wf_ini_scan(text, &scan, scan_report, &p, &n_syntax);
	if (rc != CD_OK) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	ids = calloc(scan.n_sections ? scan.n_sections : 1, sizeof *ids);
	if (!ids) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < scan.n_sections; i++) {
		const struct wf_ini_section *s = &scan.sections[i];
		int titled = 0;
		if (strncmp(s->name, "form.", 5) || !valid_id(s->raw + 5)) {
			problem_add(&p, s->line, _("expected [form.ID] with an id of a-z, 0-9 and _, not [%s]"),
				    s->raw);
			continue;
		}
		for (size_t k = 0; k < s->n_keys; k++)
			titled |= !strcmp(s->keys[k].name, "title");
		if (!titled)
			problem_add(&p, s->line, _("[%s] needs the key 'title'"), s->raw);
		if (!(ids[n] = strdup(s->raw + 5))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		n++;
	}
	if (p.n > 0) {
		qsort(p.v, p.n, sizeof *p.v, problem_cmp);
		rc = cd_error_set(err, CD_EINPUT, "%s:%d: %s", forms_index_path, p.v[0].line, p.v[0].msg);
		goto out;
	}
	known->forms = (const char *const *)ids;
	known->n_forms = n;
	ids = NULL;
	n = 0;
out:
	free_list(ids, n);
	problems_release(&p);
	wf_ini_scan_release(&scan);
	free(text);
	return rc;
}

void wf_known_release(struct wf_known *known)
{
	if (!known)
		return;
	free_list((char **)known->forms, known->n_forms);
	known->forms = NULL;
	known->n_forms = 0;
}

/* ------------------------------------------------------------------------------------ */
/* Lookups.                                                                              */

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
	size_t s = state_id ? state_index(wf, state_id) : NO_INDEX;

	for (size_t i = 0; s != NO_INDEX && i < t->n_from; i++)
		if (t->from[i] == s)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Graphviz.                                                                             */

/* A DOT string literal: quotes and backslashes escaped, control characters dropped. */
static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

void wf_write_dot(const struct workflow *wf, FILE *out)
{
	char dur[32], label[512];

	fprintf(out, "digraph ");
	dot_string(out, wf->id);
	fprintf(out, " {\n\trankdir=LR;\n\tlabel=");
	snprintf(label, sizeof label, "%s (%s, version %d)", wf->title ? wf->title : "",
		 wf->id ? wf->id : "", wf->version);
	dot_string(out, label);
	fprintf(out, ";\n\tnode [shape=box, style=rounded];\n");
	fprintf(out, "\t\"__start\" [shape=point, label=\"\"];\n");
	for (size_t i = 0; i < wf->n_states; i++) {
		const struct wf_state *s = &wf->states[i];
		wf_duration_format(s->deadline, dur, sizeof dur);
		if (s->final)
			snprintf(label, sizeof label, "%s\n[%s]", s->title, s->outcome ? s->outcome : "");
		else if (s->clock_stops)
			snprintf(label, sizeof label, "%s\n(clock stops)", s->title);
		else if (dur[0])
			snprintf(label, sizeof label, "%s\n(deadline %s)", s->title, dur);
		else
			snprintf(label, sizeof label, "%s", s->title);
		fputc('\t', out);
		dot_string(out, s->id);
		fprintf(out, " [label=");
		/* Newlines become DOT's own \n escape rather than raw line breaks. */
		fputc('"', out);
		for (const char *c = label; *c; c++) {
			if (*c == '\n')
				fputs("\\n", out);
			else if (*c == '"' || *c == '\\')
				fprintf(out, "\\%c", *c);
			else if ((unsigned char)*c >= 0x20)
				fputc(*c, out);
		}
		fputc('"', out);
		if (s->final)
			fprintf(out, ", peripheries=2");
		if (s->clock_stops)
			fprintf(out, ", style=\"rounded,dashed\"");
		fprintf(out, "];\n");
	}
	if (wf->initial < wf->n_states) {
		fprintf(out, "\t\"__start\" -> ");
		dot_string(out, wf->states[wf->initial].id);
		fprintf(out, ";\n");
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		char roles[128];
		cd_roles_format(t->roles, roles, sizeof roles);
		wf_duration_format(t->extend, dur, sizeof dur);
		snprintf(label, sizeof label, "%s%s%s%s%s", t->id, dur[0] ? " +" : "", dur,
			 roles[0] ? " / " : "", roles);
		for (size_t k = 0; k < t->n_from; k++) {
			fputc('\t', out);
			dot_string(out, wf->states[t->from[k]].id);
			fprintf(out, " -> ");
			dot_string(out, wf->states[t->to].id);
			fprintf(out, " [label=");
			dot_string(out, label);
			if (t->guards & WF_GUARD_FOUR_EYES)
				fprintf(out, ", style=bold");
			fprintf(out, "];\n");
		}
	}
	fprintf(out, "}\n");
}

/* ------------------------------------------------------------------------------------ */
/* Field values.                                                                         */

/* Well-formed UTF-8 with no control characters but tab and newline. */
static int clean_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int extra;
		unsigned cp;
		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0) {
			extra = 1;
			cp = *p & 0x1F;
		} else if ((*p & 0xF0) == 0xE0) {
			extra = 2;
			cp = *p & 0x0F;
		} else if ((*p & 0xF8) == 0xF0) {
			extra = 3;
			cp = *p & 0x07;
		} else {
			return 0;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (*p & 0x3F);
		}
		/* Overlong forms, surrogates, beyond Unicode, and C1 controls (terminal escapes). */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
		    (cp >= 0x80 && cp < 0xA0))
			return 0;
	}
	return 1;
}

int wf_field_validate(const struct wf_field *f, const char *value, struct cd_error *err)
{
	double number;
	char list[256];
	size_t used = 0;

	if (!value || value[0] == '\0')
		return cd_error_set(err, CD_EINPUT, _("field %s: a value is needed"), f->id);
	switch (f->type) {
	case WF_TEXT:
		if (strlen(value) > TEXT_VALUE_MAX)
			return cd_error_set(err, CD_EINPUT, ngettext("field %s: longer than %d byte", "field %s: longer than %d bytes",
								     (unsigned long)TEXT_VALUE_MAX), f->id,
					    TEXT_VALUE_MAX);
		if (!clean_text(value))
			return cd_error_set(err, CD_EINPUT,
					    _("field %s: not valid UTF-8 text, or contains control characters"),
					    f->id);
		return CD_OK;
	case WF_DATE:
		return cd_days_parse(value, f->id, NULL, err);
	case WF_CHOICE:
		for (size_t i = 0; i < f->n_choices; i++)
			if (!strcmp(f->choices[i], value))
				return CD_OK;
		list[0] = '\0';
		for (size_t i = 0; i < f->n_choices && used < sizeof list; i++) {
			int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
					 f->choices[i]);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		return cd_error_set(err, CD_EINPUT, _("field %s: expected one of: %s"), f->id, list);
	case WF_NUMBER:
		if (parse_number(value, &number) < 0)
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
		if (facts->checks_run <= 0)
			return cd_error_set(err, CD_EREFUSED, _("no checks run"));
		if (!facts->checks_clear)
			return cd_error_set(err, CD_EREFUSED, _("a check is not clear"));
	}
	return CD_OK;
}

/* State and role: whether this actor could take the step at all from here. */
static int check_state_and_role(const struct wf_transition *t, const struct workflow *wf,
				const struct wf_facts *facts, struct cd_error *err)
{
	char roles[128];

	if (!facts->state || !wf_transition_from(wf, t, facts->state))
		return cd_error_set(err, CD_EREFUSED, _("transition %s is not open from state %s"), t->id,
				    facts->state ? facts->state : "?");
	if (!(facts->actor_roles & t->roles)) {
		cd_roles_format(t->roles, roles, sizeof roles);
		return cd_error_set(err, CD_EREFUSED, _("transition %s needs the role %s"), t->id, roles);
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
			return cd_error_set(err, CD_EINPUT, _("field %s is not set by transition %s"), name,
					    t->id);
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
			return cd_error_set(err, CD_EINPUT, _("field %s is required for transition %s"), id,
					    t->id);
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
