// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The videobuf2 queue and how its buffers are shared.
 *
 * Frontend-allocated buffers (MMAP, USERPTR, DMABUF) come from vb2-dma-sg;
 * their pages are granted through one page directory per buffer: the pages
 * holding plane 0, then those holding plane 1, ... A plane may start inside
 * its first page (malloc()ed USERPTR memory does), so plane_offset[i] in
 * BUF_CREATE is 4096 * (pages before plane i) + its offset in its first
 * page. The backend maps ceil(size / 4096) pages, so a shorter list is
 * padded with zeroed pages and a longer one refused (-EINVAL: the layout's
 * size leaves no room for that offset).
 *
 * be-alloc buffers (MMAP only, one memory plane) are the backend's pages,
 * mapped over unpopulated pages of ours (xcf_bealloc_memops). Their grants
 * are unmapped only when the last user mapping is gone.
 *
 * Vb2 buffer ops map to the protocol as: queue_setup BUF_REQUEST, buf_init
 * BUF_CREATE, buf_queue BUF_QUEUE, buf_finish BUF_DEQUEUE (of a filled
 * buffer), buf_cleanup BUF_DESTROY, start/stop_streaming STREAM_START/STOP.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <media/videobuf2-dma-sg.h>
#include <media/videobuf2-memops.h>

#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "xcf.h"

struct xcf_buffer {
	struct vb2_v4l2_buffer vb;	/* first: vb2 allocates us */
	struct list_head list;		/* on cam->active, else empty */
	bool shared;			/* BUF_CREATE acknowledged */
	bool needs_dequeue;		/* filled: BUF_DEQUEUE owed */
	bool queueing;			/* BUF_QUEUE not answered (qlock) */
	bool early;			/* filled while queueing (qlock) */
	bool compressed;		/* payload is FRAME_AVAIL's used_sz */
	u32 payload[XENCAMERA_MAX_PLANE];
	/* frontend-allocated only */
	struct xen_front_pgdir_shbuf shbuf;
	struct page **pages;
	unsigned int num_pages;
	unsigned int num_data;		/* pages[num_data..] are padding */
};

static struct xcf_buffer *to_xcf_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct xcf_buffer, vb);
}

static int send_index(struct xcf_cam *cam, u8 op, u8 index)
{
	struct xencamera_req req = { .operation = op };

	req.req.index.index = index;
	return xen_camera_front_call(cam->ch, &req, NULL);
}

static int send_simple(struct xcf_cam *cam, u8 op)
{
	struct xencamera_req req = { .operation = op };

	return xen_camera_front_call(cam->ch, &req, NULL);
}

static unsigned int layout_pages(const struct xcf_cam *cam)
{
	return DIV_ROUND_UP(cam->cur.layout.size, XEN_PAGE_SIZE);
}

static int request_bufs(struct xcf_cam *cam, unsigned int count)
{
	struct xencamera_req req = { .operation = XENCAMERA_OP_BUF_REQUEST };
	struct xencamera_resp resp;
	int ret;

	req.req.buf_request.num_bufs = count;
	ret = xen_camera_front_call(cam->ch, &req, &resp);
	if (ret)
		return ret;
	if (resp.resp.buf_request.num_bufs > count)
		return -EIO;
	cam->be_bufs = resp.resp.buf_request.num_bufs;
	return cam->be_bufs;
}

/**
 * xen_camera_front_vb2_release_be_bufs() - BUF_REQUEST(0) if the backend
 * still holds buffers vb2 no longer has (it locks the format until then)
 * @cam: the camera, cam->lock held
 *
 * Return: 0 or a negative errno.
 */
int xen_camera_front_vb2_release_be_bufs(struct xcf_cam *cam)
{
	int ret;

	if (!cam->be_bufs || xcf_vb2_num_buffers(&cam->queue))
		return 0;
	ret = request_bufs(cam, 0);
	if (ret == -ENODEV)
		cam->be_bufs = 0;
	return ret < 0 ? ret : 0;
}

