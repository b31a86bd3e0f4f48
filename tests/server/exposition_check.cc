#include "tests/server/exposition_check.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace vigie::server::testing {
namespace {

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; };
  if (!first(name[0])) return false;
  for (char c : name) {
    if (!first(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!first(name[0])) return false;
  for (char c : name) {
    if (!first(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::optional<double> ParseValue(std::string_view text) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text.empty()) return std::nullopt;
  std::string_view digits = text.front() == '+' ? text.substr(1) : text;
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses one sample line; "" or the problem.
std::string ParseSample(std::string_view line, Sample* sample) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample->name = std::string(line.substr(0, i));
  if (!IsMetricName(sample->name)) return "bad metric name '" + sample->name + "'";
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      std::size_t eq = line.find('=', i);
      if (eq == std::string_view::npos) return "label without '='";
      std::string name(line.substr(i, eq - i));
      if (!IsLabelName(name)) return "bad label name '" + name + "'";
      i = eq + 1;
      if (i >= line.size() || line[i] != '"') return "label value not quoted";
      ++i;
      std::string value;
      while (true) {
        if (i >= line.size()) return "unterminated label value";
        char c = line[i++];
        if (c == '"') break;
        if (c == '\n') return "raw newline in label value";
        if (c == '\\') {
          if (i >= line.size()) return "dangling escape";
          char e = line[i++];
          if (e == 'n') value += '\n';
          else if (e == '\\' || e == '"') value += e;
          else return "bad escape in label value";
        } else {
          value += c;
        }
      }
      if (!sample->labels.emplace(name, value).second) return "label '" + name + "' repeated";
      if (i < line.size() && line[i] == ',') ++i;
      else if (i >= line.size() || line[i] != '}') return "expected ',' or '}' after a label";
    }
  }
  if (i >= line.size() || line[i] != ' ') return "expected a space before the value";
  ++i;
  std::string_view rest = line.substr(i);
  std::size_t space = rest.find(' ');
  auto value = ParseValue(rest.substr(0, space));
  if (!value) return "bad value '" + std::string(rest.substr(0, space)) + "'";
  sample->value = *value;
  if (space != std::string_view::npos) {
    std::string_view timestamp = rest.substr(space + 1);
    std::int64_t ms = 0;
    auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ms);
    if (ec != std::errc() || end != timestamp.data() + timestamp.size()) return "bad timestamp";
  }
  return "";
}

struct Family {
  std::string type;
  bool help = false;
  bool has_samples = false;
};

std::string SeriesKey(const std::string& name, std::map<std::string, std::string> labels,
                      bool drop_le) {
  if (drop_le) labels.erase("le");
  std::string key = name + "{";
  for (const auto& [k, v] : labels) key += k + "=" + v + ",";
  return key + "}";
}

struct HistogramSeries {
  std::vector<std::pair<double, double>> buckets;  // le, count, in order
  std::optional<double> count;
  bool sum = false;
};

}  // namespace

std::string CheckExposition(std::string_view text) {
  if (text.empty()) return "empty exposition";
  if (text.back() != '\n') return "the text does not end with a newline";

  std::map<std::string, Family> families;
  std::set<std::string> finished;  // families whose samples are over
  std::string current;             // family of the previous sample
  std::set<std::string> series;
  std::map<std::string, HistogramSeries> histograms;

  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    auto fail = [&](const std::string& why) { return "line " + std::to_string(line_number) + ": " + why; };
    if (line.empty()) return fail("empty line");

    if (line.starts_with("#")) {
      bool help = line.starts_with("# HELP ");
      bool type = line.starts_with("# TYPE ");
      if (!help && !type) return fail("comment other than HELP or TYPE");
      std::string_view rest = line.substr(7);
      std::size_t space = rest.find(' ');
      if (space == std::string_view::npos) return fail("HELP or TYPE without text");
      std::string name(rest.substr(0, space));
      std::string_view value = rest.substr(space + 1);
      if (!IsMetricName(name)) return fail("bad family name '" + name + "'");
      if (finished.count(name) || name == current) return fail("HELP/TYPE after samples of " + name);
      Family& family = families[name];
      if (help) {
        if (family.help) return fail("second HELP for " + name);
        family.help = true;
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '\\' && (i + 1 >= value.size() || (value[i + 1] != '\\' && value[i + 1] != 'n'))) {
            return fail("bad escape in HELP");
          }
          if (value[i] == '\\') ++i;
        }
      } else {
        if (!family.type.empty()) return fail("second TYPE for " + name);
        if (value != "counter" && value != "gauge" && value != "histogram" && value != "summary" &&
            value != "untyped") {
          return fail("unknown type '" + std::string(value) + "'");
        }
        if (value == "counter" && !name.ends_with("_total")) return fail("counter " + name + " lacks _total");
        family.type = std::string(value);
      }
      continue;
    }

    Sample sample;
    if (std::string why = ParseSample(line, &sample); !why.empty()) return fail(why);

    // Which family does the sample belong to?
    std::string family_name = sample.name;
    std::string suffix;
    for (std::string_view s : {"_bucket", "_sum", "_count"}) {
      if (sample.name.ends_with(s)) {
        std::string base = sample.name.substr(0, sample.name.size() - s.size());
        if (families.count(base) && families[base].type == "histogram") {
          family_name = base;
          suffix = std::string(s);
        }
      }
    }
    auto it = families.find(family_name);
    if (it == families.end() || it->second.type.empty()) return fail("sample before TYPE: " + sample.name);
    if (!it->second.help) return fail("family without HELP: " + family_name);
    const std::string& type = it->second.type;
    if (type == "histogram" && suffix.empty()) return fail("histogram sample without suffix");
    if (finished.count(family_name)) return fail("samples of " + family_name + " are not contiguous");
    if (!current.empty() && current != family_name) finished.insert(current);
    current = family_name;
    it->second.has_samples = true;

    if (!series.insert(SeriesKey(sample.name, sample.labels, false)).second) {
      return fail("duplicate series " + sample.name);
    }
    if ((type == "counter" || suffix == "_count" || suffix == "_bucket") &&
        !(sample.value >= 0)) {
      return fail("negative or NaN count in " + sample.name);
    }
    if (type == "histogram") {
      HistogramSeries& h = histograms[SeriesKey(family_name, sample.labels, true)];
      if (suffix == "_bucket") {
        auto le = sample.labels.find("le");
        if (le == sample.labels.end()) return fail("bucket without le");
        auto bound = ParseValue(le->second);
        if (!bound) return fail("bad le '" + le->second + "'");
        if (!h.buckets.empty()) {
          if (!(*bound > h.buckets.back().first)) return fail("le not increasing");
          if (sample.value < h.buckets.back().second) return fail("bucket counts not cumulative");
        }
        if (h.count) return fail("bucket after _count");
        h.buckets.emplace_back(*bound, sample.value);
      } else if (sample.labels.count("le")) {
        return fail("le label outside a bucket");
      } else if (suffix == "_count") {
        h.count = sample.value;
      } else {
        h.sum = true;
      }
    }
  }

  for (const auto& [key, h] : histograms) {
    if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) return key + ": no +Inf bucket";
    if (!h.count || !h.sum) return key + ": missing _sum or _count";
    if (*h.count != h.buckets.back().second) return key + ": +Inf bucket differs from _count";
  }
  return "";
}

}  // namespace vigie::server::testing
