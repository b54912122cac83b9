/* countries.c - the nationality code list; see countries.h. */
#include "model/identity/countries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/privilege.h"

#ifndef CD_DATADIR
#define CD_DATADIR "data"
#endif

struct country {
	char code[4];
	char *name;
};

/* A name in another language (country_names.tsv), sorted by code and language. */
struct country_name {
	char code[4];
	char lang[4];
	char *name;
};

static struct country *countries;
static size_t n_countries;
static struct country_name *names;
static size_t n_names;
static char names_lang[4];          /* what country_name answers in; "" English */

const char *cd_data_dir(void)
{
	const char *d = cd_env("CASEDESK_DATA");   /* ignored when setgid: the installed data rule */
	return d && *d ? d : CD_DATADIR;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->code, ((const struct country *)b)->code);
}

static int by_code_lang(const void *a, const void *b)
{
	const struct country_name *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c ? c : strcmp(x->lang, y->lang);
}

/* data/country_names.tsv: code, language, name, source; a missing file means English only. */
static int names_load(struct cd_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0, n = 0, lineno = 0, alloc = 0;
	FILE *f;
	int rc = CD_OK;

	snprintf(path, sizeof path, "%s/country_names.tsv", cd_data_dir());
	f = fopen(path, "r");
	if (!f)
		return CD_OK;
	while (getline(&line, &cap, f) > 0) {
		char *fields[3] = { 0 };
		char *p = line;
		int nf = 0;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 3 && p) {
			fields[nf++] = p;
			if ((p = strchr(p, '\t')))
				*p++ = '\0';
		}
		size_t lc = nf == 3 ? strlen(fields[0]) : 0, ll = nf == 3 ? strlen(fields[1]) : 0;
		if (lc < 1 || lc > 3 || ll < 2 || ll > 3 || !fields[2][0]) {
			rc = cd_error_set(err, CD_EINPUT, _("%s:%zu: expected code<TAB>language<TAB>name"), path,
					  lineno);
			goto out;
		}
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 1024;
			struct country_name *g = realloc(names, na * sizeof *g);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			names = g;
			alloc = na;
		}
		memcpy(names[n].code, fields[0], lc + 1);
		memcpy(names[n].lang, fields[1], ll + 1);
		if (!(names[n].name = strdup(fields[2]))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
		n++;
	}
out:
	n_names = n;
	qsort(names, n_names, sizeof *names, by_code_lang);
	free(line);
	fclose(f);
	return rc;
}

/* Forgets a load that failed half-way, so that the next call reads the files again and
 * says what is wrong again, instead of answering with half a list. */
static void unload(void)
{
	for (size_t i = 0; countries && i < n_countries; i++)
		free(countries[i].name);
	for (size_t i = 0; names && i < n_names; i++)
		free(names[i].name);
	free(countries);
	free(names);
	countries = NULL;
	names = NULL;
	n_countries = n_names = 0;
}

int countries_load(struct cd_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0, n = 0, lineno = 0, alloc = 0;
	FILE *f;
	int rc = CD_OK;

	if (countries)
		return CD_OK;
	snprintf(path, sizeof path, "%s/countries.tsv", cd_data_dir());
	f = fopen(path, "r");
	if (!f)
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read the country list"), path);
	while (getline(&line, &cap, f) > 0) {
		char *fields[5] = { 0 };
		char *p = line;
		int nf = 0;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (nf < 5) {
			fields[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		size_t len = strlen(fields[0]);
		if (nf < 4 || len < 1 || len > 3) {
			rc = cd_error_set(err, CD_EINPUT,
					  _("%s:%zu: expected code<TAB>alpha2<TAB>numeric<TAB>name"), path, lineno);
			goto out;
		}
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 300;
			struct country *g = realloc(countries, na * sizeof *g);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			countries = g;
			alloc = na;
		}
		memcpy(countries[n].code, fields[0], len + 1);
		countries[n].name = strdup(fields[3]);
		n++;
	}
	n_countries = n;
	qsort(countries, n, sizeof *countries, by_code);
	rc = names_load(err);
out:
	if (rc) {
		n_countries = n;
		unload();
	}
	free(line);
	fclose(f);
	return rc;
}

static const struct country *find(const char *code)
{
	struct country key;
	size_t len = strlen(code);
	if (!countries || len == 0 || len > 3)
		return NULL;
	memcpy(key.code, code, len + 1);
	return bsearch(&key, countries, n_countries, sizeof key, by_code);
}

int country_known(const char *code)
{
	/* A person's nationality is three letters; ICAO's one-letter D (Germany) is
	 * an MRZ spelling, stored as DEU. */
	return strlen(code) == 3 && find(code) != NULL;
}

const char *country_name_in(const char *code, const char *lang)
{
	const struct country *c = find(code);
	if (c && lang && *lang && strcmp(lang, "en") != 0 && strlen(lang) < 4) {
		struct country_name key, *hit;
		memcpy(key.code, c->code, sizeof key.code);
		snprintf(key.lang, sizeof key.lang, "%s", lang);
		if ((hit = bsearch(&key, names, n_names, sizeof key, by_code_lang)))
			return hit->name;
	}
	return c ? c->name : NULL;
}

void countries_set_lang(const char *lang)
{
	snprintf(names_lang, sizeof names_lang, "%s", lang && strlen(lang) < 4 ? lang : "");
}

const char *country_name(const char *code)
{
	return country_name_in(code, names_lang);
}
