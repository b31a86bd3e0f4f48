#pragma once
// Inline SVG charts for the self-contained evaluation report: no script, no
// external font or stylesheet, so the page renders offline and prints as
// it shows. Every text that reaches the SVG is HTML-escaped here.
//
// A chart is categories along x (e.g. the twelve months) and one or more
// series of values; a missing value (nullopt) is drawn as a gap, never as 0.
// Pure and thread-safe.
#include <optional>
#include <string>
#include <vector>

namespace vigie::projections {

struct ChartSeries {
  std::string label;
  std::vector<std::optional<double>> values;  // one per category
};

struct Chart {
  std::string title;                    // the SVG's accessible <title>
  std::vector<std::string> categories;  // x-axis labels
  std::vector<ChartSeries> series;      // at most kChartPalette colours, then reused
  bool percent = false;                 // y in [0, 1], labelled as "%"
};

// Grouped bars: one group per category, one bar per series.
std::string RenderBarChart(const Chart& chart);
// One polyline per series, broken where a value is missing.
std::string RenderLineChart(const Chart& chart);

}  // namespace vigie::projections
