/* countries.c - the nationality code list; see countries.h. */
#include "countries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#ifndef CD_DATADIR
#define CD_DATADIR "data"
#endif

struct country {
	char code[4];
	char *name;
};

static struct country *countries;
static size_t n_countries;

const char *cd_data_dir(void)
{
	const char *d = getenv("CASEDESK_DATA");
	return d && *d ? d : CD_DATADIR;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->code, ((const struct country *)b)->code);
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
out:
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

const char *country_name(const char *code)
{
	const struct country *c = find(code);
	return c ? c->name : NULL;
}
