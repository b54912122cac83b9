/*
 * cmd_kit.c - `kit new | topup | return | status`: field kits and the blocks of numbers
 * they are leased (model/store/kit.h), and the warning a kit gives when its numbers run low.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/base/number.h"
#include "model/national/national.h"
#include "model/store/kit.h"
#include "model/store/kit_range.h"
#include "model/store/nationaldb.h"
#include "app/cli.h"
#include "app/sync_blocks.h"
#include "workflow/casework.h"
#include "workflow/workflow.h"

static void shift(struct cli *c)
{
	c->argv++;
	c->argc--;
}

static int print_blocks(struct cli *c, const char *title, const struct kit_blocks *b, const char *escrow)
{
	const char *office = store_office(c->store);
	if (c->json) {
		struct cd_buf buf = CD_BUF_INIT;
		struct json_writer w;
		int rc;
		json_init(&w, &buf);
		json_object(&w);
		if (escrow)
			json_kv_string(&w, "escrow", escrow);
		json_key(&w, "blocks");
		json_array(&w);
		for (size_t i = 0; i < b->n; i++) {
			char lo[48], hi[48];
			kit_number_text(office, b->v[i].series, b->v[i].year, b->v[i].first, lo, sizeof lo);
			kit_number_text(office, b->v[i].series, b->v[i].year, b->v[i].last, hi, sizeof hi);
			json_object(&w);
			json_kv_string(&w, "kit", b->v[i].kit_name);
			json_kv_string(&w, "series", b->v[i].series);
			json_kv_int(&w, "year", b->v[i].year);
			json_kv_int(&w, "first", b->v[i].first);
			json_kv_int(&w, "last", b->v[i].last);
			json_kv_string(&w, "from", lo);
			json_kv_string(&w, "to", hi);
			if (b->v[i].returned)
				json_kv_int(&w, "returned", b->v[i].returned);
			json_kv_int(&w, "left", b->v[i].left);
			json_kv_int(&w, "total", b->v[i].total);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		rc = cli_json_print(c, &w);
		buf_release(&buf);
		if (!rc)
			c->json_written = 1;
		return rc;
	}
	if (title)
		printf("%s\n", title);
	for (size_t i = 0; i < b->n; i++) {
		char lo[48], hi[48], ret[48];
		kit_number_text(office, b->v[i].series, b->v[i].year, b->v[i].first, lo, sizeof lo);
		kit_number_text(office, b->v[i].series, b->v[i].year, b->v[i].last, hi, sizeof hi);
		out_safef(stdout, "  %-6s %s..%s", b->v[i].kit_name, lo, hi);
		if (b->v[i].returned) {
			kit_number_text(office, b->v[i].series, b->v[i].year, b->v[i].returned, ret, sizeof ret);
			printf(_("  returned from %s"), ret);
		}
		if (b->v[i].total)
			printf(_("  (%lld of %lld left)"), (long long)b->v[i].left, (long long)b->v[i].total);
		fputc('\n', stdout);
	}
	return CD_OK;
}

/* --block N and --year YYYY into o. */
static int take_lease(struct cli *c, struct kit_lease_opts *o, const char *usage)
{
	const char *block = cli_take(c, "--block"), *year = cli_take(c, "--year");
	long v;
	int rc;
	if (c->err.code)
		return c->err.code;
	if (!block)
		return cd_error_set(&c->err, CD_EUSAGE, _("--block N is needed: how many numbers of each series; usage: "
							"casedesk %s"), usage);
	if ((rc = cd_parse_long(block, "--block", 1, 1000000, &v, &c->err)))
		return rc;
	o->block = v;
	if (year) {
		if ((rc = cd_parse_long(year, "--year", 1000, 9999, &v, &c->err)))
			return rc;
		o->year = (int)v;
	}
	return CD_OK;
}

/*
 * The national tier kit new and topup lease from: --national CONNINFO, else the store's own
 * national database (`national use`); *n stays NULL when neither names one, and the office
 * store leases from its own numbers as an office without a tier does.
 */
