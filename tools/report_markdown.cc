#include "tools/report_markdown.h"

#include <map>
#include <optional>
#include <vector>

#include <boost/json.hpp>

#include "projections/french_format.h"
#include "projections/period.h"
#include "projections/rfc3339.h"

namespace vigie::tools {
namespace {

namespace json = boost::json;
using projections::FormatNumberFr;
using projections::FormatPercentFr;

struct DerivedLabel {
  std::string_view key;
  std::string_view label;
};

// SPEC §9's derived indicators, in the HTML report's order and wording.
constexpr DerivedLabel kDerived[] = {
    {"information_shared", "Informations partagées"},
    {"information_analysed", "Informations analysées"},
    {"controls_planned", "Contrôles programmés"},
    {"controls_executed", "Contrôles réalisés"},
    {"controls_cancelled", "Contrôles annulés"},
    {"persons_controlled", "Personnes contrôlées"},
    {"offences_found", "Infractions relevées"},
    {"seizures", "Saisies"},
    {"administrative_closures", "Fermetures administratives"},
    {"fines", "Amendes"},
    {"situations_opened", "Situations individuelles ouvertes"},
    {"situations_closed", "Situations individuelles clôturées"},
    {"situations_active", "Situations suivies en fin de période"},
    {"decisions_recorded", "Décisions prises"},
    {"decisions_completed", "Décisions exécutées"},
    {"decisions_overdue", "Décisions en retard"},
    {"meetings_held", "Réunions tenues"},
    {"emergency_meetings_held", "dont réunions d'urgence"},
    {"attendance_rate", "Taux de présence des partenaires"},
    {"median_days_to_first_decision", "Délai médian avant la première décision (jours)"},
    {"commitments_met_share", "Part des engagements tenus"},
};

const json::object& EmptyObject() {
  static const json::object empty;
  return empty;
}
const json::array& EmptyArray() {
  static const json::array empty;
  return empty;
}
const json::object& ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : EmptyObject();
}
const json::array& ArrayAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : EmptyArray();
}
std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::optional<double> NumberAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return std::nullopt;
}

std::string M(std::string_view text) { return text.empty() ? "–" : MarkdownEscape(text); }

std::string Value(std::string_view key, const std::optional<double>& v) {
  if (!v) return "–";
  if (key == "attendance_rate" || key == "commitments_met_share") return FormatPercentFr(*v);
  return FormatNumberFr(*v, 1);
}

std::string MonthFr(std::string_view period_start) {
  auto t = projections::ParseRfc3339(period_start);
  if (!t) return "–";
  return std::string(projections::MonthAbbrevFr(projections::ParisDate(*t).month));
}

std::string_view TerritoryKindFr(std::string_view kind) {
  if (kind == "zsp") return "Zone de sécurité prioritaire";
  if (kind == "qrr") return "Quartier de reconquête républicaine";
  if (kind == "cls") return "Contrat local de sécurité";
  if (kind == "clspd") return "Conseil local de sécurité et de prévention de la délinquance";
  if (kind == "cispd") return "Conseil intercommunal de sécurité et de prévention de la délinquance";
  return kind;
}

std::string_view StatusFr(std::string_view status) {
  if (status == "met") return "tenu";
  if (status == "partially_met") return "partiellement tenu";
  if (status == "not_met") return "non tenu";
  if (status == "dropped") return "abandonné";
  return "non évalué";
}

std::string JoinEscaped(const json::array& items) {
  std::string out;
  for (const json::value& v : items) {
    if (!v.is_string()) continue;
    out += (out.empty() ? "" : ", ") + MarkdownEscape(v.get_string());
  }
  return out.empty() ? "–" : out;
}

std::string Territory(const json::object& root) {
  const json::object& t = ObjectAt(root, "territory");
  std::string md = "## Territoire\n\n";
  md += "- Dispositif : " + MarkdownEscape(TerritoryKindFr(StringAt(t, "kind"))) + "\n";
  md += "- Communes : " + JoinEscaped(ArrayAt(t, "communes")) + "\n";
  md += "- Quartiers : " + JoinEscaped(ArrayAt(t, "neighbourhoods")) + "\n";
  const auto population = NumberAt(t, "population");
  const auto year = NumberAt(t, "population_year");
  md += "- Population : " + (population ? FormatNumberFr(*population, 0) + " habitants" : std::string("–"));
  if (year) md += " (recensement " + std::to_string(static_cast<int>(*year)) + ")";
  return md + "\n\n";
}

