#pragma once
// The yearly evaluation as French Markdown (`vigie report --format md`),
// rendered from the evaluation answer (projections/evaluation.h) like the
// HTML report (projections/report_html.h) and with the same sections:
// territoire, bilan statistique (yearly totals, monthly table, recorded
// indicators), bilan qualitatif, évaluation des engagements (per priority
// and per partner), intégrité. Rendering from the answer means the
// Markdown, the HTML and the JSON of one as-of can never disagree, and the
// report never holds what the answer does not: no pseudonym, birth year or
// note text.
//
// Every string from the answer is escaped for Markdown (no markup, links
// or HTML can be smuggled in through a minute or a comment). A missing or
// mistyped field renders as "–". Pure and thread-safe.
#include <string>

#include <boost/json/value.hpp>

namespace vigie::tools {

std::string RenderEvaluationMarkdown(const boost::json::value& evaluation);

// Text made inert for Markdown: markup characters backslash-escaped,
// line breaks folded to spaces (so a table cell stays one cell).
std::string MarkdownEscape(std::string_view text);

}  // namespace vigie::tools