static int queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
		       unsigned int *nplanes, unsigned int sizes[],
		       struct device *alloc_devs[])
{
	struct xcf_cam *cam = vb2_get_drv_priv(q);
	const struct xencamera_buf_get_layout_resp *l = &cam->cur.layout;
	unsigned int existing = xcf_vb2_num_buffers(q);
	unsigned int p, total;
	int ret;

	if (!V4L2_TYPE_IS_MULTIPLANAR(q->type) && l->num_planes != 1)
		return -EINVAL;
	if (cam->cfg->be_alloc && l->num_planes != 1)
		return -EINVAL;	/* one backend buffer, one vb2 plane */
	/*
	 * A PV guest's page tables may point at another domain's page only
	 * through a grant operation per entry (what gntdev does); an
	 * ordinary mapping of the backend's pages into user space is refused
	 * by Xen and the first access faults. Refuse before that.
	 */
	if (cam->cfg->be_alloc && xen_pv_domain()) {
		dev_warn_once(&cam->front->xb_dev->dev,
			      "be-alloc buffers cannot be mapped into a PV guest's user space\n");
		return -EOPNOTSUPP;
	}
	if (*nplanes) {
		if (*nplanes != l->num_planes)
			return -EINVAL;
		for (p = 0; p < *nplanes; p++)
			if (sizes[p] < l->plane_size[p])
				return -EINVAL;
	} else {
		*nplanes = l->num_planes;
		for (p = 0; p < *nplanes; p++)
			sizes[p] = l->plane_size[p];
	}

	total = min_t(unsigned int, existing + *nbuffers, cam->cfg->max_buffers);
	if (total <= existing)
		return -ENOBUFS;
	ret = request_bufs(cam, total);
	if (ret < 0)
		return ret;
	if (ret <= existing)
		return -ENOBUFS;
	*nbuffers = ret - existing;
	return 0;
}

/*
 * Frees what collect_pages() and share_fe_alloc() set up. The grant table,
 * not the backend's reply, says whether the backend still maps a page: each
 * grant is ended here atomically (the library would end them without
 * holding their pages, freeing a page still mapped), and if one is still in
 * use - no reply to BUF_DESTROY, a backend that lies or is gone without
 * unmapping - every page is kept (leaked) and that grant ended later.
 */
static void unshare_pages(struct xcf_cam *cam, struct xcf_buffer *buf)
{
	bool acked = true;
	unsigned int i;

	if (!buf->pages)
		return;
	for (i = 0; buf->shbuf.grefs && i < buf->shbuf.num_grefs; i++) {
		if (buf->shbuf.grefs[i] == INVALID_GRANT_REF)
			continue;
		if (gnttab_try_end_foreign_access(buf->shbuf.grefs[i]))
			buf->shbuf.grefs[i] = INVALID_GRANT_REF;
		else
			acked = false;
	}
	if (!acked) {
		for (i = 0; i < buf->num_pages; i++)
			if (buf->pages[i])
				get_page(buf->pages[i]);
		dev_warn_ratelimited(&cam->front->xb_dev->dev,
				     "buffer %u not released by the backend: its %u pages are kept\n",
				     buf->vb.vb2_buf.index, buf->num_pages);
	}
	/* Those not ended above are ended (or deferred) by the library. */
	if (buf->shbuf.grefs)
		atomic_sub(buf->shbuf.num_grefs, &xen_camera_front_granted);
	xen_front_pgdir_shbuf_free(&buf->shbuf);
	memset(&buf->shbuf, 0, sizeof(buf->shbuf));
	/* The padding is granted too: kept (leaked) with the rest. */
	for (i = buf->num_data; acked && i < buf->num_pages; i++)
		if (buf->pages[i])
			__free_page(buf->pages[i]);
	kvfree(buf->pages);
	buf->pages = NULL;
}

/* Gathers the pages to grant and the plane offsets for BUF_CREATE. */
static int collect_pages(struct xcf_cam *cam, struct vb2_buffer *vb,
			 struct xcf_buffer *buf, u32 offsets[])
{
	const struct xencamera_buf_get_layout_resp *l = &cam->cur.layout;
	struct device *dev = &cam->front->xb_dev->dev;
	unsigned int need = layout_pages(cam);
	unsigned int n = 0, p;

