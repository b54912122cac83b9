/* net_version.h - the libcurl and json-c casedesk was built with and runs with (model/base/libversion.h). */
#ifndef CD_NET_VERSION_H
#define CD_NET_VERSION_H

#include "model/base/libversion.h"

size_t net_lib_versions(struct cd_libversion *out, size_t max);

#endif
