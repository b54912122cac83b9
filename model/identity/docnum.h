/*
 * docnum.h - identity document numbers as stored and looked up: one spelling for a number
 * however it was typed or printed (FE 111, fe-111, FE111).  Pure text, no SQL: person,
 * search, lostdocs and the MRZ command all compare numbers in this form.
 */
#ifndef CD_DOCNUM_H
#define CD_DOCNUM_H

#include <stddef.h>

/* Normalises a document number for storage and lookup: upper case, no spaces or dashes. */
void document_number_normalise(const char *in, char *out, size_t size);

#endif
