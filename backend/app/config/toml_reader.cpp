// SPDX-License-Identifier: MIT
// parseBackendConfig()/loadBackendConfig(): the TOML file through toml++, every error positioned.
//
// toml++ is used header-only with exceptions off, in this file only: Debian's shared
// libtomlplusplus is built with exceptions (toml::v3::ex), and a parse_result keeps every
// error a value, so nothing can throw across this module's API.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include <vcamera/common/quote.h>

#include "backend/app/config/backend_config.h"
#include "backend/app/config/text_match.h"

namespace vcam::app {
namespace {

constexpr std::array kRootKeys = {std::string_view("backend"), std::string_view("camera")};
constexpr std::array kBackendKeys = {std::string_view("versions"),
                                     std::string_view("max-sessions-per-guest"),
                                     std::string_view("max-buffers-per-guest")};
constexpr std::array kCameraKeys = {std::string_view("unique-id"), std::string_view("source"),
                                    std::string_view("delivery"), std::string_view("format")};
constexpr std::array kFormatKeys = {std::string_view("fourcc"), std::string_view("sizes"),
                                    std::string_view("frame-rates")};

std::string_view typeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string indexed(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// One file's reader: knows the file's name so every error can say where it is.
class Reader {
 public:
  explicit Reader(std::string_view sourceName) : source_(sourceName) {}

  Error syntaxError(const toml::parse_error& error) const {
    return makeError(EINVAL, where(error.source()) + std::string(error.description()));
  }

  Status readRoot(const toml::table& root, BackendConfig& out) const {
    if (Status ok = checkKeys(root, "", kRootKeys); !ok) return ok;
    if (const toml::node* backend = root.get("backend")) {
      const toml::table* table = backend->as_table();
      if (table == nullptr) return fail(*backend, "backend", "must be a table ([backend])");
      if (Status ok = readBackend(*table, out); !ok) return ok;
    }
    if (const toml::node* cameras = root.get("camera")) return readCameras(*cameras, out);
    return {};
  }

 private:
  std::string where(const toml::source_region& region) const {
    return source_ + ":" + std::to_string(region.begin.line) + ":" +
           std::to_string(region.begin.column) + ": ";
  }
  Error fail(const toml::source_region& region, const std::string& path, std::string message,
             int code = EINVAL) const {
    return makeError(code, where(region) + (path.empty() ? "" : path + ": ") + message);
  }
  Error fail(const toml::node& node, const std::string& path, std::string message,
             int code = EINVAL) const {
    return fail(node.source(), path, std::move(message), code);
  }
  Error fail(const toml::node& node, const std::string& path, const Error& error) const {
    return fail(node, path, error.message, error.code);
  }

  // Unknown keys are errors: a typo must not silently leave a default in place.
  template <std::size_t N>
  Status checkKeys(const toml::table& table, const std::string& path,
                   const std::array<std::string_view, N>& allowed) const {
    for (auto&& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      std::string message = "unknown key " + quoteUntrusted(key.str());
      const std::vector<std::string> names(allowed.begin(), allowed.end());
      if (const auto close = closestMatches(key.str(), names, 1); !close.empty()) {
        message += " (did you mean " + close.front() + "?)";
      }
      std::string known;
      for (std::string_view name : allowed)
        known += (known.empty() ? "" : ", ") + std::string(name);
      return fail(key.source(), path, message + "; known keys: " + known);
    }
    return {};
  }

  Result<std::string_view> string(const toml::node& node, const std::string& path) const {
    if (const auto* value = node.as_string()) return std::string_view(value->get());
    return fail(node, path, "must be a string, not " + std::string(typeName(node)));
  }

  Result<const toml::node*> required(const toml::table& table, std::string_view key,
                                     const std::string& path) const {
    if (const toml::node* node = table.get(key)) return node;
    return fail(table, path, "missing key '" + std::string(key) + "'");
  }

  Result<std::uint32_t> integer(const toml::node& node, const std::string& path,
                                std::uint32_t max) const {
    const auto* value = node.as_integer();
    if (value == nullptr) {
      return fail(node, path, "must be an integer, not " + std::string(typeName(node)));
    }
    const std::int64_t n = value->get();
    if (n < 1 || n > static_cast<std::int64_t>(max)) {
      return fail(node, path, std::to_string(n) + " is outside 1.." + std::to_string(max), ERANGE);
    }
    return static_cast<std::uint32_t>(n);
  }

  // An array of at most `maxCount` entries (checked before any entry is looked at).
  Result<const toml::array*> array(const toml::node& node, const std::string& path,
                                   std::size_t maxCount) const {
    const toml::array* list = node.as_array();
    if (list == nullptr) {
      return fail(node, path, "must be an array, not " + std::string(typeName(node)));
    }
    if (list->size() > maxCount) {
      return fail(node, path,
                  std::to_string(list->size()) + " entries, more than " + std::to_string(maxCount),
                  E2BIG);
    }
    return list;
  }

  Status readBackend(const toml::table& table, BackendConfig& out) const {
    if (Status ok = checkKeys(table, "backend", kBackendKeys); !ok) return ok;
    if (const toml::node* node = table.get("versions")) {
      const std::string path = "backend.versions";
      Result<const toml::array*> list = array(*node, path, proto::kMaxVersions);
      if (!list) return list.error();
      if ((*list)->empty()) return fail(*node, path, "must name at least one version");
      out.versions.clear();
      for (std::size_t i = 0; i < (*list)->size(); ++i) {
        const toml::node& item = *(*list)->get(i);
        Result<std::string_view> text = string(item, indexed(path, i));
        if (!text) return text.error();
        if (Status ok = checkProtocolVersion(*text); !ok) {
          return fail(item, indexed(path, i), ok.error());
        }
        if (std::find(out.versions.begin(), out.versions.end(), *text) != out.versions.end()) {
          return fail(item, indexed(path, i),
                      "version " + quoteUntrusted(*text) + " is listed twice", EEXIST);
        }
        out.versions.emplace_back(*text);
      }
    }
    if (const toml::node* node = table.get("max-sessions-per-guest")) {
      Result<std::uint32_t> n = integer(*node, "backend.max-sessions-per-guest", kMaxSessionsLimit);
      if (!n) return n.error();
      out.maxSessionsPerGuest = *n;
    }
    if (const toml::node* node = table.get("max-buffers-per-guest")) {
      Result<std::uint32_t> n = integer(*node, "backend.max-buffers-per-guest", 255);
      if (!n) return n.error();
      out.maxBuffersPerGuest = static_cast<std::uint8_t>(*n);
    }
    return {};
  }

  Status readCameras(const toml::node& node, BackendConfig& out) const {
    if (node.is_table())
      return fail(node, "camera", "must be an array of tables: write [[camera]]");
    Result<const toml::array*> list = array(node, "camera", kMaxCameras);
    if (!list) return list.error();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const toml::node& item = *(*list)->get(i);
      const std::string path = indexed("camera", i);
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        return fail(item, path, "must be a table ([[camera]]), not " + std::string(typeName(item)));
      }
      Result<CameraConfig> camera = readCamera(*table, path);
      if (!camera) return camera.error();
      for (std::size_t j = 0; j < out.cameras.size(); ++j) {
        if (out.cameras[j].uniqueId == camera->uniqueId) {
          return fail(*table->get("unique-id"), path + ".unique-id",
                      "unique-id " + quoteUntrusted(camera->uniqueId) + " is already used by " +
                          indexed("camera", j),
                      EEXIST);
        }
      }
      out.cameras.push_back(std::move(camera).value());
    }
    return {};
  }

