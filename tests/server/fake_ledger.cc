#include "tests/server/fake_ledger.h"


namespace vigie::server::testing {
namespace {

namespace json = boost::json;
using projections::Caller;

bool IsAuditor(const Caller& caller) {
  for (const auto& role : caller.roles) {
    if (role == "auditor") return true;
  }
  return false;
}

json::object EventJson(std::uint64_t position, const FakeEvent& event, std::size_t padding) {
  json::object e;
  e["position"] = position;
  e["stream"] = event.stream;
  e["version"] = 0;
  e["type"] = event.type;
  e["recorded_at"] = "2024-01-01T00:00:00Z";
  e["occurred_at"] = "2024-01-01T00:00:00Z";
  e["actor"] = json::object{{"person", "admin"}, {"partner", "prefecture"}, {"role", "admin"}};
  e["payload"] = padding == 0 ? json::object{} : json::object{{"padding", std::string(padding, 'x')}};
  e["record"] = "";
  e["leaf_hash"] = "00";
  return e;
}

}  // namespace

void FakeLedger::Hold() {
  std::lock_guard lock(hold_mutex_);
  held_ = true;
}

void FakeLedger::Release() {
  std::vector<std::move_only_function<void()>> later;
  {
    std::lock_guard lock(hold_mutex_);
    held_ = false;
    later.swap(later_);
  }
  released_.notify_all();
  for (auto& answer : later) answer();  // on this thread, as the store's syncer would
}

void FakeLedger::AnswerAsynchronously() {
  std::lock_guard lock(hold_mutex_);
  async_ = true;
}

void FakeLedger::ExecuteAsync(const Caller& caller, std::string_view command, const json::value& body,
                              CommandDone done) {
  bool async = false;
  {
    std::lock_guard lock(hold_mutex_);
    async = async_;
    if (async) {
      Record([&](LastCall& last) {
        last.method = "Execute";
        last.command = command;
        last.body = body;
      });
      ++commands_started_;
      if (held_) {
        later_.push_back([this, caller, command = std::string(command), body, done = std::move(done)]() mutable {
          done(Answer(caller, command, body));
        });
        return;
      }
    }
  }
  if (!async) return done(Execute(caller, command, body));  // as the base class
  done(Answer(caller, command, body));
}

void FakeLedger::FailNextCommand(Status status) {
  std::lock_guard lock(mutex_);
  fail_next_ = std::move(status);
}

LastCall FakeLedger::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

void FakeLedger::Record(const std::function<void(LastCall&)>& update) const {
  ++calls_;
  std::lock_guard lock(mutex_);
  last_ = LastCall{};
  update(last_);
}

Result<std::string> FakeLedger::Bootstrap(std::string_view) { return std::string(kAdminToken); }

Result<Caller> FakeLedger::Authenticate(std::string_view token) const {
  ++authentications_;
  Caller caller;
  if (token == kAdminToken) {
    caller.person_id = "admin";
    caller.partner_id = "prefecture";
    caller.roles = {"admin"};
  } else if (token == kAuditorToken) {
    caller.person_id = "inspecteur";
    caller.partner_id = "igA";
    caller.roles = {"auditor"};
  } else if (token == kMemberToken) {
    caller.person_id = "agent";
    caller.partner_id = "police";
    caller.roles = {"member"};
    caller.charter_signed = "2024";
  } else {
    return Fail(Unauthenticated("unknown token"));
  }
  caller.display_name = caller.person_id;
  return caller;
}

Result<projections::CommandAnswer> FakeLedger::Execute(const Caller& caller, std::string_view command,
                                                       const json::value& body) {
  Record([&](LastCall& last) {
    last.method = "Execute";
    last.command = command;
    last.body = body;
  });
  ++commands_started_;
  {
    std::unique_lock lock(hold_mutex_);
    released_.wait(lock, [this] { return !held_; });
  }
  return Answer(caller, command, body);
}

Result<projections::CommandAnswer> FakeLedger::Answer(const Caller& caller, std::string_view command,
                                                      const json::value& body) {
  {
    std::lock_guard lock(mutex_);
    if (fail_next_) {
      Status status = std::move(*fail_next_);
      fail_next_.reset();
      return Fail(std::move(status));
    }
  }
  if (caller.person_id != "admin") return Fail(PermissionDenied("only the administrator"));
  projections::CommandAnswer answer;
  const json::value* command_id = body.as_object().if_contains("command_id");
  answer.replayed = command_id != nullptr && command_id->is_string() && command_id->get_string() == "replayed";
  answer.body = json::object{
      {"command_id", command_id ? *command_id : json::value("generated")},
      {"events", json::array{json::object{{"position", 0}, {"stream", "partner-ddsp"}, {"version", 0},
                                          {"type", "PartnerRegistered"}}}},
      {"tree_size", 1}};
  if (command == "enroll-person") answer.body.as_object()["token"] = "new-token";
  return answer;
}

Result<json::value> FakeLedger::Me(const Caller& caller) const {
  Record([&](LastCall& last) { last.method = "Me"; });
  return json::object{{"person_id", caller.person_id}, {"partner_id", caller.partner_id}};
}

Result<json::value> FakeLedger::Events(const Caller& caller, std::uint64_t from, std::size_t limit) const {
  Record([&](LastCall& last) {
    last.method = "Events";
    last.from = from;
    last.limit = limit;
  });
  if (!IsAuditor(caller)) return Fail(PermissionDenied("auditors only"));
  json::array events;
  std::uint64_t position = from;
  for (const FakeEvent& event : store_.EventsFrom(from, limit)) events.push_back(EventJson(position++, event, event_padding_));
  return json::object{{"events", std::move(events)}, {"next", position}};
}

Result<json::value> FakeLedger::Stream(const Caller& caller, std::string_view stream,
                                       std::uint64_t from_version, std::size_t limit) const {
  Record([&](LastCall& last) {
    last.method = "Stream";
    last.id = stream;
    last.from = from_version;
    last.limit = limit;
  });
  if (!IsAuditor(caller)) return Fail(PermissionDenied("auditors only"));
  return json::object{{"events", json::array{}}, {"next", from_version}};
}

Result<json::value> FakeLedger::Cells(const Caller&, const projections::AsOf& as_of) const {
  Record([&](LastCall& last) {
    last.method = "Cells";
    last.as_of = as_of;
  });
  return json::object{{"cells", json::array{}}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Cell(const Caller&, std::string_view cell_id,
                                     const projections::AsOf& as_of,
                                     const projections::CellPage& page) const {
  Record([&](LastCall& last) {
    last.method = "Cell";
    last.id = cell_id;
    last.as_of = as_of;
    last.cell_page = page;
  });
  if (cell_id != "gltd-centre") return Fail(NotFound("no such cell"));
  return json::object{{"cell_id", cell_id}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Information(const Caller&,
                                            const projections::InformationQuery& query) const {
  Record([&](LastCall& last) {
    last.method = "Information";
    last.information = query;
    last.as_of = query.as_of;
  });
  return json::object{{"information", json::array{}}, {"analyses", json::array{}},
                      {"next", nullptr}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Situations(const Caller&, std::optional<std::string> cell,
                                           const projections::AsOf& as_of) const {
  Record([&](LastCall& last) {
    last.method = "Situations";
    last.cell = cell;
    last.as_of = as_of;
  });
  return json::object{{"situations", json::array{}}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Situation(const Caller& caller, std::string_view situation_id,
                                          const projections::AsOf& as_of, std::optional<std::string> purpose) {
  Record([&](LastCall& last) {
    last.method = "Situation";
    last.id = situation_id;
    last.as_of = as_of;
    last.purpose = purpose;
  });
  if (caller.person_id != "agent" || situation_id != "s-2024-001") return Fail(NotFound("no such situation"));
  return json::object{{"situation_id", situation_id}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Dashboard(const Caller&, const projections::DashboardQuery& query) const {
  Record([&](LastCall& last) {
    last.method = "Dashboard";
    last.dashboard = query;
  });
  return json::object{{"granularity", query.granularity}, {"periods", json::array{}}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Plan(const Caller&, const projections::AsOf& as_of) const {
  Record([&](LastCall& last) {
    last.method = "Plan";
    last.as_of = as_of;
  });
  return json::object{{"priorities", json::array{}}, {"as_of_position", 0}};
}

Result<json::value> FakeLedger::Evaluation(const Caller&, int year, const projections::AsOf& as_of) const {
  Record([&](LastCall& last) {
    last.method = "Evaluation";
    last.year = year;
    last.as_of = as_of;
  });
  return json::object{{"year", year}, {"as_of_position", 0}};
}

Result<std::string> FakeLedger::EvaluationHtml(const Caller&, int year, const projections::AsOf& as_of) const {
  Record([&](LastCall& last) {
    last.method = "EvaluationHtml";
    last.year = year;
    last.as_of = as_of;
  });
  return "<!doctype html><title>Évaluation " + std::to_string(year) + "</title>";
}

Result<json::value> FakeLedger::AccessLog(const Caller&, const projections::AccessLogQuery& query) const {
  Record([&](LastCall& last) {
    last.method = "AccessLog";
    last.access = query;
  });
  return json::object{{"entries", json::array{}}};
}

Status FakeLedger::CheckAuditor(const Caller& caller) const {
  return IsAuditor(caller) ? Status::Ok() : PermissionDenied("auditors only");
}

Result<std::size_t> FakeLedger::ApplyRetention() { return std::size_t{0}; }
Result<std::size_t> FakeLedger::RecordKnownErasures(const std::map<std::string, std::string>&) {
  return std::size_t{0};
}

}  // namespace vigie::server::testing
