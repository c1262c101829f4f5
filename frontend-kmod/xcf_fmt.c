// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What the module knows about a FOURCC: V4L2's own table first, then the
 * packed single-plane formats cameraif allows that older kernels' table
 * lacks (6.1 has no 'Y16 ', 'AR15' or 'AR15-BE', though V4L2 defines
 * them), then the compressed formats the backend sizes by its own rule.
 */
#include <linux/kernel.h>
#include <linux/videodev2.h>

#include <media/v4l2-common.h>

#include "xcf.h"

struct xcf_packed {
	u32 fourcc;
	u8 bpp;		/* bytes per pixel, one plane, no subsampling */
	bool yuv;
};

/* Every entry is also a V4L2 format (videodev2.h), so ENUM_FMT names it. */
static const struct xcf_packed xcf_packed_formats[] = {
	{ V4L2_PIX_FMT_Y10, 2, true },
	{ V4L2_PIX_FMT_Y12, 2, true },
	{ V4L2_PIX_FMT_Y16, 2, true },
	{ V4L2_PIX_FMT_Y16_BE, 2, true },
	{ V4L2_PIX_FMT_AYUV32, 4, true },
	{ V4L2_PIX_FMT_XYUV32, 4, true },
	{ V4L2_PIX_FMT_VUYA32, 4, true },
	{ V4L2_PIX_FMT_VUYX32, 4, true },
	{ V4L2_PIX_FMT_RGB565X, 2, false },
	{ V4L2_PIX_FMT_RGB555X, 2, false },
	{ V4L2_PIX_FMT_ARGB555, 2, false },
	{ V4L2_PIX_FMT_XRGB555, 2, false },
	{ V4L2_PIX_FMT_ARGB555X, 2, false },
	{ V4L2_PIX_FMT_XRGB555X, 2, false },
	{ V4L2_PIX_FMT_SBGGR16, 2, false },
	{ V4L2_PIX_FMT_SGBRG16, 2, false },
	{ V4L2_PIX_FMT_SGRBG16, 2, false },
	{ V4L2_PIX_FMT_SRGGB16, 2, false },
};

/**
 * xen_camera_front_fmt_describe() - how frames of a FOURCC are laid out
 * @fourcc: V4L2 FOURCC, bit 31 for -BE
 * @format: its mem_planes, compressed, yuv and packed_bpp are set
 *
 * Return: true when the module can offer the format.
 */
bool xen_camera_front_fmt_describe(u32 fourcc, struct xcf_format *format)
{
	const struct v4l2_format_info *info = v4l2_format_info(fourcc);
	unsigned int i;

	format->compressed = false;
	format->packed_bpp = 0;
	if (info) {
		if (info->mem_planes < 1 ||
		    info->mem_planes > XENCAMERA_MAX_PLANE)
			return false;
		format->mem_planes = info->mem_planes;
		format->yuv = v4l2_is_format_yuv(info);
		return true;
	}
	format->mem_planes = 1;
	for (i = 0; i < ARRAY_SIZE(xcf_packed_formats); i++) {
		if (xcf_packed_formats[i].fourcc == fourcc) {
			format->packed_bpp = xcf_packed_formats[i].bpp;
			format->yuv = xcf_packed_formats[i].yuv;
			return true;
		}
	}
	format->compressed = true;
	format->yuv = true;
	return fourcc == V4L2_PIX_FMT_MJPEG || fourcc == V4L2_PIX_FMT_JPEG;
}
