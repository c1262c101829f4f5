// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The video device: formats, frame sizes and rates, inputs,
 * and the camera's life from connect to the release of its last user.
 *
 * The backend's configuration is authoritative: S_FMT is CONFIG_SET, and the
 * layout it reports (BUF_GET_LAYOUT) becomes bytesperline/sizeimage. TRY_FMT
 * asks CONFIG_VALIDATE and sizes the answer like V4L2 does, which the
 * backend matches. Every reply is checked against the XenStore
 * configuration before it is shown to anyone.
 *
 * Both the single- and the multi-planar API are offered on one node; the
 * vb2 queue takes the type of the first REQBUFS/CREATE_BUFS. Formats with
 * more than one memory plane exist only in the multi-planar API.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "xcf.h"

#define XCF_MAX_DIM 16384

static u32 map_value(u32 value, const u8 *table, unsigned int n)
{
	return value < n ? table[value] : 0;
}

static const u8 xcf_colorspaces[] = {
	V4L2_COLORSPACE_DEFAULT, V4L2_COLORSPACE_SMPTE170M,
	V4L2_COLORSPACE_REC709, V4L2_COLORSPACE_SRGB, V4L2_COLORSPACE_OPRGB,
	V4L2_COLORSPACE_BT2020, V4L2_COLORSPACE_DCI_P3,
};

static const u8 xcf_xfer_funcs[] = {
	V4L2_XFER_FUNC_DEFAULT, V4L2_XFER_FUNC_709, V4L2_XFER_FUNC_SRGB,
	V4L2_XFER_FUNC_OPRGB, V4L2_XFER_FUNC_NONE, V4L2_XFER_FUNC_DCI_P3,
	V4L2_XFER_FUNC_SMPTE2084,
};

static const u8 xcf_ycbcr_encs[] = {
	V4L2_YCBCR_ENC_DEFAULT, V4L2_YCBCR_ENC_601, V4L2_YCBCR_ENC_709,
	V4L2_YCBCR_ENC_XV601, V4L2_YCBCR_ENC_XV709, V4L2_YCBCR_ENC_BT2020,
	V4L2_YCBCR_ENC_BT2020_CONST_LUM,
};

static const u8 xcf_quantizations[] = {
	V4L2_QUANTIZATION_DEFAULT, V4L2_QUANTIZATION_FULL_RANGE,
	V4L2_QUANTIZATION_LIM_RANGE,
};

static struct xcf_cam *file_cam(struct file *file)
{
	return video_drvdata(file);
}

/* ---- checking what the backend says ---- */

/* A CONFIG_* reply must name a configured format, resolution and rate. */
static const struct xcf_format *check_config(struct xcf_cam *cam,
					     const struct xencamera_config_resp *c)
{
	const struct xcf_format *format;
	const struct xcf_resolution *res;

	format = xen_camera_front_cfg_find(cam->cfg, c->pixel_format);
	res = format ? xen_camera_front_cfg_find_res(format, c->width,
						     c->height) : NULL;
	if (!res || !xen_camera_front_cfg_has_rate(res, c->frame_rate_numer,
						   c->frame_rate_denom)) {
		dev_err_ratelimited(&cam->front->xb_dev->dev,
				    "backend chose a configuration we do not have\n");
		return NULL;
	}
	return format;
}

static int check_layout(struct xcf_cam *cam, const struct xcf_format *format,
			const struct xencamera_buf_get_layout_resp *l)
{
	u64 sum = 0;
	unsigned int p;

	if (l->num_planes != format->mem_planes || !l->size ||
	    l->size > XCF_MAX_BUFFER_SIZE)
		goto bad;
	for (p = 0; p < l->num_planes; p++) {
		if (!l->plane_size[p] || l->plane_size[p] > l->size ||
		    l->plane_stride[p] > l->plane_size[p])
			goto bad;
		sum += round_up((u64)l->plane_size[p], XEN_PAGE_SIZE);
	}
	/* Planes after the first start on a page of their own. */
	if (l->num_planes > 1 && sum > l->size)
		goto bad;
	return 0;
bad:
	dev_err_ratelimited(&cam->front->xb_dev->dev,
			    "backend reported an impossible buffer layout\n");
	return -EIO;
}

