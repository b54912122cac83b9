#!/bin/sh
# What a form carries besides text: the MRZ set in OCR-B (embedded, and still read back as a
# valid MRZ), the holder's photo from the biometric enrolment (opened with the key, audited,
# and an empty frame that says why when there is no key, no photo or the wrong key), and a
# QR code read back from the printed page by zbarimg (the case and person numbers).
. tests/script/lib.sh
FPTOOL=${CASEDESK_TOOLS:-$(pwd)/build/asan/tests/tool}/tool_fpimage
S=$T/media.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=supervisor
unset CASEDESK_KEY CASEDESK_ENROL CASEDESK_ENROL_FAULT FP_VIRTUAL_IMAGE
for tool in pdftotext pdffonts pdfimages pdftoppm zbarimg; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is installed (poppler-utils, zbar-tools: .ci/deps)"; exit 0; }
done
$CD demo --persons 300 --seed 5 >/dev/null 2>&1 || { fail "demo store"; exit 0; }
q() { sqlite3 "$S" "$1"; }
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }
# qr FILE.pdf: the QR codes zbarimg finds on the first page, one per line.
qr() { pdftoppm -r 150 -f 1 -l 1 -png "$1" "$T/page" 2>/dev/null && zbarimg -q --raw -Sdisable -Sqrcode.enable "$T"/page-*1.png 2>/dev/null; rm -f "$T"/page-*.png; }

n=$(q "SELECT number FROM cases WHERE state = 'granted' AND workflow_id = 'residence' ORDER BY id LIMIT 1")
p=$(q "SELECT p.number FROM cases c JOIN person p ON p.id = c.person_id WHERE c.number = '$n'")
[ -n "$n" ] && [ -n "$p" ] || { fail "the demo store has a granted residence case"; exit 0; }

# ---- no key on this desk: the form still prints; its photo frame says why
CASEDESK_KEY=$T/no-such.key expect_rc "residence_card_data prints without a biometric key" 0 \
	$CD form "$n" residence_card_data -o "$T/nokey.pdf"
pdftext "$T/nokey.pdf" >"$T/nokey.txt"
expect_grep "the frame says there is no key" "photo not available: no" "$T/nokey.txt"
expect_eq "and holds no image" "$(pdfimages -list "$T/nokey.pdf" 2>/dev/null | tail -n +3 | wc -l | tr -d ' ')" 0

# ---- the MRZ in OCR-B, still a valid MRZ when read back
pdffonts "$T/nokey.pdf" >"$T/fonts" 2>/dev/null
expect_grep "the MRZ font is OCR-B, embedded" "OCRB.*yes" "$T/fonts"
grep -E '^[A-Z0-9<]{30}$' "$T/nokey.txt" >"$T/td1"
expect_rc "the OCR-B MRZ reads back as a valid TD1" 0 $CD mrz parse <"$T/td1"

# ---- the QR code: the case and the person, read from the printed page
expect_eq "the QR code on the card data holds case and person" "$(qr "$T/nokey.pdf")" "$n $p"
c=$(q "SELECT c.number FROM cases c WHERE c.closed_at IS NULL AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'lodged_on') ORDER BY c.id LIMIT 1")
expect_rc "the asylum registration certificate prints" 0 $CD form "$c" asylum_registration_certificate -o "$T/cert.pdf"
expect_eq "its QR code holds the case number" "$(qr "$T/cert.pdf")" "$c"

# ---- with a key and an enrolled photo: the photo is on the page, and its reading audited
export CASEDESK_KEY=$T/key
head -c 32 /dev/urandom >"$CASEDESK_KEY"
chmod 600 "$CASEDESK_KEY"
expect_rc "no photo enrolled: still prints" 0 $CD form "$n" residence_card_data -o "$T/nophoto.pdf"
expect_grep "the frame says no photo is enrolled" "no photo enrolled" "$(pdftext "$T/nophoto.pdf" >"$T/np.txt"; echo "$T/np.txt")"
"$FPTOOL" face "$T/face.ppm" ok || fail "tool_fpimage draws a face"
size=$(sed -n 2p "$T/face.ppm")   # "W H" of the binary PPM tool_fpimage writes
expect_rc "the holder's photo is enrolled" 0 $CD --user clerk enrol "$p" --face "$T/face.ppm"
before=$(q "SELECT count(*) FROM audit WHERE entity = 'biometric' AND action = 'view' AND purpose = 'print'")
expect_rc "residence_card_data prints with the photo" 0 $CD form "$n" residence_card_data -o "$T/photo.pdf"
pdfimages -list "$T/photo.pdf" 2>/dev/null | tail -n +3 >"$T/images"
expect_eq "one image on the page" "$(wc -l <"$T/images" | tr -d ' ')" 1
expect_eq "the enrolled photo, at its own size" "$(awk '{ print $4, $5 }' "$T/images")" "$size"
if grep -q "photo not available\|no photo enrolled" "$(pdftext "$T/photo.pdf" >"$T/ph.txt"; echo "$T/ph.txt")"; then
	fail "the frame carries no excuse when the photo is there"
else
	pass "the frame carries no excuse when the photo is there"
fi
after=$(q "SELECT count(*) FROM audit WHERE entity = 'biometric' AND action = 'view' AND purpose = 'print'")
expect_eq "reading the photo for the form is audited" "$((after - before))" 1

# ---- another key does not open the photo: said, not printed, not a crash
head -c 32 /dev/urandom >"$T/other.key"
chmod 600 "$T/other.key"
CASEDESK_KEY=$T/other.key expect_rc "another key: still prints" 0 $CD form "$n" residence_card_data -o "$T/other.pdf"
expect_grep "the frame says the key does not open it" "biometric key does not" "$(pdftext "$T/other.pdf" >"$T/o.txt"; echo "$T/o.txt")"

# ---- the lint knows the new blocks
printf '[form]\ntitle = x\n[qr]\nlevel = Z\n[photo]\nwidth = 500\n' >"$T/bad.ini"
expect_rc "bad [qr] and [photo] values fail the lint" 6 $CD form lint "$T/bad.ini"
expect_grep "naming the QR level's line" "bad.ini:4: level in \[qr\] is L, M, Q or H" "$T/err"
expect_grep "and the photo width's line" "bad.ini:6: width in \[photo\]" "$T/err"
# 75 placeholders of 20 letters each when the lint measures: 1,500 bytes, past a QR code's 1,273 at level H
printf '[form]\ntitle = x\n[qr]\nlevel = H\nvalue = %s\n' "$(for i in $(seq 75); do printf '{office.name}'; done)" >"$T/longqr.ini"
expect_rc "a [qr] value too long for a QR code fails the lint" 6 $CD form lint "$T/longqr.ini"
expect_grep "saying so, with its length" "longqr.ini:3: \[qr\] value is too long for a QR code (1500 bytes)" "$T/err"
