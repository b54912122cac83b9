/*
 * net_version.c - the libcurl and json-c versions, told from here because only model/net
 * includes their headers.
 */
#include "model/net/net_version.h"

#include <stdio.h>

#include <curl/curl.h>
#include <json-c/json.h>

size_t net_lib_versions(struct cd_libversion *out, size_t max)
{
	size_t n = 0;

	if (n < max) {
		const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
		out[n].name = "libcurl";
		snprintf(out[n].built, sizeof out[n].built, "%s", LIBCURL_VERSION);
		snprintf(out[n].running, sizeof out[n].running, "%s", info && info->version ? info->version : "?");
		n++;
	}
	if (n < max) {
		out[n].name = "json-c";
		snprintf(out[n].built, sizeof out[n].built, "%s", JSON_C_VERSION);
		snprintf(out[n].running, sizeof out[n].running, "%s", json_c_version());
		n++;
	}
	return n;
}
