/*
 * translit.c - transliteration tables read from data/translit/, ICAO Latin forms, skeleton
 * keys and a bounded edit distance; see translit.h.
 *
 * A table is an array of rows sorted by their first code point (longest source first), so
 * that a letter is one binary search and a short scan.  Tables are loaded once per process
 * and never change afterwards.
 */
#include "model/identity/translit.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/identity/countries.h"
#include "model/base/i18n.h"
#include "model/base/text.h"
#include "model/base/utf8.h"

#define SRC_MAX 4           /* code points in one row's source */
#define NAME_CPS 512        /* code points of one name we transliterate */

struct row {
	uint32_t src[SRC_MAX];
	int n;
	int at_start, at_end;   /* ^ and $ */
	char latin[8];
};

struct table {
	char name[32];
	char base[32];
	char nat[16][4];
	int n_nat;
	int is_default;
	int base_ix;            /* -1: none */
	struct row *rows;
	size_t n_rows;
};

static struct table *tables;
static size_t n_tables;
static int loaded;

/* ---- UTF-8 and case --------------------------------------------------------------- */

/* One code point (model/utf8.c); a malformed byte is taken as U+FFFD and skipped alone. */
static size_t decode(const unsigned char *p, uint32_t *cp)
{
	wchar_t wc;
	size_t n = utf8_decode(p, &wc);
	*cp = n ? (uint32_t)wc : 0xfffd;
	return n ? n : 1;
}

static size_t utf8_encode(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Upper case for the scripts names come in; others (Georgian, ß, ς, և) are left alone. */
static uint32_t fold(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 0x20;
	if (c == 0xff)
		return 0x178;
	if (c >= 0x100 && c <= 0x17f) {
		if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c : c - 1;
		return (c & 1) ? c - 1 : c;
	}
	if (c == 0x259)
		return 0x18f;                       /* ə -> Ə */
	if (c >= 0x218 && c <= 0x21b)
		return c & ~1u;                     /* ș ț */
	if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2)
		return c - 0x20;
	switch (c) {
	case 0x3ac: return 0x386;
	case 0x3ad: return 0x388;
	case 0x3ae: return 0x389;
	case 0x3af: return 0x38a;
	case 0x3cc: return 0x38c;
	case 0x3cd: return 0x38e;
	case 0x3ce: return 0x38f;
	case 0x3ca: return 0x3aa;
	case 0x3cb: return 0x3ab;
	}
	if (c >= 0x430 && c <= 0x44f)
		return c - 0x20;
	if (c >= 0x450 && c <= 0x45f)
		return c - 0x50;
	if (c >= 0x460 && c <= 0x4ff)
		return (c & 1) ? c - 1 : c;
	if (c >= 0x561 && c <= 0x586)
		return c - 0x30;
	if (c >= 0x1c90 && c <= 0x1cba)
		return c - 0x1c90 + 0x10d0;         /* Georgian Mtavruli capitals -> Mkhedruli */
	return c;
}

/*
 * Arabic letters a name is written with in more than one way, to the one form they are
 * compared in (translit_fold): alef with hamza or madda and alef wasla to bare alef, the
 * hamza on its seat to the seat (ؤ و, ئ ي), teh marbuta to heh, alef maksura and the
 * Persian yeh to yeh, the Persian kaf to kaf.  Returns 0 for what is dropped: a lone hamza,
 * tatweel, harakat (U+064B-U+0652), the combining madda and hamzas (U+0653-U+0655) NFC
 * left alone, and the superscript alef (U+0670), which only some writers of the name put in.
 */
static uint32_t arabic_fold(uint32_t c)
{
	switch (c) {
	case 0x622: case 0x623: case 0x625: case 0x671: return 0x627;
	case 0x624: return 0x648;
	case 0x626: case 0x649: case 0x6cc: case 0x6d2: return 0x64a;
	case 0x629: case 0x6c0: case 0x6c1: case 0x6be: return 0x647;
	case 0x6a9: return 0x643;
	case 0x621: case 0x640: case 0x670: return 0;
	}
	if (c >= 0x64b && c <= 0x655)
		return 0;
	return c;
}

int translit_is_arabic(const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	while (*p) {
		uint32_t cp;
		p += decode(p, &cp);
		if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) || (cp >= 0x8a0 && cp <= 0x8ff))
			return 1;
		if (cp >= 'A')
			return 0;   /* a letter of another script first */
	}
	return 0;
}

/* The Arabic article as translit_fold leaves it: alef (D8 A7), lam (D9 84). */
#define ARTICLE "\xd8\xa7\xd9\x84"

