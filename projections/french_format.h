#pragma once
// How numbers and dates read in the French report: decimal comma, a
// narrow no-break space before "%" and between thousands, month names.
// Everything returns plain UTF-8 text, not yet HTML-escaped. Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace vigie::projections {

// 1234.5 with 1 digit -> "1 234,5"; trailing zeros of the fraction are
// dropped ("2,50" -> "2,5", "3,0" -> "3").
std::string FormatNumberFr(double value, int max_fraction_digits = 1);
// A share in [0, 1] -> "75 %".
std::string FormatPercentFr(double share);
// "janvier" .. "décembre" for 1..12.
std::string_view MonthNameFr(int month);
// "janv." .. "déc." for 1..12, for chart axes.
std::string_view MonthAbbrevFr(int month);
// The Paris civil date of an instant: "15 février 2014".
std::string FormatDateFr(std::int64_t t_ns);
// The same of an RFC 3339 time ("2013-05-09T22:30:00Z" -> "10 mai 2013");
// "–" for anything else.
std::string FormatDateFr(std::string_view rfc3339);

}  // namespace vigie::projections
