#include "projections/report_html.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "projections/french_format.h"
#include "projections/html_escape.h"
#include "projections/rfc3339.h"
#include "projections/svg_chart.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;

struct DerivedLabel {
  std::string_view key;
  std::string_view label;
};

// The order and French wording of SPEC §9's derived indicators.
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

bool IsShare(std::string_view key) {
  return key == "attendance_rate" || key == "commitments_met_share";
}

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

std::string Cell(std::string_view key, const std::optional<double>& v) {
  if (!v) return "–";
  if (IsShare(key)) return FormatPercentFr(*v);
  return FormatNumberFr(*v, 1);
}

std::string E(std::string_view text) { return HtmlEscape(text); }

std::string Or(std::string text) { return text.empty() ? "–" : text; }

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

// "2013-03-01T00:00:00+01:00" -> "mars"; the period bounds are Paris
// midnights (projections/period.h).
std::string MonthLabel(std::string_view start) {
  if (start.size() < 7) return std::string(start);
  const int month = (start[5] - '0') * 10 + (start[6] - '0');
  const std::string_view name = MonthAbbrevFr(month);
  return name.empty() ? std::string(start) : std::string(name);
}

constexpr std::string_view kStyle = R"(
body{font-family:"Marianne",Arial,Helvetica,sans-serif;color:#1e1e1e;max-width:64rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;border-bottom:3px solid #000091;padding-bottom:.4rem}
h2{font-size:1.3rem;color:#000091;margin-top:2.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.scroll{overflow-x:auto}
figure{margin:1rem 0 1.2rem}figcaption{font-weight:bold;font-size:.95rem}
.chart{width:100%;max-width:720px;height:auto;display:block;margin:.3rem 0 0}
.note{color:#555;font-size:.88rem}
.qual{border-left:4px solid #E69F00;padding-left:.8rem}
pre{background:#f4f4f4;padding:.7rem;overflow-x:auto;font-size:.85rem}
@media print{h2{page-break-before:always}.chart{max-width:100%}}
)";

struct Ctx {
  const json::object& root;
  std::map<std::string, std::string> priority_titles;  // id -> "Priorité n°1 : titre"
  std::map<std::string, double> priority_numbers;      // id -> 1
};

std::string Header(const Ctx& c) {
  const json::object& territory = ObjectAt(c.root, "territory");
  const std::string year = c.root.contains("year") ? json::serialize(c.root.at("year")) : "–";
  std::string h = "<header><h1>Rapport d'évaluation " + E(year) + " — " +
                  E(Or(StringAt(territory, "name"))) + "</h1>";
  std::string known_on;
  if (Result<std::int64_t> t = ParseRfc3339(StringAt(c.root, "as_of")); t) {
    known_on = " le " + FormatDateFr(*t) + ",";
  }
  h += "<p>Bilan de l'année " + E(year) + " tel qu'il était connu" + E(known_on) +
       " au journal de taille <strong>" +
       E(json::serialize(c.root.contains("as_of_position") ? c.root.at("as_of_position")
                                                           : json::value(nullptr))) +
       "</strong> (voir « Intégrité »). Ce rapport ne contient que des données agrégées : "
       "aucun pseudonyme, aucune année de naissance, aucune note de situation individuelle.</p>";
  h += "</header><section><h2>Territoire</h2><table>";
  h += "<tr><th>Dispositif</th><td>" + E(Or(std::string(TerritoryKindFr(StringAt(territory, "kind"))))) +
       "</td></tr>";
  auto list = [&](std::string_view key) {
    std::string out;
    for (const json::value& v : ArrayAt(territory, key)) {
      if (!v.is_string()) continue;
      if (!out.empty()) out += ", ";
      out += std::string(v.get_string());
    }
    return Or(out);
  };
  h += "<tr><th>Communes</th><td>" + E(list("communes")) + "</td></tr>";
  h += "<tr><th>Quartiers</th><td>" + E(list("neighbourhoods")) + "</td></tr>";
  const auto population = NumberAt(territory, "population");
  const auto population_year = NumberAt(territory, "population_year");
  h += "<tr><th>Population</th><td>" +
       (population ? E(FormatNumberFr(*population, 0)) + " habitants" : std::string("–")) +
       (population_year ? " (recensement " + std::to_string(static_cast<int>(*population_year)) + ")"
                        : "") +
       "</td></tr></table></section>";
  return h;
}

std::string YearTotals(const json::object& statistics) {
  const json::array& periods = ArrayAt(ObjectAt(statistics, "year"), "periods");
  std::string h = "<h3>Chiffres clés de l'année</h3><table><caption>Indicateurs calculés à "
                  "partir du journal</caption><tr><th>Indicateur</th><th class=\"n\">Valeur</th></tr>";
  const json::object& derived =
      periods.empty() || !periods[0].is_object() ? EmptyObject()
                                                 : ObjectAt(periods[0].get_object(), "derived");
  for (const DerivedLabel& d : kDerived) {
    h += "<tr><td>" + E(d.label) + "</td><td class=\"n\" data-key=\"" + E(d.key) + "\">" +
         E(Cell(d.key, NumberAt(derived, d.key))) + "</td></tr>";
  }
  return h + "</table>";
}

std::string MonthlyCharts(const json::object& statistics) {
  const json::array& periods = ArrayAt(ObjectAt(statistics, "month"), "periods");
  std::vector<std::string> months;
  std::vector<const json::object*> derived;
  for (const json::value& p : periods) {
    if (!p.is_object()) continue;
    months.push_back(MonthLabel(StringAt(p.get_object(), "start")));
    derived.push_back(&ObjectAt(p.get_object(), "derived"));
  }
  auto series = [&](std::string_view key, std::string label) {
    ChartSeries s{std::move(label), {}};
    for (const json::object* d : derived) s.values.push_back(NumberAt(*d, key));
    return s;
  };
  // Each chart under a visible caption (its SVG <title> is only a tooltip).
  std::string h = "<h3>Activité mensuelle</h3>";
  auto figure = [&h](const Chart& chart, bool line = false) {
    h += "<figure><figcaption>" + E(chart.title) + "</figcaption>";
    h += line ? RenderLineChart(chart) : RenderBarChart(chart);
    h += "</figure>";
  };
  figure({"Informations partagées et analysées par mois", months,
          {series("information_shared", "partagées"), series("information_analysed", "analysées")}});
  figure({"Contrôles coordonnés par mois", months,
          {series("controls_planned", "programmés"), series("controls_executed", "réalisés"),
           series("controls_cancelled", "annulés")}});
  figure({"Résultats des contrôles par mois", months,
          {series("persons_controlled", "personnes contrôlées"), series("offences_found", "infractions"),
           series("seizures", "saisies"), series("administrative_closures", "fermetures"),
           series("fines", "amendes")}});
  figure({"Situations individuelles par mois", months,
          {series("situations_opened", "ouvertes"), series("situations_closed", "clôturées"),
           series("situations_active", "suivies en fin de mois")}});
  figure({"Réunions tenues par mois", months,
          {series("meetings_held", "réunions"), series("emergency_meetings_held", "dont urgence")}});
  figure({"Taux de présence des partenaires par mois", months, {series("attendance_rate", "taux de présence")}, true},
         /*line=*/true);
  h += "<p class=\"note\">Un mois sans réunion n'a pas de taux de présence : la courbe "
       "s'interrompt.</p>";

  h += "<div class=\"scroll\"><table><caption>Tableau mensuel</caption><tr><th>Indicateur</th>";
  for (const std::string& m : months) h += "<th class=\"n\">" + E(m) + "</th>";
  h += "</tr>";
  for (const DerivedLabel& d : kDerived) {
    h += "<tr><td>" + E(d.label) + "</td>";
    for (const json::object* o : derived) {
      h += "<td class=\"n\">" + E(Cell(d.key, NumberAt(*o, d.key))) + "</td>";
    }
    h += "</tr>";
  }
  return h + "</table></div>";
}

std::string RecordedIndicators(const json::object& root) {
  const json::object& statistics = ObjectAt(root, "statistics");
  const json::array& periods = ArrayAt(ObjectAt(statistics, "year"), "periods");
  const json::object& recorded =
      periods.empty() || !periods[0].is_object() ? EmptyObject()
                                                 : ObjectAt(periods[0].get_object(), "recorded");
  std::map<std::string, const json::object*> definitions;
  for (const json::value& v : ArrayAt(root, "indicators")) {
    if (v.is_object()) definitions[StringAt(v.get_object(), "indicator_id")] = &v.get_object();
  }
  std::string h = "<h3>Indicateurs saisis par les partenaires</h3>";
  if (recorded.empty()) return h + "<p>Aucune valeur saisie pour l'année.</p>";
  h += "<table><tr><th>Indicateur</th><th>Unité</th><th class=\"n\">Valeur de l'année</th>"
       "<th class=\"n\">Pour 1 000 habitants</th><th class=\"n\">Cible</th></tr>";
  for (const auto& [id, value] : recorded) {
    const json::object& entry = value.is_object() ? value.get_object() : EmptyObject();
    const auto it = definitions.find(std::string(id));
    const json::object& def = it == definitions.end() ? EmptyObject() : *it->second;
    const std::string name = StringAt(def, "name");
    const auto v = NumberAt(entry, "value");
    const auto per_thousand = NumberAt(entry, "per_thousand");
    const auto target = NumberAt(def, "target");
    h += "<tr><td>" + E(name.empty() ? std::string(id) : name) + "</td><td>" +
         E(Or(StringAt(def, "unit"))) + "</td><td class=\"n\">" +
         E(v ? FormatNumberFr(*v, 2) : "–") + "</td><td class=\"n\">" +
         E(per_thousand ? FormatNumberFr(*per_thousand, 2) : "–") + "</td><td class=\"n\">" +
         E(target ? FormatNumberFr(*target, 2) : "–") + "</td></tr>";
  }
  return h + "</table>";
}

std::string Qualitative(const json::object& root) {
  const json::array& items = ArrayAt(root, "qualitative");
  std::string h = "<section><h2>Bilan qualitatif</h2><p class=\"note\">Matériau qualitatif : "
                  "comptes rendus, analyses du référent et décisions de l'année, en texte "
                  "libre tel que saisi par les partenaires. Il éclaire les chiffres sans s'y "
                  "substituer.</p>";
  const json::object& withheld = ObjectAt(root, "qualitative_withheld");
  const double held_back = NumberAt(withheld, "minutes").value_or(0) +
                           NumberAt(withheld, "analyses").value_or(0) +
                           NumberAt(withheld, "decisions").value_or(0);
  if (held_back > 0) {
    h += "<p class=\"note\">Non reproduits ici, car ils restent dans leur cellule ou concernent "
         "une personne : " +
         E(FormatNumberFr(NumberAt(withheld, "minutes").value_or(0), 0)) + " compte(s) rendu(s), " +
         E(FormatNumberFr(NumberAt(withheld, "analyses").value_or(0), 0)) + " analyse(s), " +
         E(FormatNumberFr(NumberAt(withheld, "decisions").value_or(0), 0)) + " décision(s).</p>";
  }
  const json::object& omitted = ObjectAt(root, "qualitative_omitted");
  const double cut = NumberAt(omitted, "minutes").value_or(0) +
                     NumberAt(omitted, "analyses").value_or(0) +
                     NumberAt(omitted, "decisions").value_or(0);
  if (cut > 0) {
    h += "<p class=\"note\">Au-delà des premiers éléments de chaque sorte, " +
         E(FormatNumberFr(cut, 0)) + " élément(s) ne sont pas reproduits ; ils restent "
         "consultables dans les vues des cellules.</p>";
  }
  if (items.empty()) return h + "<p>Aucun élément qualitatif pour l'année.</p></section>";
  struct Group {
    std::string_view kind;
    std::string_view title;
  };
  for (const Group g : {Group{"minutes", "Comptes rendus de réunion"},
                        Group{"analysis", "Analyses du référent"},
                        Group{"decision", "Décisions"}}) {
    std::string rows;
    for (const json::value& v : items) {
      if (!v.is_object()) continue;
      const json::object& o = v.get_object();
      if (StringAt(o, "kind") != g.kind) continue;
      std::string detail = StringAt(o, "text");
      if (detail.empty() && o.contains("measure")) {
        detail = "Mesure décidée pour une situation individuelle : " +
                 StringAt(ObjectAt(o, "measure"), "label");
      }
      if (const std::string extra = StringAt(o, "recommended_action"); !extra.empty()) {
        detail += " — action recommandée : " + extra;
      }
      rows += "<tr><td>" + E(FormatDateFr(StringAt(o, "occurred_at"))) + "</td><td>" +
              E(Or(StringAt(o, "cell_name").empty() ? StringAt(o, "cell_id")
                                                    : StringAt(o, "cell_name"))) +
              "</td><td class=\"qual\">" + E(Or(detail)) + "</td></tr>";
    }
    if (rows.empty()) continue;
    h += "<h3>" + E(g.title) + "</h3><table><tr><th>Date</th><th>Cellule</th><th>Texte</th></tr>" +
         rows + "</table>";
  }
  return h + "</section>";
}

std::string Commitments(const Ctx& c) {
  const json::array& commitments = ArrayAt(c.root, "commitments");
  std::string h = "<section><h2>Évaluation des engagements</h2>";
  if (commitments.empty()) return h + "<p>Aucun engagement inscrit au plan d'action.</p></section>";
  // In the priorities' number order; one the body does not list comes last.
  std::map<std::pair<double, std::string>, std::vector<const json::object*>> by_priority;
  for (const json::value& v : commitments) {
    if (!v.is_object()) continue;
    const std::string priority = StringAt(v.get_object(), "priority");
    const auto number = c.priority_numbers.find(priority);
    by_priority[{number == c.priority_numbers.end() ? 1e9 : number->second, priority}].push_back(&v.get_object());
  }
  for (const auto& [key, rows] : by_priority) {
    const std::string& priority = key.second;
    const auto title = c.priority_titles.find(priority);
    h += "<h3>" + E(title == c.priority_titles.end() ? "Priorité " + priority : title->second) +
         "</h3><table><tr><th>Partenaire</th><th>Engagement</th><th>Cible</th><th>Évaluation</th>"
         "<th>Commentaire</th></tr>";
    for (const json::object* o : rows) {
      const json::value* target = o->if_contains("target");
      std::string target_text = "–";
      if (target && target->is_string()) target_text = std::string(target->get_string());
      if (const auto n = NumberAt(*o, "target")) target_text = FormatNumberFr(*n, 2);
      h += "<tr><td>" + E(Or(StringAt(*o, "partner_name"))) + "</td><td>" +
           E(Or(StringAt(*o, "text"))) + "</td><td>" + E(target_text) + "</td><td>" +
           E(StatusFr(StringAt(*o, "status"))) + "</td><td>" + E(Or(StringAt(*o, "comment"))) +
           "</td></tr>";
    }
    h += "</table>";
  }
  std::map<std::string, std::string> partner_names;
  for (const json::value& v : commitments) {
    if (!v.is_object()) continue;
    partner_names[StringAt(v.get_object(), "partner_id")] = StringAt(v.get_object(), "partner_name");
  }
  h += "<h3>Par partenaire</h3><table><tr><th>Partenaire</th><th class=\"n\">Tenus</th>"
       "<th class=\"n\">Partiellement tenus</th><th class=\"n\">Non tenus</th>"
       "<th class=\"n\">Abandonnés</th></tr>";
  for (const auto& [partner, counts] : ObjectAt(c.root, "by_partner")) {
    const json::object& o = counts.is_object() ? counts.get_object() : EmptyObject();
    const auto name = partner_names.find(std::string(partner));
    h += "<tr><td>" +
         E(name == partner_names.end() || name->second.empty() ? std::string(partner)
                                                                : name->second) +
         "</td>";
    for (const std::string_view key : {"met", "partially_met", "not_met", "dropped"}) {
      h += "<td class=\"n\">" + E(FormatNumberFr(NumberAt(o, key).value_or(0), 0)) + "</td>";
    }
    h += "</tr>";
  }
  return h + "</table></section>";
}

std::string Integrity(const json::object& root) {
  const std::string position =
      root.contains("as_of_position") ? json::serialize(root.at("as_of_position")) : "N";
  std::string h = "<section><h2>Intégrité</h2><p>Les chiffres de ce rapport sont calculés à "
                  "partir des " + E(position) +
                  " premiers événements du journal. Le point de contrôle signé ci-dessous "
                  "(format C2SP tlog-checkpoint, signature Ed25519) engage le serveur sur "
                  "l'empreinte de ce journal : toute modification ou suppression ultérieure "
                  "d'un événement serait détectée.</p>";
  const std::string checkpoint = StringAt(root, "checkpoint");
  h += "<h3>Point de contrôle signé</h3><pre>" +
       E(checkpoint.empty() ? "(non disponible)" : checkpoint) + "</pre>";
  h += "<h3>Vérifier</h3><p>Recalculer l'arbre de Merkle à partir de chaque enregistrement et "
       "vérifier chaque point de contrôle stocké :</p><pre>vigie verify --data DIR</pre>"
       "<p>Prouver que le journal actuel prolonge celui de ce rapport, sans rien en retirer "
       "(preuve de cohérence RFC 9162 entre la taille " + E(position) +
       " et la taille actuelle) :</p><pre>vigie proof --data DIR --first " + E(position) +
       "</pre><p class=\"note\">DIR est le répertoire de données du serveur. La clé publique de "
       "vérification est servie par <code>GET /v1/audit/verifier-key</code>.</p></section>";
  return h;
}

}  // namespace

std::string RenderEvaluationHtml(const json::value& evaluation) {
  const json::object& root = evaluation.is_object() ? evaluation.get_object() : EmptyObject();
  Ctx c{root, {}, {}};
  for (const json::value& v : ArrayAt(root, "priorities")) {
    if (!v.is_object()) continue;
    const json::object& p = v.get_object();
    const auto number = NumberAt(p, "number");
    c.priority_titles[StringAt(p, "priority_id")] =
        "Priorité n°" + (number ? FormatNumberFr(*number, 0) : std::string("?")) + " : " +
        StringAt(p, "title");
    c.priority_numbers[StringAt(p, "priority_id")] = number.value_or(0);
  }
  const std::string year = root.contains("year") ? json::serialize(root.at("year")) : "";
  std::string h = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>Rapport d'évaluation " + E(year) + " — " +
                  E(StringAt(ObjectAt(root, "territory"), "name")) + "</title><style>" +
                  std::string(kStyle) + "</style></head><body>";
  h += Header(c);
  const json::object& statistics = ObjectAt(root, "statistics");
  h += "<section><h2>Bilan statistique</h2>" + YearTotals(statistics) + MonthlyCharts(statistics) +
       RecordedIndicators(root) + "</section>";
  h += Qualitative(root);
  h += Commitments(c);
  h += Integrity(root);
  h += "</body></html>\n";
  return h;
}

}  // namespace vigie::projections
