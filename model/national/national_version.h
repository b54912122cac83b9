/* national_version.h - the libpq casedesk was built with and runs with (model/base/libversion.h). */
#ifndef CD_NATIONAL_VERSION_H
#define CD_NATIONAL_VERSION_H

#include "model/base/libversion.h"

size_t national_lib_versions(struct cd_libversion *out, size_t max);

#endif