/* The layout V4L2 gives a format: what TRY_FMT reports. */
static int local_layout(const struct xcf_format *format, u32 width, u32 height,
			struct xencamera_buf_get_layout_resp *l)
{
	struct v4l2_pix_format_mplane mp = {};
	unsigned int p;
	u64 size = 0;

	memset(l, 0, sizeof(*l));
	if (format->packed_bpp) {
		u64 stride = (u64)width * format->packed_bpp;

		if (stride > XCF_MAX_BUFFER_SIZE)
			return -EINVAL;
		l->num_planes = 1;
		l->plane_stride[0] = stride;
		size = stride * height;
		l->plane_size[0] = min_t(u64, size, U32_MAX);
	} else if (!format->compressed) {
		if (v4l2_fill_pixfmt_mp(&mp, format->fourcc, width, height))
			return -EINVAL;
		l->num_planes = mp.num_planes;
		for (p = 0; p < mp.num_planes; p++) {
			l->plane_size[p] = mp.plane_fmt[p].sizeimage;
			l->plane_stride[p] = mp.plane_fmt[p].bytesperline;
			size += mp.num_planes > 1 ?
				round_up((u64)l->plane_size[p], XEN_PAGE_SIZE) :
				l->plane_size[p];
		}
	} else {
		/* MJPEG/JPEG: the backend's worst case for a frame. */
		size = (u64)ALIGN(width, 16) * ALIGN(height, 16) * 3 + 65536;
		l->num_planes = 1;
		l->plane_size[0] = min_t(u64, size, U32_MAX);
	}
	if (size > XCF_MAX_BUFFER_SIZE)
		return -EINVAL;
	l->size = size;
	return 0;
}

static int call_config(struct xcf_cam *cam, u8 op, u32 fourcc, u32 width,
		       u32 height, struct xencamera_config_resp *out)
{
	struct xencamera_req req = { .operation = op };
	struct xencamera_resp resp;
	int ret;

	req.req.config.pixel_format = fourcc;
	req.req.config.width = width;
	req.req.config.height = height;
	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	*out = resp.resp.config;
	return 0;
}

/* CONFIG_GET and BUF_GET_LAYOUT into cam->cur. */
static int refresh_cur(struct xcf_cam *cam)
{
	struct xencamera_req req = { .operation = XENCAMERA_OP_CONFIG_GET };
	struct xencamera_resp resp;
	struct xcf_fmt fmt;
	int ret;

	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	fmt.config = resp.resp.config;
	fmt.format = check_config(cam, &fmt.config);
	if (!fmt.format)
		return -EIO;
	memset(&req, 0, sizeof(req));
	req.operation = XENCAMERA_OP_BUF_GET_LAYOUT;
	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	fmt.layout = resp.resp.buf_layout;
	ret = check_layout(cam, fmt.format, &fmt.layout);
	if (ret)
		return ret;
	cam->cur = fmt;
	return 0;
}

/**
 * xen_camera_front_set_format() - CONFIG_SET, then read back what is in force
 * @cam: the camera, cam->lock held, vb2 not busy
 * @fourcc: a configured format
 * @width: pixels
 * @height: lines
 *
 * Return: 0 or a negative errno.
 */
int xen_camera_front_set_format(struct xcf_cam *cam, u32 fourcc,
				u32 width, u32 height)
{
	struct xencamera_config_resp c;
	int ret;

	ret = xen_camera_front_vb2_release_be_bufs(cam);
	if (ret)
		return ret;
	ret = call_config(cam, XENCAMERA_OP_CONFIG_SET, fourcc, width, height,
			  &c);
	if (ret)
		return ret;
	return refresh_cur(cam);
}

/* ---- formats ---- */

