/*
 * gateway.c - placeholder until the libcurl client lands (issue 16, branch gw): every
 * entry refuses with "not yet", so nothing can believe a check was asked.
 */
#include <string.h>

#include "model/base/i18n.h"
#include "model/net/gateway.h"

int gateway_run(const struct cd_gw_config *cfg, const struct cd_gw_request *reqs, size_t n,
		cd_gw_on_answer on_answer, void *ctx, struct cd_error *err)
{
	(void)cfg; (void)reqs; (void)n; (void)on_answer; (void)ctx;
	return cd_error_set(err, CD_EINTERNAL, _("network checks are not built yet"));
}

int gateway_parse_reply(enum cd_gw_kind kind, const char *body, size_t len, struct cd_gw_answer *out)
{
	(void)kind; (void)body; (void)len;
	memset(out, 0, sizeof *out);
	out->outcome = CD_GW_RETRY;
	out->retry_after_s = -1;
	return CD_EINPUT;
}

void gateway_answer_release(struct cd_gw_answer *a)
{
	(void)a;
}