	buf->pages = kvcalloc(need, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages)
		return -ENOMEM;
	buf->num_pages = need;
	buf->num_data = 0;

	for (p = 0; p < vb->num_planes; p++) {
		struct sg_table *sgt = vb2_dma_sg_plane_desc(vb, p);
		struct sg_page_iter piter;
		struct scatterlist *sg;
		unsigned int i, want, got = 0, off;

		if (!sgt || !sgt->orig_nents)
			return -EINVAL;
		off = sgt->sgl->offset;
		for_each_sgtable_sg(sgt, sg, i) {
			/* Pages must follow each other without holes. */
			if ((i > 0 && sg->offset) ||
			    (i + 1 < sgt->orig_nents &&
			     (sg->offset + sg->length) % PAGE_SIZE))
				goto unfit;
		}
		if (off >= PAGE_SIZE)
			goto unfit;
		offsets[p] = n * XEN_PAGE_SIZE + off;
		if ((u64)offsets[p] + l->plane_size[p] > l->size)
			goto unfit;
		want = DIV_ROUND_UP(off + l->plane_size[p], PAGE_SIZE);
		if (n + want > need)
			goto unfit;
		for_each_sgtable_page(sgt, &piter, 0) {
			struct page *page = sg_page_iter_page(&piter);

			if (got == want)
				break;
			if (!page || !pfn_valid(page_to_pfn(page)))
				goto unfit;
			buf->pages[n++] = page;
			got++;
		}
		if (got < want)
			goto unfit;
	}
	buf->num_data = n;
	/* Zeroed padding up to what the backend maps; freed with the rest. */
	while (n < need) {
		buf->pages[n] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!buf->pages[n])
			return -ENOMEM;
		n++;
	}
	return 0;
unfit:
	dev_dbg(dev, "buffer %u: plane %u does not fit the layout\n",
		vb->index, p);
	return -EINVAL;
}

/* ---- be-alloc memory: the backend's pages over unpopulated ones ---- */

struct xcf_bemem {
	refcount_t refcount;
	struct vb2_vmarea_handler handler;
	struct xcf_front *front;	/* reference held */
	unsigned int num_pages;		/* in pages[] */
	unsigned int num_backend;	/* the first ones: the backend's */
	struct page **pages;		/* the rest: zeroed pages of ours */
	unsigned int num_mapped;	/* the vb2 plane's, mmap()ed */
	struct xen_front_pgdir_shbuf shbuf;
	bool mapped;			/* backend grants mapped on pages */
};

static void bemem_free_pages(struct xcf_bemem *mem)
{
	unsigned int i;

	for (i = mem->num_backend; i < mem->num_pages; i++)
		if (mem->pages[i])
			__free_page(mem->pages[i]);
	if (mem->pages[0])
		xen_free_unpopulated_pages(mem->num_backend, mem->pages);
	kvfree(mem->pages);
}

static void bemem_put(void *priv)
{
	struct xcf_bemem *mem = priv;

	if (!refcount_dec_and_test(&mem->refcount))
		return;
	/* No user mapping is left: the backend's pages may go. */
	if (mem->mapped) {
		xen_front_pgdir_shbuf_unmap(&mem->shbuf);
		atomic_sub(mem->num_backend, &xen_camera_front_mapped);
	}
	atomic_sub(mem->shbuf.num_grefs, &xen_camera_front_granted);
	xen_front_pgdir_shbuf_free(&mem->shbuf);
	bemem_free_pages(mem);
	xen_camera_front_put(mem->front);
	kfree(mem);
}

