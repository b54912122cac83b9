#!/bin/sh
# Every glyph of a name is really drawn (issue 14.1): forms for people named in Ukrainian
# (with Ї and ї), Russian, Arabic, Chinese, Georgian, Ethiopic and Vietnamese (stacked
# accents) are rendered at 300 dpi and read back - by OCR (tesseract) where Debian has the
# language, otherwise by the ink on the name's line - besides the text layer (pdftotext,
# logical order) and the fonts (pdffonts: every one embedded).  The name's line is found
# from the ICAO Latin line under it (pdftotext -bbox), so no coordinates are hard-coded.
. tests/script/lib.sh
S=$T/glyphs.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
for tool in pdftotext pdffonts pdftoppm tesseract python3; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is installed (poppler-utils, tesseract-ocr: .ci/deps)"; exit 0; }
done
$CD init --office TBS --training >/dev/null 2>&1 || { fail "a training store"; exit 0; }

# person KEY SURNAME GIVEN NAT [SURNAME_LATIN GIVEN_LATIN]: a person with a residence case,
# its acknowledgement printed to $T/KEY.pdf; $T/KEY.latin holds the ICAO surname.  --force:
# one person is registered twice on purpose (vi, vi0: the same name with and without marks).
person() {
	key=$1 sur=$2 giv=$3 nat=$4
	shift 4
	if [ $# -ge 2 ]; then
		id=$($CD person add --surname "$sur" --given "$giv" --surname-latin "$1" --given-latin "$2" \
			--dob 1990-01-01 --sex F --nationality "$nat" --force 2>"$T/err")
	else
		id=$($CD person add --surname "$sur" --given "$giv" --dob 1990-01-01 --sex F --nationality "$nat" --force 2>"$T/err")
	fi
	[ -n "$id" ] || { fail "$key: person added" "$(cat "$T/err")"; return 0; }
	n=$($CD case new residence --person "$id" 2>"$T/err")
	[ -n "$n" ] || { fail "$key: case opened" "$(cat "$T/err")"; return 0; }
	echo "$id" >"$T/$key.person"
	sqlite3 "$S" "SELECT surname_latin FROM person WHERE number = '$id'" >"$T/$key.latin"
	expect_rc "$key: the acknowledgement prints" 0 $CD form "$n" acknowledgement -o "$T/$key.pdf"
}

# band KEY: the name's line (the one above the ICAO Latin surname) at 300 dpi, as $T/KEY.pgm.
band() {
	latin=$(cat "$T/$1.latin")
	geo=$(pdftotext -bbox "$T/$1.pdf" - 2>/dev/null | grep ">$latin</word>" | head -1 |
		sed 's/.*yMin="\([0-9.]*\)".*yMax="\([0-9.]*\)".*/\1 \2/')
	[ -n "$geo" ] || { fail "$1: the ICAO line is found on the page"; return 1; }
	# from 1.5 line heights above the Latin line's top to that top, in 300-dpi pixels
	set -- $1 $(echo "$geo" | awk '{ h = $2 - $1; printf "%d %d", ($1 - 1.5 * h) * 300 / 72, 1.5 * h * 300 / 72 }')
	pdftoppm -r 300 -f 1 -l 1 -x 0 -y "$2" -W 2480 -H "$3" -gray "$T/$1.pdf" "$T/$1-band" 2>/dev/null &&
		mv "$T/$1-band"-*.pgm "$T/$1.pgm"
}

# ink FILE.pgm: how many pixels are darker than mid-grey.
ink() {
	python3 - "$1" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
# P5 header: magic, width, height, maxval, each after whitespace
parts, i = [], 0
while len(parts) < 4:
    while d[i:i+1].isspace(): i += 1
    j = i
    while not d[j:j+1].isspace(): j += 1
    parts.append(d[i:j]); i = j
px = d[i+1:]
print(sum(1 for b in px if b < 128))
EOF
}

# text KEY: the page's text, bidi embedding marks (U+202A-U+202E) taken out.
text() { pdftotext "$T/$1.pdf" - 2>/dev/null | sed 's/\xe2\x80[\xaa-\xae]//g'; }

# every font on the page embedded: pdffonts' "emb" column says yes on every row
all_embedded() {
	pdffonts "$T/$1.pdf" 2>/dev/null | tail -n +3 >"$T/$1.fonts"
	if [ -s "$T/$1.fonts" ] && ! awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit bad }' "$T/$1.fonts"; then
		fail "$1: every font is embedded" "$(cat "$T/$1.fonts")"
	else
		pass "$1: every font is embedded"
	fi
}

