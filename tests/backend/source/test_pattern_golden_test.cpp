// SPDX-License-Identifier: MIT
// Golden checksums: every table format, two sizes, two sequence numbers. The values were
// taken from this implementation after looking at the frames (PNGs via vcamera-fourcc's
// converter); a change here means the pictures changed, on purpose or not.
#include <gtest/gtest.h>

#include <array>
#include <cinttypes>
#include <cstdio>
#include <string_view>

#include "backend/source/test_pattern.h"
#include "render_helpers.h"

namespace vcam::source {
namespace {

struct Golden {
  std::string_view format;
  std::uint32_t width;
  std::uint32_t height;
  std::uint32_t sequence;
  std::uint64_t checksum;  // FNV-1a 64 over the used bytes of every memory plane
};

constexpr std::array<fourcc::Size, 2> kSizes{{{37, 22}, {640, 480}}};
constexpr std::array<std::uint32_t, 2> kSequences{0, 1234567};

// MJPEG/JPEG rows depend on libjpeg-turbo producing the same bitstream (accurate integer
// DCT, fixed quality and tables): stable across SIMD paths, recheck on a major upgrade.
// clang-format off
constexpr Golden kGolden[] = {
    {"YUYV", 37, 22, 0, 0xedb36b4f0e4c3519},
    {"YUYV", 37, 22, 1234567, 0xa2643973469db9a6},
    {"YUYV", 640, 480, 0, 0xcd5b920a68dedb12},
    {"YUYV", 640, 480, 1234567, 0x1b3e632b2b83cc02},
    {"UYVY", 37, 22, 0, 0x3937194e3bf086a9},
    {"UYVY", 37, 22, 1234567, 0xcf2a4dd61be29d54},
    {"UYVY", 640, 480, 0, 0xfed43be6975863dc},
    {"UYVY", 640, 480, 1234567, 0x2acda06bbb723cec},
    {"YVYU", 37, 22, 0, 0x9e8df5728e3bb909},
    {"YVYU", 37, 22, 1234567, 0x5395b0516a935e7e},
    {"YVYU", 640, 480, 0, 0x4c8700089eecee22},
    {"YVYU", 640, 480, 1234567, 0x06fa505d67f531b2},
    {"VYUY", 37, 22, 0, 0xce89dc78057740d9},
    {"VYUY", 37, 22, 1234567, 0xa959e8f4cb19fe1c},
    {"VYUY", 640, 480, 0, 0x6ad526853d2b22dc},
    {"VYUY", 640, 480, 1234567, 0xf8d3bd7f8b64baac},
    {"AYUV32", 37, 22, 0, 0xcf204fa7c00ccb19},
    {"AYUV32", 37, 22, 1234567, 0x65875b7b2b4ac453},
    {"AYUV32", 640, 480, 0, 0x8d861e8accabfbe0},
    {"AYUV32", 640, 480, 1234567, 0x4f7734f8d1d15638},
    {"XYUV32", 37, 22, 0, 0xe292c8c0b2404215},
    {"XYUV32", 37, 22, 1234567, 0xa78117cbad914a6f},
    {"XYUV32", 640, 480, 0, 0xa9d0953942657a0c},
    {"XYUV32", 640, 480, 1234567, 0xc37e3506f44e97ac},
    {"VUYA32", 37, 22, 0, 0x1e1af8f9bae14941},
    {"VUYA32", 37, 22, 1234567, 0xbe1435bef5987ea7},
    {"VUYA32", 640, 480, 0, 0x08c9e2eeab1d22c6},
    {"VUYA32", 640, 480, 1234567, 0x65aff06123915c1e},
    {"VUYX32", 37, 22, 0, 0xd74dd560eab13e35},
    {"VUYX32", 37, 22, 1234567, 0x24e18a47c076a217},
    {"VUYX32", 640, 480, 0, 0xecf9fd37ba4ef676},
    {"VUYX32", 640, 480, 1234567, 0x388f6570f1aa1eb6},
    {"NV12", 37, 22, 0, 0x7c236c42ad29a657},
    {"NV12", 37, 22, 1234567, 0xfd4f2ebd50abf4aa},
    {"NV12", 640, 480, 0, 0xe91f0cafe7d73b70},
    {"NV12", 640, 480, 1234567, 0xdb9a402cfc847e19},
    {"NV21", 37, 22, 0, 0x12af31e3c947517f},
    {"NV21", 37, 22, 1234567, 0x973b9c9304743e30},
    {"NV21", 640, 480, 0, 0x4dfb79f4bbf3d998},
    {"NV21", 640, 480, 1234567, 0x5740dbd8329bdc13},
    {"NV16", 37, 22, 0, 0xae35fd94349aeec7},
    {"NV16", 37, 22, 1234567, 0x03c8cd065f846746},
    {"NV16", 640, 480, 0, 0xa8565cc1a1c5d8e6},
    {"NV16", 640, 480, 1234567, 0x678b4655dbe5b242},
    {"NV61", 37, 22, 0, 0xe051ebf2e0bfd25f},
    {"NV61", 37, 22, 1234567, 0xc8f387e4a8f80408},
    {"NV61", 640, 480, 0, 0xe67bd06b0fe04096},
    {"NV61", 640, 480, 1234567, 0x13b60d0b5ce4a2a2},
    {"NV24", 37, 22, 0, 0xf0e0b5a8744b463f},
    {"NV24", 37, 22, 1234567, 0x61f12cc85e12205b},
    {"NV24", 640, 480, 0, 0x969e471e36671cca},
    {"NV24", 640, 480, 1234567, 0x131cfdbfc6731cf6},
    {"NV42", 37, 22, 0, 0x830faf120f47a47f},
    {"NV42", 37, 22, 1234567, 0x94013315aca4dc23},
    {"NV42", 640, 480, 0, 0x270c54d536bf818a},
    {"NV42", 640, 480, 1234567, 0xee83158654284d36},
    {"NV12M", 37, 22, 0, 0x7c236c42ad29a657},
    {"NV12M", 37, 22, 1234567, 0xfd4f2ebd50abf4aa},
    {"NV12M", 640, 480, 0, 0xe91f0cafe7d73b70},
    {"NV12M", 640, 480, 1234567, 0xdb9a402cfc847e19},
    {"NV21M", 37, 22, 0, 0x12af31e3c947517f},
    {"NV21M", 37, 22, 1234567, 0x973b9c9304743e30},
    {"NV21M", 640, 480, 0, 0x4dfb79f4bbf3d998},
    {"NV21M", 640, 480, 1234567, 0x5740dbd8329bdc13},
    {"NV16M", 37, 22, 0, 0xae35fd94349aeec7},
    {"NV16M", 37, 22, 1234567, 0x03c8cd065f846746},
    {"NV16M", 640, 480, 0, 0xa8565cc1a1c5d8e6},
    {"NV16M", 640, 480, 1234567, 0x678b4655dbe5b242},
    {"NV61M", 37, 22, 0, 0xe051ebf2e0bfd25f},
    {"NV61M", 37, 22, 1234567, 0xc8f387e4a8f80408},
    {"NV61M", 640, 480, 0, 0xe67bd06b0fe04096},
    {"NV61M", 640, 480, 1234567, 0x13b60d0b5ce4a2a2},
    {"P010", 37, 22, 0, 0x6c5943ac62d44fbc},
    {"P010", 37, 22, 1234567, 0x3ab656bfbac10077},
    {"P010", 640, 480, 0, 0xe821d212007379c8},
    {"P010", 640, 480, 1234567, 0x2df0e258f432a8c8},
    {"YUV420", 37, 22, 0, 0xcb47297b87cbbb23},
    {"YUV420", 37, 22, 1234567, 0x6f259de396cd7238},
    {"YUV420", 640, 480, 0, 0xcd826c4770ce2552},
    {"YUV420", 640, 480, 1234567, 0x7a097a9934c9a4a5},
    {"YVU420", 37, 22, 0, 0xbe482df3f5fd51ab},
    {"YVU420", 37, 22, 1234567, 0xa34c7d227f4178ca},
    {"YVU420", 640, 480, 0, 0xf6057af784367722},
    {"YVU420", 640, 480, 1234567, 0x791091074ccbfbad},
    {"YUV422P", 37, 22, 0, 0x6140be1aecd84897},
    {"YUV422P", 37, 22, 1234567, 0x11b9c337da742f5e},
    {"YUV422P", 640, 480, 0, 0x12a3f20dd37e1b5a},
    {"YUV422P", 640, 480, 1234567, 0x20700d14eb684956},
    {"YUV420M", 37, 22, 0, 0xcb47297b87cbbb23},
    {"YUV420M", 37, 22, 1234567, 0x6f259de396cd7238},
    {"YUV420M", 640, 480, 0, 0xcd826c4770ce2552},
    {"YUV420M", 640, 480, 1234567, 0x7a097a9934c9a4a5},
    {"YVU420M", 37, 22, 0, 0xbe482df3f5fd51ab},
    {"YVU420M", 37, 22, 1234567, 0xa34c7d227f4178ca},
    {"YVU420M", 640, 480, 0, 0xf6057af784367722},
    {"YVU420M", 640, 480, 1234567, 0x791091074ccbfbad},
    {"YUV422M", 37, 22, 0, 0x6140be1aecd84897},
    {"YUV422M", 37, 22, 1234567, 0x11b9c337da742f5e},
    {"YUV422M", 640, 480, 0, 0x12a3f20dd37e1b5a},
    {"YUV422M", 640, 480, 1234567, 0x20700d14eb684956},
    {"YVU422M", 37, 22, 0, 0xd49a0d5491c21fb7},
    {"YVU422M", 37, 22, 1234567, 0xf0435a7d429882c6},
    {"YVU422M", 640, 480, 0, 0xb29862cbad76beea},
    {"YVU422M", 640, 480, 1234567, 0xce173d1b35ff3846},
    {"YUV444M", 37, 22, 0, 0xdbe339703c6f7607},
    {"YUV444M", 37, 22, 1234567, 0x348bca6b37ef20cb},
    {"YUV444M", 640, 480, 0, 0x675789424e393d2a},
    {"YUV444M", 640, 480, 1234567, 0xb468f9dd69220c56},
    {"YVU444M", 37, 22, 0, 0x2a8243f46ba70fa7},
    {"YVU444M", 37, 22, 1234567, 0xc09db364a41b267b},
    {"YVU444M", 640, 480, 0, 0xb284dca880ee212a},
    {"YVU444M", 640, 480, 1234567, 0x6ab96d3fc71b3b56},
    {"GREY", 37, 22, 0, 0x6ed9a5ffe0bdc5ef},
    {"GREY", 37, 22, 1234567, 0x34dfbb299844f5f9},
    {"GREY", 640, 480, 0, 0x3d8fe998a9999aba},
    {"GREY", 640, 480, 1234567, 0xa2bd3f2603bbc586},
    {"Y10", 37, 22, 0, 0xb949504851a174d2},
    {"Y10", 37, 22, 1234567, 0xfa617cb2b1a33075},
    {"Y10", 640, 480, 0, 0x6c1536ddcbad317a},
    {"Y10", 640, 480, 1234567, 0xa7b9648feca528b2},
    {"Y12", 37, 22, 0, 0xc7fb4c33ab966cc0},
    {"Y12", 37, 22, 1234567, 0x497c3a82ea621ca9},
    {"Y12", 640, 480, 0, 0xa83efb914342218c},
    {"Y12", 640, 480, 1234567, 0xf6ee884ef7d15f6c},
    {"Y16", 37, 22, 0, 0xb5bef06e8043611d},
    {"Y16", 37, 22, 1234567, 0x1ad73bbb0843dbc3},
    {"Y16", 640, 480, 0, 0x99ebd2da8a8fc9e0},
    {"Y16", 640, 480, 1234567, 0xc429f27e9d599890},
    {"RGB565", 37, 22, 0, 0x8e9493438e59f592},
    {"RGB565", 37, 22, 1234567, 0x20c9cba8cffcbc67},
    {"RGB565", 640, 480, 0, 0xe823933dcfbae49d},
    {"RGB565", 640, 480, 1234567, 0x15e250dfffa1fa19},
    {"RGB565X", 37, 22, 0, 0x7ceeecfee16566f4},
    {"RGB565X", 37, 22, 1234567, 0xe18e37d7dc56f56b},
    {"RGB565X", 640, 480, 0, 0x5bc6429e73ae3ef1},
    {"RGB565X", 640, 480, 1234567, 0x7c4862d3d9095f9d},
    {"RGB555", 37, 22, 0, 0x1768d2b0df17aa10},
    {"RGB555", 37, 22, 1234567, 0x94fac475e08af031},
    {"RGB555", 640, 480, 0, 0x8ece5b3c26630424},
    {"RGB555", 640, 480, 1234567, 0x745adfc629e7a9f0},
    {"XRGB555", 37, 22, 0, 0x1768d2b0df17aa10},
    {"XRGB555", 37, 22, 1234567, 0x94fac475e08af031},
    {"XRGB555", 640, 480, 0, 0x8ece5b3c26630424},
    {"XRGB555", 640, 480, 1234567, 0x745adfc629e7a9f0},
    {"ARGB555", 37, 22, 0, 0x6caec31c02850610},
    {"ARGB555", 37, 22, 1234567, 0x101125c9076d7e31},
    {"ARGB555", 640, 480, 0, 0x51d327dabcb8c824},
    {"ARGB555", 640, 480, 1234567, 0x28c5236b6cff3cf0},
    {"ARGB555X", 37, 22, 0, 0x0d439d0c32d8fd4a},
    {"ARGB555X", 37, 22, 1234567, 0x2acaac886aef2b99},
    {"ARGB555X", 640, 480, 0, 0xbaf8f852648b4f1e},
    {"ARGB555X", 640, 480, 1234567, 0x9dae933844e176ea},
    {"RGB24", 37, 22, 0, 0xf88fd30e088b8b1f},
    {"RGB24", 37, 22, 1234567, 0x1ae25e82b0e5d321},
    {"RGB24", 640, 480, 0, 0x75c968aac6ee7ff9},
    {"RGB24", 640, 480, 1234567, 0x23a063d5c091653d},
    {"BGR24", 37, 22, 0, 0x6690f4afff9eaf97},
    {"BGR24", 37, 22, 1234567, 0x8e7bc078af76237d},
    {"BGR24", 640, 480, 0, 0x77c0025eb9f942cd},
    {"BGR24", 640, 480, 1234567, 0x45bbd679a5306b71},
    {"XRGB32", 37, 22, 0, 0xd9907d9ea00a286d},
    {"XRGB32", 37, 22, 1234567, 0x7070f0230a59905b},
    {"XRGB32", 640, 480, 0, 0x01c0c8721aa174ab},
    {"XRGB32", 640, 480, 1234567, 0xf5a07c7ecc39365b},
    {"XBGR32", 37, 22, 0, 0x389858987ba214c5},
    {"XBGR32", 37, 22, 1234567, 0xec02f59cd91d7053},
    {"XBGR32", 640, 480, 0, 0x2234a4e63795b3fb},
    {"XBGR32", 640, 480, 1234567, 0x39a74e92419b6ceb},
    {"ARGB32", 37, 22, 0, 0x28be6a2337010ced},
    {"ARGB32", 37, 22, 1234567, 0x00cfa46a5688c817},
    {"ARGB32", 640, 480, 0, 0xcddde9664e3300df},
    {"ARGB32", 640, 480, 1234567, 0x7632f3bf59c7cb5f},
    {"ABGR32", 37, 22, 0, 0xab8ee2d712a90dfd},
    {"ABGR32", 37, 22, 1234567, 0xe0d13948a5887ad3},
    {"ABGR32", 640, 480, 0, 0xf0c97efcbf293e0b},
    {"ABGR32", 640, 480, 1234567, 0xbd9b619d7467eb6b},
    {"RGBA32", 37, 22, 0, 0x6e9694b013201305},
    {"RGBA32", 37, 22, 1234567, 0xb4441723a74b9737},
    {"RGBA32", 640, 480, 0, 0x3c062e4c1ac54ed7},
    {"RGBA32", 640, 480, 1234567, 0x5edde5ec62539a57},
    {"BGRA32", 37, 22, 0, 0xf67af7edcf99eba5},
    {"BGRA32", 37, 22, 1234567, 0x7aafbfb225895f53},
    {"BGRA32", 640, 480, 0, 0x3e67ece59950e063},
    {"BGRA32", 640, 480, 1234567, 0xbf477b677d1411c3},
    {"RGBX32", 37, 22, 0, 0xc1cf81d44dc91abd},
    {"RGBX32", 37, 22, 1234567, 0xa1a7ded9aafcb117},
    {"RGBX32", 640, 480, 0, 0x5be64683c5494dd7},
    {"RGBX32", 640, 480, 1234567, 0x5970052e20ce80e7},
    {"BGRX32", 37, 22, 0, 0xb4e6b8a2074683c5},
    {"BGRX32", 37, 22, 1234567, 0xb30e7789b20758cf},
    {"BGRX32", 640, 480, 0, 0x563b17f0410a37f7},
    {"BGRX32", 640, 480, 1234567, 0xa72a9bbbb9f2e047},
    {"SBGGR8", 37, 22, 0, 0x23e2843894d0f67b},
    {"SBGGR8", 37, 22, 1234567, 0x967501476498a2e4},
    {"SBGGR8", 640, 480, 0, 0x9bed60b539b02840},
    {"SBGGR8", 640, 480, 1234567, 0x11497560ab5fd6dc},
    {"SGBRG8", 37, 22, 0, 0x1ddeec48ffe1708f},
    {"SGBRG8", 37, 22, 1234567, 0x2efde4b0c6d39e10},
    {"SGBRG8", 640, 480, 0, 0x4faa5d7b50c2b723},
    {"SGBRG8", 640, 480, 1234567, 0xbdc65e673e6e508b},
    {"SGRBG8", 37, 22, 0, 0x267c2f23345044b3},
    {"SGRBG8", 37, 22, 1234567, 0xa0280275cedda3bc},
    {"SGRBG8", 640, 480, 0, 0x604f52c3c4ff97b4},
    {"SGRBG8", 640, 480, 1234567, 0xd0e8be6ee7a23eb0},
    {"SRGGB8", 37, 22, 0, 0x106a38580302476f},
    {"SRGGB8", 37, 22, 1234567, 0x876ebb241cf8c467},
    {"SRGGB8", 640, 480, 0, 0x6aa4f6d3e1d81cac},
    {"SRGGB8", 640, 480, 1234567, 0xad62708fd69e7104},
    {"SBGGR10", 37, 22, 0, 0xdf68f0ee55ecb18b},
    {"SBGGR10", 37, 22, 1234567, 0xfba1d1fe99d93b71},
    {"SBGGR10", 640, 480, 0, 0x8e15a7cf1a26df38},
    {"SBGGR10", 640, 480, 1234567, 0x086455dd3726b4dc},
    {"SGBRG10", 37, 22, 0, 0xd65535a164cba2ab},
    {"SGBRG10", 37, 22, 1234567, 0x801c521cdcea0e11},
    {"SGBRG10", 640, 480, 0, 0xd892895a50736a15},
    {"SGBRG10", 640, 480, 1234567, 0x07d845a374ed54a1},
    {"SGRBG10", 37, 22, 0, 0x84b571831154c31b},
    {"SGRBG10", 37, 22, 1234567, 0xebca5f957264c4e1},
    {"SGRBG10", 640, 480, 0, 0x8c4544b968703574},
    {"SGRBG10", 640, 480, 1234567, 0xaa7e5aa553681158},
    {"SRGGB10", 37, 22, 0, 0x813ad3604ad30f3b},
    {"SRGGB10", 37, 22, 1234567, 0x24c9200523c57e14},
    {"SRGGB10", 640, 480, 0, 0x0b91c45c50821c00},
    {"SRGGB10", 640, 480, 1234567, 0x5d7f53bed76b2b54},
    {"SBGGR10P", 37, 22, 0, 0xe011a3846d41a918},
    {"SBGGR10P", 37, 22, 1234567, 0x5626b890feb8aa85},
    {"SBGGR10P", 640, 480, 0, 0x6d8aff07e87fe65b},
    {"SBGGR10P", 640, 480, 1234567, 0xfa2c65caf30a7aae},
    {"SGBRG10P", 37, 22, 0, 0xc074afa505a2e758},
    {"SGBRG10P", 37, 22, 1234567, 0x35dea35ce6af0f64},
    {"SGBRG10P", 640, 480, 0, 0x028d155b7098ab6e},
    {"SGBRG10P", 640, 480, 1234567, 0xe8ed7c045fb9acd7},
    {"SGRBG10P", 37, 22, 0, 0x8059309c59156628},
    {"SGRBG10P", 37, 22, 1234567, 0xccde53787ad4e184},
    {"SGRBG10P", 640, 480, 0, 0x1e7cf9a7322f0a0f},
    {"SGRBG10P", 640, 480, 1234567, 0xcac29f49ae251b22},
    {"SRGGB10P", 37, 22, 0, 0xf8f7e2a2a0c3f870},
    {"SRGGB10P", 37, 22, 1234567, 0xed803cb696a2daa2},
    {"SRGGB10P", 640, 480, 0, 0x36bfe7683a6a20ff},
    {"SRGGB10P", 640, 480, 1234567, 0x1902c50942a0ab7a},
    {"SBGGR12", 37, 22, 0, 0x78866fa36a86f199},
    {"SBGGR12", 37, 22, 1234567, 0xfa012f3f21078eff},
    {"SBGGR12", 640, 480, 0, 0x91021a8fce6fd51b},
    {"SBGGR12", 640, 480, 1234567, 0x9a94dd4c5d95e117},
    {"SGBRG12", 37, 22, 0, 0xfe49027ceee294a1},
    {"SGBRG12", 37, 22, 1234567, 0xa3d4191fc7e24d8f},
    {"SGBRG12", 640, 480, 0, 0x30fa9a12f0a85abd},
    {"SGBRG12", 640, 480, 1234567, 0xe462a29a5fd8f031},
    {"SGRBG12", 37, 22, 0, 0x3d682ecf94b8d5f9},
    {"SGRBG12", 37, 22, 1234567, 0x531590330e3e137f},
    {"SGRBG12", 640, 480, 0, 0x4d7f2bb0cd6f7da7},
    {"SGRBG12", 640, 480, 1234567, 0xad4656efa537a063},
    {"SRGGB12", 37, 22, 0, 0x49c71fbad9283839},
    {"SRGGB12", 37, 22, 1234567, 0x627712fb7bfe5a99},
    {"SRGGB12", 640, 480, 0, 0x040f012cd6915703},
    {"SRGGB12", 640, 480, 1234567, 0xc864907a74f0da57},
    {"SBGGR16", 37, 22, 0, 0x0a9dffd7f1a43ed9},
    {"SBGGR16", 37, 22, 1234567, 0x07d24b9c860cdd1b},
    {"SBGGR16", 640, 480, 0, 0x470920251c0ab83f},
    {"SBGGR16", 640, 480, 1234567, 0x65e850fd28c78d5b},
    {"SGBRG16", 37, 22, 0, 0x79c9d5a10beb1909},
    {"SGBRG16", 37, 22, 1234567, 0x9dd7a751d21b8f4b},
    {"SGBRG16", 640, 480, 0, 0x670e99dd08dbdaad},
    {"SGBRG16", 640, 480, 1234567, 0x6fd85b9633a42e29},
    {"SGRBG16", 37, 22, 0, 0xb605827046e2d8d9},
    {"SGRBG16", 37, 22, 1234567, 0x42a756f1740e7adb},
    {"SGRBG16", 640, 480, 0, 0x7defa6c608167ce3},
    {"SGRBG16", 640, 480, 1234567, 0x6dc54e0f3751eeff},
    {"SRGGB16", 37, 22, 0, 0x52ce73ec0881ac09},
    {"SRGGB16", 37, 22, 1234567, 0x7ea647cfd7d0f40d},
    {"SRGGB16", 640, 480, 0, 0x8afb02d1e219a7f7},
    {"SRGGB16", 640, 480, 1234567, 0x5690a6f3096e19f3},
    {"MJPEG", 37, 22, 0, 0xb5803606e9d13243},
    {"MJPEG", 37, 22, 1234567, 0x088cff2891b6dde9},
    {"MJPEG", 640, 480, 0, 0xef4d177b3686f3e0},
    {"MJPEG", 640, 480, 1234567, 0xc23b9315103aa0d8},
    {"JPEG", 37, 22, 0, 0xb5803606e9d13243},
    {"JPEG", 37, 22, 1234567, 0x088cff2891b6dde9},
    {"JPEG", 640, 480, 0, 0xef4d177b3686f3e0},
    {"JPEG", 640, 480, 1234567, 0xc23b9315103aa0d8},
};
// clang-format on

const Golden* find(std::string_view format, fourcc::Size size, std::uint32_t sequence) {
  for (const Golden& g : kGolden) {
    if (g.format == format && g.width == size.width && g.height == size.height &&
        g.sequence == sequence) {
      return &g;
    }
  }
  return nullptr;
}

TEST(TestPatternGolden, EveryTableFormatMatchesItsChecksum) {
  for (const fourcc::FormatInfo& f : fourcc::allFormats()) {
    for (const fourcc::Size size : kSizes) {
      for (const std::uint32_t seq : kSequences) {
        auto r = testing::renderFrame(f.name, size, seq);
        ASSERT_TRUE(r);
        const std::uint64_t sum = r->frame.checksum(r->used);
        char row[128];
        std::snprintf(row, sizeof row, "{\"%.*s\", %u, %u, %u, 0x%016" PRIx64 "},",
                      static_cast<int>(f.name.size()), f.name.data(), size.width, size.height, seq,
                      sum);
        const Golden* g = find(f.name, size, seq);
        if (g == nullptr) {
          ADD_FAILURE() << "no golden row; add:\n    " << row;
        } else {
          EXPECT_EQ(g->checksum, sum) << "now:\n    " << row;
        }
      }
    }
  }
}

TEST(TestPatternGolden, EveryRowNamesATableFormat) {
  for (const Golden& g : kGolden) {
    EXPECT_TRUE(fourcc::fromName(g.format).isValid()) << g.format;
  }
}

}  // namespace
}  // namespace vcam::source
