#!/bin/sh
# The face camera of casedesk-enrol (Video4Linux2).  No camera and no v4l2loopback exist
# where the tests run, so this covers what can run here, through the real helper: no camera
# is a clear 100, a character device that is not a camera (/dev/null) is refused as one,
# discover lists "face:camera" only when there is a device, and casedesk's `enrol --camera`
# and the TUI's enrolment screen (Enter alone at the face prompt, driven in tmux) say the
# same in words, storing nothing.  The YUYV conversion has unit tests (tests/unit/test_pnm.c).
. tests/script/lib.sh
. tests/script/tui_lib.sh
HELPER=$(dirname "$CD")/casedesk-enrol
unset CASEDESK_ENROL CASEDESK_ENROL_FAULT FP_VIRTUAL_IMAGE
[ -x "$HELPER" ] || { fail "the helper is built next to casedesk ($HELPER)"; exit 0; }

proto() { printf '%s\n{"id":9,"cmd":"quit"}\n' "$1" | timeout 20 "$HELPER" 2>/dev/null; }

CASEDESK_CAMERA=$T/no-camera proto '{"id":1,"cmd":"discover"}' >"$T/p"
expect_grep "no camera: discover lists the file device only" '"devices":\["face:file"\]' "$T/p"
CASEDESK_CAMERA=$T/no-camera proto '{"id":2,"cmd":"capture","modality":"face","timeout_ms":2000}' >"$T/p"
expect_grep "a face capture without a file and without a camera is 100" '"id":2,"error":100' "$T/p"
expect_grep "saying to give a file" 'no camera is connected: give a photo file instead' "$T/p"

CASEDESK_CAMERA=/dev/null proto '{"id":1,"cmd":"discover"}' >"$T/p"
expect_grep "a device there: discover lists face:camera" '"face:file","face:camera"' "$T/p"
CASEDESK_CAMERA=/dev/null proto '{"id":3,"cmd":"capture","modality":"face","timeout_ms":2000}' >"$T/p"
expect_eq "the helper leaves cleanly after it" "$?" 0
expect_grep "a device that is not a camera is refused: 107" '"id":3,"error":107' "$T/p"
expect_grep "in words" 'does not answer as a Video4Linux2 camera' "$T/p"

# ---- through casedesk
S=$T/cam.casedesk
export CASEDESK_STORE=$S CASEDESK_USER=clerk CASEDESK_KEY=$T/key
head -c 32 /dev/urandom >"$CASEDESK_KEY"
chmod 600 "$CASEDESK_KEY"
$CD init --office TBS --training >/dev/null
P=$($CD person add --surname Delta --given Person --dob 1983 --sex X --nationality XXA)
CASEDESK_CAMERA=$T/no-camera expect_rc "enrol --camera without a camera: exit 8" 8 $CD enrol "$P" --camera
expect_grep "saying there is no camera, in the helper's words" "no camera is connected: give a photo file instead" "$T/err"
CASEDESK_CAMERA=/dev/null expect_rc "enrol --camera on a device that is not a camera: exit 8" 8 $CD enrol "$P" --camera
expect_grep "saying so" "Video4Linux2" "$T/err"
expect_eq "nothing stored" "$(sqlite3 "$S" 'SELECT count(*) FROM biometric')" 0

# ---- the TUI: Enter alone at the face prompt asks the camera
if ! command -v tmux >/dev/null 2>&1; then fail "tmux is installed"; exit 0; fi
start cam clerk "CASEDESK_KEY=$CASEDESK_KEY" "CASEDESK_ENROL=$HELPER" CASEDESK_CAMERA=/dev/null
t_camera() {
	wait_for cam "Worklist" || return
	keys cam /
	wait_for cam "Find:" || return
	type_text cam "Delta"
	wait_for cam "^ $P " || return
	keys cam Enter
	wait_for cam "^ Person $P" || return
	keys cam b
	wait_for cam "^ Biometrics — $P" || return
	keys cam f
	see "f offers the camera" cam "Enter alone for the camera" || return
	keys cam Enter
	see "a device that is not a camera is said in words" cam "Video4Linux2" 30 || return
	keys cam f
	see "the screen still answers: f prompts again" cam "Enter alone for the camera" || return
	keys cam Escape
	see "Esc leaves the prompt" cam "no face photo taken" || return
	expect_eq "nothing stored from the TUI" "$(sqlite3 "$S" 'SELECT count(*) FROM biometric')" 0
}
t_camera
quit cam
