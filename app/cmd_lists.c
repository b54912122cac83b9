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
			buf_printf(&b, "{\"records\":%ld,\"added\":%ld,\"replaced\":%ld,\"bad\":%ld,\"problems\":[",
				   imp.records, imp.added, imp.replaced, imp.bad);
			for (size_t i = 0; i < imp.n_problems; i++) {
				buf_printf(&b, "%s{\"line\":%ld,\"message\":", i ? "," : "", imp.problems[i].line);
				buf_json_str(&b, imp.problems[i].message);
				buf_puts(&b, "}");
			}
			buf_puts(&b, "]}\n");
			fputs(buf_str(&b), stdout);
			buf_release(&b);
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
		buf_printf(&b, "{\"listed\":%s,\"entries\":[", n ? "true" : "false");
		for (size_t i = 0; i < n; i++) {
			buf_printf(&b, "%s{\"number\":\"%s\",\"issuer\":\"%s\",\"kind\":", i ? "," : "", hits[i].number,
				   hits[i].issuer);
			buf_json_str(&b, hits[i].kind);
			buf_printf(&b, ",\"reported\":\"%s\",\"source\":", hits[i].reported);
			buf_json_str(&b, hits[i].source);
			buf_puts(&b, ",\"imported_at\":");
			buf_json_str(&b, hits[i].imported_at);
			buf_puts(&b, "}");
		}
		buf_puts(&b, "]}\n");
		fputs(buf_str(&b), stdout);
		buf_release(&b);
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
		printf("{\"entries\":%lld,\"issuers\":%lld,\"last_import\":", (long long)st.entries, (long long)st.issuers);
		if (st.last_at[0]) {
			struct cd_buf b = CD_BUF_INIT;
			buf_printf(&b, "{\"at\":\"%s\",\"user\":", st.last_at);
			buf_json_str(&b, st.last_user);
			buf_puts(&b, ",\"file\":");
			buf_json_str(&b, st.last_file);
			buf_printf(&b, ",\"added\":%lld,\"replaced\":%lld,\"bad\":%lld}", (long long)st.last_added,
				   (long long)st.last_replaced, (long long)st.last_bad);
			fputs(buf_str(&b), stdout);
			buf_release(&b);
		} else {
			fputs("null", stdout);
		}
		fputs("}\n", stdout);
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
	return CD_OK;
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

static void print_summary(struct cli *c, const char *what, const struct cd_merge_summary *m)
{
	if (c->json) {
		printf("{\"%s\":true,\"survivor\":\"%s\",\"duplicate\":\"%s\",\"cases\":%ld,\"documents\":%ld,"
		       "\"aliases\":%ld,\"family\":%ld,\"biometrics\":%ld,\"other\":%ld}\n",
		       what, m->survivor, m->duplicate, m->cases, m->documents, m->aliases, m->family, m->biometrics,
		       m->other);
		return;
	}
	printf(strcmp(what, "merged") == 0 ? _("merged %s into %s: ") : _("unmerged %s from %s: "), m->duplicate,
	       m->survivor);
	printf(_("%ld case(s), %ld document(s), %ld alias(es), %ld family link(s), %ld biometric(s), %ld other row(s)\n"),
	       m->cases, m->documents, m->aliases, m->family, m->biometrics, m->other);
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
		print_summary(c, "merged", &m);
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
		print_summary(c, "unmerged", &m);
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
