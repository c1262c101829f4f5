/* SPDX-License-Identifier: MIT */
/*
 * Every identifier of cameraif's ABI, as an X-macro list. The names are typed
 * here; every value, size and offset comes from compiling against a header.
 * cameraif_abi_test.cpp checks this list against the text of Xen's header so
 * nothing can be left out.
 */
#ifndef VCAMERA_TESTS_CAMERAIF_ABI_MANIFEST_H
#define VCAMERA_TESTS_CAMERAIF_ABI_MANIFEST_H

#define VCAM_CAMERAIF_ABI(INT, STR, SIZE, USIZE, FIELD, ARRAY, AGG)                   \
    STR(XENCAMERA_PROTOCOL_VERSION)                                                   \
    STR(XENCAMERA_DRIVER_NAME)                                                        \
    STR(XENCAMERA_LIST_SEPARATOR)                                                     \
    STR(XENCAMERA_RESOLUTION_SEPARATOR)                                               \
    STR(XENCAMERA_FRACTION_SEPARATOR)                                                 \
    STR(XENCAMERA_FIELD_BE_VERSIONS)                                                  \
    STR(XENCAMERA_FIELD_FE_VERSION)                                                   \
    STR(XENCAMERA_FIELD_REQ_RING_REF)                                                 \
    STR(XENCAMERA_FIELD_REQ_CHANNEL)                                                  \
    STR(XENCAMERA_FIELD_EVT_RING_REF)                                                 \
    STR(XENCAMERA_FIELD_EVT_CHANNEL)                                                  \
    STR(XENCAMERA_FIELD_MAX_BUFFERS)                                                  \
    STR(XENCAMERA_FIELD_CONTROLS)                                                     \
    STR(XENCAMERA_FIELD_FORMATS)                                                      \
    STR(XENCAMERA_FIELD_FRAME_RATES)                                                  \
    STR(XENCAMERA_FIELD_BE_ALLOC)                                                     \
    STR(XENCAMERA_FIELD_UNIQUE_ID)                                                    \
    STR(XENCAMERA_CTRL_BRIGHTNESS_STR)                                                \
    STR(XENCAMERA_CTRL_CONTRAST_STR)                                                  \
    STR(XENCAMERA_CTRL_SATURATION_STR)                                                \
    STR(XENCAMERA_CTRL_HUE_STR)                                                       \
    STR(XENCAMERA_FOURCC_BIGENDIAN_STR)                                               \
    INT(XENCAMERA_MAX_PLANE)                                                          \
    INT(XENCAMERA_OP_CONFIG_SET)                                                      \
    INT(XENCAMERA_OP_CONFIG_GET)                                                      \
    INT(XENCAMERA_OP_CONFIG_VALIDATE)                                                 \
    INT(XENCAMERA_OP_FRAME_RATE_SET)                                                  \
    INT(XENCAMERA_OP_BUF_GET_LAYOUT)                                                  \
    INT(XENCAMERA_OP_BUF_REQUEST)                                                     \
    INT(XENCAMERA_OP_BUF_CREATE)                                                      \
    INT(XENCAMERA_OP_BUF_DESTROY)                                                     \
    INT(XENCAMERA_OP_BUF_QUEUE)                                                       \
    INT(XENCAMERA_OP_BUF_DEQUEUE)                                                     \
    INT(XENCAMERA_OP_CTRL_ENUM)                                                       \
    INT(XENCAMERA_OP_CTRL_SET)                                                        \
    INT(XENCAMERA_OP_CTRL_GET)                                                        \
    INT(XENCAMERA_OP_STREAM_START)                                                    \
    INT(XENCAMERA_OP_STREAM_STOP)                                                     \
    INT(XENCAMERA_CTRL_BRIGHTNESS)                                                    \
    INT(XENCAMERA_CTRL_CONTRAST)                                                      \
    INT(XENCAMERA_CTRL_SATURATION)                                                    \
    INT(XENCAMERA_CTRL_HUE)                                                           \
    INT(XENCAMERA_MAX_CTRL)                                                           \
    INT(XENCAMERA_CTRL_FLG_RO)                                                        \
    INT(XENCAMERA_CTRL_FLG_WO)                                                        \
    INT(XENCAMERA_CTRL_FLG_VOLATILE)                                                  \
    INT(XENCAMERA_COLORSPACE_DEFAULT)                                                 \
    INT(XENCAMERA_COLORSPACE_SMPTE170M)                                               \
    INT(XENCAMERA_COLORSPACE_REC709)                                                  \
    INT(XENCAMERA_COLORSPACE_SRGB)                                                    \
    INT(XENCAMERA_COLORSPACE_OPRGB)                                                   \
    INT(XENCAMERA_COLORSPACE_BT2020)                                                  \
    INT(XENCAMERA_COLORSPACE_DCI_P3)                                                  \
    INT(XENCAMERA_XFER_FUNC_DEFAULT)                                                  \
    INT(XENCAMERA_XFER_FUNC_709)                                                      \
    INT(XENCAMERA_XFER_FUNC_SRGB)                                                     \
    INT(XENCAMERA_XFER_FUNC_OPRGB)                                                    \
    INT(XENCAMERA_XFER_FUNC_NONE)                                                     \
    INT(XENCAMERA_XFER_FUNC_DCI_P3)                                                   \
    INT(XENCAMERA_XFER_FUNC_SMPTE2084)                                                \
    INT(XENCAMERA_YCBCR_ENC_IGNORE)                                                   \
    INT(XENCAMERA_YCBCR_ENC_601)                                                      \
    INT(XENCAMERA_YCBCR_ENC_709)                                                      \
    INT(XENCAMERA_YCBCR_ENC_XV601)                                                    \
    INT(XENCAMERA_YCBCR_ENC_XV709)                                                    \
    INT(XENCAMERA_YCBCR_ENC_BT2020)                                                   \
    INT(XENCAMERA_YCBCR_ENC_BT2020_CONST_LUM)                                         \
    INT(XENCAMERA_QUANTIZATION_DEFAULT)                                               \
    INT(XENCAMERA_QUANTIZATION_FULL_RANGE)                                            \
    INT(XENCAMERA_QUANTIZATION_LIM_RANGE)                                             \
    INT(XENCAMERA_EVT_FRAME_AVAIL)                                                    \
    INT(XENCAMERA_EVT_CTRL_CHANGE)                                                    \
    INT(XENCAMERA_EVENT_PAGE_SIZE)                                                    \
    INT(XENCAMERA_IN_RING_OFFS)                                                       \
    INT(XENCAMERA_IN_RING_SIZE)                                                       \
    INT(XENCAMERA_IN_RING_LEN)                                                        \
                                                                                      \
    SIZE(xencamera_config_req)                                                        \
    FIELD(xencamera_config_req, pixel_format)                                         \
    FIELD(xencamera_config_req, width)                                                \
    FIELD(xencamera_config_req, height)                                               \
    SIZE(xencamera_frame_rate_req)                                                    \
    FIELD(xencamera_frame_rate_req, frame_rate_numer)                                 \
    FIELD(xencamera_frame_rate_req, frame_rate_denom)                                 \
    SIZE(xencamera_buf_request)                                                       \
    FIELD(xencamera_buf_request, num_bufs)                                            \
    SIZE(xencamera_buf_create_req)                                                    \
    FIELD(xencamera_buf_create_req, index)                                            \
    ARRAY(xencamera_buf_create_req, reserved)                                         \
    ARRAY(xencamera_buf_create_req, plane_offset)                                     \
    FIELD(xencamera_buf_create_req, gref_directory)                                   \
    SIZE(xencamera_page_directory)                                                    \
    FIELD(xencamera_page_directory, gref_dir_next_page)                               \
    ARRAY(xencamera_page_directory, gref)                                             \
    SIZE(xencamera_index)                                                             \
    FIELD(xencamera_index, index)                                                     \
    SIZE(xencamera_ctrl_value)                                                        \
    FIELD(xencamera_ctrl_value, type)                                                 \
    ARRAY(xencamera_ctrl_value, reserved)                                             \
    FIELD(xencamera_ctrl_value, value)                                                \
    SIZE(xencamera_get_ctrl_req)                                                      \
    FIELD(xencamera_get_ctrl_req, type)                                               \
    SIZE(xencamera_config_resp)                                                       \
    FIELD(xencamera_config_resp, pixel_format)                                        \
    FIELD(xencamera_config_resp, width)                                               \
    FIELD(xencamera_config_resp, height)                                              \
    FIELD(xencamera_config_resp, colorspace)                                          \
    FIELD(xencamera_config_resp, xfer_func)                                           \
    FIELD(xencamera_config_resp, ycbcr_enc)                                           \
    FIELD(xencamera_config_resp, quantization)                                        \
    FIELD(xencamera_config_resp, displ_asp_ratio_numer)                               \
    FIELD(xencamera_config_resp, displ_asp_ratio_denom)                               \
    FIELD(xencamera_config_resp, frame_rate_numer)                                    \
    FIELD(xencamera_config_resp, frame_rate_denom)                                    \
    SIZE(xencamera_buf_get_layout_resp)                                               \
    FIELD(xencamera_buf_get_layout_resp, num_planes)                                  \
    ARRAY(xencamera_buf_get_layout_resp, reserved)                                    \
    FIELD(xencamera_buf_get_layout_resp, size)                                        \
    ARRAY(xencamera_buf_get_layout_resp, plane_size)                                  \
    ARRAY(xencamera_buf_get_layout_resp, plane_stride)                                \
    SIZE(xencamera_ctrl_enum_resp)                                                    \
    FIELD(xencamera_ctrl_enum_resp, index)                                            \
    FIELD(xencamera_ctrl_enum_resp, type)                                             \
    ARRAY(xencamera_ctrl_enum_resp, reserved)                                         \
    FIELD(xencamera_ctrl_enum_resp, flags)                                            \
    FIELD(xencamera_ctrl_enum_resp, min)                                              \
    FIELD(xencamera_ctrl_enum_resp, max)                                              \
    FIELD(xencamera_ctrl_enum_resp, step)                                             \
    FIELD(xencamera_ctrl_enum_resp, def_val)                                          \
    SIZE(xencamera_frame_avail_evt)                                                   \
    FIELD(xencamera_frame_avail_evt, index)                                           \
    ARRAY(xencamera_frame_avail_evt, reserved)                                        \
    FIELD(xencamera_frame_avail_evt, used_sz)                                         \
    FIELD(xencamera_frame_avail_evt, seq_num)                                         \
    SIZE(xencamera_req)                                                               \
    FIELD(xencamera_req, id)                                                          \
    FIELD(xencamera_req, operation)                                                   \
    ARRAY(xencamera_req, reserved)                                                    \
    AGG(xencamera_req, req)                                                           \
    AGG(xencamera_req, req.config)                                                    \
    FIELD(xencamera_req, req.config.pixel_format)                                     \
    FIELD(xencamera_req, req.config.width)                                            \
    FIELD(xencamera_req, req.config.height)                                           \
    AGG(xencamera_req, req.frame_rate)                                                \
    FIELD(xencamera_req, req.frame_rate.frame_rate_numer)                             \
    FIELD(xencamera_req, req.frame_rate.frame_rate_denom)                             \
    AGG(xencamera_req, req.buf_request)                                               \
    FIELD(xencamera_req, req.buf_request.num_bufs)                                    \
    AGG(xencamera_req, req.buf_create)                                                \
    FIELD(xencamera_req, req.buf_create.index)                                        \
    ARRAY(xencamera_req, req.buf_create.reserved)                                     \
    ARRAY(xencamera_req, req.buf_create.plane_offset)                                 \
    FIELD(xencamera_req, req.buf_create.gref_directory)                               \
    AGG(xencamera_req, req.index)                                                     \
    FIELD(xencamera_req, req.index.index)                                             \
    AGG(xencamera_req, req.ctrl_value)                                                \
    FIELD(xencamera_req, req.ctrl_value.type)                                         \
    ARRAY(xencamera_req, req.ctrl_value.reserved)                                     \
    FIELD(xencamera_req, req.ctrl_value.value)                                        \
    AGG(xencamera_req, req.get_ctrl)                                                  \
    FIELD(xencamera_req, req.get_ctrl.type)                                           \
    ARRAY(xencamera_req, req.reserved)                                                \
    SIZE(xencamera_resp)                                                              \
    FIELD(xencamera_resp, id)                                                         \
    FIELD(xencamera_resp, operation)                                                  \
    FIELD(xencamera_resp, reserved)                                                   \
    FIELD(xencamera_resp, status)                                                     \
    AGG(xencamera_resp, resp)                                                         \
    AGG(xencamera_resp, resp.config)                                                  \
    FIELD(xencamera_resp, resp.config.pixel_format)                                   \
    FIELD(xencamera_resp, resp.config.width)                                          \
    FIELD(xencamera_resp, resp.config.height)                                         \
    FIELD(xencamera_resp, resp.config.colorspace)                                     \
    FIELD(xencamera_resp, resp.config.xfer_func)                                      \
    FIELD(xencamera_resp, resp.config.ycbcr_enc)                                      \
    FIELD(xencamera_resp, resp.config.quantization)                                   \
    FIELD(xencamera_resp, resp.config.displ_asp_ratio_numer)                          \
    FIELD(xencamera_resp, resp.config.displ_asp_ratio_denom)                          \
    FIELD(xencamera_resp, resp.config.frame_rate_numer)                               \
    FIELD(xencamera_resp, resp.config.frame_rate_denom)                               \
    AGG(xencamera_resp, resp.buf_layout)                                              \
    FIELD(xencamera_resp, resp.buf_layout.num_planes)                                 \
    ARRAY(xencamera_resp, resp.buf_layout.reserved)                                   \
    FIELD(xencamera_resp, resp.buf_layout.size)                                       \
    ARRAY(xencamera_resp, resp.buf_layout.plane_size)                                 \
    ARRAY(xencamera_resp, resp.buf_layout.plane_stride)                               \
    AGG(xencamera_resp, resp.buf_request)                                             \
    FIELD(xencamera_resp, resp.buf_request.num_bufs)                                  \
    AGG(xencamera_resp, resp.ctrl_enum)                                               \
    FIELD(xencamera_resp, resp.ctrl_enum.index)                                       \
    FIELD(xencamera_resp, resp.ctrl_enum.type)                                        \
    ARRAY(xencamera_resp, resp.ctrl_enum.reserved)                                    \
    FIELD(xencamera_resp, resp.ctrl_enum.flags)                                       \
    FIELD(xencamera_resp, resp.ctrl_enum.min)                                         \
    FIELD(xencamera_resp, resp.ctrl_enum.max)                                         \
    FIELD(xencamera_resp, resp.ctrl_enum.step)                                        \
    FIELD(xencamera_resp, resp.ctrl_enum.def_val)                                     \
    AGG(xencamera_resp, resp.ctrl_value)                                              \
    FIELD(xencamera_resp, resp.ctrl_value.type)                                       \
    ARRAY(xencamera_resp, resp.ctrl_value.reserved)                                   \
    FIELD(xencamera_resp, resp.ctrl_value.value)                                      \
    ARRAY(xencamera_resp, resp.reserved1)                                             \
    SIZE(xencamera_evt)                                                               \
    FIELD(xencamera_evt, id)                                                          \
    FIELD(xencamera_evt, type)                                                        \
    ARRAY(xencamera_evt, reserved)                                                    \
    AGG(xencamera_evt, evt)                                                           \
    AGG(xencamera_evt, evt.frame_avail)                                               \
    FIELD(xencamera_evt, evt.frame_avail.index)                                       \
    ARRAY(xencamera_evt, evt.frame_avail.reserved)                                    \
    FIELD(xencamera_evt, evt.frame_avail.used_sz)                                     \
    FIELD(xencamera_evt, evt.frame_avail.seq_num)                                     \
    AGG(xencamera_evt, evt.ctrl_value)                                                \
    FIELD(xencamera_evt, evt.ctrl_value.type)                                         \
    ARRAY(xencamera_evt, evt.ctrl_value.reserved)                                     \
    FIELD(xencamera_evt, evt.ctrl_value.value)                                        \
    ARRAY(xencamera_evt, evt.reserved)                                                \
    SIZE(xencamera_event_page)                                                        \
    FIELD(xencamera_event_page, in_cons)                                              \
    FIELD(xencamera_event_page, in_prod)                                              \
    ARRAY(xencamera_event_page, reserved)                                             \
                                                                                      \
    SIZE(xen_cameraif_sring)                                                          \
    FIELD(xen_cameraif_sring, req_prod)                                               \
    FIELD(xen_cameraif_sring, req_event)                                              \
    FIELD(xen_cameraif_sring, rsp_prod)                                               \
    FIELD(xen_cameraif_sring, rsp_event)                                              \
    AGG(xen_cameraif_sring, pvt)                                                      \
    ARRAY(xen_cameraif_sring, __pad)                                                  \
    AGG(xen_cameraif_sring, ring)                                                     \
    USIZE(xen_cameraif_sring_entry)                                                   \
    SIZE(xen_cameraif_front_ring)                                                     \
    FIELD(xen_cameraif_front_ring, req_prod_pvt)                                      \
    FIELD(xen_cameraif_front_ring, rsp_cons)                                          \
    FIELD(xen_cameraif_front_ring, nr_ents)                                           \
    FIELD(xen_cameraif_front_ring, sring)                                             \
    SIZE(xen_cameraif_back_ring)                                                      \
    FIELD(xen_cameraif_back_ring, rsp_prod_pvt)                                       \
    FIELD(xen_cameraif_back_ring, req_cons)                                           \
    FIELD(xen_cameraif_back_ring, nr_ents)                                            \
    FIELD(xen_cameraif_back_ring, sring)

#endif
