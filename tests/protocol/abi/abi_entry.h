/* SPDX-License-Identifier: MIT */
/* One compiled fact about the cameraif ABI: a constant's value, a size, or a field's place. */
#ifndef VCAMERA_TESTS_ABI_ENTRY_H
#define VCAMERA_TESTS_ABI_ENTRY_H

#ifdef __cplusplus
extern "C" {
#endif

struct vcam_abi_entry {
    const char *kind;            /* "int", "string", "sizeof", "field", "expr" */
    const char *name;            /* e.g. "xencamera_req.req.config.width" */
    unsigned long long value;    /* constant value, size, or field offset */
    unsigned long long size;     /* field or element size; string length */
    int is_signed;               /* for scalar fields, elements and constants */
    const char *text;            /* string constants only */
};

struct vcam_abi_table {
    const struct vcam_abi_entry *entries;
    unsigned long count;
};

/* The same manifest compiled three ways (see abi_table.c). */
struct vcam_abi_table vcam_abi_table_xen(void);
struct vcam_abi_table vcam_abi_table_ours_c(void);
struct vcam_abi_table vcam_abi_table_ours_cxx(void);

#ifdef __cplusplus
}
#endif
#endif
