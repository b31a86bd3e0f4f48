// The free parts of ledger.h: Caller, as_of parsing, Ledger::Open.
#include "projections/ledger.h"

#include <algorithm>
#include <charconv>

#include "projections/command_decoder.h"
#include "projections/key_store.h"
#include "projections/ledger_impl.h"
#include "projections/rfc3339.h"

namespace vigie::projections {

bool Caller::Has(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<AsOf> ParseAsOf(std::string_view text) {
  AsOf as_of;
  if (text.empty()) return Fail(InvalidArgument("parameter 'as_of' is empty"));
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint64_t size = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Fail(InvalidArgument("parameter 'as_of' is not a tree size"));
    }
    as_of.position = size;
    return as_of;
  }
  Result<std::int64_t> t = ParseRfc3339(text);
  if (!t) {
    return Fail(InvalidArgument("parameter 'as_of' must be a tree size or an RFC 3339 time: " +
                                t.error().message()));
  }
  as_of.recorded_at_ns = *t;
  return as_of;
}

const std::vector<std::string>& Ledger::CommandNames() { return KnownCommandNames(); }

Result<std::unique_ptr<Ledger>> Ledger::Open(eventstore::EventStore* store, LedgerOptions options) {
  if (!store) return Fail(InvalidArgument("the ledger needs an event store"));
  RandomSource random = options.random ? options.random : SystemRandom();
  Result<std::unique_ptr<KeyStore>> keys = KeyStore::Open(options.key_dir, random);
  if (!keys) return Fail(keys.error());
  auto ledger = std::make_unique<LedgerImpl>(store, std::move(options), std::move(*keys));
  if (Status opened = ledger->Open(); !opened.ok()) return Fail(std::move(opened));
  return std::unique_ptr<Ledger>(std::move(ledger));
}

}  // namespace vigie::projections
