/*
 * national_blocks.c - leasing a block of numbers from the national tier (national_blocks.h).
 * It owns how a store's series ("person", "case:RP") is named on the tier (prefix 'P' year
 * 0, or the case prefix and year) and the one statement a lease is.
 */
#include "model/national/national_blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/base/i18n.h"
#include "model/national/national_internal.h"

int national_lease(struct cd_national *n, const struct national_lease_req *r, int64_t *first, int64_t *last,
		   struct cd_error *err)
{
	char year[16], size[24], floor_s[24], what[128];
	const char *prefix;
	PGresult *res = NULL;
	int rc = CD_OK;

	*first = *last = 0;
	if (strcmp(r->series, "person") == 0)
		prefix = "P";
	else if (strncmp(r->series, "case:", 5) == 0 && r->series[5])
		prefix = r->series + 5;
	else
		return cd_error_set(err, CD_EINTERNAL, _("internal error: number series %s unknown to the national tier; "
							 "please report it"), r->series);
	snprintf(year, sizeof year, "%d", r->year);
	snprintf(size, sizeof size, "%lld", (long long)r->size);
	snprintf(floor_s, sizeof floor_s, "%lld", (long long)r->floor);
	snprintf(what, sizeof what, _("leasing numbers of %s for %s"), r->series, r->holder_name);
	const char *params[9] = { r->block_uuid, r->holder_uuid, r->office, r->holder_name, r->kind, prefix, year, size,
				  floor_s };
	res = PQexecParams(n->conn,
			   "SELECT o_first, o_last FROM cd_lease($1::uuid, $2::uuid, $3, $4, $5, $6, $7::integer,"
			   " $8::bigint, $9::bigint)",
			   9, NULL, params, NULL, NULL, 0);
	if (res && PQresultStatus(res) == PGRES_FATAL_ERROR) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		if (state && strncmp(state, "CD", 2) == 0) {
			rc = cd_error_set(err, CD_EREFUSED, _("the national tier (%s) refused %s: %s"), n->where, what,
					  primary ? primary : "?");
			goto out;
		}
	}
	if ((rc = nat_check(n, res, what, err)))
		goto out;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		rc = cd_error_set(err, CD_ESTORE, _("national tier (%s): %s: no answer"), n->where, what);
		goto out;
	}
	*first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*last = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
out:
	PQclear(res);
	return rc;
}