static void *bemem_alloc(struct vb2_buffer *vb, struct device *dev,
			 unsigned long size)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct xen_front_pgdir_shbuf_cfg cfg = {};
	struct xcf_bemem *mem;
	unsigned int i;
	int ret;

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	/*
	 * The backend's buffer may be longer than the plane (slack in its
	 * size) or shorter (CREATE_BUFS asked for more): applications see
	 * the plane, padded with zeroed pages of ours.
	 */
	mem->num_mapped = PAGE_ALIGN(size) >> PAGE_SHIFT;
	mem->num_backend = layout_pages(cam);
	mem->num_pages = max(mem->num_mapped, mem->num_backend);
	mem->pages = kvcalloc(mem->num_pages, sizeof(*mem->pages), GFP_KERNEL);
	if (!mem->pages) {
		kfree(mem);
		return ERR_PTR(-ENOMEM);
	}
	ret = xen_alloc_unpopulated_pages(mem->num_backend, mem->pages);
	if (ret) {
		mem->pages[0] = NULL;
		goto fail;
	}
	for (i = mem->num_backend; i < mem->num_pages; i++) {
		mem->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!mem->pages[i]) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	cfg.xb_dev = cam->front->xb_dev;
	cfg.num_pages = mem->num_backend;
	cfg.pages = mem->pages;
	cfg.pgdir = &mem->shbuf;
	cfg.be_alloc = 1;
	ret = xen_front_pgdir_shbuf_alloc(&cfg);	/* frees itself on error */
	if (ret)
		goto fail;
	atomic_add(mem->shbuf.num_grefs, &xen_camera_front_granted);
	mem->front = cam->front;
	xen_camera_front_get(mem->front);
	refcount_set(&mem->refcount, 1);
	mem->handler.refcount = &mem->refcount;
	mem->handler.put = bemem_put;
	mem->handler.arg = mem;
	return mem;
fail:
	bemem_free_pages(mem);
	kfree(mem);
	return ERR_PTR(ret);
}

static int bemem_mmap(void *priv, struct vm_area_struct *vma)
{
	struct xcf_bemem *mem = priv;
	int ret;

	if (!mem->mapped)
		return -EINVAL;
	ret = vm_map_pages(vma, mem->pages, mem->num_mapped);
	if (ret)
		return ret;
	xcf_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = &mem->handler;
	vma->vm_ops = &vb2_common_vm_ops;
	vma->vm_ops->open(vma);
	return 0;
}

static void *bemem_cookie(struct vb2_buffer *vb, void *priv)
{
	return priv;
}

static unsigned int bemem_num_users(void *priv)
{
	struct xcf_bemem *mem = priv;

	return refcount_read(&mem->refcount);
}

static const struct vb2_mem_ops xcf_bealloc_memops = {
	.alloc = bemem_alloc,
	.put = bemem_put,
	.mmap = bemem_mmap,
	.cookie = bemem_cookie,
	.num_users = bemem_num_users,
};

/* ---- buffer ops ---- */

static int share_be_alloc(struct xcf_cam *cam, struct vb2_buffer *vb)
{
	struct xcf_bemem *mem = vb2_plane_cookie(vb, 0);
	struct xencamera_req req = { .operation = XENCAMERA_OP_BUF_CREATE };
	int ret;

	if (!mem)
		return -EINVAL;
	req.req.buf_create.index = vb->index;
	req.req.buf_create.gref_directory =
		xen_front_pgdir_shbuf_get_dir_start(&mem->shbuf);
	ret = xen_camera_front_call(cam->ch, &req, NULL);
	if (ret)
		return ret;
	/* The backend filled the directory: map its pages over ours. */
	ret = xen_front_pgdir_shbuf_map(&mem->shbuf);
	if (ret) {
		send_index(cam, XENCAMERA_OP_BUF_DESTROY, vb->index);
		return ret;
	}
	mem->mapped = true;
	atomic_add(mem->num_backend, &xen_camera_front_mapped);
	return 0;
}

static int share_fe_alloc(struct xcf_cam *cam, struct vb2_buffer *vb,
			  struct xcf_buffer *buf)
{
	struct xencamera_req req = { .operation = XENCAMERA_OP_BUF_CREATE };
	struct xen_front_pgdir_shbuf_cfg cfg = {};
	u32 offsets[XENCAMERA_MAX_PLANE] = {};
	unsigned int p;
	int ret;