const char *translit_arabic_bare(const char *folded)
{
	/* Two letters at least after it: الي is a name, not an article and a letter. */
	if (strncmp(folded, ARTICLE, 4) == 0 && strlen(folded + 4) >= 4)
		return folded + 4;
	return folded;
}

int translit_fold(const char *utf8, char *out, size_t size)
{
	/* NFC first: a ü typed as u + U+0308 folds to the same Ü as a composed one. */
	char *nfc = text_nfc_dup(utf8);
	const unsigned char *p = (const unsigned char *)(nfc ? nfc : utf8);
	size_t o = 0;
	while (*p) {
		uint32_t cp;
		char enc[4];
		p += decode(p, &cp);
		if (!(cp = arabic_fold(cp)))
			continue;
		size_t n = utf8_encode(fold(cp), enc);
		if (o + n + 1 > size) {
			out[o] = '\0';
			free(nfc);
			return -1;
		}
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	free(nfc);
	return 0;
}

/* ---- loading ---------------------------------------------------------------------- */

static int by_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->src[0] != y->src[0])
		return x->src[0] < y->src[0] ? -1 : 1;
	if (x->n != y->n)
		return y->n - x->n;                 /* longest first */
	return (y->at_start + y->at_end) - (x->at_start + x->at_end);  /* context rows first */
}

static void free_tables(void)
{
	for (size_t i = 0; i < n_tables; i++)
		free(tables[i].rows);
	free(tables);
	tables = NULL;
	n_tables = 0;
}

/* "@default", "@base NAME" or "@nationality AAA BBB ...". */
static int directive(struct table *t, const char *line, const char *path, size_t lineno, struct cd_error *err)
{
	const char *args = line + strcspn(line, " \t");
	char word[32];

	args += strspn(args, " \t");
	if (strncmp(line, "@default", 8) == 0 && !line[8]) {
		t->is_default = 1;
		return CD_OK;
	}
	if (strncmp(line, "@base ", 6) == 0 && *args && strlen(args) < sizeof t->base) {
		snprintf(t->base, sizeof t->base, "%s", args);
		return CD_OK;
	}
	if (strncmp(line, "@nationality ", 13) == 0) {
		while (*args) {
			size_t len = strcspn(args, " \t");
			if (len != 3 || t->n_nat == 16)
				break;
			snprintf(word, sizeof word, "%.3s", args);
			memcpy(t->nat[t->n_nat++], word, 4);
			args += len;
			args += strspn(args, " \t");
		}
		if (!*args)
			return CD_OK;
	}
	return cd_error_set(err, CD_EINPUT,
			    _("%s:%zu: give @default, @base NAME or @nationality AAA ..."), path, lineno);
}

static int load_file(const char *dir, const char *file, struct table *t, struct cd_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0, lineno = 0, alloc = 0;
	FILE *f;
	int rc = CD_OK;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	memset(t, 0, sizeof *t);
	t->base_ix = -1;
	snprintf(t->name, sizeof t->name, "%.*s", (int)(strlen(file) - 4), file);
	if (!(f = fopen(path, "r")))
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read the transliteration table"), path);
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '@') {
			if ((rc = directive(t, line, path, lineno, err)))
				goto out;
			continue;
		}
		char *tab = strchr(line, '\t');
		struct row r = { .n = 0 };
		const unsigned char *p = (const unsigned char *)line;
		if (!tab) {
			rc = cd_error_set(err, CD_EINPUT, _("%s:%zu: expected source<TAB>latin"), path, lineno);
			goto out;
		}
		*tab = '\0';
		if (*p == '^' && p[1]) {
			r.at_start = 1;
			p++;
		}
		size_t len = strlen((const char *)p);
		if (len > 1 && p[len - 1] == '$') {
			r.at_end = 1;
			((char *)p)[len - 1] = '\0';
		}
		while (*p && r.n < SRC_MAX) {
			uint32_t cp;
			p += decode(p, &cp);
			r.src[r.n++] = fold(cp);
		}
		const char *latin = tab + 1;
		int ok = r.n > 0 && !*p && strlen(latin) < sizeof r.latin;
		for (const char *c = latin; *c; c++)
			if (*c < 'A' || *c > 'Z')
				ok = 0;
		if (!ok) {
			rc = cd_error_set(err, CD_EINPUT,
					  _("%s:%zu: the source is 1-4 characters, the Latin form up to 7 letters A-Z"),
					  path, lineno);
			goto out;
		}
		memcpy(r.latin, latin, strlen(latin) + 1);
		if (t->n_rows == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct row *g = realloc(t->rows, na * sizeof *g);
			if (!g) {
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
			t->rows = g;
			alloc = na;
		}
		t->rows[t->n_rows++] = r;
	}
	qsort(t->rows, t->n_rows, sizeof *t->rows, by_row);