static bool single_planar(u32 type)
{
	return type == V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

/*
 * A node offers one buffer API: V4L2's core enumerates formats only for the
 * type its device_caps name, and v4l2-compliance refuses nodes with both.
 */
static int multiplanar = -1;
module_param(multiplanar, int, 0444);
MODULE_PARM_DESC(multiplanar,
		 "Buffer API: -1 multi-planar when a format needs it (default), 0 single-planar (such formats hidden), 1 multi-planar");

static bool node_type(const struct xcf_cam *cam, u32 type)
{
	return type == cam->buf_type;
}

/* The format to use when the requested one is not available to the API. */
static const struct xcf_format *pick_format(struct xcf_cam *cam, u32 fourcc,
					    bool single)
{
	const struct xcf_format *format;
	unsigned int i;

	format = xen_camera_front_cfg_find(cam->cfg, fourcc);
	if (format && (!single || format->mem_planes == 1))
		return format;
	for (i = 0; i < cam->cfg->num_formats; i++)
		if (!single || cam->cfg->formats[i].mem_planes == 1)
			return &cam->cfg->formats[i];
	return NULL;
}

static void fill_mp(const struct xencamera_config_resp *c,
		    const struct xcf_format *format,
		    const struct xencamera_buf_get_layout_resp *l,
		    struct v4l2_pix_format_mplane *mp)
{
	unsigned int p;

	memset(mp, 0, sizeof(*mp));
	mp->width = c->width;
	mp->height = c->height;
	mp->pixelformat = c->pixel_format;
	mp->field = V4L2_FIELD_NONE;
	mp->colorspace = map_value(c->colorspace, xcf_colorspaces,
				   ARRAY_SIZE(xcf_colorspaces));
	if (mp->colorspace == V4L2_COLORSPACE_DEFAULT)
		mp->colorspace = format->yuv ?
				 V4L2_COLORSPACE_SMPTE170M :
				 V4L2_COLORSPACE_SRGB;
	mp->xfer_func = map_value(c->xfer_func, xcf_xfer_funcs,
				  ARRAY_SIZE(xcf_xfer_funcs));
	mp->ycbcr_enc = map_value(c->ycbcr_enc, xcf_ycbcr_encs,
				  ARRAY_SIZE(xcf_ycbcr_encs));
	mp->quantization = map_value(c->quantization, xcf_quantizations,
				     ARRAY_SIZE(xcf_quantizations));
	mp->num_planes = l->num_planes;
	for (p = 0; p < l->num_planes; p++) {
		mp->plane_fmt[p].sizeimage = l->plane_size[p];
		mp->plane_fmt[p].bytesperline = l->plane_stride[p];
	}
}

static void fill_format(struct v4l2_format *f,
			const struct xencamera_config_resp *c,
			const struct xcf_format *format,
			const struct xencamera_buf_get_layout_resp *l)
{
	struct v4l2_pix_format_mplane mp;
	struct v4l2_pix_format *pix = &f->fmt.pix;

	fill_mp(c, format, l, &mp);
	if (!single_planar(f->type)) {
		f->fmt.pix_mp = mp;
		return;
	}
	memset(pix, 0, sizeof(*pix));
	pix->width = mp.width;
	pix->height = mp.height;
	pix->pixelformat = mp.pixelformat;
	pix->field = mp.field;
	pix->bytesperline = mp.plane_fmt[0].bytesperline;
	pix->sizeimage = mp.plane_fmt[0].sizeimage;
	pix->colorspace = mp.colorspace;
	pix->xfer_func = mp.xfer_func;
	pix->ycbcr_enc = mp.ycbcr_enc;
	pix->quantization = mp.quantization;
}

static void requested(const struct v4l2_format *f, u32 *fourcc, u32 *w, u32 *h)
{
	if (single_planar(f->type)) {
		*fourcc = f->fmt.pix.pixelformat;
		*w = f->fmt.pix.width;
		*h = f->fmt.pix.height;
	} else {
		*fourcc = f->fmt.pix_mp.pixelformat;
		*w = f->fmt.pix_mp.width;
		*h = f->fmt.pix_mp.height;
	}
}

/* CONFIG_VALIDATE: what S_FMT would give, without changing anything. */
static int try_format(struct xcf_cam *cam, struct v4l2_format *f)
{
	bool single = single_planar(f->type);
	struct xencamera_buf_get_layout_resp l;
	const struct xcf_format *format;
	struct xencamera_config_resp c;
	u32 fourcc, w, h;
	int ret;

	requested(f, &fourcc, &w, &h);
	format = pick_format(cam, fourcc, single);
	if (!format)
		return -EINVAL;
	ret = call_config(cam, XENCAMERA_OP_CONFIG_VALIDATE, format->fourcc,
			  clamp(w, 1u, (u32)XCF_MAX_DIM),
			  clamp(h, 1u, (u32)XCF_MAX_DIM), &c);
	if (ret)
		return ret;
	format = check_config(cam, &c);
	if (!format || (single && format->mem_planes != 1))
		return -EIO;
	if (format == cam->cur.format && c.width == cam->cur.config.width &&
	    c.height == cam->cur.config.height) {
		l = cam->cur.layout;
	} else {
		ret = local_layout(format, c.width, c.height, &l);
		if (ret)
			return ret;
	}
	fill_format(f, &c, format, &l);
	return 0;
}

static int xcf_try_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	if (!node_type(file_cam(file), f->type))
		return -EINVAL;
	return try_format(file_cam(file), f);
}

