// SPDX-License-Identifier: MIT
// openRealXen(): opens the four libxen* handles and learns our own domain id.
#include "backend/xen/real/real_xen.h"

#include <cerrno>
#include <charconv>
#include <string>
#include <utility>

namespace vcam::xen {

namespace {

/// DOMID_FIRST_RESERVED (xen.h): ids from here up name special domains, never a real one.
constexpr unsigned kFirstReservedDomId = 0x7FF0;

}  // namespace

std::optional<DomId> parseDomId(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, 10);
  if (error != std::errc() || stop != end || value >= kFirstReservedDomId) return std::nullopt;
  return static_cast<DomId>(value);
}

Result<XenTransport> openRealXen() {
  XenTransport xen;
  Result<std::unique_ptr<XenStore>> store = openRealXenStore();
  if (!store) return store.error();
  xen.store = std::move(store).value();

  // Relative: xenstored resolves it under our own /local/domain/<domid>/.
  Result<std::string> domid = xen.store->read(kNoTransaction, "domid");
  if (!domid) {
    return withContext("cannot learn our domain id", domid.error());
  }
  std::optional<DomId> self = parseDomId(*domid);
  if (!self) return makeError(EPROTO, "XenStore \"domid\" is not a domain id: \"" + *domid + "\"");
  xen.self = *self;

  Result<std::unique_ptr<EventChannels>> events = openRealEventChannels();
  if (!events) return events.error();
  xen.events = std::move(events).value();
  Result<std::unique_ptr<GrantTable>> grants = openRealGrantTable();
  if (!grants) return grants.error();
  xen.grants = std::move(grants).value();
  Result<std::unique_ptr<GrantSharer>> sharer = openRealGrantSharer();
  if (!sharer) return sharer.error();
  xen.sharer = std::move(sharer).value();
  return xen;
}

}  // namespace vcam::xen
