#pragma once
// Indented JSON for the answers the CLI prints for people to read (replay,
// report --format json). Boost.JSON 1.81 only serialises on one line.
// Pure and thread-safe.
#include <string>

#include <boost/json/value.hpp>

namespace vigie::tools {

// Two-space indentation, one member or element per line, a final newline.
std::string PrettyJson(const boost::json::value& value);

}  // namespace vigie::tools
