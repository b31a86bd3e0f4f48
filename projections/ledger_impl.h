#pragma once
// LedgerImpl: the Ledger of ledger.h. Internal to projections/.
//
// Two states:
// - the write model `write_` (under write_mu_): every command decided so
//   far, including those whose append is still on its way to disk. The
//   next command is decided against it, so two commands in flight cannot
//   both take the same id. Commands are submitted to the store under
//   write_mu_ in the order they were decided, so the positions the write
//   model assumes are the ones the store assigns. If an append fails, the
//   write model is rebuilt from the log once nothing is in flight.
// - the read side `reads_` (StateAt): the durable log's live state,
//   snapshots and as-of states, which every query renders.
//
// A command: decode (no lock) -> under write_mu_: idempotency (in-flight
// commands, then the store's command index), decide, seal personal fields,
// serialise, apply to write_, AppendAsync -> release the lock -> once
// durable (group commit merges concurrent commands), on the store's
// thread: bookkeeping under write_mu_ -> answer (ExecuteAsync's `done`;
// Execute waits for it).
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "projections/decide.h"
#include "projections/key_store.h"
#include "projections/ledger.h"
#include "projections/state.h"
#include "projections/state_at.h"

namespace vigie::projections {

class LedgerImpl final : public Ledger {
 public:
  LedgerImpl(eventstore::EventStore* store, LedgerOptions options, std::unique_ptr<KeyStore> keys);
  // Rebuilds the write model and the read side; finishes erasures a crash
  // interrupted (SubjectErased durable, key file still present).
  Status Open();
  // Waits for the commands still on their way to the disk (ExecuteAsync).
  ~LedgerImpl() override;

  Result<std::string> Bootstrap(std::string_view origin) override;
  Result<Caller> Authenticate(std::string_view bearer_token) const override;
  std::optional<Result<Caller>> TryAuthenticate(std::string_view bearer_token) const override;
  Result<CommandAnswer> Execute(const Caller& caller, std::string_view command,
                                const boost::json::value& body) override;
  void ExecuteAsync(const Caller& caller, std::string_view command, const boost::json::value& body,
                    CommandDone done) override;
  bool TryExecuteAsync(const Caller& caller, std::string_view command, const boost::json::value& body,
                       CommandDone& done) override;

  Result<boost::json::value> Me(const Caller& caller) const override;
  Result<boost::json::value> Events(const Caller& caller, std::uint64_t from,
                                    std::size_t limit) const override;
  Result<boost::json::value> Stream(const Caller& caller, std::string_view stream,
                                    std::uint64_t from_version, std::size_t limit) const override;
  Result<boost::json::value> Cells(const Caller& caller, const AsOf& as_of) const override;
  using Ledger::Cell;
  Result<boost::json::value> Cell(const Caller& caller, std::string_view cell_id,
                                  const AsOf& as_of, const CellPage& page) const override;
  Result<boost::json::value> Information(const Caller& caller,
                                         const InformationQuery& query) const override;
  Result<boost::json::value> Situations(const Caller& caller, std::optional<std::string> cell,
                                        const AsOf& as_of) const override;
  Result<boost::json::value> Situation(const Caller& caller, std::string_view situation_id,
                                       const AsOf& as_of, std::optional<std::string> purpose) override;
  Result<boost::json::value> Dashboard(const Caller& caller, const DashboardQuery& query) const override;
  Result<boost::json::value> Plan(const Caller& caller, const AsOf& as_of) const override;
  Result<boost::json::value> Evaluation(const Caller& caller, int year, const AsOf& as_of) const override;
  Result<std::string> EvaluationHtml(const Caller& caller, int year, const AsOf& as_of) const override;
  Result<boost::json::value> AccessLog(const Caller& caller, const AccessLogQuery& query) const override;
  Status CheckAuditor(const Caller& caller) const override;
  Result<std::size_t> ApplyRetention() override;
  Result<std::size_t> RecordKnownErasures(const std::map<std::string, std::string>& reason_by_key) override;

 private:
  // What Commit needs besides the decided events.
  struct Submission {
    std::string command_id;
    eventstore::Actor actor;
    std::int64_t occurred_at_ns = 0;
  };
  using AppendFuture = std::shared_future<Result<eventstore::AppendResult>>;

  // Seals, serialises, applies to write_ and submits `decided`; the lock
  // (on write_mu_) is released before waiting for durability.
  Result<eventstore::AppendResult> Commit(std::unique_lock<std::mutex>& lock, Decided decided,
                                          const Submission& submission);
  // Commit without waiting: releases the lock, and `done` runs once the
  // store answered (after the bookkeeping under write_mu_), never under it.
  using AppendDone = std::move_only_function<void(Result<eventstore::AppendResult>)>;
  struct Completion;
  void CommitAsync(std::unique_lock<std::mutex>& lock, Decided decided, const Submission& submission,
                   AppendDone done);
  // ExecuteAsync (may_wait) or TryExecuteAsync (!may_wait): false only
  // when !may_wait and a step would wait, before anything was recorded.
  bool RunCommand(const Caller& caller, std::string_view name, const boost::json::value& body,
                  CommandDone& done, bool may_wait);
  // Authenticate (may_wait) or TryAuthenticate (!may_wait).
  std::optional<Result<Caller>> AuthenticateWith(std::string_view bearer_token, bool may_wait) const;
  // Commits, one situation at a time, what `decide` (DecideRetention or
  // DecideKnownErasures) says is due, and destroys the keys of the subjects
  // it erased. Returns how many were erased. Takes write_mu_.
  Result<std::size_t> CommitErasures(
      const std::function<std::vector<Decided>(const State&, std::int64_t now_ns)>& decide);
  // Waits for in-flight appends, then refolds write_ from the log. Lock held.
  Status RebuildWriteModelLocked(std::unique_lock<std::mutex>& lock);
  static boost::json::value AnswerBody(const std::string& command_id,
                                       const eventstore::AppendResult& result);
  // The read side at `as_of`, caught up with the log.
  Result<StateView> ViewAt(const AsOf& as_of) const;
  Result<boost::json::value> EvaluationJson(const Caller& caller, int year, const AsOf& as_of) const;

  eventstore::EventStore* const store_;
  const LedgerOptions options_;
  const std::unique_ptr<KeyStore> keys_;
  RandomSource random_;
  mutable StateAt reads_;

  mutable std::mutex write_mu_;  // guards the members below
  std::condition_variable idle_;  // signalled when in_flight_ drops to 0
  State write_;
  std::unordered_map<std::string, std::uint64_t> heads_;  // stream -> version of its last event
  struct PendingCommand {
    AppendFuture append;
    std::string person_id;  // who submitted it: only they may replay it
  };
  std::map<std::string, PendingCommand> pending_commands_;  // by command_id
  std::size_t in_flight_ = 0;
  bool write_model_stale_ = false;
};

}  // namespace vigie::projections
