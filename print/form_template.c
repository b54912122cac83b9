/*
 * form_template.c - reading and checking form templates (data/forms/ID.ini) and the office
 * letterhead (data/forms/office.ini), through the one INI reader (model/base/ini) so that
 * every message names FILE:LINE.  The result is a struct form_tpl: page, fonts and blocks
 * with their text for one language.
 *
 * Apart from drawing (form.c) so that the drawing side only ever takes a parsed template:
 * a later change of the PDF library touches form.c and nothing here.
 *
 * Layout rules the template sets: blocks are drawn in file order.  A block with `y` sits
 * there; one without follows the previous block, `gap` millimetres below it.  Text wraps
 * at the block's width; a block with a `height` is a box the text must fit.
 */
#define _GNU_SOURCE
#include "print/form_template.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/base/i18n.h"
#include "model/base/ini.h"
#include "model/base/privilege.h"
#include "model/identity/countries.h"


/* Problems while reading: the first fails form_load; lint lists them all. */
struct problems {
	const char *path;
	FILE *report;               /* lint: every problem; NULL: keep the first in err */
	struct cd_error *err;
	int n;
};

static void problem(struct problems *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(struct problems *p, int line, const char *fmt, ...)
{
	char msg[CD_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->report)
		fprintf(p->report, "%s:%d: %s\n", p->path, line, msg);
	else if (p->n == 0)
		cd_error_set(p->err, CD_EINPUT, "%s:%d: %s", p->path, line, msg);
	p->n++;
}

static void scan_report(void *ctx, int line, const char *msg)
{
	problem(ctx, line, "%s", msg);
}

static char *dup_str(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

/* "\n" written in a template value stands for a line break (INI has no multi-line values). */
static char *unescape(const char *s)
{
	char *d = dup_str(s);
	if (!d)
		return NULL;
	char *w = d;
	for (const char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else
			*w++ = *r;
	}
	*w = '\0';
	return d;
}

/* Keys each section kind takes; those marked with a '*' may carry a language: text[ru]. */
static const char *const form_keys[] = { "title*", "page", "orientation", "margin", "size", "font", "font_bold",
					 "font_mono", "font_mrz", "letterhead", "optional", "pages", NULL };
static const char *const text_keys[] = { "text*", "x", "y", "width", "height", "size", "font", "align", "gap",
					 "optional", "when", NULL };
static const char *const rule_keys[] = { "x", "y", "width", "gap", NULL };
static const char *const barcode_keys[] = { "value", "x", "y", "height", "module", NULL };
static const char *const mrz_keys[] = { "type", "x", "y", "size", NULL };
static const char *const qr_keys[] = { "value", "x", "y", "size", "level", NULL };
static const char *const photo_keys[] = { "x", "y", "width", "height", NULL };
/* [rows.ID] takes these and row.N (N = 1 to 999), which may carry a language: row.3[ru]. */
static const char *const rows_keys[] = { "x", "y", "width", "label_width", "size", "font", "gap", "row_gap",
					 "optional", NULL };
struct reader;
static void read_rows(struct reader *r, const struct ini_section *sec, struct form_block *b);
static void free_rows(struct form_block *b);
static int rows_key_known(const char *key);

/* Whether `key` is in `keys`, allowing "name[xx]" for keys marked translatable. */
static int key_known(const char *const *keys, const char *key)
{
	char lang[4];
	size_t base = ini_key_lang(key, lang);

	for (size_t i = 0; keys[i]; i++) {
		size_t n = strcspn(keys[i], "*");
		if (base == 0 && strncmp(keys[i], key, n) == 0 && key[n] == '\0')
			return 1;
		if (base > 0 && base == n && keys[i][n] == '*' && strncmp(keys[i], key, n) == 0)
			return 1;
	}
	return 0;
}

struct reader {
	struct ini ini;
	struct problems *p;
	const char *lang;
};

static const char *get(struct reader *r, const char *section, const char *key)
{
	return ini_get(&r->ini, section, key);
}

/* The value in the reader's language when the template has one, else the plain key. */
static const char *get_lang(struct reader *r, const char *section, const char *key, int *line)
{
	const struct ini_key *k = ini_get_lang(&r->ini, section, key, r->lang);
	*line = k ? k->line : ini_line(&r->ini, section, key);
	return k ? k->value : NULL;
}

static int get_num(struct reader *r, const char *section, const char *key, double min, double max,
		   double *out, int *present)
{
	const char *v = get(r, section, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d) || d < min || d > max) {
		problem(r->p, ini_line(&r->ini, section, key), _("%s in [%s] must be a number from %g to %g"),
			key, section, min, max);
		return -1;
	}
	*out = d;
	return 0;
}

static int font_by_name(const char *v, enum form_font *out)
{
	if (strcmp(v, "regular") == 0)
		*out = FONT_REGULAR;
	else if (strcmp(v, "bold") == 0)
		*out = FONT_BOLD;
	else if (strcmp(v, "mono") == 0)
		*out = FONT_MONO;
	else
		return -1;
	return 0;
}

int form_font_path(const char *name, char *out, size_t size)
{
	const char *dirs[7];
	char data_fonts[4096];
	size_t n = 0;

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, R_OK) == 0 ? 0 : -1;
	}
	if (cd_env("CASEDESK_FONTS"))
		dirs[n++] = cd_env("CASEDESK_FONTS");
	snprintf(data_fonts, sizeof data_fonts, "%s/forms/fonts", cd_data_dir());
	dirs[n++] = data_fonts;
	dirs[n++] = CD_FONTDIR;
	dirs[n++] = "/usr/share/fonts/truetype/dejavu";
	dirs[n++] = "/usr/share/fonts/truetype/noto";
	dirs[n++] = "/usr/share/fonts/truetype/freefont";
	for (size_t i = 0; i < n; i++) {
		snprintf(out, size, "%s/%s", dirs[i], name);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

static const struct {
	const char *name;
	double w, h;
} page_sizes[] = { { "a4", 210, 297 }, { "a5", 148, 210 }, { "letter", 215.9, 279.4 }, { "id1", 85.6, 53.98 } };

static int read_page(struct reader *r, struct form_tpl *t)
{
	const char *v = get(r, "form", "page");
	int line = ini_line(&r->ini, "form", "page");
	t->page_w = 210;
	t->page_h = 297;
	if (v) {
		size_t i;
		char lower[32];
		snprintf(lower, sizeof lower, "%s", v);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (i = 0; i < sizeof page_sizes / sizeof page_sizes[0]; i++)
			if (strcmp(lower, page_sizes[i].name) == 0) {
				t->page_w = page_sizes[i].w;
				t->page_h = page_sizes[i].h;
				break;
			}
		if (i == sizeof page_sizes / sizeof page_sizes[0]) {
			double w, h;
			char x;
			if (sscanf(lower, "%lfx%lf%c", &w, &h, &x) != 2 || w < 20 || h < 20 || w > 1000 || h > 1000) {
				problem(r->p, line, _("page '%s' is not A4, A5, letter, ID1 or WIDTHxHEIGHT in mm"), v);
				return -1;
			}
			t->page_w = w;
			t->page_h = h;
		}
	}
	v = get(r, "form", "orientation");
	if (v && strcmp(v, "landscape") == 0) {
		double w = t->page_w;
		t->page_w = t->page_h;
		t->page_h = w;
	} else if (v && strcmp(v, "portrait") != 0) {
		problem(r->p, ini_line(&r->ini, "form", "orientation"), _("orientation is portrait or landscape"));
		return -1;
	}
	return 0;
}

static int read_fonts(struct reader *r, struct form_tpl *t)
{
	static const char *const keys[FONT_COUNT] = { "font", "font_bold", "font_mono", "font_mrz" };
	/* OCR-B for the MRZ (ICAO Doc 9303 Part 3): `make` converts Debian's CFF OCR-B (fonts-ocr-b)
	 * to TrueType in build/fonts: Cairo 1.16 (Debian 12) writes a PDF without the font when
	 * it subsets that CFF file. */
	static const char *const defaults[FONT_COUNT] = { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf",
							  "OCRB.ttf" };
	int bad = 0;
	int has_mrz = ini_section(&r->ini, "mrz") != NULL;
	for (int i = 0; i < FONT_COUNT; i++) {
		const char *v = get(r, "form", keys[i]);
		char path[4096];
		if (i == FONT_MRZ && !has_mrz)
			continue;
		if (!v)
			v = defaults[i];
		if (form_font_path(v, path, sizeof path) != 0) {
			if (i == FONT_MRZ && !get(r, "form", keys[i]))
				problem(r->p, ini_line(&r->ini, "mrz", NULL),
					_("the MRZ font OCRB.ttf is not found: run `make` (it converts Debian's "
					  "fonts-ocr-b into build/fonts), or name a TrueType OCR-B with font_mrz"));
			else
				problem(r->p, ini_line(&r->ini, "form", keys[i]), _("font file '%s' not found"), v);
			bad = 1;
			continue;
		}
		size_t n = strlen(path);
		if (n < 4 || strcasecmp(path + n - 4, ".ttf") != 0) {
			problem(r->p, ini_line(&r->ini, "form", keys[i]),
				_("font '%s' is not a TrueType (.ttf) file, the only kind forms are set in"), v);
			bad = 1;
			continue;
		}
		t->fonts[i] = dup_str(path);
	}
	t->fonts_missing = bad;
	return bad ? -1 : 0;
}

static int add_block(struct form_tpl *t, struct form_block *b)
{
	struct form_block *grown = realloc(t->blocks, (t->n_blocks + 1) * sizeof *grown);
	if (!grown)
		return -1;
	t->blocks = grown;
	t->blocks[t->n_blocks++] = *b;
	return 0;
}

static void read_block(struct reader *r, struct form_tpl *t, const struct ini_section *sec)
{
	struct form_block b = { 0 };
	const char *name = sec->name;
	const char *v;

	b.line = sec->line;
	b.x = t->margin;
	b.w = -1;
	b.size = t->size;
	b.gap = 2;
	if (strncmp(name, "text.", 5) == 0) {
		b.kind = FORM_TEXT;
		v = get_lang(r, name, "text", &b.line);
		if (!v) {
			problem(r->p, sec->line, _("[%s] needs the key 'text'"), sec->raw);
			return;
		}
		b.text = unescape(v);
		/* Which placeholders may be empty, and a block shown only with a value (case_form.c). */
		b.optional = dup_str(get(r, name, "optional"));
		b.when = dup_str(get(r, name, "when"));
		if ((v = get(r, name, "font")) && font_by_name(v, &b.font) != 0)
			problem(r->p, ini_line(&r->ini, name, "font"), _("font in [%s] is regular, bold or mono"), sec->raw);
		if ((v = get(r, name, "align"))) {
			if (strcmp(v, "left") == 0)
				b.align = ALIGN_LEFT;
			else if (strcmp(v, "center") == 0)
				b.align = ALIGN_CENTER;
			else if (strcmp(v, "right") == 0)
				b.align = ALIGN_RIGHT;
			else
				problem(r->p, ini_line(&r->ini, name, "align"), _("align in [%s] is left, center or right"),
					sec->raw);
		}
		get_num(r, name, "size", 4, 96, &b.size, NULL);
		get_num(r, name, "height", 1, 1000, &b.h, &b.has_h);
	} else if (strncmp(name, "rule.", 5) == 0) {
		b.kind = FORM_RULE;
	} else if (strcmp(name, "barcode") == 0) {
		b.kind = FORM_BARCODE;
		v = get(r, name, "value");
		b.text = dup_str(v ? v : "{case.number}");
		b.h = 10;
		b.size = 0.3;     /* module: the narrow element, mm */
		get_num(r, name, "height", 3, 100, &b.h, NULL);
		get_num(r, name, "module", 0.19, 2, &b.size, NULL);
		b.has_h = 1;
	} else if (strcmp(name, "mrz") == 0) {
		b.kind = FORM_MRZ;
		v = get(r, name, "type");
		if (!v || (strcmp(v, "td1") != 0 && strcmp(v, "mrva") != 0)) {
			problem(r->p, ini_line(&r->ini, name, "type"), _("type in [mrz] is td1 or mrva"));
			return;
		}
		b.text = dup_str(v);
		b.font = FONT_MRZ;
		b.size = 10;      /* OCR-B's advance is 0.723 em: 10 pt gives ICAO's pitch of 2.54 mm */
		get_num(r, name, "size", 6, 24, &b.size, NULL);
	} else if (strcmp(name, "qr") == 0) {
		b.kind = FORM_QR;
		v = get(r, name, "value");
		b.text = dup_str(v ? v : "{case.number}");
		b.size = 20;      /* the side of the symbol with its quiet zone, mm */
		get_num(r, name, "size", 8, 100, &b.size, NULL);
		v = get(r, name, "level");
		b.qr_level = 1;
		if (v) {
			const char *levels = "LMQH", *at = strlen(v) == 1 ? strchr(levels, v[0]) : NULL;
			if (!at)
				problem(r->p, ini_line(&r->ini, name, "level"), _("level in [qr] is L, M, Q or H"));
			else
				b.qr_level = (int)(at - levels);
		}
	} else if (strcmp(name, "photo") == 0) {
		b.kind = FORM_PHOTO;
		b.w = 35;         /* a passport photo, ISO/IEC 19794-5: 35 x 45 mm */
		b.h = 45;
		get_num(r, name, "width", 10, 150, &b.w, NULL);
		get_num(r, name, "height", 10, 200, &b.h, NULL);
		b.has_h = 1;
		t->has_photo = 1;
	} else if (strncmp(name, "rows.", 5) == 0 && name[5]) {
		b.kind = FORM_ROWS;
		b.optional = dup_str(get(r, name, "optional"));   /* values that may be empty (case_form.c) */
		if ((v = get(r, name, "font")) && font_by_name(v, &b.font) != 0)
			problem(r->p, ini_line(&r->ini, name, "font"), _("font in [%s] is regular, bold or mono"), sec->raw);
		get_num(r, name, "size", 4, 96, &b.size, NULL);
		read_rows(r, sec, &b);
	} else {
		return;   /* an unknown section, reported already */
	}
	get_num(r, name, "x", 0, t->page_w, &b.x, &b.has_x);
	get_num(r, name, "y", 0, t->page_h, &b.y, &b.has_y);
	if (b.kind != FORM_PHOTO)
		get_num(r, name, "width", 1, t->page_w, &b.w, NULL);
	get_num(r, name, "gap", 0, 200, &b.gap, NULL);
	if (b.w < 0)
		b.w = t->page_w - t->margin - b.x;
	if ((b.kind == FORM_TEXT || b.kind == FORM_ROWS) && b.w <= 0)
		problem(r->p, sec->line, _("[%s] starts right of the margin: give it a width"), sec->raw);
	if (b.kind == FORM_ROWS && b.label_w + 5 > b.w)
		problem(r->p, ini_line(&r->ini, name, "label_width"),
			_("label_width in [%s] leaves less than 5 mm for the values"), sec->raw);
	if (!(b.id = dup_str(sec->raw)) || add_block(t, &b) != 0) {
		free(b.id);
		free(b.text);
		free(b.optional);
		free(b.when);
		free_rows(&b);
		problem(r->p, sec->line, _("out of memory"));
	}
}


/* ---- [rows.ID]: label | value rows -------------------------------------------------- */

/* N of "row.N" or "row.N[xx]" (1 to 999), else 0. */
static int row_number(const char *key)
{
	if (strncmp(key, "row.", 4) != 0 || !isdigit((unsigned char)key[4]) || key[4] == '0')
		return 0;
	char *end;
	long n = strtol(key + 4, &end, 10);
	char lang[4];
	if (n < 1 || n > 999 || (*end && !(*end == '[' && ini_key_lang(key, lang) == (size_t)(end - key))))
		return 0;
	return (int)n;
}

static int rows_key_known(const char *key)
{
	return row_number(key) > 0 || key_known(rows_keys, key);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* A copy of s[0..n) without the spaces around it, "\n" standing for a line break. */
static char *trimmed_part(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	char *raw = strndup(s, n);
	char *out = raw ? unescape(raw) : NULL;
	free(raw);
	return out;
}

/*
 * The rows of a [rows.ID] section, in the order of their numbers (a template adds row.25
 * between row.2 and row.3 without renumbering): "Label | value", split at the first '|'.
 */
static void read_rows(struct reader *r, const struct ini_section *sec, struct form_block *b)
{
	int *nums = calloc(sec->n_keys ? sec->n_keys : 1, sizeof *nums);
	size_t n = 0;

	b->label_w = 55;
	b->row_gap = 1;
	if (!nums) {
		problem(r->p, sec->line, _("out of memory"));
		return;
	}
	for (size_t k = 0; k < sec->n_keys; k++) {
		char lang[4];
		int num = row_number(sec->keys[k].name);
		if (num > 0 && !ini_key_lang(sec->keys[k].name, lang))
			nums[n++] = num;
	}
	qsort(nums, n, sizeof *nums, cmp_int);
	b->labels = calloc(n ? n : 1, sizeof *b->labels);
	b->values = calloc(n ? n : 1, sizeof *b->values);
	b->row_keys = nums;
	if (!b->labels || !b->values) {
		problem(r->p, sec->line, _("out of memory"));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char key[16];
		int line;
		snprintf(key, sizeof key, "row.%d", nums[i]);
		const char *v = get_lang(r, sec->name, key, &line);
		const char *bar = v ? strchr(v, '|') : NULL;
		if (!bar) {
			problem(r->p, line, _("%s in [%s] is 'Label | value': the '|' is missing"), key, sec->raw);
			continue;
		}
		b->labels[b->n_rows] = trimmed_part(v, (size_t)(bar - v));
		b->values[b->n_rows] = trimmed_part(bar + 1, strlen(bar + 1));
		b->row_keys[b->n_rows] = nums[i];
		b->n_rows++;
	}
	if (n == 0)
		problem(r->p, sec->line, _("[%s] has no rows: add row.1 = Label | {value}"), sec->raw);
	get_num(r, sec->name, "label_width", 5, 500, &b->label_w, NULL);
	get_num(r, sec->name, "row_gap", 0, 50, &b->row_gap, NULL);
}

static void free_rows(struct form_block *b)
{
	for (size_t i = 0; i < b->n_rows; i++) {
		free(b->labels[i]);
		free(b->values[i]);
	}
	free(b->labels);
	free(b->values);
	free(b->row_keys);
}

/* ---- page numbers and continuation headers --------------------------------------------- */

/*
 * The words come from data/forms/office.ini's [words] section in the template's language
 * (page[ru] = Страница {page} из {pages}), not from the message catalogue: a form is
 * printed in its own language whatever the language of the desk that prints it.
 */
static void read_words(struct form_tpl *t, const char *lang)
{
	struct ini ini = INI_INIT;
	char path[4096];
	const struct ini_key *page = NULL, *cont = NULL;

	snprintf(path, sizeof path, "%s/forms/office.ini", cd_data_dir());
	if (ini_load(&ini, path, NULL, NULL, NULL) == CD_OK) {
		page = ini_get_lang(&ini, "words", "page_number", lang);
		cont = ini_get_lang(&ini, "words", "continued", lang);
	}
	t->page_words = dup_str(page ? page->value : "Page {page} of {pages}");
	t->continued_words = dup_str(cont ? cont->value : "Case {case.number} - {form.title} (continued)");
	ini_release(&ini);
}

/*
 * Reads the template at `path` for `lang`; with `keep` the parsed file is handed to the
 * caller (lint checks its placeholders without reading the file again).
 */
static int form_read(const char *path, const char *lang, struct problems *p, struct form_tpl **out,
		     struct ini *keep)
{
	struct reader r = { .p = p, .lang = lang };
	struct form_tpl *t = calloc(1, sizeof *t);
	struct cd_error err = CD_ERROR_INIT;
	int fatal = 1;

	*out = NULL;
	if (!t)
		return CD_EINTERNAL;
	t->path = dup_str(path);
	t->lang = dup_str(lang ? lang : "en");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	t->id = dup_str(base);
	if (t->id && strrchr(t->id, '.'))
		*strrchr(t->id, '.') = '\0';
	if (ini_load(&r.ini, path, scan_report, p, &err) != CD_OK) {
		problem(p, 1, "%s", err.msg);
		goto out;
	}
	if (!ini_section(&r.ini, "form")) {
		problem(p, 1, _("no [form] section"));
		goto out;
	}
	/* Sections and keys first: a typo is the commonest mistake. */
	for (size_t i = 0; i < r.ini.n_sections; i++) {
		const struct ini_section *s = &r.ini.sections[i];
		const char *const *keys = NULL;
		if (strcmp(s->name, "form") == 0)
			keys = form_keys;
		else if (strncmp(s->name, "text.", 5) == 0 && s->name[5])
			keys = text_keys;
		else if (strncmp(s->name, "rule.", 5) == 0 && s->name[5])
			keys = rule_keys;
		else if (strcmp(s->name, "barcode") == 0)
			keys = barcode_keys;
		else if (strcmp(s->name, "mrz") == 0)
			keys = mrz_keys;
		else if (strcmp(s->name, "qr") == 0)
			keys = qr_keys;
		else if (strcmp(s->name, "photo") == 0)
			keys = photo_keys;
		else if (strncmp(s->name, "rows.", 5) == 0 && s->name[5])
			keys = rows_keys;
		if (!keys) {
			problem(p, s->line,
				_("unknown section [%s]; use [form], [text.ID], [rows.ID], [rule.ID], [barcode], [qr], [photo] or [mrz]"),
				s->raw);
			continue;
		}
		for (size_t k = 0; k < s->n_keys; k++)
			if (keys == rows_keys ? !rows_key_known(s->keys[k].name) : !key_known(keys, s->keys[k].name))
				problem(p, s->keys[k].line, _("unknown key '%s' in [%s]"), s->keys[k].raw, s->raw);
	}
	int line;
	const char *title = get_lang(&r, "form", "title", &line);
	if (!title)
		problem(p, ini_line(&r.ini, "form", NULL), _("[form] needs the key 'title'"));
	t->title = dup_str(title ? title : "");
	t->margin = 20;
	t->size = 10;
	read_page(&r, t);
	get_num(&r, "form", "margin", 0, 100, &t->margin, NULL);
	get_num(&r, "form", "size", 4, 48, &t->size, NULL);
	read_fonts(&r, t);
	const char *lh = get(&r, "form", "letterhead");
	t->letterhead = !lh || strcmp(lh, "yes") == 0;
	t->optional = dup_str(get(&r, "form", "optional"));
	if (lh && strcmp(lh, "yes") != 0 && strcmp(lh, "no") != 0)
		problem(p, ini_line(&r.ini, "form", "letterhead"), _("letterhead is yes or no"));
	const char *pages = get(&r, "form", "pages");
	if (pages && strcmp(pages, "1") == 0)
		t->max_pages = 1;
	else if (pages && strcmp(pages, "any") != 0)
		problem(p, ini_line(&r.ini, "form", "pages"),
			_("pages is 1 (a sheet that must be one page: what does not fit is refused) or any"));
	read_words(t, lang);
	for (size_t i = 0; i < r.ini.n_sections; i++)
		if (strcmp(r.ini.sections[i].name, "form") != 0)
			read_block(&r, t, &r.ini.sections[i]);
	fatal = 0;
out:
	if (keep) {
		*keep = r.ini;   /* the caller releases it */
		memset(&r.ini, 0, sizeof r.ini);
	}
	ini_release(&r.ini);
	if (fatal || !t->id || !t->path) {
		form_free(t);
		return p->n ? CD_EINPUT : CD_EINTERNAL;
	}
	/* With problems the template is still handed out, so that lint can go on checking it. */
	*out = t;
	return p->n ? CD_EINPUT : CD_OK;
}

int form_load(const char *path, const char *lang, struct form_tpl **out, struct cd_error *err)
{
	struct problems p = { path, NULL, err, 0 };
	int rc = form_read(path, lang, &p, out, NULL);
	if (rc == CD_EINTERNAL)
		cd_error_set(err, rc, _("out of memory"));
	if (rc != CD_OK) {
		form_free(*out);
		*out = NULL;
	}
	return rc;
}

int form_load_lenient(const char *path, const char *lang, struct form_tpl **out)
{
	struct problems quiet = { path, NULL, NULL, 0 };
	struct cd_error err = CD_ERROR_INIT;

	quiet.err = &err;
	return form_read(path, lang, &quiet, out, NULL);
}

void form_free(struct form_tpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_blocks; i++) {
		free(t->blocks[i].id);
		free(t->blocks[i].text);
		free(t->blocks[i].optional);
		free(t->blocks[i].when);
		free_rows(&t->blocks[i]);
	}
	free(t->blocks);
	for (int i = 0; i < FONT_COUNT; i++)
		free(t->fonts[i]);
	free(t->id);
	free(t->path);
	free(t->lang);
	free(t->title);
	free(t->optional);
	free(t->page_words);
	free(t->continued_words);
	free(t);
}

/* ---- lint: what can be checked without drawing -------------------------------------- */

struct lint_ctx {
	struct problems *p;
	const char *const *known;
	size_t n_known;
	int line;
};

static void check_name(void *ctx, const char *name, size_t pos)
{
	struct lint_ctx *lc = ctx;
	(void)pos;
	for (size_t i = 0; i < lc->n_known; i++)
		if (strcmp(lc->known[i], name) == 0)
			return;
	problem(lc->p, lc->line, _("unknown placeholder {%s}"), name);
}


size_t form_langs(const char *path, char langs[16][4])
{
	struct ini ini = INI_INIT;
	size_t n = 0;

	if (ini_load(&ini, path, NULL, NULL, NULL) != CD_OK)
		goto out;
	for (size_t i = 0; i < ini.n_sections; i++)
		for (size_t k = 0; k < ini.sections[i].n_keys; k++) {
			char lang[4];
			if (!ini_key_lang(ini.sections[i].keys[k].name, lang))
				continue;
			size_t j;
			for (j = 0; j < n; j++)
				if (strcmp(langs[j], lang) == 0)
					break;
			if (j == n && n < 16)
				memcpy(langs[n++], lang, 4);
		}
out:
	ini_release(&ini);
	return n;
}

/*
 * iniparser's grammar ends an unquoted value at ';' or '#' (a comment), so prose that
 * contains one prints cut short without a word.  Trailing comments are fine on settings;
 * on text and titles they are almost always a sentence losing its end.  The reader says
 * where a value was cut (ini_key.cut).
 */
static void check_cut_text(struct problems *p, const struct ini_key *key)
{
	if (strncmp(key->name, "text", 4) != 0 && strncmp(key->name, "title", 5) != 0 && !row_number(key->name))
		return;
	if (key->cut)
		problem(p, key->line, _("'%c' in %s starts a comment: the text after it is not printed; reword, or put "
				      "the whole value in double quotes"), key->cut, key->raw);
}

int form_template_lint(const char *path, const char *const *known, size_t n_known, FILE *report,
		       struct form_tpl **out)
{
	struct problems p = { path, report, NULL, 0 };
	struct ini ini = INI_INIT;

	*out = NULL;
	if (form_read(path, NULL, &p, out, &ini) != CD_OK && !*out) {
		ini_release(&ini);
		return p.n ? p.n : 1;
	}
	/* Placeholders in every text, every language: in the file as read above. */
	{
		for (size_t i = 0; i < ini.n_sections; i++)
			for (size_t k = 0; k < ini.sections[i].n_keys; k++) {
				const struct ini_key *key = &ini.sections[i].keys[k];
				if (strcmp(key->name, "optional") == 0 || strcmp(key->name, "when") == 0) {
					struct lint_ctx lctx = { &p, known, n_known, key->line };
					for (const char *c = key->value; *c;) {
						size_t len = strcspn(c, ", ");
						char one[PH_NAME_MAX + 1];
						snprintf(one, sizeof one, "%.*s", (int)len, c);
						if (len)
							check_name(&lctx, one, 0);
						c += len + strspn(c + len, ", ");
					}
					continue;
				}
				if (strncmp(key->name, "text", 4) != 0 && strncmp(key->name, "title", 5) != 0 &&
				    strcmp(key->name, "value") != 0 && !row_number(key->name))
					continue;
				struct lint_ctx lctx = { &p, known, n_known, key->line };
				ph_scan(key->value, check_name, &lctx);
				check_cut_text(&p, key);
			}
	}
	ini_release(&ini);
	return p.n;
}

static const char *const office_keys[] = { "name", "address", "phone", "state" };

/* The letterhead: data/forms/office.ini, [office] with name, address, phone, state, each
 * of which may carry a language (name[ru]).  Through the one reader, so a mistake in the
 * file is refused naming its line, and an unknown section or key too. */
static int office_vars_read(const char *path, const char *lang, struct ph_vars *v, struct cd_error *err)
{
	struct ini ini = INI_INIT;
	int rc;

	if ((rc = ini_load(&ini, path, NULL, NULL, err)) != CD_OK) {
		if (rc == CD_ENOTFOUND)
			rc = cd_error_set(err, CD_EINPUT, _("cannot read %s (the office's letterhead)"), path);
		goto out;
	}
	for (size_t i = 0; i < ini.n_sections; i++) {
		const struct ini_section *s = &ini.sections[i];
		if (strcmp(s->name, "words") == 0)
			continue;   /* page numbers and continuation headers: read_words */
		if (strcmp(s->name, "office") != 0) {
			rc = cd_error_set(err, CD_EINPUT, _("%s:%d: unknown section [%s]; the letterhead is [office]"),
					  path, s->line, s->raw);
			goto out;
		}
		for (size_t k = 0; k < s->n_keys; k++) {
			char lang_of[4];
			const char *name = s->keys[k].name;
			size_t n = ini_key_lang(name, lang_of), j;
			if (!n)
				n = strchr(name, '[') ? 0 : strlen(name);
			for (j = 0; n && j < sizeof office_keys / sizeof office_keys[0]; j++)
				if (strlen(office_keys[j]) == n && !strncmp(office_keys[j], name, n))
					break;
			if (!n || j == sizeof office_keys / sizeof office_keys[0]) {
				rc = cd_error_set(err, CD_EINPUT,
						  _("%s:%d: unknown key '%s' in [office] (known keys: name, address, phone, state; each may carry a language, as in name[ru])"),
						  path, s->keys[k].line, s->keys[k].raw);
				goto out;
			}
		}
	}
	for (size_t i = 0; i < sizeof office_keys / sizeof office_keys[0]; i++) {
		char name[64];
		const struct ini_key *k = ini_get_lang(&ini, "office", office_keys[i], lang);
		snprintf(name, sizeof name, "office.%s", office_keys[i]);
		if (ph_set(v, name, k ? k->value : "") != CD_OK) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto out;
		}
	}
out:
	ini_release(&ini);
	return rc;
}

