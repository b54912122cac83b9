/*
 * enrol_protocol.h - the protocol between casedesk and casedesk-enrol, the helper process
 * that owns the biometric devices.  Modelled on MOSIP's SBI (discover, info, capture with
 * quality scores, cancel), carried over pipes instead of HTTP.
 *
 * casedesk starts the helper and writes requests to its stdin; the helper writes replies
 * to its stdout.  One JSON object a line (UTF-8, "\n"-terminated, at most BW_LINE_MAX bytes),
 * flat: values are strings, numbers, true/false/null or arrays of strings.  The helper's
 * stderr carries no protocol (driver chatter at most) and never personal data.
 *
 * Every request has "cmd" and may have "id" (a number or a string) which the reply
 * echoes.  Every reply has "id" (null if the request had none or could not be read) and
 * "error" (the table below).  Lines with "event" are progress news sent before the reply
 * of a running request; a client may show them or skip them.
 *
 * Requests
 *   {"id":1,"cmd":"discover"}
 *       -> {"id":1,"error":0,"devices":["finger:virtual_image","face:file"],"count":2}
 *          one "modality:driver" string per device; error 100 with count 0 when none.
 *   {"id":2,"cmd":"info","modality":"finger"}
 *       -> {"id":2,"error":0,"modality":"finger","driver":"virtual_image","name":"...",
 *           "stages":5,"identify":true,"capture":true,"helper":"casedesk-enrol 1"}
 *   {"id":3,"cmd":"capture","modality":"finger","fingers":["right_index","left_index"],
 *    "timeout_ms":30000,"quality_threshold":40,"retries":3}
 *       -> per finger, in order:
 *          {"id":3,"event":"result","finger":"right_index","error":0,"quality":87,
 *           "attempts":1,"template":"BASE64"}
 *          then {"id":3,"error":0,"results":2}
 *       A finger's own error is 0, 102, 103, 104 (kept: its best "quality" and "template"
 *       come with it), 107 or 108 ("reason" in words); the final reply's error is 0 when
 *       every finger came back with a template, else the first finger's error.
 *       While the device waits: {"id":3,"event":"place","finger":"right_index","stage":2,"stages":5}.
 *   {"id":4,"cmd":"capture","modality":"face","file":"/path/photo.ppm","quality_threshold":40}
 *       -> {"id":4,"event":"result","finger":null,"error":0,"quality":71,"width":480,
 *           "height":600,"template":"BASE64 of the image file"} then {"id":4,"error":0,"results":1}
 *          108 with "reason" when the photo fails a check (too small, blank, no face region).
 *       Without "file", one still from the camera ("face:camera" in discover: CASEDESK_CAMERA,
 *       else /dev/video0; Video4Linux2, YUYV) within "timeout_ms", sent as a PPM file and
 *       checked the same way; 100 when there is no camera, 102, 103, 107 or 109 ("reason"
 *       in words) when it fails.
 *   {"id":5,"cmd":"verify","finger":"right_index","template":"BASE64","timeout_ms":30000}
 *       -> {"id":5,"error":0,"match":true}    (1:1; 110 when the template is not this device's)
 *   {"id":6,"cmd":"gallery_add","ref":"P-TBS-000123","template":"BASE64"}
 *       -> {"id":6,"error":0,"size":1,"added":1}  (kept in memory for identify; never written to disk)
 *   {"id":6,"cmd":"gallery_add","refs":["P-TBS-000123","P-TBS-000124"],"templates":["BASE64","BASE64"]}
 *       -> {"id":6,"error":0,"size":3,"added":2}  a batch (the lists of the same length, at most
 *          BW_MAX_ITEMS strings in all), all or nothing: a template that fails answers its error
 *          with "index" (0-based) and adds none of the batch.  casedesk sends 128 a line (a
 *          round trip per print made loading 10,000 about 1.5 times slower, tests/bench_bio.c).
 *   {"id":7,"cmd":"identify","finger":"right_index","timeout_ms":30000}
 *       -> {"id":7,"error":0,"match":true,"ref":"P-TBS-000123"}   (1:N, one touch)
 *          "finger" (optional) only names the finger in the "place" event.  libfprint matches a
 *          touch against prints, never a print against a print: any 1:N search costs a touch.
 *          timeout_ms bounds the wait for the touch and the matching after it (about 1 ms a
 *          print with the NBIS matcher of image devices).
 *   {"id":8,"cmd":"gallery_clear"}  -> {"id":8,"error":0,"size":0}
 *   {"id":9,"cmd":"cancel"}         -> {"id":9,"error":0,"cancelled":true|false}; the running
 *                                      request then ends with 103.
 *   {"id":10,"cmd":"status"}        -> {"id":10,"error":0,"busy":true|false,"cmd":"capture"|null}
 *   {"id":11,"cmd":"quit"}          -> {"id":11,"error":0}, then the helper exits 0.
 *   End of input does the same as quit.
 *
 *   cancel and status are answered at once, even while another request runs; any other
 *   request while one runs gets 101.
 *
 * Errors (enum bw_error in model/biometric_wire.h)
 *   0   ok
 *   100 no device for the modality
 *   101 device busy (another request is running)
 *   102 timeout: nothing usable within timeout_ms
 *   103 cancelled
 *   104 quality below quality_threshold after `retries` further attempts (the best sample
 *       comes with its score)
 *   105 bad request: not a protocol line, unknown cmd, missing or malformed member
 *   106 internal error of the helper
 *   107 device error (failed, unplugged)
 *   108 sample unusable, "reason" says why (face checks)
 *   109 unsupported by this device
 *   110 template not usable by this device
 *
 * Quality is 0-100.  Fingers: min(100, 2.5 x the minutiae libfprint's NBIS detector finds in
 * the quality capture) - a heuristic, not NFIQ 2.  Face: from contrast and the size of the
 * face region (see enrol_face.c) - equally a heuristic.
 *
 * Finger templates are libfprint prints (fp_print_serialize), opaque to casedesk and bound
 * to the driver that made them; a face "template" is the photo file itself.
 *
 * Test-only: CASEDESK_ENROL_FAULT=crash|hang|garbage makes the helper abort, stop
 * answering, or write a non-protocol line once it receives its first capture, verify or
 * identify request, simulating a hardware or driver fault; CASEDESK_ENROL_FAULT=early
 * does the same garbage on the very first request.  KIND:CMD limits it to one command,
 * e.g. crash:identify (a fault during an enrolment's duplicate search only).
 *
 * How casedesk uses identify at enrolment (model/biometric.h, bio_duplicate_search): before
 * the first finger of a session that other people of the office have enrolled is captured,
 * it loads their latest template of that finger (gallery_clear, gallery_add in batches) and
 * asks for one touch (identify with "finger"); then gallery_clear, and the capture of that
 * finger as usual.  Nobody to search against costs no touch.
 */
#ifndef CD_ENROL_PROTOCOL_H
#define CD_ENROL_PROTOCOL_H

#include "model/bio/wire.h"

#define ENROL_HELPER_NAME "casedesk-enrol"
#define ENROL_HELPER_VERSION "casedesk-enrol 1"

#endif
