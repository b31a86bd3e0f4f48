#pragma once
// The demo year as a script: SPEC §9 commands, who sends each one, when it
// happened in the world (the body's occurred_at) and when it reached the
// ledger (recorded_at, the clock the store and the ledger are given).
//
// Internal to tools/demo_*.cc. The parts of the year are written by the
// Add* functions below, each in its own file; Script::Finish orders every
// step by recorded_at (stably, so steps written in dependency order keep
// it), which is the order the ledger receives them in. Most steps are
// recorded shortly after they happened; a few are recorded weeks later, so
// that "as known on" views of the year differ from today's.
//
// Everything here is deterministic: no clock, no randomness except Dice,
// a fixed-seed generator.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace vigie::tools::demo {

inline constexpr std::int64_t kMinuteNs = 60LL * 1'000'000'000;
inline constexpr std::int64_t kHourNs = 60 * kMinuteNs;
inline constexpr std::int64_t kDayNs = 24 * kHourNs;

// Paris wall-clock time (the partnership's calendar) as ns since the epoch.
std::int64_t Paris(int year, int month, int day, int hour = 0, int minute = 0);
// RFC 3339 (UTC) for JSON bodies.
std::string Rfc3339(std::int64_t t_ns);
boost::json::array Ids(std::initializer_list<std::string_view> ids);
boost::json::array Ids(const std::vector<std::string>& ids);
// The n-th (1-based) `weekday` (0 Monday .. 6 Sunday) of a month, at a
// Paris wall-clock time.
std::int64_t NthWeekday(int year, int month, int weekday, int n, int hour, int minute);

struct Step {
  std::int64_t recorded_at_ns = 0;
  std::string actor;    // person id; the command is sent with their token
  std::string command;  // SPEC §9 name, e.g. "share-information"
  boost::json::object body;
};

class Script {
 public:
  // A command that happened at `occurred_ns` and was recorded at
  // `recorded_ns` (0: one hour after it happened). Sets the body's
  // occurred_at.
  void Add(std::int64_t occurred_ns, std::string actor, std::string command,
           boost::json::object body, std::int64_t recorded_ns = 0);

  // The steps in the order the ledger receives them.
  std::vector<Step> Finish() &&;

 private:
  std::vector<Step> steps_;
};

// splitmix64 with a fixed seed: the same "random" year on every run and
// every platform (integer arithmetic only).
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next();
  // Uniform in [lo, hi].
  int Between(int lo, int hi);
  // True with probability percent / 100.
  bool Chance(int percent) { return Between(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Between(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::uint64_t state_;
};

// The people of the demo and what the runner needs to know of them.
struct DemoPersonSpec {
  std::string_view person_id;
  std::string_view partner_id;  // empty for auditors and evaluators
  std::string_view display_name;
  std::vector<std::string_view> roles;
};
const std::vector<DemoPersonSpec>& DemoPeople();
// The person who acts for `partner_id` as a member at time t (the DIRECCTE
// changes hands in September).
std::string MemberOf(std::string_view partner_id, std::int64_t t_ns);

// The parts of the year, in the files named after them.
void AddReference(Script& script);   // demo_reference.cc: territory, partners, cells, people, charter, indicators
void AddMeetings(Script& script);    // demo_meetings.cc: cell meetings, steering committees, decisions
void AddActivity(Script& script);    // demo_activity.cc: information items, analyses, coordinated controls
void AddSituations(Script& script);  // demo_situations.cc: individual situations
void AddPlan(Script& script);        // demo_plan.cc: priorities, commitments, avenant, indicator values, evaluations

}  // namespace vigie::tools::demo
