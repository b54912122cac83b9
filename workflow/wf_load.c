/*
 * wf_load.c - loading and checking (lint) a workflow file: one INI file per case type in
 * data/workflows, read through model/base/ini, checked, and built into a struct workflow;
 * also the titles' translations (title[ru]) and the forms index the checker consults.
 *
 * Loading and linting are one checker: lint writes every problem it finds, a load
 * fails with the first (by line), so no workflow is ever half-loaded and the two can
 * never disagree.  Every step is linear in the file's size (ids are found through hash
 * indexes, the graph is walked over adjacency lists): every `case show` loads the
 * workflows, and a 10,000-state file must load in well under a second.
 * The rules that run on a loaded workflow are in wf_rules.c, the Graphviz output in
 * wf_dot.c.  The file format is documented in data/workflows/FORMAT.md.
 */
#define _GNU_SOURCE
#include "workflow/workflow.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/ini.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "workflow/wf_internal.h"

#define ID_MAX 64
/* A choice's label in its field's section: `choice.grant = Grant`, `choice.grant[uk] = ...`. */
#define CHOICE_KEY "choice."
/* ------------------------------------------------------------------------------------ */
/* Problems: collected, then sorted by line, so lint reads top to bottom.               */

struct problem {
	int line;
	size_t seq;
	char *msg;
	int warning;       /* reported by lint, but the file still loads */
};

struct problems {
	struct problem *v;
	size_t n, cap;
	size_t n_errors;   /* problems that are not warnings */
	int oom;
};

static void problem_vadd(struct problems *p, int warning, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void problem_vadd(struct problems *p, int warning, int line, const char *fmt, va_list ap)
{
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
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg) {
		p->oom = 1;
		return;
	}
	p->v[p->n].line = line;
	p->v[p->n].seq = p->n;
	p->v[p->n].msg = msg;
	p->v[p->n].warning = warning;
	p->n++;
	p->n_errors += !warning;
}

static void problem_add(struct problems *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem_add(struct problems *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(p, 0, line, fmt, ap);
	va_end(ap);
}

static void warning_add(struct problems *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warning_add(struct problems *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(p, 1, line, fmt, ap);
	va_end(ap);
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
/* Names the format knows.                                                               */

#define NETWORK_KEY "network."
static const char *const workflow_keys[] = { "id", "title", "prefix", "version", "initial", "checks", NULL };
static const char *const state_keys[] = { "title", "deadline", "clock", "final", "outcome", "legal_basis", NULL };
static const char *const transition_keys[] = { "title", "from", "to", "role", "fields",
					       "optional", "guards", "form", "extend", "four_eyes",
					       "confirm", NULL };
static const char *const retention_keys[] = { "from", "period", "action", NULL };
static const char *const field_keys[] = { "type", "label", "required", "choices", "multiple", "min", "max",
					  "after", "before", "not_before", "not_after", NULL };
/* The cross-field rules of a date field, in enum wf_date_rel order. */
static const char *const rule_keys[] = { "after", "before", "not_before", "not_after", NULL };
static const char *const type_names[] = { "text", "date", "choice", "number", "yesno", NULL };
static const char *const guard_names[] = { "four_eyes", "fields_complete", "documents_present",
					   "biometrics_enrolled", "checks_clear", "checks_answered",
					   NULL };
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
		free(wf->states[i].legal_basis);
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
		if (f->choice_labels)
			free_list(f->choice_labels, f->n_choices);
		free_list(f->choices, f->n_choices);
	}
	free(wf->fields);
	free_list(wf->checks, wf->n_checks);
	free_list(wf->network_lists, wf->n_network);
	free(wf->network_kinds);
	free(wf->id);
	free(wf->title);
	free(wf->prefix);
	free(wf->path);
	free(wf->source);
	free(wf);
}

/* ------------------------------------------------------------------------------------ */
/* Hash indexes from ids (or texts) to array positions: every reference resolves in O(1). */

struct idmap {
	size_t *slot;      /* position + 1; 0 is empty */
	size_t cap;        /* a power of two, at least twice the entries */
};

/* The id at position i of whatever array the map indexes; NULL is never equal. */
typedef const char *(*idmap_name_fn)(const void *ctx, size_t i);

static uint64_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static int idmap_init(struct idmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 2)
		m->cap *= 2;
	m->slot = calloc(m->cap, sizeof *m->slot);
	return m->slot ? CD_OK : CD_EINTERNAL;
}

static size_t *idmap_probe(const struct idmap *m, const char *id, idmap_name_fn name, const void *ctx)
{
	size_t mask = m->cap - 1, i = (size_t)id_hash(id) & mask;

	for (;; i = (i + 1) & mask) {
		const char *there;
		if (m->slot[i] == 0 || ((there = name(ctx, m->slot[i] - 1)) && !strcmp(there, id)))
			return &m->slot[i];
	}
}

/* The position of `id`, or NO_INDEX. */
static size_t idmap_find(const struct idmap *m, const char *id, idmap_name_fn name, const void *ctx)
{
	if (!m->slot || !id)
		return NO_INDEX;
	size_t *s = idmap_probe(m, id, name, ctx);
	return *s ? *s - 1 : NO_INDEX;
}

/* Adds position i under its name; the first of two equal names keeps the place. */
static void idmap_add(struct idmap *m, size_t i, idmap_name_fn name, const void *ctx)
{
	const char *id = name(ctx, i);

	if (!m->slot || !id)
		return;
	size_t *s = idmap_probe(m, id, name, ctx);
	if (*s == 0)
		*s = i + 1;
}

static void idmap_release(struct idmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->cap = 0;
}

static const char *state_id_at(const void *ctx, size_t i)
{
	return ((const struct workflow *)ctx)->states[i].id;
}

static const char *field_id_at(const void *ctx, size_t i)
{
	return ((const struct workflow *)ctx)->fields[i].id;
}

static const char *transition_id_at(const void *ctx, size_t i)
{
	return ((const struct workflow *)ctx)->transitions[i].id;
}

/* ------------------------------------------------------------------------------------ */
/* The checker: builds a struct workflow and reports every problem on the way.           */

struct builder {
	struct problems *p;
	struct ini ini;
	struct idmap states, fields, transitions;   /* ids -> indexes, so references resolve in O(1) */
	size_t *mark, mark_gen;        /* per field: the last list that named it (duplicates in O(1)) */
	struct workflow *wf;
	const struct wf_known *known;
	int stored;                    /* text kept in a store (wf_load_text), not a file being written */
	int oom;
};

static char *bdup(struct builder *b, const char *s)
{
	char *copy = strdup(s ? s : "");
	if (!copy)
		b->oom = 1;
	return copy;
}

/* The value of section:key as read, or NULL when the key is absent. */
static const char *value_of(struct builder *b, const char *section, const char *key)
{
	return ini_get(&b->ini, section, key);
}

static int line_of(struct builder *b, const char *section, const char *key)
{
	return ini_line(&b->ini, section, key);
}

/*
 * Reports keys the section kind does not know, with a suggestion for typos.  The key
 * `translatable` (title or label) may also carry a language: title[ru].
 */
