#!/usr/bin/python3
"""otf2ttf.py - turns a CFF-flavoured OpenType font into a TrueType (glyf) one.

usage: print/otf2ttf.py IN.otf OUT.ttf

Why: the MRZ must be printed in OCR-B (ICAO Doc 9303 Part 3), Debian ships OCR-B only as
CFF OpenType (fonts-ocr-b), and Cairo 1.16 (Debian 12) drops that CFF file from the PDF
when it subsets it (a TrueType copy embeds).  The cubic CFF
curves are approximated by quadratic ones (fontTools' cu2qu, within 1 font unit of 1000
per em: far below a printer's dot), everything else - metrics, cmap, names - is kept.
Run by the Makefile into build/fonts/; the font's licence travels with it unchanged.
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR = 1.0  # font units


def convert(src, dst):
    font = TTFont(src)
    if "CFF " not in font:
        sys.exit(f"otf2ttf: {src} has no CFF outlines to convert")
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()

    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # CFF contours run counter-clockwise, TrueType's clockwise.
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")

    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0

    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order

    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: otf2ttf.py IN.otf OUT.ttf")
    convert(sys.argv[1], sys.argv[2])