static int tier_open(struct cli *c, const char *national, struct kit_lease_opts *o, struct cd_national **n)
{
	char *from_store = NULL;
	int rc;
	*n = NULL;
	if (!national) {
		if ((rc = store_national_db(c->store, &from_store, &c->err)) || !from_store)
			return rc;
		national = from_store;
	}
	if (!(rc = cli_national_open(c, national, n)) && !(rc = national_require_current(*n, &c->err))) {
		o->lease = sync_blocks_lease;
		o->lease_ctx = *n;
		/* The kit syncs with the tier it was leased from: the string is kept past this call. */
		if (!(o->national_db = strdup(national)))
			rc = cd_error_set(&c->err, CD_EINTERNAL, _("out of memory"));
	}
	free(from_store);
	return rc;
}

static int kit_new_cmd(struct cli *c)
{
	static const char usage[] = "kit new FILE --office CODE --block N [--name K07] [--year YYYY] [--national CONNINFO]";
	struct kit_lease_opts o = { 0 };
	struct kit_blocks b = { 0 };
	struct cd_national *n = NULL;
	const char **prefixes = NULL;
	const char *national = cli_take(c, "--national");
	char escrow[4200] = "";
	int rc;

	o.office = cli_take(c, "--office");
	o.name = cli_take(c, "--name");
	if ((rc = take_lease(c, &o, usage)) || (rc = cli_positional(c, 1, 1, usage)))
		return rc;
	if (!o.office)
		return cd_error_set(&c->err, CD_EUSAGE, _("--office CODE is needed: the office leasing the numbers; "
							"usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = sync_blocks_prefixes(c, &prefixes, &o.n_case_prefixes)) ||
	    (rc = tier_open(c, national, &o, &n)))
		goto out;
	o.case_prefixes = prefixes;
	if ((rc = kit_make(c->store, &c->actor, c->argv[1], &o, &b, escrow, sizeof escrow, &c->err)))
		goto out;
	if (!c->json) {
		char title[512];
		snprintf(title, sizeof title, _("created field kit %s (%s) from office %s with these numbers:"),
			 c->argv[1], b.n ? b.v[0].kit_name : "", store_office(c->store));
		out_safe(stdout, title);
		fputc('\n', stdout);
	}
	if ((rc = print_blocks(c, NULL, &b, escrow)))
		goto out;
	if (!c->json) {
		cli_escrow_notice(escrow);
		if (!store_is_training(c->store))
			printf(_("On the kit, where several officers share one OS account, turn on its passphrase door: "
				 "an admin sets a passphrase (`casedesk --store %s user passphrase NAME`) and runs "
				 "`casedesk --store %s store set-kit`.\n"), c->argv[1], c->argv[1]);
		printf("%s", _("Take more numbers before these run out or the year turns: `casedesk kit topup --kit "
			       "FILE --block N [--year YYYY]` here; unused ones go back with `casedesk kit return` on "
			       "the kit.\n"));
		if (n)
			printf(_("leased from the national tier (%s); the kit takes more at each sync\n"), national_where(n));
	}
out:
	national_close(n);
	free((char *)o.national_db);
	free(prefixes);
	kit_blocks_release(&b);
	return rc;
}

static int kit_topup_cmd(struct cli *c)
{
	static const char usage[] = "kit topup --kit KITFILE --block N [--year YYYY] [--national CONNINFO]";
	struct kit_lease_opts o = { 0 };
	struct kit_blocks b = { 0 };
	struct cd_national *n = NULL;
	const char **prefixes = NULL;
	const char *kit = cli_take(c, "--kit"), *national = cli_take(c, "--national");
	int rc;

	o.office = cli_take(c, "--office");
	if ((rc = take_lease(c, &o, usage)) || (rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (!kit)
		return cd_error_set(&c->err, CD_EUSAGE, _("--kit KITFILE is needed; usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) || (rc = sync_blocks_prefixes(c, &prefixes, &o.n_case_prefixes)) ||
	    (rc = tier_open(c, national, &o, &n)))
		goto out;
	if (!o.office)
		o.office = store_office(c->store);
	o.case_prefixes = prefixes;
	if ((rc = kit_topup(c->store, &c->actor, kit, &o, &b, &c->err)))
		goto out;
	rc = print_blocks(c, _("leased to the kit:"), &b, NULL);
out:
	national_close(n);
	free((char *)o.national_db);
	free(prefixes);
	kit_blocks_release(&b);
	return rc;
}

static int kit_return_cmd(struct cli *c)
{
	static const char usage[] = "kit return [--office-store OFFICEFILE]";
	struct kit_blocks b = { 0 };
	const char *office = cli_take(c, "--office-store");
	int rc;

	if ((rc = cli_positional(c, 0, 0, usage)) || (rc = cli_open_acting(c)))
		return rc;
	if ((rc = kit_return(c->store, &c->actor, office, &b, &c->err)))
		goto out;
	if (!c->json && !b.n)
		printf("%s", _("no unused numbers to return\n"));
	else
		rc = print_blocks(c, _("returned unused, void and never issued again:"), &b, NULL);
	if (!rc && !c->json && office)
		printf(_("the office store %s marks them returned\n"), office);
out:
	kit_blocks_release(&b);
	return rc;
}

static int kit_status_cmd(struct cli *c)
{
	struct kit_blocks b = { 0 };
	int rc;
	if ((rc = cli_positional(c, 0, 0, "kit status")) || (rc = cli_open_acting(c)))
		return rc;
	if (!(rc = kit_status(c->store, &b, &c->err))) {
		if (!c->json && !b.n)
			printf("%s", _("no blocks of numbers leased\n"));
		else
			rc = print_blocks(c, NULL, &b, NULL);
	}
	kit_blocks_release(&b);
	return rc;
}

int cmd_kit(struct cli *c)
{
	static const char usage[] = "kit new FILE --office CODE --block N [--name K07] [--year YYYY] [--national CONNINFO] | "
				    "kit topup --kit KITFILE --block N [--year YYYY] [--national CONNINFO] | "
				    "kit return [--office-store OFFICEFILE] | kit status";
	if (c->argc >= 2 && strcmp(c->argv[1], "new") == 0) {
		shift(c);
		return kit_new_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "topup") == 0) {
		shift(c);
		return kit_topup_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "return") == 0) {
		shift(c);
		return kit_return_cmd(c);
	}
	if (c->argc >= 2 && strcmp(c->argv[1], "status") == 0) {
		shift(c);
		return kit_status_cmd(c);
	}
	return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
}

void cli_kit_warn(struct cli *c)
{
	struct cd_error err = CD_ERROR_INIT;
	char series[32], form[48];
	int64_t left, total;
	int low = 0, year = 0, missing = 0;
	if (!c->store)
		return;
	if (kit_next_year_missing(c->store, &missing, series, sizeof series, &year, &err) == CD_OK && missing) {
		kit_number_text(store_office(c->store), series, year, -1, form, sizeof form);
		fputs("casedesk: ", stderr);
		fprintf(stderr, _("warning: this field kit holds no numbers %s yet; take them before the year "
				  "turns: `casedesk kit topup --kit KITFILE --block N --year %d` on the office store\n"),
			form, year);
	}
	if (kit_block_low(c->store, &low, series, sizeof series, &year, &left, &total, &err) || !low)
		return;
	/* The kit warns while it can still take more: a fifth of its numbers or fewer are left. */
	kit_number_text(store_office(c->store), series, year, -1, form, sizeof form);
	fputs("casedesk: ", stderr);
	fprintf(stderr, _("warning: this field kit has %lld of %lld numbers %s left; the office leases more "
			  "with `casedesk kit topup --kit KITFILE --block N`, or sync\n"),
		(long long)left, (long long)total, form);
}
