#pragma once
// Ledger: the partnership's domain on top of the event store.
//
// It owns the write model (a projection of the log used to check commands),
// the live read projections, the per-subject key store and snapshots, and it
// enforces SPEC §3 access rules for every query. The HTTP server is a thin
// edge over this class: it authenticates, calls one method, maps the Status
// code to an HTTP status (see eventstore/status.h) and writes the JSON.
//
// Commands are decided one at a time (decide(state, command) -> events |
// refusal, under a mutex) and appended asynchronously, so the event store's
// group commit still merges concurrent commands; an answer is given only once
// its events are durable. Queries on the current state never rebuild: the
// live projections follow the log's durable tail. `as_of` queries fold from
// the nearest snapshot.
//
// Thread safety: every method may be called concurrently.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::projections {

// The authenticated caller, from the token; never from a request body.
struct Caller {
  std::string person_id;
  std::string partner_id;
  std::string display_name;
  std::vector<std::string> roles;  // admin, referent, deputy_referent, member, chair, auditor, evaluator
  std::optional<std::string> charter_signed;  // version signed, if any
  bool Has(std::string_view role) const;
};

// What was known: at most one of the two is set; neither means "now".
struct AsOf {
  std::optional<std::uint64_t> position;      // tree size N: positions 0..N-1
  std::optional<std::int64_t> recorded_at_ns;
};
// Parses SPEC's `as_of` parameter: a decimal tree size or an RFC 3339 time.
Result<AsOf> ParseAsOf(std::string_view text);

// One page of each of a cell view's growing lists (meetings, decisions,
// information items, controls): newest first by the position of the event
// that created the item, at most `limit` items per list, only items created
// before position `before` when it is set. The view says, per list, the
// `before` of the next page (null when there is none).
inline constexpr std::size_t kCellPageLimitDefault = 100;
inline constexpr std::size_t kCellPageLimitMax = 1000;
struct CellPage {
  std::size_t limit = kCellPageLimitDefault;  // 1..kCellPageLimitMax
  std::optional<std::uint64_t> before;
};

// GET /v1/information: the information items the caller may see, across
// the cells or in one, newest first by the position that recorded them.
// `from`/`to` select what happened (occurred_at in [from, to)); `as_of`
// what was known. Paged like a cell view's lists: at most `limit` items
// created before position `before`; the answer's `next` is the `before`
// of the next page, null after the last one.
struct InformationQuery {
  std::optional<std::string> cell;
  std::optional<std::int64_t> from_ns;  // occurred_at, inclusive
  std::optional<std::int64_t> to_ns;    // occurred_at, exclusive
  std::size_t limit = kCellPageLimitDefault;  // 1..kCellPageLimitMax
  std::optional<std::uint64_t> before;
  AsOf as_of;
};

struct CommandAnswer {
  boost::json::value body;  // {command_id, events:[...], tree_size[, token]}
  bool replayed = false;    // 200 instead of 201
};

struct DashboardQuery {
  std::int64_t from_ns = 0;  // period start, inclusive
  std::int64_t to_ns = 0;    // period end, exclusive
  std::string granularity;   // month | quarter | semester | year
  std::optional<std::string> cell;
  AsOf as_of;
};

struct AccessLogQuery {
  std::optional<std::string> person;
  std::optional<std::string> situation;
  std::optional<std::int64_t> from_ns;
  std::optional<std::int64_t> to_ns;
};

struct RetentionPolicy {
  int archive_years = 3;       // after closure, readable with a purpose
  int max_subject_age = 25;    // erased at the latest at this birthday
};

struct LedgerOptions {
  std::string key_dir;  // per-subject key store, apart from the log
  eventstore::Clock clock = eventstore::SystemClockNs;
  RetentionPolicy retention;
  std::uint64_t snapshot_every_events = 50000;
  // Fills a span with random bytes (keys, nonces, tokens, command ids).
  // Empty: OpenSSL's RAND_bytes. Tests inject a deterministic source.
  std::function<void(std::span<std::uint8_t>)> random;
};

class Ledger {
 public:
  // `store` must outlive the ledger. Rebuilds the live state from the log.
  static Result<std::unique_ptr<Ledger>> Open(eventstore::EventStore* store,
                                              LedgerOptions options);
  virtual ~Ledger() = default;

  // Bootstraps a new store: enrolls the administrator (person "admin") and
  // returns its bearer token, shown once. Refused if anyone is enrolled.
  virtual Result<std::string> Bootstrap(std::string_view origin) = 0;

  // kUnauthenticated for an unknown or revoked token.
  virtual Result<Caller> Authenticate(std::string_view bearer_token) const = 0;
  // Authenticate on a thread that must not wait (an I/O thread): nullopt
  // when the answer would wait for a lock held by a slower operation; the
  // caller then calls Authenticate from a thread that may wait.
  virtual std::optional<Result<Caller>> TryAuthenticate(std::string_view bearer_token) const {
    (void)bearer_token;
    return std::nullopt;
  }

