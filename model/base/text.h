/*
 * text.h - what casedesk accepts as text and how wide it is on a screen, in one place.
 *
 * Names, notes, purposes and field values come from keyboards, document readers, CSV
 * files and command lines.  Before any of it reaches the store it must be well-formed
 * UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), free of characters a
 * terminal would execute (C0 such as ESC and BEL, DEL, C1), and in one canonical form
 * (Unicode NFC), so that "Müller" typed with a composed ü and with u + U+0308 is one
 * name with one ICAO form.  The rules are libunistring's (u8_check, u8_normalize,
 * uc_width), not the C library's locale, so every desk and every test agrees.
 */
#ifndef CD_TEXT_H
#define CD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "model/base/error.h"

/* Whether a text may span lines: only then are newline and tab allowed. */
enum text_lines {
	TEXT_LINE = 0,        /* names, purposes, field values, sources: one line */
	TEXT_MULTILINE = 1,   /* notes: newline and tab allowed, other controls still refused */
};

/*
 * Checks `text` strictly: well-formed UTF-8 and no control character (C0, DEL, C1;
 * newline and tab only in TEXT_MULTILINE).  CD_EINPUT naming `field` and the character's
 * position, never the text itself (it may be personal data).  NULL is taken as "".
 */
int text_check(const char *text, const char *field, enum text_lines lines, struct cd_error *err);

/*
 * text_check, then the NFC form of `text` in *out (malloc'd; the caller frees it).  On
 * failure *out is NULL.  NULL text gives NULL with CD_OK (an optional value left out).
 */
int text_nfc(const char *text, const char *field, enum text_lines lines, char **out, struct cd_error *err);

/* Whether the `len` bytes at s are well-formed UTF-8 (u8_check). */
int text_valid(const char *s, size_t len);

/* The NFC form of valid UTF-8 text, malloc'd; NULL when it is not valid or memory ran out. */
char *text_nfc_dup(const char *text);

/* Whether a code point is a control character: C0, DEL or C1. */
int text_is_control(uint32_t uc);

/*
 * Whether a code point is an invisible bidirectional format character (LRM, RLM, ALM, the
 * embeddings and overrides U+202A..U+202E, the isolates U+2066..U+2069): legitimate in an
 * Arabic or Hebrew name, so accepted as text, but able to reorder what a reader sees, so
 * the screen and the command line show them as <U+202E> instead of obeying them.
 */
int text_is_bidi_control(uint32_t uc);

/* Columns one code point takes on a terminal: 0 (combining), 1 or 2 (wide); -1 for a control. */
int text_char_width(uint32_t uc);

/* Columns a UTF-8 string takes (controls and bad bytes count as 0; see screens/term.c for
 * how the screen shows them). */
int text_width(const char *s);

#endif
