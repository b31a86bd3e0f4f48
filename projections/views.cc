#include "projections/views.h"

#include <algorithm>
#include <queue>
#include <set>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "projections/access.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;

const Status& CellNotFound() {
  static const Status status = NotFound("cell not found");
  return status;
}
const Status& SituationNotFound() {
  static const Status status = NotFound("situation not found");
  return status;
}

bool WorksInCells(const Caller& caller) {
  return IsReferent(caller) || caller.Has("member") || caller.Has("chair");
}

template <typename Map>
const typename Map::mapped_type* Find(const Map& map, std::string_view id) {
  auto it = map.find(std::string(id));
  return it == map.end() ? nullptr : &it->second;
}

std::uint64_t Position(const Meeting* m) { return m->scheduled.position; }
std::uint64_t Position(const Decision* d) { return d->recorded.position; }
std::uint64_t Position(const InformationItem* i) { return i->shared.position; }
std::uint64_t Position(const Control* c) { return c->planned.position; }

std::string_view SituationStatus(const Situation& s) {
  if (s.erased) return "erased";
  if (s.archived) return "archived";
  if (s.closed) return "closed";
  return "active";
}

json::object Composition(const ViewScope& v, const Cell& cell) {
  const State& s = v.shown;
  const std::int64_t t = v.shown_time_ns;
  json::object o;
  o["cell_id"] = cell.id;
  o["name"] = cell.name;
  o["kind"] = CodeJson(s, "cell_kinds", cell.kind, t);
  o["confidential"] = cell.confidential;
  o["created_at"] = TimeJson(cell.created.occurred_at_ns);
  json::array chairs;
  for (const std::string& p : cell.chairs) chairs.push_back(PartnerJson(s, p, t));
  o["chairs"] = std::move(chairs);
  json::array members;
  for (const std::string& p : cell.CurrentMembers()) members.push_back(PartnerJson(s, p, t));
  o["members"] = std::move(members);
  return o;
}

json::array MembershipHistory(const ViewScope& v, const Cell& cell) {
  json::array out;
  for (const Membership& m : cell.memberships) {
    json::object o = PartnerJson(v.shown, m.partner_id, v.shown_time_ns);
    o["joined_at"] = TimeJson(m.joined_ns);
    o["left_at"] = m.left_ns ? TimeJson(*m.left_ns) : json::value(nullptr);
    out.push_back(std::move(o));
  }
  return out;
}

json::object InformationJson(const ViewScope& v, const Caller& caller, const InformationItem& item,
                             const std::vector<std::string>& visible_analyses) {
  const std::int64_t t = v.shown_time_ns;
  json::object o;
  o["info_id"] = item.id;
  o["cell_id"] = item.cell_id;
  o["from"] = PartnerJson(v.shown, item.from_partner, t);
  o["topic"] = CodeJson(v.shown, "topics", item.topic, t);
  o["neighbourhood"] = item.neighbourhood;
  o["summary"] = item.summary;
  o["sensitivity"] = item.sensitivity;
  o["occurred_at"] = TimeJson(item.shared.occurred_at_ns);
  o["position"] = item.shared.position;
  if (!item.situation_id.empty() && CanSeeSituation(v.now, caller, item.situation_id)) {
    o["situation_id"] = item.situation_id;
  }
  json::array analyses;
  for (const std::string& a : visible_analyses) analyses.push_back(json::value(a));
  o["analysis_ids"] = std::move(analyses);
  return o;
}

// An analysis is shown only when every item it covers is: its conclusion
// may carry what the most sensitive of them said.
bool CanSeeAnalysis(const ViewScope& v, const Caller& caller, const Analysis& a) {
  for (const std::string& info_id : a.info_ids) {
    const InformationItem* item = Find(v.shown.information, info_id);
    if (!item || !CanSeeInformation(v.now, caller, *item)) return false;
  }
  return !a.info_ids.empty();
}

