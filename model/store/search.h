/*
 * search.h - finding people: by case number, by document number, and by any spelling of
 * their names (original script, ICAO Latin, aliases, spelling variants, one or two typos,
 * surname and given names swapped), optionally narrowed by a (partial) date of birth typed
 * in the query (1987, 1987-04, 1987-04-12).  Each hit has a score and says why it matched.
 *
 * Candidates come from bounded passes (each a LIMITed FTS5 MATCH): the trigram index over
 * every spelling (person_fts), the skeleton keys (person_key, see translit_skeleton), then
 * typo passes, one typed word at a time (that word fuzzy, the others as typed): keys of its
 * likely originals, trigram pieces of it that one edit cannot all break, and for short
 * words keys one letter added or changed away.  Every candidate is then scored in C
 * against the query (search_name_level), each typed word paired with its own stored word.
 * Search as you type: the last word, when it begins a longer name of a hit, is still being
 * typed and is read without typos, so more letters narrow the list.
 */
#ifndef CD_SEARCH_H
#define CD_SEARCH_H

#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/error.h"
#include "model/store/store.h"

enum cd_match { CD_MATCH_CASE, CD_MATCH_DOCUMENT, CD_MATCH_NAME };

struct cd_search_hit {
	char number[32];               /* person number */
	char *surname, *given, *surname_latin, *given_latin;
	char dob[11];
	char nationality[4];
	enum cd_match match;
	char detail[48];               /* the case or document number that matched */
	int score;                     /* 0-100, best first */
	char why[256];                 /* "name: exact ICAO", "name: variant; dob: year", "document" ...
					* (translated: room for UTF-8) */
};

/* How one typed name word matches one stored name word, best first; 0 is no match. */
enum cd_name_level {
	CD_NAME_NONE = 0,
	CD_NAME_PART = 50,             /* inside the word (at least three letters) */
	CD_NAME_TYPO2 = 55,            /* two edits */
	CD_NAME_TYPO1 = 70,            /* one edit (or a swap of two letters) */
	CD_NAME_VARIANT_TYPING = 74,   /* a variant of the word still being typed: under what it begins */
	CD_NAME_PREFIX = 75,           /* the beginning of the word */
	CD_NAME_VARIANT = 85,          /* same skeleton key: a spelling variant or another scheme */
	CD_NAME_WRITTEN = 99,          /* same as written in the original script */
	CD_NAME_EXACT = 100,           /* same ICAO form */
};

/* One name word in the forms we compare: ICAO Latin, its skeleton key, as written (folded). */
struct cd_name_word {
	char icao[64];
	char key[32];
	char orig[128];
	int role;                      /* 0 surname, 1 given names */
};

/*
 * Splits a name into words in all three forms; returns how many (at most max).  `latin` is
 * its ICAO form when known (stored), else NULL: transliterated from `name` with lang_hint.
 * The translit tables must be loaded.
 */
size_t search_name_words(const char *name, const char *latin, const char *lang_hint, int role,
			 struct cd_name_word *out, size_t max);
/* The level at which typed word q matches stored word w. */
enum cd_name_level search_name_level(const struct cd_name_word *q, const struct cd_name_word *w);

/* Edits of a skeleton key, to look up the likely originals of a mistyped name word. */
enum { KEY_DROP = 1, KEY_SWAP = 2, KEY_CHANGE = 4, KEY_ADD = 8 };
/*
 * Appends to b, as FTS5 OR terms ("K" OR "K2" ...; the caller brackets them), `key` and
 * the keys one of `edits` away from it - a letter dropped, two neighbours swapped, one
 * changed to another class, one added - each once, min_len to 32 letters long.  *terms
 * counts what was appended.
 */
void search_key_edits(struct cd_buf *b, const char *key, unsigned edits, size_t min_len, int *terms);
/* "exact ICAO", "variant", "1 typo" ... for a level: marked N_(), shown through _(). */
const char *search_level_name(enum cd_name_level l);

/* Up to `limit` people for the query, best first. */
int search_people(struct cd_store *s, const char *query, int limit, struct cd_search_hit **out,
		  size_t *n, struct cd_error *err);
void search_hits_free(struct cd_search_hit *hits, size_t n);
/* "case", "document", "name": the JSON value; marked N_(), shown through _(). */
const char *cd_match_name(enum cd_match m);

#endif
