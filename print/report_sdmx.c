/*
 * report_sdmx.c - what Eurostat takes: its codes for citizenship, sex and age, and the
 * SDMX-CSV 1.0 file (a DATAFLOW column, the dimensions in the dataflow's order,
 * TIME_PERIOD, OBS_VALUE).  The codes live here, beside the one writer that needs them,
 * so the plain CSV and XLSX keep the store's own codes (alpha-3) for the office.
 *
 * Citizenship: ISO 3166 alpha-2 read from data/countries.tsv (the same file the store's
 * alpha-3 codes are checked against, so every stored code has its line), with Eurostat's
 * own exceptions (EL, UK, XK, STLS, UNK).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/csv.h"
#include "model/base/i18n.h"
#include "model/base/outfile.h"
#include "model/identity/countries.h"
#include "print/report.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct a3a2 {
	char a3[4], a2[3];
};
static struct a3a2 *map;
static size_t n_map;
static int map_loaded;

static void map_load(void)
{
	char path[4096], line[512];
	size_t cap = 0;
	map_loaded = 1;
	snprintf(path, sizeof path, "%s/countries.tsv", cd_data_dir());
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab || tab - line != 3 || tab[1] == '\t' || tab[3] != '\t')
			continue;
		if (n_map == cap) {
			cap = cap ? cap * 2 : 256;
			struct a3a2 *g = realloc(map, cap * sizeof *g);
			if (!g)
				break;
			map = g;
		}
		memcpy(map[n_map].a3, line, 3);
		map[n_map].a3[3] = '\0';
		memcpy(map[n_map].a2, tab + 1, 2);
		map[n_map].a2[2] = '\0';
		n_map++;
	}
	fclose(f);
}

const char *eurostat_citizen(const char *code)
{
	/* ICAO codes and ISO codes Eurostat writes its own way. */
	static const struct {
		const char *from, *to;
	} special[] = {
		{ "GRC", "EL" }, { "GBR", "UK" }, { "GBD", "UK" }, { "GBN", "UK" }, { "GBO", "UK" },
		{ "GBP", "UK" }, { "GBS", "UK" }, { "D", "DE" },   { "UNK", "XK" }, { "RKS", "XK" },
		{ "XXA", "STLS" },
	};
	static char out[3];
	if (!code || !*code)
		return "UNK";
	for (size_t i = 0; i < N(special); i++)
		if (strcmp(special[i].from, code) == 0)
			return special[i].to;
	if (!map_loaded)
		map_load();
	for (size_t i = 0; i < n_map; i++)
		if (strcmp(map[i].a3, code) == 0) {
			memcpy(out, map[i].a2, 3);
			return out;
		}
	return "UNK";   /* XXB, XXC, XXX, organisations: no citizenship known */
}

static const char *const eu27[] = { "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
				     "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK" };
static const char *const efta[] = { "CH", "IS", "LI", "NO" };

static int in(const char *code, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], code) == 0)
			return 1;
	return 0;
}

int eurostat_in_eu27(const char *citizen)
{
	return in(citizen, eu27, N(eu27));
}

int eurostat_in_eea_ch(const char *citizen)
{
	return in(citizen, eu27, N(eu27)) || in(citizen, efta, N(efta));
}

int eurostat_geo_ok(const char *geo)
{
	return geo && eurostat_in_eea_ch(geo);
}

const char *eurostat_sex(const char *sex)
{
	if (sex && strcmp(sex, "F") == 0)
		return "F";
	if (sex && strcmp(sex, "M") == 0)
		return "M";
	return "UNK";
}

const char *eurostat_age(const char *group)
{
	static const struct {
		const char *group, *code;
	} ages[] = {
		{ "under_14", "Y_LT14" }, { "14_17", "Y14-17" }, { "18_34", "Y18-34" },
		{ "35_64", "Y35-64" },    { "65_plus", "Y_GE65" },
	};
	for (size_t i = 0; group && i < N(ages); i++)
		if (strcmp(ages[i].group, group) == 0)
			return ages[i].code;
	return "UNK";
}

int report_has_sdmx(const struct report *r)
{
	for (size_t k = 0; k < r->n_tables; k++)
		if (r->tables[k].sdmx)
			return 1;
	return 0;
}

/* Nearest multiple of `round` (3 -> 5, 2 -> 0, 8 -> 10); integers only, so no ties. */
static long long rounded(double v, int round)
{
	long long n = (long long)(v + (v < 0 ? -0.5 : 0.5));
	if (round <= 1)
		return n;
	return (n + round / 2) / round * round;
}

int report_write_sdmx(const struct report *r, const char *path, int round, unsigned flags, struct cd_error *err)
{
	const struct rtable *t = NULL;
	struct outfile o = OUTFILE_INIT;
	FILE *f = stdout;
	int bad = 0, rc;

	for (size_t k = 0; k < r->n_tables; k++)
		if (r->tables[k].sdmx)
			t = &r->tables[k];
	if (!t || t->n_cols > 32)
		return cd_error_set(err, CD_EUSAGE, _("this report has no Eurostat dataflow: give --format xlsx or csv"));
	if (strcmp(path, "-") != 0) {
		if ((rc = outfile_open(&o, path, flags, err)) != CD_OK)
			return rc;
		if (!(f = outfile_stream(&o, err))) {
			outfile_abandon(&o);
			return err ? err->code : CD_EINPUT;
		}
	}
	bad |= csv_record(f, (const char *const *)t->cols, t->n_cols);
	for (size_t row = 0; row < t->n_rows && !bad; row++) {
		const char *fields[32];
		char nums[32][32];
		for (size_t c = 0; c < t->n_cols; c++) {
			const struct rcell *cell = &t->cells[row * t->n_cols + c];
			if (cell->text)
				fields[c] = cell->text;
			else {
				snprintf(nums[c], sizeof nums[c], "%lld", rounded(cell->num, round));
				fields[c] = nums[c];
			}
		}
		bad |= csv_record(f, fields, t->n_cols);
	}
	if (f != stdout) {
		if (bad) {
			int e = errno;
			outfile_abandon(&o);
			return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(e));
		}
		return outfile_close(&o, err);
	}
	if (bad || fflush(f) != 0)
		return cd_error_set(err, CD_EINPUT, _("cannot write %s: %s"), path, strerror(errno));
	return CD_OK;
}
