/*
 * print_version.c - the versions of the libraries print/ draws with: Cairo (PDF), Pango
 * (text layout), libxlsxwriter (statistics) and libqrencode (QR codes on forms).
 * libqrencode's header carries no version, so only the running one is told.
 */
#include "print/print_version.h"

#include <stdio.h>

#include <cairo.h>
#include <pango/pango.h>
#include <qrencode.h>
#include <xlsxwriter.h>

size_t print_lib_versions(struct cd_libversion *out, size_t max)
{
	size_t n = 0;

	if (n < max) {
		out[n].name = "Cairo";
		snprintf(out[n].built, sizeof out[n].built, "%s", CAIRO_VERSION_STRING);
		snprintf(out[n].running, sizeof out[n].running, "%s", cairo_version_string());
		n++;
	}
	if (n < max) {
		out[n].name = "Pango";
		snprintf(out[n].built, sizeof out[n].built, "%s", PANGO_VERSION_STRING);
		snprintf(out[n].running, sizeof out[n].running, "%s", pango_version_string());
		n++;
	}
	if (n < max) {
		out[n].name = "libxlsxwriter";
		snprintf(out[n].built, sizeof out[n].built, "%s", LXW_VERSION);
		snprintf(out[n].running, sizeof out[n].running, "%s", lxw_version());
		n++;
	}
	if (n < max) {
		out[n].name = "libqrencode";
		out[n].built[0] = '\0';
		snprintf(out[n].running, sizeof out[n].running, "%s", QRcode_APIVersionString());
		n++;
	}
	return n;
}
