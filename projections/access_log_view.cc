#include "projections/access_log_view.h"

#include <vector>

#include <boost/json.hpp>

namespace vigie::projections {

Result<boost::json::value> AccessLogView(const ViewScope& v, const Caller& caller,
                                         const AccessLogQuery& query) {
  if (!caller.Has("auditor")) return Fail(PermissionDenied("the access log is read by auditors"));
  std::vector<const Consultation*> matched;
  for (const Consultation& c : v.shown.consultations) {
    if (query.person && c.person_id != *query.person) continue;
    if (query.situation && c.situation_id != *query.situation) continue;
    if (query.from_ns && c.stamp.occurred_at_ns < *query.from_ns) continue;
    if (query.to_ns && c.stamp.occurred_at_ns >= *query.to_ns) continue;
    matched.push_back(&c);
  }
  const bool truncated = matched.size() > kMaxAccessLogEntries;
  const std::size_t first = truncated ? matched.size() - kMaxAccessLogEntries : 0;
  boost::json::array out;
  out.reserve(matched.size() - first);
  for (std::size_t i = first; i < matched.size(); ++i) {
    const Consultation& c = *matched[i];
    boost::json::object o;
    o["position"] = c.stamp.position;
    o["situation_id"] = c.situation_id;
    o["person_id"] = c.person_id;
    auto person = v.shown.people.find(c.person_id);
    o["display_name"] = person == v.shown.people.end() ? c.person_id : person->second.display_name;
    o["partner"] = PartnerJson(v.shown, c.partner_id, v.shown_time_ns);
    o["purpose"] = c.purpose;
    o["consulted_at"] = TimeJson(c.stamp.occurred_at_ns);
    out.push_back(std::move(o));
  }
  boost::json::object body;
  body["as_of_position"] = v.shown.size;
  body["consultations"] = std::move(out);
  body["truncated"] = truncated;
  return boost::json::value(std::move(body));
}

}  // namespace vigie::projections
