// SPDX-License-Identifier: MIT
/*
 * cameraif_kcheck.c - proves vcamera/cameraif.h builds as kernel C (never loaded).
 */
#include <linux/module.h>
#include <vcamera/cameraif.h>

static_assert(sizeof(struct xen_cameraif_sring) == 128);

static int __init cameraif_kcheck_init(void)
{
	return XENCAMERA_IN_RING_LEN == 63 ? 0 : -EINVAL;
}
module_init(cameraif_kcheck_init);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("vcamera: compile check of the cameraif header");
