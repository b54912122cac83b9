/*
 * enrol.h - the device back-ends of casedesk-enrol, which main.c calls: finger.c through
 * libfprint, face.c from image files or camera.c's camera.  They answer through io.h
 * (the running request, the reply writer, cancellation).  Not used by casedesk itself;
 * the protocol is in protocol.h.
 */
#ifndef CD_ENROL_H
#define CD_ENROL_H

#include <stddef.h>

#include "model/base/buf.h"
#include "model/base/json.h"
#include "app/enrol/io.h"

/* Fingers (libfprint). */
int finger_discover(struct cd_buf *devices, int *count);
void finger_info(struct enrol_req *r);
void finger_capture(struct enrol_req *r);
void finger_verify(struct enrol_req *r);
void finger_gallery_add(struct enrol_req *r);
void finger_gallery_clear(struct enrol_req *r);
void finger_identify(struct enrol_req *r);
void finger_shutdown(void);

/* Face from an image file, or from the camera when the request names no file. */
void face_capture(struct enrol_req *r);

/* The camera (enrol_camera.c, Video4Linux2): CASEDESK_CAMERA, else /dev/video0. */
const char *camera_path(void);
int camera_present(void);
/*
 * One still from the camera as a binary PPM appended to `ppm`.  NULL on success (*code
 * 0); else the reason in words and *code from the protocol's table (100 no camera, 102
 * timeout, 103 cancelled, 107 device failure, 109 unsupported camera).
 */
const char *camera_capture(int timeout_ms, struct cd_buf *ppm, int *code);

#endif
