#pragma once
// Helpers shared by the dashboard's counts over State (dashboard.cc) and
// over the fact index (fact_index.cc).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "projections/period.h"

namespace vigie::projections {

// Maps instants to the periods of a sorted, contiguous list.
class PeriodIndex {
 public:
  explicit PeriodIndex(const std::vector<Period>& periods) : periods_(periods) {}

  std::size_t size() const { return periods_.size(); }

  // The period containing t, or size() when none does.
  std::size_t Find(std::int64_t t) const {
    const std::size_t i = FirstEndingAfter(t);
    return i < periods_.size() && periods_[i].start_ns <= t ? i : periods_.size();
  }

  // The first period whose end is after t: the periods from it on are
  // those for which "before the period's end" holds of t.
  std::size_t FirstEndingAfter(std::int64_t t) const {
    auto it = std::upper_bound(periods_.begin(), periods_.end(), t,
                               [](std::int64_t v, const Period& p) { return v < p.end_ns; });
    return static_cast<std::size_t>(it - periods_.begin());
  }

 private:
  const std::vector<Period>& periods_;
};

// Adds 1 to every period index in [first, last) in O(1); Totals() resolves.
class RangeCounter {
 public:
  explicit RangeCounter(std::size_t n) : diff_(n + 1, 0) {}
  void Add(std::size_t first, std::size_t last) {
    if (first >= last) return;
    ++diff_[first];
    --diff_[last];
  }
  std::vector<std::int64_t> Totals() const {
    std::vector<std::int64_t> out(diff_.size() - 1);
    std::int64_t running = 0;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = running += diff_[i];
    return out;
  }

 private:
  std::vector<std::int64_t> diff_;
};

}  // namespace vigie::projections
