#include "projections/rfc3339.h"


namespace vigie::projections {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*at]; false if any is not a digit.
bool Digits(std::string_view text, std::size_t* at, int n, int* out) {
  if (*at + static_cast<std::size_t>(n) > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*at + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *at += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

bool Expect(std::string_view text, std::size_t* at, char c) {
  if (*at >= text.size() || text[*at] != c) return false;
  ++*at;
  return true;
}

Status Bad(std::string_view text) {
  std::string shown(text.substr(0, 64));
  return InvalidArgument("'" + shown + "' is not an RFC 3339 date-time such as 2013-07-01T09:30:00+02:00");
}

}  // namespace

// Howard Hinnant's days_from_civil.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (static_cast<std::int64_t>(month) + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + static_cast<std::int64_t>(day) - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

UtcDate CivilFromNs(std::int64_t t_ns) {
  std::int64_t secs = t_ns / kNsPerSecond;
  if (t_ns % kNsPerSecond < 0) --secs;
  std::int64_t z = secs / kSecondsPerDay;
  if (secs % kSecondsPerDay < 0) --z;
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const auto y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return {y, m, d};
}

std::int64_t StartOfUtcYear(int year) {
  return DaysFromCivil(year, 1, 1) * kSecondsPerDay * kNsPerSecond;
}

Result<std::int64_t> ParseRfc3339(std::string_view text) {
  std::size_t at = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(text, &at, 4, &year) || !Expect(text, &at, '-') || !Digits(text, &at, 2, &month) ||
      !Expect(text, &at, '-') || !Digits(text, &at, 2, &day)) {
    return Fail(Bad(text));
  }
  if (at >= text.size() || (text[at] != 'T' && text[at] != 't' && text[at] != ' ')) {
    return Fail(Bad(text));
  }
  ++at;
  if (!Digits(text, &at, 2, &hour) || !Expect(text, &at, ':') || !Digits(text, &at, 2, &minute) ||
      !Expect(text, &at, ':') || !Digits(text, &at, 2, &second)) {
    return Fail(Bad(text));
  }
  std::int64_t fraction_ns = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int digits = 0;
    std::int64_t scale = 100'000'000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (++digits > 9) return Fail(Bad(text));
      fraction_ns += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (digits == 0) return Fail(Bad(text));
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    int oh, om;
    if (!Digits(text, &at, 2, &oh) || !Expect(text, &at, ':') || !Digits(text, &at, 2, &om) ||
        oh > 23 || om > 59) {
      return Fail(Bad(text));
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return Fail(Bad(text));
  }
  if (at != text.size()) return Fail(Bad(text));
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 59) {
    return Fail(Bad(text));
  }
  // 1677..2262 bounds the int64 ns range; checking years first keeps the
  // arithmetic below far from overflow.
  if (year < 1677 || year > 2262) return Fail(Bad(text));
  const std::int64_t secs =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kSecondsPerDay +
      hour * 3600 + minute * 60 + second - offset_minutes * 60;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(secs, kNsPerSecond, &ns) || __builtin_add_overflow(ns, fraction_ns, &ns)) {
    return Fail(Bad(text));
  }
  return ns;
}

std::string FormatRfc3339(std::int64_t t_ns) {
  // Hand-written digits, no printf: the read views format thousands of
  // times per answer. The int64 ns range spans the years 1677..2262, so
  // the year is always four digits.
  std::int64_t secs = t_ns / kNsPerSecond;
  std::int64_t frac = t_ns % kNsPerSecond;
  if (frac < 0) {
    frac += kNsPerSecond;
    --secs;
  }
  std::int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) sod += kSecondsPerDay;
  const UtcDate d = CivilFromNs(t_ns);
  char buf[32];
  auto two = [](char* at, unsigned v) {
    at[0] = static_cast<char>('0' + v / 10);
    at[1] = static_cast<char>('0' + v % 10);
  };
  const auto year = static_cast<unsigned>(d.year);
  two(buf, year / 100);
  two(buf + 2, year % 100);
  buf[4] = '-';
  two(buf + 5, d.month);
  buf[7] = '-';
  two(buf + 8, d.day);
  buf[10] = 'T';
  two(buf + 11, static_cast<unsigned>(sod / 3600));
  buf[13] = ':';
  two(buf + 14, static_cast<unsigned>(sod / 60 % 60));
  buf[16] = ':';
  two(buf + 17, static_cast<unsigned>(sod % 60));
  std::size_t n = 19;
  if (frac != 0) {
    buf[n++] = '.';
    char digits[9];
    for (int i = 8; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int last = 8;
    while (digits[last] == '0') --last;  // frac != 0: some digit is not 0
    for (int i = 0; i <= last; ++i) buf[n++] = digits[i];
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

}  // namespace vigie::projections
