/* cmd_lists.c - `lostdocs`: the offline lost and stolen documents list (import, check, stats). */
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/lostdocs.h"
#include "app/cli.h"

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
			/* The count of lines takes its plural; added, replaced and bad are said with a
			 * colon in the languages that need it. */
			printf(ngettext("imported %s: %ld line read, %ld added, %ld replaced, %ld bad\n",
					"imported %s: %ld lines read, %ld added, %ld replaced, %ld bad\n",
					(unsigned long)imp.records),
			       file, imp.records, imp.added, imp.replaced, imp.bad);
		}
		/* Good lines are in; the bad ones (listed above) make the exit code 6. */
		if (imp.bad) {
			/* One count a phrase: each takes its own plural. */
			char good[128];
			snprintf(good, sizeof good,
				 ngettext("the %ld good one was", "the %ld good ones were",
					  (unsigned long)(imp.added + imp.replaced)),
				 imp.added + imp.replaced);
			rc = cd_error_set(&c->err, CD_EINPUT,
					  ngettext("%ld bad line not imported (listed above); %s",
						   "%ld bad lines not imported (listed above); %s", (unsigned long)imp.bad),
					  imp.bad, good);
		}
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
		out_safef(stdout, _("listed: %s %s %s reported %s, source "), hits[i].number, hits[i].issuer, hits[i].kind,
			  hits[i].reported);
		out_safe(stdout, hits[i].source);
		out_safef(stdout, _(", imported %s\n"), hits[i].imported_at);
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
		/* One count a phrase: each takes its own plural. */
		char docs[96];
		snprintf(docs, sizeof docs, ngettext("%lld document", "%lld documents", (unsigned long)st.entries),
			 (long long)st.entries);
		out_safef(stdout, ngettext("lost/stolen list: %s of %lld issuer; last import %s by ",
					   "lost/stolen list: %s of %lld issuers; last import %s by ", (unsigned long)st.issuers),
			  docs, (long long)st.issuers, st.last_at);
		out_safe(stdout, st.last_user);
		fputs(_(" from "), stdout);
		out_safe(stdout, st.last_file);
		printf(_(" (%lld added, %lld replaced, %lld bad)\n"), (long long)st.last_added,
		       (long long)st.last_replaced, (long long)st.last_bad);
	} else {
		printf(ngettext("lost/stolen list: %lld document; never imported\n",
				"lost/stolen list: %lld documents; never imported\n", (unsigned long)st.entries),
		       (long long)st.entries);
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