	ret = collect_pages(cam, vb, buf, offsets);
	if (ret)
		goto fail;
	cfg.xb_dev = cam->front->xb_dev;
	cfg.num_pages = buf->num_pages;
	cfg.pages = buf->pages;
	cfg.pgdir = &buf->shbuf;
	ret = xen_front_pgdir_shbuf_alloc(&cfg);
	if (ret) {
		memset(&buf->shbuf, 0, sizeof(buf->shbuf));
		goto fail;
	}
	atomic_add(buf->shbuf.num_grefs, &xen_camera_front_granted);
	req.req.buf_create.index = vb->index;
	for (p = 0; p < vb->num_planes; p++)
		req.req.buf_create.plane_offset[p] = offsets[p];
	req.req.buf_create.gref_directory =
		xen_front_pgdir_shbuf_get_dir_start(&buf->shbuf);
	ret = xen_camera_front_call(cam->ch, &req, NULL);
	if (ret) {
		unshare_pages(cam, buf);
		return ret;
	}
	return 0;
fail:
	unshare_pages(cam, buf);
	return ret;
}

static int buf_init(struct vb2_buffer *vb)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct xcf_buffer *buf = to_xcf_buffer(vb);
	int ret;

	INIT_LIST_HEAD(&buf->list);
	buf->needs_dequeue = false;
	if (cam->cfg->be_alloc)
		ret = share_be_alloc(cam, vb);
	else
		ret = share_fe_alloc(cam, vb, buf);
	if (ret) {
		dev_dbg(&cam->front->xb_dev->dev, "buffer %u not shared: %d\n",
			vb->index, ret);
		return ret;
	}
	buf->shared = true;
	return 0;
}

static void buf_cleanup(struct vb2_buffer *vb)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct xcf_buffer *buf = to_xcf_buffer(vb);

	if (!buf->shared)
		return;
	buf->shared = false;
	send_index(cam, XENCAMERA_OP_BUF_DESTROY, vb->index);
	/* be-alloc memory is unmapped when its last user mapping goes */
	if (!cam->cfg->be_alloc)
		unshare_pages(cam, buf);
}

static int buf_prepare(struct vb2_buffer *vb)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	const struct xencamera_buf_get_layout_resp *l = &cam->cur.layout;
	struct xcf_buffer *buf = to_xcf_buffer(vb);
	unsigned int p;

	if (vb->num_planes != l->num_planes)
		return -EINVAL;
	for (p = 0; p < vb->num_planes; p++) {
		if (vb2_plane_size(vb, p) < l->plane_size[p])
			return -EINVAL;
		buf->payload[p] = l->plane_size[p];
		vb2_set_plane_payload(vb, p, l->plane_size[p]);
	}
	buf->compressed = cam->cur.format->compressed;
	buf->vb.field = V4L2_FIELD_NONE;
	return 0;
}

static void buf_queue(struct vb2_buffer *vb)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct xcf_buffer *buf = to_xcf_buffer(vb);
	unsigned long flags;
	bool early;
	int ret;

	/* On the list first: FRAME_AVAIL may beat the BUF_QUEUE reply. */
	spin_lock_irqsave(&cam->qlock, flags);
	buf->queueing = true;
	buf->early = false;
	list_add_tail(&buf->list, &cam->active);
	spin_unlock_irqrestore(&cam->qlock, flags);

	ret = send_index(cam, XENCAMERA_OP_BUF_QUEUE, vb->index);
	spin_lock_irqsave(&cam->qlock, flags);
	buf->queueing = false;
	early = buf->early;
	spin_unlock_irqrestore(&cam->qlock, flags);
	if (!ret) {
		/* Completed after QBUF returns, which holds cam->lock. */
		if (early)
			queue_work(xen_camera_front_wq, &cam->done_work);
		return;
	}
	/*
	 * vb2 queues the buffers just before start_streaming, whose failure
	 * must return every buffer QUEUED with vb2's done list empty: leave
	 * this one on the list and make start_streaming fail.
	 */
	if (!vb2_start_streaming_called(vb->vb2_queue)) {
		if (!cam->queue_err)
			cam->queue_err = ret;
		return;
	}
	spin_lock_irqsave(&cam->qlock, flags);
	if (!list_empty(&buf->list)) {
		list_del_init(&buf->list);
		vb2_buffer_done(vb, VB2_BUF_STATE_ERROR);
	}
	spin_unlock_irqrestore(&cam->qlock, flags);
}

