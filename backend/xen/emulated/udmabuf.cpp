// SPDX-License-Identifier: MIT
// createUdmabuf(): the only code that talks to /dev/udmabuf.
#include "backend/xen/emulated/udmabuf.h"

#include <fcntl.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "backend/base/system_call.h"

namespace vcam::xen::emu {

Result<base::UniqueFd> createUdmabuf(std::span<const MemfdRange> ranges) {
  if (ranges.empty()) return makeError(EINVAL, "udmabuf: no ranges");
  base::UniqueFd device(::open("/dev/udmabuf", O_RDWR | O_CLOEXEC));
  if (!device) return base::systemError("open /dev/udmabuf");
  // struct udmabuf_create_list ends in a flexible array: build it in a byte buffer.
  const std::size_t bytes =
      sizeof(udmabuf_create_list) + ranges.size() * sizeof(udmabuf_create_item);
  std::unique_ptr<unsigned char[]> buffer(new unsigned char[bytes]);
  udmabuf_create_list head{};
  head.flags = UDMABUF_FLAGS_CLOEXEC;
  head.count = static_cast<__u32>(ranges.size());
  std::memcpy(buffer.get(), &head, sizeof head);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    udmabuf_create_item item{};
    item.memfd = static_cast<__u32>(ranges[i].memfd);
    item.offset = ranges[i].offset;
    item.size = ranges[i].size;
    std::memcpy(buffer.get() + sizeof head + i * sizeof item, &item, sizeof item);
  }
  const int fd = ::ioctl(device.get(), UDMABUF_CREATE_LIST, buffer.get());
  if (fd < 0) return base::systemError("UDMABUF_CREATE_LIST");
  return base::UniqueFd(fd);
}

}  // namespace vcam::xen::emu
