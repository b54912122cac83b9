/*
 * translit.h - names in any script to their ICAO Latin form, and the skeleton key that
 * lets search and duplicate detection treat spelling variants as one name.
 *
 * The tables are data (data/translit/NAME.tsv, one file per script or language, each naming
 * its source): ICAO Doc 9303 Part 3 for Latin with diacritics, Cyrillic and Greek; the
 * national passport schemes for Georgian and Armenian, for which ICAO has no table.
 */
#ifndef CD_TRANSLIT_H
#define CD_TRANSLIT_H

#include <stddef.h>

#include "model/base/error.h"

/* Loads the tables from cd_data_dir()/translit once; CD_EINPUT naming file and line. */
int translit_load(struct cd_error *err);

/*
 * Writes the ICAO Latin form of `utf8` to `out`: upper-case A-Z, single spaces and
 * hyphens.  `lang_hint` picks a language's rows: a nationality (UKR, BLR, BGR, SRB, MKD,
 * DEU, TUR ...) or a table name (ukrainian); NULL (or an unknown hint) goes by script,
 * Russian rows for Cyrillic.  Returns how many characters had no Latin form and were
 * dropped (0 for a clean name), or -1 when the tables are not loaded or `out` is too small
 * (`out` then holds what fitted).
 */
int translit_icao(const char *utf8, const char *lang_hint, char *out, size_t size);

/*
 * The skeleton key of one ICAO Latin word (letters A-Z; anything else is skipped): the
 * same key for spellings a caseworker treats as one name (SHEVCHENKO, SEVCENKO,
 * SCHEWTSCHENKO -> SVCNK; ALEKSANDR, ALEXANDER, OLEKSANDR -> ALKSNDR).  Rules, in order:
 *   1. letter groups to one sound class, longest first: SCHTSCH SHTSCH SHCH SZCZ SHTCH -> S;
 *      TSCH TCH CH CZ TS TZ -> C; DZH DSCH -> J; SCH SH SZ ZH Z -> S; KH GH G -> H;
 *      PH -> F; TH -> T; DJ -> D; CK Q -> K; X -> KS; W -> V; OU -> U; J Y -> I;
 *   2. a vowel class (A E I O U) first becomes A; later vowels are dropped;
 *   3. a letter repeated after rule 1 counts once (MM -> M).
 * Returns the key's length (0: no letters).
 */
size_t translit_skeleton(const char *icao_word, char *out, size_t size);

/* Upper-cases UTF-8 text (Latin, Greek, Cyrillic, Armenian) into `out`, for comparing names
 * as written; Arabic script is brought to one spelling (alef, hamza, teh marbuta and alef
 * maksura variants; harakat, the superscript alef and tatweel dropped; Persian kaf and
 * yeh as Arabic's).  Returns -1 when it does not fit. */
int translit_fold(const char *utf8, char *out, size_t size);
/* Whether the first letter of utf8 is Arabic script (Arabic, Persian, Urdu ...). */
int translit_is_arabic(const char *utf8);
/* A word folded by translit_fold without its Arabic article (ال) when two letters or more
 * follow it; else the word itself. */
const char *translit_arabic_bare(const char *folded);

/* Damerau-Levenshtein distance (adjacent transpositions) between a and b, giving up with
 * max + 1 as soon as it must exceed `max`. */
int translit_distance(const char *a, const char *b, int max);

#endif
