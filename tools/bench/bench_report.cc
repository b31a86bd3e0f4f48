#include "tools/bench/bench_report.h"

#include <cstdio>
#include <fstream>

namespace vigie::bench {
namespace {

// 1234567.8 -> "1,234,568"; small values keep two decimals.
std::string Readable(double v) {
  if (v < 100) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
  }
  std::string digits = std::to_string(static_cast<unsigned long long>(v + 0.5));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Padded(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string LeftPadded(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string Times(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2fx", ratio);
  return text;
}

}  // namespace

const Measurement* BenchReport::Find(const std::string& id) const {
  for (const Measurement& m : measurements_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

void BenchReport::AddRatio(std::string label, std::string numerator, std::string denominator,
                           std::optional<double> target) {
  const Measurement* n = Find(numerator);
  const Measurement* d = Find(denominator);
  if (!n || !d || d->value <= 0) return;
  ratios_.push_back({std::move(label), std::move(numerator), std::move(denominator), target, n->value / d->value});
}

void BenchReport::AddBound(std::string label, std::string measurement, double limit, bool upper) {
  const Measurement* m = Find(measurement);
  if (!m) return;
  bounds_.push_back({std::move(label), std::move(measurement), limit, upper, m->value, m->unit});
}

void BenchReport::Print(std::ostream& out) const {
  out << Padded("part", 6) << Padded("measurement", 48) << LeftPadded("value", 14) << "  " << Padded("unit", 12)
      << "note\n";
  for (const Measurement& m : measurements_) {
    out << Padded("(" + m.part + ")", 6) << Padded(m.label, 48) << LeftPadded(Readable(m.value), 14) << "  "
        << Padded(m.unit, 12) << m.note << "\n";
  }
  out << "\n" << Padded("ratio", 54) << LeftPadded("value", 8) << "  " << Padded("target", 10) << "\n";
  for (const Ratio& r : ratios_) {
    out << Padded(r.label, 54) << LeftPadded(Times(r.value), 8) << "  "
        << Padded(r.target ? ">= " + Times(*r.target) : "", 10) << (r.target ? (r.Meets() ? "met" : "MISSED") : "")
        << "\n";
  }
  if (!bounds_.empty()) {
    out << "\n" << Padded("target", 54) << LeftPadded("value", 14) << "  " << Padded("limit", 22) << "\n";
    for (const Bound& b : bounds_) {
      out << Padded(b.label, 54) << LeftPadded(Readable(b.value), 14) << "  "
          << Padded((b.upper ? "< " : ">= ") + Readable(b.limit) + " " + b.unit, 22) << (b.Meets() ? "met" : "MISSED")
          << "\n";
    }
  }
  for (const auto& [part, why] : skipped_) out << "\n(" << part << ") skipped: " << why << "\n";
}

Status BenchReport::WriteJson(const std::string& path, boost::json::object context) const {
  boost::json::array measurements, ratios, bounds, skipped;
  for (const Measurement& m : measurements_) {
    measurements.push_back({{"id", m.id}, {"part", m.part}, {"label", m.label}, {"value", m.value},
                            {"unit", m.unit}, {"note", m.note}});
  }
  for (const Ratio& r : ratios_) {
    boost::json::object o{{"label", r.label}, {"numerator", r.numerator}, {"denominator", r.denominator},
                          {"value", r.value}};
    if (r.target) {
      o["target"] = *r.target;
      o["met"] = r.Meets();
    }
    ratios.push_back(std::move(o));
  }
  for (const Bound& b : bounds_) {
    bounds.push_back({{"label", b.label}, {"measurement", b.measurement}, {"limit", b.limit},
                      {"kind", b.upper ? "below" : "at_least"}, {"value", b.value}, {"unit", b.unit},
                      {"met", b.Meets()}});
  }
  for (const auto& [part, why] : skipped_) skipped.push_back({{"part", part}, {"why", why}});
  context["measurements"] = std::move(measurements);
  context["ratios"] = std::move(ratios);
  context["targets"] = std::move(bounds);
  context["skipped"] = std::move(skipped);
  std::ofstream file(path, std::ios::trunc);
  file << boost::json::serialize(context) << "\n";
  if (!file.good()) return Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace vigie::bench
