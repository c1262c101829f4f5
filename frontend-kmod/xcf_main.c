// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The module, the xenbus "vcamera" driver and its state machine.
 *
 * Connection: backend InitWait -> read the configuration, share the ring
 * and event page, publish them -> Initialised; backend Connected -> create
 * /dev/videoN -> Connected. Backend lost (it restarted, closed or went
 * away): the channel ends at once (waiters get -ENODEV), the video device is
 * unregistered, and we go Reconfiguring while a file handle still holds the
 * camera, Initialising once none does - and connect again as soon as the
 * backend is back in InitWait.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <xen/platform_pci.h>
#include <xen/xen.h>

#include "xcf.h"

struct workqueue_struct *xen_camera_front_wq;
atomic_t xen_camera_front_granted = ATOMIC_INIT(0);
atomic_t xen_camera_front_mapped = ATOMIC_INIT(0);
static struct dentry *xcf_debugfs;

static void front_release(struct kref *ref)
{
	struct xcf_front *front = container_of(ref, struct xcf_front, ref);

	xen_camera_front_cfg_free(&front->cfg);
	put_device(&front->xb_dev->dev);
	kfree(front);
}

static void front_put(struct xcf_front *front)
{
	kref_put(&front->ref, front_release);
}

/**
 * xen_camera_front_get() - take a reference on the device's front
 * @front: the front
 */
void xen_camera_front_get(struct xcf_front *front)
{
	kref_get(&front->ref);
}

/**
 * xen_camera_front_put() - drop a reference; the last one frees the front
 * @front: the front
 */
void xen_camera_front_put(struct xcf_front *front)
{
	front_put(front);
}

/* Backend in InitWait, we in Initialising: share and publish. */
static void connect_begin(struct xcf_front *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	int ret;

	xen_camera_front_cfg_free(&front->cfg);
	ret = xen_camera_front_cfg_read(xb_dev, &front->cfg);
	if (ret)
		goto fail;
	ret = xen_camera_front_channel_create(front);
	if (ret)
		goto fail;
	ret = xen_camera_front_channel_publish(front);
	if (ret)
		goto fail_channel;
	xenbus_switch_state(xb_dev, XenbusStateInitialised);
	return;
fail_channel:
	xen_camera_front_channel_destroy(&front->ch);
fail:
	xenbus_dev_fatal(xb_dev, ret, "connecting to the camera backend");
}

/* Backend Connected, we Initialised: make the camera. */
static void connect_finish(struct xcf_front *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	struct xcf_cam *cam;

	xen_camera_front_channel_connect(&front->ch, NULL);
	cam = xen_camera_front_cam_create(front);
	if (IS_ERR(cam)) {
		xen_camera_front_channel_destroy(&front->ch);
		xenbus_dev_fatal(xb_dev, PTR_ERR(cam), "creating the camera");
		return;
	}
	front->cam = cam;
	xen_camera_front_channel_connect(&front->ch, cam);
	xenbus_switch_state(xb_dev, XenbusStateConnected);
	dev_info(&xb_dev->dev, "camera %s is %s\n",
		 front->cfg.unique_id ?: "?", video_device_node_name(&cam->vdev));
}

/*
 * The backend went away (or restarted): drop the connection. BUF_DESTROY
 * cannot be sent any more; a buffer's pages are freed if its grants can be
 * ended (a backend that says Closed or InitWait has unmapped them), else
 * kept.
 */
static void lost(struct xcf_front *front, enum xenbus_state backend_state)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	bool in_use;

	if (xb_dev->state != XenbusStateInitialised &&
	    xb_dev->state != XenbusStateConnected)
		return;
	xen_camera_front_channel_destroy(&front->ch);
	if (front->cam) {
		xen_camera_front_cam_unregister(front->cam);
		front->cam = NULL;
	}
	/* Until its users have let go the camera still exists: wait. */
	in_use = atomic_read(&front->cams_alive);
	dev_info(&xb_dev->dev, "backend %s: camera removed%s\n",
		 xenbus_strstate(backend_state),
		 in_use ? ", reconnecting once its users close it" : "");
	xenbus_switch_state(xb_dev, in_use ? XenbusStateReconfiguring :
					     XenbusStateInitialising);
}

static void backend_changed(struct xenbus_device *xb_dev,
			    enum xenbus_state backend_state)
{
	struct xcf_front *front = dev_get_drvdata(&xb_dev->dev);

	mutex_lock(&front->lock);
	if (front->removing)
		goto out;
	dev_dbg(&xb_dev->dev, "backend %s, we %s\n",
		xenbus_strstate(backend_state), xenbus_strstate(xb_dev->state));
	switch (backend_state) {
	case XenbusStateInitWait:
		/*
		 * Only a restarted backend says InitWait to a connected
		 * frontend; while we are Initialised it has not read our
		 * (still valid) transport yet.
		 */
		if (xb_dev->state == XenbusStateConnected)
			lost(front, backend_state);
		if (xb_dev->state == XenbusStateReconfiguring)
			dev_info(&xb_dev->dev, "backend is back (InitWait), the old camera still open\n");
		/*
		 * After a failed connect we went Closing, then Closed (below):
		 * a backend offering InitWait again gets a fresh attempt.
		 */
		if (xb_dev->state == XenbusStateClosed &&
		    !atomic_read(&front->cams_alive))
			xenbus_switch_state(xb_dev, XenbusStateInitialising);
		if (xb_dev->state == XenbusStateInitialising)
			connect_begin(front);
		break;
	case XenbusStateConnected:
		if (xb_dev->state == XenbusStateInitialised)
			connect_finish(front);
		break;
	case XenbusStateClosed:
		/* We went Closing on a fatal error: finish the handshake. */
		if (xb_dev->state == XenbusStateClosing &&
		    !atomic_read(&front->cams_alive)) {
			xenbus_switch_state(xb_dev, XenbusStateClosed);
			break;
		}
		fallthrough;
	case XenbusStateInitialising:
	case XenbusStateClosing:
	case XenbusStateUnknown:
		lost(front, backend_state);
		break;
	default:
		break;
	}
out:
	mutex_unlock(&front->lock);
}

