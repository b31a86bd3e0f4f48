#pragma once
// Reading a command body: one JSON object (RFC 8259, I-JSON rules).
//
// Refused with a problem answer, before the ledger sees anything:
//   413  more than `bytes_max` bytes
//   400  not JSON, invalid UTF-8, nesting deeper than `depth_max`, a
//        duplicate key in any object (I-JSON, RFC 7493 §2.3: which one
//        would win is the classic parser-differential trick), or a value
//        that is not an object
// Field names and types are the ledger's business: unknown fields pass
// through so that its error names them. Pure, thread-safe.
#include <boost/json/value.hpp>

#include "server/query_params.h"

namespace vigie::server {

struct JsonBodyLimits {
  std::size_t bytes_max = 1024 * 1024;
  std::size_t depth_max = 32;
};

Parsed<boost::json::value> ParseJsonObject(std::string_view body, const JsonBodyLimits& limits);

}  // namespace vigie::server
