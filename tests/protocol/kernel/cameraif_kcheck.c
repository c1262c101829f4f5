// SPDX-License-Identifier: MIT
/*
 * cameraif_kcheck.c - proves vcamera/cameraif.h builds as kernel C (never loaded).
 */
#include <linux/module.h>
#include <vcamera/cameraif.h>

/*
 * The ring's slots start 64 bytes into the page and are 64 bytes each. (Its sizeof is not
 * the ABI: Linux 6.1's ring.h ends the struct with ring[1], newer kernels with ring[].)
 */
static_assert(offsetof(struct xen_cameraif_sring, ring) == 64);
static_assert(sizeof(((struct xen_cameraif_sring *)0)->ring[0]) == 64);

static int __init cameraif_kcheck_init(void)
{
	return XENCAMERA_IN_RING_LEN == 63 ? 0 : -EINVAL;
}
module_init(cameraif_kcheck_init);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("vcamera: compile check of the cameraif header");