person uk "Їжаченко" "Україна" UKR
person uk2 "Заїка" "Олексій" UKR
person ru "Щербаков" "Дмитрий" RUS
person ar "المالكي" "محمد" IRQ ALMALKI MOHAMMED
person zh "王" "小明" CHN WANG XIAOMING
person ka "ჯავახიშვილი" "ნინო" GEO
person et "ገብረመድህን" "ሰላም" ETH GEBREMEDHIN SELAM
person vi "Nguyễn" "Thị Ánh" VNM NGUYEN THI ANH
person vi0 "Nguyen" "Thi Anh" VNM NGUYEN THI ANH

for k in uk uk2 ru ar zh ka et vi; do
	[ -f "$T/$k.pdf" ] && all_embedded $k
done

# ---- the text layer gives the names back, in logical order
text uk >"$T/uk.txt"
expect_grep "uk: pdftotext gives Україна Їжаченко" "Україна Їжаченко" "$T/uk.txt"
text ar >"$T/ar.txt"
expect_grep "ar: pdftotext gives محمد المالكي in logical order" "محمد المالكي" "$T/ar.txt"
text zh >"$T/zh.txt"
expect_grep "zh: pdftotext gives 小明 王" "小明 王" "$T/zh.txt"
text ka >"$T/ka.txt"
expect_grep "ka: pdftotext gives ნინო ჯავახიშვილი" "ნინო ჯავახიშვილი" "$T/ka.txt"
text et >"$T/et.txt"
expect_grep "et: pdftotext gives ሰላም ገብረመድህን" "ሰላም ገብረመድህን" "$T/et.txt"
text vi >"$T/vi.txt"
expect_grep "vi: pdftotext gives Thị Ánh Nguyễn" "Thị Ánh Nguyễn" "$T/vi.txt"

# ---- OCR of the rendered name: Ukrainian (Ї and ї), Russian, Arabic (joined, right to left)
ocr() {
	band "$1" || return 0
	tesseract "$T/$1.pgm" - -l "$2" --psm 7 2>/dev/null | tr -d '\f' >"$T/$1.ocr"
}
ocr uk ukr
expect_grep "uk: OCR reads Їжаченко (capital Ї drawn)" "Їжаченко" "$T/uk.ocr"
expect_grep "uk: OCR reads Україна (ї drawn)" "Україна" "$T/uk.ocr"
ocr uk2 ukr
expect_grep "uk: OCR reads Заїка" "Заїка" "$T/uk2.ocr"
ocr ru rus
expect_grep "ru: OCR reads Дмитрий Щербаков" "Дмитрий Щербаков" "$T/ru.ocr"
ocr ar ara
expect_grep "ar: OCR reads المالكي (letters joined, right to left)" "المالكي" "$T/ar.ocr"
expect_grep "ar: OCR reads محمد" "محمد" "$T/ar.ocr"

# ---- Chinese, Georgian, Ethiopic (no tesseract pack here): the font that has the glyphs is
# embedded, and the name's line has ink (Pango draws a missing glyph as a hex box of lines,
# with no font and no text behind it, so the two together say the glyphs are the font's)
expect_grep "zh: a CJK font is embedded" "NotoSansCJK.* yes " "$T/zh.fonts"
expect_grep "et: Noto Sans Ethiopic is embedded" "NotoSansEthiopic.* yes " "$T/et.fonts"
expect_grep "ka: DejaVu Sans (which has Georgian) is embedded" "DejaVuSans.* yes " "$T/ka.fonts"
for k in zh ka et; do
	band $k || continue
	n=$(ink "$T/$k.pgm")
	if [ "$n" -gt 300 ]; then pass "$k: the name's line has ink ($n dark pixels)"; else fail "$k: the name's line has ink" "$n dark pixels"; fi
done

# ---- Vietnamese: the stacked accents are drawn (ễ, ị): a letter where each stands (OCR in
# English reads "Nguyén"), and more ink than the same name without them (a renderer that
# drops a composite glyph leaves the whole letter blank: less ink).  The accents of this
# name are about 4% of its ink at 300 dpi; 2% more is asked.
ocr vi eng
expect_grep "vi: OCR finds a letter for ễ in Nguyễn" "Nguy[^ ]n" "$T/vi.ocr"
expect_grep "vi: OCR finds a letter for ị in Thị" "Th[^ ] " "$T/vi.ocr"
if band vi && band vi0; then
	a=$(ink "$T/vi.pgm") b=$(ink "$T/vi0.pgm")
	if [ "$a" -gt $((b + b / 50)) ]; then
		pass "vi: Thị Ánh Nguyễn has its accents ($a dark pixels, $b without accents)"
	else
		fail "vi: Thị Ánh Nguyễn has its accents" "$a dark pixels with accents, $b without"
	fi
fi

# ---- the subject access export (person export --format pdf): Arabic shaped there too
expect_rc "ar: the subject access export prints" 0 $CD person export "$(cat "$T/ar.person")" -o "$T/sar.pdf" --format pdf
all_embedded sar
expect_grep "ar: the export's text gives المالكي" "المالكي" "$(text sar >"$T/sar.txt"; echo "$T/sar.txt")"
