#include "server/time_parameter.h"

#include "projections/period.h"

namespace vigie::server {
namespace {

constexpr int kYearMin = 1700;
constexpr int kYearMax = 2200;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Date {
  int year, month, day;
};

std::optional<Date> ParseDate(std::string_view text) {
  auto y = Digits(text, 0, 4);
  auto m = Digits(text, 5, 2);
  auto d = Digits(text, 8, 2);
  if (!y || !m || !d || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (*y < kYearMin || *y > kYearMax || *m < 1 || *m > 12 || *d < 1 || *d > DaysInMonth(*y, *m)) {
    return std::nullopt;
  }
  return Date{*y, *m, *d};
}

}  // namespace

std::optional<std::int64_t> ParseTimeParameter(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  auto date = ParseDate(text);
  if (!date) return std::nullopt;
  if (text.size() == 10) {
    return projections::ParisMidnight({date->year, date->month, date->day});
  }
  // full-time = HH:MM:SS [.frac] offset
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  auto hour = Digits(text, 11, 2);
  auto minute = Digits(text, 14, 2);
  auto second = Digits(text, 17, 2);
  if (!hour || !minute || !second || text.size() < 20 || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  // A leap second (:60) cannot be placed on a POSIX time line; refuse it.
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (text[pos] == '.') {
    ++pos;
    std::size_t first = pos;
    std::int64_t scale = kNsPerSecond;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - first >= 9) return std::nullopt;
      scale /= 10;
      fraction_ns += (text[pos] - '0') * scale;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;

  int offset_seconds = 0;
  std::string_view offset = text.substr(pos);
  if (offset == "Z" || offset == "z") {
    offset_seconds = 0;
  } else {
    auto oh = Digits(offset, 1, 2);
    auto om = Digits(offset, 4, 2);
    if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':' || !oh ||
        !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_seconds = (*oh * 3600 + *om * 60) * (offset[0] == '-' ? -1 : 1);
  }

  std::int64_t seconds = DaysFromCivil(date->year, date->month, date->day) * 86400 +
                         *hour * 3600 + *minute * 60 + *second - offset_seconds;
  return seconds * kNsPerSecond + fraction_ns;
}

}  // namespace vigie::server
