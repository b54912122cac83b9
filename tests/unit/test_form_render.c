/*
 * test_form_render.c - drawing a form with Cairo and Pango (print/form.c, pdf_canvas.c):
 * the fallback fonts for scripts DejaVu lacks are embedded, the file is written by the
 * rules for files (0600, never over a file without force, never through a link, a bad
 * path said in words), and the fit rules still find text too long for its box; rows
 * blocks read in the order of their numbers; long text continued on a second page, and
 * refused on a one-page sheet.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/base/error.h"
#include "model/base/outfile.h"
#include "print/form.h"
#include "print/pdf_canvas.h"

static char dir[] = "/tmp/casedesk-formrender.XXXXXX";

static void path_in(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char template_text[] =
	"[form]\ntitle = Test\npage = A4\nmargin = 20\nsize = 11\n\n"
	"[text.name]\nwidth = 150\ntext = {person.given} {person.surname}\n";

/* Renders the one-block template with the given name; the document is left in *out. */
static void render(const char *given, const char *surname, struct form_doc **out)
{
	char tpl[512];
	struct form_tpl *t = NULL;
	struct ph_vars v = PH_VARS_INIT;
	struct cd_error err = CD_ERROR_INIT;

	path_in(tpl, sizeof tpl, "one.ini");
	write_file(tpl, template_text);
	assert_int_equal(form_load(tpl, NULL, &t, &err), CD_OK);
	ph_set(&v, "person.given", given);
	ph_set(&v, "person.surname", surname);
	assert_int_equal(form_doc_new(out, &err), CD_OK);
	assert_int_equal(form_render(*out, t, &v, NULL, 0, &err), CD_OK);
	ph_vars_release(&v);
	form_free(t);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc((size_t)n + 1);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	d[n] = '\0';
	*len = (size_t)n;
	return d;
}

/* Chinese and Ethiopic come from Noto (DejaVu has neither), and are embedded with DejaVu
 * (which has the Arabic letters, shaped by HarfBuzz from its own tables). */
static void test_fallback_fonts_embedded(void **state)
{
	(void)state;
	struct form_doc *d = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char out[512];
	size_t len;
	struct stat st;

	render("محمد 小明 ሰላም", "المالكي 王", &d);
	path_in(out, sizeof out, "scripts.pdf");
	assert_int_equal(form_doc_save(d, out, 0, &err), CD_OK);
	form_doc_free(d);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *pdf = slurp(out, &len);
	unlink(out);
	/* font dictionaries are not compressed: their names are in the file as text */
	int cjk = memmem(pdf, len, "NotoSansCJK", 11) != NULL;
	int dejavu = memmem(pdf, len, "DejaVuSans", 10) != NULL;
	int ethiopic = memmem(pdf, len, "NotoSansEthiopic", 16) != NULL;
	int embedded = memmem(pdf, len, "/FontFile", 9) != NULL;
	free(pdf);
	assert_true(cjk);
	assert_true(dejavu);
	assert_true(ethiopic);
	assert_true(embedded);
}

/* A character no installed font has (U+10FFFD, private use) is refused, not drawn as a box. */
static void test_no_font_refused(void **state)
{
	(void)state;
	char tpl[512];
	struct form_tpl *t = NULL;
	struct form_doc *d = NULL;
	struct ph_vars v = PH_VARS_INIT;
	struct cd_error err = CD_ERROR_INIT;

	path_in(tpl, sizeof tpl, "boxes.ini");
	write_file(tpl, template_text);
	assert_int_equal(form_load(tpl, NULL, &t, &err), CD_OK);
	ph_set(&v, "person.given", "Anna");
	ph_set(&v, "person.surname", "Kov\xf4\x8f\xbf\xbd");
	assert_int_equal(form_doc_new(&d, &err), CD_OK);
	assert_int_equal(form_render(d, t, &v, NULL, 0, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "fonts-noto-core"));
	assert_null(strstr(err.msg, "Kov"));
	/* and the same name without the character prints */
	ph_set(&v, "person.surname", "Kov");
	assert_int_equal(form_render(d, t, &v, NULL, 0, &err), CD_OK);
	form_doc_free(d);
	ph_vars_release(&v);
	form_free(t);
	unlink(tpl);
}