std::vector<std::string> VisibleAnalyses(const ViewScope& v, const Caller& caller,
                                         const InformationItem& item) {
  std::vector<std::string> out;
  for (const std::string& a : item.analysis_ids) {
    const Analysis* analysis = Find(v.shown.analyses, a);
    if (analysis && CanSeeAnalysis(v, caller, *analysis)) out.push_back(a);
  }
  return out;
}

json::object AnalysisJson(const Analysis& a) {
  json::object o;
  o["analysis_id"] = a.id;
  json::array infos;
  for (const std::string& i : a.info_ids) infos.push_back(json::value(i));
  o["info_ids"] = std::move(infos);
  o["conclusion"] = a.conclusion;
  o["recommended_action"] = a.recommended_action;
  o["occurred_at"] = TimeJson(a.recorded.occurred_at_ns);
  return o;
}

// Sets `information` (the items, in the order given) and `analyses` (the
// analyses of those items the caller may see, by id) in `body`.
void AddInformation(const ViewScope& v, const Caller& caller,
                    const std::vector<const InformationItem*>& items, json::object& body) {
  json::array information;
  information.reserve(items.size());
  std::set<std::string> analysis_ids;
  for (const InformationItem* item : items) {
    std::vector<std::string> visible = VisibleAnalyses(v, caller, *item);
    analysis_ids.insert(visible.begin(), visible.end());
    information.push_back(InformationJson(v, caller, *item, visible));
  }
  body["information"] = std::move(information);
  json::array analyses;
  analyses.reserve(analysis_ids.size());
  for (const std::string& a : analysis_ids) analyses.push_back(AnalysisJson(v.shown.analyses.at(a)));
  body["analyses"] = std::move(analyses);
}

json::object DecisionJson(const ViewScope& v, const Decision& d) {
  const std::int64_t t = v.shown_time_ns;
  json::object o;
  o["decision_id"] = d.id;
  o["kind"] = d.situation_decision ? "situation" : "cell";
  o["cell_id"] = d.cell_id;
  if (!d.meeting_id.empty()) o["meeting_id"] = d.meeting_id;
  if (d.situation_decision) {
    o["measure"] = CodeJson(v.shown, "measures", d.measure, t);
  } else {
    o["text"] = d.text;
  }
  o["owner"] = PartnerJson(v.shown, d.owner_partner, t);
  o["occurred_at"] = TimeJson(d.recorded.occurred_at_ns);
  o["due"] = TimeJson(d.due_ns);
  if (d.completed) {
    o["completed_at"] = TimeJson(d.completed->stamp.occurred_at_ns);
    o["outcome"] = CodeJson(v.shown, "decision_outcomes", d.completed->outcome, t);
  } else {
    o["completed_at"] = nullptr;
    o["outcome"] = nullptr;
  }
  return o;
}

json::object MeetingJson(const ViewScope& v, const Meeting& m) {
  json::object o;
  o["meeting_id"] = m.id;
  o["scheduled_for"] = TimeJson(m.scheduled_for_ns);
  o["emergency"] = m.emergency;
  o["agenda"] = m.agenda;
  if (m.held) {
    o["held_at"] = TimeJson(m.held->stamp.occurred_at_ns);
    json::array attendees;
    for (const std::string& p : m.held->attendees) {
      attendees.push_back(PartnerJson(v.shown, p, v.shown_time_ns));
    }
    o["attendees"] = std::move(attendees);
    o["minutes"] = m.held->minutes;
  } else {
    o["held_at"] = nullptr;
  }
  return o;
}

