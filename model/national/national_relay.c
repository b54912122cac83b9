/*
 * national_relay.c - an origin's high-water mark on the national tier (national_relay.h),
 * read for a store that relays that origin's ops.  Kept apart from national_push.c, which
 * owns the push and is tuned for speed on its own.
 */
#include "model/national/national_relay.h"

#include <stdlib.h>

#include "model/base/i18n.h"
#include "model/national/national_internal.h"

int national_origin_high_water(struct cd_national *n, const char *origin, int64_t *hw, struct cd_error *err)
{
	const char *params[1] = { origin };
	PGresult *r;
	int rc;

	*hw = 0;
	r = PQexecParams(n->conn, "SELECT high_water FROM origins WHERE store_uuid = $1::uuid", 1, NULL, params, NULL,
			 NULL, 0);
	if (!(rc = nat_check(n, r, _("reading an origin's high-water mark"), err)) && PQntuples(r) == 1)
		*hw = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return rc;
}
