/*
 * lostdocs.c - the offline lost and stolen documents list: its CSV import (an RFC 4180
 * reader that knows which line each record started on and says so when a file is cut
 * short), the lookup, and the gate every new document passes; see lostdocs.h.
 */
#include "model/store/lostdocs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/caldate.h"
#include "model/identity/countries.h"
#include "model/identity/docnum.h"
#include "model/base/i18n.h"
#include "model/base/privilege.h"
#include "model/base/text.h"
#include "model/store/roles.h"
#include "model/store/store_internal.h"

#define LIST_FILE_MAX (256u << 20)   /* a national list is a few million lines at most */
#define CSV_MAX_FIELDS 16
#define FIELD_MAX 200

/* ---- the CSV reader ------------------------------------------------------------------ */

enum csv_status { CSV_RECORD, CSV_EOF, CSV_OPEN_QUOTE, CSV_BAD_QUOTE, CSV_TOO_MANY, CSV_NUL };

struct csv {
	const char *p, *end;
	long line;                    /* the physical line p is on */
};

struct csv_record {
	long line;                    /* where the record started */
	int ended;                    /* it ended with a line end (not at the end of the file) */
	size_t n;
	size_t off[CSV_MAX_FIELDS];
	struct cd_buf text;           /* the fields, each NUL-terminated */
};

static void csv_skip_line(struct csv *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
}

/* Consumes the line end at p (CRLF, LF or a lone CR); 0 when there is none. */
static int csv_line_end(struct csv *c)
{
	int seen = 0;
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		seen = 1;
	}
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		seen = 1;
	}
	if (seen)
		c->line++;
	return seen;
}

/*
 * Reads one record.  On CSV_BAD_QUOTE, CSV_TOO_MANY and CSV_NUL the rest of the line is
 * skipped so that reading goes on with the next one; CSV_OPEN_QUOTE means the file ended
 * inside a quoted field (everything after the opening quote is in it).
 */
static enum csv_status csv_read(struct csv *c, struct csv_record *r)
{
	buf_reset(&r->text);
	r->line = c->line;
	r->n = 0;
	r->ended = 0;
	if (c->p >= c->end)
		return CSV_EOF;
	for (;;) {
		if (r->n == CSV_MAX_FIELDS) {
			csv_skip_line(c);
			return CSV_TOO_MANY;
		}
		r->off[r->n++] = r->text.len;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return CSV_OPEN_QUOTE;
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						buf_add(&r->text, "\"", 1);
						c->p += 2;
						continue;
					}
					c->p++;
					break;
				}
				if (*c->p == '\0') {
					csv_skip_line(c);
					return CSV_NUL;
				}
				if (*c->p == '\n')
					c->line++;
				buf_add(&r->text, c->p, 1);
				c->p++;
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
				csv_skip_line(c);
				return CSV_BAD_QUOTE;
			}
		} else {
			const char *start = c->p;
			while (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
				if (*c->p == '"' || *c->p == '\0') {
					enum csv_status st = *c->p ? CSV_BAD_QUOTE : CSV_NUL;
					csv_skip_line(c);
					return st;
				}
				c->p++;
			}
			buf_add(&r->text, start, (size_t)(c->p - start));
		}
		buf_add(&r->text, "", 1);   /* the field's NUL; buf_add keeps one more after it */
		if (c->p >= c->end)
			return CSV_RECORD;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		r->ended = csv_line_end(c);
		return CSV_RECORD;
	}
}

static const char *csv_field(const struct csv_record *r, size_t i)
{
	return buf_str(&r->text) + r->off[i];
}

/* ---- an import ------------------------------------------------------------------------- */

enum col { COL_NUMBER, COL_ISSUER, COL_KIND, COL_REPORTED, COL_SOURCE, COL_COUNT };
static const char *const col_names[COL_COUNT] = { "number", "issuer", "kind", "reported", "source" };