static int get_format(struct xcf_cam *cam, struct v4l2_format *f)
{
	/* The single-planar API shows what it would get with S_FMT. */
	if (single_planar(f->type) && cam->cur.format->mem_planes != 1) {
		f->fmt.pix.pixelformat = 0;
		f->fmt.pix.width = cam->cur.config.width;
		f->fmt.pix.height = cam->cur.config.height;
		return try_format(cam, f);
	}
	fill_format(f, &cam->cur.config, cam->cur.format, &cam->cur.layout);
	return 0;
}

static int xcf_g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	if (!node_type(file_cam(file), f->type))
		return -EINVAL;
	return get_format(file_cam(file), f);
}

static int xcf_s_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct xcf_cam *cam = file_cam(file);
	u32 fourcc, w, h;
	int ret;

	if (!node_type(cam, f->type))
		return -EINVAL;
	if (vb2_is_busy(&cam->queue))
		return -EBUSY;
	ret = try_format(cam, f);
	if (ret)
		return ret;
	requested(f, &fourcc, &w, &h);
	ret = xen_camera_front_set_format(cam, fourcc, w, h);
	if (ret)
		return ret;
	fill_format(f, &cam->cur.config, cam->cur.format, &cam->cur.layout);
	return 0;
}

static int enum_fmt(struct xcf_cam *cam, struct v4l2_fmtdesc *f, bool single)
{
	unsigned int i, n = 0;

	for (i = 0; i < cam->cfg->num_formats; i++) {
		const struct xcf_format *format = &cam->cfg->formats[i];

		if (single && format->mem_planes != 1)
			continue;
		if (n++ != f->index)
			continue;
		f->pixelformat = format->fourcc;
		f->flags = format->compressed ? V4L2_FMT_FLAG_COMPRESSED : 0;
		/* V4L2 names the formats it knows; this is for the rest. */
		snprintf(f->description, sizeof(f->description), "%p4cc",
			 &format->fourcc);
		return 0;
	}
	return -EINVAL;
}

/* V4L2 calls this for both buffer types. */
static int xcf_enum_fmt_cap(struct file *file, void *priv,
			    struct v4l2_fmtdesc *f)
{
	if (!node_type(file_cam(file), f->type))
		return -EINVAL;
	return enum_fmt(file_cam(file), f, single_planar(f->type));
}

static int xcf_enum_framesizes(struct file *file, void *priv,
			       struct v4l2_frmsizeenum *fs)
{
	const struct xcf_format *format;

