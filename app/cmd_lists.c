/*
 * cmd_lists.c - `lostdocs` (the offline lost and stolen documents list: import, check,
 * stats), and `person merge` / `person unmerge`.  The person word is a wrapper: it takes
 * what is its own and hands everything else to cmd_person (app/cmd_person.c).
 */
#include <stdlib.h>
#include <string.h>

#include "model/store/biometric.h"
#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/lostdocs.h"
#include "model/store/merge.h"
#include "model/store/roles.h"
#include "app/cli.h"

/* Not in cli.h yet: declared here so the compiler checks them against their use. */
int cmd_lostdocs(struct cli *c);
int cmd_person_lists(struct cli *c);

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

/* ---- lostdocs import --------------------------------------------------------------------- */

static int lostdocs_import_cmd(struct cli *c)
{
	static const char usage[] = "lostdocs import FILE.csv [--source NAME]";
	struct cd_lostdocs_import imp;
	const char *source = cli_take(c, "--source");
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	const char *file = c->argv[1];
	rc = lostdocs_import(c->store, &c->actor, file, source, &imp, &c->err);
	/* Bad lines go to stderr as FILE:LINE: why, each on its own line, in file order. */
	for (size_t i = 0; i < imp.n_problems; i++) {
		out_safe(stderr, file);
		if (imp.problems[i].line)
			fprintf(stderr, ":%ld", imp.problems[i].line);
		fputs(": ", stderr);
		out_safe(stderr, imp.problems[i].message);
		fputc('\n', stderr);
	}
	if (rc == CD_OK) {
		if (c->json) {
			struct cd_buf b = CD_BUF_INIT;
			struct json_writer w;
			json_init(&w, &b);
			json_object(&w);
			json_kv_int(&w, "records", imp.records);
			json_kv_int(&w, "added", imp.added);
			json_kv_int(&w, "replaced", imp.replaced);
			json_kv_int(&w, "bad", imp.bad);
			json_key(&w, "problems");
			json_array(&w);
			for (size_t i = 0; i < imp.n_problems; i++) {
				json_object(&w);
				json_kv_int(&w, "line", imp.problems[i].line);
				json_kv_string(&w, "message", imp.problems[i].message);
				json_object_end(&w);
			}
			json_array_end(&w);
			json_object_end(&w);
			rc = cli_json_print(c, &w);
			buf_release(&b);
			if (rc) {
				lostdocs_import_release(&imp);
				return rc;
			}
			c->json_written = 1;
		} else {
			printf(_("imported %s: %ld lines read, %ld added, %ld replaced, %ld bad\n"), file, imp.records,
			       imp.added, imp.replaced, imp.bad);
		}
		/* Good lines are in; the bad ones (listed above) make the exit code 6. */
		if (imp.bad)
			rc = cd_error_set(&c->err, CD_EINPUT,
					  _("%ld bad line(s) not imported (listed above); the %ld good ones were"),
					  imp.bad, imp.added + imp.replaced);
	}
	lostdocs_import_release(&imp);
	return rc;
}

/* ---- lostdocs check / stats ------------------------------------------------------------ */

static int lostdocs_check_cmd(struct cli *c)
{
	static const char usage[] = "lostdocs check NUMBER [--issuer AAA]";
	const char *issuer = cli_take(c, "--issuer");
	struct cd_lostdoc *hits = NULL;
	size_t n = 0;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)) ||
	    (rc = lostdocs_find(c->store, c->argv[1], issuer, &hits, &n, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_bool(&w, "listed", n > 0);
		json_key(&w, "entries");
		json_array(&w);
		for (size_t i = 0; i < n; i++) {
			json_object(&w);
			json_kv_string(&w, "number", hits[i].number);
			json_kv_string(&w, "issuer", hits[i].issuer);
			json_kv_string(&w, "kind", hits[i].kind);
			json_kv_string(&w, "reported", hits[i].reported);
			json_kv_string(&w, "source", hits[i].source);
			json_kv_string(&w, "imported_at", hits[i].imported_at);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
		if (rc) {
			lostdocs_free(hits, n);
			return rc;
		}
		c->json_written = 1;
	} else if (n == 0) {
		printf("%s\n", _("not listed"));
	}
	for (size_t i = 0; i < n && !c->json; i++) {
		printf(_("listed: %s %s %s reported %s, source "), hits[i].number, hits[i].issuer, hits[i].kind,
		       hits[i].reported);
		out_safe(stdout, hits[i].source);
		printf(_(", imported %s\n"), hits[i].imported_at);
	}
	lostdocs_free(hits, n);
	if (n == 0)
		return cd_error_set(&c->err, CD_EREFUSED, _("not on the lost/stolen list"));
	return CD_OK;
}

static int lostdocs_stats_cmd(struct cli *c)
{
	struct cd_lostdocs_stats st;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "lostdocs stats")) || (rc = cli_open_acting(c)) ||
	    (rc = lostdocs_stats(c->store, &st, &c->err)))
		return rc;
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_int(&w, "entries", st.entries);
		json_kv_int(&w, "issuers", st.issuers);
		json_key(&w, "last_import");
		if (st.last_at[0]) {
			json_object(&w);
			json_kv_string(&w, "at", st.last_at);
			json_kv_string(&w, "user", st.last_user);
			json_kv_string(&w, "file", st.last_file);
			json_kv_int(&w, "added", st.last_added);
			json_kv_int(&w, "replaced", st.last_replaced);
			json_kv_int(&w, "bad", st.last_bad);
			json_object_end(&w);
		} else {
			json_null(&w);
		}
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
	} else if (st.last_at[0]) {
		printf(_("lost/stolen list: %lld documents of %lld issuers; last import %s by "), (long long)st.entries,
		       (long long)st.issuers, st.last_at);
		out_safe(stdout, st.last_user);
		fputs(_(" from "), stdout);
		out_safe(stdout, st.last_file);
		printf(_(" (%lld added, %lld replaced, %lld bad)\n"), (long long)st.last_added,
		       (long long)st.last_replaced, (long long)st.last_bad);
	} else {
		printf(_("lost/stolen list: %lld documents; never imported\n"), (long long)st.entries);
	}
	lostdocs_stats_release(&st);
	return rc;
}

