/* docnum.c - the stored form of a document number; see docnum.h. */
#include "model/identity/docnum.h"

#include <ctype.h>

void document_number_normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;
	for (; *in && o + 1 < size; in++) {
		if (*in == ' ' || *in == '-' || *in == '\t')
			continue;
		out[o++] = (char)toupper((unsigned char)*in);
	}
	out[o] = '\0';
}
