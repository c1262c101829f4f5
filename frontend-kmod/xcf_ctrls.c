// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The camera's controls: brightness, contrast, saturation and
 * hue as the backend enumerates them (CTRL_ENUM), set with CTRL_SET, read
 * with CTRL_GET (initial and volatile values), and changed by CTRL_CHANGE
 * events from other guests of the same camera.
 *
 * A CTRL_CHANGE arrives in the event thread, which must not sleep on the
 * control handler's lock (an ioctl may hold it while it waits for a reply
 * that same thread delivers), so a work item applies it.
 */
#include <linux/slab.h>

#include "xcf.h"

static const u32 xcf_cids[XENCAMERA_MAX_CTRL] = {
	[XENCAMERA_CTRL_BRIGHTNESS] = V4L2_CID_BRIGHTNESS,
	[XENCAMERA_CTRL_CONTRAST] = V4L2_CID_CONTRAST,
	[XENCAMERA_CTRL_SATURATION] = V4L2_CID_SATURATION,
	[XENCAMERA_CTRL_HUE] = V4L2_CID_HUE,
};

static int ctrl_type(const struct xcf_cam *cam, const struct v4l2_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < XENCAMERA_MAX_CTRL; i++)
		if (cam->ctrls[i] == ctrl)
			return i;
	return -EINVAL;
}

static int ctrl_get(struct xcf_cam *cam, unsigned int type, s64 *value)
{
	struct xencamera_req req = { .operation = XENCAMERA_OP_CTRL_GET };
	struct xencamera_resp resp;
	int ret;

	req.req.get_ctrl.type = type;
	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	if (resp.resp.ctrl_value.type != type)
		return -EIO;
	*value = resp.resp.ctrl_value.value;
	return 0;
}

static int xcf_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct xcf_cam *cam = container_of(ctrl->handler, struct xcf_cam, hdl);
	struct xencamera_req req = { .operation = XENCAMERA_OP_CTRL_SET };
	int type = ctrl_type(cam, ctrl);

	/* A value the backend told us about goes nowhere. */
	if (cam->ctrl_from_be)
		return 0;
	if (type < 0)
		return type;
	req.req.ctrl_value.type = type;
	req.req.ctrl_value.value = ctrl->val;
	return xen_camera_front_call(cam->ch, &req, NULL);
}

static int xcf_g_volatile_ctrl(struct v4l2_ctrl *ctrl)
{
	struct xcf_cam *cam = container_of(ctrl->handler, struct xcf_cam, hdl);
	int type = ctrl_type(cam, ctrl);
	s64 value;
	int ret;

	if (type < 0)
		return type;
	ret = ctrl_get(cam, type, &value);
	if (ret)
		return ret;
	if (value < ctrl->minimum || value > ctrl->maximum)
		return -EIO;
	ctrl->val = value;
	return 0;
}

static const struct v4l2_ctrl_ops xcf_ctrl_ops = {
	.s_ctrl = xcf_s_ctrl,
	.g_volatile_ctrl = xcf_g_volatile_ctrl,
};

/* Sets a control's value without sending it back (handler lock held). */
static void set_from_backend(struct xcf_cam *cam, struct v4l2_ctrl *ctrl,
			     s64 value)
{
	if (value < ctrl->minimum || value > ctrl->maximum)
		return;
	cam->ctrl_from_be = true;
	__v4l2_ctrl_s_ctrl(ctrl, value);
	cam->ctrl_from_be = false;
}

static void ctrl_work(struct work_struct *work)
{
	struct xcf_cam *cam = container_of(work, struct xcf_cam, ctrl_work);
	unsigned int type;

	for (type = 0; type < XENCAMERA_MAX_CTRL; type++) {
		struct v4l2_ctrl *ctrl = cam->ctrls[type];
		bool pending;
		s64 value;

		spin_lock_irq(&cam->ctrl_lock);
		pending = __test_and_clear_bit(type, &cam->pending_mask);
		value = cam->pending_val[type];
		spin_unlock_irq(&cam->ctrl_lock);
		if (!pending || !ctrl)
			continue;
		v4l2_ctrl_lock(ctrl);
		set_from_backend(cam, ctrl, value);
		v4l2_ctrl_unlock(ctrl);
	}
}

