#include "server/time_parameter.h"

#include "projections/period.h"
#include "projections/rfc3339.h"

namespace vigie::server {
namespace {

constexpr int kDateYearMin = 1700;
constexpr int kDateYearMax = 2200;

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<std::int64_t> ParseTimeParameter(std::string_view text) {
  if (text.size() != 10) {
    auto ns = projections::ParseRfc3339(text);
    if (!ns) return std::nullopt;
    return *ns;
  }
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = Digits(text.substr(0, 4));
  auto month = Digits(text.substr(5, 2));
  auto day = Digits(text.substr(8, 2));
  if (!year || !month || !day || *year < kDateYearMin || *year > kDateYearMax || *month < 1 ||
      *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  return projections::ParisMidnight({*year, *month, *day});
}

}  // namespace vigie::server