static void test_save_rules(void **state)
{
	(void)state;
	struct form_doc *d = NULL;
	struct cd_error err = CD_ERROR_INIT;
	char out[512], link_path[512], bad[512];

	render("Ївга", "Заїка", &d);
	path_in(out, sizeof out, "again.pdf");
	assert_int_equal(form_doc_save(d, out, 0, &err), CD_OK);
	/* an existing file: not without force; with force, replaced */
	assert_int_equal(form_doc_save(d, out, 0, &err), CD_EUSAGE);
	assert_int_equal(form_doc_save(d, out, OUTFILE_FORCE, &err), CD_OK);
	/* never through a link, even with force */
	path_in(link_path, sizeof link_path, "link.pdf");
	assert_int_equal(symlink(out, link_path), 0);
	assert_int_equal(form_doc_save(d, link_path, OUTFILE_FORCE, &err), CD_EREFUSED);
	/* a folder that is not there: said in words, naming the path */
	path_in(bad, sizeof bad, "no/such/dir/x.pdf");
	assert_int_equal(form_doc_save(d, bad, 0, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "no/such/dir/x.pdf"));
	assert_null(strstr(err.msg, "libharu"));
	assert_null(strstr(err.msg, "0x"));
	form_doc_free(d);
	unlink(link_path);
	unlink(out);
}

/* The lint lays the text out with Pango: a sentence far too long for a small fixed box is found. */
static void test_lint_overflow(void **state)
{
	(void)state;
	char tpl[512];
	char *report = NULL;
	size_t size = 0;

	path_in(tpl, sizeof tpl, "box.ini");
	write_file(tpl, "[form]\ntitle = Box\n\n[text.box]\ny = 40\nwidth = 30\nheight = 5\n"
			"text = Ця заява надійшла до управління міграції, її зареєстровано і буде розглянуто\n");
	FILE *f = open_memstream(&report, &size);
	assert_non_null(f);
	int n = form_lint_file(tpl, NULL, 0, f);
	fclose(f);
	int named = strstr(report, "overflows its box") != NULL;
	free(report);
	assert_int_equal(n, 1);
	assert_true(named);

	write_file(tpl, "[form]\ntitle = Box\n\n[text.box]\ny = 40\nwidth = 30\nheight = 5\ntext = Її\n");
	report = NULL;
	f = open_memstream(&report, &size);
	assert_non_null(f);
	assert_int_equal(form_lint_file(tpl, NULL, 0, f), 0);
	fclose(f);
	free(report);
	unlink(tpl);
}

/* [rows.ID]: rows in the order of their numbers (row.15 between row.1 and row.2), split at
 * the first '|', in the language asked for, with the row's own number kept for messages. */
static void test_rows_parse(void **state)
{
	(void)state;
	char tpl[512];
	struct form_tpl *t = NULL;
	struct cd_error err = CD_ERROR_INIT;

	path_in(tpl, sizeof tpl, "rows.ini");
	write_file(tpl, "[form]\ntitle = Rows\npages = 1\n\n[rows.holder]\ny = 80\nlabel_width = 40\n"
			"row.2 = Sex | {person.sex}\nrow.1 = Surname | {person.surname}\nrow.1[ru] = Фамилия | {person.surname}\n"
			"row.15 = Note | a | b\n");
	assert_int_equal(form_load(tpl, "ru", &t, &err), CD_OK);
	assert_int_equal(t->max_pages, 1);
	assert_int_equal(t->n_blocks, 1);
	const struct form_block *b = &t->blocks[0];
	assert_int_equal(b->kind, FORM_ROWS);
	assert_int_equal(b->n_rows, 3);
	assert_string_equal(b->labels[0], "Фамилия");
	assert_string_equal(b->values[0], "{person.surname}");
	assert_int_equal(b->row_keys[1], 2);
	assert_string_equal(b->labels[1], "Sex");
	assert_int_equal(b->row_keys[2], 15);
	assert_string_equal(b->values[2], "a | b");
	assert_true(b->label_w == 40);
	form_free(t);

	/* A row without its '|' names its key and line. */
	write_file(tpl, "[form]\ntitle = Rows\n[rows.r]\nrow.1 = Surname {person.surname}\n");
	assert_int_equal(form_load(tpl, NULL, &t, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "rows.ini:4: row.1 in [rows.r]"));
	unlink(tpl);
}