json::object ControlJson(const ViewScope& v, const Control& c) {
  json::object o;
  o["control_id"] = c.id;
  o["planned_for"] = TimeJson(c.planned_for_ns);
  o["place"] = c.place;
  json::array services;
  for (const std::string& p : c.services) services.push_back(PartnerJson(v.shown, p, v.shown_time_ns));
  o["services"] = std::move(services);
  o["objectives"] = c.objectives;
  if (c.outcome) {
    o["status"] = "executed";
    o["executed_at"] = TimeJson(c.outcome->stamp.occurred_at_ns);
    json::object outcome;
    outcome["persons_controlled"] = c.outcome->persons_controlled;
    outcome["offences_found"] = c.outcome->offences_found;
    outcome["seizures"] = c.outcome->seizures;
    outcome["administrative_closures"] = c.outcome->administrative_closures;
    outcome["fines"] = c.outcome->fines;
    o["outcome"] = std::move(outcome);
  } else if (c.cancelled) {
    o["status"] = "cancelled";
    o["cancelled_at"] = TimeJson(c.cancelled->stamp.occurred_at_ns);
    o["reason"] = c.cancelled->reason;
  } else {
    o["status"] = "planned";
  }
  return o;
}

json::object SituationCounts(const State& s, std::string_view cell_id) {
  std::int64_t active = 0, closed = 0, archived = 0, erased = 0;
  for (const auto& [id, situation] : s.situations) {
    if (situation.cell_id != cell_id) continue;
    const std::string_view status = SituationStatus(situation);
    if (status == "active") ++active;
    else if (status == "closed") ++closed;
    else if (status == "archived") ++archived;
    else ++erased;
  }
  json::object o;
  o["active"] = active;
  o["closed"] = closed;
  o["archived"] = archived;
  o["erased"] = erased;
  o["total"] = active + closed + archived + erased;
  return o;
}

// One past the last of `ids` (in position order) created before `before`:
// a binary search, O(log n).
template <typename Map>
IdList::const_iterator PageEnd(const Map& map, const IdList& ids,
                               const std::optional<std::uint64_t>& before) {
  if (!before) return ids.end();
  return std::partition_point(ids.begin(), ids.end(), [&](const std::string& id) {
    const typename Map::mapped_type* item = Find(map, id);
    return item && Position(item) < *before;
  });
}

// The newest items of one list (see CellPage): `ids` are the cell's items
// in position order (Cell::meeting_ids...), so the page starts at the first
// item below page.before (binary search) and walks back, asking `visible`
// only of the items passed, until limit + 1 are found: O(log n + page), not
// O(items of every cell). Sets *next to the position of the oldest item
// shown when a further visible item exists.
template <typename Map, typename Visible>
std::vector<const typename Map::mapped_type*> NewestVisible(const Map& map, const IdList& ids,
                                                            const CellPage& page, Visible visible,
                                                            json::value* next) {
  using Item = typename Map::mapped_type;
  std::vector<const Item*> out;
  const std::size_t limit = std::clamp<std::size_t>(page.limit, 1, kCellPageLimitMax);
  *next = nullptr;
  for (auto it = PageEnd(map, ids, page.before); it != ids.begin();) {
    const Item* item = Find(map, *--it);
    if (!item || !visible(*item)) continue;
    if (out.size() == limit) {
      *next = Position(out.back());
      break;
    }
    out.push_back(item);
  }
  return out;
}

json::object CellContents(const ViewScope& v, const Caller& caller, const Cell& cell,
                          const CellPage& page) {
  const State& s = v.shown;
  json::object o = Composition(v, cell);
  o["membership_history"] = MembershipHistory(v, cell);
  json::object pages;
  auto page_of = [&](std::string_view list, json::value next) {
    json::object p;
    p["next"] = std::move(next);
    pages[list] = std::move(p);
  };

  json::value next;
  auto meeting_list = NewestVisible(
      s.meetings, cell.meeting_ids, page, [](const Meeting&) { return true; }, &next);
  json::array meetings;
  meetings.reserve(meeting_list.size());
  for (const Meeting* m : meeting_list) meetings.push_back(MeetingJson(v, *m));
  o["meetings"] = std::move(meetings);
  page_of("meetings", std::move(next));

  auto decision_list = NewestVisible(
      s.decisions, cell.decision_ids, page, [&](const Decision& d) {
        return d.situation_id.empty() || CanSeeSituation(v.now, caller, d.situation_id);
      },
      &next);
  json::array decisions;
  decisions.reserve(decision_list.size());
  for (const Decision* d : decision_list) decisions.push_back(DecisionJson(v, *d));
  o["decisions"] = std::move(decisions);
  page_of("decisions", std::move(next));

  auto information_list = NewestVisible(
      s.information, cell.info_ids, page,
      [&](const InformationItem& i) { return CanSeeInformation(v.now, caller, i); }, &next);
  AddInformation(v, caller, information_list, o);
  page_of("information", std::move(next));

  auto control_list = NewestVisible(
      s.controls, cell.control_ids, page, [](const Control&) { return true; }, &next);
  json::array controls;
  controls.reserve(control_list.size());
  for (const Control* c : control_list) controls.push_back(ControlJson(v, *c));
  o["controls"] = std::move(controls);
  page_of("controls", std::move(next));

  o["situations"] = SituationCounts(s, cell.id);
  o["pages"] = std::move(pages);
  return o;
}

