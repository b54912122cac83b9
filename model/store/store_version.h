/* store_version.h - the SQLite casedesk was built with and runs with (model/base/libversion.h). */
#ifndef CD_STORE_VERSION_H
#define CD_STORE_VERSION_H

#include "model/base/libversion.h"

size_t store_lib_versions(struct cd_libversion *out, size_t max);

#endif
