#include "projections/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "projections/french_format.h"
#include "projections/html_escape.h"

namespace vigie::projections {
namespace {

// Colour-blind-safe (Okabe–Ito), distinguishable in grey print too.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];

constexpr double kWidth = 720;
constexpr double kHeight = 280;
constexpr double kLeft = 56;
constexpr double kRight = 12;
constexpr double kTop = 40;  // legend
constexpr double kBottom = 36;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

// A round step (1, 2 or 5 times a power of ten) giving about four ticks.
double NiceStep(double max_value) {
  const double raw = max_value / 4.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * magnitude) return m * magnitude;
  }
  return 10.0 * magnitude;
}

struct Scale {
  double max = 1;
  double step = 1;
  double Y(double v) const { return kTop + kPlotHeight * (1.0 - v / max); }
};

Scale ScaleFor(const Chart& chart) {
  if (chart.percent) return {1.0, 0.25};
  double max_value = 0;
  for (const ChartSeries& s : chart.series) {
    for (const auto& v : s.values) {
      if (v && std::isfinite(*v)) max_value = std::max(max_value, *v);
    }
  }
  if (max_value <= 0) return {4.0, 1.0};
  // Counts are integers: never a tick at 0.5.
  const double step = std::max(1.0, NiceStep(max_value));
  return {std::ceil(max_value / step) * step, step};
}

// Characters, not bytes: "clôturées" is as wide as "cloturees".
std::size_t CodePoints(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string TickLabel(const Chart& chart, double v) {
  return chart.percent ? FormatPercentFr(v) : FormatNumberFr(v, 1);
}

std::string Open(const Chart& chart) {
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kWidth) +
                    " " + Num(kHeight) + "\" role=\"img\" class=\"chart\" font-family=\"Arial, Helvetica, sans-serif\">";
  svg += "<title>" + HtmlEscape(chart.title) + "</title>";
  return svg;
}

std::string AxesAndLegend(const Chart& chart, const Scale& scale) {
  std::string svg;
  for (double v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
    const std::string y = Num(scale.Y(v));
    svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" + y +
           "\" y2=\"" + y + "\" stroke=\"#ddd\"/>";
    svg += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(scale.Y(v) + 4) +
           "\" text-anchor=\"end\" font-size=\"11\">" + HtmlEscape(TickLabel(chart, v)) + "</text>";
  }
  const std::size_t n = chart.categories.size();
  const double band = n == 0 ? kPlotWidth : kPlotWidth / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = kLeft + band * (static_cast<double>(i) + 0.5);
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(kHeight - kBottom + 16) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + HtmlEscape(chart.categories[i]) +
           "</text>";
  }
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" +
         Num(scale.Y(0)) + "\" y2=\"" + Num(scale.Y(0)) + "\" stroke=\"#333\"/>";
  double x = kLeft;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    svg += "<rect x=\"" + Num(x) + "\" y=\"10\" width=\"10\" height=\"10\" fill=\"" +
           kPalette[s % kPaletteSize] + "\"/>";
    svg += "<text x=\"" + Num(x + 14) + "\" y=\"19\" font-size=\"11\">" +
           HtmlEscape(chart.series[s].label) + "</text>";
    // A rough advance: legends are short French labels.
    x += 24 + 6.5 * static_cast<double>(CodePoints(chart.series[s].label));
  }
  return svg;
}

}  // namespace

std::string RenderBarChart(const Chart& chart) {
  const Scale scale = ScaleFor(chart);
  std::string svg = Open(chart) + AxesAndLegend(chart, scale);
  const std::size_t n = chart.categories.size();
  const std::size_t k = std::max<std::size_t>(1, chart.series.size());
  const double band = n == 0 ? kPlotWidth : kPlotWidth / static_cast<double>(n);
  const double bar = band * 0.8 / static_cast<double>(k);
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const ChartSeries& series = chart.series[s];
    for (std::size_t i = 0; i < n && i < series.values.size(); ++i) {
      if (!series.values[i] || !std::isfinite(*series.values[i])) continue;
      const double v = std::clamp(*series.values[i], 0.0, scale.max);
      const double x = kLeft + band * static_cast<double>(i) + band * 0.1 +
                       bar * static_cast<double>(s);
      const double y = scale.Y(v);
      svg += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(bar) +
             "\" height=\"" + Num(scale.Y(0) - y) + "\" fill=\"" + kPalette[s % kPaletteSize] +
             "\"><title>" + HtmlEscape(series.label + " — " + chart.categories[i] + " : " +
                                       TickLabel(chart, *series.values[i])) +
             "</title></rect>";
    }
  }
  return svg + "</svg>";
}

std::string RenderLineChart(const Chart& chart) {
  const Scale scale = ScaleFor(chart);
  std::string svg = Open(chart) + AxesAndLegend(chart, scale);
  const std::size_t n = chart.categories.size();
  const double band = n == 0 ? kPlotWidth : kPlotWidth / static_cast<double>(n);
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const ChartSeries& series = chart.series[s];
    const char* colour = kPalette[s % kPaletteSize];
    std::string points;
    std::string dots;
    auto flush = [&] {
      if (!points.empty()) {
        svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(colour) +
               "\" points=\"" + points + "\"/>";
      }
      points.clear();
    };
    for (std::size_t i = 0; i < n && i < series.values.size(); ++i) {
      if (!series.values[i] || !std::isfinite(*series.values[i])) {
        flush();
        continue;
      }
      const double v = std::clamp(*series.values[i], 0.0, scale.max);
      const std::string x = Num(kLeft + band * (static_cast<double>(i) + 0.5));
      const std::string y = Num(scale.Y(v));
      if (!points.empty()) points += ' ';
      points += x + "," + y;
      dots += "<circle cx=\"" + x + "\" cy=\"" + y + "\" r=\"3\" fill=\"" + colour + "\"><title>" +
              HtmlEscape(series.label + " — " + chart.categories[i] + " : " +
                         TickLabel(chart, *series.values[i])) +
              "</title></circle>";
    }
    flush();
    svg += dots;
  }
  return svg + "</svg>";
}

}  // namespace vigie::projections
