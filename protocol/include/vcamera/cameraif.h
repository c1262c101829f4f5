/* SPDX-License-Identifier: MIT */
/*
 * cameraif.h - the Xen para-virtual camera protocol "cameraif", version 1.
 *
 * This is vcamera's own rendering of the ABI that Xen publishes as
 * xen/include/public/io/cameraif.h. Identifiers, values and layouts are the
 * same, so code written against Xen's header compiles against this one, and a
 * test compiles both and compares every constant, size and field offset.
 * The comments are ours; where the published header's prose or diagrams
 * disagree with its structs, the structs are the ABI (see "Errata" below).
 *
 * It compiles as C11 and C++20 in user space (with Xen's public headers from
 * libxen-dev for ring.h and grant_ref_t) and as kernel C (with the kernel's
 * copies under <xen/interface/>).
 *
 * Overview
 * --------
 * Every virtual camera is its own xenbus device "vcamera/<dev-id>" with:
 *  - a request ring (one granted page, 32 slots of 64 bytes) on which the
 *    frontend sends requests and the backend answers, matched by id;
 *  - an event page (one granted page, 63 slots of 64 bytes after a 64-byte
 *    header) on which the backend posts asynchronous events;
 *  - one event channel for each of the two.
 * Buffers are shared through chained page directories (see
 * struct xencamera_page_directory). All numbers are little endian as the
 * host stores them; "page" always means 4096 bytes.
 *
 * XenStore
 * --------
 * Frontend: /local/domain/<fe-domid>/device/vcamera/<dev-id>/
 *   be-alloc        "1": the backend allocates buffers in BUF_CREATE; any
 *                   other value, or none, means the frontend allocates.
 *   unique-id       which physical camera the backend should use.
 *   max-buffers     the most buffers this frontend may use (uint8).
 *   controls        comma separated subset of brightness, contrast,
 *                   saturation, hue; in any order.
 *   formats/<FOURCC>/<W>x<H>/frame-rates
 *                   comma separated "numerator/denominator" fractions (u32).
 *                   FOURCC is a V4L2 code written as its characters
 *                   (0x20..0x7f; none of / \ space < > : " | ? *), trailing
 *                   spaces trimmed ('Y16 ' is "Y16"), big-endian variants
 *                   suffixed "-BE" ("AR15-BE").
 *   version         the protocol version the frontend chose from the
 *                   backend's "versions".
 *   req-ring-ref, req-event-channel, evt-ring-ref, evt-event-channel
 *                   the frontend's transport: grant references and ports.
 * Backend: /local/domain/<be-domid>/backend/vcamera/<fe-domid>/<dev-id>/
 *   versions        comma separated protocol versions the backend speaks.
 *
 * Connection (XenbusState values from xen/io/xenbus.h)
 * ----------
 * Both ends start in Initialising. The backend opens the camera and moves to
 * InitWait; the frontend reads its configuration, publishes its rings and
 * channels and moves to Initialised; the backend binds them and moves to
 * Connected; the frontend creates its video device and moves to Connected.
 * If the backend goes away while the device is in use, the frontend moves to
 * Reconfiguring (refusing new users) and to Initialising once it is free.
 *
 * Errata in Xen's published header (its structs are what we follow)
 * ------------------------------------------------------------------
 *  1. The CTRL_ENUM, CTRL_SET, CTRL_GET request and CTRL_CHANGE event diagrams
 *     draw index/type at octets 4..7; the structs put it at octet 8, after the
 *     header's reserved[5].
 *  2. The CTRL_GET response diagram draws value at octets 20..27; the struct
 *     puts it at 16..23 like CTRL_SET and CTRL_CHANGE.
 *  3. The frame-rates prose names XENCAMERA_FRAME_RATE_SEPARATOR, which does
 *     not exist: the list separator is XENCAMERA_LIST_SEPARATOR and the
 *     fraction separator XENCAMERA_FRACTION_SEPARATOR.
 *  4. The page-directory count, used_sz and plane-offset texts cite
 *     BUF_REQUEST where they mean BUF_GET_LAYOUT.size (count, used_sz) and
 *     BUF_CREATE.plane_offset.
 *  5. The BUF_REQUEST response prose says num_buffers; the field is num_bufs.
 *  6. Two diagrams say _OP_SET_CTRL/_OP_GET_CTRL for XENCAMERA_OP_CTRL_SET/GET.
 *  7. The BUF_DEQUEUE text says "to be queued"; it means dequeued.
 *  8. The example's backend "versions" is "1,2", but only "1" is defined.
 *  9. XENCAMERA_PROTOCOL_VERSION is a string, unlike sndif's integer.
 */