int cmd_lostdocs(struct cli *c)
{
	static const char usage[] = "lostdocs import FILE.csv [--source NAME] | lostdocs check NUMBER [--issuer AAA] | "
				    "lostdocs stats";
	if (c->argc >= 2 && strcmp(c->argv[1], "import") == 0) {
		shift(c);
		return lostdocs_import_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "check") == 0) {
		shift(c);
		return lostdocs_check_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "stats") == 0) {
		shift(c);
		return lostdocs_stats_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
}

/* ---- person merge / unmerge, and following a merged number -------------------------------- */

static int print_summary(struct cli *c, const char *what, const struct cd_merge_summary *m)
{
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_bool(&w, what, 1);
		json_kv_string(&w, "survivor", m->survivor);
		json_kv_string(&w, "duplicate", m->duplicate);
		json_kv_int(&w, "cases", m->cases);
		json_kv_int(&w, "documents", m->documents);
		json_kv_int(&w, "aliases", m->aliases);
		json_kv_int(&w, "family", m->family);
		json_kv_int(&w, "biometrics", m->biometrics);
		json_kv_int(&w, "other", m->other);
		json_object_end(&w);
		int rc = cli_json_print(c, &w);
		buf_release(&b);
		return rc;
	}
	printf(strcmp(what, "merged") == 0 ? _("merged %s into %s: ") : _("unmerged %s from %s: "), m->duplicate,
	       m->survivor);
	printf(_("%ld case(s), %ld document(s), %ld alias(es), %ld family link(s), %ld biometric(s), %ld other row(s)\n"),
	       m->cases, m->documents, m->aliases, m->family, m->biometrics, m->other);
	return CD_OK;
}

/* The biometric key when there is one: only records with sealed templates need it, and
 * model/merge.c says so when they do. */
static const struct bio_key *maybe_key(struct bio_key *key)
{
	struct cd_error ignore = CD_ERROR_INIT;
	return bio_key_load(key, &ignore) == CD_OK ? key : NULL;
}

static int person_merge_cmd(struct cli *c)
{
	static const char usage[] = "person merge SURVIVOR DUPLICATE --reason TEXT";
	const char *reason = cli_take(c, "--reason");
	struct cd_merge_summary m;
	struct bio_key key;
	const struct bio_key *k;
	int rc;

	if ((rc = cli_positional(c, 2, 2, usage)))
		return rc;
	if (!reason)
		return cd_error_set(&c->err, CD_EUSAGE, _("--reason is required; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)))
		return rc;
	k = maybe_key(&key);
	rc = merge_person(c->store, &c->actor, k, c->argv[1], c->argv[2], reason, &m, &c->err);
	if (k)
		bio_key_wipe(&key);
	if (rc == CD_OK)
		rc = print_summary(c, "merged", &m);
	return rc;
}

static int person_unmerge_cmd(struct cli *c)
{
	static const char usage[] = "person unmerge DUPLICATE [--reason TEXT]";
	const char *reason = cli_take(c, "--reason");
	struct cd_merge_summary m;
	struct bio_key key;
	const struct bio_key *k;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)))
		return rc;
	k = maybe_key(&key);
	rc = merge_undo(c->store, &c->actor, k, c->argv[1], reason, &m, &c->err);
	if (k)
		bio_key_wipe(&key);
	if (rc == CD_OK)
		rc = print_summary(c, "unmerged", &m);
	return rc;
}

int cmd_person_lists(struct cli *c)
{
	if (c->argc >= 2 && strcmp(c->argv[1], "merge") == 0) {
		shift(c);
		return person_merge_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "unmerge") == 0) {
		shift(c);
		return person_unmerge_cmd(c);
	}
	/* `person show` of a merged record shows its survivor, with a note saying so. */
	if (c->argc == 3 && strcmp(c->argv[1], "show") == 0 && strncmp(c->argv[2], "--", 2) != 0) {
		static char survivor[32];
		char at[32];
		int rc, merged;
		if ((rc = cli_open_acting(c)))
			return rc;
		merged = merge_follow(c->store, c->argv[2], survivor, at, &c->err);
		if (merged < 0)
			return c->err.code;
		if (merged) {
			fprintf(stderr, _("note: %s was merged into %s on %.10s; showing %s\n"), c->argv[2], survivor, at,
				survivor);
			c->argv[2] = survivor;
		}
	}
	return cmd_person(c);
}
