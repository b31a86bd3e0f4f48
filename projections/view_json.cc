#include "projections/view_json.h"

#include "projections/rfc3339.h"

namespace vigie::projections {

boost::json::value TimeJson(std::int64_t t_ns) { return boost::json::value(FormatRfc3339(t_ns)); }

std::string PartnerName(const State& state, std::string_view partner_id, std::int64_t t_ns) {
  auto it = state.partners.find(std::string(partner_id));
  if (it == state.partners.end()) return std::string(partner_id);
  return it->second.NameAt(t_ns);
}

boost::json::object PartnerJson(const State& state, std::string_view partner_id,
                                std::int64_t t_ns) {
  boost::json::object o;
  o["partner_id"] = partner_id;
  o["name"] = PartnerName(state, partner_id, t_ns);
  return o;
}

boost::json::object CodeJson(const State& state, std::string_view list, std::string_view code,
                             std::int64_t t_ns) {
  boost::json::object o;
  o["code"] = code;
  const ReferenceEntry* entry = state.reference.Find(list, code);
  o["label"] = entry ? entry->LabelAt(t_ns) : std::string(code);
  return o;
}

}  // namespace vigie::projections