  // `command` is SPEC §9's name (e.g. "share-information"); `body` the
  // client's JSON. kInvalidArgument names the bad field; kFailedPrecondition
  // says which rule refused it; nothing is recorded unless it succeeds.
  virtual Result<CommandAnswer> Execute(const Caller& caller, std::string_view command,
                                        const boost::json::value& body) = 0;
  // Execute without waiting for the disk: `done` runs once the command is
  // durable, on the store's thread that synced it, or at once, on this
  // thread, when refused or replayed. This thread may still wait briefly:
  // for the same command_id already in flight, for a rebuild of the write
  // model after a failed append, or for the key store (personal fields).
  // `done` must not block. The ledger must not be destroyed before every
  // `done` ran (LedgerImpl's destructor waits for them).
  using CommandDone = std::move_only_function<void(Result<CommandAnswer>)>;
  virtual void ExecuteAsync(const Caller& caller, std::string_view command, const boost::json::value& body,
                            CommandDone done) {
    done(Execute(caller, command, body));
  }
  // ExecuteAsync on a thread that must not wait (an I/O thread): false
  // when anything on the way could (any of the waits above, or the write
  // model busy with another command); then nothing was recorded, `done`
  // was not called nor moved from, and the caller calls ExecuteAsync from
  // a thread that may wait. true: `done` runs as ExecuteAsync's would.
  virtual bool TryExecuteAsync(const Caller& caller, std::string_view command, const boost::json::value& body,
                               CommandDone& done) {
    (void)caller, (void)command, (void)body, (void)done;
    return false;
  }
  // Names of every command Execute knows, for the router and OpenAPI.
  static const std::vector<std::string>& CommandNames();

  // ---- queries: JSON bodies of SPEC §6 -----------------------------------
  virtual Result<boost::json::value> Me(const Caller& caller) const = 0;
  // Auditors only, checked against the current state as well as `caller`
  // (a subscription keeps the caller it authenticated once): a person
  // revoked since is kUnauthenticated, as their token now is.
  virtual Result<boost::json::value> Events(const Caller& caller, std::uint64_t from,
                                            std::size_t limit) const = 0;
  virtual Result<boost::json::value> Stream(const Caller& caller, std::string_view stream,
                                            std::uint64_t from_version, std::size_t limit) const = 0;
  virtual Result<boost::json::value> Cells(const Caller& caller, const AsOf& as_of) const = 0;
  virtual Result<boost::json::value> Cell(const Caller& caller, std::string_view cell_id,
                                          const AsOf& as_of, const CellPage& page) const = 0;
  // The first page (CellPage{}).
  Result<boost::json::value> Cell(const Caller& caller, std::string_view cell_id,
                                  const AsOf& as_of) const {
    return Cell(caller, cell_id, as_of, CellPage{});
  }
  virtual Result<boost::json::value> Information(const Caller& caller,
                                                 const InformationQuery& query) const = 0;
  virtual Result<boost::json::value> Situations(const Caller& caller,
                                                std::optional<std::string> cell,
                                                const AsOf& as_of) const = 0;
  // Records SituationConsulted (durably) before answering.
  virtual Result<boost::json::value> Situation(const Caller& caller, std::string_view situation_id,
                                               const AsOf& as_of,
                                               std::optional<std::string> purpose) = 0;
  virtual Result<boost::json::value> Dashboard(const Caller& caller,
                                               const DashboardQuery& query) const = 0;
  virtual Result<boost::json::value> Plan(const Caller& caller, const AsOf& as_of) const = 0;
  virtual Result<boost::json::value> Evaluation(const Caller& caller, int year,
                                                const AsOf& as_of) const = 0;
  // The self-contained French HTML report of the same evaluation.
  virtual Result<std::string> EvaluationHtml(const Caller& caller, int year,
                                             const AsOf& as_of) const = 0;
  virtual Result<boost::json::value> AccessLog(const Caller& caller,
                                               const AccessLogQuery& query) const = 0;
  // May the caller read the log, proofs and checkpoints (auditors)?
  virtual Status CheckAuditor(const Caller& caller) const = 0;

  // Runs retention from the injected clock: archives and erases subjects
  // whose time has come. Returns how many were erased.
  virtual Result<std::size_t> ApplyRetention() = 0;
  // Records in the log the erasure of subjects whose keys are already
  // destroyed (DecideKnownErasures, decide.h; `vigie restore`): key id ->
  // reason. Returns how many were erased.
  virtual Result<std::size_t> RecordKnownErasures(const std::map<std::string, std::string>& reason_by_key) = 0;
};

}  // namespace vigie::projections