#ifndef VCAMERA_CAMERAIF_H
#define VCAMERA_CAMERAIF_H

/*
 * Xen's header and this one define the same structs. Whichever is included
 * first provides them; the other then adds nothing (we define Xen's guard).
 */
#ifndef __XEN_PUBLIC_IO_CAMERAIF_H__
#define __XEN_PUBLIC_IO_CAMERAIF_H__

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/io/ring.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#endif

/* ---------------------------------------------------------------- identity */

#define XENCAMERA_PROTOCOL_VERSION     "1"
#define XENCAMERA_DRIVER_NAME          "vcamera"

/* ---------------------------------------------------------- XenStore nodes */

#define XENCAMERA_LIST_SEPARATOR       ","
#define XENCAMERA_RESOLUTION_SEPARATOR "x"
#define XENCAMERA_FRACTION_SEPARATOR   "/"

#define XENCAMERA_FIELD_BE_VERSIONS    "versions"
#define XENCAMERA_FIELD_FE_VERSION     "version"
#define XENCAMERA_FIELD_REQ_RING_REF   "req-ring-ref"
#define XENCAMERA_FIELD_REQ_CHANNEL    "req-event-channel"
#define XENCAMERA_FIELD_EVT_RING_REF   "evt-ring-ref"
#define XENCAMERA_FIELD_EVT_CHANNEL    "evt-event-channel"
#define XENCAMERA_FIELD_MAX_BUFFERS    "max-buffers"
#define XENCAMERA_FIELD_CONTROLS       "controls"
#define XENCAMERA_FIELD_FORMATS        "formats"
#define XENCAMERA_FIELD_FRAME_RATES    "frame-rates"
#define XENCAMERA_FIELD_BE_ALLOC       "be-alloc"
#define XENCAMERA_FIELD_UNIQUE_ID      "unique-id"

#define XENCAMERA_CTRL_BRIGHTNESS_STR  "brightness"
#define XENCAMERA_CTRL_CONTRAST_STR    "contrast"
#define XENCAMERA_CTRL_SATURATION_STR  "saturation"
#define XENCAMERA_CTRL_HUE_STR         "hue"

/* Suffix of a big-endian format's FOURCC node, e.g. "AR15-BE". */
#define XENCAMERA_FOURCC_BIGENDIAN_STR "-BE"

/* A buffer has at most this many planes, all inside one granted buffer. */
#define XENCAMERA_MAX_PLANE            4

/* -------------------------------------------------------------- operations */

#define XENCAMERA_OP_CONFIG_SET        0x00
#define XENCAMERA_OP_CONFIG_GET        0x01
#define XENCAMERA_OP_CONFIG_VALIDATE   0x02
#define XENCAMERA_OP_FRAME_RATE_SET    0x03
#define XENCAMERA_OP_BUF_GET_LAYOUT    0x04
#define XENCAMERA_OP_BUF_REQUEST       0x05
#define XENCAMERA_OP_BUF_CREATE        0x06
#define XENCAMERA_OP_BUF_DESTROY       0x07
#define XENCAMERA_OP_BUF_QUEUE         0x08
#define XENCAMERA_OP_BUF_DEQUEUE       0x09
#define XENCAMERA_OP_CTRL_ENUM         0x0a
#define XENCAMERA_OP_CTRL_SET          0x0b
#define XENCAMERA_OP_CTRL_GET          0x0c
#define XENCAMERA_OP_STREAM_START      0x0d
#define XENCAMERA_OP_STREAM_STOP       0x0e

/* ---------------------------------------------------------------- controls */

#define XENCAMERA_CTRL_BRIGHTNESS      0
#define XENCAMERA_CTRL_CONTRAST        1
#define XENCAMERA_CTRL_SATURATION      2
#define XENCAMERA_CTRL_HUE             3
#define XENCAMERA_MAX_CTRL             4

/* Control flags in CTRL_ENUM: read only, write only, changes by itself. */
#define XENCAMERA_CTRL_FLG_RO          (1 << 0)
#define XENCAMERA_CTRL_FLG_WO          (1 << 1)
#define XENCAMERA_CTRL_FLG_VOLATILE    (1 << 2)

