#pragma once
// FakeLedger: a test double of projections::Ledger for the router and the
// HTTP server. Three tokens (admin, auditor, member), canned JSON answers,
// and a record of the last arguments so tests can check what the router
// passed. Events come from a FakeEventStore. Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "projections/ledger.h"
#include "tests/server/fake_event_store.h"

namespace vigie::server::testing {

inline constexpr std::string_view kAdminToken = "admin-token";
inline constexpr std::string_view kAuditorToken = "auditor-token";
inline constexpr std::string_view kMemberToken = "member-token";

struct LastCall {
  std::string method;
  std::string command;
  boost::json::value body;
  projections::AsOf as_of;
  std::optional<std::string> purpose;
  std::optional<std::string> cell;
  std::string id;
  std::uint64_t from = 0;
  std::size_t limit = 0;
  projections::CellPage cell_page;
  projections::DashboardQuery dashboard;
  projections::InformationQuery information;
  projections::AccessLogQuery access;
  int year = 0;
};

class FakeLedger : public projections::Ledger {
 public:
  explicit FakeLedger(FakeEventStore& store) : store_(store) {}

  // The next Execute fails with this status (once).
  void FailNextCommand(Status status);
  // While held, every Execute waits (a long fsync) until Release().
  void Hold();
  void Release();
  // From now on ExecuteAsync answers as the real ledger does: it returns at
  // once, and while held its answer waits for Release(), which gives it on
  // the releasing thread (the store's syncer, in the real ledger).
  void AnswerAsynchronously();
  // From now on TryAuthenticate and TryExecuteAsync answer as Authenticate
  // and ExecuteAsync (by default they say they would wait, as a ledger
  // whose lock is busy does).
  void NeverWait() { never_wait_ = true; }
  // Commands that entered Execute (including those held).
  int commands_started() const { return commands_started_; }
  // Events answered by Events() carry a payload of this many bytes.
  void SetEventPadding(std::size_t bytes) { event_padding_ = bytes; }
  LastCall last() const;
  int calls() const { return calls_; }  // every method but Authenticate and CheckAuditor
  int authentications() const { return authentications_; }

  Result<std::string> Bootstrap(std::string_view origin) override;
  Result<projections::Caller> Authenticate(std::string_view bearer_token) const override;
  Result<projections::CommandAnswer> Execute(const projections::Caller& caller, std::string_view command,
                                             const boost::json::value& body) override;
  void ExecuteAsync(const projections::Caller& caller, std::string_view command, const boost::json::value& body,
                    CommandDone done) override;
  std::optional<Result<projections::Caller>> TryAuthenticate(std::string_view bearer_token) const override {
    if (!never_wait_) return std::nullopt;
    return Authenticate(bearer_token);
  }
  bool TryExecuteAsync(const projections::Caller& caller, std::string_view command, const boost::json::value& body,
                       CommandDone& done) override {
    if (!never_wait_) return false;
    ExecuteAsync(caller, command, body, std::move(done));
    return true;
  }
  Result<boost::json::value> Me(const projections::Caller& caller) const override;
  Result<boost::json::value> Events(const projections::Caller& caller, std::uint64_t from,
                                    std::size_t limit) const override;
  Result<boost::json::value> Stream(const projections::Caller& caller, std::string_view stream,
                                    std::uint64_t from_version, std::size_t limit) const override;
  Result<boost::json::value> Cells(const projections::Caller& caller, const projections::AsOf& as_of) const override;
  using projections::Ledger::Cell;
  Result<boost::json::value> Cell(const projections::Caller& caller, std::string_view cell_id,
                                  const projections::AsOf& as_of,
                                  const projections::CellPage& page) const override;
  Result<boost::json::value> Information(const projections::Caller& caller,
                                         const projections::InformationQuery& query) const override;
  Result<boost::json::value> Situations(const projections::Caller& caller, std::optional<std::string> cell,
                                        const projections::AsOf& as_of) const override;
  Result<boost::json::value> Situation(const projections::Caller& caller, std::string_view situation_id,
                                       const projections::AsOf& as_of,
                                       std::optional<std::string> purpose) override;
  Result<boost::json::value> Dashboard(const projections::Caller& caller,
                                       const projections::DashboardQuery& query) const override;
  Result<boost::json::value> Plan(const projections::Caller& caller, const projections::AsOf& as_of) const override;
  Result<boost::json::value> Evaluation(const projections::Caller& caller, int year,
                                        const projections::AsOf& as_of) const override;
  Result<std::string> EvaluationHtml(const projections::Caller& caller, int year,
                                     const projections::AsOf& as_of) const override;
  Result<boost::json::value> AccessLog(const projections::Caller& caller,
                                       const projections::AccessLogQuery& query) const override;
  Status CheckAuditor(const projections::Caller& caller) const override;
  Result<std::size_t> ApplyRetention() override;
  Result<std::size_t> RecordKnownErasures(const std::map<std::string, std::string>& reason_by_key) override;

 private:
  void Record(const std::function<void(LastCall&)>& update) const;
  // A command's answer, once released.
  Result<projections::CommandAnswer> Answer(const projections::Caller& caller, std::string_view command,
                                            const boost::json::value& body);

  FakeEventStore& store_;
  mutable std::atomic<int> calls_{0};
  mutable std::atomic<int> authentications_{0};
  bool never_wait_ = false;
  std::atomic<int> commands_started_{0};
  std::atomic<std::size_t> event_padding_{0};
  std::mutex hold_mutex_;  // guards held_, async_, later_
  std::condition_variable released_;
  bool held_ = false;
  bool async_ = false;
  std::vector<std::move_only_function<void()>> later_;  // answers held back
  mutable std::mutex mutex_;  // guards last_, fail_next_
  mutable LastCall last_;
  std::optional<Status> fail_next_;
};

}  // namespace vigie::server::testing
