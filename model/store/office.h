/*
 * office.h - the office's own settings, kept in its store: the letterhead every printed form
 * carries (name, address, phone, email), the court that hears an appeal against its
 * decisions and the time allowed for one, and the employment service (name and address) a
 * labour-market test request is addressed to.  They were one shared data file
 * (data/forms/office.ini) for every office running the same package; an office's letterhead
 * and its appeal court are its own, set by its admin (`casedesk office set`, the admin
 * screen) and, like every change, audited.
 *
 * Keys are fixed (office_keys); a text key may carry a language, name[ru], used for forms
 * printed in that language.  Values are one line of NFC text with no control character; the
 * appeal time limit is a duration as the workflows write them (30d, 4w, 1m, 10wd).  An
 * empty value removes the setting.  Stored as settings rows "office.KEY".
 */
#ifndef CD_OFFICE_H
#define CD_OFFICE_H

#include <stddef.h>

#include "model/base/error.h"
#include "model/store/store.h"

struct cd_office_key {
	const char *key;      /* "name", "appeal_limit" ... */
	const char *help;     /* N_() text: what it is, for `office show` and the admin screen */
	int per_language;     /* 1: may carry [lang] */
};

/* The known keys, in the order they are shown; `n` gets their count. */
const struct cd_office_key *office_keys(size_t *n);

/*
 * Checks `key` (with an optional [lang]) and `value`; on success *norm is the value to store
 * (NFC, malloc'd; "" for a removal).  CD_EINPUT naming the key and what a good value looks
 * like, never quoting the value.
 */
int office_check(const char *key, const char *value, char **norm, struct cd_error *err);

/* Sets (or with "" removes) one setting; admins only; an audit and an outbox row. */
int office_set(struct cd_store *s, const struct cd_actor *actor, const char *key, const char *value,
	       struct cd_error *err);

/*
 * The value of `key` for forms in `lang` (key[lang] first, then key), malloc'd in *out, or
 * NULL when the store has none.  lang may be NULL.
 */
int office_get(struct cd_store *s, const char *key, const char *lang, char **out, struct cd_error *err);

struct cd_office_setting {
	char *key;    /* as stored after "office.": "name", "name[ru]" */
	char *value;
};
/* Every office setting in the store, by key. */
int office_list(struct cd_store *s, struct cd_office_setting **out, size_t *n, struct cd_error *err);
void office_list_free(struct cd_office_setting *rows, size_t n);

/*
 * The letterhead in `lang` from the store, each malloc'd (NULL where unset).  *found is 0
 * when the store has no letterhead of its own (no name set): forms then fall back to the
 * package's data/forms/office.ini.  `contact` is phone and email on one line.
 */
struct cd_letterhead {
	char *name, *address, *contact;
};
int office_letterhead(struct cd_store *s, const char *lang, struct cd_letterhead *out, int *found,
		      struct cd_error *err);
void office_letterhead_release(struct cd_letterhead *l);

/*
 * Where an appeal against the office's decisions goes, in `lang` (issue 14's decision
 * letters): court, its address and the time limit as stored ("30d"), each malloc'd or NULL
 * where the admin has not set it.
 */
struct cd_office_appeal {
	char *court, *court_address, *limit;
};
int office_appeal(struct cd_store *s, const char *lang, struct cd_office_appeal *out, struct cd_error *err);
void office_appeal_release(struct cd_office_appeal *a);

#endif
