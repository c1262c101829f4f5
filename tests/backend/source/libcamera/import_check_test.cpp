// SPDX-License-Identifier: MIT
// Which dma-bufs a camera's driver can capture into, decided before libcamera sees them.
#include "backend/source/libcamera/import_check.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend/base/unique_fd.h"

namespace vcam::source::lc {
namespace {

TEST(ExporterInFdinfo, NamesTheExporterOfADmaBuf) {
  const char* fdinfo =
      "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1045\nsize:\t921600\ncount:\t2\n"
      "exp_name:\tvideobuf2_vmalloc\nname:\t\n";
  EXPECT_EQ(exporterInFdinfo(fdinfo).value(), "videobuf2_vmalloc");
}

TEST(ExporterInFdinfo, AFileWithoutOneIsNoDmaBuf) {
  Result<std::string> none = exporterInFdinfo("pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t7\n");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, EINVAL);
  EXPECT_FALSE(exporterInFdinfo("exp_name:\t\n"));
  EXPECT_FALSE(exporterInFdinfo(""));
}

TEST(DmaBufExporter, AMemfdIsNoDmaBuf) {
  base::UniqueFd memfd(::memfd_create("plain", MFD_CLOEXEC));
  ASSERT_TRUE(memfd.valid());
  Result<std::string> exporter = dmaBufExporter(memfd.get());
  ASSERT_FALSE(exporter);
  EXPECT_EQ(exporter.error().code, EINVAL);
  EXPECT_NE(exporter.error().message.find("not a dma-buf"), std::string::npos);
}

TEST(DmaBufExporter, AClosedFdCannotBeRead) { EXPECT_EQ(dmaBufExporter(-1).error().code, EBADF); }

TEST(CameraCanImport, ADmaSgDriverTakesAnyDmaBuf) {
  EXPECT_TRUE(cameraCanImport("videobuf2_dma_sg", "xen_gntdev"));
  EXPECT_TRUE(cameraCanImport("videobuf2_dma_sg", "videobuf2_vmalloc"));
}

TEST(CameraCanImport, AVmallocDriverNeedsAKernelMappingAGntdevExportLacks) {
  EXPECT_TRUE(cameraCanImport("videobuf2_vmalloc", "videobuf2_vmalloc"));
  EXPECT_TRUE(cameraCanImport("videobuf2_vmalloc", "videobuf2_dma_sg"));
  Status gntdev = cameraCanImport("videobuf2_vmalloc", "xen_gntdev_dmabuf");
  ASSERT_FALSE(gntdev);
  EXPECT_EQ(gntdev.error().code, ENOTSUP);
  EXPECT_NE(gntdev.error().message.find("needs a kernel mapping"), std::string::npos)
      << gntdev.error().message;
  EXPECT_NE(gntdev.error().message.find("xen_gntdev_dmabuf"), std::string::npos);
}

TEST(CameraCanImport, ADmaContigDriverTakesOnlyContiguousMemory) {
  EXPECT_TRUE(cameraCanImport("videobuf2_dma_contig", "videobuf2_dma_contig"));
  EXPECT_EQ(cameraCanImport("videobuf2_dma_contig", "xen_gntdev").error().code, ENOTSUP);
}

TEST(CameraCanImport, AnUnknownMemoryTypeIsNotRisked) {
  Status unknown = cameraCanImport("some_isp_allocator", "xen_gntdev");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ENOTSUP);
  EXPECT_NE(unknown.error().message.find("some_isp_allocator"), std::string::npos);
}

}  // namespace
}  // namespace vcam::source::lc
