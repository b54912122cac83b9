/*
 * cmd_audit.c - `casedesk audit verify|seal|init|policy`: proving the audit trail whole,
 * and the seal key's life.  The work is model/store/audit.c's; this file decides who may
 * ask, prints the report, and turns what it found into the exit code (0 ok, 9 warning,
 * 10 tampering), which `store check` shares through cli_audit_check.
 */
#include <stdlib.h>
#include <string.h>

#include "model/base/buf.h"
#include "model/base/i18n.h"
#include "model/base/json.h"
#include "model/store/audit.h"
#include "model/store/roles.h"
#include "app/cli.h"

static const char *severity_word(enum audit_severity sev)
{
	return sev == AUDIT_FAIL ? "FAIL" : sev == AUDIT_WARN ? "WARN" : "note";
}

static int print_json(struct cli *c, const struct audit_report *r)
{
	struct cd_buf b = CD_BUF_INIT;
	struct json_writer w;
	int rc;

	json_init(&w, &b);
	json_object(&w);
	json_kv_string(&w, "result", r->failures ? "failed" : r->warnings ? "warning" : "ok");
	json_kv_int(&w, "audit_rows", r->audit_rows);
	json_kv_int(&w, "first_id", r->audit_first_id);
	json_kv_int(&w, "last_id", r->audit_last_id);
	json_kv_string(&w, "first_at", r->audit_rows ? r->first_at : NULL);
	json_kv_string(&w, "last_at", r->audit_rows ? r->last_at : NULL);
	json_kv_int(&w, "events", r->event_rows);
	json_kv_int(&w, "events_unchained", r->events_unchained);
	json_kv_int(&w, "events_erased", r->events_erased);
	json_kv_int(&w, "seals", r->seals);
	json_kv_int(&w, "seal_macs_checked", r->seals_mac_checked);
	json_kv_bool(&w, "escrow", r->escrow_used);
	json_kv_bool(&w, "key_file_checked", r->key_checked);
	json_kv_int(&w, "unsealed_audit_rows", r->unsealed_audit);
	json_kv_int(&w, "unsealed_events", r->unsealed_events);
	json_kv_int(&w, "first_broken_audit_id", r->broken_id);
	json_kv_int(&w, "first_broken_event_id", r->broken_event_id);
	json_kv_int(&w, "gaps", r->gaps);
	json_kv_int(&w, "time_backwards", r->backwards);
	json_key(&w, "findings");
	json_array(&w);
	for (size_t i = 0; i < r->n_findings; i++) {
		json_object(&w);
		json_kv_string(&w, "severity", r->findings[i].severity == AUDIT_FAIL ? "fail"
					       : r->findings[i].severity == AUDIT_WARN ? "warn" : "note");
		json_kv_string(&w, "text", r->findings[i].text);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	rc = cli_json_print(c, &w);
	buf_release(&b);
	return rc;
}

static void print_text(FILE *f, const struct audit_report *r)
{
	if (r->audit_rows)
		fprintf(f, _("audit rows checked: %lld (ids %lld to %lld), from %s to %s\n"), (long long)r->audit_rows,
			(long long)r->audit_first_id, (long long)r->audit_last_id, r->first_at, r->last_at);
	else
		fprintf(f, "%s", _("audit rows checked: none yet\n"));
	fprintf(f, _("history events checked: %lld\n"), (long long)r->event_rows);
	if (r->escrow_used)
		fprintf(f, _("seals: %lld, each MAC checked from the first epoch with the escrow key: %lld\n"),
			(long long)r->seals, (long long)r->seals_mac_checked);
	else
		fprintf(f, _("seals: %lld (heads checked; MACs need --escrow FILE)\n"), (long long)r->seals);
	fprintf(f, _("not yet sealed: %lld audit rows, %lld history events\n"), (long long)r->unsealed_audit,
		(long long)r->unsealed_events);
	for (size_t i = 0; i < r->n_findings; i++)
		fprintf(f, "%s: %s\n", severity_word(r->findings[i].severity), r->findings[i].text);
}

/* The exit code of a report: 0, CD_EAUDITWARN or CD_ETAMPERED, with c->err said in words. */
static int report_code(struct cli *c, const struct audit_report *r)
{
	if (r->failures)
		return cd_error_set(&c->err, CD_ETAMPERED,
				    ngettext("the audit trail of %s has been tampered with: %d problem (see above)",
					     "the audit trail of %s has been tampered with: %d problems (see above)",
					     (unsigned long)r->failures),
				    c->store_path, r->failures);
	if (r->warnings)
		return cd_error_set(&c->err, CD_EAUDITWARN,
				    ngettext("the audit trail of %s is whole, with %d warning (see above)",
					     "the audit trail of %s is whole, with %d warnings (see above)",
					     (unsigned long)r->warnings),
				    c->store_path, r->warnings);
	return CD_OK;
}

static int may_verify(struct cli *c)
{
	if (c->actor.roles & (CD_ROLE_ADMIN | CD_ROLE_SUPERVISOR))
		return CD_OK;
	return cd_error_set(&c->err, CD_EREFUSED, _("only an admin or a supervisor may verify the audit trail"));
}

static int verify_cmd(struct cli *c)
{
	const char *escrow = cli_take(c, "--escrow");
	struct audit_report r;
	int rc;

	if ((rc = cli_positional(c, 0, 0, "audit verify [--escrow FILE]")) || (rc = cli_open_acting(c)) ||
	    (rc = may_verify(c)) || (rc = audit_verify(c->store, escrow, &r, &c->err)))
		return rc;
	if (c->json) {
		if ((rc = print_json(c, &r))) {
			audit_report_release(&r);
			return rc;
		}
		c->json_written = 1;
	} else {
		print_text(stdout, &r);
		if (r.failures)
			printf(ngettext("result: TAMPERED (%d problem)\n", "result: TAMPERED (%d problems)\n",
					(unsigned long)r.failures), r.failures);
		else if (r.warnings)
			printf(ngettext("result: whole, %d warning\n", "result: whole, %d warnings\n",
					(unsigned long)r.warnings), r.warnings);
		else
			printf("%s", _("result: ok\n"));
	}
	rc = report_code(c, &r);
	audit_report_release(&r);
	return rc;
}

int cli_audit_check(struct cli *c, FILE *f, int *warnings)
{
	struct audit_report r;
	int rc = audit_verify(c->store, NULL, &r, &c->err);
	if (rc)
		return rc;
	*warnings = r.warnings;
	for (size_t i = 0; i < r.n_findings; i++)
		if (r.findings[i].severity != AUDIT_INFO)
			fprintf(f, "audit %s: %s\n", severity_word(r.findings[i].severity), r.findings[i].text);
	rc = r.failures ? report_code(c, &r) : CD_OK;
	audit_report_release(&r);
	return rc;
}

static int admin_only(struct cli *c)
{
	if (c->actor.roles & CD_ROLE_ADMIN)
		return CD_OK;
	return cd_error_set(&c->err, CD_EREFUSED, _("only an admin may do this to the audit trail's seals"));
}

void cli_escrow_notice(const char *escrow)
{
	printf(_("The first seal key is in %s, written once and never again: move it to the office safe now "
		 "(it must not stay on this machine). With it, `casedesk audit verify --escrow FILE` checks every "
		 "seal from the first.\n"),
	       escrow);
}

int cmd_audit(struct cli *c)
{
	const char *sub = c->argc >= 2 ? c->argv[1] : "";
	char escrow[4200];
	int rc;

	if (strcmp(sub, "show") == 0)
		return cmd_audit_show(c);   /* who read a person's data: app/cmd_audit_show.c */
	if (c->argc >= 2) {
		c->argv++;
		c->argc--;
	}
	if (strcmp(sub, "verify") == 0)
		return verify_cmd(c);
	if (strcmp(sub, "seal") == 0) {
		if ((rc = cli_positional(c, 0, 0, "audit seal")) || (rc = cli_open_acting(c)) || (rc = admin_only(c)) ||
		    (rc = audit_seal_now(c->store, &c->err)))
			return rc;
		printf("%s", _("sealed\n"));
		return CD_OK;
	}
	if (strcmp(sub, "init") == 0) {
		if ((rc = cli_positional(c, 0, 0, "audit init")) || (rc = cli_open_acting(c)) || (rc = admin_only(c)) ||
		    (rc = audit_keys_create(c->store, escrow, sizeof escrow, &c->err)))
			return rc;
		cli_escrow_notice(escrow);
		return CD_OK;
	}
	if (strcmp(sub, "policy") == 0) {
		const char *rows = cli_take(c, "--rows"), *minutes = cli_take(c, "--minutes");
		char *e1 = NULL, *e2 = NULL;
		long nr = rows ? strtol(rows, &e1, 10) : 0, nm = minutes ? strtol(minutes, &e2, 10) : 0;
		if ((rc = cli_positional(c, 0, 0, "audit policy [--rows N] [--minutes M]")))
			return rc;
		if ((!rows && !minutes) || (rows && (*e1 || nr < 1 || nr > 1000000)) ||
		    (minutes && (*e2 || nm < 1 || nm > 10080)))
			return cd_error_set(&c->err, CD_EUSAGE,
					    _("--rows takes 1 to 1000000 rows, --minutes 1 to 10080 minutes"));
		if ((rc = cli_open_acting(c)) || (rc = audit_set_policy(c->store, &c->actor, nr, nm, &c->err)))
			return rc;
		printf("%s", _("seal policy saved\n"));
		return CD_OK;
	}
	return cd_error_set(&c->err, CD_EUSAGE,
			    _("usage: casedesk audit verify [--escrow FILE] | audit show --person ID | audit seal | audit init | "
			      "audit policy [--rows N] [--minutes M]"));
}