std::string Open(const Unsealer& unseal, const Situation& s, const SealedField& sealed,
                 std::string_view field) {
  if (s.erased) return std::string(kErased);
  if (sealed.empty() || !unseal) return std::string(kUnreadable);
  std::optional<std::string> plain = unseal(s, sealed, field);
  return plain ? *plain : std::string(kUnreadable);
}

}  // namespace

Result<json::value> CellListView(const ViewScope& v, const Caller& caller) {
  const bool admin = caller.Has("admin");
  if (!admin && !WorksInCells(caller)) {
    return Fail(PermissionDenied("cell views are for the partnership's cells and referent"));
  }
  json::array cells;
  for (const auto& [id, cell] : v.shown.cells) {
    if (admin || CanSeeCell(v.now, caller, id)) cells.push_back(Composition(v, cell));
  }
  json::object body;
  body["as_of_position"] = v.shown.size;
  body["cells"] = std::move(cells);
  return json::value(std::move(body));
}

Result<json::value> CellView(const ViewScope& v, const Caller& caller, std::string_view cell_id,
                             const CellPage& page) {
  const bool admin = caller.Has("admin");
  if (!admin && !WorksInCells(caller)) {
    return Fail(PermissionDenied("cell views are for the partnership's cells and referent"));
  }
  const Cell* cell = Find(v.shown.cells, cell_id);
  if (!cell || !v.now.cells.contains(std::string(cell_id))) return Fail(CellNotFound());
  json::object body;
  if (CanSeeCell(v.now, caller, cell_id)) {
    body = CellContents(v, caller, *cell, page);
  } else if (admin) {
    // The administrator sets cells up; their contents are not theirs to read.
    body = Composition(v, *cell);
    body["membership_history"] = MembershipHistory(v, *cell);
  } else {
    return Fail(CellNotFound());
  }
  body["as_of_position"] = v.shown.size;
  return json::value(std::move(body));
}

Status CheckInformationRead(const Caller& caller) {
  if (CanReadInformationList(caller)) return Status::Ok();
  return PermissionDenied(
      "information items are read by the partnership's cells, the referent and auditors");
}

