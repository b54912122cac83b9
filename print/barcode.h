/*
 * barcode.h - Code 39 (ISO/IEC 16388) for case numbers on forms: the symbology every
 * office scanner reads, and simple enough to draw with rectangles.  Pure: the encoder
 * gives bar and space widths; print/form.c draws them.
 *
 * Alphabet: A-Z, 0-9, space and - . $ / + %; lower case is written as upper case.
 * Each character is 9 elements (bar, space, bar ... bar), 3 of them wide, with a narrow
 * space between characters, framed by the start/stop character '*'.
 */
#ifndef CD_BARCODE_H
#define CD_BARCODE_H

#include <stddef.h>

/*
 * Writes the element widths of `text` as a string of 'n' (narrow) and 'w' (wide),
 * alternating bar, space, bar ..., starting and ending with a bar, start/stop included.
 * Returns the number of elements, or -1 when a character is outside the alphabet or
 * `out` (size bytes) is too small.
 */
int code39_encode(const char *text, char *out, size_t size);

#endif
