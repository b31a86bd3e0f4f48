#pragma once
// Shared JSON pieces of the read views: times, partners by the name they
// bore at the view's time, closed-list codes with their French label.
// Pure and thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "projections/state.h"

namespace vigie::projections {

class FactIndex;

// What a view shows, and by which rules (see access.h).
struct ViewScope {
  const State& now;    // access is judged on today's state
  const State& shown;  // the content: the state as of the request
  // Names and labels are the ones valid at this instant: an as-of view of
  // 2013 says "DDSP" even though the partner is "DDPN" today.
  std::int64_t shown_time_ns = 0;
  // The live fact index, when there is one: statistics of `shown` are then
  // scanned from it instead of walking the state (fact_index.h).
  const FactIndex* facts = nullptr;
};

// RFC 3339 UTC.
boost::json::value TimeJson(std::int64_t t_ns);
// The partner's name valid at t; its id when the partner is unknown.
std::string PartnerName(const State& state, std::string_view partner_id, std::int64_t t_ns);
// {partner_id, name}
boost::json::object PartnerJson(const State& state, std::string_view partner_id, std::int64_t t_ns);
// {code, label}: the label valid at t, the code itself when not listed.
boost::json::object CodeJson(const State& state, std::string_view list, std::string_view code,
                             std::int64_t t_ns);

}  // namespace vigie::projections