static int add_problem(struct cd_lostdocs_import *imp, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_problem(struct cd_lostdocs_import *imp, long line, const char *fmt, ...)
{
	struct cd_lostdocs_problem *g;
	char msg[CD_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	g = realloc(imp->problems, (imp->n_problems + 1) * sizeof *g);
	if (!g)
		return CD_EINTERNAL;
	imp->problems = g;
	g[imp->n_problems].line = line;
	if (!(g[imp->n_problems].message = strdup(msg)))
		return CD_EINTERNAL;
	imp->n_problems++;
	return CD_OK;
}

void lostdocs_import_release(struct cd_lostdocs_import *imp)
{
	if (!imp)
		return;
	for (size_t i = 0; i < imp->n_problems; i++)
		free(imp->problems[i].message);
	free(imp->problems);
	memset(imp, 0, sizeof *imp);
}

static void trim(char *t)
{
	size_t n = strlen(t), i = 0;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		t[--n] = '\0';
	while (t[i] == ' ' || t[i] == '\t')
		i++;
	memmove(t, t + i, n - i + 1);
}

static void file_name(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	snprintf(out, size, "%s", slash ? slash + 1 : path);
}

/* Reads the whole file; CD_EINPUT saying why not. */
static int slurp(const char *path, char **data, size_t *len, struct cd_error *err)
{
	FILE *f = NULL;
	struct cd_buf b = CD_BUF_INIT;
	char chunk[65536];
	size_t n;

	buf_init(&b, LIST_FILE_MAX);
	/* Setgid: the user's file, read with the user's rights only (model/base/privilege.h). */
	if (privilege_as_user() == 0) {
		f = fopen(path, "rb");
		privilege_restore();
	}
	if (!f)
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read: %s"), path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_add(&b, chunk, n)) {
			fclose(f);
			buf_release(&b);
			return cd_error_set(err, CD_EINPUT, _("%s: larger than %u MiB; split the list"), path,
					    LIST_FILE_MAX >> 20);
		}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		buf_release(&b);
		return cd_error_set(err, CD_EINPUT, _("%s: cannot read: %s"), path, strerror(e));
	}
	fclose(f);
	*len = b.len;
	*data = buf_detach(&b);
	if (!*data && !(*data = calloc(1, 1)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	return CD_OK;
}

/*
 * Checks one data record and fills the entry's fields; CD_EINPUT after recording a problem
 * that names the field (never the document number: it is personal data).
 */
static int check_record(struct cd_lostdocs_import *imp, const struct csv_record *r, const int cols[COL_COUNT],
			const char *default_source, long today, char number[48], char issuer[4], char kind[40],
			char reported[11], const char **source)
{
	char v[COL_COUNT][FIELD_MAX + 1];
	const char *cut = r->ended ? "" : _(" (the file ends here without a line end: it may have been cut short)");
	struct cd_error e = CD_ERROR_INIT;
	struct cd_date d;

	for (int i = 0; i < COL_COUNT; i++) {
		v[i][0] = '\0';
		if (cols[i] < 0)
			continue;
		const char *f = csv_field(r, (size_t)cols[i]);
		if (strlen(f) > FIELD_MAX) {
			add_problem(imp, r->line, ngettext("field %s: longer than %d byte%s", "field %s: longer than %d bytes%s",
							   (unsigned long)FIELD_MAX), col_names[i], FIELD_MAX, cut);
			return CD_EINPUT;
		}
		snprintf(v[i], sizeof v[i], "%s", f);
		trim(v[i]);
	}
	if (strlen(v[COL_NUMBER]) > 40) {
		add_problem(imp, r->line, _("field number: longer than 40 characters%s"), cut);
		return CD_EINPUT;
	}
	document_number_normalise(v[COL_NUMBER], number, 48);
	if (!*number) {
		add_problem(imp, r->line, _("field number: empty%s"), cut);
		return CD_EINPUT;
	}
	for (const char *p = number; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
			add_problem(imp, r->line, _("field number: use letters A-Z and digits only%s"), cut);
			return CD_EINPUT;
		}
	if (!v[COL_ISSUER][0] || !country_known(v[COL_ISSUER])) {
		char shown[16];
		/* The code as given, cut and made printable: it is not personal data. */
		size_t o = 0;
		for (const char *p = v[COL_ISSUER]; *p && o + 1 < sizeof shown; p++)
			shown[o++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
		shown[o] = '\0';
		if (!o)
			add_problem(imp, r->line, _("field issuer: empty%s"), cut);
		else
			add_problem(imp, r->line, _("field issuer: %s is not a country code (ISO 3166-1 alpha-3 or ICAO)%s"),
				    shown, cut);
		return CD_EINPUT;
	}
	snprintf(issuer, 4, "%s", v[COL_ISSUER]);
	if (!v[COL_KIND][0] || strlen(v[COL_KIND]) >= 40) {
		add_problem(imp, r->line, _("field kind: give 1 to 39 letters (passport, id_card ...)%s"), cut);
		return CD_EINPUT;
	}
	for (const char *p = v[COL_KIND]; *p; p++) {
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
			add_problem(imp, r->line, _("field kind: use letters, digits, '_' and '-' only%s"), cut);
			return CD_EINPUT;
		}
		kind[p - v[COL_KIND]] = ch;
		kind[p - v[COL_KIND] + 1] = '\0';
	}
	if (cd_date_parse(v[COL_REPORTED], "reported", 0, &d, &e)) {
		add_problem(imp, r->line, _("%s (give YYYY-MM-DD)%s"), e.msg, cut);
		return CD_EINPUT;
	}
	if (cd_date_to_days(d.year, d.month, d.day) > today) {
		add_problem(imp, r->line, _("field reported: a date in the future%s"), cut);
		return CD_EINPUT;
	}
	cd_date_format(&d, reported, 11);
	*source = default_source;
	if (cols[COL_SOURCE] >= 0 && v[COL_SOURCE][0]) {
		/* Strict UTF-8, no control character (model/base/text.h); stored in NFC by the caller. */
		if (text_check(csv_field(r, (size_t)cols[COL_SOURCE]), "field source", TEXT_LINE, &e)) {
			add_problem(imp, r->line, "%s%s", e.msg, cut);
			return CD_EINPUT;
		}
		*source = csv_field(r, (size_t)cols[COL_SOURCE]);
	}
	/* A last line that checks out but has no line end is what RFC 4180 allows. */
	return CD_OK;
}

/* Reads the header: which column is which.  CD_EINPUT after recording why not. */
static int read_header(struct cd_lostdocs_import *imp, const struct csv_record *r, int cols[COL_COUNT])
{
	for (int i = 0; i < COL_COUNT; i++)
		cols[i] = -1;
	for (size_t f = 0; f < r->n; f++) {
		char name[32];
		int which = -1;
		snprintf(name, sizeof name, "%s", csv_field(r, f));
		trim(name);
		for (char *p = name; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		for (int i = 0; i < COL_COUNT; i++)
			if (strcmp(name, col_names[i]) == 0)
				which = i;
		if (which < 0) {
			add_problem(imp, r->line, _("header: unknown column %zu; the columns are number, issuer, kind, "
						    "reported and optionally source"), f + 1);
			return CD_EINPUT;
		}
		if (cols[which] >= 0) {
			add_problem(imp, r->line, _("header: column %s appears twice"), col_names[which]);
			return CD_EINPUT;
		}
		cols[which] = (int)f;
	}
	for (int i = 0; i < COL_SOURCE; i++)
		if (cols[i] < 0) {
			add_problem(imp, r->line, _("header: no column %s; the first line must name the columns "
						    "number,issuer,kind,reported[,source]"), col_names[i]);
			return CD_EINPUT;
		}
	return CD_OK;
}

/*
 * The parsing half of an import, apart from the store so that it can be fuzzed
 * (tests/fuzz/fuzz_lostdocs.c): see lostdocs.h.
 */
int lostdocs_parse(const char *data, size_t len, const char *fname, const char *default_source, long today,
		   struct cd_lostdocs_import *out, lostdocs_entry_fn fn, void *ctx, struct cd_error *err)
{
	struct csv_record r = { .text = CD_BUF_INIT };
	struct csv c;
	int cols[COL_COUNT], rc = CD_OK, header = 0;

	c.p = data;
	c.end = data + len;
	c.line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;
	for (;;) {
		enum csv_status cs = csv_read(&c, &r);
		if (cs == CSV_EOF)
			break;
		if (cs == CSV_OPEN_QUOTE) {
			out->records++;
			out->bad++;
			add_problem(out, r.line, _("a quoted field opened on this line is not closed before the end of the "
						   "file (line %ld): the file was cut short, or a quote is missing; "
						   "nothing from here on is imported"), c.line);
			break;
		}
		if (cs == CSV_RECORD && r.n == 1 && !*csv_field(&r, 0))
			continue;   /* a blank line */
		if (!header) {
			if (cs != CSV_RECORD) {
				add_problem(out, r.line, _("header: not a CSV line"));
				rc = CD_EINPUT;
			} else {
				rc = read_header(out, &r, cols);
			}
			if (rc) {
				rc = cd_error_set(err, CD_EINPUT, _("%s: nothing imported: the first line must name the columns "
								    "number,issuer,kind,reported[,source]"), fname);
				goto out;
			}
			header = (int)r.n;
			continue;
		}
		out->records++;
		if (cs != CSV_RECORD) {
			out->bad++;
			add_problem(out, r.line, cs == CSV_BAD_QUOTE ? _("a quote inside a field that is not quoted, or text "
									 "after a closing quote")
					       : cs == CSV_NUL ? _("a NUL byte: not a text file")
							       : _("more than 16 fields"));
			continue;
		}
		if ((int)r.n != header) {
			out->bad++;
			add_problem(out, r.line, ngettext("%zu field, the header has %d%s", "%zu fields, the header has %d%s",
							  (unsigned long)r.n), r.n, header,
				    r.ended ? "" : _(" (the file ends here without a line end: it may have been cut short)"));
			continue;
		}
		struct cd_lostdocs_entry e = { .line = r.line };
		if (check_record(out, &r, cols, default_source, today, e.number, e.issuer, e.kind, e.reported, &e.source)) {
			out->bad++;
			continue;
		}
		rc = fn(ctx, &e, out, err);
		if (rc == CD_EINPUT) {
			out->bad++;
			rc = CD_OK;
		} else if (rc) {
			goto out;
		}
	}
	if (!header) {
		add_problem(out, 0, _("the file is empty"));
		rc = cd_error_set(err, CD_EINPUT, _("%s: nothing imported: the file is empty"), fname);
		goto out;
	}
	if (out->n_problems < (size_t)out->bad)
		rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
out:
	buf_release(&r.text);
	return rc;
}

/* What lostdocs_import hands lostdocs_parse for its good entries. */
struct import_ctx {
	struct cd_store *s;
	sqlite3_stmt *find, *put;
	int64_t import_id;
	const char *now;
};

/* Stores one good entry: added, or replacing one of an earlier import. */
static int import_entry(void *arg, const struct cd_lostdocs_entry *e, struct cd_lostdocs_import *out,
			struct cd_error *err)
{
	struct import_ctx *x = arg;
	char uuid[37], *src_nfc;
	int rc;

	sqlite3_reset(x->find);
	st_bind_text(x->find, 1, e->number);
	st_bind_text(x->find, 2, e->issuer);
	int seen = st_row(x->s, x->find, _("storing the lost/stolen list"), err);
	if (seen < 0)
		return CD_ESTORE;   /* not "a new entry" */
	if (seen && sqlite3_column_int64(x->find, 0) == x->import_id) {
		add_problem(out, e->line, _("the same number and issuer as an earlier line of this file; the earlier "
					    "line is kept"));
		return CD_EINPUT;
	}
	if (!(src_nfc = text_nfc_dup(e->source)))
		return cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	cd_uuid7(uuid);
	sqlite3_reset(x->put);
	st_bind_text(x->put, 1, uuid);
	st_bind_text(x->put, 2, e->number);
	st_bind_text(x->put, 3, e->issuer);
	st_bind_text(x->put, 4, e->kind);
	st_bind_text(x->put, 5, e->reported);
	st_bind_text(x->put, 6, src_nfc);
	st_bind_text(x->put, 7, x->now);
	sqlite3_bind_int64(x->put, 8, x->import_id);
	rc = sqlite3_step(x->put) != SQLITE_DONE ? st_fail(x->s, _("storing the lost/stolen list"), err) : CD_OK;
	free(src_nfc);
	if (rc)
		return rc;
	if (seen)
		out->replaced++;
	else
		out->added++;
	return CD_OK;
}

int lostdocs_import(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *source,
		    struct cd_lostdocs_import *out, struct cd_error *err)
{
	sqlite3_stmt *find = NULL, *put = NULL, *st = NULL;
	char *data = NULL, now[32], import_uuid[37], fname[256], counts[96];
	const char *default_source;
	size_t len = 0;
	int64_t import_id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!(actor->roles & (CD_ROLE_SUPERVISOR | CD_ROLE_ADMIN)))
		return cd_error_set(err, CD_EREFUSED, _("importing the lost/stolen list needs the role supervisor or admin"));
	if ((rc = countries_load(err)) || (rc = slurp(path, &data, &len, err)))
		return rc;
	file_name(path, fname, sizeof fname);
	default_source = source && *source ? source : fname;
	/* The source (--source, or the file's name) is stored with every entry: valid text only. */
	if ((rc = text_check(default_source, source && *source ? "--source" : "file name", TEXT_LINE, err)))
		goto out_free;

	if ((rc = store_begin(s, err)))
		goto out_free;
	store_now(s, now, sizeof now);
	cd_uuid7(import_uuid);
	if ((rc = st_prepare(s, "INSERT INTO lostdoc_import(uuid, at, user_name, file) VALUES (?1,?2,?3,?4)", &st, err)))
		goto out;
	st_bind_text(st, 1, import_uuid);
	st_bind_text(st, 2, now);
	st_bind_text(st, 3, actor->name);
	st_bind_text(st, 4, fname);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("recording the import"), err);
		goto out;
	}
	import_id = sqlite3_last_insert_rowid(s->db);
	st_finish(s, st);
	st = NULL;
	if ((rc = st_prepare(s, "SELECT import_id FROM lostdoc WHERE number = ?1 AND issuer = ?2", &find, err)) ||
	    (rc = st_prepare(s, "INSERT INTO lostdoc(uuid, number, issuer, kind, reported, source, imported_at, import_id)"
				" VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT (number, issuer) DO UPDATE SET"
				" kind = excluded.kind, reported = excluded.reported, source = excluded.source,"
				" imported_at = excluded.imported_at, import_id = excluded.import_id", &put, err)))
		goto out;
	{
		struct import_ctx x = { .s = s, .find = find, .put = put, .import_id = import_id, .now = now };
		if ((rc = lostdocs_parse(data, len, fname, default_source, store_today(s), out, import_entry, &x, err)))
			goto out;
	}
	if ((rc = st_prepare(s, "UPDATE lostdoc_import SET added = ?2, replaced = ?3, bad = ?4 WHERE id = ?1", &st, err)))
		goto out;
	sqlite3_bind_int64(st, 1, import_id);
	sqlite3_bind_int64(st, 2, out->added);
	sqlite3_bind_int64(st, 3, out->replaced);
	sqlite3_bind_int64(st, 4, out->bad);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = st_fail(s, _("recording the import"), err);
		goto out;
	}
	snprintf(counts, sizeof counts, "added %ld, replaced %ld, bad %ld", out->added, out->replaced, out->bad);
	{
		struct cd_event ev = { .kind = "lostdocs_imported", .field = "lostdoc", .new_value = counts, .note = fname };
		if ((rc = store_add_event(s, actor, &ev, err)) ||
		    (rc = store_add_audit(s, actor, "import", "lostdocs", import_uuid, "lost/stolen list", err)))
			goto out;
	}
	st_finish(s, st);
	st_finish(s, find);
	st_finish(s, put);
	st = find = put = NULL;
	rc = store_commit(s, err);
	goto out_free;
