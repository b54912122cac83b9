/*
 * lostdocs.h - the list of lost and stolen documents, kept in the store so that every
 * document entered is checked offline (issue 5).
 *
 * The list comes as a CSV file (RFC 4180, a header naming the columns number, issuer, kind,
 * reported and optionally source).  An import adds or replaces entries (keyed by normalised
 * number and issuer, each keeping its source and the time of its import) and never deletes
 * one: a bad or cut file loses nothing already listed.  Good lines go in, in one transaction;
 * bad ones are reported as "FILE:LINE: field F: why" and the caller exits 6.
 *
 * document_add() calls lostdocs_gate() before it writes: a listed document is refused with
 * CD_EREFUSED, unless the caller forces it (the CLI's --force); either
 * way the hit becomes an event and an audit row.
 */
#ifndef CD_LOSTDOCS_H
#define CD_LOSTDOCS_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/buf.h"
#include "model/base/error.h"
#include "model/store/store.h"

struct cd_lostdoc {
	char uuid[37];
	char number[48];              /* normalised: A-Z and 0-9 */
	char issuer[4];
	char *kind;
	char reported[11];            /* YYYY-MM-DD */
	char *source;
	char *imported_at;
};

/* One bad line of an import; `line` is where its record starts (0: the file as a whole). */
struct cd_lostdocs_problem {
	long line;
	char *message;                /* "field issuer: ZZZ is not a country code"; never the number */
};

struct cd_lostdocs_import {
	long records;                 /* data records read (the header and blank lines not counted) */
	long added, replaced, bad;
	struct cd_lostdocs_problem *problems;
	size_t n_problems;
};

/*
 * Imports the CSV file at `path`.  `source` names the list for entries without a source
 * column (NULL: the file's name).  Needs the supervisor or admin role.  Returns CD_OK when
 * at least the file could be read and its header understood, even with bad lines (see
 * out->bad); CD_EINPUT when nothing could be imported (unreadable, empty, no or a bad
 * header), with out->problems saying why.  Release out with lostdocs_import_release.
 */
int lostdocs_import(struct cd_store *s, const struct cd_actor *actor, const char *path, const char *source,
		    struct cd_lostdocs_import *out, struct cd_error *err);
void lostdocs_import_release(struct cd_lostdocs_import *imp);

/* One entry of a list that checks out (lostdocs_parse hands it over; `source` points into
 * the file's text or is the default source, not yet in NFC). */
struct cd_lostdocs_entry {
	long line;
	char number[48], issuer[4], kind[40], reported[11];
	const char *source;
};
/* CD_OK: taken; CD_EINPUT: refused after adding a problem to `out` (counted bad); else stop. */
typedef int (*lostdocs_entry_fn)(void *ctx, const struct cd_lostdocs_entry *e, struct cd_lostdocs_import *out,
				 struct cd_error *err);
/*
 * The parsing half of lostdocs_import, with no store (so that it can be fuzzed): reads the
 * CSV list in data[0, len) (`fname` names it in messages), checks every record against
 * `today` (days, model/base/caldate.h) with countries loaded, counts and reports bad ones in
 * `out`, and hands each good entry to `fn`.  Returns what lostdocs_import does for the
 * file's text: CD_EINPUT for an empty file or a bad header; any other code `fn` stopped with.
 */
int lostdocs_parse(const char *data, size_t len, const char *fname, const char *default_source, long today,
		   struct cd_lostdocs_import *out, lostdocs_entry_fn fn, void *ctx, struct cd_error *err);

/*
 * The entries for a document number (normalised here), of one issuer or of any when
 * `issuer` is NULL.  *n = 0 when not listed.  Free with lostdocs_free.
 */
int lostdocs_find(struct cd_store *s, const char *number, const char *issuer, struct cd_lostdoc **out,
		  size_t *n, struct cd_error *err);
void lostdocs_free(struct cd_lostdoc *docs, size_t n);

struct cd_lostdocs_stats {
	int64_t entries, issuers;
	char last_at[32];             /* "" when never imported */
	char last_user[64];
	char *last_file;
	int64_t last_added, last_replaced, last_bad;
};
int lostdocs_stats(struct cd_store *s, struct cd_lostdocs_stats *out, struct cd_error *err);
void lostdocs_stats_release(struct cd_lostdocs_stats *st);

/*
 * The check document_add makes before writing (number already normalised, issuer checked).
 * Not listed: CD_OK.  Listed: a "document_refused" event and a "refused" audit row, then
 * CD_EREFUSED with a message naming the number, issuer, reported date and source (shown
 * to the person who typed the number, never logged); when forced, a "document_forced" event
 * and an "override" audit row, then CD_OK.  These rows are written in their own transaction,
 * or in the caller's when one is open (and are then undone with it).  `person_id` is the
 * person the document was for, 0 when unknown: the caller resolves it (the gate needs
 * no person lookup of its own).
 */
int lostdocs_gate(struct cd_store *s, const struct cd_actor *actor, int64_t person_id, const char *number,
		  const char *issuer, int force, struct cd_error *err);

#endif
