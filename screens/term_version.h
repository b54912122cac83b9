/* term_version.h - the ncursesw casedesk was built with and runs with (model/base/libversion.h). */
#ifndef CD_TERM_VERSION_H
#define CD_TERM_VERSION_H

#include "model/base/libversion.h"

size_t term_lib_versions(struct cd_libversion *out, size_t max);

#endif