out:
	st_finish(s, st);
	st_finish(s, find);
	st_finish(s, put);
	store_rollback(s);
out_free:
	free(data);
	return rc;
}

/* ---- lookups --------------------------------------------------------------------------- */

void lostdocs_free(struct cd_lostdoc *docs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(docs[i].kind);
		free(docs[i].source);
		free(docs[i].imported_at);
	}
	free(docs);
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

int lostdocs_find(struct cd_store *s, const char *number, const char *issuer, struct cd_lostdoc **out,
		  size_t *n, struct cd_error *err)
{
	char norm[64];
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	document_number_normalise(number ? number : "", norm, sizeof norm);
	if ((rc = st_prepare(s, "SELECT uuid, number, issuer, kind, reported, source, imported_at FROM lostdoc"
				" WHERE number = ?1 AND (?2 IS NULL OR issuer = ?2) ORDER BY issuer", &st, err)))
		return rc;
	st_bind_text(st, 1, norm);
	st_bind_text(st, 2, issuer && *issuer ? issuer : NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cd_lostdoc *g = realloc(*out, (*n + 1) * sizeof *g), *d;
		if (!g) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto fail;
		}
		*out = g;
		d = &g[(*n)++];
		memset(d, 0, sizeof *d);
		copy_text(d->uuid, sizeof d->uuid, st, 0);
		copy_text(d->number, sizeof d->number, st, 1);
		copy_text(d->issuer, sizeof d->issuer, st, 2);
		copy_text(d->reported, sizeof d->reported, st, 4);
		if (!(d->kind = st_dup_column(st, 3)) || !(d->source = st_dup_column(st, 5)) ||
		    !(d->imported_at = st_dup_column(st, 6))) {
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = st_fail(s, _("reading the lost/stolen list"), err);
		goto fail;
	}
	st_finish(s, st);
	return CD_OK;
fail:
	st_finish(s, st);
	lostdocs_free(*out, *n);
	*out = NULL;
	*n = 0;
	return rc;
}