  Result<CameraConfig> readCamera(const toml::table& table, const std::string& path) const {
    if (Status ok = checkKeys(table, path, kCameraKeys); !ok) return ok.error();
    CameraConfig camera;
    Result<const toml::node*> idNode = required(table, "unique-id", path);
    if (!idNode) return idNode.error();
    Result<std::string_view> id = string(**idNode, path + ".unique-id");
    if (!id) return id.error();
    if (Result<std::string> valid = proto::parseUniqueId(*id); !valid) {
      return fail(**idNode, path + ".unique-id", valid.error());
    }
    camera.uniqueId = std::string(*id);
    Result<const toml::node*> sourceNode = required(table, "source", path);
    if (!sourceNode) return sourceNode.error();
    Result<std::string_view> sourceText = string(**sourceNode, path + ".source");
    if (!sourceText) return sourceText.error();
    Result<CameraSource> source = parseCameraSource(*sourceText);
    if (!source) return fail(**sourceNode, path + ".source", source.error());
    camera.source = std::move(source).value();
    if (const toml::node* deliveryNode = table.get("delivery")) {
      Result<std::string_view> text = string(*deliveryNode, path + ".delivery");
      if (!text) return text.error();
      Result<Delivery> delivery = parseDelivery(*text);
      if (!delivery) return fail(*deliveryNode, path + ".delivery", delivery.error());
      camera.delivery = *delivery;
    }
    if (const toml::node* formats = table.get("format")) {
      if (Status ok = readFormats(*formats, path + ".format", camera); !ok) return ok.error();
    }
    return camera;
  }