static void buf_finish(struct vb2_buffer *vb)
{
	struct xcf_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct xcf_buffer *buf = to_xcf_buffer(vb);

	/* The backend filled it; cameraif hands it back with DEQUEUE. */
	if (buf->needs_dequeue) {
		buf->needs_dequeue = false;
		send_index(cam, XENCAMERA_OP_BUF_DEQUEUE, vb->index);
	}
}

static void return_all(struct xcf_cam *cam, enum vb2_buffer_state state)
{
	struct xcf_buffer *buf, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	list_for_each_entry_safe(buf, tmp, &cam->active, list) {
		list_del_init(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, state);
	}
	spin_unlock_irqrestore(&cam->qlock, flags);
}

static int start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct xcf_cam *cam = vb2_get_drv_priv(q);
	struct xcf_buffer *buf;
	unsigned long flags;
	LIST_HEAD(back);
	int ret;

	/* Frames may beat the STREAM_START reply: accept them from now. */
	spin_lock_irqsave(&cam->qlock, flags);
	cam->streaming = true;
	cam->seq_valid = false;
	spin_unlock_irqrestore(&cam->qlock, flags);
	ret = cam->queue_err;
	cam->queue_err = 0;
	if (!ret)
		ret = send_simple(cam, XENCAMERA_OP_STREAM_START);
	if (!ret)
		return 0;
	/* Not streaming: take the queued buffers back from the backend. */
	spin_lock_irqsave(&cam->qlock, flags);
	cam->streaming = false;
	list_splice_init(&cam->active, &back);
	spin_unlock_irqrestore(&cam->qlock, flags);
	list_for_each_entry(buf, &back, list)
		send_index(cam, XENCAMERA_OP_BUF_DEQUEUE,
			   buf->vb.vb2_buf.index);
	spin_lock_irqsave(&cam->qlock, flags);
	list_splice_init(&back, &cam->active);
	spin_unlock_irqrestore(&cam->qlock, flags);
	return_all(cam, VB2_BUF_STATE_QUEUED);
	return ret;
}

