/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Kernel-version guards: the module is written for 6.1 and
 * keeps building on the kernels that changed these interfaces.
 */
#ifndef XCF_COMPAT_H
#define XCF_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>
#include <media/videobuf2-core.h>

/* 6.8 hid the buffer count behind vb2_get_num_buffers(). */
static inline unsigned int xcf_vb2_num_buffers(struct vb2_queue *q)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return vb2_get_num_buffers(q);
#else
	return q->num_buffers;
#endif
}

/*
 * Before 7.0 vb2 drops q->lock around blocking waits only through these
 * callbacks; 7.0 removed them and always uses q->lock.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(7, 0, 0)
#define XCF_VB2_WAIT_OPS \
	.wait_prepare = vb2_ops_wait_prepare, \
	.wait_finish = vb2_ops_wait_finish,
#else
#define XCF_VB2_WAIT_OPS
#endif

/* 6.3 made vma->vm_flags read-only outside the helpers. */
static inline void xcf_vm_flags_set(struct vm_area_struct *vma,
				    vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* XCF_COMPAT_H */
