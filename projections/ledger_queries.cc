// LedgerImpl: queries. Each renders the read side (StateAt) through the
// read views, which apply SPEC §3's rules; the log itself (events,
// streams) is for auditors only.
#include <algorithm>

#include "projections/access_log_view.h"
#include "projections/dashboard.h"
#include "projections/evaluation.h"
#include "projections/event_json.h"
#include "projections/ledger_impl.h"
#include "projections/plan_view.h"
#include "projections/report_html.h"
#include "projections/view_json.h"
#include "projections/views.h"

namespace vigie::projections {
namespace {

// One page of the log (SPEC §8: bounded everything).
constexpr std::size_t kMaxPage = 1000;
constexpr std::size_t kDefaultPage = 100;

std::size_t PageSize(std::size_t limit) {
  return limit == 0 ? kDefaultPage : std::min(limit, kMaxPage);
}

boost::json::value EventsPage(const std::vector<eventstore::StoredEvent>& events) {
  boost::json::array out;
  for (const eventstore::StoredEvent& e : events) out.push_back(StoredEventJson(e));
  return out;
}

}  // namespace

Status LedgerImpl::CheckAuditor(const Caller& caller) const {
  if (caller.Has("auditor")) return Status::Ok();
  return PermissionDenied("only auditors read the log, its proofs and the access log");
}

Result<StateView> LedgerImpl::ViewAt(const AsOf& as_of) const { return reads_.View(as_of); }

Result<boost::json::value> LedgerImpl::Me(const Caller& caller) const {
  Result<StateView> view = ViewAt(AsOf{});
  if (!view) return Fail(view.error());
  const State& now = view->now();
  const std::int64_t t = options_.clock();
  boost::json::object me;
  me["person_id"] = caller.person_id;
  me["display_name"] = caller.display_name;
  me["partner"] = caller.partner_id.empty() ? boost::json::value(nullptr)
                                            : boost::json::value(PartnerJson(now, caller.partner_id, t));
  boost::json::array roles;
  for (const std::string& role : caller.roles) roles.push_back(boost::json::value(role));
  me["roles"] = std::move(roles);
  me["charter_signed"] = caller.charter_signed ? boost::json::value(*caller.charter_signed)
                                               : boost::json::value(nullptr);
  me["charter_in_force"] = now.current_charter ? boost::json::value(*now.current_charter)
                                               : boost::json::value(nullptr);
  bool charter_ok = false;
  if (auto person = now.people.find(caller.person_id); person != now.people.end()) {
    charter_ok = person->second.HasSignedCharter(now.current_charter);
  }
  me["charter_ok"] = charter_ok;
  return boost::json::value(std::move(me));
}

Result<boost::json::value> LedgerImpl::Events(const Caller& caller, std::uint64_t from,
                                              std::size_t limit) const {
  if (Status allowed = CheckAuditor(caller); !allowed.ok()) return Fail(std::move(allowed));
  Result<std::vector<eventstore::StoredEvent>> events = store_->ReadForward(from, PageSize(limit));
  if (!events) return Fail(events.error());
  {
    // `caller` may have been authenticated long ago (a subscription reads
    // every page with the caller it authenticated once), so the person is
    // checked again in the live state. The view catches up with the log
    // after the page was read: a revocation among the page's events
    // refuses the page, so nobody receives an event recorded after their
    // revocation. Refused as a fresh request with their token would be.
    Result<StateView> view = ViewAt(AsOf{});
    if (!view) return Fail(view.error());
    const State& now = view->now();
    auto person = now.people.find(caller.person_id);
    if (person == now.people.end() || person->second.revoked) {
      return Fail(Unauthenticated("unknown or revoked token"));
    }
    Caller current = caller;
    current.roles = person->second.roles;
    if (Status allowed = CheckAuditor(current); !allowed.ok()) return Fail(std::move(allowed));
  }
  const std::uint64_t next = events->empty() ? from : events->back().position + 1;
  return boost::json::value(boost::json::object{{"events", EventsPage(*events)}, {"next", next}});
}

Result<boost::json::value> LedgerImpl::Stream(const Caller& caller, std::string_view stream,
                                              std::uint64_t from_version, std::size_t limit) const {
  if (Status allowed = CheckAuditor(caller); !allowed.ok()) return Fail(std::move(allowed));
  Result<std::vector<eventstore::StoredEvent>> events =
      store_->ReadStream(stream, from_version, PageSize(limit));
  if (!events) return Fail(events.error());
  if (events->empty()) {
    // A stream is there once it has an event: none at all is a 404, a page
    // past its end an empty one.
    Result<std::vector<eventstore::StoredEvent>> first = store_->ReadStream(stream, 0, 1);
    if (!first) return Fail(first.error());
    if (first->empty()) return Fail(NotFound("stream not found"));
  }
  const std::uint64_t next = events->empty() ? from_version : events->back().version + 1;
  return boost::json::value(boost::json::object{{"events", EventsPage(*events)}, {"next", next}});
}

Result<boost::json::value> LedgerImpl::Cells(const Caller& caller, const AsOf& as_of) const {
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  return CellListView(view->scope(), caller);
}

Result<boost::json::value> LedgerImpl::Cell(const Caller& caller, std::string_view cell_id,
                                            const AsOf& as_of, const CellPage& page) const {
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  return CellView(view->scope(), caller, cell_id, page);
}

Result<boost::json::value> LedgerImpl::Information(const Caller& caller,
                                                   const InformationQuery& query) const {
  // Refused before any past state is built.
  if (Status allowed = CheckInformationRead(caller); !allowed.ok()) return Fail(std::move(allowed));
  Result<StateView> view = ViewAt(query.as_of);
  if (!view) return Fail(view.error());
  return InformationListView(view->scope(), caller, query);
}

Result<boost::json::value> LedgerImpl::Situations(const Caller& caller, std::optional<std::string> cell,
                                                  const AsOf& as_of) const {
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  return SituationListView(view->scope(), caller, cell);
}

Result<boost::json::value> LedgerImpl::Dashboard(const Caller& caller, const DashboardQuery& query) const {
  Result<StateView> view = ViewAt(query.as_of);
  if (!view) return Fail(view.error());
  return DashboardView(view->now(), view->shown(), caller, query, view->facts());
}

Result<boost::json::value> LedgerImpl::Plan(const Caller& caller, const AsOf& as_of) const {
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  return PlanView(view->scope(), caller);
}

Result<boost::json::value> LedgerImpl::EvaluationJson(const Caller& caller, int year,
                                                      const AsOf& as_of) const {
  // Before the past state is built and a tree head signed for it.
  if (Status allowed = CheckEvaluationRead(caller); !allowed.ok()) return Fail(std::move(allowed));
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  // The report is tied to a signed tree head of exactly what it shows.
  Result<std::string> checkpoint = store_->SignCheckpoint(view->shown().size);
  if (!checkpoint) return Fail(checkpoint.error());
  return EvaluationView(view->scope(), caller, year, *checkpoint);
}

Result<boost::json::value> LedgerImpl::Evaluation(const Caller& caller, int year,
                                                  const AsOf& as_of) const {
  return EvaluationJson(caller, year, as_of);
}

Result<std::string> LedgerImpl::EvaluationHtml(const Caller& caller, int year,
                                               const AsOf& as_of) const {
  Result<boost::json::value> evaluation = EvaluationJson(caller, year, as_of);
  if (!evaluation) return Fail(evaluation.error());
  return RenderEvaluationHtml(*evaluation);
}

Result<boost::json::value> LedgerImpl::AccessLog(const Caller& caller, const AccessLogQuery& query) const {
  Result<StateView> view = ViewAt(AsOf{});
  if (!view) return Fail(view.error());
  return AccessLogView(view->scope(), caller, query);
}

}  // namespace vigie::projections