int lostdocs_stats(struct cd_store *s, struct cd_lostdocs_stats *out, struct cd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = st_prepare(s, "SELECT count(*), count(DISTINCT issuer) FROM lostdoc", &st, err)))
		return rc;
	if ((rc = st_row(s, st, _("reading the lost/stolen list"), err)) < 0) {
		st_finish(s, st);
		return CD_ESTORE;
	}
	if (rc) {
		out->entries = sqlite3_column_int64(st, 0);
		out->issuers = sqlite3_column_int64(st, 1);
	}
	rc = CD_OK;
	st_finish(s, st);
	if ((rc = st_prepare(s, "SELECT at, user_name, file, added, replaced, bad FROM lostdoc_import"
				" ORDER BY id DESC LIMIT 1", &st, err)))
		return rc;
	int step = st_row(s, st, _("reading the lost/stolen list"), err);
	if (step < 0)
		rc = CD_ESTORE;
	if (step > 0) {
		copy_text(out->last_at, sizeof out->last_at, st, 0);
		copy_text(out->last_user, sizeof out->last_user, st, 1);
		out->last_file = st_dup_column(st, 2);
		out->last_added = sqlite3_column_int64(st, 3);
		out->last_replaced = sqlite3_column_int64(st, 4);
		out->last_bad = sqlite3_column_int64(st, 5);
		if (!out->last_file)
			rc = cd_error_set(err, CD_EINTERNAL, _("out of memory"));
	}
	st_finish(s, st);
	return rc;
}