std::string Statistics(const json::object& root) {
  const json::object& statistics = ObjectAt(root, "statistics");
  std::string md = "## Bilan statistique\n\n### Chiffres clés de l'année\n\n| Indicateur | Valeur |\n|---|---:|\n";
  const json::array& year_periods = ArrayAt(ObjectAt(statistics, "year"), "periods");
  const json::object& year =
      year_periods.empty() || !year_periods[0].is_object() ? EmptyObject() : year_periods[0].get_object();
  const json::object& totals = ObjectAt(year, "derived");
  for (const DerivedLabel& d : kDerived) {
    md += "| " + MarkdownEscape(d.label) + " | " + Value(d.key, NumberAt(totals, d.key)) + " |\n";
  }

  md += "\n### Activité mensuelle\n\n| Indicateur |";
  std::vector<const json::object*> months;
  std::string rule = "|---|";
  for (const json::value& p : ArrayAt(ObjectAt(statistics, "month"), "periods")) {
    if (!p.is_object()) continue;
    md += " " + MonthFr(StringAt(p.get_object(), "start")) + " |";
    rule += "---:|";
    months.push_back(&ObjectAt(p.get_object(), "derived"));
  }
  md += "\n" + rule + "\n";
  for (const DerivedLabel& d : kDerived) {
    md += "| " + MarkdownEscape(d.label) + " |";
    for (const json::object* m : months) md += " " + Value(d.key, NumberAt(*m, d.key)) + " |";
    md += "\n";
  }

  md += "\n### Indicateurs saisis par les partenaires\n\n";
  const json::object& recorded = ObjectAt(year, "recorded");
  if (recorded.empty()) return md + "Aucune valeur saisie pour l'année.\n\n";
  std::map<std::string, const json::object*> definitions;
  for (const json::value& v : ArrayAt(root, "indicators")) {
    if (v.is_object()) definitions[StringAt(v.get_object(), "indicator_id")] = &v.get_object();
  }
  md += "| Indicateur | Unité | Valeur de l'année | Pour 1 000 habitants | Cible |\n|---|---|---:|---:|---:|\n";
  for (const auto& [id, value] : recorded) {
    const json::object& entry = value.is_object() ? value.get_object() : EmptyObject();
    const auto it = definitions.find(std::string(id));
    const json::object& def = it == definitions.end() ? EmptyObject() : *it->second;
    const std::string name = StringAt(def, "name");
    const auto v = NumberAt(entry, "value");
    const auto per_thousand = NumberAt(entry, "per_thousand");
    const auto target = NumberAt(def, "target");
    md += "| " + M(name.empty() ? std::string(id) : name) + " | " + M(StringAt(def, "unit")) + " | " +
          (v ? FormatNumberFr(*v, 2) : "–") + " | " + (per_thousand ? FormatNumberFr(*per_thousand, 2) : "–") +
          " | " + (target ? FormatNumberFr(*target, 2) : "–") + " |\n";
  }
  return md + "\n";
}

std::string Qualitative(const json::object& root) {
  std::string md =
      "## Bilan qualitatif\n\n*Matériau qualitatif : comptes rendus, analyses du référent et décisions de "
      "l'année, en texte libre tel que saisi par les partenaires. Il éclaire les chiffres sans s'y substituer.*\n\n";
  const json::object& withheld = ObjectAt(root, "qualitative_withheld");
  const double minutes = NumberAt(withheld, "minutes").value_or(0);
  const double analyses = NumberAt(withheld, "analyses").value_or(0);
  const double decisions = NumberAt(withheld, "decisions").value_or(0);
  if (minutes + analyses + decisions > 0) {
    md += "Non reproduits ici, car ils restent dans leur cellule ou concernent une personne : " +
          FormatNumberFr(minutes, 0) + " compte(s) rendu(s), " + FormatNumberFr(analyses, 0) + " analyse(s), " +
          FormatNumberFr(decisions, 0) + " décision(s).\n\n";
  }
  const json::array& items = ArrayAt(root, "qualitative");
  if (items.empty()) return md + "Aucun élément qualitatif pour l'année.\n\n";
  struct Group {
    std::string_view kind;
    std::string_view title;
  };
  for (const Group g : {Group{"minutes", "Comptes rendus de réunion"}, Group{"analysis", "Analyses du référent"},
                        Group{"decision", "Décisions"}}) {
    std::string rows;
    for (const json::value& v : items) {
      if (!v.is_object()) continue;
      const json::object& o = v.get_object();
      if (StringAt(o, "kind") != g.kind) continue;
      std::string detail = MarkdownEscape(StringAt(o, "text"));
      if (detail.empty() && o.contains("measure")) {
        detail = "Mesure décidée pour une situation individuelle : " +
                 MarkdownEscape(StringAt(ObjectAt(o, "measure"), "label"));
      }
      if (const std::string action = StringAt(o, "recommended_action"); !action.empty()) {
        detail += " — action recommandée : " + MarkdownEscape(action);
      }
      const std::string cell = StringAt(o, "cell_name").empty() ? StringAt(o, "cell_id") : StringAt(o, "cell_name");
      rows += "| " + projections::FormatDateFr(StringAt(o, "occurred_at")) + " | " + M(cell) + " | " + (detail.empty() ? "–" : detail) +
              " |\n";
    }
    if (rows.empty()) continue;
    md += "### " + std::string(g.title) + "\n\n| Date | Cellule | Texte |\n|---|---|---|\n" + rows + "\n";
  }
  return md;
}

