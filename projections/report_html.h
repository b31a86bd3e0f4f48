#pragma once
// The yearly evaluation as a self-contained French HTML report for the
// comité d'évaluation (SPEC §6 `format=html`): one file, inline CSS and
// inline SVG charts, no script and no external asset, so it can be mailed,
// archived and printed as is.
//
// It is rendered from the evaluation answer (projections/evaluation.h), not
// from the state, so the HTML and the JSON of one request can never
// disagree, and the report inherits the evaluation's guarantee that no
// pseudonym, birth year or note text is in it. Every string from the answer
// is HTML-escaped. Sections: territoire, bilan statistique (yearly totals,
// monthly charts and table, recorded indicators), bilan qualitatif,
// évaluation des engagements (per priority and per partner), intégrité (the
// signed checkpoint and the commands that verify it).
//
// Pure and thread-safe; a missing or mistyped field renders as "–" rather
// than failing, since the answer is ours.
#include <string>

#include <boost/json/value.hpp>

namespace vigie::projections {

std::string RenderEvaluationHtml(const boost::json::value& evaluation);

}  // namespace vigie::projections