Result<json::value> InformationListView(const ViewScope& v, const Caller& caller,
                                        const InformationQuery& query, std::size_t examined_max) {
  if (Status st = CheckInformationRead(caller); !st.ok()) return Fail(std::move(st));
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, kCellPageLimitMax);
  // At least one item per page, so that following `next` always progresses.
  examined_max = std::max<std::size_t>(examined_max, 1);

  // One cursor per cell, on the newest item not yet examined; each item is
  // looked up once, when its cursor reaches it.
  struct Cursor {
    IdList::const_iterator first;
    IdList::const_iterator at;  // `item` is *at
    const InformationItem* item = nullptr;
  };
  auto older = [](const Cursor& a, const Cursor& b) {
    return a.item->shared.position < b.item->shared.position;
  };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(older)> newest(older);
  auto push_next = [&](IdList::const_iterator first, IdList::const_iterator end) {
    while (end != first) {
      --end;
      if (const InformationItem* item = Find(v.shown.information, *end)) {
        newest.push(Cursor{first, end, item});
        return;
      }
    }
  };
  auto start = [&](const Cell& cell) {
    push_next(cell.info_ids.begin(), PageEnd(v.shown.information, cell.info_ids, query.before));
  };
  if (query.cell) {
    if (const Cell* cell = Find(v.shown.cells, *query.cell)) start(*cell);
  } else {
    for (const auto& [id, cell] : v.shown.cells) start(cell);
  }

  std::vector<const InformationItem*> page;
  json::value next = nullptr;
  std::size_t examined = 0;
  std::uint64_t last_examined = 0;
  while (!newest.empty()) {
    if (examined >= examined_max) {
      next = last_examined;
      break;
    }
    const Cursor cursor = newest.top();
    newest.pop();
    const InformationItem& item = *cursor.item;
    ++examined;
    last_examined = item.shared.position;
    const std::int64_t occurred = item.shared.occurred_at_ns;
    const bool in_period = (!query.from_ns || occurred >= *query.from_ns) &&
                           (!query.to_ns || occurred < *query.to_ns);
    if (in_period && CanSeeInformation(v.now, caller, item)) {
      if (page.size() == limit) {
        next = page.back()->shared.position;
        break;
      }
      page.push_back(&item);
    }
    push_next(cursor.first, cursor.at);
  }

  json::object body;
  body["as_of_position"] = v.shown.size;
  AddInformation(v, caller, page, body);
  body["next"] = std::move(next);
  return json::value(std::move(body));
}

Result<json::value> SituationListView(const ViewScope& v, const Caller& caller,
                                      const std::optional<std::string>& cell) {
  if (!WorksInCells(caller)) {
    return Fail(PermissionDenied("situations are read by the referent and need-to-know partners"));
  }
  if (!HasSignedCharter(v.now, caller)) {
    return Fail(PermissionDenied("the current charter must be signed before reading situations"));
  }
  json::array out;
  for (const auto& [id, s] : v.shown.situations) {
    if (cell && s.cell_id != *cell) continue;
    if (!CanSeeSituation(v.now, caller, id)) continue;
    json::object o;
    o["situation_id"] = s.id;
    o["cell_id"] = s.cell_id;
    o["status"] = SituationStatus(s);
    o["opened_at"] = TimeJson(s.opened.occurred_at_ns);
    o["closed_at"] = s.closed ? TimeJson(s.closed->stamp.occurred_at_ns) : json::value(nullptr);
    o["referral_source"] = CodeJson(v.shown, "referral_sources", s.referral_source, v.shown_time_ns);
    o["reason"] = CodeJson(v.shown, "reasons", s.reason, v.shown_time_ns);
    o["decisions"] = s.decision_ids.size();
    o["notes"] = s.notes.size();
    out.push_back(std::move(o));
  }
  json::object body;
  body["as_of_position"] = v.shown.size;
  body["situations"] = std::move(out);
  return json::value(std::move(body));
}

Status CheckSituationRead(const State& now, const Caller& caller, std::string_view situation_id,
                          const std::optional<std::string>& purpose) {
  if (!WorksInCells(caller)) return SituationNotFound();
  if (!HasSignedCharter(now, caller)) {
    return PermissionDenied("the current charter must be signed before reading a situation");
  }
  if (!CanSeeSituation(now, caller, situation_id)) return SituationNotFound();
  const Situation& s = now.situations.at(std::string(situation_id));
  const bool has_purpose =
      purpose && std::any_of(purpose->begin(), purpose->end(), [](char c) { return c != ' '; });
  if ((s.archived || s.erased) && !has_purpose) {
    return FailedPrecondition("an archived situation is read only with a stated purpose");
  }
  return Status::Ok();
}