	format = xen_camera_front_cfg_find(file_cam(file)->cfg,
					   fs->pixel_format);
	if (!format || fs->index >= format->num_res)
		return -EINVAL;
	fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	fs->discrete.width = format->res[fs->index].width;
	fs->discrete.height = format->res[fs->index].height;
	return 0;
}

static int xcf_enum_frameintervals(struct file *file, void *priv,
				   struct v4l2_frmivalenum *fi)
{
	const struct xcf_format *format;
	const struct xcf_resolution *res;

	format = xen_camera_front_cfg_find(file_cam(file)->cfg,
					   fi->pixel_format);
	res = format ? xen_camera_front_cfg_find_res(format, fi->width,
						     fi->height) : NULL;
	if (!res || fi->index >= res->num_rates)
		return -EINVAL;
	fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	/* An interval is the inverse of a rate. */
	fi->discrete.numerator = res->rates[fi->index].denom;
	fi->discrete.denominator = res->rates[fi->index].numer;
	return 0;
}

/* ---- streaming parameters ---- */

static int xcf_g_parm(struct file *file, void *priv, struct v4l2_streamparm *a)
{
	struct xcf_cam *cam = file_cam(file);
	struct v4l2_captureparm *cp = &a->parm.capture;

	if (!node_type(cam, a->type))
		return -EINVAL;
	memset(cp, 0, sizeof(*cp));
	cp->capability = V4L2_CAP_TIMEPERFRAME;
	cp->timeperframe.numerator = cam->cur.config.frame_rate_denom;
	cp->timeperframe.denominator = cam->cur.config.frame_rate_numer;
	return 0;
}

static int xcf_s_parm(struct file *file, void *priv, struct v4l2_streamparm *a)
{
	struct xcf_cam *cam = file_cam(file);
	struct v4l2_fract *tpf = &a->parm.capture.timeperframe;
	struct xencamera_req req = { .operation = XENCAMERA_OP_FRAME_RATE_SET };
	const struct xcf_resolution *res;
	int ret;

	if (!node_type(cam, a->type))
		return -EINVAL;
	res = xen_camera_front_cfg_find_res(cam->cur.format,
					    cam->cur.config.width,
					    cam->cur.config.height);
	if (!res)
		return -EIO;
	if (!tpf->numerator || !tpf->denominator) {	/* the nominal rate */
		req.req.frame_rate.frame_rate_numer = res->rates[0].numer;
		req.req.frame_rate.frame_rate_denom = res->rates[0].denom;
	} else {
		req.req.frame_rate.frame_rate_numer = tpf->denominator;
		req.req.frame_rate.frame_rate_denom = tpf->numerator;
	}
	ret = xen_camera_front_call(cam->ch, &req, NULL);
	if (ret)
		return ret;
	ret = refresh_cur(cam);
	if (ret)
		return ret;
	return xcf_g_parm(file, priv, a);
}

/* ---- inputs ---- */

static int xcf_enum_input(struct file *file, void *priv,
			  struct v4l2_input *inp)
{
	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, "Camera", sizeof(inp->name));
	return 0;
}

