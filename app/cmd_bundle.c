/*
 * cmd_bundle.c - `bundle key | trust | export | import | ack`: the op log carried by hand
 * where there is no link (model/store/bundle.h).  The sending store exports what the other
 * side has not acknowledged, the receiving store imports it and writes an acknowledgement,
 * the sending store reads that back.  Admins only: a bundle carries personal data.
 */
#include <stdio.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/base/outfile.h"
#include "model/store/bundle.h"
#include "model/store/oplog.h"
#include "app/cli.h"

static int bundle_key(struct cli *c)
{
	char pub[BUNDLE_KEY_B64], fpr[BUNDLE_FPR];
	int rc;

	if ((rc = cli_positional(c, 0, 0, "bundle key")) || (rc = cli_open_acting(c)) ||
	    (rc = bundle_key_public(c->store, &c->actor, pub, fpr, &c->err)))
		return rc;
	printf(_("origin      %s\n"), oplog_origin(c->store));
	printf(_("office      %s\n"), store_office(c->store));
	printf(_("key         %s\n"), pub);
	printf(_("fingerprint %s\n"), fpr);
	printf(_("On the other store an admin runs (and compares the fingerprint by telephone):\n"
		 "  casedesk bundle trust --origin %s --office %s --key %s\n"),
	       oplog_origin(c->store), store_office(c->store), pub);
	return CD_OK;
}

static int bundle_trust_cmd(struct cli *c)
{
	static const char usage[] = "bundle trust --origin UUID --office CODE --key KEY";
	const char *origin = cli_take(c, "--origin"), *office = cli_take(c, "--office"), *key = cli_take(c, "--key");
	char fpr[BUNDLE_FPR];
	int rc;

	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (!origin || !office || !key)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	if ((rc = bundle_fingerprint(key, fpr, &c->err)) || (rc = cli_open_acting(c)) ||
	    (rc = bundle_trust(c->store, &c->actor, origin, office, key, &c->err)))
		return rc;
	printf(_("origin %s (office %s) trusted, key fingerprint %s\n"), origin, office, fpr);
	return CD_OK;
}

static int bundle_export_cmd(struct cli *c)
{
	static const char usage[] = "bundle export -o FILE [--for ORIGIN] [--force]";
	const char *out = cli_take(c, "-o"), *for_origin = cli_take(c, "--for");
	unsigned flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;
	struct bundle_export_result res;
	int rc;

	if ((rc = cli_positional(c, 0, 0, usage)))
		return rc;
	if (!out)
		return cd_error_set(&c->err, CD_EUSAGE, _("usage: casedesk %s"), usage);
	if ((rc = cli_open_acting(c)) ||
	    (rc = bundle_export_for(c->store, &c->actor, out, for_origin, flags, &res, &c->err)))
		return rc;
	if (!res.count && !res.carried) {
		printf("%s\n", _("no op waiting for an acknowledgement: no bundle written"));
		return CD_OK;
	}
	out_safef(stdout, _("%s: ops %lld to %lld (%lld) of origin %s, office %s\n"), out, (long long)res.first,
		  (long long)res.last, (long long)res.count, oplog_origin(c->store), store_office(c->store));
	if (res.carried)
		printf(_("  and %lld ops of other stores held here, that the receiver may not have\n"),
		       (long long)res.carried);
	if (res.scope[0])
		printf(_("  cut to the receiver's scope (office %s): persons of every office, cases of %s only\n"),
		       res.scope, res.scope);
	if (res.own_other_office)
		printf(_("  %lld of this store's own ops are on cases of other offices than %s: they go without "
			 "their content (the national tier gets them from this store's own sync)\n"),
		       (long long)res.own_other_office, res.scope);
	if (!res.scope[0] && res.unfiltered)
		out_safef(stdout,
			  _("  not cut to a receiver's scope (no --for ORIGIN): %lld of the carried ops are cases "
			    "(of offices %s) or checks and the like, which the network gives a store only of its own "
			    "office or not at all; --for ORIGIN leaves out what the receiver's office does not hold\n"),
			  (long long)res.unfiltered, res.unfiltered_offices[0] ? res.unfiltered_offices : "-");
	printf("%s\n", _("Carry it to the other store (casedesk bundle import) and bring back its acknowledgement "
			 "(casedesk bundle ack); until then every export carries these ops again."));
	return CD_OK;
}

static int bundle_import_cmd(struct cli *c)
{
	static const char usage[] = "bundle import FILE [-o ACKFILE] [--force]";
	const char *ack = cli_take(c, "-o");
	unsigned flags = cli_flag(c, "--force") ? OUTFILE_FORCE : 0;
	struct bundle_import_result res;
	int rc;

	if ((rc = cli_positional(c, 1, 1, usage)) || (rc = cli_open_acting(c)) ||
	    (rc = bundle_import(c->store, &c->actor, c->argv[1], ack, flags, &res, &c->err)))
		return rc;
	out_safef(stdout, _("%s: ops %lld to %lld of origin %s (office %s): %lld new, %lld already had, %lld conflicts\n"),
		  c->argv[1], (long long)res.first, (long long)res.last, res.origin, res.office, (long long)res.n_new,
		  (long long)res.n_already, (long long)res.n_conflicts);
	if (res.carried) {
		printf(_("  of them %lld carried from other stores, %lld of those new here\n"), (long long)res.carried,
		       (long long)res.carried_new);
		printf(_("  carried ops: %lld verified by their origin's key, %lld only vouched for by the store that "
			 "carried them (their origin's key is not known here)\n"),
		       (long long)res.carried_verified, (long long)res.carried_vouched);
	}
	if (res.carried_unsigned)
		printf(_("  %lld carried ops of origins whose key is known here came without their signature (pulled "
			 "from the national tier, or made before their origin signed its ops): not applied; they come "
			 "from their origin or the tier\n"),
		       (long long)res.carried_unsigned);
	if (res.ack_written)
		out_safef(stdout, _("acknowledgement (ops up to %lld) written to %s: carry it back (casedesk bundle ack)\n"),
			  (long long)res.acked, ack);
	else
		printf("%s\n", _("no acknowledgement written (-o ACKFILE writes one; importing again applies nothing twice)"));
	return CD_OK;
}

static int bundle_ack_cmd(struct cli *c)
{
	struct bundle_ack_result res;
	int rc;

	if ((rc = cli_positional(c, 1, 1, "bundle ack FILE")) || (rc = cli_open_acting(c)) ||
	    (rc = bundle_ack(c->store, &c->actor, c->argv[1], &res, &c->err)))
		return rc;
	out_safef(stdout, _("%s: store %s (office %s) has this store's ops up to %lld (%lld conflicts there); %lld ops "
			    "marked acknowledged\n"),
		  c->argv[1], res.receiver, res.office, (long long)res.seq, (long long)res.conflicts,
		  (long long)res.n_marked);
	return CD_OK;
}

int cmd_bundle(struct cli *c)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *c);
	} subs[] = {
		{ "key", bundle_key }, { "trust", bundle_trust_cmd }, { "export", bundle_export_cmd },
		{ "import", bundle_import_cmd }, { "ack", bundle_ack_cmd },
	};
	for (size_t i = 0; c->argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(c->argv[1], subs[i].name) == 0) {
			c->argv++;
			c->argc--;
			return subs[i].run(c);
		}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk bundle key | bundle trust --origin UUID --office CODE --key KEY | bundle "
			      "export -o FILE [--for ORIGIN] [--force] | bundle import FILE [-o ACKFILE] [--force] | bundle ack FILE"));
}
