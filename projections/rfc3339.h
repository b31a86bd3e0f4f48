#pragma once
// RFC 3339 date-times <-> ns since the Unix epoch, for every JSON field and
// query parameter that carries a time.
//
// Accepted (RFC 3339 §5.6 date-time):
//   date-time  = full-date ("T" / "t" / " ") full-time
//   full-date  = YYYY "-" MM "-" DD
//   full-time  = HH ":" MM ":" SS [ "." 1*9DIGIT ] ( "Z" / "z" / ("+"/"-") HH ":" MM )
// Refused: a date without a time (its day would depend on a zone we do not
// know), leap second 60 (nothing in this domain needs one), more than 9
// fraction digits (below our resolution), out-of-range fields and any
// instant outside the int64 ns range (1677-09-21 .. 2262-04-11).
//
// Formatting always writes UTC with "Z"; the fraction is written only when
// non-zero, with as many digits as needed (at most 9), so Parse(Format(t))
// == t for every representable t.
//
// Pure and thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/status.h"

namespace vigie::projections {

Result<std::int64_t> ParseRfc3339(std::string_view text);
std::string FormatRfc3339(std::int64_t t_ns);

// Calendar helpers on the proleptic Gregorian calendar, UTC.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);
struct UtcDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};
UtcDate CivilFromNs(std::int64_t t_ns);
// ns of 00:00:00 UTC on 1 January of `year`.
std::int64_t StartOfUtcYear(int year);

}  // namespace vigie::projections
