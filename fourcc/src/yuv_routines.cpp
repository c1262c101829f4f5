// SPDX-License-Identifier: MIT
// Which libyuv routine converts which layout. No pixel arithmetic of our own lives here.
//
// libyuv names formats like DRM (as a little-endian word): libyuv "ARGB" is bytes B G R A,
// which is DRM ARGB8888 and V4L2 ABGR32. Keys below are therefore DRM codes.
#include "yuv_routines.h"

#include <libyuv.h>

#include <vector>

#include "vcamera/common/fourcc_code.h"

namespace vcam::fourcc::detail {
namespace {

constexpr std::uint32_t fcc(const char (&s)[5]) { return makeFourcc(s[0], s[1], s[2], s[3]); }

// Layout key: what the bytes look like. Formats DRM lacks (JPEG) use their V4L2 code.
std::uint32_t key(const FormatInfo& f) { return f.hasDrm() ? f.drm : f.v4l2; }

constexpr std::uint32_t kYuyv = fcc("YUYV"), kUyvy = fcc("UYVY"), kNv12 = fcc("NV12"),
                        kNv21 = fcc("NV21"), kI420 = fcc("YU12"), kYv12 = fcc("YV12"),
                        kI422 = fcc("YU16"), kYv16 = fcc("YV16"), kI444 = fcc("YU24"),
                        kYv24 = fcc("YV24"), kR8 = fcc("R8  "), kRgb565 = fcc("RG16"),
                        kBgr888 = fcc("BG24"), kRgb888 = fcc("RG24"), kArgb = fcc("AR24"),
                        kXrgb = fcc("XR24"), kBgra = fcc("BA24"), kBgrx = fcc("BX24"),
                        kAbgr = fcc("AB24"), kXbgr = fcc("XB24"), kRgba = fcc("RA24"),
                        kRgbx = fcc("RX24"), kMjpg = fcc("MJPG"), kJpeg = fcc("JPEG"),
                        kArgb1555 = fcc("AR15"), kXrgb1555 = fcc("XR15"), kR16 = fcc("R16 ");
// DRM_FORMAT_BIG_ENDIAN forms: the same pixels with the two bytes of each word swapped.
constexpr std::uint32_t kBigEndian = 1u << 31;
constexpr std::uint32_t kArgb1555Be = kArgb1555 | kBigEndian, kRgb565Be = kRgb565 | kBigEndian;

Status check(int rc, const FormatInfo& f, const char* what) {
  if (rc == 0) return {};
  return makeError(EINVAL, std::string("libyuv failed converting ") + what + " " +
                               std::string(f.name) + " (" + std::to_string(rc) + ")");
}

Status unsupported(const FormatInfo& f, const char* what) {
  return makeError(ENOTSUP,
                   "no libyuv conversion " + std::string(what) + " " + std::string(f.name));
}

}  // namespace

bool hasToArgb(const FormatInfo& f) {
  switch (key(f)) {
    case kYuyv:
    case kUyvy:
    case kNv12:
    case kNv21:
    case kI420:
    case kYv12:
    case kI422:
    case kYv16:
    case kI444:
    case kYv24:
    case kR8:
    case kRgb565:
    case kBgr888:
    case kRgb888:
    case kArgb:
    case kXrgb:
    case kBgra:
    case kBgrx:
    case kAbgr:
    case kXbgr:
    case kRgba:
    case kRgbx:
    case kMjpg:
    case kJpeg:
    case kArgb1555:
    case kXrgb1555:
    case kArgb1555Be:
    case kRgb565Be:
    case kR16:
      return true;
    default:
      return false;
  }
}

bool hasFromArgb(const FormatInfo& f) { return hasToArgb(f) && key(f) != kMjpg && key(f) != kJpeg; }

bool hasToI420(const FormatInfo& f) {
  switch (key(f)) {
    case kYuyv:
    case kUyvy:
    case kNv12:
    case kNv21:
    case kI420:
    case kYv12:
      return true;
    default:
      return false;
  }
}

bool hasFromI420(const FormatInfo& f) { return hasToI420(f); }

bool isLibyuvArgb(const FormatInfo& f) { return key(f) == kArgb || key(f) == kXrgb; }

bool hasDirect(const FormatInfo& from, const FormatInfo& to) {
  return key(to) == kNv12 && (key(from) == kYuyv || key(from) == kUyvy);
}

// JPEG (JFIF) holds full-range BT.601 Y'CbCr. libyuv's MJPGToARGB converts it as limited
// range (75% white comes out 204, not 191), so decode to planes and convert as J420.
Status jpegToArgb(const FormatInfo& f, const std::uint8_t* jpeg, std::size_t bytes,
                  std::uint8_t* argb, int as, int w, int h) {
  const int cw = (w + 1) / 2;
  const int ch = (h + 1) / 2;
  std::vector<std::uint8_t> planes(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) +
                                   2 * static_cast<std::size_t>(cw) * static_cast<std::size_t>(ch));
  std::uint8_t* y = planes.data();
  std::uint8_t* u = y + static_cast<std::ptrdiff_t>(w) * h;
  std::uint8_t* v = u + static_cast<std::ptrdiff_t>(cw) * ch;
  if (libyuv::MJPGToI420(jpeg, bytes, y, w, u, cw, v, cw, w, h, w, h) != 0) {
    return makeError(EINVAL, "libyuv cannot decode the " + std::string(f.name) + " data as " +
                                 std::to_string(w) + "x" + std::to_string(h) +
                                 " (corrupt, or another size)");
  }
  return check(libyuv::J420ToARGB(y, w, u, cw, v, cw, argb, as, w, h), f, "from");
}