/**
 * xen_camera_front_ctrls_changed() - CTRL_CHANGE from the event thread
 * @cam: the camera
 * @type: XENCAMERA_CTRL_*, below XENCAMERA_MAX_CTRL
 * @value: the new value (range-checked when applied)
 */
void xen_camera_front_ctrls_changed(struct xcf_cam *cam, u8 type, s64 value)
{
	unsigned long flags;

	spin_lock_irqsave(&cam->ctrl_lock, flags);
	cam->pending_val[type] = value;
	__set_bit(type, &cam->pending_mask);
	spin_unlock_irqrestore(&cam->ctrl_lock, flags);
	queue_work(xen_camera_front_wq, &cam->ctrl_work);
}

/* One CTRL_ENUM reply to a V4L2 control; -EINVAL ends the list. */
static int add_control(struct xcf_cam *cam, unsigned int index)
{
	struct device *dev = &cam->front->xb_dev->dev;
	struct xencamera_req req = { .operation = XENCAMERA_OP_CTRL_ENUM };
	struct xencamera_ctrl_enum_resp e;
	struct xencamera_resp resp;
	struct v4l2_ctrl *ctrl;
	s64 value;
	int ret;

	req.req.index.index = index;
	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	e = resp.resp.ctrl_enum;
	if (e.type >= XENCAMERA_MAX_CTRL || cam->ctrls[e.type] ||
	    e.min > e.max || e.step < 1 || e.min < S32_MIN || e.max > S32_MAX ||
	    e.step > (s64)e.max - e.min + 1 || e.def_val < e.min ||
	    e.def_val > e.max) {
		dev_err(dev, "control %u: invalid description\n", index);
		return -EIO;
	}
	ctrl = v4l2_ctrl_new_std(&cam->hdl, &xcf_ctrl_ops, xcf_cids[e.type],
				 e.min, e.max, e.step, e.def_val);
	if (!ctrl)
		return cam->hdl.error ?: -ENOMEM;
	if (e.flags & XENCAMERA_CTRL_FLG_RO)
		ctrl->flags |= V4L2_CTRL_FLAG_READ_ONLY;
	if (e.flags & XENCAMERA_CTRL_FLG_WO)
		ctrl->flags |= V4L2_CTRL_FLAG_WRITE_ONLY;
	if (e.flags & XENCAMERA_CTRL_FLG_VOLATILE)
		ctrl->flags |= V4L2_CTRL_FLAG_VOLATILE |
			       V4L2_CTRL_FLAG_EXECUTE_ON_WRITE;
	cam->ctrls[e.type] = ctrl;

	/* No CTRL_CHANGE tells us the value at connect: ask. */
	if (!(e.flags & XENCAMERA_CTRL_FLG_WO) && !ctrl_get(cam, e.type, &value)) {
		v4l2_ctrl_lock(ctrl);
		set_from_backend(cam, ctrl, value);
		v4l2_ctrl_unlock(ctrl);
	}
	return 0;
}

/**
 * xen_camera_front_ctrls_init() - build the control handler from CTRL_ENUM
 * @cam: the camera (not yet registered)
 *
 * Return: 0 or a negative errno; free with xen_camera_front_ctrls_free().
 */
int xen_camera_front_ctrls_init(struct xcf_cam *cam)
{
	unsigned int i;
	int ret;

	spin_lock_init(&cam->ctrl_lock);
	INIT_WORK(&cam->ctrl_work, ctrl_work);
	v4l2_ctrl_handler_init(&cam->hdl, XENCAMERA_MAX_CTRL);
	for (i = 0; i < XENCAMERA_MAX_CTRL; i++) {
		ret = add_control(cam, i);
		if (ret == -EINVAL)	/* past the last control */
			break;
		if (ret)
			return ret;
	}
	return cam->hdl.error;
}

/**
 * xen_camera_front_ctrls_free() - stop pending work and free the handler
 * @cam: the camera; its event channel no longer delivers events
 */
void xen_camera_front_ctrls_free(struct xcf_cam *cam)
{
	cancel_work_sync(&cam->ctrl_work);
	v4l2_ctrl_handler_free(&cam->hdl);
}
