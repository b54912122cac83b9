/*
 * namescore.h - how well one name word matches another, with no store behind it: name
 * words in their three forms (ICAO Latin, skeleton key, as written), the level of a match
 * (exact, variant, prefix, one or two typos - Damerau-Levenshtein, translit_distance - or
 * a part), the why-text of each level, and the skeleton keys one edit away that find the
 * likely originals of a mistyped word.  Pure identity code: search (model/store/search.c),
 * duplicate detection (dupes.c) and the name-key SQL function (namekeys.c) share it.
 */
#ifndef CD_NAMESCORE_H
#define CD_NAMESCORE_H

#include <stddef.h>

#include "model/base/buf.h"

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
	char key[32];                  /* of how an Arabic word sounds (arabic_sound.tsv), else of icao */
	char key2[32];                 /* the key without an article: ال written, or AL/EL typed
					* before four letters or more; "" when none */
	char orig[128];
	int role;                      /* 0 surname, 1 given names */
	unsigned char arabic;          /* written in Arabic script: its article is sure */
	unsigned char alias;           /* one of the person's aliases (search_person_words) */
};

/*
 * Splits a name into words in all three forms; returns how many (at most max).  `latin` is
 * its ICAO form when known (stored), else NULL: transliterated from `name` with lang_hint.
 * The translit tables must be loaded.
 */
size_t name_words(const char *name, const char *latin, const char *lang_hint, int role,
		struct cd_name_word *out, size_t max);
/* The level at which typed word q matches stored word w. */
enum cd_name_level name_level(const struct cd_name_word *q, const struct cd_name_word *w);
/* Whether s is all ASCII: a written form that is not is compared as written too. */
int name_is_ascii(const char *s);
/* Whether typed word q is an article alone (AL, EL, ال) that the next typed word may carry. */
int name_is_article(const struct cd_name_word *q);
/* Whether stored word w begins with an article (ال, or AL/EL before four letters or more). */
int name_has_article(const struct cd_name_word *w);

/* Edits of a skeleton key, to look up the likely originals of a mistyped name word. */
enum { KEY_DROP = 1, KEY_SWAP = 2, KEY_CHANGE = 4, KEY_ADD = 8 };
/*
 * Appends to b, as FTS5 OR terms ("K" OR "K2" ...; the caller brackets them), `key` and
 * the keys one of `edits` away from it - a letter dropped, two neighbours swapped, one
 * changed to another class, one added - each once, min_len to 32 letters long.  *terms
 * counts what was appended.
 */
void name_key_edits(struct cd_buf *b, const char *key, unsigned edits, size_t min_len, int *terms);
/* Appends `"KEY"` to b as one more OR term unless shorter than min_len, longer than 32 or already there. */
void name_key_or(struct cd_buf *b, const char *key, size_t min_len, int *terms);
/* "exact ICAO", "variant", "1 typo" ... for a level: marked N_(), shown through _(). */
const char *name_level_text(enum cd_name_level l);

#endif