/* ------------------------------------------ colorimetry (CONFIG_* replies) */

/* The values follow V4L2's enums of the same names. */
#define XENCAMERA_COLORSPACE_DEFAULT   0
#define XENCAMERA_COLORSPACE_SMPTE170M 1
#define XENCAMERA_COLORSPACE_REC709    2
#define XENCAMERA_COLORSPACE_SRGB      3
#define XENCAMERA_COLORSPACE_OPRGB     4
#define XENCAMERA_COLORSPACE_BT2020    5
#define XENCAMERA_COLORSPACE_DCI_P3    6

#define XENCAMERA_XFER_FUNC_DEFAULT    0
#define XENCAMERA_XFER_FUNC_709        1
#define XENCAMERA_XFER_FUNC_SRGB       2
#define XENCAMERA_XFER_FUNC_OPRGB      3
#define XENCAMERA_XFER_FUNC_NONE       4
#define XENCAMERA_XFER_FUNC_DCI_P3     5
#define XENCAMERA_XFER_FUNC_SMPTE2084  6

/* Ignored for formats that are not YCbCr. */
#define XENCAMERA_YCBCR_ENC_IGNORE           0
#define XENCAMERA_YCBCR_ENC_601              1
#define XENCAMERA_YCBCR_ENC_709              2
#define XENCAMERA_YCBCR_ENC_XV601            3
#define XENCAMERA_YCBCR_ENC_XV709            4
#define XENCAMERA_YCBCR_ENC_BT2020           5
#define XENCAMERA_YCBCR_ENC_BT2020_CONST_LUM 6

#define XENCAMERA_QUANTIZATION_DEFAULT       0
#define XENCAMERA_QUANTIZATION_FULL_RANGE    1
#define XENCAMERA_QUANTIZATION_LIM_RANGE     2

/* ------------------------------------------------------------------ events */

#define XENCAMERA_EVT_FRAME_AVAIL      0x00
#define XENCAMERA_EVT_CTRL_CHANGE      0x01

/* ------------------------------------------------------- request payloads */

/*
 * CONFIG_SET, CONFIG_VALIDATE: the configuration the frontend asks for.
 * The backend answers with the nearest one it can do (struct
 * xencamera_config_resp); the frontend compares. VALIDATE changes nothing
 * and is allowed at any time; SET is refused while streaming or after a
 * non-zero BUF_REQUEST.
 */
struct xencamera_config_req {
    uint32_t pixel_format;     /* V4L2 FOURCC */
    uint32_t width;            /* pixels */
    uint32_t height;           /* lines */
};

/*
 * FRAME_RATE_SET: frames per second as numerator/denominator. Allowed when
 * not streaming, with or without buffers; read back with CONFIG_GET.
 */
struct xencamera_frame_rate_req {
    uint32_t frame_rate_numer;
    uint32_t frame_rate_denom;
};

/*
 * BUF_REQUEST request and reply: how many buffers the frontend wants, and
 * how many the backend grants (at most max-buffers). Zero frees them all and
 * is refused while streaming.
 */
struct xencamera_buf_request {
    uint8_t num_bufs;
};

/*
 * BUF_CREATE: share buffer "index" (below the granted num_bufs). Each plane
 * starts plane_offset[i] bytes into the buffer; gref_directory is the first
 * page of the buffer's page directory. An index in use is an error until its
 * BUF_DESTROY. With be-alloc the backend fills the directory's gref[] before
 * it answers.
 */
struct xencamera_buf_create_req {
    uint8_t index;
    uint8_t reserved[3];
    uint32_t plane_offset[XENCAMERA_MAX_PLANE];
    grant_ref_t gref_directory;
};

/*
 * A page directory page. The buffer's grant references are listed in order
 * across a chain of such pages; each page holds (4096 - 4) / 4 = 1023 of them
 * and gref_dir_next_page links the next page (0 ends the chain). The count is
 * not sent: both ends compute ceil(BUF_GET_LAYOUT.size / 4096). Grant
 * reference 0 is never handed to a PV driver, so it is never a valid entry.
 */
struct xencamera_page_directory {
    grant_ref_t gref_dir_next_page;
    grant_ref_t gref[1]; /* really as many as fit the page */
};