void lostdocs_stats_release(struct cd_lostdocs_stats *st)
{
	if (st) {
		free(st->last_file);
		st->last_file = NULL;
	}
}

/* ---- the gate ---------------------------------------------------------------------------- */

int lostdocs_gate(struct cd_store *s, const struct cd_actor *actor, int64_t pid, const char *number,
		  const char *issuer, int forced, struct cd_error *err)
{
	struct cd_lostdoc *hits = NULL;
	size_t n = 0;
	int rc;

	if ((rc = lostdocs_find(s, number, issuer, &hits, &n, err)))
		return rc;
	if (n == 0)
		return CD_OK;
	/* The hit is on record either way: the event and audit name the list entry, not the number. */
	if ((rc = store_begin(s, err)))
		goto out;
	struct cd_event ev = { .person_id = pid, .kind = forced ? "document_forced" : "document_refused",
			       .field = "lostdoc", .new_value = hits[0].uuid,
			       .note = forced ? "on the lost/stolen list; entered with --force" : "on the lost/stolen list" };
	if ((rc = store_add_event(s, actor, &ev, err)) ||
	    (rc = store_add_audit(s, actor, forced ? "override" : "refused", "lostdoc", hits[0].uuid, "registration", err))) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s, err)))
		goto out;
	if (!forced)
		rc = cd_error_set(err, CD_EREFUSED,
				  _("document %s of %s is on the lost/stolen list (reported %s, source %s); not added. "
				    "If the document in your hands was checked and is genuine, `document add --force` adds it "
				    "anyway (the override is recorded)"),
				  hits[0].number, hits[0].issuer, hits[0].reported, hits[0].source);
out:
	lostdocs_free(hits, n);
	return rc;
}
