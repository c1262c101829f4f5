/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Shared types of xen-camera-front, the cameraif V4L2 frontend.
 *
 * Objects and their lifetimes:
 *  - struct xcf_front: one per xenbus "vcamera" device, from probe until the
 *    last reference goes (remove drops probe's; every live camera holds one;
 *    a queued state-machine work holds one).
 *  - struct xcf_channel: the request ring and event page of one connection,
 *    embedded in the front and re-created on every connection.
 *  - struct xcf_cam: the V4L2 side of one connection (video_device, vb2 queue,
 *    controls). It is unregistered when the connection ends and freed by the
 *    video_device release callback once the last file handle is closed.
 *
 * Lock order (outer first): front->lock, cam->lock (ioctls and the vb2
 * queue), the control handler lock, ch->req_lock (one request in flight),
 * then the spinlocks ch->lock, cam->qlock and cam->ctrl_lock, which nest in
 * nothing and are the only locks the event thread takes.
 */
#ifndef XCF_H
#define XCF_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-v4l2.h>

#include <xen/xen-front-pgdir-shbuf.h>
#include <xen/xenbus.h>

#include <vcamera/cameraif.h>

#include "xcf_compat.h"

/* Bounds on the XenStore configuration (the backend's parser uses the same). */
#define XCF_MAX_FORMATS		64
#define XCF_MAX_RESOLUTIONS	64
#define XCF_MAX_RATES		16
/* No buffer may be larger than this, whatever the backend says. */
#define XCF_MAX_BUFFER_SIZE	(256u << 20)

struct xcf_frame_rate {
	u32 numer;
	u32 denom;
};

struct xcf_resolution {
	u32 width;
	u32 height;
	unsigned int num_rates;
	struct xcf_frame_rate rates[XCF_MAX_RATES];
};

struct xcf_format {
	u32 fourcc;			/* V4L2 code, bit 31 for -BE */
	unsigned int mem_planes;	/* V4L2 memory planes (1 for MJPEG) */
	bool compressed;		/* MJPEG/JPEG: payload from used_sz */
	bool yuv;			/* default colorspace SMPTE170M, not sRGB */
	u8 packed_bpp;			/* not in V4L2's table: bytes per pixel */
	unsigned int num_res;
	struct xcf_resolution *res;	/* sorted by width, then height */
};

/* The toolstack's configuration of one device (XenStore, read-only to us). */
struct xcf_cfg {
	bool be_alloc;
	u8 max_buffers;
	unsigned long controls;		/* bit XENCAMERA_CTRL_x: listed */
	unsigned int num_formats;
	struct xcf_format *formats;	/* sorted by node name */
	char *unique_id;
};

struct xcf_cam;
struct xcf_front;

struct xcf_channel {
	struct xcf_front *front;
	struct mutex req_lock;		/* one request in flight */
	spinlock_t lock;		/* everything below */
	bool created;
	bool connected;			/* the backend answers requests */
	struct xcf_cam *cam;		/* where events go (NULL: dropped) */

	struct xen_cameraif_front_ring ring;
	grant_ref_t req_gref;
	evtchn_port_t req_port;
	int req_irq;

	struct xencamera_event_page *evt_page;
	grant_ref_t evt_gref;
	evtchn_port_t evt_port;
	int evt_irq;
	u32 evt_cons;			/* private copy, never read back */
	u16 evt_next_id;

	u16 next_id;
	bool waiting;			/* a caller waits for wait_id */
	u16 wait_id;
	u8 wait_op;
	int wait_status;
	struct xencamera_resp wait_resp;
	struct completion done;
};

struct xcf_front {
	struct kref ref;
	struct xenbus_device *xb_dev;	/* device reference held */
	int dev_id;
	struct mutex lock;		/* state machine, cam */
	bool removing;
	struct xcf_cfg cfg;
	struct xcf_channel ch;
	struct xcf_cam *cam;		/* registered camera, if connected */
	atomic_t cams_alive;		/* cameras not yet released */
	struct work_struct state_work;
};

/* The current configuration: the backend's CONFIG_* reply and its layout. */
struct xcf_fmt {
	const struct xcf_format *format;
	struct xencamera_config_resp config;
	struct xencamera_buf_get_layout_resp layout;
};