out:
	free(line);
	fclose(f);
	if (rc) {
		free(t->rows);
		t->rows = NULL;
	}
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int translit_load(struct cd_error *err)
{
	char dir[4096];
	char *names[64];
	size_t n_names = 0;
	DIR *d;
	struct dirent *e;
	int rc = CD_OK;

	if (loaded)
		return CD_OK;
	snprintf(dir, sizeof dir, "%s/translit", cd_data_dir());
	if (!(d = opendir(dir)))
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read the transliteration tables"), dir);
	while ((e = readdir(d)) && n_names < 64) {
		size_t len = strlen(e->d_name);
		if (len > 4 && len < 36 && strcmp(e->d_name + len - 4, ".tsv") == 0 && e->d_name[0] != '.')
			if (!(names[n_names++] = strdup(e->d_name))) {
				n_names--;
				rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
				goto out;
			}
	}
	/* Sorted, so that "every table" is searched in the same order on every machine. */
	qsort(names, n_names, sizeof *names, by_name);
	if (!(tables = calloc(n_names ? n_names : 1, sizeof *tables))) {
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n_names; i++) {
		if ((rc = load_file(dir, names[i], &tables[n_tables], err)))
			goto out;
		n_tables++;
	}
	for (size_t i = 0; i < n_tables; i++) {
		if (!tables[i].base[0])
			continue;
		for (size_t j = 0; j < n_tables; j++)
			if (strcmp(tables[j].name, tables[i].base) == 0 && j != i)
				tables[i].base_ix = (int)j;
		if (tables[i].base_ix < 0) {
			rc = cd_error_set(err, CD_EINPUT, _("%s/%s.tsv: @base names no table in that folder"), dir,
					  tables[i].name);
			goto out;
		}
	}
	loaded = 1;
out:
	closedir(d);
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	if (rc)
		free_tables();
	return rc;
}

/* ---- transliteration --------------------------------------------------------------- */

static int is_letter(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || c >= 0xc0;
}

/* The longest row of table t matching at cps[i]; its length in code points, 0 for none. */
static int match_row(const struct table *t, const uint32_t *cps, int n, int i, const struct row **out)
{
	size_t lo = 0, hi = t->n_rows;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->rows[mid].src[0] < cps[i])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < t->n_rows && t->rows[k].src[0] == cps[i]; k++) {
		const struct row *r = &t->rows[k];
		int ok = i + r->n <= n;
		for (int j = 1; ok && j < r->n; j++)
			ok = cps[i + j] == r->src[j];
		if (ok && r->at_start && i > 0 && is_letter(cps[i - 1]))
			ok = 0;
		if (ok && r->at_end && i + r->n < n && is_letter(cps[i + r->n]))
			ok = 0;
		if (ok) {
			*out = r;
			return r->n;
		}
	}
	return 0;
}

static int find_hint(const char *hint)
{
	if (!hint || !*hint)
		return -1;
	for (size_t i = 0; i < n_tables; i++) {
		if (strcmp(tables[i].name, hint) == 0)
			return (int)i;
		for (int k = 0; k < tables[i].n_nat; k++)
			if (strcmp(tables[i].nat[k], hint) == 0)
				return (int)i;
	}
	return -1;
}

int translit_icao(const char *utf8, const char *lang_hint, char *out, size_t size)
{
	uint32_t cps[NAME_CPS];
	int order[80], n_order = 0, n = 0, dropped = 0, full = 0;
	size_t o = 0;
	char *nfc;
	const unsigned char *p;

	if (size == 0)
		return -1;
	out[0] = '\0';
	if (!loaded)
		return -1;
	/*
	 * NFC first: the tables hold composed letters (Ü UE), so a ü typed as u + U+0308 must
	 * become that Ü before any row is matched, or it would lose its E.  Text that is not
	 * valid UTF-8 goes as it is (its bad bytes are dropped and counted below).
	 */
	nfc = text_nfc_dup(utf8);
	p = (const unsigned char *)(nfc ? nfc : utf8);
	while (*p) {
		uint32_t cp;
		p += decode(p, &cp);
		if (n < NAME_CPS)
			cps[n++] = fold(cp);
		else
			dropped++;
	}
	free(nfc);
	/* Which tables, in which order: the language's own chain, then defaults, then all. */
	for (int t = find_hint(lang_hint); t >= 0 && n_order < 16; t = tables[t].base_ix)
		order[n_order++] = t;
	for (size_t t = 0; t < n_tables && n_order < 80; t++)
		if (tables[t].is_default)
			order[n_order++] = (int)t;
	for (size_t t = 0; t < n_tables && n_order < 80; t++)
		order[n_order++] = (int)t;

	for (int i = 0; i < n;) {
		uint32_t c = cps[i];
		const char *emit = NULL;
		char one[2] = { 0 };
		int used = 1;
		if (c >= 'A' && c <= 'Z') {
			one[0] = (char)c;
			emit = one;
		} else if (c == ' ' || c == '\t' || c == '-') {
			/* One separator between words, none at the start; a hyphen wins over a space. */
			if (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '-')) {
				if (c == '-')
					out[o - 1] = '-';
			} else if (o > 0) {
				one[0] = c == '-' ? '-' : ' ';
			}
			emit = one;
		} else {
			const struct row *r = NULL;
			for (int k = 0; k < n_order && !r; k++)
				if ((used = match_row(&tables[order[k]], cps, n, i, &r)) == 0)
					r = NULL;
			if (r)
				emit = r->latin;
			else {
				used = 1;
				dropped++;
			}
		}
		i += used;
		if (!emit)
			continue;
		size_t len = strlen(emit);
		if (o + len + 1 > size) {
			full = 1;
			break;
		}
		memcpy(out + o, emit, len);
		o += len;
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '-'))
		o--;
	out[o] = '\0';
	return full ? -1 : dropped;
}

