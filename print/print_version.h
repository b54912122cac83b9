/* print_version.h - the drawing and spreadsheet libraries casedesk was built with and runs with (model/base/libversion.h). */
#ifndef CD_PRINT_VERSION_H
#define CD_PRINT_VERSION_H

#include "model/base/libversion.h"

size_t print_lib_versions(struct cd_libversion *out, size_t max);

#endif