Status CheckSituationFile(const ViewScope& v, const Caller& caller, std::string_view situation_id,
                          const std::optional<std::string>& purpose) {
  if (Status st = CheckSituationRead(v.now, caller, situation_id, purpose); !st.ok()) return st;
  if (!Find(v.shown.situations, situation_id)) return SituationNotFound();
  return Status::Ok();
}

Result<json::value> SituationFileView(const ViewScope& v, const Caller& caller,
                                      std::string_view situation_id,
                                      const std::optional<std::string>& purpose,
                                      const Unsealer& unseal) {
  if (Status st = CheckSituationFile(v, caller, situation_id, purpose); !st.ok()) {
    return Fail(std::move(st));
  }
  const Situation& s = *Find(v.shown.situations, situation_id);
  const State& st = v.shown;
  const std::int64_t t = v.shown_time_ns;
  json::object o;
  o["as_of_position"] = st.size;
  o["situation_id"] = s.id;
  o["cell_id"] = s.cell_id;
  if (const Cell* cell = Find(st.cells, s.cell_id)) o["cell_name"] = cell->name;
  o["status"] = SituationStatus(s);
  o["opened_at"] = TimeJson(s.opened.occurred_at_ns);
  o["pseudonym"] = Open(unseal, s, s.pseudonym, "pseudonym");
  o["birth_year"] = Open(unseal, s, s.birth_year, "birth_year");
  o["referral_source"] = CodeJson(st, "referral_sources", s.referral_source, t);
  o["reason"] = CodeJson(st, "reasons", s.reason, t);
  json::array need_to_know;
  for (const std::string& p : s.need_to_know) need_to_know.push_back(PartnerJson(st, p, t));
  o["need_to_know"] = std::move(need_to_know);
  json::array access;
  for (const AccessChange& a : s.access_history) {
    json::object change = PartnerJson(st, a.partner_id, t);
    change["granted"] = a.granted;
    change["occurred_at"] = TimeJson(a.stamp.occurred_at_ns);
    access.push_back(std::move(change));
  }
  o["access_history"] = std::move(access);
  json::array notes;
  for (const SituationNote& n : s.notes) {
    json::object note;
    note["note_id"] = n.note_id;
    note["category"] = CodeJson(st, "note_categories", n.category, t);
    note["text"] = Open(unseal, s, n.text, "note:" + n.note_id);
    note["author"] = PartnerJson(st, n.stamp.partner_id, t);
    note["occurred_at"] = TimeJson(n.stamp.occurred_at_ns);
    notes.push_back(std::move(note));
  }
  o["notes"] = std::move(notes);
  json::array decisions;
  for (const std::string& id : s.decision_ids) {
    if (const Decision* d = Find(st.decisions, id)) decisions.push_back(DecisionJson(v, *d));
  }
  o["decisions"] = std::move(decisions);
  json::array information;
  for (const std::string& id : s.info_ids) {
    const InformationItem* item = Find(st.information, id);
    if (!item || !CanSeeInformation(v.now, caller, *item)) continue;
    information.push_back(InformationJson(v, caller, *item, VisibleAnalyses(v, caller, *item)));
  }
  o["information"] = std::move(information);
  json::array informed;
  for (const SubjectInformation& i : s.informed) {
    json::object entry;
    entry["means"] = CodeJson(st, "information_means", i.means, t);
    entry["occurred_at"] = TimeJson(i.stamp.occurred_at_ns);
    informed.push_back(std::move(entry));
  }
  o["subject_informed"] = std::move(informed);
  if (s.closed) {
    o["closed_at"] = TimeJson(s.closed->stamp.occurred_at_ns);
    o["outcome"] = CodeJson(st, "situation_outcomes", s.closed->outcome, t);
  } else {
    o["closed_at"] = nullptr;
    o["outcome"] = nullptr;
  }
  o["archived_at"] = s.archived ? TimeJson(s.archived->occurred_at_ns) : json::value(nullptr);
  o["erased_at"] = s.erased ? TimeJson(s.erased->stamp.occurred_at_ns) : json::value(nullptr);
  return json::value(std::move(o));
}

}  // namespace vigie::projections
