#pragma once
// Calendar periods of the dashboard (SPEC §9): month, quarter, semester,
// year, cut along the civil calendar of Europe/Paris.
//
// Why Paris and not UTC: the partnership counts "January" as the French
// calendar month. A control executed at 00:30 on 1 February in Paris is
// 23:30 UTC on 31 January; cut in UTC it would land in the wrong month of a
// report the préfet signs. Period bounds are therefore Paris midnights,
// written with their offset ("2013-01-01T00:00:00+01:00").
//
// France's offset: UTC+1, UTC+2 in summer time. Summer time follows the EU
// rule (from the last Sunday of March, 01:00 UTC, to the last Sunday of
// October, 01:00 UTC) since 1996; from 1981 to 1995 it ended on the last
// Sunday of September; no summer time is applied before 1981 (French dates
// of 1976-1980 differ and no partnership data predates 1998).
//
// A period is [start, end): an event belongs to it when start <= occurred_at
// < end. Everything here is pure and thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/status.h"

namespace vigie::projections {

enum class Granularity { kMonth, kQuarter, kSemester, kYear };

Result<Granularity> ParseGranularity(std::string_view text);
std::string_view GranularityName(Granularity granularity);

struct Period {
  std::int64_t start_ns = 0;  // inclusive
  std::int64_t end_ns = 0;    // exclusive
  bool Contains(std::int64_t t_ns) const { return start_ns <= t_ns && t_ns < end_ns; }
  friend bool operator==(const Period&, const Period&) = default;
};

// A dashboard answers at most this many periods (SPEC §8: bounded
// everything); 50 years of months.
inline constexpr std::size_t kMaxPeriods = 600;

// The calendar periods of `granularity` that meet [from_ns, to_ns), each
// clipped to that range: asking for months from 15 January to 1 March
// yields [15 Jan, 1 Feb) and [1 Feb, 1 Mar). kInvalidArgument when the
// range is empty or would need more than kMaxPeriods periods.
Result<std::vector<Period>> SplitPeriods(std::int64_t from_ns, std::int64_t to_ns,
                                         Granularity granularity);

// France's offset from UTC, in seconds, at instant t.
int ParisOffsetSeconds(std::int64_t t_ns);

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// The civil date in Paris at instant t.
CivilDate ParisDate(std::int64_t t_ns);
// The instant of Paris midnight starting `date` (month may overflow 12:
// {2013, 13, 1} is 1 January 2014). Beyond the instants int64 nanoseconds
// hold (1677-2262), the lowest or highest instant.
std::int64_t ParisMidnight(CivilDate date);
// [1 January, 1 January of the next year) of `year`, Paris time.
Period ParisYear(int year);

// RFC 3339 with Paris's offset at that instant, second precision:
// "2013-07-01T00:00:00+02:00".
std::string FormatParisTime(std::int64_t t_ns);

}  // namespace vigie::projections
