// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The request ring, the event page and their event channels.
 *
 * Requests are serialised (ch->req_lock) and matched by id: a reply with
 * another id or operation (a late reply to a request that timed out) is
 * dropped. Both shared pages are written by the backend at any time, so each
 * reply and event is copied out of its slot once and only the copy is used;
 * indices are checked before they are followed.
 */
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "xcf.h"

static unsigned int timeout_ms = 3000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "How long to wait for a backend reply (ms, 100..60000)");

/* Event-page passes per interrupt before giving the CPU back. */
#define XCF_EVT_PASSES 4

static void fail_waiter(struct xcf_channel *ch, int err)
{
	if (ch->waiting) {
		ch->waiting = false;
		ch->wait_status = err;
		complete(&ch->done);
	}
}

static void take_reply(struct xcf_channel *ch, const struct xencamera_resp *r)
{
	struct device *dev = &ch->front->xb_dev->dev;

	if (!ch->waiting || r->id != ch->wait_id ||
	    r->operation != ch->wait_op) {
		dev_dbg(dev, "dropping reply id %u op %u\n", r->id,
			r->operation);
		return;
	}
	ch->wait_resp = *r;
	if (r->status == 0)
		ch->wait_status = 0;
	else if (r->status < 0 && r->status >= -EHWPOISON)
		/*
		 * XEN_Exx equal Linux errnos. Kernel-internal codes (512 and
		 * up: -ERESTARTSYS, -ENOIOCTLCMD...) must not reach the
		 * ioctl core or user space.
		 */
		ch->wait_status = r->status;
	else
		ch->wait_status = -EIO;
	ch->waiting = false;
	complete(&ch->done);
}

