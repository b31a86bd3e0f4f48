// LedgerImpl: opening, commands, bootstrap, consultations and retention
// (the write path). Queries are in ledger_queries.cc.
#include "projections/ledger_impl.h"

#include <algorithm>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "eventstore/await.h"
#include "projections/command_decoder.h"
#include "projections/event_ids.h"
#include "projections/personal_fields.h"
#include "projections/views.h"
#include "schemas/record_generated.h"

// Early return of a failed Status from a function returning Result<T>.
#define VIGIE_RETURN_IF_ERROR_EXPECTED(expr)                              \
  do {                                                                    \
    ::vigie::Status vigie_status_ = (expr);                               \
    if (!vigie_status_.ok()) return ::vigie::Fail(std::move(vigie_status_)); \
  } while (0)

namespace vigie::projections {
namespace {

// Refusals after which the events were certainly not stored: keys made for
// them may go. After any other failure (an I/O error) the events may be on
// disk, and the key must stay.
bool CertainlyNotStored(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kAborted:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

// Locks `lock`'s mutex; on a thread that must not wait (!may_wait), only
// if it is free or freed within a few tries: write_mu_ is held for
// microseconds by a decision or a completion's bookkeeping, for long only
// by a write-model rebuild, a key write or a replay's wait, which a bounded
// number of tries never waits out.
bool LockUnlessSlow(std::unique_lock<std::mutex>& lock, bool may_wait) {
  if (may_wait) {
    lock.lock();
    return true;
  }
  constexpr int kTries = 64;
  for (int i = 0; i < kTries; ++i) {
    if (lock.try_lock()) return true;
    std::this_thread::yield();
  }
  return false;
}

// A command_id replays only its own submitter's command (SPEC: "a command
// replayed"). Anyone else reusing it gets a conflict, not the first answer,
// whose streams could name a situation they may not see.
Status CommandIdTaken() { return AlreadyExists("this command_id is another person's command"); }

Status ReplayedBy(const eventstore::EventStore& store, const eventstore::AppendResult& first,
                  const Caller& caller) {
  if (first.events.empty()) return Status::Ok();
  Result<eventstore::StoredEvent> event = store.Read(first.events.front().position);
  if (!event) return event.error();
  return event->actor.person == caller.person_id ? Status::Ok() : CommandIdTaken();
}

}  // namespace

LedgerImpl::LedgerImpl(eventstore::EventStore* store, LedgerOptions options,
                       std::unique_ptr<KeyStore> keys)
    : store_(store),
      options_(std::move(options)),
      keys_(std::move(keys)),
      random_(options_.random ? options_.random : SystemRandom()),
      reads_(store, StateAtOptions{.snapshot_every_events = options_.snapshot_every_events,
                                   .clock = options_.clock}) {}

Status LedgerImpl::Open() {
  std::unique_lock lock(write_mu_);
  VIGIE_RETURN_IF_ERROR(RebuildWriteModelLocked(lock));
  // A crash between a durable SubjectErased and the key's destruction
  // leaves the key behind: destroy it now.
  for (const auto& [id, situation] : write_.situations) {
    if (situation.erased && keys_->Exists(situation.key_id)) {
      VIGIE_RETURN_IF_ERROR(keys_->Erase(situation.key_id));
    }
  }
  return Status::Ok();
}

LedgerImpl::~LedgerImpl() {
  std::unique_lock lock(write_mu_);
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

Status LedgerImpl::RebuildWriteModelLocked(std::unique_lock<std::mutex>& lock) {
  // With nothing in flight, every event this ledger submitted is durable
  // and the store's size and heads are the whole truth.
  idle_.wait(lock, [&] { return in_flight_ == 0; });
  // The write model is the read side's live state: both fold the same
  // durable log with ApplyRecord, and a copy shares its collections
  // (persistent.h), so the log is folded once, not once per side.
  {
    Result<StateView> live = reads_.View(AsOf{});
    if (!live) return live.error();
    write_ = live->now();
  }
  if (write_.size != store_->Size()) {
    return Internal("the read side folded " + std::to_string(write_.size) + " events of a log of " +
                    std::to_string(store_->Size()));
  }
  std::unordered_map<std::string, std::uint64_t> heads;
  constexpr std::size_t kPage = 4096;
  std::string after;
  for (;;) {
    std::vector<eventstore::StreamHead> page = store_->Heads(after, kPage);
    if (page.empty()) break;
    after = page.back().stream;
    for (eventstore::StreamHead& head : page) heads.insert_or_assign(std::move(head.stream), head.version);
    if (page.size() < kPage) break;  // the last page
  }
  heads_ = std::move(heads);
  write_model_stale_ = false;
  return Status::Ok();
}

boost::json::value LedgerImpl::AnswerBody(const std::string& command_id,
                                          const eventstore::AppendResult& result) {
  boost::json::array events;
  for (const eventstore::AppendedEvent& e : result.events) {
    events.push_back(boost::json::object{
        {"position", e.position}, {"stream", e.stream}, {"version", e.version}, {"type", e.type}});
  }
  return boost::json::object{
      {"command_id", command_id}, {"events", std::move(events)}, {"tree_size", result.tree_size}};
}

Result<eventstore::AppendResult> LedgerImpl::Commit(std::unique_lock<std::mutex>& lock,
                                                    Decided decided, const Submission& submission) {
  return Await<Result<eventstore::AppendResult>>(
      [&](auto answer) { CommitAsync(lock, std::move(decided), submission, std::move(answer)); });
}

// What follows a command's append: the bookkeeping under write_mu_, then the
// caller's continuation. Shared by the store's callback and the submitter:
// the store answers a refusal at once, on the submitting thread, which holds
// write_mu_ then; the callback leaves that answer for the submitter, which
// finishes it after releasing the lock.
struct LedgerImpl::Completion {
  std::mutex mu;
  bool submitted = false;  // AppendAsync returned
  std::optional<Result<eventstore::AppendResult>> early;
  std::move_only_function<void(Result<eventstore::AppendResult>)> finish;
};

void LedgerImpl::CommitAsync(std::unique_lock<std::mutex>& lock, Decided decided, const Submission& submission,
                             AppendDone done) {
  std::vector<std::string> created_keys;
  auto drop_keys = [this](const std::vector<std::string>& keys) {
    for (const std::string& key_id : keys) (void)keys_->Erase(key_id);
  };
  if (Status sealed = SealPersonalFields(decided.events, *keys_, &created_keys); !sealed.ok()) {
    drop_keys(created_keys);
    lock.unlock();
    return done(Fail(std::move(sealed)));
  }

  eventstore::AppendRequest request;
  request.command_id = submission.command_id;
  request.actor = submission.actor;
  std::set<std::string> expected;
  for (std::size_t i = 0; i < decided.events.size(); ++i) {
    const PlannedEvent& planned = decided.events[i];
    Result<std::string> payload = SerializeEvent(planned);
    if (!payload) {
      drop_keys(created_keys);
      lock.unlock();
      return done(Fail(payload.error()));
    }
    eventstore::NewEvent event;
    event.stream = planned.stream;
    event.type = std::string(planned.type());
    event.event_id = DeriveEventId(submission.command_id, i);
    event.occurred_at_ns = submission.occurred_at_ns;
    event.payload = std::move(*payload);
    if (expected.insert(planned.stream).second) {
      auto head = heads_.find(planned.stream);
      eventstore::ExpectedVersion version =
          !planned.creates_stream && head != heads_.end() ? eventstore::ExpectedVersion::Exact(head->second)
                                                          : eventstore::ExpectedVersion::NoStream();
      request.expectations.push_back({planned.stream, version});
    }
    request.events.push_back(std::move(event));
  }

  // The write model takes the events now, so the next command is decided
  // against them; recorded_at is provisional there (the read side has the
  // store's).
  const std::uint64_t first_position = write_.size;
  const std::int64_t now_ns = options_.clock();
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    const eventstore::NewEvent& event = request.events[i];
    EventMeta meta{first_position + i, event.occurred_at_ns, now_ns, submission.actor.person,
                   submission.actor.partner};
    if (!ApplyPayload(write_, meta, event.payload).ok()) write_model_stale_ = true;
    auto [head, inserted] = heads_.try_emplace(event.stream, 0);
    if (!inserted) ++head->second;
  }

  auto promise = std::make_shared<std::promise<Result<eventstore::AppendResult>>>();
  pending_commands_[submission.command_id] = {promise->get_future().share(), submission.actor.person};
  ++in_flight_;
  auto completion = std::make_shared<Completion>();
  completion->finish = [this, promise, drop_keys, created_keys = std::move(created_keys), first_position,
                        command_id = submission.command_id,
                        done = std::move(done)](Result<eventstore::AppendResult> result) mutable {
    {
      std::lock_guard relock(write_mu_);
      pending_commands_.erase(command_id);
      if (--in_flight_ == 0) idle_.notify_all();
      if (!result) {
        write_model_stale_ = true;
        spdlog::warn("ledger: append of command {} failed: {}", command_id, result.error().ToString());
        if (CertainlyNotStored(result.error())) drop_keys(created_keys);
      } else if (result->replayed || result->events.empty() || result->events.front().position != first_position) {
        // Someone else appended meanwhile (another process, a replayed id):
        // the write model's positions are off.
        write_model_stale_ = true;
      }
    }
    promise->set_value(result);  // a replay of this command_id waiting for it
    done(std::move(result));
  };
  // Submitted under write_mu_: the store assigns positions in decision
  // order, as the write model assumed.
  store_->AppendAsync(std::move(request), [completion](Result<eventstore::AppendResult> result) {
    {
      std::lock_guard guard(completion->mu);
      if (!completion->submitted) {
        completion->early = std::move(result);
        return;
      }
    }
    completion->finish(std::move(result));
  });
  std::optional<Result<eventstore::AppendResult>> early;
  {
    std::lock_guard guard(completion->mu);
    completion->submitted = true;
    early.swap(completion->early);
  }
  lock.unlock();
  if (early) completion->finish(std::move(*early));
}

Result<CommandAnswer> LedgerImpl::Execute(const Caller& caller, std::string_view name,
                                          const boost::json::value& body) {
  return Await<Result<CommandAnswer>>([&](auto answer) { ExecuteAsync(caller, name, body, std::move(answer)); });
}

void LedgerImpl::ExecuteAsync(const Caller& caller, std::string_view name, const boost::json::value& body,
                              CommandDone done) {
  (void)RunCommand(caller, name, body, done, /*may_wait=*/true);
}

bool LedgerImpl::TryExecuteAsync(const Caller& caller, std::string_view name, const boost::json::value& body,
                                 CommandDone& done) {
  return RunCommand(caller, name, body, done, /*may_wait=*/false);
}

bool LedgerImpl::RunCommand(const Caller& caller, std::string_view name, const boost::json::value& body,
                            CommandDone& done, bool may_wait) {
  Result<Command> command = DecodeCommand(name, body, options_.clock());
  if (!command) {
    done(Fail(command.error()));
    return true;
  }

  std::unique_lock lock(write_mu_, std::defer_lock);
  if (!LockUnlessSlow(lock, may_wait)) return false;
  if (!command->command_id.empty()) {
    if (auto pending = pending_commands_.find(command->command_id); pending != pending_commands_.end()) {
      if (pending->second.person_id != caller.person_id) {
        lock.unlock();
        done(Fail(CommandIdTaken()));
        return true;
      }
      if (!may_wait) return false;
      // The same command, still on its way to the disk: its answer, when
      // it comes (a short wait, on this thread).
      AppendFuture first = pending->second.append;
      lock.unlock();
      const Result<eventstore::AppendResult>& result = first.get();
      if (!result) {
        done(Fail(result.error()));
      } else {
        done(CommandAnswer{AnswerBody(command->command_id, *result), true});
      }
      return true;
    }
    // A read of the store's index (memtable, block cache, rarely a file).
    // FindCommand waits only for a command written and not yet durable:
    // this ledger's own are in pending_commands_ until they are.
    if (std::optional<eventstore::AppendResult> stored = store_->FindCommand(command->command_id)) {
      lock.unlock();
      Status own = ReplayedBy(*store_, *stored, caller);
      if (!own.ok()) {
        done(Fail(std::move(own)));
      } else {
        done(CommandAnswer{AnswerBody(command->command_id, *stored), true});
      }
      return true;
    }
  } else {
    command->command_id = RandomUuid(random_);
  }
  if (write_model_stale_) {
    if (!may_wait) return false;
    if (Status rebuilt = RebuildWriteModelLocked(lock); !rebuilt.ok()) {
      lock.unlock();
      done(Fail(std::move(rebuilt)));
      return true;
    }
  }

  std::string token;
  if (auto* enroll = std::get_if<EnrollPerson>(&command->body)) {
    token = NewBearerToken(random_);
    enroll->token_sha256 = TokenHash(token);
  }
  Result<Decided> decided = Decide(write_, caller, *command, options_.retention);
  if (!decided) {
    lock.unlock();
    done(Fail(decided.error()));
    return true;
  }
  // A new subject's key is written and synced before its events
  // (SealPersonalFields): not on a thread that must not wait.
  if (!may_wait && UsesKeyStore(decided->events)) return false;
  const eventstore::Actor actor{caller.person_id, write_.people.at(caller.person_id).partner_id,
                                decided->role};
  CommitAsync(lock, std::move(*decided), {command->command_id, actor, command->occurred_at_ns},
              [command_id = command->command_id, token = std::move(token),
               done = std::move(done)](Result<eventstore::AppendResult> result) mutable {
                if (!result) return done(Fail(result.error()));
                boost::json::value answer = AnswerBody(command_id, *result);
                if (!token.empty() && !result->replayed) answer.as_object()["token"] = token;
                done(CommandAnswer{std::move(answer), result->replayed});
              });
  return true;
}

Result<std::string> LedgerImpl::Bootstrap(std::string_view origin) {
  std::unique_lock lock(write_mu_);
  if (write_model_stale_) VIGIE_RETURN_IF_ERROR_EXPECTED(RebuildWriteModelLocked(lock));
  std::string token = NewBearerToken(random_);
  Result<Decided> decided =
      DecideBootstrap(write_, TokenHash(token), "Administrateur de " + std::string(origin));
  if (!decided) return Fail(decided.error());
  Result<eventstore::AppendResult> result = Commit(
      lock, std::move(*decided), {RandomUuid(random_), {"", "", "system"}, options_.clock()});
  if (!result) return Fail(result.error());
  return token;
}

Result<Caller> LedgerImpl::Authenticate(std::string_view bearer_token) const {
  return *AuthenticateWith(bearer_token, /*may_wait=*/true);
}

std::optional<Result<Caller>> LedgerImpl::TryAuthenticate(std::string_view bearer_token) const {
  return AuthenticateWith(bearer_token, /*may_wait=*/false);
}

std::optional<Result<Caller>> LedgerImpl::AuthenticateWith(std::string_view bearer_token, bool may_wait) const {
  // Bounded before hashing: a token is 43 characters.
  if (bearer_token.empty() || bearer_token.size() > 256) {
    return Fail(Unauthenticated("missing or malformed bearer token"));
  }
  const std::string hash = TokenHash(bearer_token);
  std::unique_lock lock(write_mu_, std::defer_lock);
  if (!LockUnlessSlow(lock, may_wait)) return std::nullopt;
  auto it = write_.people_by_token.find(hash);
  if (it == write_.people_by_token.end()) return Fail(Unauthenticated("unknown or revoked token"));
  auto person = write_.people.find(it->second);
  if (person == write_.people.end() || person->second.revoked) {
    return Fail(Unauthenticated("unknown or revoked token"));
  }
  const Person& p = person->second;
  return Caller{p.id, p.partner_id, p.display_name, p.roles, p.LatestCharter()};
}

Result<boost::json::value> LedgerImpl::Situation(const Caller& caller, std::string_view situation_id,
                                                 const AsOf& as_of, std::optional<std::string> purpose) {
  // A past file is checked before anything is recorded: a bad `as_of`, or
  // a date before the situation existed, is refused and records no read.
  // The view is let go before Commit: it holds the live state's read lock,
  // and a commit waits for an fsync.
  if (as_of.position || as_of.recorded_at_ns) {
    Result<StateView> past = ViewAt(as_of);
    if (!past) return Fail(past.error());
    if (Status st = CheckSituationFile(past->scope(), caller, situation_id, purpose); !st.ok()) {
      return Fail(std::move(st));
    }
  }
  {
    std::unique_lock lock(write_mu_);
    if (write_model_stale_) VIGIE_RETURN_IF_ERROR_EXPECTED(RebuildWriteModelLocked(lock));
    Result<Decided> decided = DecideConsultation(write_, caller, situation_id, purpose);
    if (!decided) return Fail(decided.error());
    const eventstore::Actor actor{caller.person_id, caller.partner_id, decided->role};
    Result<eventstore::AppendResult> recorded =
        Commit(lock, std::move(*decided), {RandomUuid(random_), actor, options_.clock()});
    if (!recorded) return Fail(recorded.error());
  }
  Result<StateView> view = ViewAt(as_of);
  if (!view) return Fail(view.error());
  Unsealer unseal = [this](const projections::Situation& s, const SealedField& sealed,
                           std::string_view field) -> std::optional<std::string> {
    std::string name(field);
    if (field == "note") {
      // Notes are sealed under "note:<id>"; the view names the field only.
      for (const SituationNote& note : s.notes) {
        if (note.text.nonce == sealed.nonce) name = NoteField(note.note_id);
      }
    }
    Result<std::string> plain = Reveal(*keys_, sealed, name);
    if (!plain) return std::nullopt;
    return *plain;
  };
  return SituationFileView(view->scope(), caller, situation_id, purpose, unseal);
}

Result<std::size_t> LedgerImpl::ApplyRetention() {
  return CommitErasures([this](const State& state, std::int64_t now_ns) {
    return DecideRetention(state, now_ns, options_.retention,
                           [&](const projections::Situation& s) { return RevealBirthYear(*keys_, s); });
  });
}

Result<std::size_t> LedgerImpl::RecordKnownErasures(const std::map<std::string, std::string>& reason_by_key) {
  return CommitErasures([&](const State& state, std::int64_t) { return DecideKnownErasures(state, reason_by_key); });
}

Result<std::size_t> LedgerImpl::CommitErasures(
    const std::function<std::vector<Decided>(const State&, std::int64_t now_ns)>& decide) {
  std::size_t erased = 0;
  std::set<std::string> attempted;
  // One situation per round, decided afresh each time: commands may have
  // changed other situations while the previous append was waited for.
  while (true) {
    std::unique_lock lock(write_mu_);
    if (write_model_stale_) VIGIE_RETURN_IF_ERROR_EXPECTED(RebuildWriteModelLocked(lock));
    const std::int64_t now_ns = options_.clock();
    std::vector<Decided> due = decide(write_, now_ns);
    auto next = std::find_if(due.begin(), due.end(), [&](const Decided& d) {
      return !attempted.contains(d.events.front().stream);
    });
    if (next == due.end()) break;
    attempted.insert(next->events.front().stream);
    std::vector<std::string> keys_to_destroy;
    for (const PlannedEvent& planned : next->events) {
      if (const auto* e = planned.event.body.AsSubjectErased()) keys_to_destroy.push_back(e->key_id);
    }
    Result<eventstore::AppendResult> result =
        Commit(lock, std::move(*next), {RandomUuid(random_), {"", "", "system"}, now_ns});
    if (!result) return Fail(result.error());
    // Only once SubjectErased is durable: a crash before leaves a key that
    // Open() destroys; destroying first could leave a subject readable in
    // no view yet not marked erased.
    for (const std::string& key_id : keys_to_destroy) {
      VIGIE_RETURN_IF_ERROR_EXPECTED(keys_->Erase(key_id));
      ++erased;
    }
  }
  return erased;
}

}  // namespace vigie::projections

#undef VIGIE_RETURN_IF_ERROR_EXPECTED
