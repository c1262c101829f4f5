/* SPDX-License-Identifier: MIT */
/*
 * The cameraif ABI manifest compiled against one header. Built three times:
 * Xen's <xen/io/cameraif.h> as C, ours as C, ours as C++ (abi_table_cxx.cpp).
 * VCAM_ABI_HEADER and VCAM_ABI_TABLE_FN come from the build.
 */
#include <stddef.h>
#include <stdint.h>

#include VCAM_ABI_HEADER

#include "abi_entry.h"
#include "cameraif_abi_manifest.h"

#define VCAM_MEMBER(type, member) (((struct type *)0)->member)
#define VCAM_IS_SIGNED(expr) ((__typeof__(expr))-1 < (__typeof__(expr))0)

#define VCAM_ABI_INT(name) \
    { "int", #name, (unsigned long long)(name), sizeof(name), VCAM_IS_SIGNED(name), NULL },
#define VCAM_ABI_STR(name) \
    { "string", #name, 0, sizeof(name) - 1, 0, name },
#define VCAM_ABI_SIZE(type) \
    { "sizeof", #type, sizeof(struct type), 0, 0, NULL },
#define VCAM_ABI_UNION_SIZE(type) \
    { "sizeof", #type, sizeof(union type), 0, 0, NULL },
#define VCAM_ABI_FIELD(type, member)                                      \
    { "field", #type "." #member, offsetof(struct type, member),          \
      sizeof(VCAM_MEMBER(type, member)),                                  \
      VCAM_IS_SIGNED(VCAM_MEMBER(type, member)), NULL },
#define VCAM_ABI_ARRAY(type, member)                                      \
    { "field", #type "." #member, offsetof(struct type, member),          \
      sizeof(VCAM_MEMBER(type, member)),                                  \
      VCAM_IS_SIGNED(VCAM_MEMBER(type, member)[0]), NULL },               \
    { "element", #type "." #member "[0]", 0,                              \
      sizeof(VCAM_MEMBER(type, member)[0]), 0, NULL },
#define VCAM_ABI_AGG(type, member)                                        \
    { "field", #type "." #member, offsetof(struct type, member),          \
      sizeof(VCAM_MEMBER(type, member)), 0, NULL },
#define VCAM_ABI_EXPR(name, expr) \
    { "expr", name, (unsigned long long)(expr), 0, 0, NULL },

/* XENCAMERA_IN_RING_REF's slot address, measured on a page-sized buffer. */
static unsigned char vcam_page[4096];
#define VCAM_SLOT_OFFSET(idx) \
    ((unsigned long long)((unsigned char *)&XENCAMERA_IN_RING_REF(vcam_page, idx) - vcam_page))

static const struct vcam_abi_entry vcam_entries[] = {
    VCAM_CAMERAIF_ABI(VCAM_ABI_INT, VCAM_ABI_STR, VCAM_ABI_SIZE, VCAM_ABI_UNION_SIZE,
                      VCAM_ABI_FIELD, VCAM_ABI_ARRAY, VCAM_ABI_AGG)
    VCAM_ABI_EXPR("__CONST_RING_SIZE(xen_cameraif, 4096)", __CONST_RING_SIZE(xen_cameraif, 4096))
    VCAM_ABI_EXPR("XENCAMERA_IN_RING(page) - page",
                  (unsigned char *)XENCAMERA_IN_RING(vcam_page) - vcam_page)
    VCAM_ABI_EXPR("sizeof(XENCAMERA_IN_RING_REF(page, 0))",
                  sizeof(XENCAMERA_IN_RING_REF(vcam_page, 0)))
};

struct vcam_abi_table VCAM_ABI_TABLE_FN(void)
{
    static struct vcam_abi_entry with_slots[sizeof(vcam_entries) / sizeof(vcam_entries[0]) + 4];
    static const unsigned idx[4] = { 0, 62, 63, 200 };
    static const char *const names[4] = {
        "XENCAMERA_IN_RING_REF(page, 0)", "XENCAMERA_IN_RING_REF(page, 62)",
        "XENCAMERA_IN_RING_REF(page, 63)", "XENCAMERA_IN_RING_REF(page, 200)" };
    unsigned long n = sizeof(vcam_entries) / sizeof(vcam_entries[0]);
    unsigned long i;
    struct vcam_abi_table table;

    for (i = 0; i < n; ++i)
        with_slots[i] = vcam_entries[i];
    for (i = 0; i < 4; ++i) {
        struct vcam_abi_entry slot = { "expr", names[i], VCAM_SLOT_OFFSET(idx[i]), 0, 0, NULL };
        with_slots[n + i] = slot;
    }
    table.entries = with_slots;
    table.count = n + 4;
    return table;
}
