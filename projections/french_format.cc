#include "projections/french_format.h"

#include <cmath>
#include <cstdio>

#include "projections/period.h"
#include "projections/rfc3339.h"

namespace vigie::projections {
namespace {

constexpr std::string_view kNarrowNoBreakSpace = "\u202f";

constexpr std::string_view kMonthNames[] = {
    "janvier", "février", "mars",      "avril",   "mai",      "juin",
    "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
constexpr std::string_view kMonthAbbrevs[] = {
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août",  "sept.", "oct.", "nov.", "déc."};

std::string GroupThousands(std::string digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += kNarrowNoBreakSpace;
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string FormatNumberFr(double value, int max_fraction_digits) {
  if (!std::isfinite(value)) return "–";
  if (max_fraction_digits < 0) max_fraction_digits = 0;
  if (max_fraction_digits > 6) max_fraction_digits = 6;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", max_fraction_digits, std::fabs(value));
  std::string plain = text;
  std::string fraction;
  if (const std::size_t dot = plain.find('.'); dot != std::string::npos) {
    fraction = plain.substr(dot + 1);
    plain.resize(dot);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  const bool negative = value < 0 && (plain != "0" || !fraction.empty());
  std::string out = negative ? "-" : "";
  out += GroupThousands(plain);
  if (!fraction.empty()) out += "," + fraction;
  return out;
}

std::string FormatPercentFr(double share) {
  return FormatNumberFr(share * 100.0, 0) + std::string(kNarrowNoBreakSpace) + "%";
}

std::string_view MonthNameFr(int month) {
  return month >= 1 && month <= 12 ? kMonthNames[month - 1] : std::string_view{};
}

std::string_view MonthAbbrevFr(int month) {
  return month >= 1 && month <= 12 ? kMonthAbbrevs[month - 1] : std::string_view{};
}

std::string FormatDateFr(std::int64_t t_ns) {
  const CivilDate date = ParisDate(t_ns);
  std::string out = date.day == 1 ? "1er" : std::to_string(date.day);
  out += " ";
  out += MonthNameFr(date.month);
  out += " " + std::to_string(date.year);
  return out;
}

std::string FormatDateFr(std::string_view rfc3339) {
  const auto t = ParseRfc3339(rfc3339);
  return t ? FormatDateFr(*t) : "–";
}

}  // namespace vigie::projections