struct xcf_cam {
	struct xcf_front *front;	/* reference held */
	struct xcf_channel *ch;
	const struct xcf_cfg *cfg;
	bool gone;			/* unregistered (WRITE_ONCE) */

	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct mutex lock;		/* ioctls, vb2 queue, cur, be_bufs */
	struct vb2_queue queue;
	u32 caps;			/* V4L2_CAP_VIDEO_CAPTURE or _MPLANE: one API per node */
	u32 buf_type;			/* the node's V4L2_BUF_TYPE_VIDEO_CAPTURE(_MPLANE) */
	struct xcf_fmt cur;
	u8 be_bufs;			/* BUF_REQUEST count the backend holds */

	spinlock_t qlock;		/* active, streaming, seq_* */
	struct list_head active;	/* buffers the backend may fill */
	bool streaming;			/* FRAME_AVAIL completes buffers */
	bool seq_valid;			/* seq_base is set */
	u32 seq_base;			/* seq_num of the first frame since STREAMON */
	int queue_err;			/* a BUF_QUEUE that failed before STREAMON */
	struct work_struct done_work;	/* completes buffers filled during QBUF */

	struct v4l2_ctrl_handler hdl;
	struct v4l2_ctrl *ctrls[XENCAMERA_MAX_CTRL];
	bool ctrl_from_be;		/* under the handler lock */
	spinlock_t ctrl_lock;		/* pending_* */
	unsigned long pending_mask;
	s64 pending_val[XENCAMERA_MAX_CTRL];
	struct work_struct ctrl_work;
};

extern struct workqueue_struct *xen_camera_front_wq;

/*
 * Grant references of ours the backend may still use (made and not yet
 * ended or handed to the grant table's deferred list), and the backend's
 * we map (be-alloc); shown in debugfs, checked at unload.
 */
extern atomic_t xen_camera_front_granted;
extern atomic_t xen_camera_front_mapped;

/* xcf_cfg.c */
int xen_camera_front_cfg_read(struct xenbus_device *xb_dev,
			      struct xcf_cfg *cfg);
void xen_camera_front_cfg_free(struct xcf_cfg *cfg);
const struct xcf_format *xen_camera_front_cfg_find(const struct xcf_cfg *cfg,
						   u32 fourcc);
const struct xcf_resolution *
xen_camera_front_cfg_find_res(const struct xcf_format *format,
			      u32 width, u32 height);
bool xen_camera_front_cfg_has_rate(const struct xcf_resolution *res,
				   u32 numer, u32 denom);

/* xcf_fmt.c */
bool xen_camera_front_fmt_describe(u32 fourcc, struct xcf_format *format);

/* xcf_channel.c */
int xen_camera_front_channel_create(struct xcf_front *front);
int xen_camera_front_channel_publish(struct xcf_front *front);
void xen_camera_front_channel_connect(struct xcf_channel *ch,
				      struct xcf_cam *cam);
void xen_camera_front_channel_destroy(struct xcf_channel *ch);
int xen_camera_front_call(struct xcf_channel *ch, struct xencamera_req *req,
			  struct xencamera_resp *resp);

/* xcf_v4l2.c */
struct xcf_cam *xen_camera_front_cam_create(struct xcf_front *front);
void xen_camera_front_cam_unregister(struct xcf_cam *cam);
int xen_camera_front_set_format(struct xcf_cam *cam, u32 fourcc,
				u32 width, u32 height);

/* xcf_vb2.c */
int xen_camera_front_vb2_init(struct xcf_cam *cam);
void xen_camera_front_vb2_frame_avail(struct xcf_cam *cam,
				      const struct xencamera_frame_avail_evt *e);
int xen_camera_front_vb2_release_be_bufs(struct xcf_cam *cam);
void xen_camera_front_vb2_cleanup(struct xcf_cam *cam);

/* xcf_ctrls.c */
int xen_camera_front_ctrls_init(struct xcf_cam *cam);
void xen_camera_front_ctrls_changed(struct xcf_cam *cam, u8 type, s64 value);
void xen_camera_front_ctrls_free(struct xcf_cam *cam);

/* xcf_main.c */
void xen_camera_front_get(struct xcf_front *front);
void xen_camera_front_put(struct xcf_front *front);
void xen_camera_front_cam_released(struct xcf_front *front);

#endif /* XCF_H */