namespace {

// Big-endian 16-bit words, w per line, as little-endian ones in an aligned scratch (libyuv's
// SwapUVPlane swaps the two bytes of each pair), and back.
std::vector<std::uint16_t> swappedWords(const std::uint8_t* src, int stride, int w, int h) {
  std::vector<std::uint16_t> words(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  libyuv::SwapUVPlane(src, stride, reinterpret_cast<std::uint8_t*>(words.data()), w * 2, w, h);
  return words;
}

void storeSwapped(const std::vector<std::uint16_t>& words, std::uint8_t* dst, int stride, int w,
                  int h) {
  libyuv::SwapUVPlane(reinterpret_cast<const std::uint8_t*>(words.data()), w * 2, dst, stride, w,
                      h);
}

// 16-bit luma (little endian): its high bytes are the 8-bit grey, and 8-bit grey g becomes
// g * 0x0101 with both bytes g (libyuv's Split/MergeUVPlane take the bytes apart and together).
Status r16ToArgb(const FormatInfo& f, const std::uint8_t* src, int stride, std::uint8_t* argb,
                 int as, int w, int h) {
  const std::size_t pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  std::vector<std::uint8_t> low(pixels), grey(pixels);
  libyuv::SplitUVPlane(src, stride, low.data(), w, grey.data(), w, w, h);
  return check(libyuv::J400ToARGB(grey.data(), w, argb, as, w, h), f, "from");
}

Status argbToR16(const FormatInfo& f, const std::uint8_t* argb, int as, std::uint8_t* dst,
                 int stride, int w, int h) {
  std::vector<std::uint8_t> grey(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  if (Status s = check(libyuv::ARGBToJ400(argb, as, grey.data(), w, w, h), f, "to"); !s) {
    return s;
  }
  libyuv::MergeUVPlane(grey.data(), w, grey.data(), w, dst, stride, w, h);
  return {};
}

}  // namespace

Status toArgb(const FormatInfo& f, const Planes& s, std::uint8_t* argb, int as, int w, int h) {
  const auto& d = s.data;
  const auto& st = s.stride;
  switch (key(f)) {
    case kYuyv:
      return check(libyuv::YUY2ToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kUyvy:
      return check(libyuv::UYVYToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kNv12:
      return check(libyuv::NV12ToARGB(d[0], st[0], d[1], st[1], argb, as, w, h), f, "from");
    case kNv21:
      return check(libyuv::NV21ToARGB(d[0], st[0], d[1], st[1], argb, as, w, h), f, "from");
    case kI420:
      return check(libyuv::I420ToARGB(d[0], st[0], d[1], st[1], d[2], st[2], argb, as, w, h), f,
                   "from");
    case kYv12:
      return check(libyuv::I420ToARGB(d[0], st[0], d[2], st[2], d[1], st[1], argb, as, w, h), f,
                   "from");
    case kI422:
      return check(libyuv::I422ToARGB(d[0], st[0], d[1], st[1], d[2], st[2], argb, as, w, h), f,
                   "from");
    case kYv16:
      return check(libyuv::I422ToARGB(d[0], st[0], d[2], st[2], d[1], st[1], argb, as, w, h), f,
                   "from");
    case kI444:
      return check(libyuv::I444ToARGB(d[0], st[0], d[1], st[1], d[2], st[2], argb, as, w, h), f,
                   "from");
    case kYv24:
      return check(libyuv::I444ToARGB(d[0], st[0], d[2], st[2], d[1], st[1], argb, as, w, h), f,
                   "from");
    case kR8:
      return check(libyuv::J400ToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kRgb565:
      return check(libyuv::RGB565ToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kBgr888:
      return check(libyuv::RAWToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kRgb888:
      return check(libyuv::RGB24ToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kArgb:
    case kXrgb:
      return check(libyuv::ARGBCopy(d[0], st[0], argb, as, w, h), f, "from");
    case kBgra:
    case kBgrx:
      return check(libyuv::BGRAToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kAbgr:
    case kXbgr:
      return check(libyuv::ABGRToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kRgba:
    case kRgbx:
      return check(libyuv::RGBAToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kArgb1555:
    case kXrgb1555:
      return check(libyuv::ARGB1555ToARGB(d[0], st[0], argb, as, w, h), f, "from");
    case kArgb1555Be: {
      const std::vector<std::uint16_t> words = swappedWords(d[0], st[0], w, h);
      return check(libyuv::ARGB1555ToARGB(reinterpret_cast<const std::uint8_t*>(words.data()),
                                          w * 2, argb, as, w, h),
                   f, "from");
    }
    case kRgb565Be: {
      const std::vector<std::uint16_t> words = swappedWords(d[0], st[0], w, h);
      return check(libyuv::RGB565ToARGB(reinterpret_cast<const std::uint8_t*>(words.data()), w * 2,
                                        argb, as, w, h),
                   f, "from");
    }
    case kR16:
      return r16ToArgb(f, d[0], st[0], argb, as, w, h);
    case kMjpg:
    case kJpeg:
      return jpegToArgb(f, d[0], s.bytes, argb, as, w, h);
    default:
      return unsupported(f, "from");
  }
}

Status fromArgb(const FormatInfo& f, const std::uint8_t* argb, int as, const MutablePlanes& t,
                int w, int h) {
  const auto& d = t.data;
  const auto& st = t.stride;
  switch (key(f)) {
    case kYuyv:
      return check(libyuv::ARGBToYUY2(argb, as, d[0], st[0], w, h), f, "to");
    case kUyvy:
      return check(libyuv::ARGBToUYVY(argb, as, d[0], st[0], w, h), f, "to");
    case kNv12:
      return check(libyuv::ARGBToNV12(argb, as, d[0], st[0], d[1], st[1], w, h), f, "to");
    case kNv21:
      return check(libyuv::ARGBToNV21(argb, as, d[0], st[0], d[1], st[1], w, h), f, "to");
    case kI420:
      return check(libyuv::ARGBToI420(argb, as, d[0], st[0], d[1], st[1], d[2], st[2], w, h), f,
                   "to");
    case kYv12:
      return check(libyuv::ARGBToI420(argb, as, d[0], st[0], d[2], st[2], d[1], st[1], w, h), f,
                   "to");
    case kI422:
      return check(libyuv::ARGBToI422(argb, as, d[0], st[0], d[1], st[1], d[2], st[2], w, h), f,
                   "to");
    case kYv16:
      return check(libyuv::ARGBToI422(argb, as, d[0], st[0], d[2], st[2], d[1], st[1], w, h), f,
                   "to");
    case kI444:
      return check(libyuv::ARGBToI444(argb, as, d[0], st[0], d[1], st[1], d[2], st[2], w, h), f,
                   "to");
    case kYv24:
      return check(libyuv::ARGBToI444(argb, as, d[0], st[0], d[2], st[2], d[1], st[1], w, h), f,
                   "to");
    case kR8:
      return check(libyuv::ARGBToJ400(argb, as, d[0], st[0], w, h), f, "to");
    case kRgb565:
      return check(libyuv::ARGBToRGB565(argb, as, d[0], st[0], w, h), f, "to");
    case kBgr888:
      return check(libyuv::ARGBToRAW(argb, as, d[0], st[0], w, h), f, "to");
    case kRgb888:
      return check(libyuv::ARGBToRGB24(argb, as, d[0], st[0], w, h), f, "to");
    case kArgb:
    case kXrgb:
      return check(libyuv::ARGBCopy(argb, as, d[0], st[0], w, h), f, "to");
    case kBgra:
    case kBgrx:
      return check(libyuv::ARGBToBGRA(argb, as, d[0], st[0], w, h), f, "to");
    case kAbgr:
    case kXbgr:
      return check(libyuv::ARGBToABGR(argb, as, d[0], st[0], w, h), f, "to");
    case kRgba:
    case kRgbx:
      return check(libyuv::ARGBToRGBA(argb, as, d[0], st[0], w, h), f, "to");
    case kArgb1555:
    case kXrgb1555:
      return check(libyuv::ARGBToARGB1555(argb, as, d[0], st[0], w, h), f, "to");
    case kArgb1555Be:
    case kRgb565Be: {
      std::vector<std::uint16_t> words(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
      auto* le = reinterpret_cast<std::uint8_t*>(words.data());
      const int rc = key(f) == kRgb565Be ? libyuv::ARGBToRGB565(argb, as, le, w * 2, w, h)
                                         : libyuv::ARGBToARGB1555(argb, as, le, w * 2, w, h);
      if (Status s = check(rc, f, "to"); !s) return s;
      storeSwapped(words, d[0], st[0], w, h);
      return {};
    }
    case kR16:
      return argbToR16(f, argb, as, d[0], st[0], w, h);
    default:
      return unsupported(f, "to");
  }
}

Status toI420(const FormatInfo& f, const Planes& s, const I420& o, int w, int h) {
  const auto& d = s.data;
  const auto& st = s.stride;
  switch (key(f)) {
    case kYuyv:
      return check(
          libyuv::YUY2ToI420(d[0], st[0], o.y, o.strideY, o.u, o.strideUv, o.v, o.strideUv, w, h),
          f, "from");
    case kUyvy:
      return check(
          libyuv::UYVYToI420(d[0], st[0], o.y, o.strideY, o.u, o.strideUv, o.v, o.strideUv, w, h),
          f, "from");
    case kNv12:
      return check(libyuv::NV12ToI420(d[0], st[0], d[1], st[1], o.y, o.strideY, o.u, o.strideUv,
                                      o.v, o.strideUv, w, h),
                   f, "from");
    case kNv21:
      return check(libyuv::NV21ToI420(d[0], st[0], d[1], st[1], o.y, o.strideY, o.u, o.strideUv,
                                      o.v, o.strideUv, w, h),
                   f, "from");
    case kI420:
      return check(libyuv::I420Copy(d[0], st[0], d[1], st[1], d[2], st[2], o.y, o.strideY, o.u,
                                    o.strideUv, o.v, o.strideUv, w, h),
                   f, "from");
    case kYv12:
      return check(libyuv::I420Copy(d[0], st[0], d[2], st[2], d[1], st[1], o.y, o.strideY, o.u,
                                    o.strideUv, o.v, o.strideUv, w, h),
                   f, "from");
    default:
      return unsupported(f, "from");
  }
}

Status fromI420(const FormatInfo& f, const I420& i, const MutablePlanes& t, int w, int h) {
  const auto& d = t.data;
  const auto& st = t.stride;
  switch (key(f)) {
    case kYuyv:
      return check(
          libyuv::I420ToYUY2(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0], w, h),
          f, "to");
    case kUyvy:
      return check(
          libyuv::I420ToUYVY(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0], w, h),
          f, "to");
    case kNv12:
      return check(libyuv::I420ToNV12(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0],
                                      d[1], st[1], w, h),
                   f, "to");
    case kNv21:
      return check(libyuv::I420ToNV21(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0],
                                      d[1], st[1], w, h),
                   f, "to");
    case kI420:
      return check(libyuv::I420Copy(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0],
                                    d[1], st[1], d[2], st[2], w, h),
                   f, "to");
    case kYv12:
      return check(libyuv::I420Copy(i.y, i.strideY, i.u, i.strideUv, i.v, i.strideUv, d[0], st[0],
                                    d[2], st[2], d[1], st[1], w, h),
                   f, "to");
    default:
      return unsupported(f, "to");
  }
}

Status direct(const FormatInfo& from, const Planes& s, const FormatInfo& to, const MutablePlanes& t,
              int w, int h) {
  const auto& d = s.data;
  const auto& st = s.stride;
  if (key(to) == kNv12 && key(from) == kYuyv) {
    return check(
        libyuv::YUY2ToNV12(d[0], st[0], t.data[0], t.stride[0], t.data[1], t.stride[1], w, h), from,
        "from");
  }
  if (key(to) == kNv12 && key(from) == kUyvy) {
    return check(
        libyuv::UYVYToNV12(d[0], st[0], t.data[0], t.stride[0], t.data[1], t.stride[1], w, h), from,
        "from");
  }
  return unsupported(from, "from");
}

}  // namespace vcam::fourcc::detail