/*
 * BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE (buffer index) and CTRL_ENUM (control
 * index). After QUEUE the frontend leaves the buffer alone until its DEQUEUE
 * reply; CTRL_ENUM past the last control answers -XEN_EINVAL.
 */
struct xencamera_index {
    uint8_t index;
};

/*
 * CTRL_SET request, CTRL_GET reply and CTRL_CHANGE event: a control
 * (XENCAMERA_CTRL_*) and its value. CTRL_CHANGE goes to every other frontend
 * of the camera, never to the one that made the change, and is not sent for
 * write-only controls or on connect.
 */
struct xencamera_ctrl_value {
    uint8_t type;
    uint8_t reserved[7];
    int64_t value;
};

/* CTRL_GET: which control to read. */
struct xencamera_get_ctrl_req {
    uint8_t type;
};

/* ------------------------------------------------------ response payloads */

/*
 * CONFIG_SET, CONFIG_GET, CONFIG_VALIDATE reply: the configuration in force
 * (or that would be), with its colorimetry (XENCAMERA_COLORSPACE_* and
 * friends), display aspect ratio and current frame rate.
 */
struct xencamera_config_resp {
    uint32_t pixel_format;
    uint32_t width;
    uint32_t height;
    uint32_t colorspace;
    uint32_t xfer_func;
    uint32_t ycbcr_enc;
    uint32_t quantization;
    uint32_t displ_asp_ratio_numer;
    uint32_t displ_asp_ratio_denom;
    uint32_t frame_rate_numer;
    uint32_t frame_rate_denom;
};

/*
 * BUF_GET_LAYOUT reply for the current configuration, the same for every
 * buffer: number of planes, whole buffer size and per-plane size and bytes
 * per line, padding included. Plane offsets are per buffer (BUF_CREATE).
 */
struct xencamera_buf_get_layout_resp {
    uint8_t num_planes;
    uint8_t reserved[3];
    uint32_t size;
    uint32_t plane_size[XENCAMERA_MAX_PLANE];
    uint32_t plane_stride[XENCAMERA_MAX_PLANE];
};

/* CTRL_ENUM reply: one control's type, XENCAMERA_CTRL_FLG_* and range. */
struct xencamera_ctrl_enum_resp {
    uint8_t index;
    uint8_t type;
    uint8_t reserved[2];
    uint32_t flags;
    int64_t min;
    int64_t max;
    int64_t step;
    int64_t def_val;
};

/* ---------------------------------------------------------- event payloads */

/*
 * FRAME_AVAIL: buffer "index" holds a frame of used_sz bytes (less than the
 * buffer size for compressed formats). seq_num counts frames; a gap means
 * frames were dropped. There is no timestamp field: the frontend stamps the
 * buffer when the event arrives.
 */
struct xencamera_frame_avail_evt {
    uint8_t index;
    uint8_t reserved[3];
    uint32_t used_sz;
    uint32_t seq_num;
};

/* ------------------------------------------------------ the 64-byte packets */

/*
 * Request: id is the frontend's own, echoed in the reply. Every reserved
 * byte is zero; so is whatever part of the union the operation does not use.
 */
struct xencamera_req {
    uint16_t id;
    uint8_t operation;
    uint8_t reserved[5];
    union {
        struct xencamera_config_req config;
        struct xencamera_frame_rate_req frame_rate;
        struct xencamera_buf_request buf_request;
        struct xencamera_buf_create_req buf_create;
        struct xencamera_index index;
        struct xencamera_ctrl_value ctrl_value;
        struct xencamera_get_ctrl_req get_ctrl;
        uint8_t reserved[56];
    } req;
};

/* Reply: id and operation echoed, status 0 or a negative XEN_E* value. */
struct xencamera_resp {
    uint16_t id;
    uint8_t operation;
    uint8_t reserved;
    int32_t status;
    union {
        struct xencamera_config_resp config;
        struct xencamera_buf_get_layout_resp buf_layout;
        struct xencamera_buf_request buf_request;
        struct xencamera_ctrl_enum_resp ctrl_enum;
        struct xencamera_ctrl_value ctrl_value;
        uint8_t reserved1[56];
    } resp;
};

/* Event: id counts 0, 1, 2, ... per connection (wrapping at 16 bits). */
struct xencamera_evt {
    uint16_t id;
    uint8_t type;
    uint8_t reserved[5];
    union {
        struct xencamera_frame_avail_evt frame_avail;
        struct xencamera_ctrl_value ctrl_value;
        uint8_t reserved[56];
    } evt;
};