std::string Commitments(const json::object& root) {
  std::string md = "## Évaluation des engagements\n\n";
  const json::array& commitments = ArrayAt(root, "commitments");
  if (commitments.empty()) return md + "Aucun engagement inscrit au plan d'action.\n\n";
  std::map<std::string, std::string> titles;
  std::map<std::string, double> numbers;
  for (const json::value& v : ArrayAt(root, "priorities")) {
    if (!v.is_object()) continue;
    const json::object& p = v.get_object();
    const auto number = NumberAt(p, "number");
    titles[StringAt(p, "priority_id")] =
        "Priorité n°" + (number ? FormatNumberFr(*number, 0) : std::string("?")) + " : " + MarkdownEscape(StringAt(p, "title"));
    numbers[StringAt(p, "priority_id")] = number.value_or(0);
  }
  std::map<std::pair<double, std::string>, std::vector<const json::object*>> by_priority;
  std::map<std::string, std::string> partner_names;
  for (const json::value& v : commitments) {
    if (!v.is_object()) continue;
    const json::object& c = v.get_object();
    const std::string priority = StringAt(c, "priority");
    by_priority[{numbers.contains(priority) ? numbers[priority] : 1e9, priority}].push_back(&c);
    partner_names[StringAt(c, "partner_id")] = StringAt(c, "partner_name");
  }
  for (const auto& [key, rows] : by_priority) {
    const auto title = titles.find(key.second);
    md += "### " + (title == titles.end() ? "Priorité " + MarkdownEscape(key.second) : title->second) +
          "\n\n| Partenaire | Engagement | Cible | Évaluation | Commentaire |\n|---|---|---:|---|---|\n";
    for (const json::object* c : rows) {
      const auto target = NumberAt(*c, "target");
      md += "| " + M(StringAt(*c, "partner_name")) + " | " + M(StringAt(*c, "text")) + " | " +
            (target ? FormatNumberFr(*target, 2) : "–") + " | " + std::string(StatusFr(StringAt(*c, "status"))) +
            " | " + M(StringAt(*c, "comment")) + " |\n";
    }
    md += "\n";
  }
  md += "### Par partenaire\n\n| Partenaire | Tenus | Partiellement tenus | Non tenus | Abandonnés |\n"
        "|---|---:|---:|---:|---:|\n";
  for (const auto& [partner, counts] : ObjectAt(root, "by_partner")) {
    const json::object& o = counts.is_object() ? counts.get_object() : EmptyObject();
    const auto name = partner_names.find(std::string(partner));
    md += "| " + M(name == partner_names.end() || name->second.empty() ? std::string(partner) : name->second) + " |";
    for (std::string_view key : {"met", "partially_met", "not_met", "dropped"}) {
      md += " " + FormatNumberFr(NumberAt(o, key).value_or(0), 0) + " |";
    }
    md += "\n";
  }
  return md + "\n";
}

std::string Integrity(const json::object& root) {
  const auto position = NumberAt(root, "as_of_position");
  const std::string size = position ? std::to_string(static_cast<std::uint64_t>(*position)) : "N";
  std::string md = "## Intégrité\n\nLes chiffres de ce rapport sont calculés à partir des " + size +
                   " premiers événements du journal. Le point de contrôle signé ci-dessous (format C2SP "
                   "tlog-checkpoint, signature Ed25519) engage le serveur sur l'empreinte de ce journal : toute "
                   "modification ou suppression ultérieure d'un événement serait détectée.\n\n";
  const std::string checkpoint = StringAt(root, "checkpoint");
  md += "```\n" + (checkpoint.empty() ? std::string("(non disponible)\n") : checkpoint) + "```\n\n";
  md += "Vérifier le journal entier, puis prouver que le journal actuel prolonge celui de ce rapport "
        "(preuve de cohérence RFC 9162) :\n\n```\nvigie verify --data DIR\nvigie proof --data DIR --first " +
        size + "\n```\n";
  return md;
}

}  // namespace

std::string MarkdownEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '|': case '#': case '!': case '~':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n':
      case '\r':
      case '\t':
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderEvaluationMarkdown(const json::value& evaluation) {
  const json::object& root = evaluation.is_object() ? evaluation.get_object() : EmptyObject();
  const auto year = NumberAt(root, "year");
  const auto position = NumberAt(root, "as_of_position");
  std::string md = "# Rapport d'évaluation " + (year ? std::to_string(static_cast<int>(*year)) : std::string("–")) +
                   " — " + M(StringAt(ObjectAt(root, "territory"), "name")) + "\n\n";
  md += "*Année civile (heure de Paris), telle que connue au journal de taille " +
        (position ? std::to_string(static_cast<std::uint64_t>(*position)) : std::string("–")) +
        ". Ce rapport ne contient que des agrégats : aucune donnée personnelle.*\n\n";
  md += Territory(root);
  md += Statistics(root);
  md += Qualitative(root);
  md += Commitments(root);
  md += Integrity(root);
  return md;
}

}  // namespace vigie::tools
