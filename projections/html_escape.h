#pragma once
// HTML escaping for the evaluation report: everything that reaches the page
// from the log (names, minutes, comments) goes through HtmlEscape, in text
// and in attribute values alike. Pure and thread-safe.
#include <string>
#include <string_view>

namespace vigie::projections {

// Escapes & < > " ' so the result is safe in element text and in quoted
// attribute values. Invalid UTF-8 is kept byte for byte (the report is
// served as UTF-8 and a browser shows U+FFFD for it), never interpreted.
std::string HtmlEscape(std::string_view text);

}  // namespace vigie::projections