static void check_keys(struct builder *b, const struct ini_section *s, const char *const *known,
		       const char *translatable)
{
	char list[256], lang[4];

	for (size_t k = 0; k < s->n_keys; k++) {
		const char *name = s->keys[k].name;
		size_t i, base = ini_key_lang(name, lang);
		/* A field's choice labels (choice.ID, choice.ID[uk]) are checked by check_choice_labels. */
		if (known == field_keys && !strncmp(name, CHOICE_KEY, strlen(CHOICE_KEY)))
			continue;
		/* network.LIST = document|person is checked by check_network_keys. */
		if (known == workflow_keys && !strncmp(name, NETWORK_KEY, strlen(NETWORK_KEY)))
			continue;
		if (base) {
			if (strlen(translatable) == base && !strncmp(name, translatable, base))
				continue;
			if (known == state_keys && base == strlen("legal_basis") && !strncmp(name, "legal_basis", base))
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

static size_t state_index(const struct builder *b, const char *id)
{
	return idmap_find(&b->states, id, state_id_at, b->wf);
}

static size_t field_index(const struct builder *b, const char *id)
{
	return idmap_find(&b->fields, id, field_id_at, b->wf);
}

/* ------------------------------------------------------------------------------------ */
/* Translations: title[ru] = ... beside title = ...                                     */

/*
 * Every text that can be translated has a number: the workflow's title 0, then the state
 * titles, the transition titles and the field labels.  A table from that number to the
 * translation finds a slot's translation in O(1) where a scan of all translations per slot
 * made localizing (and so wf_free) quadratic.
 */
static size_t n_slots(const struct workflow *wf)
{
	size_t n = 1 + wf->n_states + wf->n_transitions + wf->n_fields;

	for (size_t i = 0; i < wf->n_fields; i++)
		n += wf->fields[i].n_choices;
	return n + wf->n_states;   /* the states' legal_basis, last */
}

static size_t member_index(const void *array, size_t n, size_t size, char *const *slot)
{
	uintptr_t a = (uintptr_t)array, p = (uintptr_t)slot;

	if (!array || p < a || p >= a + n * size)
		return NO_INDEX;
	return (size_t)(p - a) / size;
}

static size_t slot_number(const struct workflow *wf, char *const *slot)
{
	size_t i, base = 1;

	if (slot == &wf->title)
		return 0;
	if ((i = member_index(wf->states, wf->n_states, sizeof *wf->states, slot)) != NO_INDEX) {
		if (slot == &wf->states[i].legal_basis)
			return n_slots(wf) - wf->n_states + i;
		return slot == &wf->states[i].title ? base + i : NO_INDEX;
	}
	base += wf->n_states;
	if ((i = member_index(wf->transitions, wf->n_transitions, sizeof *wf->transitions, slot)) != NO_INDEX)
		return slot == &wf->transitions[i].title ? base + i : NO_INDEX;
	base += wf->n_transitions;
	if ((i = member_index(wf->fields, wf->n_fields, sizeof *wf->fields, slot)) != NO_INDEX)
		return slot == &wf->fields[i].label ? base + i : NO_INDEX;
	base += wf->n_fields;
	/* Choice labels last, field by field: only fields with labels are looked into. */
	for (size_t f = 0; f < wf->n_fields; f++) {
		const struct wf_field *fd = &wf->fields[f];
		if (fd->choice_labels &&
		    (i = member_index(fd->choice_labels, fd->n_choices, sizeof *fd->choice_labels, slot)) != NO_INDEX)
			return base + i;
		base += fd->n_choices;
	}
	return NO_INDEX;
}

/* Slot number -> index into wf->translations (NO_INDEX: none); NULL when memory runs out. */
static size_t *translation_table(const struct workflow *wf)
{
	size_t n = n_slots(wf), *table = malloc(n * sizeof *table);

	if (!table)
		return NULL;
	for (size_t i = 0; i < n; i++)
		table[i] = NO_INDEX;
	for (size_t i = 0; i < wf->n_translations; i++) {
		size_t k = slot_number(wf, wf->translations[i].slot);
		if (k != NO_INDEX && table[k] == NO_INDEX)
			table[k] = i;
	}
	return table;
}

/* The translation of *slot: through the table when there is one, else by a scan. */
static struct wf_translation *translation_of(const struct workflow *wf, const size_t *table, char *const *slot)
{
	if (table) {
		size_t k = slot_number(wf, slot);
		return k == NO_INDEX || table[k] == NO_INDEX ? NULL : &wf->translations[table[k]];
	}
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
static void add_translations(struct builder *b, const struct ini_section *s, const char *key, char **slot)
{
	struct workflow *wf = b->wf;
	struct wf_translation *t = NULL;
	size_t len = strlen(key);
	char lang[4];

	for (size_t k = 0; k < s->n_keys; k++) {
		const char *name = s->keys[k].name;
		if (ini_key_lang(name, lang) != len || strncmp(name, key, len))
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
 * Every text needs every language the file translates any text into, or a screen (and a
 * letter) mixes languages.  The workflow's title and its state titles are printed on
 * letters ({case.workflow_title}, {case.state_title}): one missing is a problem, the file
 * does not load.  A missing step title, field label or choice label is a warning: the
 * screen shows the text as written, and an office adding a language can work meanwhile;
 * lint names each one, with its line and the language, and the shipped files have none.
 */
static void check_translations_complete(struct builder *b)
{
	struct workflow *wf = b->wf;
	size_t *table = translation_table(wf);
	char langs[32][4];
	size_t n_langs = 0;

	if (!table) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < wf->n_translations; i++)
		for (size_t k = 0; k < wf->translations[i].n; k++) {
			size_t j;
			for (j = 0; j < n_langs && strcmp(langs[j], wf->translations[i].langs[k]); j++)
				;
			if (j == n_langs && n_langs < sizeof langs / sizeof langs[0])
				memcpy(langs[n_langs++], wf->translations[i].langs[k], 4);
		}
	for (size_t l = 0; l < n_langs; l++) {
		const char *lg = langs[l];
		char sec[2 * INI_MAX_LINE], key[INI_MAX_LINE];
		if (wf->title && !translated(translation_of(wf, table, &wf->title), lg))
			problem_add(b->p, line_of(b, "workflow", "title"),
				    _("[workflow] has no title[%s]: the file translates titles into %s, and the workflow's title and every state title are printed on letters"),
				    lg, lg);
		for (size_t i = 0; i < wf->n_states; i++) {
			const struct wf_state *st = &wf->states[i];
			if (!st->title || !st->id || translated(translation_of(wf, table, &st->title), lg))
				continue;
			snprintf(sec, sizeof sec, "state.%s", st->id);
			problem_add(b->p, line_of(b, sec, "title"),
				    _("[state.%s] has no title[%s]: the file translates titles into %s, and the workflow's title and every state title are printed on letters"),
				    st->id, lg, lg);
		}
		for (size_t i = 0; i < wf->n_states; i++) {
			const struct wf_state *st = &wf->states[i];
			if (!st->legal_basis || !st->id || translated(translation_of(wf, table, &st->legal_basis), lg))
				continue;
			snprintf(sec, sizeof sec, "state.%s", st->id);
			problem_add(b->p, line_of(b, sec, "legal_basis"),
				    _("[state.%s] has no legal_basis[%s]: the file translates into %s, and the legal basis is printed on decision letters"),
				    st->id, lg, lg);
		}
		for (size_t i = 0; i < wf->n_transitions; i++) {
			const struct wf_transition *t = &wf->transitions[i];
			if (!t->title || !t->id || translated(translation_of(wf, table, &t->title), lg))
				continue;
			snprintf(sec, sizeof sec, "transition.%s", t->id);
			warning_add(b->p, line_of(b, sec, "title"),
				    _("[transition.%s] has no title[%s]: the file translates into %s, and this step would show as written"),
				    t->id, lg, lg);
		}
		for (size_t i = 0; i < wf->n_fields; i++) {
			const struct wf_field *f = &wf->fields[i];
			if (!f->id)
				continue;
			snprintf(sec, sizeof sec, "field.%s", f->id);
			if (f->label && !translated(translation_of(wf, table, &f->label), lg))
				warning_add(b->p, line_of(b, sec, "label"),
					    _("[field.%s] has no label[%s]: the file translates into %s, and this label would show as written"),
					    f->id, lg, lg);
			for (size_t k = 0; f->choice_labels && k < f->n_choices; k++) {
				if (!f->choice_labels[k] ||
				    translated(translation_of(wf, table, &f->choice_labels[k]), lg))
					continue;
				snprintf(key, sizeof key, CHOICE_KEY "%s", f->choices[k]);
				warning_add(b->p, line_of(b, sec, key),
					    _("[field.%s] has no %s[%s]: the file translates into %s, and this choice would show as written"),
					    f->id, key, lg, lg);
			}
		}
	}
	/* A choice without a label shows its id, in every language. */
	for (size_t i = 0; i < wf->n_fields; i++) {
		const struct wf_field *f = &wf->fields[i];
		char sec[2 * INI_MAX_LINE];
		if (!f->id || (n_langs == 0 && !f->choice_labels))
			continue;
		snprintf(sec, sizeof sec, "field.%s", f->id);
		for (size_t k = 0; k < f->n_choices; k++)
			if (f->choices[k][0] && (!f->choice_labels || !f->choice_labels[k]))
				warning_add(b->p, line_of(b, sec, "choices"),
					    _("choice '%s' of field %s has no label: its id would be shown; add %s%s = ..."),
					    f->choices[k], f->id, CHOICE_KEY, f->choices[k]);
	}
	free(table);
}

/*
 * What a case on an older version borrows from the current file (`also`): the translation
 * of a text of the same kind written the same way.  Two indexes over `also`'s translations
 * by the text as written, one for titles and one for labels, the first of equal texts
 * winning as a scan in file order would.
 */
struct borrow {
	const struct workflow *also;
	struct idmap titles, labels;
};

static const char *base_at(const void *ctx, size_t i)
{
	return ((const struct workflow *)ctx)->translations[i].base;
}

static int is_label_slot(const struct workflow *wf, char *const *slot)
{
	size_t k = slot_number(wf, slot);
	return k != NO_INDEX && k >= 1 + wf->n_states + wf->n_transitions;
}

static void borrow_init(struct borrow *bw, const struct workflow *also)
{
	memset(bw, 0, sizeof *bw);
	if (!also || also->n_translations == 0)
		return;
	if (idmap_init(&bw->titles, also->n_translations) != CD_OK ||
	    idmap_init(&bw->labels, also->n_translations) != CD_OK) {
		idmap_release(&bw->titles);
		return;   /* nothing borrowed: the texts stay as written */
	}
	bw->also = also;
	for (size_t i = 0; i < also->n_translations; i++)
		idmap_add(is_label_slot(also, also->translations[i].slot) ? &bw->labels : &bw->titles, i,
			  base_at, also);
}

static const char *borrowed(const struct borrow *bw, int is_label, const char *base, const char *lang)
{
	if (!bw->also)
		return NULL;
	size_t i = idmap_find(is_label ? &bw->labels : &bw->titles, base, base_at, bw->also);
	return i == NO_INDEX ? NULL : translated(&bw->also->translations[i], lang);
}

static void localize_slot(struct workflow *wf, size_t *table, char **slot, int is_label, const char *lang,
			  const struct borrow *bw)
{
	struct wf_translation *t = translation_of(wf, table, slot);
	char *base = t ? t->base : *slot;
	const char *text = lang ? translated(t, lang) : NULL;

	if (!text && lang && base)
		text = borrowed(bw, is_label, base, lang);
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
		if (table) {
			size_t k = slot_number(wf, slot);
			if (k != NO_INDEX)
				table[k] = wf->n_translations - 1;
		}
	}
	if (text)
		*slot = (char *)text;
}

void wf_localize(struct workflow *wf, const char *lang, const struct workflow *also)
{
	/* Without memory for the table the scan still gives the right answer, only slower. */
	size_t *table = translation_table(wf);
	struct borrow bw;

	if (lang && (!*lang || !strcmp(lang, "en")))
		lang = NULL;
	borrow_init(&bw, lang ? also : NULL);
	snprintf(wf->lang, sizeof wf->lang, "%s", lang ? lang : "");
	localize_slot(wf, table, &wf->title, 0, lang, &bw);
	for (size_t i = 0; i < wf->n_states; i++)
		localize_slot(wf, table, &wf->states[i].title, 0, lang, &bw);
	for (size_t i = 0; i < wf->n_states; i++)
		if (wf->states[i].legal_basis)
			localize_slot(wf, table, &wf->states[i].legal_basis, 1, lang, &bw);
	for (size_t i = 0; i < wf->n_transitions; i++)
		localize_slot(wf, table, &wf->transitions[i].title, 0, lang, &bw);
	for (size_t i = 0; i < wf->n_fields; i++) {
		struct wf_field *f = &wf->fields[i];
		localize_slot(wf, table, &f->label, 1, lang, &bw);
		for (size_t k = 0; f->choice_labels && k < f->n_choices; k++)
			localize_slot(wf, table, &f->choice_labels[k], 1, lang, &bw);
	}
	idmap_release(&bw.titles);
	idmap_release(&bw.labels);
	free(table);
}

/*
 * The text without its translation lines: what a store pins as this version.  The lines
 * to drop are marked in one pass over the keys, then the text is copied in one pass.
 */
static char *strip_translations(struct builder *b, const char *text)
{
	struct cd_buf out = CD_BUF_INIT;
	unsigned char *drop = calloc((size_t)b->ini.n_lines + 2, 1);
	const char *p = text;
	char lang[4];
	int line = 1;

	if (!drop) {
		b->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < b->ini.n_sections; i++)
		for (size_t k = 0; k < b->ini.sections[i].n_keys; k++) {
			const struct ini_key *key = &b->ini.sections[i].keys[k];
			if (key->line >= 1 && key->line <= b->ini.n_lines && ini_key_lang(key->name, lang) > 0)
				drop[key->line] = 1;
		}
	while (*p) {
		size_t len = strcspn(p, "\n");
		int skip = line <= b->ini.n_lines && drop[line];
		if (p[len] == '\n')
			len++;
		if (!skip)
			buf_add(&out, p, len);
		p += len;
		line++;
	}
	free(drop);
	char *kept = out.failed ? NULL : buf_detach(&out);
	if (!kept)
		b->oom = 1;
	buf_release(&out);
	return kept;
}

/*
 * `checks = sis, sltd, national_watchlist`: the lists every case of the workflow is checked
 * against (the checks_clear guard).  Ids as everywhere, each once.
 */
static void check_checks_key(struct builder *b)
{
	struct workflow *wf = b->wf;
	const char *v = value_of(b, "workflow", "checks");
	int line = line_of(b, "workflow", "checks");

	if (!v)
		return;
	if (is_blank(v)) {
		problem_add(b->p, line, _("key '%s' in [%s] is empty"), "checks", "workflow");
		return;
	}
	if (!(wf->checks = split_list(v, &wf->n_checks))) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < wf->n_checks; i++) {
		if (!wf->checks[i][0]) {
			problem_add(b->p, line, _("empty item in %s"), "checks");
			continue;
		}
		if (!valid_id(wf->checks[i]))
			problem_add(b->p, line, _("check list '%s' may use only a-z, 0-9 and _ (at most %d)"),
				    wf->checks[i], ID_MAX);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(wf->checks[k], wf->checks[i])) {
				problem_add(b->p, line, _("check list %s is named twice in checks"), wf->checks[i]);
				break;
			}
	}
}

/*
 * checks_clear and checks_answered need the lists they mean.  A file must name them (`checks = ...`); text a
 * store kept from before the key existed (versions 1-3 of the shipped workflows) meant the
 * lists those workflows name now, so that cases still running on it can be decided.
 */
static void check_checks_needed(struct builder *b)
{
	static const char *const before_the_key[] = { "sis", "sltd", "national_watchlist" };
	struct workflow *wf = b->wf;
	size_t first = NO_INDEX;

	for (size_t i = 0; i < wf->n_transitions && first == NO_INDEX; i++)
		if (wf->transitions[i].guards & (WF_GUARD_CHECKS_CLEAR | WF_GUARD_CHECKS_ANSWERED))
			first = i;
	if (first == NO_INDEX || wf->n_checks > 0 || value_of(b, "workflow", "checks"))
		return;
	if (!b->stored) {
		char sec[2 * INI_MAX_LINE];
		snprintf(sec, sizeof sec, "transition.%s", wf->transitions[first].id);
		problem_add(b->p, line_of(b, sec, "guards"),
			    _("transition %s has the guard %s, but [workflow] names no lists: add "
			      "e.g. checks = sis, sltd, national_watchlist"),
			    wf->transitions[first].id,
			    wf->transitions[first].guards & WF_GUARD_CHECKS_CLEAR ? "checks_clear" : "checks_answered");
		return;
	}
	size_t n = sizeof before_the_key / sizeof before_the_key[0];
	if (!(wf->checks = calloc(n, sizeof *wf->checks))) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		wf->checks[wf->n_checks++] = bdup(b, before_the_key[i]);
}

/*
 * `network.LIST = document|person` in [workflow]: LIST (one of `checks`) is asked of the
 * country's check gateway, about the case's documents or its person; the other lists stay
 * recorded by hand.  A list not named in `checks` is a mistake in the file (one asked twice
 * is a duplicate key, which the INI reader refuses).
 */
static void check_network_keys(struct builder *b)
{
	struct workflow *wf = b->wf;
	const struct ini_section *s = ini_section(&b->ini, "workflow");
	size_t n = 0;

	for (size_t k = 0; s && k < s->n_keys; k++)
		n += !strncmp(s->keys[k].name, NETWORK_KEY, strlen(NETWORK_KEY));
	if (!n)
		return;
	wf->network_lists = calloc(n, sizeof *wf->network_lists);
	wf->network_kinds = calloc(n, sizeof *wf->network_kinds);
	if (!wf->network_lists || !wf->network_kinds) {
		b->oom = 1;
		return;
	}
	for (size_t k = 0; k < s->n_keys; k++) {
		const struct ini_key *key = &s->keys[k];
		const char *list = key->name + strlen(NETWORK_KEY);
		size_t i;
		int kind;
		if (strncmp(key->name, NETWORK_KEY, strlen(NETWORK_KEY)) != 0)
			continue;
		if (!strcmp(key->value, "document"))
			kind = WF_NET_DOCUMENT;
		else if (!strcmp(key->value, "person"))
			kind = WF_NET_PERSON;
		else {
			problem_add(b->p, key->line, _("key '%s' in [workflow]: a list is asked about a document or a "
						       "person, not '%s'"), key->raw, key->value);
			continue;
		}
		for (i = 0; i < wf->n_checks; i++)
			if (!strcmp(wf->checks[i], list))
				break;
		if (i == wf->n_checks) {
			problem_add(b->p, key->line, _("key '%s' in [workflow]: list '%s' is not named in checks"),
				    key->raw, list);
			continue;
		}
		wf->network_kinds[wf->n_network] = kind;
		wf->network_lists[wf->n_network++] = bdup(b, list);
	}
}

static void check_workflow_section(struct builder *b)
{
	const struct ini_section *s = ini_section(&b->ini, "workflow");
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
	check_checks_key(b);
}

int wf_retention_period_parse(const char *text, struct wf_duration *out, struct cd_error *err)
{
	const char *p = text ? text : "";
	long amount = 0;
	int digits = 0;

	out->unit = WF_NONE;
	out->amount = 0;
	while (*p == ' ')
		p++;
	while (isdigit((unsigned char)*p) && digits < 4) {
		amount = amount * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (digits && amount >= 1 && !strcmp(p, "y") && amount <= 100) {
		out->unit = WF_MONTHS;
		out->amount = (int)amount * 12;
	} else if (digits && amount >= 1 && (!strcmp(p, "m") || !strcmp(p, "w") || !strcmp(p, "d"))) {
		out->unit = *p == 'm' ? WF_MONTHS : *p == 'w' ? WF_WEEKS : WF_DAYS;
		out->amount = (int)amount;
	} else {
		return cd_error_set(err, CD_EINPUT,
				    _("'%s' is not a retention period (a number from 1 and y, m, w or d: 10y, 60m, 26w, 365d)"),
				    text ? text : "");
	}
	return CD_OK;
}

/*
 * [retention]: from (opened | decision), period (10y, 60m, ...), action (purge | anonymise
 * | review).  Optional: a workflow without it keeps its cases.
 */
static void check_retention(struct builder *b)
{
	static const char *const froms[] = { "opened", "decision", NULL };
	static const char *const actions[] = { "purge", "anonymise", "review", NULL };
	const struct ini_section *s = ini_section(&b->ini, "retention");
	struct wf_retention *r = &b->wf->retention;
	struct cd_error err = CD_ERROR_INIT;
	const char *v;
	size_t i;

	if (!s)
		return;
	r->line = s->line;
	check_keys(b, s, retention_keys, "");
	if ((v = required_value(b, "retention", "from"))) {
		for (i = 0; froms[i] && strcmp(froms[i], v); i++)
			;
		if (froms[i])
			r->from = i == 0 ? WF_RET_OPENED : WF_RET_DECISION;
		else
			problem_add(b->p, line_of(b, "retention", "from"),
				    _("from is 'opened' (the day the case was opened) or 'decision' (the day it reached a final state), not '%s'"),
				    v);
	}
	if ((v = required_value(b, "retention", "period")) && wf_retention_period_parse(v, &r->period, &err) != CD_OK)
		problem_add(b->p, line_of(b, "retention", "period"), _("period: %s"), err.msg);
	if ((v = required_value(b, "retention", "action"))) {
		for (i = 0; actions[i] && strcmp(actions[i], v); i++)
			;
		if (actions[i])
			r->action = i == 0 ? WF_RET_PURGE : i == 1 ? WF_RET_ANONYMISE : WF_RET_REVIEW;
		else
			problem_add(b->p, line_of(b, "retention", "action"),
				    _("action is purge, anonymise or review, not '%s'"), v);
	}
}

static void check_state(struct builder *b, const struct ini_section *s, struct wf_state *st)
{
	const char *sec = s->name, *v;
	struct cd_error err = CD_ERROR_INIT;

	check_keys(b, s, state_keys, "title");
	if ((v = required_value(b, sec, "title")))
		st->title = bdup(b, v);
	add_translations(b, s, "title", &st->title);
	/* The law a decision letter cites (issue 14): data, translated like a title. */
	if ((v = value_of(b, sec, "legal_basis")) && !is_blank(v))
		st->legal_basis = bdup(b, v);
	add_translations(b, s, "legal_basis", &st->legal_basis);
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

/*
 * `choice.ID = Label` and `choice.ID[uk] = ...` in a field's section: the label users see
 * for a choice, and its translations.  A label naming no choice of the field, or a
 * translation without the label it translates, is a problem at its line.
 */
static void check_choice_labels(struct builder *b, const struct ini_section *s, struct wf_field *f, int typed)
{
	const size_t plen = strlen(CHOICE_KEY);
	char lang[4];

	for (size_t k = 0; k < s->n_keys; k++) {
		const struct ini_key *key = &s->keys[k];
		size_t end, i;
		if (strncmp(key->name, CHOICE_KEY, plen))
			continue;
		if (typed && f->type != WF_CHOICE) {
			problem_add(b->p, key->line, _("key '%s' in [%s]: choice labels are only for fields of type choice"),
				    key->raw, s->raw);
			continue;
		}
		end = ini_key_lang(key->name, lang);
		if (!end) {
			if (strchr(key->name, '[')) {
				problem_add(b->p, key->line,
					    _("key '%s' in [%s]: a language is written as 2 or 3 small letters, as in %s[ru]"),
					    key->raw, s->raw, CHOICE_KEY "ID");
				continue;
			}
			end = strlen(key->name);
		}
		for (i = 0; i < f->n_choices; i++)
			if (strlen(f->choices[i]) == end - plen && !strncmp(f->choices[i], key->name + plen, end - plen))
				break;
		if (i == f->n_choices) {
			char list[256];
			list[0] = '\0';
			for (size_t c = 0, used = 0; c < f->n_choices && used < sizeof list; c++) {
				int n = snprintf(list + used, sizeof list - used, "%s%s", c ? ", " : "", f->choices[c]);
				if (n < 0)
					break;
				used += (size_t)n;
			}
			problem_add(b->p, key->line, _("key '%s' in [%s] names no choice of field %s (choices: %s)"),
				    key->raw, s->raw, f->id, list);
			continue;
		}
		if (end != strlen(key->name))
			continue;   /* a translation: read below, once its label is known */
		if (is_blank(key->value)) {
			problem_add(b->p, key->line, _("key '%s' in [%s] is empty"), key->raw, s->raw);
			continue;
		}
		if (!f->choice_labels && !(f->choice_labels = calloc(f->n_choices, sizeof *f->choice_labels))) {
			b->oom = 1;
			return;
		}
		f->choice_labels[i] = bdup(b, key->value);
	}
	/* Translations, choice by choice, now that every label is read. */
	for (size_t i = 0; i < f->n_choices; i++) {
		char name[INI_MAX_LINE + 8];
		snprintf(name, sizeof name, CHOICE_KEY "%s", f->choices[i]);
		if (f->choice_labels && f->choice_labels[i]) {
			add_translations(b, s, name, &f->choice_labels[i]);
			continue;
		}
		for (size_t k = 0; k < s->n_keys; k++)
			if (ini_key_lang(s->keys[k].name, lang) == strlen(name) &&
			    !strncmp(s->keys[k].name, name, strlen(name)))
				problem_add(b->p, s->keys[k].line,
					    _("key '%s' in [%s] translates a label the field does not give: add %s = ... first"),
					    s->keys[k].raw, s->raw, name);
	}
}

static void check_field(struct builder *b, const struct ini_section *s, struct wf_field *f)
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
	if ((v = value_of(b, sec, "multiple"))) {
		if (parse_flag(v, &f->multiple) < 0)
			problem_add(b->p, line_of(b, sec, "multiple"), _("multiple is yes or no, not '%s'"), v);
		else if (typed && f->type != WF_CHOICE)
			problem_add(b->p, line_of(b, sec, "multiple"),
				    _("multiple is only for fields of type choice (field %s is not one)"), f->id);
	}
	static const char *const bounds[] = { "min", "max" };
	for (int i = 0; i < 2; i++) {
		double number;
		if (!(v = value_of(b, sec, bounds[i])))
			continue;
		if (typed && f->type != WF_NUMBER) {
			problem_add(b->p, line_of(b, sec, bounds[i]),
				    _("%s is only for fields of type number"), bounds[i]);
		} else if (wf_parse_number(v, &number) < 0) {
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
	check_choice_labels(b, s, f, typed);
}

/*
 * The cross-field rules of one field (`after = valid_from`, `not_before = today`), read
 * once every field's type is known: a rule compares dates, so both sides must be date
 * fields, and a rule naming no field is reported where it is written.
 */
static void check_field_rules(struct builder *b, const struct ini_section *s, struct wf_field *f)
{
	const char *sec = s->name, *v;

	for (int r = 0; rule_keys[r]; r++) {
		char **items;
		size_t n = 0;
		int line = line_of(b, sec, rule_keys[r]);

		if (!(v = value_of(b, sec, rule_keys[r])))
			continue;
		if (f->type != WF_DATE) {
			problem_add(b->p, line, _("%s is only for fields of type date (field %s is not one)"),
				    rule_keys[r], f->id);
			continue;
		}
		if (is_blank(v)) {
			problem_add(b->p, line, _("key '%s' in [%s] is empty"), rule_keys[r], sec);
			continue;
		}
		if (!(items = split_list(v, &n))) {
			b->oom = 1;
			return;
		}
		for (size_t i = 0; i < n; i++) {
			size_t other = !strcmp(items[i], "today") ? WF_TODAY : field_index(b, items[i]);
			if (other == NO_INDEX) {
				problem_add(b->p, line,
					    _("%s = %s: unknown field (no [field.%s] section; `today` is the day itself)"),
					    rule_keys[r], items[i], items[i]);
			} else if (other != WF_TODAY && b->wf->fields[other].type != WF_DATE) {
				problem_add(b->p, line, _("%s = %s: field %s is not a date"), rule_keys[r], items[i],
					    items[i]);
			} else if (other != WF_TODAY && &b->wf->fields[other] == f) {
				problem_add(b->p, line, _("%s = %s: a field cannot be compared with itself"),
					    rule_keys[r], items[i]);
			} else if (f->n_rules == WF_RULES_MAX) {
				problem_add(b->p, line, _("field %s has more than %d date rules"), f->id,
					    WF_RULES_MAX);
			} else {
				f->rules[f->n_rules++] = (struct wf_date_rule){ (enum wf_date_rel)r, other, line };
			}
		}
		free_list(items, n);
	}
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
	b->mark_gen++;
	for (size_t i = 0; i < n; i++) {
		size_t f = field_index(b, items[i]);
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
		if (b->mark && b->mark[f] == b->mark_gen) {
			problem_add(b->p, line_of(b, sec, key), _("field %s is listed twice in %s"),
				    items[i], key);
			continue;
		}
		if (b->mark)
			b->mark[f] = b->mark_gen;
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

static void check_transition(struct builder *b, const struct ini_section *s,
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
		t->to = state_index(b, v);
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
				size_t st = state_index(b, items[i]);
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
	b->mark_gen++;
	for (size_t k = 0; b->mark && k < t->n_fields; k++)
		b->mark[t->fields[k]] = b->mark_gen;
	for (size_t i = 0; b->mark && i < t->n_optional; i++)
		if (b->mark[t->optional[i]] == b->mark_gen)
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
		else if (b->known && b->known->forms && t->to != NO_INDEX &&
			 !wf_form_allows(b->known, v, wf->id, wf->states[t->to].id, wf->states[t->to].outcome))
			/* The step's own print would be refused: the index and the workflow disagree. */
			problem_add(b->p, line_of(b, sec, "form"),
				    _("transition %s prints form %s into state %s, which the forms index does not allow for it: add %s:%s to its states in data/forms/index.ini"),
				    t->id, v, wf->states[t->to].id, wf->id ? wf->id : "", wf->states[t->to].id);
		t->form = bdup(b, v);
	}
	if ((v = value_of(b, sec, "confirm")) && parse_flag(v, &t->confirm) < 0)
		problem_add(b->p, line_of(b, sec, "confirm"), _("confirm is yes or no, not '%s'"), v);
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

/*
 * Reachability over adjacency lists (CSR: each state's edges in one run of an array), so
 * the graph checks are linear in states plus edges.  Sweeping all transitions until
 * nothing changed took one sweep per step of the longest path: quadratic on a long chain.
 */
struct graph {
	size_t *start;     /* state s's edges are edge[start[s] .. start[s + 1]) */
	size_t *edge;      /* transition index */
	size_t *rstart;    /* the same by target state: which transitions enter s */
	size_t *redge;
};

static void graph_release(struct graph *g)
{
	free(g->start);
	free(g->edge);
	free(g->rstart);
	free(g->redge);
}

static int graph_build(const struct workflow *wf, struct graph *g)
{
	size_t n = wf->n_states, n_edges = 0, n_in = 0;

	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < wf->n_transitions; i++) {
		n_edges += wf->transitions[i].n_from;
		n_in += wf->transitions[i].to != NO_INDEX;
	}
	g->start = calloc(n + 1, sizeof *g->start);
	g->edge = calloc(n_edges + 1, sizeof *g->edge);
	g->rstart = calloc(n + 1, sizeof *g->rstart);
	g->redge = calloc(n_in + 1, sizeof *g->redge);
	if (!g->start || !g->edge || !g->rstart || !g->redge)
		return CD_EINTERNAL;
	/* Count, make the counts offsets, then fill in transition order. */
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		for (size_t k = 0; k < t->n_from; k++)
			g->start[t->from[k] + 1]++;
		if (t->to != NO_INDEX)
			g->rstart[t->to + 1]++;
	}
	for (size_t s = 0; s < n; s++) {
		g->start[s + 1] += g->start[s];
		g->rstart[s + 1] += g->rstart[s];
	}
	size_t *fill = calloc(n + 1, sizeof *fill), *rfill = calloc(n + 1, sizeof *rfill);
	if (!fill || !rfill) {
		free(fill);
		free(rfill);
		return CD_EINTERNAL;
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		for (size_t k = 0; k < t->n_from; k++) {
			size_t s = t->from[k];
			g->edge[g->start[s] + fill[s]++] = i;
		}
		if (t->to != NO_INDEX)
			g->redge[g->rstart[t->to] + rfill[t->to]++] = i;
	}
	free(fill);
	free(rfill);
	return CD_OK;
}

static void check_graph(struct builder *b, int wf_line)
{
	struct workflow *wf = b->wf;
	unsigned char *reach = NULL, *ends = NULL;
	size_t *queue = NULL, head = 0, tail = 0, n_final = 0;
	struct graph g;

	if (wf->n_states == 0) {
		problem_add(b->p, wf_line, _("the workflow has no [state.ID] sections"));
		return;
	}
	reach = calloc(wf->n_states, 1);
	ends = calloc(wf->n_states, 1);
	queue = calloc(wf->n_states, sizeof *queue);
	if (graph_build(wf, &g) != CD_OK || !reach || !ends || !queue) {
		b->oom = 1;
		goto out;
	}
	/* Forward from the initial state: each state enters the queue once. */
	if (wf->initial != NO_INDEX) {
		reach[wf->initial] = 1;
		queue[tail++] = wf->initial;
	}
	while (head < tail) {
		size_t s = queue[head++];
		for (size_t e = g.start[s]; e < g.start[s + 1]; e++) {
			size_t to = wf->transitions[g.edge[e]].to;
			if (to != NO_INDEX && !reach[to]) {
				reach[to] = 1;
				queue[tail++] = to;
			}
		}
	}
	/* Backward from the final states. */
	head = tail = 0;
	for (size_t i = 0; i < wf->n_states; i++)
		if (wf->states[i].final) {
			ends[i] = 1;
			queue[tail++] = i;
			n_final++;
		}
	while (head < tail) {
		size_t s = queue[head++];
		for (size_t e = g.rstart[s]; e < g.rstart[s + 1]; e++) {
			const struct wf_transition *t = &wf->transitions[g.redge[e]];
			for (size_t k = 0; k < t->n_from; k++)
				if (!ends[t->from[k]]) {
					ends[t->from[k]] = 1;
					queue[tail++] = t->from[k];
				}
		}
	}
	if (n_final == 0)
		problem_add(b->p, wf_line, _("the workflow has no final state (final = yes)"));
	for (size_t s = 0; s < wf->n_states; s++) {
		struct wf_state *st = &wf->states[s];
		int way_out = 0;
		for (size_t e = g.start[s]; e < g.start[s + 1] && !way_out; e++) {
			size_t to = wf->transitions[g.edge[e]].to;
			way_out = to != s && to != NO_INDEX;
		}
		if (wf->initial != NO_INDEX && !reach[s])
			problem_add(b->p, st->line, _("state %s cannot be reached from the initial state %s"),
				    st->id, wf->states[wf->initial].id);
		if (st->final) {
			for (size_t e = g.start[s]; e < g.start[s + 1]; e++) {
				const struct wf_transition *t = &wf->transitions[g.edge[e]];
				problem_add(b->p, t->line, _("final state %s has a way out (transition %s)"),
					    st->id, t->id);
			}
		} else if (!way_out) {
			problem_add(b->p, st->line,
				    _("state %s is not final but no transition leads out of it"), st->id);
		} else if (n_final > 0 && !ends[s]) {
			problem_add(b->p, st->line, _("no final state can be reached from state %s"),
				    st->id);
		}
	}
out:
	graph_release(&g);
	free(reach);
	free(ends);
	free(queue);
}

/*
 * Titles, labels and every other value are printed on terminals, screens and letters: a
 * control character (ESC, BEL, C1, DEL ...) in one would be executed by a supervisor's
 * terminal (retitle it, clear it).  Refused wherever it stands, naming the line.
 */
static void check_controls(struct builder *b)
{
	for (size_t i = 0; i < b->ini.n_sections; i++) {
		const struct ini_section *s = &b->ini.sections[i];
		for (size_t k = 0; k < s->n_keys; k++) {
			struct cd_error err = CD_ERROR_INIT;
			if (text_check(s->keys[k].value, s->keys[k].raw, TEXT_LINE, &err) != CD_OK)
				problem_add(b->p, s->keys[k].line, _("key '%s' in [%s]: %s (titles and labels are shown on terminals and letters)"),
					    s->keys[k].raw, s->raw, err.msg);
		}
	}
}

int wf_outcome_decides(const char *outcome)
{
	static const char *const not_decisions[] = { "withdrawn", "discontinued", "transferred", NULL };

	if (!outcome)
		return 0;
	for (size_t i = 0; not_decisions[i]; i++)
		if (!strncmp(outcome, not_decisions[i], strlen(not_decisions[i])))
			return 0;
	return 1;
}

/*
 * `four_eyes = STEP`: the step exists and is another one.  Every transition into a final
 * state that grants or refuses without a pairing is warned about: one user could decide
 * alone (the old `guards = four_eyes` checks only who made the last step).
 */
static void check_four_eyes(struct builder *b)
{
	struct workflow *wf = b->wf;

	for (size_t i = 0; i < wf->n_transitions; i++) {
		struct wf_transition *t = &wf->transitions[i];
		char sec[2 * INI_MAX_LINE];
		const char *v;
		snprintf(sec, sizeof sec, "transition.%s", t->id ? t->id : "");
		t->four_eyes = WF_NO_PAIR;
		if ((v = value_of(b, sec, "four_eyes")) && !is_blank(v)) {
			size_t k = idmap_find(&b->transitions, v, transition_id_at, wf);
			if (k == NO_INDEX)
				problem_add(b->p, line_of(b, sec, "four_eyes"),
					    _("four_eyes names unknown transition '%s' (no [transition.%s] section)"), v, v);
			else if (k == i)
				problem_add(b->p, line_of(b, sec, "four_eyes"),
					    _("transition %s cannot pair with itself in four_eyes; name the step that proposes it"),
					    t->id);
			else
				t->four_eyes = k;
		} else if (v) {
			problem_add(b->p, line_of(b, sec, "four_eyes"), _("key 'four_eyes' in [%s] is empty"), sec);
		}
		if (t->four_eyes == WF_NO_PAIR && t->to != NO_INDEX && wf->states[t->to].final &&
		    wf_outcome_decides(wf->states[t->to].outcome))
			warning_add(b->p, t->line,
				    _("transition %s decides (state %s, outcome %s) without a four-eyes pairing: one user could decide alone; name the step it pairs with, as in four_eyes = propose_decision"),
				    t->id, wf->states[t->to].id, wf->states[t->to].outcome);
	}
}

/* Which kind of section: 0 unknown, and the id after the dot. */
enum section_kind { SEC_UNKNOWN, SEC_WORKFLOW, SEC_STATE, SEC_TRANSITION, SEC_FIELD, SEC_RETENTION };

static enum section_kind section_kind(const struct ini_section *s, const char **raw_id)
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
	if (!strcmp(s->name, "retention"))
		return SEC_RETENTION;
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
static int build(const char *text, const char *name, const struct wf_known *known, int stored,
		 struct problems *p, struct workflow **out)
{
	struct builder b = { .p = p, .known = known, .stored = stored };
	size_t n_states = 0, n_transitions = 0, n_fields = 0;
	unsigned char *taken = NULL;
	int rc = CD_OK;
	struct workflow *wf = NULL;
	const char *v;

	*out = NULL;
	rc = ini_parse(&b.ini, text, name, scan_report, p);
	if (rc != CD_OK)
		goto out;
	wf = b.wf = calloc(1, sizeof *wf);
	if (!wf) {
		rc = CD_EINTERNAL;
		goto out;
	}
	wf->initial = NO_INDEX;
	wf->path = bdup(&b, name);
	wf->source = strip_translations(&b, text);
	check_controls(&b);

	for (size_t i = 0; i < b.ini.n_sections; i++) {
		const char *id;
		switch (section_kind(&b.ini.sections[i], &id)) {
		case SEC_STATE: n_states++; break;
		case SEC_TRANSITION: n_transitions++; break;
		case SEC_FIELD: n_fields++; break;
		case SEC_WORKFLOW: break;
		case SEC_RETENTION: break;
		case SEC_UNKNOWN:
			problem_add(p, b.ini.sections[i].line,
				    _("unknown section kind [%s] (expected [workflow], [state.ID], [transition.ID], [field.ID] or [retention])"),
				    b.ini.sections[i].raw);
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
	for (size_t i = 0; i < b.ini.n_sections; i++) {
		const struct ini_section *s = &b.ini.sections[i];
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
		/* The reader lowercases names (as iniparser does), so "State.Lodged" would silently become "lodged". */
		if (!valid_id(id))
			problem_add(p, s->line, _("id '%s' in [%s] may use only a-z, 0-9 and _ (at most %d)"),
				    id, s->raw, ID_MAX);
		*slot = bdup(&b, id);
		*line = s->line;
	}
	if (idmap_init(&b.states, wf->n_states) != CD_OK || idmap_init(&b.fields, wf->n_fields) != CD_OK ||
	    idmap_init(&b.transitions, wf->n_transitions) != CD_OK) {
		rc = CD_EINTERNAL;
		goto out;
	}
	for (size_t i = 0; i < wf->n_states; i++)
		idmap_add(&b.states, i, state_id_at, wf);
	for (size_t i = 0; i < wf->n_fields; i++)
		idmap_add(&b.fields, i, field_id_at, wf);
	for (size_t i = 0; i < wf->n_transitions; i++)
		idmap_add(&b.transitions, i, transition_id_at, wf);
	if (!(b.mark = calloc(wf->n_fields + 1, sizeof *b.mark))) {
		rc = CD_EINTERNAL;
		goto out;
	}
	check_workflow_section(&b);
	size_t si = 0, ti = 0, fi = 0;
	for (size_t i = 0; i < b.ini.n_sections; i++) {
		const struct ini_section *s = &b.ini.sections[i];
		const char *id;
		if (section_kind(s, &id) == SEC_STATE)
			check_state(&b, s, &wf->states[si++]);
		else if (section_kind(s, &id) == SEC_FIELD)
			check_field(&b, s, &wf->fields[fi++]);
	}
	fi = 0;
	for (size_t i = 0; i < b.ini.n_sections; i++) {
		const struct ini_section *s = &b.ini.sections[i];
		const char *id;
		if (section_kind(s, &id) == SEC_FIELD)
			check_field_rules(&b, s, &wf->fields[fi++]);
	}
	for (size_t i = 0; i < b.ini.n_sections; i++) {
		const struct ini_section *s = &b.ini.sections[i];
		const char *id;
		if (section_kind(s, &id) == SEC_TRANSITION)
			check_transition(&b, s, &wf->transitions[ti++]);
	}
	if (ini_section(&b.ini, "workflow") && (v = required_value(&b, "workflow", "initial"))) {
		wf->initial = state_index(&b, v);
		if (wf->initial == NO_INDEX)
			problem_add(p, line_of(&b, "workflow", "initial"), _("initial state '%s' is not a [state.%s]"),
				    v, v);
		else if (wf->states[wf->initial].final)
			problem_add(p, line_of(&b, "workflow", "initial"),
				    _("the initial state %s cannot be final"), v);
	}
	/* Which fields some transition takes: one pass over the transitions. */
	if (!(taken = calloc(wf->n_fields + 1, 1))) {
		rc = CD_EINTERNAL;
		goto out;
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const struct wf_transition *t = &wf->transitions[i];
		for (size_t k = 0; k < t->n_fields; k++)
			taken[t->fields[k]] = 1;
		for (size_t k = 0; k < t->n_optional; k++)
			taken[t->optional[k]] = 1;
	}
	for (size_t f = 0; f < wf->n_fields; f++) {
		if (!wf->fields[f].required)
			continue;
		if (!taken[f])
			problem_add(p, wf->fields[f].line,
				    _("required field %s is not taken by any transition, so fields_complete could never hold"),
				    wf->fields[f].id);
	}
	check_graph(&b, ini_line(&b.ini, "workflow", NULL));
	check_translations_complete(&b);
	check_retention(&b);
	check_four_eyes(&b);
	check_checks_needed(&b);
	check_network_keys(&b);
out:
	if (rc == CD_OK && (b.oom || p->oom))
		rc = CD_EINTERNAL;
	if (rc == CD_OK && p->n_errors == 0) {
		*out = wf;
		wf = NULL;
	}
	wf_free(wf);
	free(taken);
	free(b.mark);
	idmap_release(&b.states);
	idmap_release(&b.fields);
	idmap_release(&b.transitions);
	ini_release(&b.ini);
	if (p->n > 1)
		qsort(p->v, p->n, sizeof *p->v, problem_cmp);
	return rc;
}

/* Loads with the checker; the first problem (by line) becomes the error. */
static int load(const char *text, const char *name, const struct wf_known *known, int stored,
		struct workflow **out, struct cd_error *err)
{
	struct problems p = { 0 };
	int rc = build(text, name, known, stored, &p, out);

	if (rc != CD_OK) {
		rc = cd_error_set(err, rc, _("%s: out of memory while loading the workflow"), name);
	} else if (p.n_errors > 0) {
		/* Warnings do not stop a load: the first problem that is not one is the error. */
		size_t first = 0;
		while (p.v[first].warning)
			first++;
		if (p.n_errors == 1)
			rc = cd_error_set(err, CD_EINPUT, "%s:%d: %s", name, p.v[first].line, p.v[first].msg);
		else
			rc = cd_error_set(err, CD_EINPUT,
					  ngettext("%s:%d: %s (and %zu more problem: run the workflow lint)",
						   "%s:%d: %s (and %zu more problems: run the workflow lint)",
						   (unsigned long)(p.n_errors - 1)),
					  name, p.v[first].line, p.v[first].msg, p.n_errors - 1);
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
	rc = ini_read_file(path, &text, err);
	if (rc == CD_OK)
		rc = load(text, path, known, 0, out, err);
	free(text);
	return rc;
}

int wf_load_text(const char *text, const char *name, struct workflow **out, struct cd_error *err)
{
	*out = NULL;
	return load(text ? text : "", name ? name : "(workflow)", NULL, 1, out, err);
}

int wf_lint_file(const char *path, const struct wf_known *known, FILE *report, int *warnings)
{
	struct cd_error err = CD_ERROR_INIT;
	struct problems p = { 0 };
	struct workflow *wf = NULL;
	char *text = NULL;
	int count;

	if (warnings)
		*warnings = 0;
	if (ini_read_file(path, &text, &err) != CD_OK) {
		fprintf(report, "%s\n", err.msg);
		return 1;
	}
	if (build(text, path, known, 0, &p, &wf) != CD_OK) {
		fprintf(report, _("%s: out of memory while checking the workflow\n"), path);
		count = p.n > 0 ? (int)p.n : 1;
		goto out;
	}
	for (size_t i = 0; i < p.n; i++)
		if (!p.v[i].warning)
			fprintf(report, "%s:%d: %s\n", path, p.v[i].line, p.v[i].msg);
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].warning)
			fprintf(report, _("%s:%d: warning: %s\n"), path, p.v[i].line, p.v[i].msg);
	count = (int)p.n_errors;
	if (warnings)
		*warnings = (int)(p.n - p.n_errors);
out:
	wf_free(wf);
	problems_release(&p);
	free(text);
	return count;
}

/* ------------------------------------------------------------------------------------ */
/* Titles for ids: what screens, the CLI and letters show instead of an id.              */

const char *wf_state_title(const struct workflow *wf, const char *state_id)
{
	const struct wf_state *st = wf && state_id ? wf_find_state(wf, state_id) : NULL;
	return st && st->title ? st->title : state_id;
}

const char *wf_step_title(const struct workflow *wf, const char *transition_id)
{
	const struct wf_transition *t = wf && transition_id ? wf_find_transition(wf, transition_id) : NULL;
	return t && t->title ? t->title : transition_id;
}

const char *wf_field_label(const struct workflow *wf, const char *field_id)
{
	const struct wf_field *f = wf && field_id ? wf_find_field(wf, field_id) : NULL;
	return f && f->label ? f->label : field_id;
}

/*
 * The labels of a multiple choice value, joined by ", " in the order stored.  The text
 * lives in one of a few rotating buffers, so that a caller may hold the old and the new
 * value of one change at once (history shows both); an id the field does not know shows
 * as itself, so an old event still reads.
 */
static const char *multi_text(const struct wf_field *f, const char *value)
{
	static char ring[4][2048];
	static unsigned next;
	char *out = ring[next++ % 4];
	const char *pos = value;
	char id[128];
	size_t used = 0;
	int r;

	out[0] = '\0';
	while ((r = wf_multi_next(&pos, id, sizeof id)) != 0) {
		const char *label = id;
		int n;
		if (r < 0)
			return value;
		for (size_t i = 0; i < f->n_choices; i++)
			if (!strcmp(f->choices[i], id))
				label = wf_choice_label(f, i);
		n = snprintf(out + used, sizeof ring[0] - used, "%s%s", used ? ", " : "", label);
		if (n < 0 || (size_t)n >= sizeof ring[0] - used)
			return value;
		used += (size_t)n;
	}
	return out;
}

const char *wf_value_text(const struct workflow *wf, const char *field_id, const char *value)
{
	return wf_field_value_text(wf && field_id ? wf_find_field(wf, field_id) : NULL, value);
}

const char *wf_field_value_text(const struct wf_field *f, const char *value)
{
	if (!f || f->type != WF_CHOICE || !value)
		return value;
	if (f->multiple)
		return multi_text(f, value);
	for (size_t i = 0; i < f->n_choices; i++)
		if (!strcmp(f->choices[i], value))
			return wf_choice_label(f, i);
	return value;
}

/* ------------------------------------------------------------------------------------ */
/* The forms index.                                                                      */

int wf_known_load(const char *forms_index_path, struct wf_known *known, struct cd_error *err)
{
	struct ini scan = INI_INIT;
	struct problems p = { 0 };
	char **ids = NULL, **states = NULL, **outcomes = NULL;
	int *decision = NULL;
	char *text = NULL;
	size_t n = 0;
	int rc;

	memset(known, 0, sizeof *known);
	rc = ini_read_file(forms_index_path, &text, err);
	if (rc != CD_OK)
		goto out;
	rc = ini_parse(&scan, text, forms_index_path, scan_report, &p);
	if (rc != CD_OK) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	ids = calloc(scan.n_sections ? scan.n_sections : 1, sizeof *ids);
	states = calloc(scan.n_sections ? scan.n_sections : 1, sizeof *states);
	outcomes = calloc(scan.n_sections ? scan.n_sections : 1, sizeof *outcomes);
	decision = calloc(scan.n_sections ? scan.n_sections : 1, sizeof *decision);
	if (!ids || !states || !outcomes || !decision) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < scan.n_sections; i++) {
		const struct ini_section *s = &scan.sections[i];
		int titled = 0;
		if (strncmp(s->name, "form.", 5) || !valid_id(s->raw + 5)) {
			problem_add(&p, s->line, _("expected [form.ID] with an id of a-z, 0-9 and _, not [%s]"),
				    s->raw);
			continue;
		}
		titled = ini_key(&scan, s->name, "title") != NULL;
		if (!titled)
			problem_add(&p, s->line, _("[%s] needs the key 'title'"), s->raw);
		const char *v;
		if ((v = ini_get(&scan, s->name, "decision")) && parse_flag(v, &decision[n]) < 0)
			problem_add(&p, ini_line(&scan, s->name, "decision"), _("decision is yes or no, not '%s'"), v);
		if (((v = ini_get(&scan, s->name, "states")) && !(states[n] = strdup(v))) ||
		    ((v = ini_get(&scan, s->name, "outcomes")) && !(outcomes[n] = strdup(v))) ||
		    !(ids[n] = strdup(s->raw + 5))) {
			n++;
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
	known->states = (const char *const *)states;
	known->outcomes = (const char *const *)outcomes;
	known->decision = decision;
	known->n_forms = n;
	ids = states = outcomes = NULL;
	decision = NULL;
	n = 0;
out:
	free_list(ids, n);
	free_list(states, n);
	free_list(outcomes, n);
	free(decision);
	problems_release(&p);
	ini_release(&scan);
	free(text);
	return rc;
}

void wf_known_release(struct wf_known *known)
{
	if (!known)
		return;
	free_list((char **)known->forms, known->n_forms);
	free_list((char **)known->states, known->states ? known->n_forms : 0);
	free_list((char **)known->outcomes, known->outcomes ? known->n_forms : 0);
	free((int *)known->decision);
	memset(known, 0, sizeof *known);
}

static size_t known_index(const struct wf_known *known, const char *form)
{
	for (size_t i = 0; known && known->forms && i < known->n_forms; i++)
		if (!strcmp(known->forms[i], form))
			return i;
	return NO_INDEX;
}

/* Whether the comma-separated `list` holds `a` (or "wf:state" holds wf_id and a). */
static int list_has(const char *list, const char *wf_id, const char *a)
{
	size_t n = 0;
	int found = 0;
	char **items = a ? split_list(list, &n) : NULL;

	for (size_t i = 0; items && i < n && !found; i++) {
		const char *colon = strchr(items[i], ':');
		if (!strcmp(items[i], "*"))
			found = 1;
		else if (!colon)
			found = !strcmp(items[i], a);
		else
			found = wf_id && strlen(wf_id) == (size_t)(colon - items[i]) &&
				!strncmp(items[i], wf_id, strlen(wf_id)) && !strcmp(colon + 1, a);
	}
	free_list(items, n);
	return found;
}

int wf_form_allows(const struct wf_known *known, const char *form, const char *wf_id, const char *state_id,
		   const char *outcome)
{
	size_t i = known_index(known, form);
	const char *states, *outcomes;

	if (i == NO_INDEX)
		return 0;
	states = known->states ? known->states[i] : NULL;
	outcomes = known->outcomes ? known->outcomes[i] : NULL;
	if (!states && !outcomes)
		return 1;
	return (states && list_has(states, wf_id, state_id)) ||
	       (outcomes && outcome && list_has(outcomes, NULL, outcome));
}

int wf_form_is_decision(const struct wf_known *known, const char *form)
{
	size_t i = known_index(known, form);
	return i != NO_INDEX && known->decision && known->decision[i];
}