static void stop_streaming(struct vb2_queue *q)
{
	struct xcf_cam *cam = vb2_get_drv_priv(q);
	unsigned long flags;

	/* Late frames are dropped; their buffers go back below. */
	spin_lock_irqsave(&cam->qlock, flags);
	cam->streaming = false;
	spin_unlock_irqrestore(&cam->qlock, flags);
	/* The backend forgets its queue on STREAM_STOP (or is gone). */
	send_simple(cam, XENCAMERA_OP_STREAM_STOP);
	return_all(cam, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops xcf_vb2_ops = {
	.queue_setup = queue_setup,
	.buf_init = buf_init,
	.buf_prepare = buf_prepare,
	.buf_finish = buf_finish,
	.buf_cleanup = buf_cleanup,
	.buf_queue = buf_queue,
	.start_streaming = start_streaming,
	.stop_streaming = stop_streaming,
	XCF_VB2_WAIT_OPS
};

/**
 * xen_camera_front_vb2_frame_avail() - FRAME_AVAIL: complete the buffer
 * @cam: the camera
 * @e: the event, copied out of the event page
 *
 * Only a buffer on the active list is completed, so a stale or forged
 * index does nothing. Runs in the event thread.
 */
void xen_camera_front_vb2_frame_avail(struct xcf_cam *cam,
				      const struct xencamera_frame_avail_evt *e)
{
	struct xcf_buffer *buf, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	/* Not streaming: vb2 must get these buffers back from us, not done. */
	if (!cam->streaming)
		goto out;
	list_for_each_entry(buf, &cam->active, list) {
		if (buf->vb.vb2_buf.index == e->index && !buf->early) {
			found = buf;
			break;
		}
	}
	if (found) {
		struct vb2_buffer *vb = &found->vb.vb2_buf;
		unsigned int p;

		for (p = 0; p < vb->num_planes; p++)
			vb2_set_plane_payload(vb, p, found->payload[p]);
		if (found->compressed && e->used_sz &&
		    e->used_sz <= found->payload[0])
			vb2_set_plane_payload(vb, 0, e->used_sz);
		vb->timestamp = ktime_get_ns();
		/*
		 * seq_num counts the camera's frames, shared by every guest;
		 * V4L2 counts from 0 at STREAMON. Gaps (frames this guest
		 * had no buffer for) stay visible.
		 */
		if (!cam->seq_valid) {
			cam->seq_base = e->seq_num;
			cam->seq_valid = true;
		}
		found->vb.sequence = e->seq_num - cam->seq_base;
		found->vb.field = V4L2_FIELD_NONE;
		found->needs_dequeue = true;
		/*
		 * A buffer whose QBUF still waits for the BUF_QUEUE reply
		 * stays queued: done now, QBUF would hand it back as DONE.
		 * done_work completes it once QBUF has returned.
		 */
		if (found->queueing) {
			found->early = true;
		} else {
			list_del_init(&found->list);
			/* Under qlock: stop_streaming cannot return it too. */
			vb2_buffer_done(vb, VB2_BUF_STATE_DONE);
		}
	}
out:
	spin_unlock_irqrestore(&cam->qlock, flags);
	if (!found)
		dev_dbg(&cam->front->xb_dev->dev,
			"frame for buffer %u, which is not queued\n", e->index);
}

/* Completes the buffers filled before their QBUF returned. */
static void done_work(struct work_struct *work)
{
	struct xcf_cam *cam = container_of(work, struct xcf_cam, done_work);
	struct xcf_buffer *buf, *tmp;
	unsigned long flags;

	/* The queue's lock: the QBUF that queued them has returned. */
	mutex_lock(&cam->lock);
	spin_lock_irqsave(&cam->qlock, flags);
	list_for_each_entry_safe(buf, tmp, &cam->active, list) {
		if (!buf->early || buf->queueing)
			continue;
		buf->early = false;
		list_del_init(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_DONE);
	}
	spin_unlock_irqrestore(&cam->qlock, flags);
	mutex_unlock(&cam->lock);
}

/**
 * xen_camera_front_vb2_cleanup() - wait for the queue's deferred work
 * @cam: the camera, unregistered and without users (cam->lock not held)
 */
void xen_camera_front_vb2_cleanup(struct xcf_cam *cam)
{
	cancel_work_sync(&cam->done_work);
}

/**
 * xen_camera_front_vb2_init() - set up the camera's vb2 queue
 * @cam: the camera, its current format known
 *
 * Return: 0 or a negative errno.
 */
int xen_camera_front_vb2_init(struct xcf_cam *cam)
{
	struct vb2_queue *q = &cam->queue;

	INIT_WORK(&cam->done_work, done_work);
	q->type = cam->buf_type;
	/* Backend memory can only be mmapped: it is not the guest's. */
	q->io_modes = cam->cfg->be_alloc ? VB2_MMAP :
		      VB2_MMAP | VB2_USERPTR | VB2_DMABUF;
	q->drv_priv = cam;
	q->buf_struct_size = sizeof(struct xcf_buffer);
	q->ops = &xcf_vb2_ops;
	q->mem_ops = cam->cfg->be_alloc ? &xcf_bealloc_memops :
		     &vb2_dma_sg_memops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     V4L2_BUF_FLAG_TSTAMP_SRC_EOF;
	q->lock = &cam->lock;
	q->dev = &cam->front->xb_dev->dev;
	return vb2_queue_init(q);
}
