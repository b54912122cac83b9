/*
 * cmd_audit_show.c - `casedesk audit show --person ID [--json]`: who read this person's
 * data, when and why, from the audit trail (model/store/access.h).  For supervisors and
 * admins, and audited itself.  Kept apart from `audit verify` (app/cmd_audit.c) so that
 * the two merge as two subcommands of one `audit` command.
 */
#include <stdio.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/access.h"
#include "app/cli.h"

static const char *text_of(const struct access_table *t, size_t row, const char *col, char *num, size_t size)
{
	const struct access_cell *cell = access_cell(t, row, col);
	if (!cell)
		return "";
	if (cell->is_num) {
		snprintf(num, size, "%lld", cell->num);
		return num;
	}
	return cell->text ? cell->text : "";
}

int cmd_audit_show(struct cli *c)
{
	static const char usage[] = "audit show --person ID [--json]";
	struct access_report *r = NULL;
	const struct access_table *t;
	const char *person;
	int rc;

	if (c->argc < 2 || strcmp(c->argv[1], "show") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	c->argv++;
	c->argc--;
	person = cli_take(c, "--person");
	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (!person)
		return cd_error_set(&c->err, CD_EUSAGE, _("--person is required; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = access_reads(c->store, &c->actor, person, c->purpose, &r, &c->err)))
		return rc;
	t = access_table_get(r, "reads");
	if (c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		access_json(r, &w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
	} else {
		printf(ngettext("%s: %zu read of this person's data\n", "%s: %zu reads of this person's data\n",
				(unsigned long)t->n_rows), r->person_number, t->n_rows);
		for (size_t i = 0; i < t->n_rows; i++) {
			char num[32];
			printf("%-24s ", text_of(t, i, "at", num, sizeof num));
			out_safe_pad(stdout, text_of(t, i, "user", num, sizeof num), 12);
			printf(" %-8s %-14s ", text_of(t, i, "action", num, sizeof num), text_of(t, i, "entity", num, sizeof num));
			out_safe_pad(stdout, text_of(t, i, "record", num, sizeof num), 22);
			fputc(' ', stdout);
			out_safe(stdout, text_of(t, i, "purpose", num, sizeof num));
			fputc('\n', stdout);
		}
	}
	access_report_free(r);
	return rc;
}
