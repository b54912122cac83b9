/*
 * enrol_camera.c - a face photo from a camera through Video4Linux2, the kernel's camera
 * interface, which every USB (UVC) webcam speaks.
 *
 * One still per capture: the device is opened, asked for YUYV 4:2:2 at 640x480 (the one
 * format every UVC camera offers; MJPEG would need a JPEG decoder for nothing), streamed
 * through mmap'd buffers, the first frames are dropped while exposure and white balance
 * settle, one frame is converted to a PPM (model/pnm.c) and the device is closed again, so
 * that the camera's light goes off between people.  The photo then passes the same checks
 * as a photo file (enrol_face.c).  Every wait is a poll() against the request's deadline in
 * slices short enough to notice a cancel.
 *
 * The camera is CASEDESK_CAMERA, else /dev/video0.  Tests: the conversion has unit tests
 * (tests/test_pnm.c); no camera and no v4l2loopback exist where the tests run, so the
 * device path here is exercised only by its "no camera" answer (tests/t_enrol.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "model/base/clock.h"
#include "model/base/pnm.h"
#include "app/enrol/enrol.h"

#define CAMERA_DEFAULT "/dev/video0"
#define CAMERA_W 640
#define CAMERA_H 480
#define CAMERA_BUFFERS 4
#define SETTLE_FRAMES 10           /* about a third of a second at 30 frames a second */
#define POLL_SLICE_MS 100

const char *camera_path(void)
{
	const char *p = getenv("CASEDESK_CAMERA");
	return p && *p ? p : CAMERA_DEFAULT;
}

int camera_present(void)
{
	struct stat sb;
	return stat(camera_path(), &sb) == 0 && S_ISCHR(sb.st_mode);
}

static int xioctl(int fd, unsigned long request, void *arg)
{
	int r;
	do
		r = ioctl(fd, request, arg);
	while (r == -1 && errno == EINTR);
	return r;
}

struct mapping {
	void *start;
	size_t length;
};

const char *camera_capture(int timeout_ms, struct cd_buf *ppm, int *code)
{
	struct mapping maps[CAMERA_BUFFERS] = { { NULL, 0 } };
	struct v4l2_capability cap;
	struct v4l2_format fmt;
	struct v4l2_requestbuffers req;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	const char *why = NULL;
	unsigned n_maps = 0;
	int streaming = 0, frames = 0;
	long deadline = cd_monotonic_ms() + (timeout_ms > 0 ? timeout_ms : 10000);

	*code = BW_EDEVICE;
	int fd = open(camera_path(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*code = errno == ENOENT || errno == ENODEV ? BW_ENODEVICE : BW_EDEVICE;
		return "the camera cannot be opened (missing, or in use by another program)";
	}
	memset(&cap, 0, sizeof cap);
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
		why = "the camera device does not answer as a Video4Linux2 camera";
		goto out;
	}
	unsigned caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
	if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
		*code = BW_EUNSUPPORTED;
		why = "the video device cannot capture pictures";
		goto out;
	}
	memset(&fmt, 0, sizeof fmt);
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.width = CAMERA_W;
	fmt.fmt.pix.height = CAMERA_H;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt) != 0 || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV) {
		*code = BW_EUNSUPPORTED;
		why = "the camera does not offer YUYV pictures, the only format read";
		goto out;
	}
	size_t stride = fmt.fmt.pix.bytesperline >= fmt.fmt.pix.width * 2 ? fmt.fmt.pix.bytesperline
									   : fmt.fmt.pix.width * 2;
	memset(&req, 0, sizeof req);
	req.count = CAMERA_BUFFERS;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 2) {
		why = "the camera gives no capture buffers";
		goto out;
	}
	for (n_maps = 0; n_maps < req.count && n_maps < CAMERA_BUFFERS; n_maps++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = n_maps };
		if (xioctl(fd, VIDIOC_QUERYBUF, &b) != 0)
			break;
		maps[n_maps].length = b.length;
		maps[n_maps].start = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (maps[n_maps].start == MAP_FAILED) {
			maps[n_maps].start = NULL;
			break;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b) != 0) {
			n_maps++;
			break;
		}
	}
	if (n_maps < 2 || xioctl(fd, VIDIOC_STREAMON, &type) != 0) {
		why = "the camera does not start streaming";
		goto out;
	}
	streaming = 1;
	for (;;) {
		if (enrol_cancel_requested()) {
			*code = BW_ECANCELLED;
			why = "cancelled";
			goto out;
		}
		long left = deadline - cd_monotonic_ms();
		if (left <= 0) {
			*code = BW_ETIMEOUT;
			why = "the camera sent no picture in time";
			goto out;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = poll(&p, 1, left < POLL_SLICE_MS ? (int)left : POLL_SLICE_MS);
		if (ready < 0 && errno != EINTR) {
			why = "waiting for the camera failed";
			goto out;
		}
		if (ready <= 0)
			continue;
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
		if (xioctl(fd, VIDIOC_DQBUF, &b) != 0) {
			if (errno == EAGAIN)
				continue;
			why = "the camera went away during the capture";
			goto out;
		}
		int usable = b.index < n_maps && maps[b.index].start && !(b.flags & V4L2_BUF_FLAG_ERROR) &&
			     b.bytesused >= stride * fmt.fmt.pix.height;
		if (usable && ++frames > SETTLE_FRAMES) {
			if (pnm_from_yuyv(maps[b.index].start, (int)fmt.fmt.pix.width, (int)fmt.fmt.pix.height, stride,
					  ppm) != 0) {
				*code = BW_EINTERNAL;
				why = "the camera's picture cannot be converted";
			} else {
				*code = BW_OK;
			}
			goto out;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b) != 0) {
			why = "the camera went away during the capture";
			goto out;
		}
	}
out:
	if (streaming)
		xioctl(fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < n_maps; i++)
		if (maps[i].start)
			munmap(maps[i].start, maps[i].length);
	close(fd);
	return *code == BW_OK ? NULL : why;
}
