#include "tools/json_pretty.h"

#include <boost/json.hpp>

namespace vigie::tools {
namespace {

void Write(const boost::json::value& value, int depth, std::string& out) {
  const auto indent = [&](int d) { out.append(static_cast<std::size_t>(d) * 2, ' '); };
  if (value.is_object()) {
    const auto& object = value.get_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : object) {
      if (!first) out += ",\n";
      first = false;
      indent(depth + 1);
      out += boost::json::serialize(boost::json::value(kv.key()));
      out += ": ";
      Write(kv.value(), depth + 1, out);
    }
    out += "\n";
    indent(depth);
    out += "}";
  } else if (value.is_array()) {
    const auto& array = value.get_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& element : array) {
      if (!first) out += ",\n";
      first = false;
      indent(depth + 1);
      Write(element, depth + 1, out);
    }
    out += "\n";
    indent(depth);
    out += "]";
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace

std::string PrettyJson(const boost::json::value& value) {
  std::string out;
  Write(value, 0, out);
  out += "\n";
  return out;
}

}  // namespace vigie::tools
