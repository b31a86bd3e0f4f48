#pragma once
// Small statistics for the dashboard: a rate or a median over nothing is
// "no value" (JSON null), never 0, so that an empty month does not read as
// a month where everyone was absent.
#include <optional>
#include <vector>

namespace vigie::projections {

// The median of `values` (the mean of the two middle values for an even
// count); nullopt when empty. Takes a copy because it reorders.
std::optional<double> Median(std::vector<double> values);

// The arithmetic mean; nullopt when empty.
std::optional<double> Mean(const std::vector<double>& values);

// numerator / denominator; nullopt when the denominator is 0.
std::optional<double> Ratio(double numerator, double denominator);

}  // namespace vigie::projections
