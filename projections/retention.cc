// DecideRetention and DecideKnownErasures (decide.h): when situations are
// archived and subjects erased (SPEC §4). Pure: the clock, the unsealed
// birth year and the keys known to be destroyed come in.
#include <algorithm>
#include <map>
#include <optional>

#include "projections/decide.h"
#include "projections/rfc3339.h"
#include "projections/streams.h"

namespace vigie::projections {
namespace {

namespace fbs = vigie::schema;

constexpr std::int64_t kNsPerDay = 86'400LL * 1'000'000'000;
constexpr std::string_view kOutcomeAgeLimit = "limite_age";
constexpr std::string_view kOutcomeOther = "autre";
constexpr std::string_view kErasureAgeLimit = "age_limit";

// The same calendar day `years` later (29 February -> 1 March), same time.
std::int64_t AddYears(std::int64_t t_ns, int years) {
  const UtcDate d = CivilFromNs(t_ns);
  const std::int64_t day_start = DaysFromCivil(d.year, d.month, d.day) * kNsPerDay;
  return DaysFromCivil(d.year + years, d.month, d.day) * kNsPerDay + (t_ns - day_start);
}

void Add(Decided& decided, const std::string& situation_id, fbs::EventBodyUnion body) {
  PlannedEvent planned;
  planned.stream = streams::Situation(situation_id);
  planned.event.body = std::move(body);
  decided.events.push_back(std::move(planned));
}

// The events that end a subject's situation: closed with `outcome` if still
// open, archived if not yet, and the subject erased with `reason` unless it
// is empty (archived only: the erasure comes later).
std::optional<Decided> Retire(const std::string& id, const Situation& s, std::string_view outcome,
                              const std::string& reason) {
  Decided decided;
  decided.role = "system";
  if (!s.closed) {
    fbs::SituationClosedT closed;
    closed.situation_id = id;
    closed.outcome = std::string(outcome);
    fbs::EventBodyUnion body;
    body.Set(std::move(closed));
    Add(decided, id, std::move(body));
  }
  if (!s.archived) {
    fbs::SituationArchivedT archived;
    archived.situation_id = id;
    fbs::EventBodyUnion body;
    body.Set(std::move(archived));
    Add(decided, id, std::move(body));
  }
  if (!reason.empty()) {
    fbs::SubjectErasedT erased;
    erased.situation_id = id;
    erased.key_id = s.key_id;
    erased.reason = reason;
    fbs::EventBodyUnion body;
    body.Set(std::move(erased));
    Add(decided, id, std::move(body));
  }
  if (decided.events.empty()) return std::nullopt;
  return decided;
}

}  // namespace

std::vector<Decided> DecideRetention(
    const State& state, std::int64_t now_ns, const RetentionPolicy& policy,
    const std::function<std::optional<int>(const Situation&)>& birth_year) {
  std::vector<Decided> out;
  for (const auto& [id, s] : state.situations) {
    if (s.erased) continue;
    std::optional<std::int64_t> age_limit;
    if (const std::optional<int> year = birth_year(s)) {
      age_limit = StartOfUtcYear(*year + policy.max_subject_age);
    }
    const bool aged_out = age_limit && now_ns >= *age_limit;
    if (!s.closed && !aged_out) continue;

    const std::int64_t closed_at = s.closed ? s.closed->stamp.occurred_at_ns : now_ns;
    const std::int64_t archive_end = AddYears(closed_at, policy.archive_years);
    std::string reason;
    if (aged_out) {
      reason = kErasureAgeLimit;
    } else if (now_ns >= archive_end) {
      reason = "archive_expired";
    }
    if (auto decided = Retire(id, s, kOutcomeAgeLimit, reason)) out.push_back(std::move(*decided));
  }
  return out;
}

std::vector<Decided> DecideKnownErasures(const State& state,
                                         const std::map<std::string, std::string>& reason_by_key) {
  std::vector<Decided> out;
  for (const auto& [id, s] : state.situations) {
    if (s.erased) continue;
    const auto reason = reason_by_key.find(s.key_id);
    if (reason == reason_by_key.end()) continue;
    const std::string_view outcome = reason->second == kErasureAgeLimit ? kOutcomeAgeLimit : kOutcomeOther;
    if (auto decided = Retire(id, s, outcome, reason->second)) out.push_back(std::move(*decided));
  }
  return out;
}

}  // namespace vigie::projections
