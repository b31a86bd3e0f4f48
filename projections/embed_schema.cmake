# Writes OUTPUT, a C++ file defining vigie::projections::kEventsSchemaText
# as the text of INPUT (schemas/events.fbs).
file(READ ${INPUT} text)
file(WRITE ${OUTPUT}
  "// Generated from schemas/events.fbs by projections/embed_schema.cmake.\n"
  "#include <string_view>\n"
  "namespace vigie::projections {\n"
  "extern const std::string_view kEventsSchemaText;\n"
  "const std::string_view kEventsSchemaText = R\"vigie_fbs(${text})vigie_fbs\";\n"
  "}  // namespace vigie::projections\n")
