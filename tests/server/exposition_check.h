#pragma once
// A strict checker of the Prometheus text exposition format 0.0.4, so the
// tests need no promtool: it returns "" when `text` is well-formed, else
// the first problem, with its line number.
//
// Checked: line grammar (metric and label names, quoted label values with
// only \\ \" \n escapes, float values, optional timestamp), one HELP and one
// TYPE per family before its samples, samples of a family contiguous,
// sample names matching their family's type (counter names end in _total,
// histograms use _bucket/_sum/_count, buckets carry `le`), no duplicate
// series or label names, and for each histogram series: `le` increasing,
// ending with +Inf, cumulative counts non-decreasing, +Inf == _count.
#include <string>
#include <string_view>

namespace vigie::server::testing {

std::string CheckExposition(std::string_view text);

}  // namespace vigie::server::testing