static int xcf_g_input(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int xcf_s_input(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}

static int xcf_querycap(struct file *file, void *priv,
			struct v4l2_capability *cap)
{
	struct xcf_cam *cam = file_cam(file);

	/* KBUILD_MODNAME does not fit the 16 bytes of cap->driver. */
	strscpy(cap->driver, "xen_camera", sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "Virtual camera %d",
		 cam->front->dev_id);
	snprintf(cap->bus_info, sizeof(cap->bus_info),
		 "platform:xen-vcamera-%d", cam->front->dev_id);
	return 0;
}

/* ---- buffers: the queue takes the API type the application uses ---- */

static int use_type(struct xcf_cam *cam, u32 type)
{
	struct vb2_queue *q = &cam->queue;
	int ret;

	if (!node_type(cam, type))
		return -EINVAL;
	if (vb2_is_busy(q))
		return type == q->type ? 0 : -EBUSY;
	ret = vb2_queue_change_type(q, type);
	if (ret)
		return ret;
	/* The single-planar API gets the format its G_FMT showed. */
	if (single_planar(type) && cam->cur.format->mem_planes != 1) {
		struct v4l2_format f = { .type = type };
		u32 fourcc, w, h;

		ret = get_format(cam, &f);
		if (ret)
			return ret;
		requested(&f, &fourcc, &w, &h);
		ret = xen_camera_front_set_format(cam, fourcc, w, h);
	}
	return ret;
}

static int xcf_reqbufs(struct file *file, void *priv,
		       struct v4l2_requestbuffers *p)
{
	struct xcf_cam *cam = file_cam(file);
	int ret;

	if (vb2_queue_is_busy(&cam->queue, file))
		return -EBUSY;
	ret = use_type(cam, p->type);
	if (ret)
		return ret;
	ret = vb2_ioctl_reqbufs(file, priv, p);
	if (!ret && !p->count)
		xen_camera_front_vb2_release_be_bufs(cam);
	return ret;
}

static int xcf_create_bufs(struct file *file, void *priv,
			   struct v4l2_create_buffers *p)
{
	struct xcf_cam *cam = file_cam(file);
	int ret;

	if (vb2_queue_is_busy(&cam->queue, file))
		return -EBUSY;
	ret = use_type(cam, p->format.type);
	if (ret)
		return ret;
	return vb2_ioctl_create_bufs(file, priv, p);
}

static const struct v4l2_ioctl_ops xcf_ioctl_ops = {
	.vidioc_querycap = xcf_querycap,
	.vidioc_enum_fmt_vid_cap = xcf_enum_fmt_cap,
	.vidioc_g_fmt_vid_cap = xcf_g_fmt,
	.vidioc_s_fmt_vid_cap = xcf_s_fmt,
	.vidioc_try_fmt_vid_cap = xcf_try_fmt,
	.vidioc_g_fmt_vid_cap_mplane = xcf_g_fmt,
	.vidioc_s_fmt_vid_cap_mplane = xcf_s_fmt,
	.vidioc_try_fmt_vid_cap_mplane = xcf_try_fmt,
	.vidioc_enum_framesizes = xcf_enum_framesizes,
	.vidioc_enum_frameintervals = xcf_enum_frameintervals,
	.vidioc_g_parm = xcf_g_parm,
	.vidioc_s_parm = xcf_s_parm,
	.vidioc_enum_input = xcf_enum_input,
	.vidioc_g_input = xcf_g_input,
	.vidioc_s_input = xcf_s_input,

	.vidioc_reqbufs = xcf_reqbufs,
	.vidioc_create_bufs = xcf_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,

	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

/* Closing the queue's owner frees its buffers: give the backend's back. */
static int xcf_release(struct file *file)
{
	struct xcf_cam *cam = file_cam(file);
	int ret = vb2_fop_release(file);

	mutex_lock(&cam->lock);
	if (!READ_ONCE(cam->gone))
		xen_camera_front_vb2_release_be_bufs(cam);
	mutex_unlock(&cam->lock);
	return ret;
}

static const struct v4l2_file_operations xcf_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = xcf_release,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/* ---- the camera's life ---- */

static void cam_release(struct video_device *vdev)
{
	struct xcf_cam *cam = container_of(vdev, struct xcf_cam, vdev);
	struct xcf_front *front = cam->front;

	xen_camera_front_vb2_cleanup(cam);
	xen_camera_front_ctrls_free(cam);
	v4l2_device_unregister(&cam->v4l2_dev);
	mutex_destroy(&cam->lock);
	kfree(cam);
	xen_camera_front_cam_released(front);
	xen_camera_front_put(front);
}

/**
 * xen_camera_front_cam_create() - query the backend and register /dev/videoN
 * @front: the device, its channel connected (front->lock held)
 *
 * Return: the registered camera or an ERR_PTR.
 */
struct xcf_cam *xen_camera_front_cam_create(struct xcf_front *front)
{
	struct device *dev = &front->xb_dev->dev;
	struct video_device *vdev;
	unsigned int i, single_formats;
	struct xcf_cam *cam;
	bool mplane;
	int ret;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return ERR_PTR(-ENOMEM);
	cam->front = front;
	cam->ch = &front->ch;
	cam->cfg = &front->cfg;
	mutex_init(&cam->lock);
	spin_lock_init(&cam->qlock);
	INIT_LIST_HEAD(&cam->active);
	mplane = multiplanar > 0;
	single_formats = 0;
	for (i = 0; i < cam->cfg->num_formats; i++) {
		if (cam->cfg->formats[i].mem_planes != 1)
			mplane |= multiplanar < 0;
		else
			single_formats++;
	}
	if (!mplane && !single_formats) {
		dev_err(dev, "every format needs the multi-planar API (multiplanar=0)\n");
		ret = -EINVAL;
		goto fail_free;
	}
	cam->caps = mplane ? V4L2_CAP_VIDEO_CAPTURE_MPLANE :
			     V4L2_CAP_VIDEO_CAPTURE;
	cam->buf_type = mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
				 V4L2_BUF_TYPE_VIDEO_CAPTURE;

	/*
	 * The backend starts with its first configured format, which may be
	 * one we skipped (unknown to V4L2): then ask for our first one.
	 */
	ret = refresh_cur(cam);
	if (ret == -EIO) {
		const struct xcf_format *format = &cam->cfg->formats[0];

		ret = xen_camera_front_set_format(cam, format->fourcc,
						  format->res[0].width,
						  format->res[0].height);
	}
	/* A single-planar node starts on a format it can show. */
	if (!ret && !mplane && cam->cur.format->mem_planes != 1) {
		const struct xcf_format *format = pick_format(cam, 0, true);

		ret = xen_camera_front_set_format(cam, format->fourcc,
						  format->res[0].width,
						  format->res[0].height);
	}
	if (ret)
		goto fail_free;
	ret = v4l2_device_register(dev, &cam->v4l2_dev);
	if (ret)
		goto fail_free;
	ret = xen_camera_front_ctrls_init(cam);
	if (ret)
		goto fail_ctrls;
	ret = xen_camera_front_vb2_init(cam);
	if (ret)
		goto fail_ctrls;

	vdev = &cam->vdev;
	snprintf(vdev->name, sizeof(vdev->name), "vcamera-%d", front->dev_id);
	vdev->fops = &xcf_fops;
	vdev->ioctl_ops = &xcf_ioctl_ops;
	vdev->release = cam_release;
	vdev->v4l2_dev = &cam->v4l2_dev;
	vdev->queue = &cam->queue;
	vdev->lock = &cam->lock;
	vdev->ctrl_handler = &cam->hdl;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->device_caps = cam->caps | V4L2_CAP_STREAMING;
	if (cam->cfg->be_alloc)	/* the backend's pages are not ours to export */
		v4l2_disable_ioctl(vdev, VIDIOC_EXPBUF);
	video_set_drvdata(vdev, cam);

	xen_camera_front_get(front);	/* dropped by cam_release() */
	atomic_inc(&front->cams_alive);
	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret) {
		atomic_dec(&front->cams_alive);
		xen_camera_front_put(front);
		goto fail_ctrls;
	}
	return cam;
fail_ctrls:
	xen_camera_front_ctrls_free(cam);
	v4l2_device_unregister(&cam->v4l2_dev);
fail_free:
	mutex_destroy(&cam->lock);
	kfree(cam);
	dev_err(dev, "cannot create the camera: %d\n", ret);
	return ERR_PTR(ret);
}

/**
 * xen_camera_front_cam_unregister() - the connection is gone: remove the node
 * @cam: the camera; its channel is already destroyed (front->lock held)
 *
 * Streaming stops and every buffer is returned and unshared now; open file
 * handles get -ENODEV until they close, and the last close frees the camera.
 */
void xen_camera_front_cam_unregister(struct xcf_cam *cam)
{
	WRITE_ONCE(cam->gone, true);
	vb2_video_unregister_device(&cam->vdev);
}