  Status readFormats(const toml::node& node, const std::string& path, CameraConfig& camera) const {
    if (node.is_table()) {
      return fail(node, path, "must be an array of tables: write [[camera.format]]");
    }
    // Each entry adds at least one size, so addFormat()'s limits bound the work.
    Result<const toml::array*> list =
        array(node, path, proto::kMaxFormats * proto::kMaxResolutionsPerFormat);
    if (!list) return list.error();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const toml::node& item = *(*list)->get(i);
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        return fail(item, indexed(path, i),
                    "must be a table ([[camera.format]]), not " + std::string(typeName(item)));
      }
      if (Status ok = readFormat(*table, indexed(path, i), camera); !ok) return ok;
    }
    return {};
  }

  Status readFormat(const toml::table& table, const std::string& path, CameraConfig& camera) const {
    if (Status ok = checkKeys(table, path, kFormatKeys); !ok) return ok;
    Result<const toml::node*> fourccNode = required(table, "fourcc", path);
    if (!fourccNode) return fourccNode.error();
    Result<std::string_view> fourccText = string(**fourccNode, path + ".fourcc");
    if (!fourccText) return fourccText.error();
    Result<std::uint32_t> fourcc = parseCameraFourcc(*fourccText);
    if (!fourcc) return fail(**fourccNode, path + ".fourcc", fourcc.error());

    Result<std::vector<proto::FrameRate>> rates = readRates(table, path);
    if (!rates) return rates.error();

    Result<const toml::node*> sizesNode = required(table, "sizes", path);
    if (!sizesNode) return sizesNode.error();
    Result<const toml::array*> sizes =
        array(**sizesNode, path + ".sizes", proto::kMaxResolutionsPerFormat);
    if (!sizes) return sizes.error();
    if ((*sizes)->empty()) return fail(**sizesNode, path + ".sizes", "must list at least one size");
    // Added one by one so a duplicate or impossible size is reported where it is written.
    for (std::size_t i = 0; i < (*sizes)->size(); ++i) {
      const toml::node& item = *(*sizes)->get(i);
      const std::string itemPath = indexed(path + ".sizes", i);
      Result<std::string_view> text = string(item, itemPath);
      if (!text) return text.error();
      Result<proto::Resolution> size = parseCameraSize(*text);
      if (!size) return fail(item, itemPath, size.error());
      const proto::Resolution one[] = {*size};
      if (Status added = addFormat(camera.formats, *fourcc, one, *rates); !added) {
        return fail(item, itemPath, added.error());
      }
    }
    return {};
  }

  Result<std::vector<proto::FrameRate>> readRates(const toml::table& table,
                                                  const std::string& formatPath) const {
    const std::string path = formatPath + ".frame-rates";
    Result<const toml::node*> node = required(table, "frame-rates", formatPath);
    if (!node) return node.error();
    Result<const toml::array*> list = array(**node, path, proto::kMaxFrameRatesPerResolution);
    if (!list) return list.error();
    if ((*list)->empty()) return fail(**node, path, "must list at least one frame rate");
    std::vector<proto::FrameRate> rates;
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const toml::node& item = *(*list)->get(i);
      Result<std::string_view> text = string(item, indexed(path, i));
      if (!text) return text.error();
      Result<proto::FrameRate> rate = proto::parseFrameRate(*text);
      if (!rate) return fail(item, indexed(path, i), rate.error());
      for (const proto::FrameRate& earlier : rates) {
        if (proto::sameFrameRate(earlier, *rate)) {
          return fail(item, indexed(path, i),
                      quoteUntrusted(*text) + " is the same rate as " +
                          std::to_string(earlier.numerator) + "/" +
                          std::to_string(earlier.denominator),
                      EEXIST);
        }
      }
      rates.push_back(*rate);
    }
    return rates;
  }

  std::string source_;
};

}  // namespace

Result<BackendConfig> parseBackendConfig(std::string_view text, std::string_view sourceName) {
  const std::string name(sourceName.empty() ? "<config>" : sourceName);
  if (text.size() > kMaxConfigFileBytes) {
    return makeError(E2BIG, name + ": " + std::to_string(text.size()) + " bytes, more than " +
                                std::to_string(kMaxConfigFileBytes));
  }
  const Reader reader(name);
  toml::parse_result parsed = toml::parse(text, name);
  if (!parsed) return reader.syntaxError(parsed.error());
  BackendConfig config;
  if (Status ok = reader.readRoot(parsed.table(), config); !ok) return ok.error();
  // Everything was checked where it was read; this guards the reader against drifting apart
  // from validateBackendConfig().
  if (Status ok = validateBackendConfig(config); !ok) {
    return makeError(ok.error().code, name + ": " + ok.error().message);
  }
  return config;
}

Result<BackendConfig> loadBackendConfig(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return makeError(ENOENT, "cannot open configuration file '" + path + "'");
  std::string text;
  text.resize(kMaxConfigFileBytes + 1);
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (file.bad()) return makeError(EIO, "cannot read configuration file '" + path + "'");
  text.resize(static_cast<std::size_t>(file.gcount()));
  return parseBackendConfig(text, path);
}

}  // namespace vcam::app
