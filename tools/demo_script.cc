#include "tools/demo_script.h"

#include <algorithm>

#include "projections/period.h"
#include "projections/rfc3339.h"

namespace vigie::tools::demo {

std::int64_t Paris(int year, int month, int day, int hour, int minute) {
  const std::int64_t midnight = projections::ParisMidnight({year, month, day});
  // A wall-clock hour on the night of a summer-time change would be off by
  // one hour; the script never schedules anything at night on those days.
  return midnight + hour * kHourNs + minute * kMinuteNs;
}

std::string Rfc3339(std::int64_t t_ns) { return projections::FormatRfc3339(t_ns); }

boost::json::array Ids(std::initializer_list<std::string_view> ids) {
  boost::json::array out;
  for (std::string_view id : ids) out.emplace_back(id);
  return out;
}

boost::json::array Ids(const std::vector<std::string>& ids) {
  boost::json::array out;
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

std::int64_t NthWeekday(int year, int month, int weekday, int n, int hour, int minute) {
  const std::int64_t first = projections::DaysFromCivil(year, static_cast<unsigned>(month), 1);
  const int first_weekday = static_cast<int>((first + 3) % 7);  // 1970-01-01 was a Thursday
  const int day = 1 + (weekday - first_weekday + 7) % 7 + 7 * (n - 1);
  return Paris(year, month, day, hour, minute);
}

void Script::Add(std::int64_t occurred_ns, std::string actor, std::string command,
                 boost::json::object body, std::int64_t recorded_ns) {
  body["occurred_at"] = Rfc3339(occurred_ns);
  Step step;
  step.recorded_at_ns = recorded_ns != 0 ? recorded_ns : occurred_ns + kHourNs;
  step.actor = std::move(actor);
  step.command = std::move(command);
  step.body = std::move(body);
  steps_.push_back(std::move(step));
}

std::vector<Step> Script::Finish() && {
  std::stable_sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
    return a.recorded_at_ns < b.recorded_at_ns;
  });
  return std::move(steps_);
}

std::uint64_t Dice::Next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int Dice::Between(int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return lo + static_cast<int>(Next() % span);
}

}  // namespace vigie::tools::demo
