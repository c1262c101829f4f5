# SPDX-License-Identifier: MIT
# vcam_xen_xenstore_tree: xenstored's data model in memory (nodes, permissions, transactions,
# watches, quotas) for the emulated Xen's broker. Included from this folder's CMakeLists.txt.

add_library(vcam_xen_xenstore_tree STATIC
  ${CMAKE_CURRENT_LIST_DIR}/xenstore_path.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xenstore_node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/xenstore_tree.cpp)
add_library(vcam::xen_xenstore_tree ALIAS vcam_xen_xenstore_tree)
target_link_libraries(vcam_xen_xenstore_tree PUBLIC vcam::xen)
vcam_defaults(vcam_xen_xenstore_tree)
