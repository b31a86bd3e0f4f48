#pragma once
// Stream names: one stream per entity, "<kind>-<id>" (ids are SPEC §2
// identifiers, so a name is at most 75 bytes). The territory, the charter
// and each closed list have one stream each. Situation decisions live in
// their situation's stream, cell decisions in "decision-<id>".
#include <string>
#include <string_view>

namespace vigie::projections::streams {

inline std::string Of(std::string_view kind, std::string_view id) {
  std::string name(kind);
  name += '-';
  name += id;
  return name;
}

inline const std::string kTerritory = "territory";
inline const std::string kCharter = "charter";
inline std::string Reference(std::string_view list) { return Of("reference", list); }
inline std::string Partner(std::string_view id) { return Of("partner", id); }
inline std::string Cell(std::string_view id) { return Of("cell", id); }
inline std::string Person(std::string_view id) { return Of("person", id); }
inline std::string Meeting(std::string_view id) { return Of("meeting", id); }
inline std::string Decision(std::string_view id) { return Of("decision", id); }
inline std::string Information(std::string_view id) { return Of("information", id); }
inline std::string Analysis(std::string_view id) { return Of("analysis", id); }
inline std::string Control(std::string_view id) { return Of("control", id); }
inline std::string Situation(std::string_view id) { return Of("situation", id); }
inline std::string Priority(std::string_view id) { return Of("priority", id); }
inline std::string Commitment(std::string_view id) { return Of("commitment", id); }
inline std::string Amendment(std::string_view id) { return Of("amendment", id); }
inline std::string Indicator(std::string_view id) { return Of("indicator", id); }

}  // namespace vigie::projections::streams
