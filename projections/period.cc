#include "projections/period.h"

#include <chrono>
#include <cstdio>
#include <limits>

namespace vigie::projections {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

// Instants are int64 nanoseconds (1677 to 2262): a midnight beyond that
// range is before or after every instant, so it saturates instead of
// overflowing (a dashboard period ending in 2263, say).
std::int64_t SecondsToNs(std::int64_t seconds) {
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns)) {
    return seconds < 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  }
  return ns;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t DaysSinceEpoch(int year, int month, int day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  return sys_days{ymd}.time_since_epoch().count();
}

// Seconds since the epoch of 01:00 UTC on the last Sunday of `month`.
std::int64_t LastSundayOneAmUtc(int year, unsigned month) {
  const std::chrono::year_month_weekday_last last{
      std::chrono::year{year}, std::chrono::month{month},
      std::chrono::weekday_last{std::chrono::Sunday}};
  return sys_days{last}.time_since_epoch().count() * kSecondsPerDay + 3600;
}

int MonthsPerPeriod(Granularity g) {
  switch (g) {
    case Granularity::kMonth: return 1;
    case Granularity::kQuarter: return 3;
    case Granularity::kSemester: return 6;
    case Granularity::kYear: return 12;
  }
  return 1;
}

}  // namespace

Result<Granularity> ParseGranularity(std::string_view text) {
  if (text == "month") return Granularity::kMonth;
  if (text == "quarter") return Granularity::kQuarter;
  if (text == "semester") return Granularity::kSemester;
  if (text == "year") return Granularity::kYear;
  return Fail(InvalidArgument("granularity must be month, quarter, semester or year"));
}

std::string_view GranularityName(Granularity granularity) {
  switch (granularity) {
    case Granularity::kMonth: return "month";
    case Granularity::kQuarter: return "quarter";
    case Granularity::kSemester: return "semester";
    case Granularity::kYear: return "year";
  }
  return "month";
}

int ParisOffsetSeconds(std::int64_t t_ns) {
  const std::int64_t t = FloorDiv(t_ns, kNsPerSecond);
  const std::int64_t day = FloorDiv(t, kSecondsPerDay);
  const std::chrono::year_month_day ymd{sys_days{days{day}}};
  const int year = static_cast<int>(ymd.year());
  if (year < 1981) return 3600;
  const unsigned end_month = year >= 1996 ? 10 : 9;
  const bool summer = t >= LastSundayOneAmUtc(year, 3) && t < LastSundayOneAmUtc(year, end_month);
  return summer ? 7200 : 3600;
}

CivilDate ParisDate(std::int64_t t_ns) {
  const std::int64_t local = FloorDiv(t_ns, kNsPerSecond) + ParisOffsetSeconds(t_ns);
  const std::chrono::year_month_day ymd{sys_days{days{FloorDiv(local, kSecondsPerDay)}}};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::int64_t ParisMidnight(CivilDate date) {
  const std::int64_t months = static_cast<std::int64_t>(date.year) * 12 + (date.month - 1);
  const int year = static_cast<int>(FloorDiv(months, 12));
  const int month = static_cast<int>(months - static_cast<std::int64_t>(year) * 12) + 1;
  const std::int64_t local = DaysSinceEpoch(year, month, date.day) * kSecondsPerDay;
  // Summer time changes at 01:00 UTC, never near a Paris midnight, so the
  // offset an hour before is the offset at midnight.
  const int offset = ParisOffsetSeconds(SecondsToNs(local - 3600));
  return SecondsToNs(local - offset);
}

Period ParisYear(int year) {
  return {ParisMidnight({year, 1, 1}), ParisMidnight({year + 1, 1, 1})};
}

Result<std::vector<Period>> SplitPeriods(std::int64_t from_ns, std::int64_t to_ns,
                                         Granularity granularity) {
  if (from_ns >= to_ns) return Fail(InvalidArgument("`from` must be before `to`"));
  const int step = MonthsPerPeriod(granularity);
  const CivilDate first = ParisDate(from_ns);
  CivilDate boundary{first.year, ((first.month - 1) / step) * step + 1, 1};
  std::vector<Period> periods;
  std::int64_t start = from_ns;
  while (start < to_ns) {
    if (periods.size() == kMaxPeriods) {
      return Fail(InvalidArgument("too many periods: at most " + std::to_string(kMaxPeriods)));
    }
    boundary.month += step;
    const std::int64_t next = ParisMidnight(boundary);
    const std::int64_t end = next < to_ns ? next : to_ns;
    periods.push_back({start, end});
    start = end;
  }
  return periods;
}

std::string FormatParisTime(std::int64_t t_ns) {
  const int offset = ParisOffsetSeconds(t_ns);
  const std::int64_t local = FloorDiv(t_ns, kNsPerSecond) + offset;
  const std::int64_t day = FloorDiv(local, kSecondsPerDay);
  const std::int64_t second_of_day = local - day * kSecondsPerDay;
  const std::chrono::year_month_day ymd{sys_days{days{day}}};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d+%02d:00",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60),
                offset / 3600);
  return text;
}

}  // namespace vigie::projections