/* A camera was released: leave Reconfiguring, connect if we can. */
static void state_work(struct work_struct *work)
{
	struct xcf_front *front = container_of(work, struct xcf_front,
					       state_work);
	struct xenbus_device *xb_dev = front->xb_dev;

	mutex_lock(&front->lock);
	if (front->removing)
		goto out;
	if (xb_dev->state == XenbusStateReconfiguring &&
	    !atomic_read(&front->cams_alive))
		xenbus_switch_state(xb_dev, XenbusStateInitialising);
	if (xb_dev->state == XenbusStateInitialising &&
	    xenbus_read_driver_state(xb_dev->otherend) == XenbusStateInitWait)
		connect_begin(front);
out:
	mutex_unlock(&front->lock);
	front_put(front);
}

/**
 * xen_camera_front_cam_released() - a camera's last user is gone
 * @front: the device the camera belonged to (the caller holds a reference)
 *
 * Called from the video_device release callback, possibly with front->lock
 * held by this thread, so the state change is left to a work item.
 */
void xen_camera_front_cam_released(struct xcf_front *front)
{
	atomic_dec(&front->cams_alive);
	kref_get(&front->ref);
	if (!queue_work(xen_camera_front_wq, &front->state_work))
		front_put(front);
}

static int xcf_probe(struct xenbus_device *xb_dev,
		     const struct xenbus_device_id *id)
{
	struct xcf_front *front;
	const char *slash;
	int ret;

	front = kzalloc(sizeof(*front), GFP_KERNEL);
	if (!front)
		return -ENOMEM;
	kref_init(&front->ref);
	mutex_init(&front->lock);
	atomic_set(&front->cams_alive, 0);
	INIT_WORK(&front->state_work, state_work);
	front->xb_dev = xb_dev;
	get_device(&xb_dev->dev);
	front->ch.front = front;
	mutex_init(&front->ch.req_lock);
	spin_lock_init(&front->ch.lock);
	init_completion(&front->ch.done);

	slash = strrchr(xb_dev->nodename, '/');
	if (!slash || kstrtoint(slash + 1, 10, &front->dev_id))
		front->dev_id = 0;

	/* vb2-dma-sg maps buffers for this device; nothing bounces. */
	ret = dma_coerce_mask_and_coherent(&xb_dev->dev, DMA_BIT_MASK(64));
	if (ret) {
		front_put(front);
		return ret;
	}
	dev_set_drvdata(&xb_dev->dev, front);
	return xenbus_switch_state(xb_dev, XenbusStateInitialising);
}

static void xcf_remove(struct xenbus_device *xb_dev)
{
	struct xcf_front *front = dev_get_drvdata(&xb_dev->dev);

	mutex_lock(&front->lock);
	front->removing = true;
	xen_camera_front_channel_destroy(&front->ch);
	if (front->cam) {
		xen_camera_front_cam_unregister(front->cam);
		front->cam = NULL;
	}
	mutex_unlock(&front->lock);
	front_put(front);
}

static const struct xenbus_device_id xcf_ids[] = {
	{ XENCAMERA_DRIVER_NAME },
	{ "" }
};

static struct xenbus_driver xcf_driver = {
	.ids = xcf_ids,
	.probe = xcf_probe,
	.remove = xcf_remove,
	.otherend_changed = backend_changed,
	.not_essential = true,
};

static int __init xcf_init(void)
{
	int ret;

	if (!xen_domain() || !xen_has_pv_devices())
		return -ENODEV;
	/* Buffers are shared page by page in Xen's 4 KiB pages. */
	BUILD_BUG_ON(PAGE_SIZE != XEN_PAGE_SIZE);
	xen_camera_front_wq = alloc_workqueue("xen-camera-front", 0, 0);
	if (!xen_camera_front_wq)
		return -ENOMEM;
	ret = xenbus_register_frontend(&xcf_driver);
	if (ret) {
		destroy_workqueue(xen_camera_front_wq);
		return ret;
	}
	/* Optional: without debugfs these calls do nothing. */
	xcf_debugfs = debugfs_create_dir("xen-camera-front", NULL);
	debugfs_create_atomic_t("grants", 0444, xcf_debugfs,
				&xen_camera_front_granted);
	debugfs_create_atomic_t("mapped", 0444, xcf_debugfs,
				&xen_camera_front_mapped);
	return 0;
}

static void __exit xcf_exit(void)
{
	int granted, mapped;

	xenbus_unregister_driver(&xcf_driver);
	/* Drains state and control works queued by late releases. */
	destroy_workqueue(xen_camera_front_wq);
	debugfs_remove_recursive(xcf_debugfs);
	granted = atomic_read(&xen_camera_front_granted);
	mapped = atomic_read(&xen_camera_front_mapped);
	if (granted || mapped)
		pr_warn("xen-camera-front: unloaded with %d grant references not ended and %d of the backend's mapped\n",
			granted, mapped);
	else
		pr_info("xen-camera-front: unloaded; every grant reference ended, none of the backend's mapped\n");
}

module_init(xcf_init);
module_exit(xcf_exit);

MODULE_DESCRIPTION("Xen para-virtual camera frontend (cameraif)");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_ALIAS("xen:" XENCAMERA_DRIVER_NAME);
