/*
 * countries.h - nationality codes: ISO 3166-1 alpha-3 from Debian's iso-codes plus ICAO
 * Doc 9303's own codes (XXA, XXB, XXC, XXX, EUE, UN*), read from data/countries.tsv.
 */
#ifndef CD_COUNTRIES_H
#define CD_COUNTRIES_H

#include "model/base/error.h"

/* Where data/ is: CASEDESK_DATA, else the directory compiled in. */
const char *cd_data_dir(void);

/* Loads the list once per process; CD_EINPUT naming file and line when it is malformed. */
int countries_load(struct cd_error *err);
/* 1 when `code` is a known alpha-3 (or ICAO) nationality code usable in a person record. */
int country_known(const char *code);
/*
 * The name in the language of countries_set_lang (English until it is called), or NULL
 * for an unknown code.  Names in other languages come from data/country_names.tsv; a
 * language it lacks gives the English name.
 */
const char *country_name(const char *code);
/* The name in `lang` ("ru"; NULL or "en": English), or NULL for an unknown code. */
const char *country_name_in(const char *code, const char *lang);
/*
 * The language country_name answers in: the process prints in one language at a time
 * (a form's --lang, else the language of the messages).
 */
void countries_set_lang(const char *lang);

#endif
