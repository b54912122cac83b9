/* error.c - filling struct cd_error; see error.h. */
#include "model/base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cd_error_set(struct cd_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

void cd_error_prefix(struct cd_error *err, const char *fmt, ...)
{
	char prefix[CD_ERRMSG_MAX], old[CD_ERRMSG_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
}

void cd_error_clear(struct cd_error *err)
{
	if (err) {
		err->code = CD_OK;
		err->msg[0] = '\0';
	}
}

const char *cd_code_name(int code)
{
	switch (code) {
	case CD_OK: return "ok";
	case CD_EINTERNAL: return "internal";
	case CD_EUSAGE: return "usage";
	case CD_ENOTFOUND: return "not_found";
	case CD_EREFUSED: return "refused";
	case CD_ECONFLICT: return "conflict";
	case CD_EINPUT: return "bad_input";
	case CD_ESTORE: return "store";
	case CD_EDEVICE: return "device";
	case CD_EAUDITWARN: return "audit_warning";
	case CD_ETAMPERED: return "tampered";
	}
	return "unknown";
}