static irqreturn_t req_thread(int irq, void *data)
{
	struct xcf_channel *ch = data;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	RING_IDX rp, i;
	int more;

	spin_lock_irq(&ch->lock);
	if (!ch->connected)
		goto out;
	do {
		rp = READ_ONCE(ch->ring.sring->rsp_prod);
		virt_rmb();	/* replies after the index */
		/* Never more replies than requests sent: that bounds the loop. */
		if (rp - ch->ring.rsp_cons >
		    ch->ring.req_prod_pvt - ch->ring.rsp_cons) {
			dev_err(&ch->front->xb_dev->dev,
				"backend corrupted the request ring\n");
			ch->connected = false;
			fail_waiter(ch, -EIO);
			goto out;
		}
		for (i = ch->ring.rsp_cons; i != rp; i++) {
			struct xencamera_resp resp;

			memcpy(&resp, RING_GET_RESPONSE(&ch->ring, i),
			       sizeof(resp));
			eoi = 0;
			take_reply(ch, &resp);
		}
		ch->ring.rsp_cons = rp;
		RING_FINAL_CHECK_FOR_RESPONSES(&ch->ring, more);
	} while (more);
out:
	spin_unlock_irq(&ch->lock);
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

static void dispatch_event(struct xcf_channel *ch, struct xcf_cam *cam,
			   const struct xencamera_evt *evt)
{
	struct device *dev = &ch->front->xb_dev->dev;

	/* Ids count 0, 1, 2...; a gap is only logged: later events count. */
	if (evt->id != ch->evt_next_id)
		dev_dbg(dev, "event id %u, expected %u\n", evt->id,
			ch->evt_next_id);
	ch->evt_next_id = evt->id + 1;

	switch (evt->type) {
	case XENCAMERA_EVT_FRAME_AVAIL:
		if (cam)
			xen_camera_front_vb2_frame_avail(cam,
							 &evt->evt.frame_avail);
		break;
	case XENCAMERA_EVT_CTRL_CHANGE:
		if (cam && evt->evt.ctrl_value.type < XENCAMERA_MAX_CTRL)
			xen_camera_front_ctrls_changed(cam,
						       evt->evt.ctrl_value.type,
						       evt->evt.ctrl_value.value);
		break;
	default:
		dev_dbg(dev, "dropping event type %u\n", evt->type);
		break;
	}
}

static irqreturn_t evt_thread(int irq, void *data)
{
	struct xcf_channel *ch = data;
	struct xencamera_event_page *page = ch->evt_page;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	struct xcf_cam *cam;
	unsigned int pass;
	bool connected;

	spin_lock_irq(&ch->lock);
	connected = ch->connected;
	cam = ch->cam;	/* lives until after this irq is unbound */
	spin_unlock_irq(&ch->lock);
	if (!connected)
		goto out;

	for (pass = 0; pass < XCF_EVT_PASSES; pass++) {
		u32 prod = READ_ONCE(page->in_prod);

		virt_rmb();	/* events after the index */
		if (prod == ch->evt_cons)
			break;
		if (prod - ch->evt_cons > XENCAMERA_IN_RING_LEN) {
			dev_err_ratelimited(&ch->front->xb_dev->dev,
					    "backend corrupted the event page\n");
			ch->evt_cons = prod;	/* skip what cannot be trusted */
		}
		while (ch->evt_cons != prod) {
			struct xencamera_evt evt;

			memcpy(&evt, &XENCAMERA_IN_RING_REF(page, ch->evt_cons),
			       sizeof(evt));
			ch->evt_cons++;
			eoi = 0;
			dispatch_event(ch, cam, &evt);
		}
		virt_mb();	/* slots read before they are given back */
		WRITE_ONCE(page->in_cons, ch->evt_cons);
		virt_mb();	/* in_cons published before in_prod is re-read */
	}
out:
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

static int bind_port(struct xcf_channel *ch, evtchn_port_t *port, int *irq,
		     irq_handler_t thread, const char *what)
{
	struct xenbus_device *xb_dev = ch->front->xb_dev;
	int ret;

	ret = xenbus_alloc_evtchn(xb_dev, port);
	if (ret)
		return ret;
	ret = bind_evtchn_to_irq_lateeoi(*port);
	if (ret < 0) {
		xenbus_free_evtchn(xb_dev, *port);
		*port = 0;
		return ret;
	}
	*irq = ret;
	ret = request_threaded_irq(*irq, NULL, thread, IRQF_ONESHOT, what, ch);
	if (ret) {
		/*
		 * No unbind without a handler is exported: this one also
		 * closes the port (free_irq() complains, on this rare path).
		 */
		unbind_from_irqhandler(*irq, ch);
		*irq = 0;
		*port = 0;
	}
	return ret;
}

/*
 * Ends a page's grant and frees the page, or leaves both to the grant
 * table's deferred list while the backend still maps it: unlike
 * xenbus_teardown_ring(), never frees a page the backend can write (a
 * backend that had not let go before we tear down - device removal while
 * connected - still posts events to it).
 */
static void end_shared_page(void *vaddr, grant_ref_t *gref)
{
	if (*gref != INVALID_GRANT_REF) {
		gnttab_end_foreign_access(*gref, virt_to_page(vaddr));
		atomic_dec(&xen_camera_front_granted);
	} else
		free_page((unsigned long)vaddr);
	*gref = INVALID_GRANT_REF;
}

static void unbind_port(struct xcf_channel *ch, evtchn_port_t *port, int *irq)
{
	if (*irq > 0)
		unbind_from_irqhandler(*irq, ch);
	*irq = 0;
	*port = 0;
}

/**
 * xen_camera_front_channel_create() - share the ring and event page, bind
 * their event channels
 * @front: the device; front->ch must not be created
 *
 * Return: 0 or a negative errno; on failure nothing is left behind.
 */
int xen_camera_front_channel_create(struct xcf_front *front)
{
	struct xcf_channel *ch = &front->ch;
	struct xenbus_device *xb_dev = front->xb_dev;
	struct xen_cameraif_sring *sring;
	void *page;
	int ret;

	BUILD_BUG_ON(XENCAMERA_EVENT_PAGE_SIZE != XEN_PAGE_SIZE);
	ret = xenbus_setup_ring(xb_dev, GFP_NOIO | __GFP_HIGH, (void **)&sring,
				1, &ch->req_gref);
	if (ret)
		return ret;
	atomic_inc(&xen_camera_front_granted);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&ch->ring, sring, XEN_PAGE_SIZE);

	ret = xenbus_setup_ring(xb_dev, GFP_NOIO | __GFP_HIGH, &page, 1,
				&ch->evt_gref);
	if (ret)
		goto fail;
	atomic_inc(&xen_camera_front_granted);
	ch->evt_page = page;
	ch->evt_cons = 0;
	ch->evt_next_id = 0;
	ch->next_id = 0;
	ch->waiting = false;
	ch->created = true;

	ret = bind_port(ch, &ch->req_port, &ch->req_irq, req_thread,
			"xen-camera-front-req");
	if (ret)
		goto fail;
	ret = bind_port(ch, &ch->evt_port, &ch->evt_irq, evt_thread,
			"xen-camera-front-evt");
	if (ret)
		goto fail;
	return 0;
fail:
	xenbus_dev_error(xb_dev, ret, "creating the camera channels");
	xen_camera_front_channel_destroy(ch);
	return ret;
}

static bool backend_speaks_v1(struct xenbus_device *xb_dev)
{
	char *versions, *p, *tok;
	bool found = false;

	versions = xenbus_read(XBT_NIL, xb_dev->otherend,
			       XENCAMERA_FIELD_BE_VERSIONS, NULL);
	if (IS_ERR(versions))	/* the reference backend writes none: "1" */
		return PTR_ERR(versions) == -ENOENT;
	p = versions;
	while ((tok = strsep(&p, XENCAMERA_LIST_SEPARATOR)))
		if (!strcmp(tok, XENCAMERA_PROTOCOL_VERSION))
			found = true;
	kfree(versions);
	return found;
}

/**
 * xen_camera_front_channel_publish() - write the transport nodes and our
 * version in one XenStore transaction
 * @front: the device, with its channel created
 *
 * Return: 0 or a negative errno (reported to XenStore).
 */
int xen_camera_front_channel_publish(struct xcf_front *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	struct xcf_channel *ch = &front->ch;
	const char *path = xb_dev->nodename;
	struct xenbus_transaction xbt;
	unsigned int tries = 0;
	int ret;

	if (!backend_speaks_v1(xb_dev)) {
		xenbus_dev_error(xb_dev, -EPROTONOSUPPORT,
				 "backend does not speak cameraif %s",
				 XENCAMERA_PROTOCOL_VERSION);
		return -EPROTONOSUPPORT;
	}
again:
	ret = xenbus_transaction_start(&xbt);
	if (ret) {
		xenbus_dev_error(xb_dev, ret, "starting a transaction");
		return ret;
	}
	ret = xenbus_printf(xbt, path, XENCAMERA_FIELD_REQ_RING_REF, "%u",
			    ch->req_gref) ?:
	      xenbus_printf(xbt, path, XENCAMERA_FIELD_REQ_CHANNEL, "%u",
			    ch->req_port) ?:
	      xenbus_printf(xbt, path, XENCAMERA_FIELD_EVT_RING_REF, "%u",
			    ch->evt_gref) ?:
	      xenbus_printf(xbt, path, XENCAMERA_FIELD_EVT_CHANNEL, "%u",
			    ch->evt_port) ?:
	      xenbus_printf(xbt, path, XENCAMERA_FIELD_FE_VERSION, "%s",
			    XENCAMERA_PROTOCOL_VERSION);
	if (ret) {
		xenbus_transaction_end(xbt, 1);
		xenbus_dev_error(xb_dev, ret, "writing the transport");
		return ret;
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN && ++tries < 16)
		goto again;
	if (ret)
		xenbus_dev_error(xb_dev, ret, "completing the transaction");
	return ret;
}

/**
 * xen_camera_front_channel_connect() - the backend is connected: requests
 * may be sent and events go to @cam
 * @ch: the created channel
 * @cam: where events go, or NULL to drop them
 */
void xen_camera_front_channel_connect(struct xcf_channel *ch,
				      struct xcf_cam *cam)
{
	spin_lock_irq(&ch->lock);
	if (ch->created)
		ch->connected = true;
	ch->cam = cam;
	spin_unlock_irq(&ch->lock);
}

/**
 * xen_camera_front_channel_destroy() - end the connection
 * @ch: the channel; safe to call when not (or partly) created, and twice
 *
 * A caller waiting for a reply gets -ENODEV at once. When this returns
 * neither interrupt thread runs and nothing is delivered to the camera.
 */
void xen_camera_front_channel_destroy(struct xcf_channel *ch)
{
	spin_lock_irq(&ch->lock);
	ch->connected = false;
	fail_waiter(ch, -ENODEV);
	spin_unlock_irq(&ch->lock);

	unbind_port(ch, &ch->evt_port, &ch->evt_irq);
	unbind_port(ch, &ch->req_port, &ch->req_irq);

	spin_lock_irq(&ch->lock);
	ch->cam = NULL;
	ch->created = false;
	spin_unlock_irq(&ch->lock);

	/* Grants still mapped by the backend are ended once it unmaps. */
	if (ch->ring.sring) {
		end_shared_page(ch->ring.sring, &ch->req_gref);
		ch->ring.sring = NULL;
	}
	if (ch->evt_page) {
		end_shared_page(ch->evt_page, &ch->evt_gref);
		ch->evt_page = NULL;
	}
}

/**
 * xen_camera_front_call() - send one request and wait for its reply
 * @ch: the channel
 * @req: operation and payload, the rest zero; the id is set here
 * @resp: the reply when the status is 0 (may be NULL)
 *
 * Return: 0, the backend's error status, -ETIMEDOUT when no reply came in
 * time (a late one is dropped), -ENODEV when the backend is not connected.
 */
int xen_camera_front_call(struct xcf_channel *ch, struct xencamera_req *req,
			  struct xencamera_resp *resp)
{
	unsigned int ms = clamp(READ_ONCE(timeout_ms), 100u, 60000u);
	int notify, ret;

	mutex_lock(&ch->req_lock);
	spin_lock_irq(&ch->lock);
	if (!ch->connected) {
		ret = -ENODEV;
		goto unlock;
	}
	/* Replies to requests that timed out may still be owed. */
	if (RING_FULL(&ch->ring)) {
		ret = -EIO;
		goto unlock;
	}
	req->id = ch->next_id++;
	memcpy(RING_GET_REQUEST(&ch->ring, ch->ring.req_prod_pvt), req,
	       sizeof(*req));
	ch->ring.req_prod_pvt++;
	ch->waiting = true;
	ch->wait_id = req->id;
	ch->wait_op = req->operation;
	ch->wait_status = -EIO;
	reinit_completion(&ch->done);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ch->ring, notify);
	if (notify)
		notify_remote_via_irq(ch->req_irq);
	spin_unlock_irq(&ch->lock);

	wait_for_completion_timeout(&ch->done, msecs_to_jiffies(ms));

	spin_lock_irq(&ch->lock);
	if (ch->waiting) {
		ch->waiting = false;
		ret = -ETIMEDOUT;
		dev_warn_ratelimited(&ch->front->xb_dev->dev,
				     "operation %u timed out\n", req->operation);
	} else {
		ret = ch->wait_status;
		if (!ret && resp)
			*resp = ch->wait_resp;
	}
unlock:
	spin_unlock_irq(&ch->lock);
	mutex_unlock(&ch->req_lock);
	return ret;
}