/* xen_cameraif_sring, xen_cameraif_front_ring, xen_cameraif_back_ring. */
DEFINE_RING_TYPES(xen_cameraif, struct xencamera_req, struct xencamera_resp);

/* ---------------------------------------------------------- the event page */

/*
 * The event page starts with this header; event slots follow it. The backend
 * produces (in_prod), the frontend consumes (in_cons); both indices run
 * freely and wrap, a slot is index % XENCAMERA_IN_RING_LEN. The frontend may
 * advance in_cons per event, per batch or never; the backend never writes a
 * slot the frontend has not consumed.
 */
struct xencamera_event_page {
    uint32_t in_cons;
    uint32_t in_prod;
    uint8_t reserved[56];
};

#define XENCAMERA_EVENT_PAGE_SIZE 4096
#define XENCAMERA_IN_RING_OFFS (sizeof(struct xencamera_event_page))
#define XENCAMERA_IN_RING_SIZE (XENCAMERA_EVENT_PAGE_SIZE - XENCAMERA_IN_RING_OFFS)
#define XENCAMERA_IN_RING_LEN (XENCAMERA_IN_RING_SIZE / sizeof(struct xencamera_evt))
#define XENCAMERA_IN_RING(page) \
    ((struct xencamera_evt *)((char *)(page) + XENCAMERA_IN_RING_OFFS))
#define XENCAMERA_IN_RING_REF(page, idx) \
    (XENCAMERA_IN_RING((page))[(idx) % XENCAMERA_IN_RING_LEN])

#endif /* __XEN_PUBLIC_IO_CAMERAIF_H__ */

/* ------------------------------------------- vcamera's own derived values */

/* The page the protocol is written for, whatever the CPU's page size. */
#define VCAMERA_PAGE_SIZE 4096u

/* Grant references one directory page holds: (4096 - 4) / 4 = 1023. */
#define VCAMERA_GREFS_PER_DIRECTORY_PAGE \
    ((VCAMERA_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

/* Request ring slots in one page: 32. */
#define VCAMERA_REQ_RING_SIZE __CONST_RING_SIZE(xen_cameraif, VCAMERA_PAGE_SIZE)

/*
 * The layout every user depends on, checked wherever this header is
 * compiled (the full comparison with Xen's header lives in the tests).
 */
#if defined(__cplusplus) || defined(__KERNEL__)
#define VCAMERA_ABI_ASSERT(expr) static_assert(expr, #expr)
#else
#define VCAMERA_ABI_ASSERT(expr) _Static_assert(expr, #expr)
#endif
/* vcamera-abi-asserts-begin */
VCAMERA_ABI_ASSERT(sizeof(struct xencamera_req) == 64);
VCAMERA_ABI_ASSERT(sizeof(struct xencamera_resp) == 64);
VCAMERA_ABI_ASSERT(sizeof(struct xencamera_evt) == 64);
VCAMERA_ABI_ASSERT(sizeof(struct xencamera_event_page) == 64);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_req, req) == 8);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_req, req.config.height) == 16);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_req, req.buf_create.plane_offset) == 12);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_req, req.buf_create.gref_directory) == 28);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_req, req.ctrl_value.value) == 16);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, status) == 4);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.config.frame_rate_denom) == 48);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.buf_layout.size) == 12);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.buf_layout.plane_stride) == 32);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.ctrl_enum.flags) == 12);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.ctrl_enum.def_val) == 40);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_resp, resp.ctrl_value.value) == 16);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_evt, evt.frame_avail.used_sz) == 12);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_evt, evt.frame_avail.seq_num) == 16);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_evt, evt.ctrl_value.value) == 16);
VCAMERA_ABI_ASSERT(offsetof(struct xencamera_page_directory, gref) == 4);
VCAMERA_ABI_ASSERT(XENCAMERA_IN_RING_LEN == 63);
VCAMERA_ABI_ASSERT(VCAMERA_REQ_RING_SIZE == 32);
VCAMERA_ABI_ASSERT(VCAMERA_GREFS_PER_DIRECTORY_PAGE == 1023);
/* vcamera-abi-asserts-end */

#endif /* VCAMERA_CAMERAIF_H */