/* ---- skeleton keys ---------------------------------------------------------------- */

static const struct {
	const char *from, *to;
} sk_rules[] = {
	{ "SCHTSCH", "S" }, { "SHTSCH", "S" }, { "SHTCH", "S" }, { "SHCH", "S" }, { "SZCZ", "S" },
	{ "TSCH", "C" }, { "DSCH", "I" }, { "DZH", "I" }, { "TCH", "C" }, { "SCH", "S" },
	{ "SH", "S" }, { "SZ", "S" }, { "ZH", "S" }, { "CZ", "C" }, { "CH", "C" }, { "TS", "C" },
	{ "TZ", "C" }, { "KH", "H" }, { "GH", "H" }, { "PH", "F" }, { "TH", "T" }, { "DJ", "D" },
	{ "CK", "K" }, { "OU", "U" },
	{ "Q", "K" }, { "X", "KS" }, { "W", "V" }, { "Z", "S" }, { "G", "H" }, { "J", "I" }, { "Y", "I" },
};

static int is_vowel(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

size_t translit_skeleton(const char *icao_word, char *out, size_t size)
{
	char letters[128], cls[256];
	size_t nl = 0, nc = 0, o = 0;

	if (size == 0)
		return 0;
	for (const char *p = icao_word; *p && nl + 1 < sizeof letters; p++)
		if (*p >= 'A' && *p <= 'Z')
			letters[nl++] = *p;
		else if (*p >= 'a' && *p <= 'z')
			letters[nl++] = (char)(*p - 32);
	letters[nl] = '\0';
	/* 1. letter groups to sound classes, longest rule first (the table's order). */
	for (size_t i = 0; i < nl && nc + 3 < sizeof cls;) {
		size_t k, used = 1;
		const char *to = NULL;
		for (k = 0; k < sizeof sk_rules / sizeof sk_rules[0]; k++) {
			/* The first letter decides most rules at once: scoring reads this per
			 * candidate name, thousands of times a keystroke. */
			if (sk_rules[k].from[0] != letters[i])
				continue;
			size_t len = strlen(sk_rules[k].from);
			if (strncmp(letters + i, sk_rules[k].from, len) == 0) {
				to = sk_rules[k].to;
				used = len;
				break;
			}
		}
		if (to) {
			for (; *to; to++)
				cls[nc++] = *to;
		} else {
			cls[nc++] = letters[i];
		}
		i += used;
	}
	/* 2 and 3: first vowel -> A, later vowels dropped, repeats counted once. */
	char prev = 0;
	for (size_t i = 0; i < nc && o + 1 < size; i++) {
		char c = cls[i];
		if (i == 0 && is_vowel(c))
			c = 'A';
		else if (is_vowel(c)) {
			prev = 0;      /* a vowel between two equal consonants keeps both (MAMED -> MMD) */
			continue;
		}
		if (c == prev)
			continue;
		out[o++] = c;
		prev = c;
	}
	out[o] = '\0';
	return o;
}

/* ---- edit distance ---------------------------------------------------------------- */

int translit_distance(const char *a, const char *b, int max)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int rows[3][65];
	int *pp, *p, *c;

	if (la > 64 || lb > 64)
		return max + 1;
	if (la - lb > max || lb - la > max)
		return max + 1;
	pp = rows[0];
	p = rows[1];
	c = rows[2];
	for (int j = 0; j <= lb; j++)
		p[j] = j;
	for (int i = 1; i <= la; i++) {
		int best = c[0] = i;
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] > max ? max + 1 : p[lb];
}