/*
 * The values of the last language read, kept while the file is unchanged (its size and
 * time): a batch of 1,000 letters read and parsed the file 1,000 times.
 */
static struct {
	char path[4096], lang[8];
	struct stat sb;
	char *values[sizeof office_keys / sizeof office_keys[0]];
	int valid;
} office_cache;

static void office_cache_drop(void)
{
	for (size_t i = 0; i < sizeof office_keys / sizeof office_keys[0]; i++) {
		free(office_cache.values[i]);
		office_cache.values[i] = NULL;
	}
	office_cache.valid = 0;
}

int form_office_vars(const char *lang, struct ph_vars *v, struct cd_error *err)
{
	static int registered;
	char path[4096], name[64];
	struct stat sb;
	int rc;

	snprintf(path, sizeof path, "%s/forms/office.ini", cd_data_dir());
	const char *l = lang ? lang : "";
	int same = office_cache.valid && stat(path, &sb) == 0 && strcmp(office_cache.path, path) == 0 &&
		   strcmp(office_cache.lang, l) == 0 && sb.st_size == office_cache.sb.st_size &&
		   sb.st_mtim.tv_sec == office_cache.sb.st_mtim.tv_sec &&
		   sb.st_mtim.tv_nsec == office_cache.sb.st_mtim.tv_nsec && sb.st_ino == office_cache.sb.st_ino;
	if (same) {
		for (size_t i = 0; i < sizeof office_keys / sizeof office_keys[0]; i++) {
			snprintf(name, sizeof name, "office.%s", office_keys[i]);
			if (ph_set(v, name, office_cache.values[i]) != CD_OK)
				return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
		}
		return CD_OK;
	}
	office_cache_drop();
	if (stat(path, &sb) != 0)
		memset(&sb, 0, sizeof sb);
	if ((rc = office_vars_read(path, lang, v, err)) != CD_OK)
		return rc;
	if (!registered) {
		atexit(office_cache_drop);
		registered = 1;
	}
	for (size_t i = 0; i < sizeof office_keys / sizeof office_keys[0]; i++) {
		snprintf(name, sizeof name, "office.%s", office_keys[i]);
		if (!(office_cache.values[i] = dup_str(ph_get(v, name) ? ph_get(v, name) : ""))) {
			office_cache_drop();
			return CD_OK;   /* (only the cache is lost) */
		}
	}
	snprintf(office_cache.path, sizeof office_cache.path, "%s", path);
	snprintf(office_cache.lang, sizeof office_cache.lang, "%s", l);
	office_cache.sb = sb;
	office_cache.valid = sb.st_ino != 0;
	return CD_OK;
}
