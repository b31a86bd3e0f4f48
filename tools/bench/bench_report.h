#pragma once
// The bench's results: measurements, the ratios SPEC §8 asks for (each
// against its baseline and, when the spec sets one, its target), and the
// parts skipped. Printed as two tables and written as JSON.
// Not thread-safe: the bench fills it from its main thread.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "eventstore/status.h"

namespace vigie::bench {

struct Measurement {
  std::string id;     // "rocksdb.sync.8": what ratios refer to
  std::string part;   // "a".."d", the parts listed in bench_main.cc
  std::string label;  // "RocksDB synced writes, 8 writers"
  double value = 0;
  std::string unit;   // "records/s"
  std::string note;   // context, e.g. "6.1 records per fsync"
};

struct Ratio {
  std::string label;
  std::string numerator;    // measurement ids
  std::string denominator;
  std::optional<double> target;  // the ratio must be at least this
  double value = 0;
  bool Meets() const { return !target || value >= *target; }
};

// A target on one measurement rather than a ratio: "< 300 ms", ">= 30k/s".
struct Bound {
  std::string label;
  std::string measurement;  // id
  double limit = 0;
  bool upper = true;        // value must be below limit (else at least limit)
  double value = 0;
  std::string unit;
  bool Meets() const { return upper ? value < limit : value >= limit; }
};

class BenchReport {
 public:
  void Add(Measurement m) { measurements_.push_back(std::move(m)); }
  // Computed from measurements already added; ignored if either is missing
  // (a skipped part).
  void AddRatio(std::string label, std::string numerator, std::string denominator,
                std::optional<double> target = std::nullopt);
  // Ignored if the measurement is missing (a skipped part).
  void AddBound(std::string label, std::string measurement, double limit, bool upper);
  void Skip(std::string part, std::string why) { skipped_.push_back({std::move(part), std::move(why)}); }

  void Print(std::ostream& out) const;
  // `context` says where and how the numbers were taken.
  Status WriteJson(const std::string& path, boost::json::object context) const;

 private:
  const Measurement* Find(const std::string& id) const;

  std::vector<Measurement> measurements_;
  std::vector<Ratio> ratios_;
  std::vector<Bound> bounds_;
  std::vector<std::pair<std::string, std::string>> skipped_;  // part, why
};

}  // namespace vigie::bench
