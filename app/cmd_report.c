/*
 * cmd_report.c - `report NAME --from D --to D --format xlsx|csv|sdmx-csv -o FILE`: the
 * statistics of print/reports.c over a period, for Eurostat (sdmx-csv, with --geo and
 * --round 5 for publication) and for the office itself.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model/base/buf.h"
#include "model/base/caldate.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/outfile.h"
#include "print/report.h"
#include "app/cli.h"

#define REPORT_USAGE                                                                            \
	"report NAME --from YYYY-MM-DD --to YYYY-MM-DD --format xlsx|csv|sdmx-csv -o FILE [--force]\n" \
	"       [--geo CC] [--round 5]   (sdmx-csv: the reporting country, Eurostat's rounding)"

static int unknown_report(struct cli *c, const char *name)
{
	struct cd_buf b = CD_BUF_INIT;
	for (size_t i = 0; i < n_report_defs; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", report_defs[i].name);
	int rc = cd_error_set(&c->err, CD_EUSAGE, _("unknown report '%s'; the reports are: %s (`casedesk report --help` says what each counts)"),
			      name, buf_str(&b));
	buf_release(&b);
	return rc;
}

int cmd_report(struct cli *c)
{
	const char *from = cli_take(c, "--from");
	const char *to = cli_take(c, "--to");
	const char *format = cli_take(c, "--format");
	const char *out = cli_take(c, "-o");
	const char *geo = cli_take(c, "--geo");
	const char *round_s = cli_take(c, "--round");
	int round = 1;
	unsigned out_flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;
	long d_from, d_to;
	int rc;

	if (!out && !c->err.code)
		out = cli_take(c, "--output");
	if (cli_flag(c, "--help")) {
		printf("usage: casedesk %s\n\n", REPORT_USAGE);
		for (size_t i = 0; i < n_report_defs; i++)
			printf("  %-18s %s\n", report_defs[i].name, _(report_defs[i].summary));
		return CD_OK;
	}
	if ((rc = cli_positional(c, 1, 1, REPORT_USAGE)))
		return rc;
	const struct report_def *def = report_find(c->argv[1]);
	if (!def)
		return unknown_report(c, c->argv[1]);
	if (!format)
		format = out && strlen(out) > 4 && strcmp(out + strlen(out) - 4, ".csv") == 0 ? "csv" : "xlsx";
	if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 && strcmp(format, "sdmx-csv") != 0)
		return cd_error_set(&c->err, CD_EUSAGE, _("--format is xlsx, csv or sdmx-csv"));
	int sdmx = strcmp(format, "sdmx-csv") == 0;
	if (round_s) {
		/* Eurostat publishes asylum figures rounded to 5; 1 is "as counted". */
		if (!sdmx)
			return cd_error_set(&c->err, CD_EUSAGE, _("--round goes with --format sdmx-csv"));
		if (strcmp(round_s, "5") != 0 && strcmp(round_s, "1") != 0)
			return cd_error_set(&c->err, CD_EUSAGE, _("--round is 5 (as Eurostat publishes) or 1 (as counted)"));
		round = round_s[0] - '0';
	}
	if (sdmx && strcmp(def->reads, "*") == 0)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("report %s has no Eurostat dataflow: give --format xlsx or csv"), def->name);
	if (sdmx && !geo)
		return cd_error_set(&c->err, CD_EUSAGE,
				    _("sdmx-csv: give --geo CC, the reporting country as Eurostat writes it (DE, EL, ...)"));
	if (geo && !eurostat_geo_ok(geo))
		return cd_error_set(&c->err, CD_EINPUT,
				    _("--geo %s is no country reporting to Eurostat: give an EU, EEA or Swiss code "
				      "as Eurostat writes it (EL for Greece)"),
				    geo);
	if (!out)
		return cd_error_set(&c->err, CD_EUSAGE, _("report: give the file to write with -o FILE"));
	if (!from || !*from || !to || !*to)
		return cd_error_set(&c->err, CD_EINPUT,
				    _("the period is empty: give both --from YYYY-MM-DD and --to YYYY-MM-DD"));
	if ((rc = cd_days_parse(from, "--from", &d_from, &c->err)) || (rc = cd_days_parse(to, "--to", &d_to, &c->err)))
		return rc;
	if (d_from > d_to)
		return cd_error_set(&c->err, CD_EINPUT,
				    _("the period is reversed: --from %s is after --to %s; swap them"), from, to);
	/* Said before the store is read; the file is created (O_EXCL) only when written. */
	if (strcmp(out, "-") != 0 && (rc = outfile_check(out, out_flags, &c->err)))
		return rc;
	if ((rc = cli_open_acting(c)) || (rc = report_may(def, &c->actor, &c->err)) || (rc = cli_load_workflows(c)))
		return rc;
	struct report_params p = {
		.from = from, .to = to, .today = store_today(c->store), .progress = isatty(STDERR_FILENO),
		.is_decision = report_is_decision, .ctx = c->reg, .geo = geo,
	};
	rc = report_export(c->store, def, &p, format, round, out, out_flags, &c->err);
	/* To "-" the report itself is the output: nothing may follow it. */
	if (rc == CD_OK && strcmp(out, "-") != 0 && c->json) {
		struct cd_buf b = CD_BUF_INIT;
		struct json_writer w;
		json_init(&w, &b);
		json_object(&w);
		json_kv_string(&w, "file", out);
		json_kv_string(&w, "report", def->name);
		json_kv_string(&w, "from", from);
		json_kv_string(&w, "to", to);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&b);
	} else if (rc == CD_OK && strcmp(out, "-") != 0) {
		/* The path is the user's words: shown, never executed by the terminal (out_safe). */
		char said[4400];
		snprintf(said, sizeof said, _("%s: %s, %s to %s\n"), out, def->name, from, to);
		out_safe_lines(stdout, said);
	}
	return rc;
}
