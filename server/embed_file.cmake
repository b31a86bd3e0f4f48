# cmake -DINPUT=<file> -DOUTPUT=<file.cc> -DNAMESPACE=<ns> -DFUNCTION=<name> -P embed_file.cmake
#
# Writes a translation unit defining `std::string_view <ns>::<name>()` that
# returns INPUT's bytes, so a document ships inside the binary. Bytes are
# written as hex escapes: any content embeds, whatever quotes it holds.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
set(lines "")
set(offset 0)
# 32 bytes (64 hex digits) per source line.
while(offset LESS hex_length)
  string(SUBSTRING "${content}" ${offset} 64 chunk)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" chunk "${chunk}")
  string(APPEND lines "    \"${chunk}\"\n")
  math(EXPR offset "${offset} + 64")
endwhile()
if(lines STREQUAL "")
  set(lines "    \"\"\n")
endif()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by embed_file.cmake; do not edit.
#include <string_view>

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr char kBytes[] =
${lines}  ;
  return std::string_view(kBytes, ${byte_count});
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