/* A long text goes on over a second page; a one-page sheet refuses it, naming the block. */
static void test_pages(void **state)
{
	(void)state;
	char tpl[512], text[6000] = "text = ";
	struct form_tpl *t = NULL;
	struct form_doc *d = NULL;
	struct ph_vars v = PH_VARS_INIT;
	struct cd_error err = CD_ERROR_INIT;

	for (int i = 0; i < 120; i++)
		strncat(text, "line\\n", sizeof text - strlen(text) - 1);
	char body[7000];
	snprintf(body, sizeof body, "[form]\ntitle = Long\n[text.a]\nheight = 20\n%s\n[text.sig]\ny = 250\ntext = signed\n",
		 text);
	path_in(tpl, sizeof tpl, "long.ini");
	write_file(tpl, body);
	assert_int_equal(form_load(tpl, NULL, &t, &err), CD_OK);
	assert_int_equal(form_doc_new(&d, &err), CD_OK);
	assert_int_equal(form_render(d, t, &v, NULL, 0, &err), CD_OK);
	form_doc_free(d);
	form_free(t);

	snprintf(body, sizeof body, "[form]\ntitle = Long\npages = 1\n[text.a]\n%s\n", text);
	write_file(tpl, body);
	assert_int_equal(form_load(tpl, NULL, &t, &err), CD_OK);
	assert_int_equal(form_doc_new(&d, &err), CD_OK);
	assert_int_equal(form_render(d, t, &v, NULL, 0, &err), CD_EINPUT);
	assert_non_null(strstr(err.msg, "[text.a] does not fit on the one page"));
	form_doc_free(d);
	form_free(t);
	ph_vars_release(&v);
	unlink(tpl);
}

/* A word too long for its box is broken between characters with no hyphen drawn: on a card
 * data sheet the producer would copy a hyphen the name does not have.  Pango draws one as
 * a glyph more than the run's characters. */
static void test_no_hyphen_in_broken_word(void **state)
{
	(void)state;
	struct pdf_canvas *c = NULL;
	struct cd_error err = CD_ERROR_INIT;
	const char *font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

	if (access(font, R_OK) != 0)
		skip();
	assert_int_equal(canvas_new(&c, &err), CD_OK);
	const PangoFontDescription *fd = canvas_font(c, font, &err);
	assert_non_null(fd);
	PangoLayout *l = canvas_set_text(c, fd, 10, "WOLFESCHLEGELSTEINHAUSENBERGERDORFFWELCHEVORALTERNWARENGEWIS",
					 100, PANGO_ALIGN_LEFT);
	assert_true(pango_layout_get_line_count(l) > 1);
	int glyphs = 0, chars = 0;
	for (GSList *ln = pango_layout_get_lines_readonly(l); ln; ln = ln->next)
		for (GSList *r = ((PangoLayoutLine *)ln->data)->runs; r; r = r->next) {
			PangoGlyphItem *run = r->data;
			glyphs += run->glyphs->num_glyphs;
			chars += run->item->num_chars;
		}
	assert_int_equal(glyphs, chars);
	canvas_free(c);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char tpl[512];
	(void)state;
	path_in(tpl, sizeof tpl, "one.ini");
	unlink(tpl);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fallback_fonts_embedded),
		cmocka_unit_test(test_no_font_refused),
		cmocka_unit_test(test_save_rules),
		cmocka_unit_test(test_lint_overflow),
		cmocka_unit_test(test_rows_parse),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_no_hyphen_in_broken_word),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
